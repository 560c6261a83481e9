package trace

import (
	"fmt"
	"strings"
)

// unjoinedWarning is the row warning for PowerShell's "System.String[]".
const unjoinedWarning = "the export did not join array columns: %s holds %q, not its values"

// record fields that become one row per recipient.
type recipients struct {
	base               *Row
	rcpt, status       string
	packed             string // enhanced summary: addr##events;...
	rcptCol, statusCol string
}

// build maps one record's fields onto a base row; the recipients are
// expanded later, one row at a time.
func (rd *reader) build(line int64, fields []string) *recipients {
	lay := rd.lay
	base := &Row{File: rd.name, Line: line, Dialect: lay.spec.dialect}
	if rd.nExtra > 0 {
		base.Extra = make([]Field, 0, rd.nExtra)
	}
	rc := &recipients{base: base}
	for i, v := range fields {
		switch lay.targets[i] {
		case tTime:
			base.TimeText = v
		case tServer:
			base.Server = v
		case tEvent:
			base.Event = v
		case tSource:
			base.Source = v
		case tSourceContext:
			base.SourceContext = v
		case tSender:
			base.Sender = v
		case tRecipient:
			rc.rcpt, rc.rcptCol = v, lay.names[i]
		case tStatus:
			rc.status, rc.statusCol = v, lay.names[i]
		case tPacked:
			rc.packed, rc.rcptCol = v, lay.names[i]
		case tMessageID:
			base.MessageID = v
		case tSubject:
			base.Subject = v
		case tDirection:
			base.Direction = v
		case tCustomData:
			base.CustomData = v
		default:
			base.Extra = append(base.Extra, Field{Name: lay.names[i], Value: v})
		}
		if isUnjoined(v) {
			rd.unjoined(base, lay.names[i], v)
		}
	}
	// An unjoined array holds a type name, not a value: never let it pass
	// for an address or a status.
	if isUnjoined(rc.rcpt) {
		rc.rcpt = ""
	}
	if isUnjoined(rc.status) {
		rc.status = ""
	}
	return rc
}

func (rd *reader) unjoined(r *Row, col, v string) {
	msg := fmt.Sprintf(unjoinedWarning, col, v)
	r.Warnings = append(r.Warnings, msg)
	rd.warnOnce("unjoined:"+col, r.Line, msg+"; re-export with the column joined, e.g. @{n='"+col+"';e={$_."+col+" -join ';'}}")
}

// expand pairs recipients with statuses. Exchange writes one status per
// recipient in the same order; when the counts differ the pairing is not
// known, so every row gets the whole status and says so. Rows are handed to
// each as they are made: a record may name thousands of recipients.
func (rd *reader) expand(rc *recipients, each func(*Row) error) error {
	base := rc.base
	nr := countMembers(rc.rcpt)
	if nr <= 1 {
		base.Recipient = firstMember(rc.rcpt)
		base.Status = rc.status
		if countMembers(rc.status) == 1 {
			base.Status = firstMember(rc.status) // without Exchange's single quotes
		}
		base.StatusParts = parseParts(base.Status)
		return each(base)
	}
	ns := countMembers(rc.status)
	paired := ns == nr
	if !paired && ns > 0 {
		base.Warnings = append(base.Warnings, fmt.Sprintf(
			"%s has %d value(s) for %d recipients in %s: not paired, each row carries the whole status",
			rc.statusCol, ns, nr, rc.rcptCol))
	}
	proto := prototype(base)
	rs, ss := newMembers(rc.rcpt), newMembers(rc.status)
	for i := 0; ; i++ {
		a, ok := rs.next()
		if !ok {
			return nil
		}
		r := proto.row(base, i)
		r.Recipient, r.Status = a, rc.status
		if paired {
			r.Status, _ = ss.next()
		}
		r.StatusParts = parseParts(r.Status)
		if err := each(r); err != nil {
			return err
		}
	}
}

// unpack expands the enhanced summary's recipient_status,
// "addr##Receive, Deliver;addr2##Receive, Fail": the recipient's events are
// its status, and the last of them is its Event.
func (rd *reader) unpack(rc *recipients, each func(*Row) error) error {
	if rc.packed == "" {
		return each(rc.base)
	}
	proto := prototype(rc.base)
	ms := newMembers(rc.packed)
	for i := 0; ; i++ {
		m, ok := ms.next()
		if !ok {
			return nil
		}
		r := proto.row(rc.base, i)
		addr, events, found := strings.Cut(m, "##")
		r.Recipient = strings.TrimSpace(addr)
		if !found {
			r.Warnings = append(r.Warnings, fmt.Sprintf("%s member %q has no ## before its events", rc.rcptCol, m))
		}
		r.Status = strings.TrimSpace(events)
		r.Event = r.Status
		if j := strings.LastIndexByte(r.Status, ','); j >= 0 {
			r.Event = strings.TrimSpace(r.Status[j+1:])
		}
		r.StatusParts = parseParts(r.Status)
		if err := each(r); err != nil {
			return err
		}
	}
}

// proto is a record's row as it was before any recipient was filled in, so
// later recipients never inherit what an earlier row (or its receiver) set.
type proto struct{ r Row }

func prototype(base *Row) *proto {
	// Extra is shared, not copied: it is the largest part of a row and the
	// same for every recipient. Its capacity is clipped so an append on one
	// row cannot write into another's.
	base.Extra = base.Extra[:len(base.Extra):len(base.Extra)]
	return &proto{r: *base}
}

// row returns the i-th recipient's row: base itself first, then copies.
func (p *proto) row(base *Row, i int) *Row {
	if i == 0 {
		return base
	}
	r := p.r
	r.Warnings = append([]string(nil), p.r.Warnings...)
	return &r
}

func parseParts(status string) StatusParts {
	if !strings.Contains(status, "[{") {
		return StatusParts{}
	}
	return ParseStatus(status)
}

// rows times a record and emits its rows, or holds them back while the
// day/month order is open. The time is placed on the base row before it is
// copied for each recipient, so it is parsed once per record.
func (rd *reader) rows(rc *recipients) error {
	st, ok, open := rd.stampOf(rc.base)
	if len(rd.held) > 0 && rd.order != DateAuto {
		// This row proved the order: the rows held before it go first.
		if err := rd.release(); err != nil {
			return err
		}
	}
	if !open {
		rd.place(rc.base, st, ok)
	}
	each := func(r *Row) error {
		if !open && len(rd.held) == 0 {
			return rd.out(r)
		}
		rd.held = append(rd.held, held{row: r, st: st, open: open})
		if len(rd.held) >= rd.opts.Lookahead {
			return rd.flush(false)
		}
		return nil
	}
	if rd.lay.spec.dialect == DialectEnhancedSummary {
		return rd.unpack(rc, each)
	}
	return rd.expand(rc, each)
}

// stampOf parses a row's time text. open reports a date whose day/month
// order is still unknown; a date that proves the order settles it.
func (rd *reader) stampOf(r *Row) (st stamp, ok, open bool) {
	if r.TimeText == "" {
		rd.problem(r.Line, "the time column is empty")
		return st, false, false
	}
	st, ok = parseStamp(r.TimeText)
	if !ok {
		rd.problem(r.Line, fmt.Sprintf("time %q not understood", r.TimeText))
		return st, false, false
	}
	switch st.class() {
	case classOpen:
		return st, true, rd.order == DateAuto
	case classDMY:
		return st, rd.prove(DateDMY, r), false
	case classMDY:
		return st, rd.prove(DateMDY, r), false
	case classBad:
		rd.problem(r.Line, fmt.Sprintf("time %q: neither number can be the month", r.TimeText))
		return st, false, false
	}
	return st, true, false
}

// prove records an order shown by a date whose day is above 12. It reports
// whether the row's own date fits the order in force.
func (rd *reader) prove(o DateOrder, r *Row) bool {
	switch {
	case rd.order == DateAuto:
		rd.order, rd.st.DateOrder, rd.st.DateOrderLine = o, o, r.Line
		return true
	case rd.order == o:
		if rd.guessed {
			rd.guessed, rd.st.DateOrderLine = false, r.Line // the guess is now proved
		}
		return true
	case rd.guessed:
		rd.warnOnce("order-wrong", r.Line, fmt.Sprintf(
			"day/month order was assumed %s, but %q can only be %s: rows before this line may have day and month swapped",
			rd.order, r.TimeText, o))
		// Stats.DateGuessed stays set: rows already emitted carry the guess.
		rd.order, rd.st.DateOrder, rd.st.DateOrderLine, rd.guessed = o, o, r.Line, false
		return true
	}
	rd.problem(r.Line, fmt.Sprintf("time %q does not fit the day/month order %s", r.TimeText, rd.order))
	return false
}

// place sets a row's UTC time from its stamp under the current order.
func (rd *reader) place(r *Row, st stamp, ok bool) {
	r.Zone = rd.zoneOf(st)
	if !ok {
		return
	}
	loc := rd.opts.Location
	if !rd.local {
		loc = nil
	}
	t, valid := st.utc(rd.order, loc)
	if !valid {
		rd.problem(r.Line, fmt.Sprintf("time %q is not a valid date and time", r.TimeText))
		return
	}
	r.Time, r.TimeKnown = t, true
	r.DateGuessed = rd.guessed && st.class() == classOpen
	if r.Zone == ZoneUnknown {
		rd.st.ZoneUnknown = true
		rd.warnOnce("zone", r.Line, "times are local to the exporting machine and no time zone was given: read as UTC (use --timezone)")
	}
}

func (rd *reader) zoneOf(st stamp) Zone {
	switch {
	case st.zoned && st.offset == 0 && !rd.local:
		return ZoneUTC
	case st.zoned:
		return ZoneOffset
	case !rd.local:
		return ZoneUTC
	case rd.opts.Location != nil:
		return ZoneGiven
	}
	return ZoneUnknown
}

// flush releases held rows. At the end of the input, or when the lookahead
// is full, an order nobody proved is assumed and reported.
func (rd *reader) flush(final bool) error {
	if len(rd.held) == 0 {
		return nil
	}
	if rd.order == DateAuto {
		rd.assume(final)
	}
	return rd.release()
}

// assume picks the day/month order from the first open date's style.
func (rd *reader) assume(final bool) {
	h := rd.held[0]
	for _, x := range rd.held {
		if x.open {
			h = x
			break
		}
	}
	o := h.st.guessOrder()
	rd.order, rd.st.DateOrder, rd.guessed, rd.st.DateGuessed = o, o, true, true
	why := "no date in the file"
	if !final {
		why = fmt.Sprintf("none of the first %d rows", len(rd.held))
	}
	rd.warnOnce("order-guess", h.row.Line, fmt.Sprintf(
		"day and month cannot be told apart (%s has a day above 12, e.g. %q): read as %s; use --date-format dmy or mdy",
		why, h.row.TimeText, o))
}

// release emits held rows once the order is known.
func (rd *reader) release() error {
	held := rd.held
	rd.held = nil
	for _, h := range held {
		if h.open {
			rd.place(h.row, h.st, true)
		}
		if err := rd.out(h.row); err != nil {
			return err
		}
	}
	return nil
}

func (rd *reader) out(r *Row) error {
	rd.st.Rows++
	if err := rd.emit(r); err != nil {
		return emitError{err}
	}
	return nil
}
