package textio

import (
	"io"
	"slices"
	"strings"
	"testing"
)

// got is one record as the tests compare it.
type got struct {
	line    int64
	fields  []string
	comment string
	problem string
	note    string
}

func readRecords(t *testing.T, rr *CSVReader) []got {
	t.Helper()
	var out []got
	for {
		rec, err := rr.Next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatalf("Next: %v", err)
		}
		out = append(out, got{rec.Line, slices.Clone(rec.Fields), rec.Comment, rec.Problem, rec.Note})
	}
}

// Records know the physical line they start on; quoted fields run over
// line breaks (Export-Csv), blank lines are skipped, a BOM at the start of
// a line is a concatenated file's, and damage is a problem on its line.
func TestCSVReader(t *testing.T) {
	tests := []struct {
		name      string
		in        string
		setup     func(*CSVReader)
		want      []got
		lastLines int64
	}{
		{"quoted multi-line", "\"a\",\"b\"\r\n\"1\",\"two\r\nlines\"\r\n\r\n3,\"say \"\"hi\"\"\"\r\n", nil,
			[]got{{line: 1, fields: []string{"a", "b"}}, {line: 2, fields: []string{"1", "two\r\nlines"}}, {line: 5, fields: []string{"3", `say "hi"`}}}, 5},
		{"semicolons", "x;y\n1;2\n", func(r *CSVReader) { r.Delim = ';' },
			[]got{{line: 1, fields: []string{"x", "y"}}, {line: 2, fields: []string{"1", "2"}}}, 2},
		{"stray quote noted", "a,\"b\"c\n", nil, []got{{line: 1, fields: []string{"a", "bc"}, note: "text after a closing quote kept as written"}}, 1},
		{"quote never closes", "a,b\n\"open,x\nmore\n", nil,
			[]got{{line: 1, fields: []string{"a", "b"}}, {line: 2, problem: "a quoted value opened here never closes before the end of the input; row skipped"}}, 3},
		{"single-line records and comments", "#Fields: a,b\n\"x,1\n2,3\n", func(r *CSVReader) { r.Multiline, r.Comments = false, true },
			[]got{{line: 1, comment: "#Fields: a,b"}, {line: 2, problem: "a quoted value is not closed on its line; row skipped"}, {line: 3, fields: []string{"2", "3"}}}, 3},
		{"bom mid-file", "a\n\xEF\xBB\xBFb\n", nil, []got{{line: 1, fields: []string{"a"}}, {line: 2, fields: []string{"b"}}}, 2},
		{"cut mid-line", "a,b\nc,", nil, []got{{line: 1, fields: []string{"a", "b"}}, {line: 2, fields: []string{"c", ""}}}, 2},
		{"record over the cap", "ok\n" + strings.Repeat("x", 100) + "\nok\n", func(r *CSVReader) { r.MaxRecord = 50 },
			[]got{{line: 1, fields: []string{"ok"}}, {line: 2, problem: "line longer than 50 bytes; skipped"}, {line: 3, fields: []string{"ok"}}}, 3},
	}
	for _, tt := range tests {
		rr := NewCSVReader(strings.NewReader(tt.in), 1<<20)
		if tt.setup != nil {
			tt.setup(rr)
		}
		recs := readRecords(t, rr)
		if len(recs) != len(tt.want) {
			t.Errorf("%s: %+v, want %+v", tt.name, recs, tt.want)
			continue
		}
		for i := range recs {
			g, w := recs[i], tt.want[i]
			if g.line != w.line || !slices.Equal(g.fields, w.fields) || g.comment != w.comment || g.problem != w.problem || g.note != w.note {
				t.Errorf("%s: record %d = %+v, want %+v", tt.name, i, g, w)
			}
		}
		if rr.Line() != tt.lastLines || rr.Offset() != int64(len(tt.in)) {
			t.Errorf("%s: %d lines, %d bytes read; want %d and %d", tt.name, rr.Line(), rr.Offset(), tt.lastLines, len(tt.in))
		}
	}
}

// An input that is not UTF-8 is noted at its first such line.
func TestCSVReaderBadUTF8(t *testing.T) {
	rr := NewCSVReader(strings.NewReader("a\nb\xe9\nc\xe9\n"), 1<<20)
	rr.CheckUTF8 = true
	readRecords(t, rr)
	if rr.BadUTF8Line() != 2 {
		t.Errorf("first bad line %d, want 2", rr.BadUTF8Line())
	}
}

func TestSniffDelimiter(t *testing.T) {
	for in, want := range map[string]byte{
		`"Timestamp","ClientIp","Sender"`:     ',',
		`"Timestamp";"ClientIp";"Sender"`:     ';',
		"Level\tDate and Time\tSource":        '\t',
		`"a;b;c","d","e"`:                     ',', // separators inside quotes do not count
		`"Nachricht; mit Semikolon",Id,Level`: ',',
	} {
		if got := SniffDelimiter([]byte(in)); got != want {
			t.Errorf("SniffDelimiter(%q) = %q, want %q", in, got, want)
		}
	}
}
