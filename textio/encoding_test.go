package textio

import (
	"bytes"
	"testing"
)

func TestSniff(t *testing.T) {
	text := "date_time_utc,event_id\r\n"
	tests := []struct {
		name   string
		in     []byte
		want   Encoding
		bom    int
		binary bool
	}{
		{"ascii", []byte(text), UTF8, 0, false},
		{"utf-8 bom", append([]byte{0xEF, 0xBB, 0xBF}, text...), UTF8BOM, 3, false},
		{"utf-16le bom", encodeUTF16(text, false, true), UTF16LE, 2, false},
		{"utf-16le", encodeUTF16(text, false, false), UTF16LENoBOM, 0, false},
		{"utf-16be bom", encodeUTF16(text, true, true), UTF16BE, 2, false},
		{"utf-16be", encodeUTF16(text, true, false), UTF16BENoBOM, 0, false},
		{"utf-16le odd head", encodeUTF16(text, false, false)[:9], UTF16LENoBOM, 0, false},
		{"nul junk", []byte("ab\x00\x00cd\x00x\x00\x00\x00\x00zz"), UTF8, 0, true},
	}
	for _, tc := range tests {
		enc, bom, bin := Sniff(tc.in)
		if enc != tc.want || bom != tc.bom || bin != tc.binary {
			t.Errorf("%s: got %v bom %d binary %v", tc.name, enc, bom, bin)
		}
	}
}

// The decoder agrees with unicode/utf16 on valid and invalid text, in
// both byte orders: every unpaired surrogate is one U+FFFD.
func TestAppendUTF16(t *testing.T) {
	tests := []struct {
		name  string
		units []uint16
		want  string
	}{
		{"ascii, past one 8-byte block", []uint16{'D', 'B', '1', '\\', 'S', 'E', 'R', 'V', 'E', 'R', '3'}, `DB1\SERVER3`},
		{"latin and cjk", []uint16{0xE9, 0x4E2D, 'x'}, "é中x"},
		{"surrogate pair", []uint16{0xD83D, 0xDE00}, "😀"},
		{"lone high at the end", []uint16{'a', 0xD83D}, "a\uFFFD"},
		{"lone low", []uint16{0xDE00, 'b'}, "\uFFFDb"},
		{"two highs then a low", []uint16{0xD83D, 0xD83D, 0xDE00}, "\uFFFD😀"},
		{"high then ascii", []uint16{0xD83D, 'c', 'd', 'e', 'f', 'g'}, "\uFFFDcdefg"},
		{"NUL kept", []uint16{'a', 0, 'b'}, "a\x00b"},
		{"empty", nil, ""},
		{"0x80 is not ascii", []uint16{'a', 0x80}, "a\u0080"},
		{"0x100 is not ascii", []uint16{0x100, 'b'}, "\u0100b"},
	}
	for _, tt := range tests {
		for _, be := range []bool{false, true} {
			b := unitBytes(tt.units, be)
			got := string(AppendUTF16(nil, b, be))
			if s := DecodeUTF16(b, be); s != got {
				t.Errorf("%s (big-endian %v): DecodeUTF16 %q, AppendUTF16 %q", tt.name, be, s, got)
			}
			if got != tt.want || got != stdDecode(b, be) {
				t.Errorf("%s (big-endian %v): %q, want %q (unicode/utf16: %q)", tt.name, be, got, tt.want, stdDecode(b, be))
			}
		}
	}
	if got := string(AppendUTF16([]byte("pre:"), []byte{'a', 0, 'b'}, false)); got != "pre:a" {
		t.Errorf("appended with an odd last byte: %q", got)
	}
	if got := DecodeUTF16([]byte{'a', 0, 'b'}, false); got != "a" {
		t.Errorf("decoded with an odd last byte: %q", got)
	}
}

// Decode reads a small file by its mark, as PowerShell 5 writes "> file".
func TestDecode(t *testing.T) {
	text := `{"schema_version": 1, "id": "é"}`
	for name, in := range map[string][]byte{
		"utf-16le bom": encodeUTF16(text, false, true),
		"utf-16be bom": encodeUTF16(text, true, true),
		"utf-8 bom":    append([]byte{0xEF, 0xBB, 0xBF}, text...),
		"utf-8":        []byte(text),
	} {
		if got := string(Decode(in)); got != text {
			t.Errorf("%s: %q", name, got)
		}
	}
}

// DecodeHead ignores a code unit cut off by the end of the head.
func TestDecodeHead(t *testing.T) {
	data := encodeUTF16("date_time_utc,event_id", false, true)
	enc, bom, _ := Sniff(data)
	if got := string(DecodeHead(data[:len(data)-3], enc, bom)); got != "date_time_utc,event_" {
		t.Errorf("%q", got)
	}
	if got := DecodeHead([]byte("\xEF\xBB\xBFab"), UTF8BOM, 3); !bytes.Equal(got, []byte("ab")) {
		t.Errorf("%q", got)
	}
}
