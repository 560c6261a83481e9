package main

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/extriage/extriage/patterns"
)

const (
	readme     = "../../README.md"
	tableBegin = "<!-- BEGIN catalog table: generated, do not edit -->\n"
	tableEnd   = "<!-- END catalog table -->"
)

// README.md's catalog table is generated from the catalog; this test fails
// when they differ, and -update rewrites the table. The prose table above
// it must name exactly the catalog's incidents, with their severities.
func TestReadmeCatalogTable(t *testing.T) {
	data, err := os.ReadFile(readme)
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	start, end := strings.Index(text, tableBegin), strings.Index(text, tableEnd)
	if start < 0 || end < start {
		t.Fatalf("README.md lacks the markers %q and %q", tableBegin, tableEnd)
	}
	start += len(tableBegin)
	cat, err := patterns.Load()
	if err != nil {
		t.Fatal(err)
	}
	want := markdownEntries(patterns.Entries(cat))
	if got := text[start:end]; got != want {
		if *update {
			if err := os.WriteFile(readme, []byte(text[:start]+want+text[end:]), 0o644); err != nil {
				t.Fatal(err)
			}
			return
		}
		t.Errorf("README.md's catalog table differs from the catalog (run go test ./cmd/extriage -update):\n got:\n%s\nwant:\n%s", got, want)
	}
	prose := regexp.MustCompile("(?m)^\\| `([a-z0-9.-]+)` \\| (info|low|medium|high|critical) \\| [^|]*[a-z ]{12}")
	var named, catalog []string
	for _, m := range prose.FindAllStringSubmatch(text[:start], -1) {
		named = append(named, m[1]+" "+m[2])
	}
	for _, r := range cat.Incidents {
		catalog = append(catalog, r.ID+" "+strings.ToLower(r.Severity))
	}
	slices.Sort(named)
	slices.Sort(catalog)
	if !slices.Equal(named, catalog) {
		t.Errorf("README.md's table of what the patterns mean names %v; the catalog has %v", named, catalog)
	}
}
