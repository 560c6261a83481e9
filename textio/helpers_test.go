package textio

import (
	"encoding/binary"
	"unicode/utf16"
)

// encodeUTF16 writes s as UTF-16 in the given byte order, with or without BOM.
func encodeUTF16(s string, bigEndian, bom bool) []byte {
	units := utf16.Encode([]rune(s))
	if bom {
		units = append([]uint16{0xFEFF}, units...)
	}
	return unitBytes(units, bigEndian)
}

// unitBytes writes code units as they are, valid or not.
func unitBytes(units []uint16, bigEndian bool) []byte {
	out := make([]byte, 2*len(units))
	order := binary.ByteOrder(binary.LittleEndian)
	if bigEndian {
		order = binary.BigEndian
	}
	for i, u := range units {
		order.PutUint16(out[2*i:], u)
	}
	return out
}

// stdDecode is the standard library's decoding of b, the reference the
// decoder here must agree with.
func stdDecode(b []byte, bigEndian bool) string {
	order := binary.ByteOrder(binary.LittleEndian)
	if bigEndian {
		order = binary.BigEndian
	}
	units := make([]uint16, len(b)/2)
	for i := range units {
		units[i] = order.Uint16(b[2*i:])
	}
	return string(utf16.Decode(units))
}
