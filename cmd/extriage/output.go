package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// reportFile is a report being written to -o FILE. It goes to a temporary
// file in FILE's folder and replaces FILE only on commit, when the report
// is complete: a scan that is interrupted or fails leaves the previous
// report (often tomorrow's --baseline) exactly as it was. The rename is
// atomic on one volume, which is why the temporary file is in the same
// folder. On Windows os.Rename replaces an existing file too (MoveFileEx
// with MOVEFILE_REPLACE_EXISTING), unless another program holds it open.
type reportFile struct {
	path string
	tmp  *os.File
	mode fs.FileMode // of the report replaced, so a rerun keeps its permissions
}

// createReport checks path and opens the temporary file, before the scan
// starts, so a long scan never ends in "cannot write".
func createReport(path string) (*reportFile, error) {
	mode := fs.FileMode(0o644)
	switch fi, err := os.Stat(path); {
	case err == nil && fi.IsDir():
		return nil, fmt.Errorf("cannot write the report to %s: it is a folder; name a file", path)
	case err == nil && fi.Mode().Perm()&0o200 == 0:
		return nil, fmt.Errorf("cannot write the report to %s: the file is read-only", path)
	case err == nil:
		mode = fi.Mode().Perm()
	case !errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("cannot write the report to %s: %w", path, err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return nil, fmt.Errorf("cannot write the report to %s: %w", path, err)
	}
	return &reportFile{path: path, tmp: tmp, mode: mode}, nil
}

func (r *reportFile) Write(p []byte) (int, error) { return r.tmp.Write(p) }

// commit makes the complete report FILE.
func (r *reportFile) commit() error {
	err := r.tmp.Sync() // on disk before the name points at it
	if cerr := r.tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(r.tmp.Name(), r.mode)
	}
	if err == nil {
		err = os.Rename(r.tmp.Name(), r.path)
	}
	if err != nil {
		os.Remove(r.tmp.Name())
		return fmt.Errorf("cannot replace %s (is it open in another program?): %w; the previous report is unchanged", r.path, err)
	}
	return nil
}

// abort drops the temporary file; FILE stays as it was. It may follow a
// commit, and then does nothing.
func (r *reportFile) abort() {
	if r.tmp.Close() == nil {
		os.Remove(r.tmp.Name())
	}
}

// stopWriter ends a report being written once stop says so (Ctrl-C while
// a large report is written): the report is then abandoned, not cut short
// on standard output without a word.
type stopWriter struct {
	w    io.Writer
	stop func() error
}

func (s stopWriter) Write(p []byte) (int, error) {
	if err := s.stop(); err != nil {
		return 0, err
	}
	return s.w.Write(p)
}
