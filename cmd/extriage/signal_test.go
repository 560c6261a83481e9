//go:build unix

package main

import (
	"bytes"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// A scan stopped by Ctrl-C or SIGTERM while it reads leaves the previous
// report byte for byte as it was, leaves no temporary file, and exits 130
// or 143. The scan reads a tracking log from a pipe that the test holds
// open, so it is still running whenever the signal comes.
func TestInterruptKeepsReport(t *testing.T) {
	log, err := os.ReadFile(filepath.Join(fixtures, "trace", "af-tracking-log", "MSGTRK2024020309-1.LOG"))
	if err != nil {
		t.Fatal(err)
	}
	i := bytes.Index(log, []byte("\n2024-")) + 1 // the rows after the header
	header, rows := log[:i], log[i:]
	for _, tt := range []struct {
		sig  syscall.Signal
		code int
	}{{syscall.SIGINT, exitInterrupted}, {syscall.SIGTERM, exitTerminated}} {
		t.Run(tt.sig.String(), func(t *testing.T) {
			dir := t.TempDir()
			report := filepath.Join(dir, "report.json")
			var out, errOut bytes.Buffer
			if code := run([]string{"scan", "-o", report, filepath.Join(fixtures, "evtx", "field-case")}, &out, &errOut); code != exitIncidents {
				t.Fatalf("writing the first report: exit %d: %s", code, errOut.String())
			}
			before, err := os.ReadFile(report)
			if err != nil {
				t.Fatal(err)
			}
			cmd := exec.Command(os.Args[0], "scan", "-o", report, "-")
			cmd.Env = append(os.Environ(), runMainEnv+"=1")
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			stdin, err := cmd.StdinPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			defer stdin.Close()
			// A pipe holds 64 KiB: once 1 MiB is written, the scan has read
			// most of it, so it has passed the point where it listens for
			// signals, and it now waits for more.
			written, err := writeRows(stdin, header, rows, 1<<20)
			if err != nil {
				cmd.Process.Kill()
				cmd.Wait()
				t.Fatalf("the scan stopped reading after %d bytes: %v; stderr: %s", written, err, stderr.String())
			}
			if err := cmd.Process.Signal(tt.sig); err != nil {
				t.Fatal(err)
			}
			cmd.Wait()
			if got := cmd.ProcessState.ExitCode(); got != tt.code {
				t.Errorf("exit %d, want %d; stderr: %s", got, tt.code, stderr.String())
			}
			if !strings.Contains(stderr.String(), "report.json was left as it was") {
				t.Errorf("stderr does not say the report was kept: %s", stderr.String())
			}
			after, err := os.ReadFile(report)
			if err != nil || !bytes.Equal(before, after) {
				t.Errorf("the report changed (%v): %d bytes before, %d after", err, len(before), len(after))
			}
			if entries, _ := os.ReadDir(dir); len(entries) != 1 {
				t.Errorf("the folder holds %d files, want the report alone: %v", len(entries), entries)
			}
		})
	}
}

// writeRows writes header, then rows again and again until at least n
// bytes are written.
func writeRows(w io.Writer, header, rows []byte, n int) (int, error) {
	written, err := w.Write(header)
	for err == nil && written < n {
		var k int
		k, err = w.Write(rows)
		written += k
	}
	return written, err
}
