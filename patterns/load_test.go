package patterns

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func writeDir(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

const userCatalog = `
signatures:
  - id: site.repl-patch-failed
    channel: Application
    provider: MSExchangeRepl
    event_id: 4131
    fields: [database, detail]
    message: "Patching of '{database}' failed: {detail}"
    computed: {server: "{computer_host|upper}"}
incidents:
  - id: site.patch-failed
    title: 'Patching failed for {{.database}}\{{.server}}'
    severity: critical
    require: [site.repl-patch-failed]
    signatures: [ha.lag-playdown]
    key: [database, server]
    window: 2d
    fields: [database, server, detail]
    explain: 'Patching failed: {{.detail}}'
    remedy:
      - {text: Reseed., command: "Update-MailboxDatabaseCopy '{{psDatabase .database}}\\{{psServer .server}}' -DeleteExistingFiles -WhatIf", shell: ems, side_effects: The copy is reseeded.}
  - id: ha.lag-playdown-low-disk
    title: 'Low disk on {{.server}}'
    severity: high
    require: [{signature: ha.lag-playdown, where: {reason_code: NotEnoughFreeSpace}}]
    key: [database, server]
    explain: overridden
disable: [ha.lag-playdown-page-patching]
`

func TestLoadUserExtension(t *testing.T) {
	dir := writeDir(t, map[string]string{"site.yaml": userCatalog, "README.txt": "not yaml: ignored"})
	cat, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	m, err := Compile(cat)
	if err != nil {
		t.Fatal(err)
	}
	var rules []string
	for _, r := range cat.Incidents {
		rules = append(rules, r.ID+"@"+filepath.Base(r.Origin))
	}
	check(t, "incidents", rules, []string{"ha.lagged-copy-not-lagging@ha-replay-lag.yaml", "ha.lag-disable-pending@ha-replay-lag.yaml", "ha.lag-playdown-low-disk@site.yaml",
		"mailflow.autoforward-dropped@mailflow-autoforward.yaml", "mailflow.autoforward-rejected-spam-policy@mailflow-autoforward.yaml",
		"mailflow.transport-rule-reject@mailflow-autoforward.yaml", "mailflow.transport-rule-audit@mailflow-autoforward.yaml",
		"mailflow.oof-internal-to-external@mailflow-autoforward.yaml", "mailflow.oof-external-to-internal@mailflow-autoforward.yaml",
		"mailflow.oof-suppressed@mailflow-autoforward.yaml", "mailflow.trace-summary-failed@mailflow-autoforward.yaml",
		"site.patch-failed@site.yaml"})

	patch := inChannel(rec(7, "2024-03-02T09:30:00Z", "SERVER9.contoso.local", 4131, pos("DB2", "page 1234 unreadable")...), "Application", "MSExchangeRepl")
	recs := []Record{
		r708(5, "2024-03-02T09:00:00Z", "SERVER9.contoso.local", "DB2", reasonPatching, "InRequiredRange"), // page patching: disabled
		patch,
		r708(6, "2024-03-02T09:00:00Z", "SERVER7.contoso.local", "DB2", reasonLowDisk, "NotEnoughFreeSpace"),
	}
	incs := correlate(m, recs...)
	var got []string
	for _, inc := range incs {
		got = append(got, inc.Pattern+" "+string(inc.Severity)+" "+inc.Title)
	}
	check(t, "incidents", got, []string{
		`site.patch-failed critical Patching failed for DB2\SERVER9`,
		`ha.lag-playdown-low-disk high Low disk on SERVER7`,
	})
	check(t, "added incident evidence", evidenceIDs(incs[0]), []string{"ha.lag-playdown#5", "site.repl-patch-failed#7"})
	check(t, "added incident remedy", incs[0].Remedy, []Step{{Text: "Reseed.",
		Command: `Update-MailboxDatabaseCopy 'DB2\SERVER9' -DeleteExistingFiles -WhatIf`, Shell: "ems",
		SideEffects: "The copy is reseeded. The command carries -WhatIf, so it only shows what it would do: run it again without -WhatIf to make the change."}})
	check(t, "evidence message", incs[0].Evidence[1].Message, "Patching of 'DB2' failed: page 1234 unreadable")
}

// A later directory overrides an earlier one by id.
func TestLoadLaterDirWins(t *testing.T) {
	a := writeDir(t, map[string]string{"a.yaml": "disable: [ha.lag-playdown-page-patching]\n" + strings.SplitN(userCatalog, "disable:", 2)[0]})
	b := writeDir(t, map[string]string{"b.yml": `
incidents:
  - id: site.patch-failed
    title: 'second'
    severity: low
    require: [site.repl-patch-failed]
    key: [database]
`})
	cat, err := Load(a, b)
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(cat.Incidents, func(r Rule) bool { return r.ID == "site.patch-failed" })
	if i < 0 || cat.Incidents[i].Title != "second" || !strings.HasSuffix(cat.Incidents[i].Origin, "b.yml") {
		t.Fatalf("override from the later directory lost: %+v", cat.Incidents)
	}
}

func TestLoadErrors(t *testing.T) {
	const sig = `
signatures:
  - id: x.sig
    channel: C
    provider: P
    event_id: 1
    fields: [a, b]
`
	const rule = `
  - id: x.rule
    title: 't'
    severity: low
    require: [x.sig]
    key: [a]
`
	cases := []struct {
		name  string
		files map[string]string
		want  []string // all must appear in the error
	}{
		{"unknown signature referenced", map[string]string{"u.yaml": sig + "incidents:" + strings.Replace(rule, "[x.sig]", "[x.nope]", 1)},
			[]string{"u.yaml", `incident "x.rule"`, `unknown signature "x.nope"`}},
		{"bad regex", map[string]string{"r.yaml": sig + "    extract: [{field: c, from: a, regex: '(unclosed'}]\n"},
			[]string{"r.yaml", `signature "x.sig"`, "extract #1 (c)", "bad regex"}},
		{"missing id", map[string]string{"m.yaml": "signatures:\n  - channel: C\n"},
			[]string{"m.yaml", "signature #1", "missing id"}},
		{"incident missing id", map[string]string{"m.yaml": sig + "incidents:\n  - title: x\n"},
			[]string{"m.yaml", "incident #1", "missing id"}},
		{"template does not parse", map[string]string{"t.yaml": sig + "incidents:" + rule + "    explain: '{{if .a}}unclosed'\n"},
			[]string{"t.yaml", `incident "x.rule"`, "explain"}},
		{"template names an unknown field", map[string]string{"t.yaml": sig + "incidents:" + rule + "    explain: '{{.nope}}'\n"},
			[]string{"t.yaml", `incident "x.rule"`, "explain", "nope"}},
		{"message template does not parse", map[string]string{"t.yaml": sig + "    message: 'x {a'\n"},
			[]string{"t.yaml", `signature "x.sig"`, "message", "unclosed"}},
		{"message placeholder not a field", map[string]string{"t.yaml": sig + "    message: 'x {zz} y'\n"},
			[]string{"t.yaml", `signature "x.sig"`, "{zz} is not in fields"}},
		{"adjacent placeholders", map[string]string{"t.yaml": sig + "    message: 'x {a}{b} y'\n"},
			[]string{"t.yaml", `signature "x.sig"`, "literal text between"}},
		{"duplicate id within a file", map[string]string{"d.yaml": sig + strings.Replace(sig, "signatures:\n", "", 1)},
			[]string{"d.yaml", `signature "x.sig"`, "duplicate id in the same file"}},
		{"duplicate id across files of one directory", map[string]string{"d1.yaml": sig, "d2.yaml": sig},
			[]string{"d2.yaml", `signature "x.sig"`, "already defined in", "d1.yaml"}},
		{"evtx signature without provider", map[string]string{"e.yaml": strings.Replace(sig, "    provider: P\n", "", 1)},
			[]string{"e.yaml", `signature "x.sig"`, "channel, provider and event_id"}},
		{"unknown key", map[string]string{"k.yaml": sig + "    feilds: [a]\n"},
			[]string{"k.yaml", "feilds"}},
		{"unknown key in a selector", map[string]string{"k.yaml": sig + "incidents:" + strings.Replace(rule, "[x.sig]", "[{signature: x.sig, wher: {a: 1}}]", 1)},
			[]string{"k.yaml", "wher"}},
		{"disable an unknown id", map[string]string{"x.yaml": "disable: [no.such]\n"},
			[]string{"x.yaml", `disable "no.such"`}},
		{"disable a signature an incident needs", map[string]string{"x.yaml": "disable: [ha.lag-playdown]\n"},
			[]string{"x.yaml", `disable "ha.lag-playdown"`, `incident "ha.lagged-copy-not-lagging" (catalog/ha-replay-lag.yaml) still uses it`}},
		{"disable a signature with the incidents that need it", map[string]string{"x.yaml": `disable: [ha.lag-disable-suppressed, ha.lagged-copy-not-lagging]
incidents:
  - id: ha.lag-playdown-low-disk
    title: 't'
    severity: low
    require: [ha.lag-disable-suppressed]
    key: [database]
`}, []string{"x.yaml", `disable "ha.lag-disable-suppressed"`, `incident "ha.lag-playdown-low-disk"`}},
		{"bad severity", map[string]string{"s.yaml": sig + "incidents:" + strings.Replace(rule, "low", "urgent", 1)},
			[]string{"s.yaml", `incident "x.rule"`, `severity "urgent"`}},
		{"key field a member lacks", map[string]string{"s.yaml": sig + "incidents:" + strings.Replace(rule, "[a]", "[a, server]", 1)},
			[]string{"s.yaml", `incident "x.rule"`, "key server"}},
		{"where on a field the signature lacks", map[string]string{"s.yaml": sig + "incidents:" + strings.Replace(rule, "[x.sig]", "[{signature: x.sig, where: {zz: 1}}]", 1)},
			[]string{"s.yaml", "where zz"}},
		{"bad window", map[string]string{"s.yaml": sig + "incidents:" + rule + "    window: soon\n"},
			[]string{"s.yaml", `incident "x.rule"`, `window "soon"`}},
		{"shape and event_id", map[string]string{"s.yaml": sig + "    shape: {values: 2, types: {a: int}}\n"},
			[]string{"s.yaml", "event_id and shape"}},
		{"shape without types", map[string]string{"s.yaml": strings.Replace(sig, "    event_id: 1\n", "", 1) + "    shape: {values: 2}\n"},
			[]string{"s.yaml", "shape: types must name"}},
		{"shape count unlike fields", map[string]string{"s.yaml": strings.Replace(sig, "    event_id: 1\n", "", 1) + "    shape: {values: 3, types: {a: int}}\n"},
			[]string{"s.yaml", "shape: values 3, but fields names 2"}},
		{"shape type unknown", map[string]string{"s.yaml": strings.Replace(sig, "    event_id: 1\n", "", 1) + "    shape: {values: 2, types: {a: date}}\n"},
			[]string{"s.yaml", `"date", want guid or int`}},
		{"unknown extract filter", map[string]string{"f.yaml": sig + "    extract: [{field: c, from: a, filter: host|shout}]\n"},
			[]string{"f.yaml", `unknown filter "shout"`}},
		{"count with a type", map[string]string{"f.yaml": sig + "    extract: [{field: c, from: a, count: true, type: int}]\n"},
			[]string{"f.yaml", "count gives the number of matches"}},
		{"unknown extract type", map[string]string{"f.yaml": sig + "    extract: [{field: c, from: a, type: kb}]\n"},
			[]string{"f.yaml", "want string, int, bytes, domain"}},
		{"rejoin of a non-member", map[string]string{"j.yaml": sig + strings.Replace(sig, "signatures:\n  - id: x.sig", "  - id: x.other", 1) +
			"incidents:" + rule + "    rejoin: [x.other]\n"},
			[]string{"j.yaml", "rejoin: x.other is not a member"}},
		{"unless_seen without the key", map[string]string{"j.yaml": sig + "  - {id: x.keyless, channel: C, provider: P, event_id: 2, fields: [z]}\n" +
			"incidents:" + rule + "    unless_seen: [x.keyless]\n"},
			[]string{"j.yaml", "unless_seen: signature x.keyless has no string field a"}},
		{"rollup without a command", map[string]string{"j.yaml": sig + "incidents:" + rule + "    remedy: [{text: t, rollup: true}]\n"},
			[]string{"j.yaml", "rollup compares commands"}},
		{"yaml syntax", map[string]string{"y.yaml": "signatures: [\n"},
			[]string{"y.yaml"}},
		{"command without shell", map[string]string{"c.yaml": sig + "incidents:" + rule + "    remedy: [{text: t, command: \"Get-Mailbox '{{ps .a}}'\"}]\n"},
			[]string{"c.yaml", `incident "x.rule"`, "remedy #1", "shell: missing"}},
		{"unknown shell", map[string]string{"c.yaml": sig + "incidents:" + rule + "    remedy: [{text: t, command: Get-Mailbox, shell: bash}]\n"},
			[]string{"c.yaml", "remedy #1", `shell "bash"`}},
		{"shell without command", map[string]string{"c.yaml": sig + "incidents:" + rule + "    remedy: [{text: t, shell: ems}]\n"},
			[]string{"c.yaml", "remedy #1", "without a command"}},
		{"changing cmdlet without -WhatIf", map[string]string{"c.yaml": sig + "incidents:" + rule + "    remedy: [{text: t, command: \"Get-Mailbox '{{ps .a}}' | Set-Mailbox -HiddenFromAddressListsEnabled $true\", shell: ems, side_effects: x}]\n"},
			[]string{"c.yaml", "remedy #1", "Set-Mailbox changes state: add -WhatIf"}},
		{"changing cmdlet behind an if, without -WhatIf", map[string]string{"c.yaml": sig + "incidents:" + rule + "    remedy: [{text: t, command: \"{{if .a}}Remove-InboxRule -Identity '{{ps .a}}'{{end}}\", shell: ems, side_effects: x}]\n"},
			[]string{"c.yaml", "remedy #1", "Remove-InboxRule changes state: add -WhatIf"}},
		{"changing cmdlet without side effects", map[string]string{"c.yaml": sig + "incidents:" + rule + "    remedy: [{text: t, command: \"Remove-InboxRule '{{ps .a}}' -WhatIf\", shell: ems}]\n"},
			[]string{"c.yaml", "remedy #1", "side_effects: missing"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Load(writeDir(t, tc.files))
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error lacks %q:\n%v", w, err)
				}
			}
		})
	}
}

func TestLoadMissingDir(t *testing.T) {
	_, err := Load(filepath.Join(t.TempDir(), "nope"))
	if err == nil || !strings.Contains(err.Error(), "nope") {
		t.Fatalf("err = %v", err)
	}
}

func TestLoadDisableSignatureWithItsIncident(t *testing.T) {
	m := mustLoad(t, map[string]string{"off.yaml": "disable: [ha.lag-disable-suppressed, ha.lagged-copy-not-lagging, ha.lag-disable-pending]\n"})
	// Every id of the channel stays wanted (the required-range play-down has
	// none), so ask the matcher itself.
	r738 := r738(1, "2024-03-01T08:00:00Z", "SERVER3.contoso.local", "DB1", "SERVER3", blocked3)
	if hits := m.Match(&r738); len(hits) != 0 || !m.Wants(haChannel, haProvider, 708) {
		t.Errorf("738 still matched (%+v), or 708 lost", hits)
	}
	if incs := correlate(m, seedCase()...); len(incs) != 0 {
		t.Errorf("disabled incident raised: %+v", incs)
	}
}

// Load errors say file:line, as editors and terminals link them.
func TestLoadErrorLines(t *testing.T) {
	const sig = "signatures:\n  - id: x.sig\n    channel: C\n    provider: P\n    event_id: 1\n    fields: [a]\n"
	for name, tc := range map[string]struct{ yaml, want string }{
		"entry error":     {sig + "  - id: x.two\n    channel: C\n", "e.yaml:7: signature \"x.two\""},
		"unknown key":     {sig + "    feilds: [a]\n", "e.yaml:7: field feilds not found"},
		"bad status":      {sig + "    status: maybe\n", "e.yaml:2: signature \"x.sig\": status \"maybe\": want confirmed or unconfirmed"},
		"empty reference": {sig + "    references: ['']\n", "references #1: empty"},
		"bad expect":      {sig + "tests:\n  - name: n\n    pattern: x.sig\n    expect: nothing\n", "e.yaml:10: expect: want none"},
		"bad values":      {sig + "tests:\n  - name: n\n    pattern: x.sig\n    expect: none\n    records: [{values: [[1]]}]\n", "e.yaml:11: values"},
		"syntax":          {"signatures: [\n", "e.yaml:"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := Load(writeDir(t, map[string]string{"e.yaml": tc.yaml}))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want it to contain %q", err, tc.want)
			}
		})
	}
}
