package evtx

import (
	"encoding/binary"
	"math/rand"
	"reflect"
	"testing"
	"unicode/utf16"
)

// refUTF16String and refUTF16Array are the conversions through []uint16
// and []rune that decodeUTF16 replaced: the one-pass decoder must give
// the same strings.
func refUTF16String(b []byte) string {
	u := refUnits(b)
	for len(u) > 0 && u[len(u)-1] == 0 {
		u = u[:len(u)-1]
	}
	return string(utf16.Decode(u))
}

func refUTF16Array(b []byte) []string {
	u := refUnits(b)
	if len(u) > 0 && u[len(u)-1] == 0 {
		u = u[:len(u)-1]
	}
	var out []string
	start := 0
	for i, c := range u {
		if c == 0 {
			out = append(out, string(utf16.Decode(u[start:i])))
			start = i + 1
		}
	}
	return append(out, string(utf16.Decode(u[start:])))
}

func refUnits(b []byte) []uint16 {
	u := make([]uint16, len(b)/2)
	for i := range u {
		u[i] = binary.LittleEndian.Uint16(b[2*i:])
	}
	return u
}

func checkUTF16(t *testing.T, b []byte) {
	t.Helper()
	if got, want := utf16String(b), refUTF16String(b); got != want {
		t.Fatalf("utf16String(% x) = %q, want %q", b, got, want)
	}
	if got, want := utf16Array(b), refUTF16Array(b); !reflect.DeepEqual(got, want) {
		t.Fatalf("utf16Array(% x) = %q, want %q", b, got, want)
	}
}

func TestDecodeUTF16(t *testing.T) {
	for _, s := range []string{"", "a", "Microsoft-Exchange-HighAvailability", "Jörg Ångström", "日本語", "😀 emoji", "a\x00b\x00\x00c", "\x00\x00"} {
		checkUTF16(t, utf16LE(s))
		checkUTF16(t, append(utf16LE(s), 0, 0, 0, 0))
		checkUTF16(t, append(utf16LE(s), 'x')) // an odd byte
	}
	for _, b := range [][]byte{
		{0x3d, 0xd8},             // a high surrogate alone
		{0x3d, 0xd8, 0x41, 0x00}, // followed by a letter
		{0x00, 0xde, 0x3d, 0xd8}, // low before high
		{0x3d, 0xd8, 0x3d, 0xd8, 0x00, 0xde},
	} {
		checkUTF16(t, b)
	}
	rng := rand.New(rand.NewSource(1))
	units := []uint16{0, 'a', 'Z', 0x7f, 0x80, 0xe9, 0x65e5, 0xd83d, 0xde00, 0xdbff, 0xdc00, 0xfffd, 0xffff}
	for n := 0; n < 5000; n++ {
		b := make([]byte, 2*rng.Intn(12)+rng.Intn(2))
		for i := 0; i+1 < len(b); i += 2 {
			binary.LittleEndian.PutUint16(b[i:], units[rng.Intn(len(units))])
		}
		checkUTF16(t, b)
	}
}

func FuzzDecodeUTF16(f *testing.F) {
	f.Add(utf16LE("Jörg 😀"))
	f.Add([]byte{0x3d, 0xd8, 0x41})
	f.Fuzz(func(t *testing.T, b []byte) { checkUTF16(t, b) })
}
