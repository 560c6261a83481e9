package patterns

import (
	"os"
	"path/filepath"
	"testing"
)

// The catalog version counts the files loaded and changes with any byte of
// them, with their names or with their order, but not with where a
// --patterns folder lives.
func TestCatalogVersion(t *testing.T) {
	builtin, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	names, err := yamlFiles(builtinFS, "catalog")
	if err != nil {
		t.Fatal(err)
	}
	if builtin.Version.Files != len(names) || len(builtin.Version.Hash) != 64 {
		t.Errorf("built-in catalog version %+v, want %d files and a SHA-256", builtin.Version, len(names))
	}
	site := writeDir(t, map[string]string{"site.yaml": userCatalog})
	moved := filepath.Join(t.TempDir(), "elsewhere")
	if err := os.CopyFS(moved, os.DirFS(site)); err != nil {
		t.Fatal(err)
	}
	edited := writeDir(t, map[string]string{"site.yaml": userCatalog + "\n# a comment\n"})
	renamed := writeDir(t, map[string]string{"other.yaml": userCatalog})
	load := func(dirs ...string) Version {
		t.Helper()
		cat, err := Load(dirs...)
		if err != nil {
			t.Fatal(err)
		}
		return cat.Version
	}
	withSite := load(site)
	if withSite.Files != builtin.Version.Files+1 {
		t.Errorf("with one extra file: %d files, want %d", withSite.Files, builtin.Version.Files+1)
	}
	if load(moved) != withSite {
		t.Error("the same files in another folder give another version")
	}
	for name, v := range map[string]Version{"built-in only": builtin.Version, "edited": load(edited), "renamed": load(renamed)} {
		if v.Hash == withSite.Hash {
			t.Errorf("%s: same hash as the catalog with site.yaml", name)
		}
	}
}

func TestHashFilesFields(t *testing.T) {
	a := HashFiles([]PatternFile{{Name: "ab", Data: []byte("c")}})
	b := HashFiles([]PatternFile{{Name: "a", Data: []byte("bc")}})
	c := HashFiles([]PatternFile{{Layer: 1, Name: "ab", Data: []byte("c")}})
	if a.Hash == b.Hash || a.Hash == c.Hash {
		t.Errorf("moving bytes between fields or layers keeps the hash: %s %s %s", a.Hash, b.Hash, c.Hash)
	}
	if got := a.String(); len(got) != len("123456789012 (1 file)") {
		t.Errorf("String() = %q", got)
	}
}
