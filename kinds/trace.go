package kinds

import (
	"strings"
	"sync"
	"unicode"

	"github.com/extriage/extriage/patterns"
	"github.com/extriage/extriage/trace"
)

// traceKind is a message-tracking log or a message-trace export, in any
// dialect package trace reads.
type traceKind struct{}

func (traceKind) String() string { return "trace" }

func (traceKind) Noun() Noun { return Noun{One: "message trace", Many: "message traces"} }

// Sniff asks package trace, which decides from the first 4 KiB.
func (traceKind) Sniff(head []byte) bool {
	_, ok := trace.Sniff(head[:min(len(head), 4096)])
	return ok
}

func (traceKind) Read(src Source, opts Options, emit func(*patterns.Record)) (Stats, error) {
	r, err := src.Open()
	if err != nil {
		return Stats{}, err
	}
	defer r.Close()
	var want func(status, event, customData string) bool
	if opts.Prefilter != nil {
		want = opts.Prefilter.WantsTrace
	}
	cr := &countingReader{r: r}
	servers := Spans{}
	var rec patterns.Record
	st, err := trace.Read(src.Name, cr, trace.Options{Location: opts.Location, DateFormat: opts.DateOrder}, func(row *trace.Row) error {
		servers.Add(row.Server, row.Time, row.TimeKnown)
		if want != nil && !want(row.Status, row.Event, row.CustomData) {
			return nil
		}
		traceRecord(row, &rec)
		emit(&rec)
		return nil
	})
	return traceStats(st, cr.n, servers, err), err
}

// traceStats turns the reader's statistics into a kind's.
func traceStats(st trace.Stats, bytes int64, servers Spans, err error) Stats {
	// A fatal error after the header (a truncated UTF-16 file) keeps the
	// rows before it: the file still counts as read.
	out := Stats{Scanned: err == nil || st.Dialect != trace.DialectUnknown, Bytes: bytes, Records: int(st.Records),
		Lost: int(st.Skipped), Format: st.Dialect.String(), Encoding: st.Encoding.String(),
		ProblemCount: int(st.ProblemCount), Servers: servers}
	for _, p := range st.Problems {
		out.Problems = append(out.Problems, Problem{Line: p.Line, Message: p.Message})
	}
	for _, w := range st.Warnings {
		out.Warnings = append(out.Warnings, Problem{Line: w.Line, Message: w.Message})
	}
	return out
}

// traceRecord adapts a trace row to the matcher's record under the column
// names the catalog documents (patterns/catalog/mailflow-autoforward.yaml),
// reusing rec's map.
func traceRecord(r *trace.Row, rec *patterns.Record) {
	cols := rec.Columns
	if cols == nil {
		cols = map[string]string{}
	}
	clear(cols)
	for _, f := range r.Extra {
		cols[snakeName(f.Name)] = f.Value
	}
	response := r.Status
	if r.StatusParts.LED != "" {
		response = r.StatusParts.LED
	}
	tenant := cols["tenant_id"]
	if tenant == "" {
		tenant = cols["organization"]
	}
	// Set one by one: a map literal here would be built for every row.
	cols["sender"], cols["recipient"], cols["event"] = r.Sender, r.Recipient, r.Event
	cols["source"], cols["source_context"] = r.Source, r.SourceContext
	cols["status"], cols["response"], cols["message_id"] = r.Status, response, r.MessageID
	cols["subject"], cols["server"], cols["direction"] = r.Subject, r.Server, r.Direction
	cols["custom_data"], cols["tenant"] = r.CustomData, tenant
	*rec = patterns.Record{Source: "trace", File: r.File, Line: r.Line, Time: r.Time, ZoneUnknown: r.Zone == trace.ZoneUnknown,
		Computer: r.Server, Columns: cols}
}

// snakeNames caches snake for the few column names of the inputs: every row
// of an export repeats them, and spelling them anew for each row cost more
// than matching it. Past maxSnakeNames distinct names (a hostile header),
// names are spelled each time, so memory stays bounded.
var (
	snakeMu    sync.RWMutex
	snakeNames = map[string]string{}
)

const maxSnakeNames = 4096

func snakeName(name string) string {
	snakeMu.RLock()
	s, ok := snakeNames[name]
	snakeMu.RUnlock()
	if ok {
		return s
	}
	s = snake(name)
	snakeMu.Lock()
	if len(snakeNames) < maxSnakeNames {
		snakeNames[name] = s
	}
	snakeMu.Unlock()
	return s
}

// snake spells a column name the way the catalog does: "client-ip",
// "ClientIp" and "client_ip" all become client_ip.
func snake(name string) string {
	var b strings.Builder
	prev := rune(0) // as written: an upper-case run ("IP") stays one word
	for _, c := range name {
		out := c
		switch {
		case c == '-' || c == ' ':
			out = '_'
		case unicode.IsUpper(c):
			if unicode.IsLower(prev) || unicode.IsDigit(prev) {
				b.WriteByte('_')
			}
			out = unicode.ToLower(c)
		}
		b.WriteRune(out)
		prev = c
	}
	return b.String()
}
