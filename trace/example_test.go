package trace_test

import (
	"fmt"
	"strings"

	"github.com/extriage/extriage/trace"
)

// A raw tracking log with the silent drop of an auto-forwarded message: the
// row's status is a multi-value member, single-quoted because it holds ';'.
func ExampleRead() {
	log := "#Software: Microsoft Exchange Server\r\n" +
		"#Log-type: Message Tracking Log\r\n" +
		"#Fields: date-time,server-hostname,source-context,source,event-id,recipient-address,recipient-status,sender-address\r\n" +
		"2024-03-04T08:00:03.000Z,EX01,BlockAFToExternalUser,ROUTING,DROP,alice.private@freemail.example," +
		"'250 2.1.5 RESOLVER.MSGTYPE.AF; handled AutoForward addressed to external recipient',alice@contoso.test\r\n"
	st, err := trace.Read("MSGTRK2024030408-1.LOG", strings.NewReader(log), trace.Options{}, func(r *trace.Row) error {
		fmt.Printf("%s:%d %s %s %s %s -> %s\n%s\n", r.File, r.Line, r.Time.Format("2006-01-02 15:04:05Z07:00"),
			r.Event, r.SourceContext, r.Sender, r.Recipient, r.Status)
		return nil
	})
	fmt.Println(st.Dialect, st.Rows, err)
	// Output:
	// MSGTRK2024030408-1.LOG:4 2024-03-04 08:00:03Z DROP BlockAFToExternalUser alice@contoso.test -> alice.private@freemail.example
	// 250 2.1.5 RESOLVER.MSGTYPE.AF; handled AutoForward addressed to external recipient
	// tracking-log 1 <nil>
}

// Sniff routes files by content: here the first bytes of an extended report.
func ExampleSniff() {
	d, ok := trace.Sniff([]byte("\"date_time_utc\",\"client_ip\",\"event_id\",\"recipient_address\"\r\n"))
	fmt.Println(d, ok)
	// Output: extended-report true
}
