package patterns

import "time"

// Record is what the matcher sees: one normalised record from any source.
// Readers (evtx, trace) are adapted to it by the caller, so this package
// depends on neither.
type Record struct {
	Source string // "evtx" or "trace"
	File   string
	// Where the record sits in File: an evtx record id, or a trace line number.
	RecordID uint64
	Line     int64

	Time time.Time // UTC
	// ZoneUnknown says Time was a local time of an unknown zone, read as
	// if it were UTC (a tracking CSV scanned without --timezone).
	ZoneUnknown bool
	Computer    string // evtx: System/Computer; trace: the server, when known

	// evtx only.
	Channel  string
	Provider string
	EventID  uint32
	Level    uint8
	Values   []Value // in document order; Name may be empty

	// trace only: the normalised columns of a trace row, by canonical name
	// (sender, recipient, event, source, source_context, status, message_id,
	// subject, server, direction, custom_data, ...).
	Columns map[string]string
}

// Value is one value of an event's data section, in order.
type Value struct {
	Name  string
	Value string
}
