package main

import (
	"bytes"
	"runtime/debug"
	"strings"
	"testing"
	"time"
)

func TestBuildInfo(t *testing.T) {
	vcs := []debug.BuildSetting{{Key: "vcs.revision", Value: "3c1f0a9e2b7d44aa"}, {Key: "vcs.time", Value: "2026-11-30T18:02:11Z"},
		{Key: "vcs.modified", Value: "true"}}
	tests := []struct {
		name    string
		stamped string
		info    *debug.BuildInfo
		want    string
	}{
		{"nothing known", "", nil, "dev"},
		{"local build", "", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}}, "dev"},
		{"go install at a tag", "", &debug.BuildInfo{Main: debug.Module{Version: "v1.4.0"}}, "v1.4.0"},
		{"stamped wins", "v1.5.0-rc1", &debug.BuildInfo{Main: debug.Module{Version: "v1.4.0"}}, "v1.5.0-rc1"},
		{"from a work tree", "", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: vcs},
			"dev (3c1f0a9e2b7d, 2026-11-30T18:02:11Z, modified)"},
		{"release with revision", "v1.4.0", &debug.BuildInfo{Settings: vcs[:2]}, "v1.4.0 (3c1f0a9e2b7d, 2026-11-30T18:02:11Z)"},
	}
	for _, tt := range tests {
		if got := newBuildInfo(tt.stamped, tt.info).String(); got != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
	}
}

// version and --version print the same three lines: build, Go, catalog.
func TestVersionOutput(t *testing.T) {
	build := buildInfo{Version: "v1.4.0", Revision: "3c1f0a9e2b7d44aa", Go: "go1.26.0"}
	var outs []string
	for _, args := range [][]string{{"version"}, {"--version"}, {"scan", "--version", "no/such/path"}} {
		var out, errOut bytes.Buffer
		code := runEnv(args, &env{stdout: &out, stderr: &errOut, now: time.Now, build: build})
		if code != exitClean {
			t.Errorf("%v: exit %d: %s", args, code, errOut.String())
		}
		outs = append(outs, out.String())
	}
	lines := strings.Split(strings.TrimSpace(outs[0]), "\n")
	if len(lines) != 3 || lines[0] != "extriage v1.4.0 (3c1f0a9e2b7d)" || !strings.HasPrefix(lines[1], "go1.26.0 ") ||
		!strings.HasPrefix(lines[2], "catalog ") || !strings.Contains(lines[2], " files), SHA-256 ") {
		t.Errorf("version printed:\n%s", outs[0])
	}
	for _, o := range outs[1:] {
		if o != outs[0] {
			t.Errorf("--version printed\n%s\nbut version printed\n%s", o, outs[0])
		}
	}
	var out, errOut bytes.Buffer
	runEnv([]string{"version", "--patterns", "../../patterns/catalog"}, &env{stdout: &out, stderr: &errOut, build: build})
	if !strings.Contains(out.String(), "(4 files)") {
		t.Errorf("version --patterns with the two built-in files again: %s%s", out.String(), errOut.String())
	}
}
