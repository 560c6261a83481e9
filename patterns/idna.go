package patterns

import (
	"strings"

	"golang.org/x/net/idna"
)

// One domain has two spellings: müller.example and its A-label
// xn--mller-kva.example (IDNA, RFC 5890). Traces write either, so a catalog
// that keys on a domain or an address converts it first (catalog review
// R15): extract type domain gives the ASCII form used for keys and commands,
// domain-unicode the form people read, address the address with its domain
// in ASCII. A value that is not a valid IDNA name is kept, lower-cased,
// rather than dropped: a ps* function then refuses it with a reason, and
// the incident is still raised.

// domainASCII is the lower-case A-label form of a domain.
func domainASCII(d string) string {
	d = strings.TrimRight(d, ".")
	if a, err := idna.Lookup.ToASCII(d); err == nil && a != "" {
		return a
	}
	return strings.ToLower(d)
}

// domainUnicode is the lower-case U-label form of a domain.
func domainUnicode(d string) string {
	d = strings.TrimRight(d, ".")
	if u, err := idna.Lookup.ToUnicode(d); err == nil && u != "" {
		return u
	}
	return strings.ToLower(d)
}

// addressASCII keeps the local part as written (it may be case-sensitive)
// and gives the domain in its A-label form.
func addressASCII(a string) string {
	local, domain, ok := cutLastAt(a)
	if !ok {
		return a
	}
	return local + "@" + domainASCII(domain)
}

func cutLastAt(a string) (string, string, bool) {
	i := strings.LastIndexByte(a, '@')
	if i <= 0 || i == len(a)-1 {
		return "", "", false
	}
	return a[:i], a[i+1:], true
}
