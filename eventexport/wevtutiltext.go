package eventexport

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/extriage/extriage/evtx"
	"github.com/extriage/extriage/textio"
)

// wevtutilTextLacks is what wevtutil qe /f:text does not carry (§2, §8).
var wevtutilTextLacks = []string{"rendered messages only: no record ids", "no event values: fields read from the message"}

// readWevtutilText streams wevtutil qe /f:text (§2): blocks that start with
// "Event[n]:", then two-space-indented "Key: value" lines, then
// "Description:" and the rendered message, unindented, up to the next
// block. Every key is optional (a public capture lacks Date). Level, Task,
// Opcode and Keyword are localised names and are never read; Date has no
// zone, so --timezone applies, as for the CSV exports.
func readWevtutilText(name string, text io.Reader, opts Options, st *Stats, emit func(*Record)) error {
	rr := textio.NewCSVReader(text, maxEventText)
	st.Lacks = append(st.Lacks, wevtutilTextLacks...)
	c := newClock(name, "Date", opts, st, emit)
	var (
		rec      *Record
		when     string
		msg      strings.Builder
		inDesc   bool
		tooLong  bool
		describe = func() {
			if rec == nil {
				return
			}
			if !inDesc {
				st.problem(Problem{File: name, Line: rec.Line, Message: "the event has no Description line: the export is cut short, or not in English; read without a message"})
			}
			if m := strings.TrimRight(msg.String(), "\r\n"); m != "" {
				rec.Values = []evtx.Value{{Name: "Message", Value: m}}
			}
			if tooLong {
				st.problem(Problem{File: name, Line: rec.Line, Message: fmt.Sprintf("the description is longer than %d bytes; the rest was not read", maxEventText)})
			}
			c.add(rec, when)
			rec = nil
		}
	)
	for {
		line, term, long, ok := rr.PhysLine()
		if !ok {
			break
		}
		if inDesc && !isBlockStart(line) {
			if msg.Len()+len(line)+len(term) > maxEventText || long {
				tooLong = true
				continue
			}
			msg.Write(line)
			msg.WriteString(term)
			continue
		}
		s := strings.TrimRight(string(textio.TrimBOM(line)), " ")
		if isBlockStart(line) {
			describe()
			rec = &Record{Event: evtx.Event{File: name}, Line: rr.Line()}
			when, inDesc, tooLong = "", false, false
			msg.Reset()
			continue
		}
		if rec == nil || !strings.HasPrefix(s, "  ") {
			if strings.TrimSpace(s) != "" {
				st.problem(Problem{File: name, Line: rr.Line(), Message: "a line that is neither an indented key of its event nor its description; skipped"})
			}
			continue
		}
		key, value, _ := strings.Cut(strings.TrimSpace(s), ":")
		value = strings.TrimSpace(value)
		switch key {
		case "Log Name":
			rec.Channel = value
		case "Source":
			rec.Provider = value
		case "Date":
			when = value
		case "Event ID":
			if n, err := strconv.ParseUint(value, 10, 32); err == nil {
				rec.EventID = uint32(n)
			}
		case "Computer":
			rec.Computer = value
		case "Description":
			inDesc = true
		}
	}
	describe()
	if err := rr.Err(); err != nil {
		if !errors.Is(err, textio.ErrEncoding) {
			return fmt.Errorf("%s: %w", name, err)
		}
		st.problem(Problem{File: name, Line: rr.ErrLine(), Offset: rr.Offset(), Message: err.Error()})
	}
	c.end()
	st.Bytes = rr.Offset()
	return nil
}

// isBlockStart tells whether line is "Event[n]:", the start of a block.
func isBlockStart(line []byte) bool {
	s := string(textio.TrimBOM(line))
	n, ok := strings.CutPrefix(strings.TrimRight(s, " "), "Event[")
	if !ok {
		return false
	}
	n, ok = strings.CutSuffix(n, "]:")
	if !ok || n == "" {
		return false
	}
	_, err := strconv.ParseUint(n, 10, 32)
	return err == nil
}
