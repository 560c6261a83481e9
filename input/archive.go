package input

import (
	"archive/zip"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// archiveFile is an open archive file.
type archiveFile interface {
	io.ReaderAt
	io.Closer
}

// archive is one zip archive. Its file is open only while it is being
// listed or one of its members is open, so that thousands of members
// never hold thousands of descriptors, and an archive is never left open.
type archive struct {
	path string // as the caller named it, for names and errors
	size int64
	lim  Limits
	open func() (archiveFile, error) // opens the file again, checking it is unchanged

	total atomic.Int64 // bytes decompressed from all members, every read

	mu   sync.Mutex
	refs int
	f    atomic.Pointer[archiveFile]
}

var errArchiveClosed = errors.New("the archive file is not open")

// ReadAt reads the archive file, which a caller of acquire holds open.
func (a *archive) ReadAt(p []byte, off int64) (int, error) {
	f := a.f.Load()
	if f == nil {
		return 0, errArchiveClosed
	}
	return (*f).ReadAt(p, off)
}

// acquire holds the archive file open until the matching release.
func (a *archive) acquire() error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.refs == 0 {
		f, err := a.open()
		if err != nil {
			return err
		}
		a.f.Store(&f)
	}
	a.refs++
	return nil
}

func (a *archive) release() {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.refs--; a.refs == 0 {
		(*a.f.Load()).Close()
		a.f.Store(nil)
	}
}

// diskArchive returns an archive for the file at path, already open as f.
func diskArchive(path string, f *os.File, fi os.FileInfo, lim Limits) *archive {
	size, mod := fi.Size(), fi.ModTime()
	a := &archive{path: path, size: size, lim: lim}
	a.open = func() (archiveFile, error) {
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		if err := unchanged(f, size, mod); err != nil {
			f.Close()
			return nil, err
		}
		return f, nil
	}
	var af archiveFile = f
	a.f.Store(&af)
	a.refs = 1
	return a
}

func unchanged(f *os.File, size int64, mod time.Time) error {
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	if fi.Size() != size || !fi.ModTime().Equal(mod) {
		return errors.New("the archive changed after it was listed: scan it again")
	}
	return nil
}

// listing is what an archive holds.
type listing struct {
	inputs  []Input
	skipped []Skipped
	errors  []Error
	files   int // members that are files, not folders
	nested  int // members that are zip archives
}

// memberName returns a member's path as shown: forward slashes (some
// Windows tools write backslashes), no leading slash, and whether it is a
// folder.
func memberName(name string) (string, bool) {
	name = strings.ReplaceAll(name, `\`, "/")
	dir := strings.HasSuffix(name, "/")
	name = strings.TrimLeft(strings.TrimPrefix(name, "./"), "/")
	return name, dir
}

// list lists the archive's members and recognises each from its first
// bytes. The caller holds the file (acquire) and releases it after.
func (a *archive) list() listing {
	zr, err := zip.NewReader(a, a.size)
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		return a.recover(err)
	}
	return a.listFrom(zr)
}

// listFrom lists the members zr found in the archive's central directory.
func (a *archive) listFrom(zr *zip.Reader) listing {
	var ls listing
	type named struct {
		zf   *zip.File
		name string
	}
	var members []named
	var files []*zip.File
	for _, zf := range zr.File {
		if name, dir := memberName(zf.Name); !dir && !zf.Mode().IsDir() {
			members = append(members, named{zf, name})
			files = append(files, zf)
		}
	}
	ls.files = len(members)
	overlaps := a.overlaps(files)
	sort.SliceStable(members, func(i, j int) bool { return members[i].name < members[j].name })
	for _, nm := range members {
		zf, name := nm.zf, nm.name
		if other, ok := overlaps[zf]; ok {
			ls.errors = append(ls.errors, Error{Name: a.memberPath(name),
				Err: fmt.Errorf("its data overlaps that of %s in the archive, a construction of zip bombs, never of a real archive: it is not read", other)})
			continue
		}
		m := member{name: name, method: zf.Method, flags: zf.Flags,
			size: int64(min(zf.UncompressedSize64, 1<<63-1)), packed: int64(min(zf.CompressedSize64, uint64(a.size)))}
		m.open = func() (io.ReadCloser, error) { return zf.Open() }
		a.add(&ls, m)
	}
	return ls
}

// overlaps finds members whose compressed data overlaps another's, which
// lets a small archive decompress to the same bytes many times over. It
// returns each such member with the name of one it overlaps.
func (a *archive) overlaps(members []*zip.File) map[*zip.File]string {
	type span struct {
		zf         *zip.File
		start, end int64
	}
	spans := make([]span, 0, len(members))
	for _, zf := range members {
		off, err := zf.DataOffset()
		if err != nil {
			continue // reported when the member is opened
		}
		spans = append(spans, span{zf, off, off + int64(min(zf.CompressedSize64, uint64(a.size)))})
	}
	sort.Slice(spans, func(i, j int) bool { return spans[i].start < spans[j].start })
	bad := map[*zip.File]string{}
	far := -1 // the span reaching furthest so far
	for i, s := range spans {
		if far >= 0 && s.start < spans[far].end {
			prev := spans[far].zf
			n, _ := memberName(prev.Name)
			bad[s.zf] = n
			if _, ok := bad[prev]; !ok {
				n, _ := memberName(s.zf.Name)
				bad[prev] = n
			}
		}
		if far < 0 || s.end > spans[far].end {
			far = i
		}
	}
	return bad
}

func (a *archive) memberPath(name string) string { return a.path + "!/" + name }

// member is one file in an archive, however it was found.
type member struct {
	name         string
	method       uint16
	flags        uint16
	size, packed int64 // declared size; compressed size within the file
	open         func() (io.ReadCloser, error)
}

// add recognises member m and files it as an input, a skip or an error.
func (a *archive) add(ls *listing, m member) {
	name := a.memberPath(m.name)
	switch {
	case m.flags&1 != 0:
		ls.errors = append(ls.errors, Error{Name: name,
			Err: errors.New("the member is encrypted, which extriage cannot read: extract the archive with its password and scan the files")})
		return
	case m.method != zip.Store && m.method != zip.Deflate:
		ls.errors = append(ls.errors, Error{Name: name, Err: fmt.Errorf(
			"the member is compressed with %s, which extriage cannot read (only stored and deflated members): extract the archive and scan the files, or zip them again with a tool's default (deflate)",
			methodName(m.method))})
		return
	}
	head, err := a.head(m)
	if err != nil {
		ls.errors = append(ls.errors, Error{Name: name, Err: err})
		return
	}
	v := classify(head)
	switch {
	case v.zip:
		ls.nested++
		ls.skipped = append(ls.skipped, Skipped{Name: name,
			Reason: "a zip archive inside a zip archive is not read: extract the outer archive and scan the extracted archive"})
	case v.kind == nil:
		ls.skipped = append(ls.skipped, Skipped{Name: name, Reason: v.reason})
	default:
		ls.inputs = append(ls.inputs, Input{Name: name, Kind: v.kind, Size: m.size,
			Archive: a.path, Member: m.name, open: func() (io.ReadCloser, error) { return a.openMember(m) }})
	}
}

// head reads the first bytes of member m, within the limits.
func (a *archive) head(m member) ([]byte, error) {
	rc, err := a.openMember(m)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	head := make([]byte, headSize)
	n, err := io.ReadFull(rc, head)
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		err = nil
	}
	return head[:n], err
}

// openMember opens member m for reading within the limits, holding the
// archive file open until the reader is closed.
func (a *archive) openMember(m member) (io.ReadCloser, error) {
	if err := a.acquire(); err != nil {
		return nil, err
	}
	rc, err := m.open()
	if err != nil {
		a.release()
		return nil, err
	}
	return &memberReader{a: a, member: m.name, rc: rc, packed: m.packed}, nil
}

func methodName(m uint16) string {
	switch m {
	case 9:
		return "Deflate64"
	case 12:
		return "bzip2"
	case 14:
		return "LZMA"
	case 93:
		return "Zstandard"
	case 95:
		return "XZ"
	case 98:
		return "PPMd"
	}
	return fmt.Sprintf("compression method %d", m)
}
