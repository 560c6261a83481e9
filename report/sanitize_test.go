package report

import "testing"

func TestClean(t *testing.T) {
	tests := []struct {
		name, in  string
		keepLines bool
		want      string
	}{
		{"plain", "DB1\\SERVER3", false, "DB1\\SERVER3"},
		{"colour", "a\x1b[31mred\x1b[0m b", false, "ared b"},
		{"cursor move", "x\x1b[2J\x1b[1;1Hy", false, "xy"},
		{"title by OSC, BEL", "a\x1b]0;pwned\x07b", false, "ab"},
		{"title by OSC, ST", "a\x1b]0;pwned\x1b\\b", false, "ab"},
		{"unterminated CSI", "a\x1b[31", false, "a"},
		{"lone ESC", "a\x1b", false, "a"},
		{"two-byte escape", "a\x1bcb", false, "ab"},
		{"C0 controls", "a\x00b\x07c\x08d", false, "abcd"},
		{"DEL and C1", "a\x7fb\u0085c\u009bd", false, "abcd"},
		{"newline to space", "one\ntwo", false, "one two"},
		{"newline kept", "one\ntwo", true, "one\ntwo"},
		{"CRLF", "one\r\ntwo", true, "one\ntwo"},
		{"tab", "a\tb", true, "a b"},
		{"bidi override", "invoice\u202Efdp.exe", false, "invoicefdp.exe"},
		{"bidi isolates and marks", "a\u2066b\u2069c\u200fd\u200ee", false, "abcde"},
		{"invalid UTF-8", "a\xffb", false, "ab"},
		{"Japanese", "山田太郎", false, "山田太郎"},
		{"Hebrew", "שלום עולם", false, "שלום עולם"},
		{"markup is not Clean's business", "<script>alert(1)</script>", false, "<script>alert(1)</script>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Clean(tt.in, tt.keepLines); got != tt.want {
				t.Errorf("Clean(%q, %v) = %q, want %q", tt.in, tt.keepLines, got, tt.want)
			}
		})
	}
}
