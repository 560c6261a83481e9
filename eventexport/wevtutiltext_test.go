package eventexport

import (
	"strings"
	"testing"
	"time"
)

// §2's public sample (TryHackMe "Windows Event Logs" write-ups), verbatim:
// its "…" line stands for keys the excerpt cut.
const sampleWevtutilText = "Event[0]:\r\n  Log Name: Application\r\n  Source: WLMS\r\n  Date: 2020-12-14T17:09:08.940\r\n  Event ID: 100\r\n  …\r\n  Computer: WIN-1O0UJBNP9G7\r\n  Description:\r\nN/A\r\n"

// haTextEvent is a 738 in the same shape, its description on two lines.
func haTextEvent(n int, date string) string {
	return "Event[" + itoa(n) + "]:\r\n  Log Name: Microsoft-Exchange-HighAvailability/Operational\r\n  Source: Microsoft-Exchange-HighAvailability\r\n" +
		"  Date: " + date + "\r\n  Event ID: 738\r\n  Task: N/A\r\n  Level: Informationen\r\n  Opcode: Info\r\n  Keyword: N/A\r\n  User: S-1-5-18\r\n  User Name: NT AUTHORITY\\SYSTEM\r\n  Computer: SERVER3.contoso.local\r\n  Description: \r\n" +
		"Replay Lag Manager suppressed a request to disable replay lag for database copy 'DB1\\SERVER3' after a suppression interval of 1.00:00:00. Disable Reason: line one\r\nline two\r\n\r\n"
}

func TestWevtutilText(t *testing.T) {
	recs, st, err := readAll(t, []byte(sampleWevtutilText))
	if err != nil || st.Format != WevtutilText || len(recs) != 1 || st.Damaged() || len(st.Lacks) != 2 || len(st.Warnings) != 1 {
		t.Fatalf("format %v, %d records, problems %v, lacks %q, warnings %q, %v", st.Format, len(recs), st.Problems, st.Lacks, st.Warnings, err)
	}
	want := "file=sample line=1 record=0 time=2020-12-14T17:09:08.94Z computer=WIN-1O0UJBNP9G7 channel=Application provider=WLMS id=100 level=0"
	if got := systemText(recs[0]); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	if v := valuesText(recs[0].Values); v != "Message=N/A\n" {
		t.Errorf("values %q", v)
	}

	in := haTextEvent(0, "2024-02-12T07:00:00.140") + haTextEvent(1, "2024-02-12T11:00:00.000")
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Skipf("no time zone database: %v", err)
	}
	for _, e := range []string{"utf-8", "utf-16le (bom)"} {
		recs, st, err = readWith(t, encode(t, in, e), Options{Location: berlin})
		if err != nil || len(recs) != 2 || st.Damaged() || len(st.Warnings) != 0 {
			t.Fatalf("%s: %d records, problems %v, warnings %q, %v", e, len(recs), st.Problems, st.Warnings, err)
		}
		r := recs[1]
		if r.Line != 17 || r.EventID != 738 || r.Level != 0 || !r.Time.Equal(time.Date(2024, 2, 12, 10, 0, 0, 0, time.UTC)) ||
			!strings.HasSuffix(r.Values[0].Value, "Disable Reason: line one\r\nline two") {
			t.Errorf("%s: %s %q", e, systemText(r), r.Values)
		}
	}
}

// A block cut before its description is kept, and said to be.
func TestWevtutilTextDamage(t *testing.T) {
	in := haTextEvent(0, "2024-02-12T07:00:00.140") + "Event[1]:\r\n  Log Name: System\r\n  Source: Serv"
	recs, st, err := readAll(t, []byte(in))
	if err != nil || len(recs) != 2 || len(st.Problems) != 1 || st.Problems[0].Line != 17 ||
		!strings.Contains(st.Problems[0].Message, "no Description") || recs[1].Provider != "Serv" {
		t.Fatalf("%d records, problems %v, %v", len(recs), st.Problems, err)
	}
}
