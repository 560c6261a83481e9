package kinds

// The kinds extriage reads.
var (
	Evtx   Kind = evtxKind{}
	Trace  Kind = traceKind{}
	Export Kind = exportKind{}
)

// All lists every kind, in the order their Sniff is asked: binary
// signatures before text, and the message-trace headers before the event
// exports' looser ones. A new kind is added here.
func All() []Kind {
	return []Kind{Evtx, Trace, Export}
}

// Sniff returns the first kind whose Sniff recognises head, nil if none.
func Sniff(head []byte) Kind {
	for _, k := range All() {
		if k.Sniff(head) {
			return k
		}
	}
	return nil
}

// ByName returns the kind whose String is name, nil if none: a report read
// back from JSON names its kinds this way.
func ByName(name string) Kind {
	for _, k := range All() {
		if k.String() == name {
			return k
		}
	}
	return nil
}
