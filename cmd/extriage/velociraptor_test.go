package main

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/alecthomas/kong"
	"go.yaml.in/yaml/v3"
)

// artifact is the part of a Velociraptor artifact the test reads.
type artifact struct {
	Name  string `yaml:"name"`
	Tools []struct {
		Name         string `yaml:"name"`
		URL          string `yaml:"url"`
		ServeLocally bool   `yaml:"serve_locally"`
		ExpectedHash string `yaml:"expected_hash"`
		Version      string `yaml:"version"`
	} `yaml:"tools"`
	Precondition        string   `yaml:"precondition"`
	RequiredPermissions []string `yaml:"required_permissions"`
	Parameters          []struct {
		Name    string   `yaml:"name"`
		Default string   `yaml:"default"`
		Type    string   `yaml:"type"`
		Choices []string `yaml:"choices"`
	} `yaml:"parameters"`
	Sources []struct {
		Name  string `yaml:"name"`
		Query string `yaml:"query"`
	} `yaml:"sources"`
}

const artifactPath = "../../contrib/velociraptor/Exchange.Windows.Extriage.yaml"

func readArtifact(t *testing.T) artifact {
	t.Helper()
	b, err := os.ReadFile(artifactPath)
	if err != nil {
		t.Fatal(err)
	}
	var a artifact
	if err := yaml.Unmarshal(b, &a); err != nil {
		t.Fatalf("%s is not valid YAML: %v", artifactPath, err)
	}
	return a
}

// TestVelociraptorArtifact: the artifact declares one tool per Windows
// build, and every command line it can run parses with the real CLI, for
// every format it asks for, with its defaults and with every option set.
func TestVelociraptorArtifact(t *testing.T) {
	a := readArtifact(t)
	if a.Name != "Exchange.Windows.Extriage" || len(a.Sources) != 1 {
		t.Fatalf("name %q, %d sources", a.Name, len(a.Sources))
	}
	var tools []string
	for _, tool := range a.Tools {
		tools = append(tools, tool.Name)
		if !tool.ServeLocally || (tool.URL == "") != (tool.ExpectedHash == "") {
			t.Errorf("tool %s: serve_locally %v, url %q, expected_hash %q: want served locally, and a url only with its hash",
				tool.Name, tool.ServeLocally, tool.URL, tool.ExpectedHash)
		}
	}
	query := a.Sources[0].Query
	for _, want := range []string{"Extriage_windows_amd64", "Extriage_windows_arm64"} {
		if !slices.Contains(tools, want) || !strings.Contains(query, `"`+want+`"`) {
			t.Errorf("tool %s is not both declared and fetched", want)
		}
	}
	for _, want := range []string{"Artifact.Generic.Utils.FetchBinary(", "execve(", "parse_jsonl(filename=ECSFile)", "upload(file=File"} {
		if !strings.Contains(query, want) {
			t.Errorf("the query does not use %s", want)
		}
	}
	if !slices.Contains(a.RequiredPermissions, "EXECVE") || !strings.Contains(a.Precondition, "'windows'") {
		t.Errorf("permissions %v, precondition %q", a.RequiredPermissions, a.Precondition)
	}

	params := map[string]string{}
	for _, p := range a.Parameters {
		params[p.Name] = p.Default
		if p.Name == "MinSeverity" {
			for _, c := range p.Choices {
				if _, err := parseSeverity("--min-severity", c, false); err != nil {
					t.Errorf("MinSeverity choice %q: %v", c, err)
				}
			}
		}
	}
	argv := argvTemplate(t, query)
	calls := regexp.MustCompile(`Scan\(Bin=Bin, Format="(\w+)", Output=(\w+)\)`).FindAllStringSubmatch(query, -1)
	if len(calls) < 2 {
		t.Fatalf("the query runs %d scans, want the ecs and the html one", len(calls))
	}
	folder := t.TempDir()
	for _, call := range calls {
		for _, set := range []map[string]string{{}, {"Since": "7d", "Until": "2024-02-03T09:00:00Z", "MinSeverity": "high"}} {
			vars := map[string]string{"Bin": `C:\tools\extriage.exe`, "Format": call[1], "Output": filepath.Join(folder, call[2])}
			for k, v := range params {
				vars[k] = v
			}
			for k, v := range set {
				vars[k] = v
			}
			args := evalArgv(t, argv, vars)
			if args[0] != vars["Bin"] {
				t.Fatalf("argv starts with %q, want the binary", args[0])
			}
			args = append(args[1:], folder, folder)
			var c cli
			parser, err := kong.New(&c, kong.Name("extriage"), kong.WithHyphenPrefixedParameters(true),
				kong.Exit(func(code int) { t.Fatalf("%v: kong exited with %d", args, code) }))
			if err != nil {
				t.Fatal(err)
			}
			ctx, err := parser.Parse(args)
			if err != nil {
				t.Fatalf("the artifact runs %q, which extriage refuses: %v", args, err)
			}
			if ctx.Command() != "scan <path>" || c.Scan.Format != call[1] || c.Scan.Output != vars["Output"] ||
				c.Scan.Since != set["Since"] || !slices.Equal(c.Scan.Paths, []string{folder, folder}) {
				t.Errorf("%q parsed as %s: format %q output %q since %q paths %v", args, ctx.Command(), c.Scan.Format,
					c.Scan.Output, c.Scan.Since, c.Scan.Paths)
			}
			if _, err := parseSeverity("--min-severity", c.Scan.MinSeverity, false); err != nil {
				t.Errorf("%q: %v", args, err)
			}
		}
	}
}

// argvTemplate returns the elements of the argv list the artifact builds
// (ScanArgv), before the folders are appended.
func argvTemplate(t *testing.T, query string) []string {
	t.Helper()
	m := regexp.MustCompile(`(?s)LET ScanArgv\(Bin, Format, Output\) = filter\(list=\((.*?)\)\s*\+\s*Folders\.Path, regex="\.\+"\)`).FindStringSubmatch(query)
	if m == nil {
		t.Fatal("no ScanArgv(Bin, Format, Output) = filter(list=(...) + Folders.Path, regex=\".+\") in the query")
	}
	var elems []string
	depth, start := 0, 0
	inString := false
	body := m[1]
	for i := 0; i < len(body); i++ {
		switch c := body[i]; {
		case c == '"':
			inString = !inString
		case inString:
		case c == '(':
			depth++
		case c == ')':
			depth--
		case c == ',' && depth == 0:
			elems = append(elems, strings.TrimSpace(body[start:i]))
			start = i + 1
		}
	}
	if rest := strings.TrimSpace(body[start:]); rest != "" {
		elems = append(elems, rest)
	}
	return elems
}

var (
	vqlString = regexp.MustCompile(`^"([^"]*)"$`)
	vqlName   = regexp.MustCompile(`^[A-Za-z]\w*$`)
	vqlIf     = regexp.MustCompile(`^if\(condition=(\w+), then=(.+)\)$`)
)

// evalArgv evaluates the argv elements as VQL would with vars: string
// literals, variables, and if(condition=Var, then=...), which is Null,
// and so dropped by filter(regex=".+"), when Var is empty.
func evalArgv(t *testing.T, elems []string, vars map[string]string) []string {
	t.Helper()
	var out []string
	var eval func(string) (string, bool)
	eval = func(e string) (string, bool) {
		if m := vqlString.FindStringSubmatch(e); m != nil {
			return m[1], true
		}
		if vqlName.MatchString(e) {
			v, ok := vars[e]
			if !ok {
				t.Fatalf("argv uses %s, which is neither an argument nor a parameter", e)
			}
			return v, true
		}
		if m := vqlIf.FindStringSubmatch(e); m != nil {
			if c, _ := eval(m[1]); c == "" {
				return "", false
			}
			return eval(m[2])
		}
		t.Fatalf("argv element %q is not a string, a variable or an if(): extend the test with the artifact", e)
		return "", false
	}
	for _, e := range elems {
		if v, ok := eval(e); ok && v != "" {
			out = append(out, v)
		}
	}
	return out
}
