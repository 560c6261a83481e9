package input

import (
	"archive/zip"
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"sync/atomic"

	"github.com/extriage/extriage/kinds"
)

// StdinName is the path that stands for standard input, and the Name of
// the input read from it.
const StdinName = "-"

// Input is one log to scan.
type Input struct {
	// Name is what reports call the input: a path as given or found in a
	// folder, StdinName, or for a member of a zip archive the archive's
	// path, "!/" and the member's path in the archive, with its folders:
	// exports.zip!/SERVER3/Application.evtx.
	Name string
	Kind kinds.Kind // what its content says it is
	// Size is the input's size in bytes, -1 if unknown (standard input).
	// For a zip member it is the size the archive declares, which is not
	// trusted: the limits count the bytes actually read.
	Size int64
	// Path is set for a plain file: read it in place, with an io.ReaderAt
	// (evtx.ReadFile), rather than through Open.
	Path string
	// Archive and Member are set for a member of a zip archive: the
	// archive's path and the member's path in it.
	Archive, Member string

	open   func() (io.ReadCloser, error)
	digest *digest // of the last opening, see SHA256
}

// Open opens the input for reading from its start. A zip member is
// decompressed as it is read, within the Limits: a read past one returns
// a *LimitError. The archive file is held open until the reader is closed.
// An input from standard input or a pipe can be opened once only. The
// bytes read are hashed as they are read (see SHA256).
func (in *Input) Open() (io.ReadCloser, error) {
	if in.open == nil {
		return nil, errors.New(in.Name + ": input cannot be opened")
	}
	r, err := in.open()
	if err != nil {
		return nil, err
	}
	in.digest = newDigest()
	return hashingReader{r: r, d: in.digest}, nil
}

// Skipped is a file met in a folder or an archive that is not a log.
type Skipped struct {
	Name   string
	Reason string // for a person: what the file is instead
}

// Error is an input that could not be expanded or read: a path that does
// not exist or cannot be read, a named file that is not a log (ErrNotLog),
// a damaged archive or member, a member stopped by a limit (*LimitError).
type Error struct {
	Name string // the path or member concerned
	Err  error
}

func (e Error) Error() string { return e.Name + ": " + describe(e.Err) }
func (e Error) Unwrap() error { return e.Err }

// describe says what went wrong for a person, without the path, which the
// Error names already.
func describe(err error) string {
	var le *LimitError
	switch {
	case errors.As(err, &le):
		return le.reason()
	case errors.Is(err, fs.ErrNotExist):
		return "no such file or folder"
	case errors.Is(err, fs.ErrPermission):
		return "permission denied: run extriage as a user who can read it"
	}
	if pe, ok := err.(*fs.PathError); ok {
		return pe.Err.Error()
	}
	return err.Error()
}

// Options tune Expand.
type Options struct {
	Limits Limits    // for zip archives; zero fields take their defaults
	Stdin  io.Reader // what StdinName reads; nil for os.Stdin
	// Exclude are files never taken as inputs, wherever they are found:
	// the report being written, which may be in a folder being scanned.
	Exclude []string
}

// Expansion is what a list of paths expands to.
type Expansion struct {
	Inputs  []Input   // sorted by Name
	Skipped []Skipped // sorted by Name
	Errors  []Error   // in the order met
}

// Expand expands the paths a user gave into the inputs to scan.
//
// A file is taken as given, a folder is walked recursively (symbolic links
// inside it are followed, to files and folders, each file and folder read
// once however many links lead to it, a link to a folder above it skipped
// as a loop; named pipes, devices and sockets in it are listed as
// skipped), StdinName reads standard input, and a zip
// archive, met anywhere, is read in place: its members are listed and
// decompressed as they are read, never extracted. A zip inside a zip is
// skipped. What each file is comes from its first bytes, never its name:
// a zip archive (a member header at 0, or an end record), one of the
// kinds of package kinds (kinds.Sniff: an .evtx file, a message-trace
// export, ...), or none of these.
//
// A file met in a folder or an archive that is not a log is listed as
// Skipped, unless its name says it is an export (.evtx, .csv, .log, .xml,
// .txt) and it holds binary data: that is a damaged log, an Error; a file named in paths that is not a log is an Error, as is
// every path that cannot be read. An archive with no log in it is one
// Skipped (or Error, if named), not one per member. A damaged archive is
// an Error, and the members that can still be read are inputs.
//
// Every input has been opened and its first 4 KiB read; no file is left
// open, except a pipe or standard input, held until its input is read.
func Expand(paths []string, opts Options) Expansion {
	x := &expander{lim: opts.Limits.withDefaults(), stdin: opts.Stdin, seen: map[string]bool{}, seenKeys: map[[2]uint64]bool{}}
	for _, p := range opts.Exclude {
		if fi, err := os.Stat(p); err == nil {
			x.exclude = append(x.exclude, fi)
		}
	}
	if x.stdin == nil {
		x.stdin = os.Stdin
	}
	for _, p := range paths {
		if p == StdinName {
			x.addStdin()
			continue
		}
		fi, err := os.Stat(p)
		switch {
		case err != nil:
			x.fail(p, err)
		case fi.IsDir():
			x.walk(p)
		default:
			x.addFile(p, fi, true)
		}
	}
	sort.SliceStable(x.out.Inputs, func(i, j int) bool { return x.out.Inputs[i].Name < x.out.Inputs[j].Name })
	sort.SliceStable(x.out.Skipped, func(i, j int) bool { return x.out.Skipped[i].Name < x.out.Skipped[j].Name })
	return x.out
}

type expander struct {
	lim       Limits
	stdin     io.Reader
	stdinUsed bool
	seen      map[string]bool // files already expanded, by cleaned path
	seenKeys  map[[2]uint64]bool
	exclude   []fs.FileInfo // files never taken as inputs (the report being written)
	out       Expansion
}

// maxLinkDepth bounds the symbolic links to folders followed one inside
// another, where device and inode cannot tell a loop (Windows).
const maxLinkDepth = 32

func (x *expander) fail(name string, err error) {
	x.out.Errors = append(x.out.Errors, Error{Name: name, Err: err})
}

func (x *expander) walk(root string) {
	fi, err := os.Stat(root)
	if err != nil {
		x.fail(root, err)
		return
	}
	if key, ok := fileKey(fi); ok {
		if x.seenKeys[key] {
			return // named twice, or inside a folder named before
		}
		x.seenKeys[key] = true
	}
	x.walkDir(root, []fs.FileInfo{fi})
}

// walkDir walks the folder root, whose folder and those above it in the
// walk are above. Symbolic links are followed, to files and to folders;
// a link back to a folder of above is a loop, named and not followed. A
// named pipe, a device or a socket found in a folder is listed as skipped:
// reading one may never end.
func (x *expander) walkDir(root string, above []fs.FileInfo) {
	// With a trailing separator, a walk of a symbolic link to a folder
	// starts inside it.
	if li, err := os.Lstat(root); err == nil && li.Mode()&fs.ModeSymlink != 0 {
		root += string(filepath.Separator)
	}
	err := filepath.WalkDir(root, func(p string, e fs.DirEntry, err error) error {
		switch {
		case err != nil:
			x.fail(p, err)
			return nil
		case e.IsDir():
			if p != root && x.seenFolder(p, e) {
				return fs.SkipDir
			}
			return nil
		case e.Type()&fs.ModeSymlink != 0:
			x.followLink(p, above)
			return nil
		case !e.Type().IsRegular():
			x.out.Skipped = append(x.out.Skipped, Skipped{Name: p, Reason: specialFile(e.Type())})
			return nil
		}
		fi, err := e.Info()
		if err != nil {
			x.fail(p, err)
			return nil
		}
		x.addFile(p, fi, false)
		return nil
	})
	if err != nil {
		x.fail(root, err)
	}
}

// seenFolder tells whether the folder at p was walked already, by
// another path: it is not walked twice.
func (x *expander) seenFolder(p string, e fs.DirEntry) bool {
	fi, err := e.Info()
	if err != nil {
		return false
	}
	key, ok := fileKey(fi)
	if !ok {
		return false
	}
	if x.seenKeys[key] {
		return true
	}
	x.seenKeys[key] = true
	return false
}

// followLink reads what the symbolic link at p points to: a file is
// taken as if it were in the folder, a folder is walked, unless it is a
// folder the walk is already inside (a loop).
func (x *expander) followLink(p string, above []fs.FileInfo) {
	fi, err := os.Stat(p)
	if err != nil {
		target, _ := os.Readlink(p)
		x.out.Skipped = append(x.out.Skipped, Skipped{Name: p, Reason: fmt.Sprintf(
			"a symbolic link to %q, which cannot be read (%s): nothing to scan there", target, describe(err))})
		return
	}
	if !fi.IsDir() {
		if !fi.Mode().IsRegular() {
			x.out.Skipped = append(x.out.Skipped, Skipped{Name: p, Reason: specialFile(fi.Mode().Type())})
			return
		}
		x.addFile(p, fi, false)
		return
	}
	for _, a := range above {
		if os.SameFile(a, fi) {
			x.out.Skipped = append(x.out.Skipped, Skipped{Name: p, Reason: "a symbolic link to a folder that holds it (a loop): not followed again; the folder is scanned once"})
			return
		}
	}
	if key, ok := fileKey(fi); ok {
		if x.seenKeys[key] {
			return // walked already, through another path
		}
		x.seenKeys[key] = true
	}
	if len(above) >= maxLinkDepth {
		x.out.Skipped = append(x.out.Skipped, Skipped{Name: p, Reason: fmt.Sprintf("a symbolic link to a folder %d links deep: not followed further", maxLinkDepth)})
		return
	}
	x.walkDir(p, append(slices.Clip(above), fi))
}

// specialFile says what a file that is not a regular file is, and why it
// is not read when found in a folder.
func specialFile(m fs.FileMode) string {
	what := "a special file"
	switch {
	case m&fs.ModeNamedPipe != 0:
		what = "a named pipe (FIFO)"
	case m&fs.ModeSocket != 0:
		what = "a socket"
	case m&fs.ModeDevice != 0:
		what = "a device"
	}
	return what + ", not a file: not read when found in a folder, since reading it may never end; name it on the command line to read it as a stream"
}

// addFile recognises the file at path and files it. named says the user
// gave this path, rather than a folder holding it.
func (x *expander) addFile(path string, fi fs.FileInfo, named bool) {
	key := filepath.Clean(path)
	if x.seen[key] {
		return
	}
	x.seen[key] = true
	if k, ok := fileKey(fi); ok && fi.Mode().IsRegular() {
		if x.seenKeys[k] {
			return // the same file, reached by another path (a link)
		}
		x.seenKeys[k] = true
	}
	for _, ex := range x.exclude {
		if os.SameFile(ex, fi) {
			return
		}
	}
	f, err := os.Open(path)
	if err != nil {
		x.fail(path, err)
		return
	}
	if !fi.Mode().IsRegular() { // a pipe or a device: read it as a stream
		x.addStream(path, f, f)
		return
	}
	head := make([]byte, headSize)
	n, err := io.ReadFull(f, head)
	if err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
		f.Close()
		x.fail(path, err)
		return
	}
	v := classify(head[:n])
	switch {
	case v.kind != nil:
		f.Close()
		x.out.Inputs = append(x.out.Inputs, Input{Name: path, Kind: v.kind, Size: fi.Size(), Path: path,
			open: func() (io.ReadCloser, error) { return os.Open(path) }})
	case v.zip:
		a := diskArchive(path, f, fi, x.lim)
		ls := a.list()
		a.release()
		x.addListing(path, ls, named)
	default:
		// Not a log, and not a zip from its start: it may still be one
		// with something before its first member, known by its end.
		a := diskArchive(path, f, fi, x.lim)
		zr, err := zip.NewReader(a, fi.Size())
		if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
			a.release()
			x.notLogFile(path, v, named)
			return
		}
		ls := a.listFrom(zr)
		a.release()
		x.addListing(path, ls, named)
	}
}

func (x *expander) notLog(name, reason string, named bool) {
	if named {
		x.fail(name, notLogError{reason})
		return
	}
	x.out.Skipped = append(x.out.Skipped, Skipped{Name: name, Reason: reason})
}

// notLogFile files a file that is no log: as damage when its name says it
// is an export and it holds binary data (unreadableExport), else as
// notLog does.
func (x *expander) notLogFile(name string, v verdict, named bool) {
	if why, ok := unreadableExport(name, v); ok && !named {
		x.fail(name, errors.New(why))
		return
	}
	x.notLog(name, v.reason, named)
}

// notLogError is ErrNotLog with what the input is instead; its text
// starts with ErrNotLog's.
type notLogError struct{ reason string }

func (e notLogError) Error() string   { return e.reason }
func (e notLogError) Is(t error) bool { return t == ErrNotLog }

// addListing files what an archive holds. An archive with no log and no
// error in it is one entry, not one per member.
func (x *expander) addListing(path string, ls listing, named bool) {
	if len(ls.inputs) == 0 && len(ls.errors) == 0 {
		reason := fmt.Sprintf("a zip archive with no Windows event log or message-trace export among its %d files", ls.files)
		switch {
		case ls.files == 0:
			reason = "an empty zip archive"
		case ls.nested > 0:
			reason += fmt.Sprintf("; zip archives inside it (%d) are not read: extract it and scan the extracted files", ls.nested)
		}
		x.notLog(path, reason, named)
		return
	}
	x.out.Inputs = append(x.out.Inputs, ls.inputs...)
	x.out.Skipped = append(x.out.Skipped, ls.skipped...)
	x.out.Errors = append(x.out.Errors, ls.errors...)
}

func (x *expander) addStdin() {
	if x.stdinUsed {
		x.fail(StdinName, errors.New("standard input is named more than once"))
		return
	}
	x.stdinUsed = true
	x.addStream(StdinName, x.stdin, nil)
}

// addStream recognises an input that can be read only once, front to
// back, from its first bytes, which are kept for the reader.
func (x *expander) addStream(name string, r io.Reader, c io.Closer) {
	br := bufio.NewReaderSize(r, 2*headSize)
	head, err := br.Peek(headSize)
	if err != nil && err != io.EOF {
		x.fail(name, err)
		closeStream(c)
		return
	}
	v := classify(head)
	switch {
	case v.kind != nil:
		var opened atomic.Bool
		x.out.Inputs = append(x.out.Inputs, Input{Name: name, Kind: v.kind, Size: -1,
			open: func() (io.ReadCloser, error) {
				if opened.Swap(true) {
					return nil, fmt.Errorf("%s: it can be read only once", name)
				}
				return streamReader{br, c}, nil
			}})
	case v.zip:
		closeStream(c)
		x.fail(name, errors.New("a zip archive cannot be read from standard input or a pipe: save it to a file and give its path"))
	default:
		closeStream(c)
		x.fail(name, notLogError{v.reason})
	}
}

func closeStream(c io.Closer) {
	if c != nil {
		c.Close()
	}
}

// streamReader reads a stream through the buffer that holds its head.
type streamReader struct {
	*bufio.Reader
	c io.Closer
}

func (s streamReader) Close() error {
	if s.c == nil {
		return nil
	}
	return s.c.Close()
}
