package report

import (
	"strconv"
	"time"
)

// Summary says what a scan read, what it could not read and why.
type Summary struct {
	Inputs  int       `json:"inputs"`  // files scanned as logs
	Records int       `json:"records"` // records read from them
	Lost    int       `json:"records_lost"`
	Skipped []Skipped `json:"skipped"` // files passed over: not a log extriage reads
	Errors  []Error   `json:"errors"`  // damaged or unreadable parts: make the scan partial
	// Warnings are things the reader had to assume (an unknown time zone, a
	// guessed day/month order) or values it could not use: nothing was lost.
	Warnings []Error   `json:"warnings"`
	Files    []File    `json:"files"`
	Servers  []Server  `json:"servers"` // the time span each server's records cover
	Partial  bool      `json:"partial"`
	Started  time.Time `json:"started"`
	Duration Duration  `json:"duration_seconds"`
	Bytes    int64     `json:"bytes"`
}

// File is the outcome for one input file.
type File struct {
	Path     string `json:"file"`
	Kind     string `json:"kind"` // "evtx" or "trace"
	Bytes    int64  `json:"bytes"`
	Records  int    `json:"records"`
	Lost     int    `json:"records_lost"`
	Problems int    `json:"problems"`
	Dirty    bool   `json:"dirty,omitempty"`
	// Trace files only: the dialect and encoding found from the content.
	Dialect  string `json:"dialect,omitempty"`
	Encoding string `json:"encoding,omitempty"`
}

// Server is the time span of the records read for one server (the evtx
// Computer, the trace server column); "" collects trace rows that name none.
type Server struct {
	Name    string    `json:"server"`
	Records int       `json:"records"`
	First   time.Time `json:"first"`
	Last    time.Time `json:"last"`
}

// Error is one damaged or unreadable part of an input.
type Error struct {
	File    string `json:"file"`
	Chunk   *int   `json:"chunk,omitempty"`
	Offset  *int64 `json:"offset,omitempty"`
	Record  uint64 `json:"record,omitempty"`
	Line    int64  `json:"line,omitempty"`
	Message string `json:"message"`
}

// Skipped is a file that was not scanned, with the reason.
type Skipped struct {
	File   string `json:"file"`
	Reason string `json:"reason"`
}

// Duration marshals as seconds, which scripts compare more easily.
type Duration time.Duration

// MarshalJSON writes the duration in seconds with millisecond precision.
func (d Duration) MarshalJSON() ([]byte, error) {
	return []byte(strconv.FormatFloat(time.Duration(d).Seconds(), 'f', 3, 64)), nil
}
