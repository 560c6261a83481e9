package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// TestFleetDocExamples: every JSON example in docs/fleet.md is a line of
// the ecs or timesketch golden file, so the documentation shows what
// extriage writes, not what it once wrote.
func TestFleetDocExamples(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join("..", "..", "docs", "fleet.md"))
	if err != nil {
		t.Fatal(err)
	}
	var lines []any
	for _, golden := range []string{"fixtures.ecs", "fixtures.timesketch"} {
		b, err := os.ReadFile(filepath.Join("testdata", golden))
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range strings.Split(strings.TrimSpace(string(b)), "\n") {
			var v any
			if err := json.Unmarshal([]byte(l), &v); err != nil {
				t.Fatalf("%s: %v", golden, err)
			}
			lines = append(lines, v)
		}
	}
	blocks := strings.Split(string(doc), "```json\n")[1:]
	if len(blocks) < 2 {
		t.Fatalf("docs/fleet.md has %d JSON examples, want one per fleet format", len(blocks))
	}
	for i, b := range blocks {
		text, _, _ := strings.Cut(b, "```")
		var v any
		if err := json.Unmarshal([]byte(text), &v); err != nil {
			t.Fatalf("example %d does not parse: %v", i+1, err)
		}
		found := false
		for _, l := range lines {
			found = found || reflect.DeepEqual(v, l)
		}
		if !found {
			t.Errorf("example %d of docs/fleet.md is no line of the golden files: copy it again from them", i+1)
		}
	}
}
