package eventexport

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/extriage/extriage/evtx"
	"github.com/extriage/extriage/trace"
)

// Format names a kind of event export.
type Format uint8

// The formats recognised. Each constant's String is the name the summary
// shows; [Format.Readable] says whether this package can read its records.
const (
	Unknown Format = iota
	// EventViewerXML is Event Viewer's "Save All Events As… XML": an XML
	// declaration, then <Events> holding <Event> elements (§1a).
	EventViewerXML
	// EventXMLStream is a sequence of <Event> elements with no declaration,
	// optionally inside a root element: wevtutil qe /f:xml or /f:RenderedXml
	// (with /e:<root>), or saved $e.ToXml() strings (§2, §6).
	EventXMLStream
	WinEventCSV  // Get-WinEvent | Export-Csv (§3a)
	EventLogCSV  // Get-EventLog | Export-Csv (§4)
	WevtutilText // wevtutil qe /f:text (§2)
	WinEventJSON // Get-WinEvent | ConvertTo-Json (§3b)
	CLIXML       // Export-Clixml of event objects (§5)
	// The formats below are recognised so that the summary can name them,
	// but are not read yet.
	EventViewerCSV  // Event Viewer "Save as CSV" (§1b)
	EventViewerText // Event Viewer "Save as Text (Tab delimited)" (§1b)
	formatCount
)

var formatNames = [formatCount]string{
	Unknown:         "unknown",
	EventViewerXML:  "Event Viewer XML",
	EventXMLStream:  "wevtutil qe XML",
	EventViewerCSV:  "Event Viewer CSV",
	EventViewerText: "Event Viewer text (tab delimited)",
	WevtutilText:    "wevtutil qe text",
	WinEventCSV:     "Get-WinEvent | Export-Csv",
	EventLogCSV:     "Get-EventLog | Export-Csv",
	WinEventJSON:    "Get-WinEvent | ConvertTo-Json",
	CLIXML:          "Export-Clixml",
}

func (f Format) String() string {
	if f < formatCount {
		return formatNames[f]
	}
	return fmt.Sprintf("Format(%d)", uint8(f))
}

// Readable tells whether Read can read records of this format.
func (f Format) Readable() bool {
	switch f {
	case EventViewerXML, EventXMLStream, WinEventCSV, EventLogCSV, WevtutilText, WinEventJSON, CLIXML:
		return true
	}
	return false
}

// Record is one event read from an export, with where it starts.
type Record struct {
	evtx.Event
	// Line is the 1-based line of the text (after decoding) on which the
	// record starts; 0 for JSON, whose reader does not count lines (the
	// record id places it).
	Line int64
}

// Problem is damage found in an export: where, and what is wrong.
type Problem struct {
	File    string
	Line    int64 // 1-based line of the decoded text, 0 if not known
	Offset  int64 // byte offset in the decoded text
	Message string
}

func (p Problem) Error() string {
	if p.Line > 0 {
		return fmt.Sprintf("%s: line %d (offset %d): %s", p.File, p.Line, p.Offset, p.Message)
	}
	return fmt.Sprintf("%s: offset %d: %s", p.File, p.Offset, p.Message)
}

// maxProblems bounds the problems kept per file; later ones are counted.
const maxProblems = 100

// Stats says what a read found and what the format could not give.
type Stats struct {
	Format   Format
	Encoding string // as the summary shows it: "utf-16le (bom)"
	Bytes    int64  // bytes of decoded text read
	Records  int
	Lost     int // events begun but broken or cut off, so not read
	// Lacks says, one phrase each, what this export does not carry that an
	// .evtx would ("no rendered messages").
	Lacks []string
	// Warnings say what had to be assumed, with nothing lost: times read
	// as UTC, a guessed day/month order.
	Warnings []string
	Problems []Problem
	// MoreProblems counts problems beyond the first maxProblems.
	MoreProblems int
}

// Damaged tells whether anything in the file could not be read.
func (s *Stats) Damaged() bool { return len(s.Problems) > 0 }

func (s *Stats) problem(p Problem) {
	if len(s.Problems) < maxProblems {
		s.Problems = append(s.Problems, p)
		return
	}
	s.MoreProblems++
}

// ErrNotExport is matched (errors.Is) by the error Read returns for input
// that is not an event export it recognises.
var ErrNotExport = errors.New("not an event-log export")

// ErrUnreadable is matched by the error Read returns for an export it
// recognises but cannot read yet.
var ErrUnreadable = errors.New("an event-log export this version cannot read")

// Options say how to read what an export does not say itself.
type Options struct {
	// Location is the zone of local times written without one (CSV
	// exports); nil reads them as UTC, and Stats.Warnings says so.
	Location *time.Location
	// DateOrder is the day/month order of culture-formatted dates;
	// trace.DateAuto proves it from the file, or assumes it with a warning.
	DateOrder trace.DateOrder
}

// ReadFile reads the export at path; see [Read].
func ReadFile(path string, opts Options, emit func(*Record)) (Stats, error) {
	f, err := os.Open(path)
	if err != nil {
		return Stats{}, err
	}
	defer f.Close()
	return Read(path, f, opts, emit)
}

// Read recognises the export in r from its first bytes and streams its
// records to emit, in file order. name is the file name to cite in records
// and problems. emit's *Record is reused: copy what must outlive the call.
// Damage is reported in Stats.Problems and the read goes on; an error is
// returned only for input that is not a readable export, or a failure of r.
func Read(name string, r io.Reader, opts Options, emit func(*Record)) (Stats, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	head, err := br.Peek(sniffLen)
	if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
		return Stats{}, fmt.Errorf("%s: %w", name, err)
	}
	f, enc := sniff(head)
	st := Stats{Format: f, Encoding: enc.String()}
	switch f {
	case EventViewerXML, EventXMLStream, WinEventCSV, EventLogCSV, WevtutilText, WinEventJSON, CLIXML:
		text, err := decoder(br, enc)
		if err != nil {
			return st, fmt.Errorf("%s: %w", name, err)
		}
		switch f {
		case WinEventCSV:
			return st, readPSCSV(name, text, winEventColumns, opts, &st, emit)
		case EventLogCSV:
			return st, readPSCSV(name, text, eventLogColumns, opts, &st, emit)
		case WevtutilText:
			return st, readWevtutilText(name, text, opts, &st, emit)
		case WinEventJSON:
			return st, readWinEventJSON(name, text, &st, emit)
		case CLIXML:
			return st, readCLIXML(name, text, &st, emit)
		}
		return st, readXML(name, text, &st, emit)
	case Unknown:
		if _, binary := sniffEncoding(head); binary {
			return st, fmt.Errorf("%s: %w: it holds NUL bytes, so it is binary data, not text", name, ErrNotExport)
		}
		return st, fmt.Errorf("%s: %w: its first text is neither an <Event> element nor a known export header", name, ErrNotExport)
	}
	return st, fmt.Errorf("%s: %w (%s); send the .evtx instead (Event Viewer \"Save All Events As\" .evtx, or wevtutil epl <log> <file>.evtx), or its XML (wevtutil qe <log> /f:xml)", name, ErrUnreadable, f)
}
