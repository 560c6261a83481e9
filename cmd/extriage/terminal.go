package main

import (
	"io"
	"os"

	"github.com/extriage/extriage/report"
	"golang.org/x/term"
)

// terminalOptions sizes and colours the report only when it goes to a
// terminal; piped output stays plain so scripts and files get no escapes.
func terminalOptions(w io.Writer, allEvidence bool) report.Options {
	o := report.Options{AllEvidence: allEvidence}
	f, ok := w.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return o
	}
	o.Terminal = true
	if width, _, err := term.GetSize(int(f.Fd())); err == nil {
		o.Width = width
	}
	return o
}

// reportOptions are the rendering options: the terminal's, and the flags.
func (s *scanCmd) reportOptions(w io.Writer) report.Options {
	o := terminalOptions(w, s.AllEvidence)
	o.NoColor, o.CSVDelimiter, o.CSVSummary = s.NoColor, rune(s.CSVDelimiter), s.CSVSummary
	return o
}

// csvDelimiter is --csv-delimiter, checked when the flags are parsed.
type csvDelimiter rune

func (d *csvDelimiter) UnmarshalText(b []byte) error {
	r, err := report.ParseCSVDelimiter(string(b))
	*d = csvDelimiter(r)
	return err
}
