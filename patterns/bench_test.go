package patterns

import (
	"testing"
)

// The matcher's costs per record, with the built-in catalog. A scan calls
// Wants for every evtx record, Match only for those Wants accepted (or for
// every record with --no-prefilter), WantsTrace for every trace row.

// BenchmarkWants: the evtx prefilter, asked about a record a signature
// wants (HighAvailability 708), a record with a wanted id in another
// channel (the classic MSExchangeRepl 2001 of the Application log), and an
// id no signature has (the common case).
func BenchmarkWants(b *testing.B) {
	m := mustBuiltin(b)
	cases := []struct {
		name              string
		channel, provider string
		id                uint32
		want              bool
	}{
		{"wanted", haChannel, haProvider, 708, true},
		{"same-id-other-channel", "Application", "MSExchangeRepl", 2001, false},
		{"other-id", "Application", "ESENT", 326, false},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if m.Wants(c.channel, c.provider, c.id) != c.want {
					b.Fatal("wrong answer")
				}
			}
		})
	}
}

// BenchmarkMatch: Match on a record that yields a hit (a 708 whose fields
// are extracted and message rendered), on a record of a wanted id that no
// signature accepts (another provider's 708 in the same channel), and on an
// Application record of an id no signature has.
func BenchmarkMatch(b *testing.B) {
	m := mustBuiltin(b)
	wanted := r708(20, "2024-03-02T08:05:00Z", "SERVER3.contoso.local", "DB1", reasonLagDisabled, "LagDisabled")
	lookalike := wanted
	lookalike.Provider = "Microsoft-Exchange-ManagedAvailability"
	unwanted := Record{Source: "evtx", File: "Application.evtx", RecordID: 1, Time: ts("2024-03-02T08:05:00Z"),
		Computer: "SERVER3.contoso.local", Channel: "Application", Provider: "ESENT", EventID: 326, Level: 4,
		Values: pos("Microsoft.Exchange.Store.Worker", "10432", "", "DB1: ", `D:\DB1\DB1.edb`, "0", "15.02.1544.004")}
	cases := []struct {
		name string
		rec  Record
		hits int
	}{
		{"wanted", wanted, 1},
		{"lookalike", lookalike, 0},
		{"unwanted", unwanted, 0},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if len(m.Match(&c.rec)) != c.hits {
					b.Fatal("wrong number of hits")
				}
			}
		})
	}
}

// BenchmarkWantsTrace: the trace prefilter on an ordinary delivery status
// and on the status of an auto-forward dropped by a remote domain.
func BenchmarkWantsTrace(b *testing.B) {
	m := mustBuiltin(b)
	cases := []struct {
		name, status string
		want         bool
	}{
		{"ordinary", "250 2.1.5 Recipient OK", false},
		{"ordinary-long", "'451 4.4.0 DNS query failed. The error was: DNS query failed with error ErrorRetry; attempts 3'", false},
		{"wanted", "250 2.1.5 RESOLVER.MSGTYPE.AF; handled AutoForward addressed to external recipient", true},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if m.WantsTrace(c.status, "SEND", "") != c.want { // rows of a tracking log or detail have an event
					b.Fatal("wrong answer")
				}
			}
		})
	}
}

// BenchmarkMatchTrace: Match on a trace row that yields a hit.
func BenchmarkMatchTrace(b *testing.B) {
	m := mustBuiltin(b)
	r := Record{Source: "trace", File: "report.csv", Line: 10, Time: ts("2024-03-02T08:00:00Z"), Columns: map[string]string{
		"event": "DROP", "sender": "ann@contoso.com", "recipient": "ann@freemail.example", "message_id": "<a@contoso.com>",
		"status":   "250 2.1.5 RESOLVER.MSGTYPE.AF; handled AutoForward addressed to external recipient",
		"response": "250 2.1.5 RESOLVER.MSGTYPE.AF; handled AutoForward addressed to external recipient",
		"server":   "EX01", "subject": "FW: figures"}}
	b.ReportAllocs()
	for b.Loop() {
		if len(m.Match(&r)) != 1 {
			b.Fatal("no hit")
		}
	}
}
