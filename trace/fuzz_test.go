package trace

import (
	"bytes"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// FuzzRead feeds arbitrary bytes to Read (and Sniff): it must never panic,
// and what it reports must stay consistent with what it emitted.
func FuzzRead(f *testing.F) {
	seeds := [][]byte{
		[]byte(rawLog()),
		[]byte(trackingCSV()),
		append([]byte{0xEF, 0xBB, 0xBF}, trackingCSVGerman()...),
		encodeUTF16(messageTrace(), false, true),
		encodeUTF16(messageTraceV2German(), false, false),
		encodeUTF16(traceDetail(), true, true),
		encodeUTF16(extendedReport(), false, false),
		encodeUTF16(enhancedSummary("origin_timestamp"), true, false),
		[]byte(enhancedSummary("origin_timestamp_utc")),
		[]byte("Timestamp,EventId\r\n\"10/7/2020 7:27:20 PM\",\"RECEIVE\"\r\n\"13/7/2020 7:27:20 PM\",\"x\r\n"),
		encodeUTF16("date_time_utc,event_id\r\n2024-05-07T10:15:30Z,RECEIVE\r\n", false, true)[:41],
		{0xFF, 0xFE, 0x00, 0xD8, 0x23, 0x00},
		[]byte("#Software: x\r\n#Fields: date-time,event-id\r\n\"a\"b\",c\r\n#Fields: date-time\r\nx\r\n"),
	}
	if _, file, _, ok := runtime.Caller(0); ok {
		dir := filepath.Join(filepath.Dir(file), "..", "..", "shared", "corpus", "trace-real")
		if files, err := filepath.Glob(filepath.Join(dir, "*.log")); err == nil {
			for _, p := range files {
				if b, err := os.ReadFile(p); err == nil {
					seeds = append(seeds, b)
				}
			}
		}
	}
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		Sniff(data)
		for _, opts := range []Options{{}, {MaxRecordBytes: 256, Lookahead: 2, MaxProblems: 3, Location: time.FixedZone("x", 3600)}} {
			checkRead(t, data, opts)
		}
	})
}

func checkRead(t *testing.T, data []byte, opts Options) {
	var n int64
	st, err := Read("fuzz", bytes.NewReader(data), opts, func(r *Row) error {
		n++
		if r.Line < 1 || r.File != "fuzz" {
			t.Fatalf("row with line %d file %q", r.Line, r.File)
		}
		if r.TimeKnown && r.Time.Location() != time.UTC {
			t.Fatalf("line %d: time %v not UTC", r.Line, r.Time)
		}
		if !r.TimeKnown && !r.Time.IsZero() {
			t.Fatalf("line %d: unknown time but Time = %v", r.Line, r.Time)
		}
		return nil
	})
	if n != st.Rows {
		t.Fatalf("emitted %d rows, Stats.Rows %d", n, st.Rows)
	}
	if err != nil && !strings.HasPrefix(err.Error(), "fuzz") {
		t.Fatalf("error does not name the file: %v", err)
	}
	if n > 0 && st.Dialect == DialectUnknown {
		t.Fatal("rows emitted without a dialect")
	}
	if st.Skipped > st.Records || int64(len(st.Problems)) > st.ProblemCount {
		t.Fatalf("inconsistent stats %+v", st)
	}
	limit := opts.MaxProblems
	if limit == 0 {
		limit = 100
	}
	if len(st.Problems) > limit {
		t.Fatalf("%d problems kept, cap %d", len(st.Problems), limit)
	}
}
