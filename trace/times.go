package trace

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	// Embedded zone data, so IANA names given to ParseZone work on Windows
	// machines that have no Go installation (and so no zoneinfo.zip).
	_ "time/tzdata"
)

// ParseZone reads a --timezone value: "" (unknown: returns nil), "UTC"/"Z",
// an offset such as "-05:00", "+0530", "+2" or "UTC+02:00", "Local", or an
// IANA name such as "Europe/Berlin" (which follows daylight saving time, so
// it is the better choice for logs that cross a DST change).
func ParseZone(s string) (*time.Location, error) {
	s = strings.TrimSpace(s)
	u := strings.ToUpper(s)
	switch u {
	case "":
		return nil, nil
	case "UTC", "Z", "GMT":
		return time.UTC, nil
	case "LOCAL":
		return time.Local, nil
	}
	off := strings.TrimPrefix(strings.TrimPrefix(u, "UTC"), "GMT")
	if off != "" && (off[0] == '+' || off[0] == '-') {
		secs, ok := parseOffset(off)
		if !ok {
			return nil, fmt.Errorf("trace: time zone %q: offset not understood (want e.g. -05:00 or +0530)", s)
		}
		return time.FixedZone(formatOffset(secs), secs), nil
	}
	loc, err := time.LoadLocation(s)
	if err != nil {
		return nil, fmt.Errorf("trace: time zone %q: not an offset like -05:00 nor an IANA name like Europe/Berlin", s)
	}
	return loc, nil
}

// parseOffset reads ±H, ±HH, ±HH:MM or ±HHMM into seconds east of UTC.
func parseOffset(s string) (int, bool) {
	if len(s) < 2 || (s[0] != '+' && s[0] != '-') {
		return 0, false
	}
	sign, body := 1, s[1:]
	if s[0] == '-' {
		sign = -1
	}
	hh, mm := body, "0"
	if h, m, ok := strings.Cut(body, ":"); ok {
		hh, mm = h, m
	} else if len(body) == 4 {
		hh, mm = body[:2], body[2:]
	}
	h, err1 := strconv.Atoi(hh)
	m, err2 := strconv.Atoi(mm)
	if err1 != nil || err2 != nil || len(hh) > 2 || len(mm) > 2 || h > 14 || m > 59 {
		return 0, false
	}
	return sign * (h*3600 + m*60), true
}

func formatOffset(secs int) string {
	sign := '+'
	if secs < 0 {
		sign, secs = '-', -secs
	}
	return fmt.Sprintf("UTC%c%02d:%02d", sign, secs/3600, secs%3600/60)
}

// stamp is a timestamp taken apart but not yet placed in time: a numeric
// date whose day/month order may still be open, a time of day, an optional
// AM/PM marker and an optional zone.
type stamp struct {
	n1, n2, n3 int // date numbers as written
	yearFirst  bool
	sep        byte // date separator: '-', '/' or '.'
	hour, min  int
	sec, nsec  int
	ampm       byte // 0, 'A' or 'P'
	zoned      bool
	offset     int // seconds east of UTC when zoned
}

// parseStamp accepts ISO 8601 (2020-10-07T19:27:20.123Z, with an offset or
// none, 'T' or space) and the culture forms Windows PowerShell writes
// (07.10.2020 19:27:20, 10/7/2020 7:27:20 PM, 7-10-2020 19:27). It is written
// by hand because the extended report has a million of them and trying
// layout after layout with time.Parse is slow.
func parseStamp(s string) (stamp, bool) {
	var st stamp
	p := scanner{s: strings.TrimSpace(s)}
	if !p.date(&st) {
		return st, false
	}
	if p.done() {
		return st, true
	}
	if c := p.peek(); c != 'T' && c != ' ' {
		return st, false
	}
	p.i++
	p.spaces()
	if !p.clock(&st) {
		return st, false
	}
	p.spaces()
	p.meridiem(&st)
	p.spaces()
	if !p.zone(&st) {
		return st, false
	}
	return st, p.done()
}

// scanner walks a timestamp string.
type scanner struct {
	s string
	i int
}

func (p *scanner) done() bool { return p.i >= len(p.s) }

func (p *scanner) peek() byte {
	if p.done() {
		return 0
	}
	return p.s[p.i]
}

func (p *scanner) spaces() {
	for !p.done() && p.s[p.i] == ' ' {
		p.i++
	}
}

// num reads up to max digits; it reports the value and how many digits.
func (p *scanner) num(max int) (v, n int) {
	for n < max && !p.done() && p.s[p.i] >= '0' && p.s[p.i] <= '9' {
		v = v*10 + int(p.s[p.i]-'0')
		p.i++
		n++
	}
	return v, n
}

func (p *scanner) date(st *stamp) bool {
	var n1, n2, n3 int
	st.n1, n1 = p.num(4)
	st.sep = p.peek()
	if st.sep != '-' && st.sep != '/' && st.sep != '.' {
		return false
	}
	p.i++
	st.n2, n2 = p.num(2)
	if p.peek() != st.sep {
		return false
	}
	p.i++
	st.n3, n3 = p.num(4)
	switch {
	case n1 == 4 && n2 > 0 && n3 > 0 && n3 <= 2:
		st.yearFirst = true
	case n1 > 0 && n1 <= 2 && n2 > 0 && n3 == 4:
	default:
		return false
	}
	return true
}

func (p *scanner) clock(st *stamp) bool {
	var n int
	if st.hour, n = p.num(2); n == 0 || p.peek() != ':' {
		return false
	}
	p.i++
	if st.min, n = p.num(2); n != 2 {
		return false
	}
	if p.peek() != ':' {
		return true
	}
	p.i++
	if st.sec, n = p.num(2); n != 2 {
		return false
	}
	if c := p.peek(); c == '.' || c == ',' {
		p.i++
		frac, digits := p.num(9)
		if digits == 0 {
			return false
		}
		for ; digits < 9; digits++ {
			frac *= 10
		}
		st.nsec = frac
		for !p.done() && p.s[p.i] >= '0' && p.s[p.i] <= '9' {
			p.i++ // .NET writes 7 digits; more precision than ns is dropped
		}
	}
	return true
}

func (p *scanner) meridiem(st *stamp) {
	rest := strings.ToUpper(p.s[p.i:])
	for _, m := range []string{"AM", "PM", "A.M.", "P.M."} {
		if strings.HasPrefix(rest, m) {
			st.ampm = m[0]
			p.i += len(m)
			return
		}
	}
}

func (p *scanner) zone(st *stamp) bool {
	rest := p.s[p.i:]
	switch {
	case rest == "":
		return true
	case rest == "Z" || strings.EqualFold(rest, "UTC") || strings.EqualFold(rest, "GMT"):
		st.zoned = true
	default:
		off, ok := parseOffset(rest)
		if !ok {
			return false
		}
		st.zoned, st.offset = true, off
	}
	p.i = len(p.s)
	return true
}

// dateClass says what a stamp tells about the day/month order.
type dateClass uint8

const (
	classNeutral dateClass = iota // year first, or day equal to month: any order reads the same
	classOpen                     // both could be the month
	classDMY                      // only day-first fits
	classMDY                      // only month-first fits
	classBad                      // neither fits
)

func (st *stamp) class() dateClass {
	if st.yearFirst || st.n1 == st.n2 {
		return classNeutral
	}
	switch {
	case st.n1 > 12 && st.n2 > 12:
		return classBad
	case st.n1 > 12:
		return classDMY
	case st.n2 > 12:
		return classMDY
	}
	return classOpen
}

// guessOrder is the order assumed when a file never proves one: dotted and
// dashed dates are day-first in every culture that writes them, and AM/PM
// with slashes is en-US. It is only used with a warning.
func (st *stamp) guessOrder() DateOrder {
	if st.sep == '/' && st.ampm != 0 {
		return DateMDY
	}
	return DateDMY
}

// utc places the stamp in time. loc applies only when the stamp has no zone of
// its own; order only when the date is not year-first.
func (st *stamp) utc(order DateOrder, loc *time.Location) (time.Time, bool) {
	y, m, d := st.n1, st.n2, st.n3
	if !st.yearFirst {
		y, m, d = st.n3, st.n2, st.n1
		if order == DateMDY {
			m, d = st.n1, st.n2
		}
	}
	h, ok := st.hour24()
	if !ok || m < 1 || m > 12 || d < 1 || d > daysIn(y, m) || st.min > 59 || st.sec > 59 {
		return time.Time{}, false
	}
	if st.zoned {
		t := time.Date(y, time.Month(m), d, h, st.min, st.sec, st.nsec, time.UTC)
		return t.Add(-time.Duration(st.offset) * time.Second), true
	}
	if loc == nil {
		loc = time.UTC
	}
	return time.Date(y, time.Month(m), d, h, st.min, st.sec, st.nsec, loc).UTC(), true
}

func (st *stamp) hour24() (int, bool) {
	h := st.hour
	switch st.ampm {
	case 0:
		return h, h < 24
	case 'A':
		if h == 12 {
			h = 0
		}
	case 'P':
		if h != 12 {
			h += 12
		}
	}
	return h, st.hour >= 1 && st.hour <= 12
}

func daysIn(y, m int) int {
	return time.Date(y, time.Month(m)+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// Stamp is a timestamp as Windows PowerShell or a culture writes it,
// parsed but not yet placed in time, so that readers of other exports
// (package eventexport) share this parser and its day/month rules.
type Stamp struct{ st stamp }

// ParseStamp parses the forms parseStamp accepts.
func ParseStamp(s string) (Stamp, bool) {
	st, ok := parseStamp(s)
	return Stamp{st}, ok
}

// Proves returns the only day/month order this stamp fits (DateDMY or
// DateMDY), or DateAuto when any order reads it, or it fits none.
func (s Stamp) Proves() DateOrder {
	switch s.st.class() {
	case classDMY:
		return DateDMY
	case classMDY:
		return DateMDY
	}
	return DateAuto
}

// Open reports whether the day/month order changes what the stamp means.
func (s Stamp) Open() bool { return s.st.class() == classOpen }

// Zoned reports whether the stamp carries its own offset or Z.
func (s Stamp) Zoned() bool { return s.st.zoned }

// GuessOrder is the order to assume, with a warning, when no stamp of the
// file proves one.
func (s Stamp) GuessOrder() DateOrder { return s.st.guessOrder() }

// UTC places the stamp in time: loc applies only when it has no zone of its
// own (nil is UTC), order only when the date is not year-first.
func (s Stamp) UTC(order DateOrder, loc *time.Location) (time.Time, bool) {
	return s.st.utc(order, loc)
}
