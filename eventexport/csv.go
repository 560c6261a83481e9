package eventexport

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/extriage/extriage/evtx"
	"github.com/extriage/extriage/textio"
	"github.com/extriage/extriage/trace"
)

// psColumns says where a PowerShell Export-Csv of event objects keeps
// each System field, by header name (never by position).
type psColumns struct {
	message, id, level, record, provider, channel, computer, time string
	// levelOf reads the level column; nil for none.
	levelOf func(string) (uint8, bool)
	// lack is what Export-Csv lost of this object's values.
	lack string
}

// Get-WinEvent | Export-Csv (§3a): Properties becomes a type name, so
// every EventData/UserData value is gone and only the rendered message is
// left to read fields from. Level is the number; LevelDisplayName,
// TaskDisplayName and OpcodeDisplayName are localised and never read.
var winEventColumns = psColumns{message: "Message", id: "Id", level: "Level", record: "RecordId",
	provider: "ProviderName", channel: "LogName", computer: "MachineName", time: "TimeCreated",
	levelOf: numericLevel, lack: "Properties lost by Export-Csv: fields read from the message"}

// Get-EventLog | Export-Csv (§4): ReplacementStrings becomes
// System.String[]; Index is the record number; EventID the low 16 bits of
// InstanceId; the log is only in the #TYPE line; EntryType is an enum name.
var eventLogColumns = psColumns{message: "Message", id: "EventID", level: "EntryType", record: "Index",
	provider: "Source", computer: "MachineName", time: "TimeGenerated",
	levelOf: entryTypeLevel, lack: "ReplacementStrings lost by Export-Csv: fields read from the message"}

func numericLevel(s string) (uint8, bool) {
	n, err := strconv.ParseUint(s, 10, 8)
	return uint8(n), err == nil
}

// entryTypeLevel maps EventLogEntryType to the level a classic event has
// in an .evtx: Error 2, Warning 3, Information 4, audits 0.
func entryTypeLevel(s string) (uint8, bool) {
	switch s {
	case "Error":
		return 2, true
	case "Warning":
		return 3, true
	case "Information":
		return 4, true
	case "SuccessAudit", "FailureAudit":
		return 0, true
	}
	return 0, false
}

// readPSCSV streams a PowerShell Export-Csv of event objects: Windows
// PowerShell 5.1 with or without its #TYPE line, PowerShell 7, any
// delimiter -UseCulture picks. Each row gives an event with its record id,
// computer, channel, provider, id and level, and the Message column as its
// one value, named Message, from which the catalog's message templates
// read the fields back.
func readPSCSV(name string, text io.Reader, pc psColumns, opts Options, st *Stats, emit func(*Record)) error {
	rr := textio.NewCSVReader(text, maxEventText)
	cols, typeLine, err := readCSVHeader(rr)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	if _, ok := cols[pc.message]; !ok {
		return fmt.Errorf("%s: %w: the header has no %s column", name, ErrNotExport, pc.message)
	}
	st.Lacks = append(st.Lacks, pc.lack)
	channel := ""
	if pc.channel == "" {
		if channel = typeLog(typeLine); channel == "" {
			st.Lacks = append(st.Lacks, "no log name (exported without its #TYPE line)")
		}
	}
	c := newClock(name, pc.time, opts, st, emit)
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
			if i, ok := cols[col]; ok && col != "" && i < len(row.Fields) {
				return row.Fields[i]
			}
			return ""
		}
		rec := Record{Event: evtx.Event{File: name, Provider: field(pc.provider), Channel: cmp.Or(field(pc.channel), channel),
			Computer: field(pc.computer)}, Line: row.Line}
		if n, err := strconv.ParseUint(field(pc.id), 10, 32); err == nil {
			rec.EventID = uint32(n)
		}
		if lv, ok := pc.levelOf(field(pc.level)); ok {
			rec.Level = lv
		}
		if n, err := strconv.ParseUint(field(pc.record), 10, 64); err == nil {
			rec.RecordID = n
		}
		if msg := field(pc.message); msg != "" {
			rec.Values = []evtx.Value{{Name: "Message", Value: msg}}
		}
		c.add(&rec, field(pc.time))
	}
	c.end()
	st.Bytes = rr.Offset()
	return nil
}

// typeLog is the log of a Get-EventLog #TYPE line,
// "#TYPE System.Diagnostics.EventLogEntry#system/<source>/<id>" (§4),
// as the admin typed it; "" if the line has none.
func typeLog(line string) string {
	_, rest, ok := strings.Cut(line, "EventLogEntry#")
	if !ok {
		return ""
	}
	log, _, _ := strings.Cut(rest, "/")
	return strings.TrimSpace(log)
}

// readCSVHeader reads the header, after an optional #TYPE line (returned),
// sets the delimiter from it, and returns each column's index by name.
func readCSVHeader(rr *textio.CSVReader) (map[string]int, string, error) {
	typeLine := ""
	for {
		line, term, _, ok := rr.PhysLine()
		if !ok {
			return nil, "", fmt.Errorf("%w: the export ends before its header", ErrNotExport)
		}
		line = textio.TrimBOM(line)
		if len(line) == 0 || line[0] == '#' {
			if typeLine == "" {
				typeLine = string(line) // the #TYPE line of Windows PowerShell 5.1
			}
			continue
		}
		rr.Delim = textio.SniffDelimiter(line)
		head := rr.Split(rr.Line(), line, term)
		cols := make(map[string]int, len(head.Fields))
		for i, f := range head.Fields {
			cols[strings.TrimSpace(f)] = i
		}
		return cols, typeLine, nil
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
	column  string // the time column, for messages
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

func newClock(file, column string, opts Options, st *Stats, emit func(*Record)) *clock {
	return &clock{file: file, column: column, opts: opts, order: opts.DateOrder, st: st, emit: emit}
}

func (c *clock) add(rec *Record, when string) {
	stamp, ok := trace.ParseStamp(when)
	if !ok && strings.TrimSpace(when) != "" {
		c.st.problem(Problem{File: c.file, Line: rec.Line, Message: fmt.Sprintf("%s %q is not a time; the event is read without one", c.column, when)})
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
			c.st.problem(Problem{File: c.file, Line: rec.Line, Message: c.column + " is not a date in the day/month order of this file; the event is read without a time"})
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
