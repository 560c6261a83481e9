package trace

import (
	"bytes"
	"encoding/binary"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"unicode/utf16"
)

// readAll reads data completely and returns every row.
func readAll(t testing.TB, name string, data []byte, opts Options) ([]*Row, Stats, error) {
	t.Helper()
	var rows []*Row
	st, err := Read(name, bytes.NewReader(data), opts, func(r *Row) error {
		rows = append(rows, r)
		return nil
	})
	if int64(len(rows)) != st.Rows {
		t.Fatalf("%s: emitted %d rows but Stats.Rows = %d", name, len(rows), st.Rows)
	}
	return rows, st, err
}

// mustRead is readAll for inputs that must be read without a fatal error.
func mustRead(t testing.TB, name string, data []byte, opts Options) ([]*Row, Stats) {
	t.Helper()
	rows, st, err := readAll(t, name, data, opts)
	if err != nil {
		t.Fatalf("%s: Read: %v", name, err)
	}
	return rows, st
}

// encodeUTF16 writes s as UTF-16 in the given byte order, with or without BOM.
func encodeUTF16(s string, bigEndian, bom bool) []byte {
	units := utf16.Encode([]rune(s))
	if bom {
		units = append([]uint16{0xFEFF}, units...)
	}
	out := make([]byte, 2*len(units))
	order := binary.ByteOrder(binary.LittleEndian)
	if bigEndian {
		order = binary.BigEndian
	}
	for i, u := range units {
		order.PutUint16(out[2*i:], u)
	}
	return out
}

// crlf turns a test literal's \n line ends into the \r\n Windows writes.
func crlf(s string) string { return strings.ReplaceAll(s, "\n", "\r\n") }

// csvLine joins values the way Exchange and Export-Csv quote them: a value
// with the delimiter, a quote or a line break is double-quoted, quotes doubled.
func csvLine(delim string, values ...string) string {
	out := make([]string, len(values))
	for i, v := range values {
		if strings.ContainsAny(v, delim+"\"\r\n") {
			v = `"` + strings.ReplaceAll(v, `"`, `""`) + `"`
		}
		out[i] = v
	}
	return strings.Join(out, delim)
}

// quoteAll joins values the way Windows PowerShell's Export-Csv does: every
// value double-quoted.
func quoteAll(delim string, values ...string) string {
	out := make([]string, len(values))
	for i, v := range values {
		out[i] = `"` + strings.ReplaceAll(v, `"`, `""`) + `"`
	}
	return strings.Join(out, delim)
}

// corpusDir locates shared/corpus/trace-real from this source file, so the
// tests work whatever the working directory; EXTRIAGE_TRACE_CORPUS overrides.
func corpusDir(t testing.TB) string {
	t.Helper()
	dir := os.Getenv("EXTRIAGE_TRACE_CORPUS")
	if dir == "" {
		_, file, _, ok := runtime.Caller(0)
		if !ok {
			t.Skip("trace-real corpus: cannot locate the test source file")
		}
		dir = filepath.Join(filepath.Dir(file), "..", "..", "shared", "corpus", "trace-real")
	}
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		t.Skipf("trace-real corpus not found at %s (set EXTRIAGE_TRACE_CORPUS to its folder): skipping the real-excerpt tests", dir)
	}
	return dir
}

// extra returns a Row's Extra column or fails.
func extra(t testing.TB, r *Row, name string) string {
	t.Helper()
	v, ok := r.Lookup(name)
	if !ok {
		t.Fatalf("line %d: no extra column %q in %v", r.Line, name, r.Extra)
	}
	return v
}
