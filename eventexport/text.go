package eventexport

import (
	"bufio"
	"bytes"
	"io"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// Encoding is how an export's text was encoded, and which rule said so
// (§0 step 2).
type Encoding uint8

const (
	UTF8         Encoding = iota // valid UTF-8 (or ASCII), no byte-order mark
	UTF8BOM                      // UTF-8 after EF BB BF
	UTF16LE                      // UTF-16 little-endian after FF FE
	UTF16BE                      // UTF-16 big-endian after FE FF
	UTF16LENoBOM                 // UTF-16 little-endian, known by its zero bytes
	UTF16BENoBOM                 // UTF-16 big-endian, known by its zero bytes
	Windows1252                  // not valid UTF-8: read as the Windows-1252 code page
	encodingCount
)

var encodingNames = [encodingCount]string{
	UTF8:         "UTF-8",
	UTF8BOM:      "UTF-8 with BOM",
	UTF16LE:      "UTF-16 LE with BOM",
	UTF16BE:      "UTF-16 BE with BOM",
	UTF16LENoBOM: "UTF-16 LE without BOM",
	UTF16BENoBOM: "UTF-16 BE without BOM",
	Windows1252:  "Windows-1252 (not valid UTF-8)",
}

func (e Encoding) String() string {
	if e < encodingCount {
		return encodingNames[e]
	}
	return "unknown encoding"
}

// sniffLen is how much of an input decides its encoding and format: the
// keys that mark a ConvertTo-Json export can sit a few hundred characters
// into the first object, and UTF-16 doubles that.
const sniffLen = 4096

// sniffEncoding decides the encoding from the first bytes.
func sniffEncoding(head []byte) Encoding {
	switch {
	case bytes.HasPrefix(head, []byte{0xEF, 0xBB, 0xBF}):
		return UTF8BOM
	case bytes.HasPrefix(head, []byte{0xFF, 0xFE}):
		return UTF16LE
	case bytes.HasPrefix(head, []byte{0xFE, 0xFF}):
		return UTF16BE
	}
	// ASCII text in UTF-16 puts a zero in every other byte; wevtutil
	// /uni:true may write no BOM (§2, UNCONFIRMED). The thresholds are ours:
	// at least 40% of the pairs zero on one side, at most 10% on the other.
	var zero [2]int
	for i, b := range head[:min(len(head), 512)] {
		if b == 0 {
			zero[i%2]++
		}
	}
	pairs := min(len(head), 512) / 2
	switch {
	case pairs > 0 && zero[1]*5 >= pairs*2 && zero[0]*10 <= pairs:
		return UTF16LENoBOM
	case pairs > 0 && zero[0]*5 >= pairs*2 && zero[1]*10 <= pairs:
		return UTF16BENoBOM
	}
	if !validUTF8Prefix(head) {
		return Windows1252
	}
	return UTF8
}

// validUTF8Prefix tells whether head is valid UTF-8, allowing it to end in
// the middle of a character (head is a cut of a longer input).
func validUTF8Prefix(head []byte) bool {
	for len(head) > 0 {
		r, n := utf8.DecodeRune(head)
		if r == utf8.RuneError && n <= 1 {
			return len(head) < utf8.UTFMax && !utf8.FullRune(head)
		}
		head = head[n:]
	}
	return true
}

// textEncoding is the golang.org/x/text decoder for e. UTF-8 goes through
// a decoder too, so that invalid bytes become U+FFFD rather than stopping
// the XML parser.
func textEncoding(e Encoding) encoding.Encoding {
	switch e {
	case UTF16LE, UTF16LENoBOM:
		return unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM)
	case UTF16BE, UTF16BENoBOM:
		return unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM)
	case Windows1252:
		return charmap.Windows1252
	}
	return unicode.UTF8
}

// bomLen is the length of e's byte-order mark.
func bomLen(e Encoding) int {
	switch e {
	case UTF8BOM:
		return 3
	case UTF16LE, UTF16BE:
		return 2
	}
	return 0
}

// decoder returns br's text as UTF-8, transcoded as it is read.
func decoder(br *bufio.Reader, e Encoding) (io.Reader, error) {
	if _, err := br.Discard(bomLen(e)); err != nil {
		return nil, err
	}
	return transform.NewReader(br, textEncoding(e).NewDecoder()), nil
}

// headText decodes the sniffed head into UTF-8 for recognising the format.
// A character cut at the end of head is dropped.
func headText(head []byte, e Encoding) string {
	head = head[bomLen(e):]
	if e != UTF8 && e != UTF8BOM && e != Windows1252 {
		head = head[:len(head)&^1]
	}
	out, _, err := transform.Bytes(textEncoding(e).NewDecoder(), head)
	if err != nil {
		return ""
	}
	return strings.TrimRight(string(out), "\uFFFD")
}
