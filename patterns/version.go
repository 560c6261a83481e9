package patterns

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
)

// Version names the pattern files a catalog was loaded from, so a report
// can say which knowledge produced it and two scans can tell whether they
// used the same one.
type Version struct {
	// Hash is the SHA-256, in hex, of every file's layer, name and content
	// in the order they were loaded (see HashFiles).
	Hash  string `json:"hash"`
	Files int    `json:"files"` // how many YAML files were loaded
}

// String is the short form people read: the first 12 hex digits and the
// file count, "3f2a9c01b4de (2 files)".
func (v Version) String() string {
	h := v.Hash
	if len(h) > 12 {
		h = h[:12]
	}
	if v.Files == 1 {
		return h + " (1 file)"
	}
	return fmt.Sprintf("%s (%d files)", h, v.Files)
}

// PatternFile is one loaded YAML file. Layer is 0 for the built-in
// catalog and n for the n-th --patterns folder; Name is the file's name
// inside its layer, so the hash does not depend on where a folder lives.
type PatternFile struct {
	Layer int
	Name  string
	Data  []byte
}

// HashFiles returns the version of the catalog loaded from files, in the
// order given. Each file's layer, name and content are length-prefixed
// before hashing, so no two different file lists hash the same way by
// moving bytes from one field to the next.
func HashFiles(files []PatternFile) Version {
	h := sha256.New()
	var n [8]byte
	field := func(b []byte) {
		binary.BigEndian.PutUint64(n[:], uint64(len(b)))
		h.Write(n[:])
		h.Write(b)
	}
	for _, f := range files {
		binary.BigEndian.PutUint64(n[:], uint64(f.Layer))
		h.Write(n[:])
		field([]byte(f.Name))
		field(f.Data)
	}
	return Version{Hash: hex.EncodeToString(h.Sum(nil)), Files: len(files)}
}
