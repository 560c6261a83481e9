package textio

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
)

// ErrEncoding is wrapped by the error for input whose bytes stop decoding
// part-way, such as a UTF-16 file truncated in the middle of a character.
var ErrEncoding = errors.New("malformed text encoding")

// Encoding is the character encoding found from an input's bytes.
type Encoding uint8

const (
	// UTF8 is UTF-8 (or ASCII) without a byte-order mark.
	UTF8 Encoding = iota
	// UTF8BOM is UTF-8 with a byte-order mark.
	UTF8BOM
	// UTF16LE is little-endian UTF-16 with a byte-order mark.
	UTF16LE
	// UTF16LENoBOM is little-endian UTF-16 recognised by its NUL bytes.
	UTF16LENoBOM
	// UTF16BE is big-endian UTF-16 with a byte-order mark.
	UTF16BE
	// UTF16BENoBOM is big-endian UTF-16 recognised by its NUL bytes.
	UTF16BENoBOM
)

// String names the encoding for the scan summary; the names are stable.
func (e Encoding) String() string {
	switch e {
	case UTF8:
		return "utf-8"
	case UTF8BOM:
		return "utf-8 (bom)"
	case UTF16LE:
		return "utf-16le (bom)"
	case UTF16LENoBOM:
		return "utf-16le"
	case UTF16BE:
		return "utf-16be (bom)"
	case UTF16BENoBOM:
		return "utf-16be"
	}
	return fmt.Sprintf("Encoding(%d)", uint8(e))
}

// UTF16 reports whether the encoding is UTF-16, with or without a mark.
func (e Encoding) UTF16() bool { return e >= UTF16LE }

// BigEndian reports whether the encoding is big-endian UTF-16.
func (e Encoding) BigEndian() bool { return e == UTF16BE || e == UTF16BENoBOM }

// UTF8BOM is the UTF-8 byte-order mark, which Windows tools write at the
// start of a file and which concatenated files carry mid-stream.
var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// TrimBOM removes a UTF-8 byte-order mark from the start of b.
func TrimBOM(b []byte) []byte { return bytes.TrimPrefix(b, utf8BOM) }

// SniffLen is how much of an input Sniff looks at past a byte-order mark:
// a few hundred bytes of text tell UTF-16 from UTF-8.
const SniffLen = 512

// Sniff decides the encoding from the first bytes and says how many bytes
// of byte-order mark to skip. binary reports NUL bytes that do not fall in
// the regular pattern UTF-16 leaves in ASCII text.
func Sniff(head []byte) (enc Encoding, bom int, binary bool) {
	switch {
	case bytes.HasPrefix(head, utf8BOM):
		return UTF8BOM, 3, false
	case bytes.HasPrefix(head, []byte{0xFF, 0xFE}):
		return UTF16LE, 2, false
	case bytes.HasPrefix(head, []byte{0xFE, 0xFF}):
		return UTF16BE, 2, false
	}
	if len(head) > SniffLen {
		head = head[:SniffLen]
	}
	var zeroEven, zeroOdd int
	for i, b := range head {
		if b != 0 {
			continue
		}
		if i%2 == 0 {
			zeroEven++
		} else {
			zeroOdd++
		}
	}
	pairs := len(head) / 2
	switch {
	case zeroEven+zeroOdd == 0:
		return UTF8, 0, false
	// ASCII text in UTF-16 puts a NUL in (nearly) every other byte and none
	// in the others; Windows PowerShell writes UTF-16 LE without a BOM when
	// asked for "Unicode" by some paths, and the extended report never has one.
	case pairs > 0 && zeroOdd*5 >= pairs*2 && zeroEven*10 <= pairs:
		return UTF16LENoBOM, 0, false
	case pairs > 0 && zeroEven*5 >= pairs*2 && zeroOdd*10 <= pairs:
		return UTF16BENoBOM, 0, false
	}
	return UTF8, 0, true
}

// DecodeHead transcodes a sniffed prefix to UTF-8 for recognising its
// content: the byte-order mark is dropped, and a code unit or surrogate
// pair cut off at the end is ignored.
func DecodeHead(head []byte, enc Encoding, bom int) []byte {
	head = head[bom:]
	if !enc.UTF16() {
		return head
	}
	d := decoder{bigEndian: enc.BigEndian()}
	d.decode(head[:len(head)&^1])
	return d.out
}

// Decode returns a whole small text as UTF-8 without a byte-order mark,
// decoding it by its mark: UTF-16 with a mark is transcoded (an odd last
// byte is dropped), UTF-8 loses its mark, anything else is returned as is.
// Windows PowerShell 5 writes "cmd > file" as UTF-16 with a mark.
func Decode(b []byte) []byte {
	switch {
	case bytes.HasPrefix(b, utf8BOM):
		return b[3:]
	case bytes.HasPrefix(b, []byte{0xFF, 0xFE}):
		return AppendUTF16(nil, b[2:], false)
	case bytes.HasPrefix(b, []byte{0xFE, 0xFF}):
		return AppendUTF16(nil, b[2:], true)
	}
	return b
}

// AppendUTF16 appends the UTF-8 form of the UTF-16 text b to dst. Every
// unpaired surrogate becomes U+FFFD, as unicode/utf16.Decode does; an odd
// last byte is dropped.
func AppendUTF16(dst, b []byte, bigEndian bool) []byte {
	d := decoder{bigEndian: bigEndian, out: dst}
	d.decode(b[:len(b)&^1])
	d.end()
	return d.out
}

// DecodeUTF16 returns the UTF-16 text b as a string, decoded as AppendUTF16
// does.
func DecodeUTF16(b []byte, bigEndian bool) string {
	lo, hi := 0, 1 // byte offsets of a unit's low and high halves
	if bigEndian {
		lo, hi = 1, 0
	}
	n := len(b) / 2
	if !isASCII16(b[:2*n], lo, hi) {
		// Room for the worst case up front: decoding then never grows it.
		return string(AppendUTF16(make([]byte, 0, n*3+4), b, bigEndian))
	}
	// Nearly every value in a log is ASCII: built in place, the string is
	// its only allocation.
	var sb strings.Builder
	sb.Grow(n)
	for i := lo; i < 2*n; i += 2 {
		sb.WriteByte(b[i])
	}
	return sb.String()
}

// isASCII16 reports whether every code unit of b is below 0x80.
func isASCII16(b []byte, lo, hi int) bool {
	for i := 0; i+1 < len(b); i += 2 {
		if b[i+hi] != 0 || b[i+lo] >= 0x80 {
			return false
		}
	}
	return true
}
