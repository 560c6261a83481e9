package report

import (
	"strings"
	"testing"

	"github.com/jedib0t/go-pretty/v6/text"
)

// TestTableFitsWidth: at 80 columns (piped) and at a terminal's width,
// every line of the table report fits, but for the lines that hold a
// name too long to fit, which is never split: a file path, or a command
// to paste.
func TestTableFitsWidth(t *testing.T) {
	r := sample()
	commands := map[string]bool{}
	for _, inc := range r.Incidents {
		for _, st := range inc.Remedy {
			for _, l := range strings.Split(Clean(st.Command, true), "\n") {
				commands[strings.TrimSpace(l)] = true
			}
		}
	}
	for _, o := range []Options{{}, {Terminal: true, Width: 80}, {Terminal: true, Width: 100}, {Width: 132}} {
		width := max(o.Width, pipedWidth)
		out := ansi.ReplaceAllString(render(t, "table", r, o), "")
		if strings.Contains(out, nbsp) {
			t.Errorf("width %d: a no-break space reached the output", width)
		}
		for i, l := range strings.Split(out, "\n") {
			if text.StringWidthWithoutEscSequences(l) <= width || commands[strings.TrimSpace(l)] || hasLongWord(l, width-12) {
				continue
			}
			t.Errorf("width %d, line %d is %d columns: %q", width, i+1, text.StringWidthWithoutEscSequences(l), l)
		}
	}
}

func hasLongWord(l string, width int) bool {
	for _, w := range strings.Fields(l) {
		if text.StringWidthWithoutEscSequences(w) > width {
			return true
		}
	}
	return false
}

// TestWrapWords never splits a word, and breaks at spaces within width.
func TestWrapWords(t *testing.T) {
	path := `logs\EX01\Microsoft-Exchange-HighAvailability%4Operational.evtx`
	got := wrapWords("see "+path+" for the record", 20)
	want := []string{"see", path, "for the record"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("got %q, want %q", got, want)
	}
}

// TestNoColor: colour on a terminal, none with Options.NoColor or with a
// NO_COLOR environment variable that is set and not empty.
func TestNoColor(t *testing.T) {
	defer func(f func(string) (string, bool)) { lookupEnv = f }(lookupEnv)
	env := map[string]string{}
	lookupEnv = func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	tty := Options{Terminal: true, Width: 100}
	colours := func(o Options) bool { return strings.Contains(render(t, "table", sample(), o), "\x1b[") }
	if !colours(tty) {
		t.Fatal("no colour on a terminal")
	}
	tty.NoColor = true
	if colours(tty) {
		t.Error("colour with NoColor")
	}
	tty.NoColor = false
	env["NO_COLOR"] = "1"
	if colours(tty) {
		t.Error("colour with NO_COLOR=1")
	}
	env["NO_COLOR"] = ""
	if !colours(tty) {
		t.Error("an empty NO_COLOR turned colour off; no-color.org says only a non-empty one does")
	}
}
