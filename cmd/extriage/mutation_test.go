package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// mutation is one entry of the mutations.json the fixture generator writes
// beside the damaged copies of the field case (go run ./fixtures/gen
// -mutations DIR).
type mutation struct {
	File    string `json:"file"`
	Damage  string `json:"damage"`
	Chunk   *int   `json:"chunk"`
	Offset  int64  `json:"offset"`
	Records int    `json:"records"`
	AtLeast bool   `json:"at_least"`
	Lost    int    `json:"records_lost"`
	Count   int    `json:"count"`
	Exit    int    `json:"exit"`
	// Incident is the pattern the one incident must have.
	Incident string `json:"incident"`
}

// lossReport is the part of the JSON report the mutation test reads.
type lossReport struct {
	Summary struct {
		Records int `json:"records"`
		Lost    int `json:"records_lost"`
		Errors  []struct {
			Chunk   *int   `json:"chunk"`
			Offset  *int64 `json:"offset"`
			Message string `json:"message"`
		} `json:"errors"`
	} `json:"summary"`
	Incidents []struct {
		Pattern string `json:"pattern"`
		Count   int    `json:"count"`
	} `json:"incidents"`
}

// TestMutationMatrix scans each damaged copy of the field case that the
// generator writes (cut at a chunk boundary, chunks zeroed, a chunk's
// signature or header zeroed, a chunk copied over its neighbour, chunks
// swapped, the file header zeroed, bits flipped, bytes inserted) and checks
// the exit code, the records read (never fewer than evtxexport -m all reads,
// when it is installed), the records lost, the damage named with its chunk
// and offset, and the incident with its count.
func TestMutationMatrix(t *testing.T) {
	dir := t.TempDir()
	gen := exec.Command(filepath.Join(runtime.GOROOT(), "bin", "go"), "run", "./fixtures/gen", "-mutations", dir)
	gen.Dir = filepath.Join("..", "..")
	if out, err := gen.CombinedOutput(); err != nil {
		t.Fatalf("go run ./fixtures/gen -mutations: %v\n%s", err, out)
	}
	b, err := os.ReadFile(filepath.Join(dir, "mutations.json"))
	if err != nil {
		t.Fatal(err)
	}
	var list []mutation
	if err := json.Unmarshal(b, &list); err != nil {
		t.Fatal(err)
	}
	if len(list) < 14 {
		t.Fatalf("%d mutations, want the 14 of the matrix at least", len(list))
	}
	most := list[0].Count // the clean file comes first
	_, noExport := exec.LookPath("evtxexport")
	if noExport != nil {
		t.Log("evtxexport (Debian package libevtx-utils) is not on PATH: records read are not compared with it")
	}
	for _, m := range list {
		t.Run(strings.TrimSuffix(m.File, ".evtx"), func(t *testing.T) {
			path := filepath.Join(dir, m.File)
			var out, errOut bytes.Buffer
			code := run([]string{"scan", "--format", "json", path}, &out, &errOut)
			var rep lossReport
			if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
				t.Fatalf("%s: report is not JSON (%v); stderr: %s", m.Damage, err, errOut.String())
			}
			sum := rep.Summary
			if code != m.Exit {
				t.Errorf("%s: exit code %d, want %d", m.Damage, code, m.Exit)
			}
			if sum.Records < m.Records || !m.AtLeast && (sum.Records != m.Records || sum.Lost != m.Lost) {
				t.Errorf("%s: %d records read, %d lost; want %d, %d", m.Damage, sum.Records, sum.Lost, m.Records, m.Lost)
			}
			if noExport == nil {
				if n := evtxexportRecords(t, path); sum.Records < n {
					t.Errorf("%s: %d records read, evtxexport -m all reads %d distinct ones", m.Damage, sum.Records, n)
				}
			}
			if m.Chunk != nil && !damageNamed(rep, *m.Chunk, m.Offset) {
				t.Errorf("%s: no error names chunk %d at file offset %d: %+v", m.Damage, *m.Chunk, m.Offset, sum.Errors)
			}
			if m.Chunk == nil && len(sum.Errors) > 0 {
				t.Errorf("%s: nothing is damaged, but the summary lists %+v", m.Damage, sum.Errors)
			}
			if len(rep.Incidents) != 1 || rep.Incidents[0].Pattern != m.Incident {
				t.Fatalf("%s: incidents %+v, want one %s", m.Damage, rep.Incidents, m.Incident)
			}
			if c := rep.Incidents[0].Count; c < m.Count || c > most || !m.AtLeast && c != m.Count {
				t.Errorf("%s: incident count %d, want %d (at most %d)", m.Damage, c, m.Count, most)
			}
		})
	}
}

// damageNamed tells whether a summary error names the chunk that starts at
// file offset start, with an offset inside it, or the file header for
// chunk -1.
func damageNamed(rep lossReport, chunk int, start int64) bool {
	for _, e := range rep.Summary.Errors {
		switch {
		case chunk < 0 && e.Chunk == nil && strings.Contains(e.Message, "file header"):
			return true
		case e.Chunk != nil && *e.Chunk == chunk && e.Offset != nil && *e.Offset >= start && *e.Offset < start+65536:
			return true
		}
	}
	return false
}

// evtxexportRecords counts the distinct records evtxexport -m all reads of
// path: it reads a chunk copied over another twice, which extriage counts
// once.
func evtxexportRecords(t *testing.T, path string) int {
	t.Helper()
	out, err := exec.Command("evtxexport", "-m", "all", path).Output()
	if err != nil && len(out) == 0 {
		t.Fatalf("evtxexport -m all %s: %v", path, err)
	}
	ids := map[string]bool{}
	for _, line := range strings.Split(string(out), "\n") {
		if name, id, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(name) == "Event number" {
			ids[strings.TrimSpace(id)] = true
		}
	}
	return len(ids)
}
