package patterns

import (
	"slices"
	"strconv"
	"strings"
	"testing"
)

// Statuses and custom data of the review's shapes. The OOF subtypes are
// the review's (R12); the wording Exchange writes after them is not
// public, so these statuses stop after the code. A custom reject code's
// response is the rule's own (R31): "550 5.7.900" and the admin's text.
const (
	stOOFIntToExt = "250 2.1.5 RESOLVER.OOF.IntToExt"
	stOOFExtToInt = "250 2.1.5 RESOLVER.OOF.ExtToInt"
	stCustomCode  = "550 5.7.900 Forwarding to outside addresses is not allowed here"
	traceID       = "7d4c0d9e-3b1a-4f52-9e61-2c8a5b0f1d34"
)

func etr(mode string) string {
	return "S:TRA=ETR|ruleId=" + ruleID + "|st=2024-01-10T08:00:00.0000000Z|action=RejectMessage|sev=1|mode=" + mode
}

// shape is one real event shape of the review and what the catalog must
// make of it.
type shape struct {
	name    string
	recs    []Record
	pattern string // the incident under test; exactly one
	count   int    // incidents of that pattern
	key     string
	title   string // substring
	fields  map[string]any
	says    []string // sentences (substrings) of the explanation and the step texts
	never   []string // substrings no title, explanation, text or command may hold
	cmds    []string // commands that must be offered, whole
	absent  []string // no command may contain these
}

func mailflowShapes() []shape {
	const lee, home = "lee@contoso.com", "lee.home@outside.example"
	return []shape{
		{name: "IDN: punycode and Unicode spellings are one domain (R15)",
			recs: []Record{
				tr(1, "2024-02-03T09:00:00Z", lee, "lee@xn--mller-kva.example", stAF, "<1@c>", "direction", "Originating"),
				tr(2, "2024-02-03T10:00:00Z", lee, "lee@müller.example", stAF, "<2@c>", "direction", "Originating"),
			},
			pattern: "mailflow.autoforward-dropped", count: 1, key: lee + " -> lee@xn--mller-kva.example",
			fields: map[string]any{"recipient_domain": "xn--mller-kva.example", "recipient_domain_unicode": "müller.example",
				"message_ids": []string{"<1@c>", "<2@c>"}},
			says: []string{"applies to xn--mller-kva.example (müller.example)"},
			cmds: []string{"New-RemoteDomain -Name 'xn--mller-kva.example' -DomainName 'xn--mller-kva.example' -WhatIf"},
		},
		{name: "redirect of an outside sender's mail: the forwarder is the DELIVER row's mailbox (R11)",
			recs: []Record{
				tr(1, "2024-02-03T09:00:00Z", "billing@partner.example", lee, "250 2.0.0 OK", "<in1@partner.example>",
					"event", "RECEIVE", "direction", "Incoming"),
				tr(2, "2024-02-03T09:00:01Z", "billing@partner.example", lee, "250 2.0.0 OK", "<in1@partner.example>",
					"event", "DELIVER", "direction", "Incoming"),
				tr(3, "2024-02-03T09:00:02Z", "billing@partner.example", home, stAF, "<in1@partner.example>", "direction", "Incoming"),
			},
			pattern: "mailflow.autoforward-dropped", count: 1,
			title:  "Auto-forwarded mail to " + home + " is silently dropped (forwarded by " + lee + ")",
			fields: map[string]any{"forwarders": []string{lee}, "sender_incoming": "Incoming"},
			says:   []string{"received the original message is " + lee, "so billing@partner.example on the dropped copy is not the forwarder"},
			cmds: []string{"Get-InboxRule -Mailbox '" + lee + "' -IncludeHidden | Where-Object { $_.ForwardTo -or $_.RedirectTo -or $_.ForwardAsAttachmentTo } | Format-List Name,Enabled,ForwardTo,RedirectTo,ForwardAsAttachmentTo",
				"Get-Mailbox -Identity '" + lee + "' | Format-List ForwardingSmtpAddress,ForwardingAddress,DeliverToMailboxAndForward"},
			absent: []string{"'billing@partner.example'"},
		},
		{name: "redirect of an outside sender's mail, no DELIVER row: forwarder unknown, no mailbox cmdlet on the outsider (R11)",
			recs: []Record{
				tr(3, "2024-02-03T09:00:02Z", "billing@partner.example", home, stAF, "<in1@partner.example>", "direction", "Incoming"),
			},
			pattern: "mailflow.autoforward-dropped", count: 1,
			title: "Auto-forwarded mail to " + home + " is silently dropped (forwarder unknown)",
			says: []string{"these logs do not name the mailbox that redirected the message",
				"Auto forwarded messages report", "X-MS-Exchange-Inbox-Rules-Loop"},
			cmds:   []string{"Get-MessageTrackingLog -MessageId '<in1@partner.example>' -EventId DELIVER | Format-List Timestamp,EventId,Recipients,Sender"},
			absent: []string{"Get-InboxRule", "Get-Mailbox ", "New-HostedOutboundSpamFilterPolicy", "billing@partner.example'"},
		},
		{name: "consumer domain: no organization-wide remote domain (R1)",
			recs:    []Record{tr(1, "2024-02-03T09:00:00Z", lee, "lee.private@GMAIL.com", stAF, "<1@c>", "direction", "Originating")},
			pattern: "mailflow.autoforward-dropped", count: 1,
			says: []string{"gmail.com is a consumer mail service: do not allow automatic forwarding to it for the organization"},
			cmds: []string{"New-HostedOutboundSpamFilterPolicy -Name 'Allow forwarding " + lee + "' -AutoForwardingMode On -WhatIf; New-HostedOutboundSpamFilterRule -Name 'Allow forwarding " + lee + "' -HostedOutboundSpamFilterPolicy 'Allow forwarding " + lee + "' -From '" + lee + "' -Priority 0 -WhatIf",
				"Get-MessageTrackingLog -EventId DROP -Recipients 'lee.private@gmail.com' -Start '2024-02-03T09:00:00Z' -End '2024-02-03T09:01:00Z' | Format-List Timestamp,Sender,Recipients,RecipientStatus,MessageSubject",
				"Get-MessageTraceV2 -RecipientAddress 'lee.private@gmail.com' -StartDate '2024-02-03T09:00:00Z' -EndDate '2024-02-03T09:01:00Z' | Get-MessageTraceDetailV2"},
			absent: []string{"New-RemoteDomain", "Set-RemoteDomain"},
			never:  []string{"Every mailbox in the organization may then forward"}, // no side effects without the command
		},
		{name: "partner domain: remote domain worded as organization-wide, transport rule in Audit mode (R1, R2)",
			recs:    []Record{tr(1, "2024-02-03T09:00:00Z", lee, home, stAF, "<1@c>", "direction", "Originating")},
			pattern: "mailflow.autoforward-dropped", count: 1,
			says: []string{"A remote domain applies to the whole organization", "the block wins",
				"Create it in Audit mode", "does not match mailbox (SMTP) forwarding"},
			cmds: []string{"New-RemoteDomain -Name 'outside.example' -DomainName 'outside.example' -WhatIf",
				"New-TransportRule -Name 'Reject external auto-forward' -FromScope InOrganization -SentToScope NotInOrganization -MessageTypeMatches AutoForward -ExceptIfRecipientDomainIs '<partner domain>' -RejectMessageReasonText 'Automatic forwarding to external recipients is not allowed.' -Mode Audit -WhatIf"},
			absent: []string{"Set-RemoteDomain", `"`},
		},
		{name: "5.7.520: the outbound policy step at priority 0 (R23)",
			recs:    []Record{tr(1, "2024-02-03T09:00:00Z", "dana@contoso.com", "dana@fabrikam.example", stSpam, "<1@c>")},
			pattern: "mailflow.autoforward-rejected-spam-policy", count: 1,
			says: []string{"Automatic, which here behaved as Off", "a new rule gets the lowest priority"},
			cmds: []string{"Get-InboxRule -Mailbox 'dana@contoso.com' -IncludeHidden | Where-Object { $_.ForwardTo -or $_.RedirectTo -or $_.ForwardAsAttachmentTo } | Format-List Name,Enabled,ForwardTo,RedirectTo,ForwardAsAttachmentTo"},
		},
		{name: "OOF IntToExt: one note per mailbox, not per correspondent (R12, R29)",
			recs: []Record{
				tr(1, "2024-02-03T09:00:00Z", "kim@contoso.com", "a@partner.example", stOOFIntToExt, "<o1@c>"),
				tr(2, "2024-02-03T09:10:00Z", "kim@contoso.com", "b@outside.example", stOOFIntToExt, "<o2@c>"),
				tr(3, "2024-02-03T09:20:00Z", "Kim@contoso.com", "c@fabrikam.example", stOOFIntToExt, "<o3@c>"),
			},
			pattern: "mailflow.oof-internal-to-external", count: 1, key: "kim@contoso.com",
			title:  "Internal out-of-office replies of kim@contoso.com were not sent outside (3 correspondents)",
			fields: map[string]any{"correspondents": []string{"a@partner.example", "b@outside.example", "c@fabrikam.example"}},
			says:   []string{"internal out-of-office reply, addressed outside", "its default, External, sends only the replies designated as external", "only InternalLegacy sends internal ones"},
			cmds:   []string{"Get-MailboxAutoReplyConfiguration -Identity 'kim@contoso.com' | Format-List AutoReplyState,ExternalAudience,ExternalMessage; Get-RemoteDomain | Format-Table Name,DomainName,AllowedOOFType"},
		},
		{name: "OOF ExtToInt: the internal party is the recipient; no cmdlet on the outsider (R12)",
			recs: []Record{
				tr(1, "2024-02-03T09:00:00Z", "a@partner.example", "kim@contoso.com", stOOFExtToInt, "<o1@p>"),
				tr(2, "2024-02-03T09:30:00Z", "b@outside.example", "kim@contoso.com", stOOFExtToInt, "<o2@p>"),
			},
			pattern: "mailflow.oof-external-to-internal", count: 1, key: "kim@contoso.com",
			says:   []string{"no remote domain setting applies"},
			absent: []string{"a@partner.example", "Get-MailboxAutoReplyConfiguration"},
			never:  []string{"AllowedOOFType"},
		},
		{name: "OOF of another subtype: quoted, one note per mailbox",
			recs: []Record{
				tr(1, "2024-02-03T09:00:00Z", "pat@contoso.com", "x@outside.example", stOOF, "<o1@c>"),
				tr(2, "2024-02-03T09:00:00Z", "pat@contoso.com", "y@outside.example", stOOF, "<o2@c>"),
			},
			pattern: "mailflow.oof-suppressed", count: 1, key: "pat@contoso.com",
			says: []string{"(RESOLVER.OOF.ExtNotAuth)"},
		},
		{name: "custom reject code, mode=Enforce: a transport-rule reject, not called a forward (R31, R10)",
			recs: []Record{tr(1, "2024-02-03T09:00:00Z", "kim@contoso.com", "kim@outside.example", stCustomCode, "<r1@c>",
				"event", "FAIL", "custom_data", etr("Enforce"))},
			pattern: "mailflow.transport-rule-reject", count: 1,
			title:  "Mail from kim@contoso.com to kim@outside.example was rejected by transport rule " + ruleID,
			fields: map[string]any{"rule_id": ruleID},
			says:   []string{"Nothing in these logs shows that the messages were forwarded"},
			never:  []string{"Auto-forwarded", "auto-forwarded"},
			cmds:   []string{"Get-TransportRule -Identity '" + ruleID + "' | Format-List Name,State,Mode,Priority,MessageTypeMatches,SentToScope,ExceptIfRecipientDomainIs,RejectMessageReasonText,RejectMessageEnhancedStatusCode"},
			absent: []string{"Get-InboxRule"},
		},
		{name: "standard reject seen by status and custom data: one record is one evidence (R31)",
			recs: []Record{tr(1, "2024-02-03T09:00:00Z", "kim@contoso.com", "kim@outside.example", stRule, "<r1@c>",
				"event", "FAIL", "custom_data", etr("Enforce"))},
			pattern: "mailflow.transport-rule-reject", count: 1,
		},
		{name: "reject of a redirected message: forwarding shown by the DELIVER row (R10)",
			recs: []Record{
				tr(1, "2024-02-03T09:00:00Z", "ann@contoso.com", "jo@contoso.com", "250 2.0.0 OK", "<r2@c>", "event", "DELIVER"),
				tr(2, "2024-02-03T09:00:01Z", "ann@contoso.com", "jo@partner.example", stRule, "<r2@c>", "event", "FAIL",
					"custom_data", etr("Enforce")),
			},
			pattern: "mailflow.transport-rule-reject", count: 1,
			fields: map[string]any{"forwarders": []string{"jo@contoso.com"}},
			says:   []string{"The message was first delivered to jo@contoso.com, so it reached jo@partner.example by forwarding or redirection"},
			cmds: []string{"Get-InboxRule -Mailbox 'jo@contoso.com' -IncludeHidden | Where-Object { $_.ForwardTo -or $_.RedirectTo -or $_.ForwardAsAttachmentTo } | " +
				"Format-List Name,Enabled,ForwardTo,RedirectTo,ForwardAsAttachmentTo; Get-Mailbox -Identity 'jo@contoso.com' | Format-List ForwardingSmtpAddress,DeliverToMailboxAndForward"},
		},
		{name: "Audit-mode row: nothing rejected, an info note per rule (R31, R2)",
			recs: []Record{
				tr(1, "2024-02-03T09:00:00Z", "kim@contoso.com", "kim@outside.example", "250 2.6.0 Queued mail for delivery", "<a1@c>",
					"event", "AGENTINFO", "custom_data", etr("Audit")),
				tr(2, "2024-02-03T10:00:00Z", "ann@contoso.com", "ann@outside.example", "250 2.6.0 Queued mail for delivery", "<a2@c>",
					"event", "AGENTINFO", "custom_data", etr("Audit")),
			},
			pattern: "mailflow.transport-rule-audit", count: 1, key: ruleID,
			says: []string{"took no action that affects delivery"},
			cmds: []string{"Set-TransportRule -Identity '" + ruleID + "' -Mode Enforce -WhatIf"},
		},
		{name: "V2 summary with Failed rows: a hint with the detail command (R26)",
			recs: []Record{
				tr(1, "2024-02-14T10:15:31Z", "dana@contoso.com", "dana@fabrikam.example", "Failed", "<f1@c>",
					"event", "", "message_trace_id", "11111111-2222-4333-8444-555555555555"),
				tr(2, "2024-02-14T11:02:09Z", "dana@contoso.com", "dana@fabrikam.example", "Failed", "<f2@c>",
					"event", "", "message_trace_id", traceID),
				tr(3, "2024-02-14T11:05:00Z", "dana@contoso.com", "bob@contoso.com", "Delivered", "<d1@c>",
					"event", "", "message_trace_id", traceID),
			},
			pattern: "mailflow.trace-summary-failed", count: 1, key: "MSGTRK.LOG",
			title: "2 Failed messages in a message-trace summary",
			says:  []string{"it has a Status for each recipient, never the reason"},
			cmds: []string{"Get-MessageTraceDetailV2 -MessageTraceId '" + traceID + "' -RecipientAddress 'dana@fabrikam.example'",
				"Import-Csv -Path 'MSGTRK.LOG' | Where-Object { $_.Status -eq 'Failed' } | ForEach-Object { Get-MessageTraceDetailV2 -MessageTraceId $_.MessageTraceId -RecipientAddress $_.RecipientAddress } | Export-Csv -Path 'MessageTraceDetail.csv' -NoTypeInformation -Encoding UTF8"},
		},
	}
}

func TestMailflowShapes(t *testing.T) {
	m := mustBuiltin(t)
	for _, sh := range mailflowShapes() {
		t.Run(sh.name, func(t *testing.T) {
			all := correlate(m, sh.recs...)
			var incs []Incident
			for _, inc := range all {
				if inc.Pattern == sh.pattern {
					incs = append(incs, inc)
				}
			}
			if len(incs) != sh.count {
				t.Fatalf("%d %s incidents, want %d: %+v", len(incs), sh.pattern, sh.count, all)
			}
			inc := incs[0]
			if sh.key != "" {
				check(t, "key", inc.Key, sh.key)
			}
			if !strings.Contains(inc.Title, sh.title) {
				t.Errorf("title %q lacks %q", inc.Title, sh.title)
			}
			for k, want := range sh.fields {
				check(t, "field "+k, inc.Fields[k], want)
			}
			words := inc.Title + "\n" + inc.Explanation
			var cmds []string
			for _, st := range inc.Remedy {
				words += "\n" + st.Text + "\n" + st.SideEffects
				if st.Command != "" {
					cmds = append(cmds, st.Command)
				}
			}
			for _, s := range sh.says {
				if !strings.Contains(words, s) {
					t.Errorf("no sentence says %q:\n%s", s, words)
				}
			}
			for _, s := range sh.never {
				if strings.Contains(words+strings.Join(cmds, "\n"), s) {
					t.Errorf("%q appears:\n%s\n%s", s, words, strings.Join(cmds, "\n"))
				}
			}
			for _, c := range sh.cmds {
				if !slices.Contains(cmds, c) {
					t.Errorf("command not offered:\n %s\ncommands:\n %s", c, strings.Join(cmds, "\n "))
				}
			}
			for _, a := range sh.absent {
				for _, c := range cmds {
					if strings.Contains(c, a) {
						t.Errorf("command holds %q: %s", a, c)
					}
				}
			}
			if sh.pattern == "mailflow.transport-rule-reject" && len(inc.Evidence) != len(sh.recs)-countEvent(sh.recs, "DELIVER") {
				t.Errorf("evidence %d records, want one per reject row: %+v", len(inc.Evidence), inc.Evidence)
			}
		})
	}
}

func countEvent(recs []Record, event string) int {
	n := 0
	for _, r := range recs {
		if r.Columns["event"] == event {
			n++
		}
	}
	return n
}

// An Audit-mode row changed nothing: it raises no reject (R31).
func TestAuditRowIsNoReject(t *testing.T) {
	m := mustBuiltin(t)
	for _, inc := range correlate(m, tr(1, "2024-02-03T09:00:00Z", "kim@contoso.com", "kim@outside.example",
		"250 2.6.0 Queued mail for delivery", "<a1@c>", "event", "AGENTINFO", "custom_data", etr("Audit"))) {
		if inc.Pattern == "mailflow.transport-rule-reject" {
			t.Errorf("an Audit row raised %s: %s", inc.Pattern, inc.Title)
		}
	}
}

// The consumer-domain list is data: a user directory replaces it (R1).
func TestConsumerDomainListOverride(t *testing.T) {
	m := mustLoad(t, map[string]string{"lists.yaml": "lists:\n  consumer_mail_domains: [outside.example]\n"})
	recs := []Record{
		tr(1, "2024-02-03T09:00:00Z", "lee@contoso.com", "lee.home@outside.example", stAF, "<1@c>"),
		tr(2, "2024-02-03T09:00:00Z", "lee@contoso.com", "lee@gmail.com", stAF, "<2@c>"),
	}
	offered := map[string]bool{}
	for _, inc := range correlate(m, recs...) {
		for _, st := range inc.Remedy {
			if strings.HasPrefix(st.Command, "New-RemoteDomain") {
				offered[inc.Fields["recipient_domain"].(string)] = true
			}
		}
	}
	check(t, "remote domain offered", offered, map[string]bool{"gmail.com": true})
}

// A list a template names must exist; a user list file names its list once.
func TestListErrors(t *testing.T) {
	for name, files := range map[string]map[string]string{
		"twice in one layer": {"a.yaml": "lists: {consumer_mail_domains: [a.example]}\n", "b.yaml": "lists: {consumer_mail_domains: [b.example]}\n"},
	} {
		if _, err := Load(writeDir(t, files)); err == nil || !strings.Contains(err.Error(), "consumer_mail_domains") {
			t.Errorf("%s: err = %v", name, err)
		}
	}
	cat := &Catalog{Signatures: []Signature{{ID: "s", Source: "trace", StatusContains: []string{"x"}, Fields: []string{"sender"}}},
		Incidents: []Rule{{ID: "i", Title: `{{if listed "nope" .sender}}x{{end}}`, Severity: "low",
			Require: []Selector{{Signature: "s"}}, Key: []string{"sender"}}}}
	if _, err := Compile(cat); err == nil || !strings.Contains(err.Error(), `no list "nope"`) {
		t.Errorf("unknown list: err = %v", err)
	}
}

func TestIDNAForms(t *testing.T) {
	for _, tc := range []struct{ in, ascii, unicode, addr string }{
		{"müller.example", "xn--mller-kva.example", "müller.example", "Lee@xn--mller-kva.example"},
		{"XN--MLLER-KVA.example", "xn--mller-kva.example", "müller.example", "Lee@xn--mller-kva.example"},
		{"Outside.Example.", "outside.example", "outside.example", "Lee@outside.example"},
		{"bad_domain.example", "bad_domain.example", "bad_domain.example", "Lee@bad_domain.example"}, // kept, not dropped
	} {
		check(t, "ascii "+tc.in, domainASCII(tc.in), tc.ascii)
		check(t, "unicode "+tc.in, domainUnicode(tc.in), tc.unicode)
		check(t, "address "+tc.in, addressASCII("Lee@"+tc.in), tc.addr)
	}
}

// The rows a join reads are not kept as hits, and the join keeps at most
// maxJoinEntries of them, whatever the log delivered.
func TestJoinIsBounded(t *testing.T) {
	defer func(n int) { maxJoinEntries = n }(maxJoinEntries)
	maxJoinEntries = 1000
	m := mustBuiltin(t)
	c := NewCorrelator(m)
	add := func(r Record) {
		for _, h := range m.Match(&r) {
			c.Add(h)
		}
	}
	for i := 0; i < maxJoinEntries+50; i++ {
		add(tr(int64(i+1), "2024-02-03T09:00:00Z", "ann@contoso.com", "jo@contoso.com", "250 2.0.0 OK",
			"<"+strconv.Itoa(i)+"@c>", "event", "DELIVER"))
	}
	for i, groups := range c.groups {
		if len(groups) != 0 {
			t.Errorf("rule %s holds %d keys of delivery rows", c.rules[i].id, len(groups))
		}
	}
	if c.joins.entries != maxJoinEntries {
		t.Errorf("join holds %d entries, want the cap %d", c.joins.entries, maxJoinEntries)
	}
	// An early message still names its mailbox; one past the cap cannot.
	add(tr(1, "2024-02-03T09:00:01Z", "ann@contoso.com", "jo@partner.example", stRule, "<7@c>"))
	add(tr(2, "2024-02-03T09:00:01Z", "ann@contoso.com", "kim@partner.example", stRule, "<1040@c>"))
	got := map[string]any{}
	for _, inc := range c.Incidents() {
		got[inc.Fields["recipient"].(string)] = inc.Fields["forwarders"]
		if !inc.JoinCapped || !strings.Contains(inc.Explanation, "may be incomplete") {
			t.Errorf("%s: the incident does not say that the join table was full", inc.Key)
		}
	}
	check(t, "forwarders", got, map[string]any{"jo@partner.example": []string{"jo@contoso.com"}, "kim@partner.example": nil})
}
