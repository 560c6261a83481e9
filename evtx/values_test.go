package evtx

import (
	"path/filepath"
	"slices"
	"testing"
)

// TestFormatValue covers the values golang-evtx mangles (docs/evtx-format.md):
// each case is one of its defects, decoded right here.
func TestFormatValue(t *testing.T) {
	u16 := func(s string) []byte {
		var b []byte
		for _, r := range s {
			b = append(b, byte(r), 0)
		}
		return b
	}
	tests := []struct {
		name string
		typ  byte
		b    []byte
		want string
	}{
		{"string array keeps empty members", typeString | typeArrayFlag, u16("a\x00\x00c\x00"), "a,,c"},
		{"ansi string is text, not bytes", typeAnsi, []byte("DB1\x00"), "DB1"},
		{"bool 2 is true", typeBool, []byte{2, 0, 0, 0}, "true"},
		{"bool 0 is false", typeBool, []byte{0, 0, 0, 0}, "false"},
		{"size_t is hex", typeSizeT, []byte{0x10, 0, 0, 0, 0, 0, 0, 0}, "0x10"},
		{"systemtime milliseconds", typeSysTime, []byte{0xe8, 7, 2, 0, 1, 0, 12, 0, 6, 0, 0, 0, 0, 0, 0xf4, 1}, "2024-02-12T06:00:00.5Z"},
		{"int8 array is numbers, not strings", typeInt8 | typeArrayFlag, []byte{1, 0xff}, "1,-1"},
		{"filetime is UTC", typeFileTime, []byte{0x00, 0x40, 0x6d, 0x25, 0xeb, 0x53, 0xbf, 0x01}, "2000-01-01T00:00:00Z"},
		{"guid", typeGUID, []byte{0x78, 0x56, 0x34, 0x12, 0x34, 0x12, 0x34, 0x12, 0x12, 0x34, 1, 2, 3, 4, 5, 6}, "{12345678-1234-1234-1234-010203040506}"},
		{"sid", typeSID, []byte{1, 1, 0, 0, 0, 0, 0, 5, 18, 0, 0, 0}, "S-1-5-18"},
	}
	for _, tt := range tests {
		if got := formatValue(tt.typ, tt.b); got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.name, got, tt.want)
		}
	}
}

// TestStringArrayPositions reads the generated Application log, whose
// classic MSExchangeRepl events keep their strings in one string array
// with empty members: positions must survive.
func TestStringArrayPositions(t *testing.T) {
	path := filepath.Join("..", "fixtures", "evtx", "negative-service-started", "SERVER5", "Application.evtx")
	var withEmpty int
	st, err := ReadFile(path, Options{}, func(ev *Event) {
		if ev.Provider == "MSExchangeRepl" && slices.ContainsFunc(ev.Values, func(v Value) bool { return v.Value == "" }) {
			withEmpty++
		}
	})
	if err != nil || st.Damaged() {
		t.Fatalf("err %v, problems %v", err, st.Problems)
	}
	if withEmpty == 0 {
		t.Error("no MSExchangeRepl event kept an empty string-array member")
	}
}
