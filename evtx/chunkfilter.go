package evtx

import (
	"bytes"
	"strings"
	"unicode"
	"unicode/utf16"
)

// Source is a channel and a provider that Options.Want can take records
// of, compared case-insensitively (strings.EqualFold), as Want compares.
type Source struct {
	Channel, Provider string
}

// chunkFilter tells, from a chunk's bytes alone, that no record in it can
// come from a Source: templates, names and values are chunk-local, so a
// record's provider and channel, whether literal text of its template or
// substitution values, are bytes of its own chunk, as UTF-16LE (strings,
// string arrays, the template's text) or as single bytes (ANSI strings).
// The test is a superset of Want: a chunk it passes over holds no record
// Want takes, and its records only need their framing, times and
// computers read.
type chunkFilter struct {
	sources []foldedSource
}

// foldedSource holds a Source's strings lowered, in both byte forms.
type foldedSource struct {
	channel, provider needle
}

type needle struct {
	ansi, utf16 form
}

// form is a needle's string lowered in one byte form, with its anchor:
// the first character that has no case (a digit, a hyphen, a slash), or
// the first letter, in every form that folds to it, when none has. The
// search looks for an anchor and compares the characters around it.
type form struct {
	low     []byte
	width   int // bytes a character: 1 or 2 (UTF-16LE)
	anchors [][]byte
	at      int // the anchor's byte offset in low
	// folds are, in UTF-16, the letters outside ASCII that fold to an
	// ASCII letter (the long s to s, the Kelvin sign to k), as
	// strings.EqualFold folds them.
	folds map[byte]uint16
}

func newForm(low []byte, width int) form {
	f := form{low: low, width: width}
	if width == 2 {
		for c := byte('a'); c <= 'z'; c++ {
			for o := unicode.SimpleFold(rune(c)); o != rune(c); o = unicode.SimpleFold(o) {
				if o > unicode.MaxASCII {
					if f.folds == nil {
						f.folds = map[byte]uint16{}
					}
					f.folds[c] = uint16(o)
				}
			}
		}
	}
	for i := 0; i < len(low); i += width {
		if c := low[i]; c < 'a' || c > 'z' {
			f.at, f.anchors = i, [][]byte{low[i : i+width]}
			return f
		}
	}
	upper := bytes.Clone(low[:width])
	upper[0] -= 'a' - 'A'
	f.anchors = [][]byte{low[:width], upper}
	if o, ok := f.folds[low[0]]; ok {
		f.anchors = append(f.anchors, []byte{byte(o), byte(o >> 8)})
	}
	return f
}

// renderedLetters are the letters (lowered) that a value which is not a
// string renders with: hex digits, 0x, true/false, NaN, Inf, exponents,
// RFC 3339 times and SIDs. A needle holding none of the others could be
// the rendering of a number, a time or a GUID, which its bytes do not
// hold as text.
const renderedLetters = "abcdefinlrstuxz"

// newChunkFilter builds the filter for the sources, nil when one of them
// cannot be searched for in a chunk's bytes safely (empty, not ASCII, a
// single character, an entity reference, or only such letters as a number
// or a time renders with): every chunk is then decoded.
func newChunkFilter(sources []Source) *chunkFilter {
	if len(sources) == 0 {
		return nil
	}
	f := &chunkFilter{}
	for _, s := range sources {
		ch, okc := newNeedle(s.Channel)
		pr, okp := newNeedle(s.Provider)
		if !okc || !okp {
			return nil
		}
		f.sources = append(f.sources, foldedSource{channel: ch, provider: pr})
	}
	return f
}

func newNeedle(s string) (needle, bool) {
	if len(s) < 2 || strings.ContainsAny(s, "&;") || !strings.ContainsFunc(s, distinctive) {
		return needle{}, false
	}
	for i := 0; i < len(s); i++ {
		if s[i] > unicode.MaxASCII || s[i] == 0 {
			return needle{}, false
		}
	}
	low := strings.ToLower(s)
	return needle{ansi: newForm([]byte(low), 1), utf16: newForm(utf16LE(low), 2)}, true
}

// distinctive tells whether r is a letter no value but text renders with.
func distinctive(r rune) bool {
	return unicode.IsLetter(r) && !strings.ContainsRune(renderedLetters, unicode.ToLower(r))
}

func utf16LE(s string) []byte {
	u := utf16.Encode([]rune(s))
	b := make([]byte, 2*len(u))
	for i, c := range u {
		b[2*i], b[2*i+1] = byte(c), byte(c>>8)
	}
	return b
}

// mayHold tells whether the chunk in data may hold a record of a source.
func (f *chunkFilter) mayHold(data []byte) bool {
	for _, s := range f.sources {
		if s.provider.in(data) && s.channel.in(data) {
			return true
		}
	}
	return false
}

func (n needle) in(data []byte) bool {
	return n.utf16.in(data) || n.ansi.in(data)
}

// in tells whether data holds the form, its ASCII letters in any case.
func (f form) in(data []byte) bool {
	for _, anchor := range f.anchors {
		for i := 0; ; {
			j := bytes.Index(data[i:], anchor)
			if j < 0 {
				break
			}
			start := i + j - f.at
			if start >= 0 && start+len(f.low) <= len(data) && f.equal(data[start:start+len(f.low)]) {
				return true
			}
			i += j + 1
		}
	}
	return false
}

// equal tells whether b is the form's string, its letters in any case.
func (f form) equal(b []byte) bool {
	for i := 0; i < len(b); i += f.width {
		c, want := b[i], f.low[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if f.width == 1 {
			if c != want {
				return false
			}
			continue
		}
		if c == want && b[i+1] == 0 {
			continue
		}
		if o, ok := f.folds[want]; !ok || uint16(b[i])|uint16(b[i+1])<<8 != o {
			return false
		}
	}
	return true
}
