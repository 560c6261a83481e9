package main

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/jedib0t/go-pretty/v6/progress"
	"golang.org/x/term"
)

// meter shows how far a scan has got. It draws only on a terminal: piped
// or redirected standard error gets nothing but errors.
type meter interface {
	read(n int64) // bytes of the current input read
	stop()        // the scan is over: clear the display
}

type noMeter struct{}

func (noMeter) read(int64) {}
func (noMeter) stop()      {}

// bigScan is where a progress display starts to help: below it a scan is
// over before anyone reads the bar.
const bigScan = 64 << 20

// newMeter returns a progress display on stderr for a scan of total bytes
// in inputs files, or a meter that does nothing.
func newMeter(stderr io.Writer, quiet bool, inputs int, total int64) meter {
	f, ok := stderr.(*os.File)
	if quiet || !ok || !term.IsTerminal(int(f.Fd())) || (total < bigScan && inputs < 20) {
		return noMeter{}
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
	return &barMeter{pw: pw, t: t}
}

type barMeter struct {
	pw progress.Writer
	t  *progress.Tracker
}

func (m *barMeter) read(n int64) { m.t.Increment(n) }

func (m *barMeter) stop() {
	m.t.MarkAsDone()
	time.Sleep(200 * time.Millisecond) // let the renderer draw the last state
	m.pw.Stop()
}
