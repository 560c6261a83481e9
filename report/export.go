package report

import (
	"bytes"
	"fmt"
	"unicode/utf8"
)

// CSVCell makes log text safe for a spreadsheet cell, as the CSV report
// does: control sequences removed, formula starts defused. Other commands
// that write CSV (extriage events) use it so that every output defuses
// the same way.
func CSVCell(s string) string { return cell(s) }

// EscapeJSON rewrites encoded JSON so that the characters a terminal or a
// pager would act on are \u escapes: the bidi controls, DEL and the C1
// controls (U+0080 to U+009F, which some terminals take as escape
// sequences). The data is unchanged for a JSON reader.
func EscapeJSON(b []byte) []byte {
	b = escapeBidi(b)
	if !hasC1(b) {
		return b
	}
	var out bytes.Buffer
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		if r == 0x7f || r >= 0x80 && r <= 0x9f {
			fmt.Fprintf(&out, "\\u%04x", r)
		} else {
			out.Write(b[:size])
		}
		b = b[size:]
	}
	return out.Bytes()
}

// hasC1 reports DEL or a UTF-8 encoded C1 control (0xC2 0x80-0x9F).
func hasC1(b []byte) bool {
	for i, c := range b {
		if c == 0x7f || c == 0xc2 && i+1 < len(b) && b[i+1] >= 0x80 && b[i+1] <= 0x9f {
			return true
		}
	}
	return false
}
