package eventexport

import (
	"bytes"
	"fmt"
	"github.com/extriage/extriage/evtx"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
)

// readAll reads an export held in memory and keeps copies of its records.
func readAll(t testing.TB, data []byte) ([]Record, Stats, error) {
	t.Helper()
	var recs []Record
	st, err := Read("sample", bytes.NewReader(data), func(r *Record) {
		c := *r
		c.Values = append([]evtxValue(nil), r.Values...)
		recs = append(recs, c)
	})
	return recs, st, err
}

// encode writes s in one of the encodings an export arrives in.
func encode(t testing.TB, s string, e Encoding) []byte {
	t.Helper()
	var out []byte
	var err error
	switch e {
	case UTF8:
		return []byte(s)
	case UTF8BOM:
		return append([]byte{0xEF, 0xBB, 0xBF}, s...)
	case UTF16LE:
		out, err = unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().Bytes([]byte(s))
	case UTF16BE:
		out, err = unicode.UTF16(unicode.BigEndian, unicode.UseBOM).NewEncoder().Bytes([]byte(s))
	case UTF16LENoBOM:
		out, err = unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM).NewEncoder().Bytes([]byte(s))
	case UTF16BENoBOM:
		out, err = unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM).NewEncoder().Bytes([]byte(s))
	case Windows1252:
		out, err = charmap.Windows1252.NewEncoder().Bytes([]byte(s))
	}
	if err != nil {
		t.Fatalf("encoding the sample as %v: %v", e, err)
	}
	return out
}

// valuesText renders values as name=value lines, for readable failures.
func valuesText(vs []evtxValue) string {
	var b strings.Builder
	for _, v := range vs {
		b.WriteString(v.Name + "=" + v.Value + "\n")
	}
	return b.String()
}

type evtxValue = evtx.Value

// systemText renders a record's System fields and line, for comparing.
func systemText(r Record) string {
	return fmt.Sprintf("file=%s line=%d record=%d time=%s computer=%s channel=%s provider=%s id=%d level=%d",
		r.File, r.Line, r.RecordID, r.Time.UTC().Format(time.RFC3339Nano), r.Computer, r.Channel, r.Provider, r.EventID, r.Level)
}
