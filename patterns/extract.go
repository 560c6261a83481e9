package patterns

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

type compiledExtract struct {
	field string
	from  string
	re    *regexp.Regexp
	group int
	all   bool
	split *regexp.Regexp
	isInt bool
	conv  func(string) string // domain, domain-unicode, address: IDNA forms
}

var wholeValue = regexp.MustCompile(`(?s)^.*$`)

func compileExtract(e Extract, known map[string]kind) (compiledExtract, error) {
	ce := compiledExtract{field: e.Field, from: e.From, all: e.All, re: wholeValue}
	if !placeholderName.MatchString(e.Field) {
		return ce, fmt.Errorf("bad field name %q", e.Field)
	}
	if k, ok := known[e.From]; !ok || k != kindString {
		return ce, fmt.Errorf("from %q: not a string field defined before this extract", e.From)
	}
	if e.Regex != "" {
		re, err := regexp.Compile(e.Regex)
		if err != nil {
			return ce, fmt.Errorf("bad regex: %w", err)
		}
		ce.re = re
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
	if e.Split != "" {
		re, err := regexp.Compile(e.Split)
		if err != nil {
			return ce, fmt.Errorf("bad split regex: %w", err)
		}
		ce.split = re
	}
	switch e.Type {
	case "", "string":
	case "int":
		ce.isInt = true
	case "domain":
		ce.conv = domainASCII
	case "domain-unicode":
		ce.conv = domainUnicode
	case "address":
		ce.conv = addressASCII
	default:
		return ce, fmt.Errorf("type %q: want string, int, domain, domain-unicode or address", e.Type)
	}
	return ce, nil
}

func (ce compiledExtract) kind() kind {
	list := ce.all || ce.split != nil
	switch {
	case list && ce.isInt:
		return kindInts
	case list:
		return kindList
	case ce.isInt:
		return kindInt
	}
	return kindString
}

// apply returns the derived value, or false when nothing usable was found:
// a field is absent rather than empty or zero, so reports never show a
// value the record did not hold.
func (ce compiledExtract) apply(src string) (any, bool) {
	parts := ce.captures(src)
	if ce.split != nil {
		var split []string
		for _, p := range parts {
			split = append(split, ce.split.Split(p, -1)...)
		}
		parts = split
	}
	parts = trimNonEmpty(parts)
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
	return toInts(parts, ce.kind() == kindInts)
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

func toInts(parts []string, list bool) (any, bool) {
	var ints []int
	for _, p := range parts {
		if n, err := strconv.Atoi(p); err == nil {
			ints = append(ints, n)
		}
	}
	switch {
	case len(ints) == 0:
		return nil, false
	case list:
		return ints, true
	}
	return ints[0], true
}
