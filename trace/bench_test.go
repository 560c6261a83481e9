package trace

import (
	"fmt"
	"io"
	"runtime"
	"strings"
	"testing"
	"time"
)

// extendedSource produces a historical search extended report of n rows,
// in UTF-16 LE without a BOM as Exchange Online delivers it or in UTF-8 as
// it is often saved again, without ever holding more than one block of
// rows: a header, then a block of distinct rows repeated until n rows have
// been produced.
type extendedSource struct {
	header, block []byte
	perBlock      int
	left          int // rows still to produce
	cur           []byte
	produced      int64
}

func newExtendedSource(n int) *extendedSource { return newExtendedSourceIn(n, true) }

func newExtendedSourceIn(n int, utf16 bool) *extendedSource {
	const perBlock = 1000
	if n%perBlock != 0 {
		panic("extendedSource: n must be a multiple of 1000")
	}
	var b strings.Builder
	for i := range perBlock {
		b.WriteString(extendedRow(i))
	}
	header := quoteAll(",", headerExtended...) + "\r\n"
	enc := func(s string) []byte { return []byte(s) }
	if utf16 {
		enc = func(s string) []byte { return encodeUTF16(s, false, false) }
	}
	return &extendedSource{
		header:   enc(header),
		block:    enc(b.String()),
		perBlock: perBlock,
		left:     n,
	}
}

// extendedRow is a realistic row: times out of order, 1-3 recipients with
// paired statuses, subjects in several scripts, custom data.
func extendedRow(i int) string {
	events := []string{"RECEIVE", "DELIVER", "SEND", "FAIL", "DROP", "EXPAND", "HARED"}
	subjects := []string{"Quarterly figures", "Re: \"Budget\", Q3", "Отчёт за март", "月次報告", "Invoice 4711 – überfällig", subjFormula}
	t := time.Date(2024, 5, 7, 0, 0, 0, 0, time.UTC).Add(time.Duration((i*7919)%86400) * time.Second).Add(time.Duration(i%1000) * time.Millisecond)
	nr := 1 + i%3
	rcpt, status := make([]string, nr), make([]string, nr)
	for j := range nr {
		rcpt[j] = fmt.Sprintf("user%d.%d@contoso.test", i%97, j)
		status[j] = "250 2.1.5 Recipient OK"
		if i%11 == 0 {
			status[j] = "'" + blob520 + "'"
		}
	}
	return quoteAll(",", fill(headerExtended, map[string]string{
		"date_time_utc": t.Format("2006-01-02T15:04:05.0000000Z"), "client_ip": "203.0.113.7",
		"client_hostname": "mail.vendor.example", "server_ip": "10.20.30.40", "server_hostname": "AM0PR01MB1234",
		"source_context": "08DC6E6F5B20A1B2;2024-05-07T10:15:30.000Z;0", "connector_id": "AM0PR01MB1234\\Default AM0PR01MB1234",
		"source": "SMTP", "event_id": events[i%len(events)], "internal_message_id": fmt.Sprint(1000000 + i),
		"message_id": fmt.Sprintf("<%d.bench@contoso.test>", i), "network_message_id": "9c0a6f31-0b6e-4c1d-9a0e-08dc6e6f5b20",
		"recipient_address": strings.Join(rcpt, ";"), "recipient_status": strings.Join(status, ";"),
		"total_bytes": fmt.Sprint(2048 + i), "recipient_count": fmt.Sprint(nr), "message_subject": subjects[i%len(subjects)],
		"sender_address": "alice@contoso.test", "return_path": "alice@contoso.test", "message_info": "2024-05-07T10:15:29.000Z;SRV=AM0PR01MB1234",
		"directionality": "Originating", "tenant_id": "72f988bf-86f1-41af-91ab-2d7cd011db47", "original_client_ip": "198.51.100.4",
		"custom_data": "S:E2ELatency=0.412;S:MsgRecipCount=1;S:IncludeInSla=True;S:DeliveryPriority=Normal",
	})...) + "\r\n"
}

// Read implements io.Reader.
func (s *extendedSource) Read(p []byte) (int, error) {
	if len(s.cur) == 0 {
		switch {
		case s.header != nil:
			s.cur, s.header = s.header, nil
		case s.left > 0:
			s.cur, s.left = s.block, s.left-s.perBlock
		default:
			return 0, io.EOF
		}
	}
	n := copy(p, s.cur)
	s.cur = s.cur[n:]
	s.produced += int64(n)
	return n, nil
}

// BenchmarkReadExtendedUTF16 streams a million-row extended report in
// UTF-16 LE and reports throughput in rows and input megabytes per second.
func BenchmarkReadExtendedUTF16(b *testing.B) { benchExtended(b, true) }

// BenchmarkReadExtendedUTF8 is the same report in UTF-8, the encoding of
// the throughput target (docs/performance.md).
func BenchmarkReadExtendedUTF8(b *testing.B) { benchExtended(b, false) }

func benchExtended(b *testing.B, utf16 bool) {
	const rows = 1_000_000
	var total, bytesIn int64
	for b.Loop() {
		src := newExtendedSourceIn(rows, utf16)
		st, err := Read("bench.csv", src, Options{}, func(*Row) error { return nil })
		if err != nil || st.Records != rows || st.ProblemCount != 0 {
			b.Fatalf("records %d problems %v err %v", st.Records, st.Problems, err)
		}
		total += st.Records
		bytesIn += src.produced
	}
	secs := b.Elapsed().Seconds()
	b.SetBytes(bytesIn / int64(b.N))
	b.ReportMetric(float64(total)/secs, "rows/s")
}

// BenchmarkReadMemory shows that memory does not grow with the input: the
// peak heap in use while streaming 1M rows is compared with 100k rows.
func BenchmarkReadMemory(b *testing.B) {
	for b.Loop() {
		small := peakHeap(b, 100_000)
		large := peakHeap(b, 1_000_000)
		b.ReportMetric(small/(1<<20), "heap-MiB@100k")
		b.ReportMetric(large/(1<<20), "heap-MiB@1M")
		b.ReportMetric(large/small, "heap-growth-x")
		if large > 4*small {
			b.Errorf("heap in use grew from %.1f MiB to %.1f MiB with 10x the rows", small/(1<<20), large/(1<<20))
		}
	}
}

// peakHeap streams n rows and samples HeapInuse as it goes.
func peakHeap(b *testing.B, n int) float64 {
	runtime.GC()
	var ms runtime.MemStats
	var peak uint64
	count := 0
	_, err := Read("mem.csv", newExtendedSource(n), Options{}, func(*Row) error {
		count++
		if count%20_000 == 0 {
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapInuse)
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	return float64(peak)
}
