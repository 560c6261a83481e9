package patterns

import (
	"io/fs"
	"testing"
)

// FuzzParseCatalog feeds arbitrary YAML to the catalog parser and, when it
// parses and compiles, to the test runner: a user's pattern folder must
// never crash extriage, whatever it holds.
func FuzzParseCatalog(f *testing.F) {
	files, _ := fs.Glob(builtinFS, "catalog/*.yaml")
	for _, name := range files {
		data, err := fs.ReadFile(builtinFS, name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("tests:\n  - {name: n, pattern: p, expect: none, records: [{values: {a: b}}, {columns: {status: x}}]}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		cf, err := parseFile(data, "f.yaml")
		if err != nil {
			return
		}
		m := newMerger()
		if errs := m.add(cf, "f.yaml", map[string]string{}); len(errs) > 0 {
			return
		}
		cat, err := m.catalog()
		if err != nil {
			return
		}
		if _, err := RunTests(cat, TestOptions{}); err == nil {
			_ = Coverage(cat)
		}
	})
}
