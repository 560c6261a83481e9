package patterns

import (
	"regexp"
	"strings"
	"testing"
)

func TestPlaceholderTemplate(t *testing.T) {
	cases := []struct {
		tpl     string
		values  map[string]string
		render  string
		text    string // extracted from
		extract map[string]string
	}{
		{"a '{x}' b {y}.", map[string]string{"x": "1", "y": "two words"}, "a '1' b two words.",
			"a 'X Y' b z.", map[string]string{"x": "X Y", "y": "z"}},
		{"{{literal}} {x}", map[string]string{"x": "v"}, "{literal} v", "{literal}  v ", map[string]string{"x": "v"}},
		{"copy '{d}\\{s}' end", map[string]string{"d": "DB1", "s": "S3"}, "copy 'DB1\\S3' end",
			"copy 'DB1\\S3' end", map[string]string{"d": "DB1", "s": "S3"}},
		{"regex chars .*+?()[] {x}", map[string]string{"x": "v"}, "regex chars .*+?()[] v",
			"regex chars .*+?()[] v", map[string]string{"x": "v"}},
		{"{x} and {x}", map[string]string{"x": "v"}, "v and v", "v and w", map[string]string{"x": "v"}},
		{"multi\nline {x}", map[string]string{"x": "v"}, "multi\nline v", "multi line\r\nv\nw", map[string]string{"x": "v\nw"}},
	}
	for _, tc := range cases {
		tp, err := parsePlaceholders(tc.tpl)
		if err != nil {
			t.Fatalf("%q: %v", tc.tpl, err)
		}
		check(t, tc.tpl+" render", tp.render(func(n string) string { return tc.values[n] }), tc.render)
		mr, err := compileMessage(tp)
		if err != nil {
			t.Fatalf("%q: %v", tc.tpl, err)
		}
		got, ok := mr.extract(tc.text)
		if !ok {
			t.Errorf("%q did not match %q (regex %s)", tc.tpl, tc.text, mr.re)
			continue
		}
		check(t, tc.tpl+" extract", got, tc.extract)
	}
}

func TestPlaceholderTemplateErrors(t *testing.T) {
	for tpl, want := range map[string]string{
		"a {x":        "unclosed",
		"a {x y} b":   "bad placeholder",
		"a {1x} b":    "bad placeholder",
		"a {x|shout}": "unknown filter",
	} {
		if _, err := parsePlaceholders(tpl); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: err = %v, want %q", tpl, err, want)
		}
	}
	tp, _ := parsePlaceholders("a {x|upper} b")
	if _, err := compileMessage(tp); err == nil {
		t.Error("a filtered placeholder compiled into a message regex")
	}
	tp, _ = parsePlaceholders("{computer_host|upper}")
	check(t, "filter", tp.render(func(string) string { return "server3" }), "SERVER3")
}

var simpleValue = regexp.MustCompile(`^[A-Za-z0-9]+$`)

// FuzzMessageExtract runs message templates backwards over arbitrary text:
// it must never panic, a rendered message must always be recognised, and
// simple values must come back exactly.
func FuzzMessageExtract(f *testing.F) {
	m := mustBuiltin(f)
	f.Add("Log Replay for database '{database}' is replaying logs. Reason: {r} (X={x})", "DB1", "Replay lag has been disabled.", "1")
	f.Add("{a}", "", "", "")
	f.Add("x {{ {a} }} y {b}", "a'b", "\r\n", "((")
	f.Add("{a} {b} {c}", "\xff\xfe", "} {", "$1")
	f.Fuzz(func(t *testing.T, tpl, v1, v2, v3 string) {
		vals := []string{v1, v2, v3}
		// An arbitrary template against arbitrary text: no panic is the property.
		if tp, err := parsePlaceholders(tpl); err == nil {
			if mr, err := compileMessage(tp); err == nil {
				mr.extract(v1 + tpl + v2)
				get := func(n string) string { return vals[len(n)%3] }
				if _, ok := mr.extract(tp.render(get)); !ok && validUTF8(tpl, v1, v2, v3) {
					t.Errorf("template %q did not recognise its own rendering %q", tpl, tp.render(get))
				}
			}
		}
		// The shipped templates, with fuzzed values.
		for _, s := range m.sigs {
			if s.message == nil {
				continue
			}
			get := func(n string) string { return vals[len(n)%3] }
			rendered := s.message.render(get)
			got, ok := s.msgRe.extract(rendered)
			if !ok && validUTF8(v1, v2, v3) {
				t.Fatalf("%s: rendering %q not recognised", s.id, rendered)
			}
			if ok && simpleValue.MatchString(v1) && simpleValue.MatchString(v2) && simpleValue.MatchString(v3) {
				for _, n := range s.msgRe.names {
					if got[n] != get(n) {
						t.Fatalf("%s: %s = %q, want %q (from %q)", s.id, n, got[n], get(n), rendered)
					}
				}
			}
			r := rec(1, "2024-03-02T08:00:00Z", v1, s.eventID, message(v1+rendered+v2)...)
			m.Match(&r)
			r.Values = pos(v1, v2, v3, v1, v2, v3)
			m.Match(&r)
		}
	})
}

func validUTF8(ss ...string) bool {
	for _, s := range ss {
		if !utf8Valid(s) {
			return false
		}
	}
	return true
}

func utf8Valid(s string) bool { return strings.ToValidUTF8(s, "\uFFFD") == s }
