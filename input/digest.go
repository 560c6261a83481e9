package input

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"hash"
	"io"
	"os"
	"sync"
)

// digest is the SHA-256 of an input, computed from the bytes as the scan
// reads them, so a report can name exactly what it read without a second
// pass over a file of gigabytes. It holds only when the input was read
// whole, front to back, from one opening.
type digest struct {
	mu       sync.Mutex
	h        hash.Hash
	next     int64 // bytes hashed: the offset of the next byte expected
	complete bool  // the input's end was reached after its first byte
	broken   bool  // a read was not the next bytes: the hash is of no file
}

func newDigest() *digest { return &digest{h: sha256.New()} }

// add hashes p, read at off.
func (d *digest) add(p []byte, off int64) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if off != d.next {
		d.broken = true
		return
	}
	d.h.Write(p)
	d.next += int64(len(p))
}

func (d *digest) ended() {
	d.mu.Lock()
	d.complete = true
	d.mu.Unlock()
}

// sum is the hex SHA-256 of the whole input, or "" when it was not read
// whole (the reader stopped early, or read out of order).
func (d *digest) sum() string {
	if d == nil {
		return ""
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if !d.complete || d.broken {
		return ""
	}
	return hex.EncodeToString(d.h.Sum(nil))
}

// hashingReader hashes what is read through it.
type hashingReader struct {
	r io.ReadCloser
	d *digest
}

func (h hashingReader) Read(p []byte) (int, error) {
	n, err := h.r.Read(p)
	h.d.add(p[:n], h.d.next)
	if errors.Is(err, io.EOF) {
		h.d.ended()
	}
	return n, err
}

func (h hashingReader) Close() error { return h.r.Close() }

// hashingFile hashes a file read in place (io.ReaderAt) front to back, as
// the .evtx reader reads it: one slot after the other.
type hashingFile struct {
	f    *os.File
	size int64
	d    *digest
}

func (h hashingFile) ReadAt(p []byte, off int64) (int, error) {
	n, err := h.f.ReadAt(p, off)
	h.d.add(p[:n], off)
	if off+int64(n) >= h.size {
		h.d.ended()
	}
	return n, err
}

func (h hashingFile) Close() error { return h.f.Close() }

// ReaderAtCloser is a file read in place.
type ReaderAtCloser interface {
	io.ReaderAt
	io.Closer
}

// OpenFile opens a plain file (Path set) for reading in place, and returns
// its size. Its bytes are hashed as they are read (see SHA256).
func (in *Input) OpenFile() (ReaderAtCloser, int64, error) {
	f, err := os.Open(in.Path)
	if err != nil {
		return nil, 0, err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, 0, err
	}
	in.digest = newDigest()
	if fi.Size() == 0 {
		in.digest.ended()
	}
	return hashingFile{f: f, size: fi.Size(), d: in.digest}, fi.Size(), nil
}

// SHA256 is the hex SHA-256 of the input's bytes as last opened (with
// Open or OpenFile) and read, or "" when that reading did not take in the
// whole input in order: a reader that stopped at a fatal error, or an
// input never opened. For a zip member it is of the member's content.
func (in *Input) SHA256() string { return in.digest.sum() }
