package patterns

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

//go:embed catalog/*.yaml
var builtinFS embed.FS

// catalogFile is the shape of one YAML file. Disable is honoured only in
// user files: the builtin catalog has no reason to disable itself.
type catalogFile struct {
	Signatures []Signature         `yaml:"signatures"`
	Incidents  []Rule              `yaml:"incidents"`
	Lists      map[string][]string `yaml:"lists"`
	Disable    []string            `yaml:"disable"`
	Tests      []TestCase          `yaml:"tests"`
}

// Load returns the builtin catalog merged with the *.yaml and *.yml files of
// each extra directory, in order, and validated as Compile would.
//
// Within one layer (the builtin catalog, or one directory) an id may be
// defined once; a later layer replaces an entry of the same id whole.
// Ids listed under disable: are removed after merging. Every error names the
// file and the entry.
func Load(extraDirs ...string) (*Catalog, error) {
	m := newMerger()
	if err := m.layer(builtinFS, "catalog", "catalog/", "", 0); err != nil {
		return nil, err
	}
	for i, dir := range extraDirs {
		if err := m.layer(os.DirFS(dir), ".", dir+string(filepath.Separator), dir, i+1); err != nil {
			return nil, err
		}
	}
	cat, err := m.catalog()
	if err != nil {
		return nil, err
	}
	if _, err := Compile(cat); err != nil {
		return nil, err
	}
	return cat, nil
}

// merger accumulates layers, keeping first-definition order so that the
// merged catalog, and so error messages and output, are deterministic.
type merger struct {
	sigs     map[string]Signature
	sigOrder []string
	rules    map[string]Rule
	ruleOrd  []string
	disable  map[string]string // id -> file that disabled it
	tests    []TestCase
	files    []PatternFile // every file read, for the catalog's Version
	lists    map[string][]string
}

func newMerger() *merger {
	return &merger{sigs: map[string]Signature{}, rules: map[string]Rule{}, disable: map[string]string{}, lists: map[string][]string{}}
}

// layer reads every YAML file of dir in fsys; label prefixes file names in
// errors; disk is the folder on disk ("" for the embedded catalog), which
// tests read their fixture files from; n numbers the layer for the
// Version. Ids may repeat across layers (override) but not within one.
func (m *merger) layer(fsys fs.FS, dir, label, disk string, n int) error {
	names, err := yamlFiles(fsys, dir)
	if err != nil {
		return fmt.Errorf("patterns: %s: %w", label, err)
	}
	seen := map[string]string{} // "kind id" -> file, within this layer
	var errs []error
	for _, name := range names {
		file := label + name
		data, err := fs.ReadFile(fsys, path.Join(dir, name))
		if err != nil {
			errs = append(errs, fmt.Errorf("patterns: %s: %w", file, err))
			continue
		}
		m.files = append(m.files, PatternFile{Layer: n, Name: name, Data: data})
		cf, err := parseFile(data, file)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		for i := range cf.Tests {
			cf.Tests[i].Dir = disk
		}
		errs = append(errs, m.add(cf, file, seen)...)
	}
	return errors.Join(errs...)
}

func yamlFiles(fsys fs.FS, dir string) ([]string, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, e := range entries {
		ext := strings.ToLower(path.Ext(e.Name()))
		if !e.IsDir() && (ext == ".yaml" || ext == ".yml") {
			names = append(names, e.Name())
		}
	}
	slices.Sort(names)
	return names, nil
}

// parseFile decodes strictly: an unknown key is far more often a typo than
// an intent, and silently ignoring it would disable part of a pattern.
// It decodes twice: into the types, strictly, and into nodes, for the line
// and the text of each entry.
func parseFile(data []byte, file string) (catalogFile, error) {
	var cf catalogFile
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&cf); err != nil && !errors.Is(err, io.EOF) {
		return cf, yamlErr(file, err)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return cf, yamlErr(file, err)
	}
	locate(&doc, &cf)
	return cf, nil
}

// locate sets the line and node of every entry from the document's nodes.
func locate(doc *yaml.Node, cf *catalogFile) {
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return
	}
	top := doc.Content[0]
	for i := 0; i+1 < len(top.Content); i += 2 {
		items := top.Content[i+1]
		if items.Kind != yaml.SequenceNode {
			continue
		}
		for j, n := range items.Content {
			w := Where{Line: n.Line, Node: n}
			switch top.Content[i].Value {
			case "signatures":
				if j < len(cf.Signatures) {
					cf.Signatures[j].Where = w
				}
			case "incidents":
				if j < len(cf.Incidents) {
					cf.Incidents[j].Where = w
				}
			case "tests":
				if j < len(cf.Tests) {
					cf.Tests[j].Where = w
				}
			}
		}
	}
}

// yamlLine finds the "line N: " the YAML decoder starts its messages with.
var yamlLine = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)

// yamlErr restates a decoder error as one "file:line: message" per
// problem, the form editors and terminals turn into links.
func yamlErr(file string, err error) error {
	var errs []error
	for _, l := range strings.Split(strings.TrimPrefix(err.Error(), "yaml: unmarshal errors:"), "\n") {
		if l = strings.TrimSpace(l); l == "" {
			continue
		}
		if m := yamlLine.FindStringSubmatch(l); m != nil {
			errs = append(errs, fmt.Errorf("patterns: %s:%s: %s", file, m[1], m[2]))
		} else {
			errs = append(errs, fmt.Errorf("patterns: %s: %s", file, strings.TrimPrefix(l, "yaml: ")))
		}
	}
	return errors.Join(errs...)
}

func (m *merger) add(cf catalogFile, file string, seen map[string]string) []error {
	var errs []error
	for i, s := range cf.Signatures {
		s.Origin = file
		if err := checkID(seen, "signature", s.ID, i, s.Where); err != nil {
			errs = append(errs, err)
			continue
		}
		if _, ok := m.sigs[s.ID]; !ok {
			m.sigOrder = append(m.sigOrder, s.ID)
		}
		m.sigs[s.ID] = s
	}
	for i, r := range cf.Incidents {
		r.Origin = file
		if err := checkID(seen, "incident", r.ID, i, r.Where); err != nil {
			errs = append(errs, err)
			continue
		}
		if _, ok := m.rules[r.ID]; !ok {
			m.ruleOrd = append(m.ruleOrd, r.ID)
		}
		m.rules[r.ID] = r
	}
	for _, name := range sortedKeys(cf.Lists) {
		// A later layer replaces a list whole, as it replaces an entry.
		if err := checkID(seen, "list", name, 0, Where{Origin: file}); err != nil {
			errs = append(errs, err)
			continue
		}
		m.lists[name] = cf.Lists[name]
	}
	for _, id := range cf.Disable {
		m.disable[id] = file
	}
	for _, tc := range cf.Tests {
		tc.Origin = file
		m.tests = append(m.tests, tc)
	}
	return errs
}

func checkID(seen map[string]string, kind, id string, i int, w Where) error {
	file := w.Origin
	if strings.TrimSpace(id) == "" {
		return fmt.Errorf("patterns: %s: %s #%d: missing id", w.Pos(), kind, i+1)
	}
	k := kind + " " + id
	if prev, dup := seen[k]; dup {
		if prev == file {
			return fmt.Errorf("patterns: %s: %s %q: duplicate id in the same file", w.Pos(), kind, id)
		}
		return fmt.Errorf("patterns: %s: %s %q: already defined in %s (one layer may define an id once)", w.Pos(), kind, id, prev)
	}
	seen[k] = file
	return nil
}

// catalog applies disable: and returns the merged catalog. Disabling an id
// nobody defines is an error: it is almost always a typo.
func (m *merger) catalog() (*Catalog, error) {
	var errs []error
	for _, id := range sortedKeys(m.disable) {
		_, s := m.sigs[id]
		_, r := m.rules[id]
		if !s && !r {
			errs = append(errs, fmt.Errorf("patterns: %s: disable %q: no signature or incident has this id", m.disable[id], id))
		}
	}
	errs = append(errs, m.stillUsed()...)
	cat := &Catalog{Tests: m.tests, Disabled: sortedKeys(m.disable), Version: HashFiles(m.files), Lists: m.lists}
	for _, id := range m.sigOrder {
		if _, off := m.disable[id]; !off {
			cat.Signatures = append(cat.Signatures, m.sigs[id])
		}
	}
	for _, id := range m.ruleOrd {
		if _, off := m.disable[id]; !off {
			cat.Incidents = append(cat.Incidents, m.rules[id])
		}
	}
	return cat, errors.Join(errs...)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// stillUsed reports disabled signatures that an enabled incident needs, so
// the error points at the disable line rather than at a builtin incident
// the user never touched.
func (m *merger) stillUsed() []error {
	var errs []error
	for _, rid := range m.ruleOrd {
		if _, off := m.disable[rid]; off {
			continue
		}
		r := m.rules[rid]
		for _, sel := range slices.Concat(r.Require, r.RequireAny, r.Signatures, r.UnlessSeen) {
			if file, off := m.disable[sel.Signature]; off && m.sigs[sel.Signature].ID != "" {
				errs = append(errs, fmt.Errorf("patterns: %s: disable %q: incident %q (%s) still uses it; disable that incident too",
					file, sel.Signature, rid, r.Origin))
			}
		}
	}
	return errs
}
