package input

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/extriage/extriage/kinds"
	"github.com/extriage/extriage/trace"
)

// cutInside returns z cut off keep bytes into the data of member name.
func cutInside(t *testing.T, z []byte, name string, keep int) []byte {
	t.Helper()
	i := bytes.Index(z, []byte(name)) // the local header's copy comes first
	if i < localHeaderLen {
		t.Fatalf("no member %s", name)
	}
	return bytes.Clone(z[:i+len(name)+keep])
}

// overlapping returns a zip whose second member's directory entry points
// at the first member's data.
func overlapping(t *testing.T, data []byte) []byte {
	z := makeZip(t, entry{name: "A.evtx", data: data, store: true, sized: true},
		entry{name: "B.evtx", data: data, store: true, sized: true})
	for off := 0; ; off++ {
		i := bytes.Index(z[off:], []byte(sigCentral))
		if i < 0 {
			t.Fatal("no central entry for B.evtx")
		}
		off += i
		if string(z[off+46:off+46+6]) == "B.evtx" {
			binary.LittleEndian.PutUint32(z[off+42:], 0)
			return z
		}
	}
}

func TestExpand(t *testing.T) {
	ev, tr, junk := evtxFile(t), []byte(trackingLog), []byte("just some notes\n")
	inner := makeZip(t, entry{name: "a.evtx", data: ev})
	docs := makeZip(t, entry{name: "word/document.xml", data: []byte("<w/>")}, entry{name: "notes.txt", data: junk})
	sized := makeZip(t, entry{name: "a.evtx", data: ev, sized: true}, entry{name: "b.log", data: tr, sized: true},
		entry{name: "c.evtx", data: ev, store: true, sized: true})
	described := makeZip(t, entry{name: "a.evtx", data: ev}, entry{name: "b.log", data: tr}, entry{name: "c.evtx", data: ev})

	type files map[string]string // name (relative to the test's folder) → kind or part of the reason
	cases := []struct {
		name    string
		setup   func(t *testing.T, dir string) []string
		stdin   string
		inputs  files
		skipped files
		errors  files
	}{
		{name: "zip with nested folders, stored and deflated members",
			setup: func(t *testing.T, dir string) []string {
				writeFile(t, dir, "exports.zip", makeZip(t,
					entry{name: "SERVER1/"},
					entry{name: "SERVER1/Application.evtx", data: ev},
					entry{name: "SERVER3/logs/MSGTRK2024030408-1.LOG", data: tr, store: true},
					entry{name: "SERVER3/notes.txt", data: junk},
					entry{name: "SERVER3/empty/"},
					entry{name: `SERVER4\System.evtx`, data: ev, sized: true},
					entry{name: "SERVER5/smtp.LOG", data: []byte(smtpLog), store: true, sized: true},
					entry{name: "inner.zip", data: inner, store: true}))
				return []string{"exports.zip"}
			},
			inputs: files{"exports.zip!/SERVER1/Application.evtx": "evtx", "exports.zip!/SERVER3/logs/MSGTRK2024030408-1.LOG": "trace",
				"exports.zip!/SERVER4/System.evtx": "evtx"},
			skipped: files{"exports.zip!/SERVER3/notes.txt": `first line is not the header of a message-tracking log or a message-trace export: "just some notes"`,
				"exports.zip!/SERVER5/smtp.LOG": "SMTP Receive Protocol Log",
				"exports.zip!/inner.zip":        "a zip archive inside a zip archive is not read"},
		},
		{name: "a zip is known by its content, not its name",
			setup: func(t *testing.T, dir string) []string {
				writeFile(t, dir, "SERVER2-logs.dat", inner)
				return []string{"SERVER2-logs.dat"}
			},
			inputs: files{"SERVER2-logs.dat!/a.evtx": "evtx"},
		},
		{name: "self-extracting archive, known by its end record",
			setup: func(t *testing.T, dir string) []string {
				writeFile(t, dir, "sfx.exe", append(append([]byte("MZ"), make([]byte, 5000)...), inner...))
				return []string{"sfx.exe"}
			},
			inputs: files{"sfx.exe!/a.evtx": "evtx"},
		},
		{name: "folder with logs, junk, an archive and an empty folder",
			setup: func(t *testing.T, dir string) []string {
				writeFile(t, dir, "logs/SERVER1/x.evtx", ev)
				writeFile(t, dir, "logs/SERVER1/notes.txt", junk)
				writeFile(t, dir, "logs/SERVER2/MSGTRK.LOG", tr)
				writeFile(t, dir, "logs/SERVER2/smtp.LOG", []byte(smtpLog))
				writeFile(t, dir, "logs/SERVER3/evtx.zip", inner)
				writeFile(t, dir, "logs/docs.zip", docs)
				writeFile(t, dir, "logs/empty.txt", nil)
				writeFile(t, dir, "logs/blank.txt", []byte("\r\n  \r\n"))
				writeFile(t, dir, "logs/blob.bin", []byte{0, 1, 2, 3, 0xff})
				writeFile(t, dir, "logs/old.gz", []byte{0x1f, 0x8b, 8, 0})
				os.MkdirAll(filepath.Join(dir, "logs", "SERVER9"), 0o755)
				return []string{"logs", "logs/SERVER1/x.evtx"} // the file once, though named twice
			},
			inputs: files{"logs/SERVER1/x.evtx": "evtx", "logs/SERVER2/MSGTRK.LOG": "trace", "logs/SERVER3/evtx.zip!/a.evtx": "evtx"},
			skipped: files{"logs/SERVER1/notes.txt": "not a Windows event log or a message-trace export: it is text",
				"logs/SERVER2/smtp.LOG": "not a message-tracking log",
				"logs/docs.zip":         "a zip archive with no Windows event log or message-trace export among its 2 files",
				"logs/empty.txt":        "the file is empty",
				"logs/blank.txt":        "it holds only blank lines",
				"logs/blob.bin":         "binary data that starts with 00 01 02 03 ff",
				"logs/old.gz":           "gzip-compressed"},
		},
		{name: "named file that is not a log",
			setup: func(t *testing.T, dir string) []string {
				writeFile(t, dir, "notes.txt", junk)
				return []string{"notes.txt"}
			},
			errors: files{"notes.txt": "not a Windows event log or a message-trace export: it is text"},
		},
		{name: "named zip with no log in it",
			setup: func(t *testing.T, dir string) []string {
				writeFile(t, dir, "docs.zip", docs)
				writeFile(t, dir, "none.zip", makeZip(t))
				writeFile(t, dir, "nested.zip", makeZip(t, entry{name: "inner.zip", data: inner}, entry{name: "notes.txt", data: junk}))
				return []string{"docs.zip", "none.zip", "nested.zip"}
			},
			errors: files{"docs.zip": "among its 2 files", "none.zip": "an empty zip archive",
				"nested.zip": "among its 2 files; zip archives inside it (1) are not read: extract it and scan the extracted files"},
		},
		{name: "missing path",
			setup:  func(t *testing.T, dir string) []string { return []string{"nope"} },
			errors: files{"nope": "no such file or folder"},
		},
		{name: "empty folder",
			setup: func(t *testing.T, dir string) []string {
				os.Mkdir(filepath.Join(dir, "empty"), 0o755)
				return []string{"empty"}
			},
		},
		{name: "trace on standard input",
			setup: func(t *testing.T, dir string) []string { return []string{"-"} }, stdin: trackingLog,
			inputs: files{"-": "trace"},
		},
		{name: "evtx on standard input, named twice",
			setup: func(t *testing.T, dir string) []string { return []string{"-", "-"} }, stdin: string(ev),
			inputs: files{"-": "evtx"},
			errors: files{"-": "standard input is named more than once"},
		},
		{name: "junk on standard input",
			setup: func(t *testing.T, dir string) []string { return []string{"-"} }, stdin: "hello\n",
			errors: files{"-": `not a Windows event log or a message-trace export: it is text, but its first line is not the header of a message-tracking log or a message-trace export: "hello"`},
		},
		{name: "zip on standard input",
			setup: func(t *testing.T, dir string) []string { return []string{"-"} }, stdin: string(inner),
			errors: files{"-": "a zip archive cannot be read from standard input"},
		},
		{name: "truncated archive, sizes in the local headers",
			setup: func(t *testing.T, dir string) []string {
				writeFile(t, dir, "cut.zip", cutInside(t, sized, "c.evtx", 30000))
				return []string{"cut.zip"}
			},
			inputs: files{"cut.zip!/a.evtx": "evtx", "cut.zip!/b.log": "trace", "cut.zip!/c.evtx": "evtx"},
			errors: files{"cut.zip": "the zip archive is damaged or cut short (zip: not a valid zip file): its list of members cannot be read, so it was read from its start, member by member; 3 found; the archive ends inside c.evtx, which is read up to the cut"},
		},
		{name: "truncated archive, sizes after the data",
			setup: func(t *testing.T, dir string) []string {
				writeFile(t, dir, "cut.zip", cutInside(t, described, "c.evtx", 3000))
				return []string{"cut.zip"}
			},
			inputs: files{"cut.zip!/a.evtx": "evtx", "cut.zip!/b.log": "trace", "cut.zip!/c.evtx": "evtx"},
			errors: files{"cut.zip": "3 found; c.evtx is damaged or cut short (unexpected EOF): it is read as far as it goes"},
		},
		{name: "truncated archive, cut in a member header",
			setup: func(t *testing.T, dir string) []string {
				writeFile(t, dir, "cut.zip", cutInside(t, sized, "c.evtx", -3))
				return []string{"cut.zip"}
			},
			inputs: files{"cut.zip!/a.evtx": "evtx", "cut.zip!/b.log": "trace"},
			errors: files{"cut.zip": "2 found; the archive ends at byte"},
		},
		{name: "damaged central directory",
			setup: func(t *testing.T, dir string) []string {
				z := bytes.Clone(sized)
				i := bytes.Index(z, []byte(sigCentral))
				copy(z[i:], "XXXX")
				writeFile(t, dir, "bad.zip", z)
				return []string{"bad.zip"}
			},
			inputs: files{"bad.zip!/a.evtx": "evtx", "bad.zip!/b.log": "trace", "bad.zip!/c.evtx": "evtx"},
			errors: files{"bad.zip": "there is no member header at byte"},
		},
		{name: "encrypted and Deflate64 members",
			setup: func(t *testing.T, dir string) []string {
				writeFile(t, dir, "odd.zip", makeZip(t, entry{name: "secret.evtx", data: ev, store: true, sized: true, flags: 1},
					entry{name: "big.evtx", data: ev, method: 9}, entry{name: "ok.evtx", data: ev}))
				return []string{"odd.zip"}
			},
			inputs: files{"odd.zip!/ok.evtx": "evtx"},
			errors: files{"odd.zip!/secret.evtx": "encrypted", "odd.zip!/big.evtx": "compressed with Deflate64, which extriage cannot read"},
		},
		{name: "overlapping members, a zip bomb construction",
			setup: func(t *testing.T, dir string) []string {
				writeFile(t, dir, "overlap.zip", overlapping(t, ev))
				return []string{"overlap.zip"}
			},
			errors: files{"overlap.zip!/A.evtx": "overlaps that of B.evtx", "overlap.zip!/B.evtx": "overlaps that of A.evtx"},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			t.Chdir(dir) // names are then as a user in this folder would see them
			paths := c.setup(t, dir)
			ex := Expand(paths, Options{Stdin: strings.NewReader(c.stdin)})
			got := files{}
			for _, in := range ex.Inputs {
				got[in.Name] = in.Kind.String()
			}
			check(t, "inputs", got, c.inputs, false)
			got = files{}
			for _, s := range ex.Skipped {
				got[s.Name] = s.Reason
			}
			check(t, "skipped", got, c.skipped, true)
			got = files{}
			for _, e := range ex.Errors {
				if !strings.HasPrefix(e.Error(), e.Name+": ") {
					t.Errorf("error %q does not start with its name %q", e.Error(), e.Name)
				}
				got[e.Name] = e.Error()
			}
			check(t, "errors", got, c.errors, true)
			if !sort.SliceIsSorted(ex.Inputs, func(i, j int) bool { return ex.Inputs[i].Name < ex.Inputs[j].Name }) {
				t.Errorf("inputs not sorted")
			}
		})
	}
}

// check compares what Expand returned with what a case wants; with part,
// the wanted value need only be part of the one returned.
func check(t *testing.T, what string, got, want map[string]string, part bool) {
	t.Helper()
	for name, w := range want {
		g, ok := got[name]
		switch {
		case !ok:
			t.Errorf("%s: %s missing (have %v)", what, name, got)
		case part && !strings.Contains(g, w), !part && g != w:
			t.Errorf("%s: %s: %q, want %q", what, name, g, w)
		}
	}
	for name, g := range got {
		if _, ok := want[name]; !ok {
			t.Errorf("%s: unexpected %s: %q", what, name, g)
		}
	}
}

// TestMembersRead checks that members read back byte for byte, including
// from a damaged archive, and what reading a cut member says.
func TestMembersRead(t *testing.T) {
	ev, tr := evtxFile(t), []byte(trackingLog)
	want := map[string][]byte{"SERVER1/a.evtx": ev, "SERVER1/b.log": tr, "SERVER2/c.evtx": ev}
	entries := []entry{{name: "SERVER1/a.evtx", data: ev}, {name: "SERVER1/b.log", data: tr, store: true},
		{name: "SERVER2/c.evtx", data: ev, sized: true}}
	whole := makeZip(t, entries...)
	for i := range entries {
		entries[i].sized = true
	}
	sized := makeZip(t, entries...)
	// Without the central directory, a member whose size follows its data
	// can be measured only if it is deflated.
	for i := range entries {
		entries[i].sized, entries[i].store = false, false
	}
	described := makeZip(t, entries...)
	dir := t.TempDir()
	for name, z := range map[string][]byte{"whole.zip": whole, "sized-cut.zip": cutInside(t, sized, "SERVER2/c.evtx", 1000),
		"described-cut.zip": cutInside(t, described, "SERVER2/c.evtx", 1000), "sized-nodir.zip": sized[:bytes.Index(sized, []byte(sigCentral))],
		"described-nodir.zip": described[:bytes.Index(described, []byte(sigCentral))]} {
		p := writeFile(t, dir, name, z)
		ex := Expand([]string{p}, Options{})
		if len(ex.Inputs) < 2 {
			t.Fatalf("%s: %d inputs, errors %v", name, len(ex.Inputs), ex.Errors)
		}
		for _, in := range ex.Inputs {
			if in.Archive != p || in.Path != "" || in.Name != p+"!/"+in.Member {
				t.Errorf("%s: input %+v", name, in)
			}
			b, err := readAll(in)
			cut := strings.HasSuffix(name, "-cut.zip") && in.Member == "SERVER2/c.evtx"
			switch {
			case cut && err == nil:
				t.Errorf("%s: %s read whole (%d bytes) from a cut archive", name, in.Member, len(b))
			case cut && !bytes.Equal(b, want[in.Member][:len(b)]):
				t.Errorf("%s: %s: the bytes before the cut differ", name, in.Member)
			case !cut && err != nil:
				t.Errorf("%s: %s: %v", name, in.Member, err)
			case !cut && !bytes.Equal(b, want[in.Member]):
				t.Errorf("%s: %s: %d bytes read back, want %d", name, in.Member, len(b), len(want[in.Member]))
			}
			if cut {
				t.Logf("%s: %s: %d bytes, then: %v", name, in.Member, len(b), err)
			}
		}
	}
}

// TestStdinKeepsHead checks that what was read of standard input to
// recognise it is still read by the input, once.
func TestStdinKeepsHead(t *testing.T) {
	long := trackingLog + strings.Repeat("2024-03-04T08:00:02.000Z,,,,EX01,,,SMTP,DELIVER,102,<x@contoso.test>,,a@contoso.test,,1,1,,,Hi,b@contoso.test,,,,,,,,,,\r\n", 200)
	ex := Expand([]string{"-"}, Options{Stdin: strings.NewReader(long)})
	if len(ex.Inputs) != 1 || ex.Inputs[0].Name != StdinName || ex.Inputs[0].Size != -1 || ex.Inputs[0].Path != "" {
		t.Fatalf("%+v", ex)
	}
	in := ex.Inputs[0]
	b, err := readAll(in)
	if err != nil || string(b) != long {
		t.Errorf("read back %d bytes of %d: %v", len(b), len(long), err)
	}
	if _, err := in.Open(); err == nil {
		t.Errorf("standard input opened twice")
	}
	// The same log, on standard input and in a zip, read by package trace.
	p := writeFile(t, t.TempDir(), "t.zip", makeZip(t, entry{name: "SERVER1/MSGTRK.LOG", data: []byte(long)}))
	for _, ex := range []Expansion{Expand([]string{"-"}, Options{Stdin: strings.NewReader(long)}), Expand([]string{p}, Options{})} {
		in := ex.Inputs[0]
		rc, err := in.Open()
		if err != nil {
			t.Fatal(err)
		}
		st, err := trace.Read(in.Name, rc, trace.Options{}, nil)
		rc.Close()
		if err != nil || st.Rows != 201 || in.Kind != kinds.Trace || st.Dialect != trace.DialectTrackingLog {
			t.Errorf("%s: %d rows, %v (kind %v, dialect %v)", in.Name, st.Rows, err, in.Kind, st.Dialect)
		}
	}
}

// TestUnreadable checks that files and folders that cannot be read are
// errors that name them.
func TestUnreadable(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("running as root, which reads everything")
	}
	dir := t.TempDir()
	f := writeFile(t, dir, "logs/secret.evtx", evtxFile(t))
	sub := filepath.Join(dir, "logs", "locked")
	writeFile(t, sub, "x.evtx", evtxFile(t))
	writeFile(t, dir, "logs/ok.evtx", evtxFile(t))
	os.Chmod(f, 0)
	os.Chmod(sub, 0)
	t.Cleanup(func() { os.Chmod(sub, 0o755) })
	ex := Expand([]string{filepath.Join(dir, "logs"), f}, Options{})
	if len(ex.Inputs) != 1 || len(ex.Errors) != 2 {
		t.Fatalf("inputs %v, errors %v", ex.Inputs, ex.Errors)
	}
	for i, name := range []string{f, sub} {
		e := ex.Errors[i]
		if e.Name != name || !errors.Is(e, os.ErrPermission) || e.Error() != name+": permission denied: run extriage as a user who can read it" {
			t.Errorf("error %d: %q (%+v)", i, e.Error(), e)
		}
	}
}

// TestArchiveClosed checks that no archive file is left open, after
// listing and after reading thousands of members.
func TestArchiveClosed(t *testing.T) {
	fds := func() int {
		ents, err := os.ReadDir("/proc/self/fd")
		if err != nil {
			t.Skip("no /proc/self/fd to count open files with")
		}
		return len(ents)
	}
	var entries []entry
	for i := 0; i < 3000; i++ {
		entries = append(entries, entry{name: "SERVER1/MSGTRK" + strings.Repeat("x", i%7) + string(rune('a'+i%26)) + itoa(i) + ".LOG", data: []byte(trackingLog)})
	}
	p := writeFile(t, t.TempDir(), "many.zip", makeZip(t, entries...))
	before := fds()
	ex := Expand([]string{p}, Options{})
	if len(ex.Inputs) != len(entries) || len(ex.Errors) > 0 {
		t.Fatalf("%d inputs of %d, errors %v", len(ex.Inputs), len(entries), ex.Errors)
	}
	if n := fds(); n != before {
		t.Errorf("%d files open after listing, %d before", n, before)
	}
	// Members open at once share one descriptor.
	var open []io.ReadCloser
	for _, in := range ex.Inputs[:100] {
		rc, err := in.Open()
		if err != nil {
			t.Fatal(err)
		}
		open = append(open, rc)
	}
	if n := fds(); n != before+1 {
		t.Errorf("%d files open with 100 members open, %d before", n, before)
	}
	for _, rc := range open {
		rc.Close()
	}
	for _, in := range ex.Inputs {
		if b, err := readAll(in); err != nil || string(b) != trackingLog {
			t.Fatalf("%s: %v", in.Name, err)
		}
	}
	if n := fds(); n != before {
		t.Errorf("%d files open after reading every member, %d before", n, before)
	}
}

func itoa(i int) string {
	var b []byte
	for {
		b = append([]byte{byte('0' + i%10)}, b...)
		if i /= 10; i == 0 {
			return string(b)
		}
	}
}

// TestArchiveChanged checks that an archive replaced after it was listed
// is not read as if it were the one listed.
func TestArchiveChanged(t *testing.T) {
	dir := t.TempDir()
	p := writeFile(t, dir, "a.zip", makeZip(t, entry{name: "a.evtx", data: evtxFile(t)}))
	ex := Expand([]string{p}, Options{})
	writeFile(t, dir, "a.zip", makeZip(t, entry{name: "b.evtx", data: evtxFile(t)}, entry{name: "a.evtx", data: evtxFile(t)}))
	if _, err := ex.Inputs[0].Open(); err == nil || !strings.Contains(err.Error(), "changed") {
		t.Errorf("opened a member of a replaced archive: %v", err)
	}
}
