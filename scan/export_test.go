package scan

import (
	"bytes"
	"cmp"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/unicode"

	"github.com/extriage/extriage/patterns"
)

// xmlShapes are the ways an .evtx rendered as a stream of <Event> elements
// arrives: as wevtutil qe /f:xml writes it, inside Event Viewer's
// <Events> with its declaration, and as UTF-16 (wevtutil /uni:true).
var xmlShapes = []struct {
	name string
	make func(events []byte) []byte
}{
	{"wevtutil-stream.xml", func(ev []byte) []byte { return ev }},
	{"event-viewer.xml", func(ev []byte) []byte {
		out := []byte("\xEF\xBB\xBF<?xml version=\"1.0\" encoding=\"utf-8\" standalone=\"yes\"?>\r\n<Events>")
		return append(append(out, ev...), "</Events>"...)
	}},
	{"wevtutil-uni.xml", func(ev []byte) []byte {
		out, err := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().Bytes(ev)
		if err != nil {
			panic(err)
		}
		return out
	}},
}

// An XML export of each .evtx fixture, in every shape, gives the incidents
// the .evtx gives: same patterns, keys, fields, counts, first and last
// times, and the same servers. The XML is rendered by libevtx's evtxexport,
// whose -f xml output is a stream of <Event> elements as wevtutil writes.
func TestRunEventExports(t *testing.T) {
	if _, err := exec.LookPath("evtxexport"); err != nil {
		t.Skip("evtxexport (libevtx-utils) is not installed; it renders the fixtures as XML for this test")
	}
	m := matcher(t)
	stopped := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	files, _ := filepath.Glob(filepath.Join(fixtures, "evtx", "*", "*", "*.evtx"))
	if len(files) == 0 {
		t.Fatal("no .evtx fixtures")
	}
	incidents := 0
	for _, f := range files {
		if strings.Contains(f, "damaged-") {
			continue // evtxexport reads less of a damaged file than extriage does
		}
		out, err := exec.Command("evtxexport", "-f", "xml", f).Output()
		i := bytes.IndexByte(out, '<')
		if err != nil || i < 0 {
			t.Fatalf("evtxexport %s: %v", f, err)
		}
		events := out[i:] // evtxexport prints its version first
		want := Run(Config{Paths: []string{f}, Matcher: m, Now: func() time.Time { return stopped }})
		incidents += len(want.Incidents)
		dir := t.TempDir()
		for _, shape := range xmlShapes {
			path := filepath.Join(dir, shape.name)
			if err := os.WriteFile(path, shape.make(events), 0o644); err != nil {
				t.Fatal(err)
			}
			got := Run(Config{Paths: []string{path}, Matcher: m, Now: func() time.Time { return stopped }})
			name := filepath.Base(filepath.Dir(filepath.Dir(f))) + "/" + shape.name
			if got.Summary.Inputs != 1 || got.Summary.Partial || got.Summary.Records != want.Summary.Records {
				t.Errorf("%s: %d inputs, %d records (want %d), partial %v, errors %+v", name,
					got.Summary.Inputs, got.Summary.Records, want.Summary.Records, got.Summary.Partial, got.Summary.Errors)
			}
			if g, w := incidentsText(got), incidentsText(want); g != w {
				t.Errorf("%s: incidents\n%s\nwant (from the .evtx)\n%s", name, g, w)
			}
			if g, w := fmt.Sprint(got.Summary.Servers), fmt.Sprint(want.Summary.Servers); g != w {
				t.Errorf("%s: servers %s; want %s", name, g, w)
			}
			if kind := got.Summary.Files[0].Kind; kind != "export" {
				t.Errorf("%s: read as %q", name, kind)
			}
			for _, in := range got.Incidents {
				if e := in.Evidence[0]; e.Line < 1 || e.File != path {
					t.Errorf("%s: evidence %+v does not cite the export's line", name, e)
				}
			}
		}
	}
	if incidents == 0 {
		t.Error("no fixture gave an incident: nothing was compared")
	}
}

// incidentsText renders what an export must reproduce of a scan's
// incidents, and the record ids of their evidence.
func incidentsText(res *Result) string {
	var b strings.Builder
	for _, in := range res.Incidents {
		fmt.Fprintf(&b, "%s %s count=%d %s..%s fields=%v records=", in.Pattern, in.Key, in.Count,
			in.FirstSeen.Format(time.RFC3339Nano), in.LastSeen.Format(time.RFC3339Nano), in.Fields)
		for _, e := range in.Evidence {
			fmt.Fprintf(&b, "%d,", e.Record)
		}
		b.WriteString("\n")
	}
	// An XML reader turns every CRLF into LF (XML 1.0, end-of-line
	// handling), so an export cannot carry the CR a field of the .evtx has.
	return strings.ReplaceAll(b.String(), "\r\n", "\n")
}

// The generator's exports of the .evtx fixtures (fixtures/exports, written
// by fixtures/gen from the same stories) give the incidents, counts,
// first/last times, evidence records and servers of their .evtx; the
// truncated XML and the CSV cut mid-row keep every event but the cut one
// and say where they broke.
func TestRunGeneratedExports(t *testing.T) {
	m := matcher(t)
	stopped := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	files, _ := filepath.Glob(filepath.Join(fixtures, "exports", "*", "*", "*.*"))
	if len(files) < 44 {
		t.Fatalf("%d generated exports; the generator writes 44", len(files))
	}
	incidents := 0
	for _, path := range files {
		rel, _ := filepath.Rel(filepath.Join(fixtures, "exports"), path)
		base, shape, _ := strings.Cut(filepath.Base(rel), ".")
		evtxPath := filepath.Join(fixtures, "evtx", filepath.Dir(rel), base+".evtx")
		want := Run(Config{Paths: []string{evtxPath}, Matcher: m, Now: func() time.Time { return stopped }})
		got := Run(Config{Paths: []string{path}, Matcher: m, Now: func() time.Time { return stopped }})
		s := got.Summary
		if shape == "truncated.xml" || shape == "winevent-cut.csv" {
			if s.Records != want.Summary.Records-1 || s.Lost != 1 || !s.Partial || len(s.Errors) != 1 || !strings.Contains(s.Errors[0].Message, cmp.Or(map[string]string{"winevent-cut.csv": "never closes"}[shape], "truncated")) || s.Errors[0].Line == 0 {
				t.Errorf("%s: %d records of %d, %d lost, partial %v, errors %+v", rel, s.Records, want.Summary.Records, s.Lost, s.Partial, s.Errors)
			}
			continue
		}
		incidents += len(want.Incidents)
		if s.Inputs != 1 || s.Partial || s.Records != want.Summary.Records || s.Files[0].Kind != "export" {
			t.Errorf("%s: %d inputs, %d records (want %d), partial %v, errors %+v", rel, s.Inputs, s.Records, want.Summary.Records, s.Partial, s.Errors)
		}
		// The message-only exports keep times to the second (CSV) or the
		// millisecond (text), and the text keeps no record ids.
		g, w := incidentsText(got), incidentsText(want)
		switch shape {
		case "winevent.csv":
			dropShapeOnly(want)
			g, w = incidentsAt(got, time.Second, true), incidentsAt(want, time.Second, true)
		case "wevtutil.txt":
			dropShapeOnly(want)
			g, w = incidentsAt(got, time.Second, false), incidentsAt(want, time.Second, false)
		}
		// ConvertTo-Json keeps the times to the 100 ns, as the .evtx.
		if g != w {
			t.Errorf("%s: incidents\n%s\nwant (from the .evtx)\n%s", rel, g, w)
		}
		if g, w := serversAt(got, shape), serversAt(want, shape); g != w {
			t.Errorf("%s: servers %s; want %s", rel, g, w)
		}
	}
	if incidents == 0 {
		t.Error("no fixture gave an incident: nothing was compared")
	}
}

// shapeOnly are the signatures that know an event only by the shape of its
// values (its id, names and text are unknown): a message-only export holds
// no values, so it cannot show them.
var shapeOnly = []string{"ha.lag-playdown-required-range"}

// dropShapeOnly removes the incidents with evidence of shapeOnly
// signatures: a message-only export cannot give them whole (the
// page-patching incident, which needs them, not at all).
func dropShapeOnly(res *Result) {
	res.Incidents = slices.DeleteFunc(res.Incidents, func(in patterns.Incident) bool {
		return slices.ContainsFunc(in.Evidence, func(e patterns.Evidence) bool { return slices.Contains(shapeOnly, e.Signature) })
	})
}

// incidentsAt is incidentsText with times truncated to prec, and the
// evidence's record ids only if records is set.
func incidentsAt(res *Result, prec time.Duration, records bool) string {
	var b strings.Builder
	for _, in := range res.Incidents {
		fmt.Fprintf(&b, "%s %s count=%d %s..%s fields=%v records=", in.Pattern, in.Key, in.Count,
			in.FirstSeen.Truncate(prec).Format(time.RFC3339), in.LastSeen.Truncate(prec).Format(time.RFC3339), in.Fields)
		for _, e := range in.Evidence {
			if records {
				fmt.Fprintf(&b, "%d,", e.Record)
			} else {
				b.WriteString("-,")
			}
		}
		b.WriteString("\n")
	}
	return b.String()
}

// serversAt renders the summary's servers, to the second for the
// message-only exports.
func serversAt(res *Result, shape string) string {
	if !strings.HasSuffix(shape, ".csv") && !strings.HasSuffix(shape, ".txt") {
		return fmt.Sprint(res.Summary.Servers)
	}
	var b strings.Builder
	for _, sv := range res.Summary.Servers {
		fmt.Fprintf(&b, "%s %d %s..%s; ", sv.Name, sv.Records, sv.First.Truncate(time.Second).Format(time.RFC3339), sv.Last.Truncate(time.Second).Format(time.RFC3339))
	}
	return b.String()
}
