package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

// signalCause is why a scan's context was cancelled: the signal received.
type signalCause struct{ sig os.Signal }

func (c signalCause) Error() string {
	if c.sig == syscall.SIGTERM {
		return "stopped by SIGTERM"
	}
	return "stopped by Ctrl-C (SIGINT)"
}

// exitCode is the shell's convention, 128 + the signal number, so a
// script sees the same code as for a program the signal killed: 130 for
// Ctrl-C (SIGINT), 143 for SIGTERM.
func (c signalCause) exitCode() int {
	if c.sig == syscall.SIGTERM {
		return exitTerminated
	}
	return exitInterrupted
}

// stopOnSignal returns a context that is cancelled, with a signalCause, by
// the first Ctrl-C or SIGTERM. After that first signal the handler is
// removed, so a second Ctrl-C kills the process as usual, should stopping
// ever hang. stop releases the handler.
func stopOnSignal() (ctx context.Context, stop func()) {
	ctx, cancel := context.WithCancelCause(context.Background())
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	quit := make(chan struct{})
	go func() {
		select {
		case sig := <-sigs:
			signal.Stop(sigs)
			cancel(signalCause{sig})
		case <-quit:
		}
	}()
	return ctx, func() {
		signal.Stop(sigs)
		close(quit)
		cancel(nil)
	}
}

// interrupted is the end of a command a signal stopped: say that no report
// was written (and that the old one is intact), and exit as the signal
// asks.
func interrupted(ctx context.Context, e *env, output string) error {
	cause, ok := context.Cause(ctx).(signalCause)
	if !ok {
		cause = signalCause{os.Interrupt}
	}
	kept := ""
	if output != "" && output != "-" {
		kept = fmt.Sprintf("; %s was left as it was", output)
	}
	fmt.Fprintf(e.stderr, "extriage: %v: no report was written%s\n", cause, kept)
	return exitStatus(cause.exitCode())
}
