//go:build unix

package input

import (
	"archive/zip"
	"bytes"
	"hash/crc32"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
)

// TestFolderLinksAndSpecialFiles: in a folder, symbolic links are followed
// to files and folders, each file is read once however many links lead to
// it, a link back up is a loop (skipped, with the reason), a link to
// nothing is skipped with the reason, and a named pipe is listed as
// skipped instead of ignored.
func TestFolderLinksAndSpecialFiles(t *testing.T) {
	root := t.TempDir()
	logs := filepath.Join(root, "logs")
	writeFile(t, logs, "SERVER1/System.evtx", evtxFile(t))
	other := t.TempDir()
	writeFile(t, other, "SERVER2/Application.evtx", evtxFile(t))
	links := map[string]string{
		"logs/linked-file.evtx": filepath.Join(other, "SERVER2", "Application.evtx"),
		"logs/linked-folder":    other,
		"logs/again":            filepath.Join(other, "SERVER2"), // reached through linked-folder too
		"logs/loop":             logs,
		"logs/dangling.evtx":    filepath.Join(root, "missing.evtx"),
	}
	for name, target := range links {
		if err := os.Symlink(target, filepath.Join(root, filepath.FromSlash(name))); err != nil {
			t.Skipf("cannot make symbolic links here: %v", err)
		}
	}
	if err := syscall.Mkfifo(filepath.Join(logs, "pipe.evtx"), 0o644); err != nil {
		t.Fatalf("mkfifo: %v", err)
	}
	x := Expand([]string{logs}, Options{})
	var names []string
	for _, in := range x.Inputs {
		names = append(names, strings.TrimPrefix(in.Name, logs+string(filepath.Separator)))
	}
	// The linked file is one file: it is read once, under the first name
	// the walk meets it by (again/ sorts before linked-file.evtx).
	want := []string{filepath.Join("SERVER1", "System.evtx"), filepath.Join("again", "Application.evtx")}
	if !slices.Equal(names, want) || len(x.Errors) != 0 {
		t.Errorf("inputs %v, want %v; errors %v", names, want, x.Errors)
	}
	reasons := map[string]string{}
	for _, s := range x.Skipped {
		reasons[filepath.Base(s.Name)] = s.Reason
	}
	for name, says := range map[string]string{
		"loop":          "a loop",
		"dangling.evtx": "which cannot be read (no such file or folder)",
		"pipe.evtx":     "a named pipe (FIFO)",
	} {
		if !strings.Contains(reasons[name], says) {
			t.Errorf("%s: skipped as %q, want it to say %q (all: %v)", name, reasons[name], says, x.Skipped)
		}
	}
}

// TestUnreadableExport: a file in a folder whose name says it is an export
// but which holds binary data is damage; a README or a script beside it,
// and a plain-text file or an empty export, are quiet skips.
func TestUnreadableExport(t *testing.T) {
	dir := t.TempDir()
	junk := bytes.Repeat([]byte{0x00, 0xff, 0x13, 0x37}, 256)
	for name, data := range map[string][]byte{
		"MSGTRK2024020310-1.LOG": junk,
		"Security.evtx":          junk,
		"README":                 junk,
		"collect.ps1":            []byte("Get-WinEvent -ListLog *\r\n"),
		"notes.txt":              []byte("copied from EX01 on Monday\n"),
		"empty.csv":              nil,
	} {
		writeFile(t, dir, name, data)
	}
	x := Expand([]string{dir}, Options{})
	var damaged []string
	for _, e := range x.Errors {
		damaged = append(damaged, filepath.Base(e.Name))
		if !strings.Contains(e.Error(), "its name says it is an export") {
			t.Errorf("%s: %v", e.Name, e)
		}
	}
	if want := []string{"MSGTRK2024020310-1.LOG", "Security.evtx"}; !slices.Equal(damaged, want) || len(x.Skipped) != 4 {
		t.Errorf("damage %v, want %v; skipped %v", damaged, want, x.Skipped)
	}
}

// TestExclude: the report being written is never an input, even in a
// folder being scanned.
func TestExclude(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "System.evtx", evtxFile(t))
	report := writeFile(t, dir, "report.evtx", evtxFile(t)) // as if a report had that content
	x := Expand([]string{dir}, Options{Exclude: []string{report}})
	if len(x.Inputs) != 1 || filepath.Base(x.Inputs[0].Name) != "System.evtx" {
		t.Errorf("inputs %+v", x.Inputs)
	}
}

// TestMemberPastDeclaredSize: a zip member that decompresses to more than
// the archive says is stopped there, and the error says so.
func TestMemberPastDeclaredSize(t *testing.T) {
	data := evtxFile(t)
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.CreateRaw(&zip.FileHeader{Name: "System.evtx", Method: zip.Store, CRC32: crc32.ChecksumIEEE(data),
		CompressedSize64: uint64(len(data)), UncompressedSize64: 8192})
	if err != nil {
		t.Fatal(err)
	}
	w.Write(data)
	zw.Close()
	path := writeFile(t, t.TempDir(), "logs.zip", buf.Bytes())
	x := Expand([]string{path}, Options{})
	if len(x.Inputs) != 1 {
		t.Fatalf("inputs %+v, errors %v", x.Inputs, x.Errors)
	}
	got, err := readAll(x.Inputs[0])
	if err == nil || !strings.Contains(err.Error(), "decompresses to more than the 8 KiB the archive declares for it") || len(got) > 8192 {
		t.Errorf("read %d bytes, error %v", len(got), err)
	}
}
