package patterns

import (
	"strings"
	"testing"
)

// Addresses and domains come from logs: converting them never panics, is
// stable (a key converted again is the same key), and never leaves an
// upper-case ASCII letter in a domain.
func FuzzIDNAKeys(f *testing.F) {
	for _, s := range []string{"Lee@Müller.example", "x@xn--mller-kva.example", "a@b@c", "@", "", "x@.", "x@-a-.example",
		"X@EXAMPLE.COM.", "\u00df@stra\u00dfe.de", "a@\u200d.example", "a@xn--.example"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a := addressASCII(s)
		if again := addressASCII(a); again != a {
			t.Errorf("addressASCII not stable: %q -> %q -> %q", s, a, again)
		}
		d := domainASCII(s)
		if again := domainASCII(d); again != d {
			t.Errorf("domainASCII not stable: %q -> %q -> %q", s, d, again)
		}
		if strings.ContainsFunc(d, func(r rune) bool { return r >= 'A' && r <= 'Z' }) {
			t.Errorf("domainASCII(%q) = %q keeps upper case", s, d)
		}
		_ = domainUnicode(s)
	})
}
