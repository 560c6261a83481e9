package patterns

import (
	"slices"
	"testing"
)

func TestChangingCmdlets(t *testing.T) {
	for _, tc := range []struct {
		cmd     string
		missing []string
		changes bool
	}{
		{`Get-Mailbox 'a@b.example' | fl Name`, nil, false},
		{`Set-MailboxServer -Identity 'S1' -DatabaseCopyAutoActivationPolicy Unrestricted -WhatIf`, nil, true},
		{`Set-MailboxServer -Identity 'S1' -DatabaseCopyAutoActivationPolicy Unrestricted`, []string{"Set-MailboxServer"}, true},
		{`set-mailboxserver 'S1' -whatif`, nil, true}, // cmdlets and switches are case-insensitive
		// -WhatIf on one statement protects no other.
		{`New-RemoteDomain -Name 'p.example' -DomainName 'p.example' -WhatIf; Set-RemoteDomain 'p.example' -AutoForwardEnabled $true`, []string{"Set-RemoteDomain"}, true},
		{`Get-InboxRule -Mailbox 'a@b.example' | Remove-InboxRule`, []string{"Remove-InboxRule"}, true},
		{`Get-InboxRule -Mailbox 'a@b.example' | ForEach-Object { Disable-InboxRule $_.Identity }`, []string{"Disable-InboxRule"}, true},
		// A cmdlet name inside a string runs nothing; -WhatIf inside one protects nothing.
		{`Write-Output 'Set-Mailbox'`, nil, false},
		{`New-TransportRule -Name 'x' -RejectMessageReasonText "Set-Mailbox; -WhatIf"`, []string{"New-TransportRule"}, true},
		{`New-TransportRule -Name 'it''s -WhatIf' -Mode Audit`, []string{"New-TransportRule"}, true},
		{`Resume-MailboxDatabaseCopy -Identity 'DB1\S1' -WhatIf:$true`, nil, true},
		{`Get-MessageTraceV2 -RecipientAddress 'r@x.example' | Get-MessageTraceDetailV2`, nil, false},
	} {
		missing, changes := changingCmdlets(tc.cmd)
		if !slices.Equal(missing, tc.missing) || changes != tc.changes {
			t.Errorf("changingCmdlets(%s) = %v, %v; want %v, %v", tc.cmd, missing, changes, tc.missing, tc.changes)
		}
	}
}

// Every step of the built-in catalog that shows a command says in which
// shell, and every changing command carries -WhatIf and its side effects.
func TestCatalogStepsNameTheirShell(t *testing.T) {
	m := mustBuiltin(t)
	n := 0
	for _, r := range m.rules {
		for si, s := range r.remedy {
			step := renderStep(s, fill(r, "a.b@contoso.example"))
			if step.Command == "" {
				continue
			}
			n++
			if ShellName(step.Shell) == "" {
				t.Errorf("%s remedy #%d: shell %q", r.id, si+1, step.Shell)
			}
			missing, changes := changingCmdlets(step.Command)
			if len(missing) > 0 {
				t.Errorf("%s remedy #%d: %v without -WhatIf", r.id, si+1, missing)
			}
			if changes && step.SideEffects == "" {
				t.Errorf("%s remedy #%d: changes state but says no side effect", r.id, si+1)
			}
		}
	}
	if n == 0 {
		t.Fatal("no command rendered")
	}
}
