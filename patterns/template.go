package patterns

import (
	"fmt"
	"regexp"
	"strings"
)

// placeholderTemplate is a text with {name} or {name|filter} placeholders;
// {{ and }} stand for literal braces. It renders forwards and, compiled by
// messageRegex, extracts backwards.
type placeholderTemplate struct {
	parts []tplPart
}

type tplPart struct {
	lit    string // literal text, when name is empty
	name   string
	filter string
}

var placeholderName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

var filters = map[string]func(string) string{
	"":      func(s string) string { return s },
	"upper": strings.ToUpper,
	"lower": strings.ToLower,
	"trim":  strings.TrimSpace,
	// host cuts a DNS name at its first dot: SERVER4.contoso.local is SERVER4.
	"host": func(s string) string { h, _, _ := strings.Cut(strings.TrimSpace(s), "."); return h },
}

// checkFilters validates a filter chain such as "host|upper".
func checkFilters(chain string) error {
	for _, f := range strings.Split(chain, "|") {
		if _, ok := filters[strings.TrimSpace(f)]; !ok {
			return fmt.Errorf("unknown filter %q (have upper, lower, trim, host)", strings.TrimSpace(f))
		}
	}
	return nil
}

// applyFilters applies a filter chain, left to right.
func applyFilters(chain, s string) string {
	if chain == "" {
		return s
	}
	for _, f := range strings.Split(chain, "|") {
		s = filters[strings.TrimSpace(f)](s)
	}
	return s
}

func parsePlaceholders(s string) (placeholderTemplate, error) {
	var t placeholderTemplate
	var lit strings.Builder
	flush := func() {
		if lit.Len() > 0 {
			t.parts = append(t.parts, tplPart{lit: lit.String()})
			lit.Reset()
		}
	}
	for i := 0; i < len(s); i++ {
		switch {
		case strings.HasPrefix(s[i:], "{{"), strings.HasPrefix(s[i:], "}}"):
			lit.WriteByte(s[i])
			i++
		case s[i] == '{':
			end := strings.IndexByte(s[i:], '}')
			if end < 0 {
				return t, fmt.Errorf("unclosed { at offset %d", i)
			}
			p, err := parsePlaceholder(s[i+1 : i+end])
			if err != nil {
				return t, err
			}
			flush()
			t.parts = append(t.parts, p)
			i += end
		default:
			lit.WriteByte(s[i])
		}
	}
	flush()
	return t, nil
}

func parsePlaceholder(body string) (tplPart, error) {
	name, filter, _ := strings.Cut(body, "|")
	name, filter = strings.TrimSpace(name), strings.TrimSpace(filter)
	if !placeholderName.MatchString(name) {
		return tplPart{}, fmt.Errorf("bad placeholder {%s}", body)
	}
	if err := checkFilters(filter); err != nil {
		return tplPart{}, fmt.Errorf("placeholder {%s}: %w", body, err)
	}
	return tplPart{name: name, filter: filter}, nil
}

// names lists the placeholders in order, repeats included.
func (t placeholderTemplate) names() []string {
	var out []string
	for _, p := range t.parts {
		if p.name != "" {
			out = append(out, p.name)
		}
	}
	return out
}

// render fills placeholders from get; a missing value renders empty.
func (t placeholderTemplate) render(get func(string) string) string {
	var b strings.Builder
	for _, p := range t.parts {
		if p.name == "" {
			b.WriteString(p.lit)
			continue
		}
		b.WriteString(applyFilters(p.filter, get(p.name)))
	}
	return b.String()
}

// messageRegex is a compiled message template: group i+1 captures names[i].
type messageRegex struct {
	re    *regexp.Regexp
	names []string
}

var spaceRun = regexp.MustCompile(`\s+`)

// compileMessage turns the template into an anchored regex with non-greedy
// captures. Whitespace in the literal parts matches any run of whitespace,
// because exports re-wrap text (CSV flattens line breaks, XML indents).
// Two placeholders with no literal between them could split a value
// anywhere, so that is refused rather than guessed.
func compileMessage(t placeholderTemplate) (*messageRegex, error) {
	var b strings.Builder
	b.WriteString(`(?s)^\s*`)
	mr := &messageRegex{}
	prevPlaceholder := false
	for _, p := range t.parts {
		if p.name == "" {
			for i, chunk := range spaceRun.Split(p.lit, -1) {
				if i > 0 {
					b.WriteString(`\s+`)
				}
				b.WriteString(regexp.QuoteMeta(chunk))
			}
			prevPlaceholder = false
			continue
		}
		if prevPlaceholder {
			return nil, fmt.Errorf("placeholders {%s} and the one before it need literal text between them", p.name)
		}
		if p.filter != "" {
			return nil, fmt.Errorf("placeholder {%s|%s}: filters cannot be reversed; use them only in computed", p.name, p.filter)
		}
		b.WriteString(`(.*?)`)
		mr.names = append(mr.names, p.name)
		prevPlaceholder = true
	}
	b.WriteString(`\s*$`)
	re, err := regexp.Compile(b.String())
	if err != nil {
		return nil, err
	}
	mr.re = re
	return mr, nil
}

// extract returns the trimmed captures by name, or false when the text is
// not this message. A repeated placeholder keeps its first non-empty capture.
func (mr *messageRegex) extract(text string) (map[string]string, bool) {
	m := mr.re.FindStringSubmatch(text)
	if m == nil {
		return nil, false
	}
	out := make(map[string]string, len(mr.names))
	for i, name := range mr.names {
		if v := strings.TrimSpace(m[i+1]); out[name] == "" {
			out[name] = v
		}
	}
	return out, true
}
