package trace

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/extriage/extriage/textio"
)

// Read streams the trace export r, calling emit once per normalised row, in
// file order. name is used only to label rows and problems. Problems with
// single rows are counted in the returned Stats and the rest of the input is
// still read; the error is non-nil only when the input cannot be read as a
// whole (unknown or incomplete header, binary data, broken encoding) or when
// emit returns one, which stops the read and is returned unchanged. Rows read
// before a late fatal error (a truncated UTF-16 file) have been emitted.
//
// emit may keep the *Row: each call gets a fresh one. A nil emit only counts.
func Read(name string, r io.Reader, opts Options, emit func(*Row) error) (Stats, error) {
	opts = opts.withDefaults()
	if emit == nil {
		emit = func(*Row) error { return nil }
	}
	rd := &reader{name: name, opts: opts, emit: emit, order: opts.DateFormat}
	rd.st = Stats{File: name, DateOrder: opts.DateFormat}
	err := rd.open(r)
	if err == nil {
		err = rd.run()
	}
	// Rows held back for the day/month order are still owed to the caller,
	// even after a late fatal error, unless the caller asked to stop.
	if _, stopped := err.(emitError); !stopped {
		if ferr := rd.flush(true); ferr != nil && err == nil {
			err = ferr
		}
	}
	rd.st.Lines = rd.lines()
	if e, ok := err.(emitError); ok {
		err = e.err
	}
	return rd.st, err
}

// emitError carries an error from the caller's emit up through the reader,
// so Read can return it unchanged.
type emitError struct{ err error }

func (e emitError) Error() string { return e.err.Error() }

// reader is the state of one Read.
type reader struct {
	name  string
	opts  Options
	emit  func(*Row) error
	st    Stats
	rr    *textio.CSVReader
	u16   *textio.UTF16Reader
	lay   *layout
	raw   bool  // raw tracking log: '#' lines are directives
	local bool  // the dialect's times are local, not UTC
	hdr   int64 // line of the header in force, for ragged-row messages

	order   DateOrder
	guessed bool   // order was assumed, not proved
	held    []held // rows waiting for the day/month order
	warned  map[string]bool
	nExtra  int
}

// held is a row waiting until the file proves its day/month order.
type held struct {
	row  *Row
	st   stamp
	open bool // the date still needs the order; false: held only to keep file order
}

func (rd *reader) lines() int64 {
	if rd.rr == nil {
		return 0
	}
	return rd.rr.Line()
}

// open sniffs the encoding and sets up the decoding record reader.
func (rd *reader) open(r io.Reader) error {
	br := bufio.NewReaderSize(r, 64<<10)
	head, err := br.Peek(textio.SniffLen)
	if len(head) == 0 {
		if err != nil && err != io.EOF {
			return fmt.Errorf("%s: %w", rd.name, err)
		}
		return fmt.Errorf("%s: %w: the file is empty", rd.name, ErrUnknownFormat)
	}
	enc, bom, binary := textio.Sniff(head)
	if binary {
		return fmt.Errorf("%s: %w: binary data (NUL bytes that are not UTF-16) in the first %d bytes", rd.name, ErrUnknownFormat, len(head))
	}
	rd.st.Encoding = enc
	_, _ = br.Discard(bom)
	var text io.Reader = br
	if enc.UTF16() {
		rd.u16 = textio.NewUTF16Reader(br, enc.BigEndian(), int64(bom))
		text = rd.u16
	}
	rd.rr = textio.NewCSVReader(text, rd.opts.MaxRecordBytes)
	rd.rr.CheckUTF8 = !enc.UTF16()
	return nil
}

// run reads the header, then every record.
func (rd *reader) run() error {
	if err := rd.header(); err != nil {
		return err
	}
	for {
		rec, err := rd.rr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%s: line %d: %w", rd.name, rd.rr.ErrLine(), err)
		}
		rd.checkDecoding(rec.Line)
		if err := rd.record(rec); err != nil {
			return err
		}
	}
}

// header reads up to and including the column header and picks the dialect.
// Header lines are read as physical lines: the delimiter is not known until
// the header has been seen.
func (rd *reader) header() error {
	line, n, err := rd.headerLine()
	if err == nil && isTypeLine(line) {
		line, n, err = rd.headerLine() // Windows PowerShell's "#TYPE ..." line
	}
	if err != nil {
		return err
	}
	if strings.HasPrefix(line, "#") {
		return rd.rawHeader(line, n)
	}
	if ok, err := rd.headerlessStart(line, n); ok {
		return err
	}
	return rd.csvHeader(line, n)
}

// headerLine returns the next non-blank physical line and its number.
func (rd *reader) headerLine() (string, int64, error) {
	for {
		b, _, tooLong, ok := rd.rr.PhysLine()
		switch {
		case !ok && rd.rr.Err() != nil:
			return "", 0, fmt.Errorf("%s: line %d: %w", rd.name, rd.rr.ErrLine(), rd.rr.Err())
		case !ok:
			return "", 0, fmt.Errorf("%s: %w: no header line; %s", rd.name, ErrUnknownFormat, expected())
		case tooLong:
			return "", 0, fmt.Errorf("%s: line %d: %w: a header line longer than %d bytes; %s", rd.name, rd.rr.Line(), ErrUnknownFormat, rd.opts.MaxRecordBytes, expected())
		}
		b = textio.TrimBOM(b)
		if len(strings.TrimSpace(string(b))) > 0 {
			return string(b), rd.rr.Line(), nil
		}
	}
}

// csvHeader splits the header with the delimiter it uses and resolves it.
func (rd *reader) csvHeader(line string, n int64) error {
	if bad := textProblem(line); bad != "" {
		return fmt.Errorf("%s: line %d: %w: the first line holds %s; %s", rd.name, n, ErrUnknownFormat, bad, expected())
	}
	rd.rr.Delim = textio.SniffDelimiter([]byte(line))
	rec := rd.rr.Split(n, []byte(line), "\n")
	if rec.Problem != "" {
		return fmt.Errorf("%s: line %d: %w: header unreadable: %s", rd.name, n, ErrUnknownFormat, rec.Problem)
	}
	names := make([]string, len(rec.Fields))
	for i, f := range rec.Fields {
		names[i] = strings.TrimSpace(f)
	}
	lay, err := detectCSV(names)
	if err != nil {
		return fmt.Errorf("%s: line %d: %w", rd.name, n, err)
	}
	rd.st.Delimiter = rd.rr.Delim
	rd.setLayout(lay, n)
	return nil
}

// textProblem recognises binary junk that slipped past the NUL check.
func textProblem(s string) string {
	if !utf8.ValidString(s) {
		return "bytes that are not text"
	}
	for _, c := range s {
		if c < 0x20 && c != '\t' || c == 0x7f {
			return "control characters"
		}
	}
	return ""
}

// rawHeader walks a raw log's header block to its #Fields: line; after it,
// '#' lines are directives for the record reader.
func (rd *reader) rawHeader(line string, n int64) error {
	rd.raw, rd.rr.Comments, rd.rr.Multiline = true, true, false
	rd.st.Delimiter = ','
	for {
		name, value := directive(line)
		switch name {
		case "":
			return fmt.Errorf("%s: line %d: %w: header line %s is not a #Name: value directive; %s", rd.name, n, ErrUnknownFormat, quoteHead(line), expected())
		case "#log-type":
			if err := checkLogType(value); err != nil {
				return fmt.Errorf("%s: line %d: %w", rd.name, n, err)
			}
		case "#fields":
			lay, err := rawFields(line)
			if err != nil {
				return fmt.Errorf("%s: line %d: %w", rd.name, n, err)
			}
			rd.setLayout(lay, n)
			return nil
		}
		var err error
		if line, n, err = rd.headerLine(); err != nil {
			if errors.Is(err, ErrUnknownFormat) && rd.rr.Err() == nil {
				return fmt.Errorf("%s: %w: the raw log header has no #Fields: line", rd.name, ErrMissingColumns)
			}
			return err
		}
		if !strings.HasPrefix(line, "#") {
			return fmt.Errorf("%s: line %d: %w: a row comes before any #Fields: header, so its columns are unknown", rd.name, n, ErrMissingColumns)
		}
	}
}

func (rd *reader) setLayout(lay *layout, line int64) {
	rd.lay, rd.hdr, rd.local = lay, line, lay.spec.local
	rd.st.Dialect = lay.spec.dialect
	rd.nExtra = 0
	for _, t := range lay.targets {
		if t == tExtra {
			rd.nExtra++
		}
	}
	if len(lay.missing) > 0 {
		rd.warnOnce("missing:"+strings.Join(lay.missing, ","), line,
			"the header has no column for "+strings.Join(lay.missing, ", ")+": those fields stay empty")
	}
}

// record handles one record after the header: a directive, a repeated
// header, a damaged row, or a row to emit.
func (rd *reader) record(rec textio.Record) error {
	if rec.Comment != "" {
		rd.directiveMidFile(rec)
		return nil
	}
	if rec.Problem != "" {
		rd.st.Records++
		rd.skip(rec.Line, rec.Problem)
		return nil
	}
	if rd.repeatedHeader(rec.Fields) {
		return nil
	}
	rd.st.Records++
	if rd.lay == nil {
		rd.skip(rec.Line, "row under a #Fields: header that could not be used; skipped")
		return nil
	}
	fields, ok := rd.fit(rec)
	if !ok {
		return nil
	}
	if rec.Note != "" {
		rd.problem(rec.Line, rec.Note)
	}
	return rd.rows(rd.build(rec.Line, fields))
}

// fit checks the field count against the header. Extra trailing empty fields
// (a line ending in a delimiter) are tolerated; anything else would shift
// values into the wrong columns, so the row is skipped.
func (rd *reader) fit(rec textio.Record) ([]string, bool) {
	want, got := len(rd.lay.names), len(rec.Fields)
	if got > want && strings.Join(rec.Fields[want:], "") == "" {
		return rec.Fields[:want], true
	}
	if got != want {
		rd.skip(rec.Line, fmt.Sprintf("%d fields where the header (line %d) has %d; row skipped", got, rd.hdr, want))
		return nil, false
	}
	return rec.Fields, true
}

// repeatedHeader recognises the header (or #TYPE line) of a second export
// appended to the first: it is skipped, not reported as a bad row.
func (rd *reader) repeatedHeader(fields []string) bool {
	if rd.raw || rd.lay == nil {
		return false
	}
	if len(fields) == 1 && isTypeLine(fields[0]) {
		return true
	}
	if len(fields) != len(rd.lay.names) || !strings.EqualFold(fields[0], rd.lay.names[0]) {
		return false
	}
	for i, f := range fields {
		if !strings.EqualFold(f, rd.lay.names[i]) {
			return false
		}
	}
	return true
}

// directiveMidFile handles '#' lines after the first header: a new #Fields:
// line replaces the columns for the rows below it.
func (rd *reader) directiveMidFile(rec textio.Record) {
	name, value := directive(rec.Comment)
	switch name {
	case "#fields":
		lay, err := rawFields(rec.Comment)
		if err != nil {
			rd.lay = nil
			rd.problem(rec.Line, err.Error()+"; rows below it are skipped until the next #Fields: line")
			return
		}
		rd.setLayout(lay, rec.Line)
	case "#log-type":
		if err := checkLogType(value); err != nil {
			rd.lay = nil
			rd.problem(rec.Line, err.Error()+"; rows below it are skipped until the next #Fields: line")
		}
	case "":
		rd.problem(rec.Line, "line starts with '#' but is not a #Name: value directive; skipped")
	}
}

// checkDecoding turns decoder findings into problems located at the record
// that holds them. The decoder works ahead of the record reader, so findings
// are matched by their offset in the decoded text.
func (rd *reader) checkDecoding(line int64) {
	if rd.u16 != nil {
		if n := rd.u16.TakeBad(rd.rr.Offset()); n > 0 {
			rd.problem(line, fmt.Sprintf("%d invalid UTF-16 code unit(s) replaced with U+FFFD", n))
		}
	}
	if l := rd.rr.BadUTF8Line(); l != 0 {
		rd.warnOnce("utf8", l, "text is not valid UTF-8 (an ANSI code page export?); bytes are kept as read")
	}
}

func (rd *reader) skip(line int64, msg string) {
	rd.st.Skipped++
	rd.problem(line, msg)
}

func (rd *reader) problem(line int64, msg string) {
	rd.st.ProblemCount++
	if len(rd.st.Problems) < rd.opts.MaxProblems {
		rd.st.Problems = append(rd.st.Problems, Problem{File: rd.name, Line: line, Message: msg})
	}
}

// warnOnce records a file-level warning the first time key is seen. Keys
// come from column names, which a hostile raw log can vary without end, so
// warnings are capped like problems.
func (rd *reader) warnOnce(key string, line int64, msg string) {
	if rd.warned == nil {
		rd.warned = map[string]bool{}
	}
	if rd.warned[key] || len(rd.st.Warnings) >= rd.opts.MaxProblems {
		return
	}
	rd.warned[key] = true
	rd.st.Warnings = append(rd.st.Warnings, Problem{File: rd.name, Line: line, Message: msg})
}
