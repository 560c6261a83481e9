package eventexport

import (
	"bufio"
	"io"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"

	"github.com/extriage/extriage/textio"
)

// sniffLen is how much of an input decides its format: the keys that mark
// a ConvertTo-Json export can sit a few hundred characters into the first
// object, and UTF-16 doubles that.
const sniffLen = 4096

// textEncoding is how an export's text was encoded, and which rule of §0
// step 2 said so: a byte-order mark, UTF-16's NUL bytes, valid UTF-8, or
// else the Windows-1252 code page.
type textEncoding struct {
	enc    textio.Encoding
	bom    int
	cp1252 bool // not valid UTF-8: read as Windows-1252
}

func (e textEncoding) String() string {
	if e.cp1252 {
		return "windows-1252 (not utf-8)"
	}
	return e.enc.String()
}

// sniffEncoding decides the encoding from the first bytes; binary is set
// for NUL bytes that do not fall in UTF-16's pattern.
func sniffEncoding(head []byte) (e textEncoding, binary bool) {
	e.enc, e.bom, binary = textio.Sniff(head)
	e.cp1252 = !e.enc.UTF16() && !validUTF8Prefix(head[e.bom:])
	return e, binary
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

// decoder returns br's text as UTF-8, transcoded as it is read: UTF-16 by
// textio's decoder; UTF-8 through golang.org/x/text's, which turns a stray
// invalid byte into U+FFFD instead of letting it stop the XML parser; the
// Windows-1252 fallback through x/text's code page.
func decoder(br *bufio.Reader, e textEncoding) (io.Reader, error) {
	if _, err := br.Discard(e.bom); err != nil {
		return nil, err
	}
	switch {
	case e.enc.UTF16():
		return textio.NewUTF16Reader(br, e.enc.BigEndian(), int64(e.bom)), nil
	case e.cp1252:
		return transform.NewReader(br, charmap.Windows1252.NewDecoder()), nil
	}
	return transform.NewReader(br, unicode.UTF8.NewDecoder()), nil
}

// headText decodes the sniffed head into UTF-8 for recognising the format.
func headText(head []byte, e textEncoding) string {
	if e.cp1252 {
		out, _ := charmap.Windows1252.NewDecoder().Bytes(head[e.bom:])
		return string(out)
	}
	return string(textio.DecodeHead(head, e.enc, e.bom))
}
