package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"time"

	"github.com/alecthomas/kong"
)

// Exit codes, documented in README.md. They are decided here only.
const (
	exitClean     = 0 // scanned everything, no incident
	exitIncidents = 1 // scanned everything, incidents found
	exitError     = 2 // bad arguments, or nothing could be scanned
	exitPartial   = 3 // some input damaged or unreadable; the rest was scanned
)

// cli is the command line grammar.
type cli struct {
	Scan    scanCmd    `cmd:"" help:"Scan event logs (.evtx) and message-trace or tracking exports for known Exchange failure signatures and explain the incidents found."`
	Version versionCmd `cmd:"" help:"Print the version of extriage and of its pattern catalog."`
}

// exitStatus carries a command's exit code out of kong.
type exitStatus int

func (e exitStatus) Error() string { return fmt.Sprintf("exit status %d", int(e)) }

// run parses args, runs the command and returns the process exit code.
func run(args []string, stdout, stderr io.Writer) int {
	return runEnv(args, &env{stdin: os.Stdin, stdout: stdout, stderr: stderr, now: time.Now})
}

// runEnv is run with the standard streams and the clock given, as tests
// give them.
func runEnv(args []string, e *env) (code int) {
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
}

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

type versionCmd struct{}

func (versionCmd) Run(e *env) error {
	v := version
	if info, ok := debug.ReadBuildInfo(); ok && v == "dev" && info.Main.Version != "" && info.Main.Version != "(devel)" {
		v = info.Main.Version
	}
	fmt.Fprintf(e.stdout, "extriage %s\n", v)
	return nil
}
