package patterns

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

type compiledExtract struct {
	field   string
	from    string
	re      *regexp.Regexp
	group   int
	all     bool
	split   *regexp.Regexp
	exclude *regexp.Regexp
	filter  string // a placeholder filter chain, e.g. "host|upper"
	count   bool
	typ     string              // "", "int" or "bytes"
	conv    func(string) string // domain, domain-unicode, address: IDNA forms
}

var wholeValue = regexp.MustCompile(`(?s)^.*$`)

func compileExtract(e Extract, known map[string]kind) (compiledExtract, error) {
	ce := compiledExtract{field: e.Field, from: e.From, all: e.All || e.Count, count: e.Count, re: wholeValue}
	if !placeholderName.MatchString(e.Field) {
		return ce, fmt.Errorf("bad field name %q", e.Field)
	}
	if k, ok := known[e.From]; !ok || k != kindString {
		return ce, fmt.Errorf("from %q: not a string field defined before this extract", e.From)
	}
	var err error
	for _, r := range []struct {
		what, src string
		dst       **regexp.Regexp
	}{{"regex", e.Regex, &ce.re}, {"split regex", e.Split, &ce.split}, {"exclude regex", e.Exclude, &ce.exclude}} {
		if r.src == "" {
			continue
		}
		if *r.dst, err = regexp.Compile(r.src); err != nil {
			return ce, fmt.Errorf("bad %s: %w", r.what, err)
		}
	}
	if ce.re.NumSubexp() > 0 {
		ce.group = 1
	}
	if e.Group != nil {
		ce.group = *e.Group
	}
	if ce.group < 0 || ce.group > ce.re.NumSubexp() {
		return ce, fmt.Errorf("group %d: the regex has %d groups", ce.group, ce.re.NumSubexp())
	}
	if e.Filter != "" {
		if err := checkFilters(e.Filter); err != nil {
			return ce, err
		}
		ce.filter = e.Filter
	}
	switch e.Type {
	case "", "string":
	case "int", "bytes":
		ce.typ = e.Type
	case "domain":
		ce.conv = domainASCII
	case "domain-unicode":
		ce.conv = domainUnicode
	case "address":
		ce.conv = addressASCII
	default:
		return ce, fmt.Errorf("type %q: want string, int, bytes, domain, domain-unicode or address", e.Type)
	}
	if ce.count && (ce.typ != "" || ce.conv != nil || ce.split != nil || ce.exclude != nil || ce.filter != "") {
		return ce, fmt.Errorf("count gives the number of matches: it takes no type, split, exclude or filter")
	}
	return ce, nil
}

func (ce compiledExtract) kind() kind {
	if ce.count {
		return kindInt
	}
	list := ce.all || ce.split != nil
	isInt := ce.typ != ""
	switch {
	case list && isInt:
		return kindInts
	case list:
		return kindList
	case isInt:
		return kindInt
	}
	return kindString
}

// apply returns the derived value, or false when nothing usable was found:
// a field is absent rather than empty or zero, so reports never show a
// value the record did not hold.
func (ce compiledExtract) apply(src string) (any, bool) {
	parts := ce.captures(src)
	if ce.count {
		// Empty captures count too: "Server '' has ..." is a server all the same.
		return len(parts), len(parts) > 0
	}
	if ce.split != nil {
		var split []string
		for _, p := range parts {
			split = append(split, ce.split.Split(p, -1)...)
		}
		parts = split
	}
	parts = ce.keep(trimNonEmpty(parts))
	if ce.conv != nil {
		for i, p := range parts {
			parts[i] = ce.conv(p)
		}
	}
	if ce.kind() == kindString || ce.kind() == kindList {
		if len(parts) == 0 {
			return nil, false
		}
		if ce.kind() == kindString {
			return parts[0], true
		}
		return parts, true
	}
	if ce.typ == "bytes" {
		return toNumbers(parts, ce.kind() == kindInts, parseBytes)
	}
	return toNumbers(parts, ce.kind() == kindInts, parseInt)
}

// keep drops the parts exclude matches and applies the filter chain; a
// filter that empties a part drops it.
func (ce compiledExtract) keep(parts []string) []string {
	out := parts[:0:0]
	for _, p := range parts {
		if ce.exclude != nil && ce.exclude.MatchString(p) {
			continue
		}
		if p = applyFilters(ce.filter, p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func (ce compiledExtract) captures(src string) []string {
	if !ce.all {
		m := ce.re.FindStringSubmatch(src)
		if m == nil {
			return nil
		}
		return []string{m[ce.group]}
	}
	var out []string
	for _, m := range ce.re.FindAllStringSubmatch(src, -1) {
		out = append(out, m[ce.group])
	}
	return out
}

func trimNonEmpty(in []string) []string {
	out := in[:0:0]
	for _, s := range in {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// toNumbers parses each part, dropping what is not a number rather than
// guessing, and gives the first or, for a list field, all of them.
func toNumbers(parts []string, list bool, parse func(string) (int, bool)) (any, bool) {
	var ns []int
	for _, p := range parts {
		if n, ok := parse(p); ok {
			ns = append(ns, n)
		}
	}
	switch {
	case len(ns) == 0:
		return nil, false
	case list:
		return ns, true
	}
	return ns[0], true
}

func parseInt(s string) (int, bool) {
	n, err := strconv.Atoi(s)
	return n, err == nil
}

var (
	// "7.933 GB (8,517,386,240 bytes)": the exact count in brackets wins.
	exactBytes = regexp.MustCompile(`(?i)\(\s*([0-9][0-9,.' \x{00a0}\x{202f}]*)\s*bytes?\s*\)`)
	// "9500MB", "7.933 GB", "12 KB": a number and a unit.
	sizeUnit = regexp.MustCompile(`(?i)^\s*([0-9]+(?:[.,][0-9]+)?)\s*(B|KB|MB|GB|TB|PB)\b`)
	unitPow  = map[string]int{"B": 0, "KB": 1, "MB": 2, "GB": 3, "TB": 4, "PB": 5}
)

// parseBytes reads a byte quantity: the exact count of "(N bytes)" with its
// digit group separators removed, else a number with a unit (KB = 1024 B,
// as Exchange counts). A bare number has no unit and is not guessed.
func parseBytes(s string) (int, bool) {
	if m := exactBytes.FindStringSubmatch(s); m != nil {
		digits := strings.Map(func(r rune) rune {
			if r >= '0' && r <= '9' {
				return r
			}
			return -1
		}, m[1])
		n, err := strconv.ParseInt(digits, 10, 64)
		if err == nil && int64(int(n)) == n {
			return int(n), true
		}
		return 0, false
	}
	m := sizeUnit.FindStringSubmatch(s)
	if m == nil {
		return 0, false
	}
	f, err := strconv.ParseFloat(strings.Replace(m[1], ",", ".", 1), 64)
	if err != nil {
		return 0, false
	}
	for i := 0; i < unitPow[strings.ToUpper(m[2])]; i++ {
		f *= 1024
	}
	if f >= 1<<62 {
		return 0, false
	}
	return int(f + 0.5), true
}
