package input

import (
	"bytes"
	"errors"
	"fmt"
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
	return verdict{reason: ErrNotLog.Error() + ": " + whatIsIt(head)}
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
		return fmt.Sprintf("it is binary data that starts with % x", head[:min(8, len(head))])
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
