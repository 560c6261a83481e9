package evtx

import "time"

// Event is one record of an .evtx file, normalised: times in UTC, names as
// written in the file, and the event's values in the order the file holds them.
type Event struct {
	File     string    // the path the caller gave for the input
	Chunk    int       // index of the chunk that holds the record (0-based)
	RecordID uint64    // the EventRecordID Windows assigned
	Time     time.Time // System/TimeCreated, UTC
	Computer string
	Channel  string
	Provider string
	EventID  uint32
	Level    uint8
	// Unverified says why the record's bytes are not vouched for by a
	// checksum (its chunk's records checksum failed, it was recovered from
	// a chunk whose header is lost, its signature is damaged); "" when
	// they are (one of the Unverified constants). What it says may have
	// been altered.
	Unverified string
	// Values are the children of <EventData> or <UserData>, in document order.
	// A classic string-array value is expanded to one Value per member, empty
	// members kept so that positions stay exact.
	Values []Value
}

// Value is one named (or unnamed) value of an event's data section.
type Value struct {
	Name  string // element or Name attribute; "" for unnamed <Data>
	Value string
}
