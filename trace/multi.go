package trace

import "strings"

// SplitMulti splits a multi-value column (recipient-address, recipient-status,
// reference, ...) into its members. Exchange joins members with ';' and wraps
// a member that itself holds ';' or a single quote in single quotes, doubling
// any quote inside. A member that starts with a status blob "[{" runs to its closing
// "}]", because exports joined by hand do not quote the blob's own ';'.
// Members are trimmed of surrounding spaces; "" yields nil.
func SplitMulti(s string) []string {
	if s == "" {
		return nil
	}
	if strings.IndexByte(s, ';') < 0 && !strings.HasPrefix(strings.TrimSpace(s), "'") {
		return []string{strings.TrimSpace(s)}
	}
	var out []string
	for ms := newMembers(s); ; {
		m, ok := ms.next()
		if !ok {
			return out
		}
		out = append(out, m)
	}
}

// members walks a multi-value column one member at a time, so a record with
// thousands of recipients is never held as a slice of them.
type members struct {
	s    string
	sp   splitter
	done bool
}

func newMembers(s string) members {
	return members{s: s, sp: splitter{blobs: strings.Contains(s, "}]"), quotes: true}, done: s == ""}
}

// next returns the next member, or false when there are no more.
func (m *members) next() (string, bool) {
	if m.done {
		return "", false
	}
	member, rest, more := m.sp.next(m.s)
	m.s, m.done = rest, !more
	return member, true
}

func firstMember(s string) string {
	ms := newMembers(s)
	m, _ := ms.next()
	return m
}

// countMembers is len(SplitMulti(s)) without building the slice.
func countMembers(s string) int {
	if s == "" {
		return 0
	}
	if strings.IndexByte(s, ';') < 0 {
		return 1
	}
	n := 0
	for ms := newMembers(s); ; n++ {
		if _, ok := ms.next(); !ok {
			return n
		}
	}
}

// splitter remembers what the rest of the value cannot hold any more, so a
// hostile value full of unclosed "[{" or "'" is split in linear time.
type splitter struct {
	blobs  bool // a "}]" may still come
	quotes bool // a closing single quote may still come
}

// next cuts the first member off s; more reports whether a ';' followed.
func (sp *splitter) next(s string) (member, rest string, more bool) {
	t := strings.TrimLeft(s, " ")
	switch {
	case sp.quotes && strings.HasPrefix(t, "'"):
		if m, after, ok := unquoteSingle(t); ok {
			// Anything between the closing quote and the next ';' is kept:
			// lenient beats losing text.
			extra, rest, more := strings.Cut(after, ";")
			return m + strings.TrimSpace(extra), rest, more
		}
		sp.quotes = false
	case sp.blobs && strings.HasPrefix(t, "[{"):
		if end := strings.Index(t, "}]"); end >= 0 {
			tail, rest, more := strings.Cut(t[end+2:], ";")
			return strings.TrimSpace(t[:end+2] + tail), rest, more
		}
		sp.blobs = false
	}
	m, rest, more := strings.Cut(t, ";")
	return strings.TrimSpace(m), rest, more
}

// unquoteSingle reads a single-quoted member at the start of s (a doubled
// quote inside is a literal one) and returns it with the text after the
// closing quote.
func unquoteSingle(s string) (member, after string, ok bool) {
	// Most members hold no doubled quote: return a substring, no copy.
	if end := strings.IndexByte(s[1:], '\''); end >= 0 && !strings.HasPrefix(s[end+2:], "'") {
		return s[1 : end+1], s[end+2:], true
	}
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		if s[i] != '\'' {
			b.WriteByte(s[i])
			continue
		}
		if i+1 < len(s) && s[i+1] == '\'' {
			b.WriteByte('\'')
			i++
			continue
		}
		return b.String(), s[i+1:], true
	}
	return "", "", false
}

// ParseStatus finds the bracketed status blob in a recipient status or a
// trace-detail Detail ("Reason: [{LED=...};{MSG=};...]") and returns its
// parts. Found is false when there is no blob. A value may itself contain
// ';' or '}' (SMTP responses do), so a member ends only at "};{KEY=" or "}]".
func ParseStatus(s string) StatusParts {
	i := strings.Index(s, "[{")
	if i < 0 {
		return StatusParts{}
	}
	var p StatusParts
	rest := s[i+1:]
	for strings.HasPrefix(rest, "{") && startsWithKey(rest[1:]) {
		key, after, _ := strings.Cut(rest[1:], "=")
		val, next, last := statusValue(after)
		p.set(key, val)
		p.Found = true
		if last {
			break
		}
		rest = next
	}
	return p
}

// statusValue cuts one blob value off s; last reports the closing "}]" (or
// the end of s, for a blob cut short).
func statusValue(s string) (val, next string, last bool) {
	from := 0
	for {
		j := strings.IndexByte(s[from:], '}')
		if j < 0 {
			return s, "", true
		}
		j += from
		tail := s[j+1:]
		if strings.HasPrefix(tail, "]") || tail == "" {
			return s[:j], "", true
		}
		if strings.HasPrefix(tail, ";{") && startsWithKey(tail[2:]) {
			return s[:j], tail[1:], false
		}
		from = j + 1
	}
}

// startsWithKey checks for "KEY=" in constant time: searching for '=' could
// scan the rest of a hostile value once per "};{" in it.
func startsWithKey(s string) bool {
	k, _, ok := strings.Cut(s[:min(len(s), 5)], "=")
	return ok && isStatusKey(k)
}

func isStatusKey(k string) bool {
	switch k {
	case "LED", "MSG", "FQDN", "IP", "LRT":
		return true
	}
	return false
}

func (p *StatusParts) set(key, val string) {
	switch key {
	case "LED":
		p.LED = val
	case "MSG":
		p.MSG = val
	case "FQDN":
		p.FQDN = val
	case "IP":
		p.IP = val
	case "LRT":
		p.LRT = val
	}
}

// isUnjoined recognises the type name PowerShell writes when Export-Csv meets
// an array it was not told to join: "System.String[]" and its relatives.
func isUnjoined(v string) bool {
	if !strings.HasSuffix(v, "[]") || strings.ContainsAny(v, " @") {
		return false
	}
	return strings.HasPrefix(v, "System.") || strings.HasPrefix(v, "Microsoft.")
}
