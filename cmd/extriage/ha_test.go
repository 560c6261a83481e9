package main

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestHAShapes scans each HA fixture of a real event shape (catalog review
// R3-R28) and checks what an admin reads: the incident, its key, its count,
// the commands in order (quoted), and the sentences that carry the finding.
func TestHAShapes(t *testing.T) {
	cases := []struct {
		dir      string
		pattern  string
		key      string
		count    int
		commands []string // the first commands, in order
		says     []string // in the explanation or a remedy step
		never    []string
	}{
		{"field-case", "ha.lagged-copy-not-lagging", `DB1\SERVER3`, 8, []string{
			`Get-MailboxDatabaseCopyStatus -Identity 'DB1' | ft Name,Status,ReplayLagStatus`,
			`Get-ServerComponentState 'SERVER4' | ft Component,State`,
			`Get-MailboxServer | ft Name,DatabaseCopyAutoActivationPolicy`,
			`Add-MailboxDatabaseCopy -Identity 'DB1' -MailboxServer '<server>' -WhatIf`,
			`Set-MailboxServer -Identity 'SERVER4' -DatabaseCopyAutoActivationPolicy Unrestricted -WhatIf`,
		}, []string{"The copies on SERVER4, SERVER5 and SERVER6 are on servers with DatabaseCopyAutoActivationPolicy Blocked",
			"StartDagServerMaintenance.ps1 sets its policy to Blocked",
			"Unrestricted allows automatic cross-site activation of every database copy on that server"},
			[]string{"contoso.local'", "SERVER4.contoso.local and"}},
		{"early-warning", "ha.lag-disable-pending", `DB5\SERVER1`, 4, []string{
			`Get-MailboxDatabaseCopyStatus -Identity 'DB5' | ft Name,Status,ReplayLagStatus`,
			`Get-MailboxServer | ft Name,DatabaseCopyAutoActivationPolicy`,
			`Add-MailboxDatabaseCopy -Identity 'DB5' -MailboxServer '<server>' -WhatIf`,
			`Set-MailboxServer -Identity '<server>' -DatabaseCopyAutoActivationPolicy Unrestricted -WhatIf`,
		}, []string{"the lag will be disabled within 24 h of the first 738 here, at about 2024-04-09 06:00:00 UTC",
			"3 servers are Blocked (not named in the event)"},
			[]string{"Identity ''", "Server ''"}},
		{"failed-copy", "ha.lagged-copy-not-lagging", `DB6\SERVER3`, 8, []string{
			`Get-MailboxDatabaseCopyStatus -Identity 'DB6' | ft Name,Status,ReplayLagStatus`,
			`Resume-MailboxDatabaseCopy -Identity 'DB6\SERVER2' -WhatIf`,
			`Suspend-MailboxDatabaseCopy -Identity 'DB6\SERVER2' -WhatIf; Update-MailboxDatabaseCopy -Identity 'DB6\SERVER2' -SafeDeleteExistingFiles -WhatIf`,
		}, []string{"The copy of DB6 on SERVER2 is not healthy", "First, with no policy change: resume the failed copy of DB6 on SERVER2",
			"as the event wrote them: Database copy 'DB6' on server 'SERVER2.contoso.local' has status 'FailedAndSuspended'.",
			"The copy on SERVER4 is on a server with DatabaseCopyAutoActivationPolicy Blocked"}, nil},
		{"admin-disabled", "ha.lagged-copy-not-lagging", `DB7\SERVER2`, 2, []string{
			`Get-MailboxDatabaseCopyStatus -Identity 'DB7' | ft Name,Status,ReplayLagStatus`,
			`Search-AdminAuditLog -Cmdlets 'Resume-MailboxDatabaseCopy' -Parameters DisableReplayLag | fl RunDate,Caller,ObjectModified,CmdletParameters`,
		}, []string{"or an administrator who resumed the copy with Resume-MailboxDatabaseCopy -DisableReplayLag",
			"A lag an administrator disabled is not re-enabled by Replay Lag Manager"},
			[]string{"re-enables lag by itself (it re-checks"}},
		{"restart", "ha.lagged-copy-not-lagging", `DB8\SERVER3`, 10, []string{
			`Get-MailboxDatabaseCopyStatus -Identity 'DB8' | ft Name,Status,ReplayLagStatus`,
		}, []string{"The copies on SERVER5 and SERVER6 are on servers with DatabaseCopyAutoActivationPolicy Blocked", "its 738 events here say so"},
			[]string{"No event 738 for this copy"}},
		{"localised", "ha.lagged-copy-not-lagging", `DB9\SERVER3`, 8, nil, []string{
			"The reason of its 738 could not be read", "“Bei der Verfügbarkeitsprüfung der Datenbank 'DB9' sind Fehler aufgetreten"},
			[]string{"No event found here names the failed availability checks"}},
		{"low-disk", "ha.lag-playdown-low-disk", `DB2\SERVER2`, 2, []string{
			`Get-MailboxDatabaseCopyStatus -Identity 'DB2\SERVER2' | fl Id,ReplayLagStatus`,
			`Get-MailboxDatabase -Identity 'DB2' | fl LogFolderPath`,
		}, []string{"The volume had 7.9 GB free of 200 GB.", "restart the Microsoft Exchange DAG Management service on SERVER2"}, nil},
		{"page-patching", "ha.lag-playdown-page-patching", `DB3\SERVER1`, 4, []string{
			`Get-MailboxDatabaseCopyStatus -Identity 'DB3\SERVER1' | fl Id,Status,ReplayLagStatus`,
			`Get-WinEvent -ComputerName 'SERVER1' -FilterHashtable @{LogName='Application'; ProviderName='MSExchangeRepl'; Id=4131}`,
			`Suspend-MailboxDatabaseCopy -Identity 'DB3\SERVER1' -WhatIf; Update-MailboxDatabaseCopy -Identity 'DB3\SERVER1' -SafeDeleteExistingFiles -WhatIf`,
		}, []string{"(generations 1201777 to 1201804)", "PlayDownReason LogsInRequiredRange", "Reseeding loses the lagged aspect of the copy"}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.dir, func(t *testing.T) {
			doc, _ := scanJSON(t, filepath.Join(fixtures, "evtx", tc.dir))
			if len(doc.Incidents) != 1 {
				t.Fatalf("%d incidents, want 1", len(doc.Incidents))
			}
			inc := doc.Incidents[0]
			if inc.Pattern != tc.pattern || inc.Key != tc.key || inc.Count != tc.count {
				t.Errorf("incident %s %s count %d, want %s %s count %d", inc.Pattern, inc.Key, inc.Count, tc.pattern, tc.key, tc.count)
			}
			var cmds []string
			text := inc.Explanation
			for _, s := range inc.Remedy {
				text += "\n" + s.Text + "\n" + s.SideEffects
				if s.Command != "" {
					cmds = append(cmds, s.Command)
					if s.Shell != "ems" {
						t.Errorf("command %q: shell %q, want ems", s.Command, s.Shell)
					}
				}
			}
			if len(cmds) < len(tc.commands) || !slices.Equal(cmds[:len(tc.commands)], tc.commands) {
				t.Errorf("commands\n got %q\nwant %q first", cmds, tc.commands)
			}
			for _, s := range tc.says {
				if !strings.Contains(text, s) {
					t.Errorf("no %q in:\n%s", s, text)
				}
			}
			for _, s := range append(tc.never, "(template error") {
				if strings.Contains(text+strings.Join(cmds, "\n"), s) {
					t.Errorf("%q in:\n%s\n%s", s, text, cmds)
				}
			}
		})
	}
}

// R28: the three lagged copies held back by the same Blocked server share
// one Set-MailboxServer, and each incident says so.
func TestHAManyCopiesRollUp(t *testing.T) {
	doc, _ := scanJSON(t, filepath.Join(fixtures, "evtx", "many-copies"))
	if len(doc.Incidents) != 3 {
		t.Fatalf("%d incidents, want 3", len(doc.Incidents))
	}
	const cmd = `Set-MailboxServer -Identity 'SERVER4' -DatabaseCopyAutoActivationPolicy Unrestricted -WhatIf`
	const says = `This one command fixes 3 incidents of this scan (DB21\SERVER3, DB22\SERVER3 and DB23\SERVER3): run it once.`
	for _, inc := range doc.Incidents {
		i := slices.IndexFunc(inc.Remedy, func(s remedyStep) bool { return s.Command == cmd })
		if i < 0 || !strings.HasSuffix(inc.Remedy[i].Text, says) {
			t.Errorf("%s: no rolled-up %q step: %+v", inc.Key, cmd, inc.Remedy)
		}
	}
}
