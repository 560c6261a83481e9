package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestFixtures runs the baseline over the committed fixtures and expects
// what fixtures/README.md says golang-evtx reads of them chunk by chunk:
// every record of the clean files and of the dirty one (through
// OpenDirty), 24 records of the file with a zeroed record signature (chunk
// 1 fails as a whole) and 28 of the truncated one (its cut chunk fails).
func TestFixtures(t *testing.T) {
	files, err := collect([]string{filepath.Join("..", "..", "fixtures", "evtx")})
	if err != nil || len(files) != 10 {
		t.Fatalf("%d fixture files, %v", len(files), err)
	}
	res, per := run(files, 2)
	want := map[string]struct {
		records int64
		failed  int
	}{
		"field-case": {39, 0}, "low-disk": {15, 0}, "page-patching": {14, 0}, "negative-service-started": {13, 0},
		"negative-healthy-lag": {20, 0}, "multi-chunk": {38, 0}, "damaged-bad-crc": {38, 0}, "damaged-dirty": {38, 0},
		"damaged-zeroed-signature": {24, 1}, "damaged-truncated": {28, 1},
	}
	for _, f := range per {
		story := strings.Split(filepath.ToSlash(f.File), "/")[4]
		w, ok := want[story]
		if !ok || f.Records != w.records || f.ChunksFailed != w.failed || (w.failed > 0) != (f.Error != "") {
			t.Errorf("%s: %+v, want %d records, %d chunks failed", story, f, w.records, w.failed)
		}
	}
	if res.Files != 10 || res.FilesFailed != 0 || res.Records != 267 || res.ChunksFailed != 2 || res.Bytes == 0 {
		t.Errorf("result %+v", res)
	}
}
