package report

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Clean makes a string from a log safe to print on a terminal: escape
// sequences and other control characters are removed (a hostile subject
// could otherwise move the cursor, recolour or retitle the terminal), and
// line breaks become spaces unless keepLines is set.
func Clean(s string, keepLines bool) string {
	if isPlain(s) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == 0x1b: // ESC: drop the whole sequence
			i += escapeLen(s[i:])
			continue
		case r == '\n' && keepLines:
			b.WriteByte('\n')
		case r == '\n' || r == '\t':
			b.WriteByte(' ')
		case r == '\r':
		case unicode.IsControl(r) || r == utf8.RuneError && size == 1 || isBidiControl(r):
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

func isPlain(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f {
			return false
		}
	}
	return true
}

// isBidiControl reports the Unicode bidirectional overrides and isolates,
// which can make printed text read differently from what it is.
func isBidiControl(r rune) bool {
	return r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069 || r == 0x200e || r == 0x200f
}

// escapeLen returns the length of the escape sequence at the start of s:
// CSI (ESC [ ... final byte), OSC (ESC ] ... BEL or ESC \) or a two-byte
// escape.
func escapeLen(s string) int {
	if len(s) < 2 {
		return len(s)
	}
	switch s[1] {
	case '[':
		for i := 2; i < len(s); i++ {
			if s[i] >= 0x40 && s[i] <= 0x7e {
				return i + 1
			}
		}
		return len(s)
	case ']', 'P', '_', '^':
		for i := 2; i < len(s); i++ {
			if s[i] == 0x07 {
				return i + 1
			}
			if s[i] == 0x1b && i+1 < len(s) && s[i+1] == '\\' {
				return i + 2
			}
		}
		return len(s)
	}
	return 2
}
