package evtx

import (
	"bytes"
	"fmt"
	"strings"

	goevtx "github.com/0xrawsec/golang-evtx/evtx"
)

// item is one piece of text content in a template: a literal, or a
// reference to the record's substitution value number sub.
type item struct {
	text string
	sub  int // -1 for a literal
}

// node is an element of a template definition, reduced to what extriage
// reads: its name, attributes and content in document order.
type node struct {
	name     string
	attrs    []attr
	content  []item
	children []*node
}

type attr struct {
	name string
	val  item
}

// template is a parsed template definition plus the places of the System
// fields, found once per chunk so that each record costs only the decoding
// of the values it needs.
type template struct {
	root        *node // the <Event> element
	system      *node
	data        *node // <EventData> or <UserData>, nil when absent
	rendering   *node // <RenderingInfo>, in forwarded events
	provider    *item
	channel     *item
	eventID     *item
	level       *item
	computer    *item
	timeCreated *item
}

// parseTemplate parses the template definition at chunk offset off with
// golang-evtx, which panics on some malformed input: the panic is turned
// into an error here, in a goroutine we own.
func parseTemplate(data []byte, off int) (t *template, err error) {
	defer func() {
		if r := recover(); r != nil {
			t, err = nil, fmt.Errorf("template definition at chunk offset %d cannot be parsed: %v", off, r)
		}
	}()
	if off < 0 || off+24 > len(data) {
		return nil, fmt.Errorf("template definition offset %d is outside the chunk", off)
	}
	rd := newBudgetReader(data)
	if _, err := rd.Seek(int64(off), 0); err != nil {
		return nil, err
	}
	var tdd goevtx.TemplateDefinitionData
	if err := tdd.Parse(rd); err != nil {
		return nil, fmt.Errorf("template definition at chunk offset %d: %v", off, err)
	}
	tree, _ := goevtx.NodeTree(tdd.Elements, 0)
	return newTemplate(convertNode(&tree))
}

func newTemplate(top *node) (*template, error) {
	ev := top.child("Event")
	if ev == nil {
		if len(top.children) == 1 {
			ev = top.children[0] // a nested fragment has its own root element
		} else {
			return nil, fmt.Errorf("template has no <Event> element")
		}
	}
	t := &template{root: ev, system: ev.child("System"), rendering: ev.child("RenderingInfo")}
	if t.data = ev.child("EventData"); t.data == nil {
		t.data = ev.child("UserData")
	}
	if s := t.system; s != nil {
		if p := s.child("Provider"); p != nil {
			t.provider = p.attr("Name")
		}
		t.channel = s.text("Channel")
		t.eventID = s.text("EventID")
		t.level = s.text("Level")
		t.computer = s.text("Computer")
		if tc := s.child("TimeCreated"); tc != nil {
			t.timeCreated = tc.attr("SystemTime")
		}
	}
	return t, nil
}

// convertNode copies golang-evtx's node tree into ours, keeping order.
func convertNode(n *goevtx.Node) *node {
	out := &node{}
	if n.Start != nil {
		out.name = n.Start.Name.String()
		for _, a := range n.Start.AttributeList.Attributes {
			if it, ok := convertItem(a.AttributeData); ok {
				out.attrs = append(out.attrs, attr{name: a.Name.String(), val: it})
			}
		}
	}
	for _, e := range n.Element {
		if it, ok := convertItem(e); ok {
			out.content = append(out.content, it)
		}
	}
	for _, c := range n.Child {
		out.children = append(out.children, convertNode(c))
	}
	return out
}

func convertItem(e goevtx.Element) (item, bool) {
	switch v := e.(type) {
	case *goevtx.ValueText:
		return item{text: v.String(), sub: -1}, true
	case *goevtx.NormalSubstitution:
		return item{sub: int(uint16(v.SubID))}, true
	case *goevtx.OptionalSubstitution:
		return item{sub: int(uint16(v.SubID))}, true
	case *goevtx.CharEntityRef:
		return item{text: string(rune(uint16(v.Value))), sub: -1}, true
	case *goevtx.BinXMLEntityReference:
		return item{text: v.String(), sub: -1}, true
	}
	return item{}, false
}

func (n *node) child(name string) *node {
	for _, c := range n.children {
		if strings.EqualFold(c.name, name) {
			return c
		}
	}
	return nil
}

func (n *node) attr(name string) *item {
	for i := range n.attrs {
		if strings.EqualFold(n.attrs[i].name, name) {
			return &n.attrs[i].val
		}
	}
	return nil
}

// text returns the single content item of child name, nil if it has none:
// an empty element such as <Channel/> is an empty value, not a map.
func (n *node) text(name string) *item {
	c := n.child(name)
	if c == nil || len(c.content) == 0 {
		return nil
	}
	return &c.content[0]
}

// parsePlain parses BinXML written without a template (elements carrying
// their text inline), as CAPI2 nests in its event data, between chunk
// offsets off and end.
func parsePlain(data []byte, off, end int) (n *node, err error) {
	defer func() {
		if r := recover(); r != nil {
			n, err = nil, fmt.Errorf("BinXML at chunk offset %d cannot be parsed: %v", off, r)
		}
	}()
	rd := newBudgetReader(data[:end])
	if _, err := rd.Seek(int64(off), 0); err != nil {
		return nil, err
	}
	var elems []goevtx.Element
	for rd.Len() > 0 {
		e, err := goevtx.Parse(rd, nil, false)
		if err != nil {
			return nil, fmt.Errorf("BinXML at chunk offset %d: %v", off, err)
		}
		if _, eof := e.(*goevtx.BinXMLEOF); eof {
			break
		}
		elems = append(elems, e)
	}
	tree, _ := goevtx.NodeTree(elems, 0)
	return convertNode(&tree), nil
}

// readBudget bounds what golang-evtx may read for one template: a hostile
// definition can point back at itself, and golang-evtx then recurses
// without end until the stack overflows, which no recover can catch.
// Real definitions are a few KiB; a chunk is 64 KiB.
const readBudget = 1 << 17

// budgetReader is a bytes.Reader that panics, with an error recovered by
// our caller, once readBudget bytes (two chunks) have been read through it.
type budgetReader struct {
	*bytes.Reader
	left int
}

func newBudgetReader(b []byte) *budgetReader {
	return &budgetReader{Reader: bytes.NewReader(b), left: readBudget}
}

func (r *budgetReader) Read(p []byte) (int, error) {
	r.left -= len(p) + 1 // a read of nothing still costs: it may be a loop
	if r.left < 0 {
		panic("the template reads far more than a chunk holds; it probably refers to itself")
	}
	return r.Reader.Read(p)
}
