package eventexport

import (
	"bytes"
	"fmt"
	"github.com/extriage/extriage/evtx"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
)

// readAll reads an export held in memory and keeps copies of its records.
func readAll(t testing.TB, data []byte) ([]Record, Stats, error) {
	t.Helper()
	return readWith(t, data, Options{})
}

// readWith reads as readAll does, with options.
func readWith(t testing.TB, data []byte, opts Options) ([]Record, Stats, error) {
	t.Helper()
	var recs []Record
	st, err := Read("sample", bytes.NewReader(data), opts, func(r *Record) {
		c := *r
		c.Values = append([]evtxValue(nil), r.Values...)
		recs = append(recs, c)
	})
	return recs, st, err
}

// The encodings an export arrives in, by the names Stats.Encoding gives.
var encodings = []string{"utf-8", "utf-8 (bom)", "utf-16le (bom)", "utf-16be (bom)", "utf-16le", "utf-16be", "windows-1252 (not utf-8)"}

// encode writes s in the encoding named e.
func encode(t testing.TB, s string, e string) []byte {
	t.Helper()
	var out []byte
	var err error
	switch e {
	case "utf-8":
		return []byte(s)
	case "utf-8 (bom)":
		return append([]byte{0xEF, 0xBB, 0xBF}, s...)
	case "utf-16le (bom)":
		out, err = unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().Bytes([]byte(s))
	case "utf-16be (bom)":
		out, err = unicode.UTF16(unicode.BigEndian, unicode.UseBOM).NewEncoder().Bytes([]byte(s))
	case "utf-16le":
		out, err = unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM).NewEncoder().Bytes([]byte(s))
	case "utf-16be":
		out, err = unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM).NewEncoder().Bytes([]byte(s))
	case "windows-1252 (not utf-8)":
		out, err = charmap.Windows1252.NewEncoder().Bytes([]byte(s))
	default:
		t.Fatalf("no encoding %q", e)
	}
	if err != nil {
		t.Fatalf("encoding the sample as %v: %v", e, err)
	}
	return out
}

// valuesText renders values as name=value lines, for readable failures.
func valuesText(vs []evtxValue) string {
	var b strings.Builder
	for _, v := range vs {
		b.WriteString(v.Name + "=" + v.Value + "\n")
	}
	return b.String()
}

type evtxValue = evtx.Value

// systemText renders a record's System fields and line, for comparing.
func systemText(r Record) string {
	return fmt.Sprintf("file=%s line=%d record=%d time=%s computer=%s channel=%s provider=%s id=%d level=%d",
		r.File, r.Line, r.RecordID, r.Time.UTC().Format(time.RFC3339Nano), r.Computer, r.Channel, r.Provider, r.EventID, r.Level)
}
