package report

import (
	"fmt"
	"time"

	"github.com/extriage/extriage/patterns"
)

// timeline is the geometry of an incident's inline SVG timeline: one lane
// per evidence signature, a mark per record on a time axis from the first
// to the last record. The report draws it itself: no script, no library,
// nothing fetched.
type timeline struct {
	Width, Height   int
	PlotLeft, Right int // the plot's x range
	AxisY           int
	Lanes           []lane
	Ticks           []tick
	Label           string // what the figure shows, for screen readers
}

type lane struct {
	Y         int
	Signature string
	Class     int // colour class: signatures in order of first appearance
	Marks     []mark
}

// mark is one record, or the records of one signature that fall on the
// same pixel column: thousands of records draw as a few hundred marks, and
// the report stays small.
type mark struct {
	X     int // the pixel column
	Count int
	Title string
}

type tick struct {
	X          int
	Anchor     string // text-anchor: the last label ends at its tick, inside the figure
	Date, Time string
}

// Timeline layout, in SVG user units (CSS pixels at 100% zoom).
const (
	tlWidth     = 760
	tlPlotLeft  = 200 // room for the signature names
	tlPlotRight = 735
	tlLaneH     = 24
	tlTop       = 8
	tlAxisRoom  = 40 // tick marks and two lines of labels
	tlPalette   = 8  // colour classes sig-0 ... sig-7 in the CSS
)

// newTimeline lays out the evidence of inc between its first and last seen.
func newTimeline(inc *Incident) timeline {
	first, last := inc.FirstSeen, inc.LastSeen
	for _, e := range inc.Evidence { // the evidence may reach past the incident's window
		if e.Time.IsZero() {
			continue
		}
		if first.IsZero() || e.Time.Before(first) {
			first = e.Time
		}
		if e.Time.After(last) {
			last = e.Time
		}
	}
	t := timeline{Width: tlWidth, PlotLeft: tlPlotLeft, Right: tlPlotRight}
	x := func(at time.Time) float64 {
		span := last.Sub(first)
		if span <= 0 {
			return (tlPlotLeft + tlPlotRight) / 2
		}
		return tlPlotLeft + float64(at.Sub(first))/float64(span)*(tlPlotRight-tlPlotLeft)
	}
	t.Lanes = lanes(inc.Evidence, x)
	t.AxisY = tlTop + len(t.Lanes)*tlLaneH + 4
	t.Height = t.AxisY + tlAxisRoom
	t.Ticks = ticks(first, last, x)
	t.Label = fmt.Sprintf("Timeline of %d evidence %s from %s to %s UTC", len(inc.Evidence),
		plural(len(inc.Evidence), "record", "records"), first.UTC().Format(timeLayout), last.UTC().Format(timeLayout))
	return t
}

// lanes groups the evidence by signature, in order of first appearance, and
// merges the records of a lane that fall on the same pixel column.
func lanes(ev []patterns.Evidence, x func(time.Time) float64) []lane {
	var out []lane
	index := map[string]int{}
	for _, e := range ev {
		if e.Time.IsZero() {
			continue
		}
		i, ok := index[e.Signature]
		if !ok {
			i = len(out)
			index[e.Signature] = i
			out = append(out, lane{Y: tlTop + i*tlLaneH + tlLaneH/2, Signature: Clean(e.Signature, false), Class: i % tlPalette})
		}
		l := &out[i]
		px := int(x(e.Time) + 0.5)
		if n := len(l.Marks); n > 0 && l.Marks[n-1].X == px {
			m := &l.Marks[n-1]
			m.Count++
			m.Title = fmt.Sprintf("%d records of %s around %s UTC", m.Count, l.Signature, e.Time.UTC().Format(timeLayout))
			continue
		}
		l.Marks = append(l.Marks, mark{X: px, Count: 1,
			Title: fmt.Sprintf("%s UTC: %s, %s", e.Time.UTC().Format(timeLayout), Clean(e.Signature, false), Clean(citation(e), false))})
	}
	return out
}

// ticks labels the axis at its ends and three points between, with the
// date and the time on two lines so that labels never overlap.
func ticks(first, last time.Time, x func(time.Time) float64) []tick {
	n := 4
	if !last.After(first) {
		n = 0
	}
	var out []tick
	for i := 0; i <= n; i++ {
		at := first
		if n > 0 {
			at = first.Add(last.Sub(first) * time.Duration(i) / time.Duration(n))
		}
		u, anchor := at.UTC(), "middle"
		if i == n && n > 0 {
			anchor = "end"
		}
		out = append(out, tick{X: int(x(at) + 0.5), Anchor: anchor, Date: u.Format("2006-01-02"), Time: u.Format("15:04:05")})
	}
	return out
}
