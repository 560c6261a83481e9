package textio

import (
	"bytes"
	"errors"
	"io"
	"slices"
	"strings"
	"testing"
	"testing/iotest"
)

// The stream decodes as the whole buffer does, however the input arrives:
// surrogate pairs split across reads and across the 32 KiB blocks.
func TestUTF16Reader(t *testing.T) {
	text := strings.Repeat("SERVER3 é 😀 中,", 3000) // > 32 KiB of UTF-16
	for _, be := range []bool{false, true} {
		data := encodeUTF16(text, be, false)
		for name, r := range map[string]io.Reader{
			"whole":    bytes.NewReader(data),
			"one byte": iotest.OneByteReader(bytes.NewReader(data)),
			"half":     iotest.HalfReader(bytes.NewReader(data)),
		} {
			got, err := io.ReadAll(NewUTF16Reader(r, be, 0))
			if err != nil || string(got) != text {
				t.Errorf("%s (big-endian %v): %d bytes, %v", name, be, len(got), err)
			}
		}
	}
}

// A stream cut inside a code unit delivers everything before the cut, then
// ErrEncoding with the input's offset, counting the mark before it.
func TestUTF16ReaderOddEnd(t *testing.T) {
	data := encodeUTF16("line one\r\nline two", false, false)
	data = data[:len(data)-1]
	got, err := io.ReadAll(NewUTF16Reader(bytes.NewReader(data), false, 2))
	if string(got) != "line one\r\nline tw" || !errors.Is(err, ErrEncoding) || !strings.Contains(err.Error(), "offset 36") {
		t.Errorf("%q, %v", got, err)
	}
}

// Replacements are counted by their offset in the output, so a reader can
// name the line that held them.
func TestUTF16ReaderTakeBad(t *testing.T) {
	units := []uint16{'o', 'k', '\n', 0xD800, 'x', '\n', 'o', 'k', '\n', 0xDC00, 0xDC00, '\n'}
	r := NewUTF16Reader(bytes.NewReader(unitBytes(units, false)), false, 0)
	out, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(string(out), "\n")
	var off int64
	var got []int64
	for _, l := range lines[:4] {
		off += int64(len(l))
		got = append(got, r.TakeBad(off))
	}
	if want := []int64{0, 1, 0, 2}; !slices.Equal(got, want) {
		t.Errorf("replacements per line %v, want %v (output %q)", got, want, out)
	}
}
