package eventexport

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/extriage/extriage/evtx"
	"github.com/extriage/extriage/textio"
	"github.com/extriage/extriage/trace"
)

// lackWinEventCSV is what Get-WinEvent | Export-Csv loses: Properties
// becomes a type name, so every EventData/UserData value is gone and only
// the rendered message is left to read fields from (§3a).
const lackWinEventCSV = "Properties lost by Export-Csv: fields read from the message"

// readWinEventCSV streams Get-WinEvent | Export-Csv (§3a): Windows
// PowerShell 5.1 with or without its #TYPE line, PowerShell 7, any
// delimiter -UseCulture picks. Columns are found by name in the header,
// never by position. Each row gives an event with its record id, computer,
// channel, provider, id and level, and the Message column as its one
// value, named Message, from which the catalog's message templates read
// the fields back. LevelDisplayName, TaskDisplayName and
// OpcodeDisplayName are localised and never read.
func readWinEventCSV(name string, text io.Reader, opts Options, st *Stats, emit func(*Record)) error {
	rr := textio.NewCSVReader(text, maxEventText)
	cols, err := readCSVHeader(rr)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	if _, ok := cols["Message"]; !ok {
		return fmt.Errorf("%s: %w: the header has no Message column", name, ErrNotExport)
	}
	st.Lacks = append(st.Lacks, lackWinEventCSV)
	c := newClock(name, opts, st, emit)
	for {
		row, err := rr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			if errors.Is(err, textio.ErrEncoding) {
				st.problem(Problem{File: name, Line: rr.ErrLine(), Offset: rr.Offset(), Message: err.Error()})
				break
			}
			return fmt.Errorf("%s: %w", name, err)
		}
		if row.Problem != "" {
			st.Lost++
			st.problem(Problem{File: name, Line: row.Line, Offset: rr.Offset(), Message: row.Problem})
			continue
		}
		field := func(col string) string {
			if i, ok := cols[col]; ok && i < len(row.Fields) {
				return row.Fields[i]
			}
			return ""
		}
		rec := Record{Event: evtx.Event{File: name, Provider: field("ProviderName"), Channel: field("LogName"),
			Computer: field("MachineName")}, Line: row.Line}
		if n, err := strconv.ParseUint(field("Id"), 10, 32); err == nil {
			rec.EventID = uint32(n)
		}
		if n, err := strconv.ParseUint(field("Level"), 10, 8); err == nil {
			rec.Level = uint8(n)
		}
		if n, err := strconv.ParseUint(field("RecordId"), 10, 64); err == nil {
			rec.RecordID = n
		}
		if msg := field("Message"); msg != "" {
			rec.Values = []evtx.Value{{Name: "Message", Value: msg}}
		}
		c.add(&rec, field("TimeCreated"))
	}
	c.end()
	return nil
}

// readCSVHeader reads the header, after an optional #TYPE line, sets the
// delimiter from it, and returns each column's index by name.
func readCSVHeader(rr *textio.CSVReader) (map[string]int, error) {
	for {
		line, term, _, ok := rr.PhysLine()
		if !ok {
			return nil, fmt.Errorf("%w: the export ends before its header", ErrNotExport)
		}
		line = textio.TrimBOM(line)
		if len(line) == 0 || line[0] == '#' {
			continue // the #TYPE line of Windows PowerShell 5.1
		}
		rr.Delim = textio.SniffDelimiter(line)
		head := rr.Split(rr.Line(), line, term)
		cols := make(map[string]int, len(head.Fields))
		for i, f := range head.Fields {
			cols[strings.TrimSpace(f)] = i
		}
		return cols, nil
	}
}

// Bounds on the records held back while no date of the file has shown
// whether day or month comes first.
const (
	maxPending      = 4096
	maxPendingBytes = 16 << 20
)

// clock places culture-formatted local times (§3a: "5/31/2026 4:36:21 PM",
// no offset) in time with --timezone and --date-format. Without
// --date-format it holds records back, within fixed bounds, until a date
// with a day above 12 proves the order, and assumes one (with a warning)
// only if none does. Without --timezone the times are read as UTC, and the
// stats say so.
type clock struct {
	file    string
	opts    Options
	order   trace.DateOrder
	st      *Stats
	emit    func(*Record)
	pending []held
	bytes   int
	guessed bool
	unzoned bool
}

type held struct {
	rec   Record
	stamp trace.Stamp
	ok    bool
}

func newClock(file string, opts Options, st *Stats, emit func(*Record)) *clock {
	return &clock{file: file, opts: opts, order: opts.DateOrder, st: st, emit: emit}
}

func (c *clock) add(rec *Record, when string) {
	stamp, ok := trace.ParseStamp(when)
	if !ok && strings.TrimSpace(when) != "" {
		c.st.problem(Problem{File: c.file, Line: rec.Line, Message: fmt.Sprintf("TimeCreated %q is not a time; the event is read without one", when)})
	}
	if ok && c.order == trace.DateAuto {
		if o := stamp.Proves(); o != trace.DateAuto {
			c.order = o
		}
	}
	if c.order == trace.DateAuto && (len(c.pending) > 0 || ok && stamp.Open()) {
		c.hold(rec, stamp, ok)
		return
	}
	c.flush()
	c.place(rec, stamp, ok)
}

// hold keeps a copy of rec until the order is known.
func (c *clock) hold(rec *Record, stamp trace.Stamp, ok bool) {
	cp := *rec
	cp.Provider, cp.Channel, cp.Computer = strings.Clone(cp.Provider), strings.Clone(cp.Channel), strings.Clone(cp.Computer)
	cp.Values = nil
	for _, v := range rec.Values {
		cp.Values = append(cp.Values, evtx.Value{Name: v.Name, Value: strings.Clone(v.Value)})
		c.bytes += len(v.Value)
	}
	c.pending = append(c.pending, held{cp, stamp, ok})
	if len(c.pending) >= maxPending || c.bytes >= maxPendingBytes {
		c.assume()
	}
}

// assume picks the order the first held date suggests, and says so.
func (c *clock) assume() {
	for _, h := range c.pending {
		if h.ok {
			c.order, c.guessed = h.stamp.GuessOrder(), true
			break
		}
	}
	c.flush()
}

func (c *clock) flush() {
	for i := range c.pending {
		h := &c.pending[i]
		c.place(&h.rec, h.stamp, h.ok)
	}
	c.pending, c.bytes = c.pending[:0], 0
}

func (c *clock) place(rec *Record, stamp trace.Stamp, ok bool) {
	if ok {
		if !stamp.Zoned() {
			c.unzoned = true
		}
		if t, valid := stamp.UTC(c.order, c.opts.Location); valid {
			rec.Time = t
		} else {
			c.st.problem(Problem{File: c.file, Line: rec.Line, Message: "TimeCreated is not a date in the day/month order of this file; the event is read without a time"})
		}
	}
	c.st.Records++
	c.emit(rec)
}

// end places what is still held and words the warnings.
func (c *clock) end() {
	if len(c.pending) > 0 {
		c.assume()
	}
	if c.guessed {
		c.st.Warnings = append(c.st.Warnings, fmt.Sprintf("no date in this file tells day from month; dates were read as %s: give --date-format dmy or mdy", c.order))
	}
	if c.unzoned && c.opts.Location == nil {
		c.st.Warnings = append(c.st.Warnings, "times are the exporting machine's local time with no zone and were read as UTC: give --timezone")
	}
}
