package input

import (
	"bytes"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/extriage/extriage/kinds"
)

// headSize is how much of an input is read to recognise it.
const headSize = kinds.HeadSize

// ErrNotLog is matched (errors.Is) by the Error of a named input that is
// neither a Windows event log nor a message-trace export.
var ErrNotLog = errors.New("not a Windows event log or a message-trace export")

// verdict is what the first bytes of an input say it is.
type verdict struct {
	kind   kinds.Kind // nil: no kind extriage reads
	zip    bool       // a zip archive
	reason string     // for neither a log nor an archive: why, for a person
	binary bool       // for neither: the content is no text and no archive
}

// classify recognises an input from its first headSize bytes (fewer if it
// is shorter): a zip archive, or one of the kinds of package kinds, asked
// in turn. Only the content counts, never the name.
func classify(head []byte) verdict {
	if isZipHead(head) {
		return verdict{zip: true}
	}
	if k := kinds.Sniff(head); k != nil {
		return verdict{kind: k}
	}
	what := whatIsIt(head)
	return verdict{reason: ErrNotLog.Error() + ": " + what, binary: strings.HasPrefix(what, binaryData)}
}

// binaryData starts what whatIsIt says of content that is neither text
// nor an archive it knows.
const binaryData = "it is binary data"

// exportExtensions are the names Windows and Exchange give the exports
// extriage reads, and evtx exports saved as XML or text.
var exportExtensions = []string{".evtx", ".csv", ".log", ".xml", ".txt"}

// unreadableExport says why a file found in a folder that is no log is
// damage rather than something else beside the logs: its name says it is
// an export (an .evtx file, a .csv, .log, .xml or .txt) but what it holds
// is binary data, not the text such an export is. A README, a script or
// notes in plain text stay a quiet skip, as does an empty file (an export
// of no results is empty), and an .evtx that is text is a misnamed file.
func unreadableExport(name string, v verdict) (string, bool) {
	ext := strings.ToLower(filepath.Ext(name))
	if !slices.Contains(exportExtensions, ext) || !v.binary {
		return "", false
	}
	return fmt.Sprintf("its name says it is an export (%s), but its content cannot be read as one: %s; it may be damaged or cut short, or not be what its name says",
		ext, strings.TrimPrefix(v.reason, ErrNotLog.Error()+": ")), true
}

// isZipHead tells whether head starts like a zip archive: a member's local
// header, or the end record of an archive with no members. Archives with
// something before their first member (self-extracting ones) are found by
// their end record instead.
func isZipHead(head []byte) bool {
	return bytes.HasPrefix(head, []byte(sigLocal)) || bytes.HasPrefix(head, []byte(sigEnd))
}

// otherArchives are formats extriage does not read, known by their start.
var otherArchives = []struct{ magic, text string }{
	{"\x1f\x8b", "it is gzip-compressed: decompress it and scan the result"},
	{"7z\xbc\xaf\x27\x1c", "it is a 7-Zip archive, which extriage cannot read: extract it and scan the files"},
	{"Rar!\x1a\x07", "it is a RAR archive, which extriage cannot read: extract it and scan the files"},
	{"MSCF", "it is a cabinet (.cab) archive, which extriage cannot read: extract it and scan the files"},
	{"\xfd7zXZ\x00", "it is xz-compressed: decompress it and scan the result"},
}

// whatIsIt says, for a person, what an input that is not a log looks like.
func whatIsIt(head []byte) string {
	if len(head) == 0 {
		return "the file is empty"
	}
	for _, a := range otherArchives {
		if bytes.HasPrefix(head, []byte(a.magic)) {
			return a.text
		}
	}
	if bytes.HasPrefix(head, []byte("\xff\xfe")) || bytes.HasPrefix(head, []byte("\xfe\xff")) {
		return "it is UTF-16 text without the header of a message-tracking log or a message-trace export"
	}
	text := bytes.TrimPrefix(head, []byte("\xef\xbb\xbf"))
	if bytes.IndexByte(text, 0) >= 0 || !utf8.Valid(text[:max(0, len(text)-utf8.UTFMax)]) {
		return fmt.Sprintf(binaryData+" that starts with % x", head[:min(8, len(head))])
	}
	lines := strings.Split(string(text), "\n")
	for _, l := range lines {
		if name, value, ok := strings.Cut(strings.TrimSpace(l), ":"); ok && strings.EqualFold(name, "#Log-type") {
			return fmt.Sprintf("it is an Exchange log of another kind (#Log-type: %s), not a message-tracking log", clip(strings.TrimSpace(value)))
		}
	}
	first := ""
	for _, l := range lines {
		if first = strings.TrimSpace(l); first != "" {
			break
		}
	}
	if first == "" {
		return "it holds only blank lines"
	}
	return fmt.Sprintf("it is text, but its first line is not the header of a message-tracking log or a message-trace export: %q", clip(first))
}

// clip shortens s for a message.
func clip(s string) string {
	const most = 60
	if len(s) <= most {
		return s
	}
	cut := most
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "..."
}
