package evtx

import (
	"encoding/binary"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// rawValue is one substitution value of a template instance, still in its
// bytes; off is its chunk offset, needed to follow nested BinXML.
type rawValue struct {
	typ byte
	b   []byte
	off int
}

// instance is a template instance: the definition it uses and its values.
type instance struct {
	t      *template
	values []rawValue
}

// maxNesting bounds nested BinXML fragments, which hostile input could make
// recursive.
const maxNesting = 4

// readInstance reads the fragment at chunk offset p (ending before end):
// fragment header, template instance, the definition when it is written
// inline, and the substitution values. The layout is read here rather than
// through golang-evtx so that values keep their raw bytes.
func (c *chunkDecoder) readInstance(p, end int) (*instance, error) {
	d := c.data
	if p+10 > end {
		return nil, fmt.Errorf("BinXML fragment is too short")
	}
	if d[p] == 0x0f { // the fragment header; nested fragments may omit it
		p += 4
	}
	if p < end && (d[p] == 0x01 || d[p] == 0x41) {
		return readPlainInstance(d, p, end)
	}
	if p+10 > end || d[p] != 0x0c {
		return nil, fmt.Errorf("BinXML fragment holds no template instance (token 0x%02x)", d[p])
	}
	defOff := int(binary.LittleEndian.Uint32(d[p+6:]))
	p += 10
	if defOff == p { // the definition follows inline, at its first use in the chunk
		if p+24 > end {
			return nil, fmt.Errorf("template definition runs past the record")
		}
		p += 24 + int(binary.LittleEndian.Uint32(d[p+20:]))
	}
	t, err := c.template(defOff)
	if err != nil {
		return nil, err
	}
	values, err := readValues(d, p, end)
	if err != nil {
		return nil, err
	}
	return &instance{t: t, values: values}, nil
}

// readPlainInstance reads a fragment written without a template, as some
// event forwarders do: all its text is inline and it has no values.
func readPlainInstance(d []byte, p, end int) (*instance, error) {
	root, err := parsePlain(d, p, end)
	if err != nil {
		return nil, err
	}
	t, err := newTemplate(root)
	if err != nil {
		return nil, err
	}
	return &instance{t: t}, nil
}

// readValues reads the value count, the descriptors and the values, checking
// that they fit in the record: golang-evtx panics when they do not.
func readValues(d []byte, p, end int) ([]rawValue, error) {
	if p+4 > end {
		return nil, fmt.Errorf("substitution values run past the record")
	}
	n := int(binary.LittleEndian.Uint32(d[p:]))
	p += 4
	if n < 0 || n > (end-p)/4 {
		return nil, fmt.Errorf("record claims %d substitution values, more than fit", n)
	}
	vals := make([]rawValue, n)
	q := p + 4*n
	for i := range vals {
		size := int(binary.LittleEndian.Uint16(d[p+4*i:]))
		if q+size > end {
			return nil, fmt.Errorf("substitution value %d (%d bytes) runs past the record", i, size)
		}
		vals[i] = rawValue{typ: d[p+4*i+2], b: d[q : q+size : q+size], off: q}
		q += size
	}
	return vals, nil
}

// text resolves a content item to its rendered string.
func (in *instance) text(it *item) string {
	if it == nil {
		return ""
	}
	if it.sub < 0 {
		return it.text
	}
	if it.sub >= len(in.values) {
		return ""
	}
	v := in.values[it.sub]
	return formatValue(v.typ, v.b)
}

// content joins the rendered content items of n.
func (in *instance) content(n *node) string {
	if len(n.content) == 1 {
		return in.text(&n.content[0])
	}
	var sb strings.Builder
	for i := range n.content {
		sb.WriteString(in.text(&n.content[i]))
	}
	return sb.String()
}

// header fills the System fields of ev; it is cheap enough to run on every
// record, before deciding whether the values are worth decoding.
func (in *instance) header(ev *Event) {
	t := in.t
	ev.Provider = in.text(t.provider)
	ev.Channel = in.text(t.channel)
	if id, err := strconv.ParseUint(in.text(t.eventID), 10, 32); err == nil {
		ev.EventID = uint32(id)
	}
}

// fill decodes the rest of the event: level, computer, time and values.
func (c *chunkDecoder) fill(in *instance, ev *Event) {
	t := in.t
	if lv, err := strconv.ParseUint(in.text(t.level), 10, 8); err == nil {
		ev.Level = uint8(lv)
	}
	ev.Computer = in.text(t.computer)
	if tc := t.timeCreated; tc != nil {
		if tm, ok := in.time(tc); ok {
			ev.Time = tm
		}
	}
	if t.data != nil {
		ev.Values = c.dataValues(in, t.data, ev.Values[:0], 0)
	} else {
		ev.Values = c.rootFragments(in, ev.Values[:0])
	}
	if t.rendering != nil {
		if m := t.rendering.child("Message"); m != nil {
			ev.Values = append(ev.Values, Value{Name: "Message", Value: in.content(m)})
		}
	}
}

// rootFragments decodes data sections that Windows wrote as a nested
// BinXML value directly under <Event>, as it does for classic sources.
func (c *chunkDecoder) rootFragments(in *instance, out []Value) []Value {
	for _, it := range in.t.root.content {
		if it.sub >= 0 && it.sub < len(in.values) && in.values[it.sub].typ == typeBinXML {
			out = c.nestedValues(in.values[it.sub], out, 0)
		}
	}
	return out
}

// time reads TimeCreated/@SystemTime, a FILETIME value or, in some
// writers, text. A time outside the years a log can hold is no time.
func (in *instance) time(it *item) (time.Time, bool) {
	if it.sub >= 0 && it.sub < len(in.values) {
		v := in.values[it.sub]
		if v.typ == typeFileTime && len(v.b) == 8 {
			return knownTime(fileTime(binary.LittleEndian.Uint64(v.b)))
		}
	}
	tm, err := time.Parse(time.RFC3339Nano, in.text(it))
	if err != nil {
		return time.Time{}, false
	}
	return knownTime(tm.UTC())
}

// dataValues flattens <EventData> or <UserData> into values in document
// order. EventData's <Data Name="x"> children give named values; UserData's
// provider-defined element gives one value per leaf element.
func (c *chunkDecoder) dataValues(in *instance, data *node, out []Value, depth int) []Value {
	if strings.EqualFold(data.name, "EventData") {
		for _, d := range data.children {
			name := d.name
			if strings.EqualFold(name, "Data") {
				name = in.text(d.attr("Name"))
			}
			out = c.leafValues(in, name, d, out, depth)
		}
		return out
	}
	for _, ch := range data.children {
		out = c.userValues(in, ch, out, depth)
	}
	if len(data.children) == 0 {
		out = c.leafValues(in, data.name, data, out, depth)
	}
	return out
}

func (c *chunkDecoder) userValues(in *instance, n *node, out []Value, depth int) []Value {
	if len(n.children) == 0 {
		return c.leafValues(in, n.name, n, out, depth)
	}
	for _, ch := range n.children {
		out = c.userValues(in, ch, out, depth)
	}
	return out
}

// leafValues renders one element's content. A lone string-array value
// becomes one value per member (empty members kept, so positions stay
// exact); a nested BinXML fragment contributes its own values.
func (c *chunkDecoder) leafValues(in *instance, name string, n *node, out []Value, depth int) []Value {
	if len(n.content) == 1 && n.content[0].sub >= 0 && n.content[0].sub < len(in.values) {
		v := in.values[n.content[0].sub]
		switch {
		case v.typ == typeString|typeArrayFlag || v.typ == typeAnsi|typeArrayFlag:
			for _, m := range arrayMembers(v.typ, v.b) {
				out = append(out, Value{Name: name, Value: m})
			}
			return out
		case v.typ == typeBinXML:
			return c.nestedValues(v, out, depth)
		}
	}
	return append(out, Value{Name: name, Value: in.content(n)})
}

// nestedValues decodes a BinXML value (a second-level fragment, as CAPI2
// and some manifest providers write) and appends its leaf values.
func (c *chunkDecoder) nestedValues(v rawValue, out []Value, depth int) []Value {
	if depth >= maxNesting || len(v.b) == 0 {
		return out
	}
	if v.b[0] == 0x01 || v.b[0] == 0x41 {
		root, err := parsePlain(c.data, v.off, v.off+len(v.b))
		if err != nil {
			c.recordNote = "nested BinXML value: " + err.Error()
			return out
		}
		return c.dataValues(&instance{}, root, out, depth+1)
	}
	nested, err := c.readInstance(v.off, v.off+len(v.b))
	if err != nil {
		c.recordNote = "nested BinXML value: " + err.Error()
		return out
	}
	return c.dataValues(nested, nested.t.root, out, depth+1)
}
