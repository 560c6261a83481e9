package trace

import (
	"fmt"
	"strings"
	"time"

	"github.com/extriage/extriage/textio"
)

// Row is one normalised trace record for one recipient. A record that names
// several recipients is expanded into one Row per recipient, all sharing the
// record's File and Line.
type Row struct {
	File string // the name the caller passed to Read
	Line int64  // 1-based physical line where the record starts

	// Time is the event time in UTC. It is the zero time when TimeKnown is
	// false (the column was empty or not understood; TimeText says what it held).
	Time      time.Time
	TimeKnown bool
	TimeText  string // the time exactly as the file wrote it
	Zone      Zone   // how Time was brought to UTC
	// DateGuessed is set when the day/month order of TimeText could not be
	// proved (no option, no day above 12 in the file) and was assumed.
	DateGuessed bool

	Server        string // server-hostname / ServerHostname
	Event         string // event-id / EventId / Event; for the enhanced summary, the recipient's last event
	Source        string // source (SMTP, STOREDRIVER, ROUTING, ...)
	SourceContext string
	Sender        string
	Recipient     string // one recipient; "" when the record has none
	Status        string // the recipient's raw status, as written
	StatusParts   StatusParts
	MessageID     string
	Subject       string
	Direction     string // directionality
	CustomData    string // custom-data / EventData / Data
	Dialect       Dialect

	// Extra holds every other column in file order, under the header's own
	// spelling, so nothing the export carried is lost. Rows expanded from one
	// record share it: treat it as read-only.
	Extra []Field
	// Warnings are problems with this row's values that did not stop it from
	// being used (an unjoined array column, statuses that could not be paired).
	Warnings []string
}

// Field is one named column value kept in Row.Extra.
type Field struct {
	Name  string
	Value string
}

// Lookup returns the value of an Extra column. Names match case-insensitively
// and ignoring '-', '_' and spaces, so "client-ip", "client_ip" and "ClientIp"
// all find the same column whatever the dialect wrote.
func (r *Row) Lookup(name string) (string, bool) {
	want := canonical(name)
	for _, f := range r.Extra {
		if canonical(f.Name) == want {
			return f.Value, true
		}
	}
	return "", false
}

// StatusParts are the members of the bracketed status blob Exchange writes for
// a recipient: [{LED=...};{MSG=...};{FQDN=...};{IP=...};{LRT=...}] (2016 and
// later, and Online) or [{LRT=...};{LED=...};{FQDN=...};{IP=...}] (2013).
type StatusParts struct {
	Found bool   // a blob was present and parsed
	LED   string // last error description: the SMTP response
	MSG   string
	FQDN  string
	IP    string
	LRT   string // last retry time
}

// Zone says how a Row's time was brought to UTC, so a report can say when a
// time is only as good as an assumption.
type Zone uint8

const (
	// ZoneUTC means the dialect records UTC (raw logs, Exchange Online exports).
	ZoneUTC Zone = iota
	// ZoneOffset means the value carried its own UTC offset.
	ZoneOffset
	// ZoneGiven means a local time was converted with Options.Location.
	ZoneGiven
	// ZoneUnknown means a local time with no known zone was read as if UTC.
	ZoneUnknown
)

// String names the zone status for reports.
func (z Zone) String() string {
	switch z {
	case ZoneUTC:
		return "utc"
	case ZoneOffset:
		return "offset"
	case ZoneGiven:
		return "given"
	case ZoneUnknown:
		return "unknown"
	}
	return fmt.Sprintf("Zone(%d)", uint8(z))
}

// Dialect identifies which export an input is.
type Dialect uint8

const (
	// DialectUnknown is the zero Dialect: not recognised.
	DialectUnknown Dialect = iota
	// DialectTrackingLog is a raw MSGTRK*.LOG file with #Fields: headers.
	DialectTrackingLog
	// DialectTrackingCSV is Get-MessageTrackingLog piped to Export-Csv.
	DialectTrackingCSV
	// DialectMessageTrace is Get-MessageTrace or Get-MessageTraceV2 exported to CSV.
	DialectMessageTrace
	// DialectMessageTraceDetail is Get-MessageTraceDetail exported to CSV.
	DialectMessageTraceDetail
	// DialectExtendedReport is the historical search extended report.
	DialectExtendedReport
	// DialectEnhancedSummary is the historical search enhanced summary report.
	DialectEnhancedSummary
)

// String returns a short stable name for the dialect.
func (d Dialect) String() string {
	if s, ok := dialectNames[d]; ok {
		return s
	}
	return fmt.Sprintf("Dialect(%d)", uint8(d))
}

var dialectNames = map[Dialect]string{
	DialectUnknown:            "unknown",
	DialectTrackingLog:        "tracking-log",
	DialectTrackingCSV:        "tracking-csv",
	DialectMessageTrace:       "message-trace",
	DialectMessageTraceDetail: "message-trace-detail",
	DialectExtendedReport:     "extended-report",
	DialectEnhancedSummary:    "enhanced-summary",
}

// Encoding is the character encoding found from the input's bytes, as
// package textio sniffs it.
type Encoding = textio.Encoding

// ErrEncoding is wrapped by the error for input whose bytes stop decoding
// part-way, such as a UTF-16 file truncated in the middle of a character.
// (Input that is binary from the start is ErrUnknownFormat.)
var ErrEncoding = textio.ErrEncoding

// The encodings, under the names this package has always given them.
const (
	EncodingUTF8         = textio.UTF8
	EncodingUTF8BOM      = textio.UTF8BOM
	EncodingUTF16LE      = textio.UTF16LE
	EncodingUTF16LENoBOM = textio.UTF16LENoBOM
	EncodingUTF16BE      = textio.UTF16BE
	EncodingUTF16BENoBOM = textio.UTF16BENoBOM
)

// DateOrder says how to read a numeric date whose day and month could be
// swapped (07.10.2020, 10/7/2020).
type DateOrder uint8

const (
	// DateAuto decides from the file: the first date with a day above 12.
	DateAuto DateOrder = iota
	// DateDMY reads day first (most of Europe: 07.10.2020 is 7 October).
	DateDMY
	// DateMDY reads month first (en-US: 10/7/2020 is 7 October).
	DateMDY
)

// String returns "auto", "dmy" or "mdy".
func (o DateOrder) String() string {
	switch o {
	case DateDMY:
		return "dmy"
	case DateMDY:
		return "mdy"
	}
	return "auto"
}

// ParseDateOrder reads a --date-format value: "dmy" or "mdy" (also the
// spelled-out "dd/mm/yyyy", "mm/dd/yyyy" and friends), or "" / "auto".
func ParseDateOrder(s string) (DateOrder, error) {
	// Separators are dropped so "dd.mm.yyyy", "DD/MM/YYYY" and "dmy" agree.
	k := strings.NewReplacer("/", "", ".", "", "-", "", " ", "").Replace(strings.ToLower(s))
	switch k {
	case "", "auto":
		return DateAuto, nil
	case "dmy", "ddmmyyyy", "dmyyyy", "ddmmyy":
		return DateDMY, nil
	case "mdy", "mmddyyyy", "mdyyyy", "mmddyy":
		return DateMDY, nil
	}
	return DateAuto, fmt.Errorf("trace: date format %q: want dmy or mdy", s)
}

// Options tune Read. The zero value is usable: zone unknown, day/month order
// decided from the file.
type Options struct {
	// Location is the zone of local timestamps (Get-MessageTrackingLog's
	// Timestamp column). Nil means unknown: times are read as if UTC and rows
	// are marked ZoneUnknown. Dialects that record UTC ignore it.
	Location *time.Location
	// DateFormat fixes the day/month order of culture-formatted dates.
	DateFormat DateOrder
	// MaxProblems caps Stats.Problems (default 100); ProblemCount still counts all.
	MaxProblems int
	// Lookahead caps how many rows are held back while the day/month order is
	// still undecided (default 5000). When it fills, the order is assumed and
	// reported, so memory stays bounded.
	Lookahead int
	// MaxRecordBytes caps one record (default 4 MiB): a longer one, or a quote
	// that never closes, is reported and skipped instead of eating memory.
	MaxRecordBytes int
}

func (o Options) withDefaults() Options {
	if o.MaxProblems <= 0 {
		o.MaxProblems = 100
	}
	if o.Lookahead <= 0 {
		o.Lookahead = 5000
	}
	if o.MaxRecordBytes <= 0 {
		o.MaxRecordBytes = 4 << 20
	}
	return o
}

// Problem is one thing wrong with an input, located by file and line (Line is
// 0 for a problem with the file as a whole).
type Problem struct {
	File    string
	Line    int64
	Message string
}

// String formats the problem as file:line: message.
func (p Problem) String() string {
	if p.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", p.File, p.Line, p.Message)
	}
	return fmt.Sprintf("%s: %s", p.File, p.Message)
}

// Stats summarises one Read: what was found, what was used, what was not.
type Stats struct {
	File      string
	Dialect   Dialect
	Encoding  Encoding
	Delimiter byte // ',', ';' or '\t'
	Lines     int64
	Records   int64 // data records read (headers and blank lines excluded)
	Rows      int64 // rows emitted, after recipient expansion
	Skipped   int64 // records that could not be used
	// Problems lists the first Options.MaxProblems per-line problems;
	// ProblemCount counts them all.
	Problems     []Problem
	ProblemCount int64
	// Warnings are file-level findings, each reported once with the first
	// line where it was seen: unjoined array columns, missing optional
	// columns, an unknown time zone, an assumed day/month order.
	Warnings []Problem
	// DateOrder is the day/month order used for culture-formatted dates
	// (DateAuto when none was needed); DateOrderLine is the line that proved
	// it, 0 when it came from Options or was assumed (see DateGuessed).
	DateOrder     DateOrder
	DateOrderLine int64
	DateGuessed   bool
	ZoneUnknown   bool // some rows had local times with no known zone
}

// Partial reports whether anything in the input was skipped or damaged, so
// the caller can call the scan partial.
func (s *Stats) Partial() bool { return s.Skipped > 0 || s.ProblemCount > 0 }
