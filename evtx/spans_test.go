package evtx

import (
	"path/filepath"
	"testing"
	"time"
)

// Every record counts in its computer's span, whether or not Want took it:
// the summary's time span per server must not depend on the prefilter.
func TestComputerSpans(t *testing.T) {
	path := filepath.Join("..", "fixtures", "evtx", "field-case", "SERVER3", "Microsoft-Exchange-HighAvailability%4Operational.evtx")
	all, err := ReadFile(path, Options{}, func(*Event) {})
	if err != nil {
		t.Fatal(err)
	}
	none, err := ReadFile(path, Options{Want: func(string, string, uint32) bool { return false }}, func(*Event) {})
	if err != nil {
		t.Fatal(err)
	}
	if len(all.Computers) != 1 || len(none.Computers) != 1 {
		t.Fatalf("computers %v and %v, want one", all.Computers, none.Computers)
	}
	for name, sp := range all.Computers {
		if name != "SERVER3.contoso.local" || sp.Records != all.Records || none.Computers[name] != sp {
			t.Errorf("%s: %+v, filtered %+v, records %d", name, sp, none.Computers[name], all.Records)
		}
		if !sp.First.Before(sp.Last) || sp.First.Year() != 2024 || sp.Last.Sub(sp.First) > 7*24*time.Hour {
			t.Errorf("span %v to %v", sp.First, sp.Last)
		}
	}
}
