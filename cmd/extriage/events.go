package main

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/extriage/extriage/patterns"
	"github.com/extriage/extriage/report"
	"github.com/extriage/extriage/scan"
)

type eventsCmd struct {
	Paths      []string `arg:"" name:"path" help:"Files, folders, .zip archives, or - for standard input, as for scan."`
	Channel    []string `placeholder:"NAME" help:"Only records of this channel (case-insensitive). Repeatable."`
	Provider   []string `placeholder:"NAME" help:"Only records of this provider (case-insensitive). Repeatable."`
	ID         []string `name:"id" placeholder:"N|N-M" help:"Only these event ids: one id, a range 700-750, or a comma list. Repeatable."`
	Computer   []string `placeholder:"NAME" help:"Only records of this computer: the full name or its host part (case-insensitive). Repeatable."`
	Contains   string   `placeholder:"TEXT" help:"Only records with a value, column or message containing TEXT (case-insensitive)."`
	Since      string   `placeholder:"WHEN" help:"Only records at or after WHEN, as for scan."`
	Until      string   `placeholder:"WHEN" help:"Only records at or before WHEN, as for scan."`
	Format     string   `short:"f" enum:"table,json,ndjson,csv" default:"table" help:"table, json (one array), ndjson (one record a line) or csv."`
	Stats      bool     `help:"Count the records per computer, channel, provider and event id, with the first and last time, instead of listing them."`
	Patterns   []string `placeholder:"DIR" help:"Folder of extra pattern YAML files: their message templates render the message of raw .evtx records. Repeatable."`
	Timezone   string   `placeholder:"ZONE" help:"Time zone of Get-MessageTrackingLog CSV exports, as for scan."`
	DateFormat string   `name:"date-format" placeholder:"ORDER" help:"Day/month order of Get-MessageTrackingLog CSV exports (dmy or mdy), as for scan."`
}

func (c *eventsCmd) Run(e *env) error {
	f, err := c.filter(e)
	if err != nil {
		return err
	}
	topts, err := (&scanCmd{Timezone: c.Timezone, DateFormat: c.DateFormat}).traceOptions()
	if err != nil {
		return err
	}
	_, m, err := loadCatalog(c.Patterns...)
	if err != nil {
		return err
	}
	var sink recordSink
	if c.Stats {
		sink = newStatsSink(e.stdout, c.Format)
	} else {
		sink = newListSink(e.stdout, c.Format)
	}
	res := scan.Run(scan.Config{Paths: c.Paths, Location: topts.Location, DateOrder: topts.DateFormat, Window: f.window, Stdin: e.stdin, Now: e.now,
		Want: f.wantHeader, Visit: func(r *patterns.Record) {
			if !f.keep(r) {
				return
			}
			msg := message(m, r)
			if f.contains == "" || containsFold(msg, f.contains) || f.inValues(r) {
				sink.add(r, msg)
			}
		}})
	if err := sink.close(); err != nil {
		return fmt.Errorf("cannot write the records: %w", err)
	}
	return eventsExit(e, &res.Summary)
}

// message is the record's rendered message: its own Message value, or the
// one a signature's template renders from its values.
func message(m *patterns.Matcher, r *patterns.Record) string {
	for _, v := range r.Values {
		if v.Name == "Message" {
			return v.Value
		}
	}
	for _, h := range m.Match(r) {
		if h.Message != "" {
			return h.Message
		}
	}
	return ""
}

// eventsExit says what could not be read on standard error and picks the
// exit code as scan does: 2 when nothing was read, 3 when part was.
func eventsExit(e *env, s *report.Summary) error {
	for _, er := range s.Errors {
		where := er.File
		if er.Chunk != nil && er.Offset != nil {
			where += fmt.Sprintf(", chunk %d, file offset %d", *er.Chunk, *er.Offset)
		}
		if er.Record != 0 {
			where += fmt.Sprintf(", record %d", er.Record)
		}
		if er.Line != 0 {
			where += fmt.Sprintf(", line %d", er.Line)
		}
		fmt.Fprintf(e.stderr, "extriage: %s: %s\n", report.Clean(where, false), report.Clean(er.Message, false))
	}
	switch {
	case s.Inputs == 0:
		fmt.Fprintln(e.stderr, "extriage: nothing was read: no .evtx file or message-trace export was found in the paths given")
		return exitStatus(exitError)
	case s.Partial:
		return exitStatus(exitPartial)
	}
	return nil
}

// eventFilter is what --channel, --provider, --id, --computer, --contains
// and --since/--until keep.
type eventFilter struct {
	channels, providers, computers []string
	ids                            []idRange
	contains                       string // lower-cased
	window                         scan.Window
}

type idRange struct{ lo, hi uint32 }

func (c *eventsCmd) filter(e *env) (*eventFilter, error) {
	f := &eventFilter{channels: c.Channel, providers: c.Provider, computers: c.Computer, contains: strings.ToLower(c.Contains)}
	var err error
	if f.window, err = parseWindow(c.Since, c.Until, e.now()); err != nil {
		return nil, err
	}
	for _, arg := range c.ID {
		for _, part := range strings.Split(arg, ",") {
			r, err := parseIDRange(strings.TrimSpace(part))
			if err != nil {
				return nil, fmt.Errorf("--id %q: %w", arg, err)
			}
			f.ids = append(f.ids, r)
		}
	}
	return f, nil
}

func parseIDRange(s string) (idRange, error) {
	lo, hi, isRange := strings.Cut(s, "-")
	a, err1 := strconv.ParseUint(lo, 10, 32)
	b := a
	var err2 error
	if isRange {
		b, err2 = strconv.ParseUint(hi, 10, 32)
	}
	if err1 != nil || err2 != nil || b < a {
		return idRange{}, fmt.Errorf("want an event id (738), a range (700-750) or a comma list of them (708,738)")
	}
	return idRange{uint32(a), uint32(b)}, nil
}

// wantHeader decides from the channel, provider and id alone, before an
// .evtx record's values are decoded: the prefilter of this command.
func (f *eventFilter) wantHeader(channel, provider string, id uint32) bool {
	if len(f.channels) > 0 && !anyFold(f.channels, channel) || len(f.providers) > 0 && !anyFold(f.providers, provider) {
		return false
	}
	if len(f.ids) == 0 {
		return true
	}
	for _, r := range f.ids {
		if id >= r.lo && id <= r.hi {
			return true
		}
	}
	return false
}

// keep applies what wantHeader could not: trace rows have no channel,
// provider or event id, so those filters exclude them; and the computer.
func (f *eventFilter) keep(r *patterns.Record) bool {
	if r.Source == "trace" && (len(f.channels) > 0 || len(f.providers) > 0 || len(f.ids) > 0) {
		return false
	}
	if r.Source != "trace" && !f.wantHeader(r.Channel, r.Provider, r.EventID) {
		return false
	}
	if len(f.computers) > 0 {
		host, _, _ := strings.Cut(r.Computer, ".")
		if !anyFold(f.computers, r.Computer) && !anyFold(f.computers, host) {
			return false
		}
	}
	return true
}

func (f *eventFilter) inValues(r *patterns.Record) bool {
	for _, v := range r.Values {
		if containsFold(v.Value, f.contains) {
			return true
		}
	}
	for _, v := range r.Columns {
		if containsFold(v, f.contains) {
			return true
		}
	}
	return containsFold(r.Computer, f.contains)
}

func anyFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

// containsFold: lower is already lower-cased.
func containsFold(s, lower string) bool { return strings.Contains(strings.ToLower(s), lower) }
