package kinds

import (
	"io"
	"time"

	"github.com/extriage/extriage/patterns"
	"github.com/extriage/extriage/trace"
)

// HeadSize is how much of an input Sniff is shown (less if the input is
// shorter): enough for an .evtx file whose header was destroyed to be known
// by the chunk signature at 4096.
const HeadSize = 4096 + 8

// Kind is one kind of input: a Windows event log, a message-trace export.
// A Kind holds no state: one value reads any number of inputs at once.
type Kind interface {
	// String is the kind's name in reports and JSON ("evtx", "trace"):
	// stable, scripts read it.
	String() string
	// Noun names the kind for people in the summary's count of inputs.
	Noun() Noun
	// Sniff reports whether head, the first HeadSize bytes of an input
	// (fewer if it is shorter), is this kind. Only the content counts,
	// never the name. It must not keep head.
	Sniff(head []byte) bool
	// Read reads one input whose Sniff said yes, handing each record that
	// opts.Prefilter wants to emit, in input order, from one goroutine at a
	// time. The record and its storage are reused once emit returns.
	//
	// Damage that lets the rest be read is in the Stats' Problems, not the
	// error; the error says why reading stopped early or could not start,
	// and Stats.Scanned says whether anything was read before it.
	Read(src Source, opts Options, emit func(*patterns.Record)) (Stats, error)
}

// Noun is how the summary counts files of one kind: "3 event logs (.evtx)",
// "2 message traces (1 message-trace, 1 tracking-log)".
type Noun struct {
	One, Many string // "event log", "event logs"
	// Format, when set, names every file of the kind after the count
	// (".evtx"); when empty the files are counted by their Stats.Format.
	Format string
}

// Source is one input to read.
type Source struct {
	// Name is what reports and evidence call the input: a path, "-", or
	// archive.zip!/member.
	Name string
	// Path is set for a plain file, which a kind may read in place (with an
	// io.ReaderAt) instead of through Open.
	Path string
	// Open opens the input from its start; an input from standard input or
	// a pipe can be opened once only. The bytes read through it are shown
	// as progress.
	Open func() (io.ReadCloser, error)
	// OpenFile, when set, opens the plain file at Path for reading in
	// place, with its size; a kind that reads in place uses it rather than
	// opening Path itself, so the input's bytes are hashed as they are read.
	OpenFile func() (ReaderAtCloser, int64, error)
}

// ReaderAtCloser is a file read in place.
type ReaderAtCloser interface {
	io.ReaderAt
	io.Closer
}

// Prefilter says, before a record costs anything, whether any pattern could
// match it (patterns.Matcher implements it).
type Prefilter interface {
	Wants(channel, provider string, eventID uint32) bool // an event
	WantsTrace(status, event, customData string) bool    // a trace row, by its status, event and custom data
}

// Options are the same for every input of a scan.
type Options struct {
	// Jobs is how many parts of one input a kind that decodes in parallel
	// (evtx chunks) decodes at once; 0 uses every core.
	Jobs int
	// Prefilter, when set, lets a kind skip records no pattern can match;
	// every record is still counted. Nil: every record is emitted.
	Prefilter Prefilter
	// Location is the zone of local times written without one (--timezone);
	// nil: such times are read as UTC, and Stats.Warnings say so.
	Location *time.Location
	// DateOrder is the day/month order of culture-formatted dates
	// (--date-format); trace.DateAuto proves it from the file or assumes it.
	DateOrder trace.DateOrder
}

// Stats is what reading one input gave, for the summary.
type Stats struct {
	// Scanned says something was read: the input counts as scanned even
	// when Read returned an error later.
	Scanned bool
	Bytes   int64 // bytes read
	Records int   // records read, including those the prefilter declined
	Lost    int   // records known to exist that could not be read
	Dirty   bool  // an .evtx file not closed cleanly (a copy of a live log)
	// Format and Encoding are what the content showed: a trace dialect
	// ("tracking-log") or an export's shape; "" when the kind has one.
	Format, Encoding string
	// Lacks lists what this format cannot give, one phrase each, such as
	// "rendered messages only: no record ids". The summary warns of each.
	Lacks []string
	// NoRecordID counts the event records read without a record id (an
	// export of rendered text): they cannot be told apart from the same
	// events read from another file of the same log.
	NoRecordID int
	// Problems are the first damaged parts found; ProblemCount counts all
	// of them, listed or not.
	Problems     []Problem
	ProblemCount int
	// Warnings are what the reader had to assume or could not use, with
	// nothing lost: an unknown time zone, a guessed day/month order.
	Warnings []Problem
	// Servers is the time span of each server's records, counting those
	// the prefilter declined.
	Servers Spans
	// UnknownTimes counts the records (of Records) whose time is unknown:
	// zero, or outside the years a log can hold. They are in no span.
	UnknownTimes int
	// Unverified are the records emitted whose bytes no checksum vouches
	// for, as runs of record ids, at most maxUnverified runs; incidents
	// built on them say so.
	Unverified []Unverified
}

// Unverified is a run of records of one chunk whose bytes no checksum
// vouches for, and why (one of evtx's Unverified constants).
type Unverified struct {
	First, Last uint64
	Chunk       int
	Why         string
}

// maxUnverified bounds the runs kept per input: a file damaged throughout
// has one run per chunk, and no more memory than that is spent on it.
const maxUnverified = 4096

// addUnverified adds a record to the runs.
func (s *Stats) addUnverified(id uint64, chunk int, why string) {
	if n := len(s.Unverified); n > 0 {
		if u := &s.Unverified[n-1]; u.Chunk == chunk && u.Why == why && id == u.Last+1 {
			u.Last = id
			return
		}
	}
	if len(s.Unverified) < maxUnverified {
		s.Unverified = append(s.Unverified, Unverified{id, id, chunk, why})
	}
}

// Problem is one damaged part of an input, or a warning: where it is (the
// fields that apply) and, for a person, what is wrong.
type Problem struct {
	Chunk   *int   // an .evtx chunk index
	Offset  *int64 // the byte offset in the input, with Chunk
	Record  uint64 // the record concerned or expected, 0 if unknown
	Line    int64  // a text line, 0 if none
	Message string
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}
