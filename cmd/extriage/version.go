package main

import (
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/alecthomas/kong"
	"github.com/extriage/extriage/patterns"
	"github.com/extriage/extriage/report"
)

// version is the release version, set when building a release:
//
//	go build -ldflags "-X main.version=v1.4.0" ./cmd/extriage
//
// Left empty, the module version Go records in the binary is used
// (go install ...@v1.4.0), else "dev". The name stays main.version: a -X
// naming a variable that does not exist is silently ignored, so renaming it
// would quietly unstamp every release script that sets it.
var version string

// buildInfo is what a binary knows about how it was built; reports carry
// it so a result can be traced to the code that produced it.
type buildInfo struct {
	Version  string `json:"version"`
	Revision string `json:"revision,omitempty"` // VCS commit
	Time     string `json:"time,omitempty"`     // VCS commit time, RFC 3339
	Modified bool   `json:"modified,omitempty"` // built from a work tree with uncommitted changes
	Go       string `json:"go"`
}

// readBuildInfo reads the version stamped with -ldflags and the module and
// VCS details the Go toolchain records in every binary.
func readBuildInfo() buildInfo {
	info, _ := debug.ReadBuildInfo()
	return newBuildInfo(version, info)
}

// newBuildInfo prefers stamped, the -ldflags version, over what info (nil
// when the binary has none) records.
func newBuildInfo(stamped string, info *debug.BuildInfo) buildInfo {
	b := buildInfo{Version: stamped, Go: runtime.Version()}
	if info == nil {
		return b.orDev()
	}
	if b.Version == "" && info.Main.Version != "(devel)" {
		b.Version = info.Main.Version
	}
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			b.Revision = s.Value
		case "vcs.time":
			b.Time = s.Value
		case "vcs.modified":
			b.Modified = s.Value == "true"
		}
	}
	return b.orDev()
}

// tool is the build as reports state it.
func (b buildInfo) tool() report.Tool {
	return report.Tool{Version: b.Version, Revision: b.Revision, Time: b.Time, Modified: b.Modified, Go: b.Go}
}

func (b buildInfo) orDev() buildInfo {
	if b.Version == "" {
		b.Version = "dev"
	}
	return b
}

// String is the version on one line: "v1.4.0 (3c1f0a9e2b7d, 2026-11-30T18:02:11Z, modified)".
func (b buildInfo) String() string { return b.tool().String() }

type versionCmd struct {
	Patterns []string `placeholder:"DIR" help:"Also load these pattern folders, as scan --patterns does, and print the version of the catalog they make."`
}

func (v versionCmd) Run(e *env) error {
	return printVersion(e, v.Patterns)
}

// versionFlag is --version, the same as the version command.
type versionFlag bool

// BeforeApply prints the version as soon as --version is parsed, whatever
// else the command line holds, and stops.
func (versionFlag) BeforeApply(app *kong.Kong, e *env) error {
	if err := printVersion(e, nil); err != nil {
		return err
	}
	app.Exit(exitClean)
	return nil
}

func printVersion(e *env, dirs []string) error {
	cat, err := patterns.Load(dirs...)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "extriage %s\n%s %s/%s\ncatalog %s, SHA-256 %s\n",
		e.build, e.build.Go, runtime.GOOS, runtime.GOARCH, cat.Version, cat.Version.Hash)
	return nil
}
