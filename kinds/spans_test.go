package kinds

import (
	"fmt"
	"testing"
	"time"
)

func TestSpansBounded(t *testing.T) {
	s := Spans{}
	at := time.Date(2024, 2, 3, 9, 0, 0, 0, time.UTC)
	for i := range MaxServers + 500 {
		s.Add(fmt.Sprintf("srv%d.contoso.com", i), at, true)
	}
	s.Add("SRV1", at.Add(time.Hour), true) // an existing server is still its own
	if len(s) != MaxServers+1 || s[OtherServers].Records != 500 || s["SRV1"].Records != 2 {
		t.Errorf("%d servers, other %+v, SRV1 %+v", len(s), s[OtherServers], s["SRV1"])
	}
}
