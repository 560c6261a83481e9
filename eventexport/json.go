package eventexport

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/extriage/extriage/evtx"
)

// jsonEvent is what is read of one Get-WinEvent object in ConvertTo-Json
// output (§3b), by key. Numbers and Properties stay raw: either may be
// null, and Properties is a list of type names (5.1 at the default depth)
// or of {"Value": …} objects (PowerShell 7).
type jsonEvent struct {
	ID           json.RawMessage   `json:"Id"`
	Level        json.RawMessage   `json:"Level"`
	RecordID     json.RawMessage   `json:"RecordId"`
	ProviderName string            `json:"ProviderName"`
	LogName      string            `json:"LogName"`
	MachineName  string            `json:"MachineName"`
	TimeCreated  string            `json:"TimeCreated"`
	Properties   []json.RawMessage `json:"Properties"`
	Message      string            `json:"Message"`
}

// lackJSON51 is what Windows PowerShell 5.1's ConvertTo-Json loses at its
// default depth: each EventProperty becomes its type name.
const lackJSON51 = "Properties lost by ConvertTo-Json's default depth: fields read from the message"

// readWinEventJSON streams Get-WinEvent | ConvertTo-Json (§3b): an array of
// objects (or one object) decoded one object at a time. PowerShell 7's
// Properties give the values by position, as an .evtx's unnamed values;
// 5.1's are type names, so only the message is left. TimeCreated is
// "\/Date(ms)\/" (5.1, UTC) or ISO 8601 with the local offset (7). JSON
// keeps no line numbers here: records and damage are cited by record id
// and byte offset.
func readWinEventJSON(name string, text io.Reader, st *Stats, emit func(*Record)) error {
	br := bufio.NewReader(text)
	first, err := firstByte(br)
	if err != nil {
		return fmt.Errorf("%s: %w: the export is empty", name, ErrNotExport)
	}
	limit := &capReader{r: br}
	dec := json.NewDecoder(limit)
	dec.UseNumber()
	if first == '[' {
		if _, err := dec.Token(); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
	}
	lost51 := false
	for dec.More() {
		limit.budget = maxEventText * 4
		var ev jsonEvent
		start := dec.InputOffset()
		if err := dec.Decode(&ev); err != nil {
			if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
				st.problem(Problem{File: name, Offset: start, Message: fmt.Sprintf("the export ends inside the event that starts at offset %d: the file is truncated; every event before it was read", start)})
			} else {
				st.problem(Problem{File: name, Offset: dec.InputOffset(), Message: fmt.Sprintf("the event that starts at offset %d is broken (%v); nothing after it can be read", start, err)})
			}
			st.Lost++
			break
		}
		rec := Record{Event: evtx.Event{File: name, Provider: ev.ProviderName, Channel: ev.LogName, Computer: ev.MachineName}}
		rec.EventID = uint32(jsonUint(ev.ID, 32))
		rec.Level = uint8(jsonUint(ev.Level, 8))
		rec.RecordID = jsonUint(ev.RecordID, 64)
		rec.Time = p7OrDate(ev.TimeCreated, st, name, start)
		for _, p := range ev.Properties {
			v, ok := propertyValue(p)
			if !ok {
				lost51 = true
				continue
			}
			rec.Values = append(rec.Values, evtx.Value{Value: v})
		}
		if ev.Message != "" {
			rec.Values = append(rec.Values, evtx.Value{Name: "Message", Value: ev.Message})
		}
		st.Records++
		emit(&rec)
	}
	if lost51 {
		st.Lacks = append(st.Lacks, lackJSON51)
	}
	limit.budget = 0
	if n, err := trailing(io.MultiReader(dec.Buffered(), limit), st.Problems == nil); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	} else if n > 0 {
		st.problem(Problem{File: name, Offset: dec.InputOffset(), Message: fmt.Sprintf("%d bytes of text after the events were not read", n)})
	}
	st.Bytes = dec.InputOffset()
	return nil
}

// trailing reads r to its end, so that the whole input is read (its size
// and digest cover it), and counts what is not white space or the closing
// ']' of the array; count is false after damage, which said it already.
func trailing(r io.Reader, count bool) (int, error) {
	buf := make([]byte, 32<<10)
	n, closed := 0, false
	for {
		m, err := r.Read(buf)
		for _, c := range buf[:m] {
			switch {
			case c == ' ' || c == '\t' || c == '\r' || c == '\n':
			case c == ']' && !closed:
				closed = true
			case count:
				n++
			}
		}
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			return n, err
		}
	}
}

// capReader fails a read once budget bytes have gone by without being
// reset: json.Decoder buffers a whole value, and one hostile value must
// not take memory without bound. A zero budget is no limit.
type capReader struct {
	r      io.Reader
	budget int
}

var errJSONTooLong = fmt.Errorf("one event is longer than %d bytes", maxEventText*4)

func (c *capReader) Read(p []byte) (int, error) {
	if c.budget == 0 {
		return c.r.Read(p)
	}
	if c.budget < 0 {
		return 0, errJSONTooLong
	}
	n, err := c.r.Read(p)
	c.budget -= n
	if c.budget == 0 {
		c.budget = -1
	}
	return n, err
}

// firstByte returns the first byte that is not white space, unread.
func firstByte(br *bufio.Reader) (byte, error) {
	for {
		r, _, err := br.ReadRune()
		if err != nil {
			return 0, err
		}
		if !unicode.IsSpace(r) && r != '\uFEFF' {
			br.UnreadRune()
			return byte(r), nil
		}
	}
}

// jsonUint reads a JSON number; null, absent or not a number is 0.
func jsonUint(raw json.RawMessage, bits int) uint64 {
	n, err := strconv.ParseUint(string(bytes.TrimSpace(raw)), 10, bits)
	if err != nil {
		return 0
	}
	return n
}

// propertyValue is one PowerShell 7 property's Value as text; ok is false
// for a 5.1 type name, which holds no value.
func propertyValue(raw json.RawMessage) (string, bool) {
	var p struct {
		Value json.RawMessage `json:"Value"`
	}
	if json.Unmarshal(raw, &p) != nil || p.Value == nil {
		return "", false
	}
	var s string
	if json.Unmarshal(p.Value, &s) == nil {
		return s, true
	}
	if v := string(bytes.TrimSpace(p.Value)); v != "null" {
		return v, true // a number or bool as written; a nested object as its JSON
	}
	return "", true
}

// p7OrDate parses TimeCreated: "/Date(ms)/" from 5.1 (after JSON
// unescaped "\/"), or ISO 8601 with an offset from PowerShell 7.
func p7OrDate(s string, st *Stats, name string, off int64) time.Time {
	if ms, ok := strings.CutPrefix(s, "/Date("); ok {
		ms, _, _ = strings.Cut(ms, ")")
		if n, err := strconv.ParseInt(ms, 10, 64); err == nil {
			return time.UnixMilli(n).UTC()
		}
	} else if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t.UTC()
	}
	if s != "" {
		st.problem(Problem{File: name, Offset: off, Message: fmt.Sprintf("the event at offset %d has TimeCreated %q, which is not a time; it was read without one", off, s)})
	}
	return time.Time{}
}
