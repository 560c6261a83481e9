package eventexport

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/extriage/extriage/evtx"
	"github.com/extriage/extriage/textio"
)

// Caps on one event, so that a hostile export cannot grow memory: real
// events hold a few dozen values of a few KiB at most.
const (
	maxEventText = 1 << 20 // bytes of value and message text
	maxValues    = 4096
	maxDepth     = 64 // element nesting inside an event that is still read
)

// readXML streams the <Event> elements of text, wherever they sit: under
// Event Viewer's <Events>, under a wevtutil /e: root, or at the top level.
// Values are read as the .evtx reader reads them (evtx/record.go): each
// <EventData> child by its Name attribute (or element name, as <Binary>),
// unnamed <Data> by position, <UserData>'s leaf elements by name, and the
// <RenderingInfo> message last, named Message.
//
// encoding/xml cannot go on after a syntax error, so after damage the
// reader skips to the next "<Event" and starts a new decoder there: every
// event before and after the damage is kept, and the damage is reported
// with the line and offset where it was found.
func readXML(name string, text io.Reader, st *Stats, emit func(*Record)) error {
	t := newTextReader(text)
	p := &eventParser{file: name, st: st, emit: emit}
	resynced := false
	for {
		err := p.decode(t)
		if err == nil {
			break
		}
		pr := Problem{File: name, Line: t.line, Offset: t.off}
		if t.ioErr != nil {
			if !errors.Is(t.ioErr, textio.ErrEncoding) {
				return fmt.Errorf("%s: %w", name, t.ioErr)
			}
			// UTF-16 cut in a character: the text ends here.
			if p.inEvent() {
				st.Lost++
			}
			pr.Message = p.damage(io.ErrUnexpectedEOF, resynced) + " (" + t.ioErr.Error() + ")"
			st.problem(pr)
			break
		}
		if p.inEvent() {
			st.Lost++
		}
		pr.Message = p.damage(err, resynced)
		p.reset()
		skipped, found := t.skipTo("Event")
		switch {
		case pr.Message == "":
			// a stray end tag between events after a resync: nothing lost
		case found:
			pr.Message += fmt.Sprintf("; %d bytes skipped to the next <Event>", skipped)
		case skipped > 0:
			pr.Message += "; nothing readable follows"
		}
		if pr.Message != "" {
			st.problem(pr)
		}
		if !found {
			break
		}
		resynced = true
	}
	// Nothing is lacking: an XML export carries all an .evtx does (and a
	// rendered message more, with RenderingInfo).
	st.Bytes = t.off
	return nil
}

// decode runs one decoder over t until the input ends (nil) or an error.
func (p *eventParser) decode(t *textReader) error {
	d := xml.NewDecoder(t)
	// The text is UTF-8 by now, whatever the declaration says.
	d.CharsetReader = func(_ string, in io.Reader) (io.Reader, error) { return in, nil }
	for {
		tok, err := d.Token()
		if err == io.EOF {
			if p.open > 0 {
				return io.ErrUnexpectedEOF
			}
			return nil
		}
		if err != nil {
			return err
		}
		p.token(tok, t.line)
	}
}

// damage says, for a person, what err means at this point of the read; ""
// for an error that loses nothing.
func (p *eventParser) damage(err error, resynced bool) string {
	msg := err.Error()
	var se *xml.SyntaxError
	if errors.As(err, &se) {
		msg = se.Msg
	}
	truncated := errors.Is(err, io.ErrUnexpectedEOF) || msg == "unexpected EOF"
	switch {
	case p.inEvent() && truncated:
		return fmt.Sprintf("the export ends inside the event that starts on line %d: the file is truncated; every event before it was read", p.rec.Line)
	case p.inEvent():
		return fmt.Sprintf("the event that starts on line %d is broken (%s) and was not read", p.rec.Line, msg)
	case truncated:
		return "the export is cut off after its last complete event: the file is truncated"
	case resynced && strings.HasPrefix(msg, "unexpected end element"):
		return ""
	}
	return fmt.Sprintf("the XML is broken between events (%s)", msg)
}

// section is the child of <Event> being read.
type section uint8

const (
	outside section = iota
	system
	eventData
	userData
	rendering
	other
)

// frame is an element being read inside a data section: a leaf becomes a
// value when it closes, an element with children contributes theirs.
type frame struct {
	depth    int
	name     string
	text     []byte
	children bool
}

// eventParser turns the tokens of one decoder into records.
type eventParser struct {
	file string
	st   *Stats
	emit func(*Record)

	rec     Record
	depth   int // 0 outside an event, 1 on <Event>'s own level
	open    int // elements open in this decoder, events or not
	sec     section
	field   string // the System or RenderingInfo child being read
	text    []byte // its text
	message []byte
	hasMsg  bool
	frames  []frame
	budget  int  // text bytes this event may still take
	cut     bool // the event hit a cap
}

func (p *eventParser) inEvent() bool { return p.depth > 0 }

// reset forgets a partly read event and this decoder's nesting.
func (p *eventParser) reset() {
	p.depth, p.open, p.sec, p.field, p.frames = 0, 0, outside, "", p.frames[:0]
}

func (p *eventParser) token(tok xml.Token, line int64) {
	switch tok := tok.(type) {
	case xml.StartElement:
		p.open++
		p.start(tok, line)
	case xml.EndElement:
		p.open--
		p.end()
	case xml.CharData:
		p.chars(tok)
	}
}

func (p *eventParser) start(se xml.StartElement, line int64) {
	if p.depth == 0 {
		if se.Name.Local == "Event" {
			p.begin(line)
		}
		return
	}
	p.depth++
	local := se.Name.Local
	switch {
	case p.depth == 2:
		p.sec = sectionOf(local)
		if p.sec == userData {
			p.push(local) // a UserData with no children is itself a value
		}
	case p.sec == system && p.depth == 3:
		p.field, p.text = local, p.text[:0]
		switch local {
		case "Provider":
			p.rec.Provider = attr(se, "Name")
		case "TimeCreated":
			p.rec.Time = p.systemTime(attr(se, "SystemTime"))
		}
	case p.sec == rendering && p.depth == 3:
		p.field, p.text = local, p.text[:0]
	case (p.sec == eventData || p.sec == userData) && p.depth <= maxDepth:
		name := local
		if p.sec == eventData && p.depth == 3 && local == "Data" {
			name = attr(se, "Name")
		}
		p.push(name)
	}
}

func sectionOf(local string) section {
	switch local {
	case "System":
		return system
	case "EventData":
		return eventData
	case "UserData", "ProcessingErrorData":
		// Windows writes ProcessingErrorData (ErrorCode, DataItemName,
		// EventPayload) where it could not render the data section; the
		// .evtx reader gives its leaves as values, and so does this one.
		return userData
	case "RenderingInfo":
		return rendering
	}
	return other
}

func attr(se xml.StartElement, name string) string {
	for _, a := range se.Attr {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

func (p *eventParser) begin(line int64) {
	p.rec = Record{Event: evtx.Event{File: p.file, Values: p.rec.Values[:0]}, Line: line}
	p.depth, p.sec, p.field = 1, outside, ""
	p.message, p.hasMsg = p.message[:0], false
	p.frames = p.frames[:0]
	p.budget, p.cut = maxEventText, false
}

func (p *eventParser) push(name string) {
	if n := len(p.frames); n > 0 {
		p.frames[n-1].children = true
	}
	p.frames = append(p.frames, frame{depth: p.depth, name: name})
}

func (p *eventParser) chars(b []byte) {
	if p.depth < 2 {
		return
	}
	if len(b) > p.budget {
		b, p.cut = b[:p.budget], true
	}
	p.budget -= len(b)
	switch {
	case p.field != "" && p.depth == 3:
		p.text = append(p.text, b...)
	case len(p.frames) > 0 && p.frames[len(p.frames)-1].depth == p.depth:
		f := &p.frames[len(p.frames)-1]
		f.text = append(f.text, b...)
	}
}

func (p *eventParser) end() {
	if p.depth == 0 {
		return
	}
	if n := len(p.frames); n > 0 && p.frames[n-1].depth == p.depth {
		f := p.frames[n-1]
		p.frames = p.frames[:n-1]
		if !f.children {
			p.value(f.name, string(f.text))
		}
	}
	if p.depth == 3 && p.field != "" {
		p.endField()
	}
	if p.depth == 2 {
		p.sec = outside
	}
	p.depth--
	if p.depth == 0 {
		p.finish()
	}
}

func (p *eventParser) value(name, v string) {
	if len(p.rec.Values) >= maxValues {
		p.cut = true
		return
	}
	p.rec.Values = append(p.rec.Values, evtx.Value{Name: name, Value: v})
}

// endField stores a System or RenderingInfo child. Numbers that do not
// parse stay zero, as in the .evtx reader.
func (p *eventParser) endField() {
	v := strings.TrimSpace(string(p.text))
	if p.sec == rendering {
		if p.field == "Message" {
			p.message, p.hasMsg = append(p.message[:0], p.text...), true
		}
		p.field = ""
		return
	}
	switch p.field {
	case "EventID":
		if n, err := strconv.ParseUint(v, 10, 32); err == nil {
			p.rec.EventID = uint32(n)
		}
	case "Level":
		if n, err := strconv.ParseUint(v, 10, 8); err == nil {
			p.rec.Level = uint8(n)
		}
	case "EventRecordID":
		if n, err := strconv.ParseUint(v, 10, 64); err == nil {
			p.rec.RecordID = n
		}
	case "Channel":
		p.rec.Channel = v
	case "Computer":
		p.rec.Computer = v
	}
	p.field = ""
}

// systemTime parses TimeCreated@SystemTime: UTC with any number of
// fractional digits (7 from Event Viewer, 9 in another public file, §1a).
func (p *eventParser) systemTime(s string) time.Time {
	tm, err := time.Parse(time.RFC3339Nano, strings.TrimSpace(s))
	if err != nil {
		p.st.problem(Problem{File: p.file, Line: p.rec.Line, Message: fmt.Sprintf("the event that starts on line %d has TimeCreated %q, which is not a time; it was read without one", p.rec.Line, s)})
		return time.Time{}
	}
	return tm.UTC()
}

func (p *eventParser) finish() {
	if p.hasMsg {
		p.value("Message", string(p.message))
	}
	if p.cut {
		p.st.problem(Problem{File: p.file, Line: p.rec.Line, Message: fmt.Sprintf("the event that starts on line %d has more than %d values or %d bytes of text; the rest was not read", p.rec.Line, maxValues, maxEventText)})
	}
	p.st.Records++
	p.emit(&p.rec)
	p.sec = outside
}
