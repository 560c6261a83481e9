package report

import (
	"encoding/json"
	"testing"
)

func TestEscapeJSON(t *testing.T) {
	in := "a\u0085b\u009bc\x7fd\u202ee\u00e9"
	b, _ := json.Marshal(in)
	got := string(EscapeJSON(b))
	if want := `"a\u0085b\u009bc\u007fd\u202ee` + "\u00e9" + `"`; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
	var back string
	if err := json.Unmarshal([]byte(got), &back); err != nil || back != in {
		t.Errorf("round trip %q, %v", back, err)
	}
	if CSVCell("=cmd|x") != "'=cmd|x" {
		t.Error("formula not defused")
	}
}
