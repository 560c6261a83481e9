package patterns

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func inChannel(r Record, channel, provider string) Record {
	r.Channel, r.Provider = channel, provider
	return r
}

// The built-in catalog's tests are data (catalog/*.tests.yaml): this one
// generic test runs every case.
func TestCatalogCases(t *testing.T) {
	cat, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	results, err := RunTests(cat, TestOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(results) == 0 {
		t.Fatal("the built-in catalog has no test cases")
	}
	for _, r := range results {
		t.Run(r.Case.Pattern+"/"+r.Case.Name, func(t *testing.T) {
			if r.Skip != "" || r.Failed() {
				t.Error(r.String())
			}
		})
	}
}

// Nothing enters the built-in catalog untested: every entry needs a
// positive and a negative case.
func TestCatalogCoverage(t *testing.T) {
	cat, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range Coverage(cat) {
		t.Error(g)
	}
}

// The catalog as shipped: the ids the rest of extriage and the docs name.
func TestBuiltinCatalog(t *testing.T) {
	cat, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	var sigs, rules []string
	for _, s := range cat.Signatures {
		sigs = append(sigs, s.ID)
		if want := "catalog/" + strings.SplitN(s.ID, ".", 2)[0]; !strings.HasPrefix(s.Origin, want) {
			t.Errorf("%s origin %q, want %s*", s.ID, s.Origin, want)
		}
		if s.Line == 0 || s.Node == nil {
			t.Errorf("%s: no line or YAML kept", s.ID)
		}
	}
	for _, r := range cat.Incidents {
		rules = append(rules, r.ID)
	}
	check(t, "signatures", sigs, []string{"ha.lag-playdown", "ha.lag-disable-suppressed", "ha.lag-playdown-required-range", "ha.passive-scan-disabled",
		"mailflow.af-dropped-remote-domain", "mailflow.af-rejected-spam-policy", "mailflow.transport-rule-rejected",
		"mailflow.transport-rule-rejected-custom", "mailflow.transport-rule-audit-row", "mailflow.message-delivered",
		"mailflow.oof-reply-suppressed", "mailflow.trace-summary-failed-row"})
	check(t, "incidents", rules, []string{"ha.lagged-copy-not-lagging", "ha.lag-disable-pending", "ha.lag-playdown-low-disk", "ha.lag-playdown-page-patching",
		"mailflow.autoforward-dropped", "mailflow.autoforward-rejected-spam-policy", "mailflow.transport-rule-reject",
		"mailflow.transport-rule-audit", "mailflow.oof-internal-to-external", "mailflow.oof-external-to-internal",
		"mailflow.oof-suppressed", "mailflow.trace-summary-failed"})
}

// userSig is a signature that is not built in, with its tests beside it.
const userSig = `signatures:
  - id: user.disk
    status: unconfirmed
    references: [a bad-block story]
    channel: System
    provider: disk
    event_id: 7
    fields: [device]
    message: 'The device, {device}, has a bad block.'
    computed: {server: "{computer_host|upper}"}
incidents:
  - id: user.bad-block
    title: 'Bad block on {{.device}} of {{.server}}'
    severity: medium
    require: [user.disk]
    key: [server, device]
    explain: '{{.count}} bad {{plural .count "block" "blocks"}} on {{.device}}.'
`

const userTests = `tests:
  - name: two bad blocks
    pattern: user.bad-block
    records:
      - &r {channel: System, provider: disk, event_id: 7, computer: ex1.contoso.com, time: 2024-01-01T00:00:00Z, values: [Harddisk1]}
      - {<<: *r, time: 2024-01-01T01:00:00Z}
    expect:
      - key: EX1\Harddisk1
        count: 2
        fields: {device: Harddisk1}
        explain_contains: [2 bad blocks]
        caveat_contains: [signature user.disk is marked unconfirmed, event 7 of disk in System]
  - name: by name
    pattern: user.disk
    records:
      - {channel: System, provider: disk, event_id: 7, values: {device: d1}}
    expect:
      - fields: {device: d1}
        message_contains: ['The device, d1, has a bad block.']
  - name: another provider
    pattern: user.disk
    expect: none
    records:
      - {channel: System, provider: Ntfs, event_id: 7, values: [d1]}
  - name: another id
    pattern: user.bad-block
    expect: none
    records:
      - {channel: System, provider: disk, event_id: 51, values: [d1]}
`

// A user's pattern with its tests needs no Go; a case that no longer holds
// fails with a line per difference, naming the case.
func TestRunUserTests(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		fail  map[string][]string // case name -> words of its problems
		skip  map[string]string   // case name -> words of the reason
		gaps  int
	}{
		{"passes", map[string]string{"disk.yaml": userSig, "disk.tests.yaml": userTests}, nil, nil, 0},
		{"tests inside the catalog file", map[string]string{"disk.yaml": userSig + userTests}, nil, nil, 0},
		{"broken message", map[string]string{"disk.yaml": strings.Replace(userSig, "has a bad block", "has a bad sector", 1), "disk.tests.yaml": userTests},
			map[string][]string{"by name": {`hit of user.disk: no evidence message contains "The device, d1, has a bad block."`, "has a bad sector"}}, nil, 0},
		{"broken key", map[string]string{"disk.yaml": strings.Replace(userSig, "key: [server, device]", "key: [device, server]", 1), "disk.tests.yaml": userTests},
			map[string][]string{"two bad blocks": {`want an incident of user.bad-block with key "EX1\Harddisk1"; got none`, `found instead: incident user.bad-block "Harddisk1\EX1" (count 2)`}}, nil, 0},
		{"broken count", map[string]string{"disk.yaml": strings.Replace(userSig, "require: [user.disk]", "require: [user.disk]\n    window: 30m", 1), "disk.tests.yaml": userTests},
			map[string][]string{"two bad blocks": {`incident user.bad-block "EX1\Harddisk1": count: want 2, got 1`, `unexpected incident user.bad-block "EX1\Harddisk1" (count 1)`}}, nil, 0},
		{"no negative", map[string]string{"disk.yaml": userSig, "disk.tests.yaml": userTests[:strings.Index(userTests, "  - name: another id")]}, nil, nil, 1},
		{"unknown pattern and bad record", map[string]string{"disk.yaml": userSig, "disk.tests.yaml": userTests + `
  - name: typo
    pattern: user.bad-blok
    expect: none
    records: [{channel: System}]
  - name: half a record
    pattern: user.disk
    expect: none
    records: [{channel: System, values: [x]}]
`}, map[string][]string{"typo": {"user.bad-blok: the catalog has no signature or incident of this id"},
			"half a record": {"record 1 (line", "an evtx record needs channel, provider and event_id"}}, nil, 0},
		{"builtin overridden", map[string]string{"ha.yaml": strings.Replace(userSig, "user.bad-block", "ha.lag-playdown-page-patching", 1)},
			nil, map[string]string{"708 LogsInRequiredRange": "replaced by the definition in", "708 NotEnoughFreeSpace is not page patching": "replaced by the definition in",
				"required-range event": "replaced by the definition in", "708 NotEnoughFreeSpace is not page patching (review)": "replaced by the definition in"}, 2},
		{"fixture file without a reader", map[string]string{"disk.yaml": userSig, "disk.tests.yaml": userTests + `
  - name: from a file
    pattern: user.disk
    files: [disk.evtx]
    expect: none
`}, map[string][]string{"from a file": {"files disk.evtx: this runner reads no files"}}, nil, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cat, err := Load(writeDir(t, tt.files))
			if err != nil {
				t.Fatal(err)
			}
			results, err := RunTests(cat, TestOptions{})
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range results {
				want, fails := tt.fail[r.Case.Name]
				why, skips := tt.skip[r.Case.Name]
				switch {
				case skips != (r.Skip != "") || !strings.Contains(r.Skip, why):
					t.Errorf("%s: skip %q, want %q", r.Case.Name, r.Skip, why)
				case fails != r.Failed():
					t.Errorf("failed %v, want %v:\n%s", r.Failed(), fails, r.String())
				case fails:
					for _, w := range want {
						if !strings.Contains(r.String(), w) {
							t.Errorf("lacks %q:\n%s", w, r.String())
						}
					}
					if !strings.Contains(r.String(), r.Case.Name) || !strings.Contains(r.String(), ".yaml:") {
						t.Errorf("the failure does not name the case and its file:line:\n%s", r.String())
					}
				}
			}
			var gaps int
			for _, g := range Coverage(cat) {
				if !strings.HasPrefix(g.Where.Origin, "catalog/") {
					gaps++
				}
			}
			if gaps != tt.gaps {
				t.Errorf("%d coverage gaps in the user's folder, want %d: %v", gaps, tt.gaps, Coverage(cat))
			}
		})
	}
}

// A fixture file is read through the reader the caller gives, from the
// folder of the YAML file.
func TestRunTestsReadsFiles(t *testing.T) {
	dir := writeDir(t, map[string]string{"disk.yaml": userSig, "disk.tests.yaml": userTests + `
  - name: from a file
    pattern: user.disk
    files: [sub/disk.evtx]
    expect:
      - fields: {device: from-file}
`})
	if err := os.MkdirAll(filepath.Join(dir, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	var read []string
	cat, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	results, err := RunTests(cat, TestOptions{Read: func(path string, visit func(*Record)) error {
		read = append(read, path)
		visit(&Record{Source: "evtx", Channel: "System", Provider: "disk", EventID: 7, RecordID: 1, Values: pos("from-file")})
		return nil
	}})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range results {
		if r.Failed() {
			t.Error(r.String())
		}
	}
	if len(read) != 1 || read[0] != filepath.Join(dir, "sub", "disk.evtx") {
		t.Errorf("read %v", read)
	}
}
