// Command pinartifact writes the Velociraptor artifact of a release: the
// artifact in contrib/velociraptor with every tool pinned to its released
// binary (url, version, expected_hash from SHA256SUMS), so that a client
// refuses a binary swapped upstream. It is a helper of scripts/release.sh,
// not part of extriage.
//
//	pinartifact -version v1.2.0 -sums dist/SHA256SUMS -url BASE ARTIFACT.yaml > pinned.yaml
//
// A tool named Extriage_<os>_<arch> is pinned to the file
// extriage_<version>_<os>_<arch>[.exe] of SHA256SUMS; a tool without its
// binary is an error, so a release cannot ship an artifact that fetches
// nothing.
package main

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"
)

func main() {
	version := flag.String("version", "", "the release version, e.g. v1.2.0")
	sumsPath := flag.String("sums", "", "the SHA256SUMS file of the release")
	baseURL := flag.String("url", "", "where the release's files can be downloaded from")
	flag.Parse()
	if *version == "" || *sumsPath == "" || *baseURL == "" || flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: pinartifact -version V -sums SHA256SUMS -url BASE ARTIFACT.yaml")
		os.Exit(2)
	}
	if err := run(flag.Arg(0), *sumsPath, *version, *baseURL, os.Stdout); err != nil {
		fmt.Fprintf(os.Stderr, "pinartifact: %v\n", err)
		os.Exit(1)
	}
}

func run(artifactPath, sumsPath, version, baseURL string, w io.Writer) error {
	art, err := os.ReadFile(artifactPath)
	if err != nil {
		return err
	}
	f, err := os.Open(sumsPath)
	if err != nil {
		return err
	}
	defer f.Close()
	sums, err := readSums(f)
	if err != nil {
		return fmt.Errorf("%s: %w", sumsPath, err)
	}
	out, err := pin(art, sums, version, baseURL)
	if err != nil {
		return fmt.Errorf("%s: %w", artifactPath, err)
	}
	_, err = w.Write(out)
	return err
}

var sumLine = regexp.MustCompile(`^([0-9a-f]{64}) [ *](\S+)$`)

// readSums reads sha256sum's output: hash, two spaces (or " *"), name.
func readSums(r io.Reader) (map[string]string, error) {
	sums := map[string]string{}
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		m := sumLine.FindStringSubmatch(sc.Text())
		if m == nil {
			return nil, fmt.Errorf("line %d is not \"<sha256>  <file>\"", n)
		}
		sums[m[2]] = m[1]
	}
	return sums, sc.Err()
}

// pin sets url, version and expected_hash on every tool of the artifact.
func pin(artifact []byte, sums map[string]string, version, baseURL string) ([]byte, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(artifact, &doc); err != nil {
		return nil, err
	}
	tools := mapValue(doc.Content[0], "tools")
	if tools == nil || tools.Kind != yaml.SequenceNode || len(tools.Content) == 0 {
		return nil, fmt.Errorf("no tools: list")
	}
	for _, tool := range tools.Content {
		name := mapValue(tool, "name")
		if name == nil {
			return nil, fmt.Errorf("a tool has no name")
		}
		file, err := binaryOf(name.Value, version)
		if err != nil {
			return nil, err
		}
		hash, ok := sums[file]
		if !ok {
			return nil, fmt.Errorf("tool %s: %s is not in SHA256SUMS", name.Value, file)
		}
		setValue(tool, "url", strings.TrimSuffix(baseURL, "/")+"/"+file)
		setValue(tool, "version", version)
		setValue(tool, "expected_hash", hash)
	}
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(&doc); err != nil {
		return nil, err
	}
	return b.Bytes(), enc.Close()
}

// binaryOf is the release file of the tool Extriage_<os>_<arch>.
func binaryOf(tool, version string) (string, error) {
	osArch, ok := strings.CutPrefix(tool, "Extriage_")
	goos, arch, ok2 := strings.Cut(osArch, "_")
	if !ok || !ok2 || goos == "" || arch == "" {
		return "", fmt.Errorf("tool %s: want a name Extriage_<os>_<arch>", tool)
	}
	file := fmt.Sprintf("extriage_%s_%s_%s", version, goos, arch)
	if goos == "windows" {
		file += ".exe"
	}
	return file, nil
}

func mapValue(m *yaml.Node, key string) *yaml.Node {
	if m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

func setValue(m *yaml.Node, key, value string) {
	if v := mapValue(m, key); v != nil {
		v.Value, v.Kind, v.Tag, v.Style = value, yaml.ScalarNode, "!!str", 0
		return
	}
	m.Content = append(m.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: key},
		&yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: value})
}
