package patterns

import "testing"

// Every take mode over three hits with the values 5, 2, 9 (in time order),
// and computed fields from the record's builtins.
func TestTakeModesAndBuiltins(t *testing.T) {
	id := uint32(7)
	cat := &Catalog{
		Signatures: []Signature{{
			ID: "t.sig", Channel: "C", Provider: "P", EventID: &id, Fields: []string{"db", "raw", "tag"},
			Computed: map[string]string{"where": "{computer_host|lower}/{channel}/{provider}/{event_id}/{record_id}/{source}/{computer}"},
			Extract:  []Extract{{Field: "n", From: "raw", Type: "int"}},
		}},
		Incidents: []Rule{{
			ID: "t.rule", Title: "{{.db}}: {{.n_first}} {{.n_min}} {{.n_max}} {{.n}} {{join .n_all \",\"}} {{.tag_max}} {{join .tags \"+\"}}",
			Severity: "info", Require: []Selector{{Signature: "t.sig"}}, Key: []string{"db"},
			Fields: []FieldSpec{
				{Name: "n_first", From: "n", Take: "first"}, {Name: "n_min", From: "n", Take: "min"},
				{Name: "n_max", From: "n", Take: "max"}, {Name: "n"}, {Name: "n_all", From: "n", Take: "union"},
				{Name: "tag_max", From: "tag", Take: "max"}, {Name: "tags", From: "tag", Take: "union"}, {Name: "where"},
			},
		}},
	}
	m, err := Compile(cat)
	if err != nil {
		t.Fatal(err)
	}
	r := func(rid uint64, at, n, tag string) Record {
		return Record{Source: "evtx", File: "f.evtx", RecordID: rid, Time: ts(at), Computer: "Host1.Example.org",
			Channel: "c", Provider: "p", EventID: 7, Values: pos("D", n, tag)}
	}
	inc := only(t, correlate(m, r(1, "2024-01-01T00:00:00Z", "5", "b"), r(2, "2024-01-01T01:00:00Z", "2", "B"),
		r(3, "2024-01-01T02:00:00Z", "9", "a"), r(4, "2024-01-01T03:00:00Z", "x", "c")), "t.rule")
	check(t, "title", inc.Title, "D: 5 2 9 9 2,5,9 c a+b+c")
	check[any](t, "where", inc.Fields["where"], "host1/c/p/7/4/evtx/Host1.Example.org")
	check(t, "count", inc.Count, 4)
}

func TestTakeErrors(t *testing.T) {
	id := uint32(7)
	sig := Signature{ID: "t.sig", Channel: "C", Provider: "P", EventID: &id, Fields: []string{"db"},
		Extract: []Extract{{Field: "l", From: "db", All: true}}}
	for _, f := range []FieldSpec{{Name: "x", From: "l", Take: "min"}, {Name: "x", From: "db", Take: "sum"},
		{Name: "x", From: "nope"}, {Name: "count"}, {Name: "x", From: "db", Signatures: []string{"other"}}} {
		_, err := Compile(&Catalog{Signatures: []Signature{sig}, Incidents: []Rule{{ID: "r", Title: "t", Severity: "low",
			Require: []Selector{{Signature: "t.sig"}}, Key: []string{"db"}, Fields: []FieldSpec{f}}}})
		if err == nil {
			t.Errorf("%+v: no error", f)
		}
	}
}
