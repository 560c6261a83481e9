package patterns

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
)

// A remedy command is only safe to paste where it runs: Set-MailboxServer
// exists only in the Exchange Management Shell, the HostedOutboundSpamFilter
// cmdlets only in Exchange Online PowerShell (catalog review R25). So every
// step with a command names its shell, and a command that changes state
// carries -WhatIf, so what an admin pastes first only shows what it would do.

// shells are the values of a step's shell: key and what reports call them.
var shells = map[string]string{
	"ems":  "Exchange Management Shell",
	"exo":  "Exchange Online PowerShell",
	"both": "Exchange Management Shell or Exchange Online PowerShell",
}

// ShellName is what a report calls the shell of a step ("" for none).
func ShellName(shell string) string { return shells[shell] }

// checkShell validates a step's shell against its command.
func checkShell(shell string, hasCommand bool) error {
	if !hasCommand {
		if shell != "" {
			return errors.New("shell: a step without a command runs in no shell")
		}
		return nil
	}
	if shell == "" {
		return errors.New("shell: missing; say where the command runs: ems (Exchange Management Shell), exo (Exchange Online PowerShell) or both")
	}
	if _, ok := shells[shell]; !ok {
		return fmt.Errorf("shell %q: want ems (Exchange Management Shell), exo (Exchange Online PowerShell) or both", shell)
	}
	return nil
}

// changingVerb matches a cmdlet whose verb changes state.
var changingVerb = regexp.MustCompile(`(?i)^(New|Set|Add|Update|Suspend|Resume|Remove|Enable|Disable|Start|Stop|Move|Restore)-[A-Za-z]+$`)

// changingCmdlets lists the state-changing cmdlets of a rendered command
// that lack -WhatIf, and reports whether any changing cmdlet is present.
// The command is cut into its statements and pipeline elements (at ; | &
// and newlines, and at the edges of script blocks and subexpressions)
// outside quoted strings; a statement that invokes a changing cmdlet must
// carry -WhatIf itself, since -WhatIf on one cmdlet protects no other.
func changingCmdlets(cmd string) (missing []string, changes bool) {
	for _, seg := range psSegments(cmd) {
		cmdlet, whatIf := "", false
		for _, w := range seg {
			if cmdlet == "" && changingVerb.MatchString(w) {
				cmdlet = w
			}
			if strings.EqualFold(w, "-WhatIf") || strings.EqualFold(w, "-WhatIf:$true") {
				whatIf = true
			}
		}
		if cmdlet != "" {
			changes = true
			if !whatIf {
				missing = append(missing, cmdlet)
			}
		}
	}
	return missing, changes
}

// psSegments splits a command into segments of bare words; quoted strings
// are dropped (a cmdlet name inside a string runs nothing).
func psSegments(cmd string) [][]string {
	var segs [][]string
	var seg []string
	var word strings.Builder
	endWord := func() {
		if word.Len() > 0 {
			seg = append(seg, word.String())
			word.Reset()
		}
	}
	endSeg := func() {
		endWord()
		if len(seg) > 0 {
			segs = append(segs, seg)
		}
		seg = nil
	}
	rs := []rune(cmd)
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		switch {
		case strings.ContainsRune(psQuotes, r) || r == '"':
			endWord()
			i = skipString(rs, i)
		case strings.ContainsRune(";|&\n{}()", r):
			endSeg()
		case r == ' ' || r == '\t' || r == ',':
			endWord()
		default:
			word.WriteRune(r)
		}
	}
	endSeg()
	return segs
}

// skipString returns the index of the quote that closes the string opened
// at rs[i]: single-quoted strings end at an undoubled single quote, double-
// quoted ones at an undoubled, unescaped double quote.
func skipString(rs []rune, i int) int {
	single := rs[i] != '"'
	for i++; i < len(rs); i++ {
		switch {
		case !single && rs[i] == '`':
			i++
		case single && strings.ContainsRune(psQuotes, rs[i]), !single && rs[i] == '"':
			if i+1 < len(rs) && rs[i+1] == rs[i] {
				i++
				continue
			}
			return i
		}
	}
	return i
}

// lintWhatIf checks a command rendered on trial data: every changing cmdlet
// carries -WhatIf, and the step says what the change does.
func lintWhatIf(cmd, sideEffects string) error {
	missing, changes := changingCmdlets(cmd)
	if len(missing) > 0 {
		return fmt.Errorf("%s changes state: add -WhatIf to it, so that pasting the command first shows what it would do", strings.Join(missing, ", "))
	}
	if changes && strings.TrimSpace(sideEffects) == "" {
		return errors.New("side_effects: missing; a command that changes state must say what else the change affects")
	}
	return nil
}
