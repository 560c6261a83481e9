package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"time"

	"github.com/alecthomas/kong"
	"github.com/extriage/extriage/patterns"
)

// Exit codes, documented in README.md. They are decided here only.
const (
	exitClean     = 0 // scanned everything, no incident
	exitIncidents = 1 // scanned everything, incidents found
	exitError     = 2 // bad arguments, or nothing could be scanned
	exitPartial   = 3 // some input damaged or unreadable; the rest was scanned

	exitInterrupted = 130 // stopped by Ctrl-C (SIGINT): no report written
	exitTerminated  = 143 // stopped by SIGTERM: no report written
)

// cli is the command line grammar.
type cli struct {
	Scan     scanCmd     `cmd:"" help:"Scan event logs (.evtx) and message-trace or tracking exports for known Exchange failure signatures and explain the incidents found."`
	Merge    mergeCmd    `cmd:"" help:"Merge JSON reports of many servers or nights into one report, in any format: the incidents of one problem seen from several servers become one, and the summaries add up."`
	Version  versionCmd  `cmd:"" help:"Print the version of extriage, the Go version it was built with, and the version of its pattern catalog."`
	Patterns patternsCmd `cmd:"" help:"List, show, test and lint the pattern catalog (built-in, and folders of your own)."`
	Events   eventsCmd   `cmd:"" help:"List the normalised records of the inputs, filtered, or count them (--stats): the raw values a pattern reads."`

	VersionFlag versionFlag `name:"version" help:"Print the version and exit (the same as the version command)."`
}

// exitStatus carries a command's exit code out of kong.
type exitStatus int

func (e exitStatus) Error() string { return fmt.Sprintf("exit status %d", int(e)) }

// run parses args, runs the command and returns the process exit code.
func run(args []string, stdout, stderr io.Writer) int {
	return runEnv(args, &env{stdin: os.Stdin, stdout: stdout, stderr: stderr, now: time.Now, build: readBuildInfo()})
}

// runEnv is run with the standard streams and the clock given, as tests
// give them.
func runEnv(args []string, e *env) (code int) {
	e.args = append([]string{"extriage"}, args...)
	defer func() {
		// A bug must not hide behind a Go stack trace: say what happened.
		if r := recover(); r != nil {
			fmt.Fprintf(e.stderr, "extriage: internal error: %v\nPlease report this with the command you ran.\n%s", r, debug.Stack())
			code = exitError
		}
	}()
	var c cli
	exited := -1
	parser, err := kong.New(&c,
		kong.Name("extriage"),
		kong.Description("Explain Exchange incidents from exported event logs (.evtx) and message traces."),
		kong.Writers(e.stdout, e.stderr),
		kong.Exit(func(code int) { exited = code; panic(exitStatus(code)) }),
		kong.UsageOnError(),
		// "--timezone -05:00" is how admins write a zone west of UTC.
		kong.WithHyphenPrefixedParameters(true),
		kong.Bind(e),
	)
	if err != nil {
		fmt.Fprintf(e.stderr, "extriage: %v\n", err)
		return exitError
	}
	ctx, err := parseArgs(parser, args, &exited)
	if exited >= 0 {
		return exitCodeForKong(exited)
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "extriage: %v\n", err)
		return exitError
	}
	err = ctx.Run()
	var st exitStatus
	switch {
	case errors.As(err, &st):
		return int(st)
	case err != nil:
		fmt.Fprintf(e.stderr, "extriage: %v\n", err)
		return exitError
	}
	return exitClean
}

// parseArgs runs kong's parser, turning its exit (for --help, or a usage
// error it has already printed) back into a return.
func parseArgs(p *kong.Kong, args []string, exited *int) (ctx *kong.Context, err error) {
	defer func() {
		if r := recover(); r != nil {
			if _, ok := r.(exitStatus); !ok {
				panic(r)
			}
		}
	}()
	if len(args) == 0 {
		args = []string{"--help"}
	}
	return p.Parse(args)
}

// exitCodeForKong maps kong's exits: help is success, its usage error code
// (80) is our usage error.
func exitCodeForKong(code int) int {
	if code == 0 {
		return exitClean
	}
	return exitError
}

// env is what commands get besides their flags: the standard streams and
// the clock, which golden tests stop so reports compare byte for byte.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	now            func() time.Time
	build          buildInfo // the version reports state; fixed in golden tests
	args           []string  // the command line, as reports state it
	// catalog, when set, is the catalog version reports state, fixed in
	// golden tests so that a change to the catalog's files alone does not
	// change every golden report.
	catalog *patterns.Version
}

// catalogVersion is the version reports state for the catalog loaded.
func (e *env) catalogVersion(loaded patterns.Version) patterns.Version {
	if e.catalog != nil {
		return *e.catalog
	}
	return loaded
}

// loadCatalog loads the built-in catalog and the user's folders and
// compiles it, as every command that matches records needs.
func loadCatalog(dirs ...string) (*patterns.Catalog, *patterns.Matcher, error) {
	cat, err := patterns.Load(dirs...)
	if err != nil {
		return nil, nil, err
	}
	m, err := patterns.Compile(cat)
	if err != nil {
		return nil, nil, err
	}
	return cat, m, nil
}
