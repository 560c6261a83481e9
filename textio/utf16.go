package textio

import (
	"encoding/binary"
	"fmt"
	"io"
	"slices"
	"unicode/utf8"
)

// decoder turns UTF-16 code units into UTF-8, pairing surrogates across
// calls. With track set it remembers where it wrote U+FFFD, so a reader can
// name the line of each replacement.
type decoder struct {
	bigEndian bool
	track     bool
	out       []byte
	high      rune
	hasHigh   bool
	produced  int64   // output bytes handed out before the current out
	badAt     []int64 // output offsets of replaced units not yet reported
	badMore   int64   // replaced units beyond badAt's cap
}

// maxBadAt bounds the offsets remembered: in a file full of bad units the
// later ones are still counted, just without their line.
const maxBadAt = 1024

// replace writes U+FFFD for an invalid unit and remembers where.
func (d *decoder) replace() {
	if d.track {
		if len(d.badAt) < maxBadAt {
			d.badAt = append(d.badAt, d.produced+int64(len(d.out)))
		} else {
			d.badMore++
		}
	}
	d.out = utf8.AppendRune(d.out, utf8.RuneError)
}

// decode appends the UTF-8 form of whole code units to d.out. Exports are
// nearly all ASCII, so four code units at a time are checked with one 64-bit
// mask and copied without branching per byte; anything else goes unit by unit.
func (d *decoder) decode(b []byte) {
	d.out = slices.Grow(d.out, len(b)/2*3+4)
	out := d.out[:cap(d.out)]
	j := len(d.out)
	lo, hi := 0, 1 // byte offsets of a unit's low and high halves
	mask := uint64(0xFF80FF80FF80FF80)
	if d.bigEndian {
		lo, hi, mask = 1, 0, 0x80FF80FF80FF80FF
	}
	i := 0
	for i+1 < len(b) {
		if !d.hasHigh && i+8 <= len(b) && binary.LittleEndian.Uint64(b[i:])&mask == 0 {
			out[j], out[j+1], out[j+2], out[j+3] = b[i+lo], b[i+2+lo], b[i+4+lo], b[i+6+lo]
			i, j = i+8, j+4
			continue
		}
		c := rune(b[i+lo]) | rune(b[i+hi])<<8
		i += 2
		if c < 0x80 && !d.hasHigh {
			out[j] = byte(c)
			j++
			continue
		}
		d.out = out[:j]
		d.unit(c)
		out, j = d.out[:cap(d.out)], len(d.out) // unit may have grown d.out
	}
	d.out = out[:j]
}

// unit handles a non-ASCII code unit, pairing surrogates across calls.
func (d *decoder) unit(c rune) {
	switch {
	case c >= 0xD800 && c < 0xDC00:
		if d.hasHigh {
			d.replace()
		}
		d.high, d.hasHigh = c, true
		return
	case c >= 0xDC00 && c < 0xE000:
		if !d.hasHigh {
			d.replace()
			return
		}
		d.hasHigh = false
		d.out = utf8.AppendRune(d.out, 0x10000+(d.high-0xD800)<<10+(c-0xDC00))
		return
	}
	if d.hasHigh {
		d.replace()
		d.hasHigh = false
	}
	d.out = utf8.AppendRune(d.out, c)
}

// end replaces a high surrogate left unpaired at the end of the text.
func (d *decoder) end() {
	if d.hasHigh {
		d.replace()
		d.hasHigh = false
	}
}

// UTF16Reader transcodes a UTF-16 stream to UTF-8 as it is read, so a large
// export is never held in memory. Unpaired surrogates become U+FFFD and are
// counted (see TakeBad); an odd trailing byte is reported as ErrEncoding
// after everything before it has been delivered.
type UTF16Reader struct {
	r        io.Reader
	d        decoder
	in       []byte
	n        int   // valid bytes in in
	off      int   // read position in d.out
	consumed int64 // input bytes decoded, for error messages
	err      error
}

// NewUTF16Reader reads the UTF-16 text of r. skipped is how many bytes of
// the input came before r (a byte-order mark), so that offsets in errors
// are the input's.
func NewUTF16Reader(r io.Reader, bigEndian bool, skipped int64) *UTF16Reader {
	return &UTF16Reader{r: r, d: decoder{bigEndian: bigEndian, track: true}, in: make([]byte, 32<<10), consumed: skipped}
}

// Read implements io.Reader.
func (u *UTF16Reader) Read(p []byte) (int, error) {
	for u.off == len(u.d.out) {
		if u.err != nil {
			return 0, u.err
		}
		u.fill()
	}
	n := copy(p, u.d.out[u.off:])
	u.off += n
	return n, nil
}

// TakeBad counts and forgets the replacements written before offset off of
// the UTF-8 output: a reader that knows where its current record ends in
// the output can name the record that held them. Replacements beyond the
// ones remembered are counted with the last.
func (u *UTF16Reader) TakeBad(off int64) int64 {
	d := &u.d
	n := 0
	for n < len(d.badAt) && d.badAt[n] < off {
		n++
	}
	d.badAt = d.badAt[n:]
	if len(d.badAt) == 0 && n > 0 {
		d.badAt = nil // let the backing array go
	}
	more := int64(0)
	if len(d.badAt) == 0 {
		more, d.badMore = d.badMore, 0
	}
	return int64(n) + more
}

// fill reads one block of input and decodes every whole code unit in it.
func (u *UTF16Reader) fill() {
	u.d.produced += int64(len(u.d.out))
	u.d.out, u.off = u.d.out[:0], 0
	m, err := io.ReadAtLeast(u.r, u.in[u.n:], 2)
	u.n += m
	whole := u.n &^ 1
	u.d.decode(u.in[:whole])
	u.consumed += int64(whole)
	u.n = copy(u.in, u.in[whole:u.n])
	if err == nil {
		return
	}
	if err != io.EOF && err != io.ErrUnexpectedEOF {
		u.err = err
		return
	}
	u.d.end()
	u.err = io.EOF
	if u.n != 0 {
		u.err = fmt.Errorf("%w: UTF-16 input ends in an odd byte at offset %d (truncated file?)", ErrEncoding, u.consumed)
	}
}
