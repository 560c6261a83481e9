//go:build unix

package input

import (
	"io/fs"
	"syscall"
)

// fileKey identifies a file or folder by device and inode, whatever path
// reached it: a folder reached again through a symbolic link is a loop, a
// file reached twice is read once.
func fileKey(fi fs.FileInfo) (key [2]uint64, ok bool) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return key, false
	}
	return [2]uint64{uint64(st.Dev), uint64(st.Ino)}, true
}
