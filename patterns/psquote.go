package patterns

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"text/template"
	"text/template/parse"
	"unicode"
)

// Remedy commands are pasted into a shell with organisation-wide rights, so
// a value read from a log must never become code. Every value a command
// interpolates goes through one of the ps* template functions, written
// between single quotes in the template: '{{ps .database}}\{{psServer .server}}'.
// A single-quoted PowerShell string is verbatim ($, backtick and $( ) stay
// literal); the only character that ends it is a quote, which the functions
// double (PowerShell also treats the four smart single quotes as quotes, so
// those are doubled too: about_Quoting_Rules). A value that is empty, holds a
// control character, or is not a plausible identity for its parameter is
// refused: the step's command is withheld and its text says why.
//
// The load-time check (lintCommand) makes this the only way: a command whose
// action does not start with a ps* function, or stands outside single quotes,
// does not load.

// psQuotes are the characters PowerShell ends a single-quoted string on.
const psQuotes = "'\u2018\u2019\u201a\u201b"

// RefusedValue is the error a ps* function returns for a value it will not
// put into a command.
type RefusedValue struct {
	Kind   string // what the parameter wants: "server name", "SMTP address", ...
	Value  string
	Reason string
}

func (e *RefusedValue) Error() string {
	v := []rune(e.Value)
	if len(v) > 80 { // the sentence names the value; it need not repeat a page of it
		v = append(v[:77], []rune("...")...)
	}
	return fmt.Sprintf("%q, which is not a plausible %s: %s", string(v), e.Kind, e.Reason)
}

// psKinds are the quoting functions by name, each checking its own kind of
// identity before quoting.
var psKinds = map[string]func(string) error{
	"ps":         func(string) error { return nil },
	"psServer":   checkServer,
	"psDatabase": checkDatabase,
	"psSmtp":     checkSMTP,
	"psDomain":   checkDomain,
	"psGuid":     checkGUID,
}

var psKindNames = map[string]string{
	"ps": "value", "psServer": "server name", "psDatabase": "database name",
	"psSmtp": "SMTP address", "psDomain": "domain name", "psGuid": "GUID",
}

// psLenient quotes without checking, for the load-time trial run on zero data.
var psLenient = template.FuncMap{}

func init() {
	for name, check := range psKinds {
		funcs[name] = psFunc(psKindNames[name], check)
		psLenient[name] = func(v any) string { return psEscape(text(v)) }
	}
}

func psFunc(kind string, check func(string) error) func(any) (string, error) {
	return func(v any) (string, error) {
		s := text(v)
		if err := checkPlain(s); err != nil {
			return "", &RefusedValue{Kind: kind, Value: s, Reason: err.Error()}
		}
		if err := check(s); err != nil {
			return "", &RefusedValue{Kind: kind, Value: s, Reason: err.Error()}
		}
		return psEscape(s), nil
	}
}

// psEscape doubles every character that would end a single-quoted string.
func psEscape(s string) string {
	if !strings.ContainsAny(s, psQuotes) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune(psQuotes, r) {
			b.WriteRune(r)
		}
		b.WriteRune(r)
	}
	return b.String()
}

// checkPlain refuses what no identity holds: nothing at all, and control
// characters (C0, DEL, C1, line and paragraph separators), which could end
// a line of the shell or hide text from the reader.
func checkPlain(s string) error {
	if strings.TrimSpace(s) == "" {
		return errors.New("it is empty, and an empty identity would select every object")
	}
	for _, r := range s {
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' || r == unicode.ReplacementChar {
			return fmt.Errorf("it holds the control character %U", r)
		}
	}
	return nil
}

var (
	hostLabel = regexp.MustCompile(`^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$`)
	guidForm  = regexp.MustCompile(`^\{?[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}\}?$`)
	// An SMTP address as message traces write it: no spaces, brackets or
	// quotes (quoted local parts are not accepted), one @.
	smtpLocal = regexp.MustCompile(`^[^\s@<>()\[\],;:"\\]{1,64}$`)
)

// checkServer accepts a NetBIOS name or a DNS host name.
func checkServer(s string) error {
	if len(s) > 253 {
		return errors.New("it is longer than a DNS name can be")
	}
	for _, l := range strings.Split(s, ".") {
		if !hostLabel.MatchString(l) {
			return fmt.Errorf("%q is not a host name label (letters, digits and hyphens)", l)
		}
	}
	return nil
}

// checkDomain accepts an ASCII (or A-label) DNS domain with at least two labels.
func checkDomain(s string) error {
	if !strings.Contains(s, ".") {
		return errors.New("a domain has at least two labels")
	}
	return checkServer(s)
}

// checkDatabase accepts an Exchange database name: at most 64 characters,
// and no backslash, which would make it a copy identity (DB\SERVER).
func checkDatabase(s string) error {
	if len([]rune(s)) > 64 {
		return errors.New("a database name has at most 64 characters")
	}
	if strings.ContainsRune(s, '\\') {
		return errors.New("a database name holds no backslash")
	}
	return nil
}

func checkSMTP(s string) error {
	local, domain, ok := strings.Cut(s, "@")
	if !ok || strings.Contains(domain, "@") {
		return errors.New("an address has exactly one @")
	}
	if !smtpLocal.MatchString(local) {
		return errors.New("its local part holds a space, a bracket or a quote")
	}
	return checkDomain(domain)
}

func checkGUID(s string) error {
	if !guidForm.MatchString(s) {
		return errors.New("a GUID is 32 hex digits in five groups")
	}
	return nil
}

// refusal returns the value error behind a failed command, if that is what
// failed.
func refusal(err error) (*RefusedValue, bool) {
	var rv *RefusedValue
	return rv, errors.As(err, &rv)
}

// lintCommand checks that every action of a command template that prints
// something is a ps* call standing inside single quotes. Control actions
// ({{if}}, {{range}}, {{end}}) print nothing themselves; their bodies are
// checked in turn.
func lintCommand(t *template.Template) error {
	st := &quoteState{}
	return st.walk(t.Tree.Root)
}

// quoteState tracks whether the template text seen so far has left a
// single-quoted string open.
type quoteState struct{ inQuote bool }

func (q *quoteState) walk(n parse.Node) error {
	switch n := n.(type) {
	case *parse.ListNode:
		if n == nil {
			return nil
		}
		for _, c := range n.Nodes {
			if err := q.walk(c); err != nil {
				return err
			}
		}
	case *parse.TextNode:
		for _, r := range string(n.Text) {
			if strings.ContainsRune(psQuotes, r) {
				q.inQuote = !q.inQuote
			}
		}
	case *parse.ActionNode:
		return q.action(n)
	case *parse.IfNode:
		return q.branches(n.List, n.ElseList)
	case *parse.RangeNode:
		return q.branches(n.List, n.ElseList)
	case *parse.WithNode:
		return q.branches(n.List, n.ElseList)
	}
	return nil
}

// branches walks both arms from the same state; they must leave the quote
// state alike, or the text after them could be quoted or not.
func (q *quoteState) branches(a, b *parse.ListNode) error {
	start := q.inQuote
	if err := q.walk(a); err != nil {
		return err
	}
	after := q.inQuote
	q.inQuote = start
	if err := q.walk(b); err != nil {
		return err
	}
	if b != nil && q.inQuote != after {
		return errors.New("the branches of an {{if}} leave a quote open in one and closed in the other")
	}
	if b == nil && after != start {
		return errors.New("an {{if}} without {{else}} opens or closes a quote")
	}
	return nil
}

func (q *quoteState) action(n *parse.ActionNode) error {
	if len(n.Pipe.Decl) > 0 {
		return nil // {{$x := ...}} prints nothing
	}
	cmds := n.Pipe.Cmds
	name := ""
	if len(cmds) > 0 {
		if id, ok := cmds[len(cmds)-1].Args[0].(*parse.IdentifierNode); ok {
			name = id.Ident
		}
	}
	if _, ok := psKinds[name]; !ok {
		return fmt.Errorf("%s: a value in a command must pass through a quoting function (ps, psServer, psDatabase, psSmtp, psDomain, psGuid), as in '{{ps .field}}'", n)
	}
	if !q.inQuote {
		return fmt.Errorf("%s: a quoted value must stand inside single quotes, as in '{{ps .field}}'", n)
	}
	return nil
}
