package patterns

import (
	"slices"
	"strings"
	"testing"
	"time"
)

// Statuses as the reference (§2) quotes them.
const (
	stAF        = "250 2.1.5 RESOLVER.MSGTYPE.AF; handled AutoForward addressed to external recipient"
	stAFBlob    = "[{LED=250 2.1.5 RESOLVER.MSGTYPE.AF; handled AutoForward addressed to external recipient};{MSG=};{FQDN=};{IP=};{LRT=}]"
	stSpam      = "550 5.7.520 Access denied, Your organization does not allow external forwarding. Please contact your administrator for further assistance. AS(7555)"
	stRule      = "550 5.7.1 TRANSPORT.RULES.RejectMessage; the message was rejected by organization policy"
	stOOF       = "250 2.1.5 RESOLVER.OOF.ExtNotAuth; handled external OOF addressed to external recipient"
	stExpanded  = "250 2.1.5 RESOLVER.GRP.Expanded; distribution list expanded"
	stForwarded = "250 2.1.5 RESOLVER.FWD.Forwarded; recipient forwarded"
	stAR        = "250 2.1.5 RESOLVER.MSGTYPE.AR; handled AutoReply addressed to external recipient"
	ruleID      = "2f1a0c5e-93a7-4c2b-9d64-0f4b8e1d7a21"
)

// tr builds a trace record the way the CLI adapts a trace row.
func tr(line int64, at, sender, recipient, status, msgID string, extra ...string) Record {
	t, err := time.Parse(time.RFC3339, at)
	if err != nil {
		panic(err)
	}
	cols := map[string]string{"sender": sender, "recipient": recipient, "status": status, "response": status,
		"message_id": msgID, "event": "DROP", "server": "EX01", "subject": "weekly report"}
	for i := 0; i+1 < len(extra); i += 2 {
		cols[extra[i]] = extra[i+1]
	}
	return Record{Source: "trace", File: "MSGTRK.LOG", Line: line, Time: t, Computer: cols["server"], Columns: cols}
}

// benign are the silent drops and successes that are not forwarding
// problems (reference §2).
func benign() []Record {
	var out []Record
	for i, st := range []string{stExpanded, stForwarded, stAR,
		"250 2.1.5 RESOLVER.MSGTYPE.DR; handled DeliveryReport addressed to external recipient",
		"250 2.1.5 RESOLVER.MSGTYPE.NDR; handled NDR addressed to external recipient",
		"250 2.0.0 OK", "Delivered", "Failed"} {
		out = append(out, tr(int64(i+1), "2024-02-03T09:00:00Z", "lee@tailspintoys.com", "lee.home@outside.example", st, "<b@t>"))
	}
	return out
}

func TestAutoForwardDropped(t *testing.T) {
	m := mustBuiltin(t)
	const lee, home = "lee@tailspintoys.com", "lee.home@outside.example"
	recs := []Record{
		tr(30, "2024-02-03T11:00:00Z", lee, home, stAF, "<2@t>"),
		tr(10, "2024-02-03T09:00:00Z", lee, home, stAF, "<1@t>"),
		// The same message in a second export (another file, same id): counted once.
		tr(7, "2024-02-03T09:00:00Z", lee, home, stAF, "<1@t>", "server", "EX02"),
		tr(50, "2024-02-03T12:00:00Z", "LEE@tailspintoys.com", "Lee.Home@outside.example", stAF, "<3@t>"),
		tr(60, "2024-02-03T13:00:00Z", lee, "other@outside.example", stAF, "<4@t>"),
	}
	recs[2].File = "tracking.csv"
	incs := correlate(m, append(recs, benign()...)...)
	if len(incs) != 2 {
		t.Fatalf("got %d incidents, want 2 (one per external recipient): %+v", len(incs), incs)
	}
	inc := only(t, incs[:1], "mailflow.autoforward-dropped")
	check(t, "key", inc.Key, lee+" -> "+home)
	check(t, "count", inc.Count, 3)
	check(t, "evidence", len(inc.Evidence), 4)
	check(t, "first", inc.FirstSeen.Format(time.RFC3339), "2024-02-03T09:00:00Z")
	check(t, "last", inc.LastSeen.Format(time.RFC3339), "2024-02-03T12:00:00Z")
	check[any](t, "control", inc.Fields["control"], "remote-domain")
	check[any](t, "domain", inc.Fields["recipient_domain"], "outside.example")
	check[any](t, "ids", inc.Fields["message_ids"], []string{"<1@t>", "<2@t>", "<3@t>"})
	check[any](t, "servers", inc.Fields["servers"], []string{"EX01", "EX02"})
	for _, want := range []string{"3 auto-forwarded messages to " + home, "silently dropped by a remote-domain setting (RESOLVER.MSGTYPE.AF)",
		"between 2024-02-03 09:00:00 UTC and 2024-02-03 12:00:00 UTC on EX01 and EX02", "nobody is told",
		"The sender on these rows is " + lee} {
		if !strings.Contains(inc.Explanation, want) {
			t.Errorf("explanation lacks %q:\n%s", want, inc.Explanation)
		}
	}
	if !slices.ContainsFunc(inc.Remedy, func(s Step) bool { return strings.HasPrefix(s.Command, "New-RemoteDomain -Name 'outside.example'") }) {
		t.Errorf("remedy does not offer a remote domain for outside.example: %+v", inc.Remedy)
	}
	if ev := inc.Evidence[0].Message; !strings.Contains(ev, "DROP to "+home+`, subject "weekly report": 250 2.1.5 RESOLVER.MSGTYPE.AF`) {
		t.Errorf("evidence message %q", ev)
	}
}

func TestTransportRuleID(t *testing.T) {
	m := mustBuiltin(t)
	incs := correlate(m,
		tr(1, "2024-02-03T09:00:00Z", "kim@contoso.com", "kim@outside.example", stRule, "<1@c>",
			"custom_data", "S:TRA=ETR|ruleId="+ruleID+"|st=2024-01-01T00:00:00.0000000Z|action=RejectMessage"),
		tr(2, "2024-02-03T10:00:00Z", "kim@contoso.com", "kim@outside.example", stRule, "<2@c>"))
	inc := only(t, incs, "mailflow.transport-rule-reject")
	check[any](t, "rule_id", inc.Fields["rule_id"], ruleID)
	check[any](t, "control", inc.Fields["control"], "transport-rule")
	check(t, "count", inc.Count, 2)
	check(t, "step", inc.Remedy[0].Command, "Get-TransportRule -Identity '"+ruleID+"'"+
		" | Format-List Name,State,Mode,Priority,MessageTypeMatches,SentToScope,ExceptIfRecipientDomainIs,RejectMessageReasonText,RejectMessageEnhancedStatusCode")
}

// Rows without a message id (a damaged export) still count, one each.
func TestCountWithoutMessageID(t *testing.T) {
	m := mustBuiltin(t)
	inc := only(t, correlate(m,
		tr(1, "2024-02-03T09:00:00Z", "a@c.com", "b@x.example", stSpam, ""),
		tr(2, "2024-02-03T09:00:00Z", "a@c.com", "b@x.example", stSpam, "")), "mailflow.autoforward-rejected-spam-policy")
	check(t, "count", inc.Count, 2)
}

func TestWantsTrace(t *testing.T) {
	m := mustBuiltin(t)
	for st, want := range map[string]bool{stAF: true, strings.ToLower(stSpam): true, stRule: true, stOOF: true,
		stExpanded: false, stForwarded: false, "": false, "Delivered": false, "RESOLVER.MSGTYPE.A": false} {
		if got := m.WantsTrace(st, "", ""); got != want {
			t.Errorf("WantsTrace(%q) = %v, want %v", st, got, want)
		}
	} // DELIVER and RECEIVE rows name forwarders; custom data carries custom rejects.
	for _, tc := range []struct {
		event, custom string
		want          bool
	}{{"DELIVER", "", true}, {"receive", "", true}, {"SEND", "", false}, {"", etr("Enforce"), true}, {"", "S:TRA=ETR|ruleId=x|action=SetSCL", false}} {
		if got := m.WantsTrace("250 2.0.0 OK", tc.event, tc.custom); got != tc.want {
			t.Errorf("WantsTrace(OK, %q, %q) = %v, want %v", tc.event, tc.custom, got, tc.want)
		}
	}
}

func TestCountDistinctUnknownField(t *testing.T) {
	cat := &Catalog{Signatures: []Signature{{ID: "s", Source: "trace", StatusContains: []string{"x"}, Fields: []string{"sender"}}},
		Incidents: []Rule{{ID: "i", Title: "t", Severity: "low", Require: []Selector{{Signature: "s"}}, Key: []string{"sender"},
			CountDistinct: "message_id", Explain: "e"}}}
	_, err := Compile(cat)
	if err == nil || !strings.Contains(err.Error(), "count_distinct message_id: no signature of this incident has that field") {
		t.Errorf("err = %v", err)
	}
}
