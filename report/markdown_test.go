package report

import (
	"strings"
	"testing"
)

func TestMarkdownText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain text", "plain text"},
		{"a | b", `a \| b`},
		{"`code`", "\\`code\\`"},
		{"*bold* _it_ ~strike~", `\*bold\* \_it\_ \~strike\~`},
		{"<script>alert(1)</script>", `\<script\>alert(1)\</script\>`},
		{"[click](javascript:alert(1))", `\[click\](javascript:alert(1))`},
		{"![img](x)", `!\[img\](x)`},
		{"&lt; entity", `\&lt; entity`},
		{`DB1\SERVER3`, `DB1\\SERVER3`},
		{"# title ##", `\# title \#\#`},
		{"$x$ math", `\$x\$ math`},
		{"see http://evil.example/a", `see http\://evil.example/a`},
		{"www.evil.example and awww.x", `www\.evil.example and awww.x`},
		{"line\nbreak", "line break"},
		{"a\x1b[31mred", "ared"},
		{"\u202Eevil", "evil"},
		{"山田 שלום", "山田 שלום"},
	}
	for _, tt := range tests {
		if got := mdText(tt.in); got != tt.want {
			t.Errorf("mdText(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestMarkdownBlock(t *testing.T) {
	tests := []struct{ in, want string }{
		{"one\ntwo", "one\ntwo"},
		{"- item", `\- item`},
		{"+ item", `\+ item`},
		{"====", `\====`},
		{"12. item", `12\. item`},
		{"3) item", `3\) item`},
		{"2024 was a year", "2024 was a year"},
		{"    indented code", "indented code"},
		{"> quote", `\> quote`},
		{"text\n# heading", "text\n\\# heading"},
		{"```\nfence", "\\`\\`\\`\nfence"},
	}
	for _, tt := range tests {
		if got := mdBlock(tt.in); got != tt.want {
			t.Errorf("mdBlock(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestMarkdownFence: no code can close its fence early, whatever runs of
// backticks it holds.
func TestMarkdownFence(t *testing.T) {
	tests := []struct{ code, fence string }{
		{"Get-Mailbox", "```"},
		{"a `b` c", "```"},
		{"```\n</code>", "````"},
		{"x ````` y", "``````"},
	}
	for _, tt := range tests {
		got := mdFence(tt.code, "powershell")
		lines := strings.Split(got, "\n")
		if lines[0] != tt.fence+"powershell" || lines[len(lines)-1] != tt.fence {
			t.Errorf("mdFence(%q) = %q, want fence %q", tt.code, got, tt.fence)
		}
		for _, l := range lines[1 : len(lines)-1] {
			if strings.HasPrefix(strings.TrimLeft(l, " "), tt.fence) {
				t.Errorf("mdFence(%q): line %q would close the block", tt.code, l)
			}
		}
	}
}

// TestMarkdownTables: in the rendered sample, every row of a table has as
// many cells as its header, so no log string split or joined a cell.
func TestMarkdownTables(t *testing.T) {
	out := render(t, "markdown", sample(), Options{AllEvidence: true})
	want := -1
	for i, line := range strings.Split(out, "\n") {
		if !strings.HasPrefix(line, "|") {
			want = -1
			continue
		}
		n := cellSeparators(line)
		if want < 0 {
			want = n
		} else if n != want {
			t.Errorf("line %d has %d cell separators, its table %d: %s", i+1, n, want, line)
		}
	}
}

// cellSeparators counts the pipes no backslash escapes.
func cellSeparators(line string) int {
	n, escaped := 0, false
	for i := 0; i < len(line); i++ {
		switch {
		case escaped:
			escaped = false
		case line[i] == '\\':
			escaped = true
		case line[i] == '|':
			n++
		}
	}
	return n
}

// TestMarkdownCommands: each fix command appears whole inside its own
// fenced block.
func TestMarkdownCommands(t *testing.T) {
	r := sample()
	out := render(t, "markdown", r, Options{})
	for _, inc := range r.Incidents {
		for _, st := range inc.Remedy {
			if st.Command != "" && !strings.Contains(out, mdFence(commandBlock(st), "powershell")+"\n") {
				t.Errorf("command %q is not in a fenced block of its own", st.Command)
			}
		}
	}
}
