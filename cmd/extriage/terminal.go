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

// reportFlags are the scan flags that only change how the report is
// rendered.
type reportFlags struct {
	NoColor      bool         `name:"no-color" help:"No colour in the table, even on a terminal. A NO_COLOR environment variable that is not empty does the same."`
	CSVDelimiter csvDelimiter `name:"csv-delimiter" default:"," placeholder:"SEP" help:"CSV cell separator: , (default), ; (what Excel expects where 1,5 is written, e.g. German, French, Dutch) or tab."`
	CSVSummary   bool         `name:"csv-summary" help:"Write the scan summary (files, records, servers, damage, skipped files, incidents by severity) as the CSV, instead of the incident rows."`
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
