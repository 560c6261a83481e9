package main

import (
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"

	"github.com/extriage/extriage/trace"
)

// input is one file to scan, with the kind its content says it is.
type input struct {
	path string
	kind string // "evtx" or "trace"
	size int64
}

// discovery is what the arguments expand to.
type discovery struct {
	inputs  []input
	skipped []skip // files found in folders that are not logs extriage reads
	errors  []skip // named files that cannot be scanned, and walk errors
}

type skip struct{ path, reason string }

// discover expands paths: files are taken as given, folders walked
// recursively. The kind of each file comes from its content, never its
// name; a named file that is no log is an error, a file met in a folder
// that is no log is only listed as skipped.
func discover(paths []string) discovery {
	var d discovery
	for _, p := range paths {
		fi, err := os.Stat(p)
		switch {
		case err != nil:
			d.errors = append(d.errors, skip{p, describeOpenError(err)})
		case fi.IsDir():
			d.walk(p)
		default:
			d.add(p, fi.Size(), true)
		}
	}
	sort.Slice(d.inputs, func(i, j int) bool { return d.inputs[i].path < d.inputs[j].path })
	return d
}

func (d *discovery) walk(root string) {
	err := filepath.WalkDir(root, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			d.errors = append(d.errors, skip{p, describeOpenError(err)})
			return nil
		}
		if e.IsDir() || !e.Type().IsRegular() {
			return nil
		}
		info, err := e.Info()
		if err != nil {
			d.errors = append(d.errors, skip{p, describeOpenError(err)})
			return nil
		}
		d.add(p, info.Size(), false)
		return nil
	})
	if err != nil {
		d.errors = append(d.errors, skip{root, describeOpenError(err)})
	}
}

func (d *discovery) add(path string, size int64, named bool) {
	kind, reason := sniffFile(path)
	switch {
	case kind != "":
		d.inputs = append(d.inputs, input{path: path, kind: kind, size: size})
	case named:
		d.errors = append(d.errors, skip{path, reason})
	default:
		d.skipped = append(d.skipped, skip{path, reason})
	}
}

// sniffFile reads the start of a file and says what kind of log it is, or
// why it is none.
func sniffFile(path string) (kind, reason string) {
	f, err := os.Open(path)
	if err != nil {
		return "", describeOpenError(err)
	}
	defer f.Close()
	head := make([]byte, sniffSize)
	n, _ := io.ReadFull(f, head)
	head = head[:n]
	switch {
	case n == 0:
		return "", "the file is empty"
	case bytes.HasPrefix(head, []byte("ElfFile\x00")):
		return "evtx", ""
	case len(head) >= 4104 && bytes.Equal(head[4096:4104], []byte("ElfChnk\x00")):
		// A file whose header was destroyed still has chunks at 4096.
		return "evtx", ""
	}
	if _, ok := trace.Sniff(head); ok {
		return "trace", ""
	}
	return "", "neither a Windows event log (.evtx) nor a message-trace or tracking export " +
		"(no ElfFile signature, and the first line is no header extriage knows)"
}

// sniffSize covers the evtx chunk signature at 4096 and the longest trace
// header (the UTF-16 extended report's, about 1 KiB).
const sniffSize = 8192

func describeOpenError(err error) string {
	switch {
	case os.IsNotExist(err):
		return "no such file or folder"
	case os.IsPermission(err):
		return "permission denied: run extriage as a user who can read it"
	}
	return fmt.Sprint(err)
}
