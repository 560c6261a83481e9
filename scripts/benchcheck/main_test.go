package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func write(t *testing.T, name, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

const reportA = `{"schema_version":1,"summary":{"inputs":2,"records":30,"records_lost":1,"bytes":1000,"errors":[{}],
 "started":"2024-01-01T00:00:00Z","duration_seconds":1.5,
 "files":[{"file":"d/a.evtx","kind":"evtx","records":20,"records_lost":1},{"file":"d/b.evtx","kind":"evtx","records":10}]},
 "incidents":[{"id":"x","pattern":"ha.p","key":"DB1\\S1","count":3,"fields":{"a":1,"b":[1,2]}}]}`

func TestSummaryAndIncidents(t *testing.T) {
	a := write(t, "a.json", reportA)
	// Same incidents, keys in another order, another start and duration.
	b := write(t, "b.json", strings.NewReplacer(`"fields":{"a":1,"b":[1,2]}`, `"fields":{"b":[1,2],"a":1}`,
		"1.5", "9.25", "2024-01-01", "2025-02-02").Replace(reportA))
	c := write(t, "c.json", strings.Replace(reportA, `"count":3`, `"count":4`, 1))

	var out bytes.Buffer
	if err := run([]string{"summary", a}, &out); err != nil {
		t.Fatal(err)
	}
	if got := out.String(); got != "inputs=2 records=30 lost=1 bytes=1000 errors=1 incidents=1\n" {
		t.Errorf("summary: %q", got)
	}
	ra, _ := load(a)
	rb, _ := load(b)
	rc, _ := load(c)
	if msg := sameIncidents(ra.Incidents, rb.Incidents); msg != "" {
		t.Errorf("same incidents reported different: %s", msg)
	}
	if msg := sameIncidents(ra.Incidents, rc.Incidents); !strings.HasPrefix(msg, "different: incident 1") {
		t.Errorf("different incidents: %q", msg)
	}
}

func TestRecordsAndPlanted(t *testing.T) {
	a := write(t, "a.json", reportA)
	base := write(t, "base.jsonl", `{"file":"d/a.evtx","chunks":2,"chunks_failed":1,"records":15,"record_errors":0,"error":"chunk at file offset 4096: Bad event magic"}
{"file":"d/b.evtx","chunks":1,"records":10}
{"tool":"golang-evtx","records":25}
`)
	var out bytes.Buffer
	if err := run([]string{"records", a, base}, &out); err != nil {
		t.Fatal(err)
	}
	s := out.String()
	if !strings.HasPrefix(s, "records: extriage 30, golang-evtx baseline 25, difference +5, in 1 files\n") ||
		!strings.Contains(s, "a.evtx: extriage 20 (known lost 1), baseline 15: 1 of 2 chunks stopped") ||
		strings.Contains(s, "WARNING") {
		t.Errorf("records:\n%s", s)
	}
	out.Reset()
	if err := run([]string{"baseline", base}, &out); err != nil || !strings.Contains(out.String(), "records=25") {
		t.Errorf("baseline: %q, %v", out.String(), err)
	}

	bulk := write(t, "bulk.json", `{"incidents":[{"pattern":"ha.p","key":"db1\\s1","count":3}]}`)
	if msg, err := checkPlanted(bulk, a); err != nil || !strings.HasPrefix(msg, "all 1 planted") {
		t.Errorf("planted: %q, %v", msg, err)
	}
	other := write(t, "other.json", `{"incidents":[{"pattern":"ha.p","key":"DB2\\S1","count":3}]}`)
	if msg, _ := checkPlanted(other, a); !strings.Contains(msg, "not found") {
		t.Errorf("planted, wrong key: %q", msg)
	}
}
