package textio

import (
	"bytes"
	"io"
	"testing"
	"testing/iotest"
)

// FuzzUTF16 checks the one UTF-16 decoder against unicode/utf16 and the
// stream against the whole buffer, on any bytes, in both byte orders.
func FuzzUTF16(f *testing.F) {
	for _, seed := range [][]byte{
		encodeUTF16("date_time_utc,event_id\r\n", false, true),
		encodeUTF16("SERVER3 é 😀", true, false),
		unitBytes([]uint16{0xD800, 'x', 0xDC00, 0xD83D}, false),
		{0x41},
	} {
		f.Add(seed, false)
	}
	f.Fuzz(func(t *testing.T, data []byte, bigEndian bool) {
		whole := AppendUTF16(nil, data, bigEndian)
		if string(whole) != stdDecode(data, bigEndian) {
			t.Fatalf("AppendUTF16 %q, unicode/utf16 %q", whole, stdDecode(data, bigEndian))
		}
		if s := DecodeUTF16(data, bigEndian); s != string(whole) {
			t.Fatalf("DecodeUTF16 %q, AppendUTF16 %q", s, whole)
		}
		streamed, err := io.ReadAll(NewUTF16Reader(iotest.HalfReader(bytes.NewReader(data)), bigEndian, 0))
		if !bytes.Equal(streamed, whole) {
			t.Fatalf("stream %q, whole %q", streamed, whole)
		}
		if (err != nil) != (len(data)%2 == 1) {
			t.Fatalf("error %v for %d bytes", err, len(data))
		}
		enc, bom, _ := Sniff(data)
		DecodeHead(data, enc, bom)
		Decode(data)
	})
}

// FuzzCSVReader reads any text as records: it never panics, lines only go
// forward, every byte is consumed, and a damaged record has no fields.
func FuzzCSVReader(f *testing.F) {
	for _, seed := range []string{
		"\"a\",\"b\"\r\n\"1\",\"two\r\nlines\"\r\n",
		"#Fields: date-time,client-ip\r\n2024-02-03T09:00:00.000Z,\"10.0.0.1\r\n",
		"a;\"b\"c;\"\n\n\xEF\xBB\xBF\"x",
	} {
		f.Add(seed, true, false)
	}
	f.Fuzz(func(t *testing.T, in string, multiline, comments bool) {
		rr := NewCSVReader(bytes.NewReader([]byte(in)), 64)
		rr.Multiline, rr.Comments, rr.CheckUTF8 = multiline, comments, true
		rr.Delim = SniffDelimiter([]byte(in))
		last := int64(0)
		for {
			rec, err := rr.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("a read error from memory: %v", err)
			}
			if rec.Line <= last || rec.Line > rr.Line() {
				t.Fatalf("record at line %d after line %d, %d lines read", rec.Line, last, rr.Line())
			}
			if rec.Problem != "" && rec.Fields != nil {
				t.Fatalf("damaged record with fields: %+v", rec)
			}
			last = rec.Line
		}
		if rr.Offset() != int64(len(in)) {
			t.Fatalf("%d of %d bytes consumed", rr.Offset(), len(in))
		}
	})
}
