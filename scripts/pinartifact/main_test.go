package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

const artifactPath = "../../contrib/velociraptor/Exchange.Windows.Extriage.yaml"

// TestPin pins the repository's artifact to a release and reads it back:
// every tool gets its binary's url, the version and its hash; the rest of
// the artifact is unchanged.
func TestPin(t *testing.T) {
	dir := t.TempDir()
	sums := "1111111111111111111111111111111111111111111111111111111111111111  extriage_v1.2.0_windows_amd64.exe\n" +
		"2222222222222222222222222222222222222222222222222222222222222222  extriage_v1.2.0_windows_arm64.exe\n" +
		"3333333333333333333333333333333333333333333333333333333333333333  extriage_v1.2.0_linux_amd64\n"
	sumsPath := filepath.Join(dir, "SHA256SUMS")
	if err := os.WriteFile(sumsPath, []byte(sums), 0o644); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := run(artifactPath, sumsPath, "v1.2.0", "https://example.org/releases/v1.2.0/", &out); err != nil {
		t.Fatal(err)
	}
	var pinned, orig struct {
		Name    string
		Tools   []map[string]any
		Sources []struct{ Query string }
	}
	if err := yaml.Unmarshal(out.Bytes(), &pinned); err != nil {
		t.Fatalf("the pinned artifact is not YAML: %v", err)
	}
	src, _ := os.ReadFile(artifactPath)
	if err := yaml.Unmarshal(src, &orig); err != nil {
		t.Fatal(err)
	}
	want := map[string][2]string{
		"Extriage_windows_amd64": {"https://example.org/releases/v1.2.0/extriage_v1.2.0_windows_amd64.exe", strings.Repeat("1", 64)},
		"Extriage_windows_arm64": {"https://example.org/releases/v1.2.0/extriage_v1.2.0_windows_arm64.exe", strings.Repeat("2", 64)},
	}
	if len(pinned.Tools) != len(want) {
		t.Fatalf("%d tools, want %d", len(pinned.Tools), len(want))
	}
	for _, tool := range pinned.Tools {
		w := want[tool["name"].(string)]
		if tool["url"] != w[0] || tool["expected_hash"] != w[1] || tool["version"] != "v1.2.0" || tool["serve_locally"] != true {
			t.Errorf("tool %v, want url %s hash %s", tool, w[0], w[1])
		}
	}
	if pinned.Name != orig.Name || pinned.Sources[0].Query != orig.Sources[0].Query {
		t.Error("pinning changed more than the tools")
	}
}

// A release without one of the artifact's binaries must not produce an
// artifact that fetches nothing.
func TestPinMissingBinary(t *testing.T) {
	src, _ := os.ReadFile(artifactPath)
	_, err := pin(src, map[string]string{"extriage_v1_windows_amd64.exe": strings.Repeat("a", 64)}, "v1", "https://example.org")
	if err == nil || !strings.Contains(err.Error(), "extriage_v1_windows_arm64.exe is not in SHA256SUMS") {
		t.Errorf("got %v", err)
	}
	if _, err := readSums(strings.NewReader("not a sum line\n")); err == nil {
		t.Error("a malformed SHA256SUMS was accepted")
	}
}

// FuzzReadSums: any SHA256SUMS text is read or refused, never a panic, and
// what is read names a 64-digit hash per file.
func FuzzReadSums(f *testing.F) {
	f.Add(strings.Repeat("a", 64) + "  extriage_v1_linux_amd64\n")
	f.Add(strings.Repeat("0", 64) + " *x.exe\n\n")
	f.Fuzz(func(t *testing.T, text string) {
		sums, err := readSums(strings.NewReader(text))
		if err != nil {
			return
		}
		for file, hash := range sums {
			if len(hash) != 64 || file == "" {
				t.Errorf("%q: %q", file, hash)
			}
		}
	})
}
