package input

import (
	"archive/zip"
	"errors"
	"fmt"
	"io"
	"math"
)

// Limits bound what reading a zip archive may cost, against zip bombs:
// archives whose members decompress to far more than a real export. They
// are counted on the bytes actually decompressed, never on the sizes the
// archive declares, and every read through this package counts, the few
// KiB read to recognise each member included.
//
// A zero field takes its default (see DefaultLimits); a negative one turns
// that limit off.
type Limits struct {
	// ArchiveBytes is the most that the members of one archive may
	// decompress to, together.
	ArchiveBytes int64
	// MemberBytes is the most that one member may decompress to.
	MemberBytes int64
	// Ratio is the most that one member may decompress to per byte of its
	// compressed data, once it has decompressed to RatioFrom bytes.
	Ratio int64
	// RatioFrom is how many bytes a member may decompress to whatever its
	// ratio: small files that are mostly zeros compress far better than
	// large ones.
	RatioFrom int64
}

// DefaultLimits returns the limits used for a zero field of Limits:
//
//   - ArchiveBytes, 128 GiB: the logs of a whole DAG, every server's event
//     logs and tracking logs, zipped together. A zip of exports is a few
//     GiB; at the 10-30x that logs compress, it holds tens of GiB.
//   - MemberBytes, 16 GiB: well above the largest single log a server
//     writes. Event logs are rarely allowed past 4 GiB and tracking logs
//     roll over at 10 MiB by default; a message-trace export is usually
//     smaller.
//   - Ratio, 200, from RatioFrom, 8 MiB: event logs and tracking logs
//     compress 10-30x (the public evtx corpus: 13x median, 53x at most for
//     a log with no unused chunk slot), while deflate reaches about 1000x
//     on a run of zeros, the stuff of zip bombs. Unused slots are zeros: a
//     log of one chunk and 16 unused slots compresses about 300x. No corpus
//     log has more than 15 unused slots, so only logs of about 1 MiB get
//     there, and RatioFrom lets them through.
func DefaultLimits() Limits {
	return Limits{ArchiveBytes: 128 << 30, MemberBytes: 16 << 30, Ratio: 200, RatioFrom: 8 << 20}
}

func (l Limits) withDefaults() Limits {
	def := DefaultLimits()
	pick := func(v, d int64) int64 {
		switch {
		case v == 0:
			return d
		case v < 0:
			return math.MaxInt64
		}
		return v
	}
	return Limits{
		ArchiveBytes: pick(l.ArchiveBytes, def.ArchiveBytes),
		MemberBytes:  pick(l.MemberBytes, def.MemberBytes),
		Ratio:        pick(l.Ratio, def.Ratio),
		RatioFrom:    pick(l.RatioFrom, def.RatioFrom),
	}
}

// ErrLimit is matched by every *LimitError (errors.Is).
var ErrLimit = errors.New("zip archive limit exceeded")

// LimitError says that a member was stopped by one of the Limits.
type LimitError struct {
	Archive string // the archive's path
	Member  string // the member being read
	Limit   string // the Limits field: "ArchiveBytes", "MemberBytes" or "Ratio"
	Value   int64  // the limit's value
	Read    int64  // the bytes the member had decompressed to when stopped
	Packed  int64  // the member's compressed size, for a Ratio error
}

func (e *LimitError) Error() string {
	return e.Archive + "!/" + e.Member + ": " + e.reason()
}

func (e *LimitError) Is(target error) bool { return target == ErrLimit }

// reason is the error without the names, for an Error that has them.
func (e *LimitError) reason() string {
	switch e.Limit {
	case "ArchiveBytes":
		return fmt.Sprintf("reading stopped: the archive's members decompress to more than %s together, the limit for one archive (ArchiveBytes); scan a genuine export of this size with a higher limit, or extract it",
			sizeText(e.Value))
	case "MemberBytes":
		return fmt.Sprintf("reading stopped: the member decompresses to more than %s, the limit for one member of an archive (MemberBytes); a genuine log this large needs a higher limit, or extract it",
			sizeText(e.Value))
	}
	return fmt.Sprintf("reading stopped at %s: the member decompresses to more than %d times its compressed size (%s), the limit for the compression ratio (Ratio): this looks like a zip bomb, not a log",
		sizeText(e.Read), e.Value, sizeText(e.Packed))
}

// sizeText writes n bytes for a person.
func sizeText(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d bytes", n)
	}
	v, suffix := float64(n), ""
	for _, s := range []string{"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"} {
		if v /= unit; v < unit {
			suffix = s
			break
		}
	}
	if v == math.Trunc(v) {
		return fmt.Sprintf("%.0f %s", v, suffix)
	}
	return fmt.Sprintf("%.1f %s", v, suffix)
}

// memberReader reads a member's decompressed bytes within the limits, and
// releases its hold on the archive file when closed.
type memberReader struct {
	a      *archive
	member string
	rc     io.ReadCloser
	packed int64 // compressed size, as far as the archive file reaches
	// declared is the size the archive gives for the member decompressed.
	declared int64
	n        int64
	err      error
	closed   bool
}

// room returns how many more bytes the member may decompress to, and the
// limit that says so.
func (m *memberReader) room() (int64, string) {
	lim := m.a.lim
	room, which := lim.MemberBytes-m.n, "MemberBytes"
	if r := lim.ArchiveBytes - m.a.total.Load(); r < room {
		room, which = r, "ArchiveBytes"
	}
	allowed := int64(math.MaxInt64)
	if m.packed <= math.MaxInt64/lim.Ratio {
		allowed = max(lim.RatioFrom, lim.Ratio*m.packed)
	}
	if r := allowed - m.n; r < room {
		room, which = r, "Ratio"
	}
	return max(room, 0), which
}

func (m *memberReader) Read(p []byte) (int, error) {
	if m.err != nil {
		return 0, m.err
	}
	if m.closed {
		return 0, errClosed
	}
	room, which := m.room()
	// One byte past the room tells a member that exceeds it from one that
	// ends exactly there.
	if int64(len(p)) > room {
		p = p[:room+1]
	}
	n, err := m.rc.Read(p)
	if errors.Is(err, zip.ErrFormat) {
		// archive/zip's only format error during a read: more bytes than
		// the size declared.
		m.err = fmt.Errorf("the member decompresses to more than the %s the archive declares for it: the archive is damaged or was altered; what was read up to that size is kept (%w)",
			sizeText(m.declared), err)
		err = m.err
	}
	if int64(n) > room {
		n = int(room)
		m.err = m.limitError(which, m.n+int64(n))
		err = m.err
	}
	m.n += int64(n)
	m.a.total.Add(int64(n))
	return n, err
}

func (m *memberReader) limitError(which string, read int64) error {
	e := &LimitError{Archive: m.a.path, Member: m.member, Limit: which, Read: read, Packed: m.packed}
	switch which {
	case "ArchiveBytes":
		e.Value = m.a.lim.ArchiveBytes
	case "MemberBytes":
		e.Value = m.a.lim.MemberBytes
	default:
		e.Value = m.a.lim.Ratio
	}
	return e
}

func (m *memberReader) Close() error {
	if m.closed {
		return nil
	}
	m.closed = true
	err := m.rc.Close()
	m.a.release()
	return err
}

var errClosed = errors.New("read after close")
