package input

import (
	"crypto/sha256"
	"encoding/hex"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// The SHA-256 holds only for an input read whole and in order, from its
// last opening.
func TestDigest(t *testing.T) {
	data := make([]byte, 10000)
	for i := range data {
		data[i] = byte(i * 7)
	}
	path := filepath.Join(t.TempDir(), "log.bin")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(data)
	want := hex.EncodeToString(sum[:])
	in := &Input{Name: path, Path: path, open: func() (io.ReadCloser, error) { return os.Open(path) }}
	read := func(f func(ReaderAtCloser)) string {
		r, _, err := in.OpenFile()
		if err != nil {
			t.Fatal(err)
		}
		f(r)
		r.Close()
		return in.SHA256()
	}
	buf := make([]byte, 4096)
	tests := []struct {
		name string
		got  string
		want string
	}{
		{"never opened", (&Input{}).SHA256(), ""},
		{"in place, in order", read(func(r ReaderAtCloser) {
			for off := int64(0); off < int64(len(data)); off += int64(len(buf)) {
				r.ReadAt(buf, off)
			}
		}), want},
		{"in place, a slot skipped", read(func(r ReaderAtCloser) { r.ReadAt(buf, 0); r.ReadAt(buf, 8192) }), ""},
		{"in place, stopped early", read(func(r ReaderAtCloser) { r.ReadAt(buf, 0) }), ""},
	}
	rc, _ := in.Open()
	io.Copy(io.Discard, rc)
	rc.Close()
	tests = append(tests, struct{ name, got, want string }{"stream to its end", in.SHA256(), want})
	rc, _ = in.Open()
	rc.Read(buf)
	rc.Close()
	tests = append(tests, struct{ name, got, want string }{"stream cut short", in.SHA256(), ""})
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, tt.got, tt.want)
		}
	}
}
