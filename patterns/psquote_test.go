package patterns

import (
	"strings"
	"testing"
	"text/template"
	"unicode"
)

func TestPSEscape(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"DB1", "DB1"},
		{"kim.o'hara@contoso.com", "kim.o''hara@contoso.com"},
		{"O'Brien Legal DB", "O''Brien Legal DB"},
		{"a\u2019b\u2018c\u201ad\u201be", "a\u2019\u2019b\u2018\u2018c\u201a\u201ad\u201b\u201be"},
		{"$(Stop-Computer)", "$(Stop-Computer)"}, // verbatim inside single quotes
	} {
		if got := psEscape(tc.in); got != tc.want {
			t.Errorf("psEscape(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestPSKinds(t *testing.T) {
	for _, tc := range []struct {
		fn, in string
		ok     bool
	}{
		{"psServer", "SERVER4", true},
		{"psServer", "SERVER4.contoso.local", true},
		{"psServer", "SERVER4;calc", false},
		{"psServer", "", false},
		{"psServer", "-bad", false},
		{"psDatabase", "Mailbox Database 0311695865", true},
		{"psDatabase", "O'Brien Legal DB", true},
		{"psDatabase", `DB1\SERVER3`, false},
		{"psDatabase", "DB\n1", false},
		{"psDatabase", strings.Repeat("d", 65), false},
		{"psSmtp", "kim.o'hara@contoso.com", true},
		{"psSmtp", "kim@contoso.com; calc", false},
		{"psSmtp", "kim", false},
		{"psSmtp", "a@b@contoso.com", false},
		{"psSmtp", "kim@localhost", false},
		{"psDomain", "outside.example", true},
		{"psDomain", "outside", false},
		{"psDomain", "out side.example", false},
		{"psGuid", "2f1a0c5e-93a7-4c2b-9d64-0f4b8e1d7a21", true},
		{"psGuid", "{2F1A0C5E-93A7-4C2B-9D64-0F4B8E1D7A21}", true},
		{"psGuid", "2f1a0c5e", false},
		{"ps", "any text, even 'quoted' $(x)", true},
		{"ps", "tab\there", false},
		{"ps", "c1\u0085here", false},
		{"ps", "line\u2028sep", false},
		{"ps", "   ", false},
	} {
		_, err := funcs[tc.fn].(func(any) (string, error))(tc.in)
		if (err == nil) != tc.ok {
			t.Errorf("%s(%q): error %v, want ok=%v", tc.fn, tc.in, err, tc.ok)
		}
		if _, refused := refusal(err); err != nil && !refused {
			t.Errorf("%s(%q): error %v is not a RefusedValue", tc.fn, tc.in, err)
		}
	}
}

func TestLintCommand(t *testing.T) {
	for _, tc := range []struct {
		src string
		ok  bool
	}{
		{`Get-Mailbox -Identity '{{psSmtp .x}}'`, true},
		{`Get-MailboxDatabaseCopyStatus '{{psDatabase .d}}\{{psServer .s}}'`, true},
		{`Set-MailboxServer -Identity '{{psServer (first .l)}}' -X Y`, true},
		{`Get-X '{{.x | ps}}'`, true},
		{`Get-WinEvent -FilterHashtable @{LogName='Application'} -ComputerName '{{psServer .s}}'`, true},
		{`{{if .x}}Get-X '{{ps .x}}'{{else}}Get-X{{end}}`, true},
		{`Get-Mailbox {{.x}}`, false},                     // not quoted at all
		{`Get-Mailbox '{{.x}}'`, false},                   // quoted but not escaped
		{`Get-Mailbox {{ps .x}}`, false},                  // escaped but outside quotes
		{`Get-Mailbox "{{ps .x}}"`, false},                // double quotes expand $
		{`Get-Mailbox '{{ps .x | upper}}'`, false},        // ps must be last
		{`Get-X {{if .x}}'{{end}}{{ps .x}}'`, false},      // an if that opens a quote
		{`Get-X '{{psSmtp .x}}' {{first .l}}`, false},     // one good, one bad
		{"Get-X '{{ps .x}}' {{printf \"%s\" .x}}", false}, // printf is not quoting
	} {
		tpl, err := template.New("c").Funcs(funcs).Parse(tc.src)
		if err != nil {
			t.Fatalf("%s: %v", tc.src, err)
		}
		if err := lintCommand(tpl); (err == nil) != tc.ok {
			t.Errorf("lintCommand(%s) = %v, want ok=%v", tc.src, err, tc.ok)
		}
	}
}

// injection holds the payloads of the catalog review (R9, §4): each must
// either be refused or end up inside one single-quoted token.
var injection = []string{
	"x'; Remove-Item -Recurse C:\\ #",
	"$(Stop-Computer -Force)",
	"x; Stop-Computer",
	"x\nStop-Computer",
	"x\r\nStop-Computer",
	"x`; Stop-Computer",
	`x"; Stop-Computer; "`,
	"x | Stop-Computer",
	"x # comment",
	"x\u2019; Stop-Computer; \u2018",
	"x\u201b\u201a",
	"kim.o'hara@contoso.com",
	"o'hara'|Stop-Computer|'@contoso.com",
	"Mailbox Database 0311695865",
	"O'Brien Legal DB",
	"SERVER4.contoso.local",
	"x\u0085y",
	"x\x1b[2Jy",
	"",
}

// psTokens splits a rendered command into the code outside single-quoted
// strings, with each string replaced by a marker, by PowerShell's rule: a
// single-quoted string starts at any of the five single-quote characters
// and ends at one that is not doubled.
func psTokens(cmd string) (skeleton string, ok bool) {
	var b strings.Builder
	rs := []rune(cmd)
	for i := 0; i < len(rs); i++ {
		if !strings.ContainsRune(psQuotes, rs[i]) {
			b.WriteRune(rs[i])
			continue
		}
		i++
		for ; i < len(rs); i++ {
			if strings.ContainsRune(psQuotes, rs[i]) {
				if i+1 < len(rs) && strings.ContainsRune(psQuotes, rs[i+1]) {
					i++
					continue
				}
				break
			}
		}
		if i >= len(rs) {
			return "", false // unterminated string
		}
		b.WriteString("'…'")
	}
	return b.String(), true
}

// TestCatalogCommandsResistInjection renders every command of the built-in
// catalog with every field set to each payload. A command is either withheld
// (its text says why) or has exactly the code structure it has with a
// harmless value: the payload never leaves its single-quoted token, and no
// control character reaches the command.
func TestCatalogCommandsResistInjection(t *testing.T) {
	m := mustBuiltin(t)
	n := 0
	for _, r := range m.rules {
		for si, s := range r.remedy {
			if s.command == nil || strings.TrimSpace(s.command.Root.String()) == "" {
				continue
			}
			benign, _ := s.command.Clone()
			want, err := execTextErr(benign.Funcs(psLenient), fill(r, "A"))
			if err != nil {
				t.Fatalf("%s remedy #%d: %v", r.id, si+1, err)
			}
			wantSkel, ok := psTokens(want)
			if !ok {
				t.Fatalf("%s remedy #%d: template itself leaves a quote open: %s", r.id, si+1, want)
			}
			for _, p := range injection {
				n++
				step := renderStep(s, fill(r, p))
				if step.Text == "" && step.Command == "" {
					continue // the step does not apply to these values and is dropped
				}
				if step.Command == "" {
					if !strings.Contains(step.Text, "is not shown") {
						t.Errorf("%s remedy #%d, payload %q: command withheld without a reason: %q", r.id, si+1, p, step.Text)
					}
					continue
				}
				for _, c := range step.Command {
					if unicode.IsControl(c) {
						t.Errorf("%s remedy #%d, payload %q: control character %U in %q", r.id, si+1, p, c, step.Command)
					}
				}
				got, ok := psTokens(step.Command)
				if !ok || got != wantSkel {
					t.Errorf("%s remedy #%d, payload %q:\n got  %s\n want %s", r.id, si+1, p, step.Command, wantSkel)
				}
			}
		}
	}
	if n == 0 {
		t.Fatal("no command was tried")
	}
}

// fill is template data with every field of r set to v (lists hold v once).
func fill(r *compiledRule, v string) map[string]any {
	d := r.zeroData()
	for _, f := range r.fields {
		switch f.kind {
		case kindList:
			d[f.name] = []string{v}
		case kindString:
			d[f.name] = v
		}
	}
	for _, j := range r.joins {
		d[j.name] = []string{v}
	}
	return d
}
