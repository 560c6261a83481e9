package main

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/jedib0t/go-pretty/v6/progress"
	"golang.org/x/term"
)

// meter shows how far a scan has got (a scan.Progress). It draws only on a
// terminal: piped or redirected standard error gets nothing but errors.
type meter struct {
	stderr io.Writer
	quiet  bool
	pw     progress.Writer   // nil: nothing is drawn
	t      *progress.Tracker // set before the first Read, by Start
}

// bigScan is where a progress display starts to help: below it a scan is
// over before anyone reads the bar.
const bigScan = 64 << 20

// Start draws a progress display on stderr for a scan of total bytes in
// inputs files, unless it would not help.
func (m *meter) Start(inputs int, total int64) {
	f, ok := m.stderr.(*os.File)
	if m.quiet || !ok || !term.IsTerminal(int(f.Fd())) || (total < bigScan && inputs < 20) {
		return
	}
	pw := progress.NewWriter()
	pw.SetOutputWriter(f)
	pw.SetAutoStop(false)
	pw.SetUpdateFrequency(150 * time.Millisecond)
	pw.SetTrackerLength(30)
	pw.SetMessageLength(28)
	pw.ShowETA(true)
	pw.Style().Visibility.Value = true
	t := &progress.Tracker{Message: fmt.Sprintf("Scanning %d files", inputs), Total: total, Units: progress.UnitsBytes}
	pw.AppendTracker(t)
	go pw.Render()
	m.pw, m.t = pw, t
}

// Read counts n more bytes read; the tracker is safe for concurrent use.
func (m *meter) Read(n int64) {
	if m.t != nil {
		m.t.Increment(n)
	}
}

// Stop clears the display.
func (m *meter) Stop() {
	if m.pw == nil {
		return
	}
	m.t.MarkAsDone()
	time.Sleep(200 * time.Millisecond) // let the renderer draw the last state
	m.pw.Stop()
}
