package main

import (
	"strings"
	"sync"
	"unicode"

	"github.com/extriage/extriage/evtx"
	"github.com/extriage/extriage/patterns"
	"github.com/extriage/extriage/trace"
)

// evtxRecord adapts an evtx event to the matcher's record, reusing rec's
// storage: the matcher keeps nothing of it beyond a hit.
func evtxRecord(ev *evtx.Event, rec *patterns.Record) {
	*rec = patterns.Record{Source: "evtx", File: ev.File, RecordID: ev.RecordID, Time: ev.Time,
		Computer: ev.Computer, Channel: ev.Channel, Provider: ev.Provider, EventID: ev.EventID,
		Level: ev.Level, Values: rec.Values[:0]}
	for _, v := range ev.Values {
		rec.Values = append(rec.Values, patterns.Value{Name: v.Name, Value: v.Value})
	}
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
