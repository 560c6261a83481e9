package trace

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// The elastic excerpt is rows only: read as it is, it gives the same rows
// as with the 2016 header put in front, one line earlier, and a warning.
func TestCorpusHeaderless(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(corpusDir(t), "exchange2016-2019-MSGTRK-rows-elastic-integrations.log"))
	if err != nil {
		t.Skipf("corpus file missing: %v", err)
	}
	bare, st := mustRead(t, "elastic.log", data, Options{})
	withHeader, _ := mustRead(t, "elastic.log", append([]byte(fields2016+"\n"), data...), Options{})
	if len(bare) != 6 || len(withHeader) != 6 || st.Dialect != DialectTrackingLog {
		t.Fatalf("rows %d and %d, dialect %v", len(bare), len(withHeader), st.Dialect)
	}
	for i := range bare {
		want := *withHeader[i]
		want.Line--
		if !reflect.DeepEqual(*bare[i], want) {
			t.Errorf("row %d:\n got %+v\nwant %+v", i, *bare[i], want)
		}
	}
	if len(st.Warnings) != 1 || st.Warnings[0].Line != 1 || !strings.Contains(st.Warnings[0].Message, "Exchange 2016/2019 column order") {
		t.Errorf("warnings %+v", st.Warnings)
	}
	if d, ok := Sniff(data); !ok || d != DialectTrackingLog {
		t.Errorf("Sniff = %v, %v", d, ok)
	}
}

func TestHeaderlessVersions(t *testing.T) {
	row := func(n int, first string) string {
		f := make([]string, n)
		f[0] = first
		f[8] = "DROP"
		return strings.Join(f, ",") + "\r\n"
	}
	tests := []struct {
		name, data string
		ok         bool
		version    string
	}{
		{"2010", row(26, "2016-04-05T00:00:02.052Z"), true, "Exchange 2010"},
		{"2013", row(27, "2016-04-05T00:00:02Z"), true, "Exchange 2013"},
		{"2016", row(30, "2024-01-25T15:16:09.843Z"), true, "Exchange 2016/2019"},
		{"29 columns", row(29, "2024-01-25T15:16:09.843Z"), false, ""},
		{"local time", row(30, "2024-01-25 15:16:09"), false, ""},
		{"no time", row(30, "hello"), false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows, st, err := readAll(t, "x.log", []byte(tt.data), Options{})
			if !tt.ok {
				if err == nil {
					t.Errorf("read %d rows, want ErrUnknownFormat", len(rows))
				}
				if _, ok := Sniff([]byte(tt.data)); ok {
					t.Error("Sniff accepts it")
				}
				return
			}
			if err != nil || len(rows) != 1 || rows[0].Event != "DROP" || !rows[0].TimeKnown || rows[0].Line != 1 {
				t.Fatalf("err %v rows %+v", err, rows)
			}
			if len(st.Warnings) != 1 || !strings.Contains(st.Warnings[0].Message, tt.version+" column order") {
				t.Errorf("warnings %+v", st.Warnings)
			}
		})
	}
}
