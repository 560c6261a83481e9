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

// Lacks of the two CLIXML shapes (§5): an EventLogEntry has no log name
// among its properties, and the positional values of both come out of a
// typed list whose presence at the default depth is unconfirmed.
const (
	lackCLIXMLEntry    = "no log name (Export-Clixml of Get-EventLog): no signature can match, as each names its channel; scan the .evtx copies instead (ExchangeLogCollector bundles them beside these files)"
	lackCLIXMLNoValues = "no event values (Properties or ReplacementStrings not serialised): fields read from the message"
)

// maxTypeNames bounds the <TN RefId> names remembered for <TNRef>.
const maxTypeNames = 4096

// readCLIXML streams Export-Clixml of event objects (§5): each <Obj> under
// <Objs> is an event, EventLogRecord (Get-WinEvent) or EventLogEntry
// (Get-EventLog, as ExchangeLogCollector's AppSysLogsToXml writes it),
// told apart by its first type name. Values are the typed leaves named
// N=… in <Props> and <MS>; Properties (a list of EventProperty objects
// with one Value each) and ReplacementStrings (a list of strings) give
// positional values; Message is the rendered message. _xHHHH_ escapes are
// decoded. A syntax error stops the read: every event before it is kept.
func readCLIXML(name string, text io.Reader, st *Stats, emit func(*Record)) error {
	t := newTextReader(text)
	d := xml.NewDecoder(t)
	d.CharsetReader = func(_ string, in io.Reader) (io.Reader, error) { return in, nil }
	p := &clixmlParser{file: name, st: st, emit: emit, types: map[string]string{}}
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			if t.ioErr != nil && !errors.Is(t.ioErr, textio.ErrEncoding) {
				return fmt.Errorf("%s: %w", name, t.ioErr)
			}
			msg := err.Error()
			var se *xml.SyntaxError
			if errors.As(err, &se) {
				msg = se.Msg
			}
			where := "between events"
			if len(p.stack) >= 2 && p.event != nil {
				where = fmt.Sprintf("in the event that starts on line %d", p.event.Line)
				st.Lost++
			}
			st.problem(Problem{File: name, Line: t.line, Offset: t.off, Message: fmt.Sprintf("the export breaks off %s (%s); every event before it was read", where, msg)})
			t.drain() // the whole input is still read: its size and digest cover it
			break
		}
		p.token(tok, t.line)
	}
	st.Bytes = t.off
	if p.entries > 0 {
		st.Lacks = append(st.Lacks, lackCLIXMLEntry)
	}
	if p.valueless > 0 {
		st.Lacks = append(st.Lacks, lackCLIXMLNoValues)
	}
	return nil
}

// clixmlElem is one open element.
type clixmlElem struct {
	local, n, refID string
	children        bool
	text            []byte
}

type clixmlParser struct {
	file  string
	st    *Stats
	emit  func(*Record)
	stack []clixmlElem
	types map[string]string // TN RefId -> its first type name

	event     *Record
	evType    string
	props     map[string]string
	positions []string
	hasValues bool // the event had Properties or ReplacementStrings values
	budget    int
	entries   int // EventLogEntry events read
	valueless int // events without Properties or ReplacementStrings
}

func (p *clixmlParser) token(tok xml.Token, line int64) {
	switch tok := tok.(type) {
	case xml.StartElement:
		if n := len(p.stack); n > 0 {
			p.stack[n-1].children = true
		}
		e := clixmlElem{local: tok.Name.Local, n: attr(tok, "N"), refID: attr(tok, "RefId")}
		if len(p.stack) < maxDepth {
			p.stack = append(p.stack, e)
		} else {
			p.stack = append(p.stack, clixmlElem{local: "-"}) // too deep: kept for nesting only
		}
		switch {
		case len(p.stack) == 2 && e.local == "Obj":
			p.event = &Record{Event: evtx.Event{File: p.file}, Line: line}
			p.evType, p.props, p.positions, p.budget, p.hasValues = "", map[string]string{}, nil, maxEventText, false
		case len(p.stack) == 3 && e.local == "TNRef" && p.event != nil:
			p.evType = p.types[e.refID]
		}
	case xml.CharData:
		if n := len(p.stack); n > 0 && p.event != nil && len(tok) <= p.budget {
			p.budget -= len(tok)
			p.stack[n-1].text = append(p.stack[n-1].text, tok...)
		}
	case xml.EndElement:
		n := len(p.stack)
		if n == 0 {
			return
		}
		e := p.stack[n-1]
		if !e.children {
			p.leaf(e)
		}
		p.stack = p.stack[:n-1]
		if n == 2 && p.event != nil {
			p.finish()
		}
	}
}

// leaf files one closed element with no children under what it means.
func (p *clixmlParser) leaf(e clixmlElem) {
	s := p.stack
	n := len(s)
	text := decodeCLIXMLString(string(e.text))
	if e.local == "T" && n >= 2 && s[n-2].local == "TN" {
		tn := s[n-2]
		if _, seen := p.types[tn.refID]; !seen && len(p.types) < maxTypeNames {
			p.types[tn.refID] = text
		}
		if n == 4 && p.event != nil && p.evType == "" {
			p.evType = text
		}
		return
	}
	if p.event == nil || n < 4 {
		return
	}
	section := s[2].local // Props or MS of the event
	if section != "Props" && section != "MS" {
		return
	}
	switch {
	case n == 4 && e.n != "":
		p.props[e.n] = text
	case n == 5 && s[3].local == "Obj" && s[3].n == "EntryType" && e.local == "ToString":
		p.props["EntryType"] = text
	case s[3].local == "Obj" && (s[3].n == "Properties" || s[3].n == "ReplacementStrings") && n >= 6 && s[4].local == "LST":
		// A string straight in the list, or an EventProperty's Value.
		if n == 6 && e.n == "" || n == 8 && e.n == "Value" && s[5].local == "Obj" {
			p.positions = append(p.positions, text)
			p.hasValues = true
		}
	}
}

// finish maps the properties of one event object onto a record.
func (p *clixmlParser) finish() {
	rec, pr := p.event, p.props
	p.event = nil
	entry := strings.Contains(p.evType, "EventLogEntry")
	get := func(record, entryName string) string {
		if entry {
			return pr[entryName]
		}
		return pr[record]
	}
	rec.Provider = get("ProviderName", "Source")
	rec.Channel = get("LogName", "")
	rec.Computer = get("MachineName", "MachineName")
	if n, err := strconv.ParseUint(get("Id", "EventID"), 10, 32); err == nil {
		rec.EventID = uint32(n)
	}
	if n, err := strconv.ParseUint(get("RecordId", "Index"), 10, 64); err == nil {
		rec.RecordID = n
	}
	if entry {
		p.entries++
		rec.Level, _ = entryTypeLevel(pr["EntryType"])
	} else if n, err := strconv.ParseUint(pr["Level"], 10, 8); err == nil {
		rec.Level = uint8(n)
	}
	if when := get("TimeCreated", "TimeGenerated"); when != "" {
		if t, err := time.Parse(time.RFC3339Nano, when); err == nil {
			rec.Time = t.UTC()
		} else {
			p.st.problem(Problem{File: p.file, Line: rec.Line, Message: fmt.Sprintf("the event that starts on line %d has the time %q, which is not one; it was read without a time", rec.Line, when)})
		}
	}
	if !p.hasValues {
		p.valueless++
	}
	for _, v := range p.positions {
		rec.Values = append(rec.Values, evtx.Value{Value: v})
	}
	if m := pr["Message"]; m != "" {
		rec.Values = append(rec.Values, evtx.Value{Name: "Message", Value: m})
	}
	p.st.Records++
	p.emit(rec)
}

// decodeCLIXMLString undoes CLIXML's _xHHHH_ escapes of characters XML
// cannot hold ([MS-PSRP] 2.2.5.3.2): _x000D__x000A_ is CRLF.
func decodeCLIXMLString(s string) string {
	if !strings.Contains(s, "_x") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		if i+7 <= len(s) && s[i] == '_' && s[i+1] == 'x' && s[i+6] == '_' {
			if c, err := strconv.ParseUint(s[i+2:i+6], 16, 16); err == nil {
				b.WriteRune(rune(c))
				i += 7
				continue
			}
		}
		b.WriteByte(s[i])
		i++
	}
	return b.String()
}
