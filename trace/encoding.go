package trace

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"slices"
	"unicode/utf8"
)

// ErrEncoding is wrapped by the error for input whose bytes stop decoding
// part-way, such as a UTF-16 file truncated in the middle of a character.
// (Input that is binary from the start is ErrUnknownFormat.)
var ErrEncoding = errors.New("malformed text encoding")

// sniffLen is how much of the input decides the encoding: the header alone is
// ASCII in every dialect, so a few hundred bytes are plenty.
const sniffLen = 512

// sniffEncoding decides the encoding from the first bytes and says how many
// bytes of byte-order mark to skip. binary reports NUL bytes that do not fall
// in the regular pattern UTF-16 leaves in ASCII text.
func sniffEncoding(head []byte) (enc Encoding, bom int, binary bool) {
	switch {
	case bytes.HasPrefix(head, []byte{0xEF, 0xBB, 0xBF}):
		return EncodingUTF8BOM, 3, false
	case bytes.HasPrefix(head, []byte{0xFF, 0xFE}):
		return EncodingUTF16LE, 2, false
	case bytes.HasPrefix(head, []byte{0xFE, 0xFF}):
		return EncodingUTF16BE, 2, false
	}
	if len(head) > sniffLen {
		head = head[:sniffLen]
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
		return EncodingUTF8, 0, false
	// ASCII text in UTF-16 puts a NUL in (nearly) every other byte and none
	// in the others; Windows PowerShell writes UTF-16 LE without a BOM when
	// asked for "Unicode" by some paths, and the extended report never has one.
	case pairs > 0 && zeroOdd*5 >= pairs*2 && zeroEven*10 <= pairs:
		return EncodingUTF16LENoBOM, 0, false
	case pairs > 0 && zeroEven*5 >= pairs*2 && zeroOdd*10 <= pairs:
		return EncodingUTF16BENoBOM, 0, false
	}
	return EncodingUTF8, 0, true
}

// utf16Reader transcodes a UTF-16 stream to UTF-8 as it is read, so a large
// extended report is never held in memory. Unpaired surrogates become U+FFFD
// and are counted in bad; an odd trailing byte is reported as ErrEncoding
// after everything before it has been delivered.
type utf16Reader struct {
	r         io.Reader
	bigEndian bool
	in        []byte
	n         int // valid bytes in in
	out       []byte
	off       int // read position in out
	high      rune
	hasHigh   bool
	consumed  int64   // input bytes decoded, for error messages
	produced  int64   // output bytes handed out before the current u.out
	badAt     []int64 // output offsets of replaced units not yet reported
	badMore   int64   // replaced units beyond badAt's cap
	err       error
}

// maxBadAt bounds the offsets remembered: in a file full of bad units the
// later ones are still counted, just without their line.
const maxBadAt = 1024

// replace writes U+FFFD for an invalid unit and remembers where.
func (u *utf16Reader) replace() {
	if len(u.badAt) < maxBadAt {
		u.badAt = append(u.badAt, u.produced+int64(len(u.out)))
	} else {
		u.badMore++
	}
	u.out = utf8.AppendRune(u.out, utf8.RuneError)
}

// takeBad counts and forgets the replacements before output offset off.
func (u *utf16Reader) takeBad(off int64) int64 {
	n := 0
	for n < len(u.badAt) && u.badAt[n] < off {
		n++
	}
	u.badAt = u.badAt[n:]
	if len(u.badAt) == 0 && n > 0 {
		u.badAt = nil // let the backing array go
	}
	more := int64(0)
	if len(u.badAt) == 0 {
		more, u.badMore = u.badMore, 0
	}
	return int64(n) + more
}

func newUTF16Reader(r io.Reader, bigEndian bool) *utf16Reader {
	return &utf16Reader{r: r, bigEndian: bigEndian, in: make([]byte, 32<<10)}
}

// Read implements io.Reader.
func (u *utf16Reader) Read(p []byte) (int, error) {
	for u.off == len(u.out) {
		if u.err != nil {
			return 0, u.err
		}
		u.fill()
	}
	n := copy(p, u.out[u.off:])
	u.off += n
	return n, nil
}

// fill reads one block of input and decodes every whole code unit in it.
func (u *utf16Reader) fill() {
	u.produced += int64(len(u.out))
	u.out, u.off = u.out[:0], 0
	m, err := io.ReadAtLeast(u.r, u.in[u.n:], 2)
	u.n += m
	whole := u.n &^ 1
	u.decode(u.in[:whole])
	u.consumed += int64(whole)
	u.n = copy(u.in, u.in[whole:u.n])
	if err == nil {
		return
	}
	if err != io.EOF && err != io.ErrUnexpectedEOF {
		u.err = err
		return
	}
	if u.hasHigh {
		u.replace()
		u.hasHigh = false
	}
	u.err = io.EOF
	if u.n != 0 {
		u.err = fmt.Errorf("%w: UTF-16 input ends in an odd byte at offset %d (truncated file?)", ErrEncoding, u.consumed)
	}
}

// decode appends the UTF-8 form of whole code units to u.out. Exports are
// nearly all ASCII, so four code units at a time are checked with one 64-bit
// mask and copied without branching per byte; anything else goes unit by unit.
func (u *utf16Reader) decode(b []byte) {
	u.out = slices.Grow(u.out, len(b)/2*3+4)
	out := u.out[:cap(u.out)]
	j := len(u.out)
	lo, hi := 0, 1 // byte offsets of a unit's low and high halves
	mask := uint64(0xFF80FF80FF80FF80)
	if u.bigEndian {
		lo, hi, mask = 1, 0, 0x80FF80FF80FF80FF
	}
	i := 0
	for i+1 < len(b) {
		if !u.hasHigh && i+8 <= len(b) && binary.LittleEndian.Uint64(b[i:])&mask == 0 {
			out[j], out[j+1], out[j+2], out[j+3] = b[i+lo], b[i+2+lo], b[i+4+lo], b[i+6+lo]
			i, j = i+8, j+4
			continue
		}
		c := rune(b[i+lo]) | rune(b[i+hi])<<8
		i += 2
		if c < 0x80 && !u.hasHigh {
			out[j] = byte(c)
			j++
			continue
		}
		u.out = out[:j]
		u.unit(c)
		out, j = u.out[:cap(u.out)], len(u.out) // unit may have grown u.out
	}
	u.out = out[:j]
}

// unit handles a non-ASCII code unit, pairing surrogates across calls.
func (u *utf16Reader) unit(c rune) {
	switch {
	case c >= 0xD800 && c < 0xDC00:
		if u.hasHigh {
			u.replace()
		}
		u.high, u.hasHigh = c, true
		return
	case c >= 0xDC00 && c < 0xE000:
		if !u.hasHigh {
			u.replace()
			return
		}
		u.hasHigh = false
		u.out = utf8.AppendRune(u.out, 0x10000+(u.high-0xD800)<<10+(c-0xDC00))
		return
	}
	if u.hasHigh {
		u.replace()
		u.hasHigh = false
	}
	u.out = utf8.AppendRune(u.out, c)
}

// decodeHead transcodes a sniffed prefix for Sniff, ignoring a cut-off end.
func decodeHead(head []byte, enc Encoding, bom int) []byte {
	head = head[bom:]
	if !enc.utf16() {
		return head
	}
	u := &utf16Reader{bigEndian: enc == EncodingUTF16BE || enc == EncodingUTF16BENoBOM}
	u.decode(head[:len(head)&^1])
	return u.out
}
