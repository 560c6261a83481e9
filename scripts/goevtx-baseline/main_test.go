package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestFixtures runs the baseline over the committed fixtures and expects
// what fixtures/README.md says golang-evtx reads of them chunk by chunk:
// every record of the clean files and of the dirty one (through
// OpenDirty), 18 records of the file with a zeroed record signature (chunk
// 1 fails as a whole) and 20 of the truncated one (its cut chunk fails).
func TestFixtures(t *testing.T) {
	files, err := collect([]string{filepath.Join("..", "..", "fixtures", "evtx")})
	if err != nil || len(files) != 16 {
		t.Fatalf("%d fixture files, %v", len(files), err)
	}
	res, per := run(files, 2)
	want := map[string]struct {
		records int64
		failed  int
	}{
		"field-case": {29, 0}, "low-disk": {13, 0}, "page-patching": {15, 0}, "negative-service-started": {13, 0},
		"early-warning": {24, 0}, "failed-copy": {28, 0}, "admin-disabled": {22, 0}, "restart": {50, 0},
		"localised": {28, 0}, "many-copies": {84, 0},
		"negative-healthy-lag": {20, 0}, "multi-chunk": {28, 0}, "damaged-bad-crc": {28, 0}, "damaged-dirty": {28, 0},
		"damaged-zeroed-signature": {18, 1}, "damaged-truncated": {20, 1},
	}
	for _, f := range per {
		story := strings.Split(filepath.ToSlash(f.File), "/")[4]
		w, ok := want[story]
		if !ok || f.Records != w.records || f.ChunksFailed != w.failed || (w.failed > 0) != (f.Error != "") {
			t.Errorf("%s: %+v, want %d records, %d chunks failed", story, f, w.records, w.failed)
		}
	}
	if res.Files != 16 || res.FilesFailed != 0 || res.Records != 448 || res.ChunksFailed != 2 || res.Bytes == 0 {
		t.Errorf("result %+v", res)
	}
}
