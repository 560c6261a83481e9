package main

import (
	"bufio"
	"cmp"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/extriage/extriage/patterns"
	"github.com/extriage/extriage/report"
)

// recordSink takes the records events keeps, one at a time: nothing is
// held but the record being written (or, for --stats, the counts).
type recordSink interface {
	add(r *patterns.Record, message string)
	close() error
}

// eventJSON is one record as json, ndjson and csv write it.
type eventJSON struct {
	File     string            `json:"file"`
	Record   uint64            `json:"record,omitempty"`
	Line     int64             `json:"line,omitempty"`
	Time     string            `json:"time,omitempty"` // RFC 3339 UTC; absent when the record has none
	Computer string            `json:"computer"`
	Source   string            `json:"source"` // evtx or trace
	Channel  string            `json:"channel,omitempty"`
	Provider string            `json:"provider,omitempty"`
	EventID  *uint32           `json:"event_id,omitempty"`
	Level    *uint8            `json:"level,omitempty"`
	Values   []valueJSON       `json:"values,omitempty"`
	Columns  map[string]string `json:"columns,omitempty"`
	Message  string            `json:"message,omitempty"`
}

// valueJSON is one value with its position (from 1), the position a
// signature's fields: list counts.
type valueJSON struct {
	Position int    `json:"position"`
	Name     string `json:"name,omitempty"`
	Value    string `json:"value"`
}

func toJSON(r *patterns.Record, message string) eventJSON {
	j := eventJSON{File: r.File, Record: r.RecordID, Line: r.Line, Computer: r.Computer, Source: cmp.Or(r.Source, "evtx"), Message: message}
	if !r.Time.IsZero() {
		j.Time = r.Time.UTC().Format(time.RFC3339Nano)
	}
	if j.Source == "trace" {
		j.Columns = r.Columns
		return j
	}
	id, level := r.EventID, r.Level
	j.Channel, j.Provider, j.EventID, j.Level = r.Channel, r.Provider, &id, &level
	for i, v := range r.Values {
		j.Values = append(j.Values, valueJSON{Position: i + 1, Name: v.Name, Value: v.Value})
	}
	return j
}

// listSink writes records as they come.
type listSink struct {
	w      *bufio.Writer
	format string
	csv    *csv.Writer
	n      int
	err    error
}

func newListSink(w io.Writer, format string) *listSink {
	s := &listSink{w: bufio.NewWriter(w), format: format}
	switch format {
	case "json":
		s.write("[")
	case "csv":
		s.write("\ufeff") // as the CSV report: Excel needs it for UTF-8
		s.csv = csv.NewWriter(s.w)
		s.csv.UseCRLF = true
		s.csv.Write(csvColumns)
	}
	return s
}

var csvColumns = []string{"file", "record", "line", "time_utc", "computer", "source", "channel", "provider", "event_id", "level", "message", "values"}

func (s *listSink) write(text string) {
	if s.err == nil {
		_, s.err = s.w.WriteString(text)
	}
}

func (s *listSink) add(r *patterns.Record, message string) {
	switch s.format {
	case "json", "ndjson":
		b, err := json.Marshal(toJSON(r, message))
		if err != nil {
			s.err = cmp.Or(s.err, err)
			return
		}
		if s.format == "json" {
			s.write(map[bool]string{true: "\n  ", false: ",\n  "}[s.n == 0])
		}
		s.write(string(report.EscapeJSON(b)))
		if s.format == "ndjson" {
			s.write("\n")
		}
	case "csv":
		s.csv.Write(csvRow(toJSON(r, message)))
	default:
		s.table(r, message)
	}
	s.n++
}

func csvRow(j eventJSON) []string {
	var vals []string
	for _, v := range j.Values {
		vals = append(vals, valueLine(v))
	}
	for _, k := range slices.Sorted(maps.Keys(j.Columns)) {
		if j.Columns[k] != "" {
			vals = append(vals, k+": "+j.Columns[k])
		}
	}
	num := func(n uint64) string {
		if n == 0 {
			return ""
		}
		return strconv.FormatUint(n, 10)
	}
	row := []string{report.CSVCell(j.File), num(j.Record), num(uint64(j.Line)), csvWhen(j.Time), report.CSVCell(j.Computer),
		j.Source, report.CSVCell(j.Channel), report.CSVCell(j.Provider), "", "", report.CSVCell(j.Message), report.CSVCell(strings.Join(vals, "\n"))}
	if j.EventID != nil {
		row[8], row[9] = strconv.FormatUint(uint64(*j.EventID), 10), strconv.Itoa(int(*j.Level))
	}
	return row
}

func valueLine(v valueJSON) string {
	if v.Name == "" {
		return fmt.Sprintf("%d: %s", v.Position, v.Value)
	}
	return fmt.Sprintf("%d %s: %s", v.Position, v.Name, v.Value)
}

// table writes a record for people: one line that says where and what,
// then its values, one a line, by position and name.
func (s *listSink) table(r *patterns.Record, message string) {
	j := toJSON(r, message)
	where := j.File
	if j.Record != 0 {
		where += fmt.Sprintf(" record %d", j.Record)
	}
	if j.Line != 0 {
		where += fmt.Sprintf(" line %d", j.Line)
	}
	head := []string{cmp.Or(strings.Replace(strings.TrimSuffix(j.Time, "Z"), "T", " ", 1), "(no time)"), j.Computer}
	if j.EventID != nil {
		head = append(head, j.Channel, j.Provider, fmt.Sprintf("event %d", *j.EventID), fmt.Sprintf("level %d", *j.Level))
	} else {
		head = append(head, "trace row")
	}
	s.write(report.Clean(strings.Join(head, "  "), false) + "\n    " + report.Clean(where, false) + "\n")
	for _, v := range j.Values {
		s.write("    " + report.Clean(valueLine(v), false) + "\n")
	}
	for _, k := range slices.Sorted(maps.Keys(j.Columns)) {
		if j.Columns[k] != "" {
			s.write("    " + report.Clean(k+": "+j.Columns[k], false) + "\n")
		}
	}
	if message != "" {
		s.write("    message: " + report.Clean(message, false) + "\n")
	}
	s.write("\n")
}

func (s *listSink) close() error {
	switch s.format {
	case "json":
		s.write(map[bool]string{true: "]\n", false: "\n]\n"}[s.n == 0])
	case "csv":
		s.csv.Flush()
		s.err = cmp.Or(s.err, s.csv.Error())
	case "table":
		if s.n == 0 {
			s.write("No record matched.\n")
		}
	}
	if err := s.w.Flush(); s.err == nil {
		s.err = err
	}
	return s.err
}

// statsKey is one group of --stats.
type statsKey struct {
	computer, channel, provider string
	eventID                     uint32
	trace                       bool
}

type statsRow struct {
	Computer string  `json:"computer"`
	Source   string  `json:"source"`
	Channel  string  `json:"channel,omitempty"`
	Provider string  `json:"provider,omitempty"`
	EventID  *uint32 `json:"event_id,omitempty"`
	Count    int     `json:"count"`
	First    string  `json:"first,omitempty"`
	Last     string  `json:"last,omitempty"`
	first    time.Time
	last     time.Time
}

// maxGroups bounds the groups --stats keeps: a hostile log may name a new
// computer in every record. The rest are counted in one group.
const maxGroups = 100_000

var otherGroup = statsKey{computer: "(other groups)"}

type statsSink struct {
	w      io.Writer
	format string
	groups map[statsKey]*statsRow
}

func newStatsSink(w io.Writer, format string) *statsSink {
	return &statsSink{w: w, format: format, groups: map[statsKey]*statsRow{}}
}

func (s *statsSink) add(r *patterns.Record, _ string) {
	k := statsKey{computer: r.Computer, channel: r.Channel, provider: r.Provider, eventID: r.EventID, trace: r.Source == "trace"}
	if k.trace {
		k.channel, k.provider, k.eventID = "", "", 0
	}
	g := s.groups[k]
	if g == nil {
		if len(s.groups) >= maxGroups {
			k = otherGroup
		}
		if g = s.groups[k]; g == nil {
			g = &statsRow{Computer: k.computer, Source: "evtx", Channel: k.channel, Provider: k.provider}
			if k.trace {
				g.Source = "trace"
			} else if k != otherGroup {
				id := k.eventID
				g.EventID = &id
			}
			s.groups[k] = g
		}
	}
	g.Count++
	if t := r.Time; !t.IsZero() {
		if g.first.IsZero() || t.Before(g.first) {
			g.first = t
		}
		if t.After(g.last) {
			g.last = t
		}
	}
}

func (s *statsSink) rows() []*statsRow {
	rows := slices.Collect(maps.Values(s.groups))
	for _, g := range rows {
		if !g.first.IsZero() {
			g.First, g.Last = g.first.UTC().Format(time.RFC3339Nano), g.last.UTC().Format(time.RFC3339Nano)
		}
	}
	id := func(g *statsRow) uint32 {
		if g.EventID == nil {
			return 0
		}
		return *g.EventID
	}
	slices.SortFunc(rows, func(a, b *statsRow) int {
		return cmp.Or(cmp.Compare(strings.ToLower(a.Computer), strings.ToLower(b.Computer)), cmp.Compare(a.Source, b.Source),
			cmp.Compare(a.Channel, b.Channel), cmp.Compare(a.Provider, b.Provider), cmp.Compare(id(a), id(b)))
	})
	return rows
}

func (s *statsSink) close() error {
	rows := s.rows()
	w := bufio.NewWriter(s.w)
	switch s.format {
	case "json":
		if rows == nil {
			rows = []*statsRow{}
		}
		b, err := json.MarshalIndent(rows, "", "  ")
		if err != nil {
			return err
		}
		w.Write(append(report.EscapeJSON(b), '\n'))
	case "ndjson":
		for _, g := range rows {
			b, err := json.Marshal(g)
			if err != nil {
				return err
			}
			w.Write(append(report.EscapeJSON(b), '\n'))
		}
	case "csv":
		w.WriteString("\ufeff")
		cw := csv.NewWriter(w)
		cw.UseCRLF = true
		cw.Write([]string{"computer", "source", "channel", "provider", "event_id", "count", "first_utc", "last_utc"})
		for _, g := range rows {
			cw.Write(append(statsCells(g, report.CSVCell), strconv.Itoa(g.Count), csvWhen(g.First), csvWhen(g.Last)))
		}
		cw.Flush()
	default:
		s.table(w, rows)
	}
	return w.Flush()
}

func statsCells(g *statsRow, clean func(string) string) []string {
	id := ""
	if g.EventID != nil {
		id = strconv.FormatUint(uint64(*g.EventID), 10)
	}
	return []string{clean(g.Computer), g.Source, clean(g.Channel), clean(g.Provider), id}
}

func csvWhen(s string) string { return strings.Replace(strings.TrimSuffix(s, "Z"), "T", " ", 1) }

func (s *statsSink) table(w *bufio.Writer, rows []*statsRow) {
	total := 0
	cells := [][]string{{"COUNT", "FIRST (UTC)", "LAST (UTC)", "COMPUTER", "SOURCE", "CHANNEL", "PROVIDER", "ID"}}
	for _, g := range rows {
		total += g.Count
		first, last := cmp.Or(csvWhen(g.First), "-"), cmp.Or(csvWhen(g.Last), "-")
		cells = append(cells, append([]string{strconv.Itoa(g.Count), first, last}, statsCells(g, func(s string) string { return report.Clean(s, false) })...))
	}
	widths := make([]int, len(cells[0]))
	for _, row := range cells {
		for i, c := range row {
			widths[i] = max(widths[i], len([]rune(c)))
		}
	}
	for _, row := range cells {
		var b strings.Builder
		for i, c := range row {
			if i > 0 {
				b.WriteString("  ")
			}
			b.WriteString(c + strings.Repeat(" ", widths[i]-len([]rune(c))))
		}
		w.WriteString(strings.TrimRight(b.String(), " ") + "\n")
	}
	fmt.Fprintf(w, "%d %s in %d %s\n", total, plural(total, "record", "records"), len(rows), plural(len(rows), "group", "groups"))
}
