package textio

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"unicode/utf8"
)

// Record is one logical CSV record as the CSVReader found it.
type Record struct {
	Line    int64    // physical line where it starts
	Fields  []string // valid until the next call to Next or Split
	Comment string   // set instead of Fields for a '#' line, when Comments is on
	Problem string   // why the record cannot be used; Fields is then nil
	Note    string   // something odd that did not stop the record being used
}

// CSVReader splits UTF-8 text into CSV records. It is written for Windows
// exports rather than taken from encoding/csv because it must know physical
// line numbers, treat '#' lines as directives, stay lenient about stray
// quotes, and, in raw tracking logs, refuse to let a broken quote swallow the
// rest of the file. A record is capped at MaxRecord bytes.
//
// The zero CSVReader with only Delim set can Split a line on its own.
type CSVReader struct {
	br    *bufio.Reader
	Delim byte
	// Multiline lets a quoted field run over line breaks, as Export-Csv
	// writes them. Raw tracking logs escape breaks as \r \n, so there a line
	// always ends the record and an open quote is a damaged row.
	Multiline bool
	Comments  bool // lines starting with '#' are comments or directives (raw logs)
	CheckUTF8 bool // note the first line that is not valid UTF-8 (BadUTF8Line)
	MaxRecord int

	line    int64 // physical lines read so far
	off     int64 // bytes of text consumed so far
	errLine int64 // the line being read when err happened
	badUTF8 int64 // first line that was not valid UTF-8, 0 if none
	long    []byte
	buf     []byte
	ends    []int
	fields  []string
	err     error // first read error other than io.EOF
}

// NewCSVReader reads comma-separated records of r, quoted fields running
// over line breaks, none longer than maxRecord bytes.
func NewCSVReader(r io.Reader, maxRecord int) *CSVReader {
	return &CSVReader{br: bufio.NewReaderSize(r, 64<<10), Delim: ',', Multiline: true, MaxRecord: maxRecord}
}

// Line is the number of physical lines read so far.
func (rr *CSVReader) Line() int64 { return rr.line }

// Offset is the number of bytes of text consumed so far.
func (rr *CSVReader) Offset() int64 { return rr.off }

// Err is the first read error other than io.EOF.
func (rr *CSVReader) Err() error { return rr.err }

// ErrLine is the line being read when Err happened.
func (rr *CSVReader) ErrLine() int64 { return rr.errLine }

// BadUTF8Line is the first line that was not valid UTF-8 (with CheckUTF8),
// 0 if none.
func (rr *CSVReader) BadUTF8Line() int64 { return rr.badUTF8 }

// PhysLine returns the next physical line without its terminator, and the
// terminator ("\r\n", "\n", or "" at the end of input). A line longer than
// maxRecord is drained and returned cut, with tooLong set.
func (rr *CSVReader) PhysLine() (line []byte, term string, tooLong, ok bool) {
	rr.long = rr.long[:0]
	for {
		b, err := rr.br.ReadSlice('\n')
		rr.off += int64(len(b))
		if err == bufio.ErrBufferFull {
			if len(rr.long) < rr.MaxRecord {
				rr.long = append(rr.long, b...)
			} else {
				tooLong = true
			}
			continue
		}
		if len(rr.long) > 0 || tooLong {
			if !tooLong {
				rr.long = append(rr.long, b...)
			}
			b = rr.long
		}
		if err != nil && err != io.EOF && rr.err == nil {
			rr.err, rr.errLine = err, rr.line+1
		}
		if len(b) == 0 && err != nil {
			return nil, "", false, false
		}
		rr.line++
		line, term = cutTerm(b)
		if rr.CheckUTF8 && rr.badUTF8 == 0 && !utf8.Valid(line) {
			rr.badUTF8 = rr.line
		}
		return line, term, tooLong || len(line) > rr.MaxRecord, true
	}
}

// cutTerm splits the line terminator off a physical line.
func cutTerm(b []byte) ([]byte, string) {
	if n := len(b); n > 0 && b[n-1] == '\n' {
		if n > 1 && b[n-2] == '\r' {
			return b[:n-2], "\r\n"
		}
		return b[:n-1], "\n"
	}
	return b, ""
}

// Next returns the next non-blank record, or io.EOF. A damaged record is
// returned with its Problem set; the error is a read error, and reading
// stops there.
func (rr *CSVReader) Next() (Record, error) {
	for {
		line, term, tooLong, ok := rr.PhysLine()
		if !ok {
			if rr.err != nil {
				return Record{}, rr.err
			}
			return Record{}, io.EOF
		}
		// A BOM at the start of a line is a concatenated file's, never data.
		line = TrimBOM(line)
		start := rr.line
		if rr.err != nil && term == "" {
			return Record{Line: start, Problem: "the input breaks off inside this line; row skipped"}, nil
		}
		if tooLong {
			return Record{Line: start, Problem: fmt.Sprintf("line longer than %d bytes; skipped", rr.MaxRecord)}, nil
		}
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		if rr.Comments && line[0] == '#' {
			return Record{Line: start, Comment: string(line)}, nil
		}
		return rr.Split(start, line, term), nil
	}
}

// Split parses one record that starts with line, pulling further physical
// lines while a quoted field is open. All field bytes are gathered in one
// buffer and turned into one string, so a record costs one allocation.
func (rr *CSVReader) Split(start int64, line []byte, term string) Record {
	rr.buf, rr.ends = rr.buf[:0], rr.ends[:0]
	rec := Record{Line: start}
	inQuote, fieldStart := false, true
	for {
		var odd bool
		inQuote, fieldStart, odd = rr.scan(line, inQuote, fieldStart)
		if odd && rec.Note == "" {
			rec.Note = "text after a closing quote kept as written"
		}
		if !inQuote {
			break
		}
		if !rr.Multiline {
			rec.Problem = "a quoted value is not closed on its line; row skipped"
			return rec
		}
		if len(rr.buf) > rr.MaxRecord {
			rec.Problem = fmt.Sprintf("quoted value runs past %d bytes (a quote that never closes?); skipped up to line %d", rr.MaxRecord, rr.line)
			return rec
		}
		rr.buf = append(rr.buf, term...)
		var ok, tooLong bool
		line, term, tooLong, ok = rr.PhysLine()
		if !ok {
			rec.Problem = "a quoted value opened here never closes before the end of the input; row skipped"
			return rec
		}
		if tooLong {
			rec.Problem = fmt.Sprintf("record longer than %d bytes; skipped up to line %d", rr.MaxRecord, rr.line)
			return rec
		}
		if rr.err != nil && term == "" {
			rec.Problem = "the input breaks off inside this row; row skipped"
			return rec
		}
	}
	rr.ends = append(rr.ends, len(rr.buf))
	rec.Fields = rr.cut()
	return rec
}

// scan consumes one physical line into rr.buf/rr.ends, continuing the quote
// state from the previous line. odd reports text after a closing quote.
func (rr *CSVReader) scan(line []byte, inQuote, fieldStart bool) (bool, bool, bool) {
	odd := false
	for len(line) > 0 {
		if inQuote {
			i := bytes.IndexByte(line, '"')
			if i < 0 {
				rr.buf = append(rr.buf, line...)
				return true, false, odd
			}
			rr.buf = append(rr.buf, line[:i]...)
			if i+1 < len(line) && line[i+1] == '"' {
				rr.buf = append(rr.buf, '"')
				line = line[i+2:]
				continue
			}
			line, inQuote = line[i+1:], false
			if len(line) > 0 && line[0] != rr.Delim {
				odd = true
			}
			continue
		}
		if fieldStart && line[0] == '"' {
			line, inQuote, fieldStart = line[1:], true, false
			continue
		}
		i := bytes.IndexByte(line, rr.Delim)
		if i < 0 {
			rr.buf = append(rr.buf, line...)
			return false, false, odd
		}
		rr.buf = append(rr.buf, line[:i]...)
		rr.ends = append(rr.ends, len(rr.buf))
		line, fieldStart = line[i+1:], true
	}
	return inQuote, fieldStart, odd
}

// cut turns the gathered bytes into fields sharing one string.
func (rr *CSVReader) cut() []string {
	s := string(rr.buf)
	rr.fields = rr.fields[:0]
	prev := 0
	for _, e := range rr.ends {
		rr.fields = append(rr.fields, s[prev:e])
		prev = e
	}
	return rr.fields
}

// SniffDelimiter picks ',' or ';' (or a tab) for a header line, counting only
// outside quotes: German and other locales' Export-Csv uses ';'.
func SniffDelimiter(line []byte) byte {
	var counts [3]int
	seps := [3]byte{',', ';', '\t'}
	inQuote := false
	for _, c := range line {
		if c == '"' {
			inQuote = !inQuote
			continue
		}
		if inQuote {
			continue
		}
		for i, s := range seps {
			if c == s {
				counts[i]++
			}
		}
	}
	best := 0
	for i := range counts {
		if counts[i] > counts[best] {
			best = i
		}
	}
	return seps[best]
}
