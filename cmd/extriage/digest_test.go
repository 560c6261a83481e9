package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Every input's size and SHA-256 in the summary are those of its bytes:
// plain files read in place (.evtx) or as streams (traces), damaged and
// truncated ones, zip members, and standard input.
func TestInputDigests(t *testing.T) {
	trace := filepath.Join(fixtures, "trace", "af-tracking-log", "MSGTRK2024020309-1.LOG")
	member := "evtx/field-case/SERVER3/Microsoft-Exchange-HighAvailability%4Operational.evtx"
	z := zipOf(t, map[string]string{"SERVER3/HA.evtx": member})
	stdin, err := os.ReadFile(trace)
	if err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	e := &env{stdin: bytes.NewReader(stdin), stdout: &out, stderr: &errOut, now: goldenEnv(nil, nil).now}
	runEnv([]string{"scan", "-f", "json", fixtures, z, "-"}, e)
	var doc struct {
		Summary struct {
			Files []struct {
				File   string `json:"file"`
				Bytes  int64  `json:"bytes"`
				SHA256 string `json:"sha256"`
			} `json:"files"`
		} `json:"summary"`
	}
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
		t.Fatalf("%v: %s", err, errOut.String())
	}
	if len(doc.Summary.Files) < 20 {
		t.Fatalf("%d files in the summary", len(doc.Summary.Files))
	}
	for _, f := range doc.Summary.Files {
		var want []byte
		switch {
		case f.File == "-":
			want = stdin
		case strings.HasPrefix(f.File, z+"!/"):
			want, err = os.ReadFile(filepath.Join(fixtures, filepath.FromSlash(member)))
		default:
			want, err = os.ReadFile(f.File)
		}
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(want)
		if f.SHA256 != hex.EncodeToString(sum[:]) || f.Bytes != int64(len(want)) {
			t.Errorf("%s: %d bytes, sha256 %q; want %d and %x", f.File, f.Bytes, f.SHA256, len(want), sum)
		}
	}
}
