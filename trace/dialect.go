package trace

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/extriage/extriage/textio"
)

// ErrUnknownFormat is wrapped by the error for an input whose header is none
// of the dialects this package reads.
var ErrUnknownFormat = errors.New("not a message trace or tracking export")

// ErrMissingColumns is wrapped by the error for a header that looks like a
// known dialect but lacks a column the dialect cannot do without.
var ErrMissingColumns = errors.New("required columns missing")

// target is the Row field a column feeds.
type target uint8

const (
	tExtra target = iota
	tTime
	tServer
	tEvent
	tSource
	tSourceContext
	tSender
	tRecipient
	tStatus
	tMessageID
	tSubject
	tDirection
	tCustomData
	tPacked // enhanced summary recipient_status: addr##events;...
)

var targetNames = [...]string{
	tExtra: "extra", tTime: "time", tServer: "server", tEvent: "event", tSource: "source",
	tSourceContext: "source context", tSender: "sender", tRecipient: "recipient",
	tStatus: "status", tMessageID: "message id", tSubject: "subject",
	tDirection: "direction", tCustomData: "custom data", tPacked: "recipients and status",
}

// spec describes one dialect: the columns that identify it (each entry lists
// alternative spellings, canonical form) and where its columns go.
type spec struct {
	dialect Dialect
	title   string            // how an admin would recognise the export
	need    []string          // "a|b": either a or b; all entries required
	cols    map[string]target // by the dialect's own spelling
	local   bool              // the time column is local time in the exporter's culture
	lookup  map[string]target // cols by canonical name, built by init
}

func init() {
	for _, sp := range append([]*spec{rawSpec}, csvSpecs...) {
		sp.lookup = make(map[string]target, len(sp.cols))
		for name, t := range sp.cols {
			sp.lookup[canonical(name)] = t
		}
	}
}

// trackingCols maps the raw log's hyphenated names; the extended report uses
// the same names in snake_case (sep "_"), which canonical() makes equal.
func trackingCols(timeCol, sep string) map[string]target {
	r := strings.NewReplacer("-", sep)
	m := map[string]target{}
	for name, t := range map[string]target{
		timeCol: tTime, "server-hostname": tServer, "event-id": tEvent, "source": tSource,
		"source-context": tSourceContext, "sender-address": tSender,
		"recipient-address": tRecipient, "recipient-status": tStatus, "message-id": tMessageID,
		"message-subject": tSubject, "directionality": tDirection, "custom-data": tCustomData,
	} {
		m[r.Replace(name)] = t
	}
	return m
}

var rawSpec = &spec{
	dialect: DialectTrackingLog,
	title:   "raw tracking log (#Software:/#Fields: date-time,...,event-id,... header)",
	need:    []string{"date-time", "event-id"},
	cols:    trackingCols("date-time", "-"),
}

// csvSpecs are tried in order; the first whose required columns are all
// present wins. The more specific headers come first.
var csvSpecs = []*spec{
	{
		dialect: DialectExtendedReport,
		title:   "historical search extended report (date_time_utc, event_id, recipient_address, ...)",
		need:    []string{"date_time_utc", "event_id"},
		cols:    trackingCols("date-time-utc", "_"),
	},
	{
		dialect: DialectEnhancedSummary,
		title:   "historical search enhanced summary report (origin_timestamp_utc, sender_address, recipient_status, ...)",
		need:    []string{"origin_timestamp_utc|origin_timestamp", "recipient_status"},
		cols: map[string]target{
			"origin_timestamp_utc": tTime, "origin_timestamp": tTime, "sender_address": tSender,
			"recipient_status": tPacked, "message_subject": tSubject, "message_id": tMessageID,
			"directionality": tDirection,
		},
	},
	{
		dialect: DialectTrackingCSV,
		title:   "Get-MessageTrackingLog | Export-Csv (Timestamp, EventId, Source, Sender, Recipients, ...)",
		need:    []string{"Timestamp", "EventId"},
		local:   true,
		cols: map[string]target{
			"Timestamp": tTime, "ServerHostname": tServer, "EventId": tEvent, "Source": tSource,
			"SourceContext": tSourceContext, "Sender": tSender, "Recipients": tRecipient,
			"RecipientStatus": tStatus, "MessageId": tMessageID, "MessageSubject": tSubject,
			"Directionality": tDirection, "EventData": tCustomData,
		},
	},
	{
		dialect: DialectMessageTraceDetail,
		title:   "Get-MessageTraceDetail | Export-Csv (Date, Event, Action, Detail, ...)",
		need:    []string{"Date", "Event"},
		cols: map[string]target{
			"Date": tTime, "Event": tEvent, "Detail": tStatus, "SenderAddress": tSender,
			"RecipientAddress": tRecipient, "MessageId": tMessageID, "Data": tCustomData,
		},
	},
	{
		dialect: DialectMessageTrace,
		title:   "Get-MessageTrace / Get-MessageTraceV2 | Export-Csv (Received, SenderAddress, RecipientAddress, Status, ...)",
		need:    []string{"Received", "RecipientAddress"},
		cols: map[string]target{
			"Received": tTime, "SenderAddress": tSender, "RecipientAddress": tRecipient,
			"Status": tStatus, "MessageId": tMessageID, "Subject": tSubject,
		},
	},
}

// layout is a header resolved against a dialect: where each column goes.
type layout struct {
	spec    *spec
	names   []string // the header's own spelling
	targets []target
	missing []string // mapped columns the header lacks, by Row field
}

// canonical folds a column name so that "date-time", "date_time" and
// "DateTime" compare equal: lower case, without '-', '_', spaces and quotes.
func canonical(name string) string {
	var b strings.Builder
	b.Grow(len(name))
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case c >= 'A' && c <= 'Z':
			b.WriteByte(c + 'a' - 'A')
		case c == '-' || c == '_' || c == ' ' || c == '"' || c == '\t':
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// resolve maps header names onto sp, or reports the required columns absent.
func resolve(sp *spec, names []string) (*layout, []string) {
	have := make(map[string]bool, len(names))
	for _, n := range names {
		have[canonical(n)] = true
	}
	var absent []string
	for _, alt := range sp.need {
		if !anyPresent(have, alt) {
			absent = append(absent, strings.ReplaceAll(alt, "|", " or "))
		}
	}
	if len(absent) > 0 {
		return nil, absent
	}
	lay := &layout{spec: sp, names: names, targets: make([]target, len(names))}
	taken := map[target]bool{}
	for i, n := range names {
		t := sp.lookup[canonical(n)]
		if t != tExtra && taken[t] {
			t = tExtra // a second column for the same field is kept, not merged
		}
		taken[t] = true
		lay.targets[i] = t
	}
	lay.missing = missingFields(sp, taken)
	return lay, nil
}

func anyPresent(have map[string]bool, alt string) bool {
	for _, a := range strings.Split(alt, "|") {
		if have[canonical(a)] {
			return true
		}
	}
	return false
}

// missingFields names the Row fields the dialect could fill but this header
// cannot, so the output can say why a field is empty.
func missingFields(sp *spec, taken map[target]bool) []string {
	var out []string
	seen := map[target]bool{}
	for col, t := range sp.cols {
		if taken[t] || seen[t] {
			continue
		}
		seen[t] = true
		out = append(out, fmt.Sprintf("%s (%s)", col, targetNames[t]))
	}
	slices.Sort(out)
	return out
}

// detectCSV picks the dialect of a CSV header line.
func detectCSV(names []string) (*layout, error) {
	var best *spec
	var bestAbsent []string
	for _, sp := range csvSpecs {
		lay, absent := resolve(sp, names)
		if lay != nil {
			return lay, nil
		}
		// A partial match names what is missing; prefer the closest one.
		if len(absent) < len(sp.need) && (best == nil || len(absent) < len(bestAbsent)) {
			best, bestAbsent = sp, absent
		}
	}
	if best != nil {
		return nil, fmt.Errorf("%w: header looks like %s but lacks %s", ErrMissingColumns, best.title, strings.Join(bestAbsent, ", "))
	}
	return nil, fmt.Errorf("%w: header %s; %s", ErrUnknownFormat, quoteHead(strings.Join(names, ",")), expected())
}

// expected lists every dialect, for the unknown-header error.
func expected() string {
	titles := []string{rawSpec.title}
	for _, sp := range csvSpecs {
		titles = append(titles, sp.title)
	}
	return "expected one of: " + strings.Join(titles, "; ")
}

// quoteHead shows the start of an unrecognised header safely: quoted, so
// control characters and binary junk cannot reach the terminal raw.
func quoteHead(s string) string {
	const max = 120
	if len(s) > max {
		return strconv.Quote(s[:max]) + "..."
	}
	return strconv.Quote(s)
}

// rawFields reads a "#Fields: a,b,c" directive into a layout.
func rawFields(directive string) (*layout, error) {
	_, list, _ := strings.Cut(directive, ":")
	var names []string
	for _, n := range strings.Split(list, ",") {
		names = append(names, strings.TrimSpace(n))
	}
	lay, absent := resolve(rawSpec, names)
	if lay == nil {
		return nil, fmt.Errorf("%w: #Fields: header lacks %s", ErrMissingColumns, strings.Join(absent, ", "))
	}
	return lay, nil
}

// directive names a raw log header line ("#Fields", "#Log-type", ...),
// lower-cased, or "" when the line is not one.
func directive(line string) (name, value string) {
	k, v, ok := strings.Cut(line, ":")
	if !ok || !strings.HasPrefix(k, "#") || strings.ContainsAny(k, " ,") {
		return "", ""
	}
	return strings.ToLower(k), strings.TrimSpace(v)
}

// checkLogType refuses the other Exchange logs that share the header style
// (SMTP protocol, connectivity, agent logs): their columns mean other things.
func checkLogType(value string) error {
	if strings.Contains(strings.ToLower(value), "message tracking") {
		return nil
	}
	return fmt.Errorf("%w: #Log-type: %s is not a message tracking log", ErrUnknownFormat, quoteHead(value))
}

// isTypeLine recognises Windows PowerShell's "#TYPE System.Object..." line.
func isTypeLine(line string) bool {
	return len(line) >= 5 && strings.EqualFold(line[:5], "#TYPE")
}

// Sniff tells whether head, the first bytes of an input, is one of the
// dialects Read understands, so a caller walking a folder can route files by
// content rather than by name. head must hold the whole header line: 4 KiB
// is plenty (the longest, the extended report's in UTF-16, is about 1 KiB).
func Sniff(head []byte) (Dialect, bool) {
	enc, bom, binary := textio.Sniff(head)
	if binary {
		return DialectUnknown, false
	}
	text := textio.DecodeHead(head, enc, bom)
	var lines []string
	for _, l := range bytes.Split(text, []byte("\n")) {
		l = textio.TrimBOM(bytes.TrimRight(l, "\r"))
		if len(bytes.TrimSpace(l)) > 0 {
			lines = append(lines, string(l))
		}
	}
	if len(lines) > 0 && isTypeLine(lines[0]) {
		lines = lines[1:]
	}
	if len(lines) == 0 {
		return DialectUnknown, false
	}
	if strings.HasPrefix(lines[0], "#") {
		return sniffRaw(lines)
	}
	rr := &textio.CSVReader{Delim: textio.SniffDelimiter([]byte(lines[0]))}
	rec := rr.Split(1, []byte(lines[0]), "")
	if lay, err := detectCSV(rec.Fields); err == nil {
		return lay.spec.dialect, true
	}
	if _, _, ok := headerless(rec.Fields); ok {
		return DialectTrackingLog, true
	}
	return DialectUnknown, false
}

// sniffRaw walks a raw log's header block as far as head reaches.
func sniffRaw(lines []string) (Dialect, bool) {
	tracking := false
	for _, l := range lines {
		name, value := directive(l)
		switch name {
		case "#log-type":
			if checkLogType(value) != nil {
				return DialectUnknown, false
			}
			tracking = true
		case "#fields":
			if _, err := rawFields(l); err != nil {
				return DialectUnknown, false
			}
			return DialectTrackingLog, true
		case "":
			return DialectUnknown, false
		}
	}
	return DialectTrackingLog, tracking
}
