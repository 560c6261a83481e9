package patterns

import (
	"slices"
	"strconv"
	"strings"
)

// messageName is the value name under which readers pass a record's rendered
// text (XML RenderingInfo, the Message column of a CSV export).
const messageName = "Message"

// matchEvtx pulls the base fields out of r: by name when every field has a
// named value, else by position, else from the rendered message. Position
// comes before the message because it is exact where a regex over free
// text can only be nearly so; the message is the fallback for exports that
// carry nothing else.
func (s *compiledSig) matchEvtx(r *Record) (Hit, bool) {
	msg := messageValue(r.Values)
	base, ok := s.byName(r.Values)
	if !ok {
		base, ok = s.byPosition(r.Values)
	}
	if !ok && msg != "" && s.msgRe != nil && s.shape == nil {
		base, ok = s.msgRe.extract(msg)
	}
	if !ok || s.shape != nil && !s.shape.fits(r.Values, base) {
		return Hit{}, false
	}
	return s.hit(r, base, msg), true
}

func (s *compiledSig) byName(values []Value) (map[string]string, bool) {
	base := make(map[string]string, len(s.fields))
	for _, f := range s.fields {
		v, ok := valueNamed(values, s.aliases[f])
		if !ok {
			return nil, false
		}
		base[f] = v
	}
	return base, true
}

func valueNamed(values []Value, names []string) (string, bool) {
	for _, n := range names {
		for _, v := range values {
			if strings.EqualFold(v.Name, n) {
				return strings.TrimSpace(v.Value), true
			}
		}
	}
	return "", false
}

// byPosition ignores a Message value: it is the reader's addition, not one
// of the event's own values, and would shift every position after it.
// Fewer values than fields means positions cannot be trusted.
func (s *compiledSig) byPosition(values []Value) (map[string]string, bool) {
	base := make(map[string]string, len(s.fields))
	i := 0
	for _, v := range values {
		if i == len(s.fields) {
			break
		}
		if strings.EqualFold(v.Name, messageName) {
			continue
		}
		base[s.fields[i]] = strings.TrimSpace(v.Value)
		i++
	}
	return base, i == len(s.fields)
}

func messageValue(values []Value) string {
	for _, v := range values {
		if strings.EqualFold(v.Name, messageName) {
			return strings.TrimSpace(v.Value)
		}
	}
	return ""
}

// matchTrace applies the trace conditions; status is already lower-cased.
func (s *compiledSig) matchTrace(r *Record, status string) (Hit, bool) {
	if len(s.status) > 0 && !containsAny(status, s.status) {
		return Hit{}, false
	}
	if !s.wantsEventAndCustom(column(r.Columns, "event"), column(r.Columns, "custom_data")) {
		return Hit{}, false
	}
	for _, c := range s.columns {
		if !c.re.MatchString(column(r.Columns, c.name)) {
			return Hit{}, false
		}
	}
	base := make(map[string]string, len(s.fields))
	for _, f := range s.fields {
		for _, n := range s.aliases[f] {
			if v := column(r.Columns, n); v != "" {
				base[f] = strings.TrimSpace(v)
				break
			}
		}
	}
	return s.hit(r, base, ""), true
}

// wantsEventAndCustom checks event_is and custom_data_contains.
func (s *compiledSig) wantsEventAndCustom(event, custom string) bool {
	if len(s.events) > 0 && !slices.ContainsFunc(s.events, func(e string) bool { return strings.EqualFold(e, event) }) {
		return false
	}
	return len(s.custom) == 0 || containsAnyFold(custom, s.custom)
}

// containsAnyFold is containsAny for a status not yet lower-cased: it
// compares without allocating, which matters once per trace row. The
// first byte is checked before the whole substring.
func containsAnyFold(s string, lowerSubs []string) bool {
	for _, sub := range lowerSubs {
		if sub == "" {
			return true
		}
		lo, up := sub[0], sub[0]
		if 'a' <= lo && lo <= 'z' {
			up = lo - 'a' + 'A'
		}
		for i := 0; i+len(sub) <= len(s); i++ {
			if c := s[i]; (c == lo || c == up) && strings.EqualFold(s[i:i+len(sub)], sub) {
				return true
			}
		}
	}
	return false
}

func containsAny(s string, subs []string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

// column looks a column up exactly, then case-insensitively, because
// readers promise canonical names but users write catalog entries by hand.
func column(cols map[string]string, name string) string {
	if v, ok := cols[name]; ok {
		return v
	}
	for k, v := range cols {
		if strings.EqualFold(k, name) {
			return v
		}
	}
	return ""
}

// hit completes the base fields (normalise, compute, extract) and builds
// the Hit.
func (s *compiledSig) hit(r *Record, base map[string]string, msg string) Hit {
	if msg == "" && !s.lookupOnly {
		// Rendered from the raw values, before normalising, so the evidence
		// shows what the record said.
		msg = s.render(r, base)
	}
	fields := make(map[string]any, len(base)+len(s.computed)+len(s.extracts))
	for f, v := range base {
		if canon, ok := s.norm[f][strings.ToLower(v)]; ok {
			v = canon
		}
		fields[f] = v
	}
	s.compute(r, fields)
	s.extract(fields)
	return Hit{
		Signature: s.id, Fields: fields, File: r.File, RecordID: r.RecordID, Line: r.Line,
		Time: r.Time, ZoneUnknown: r.ZoneUnknown, Computer: r.Computer, Channel: r.Channel, EventID: r.EventID, Message: msg,
	}
}

func (s *compiledSig) compute(r *Record, fields map[string]any) {
	get := func(name string) string {
		if v, ok := fields[name].(string); ok {
			return v
		}
		return builtin(r, name)
	}
	for _, c := range s.computed {
		if v, _ := fields[c.name].(string); v != "" {
			continue
		}
		if v := strings.TrimSpace(c.tpl.render(get)); v != "" {
			fields[c.name] = v
		}
	}
}

func builtin(r *Record, name string) string {
	switch name {
	case "computer":
		return r.Computer
	case "computer_host":
		host, _, _ := strings.Cut(r.Computer, ".")
		return host
	case "file":
		return r.File
	case "channel":
		return r.Channel
	case "provider":
		return r.Provider
	case "event_id":
		return strconv.FormatUint(uint64(r.EventID), 10)
	case "record_id":
		return strconv.FormatUint(r.RecordID, 10)
	case "line":
		return strconv.FormatInt(r.Line, 10)
	case "source":
		return r.Source
	}
	return ""
}

func (s *compiledSig) extract(fields map[string]any) {
	for _, e := range s.extracts {
		src, ok := fields[e.from].(string)
		if !ok {
			continue
		}
		if v, ok := e.apply(src); ok {
			fields[e.field] = v
		}
	}
}

// render gives offline .evtx records the message Event Viewer would show.
// Without a template it lists the fields, so evidence is never blank.
func (s *compiledSig) render(r *Record, base map[string]string) string {
	if s.message != nil {
		return s.message.render(func(n string) string { return base[n] })
	}
	var parts []string
	for _, f := range s.fields {
		parts = append(parts, f+"="+base[f])
	}
	head := r.Provider + " " + strconv.FormatUint(uint64(r.EventID), 10)
	if s.trace {
		head = "trace"
	}
	return strings.TrimSpace(head + ": " + strings.Join(parts, "; "))
}
