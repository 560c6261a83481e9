// Package evtx reads Windows event log (.evtx) files safely: damaged,
// truncated, dirty or hostile files yield every record that can still be
// read, and every part that cannot is reported as a Problem.
//
// The division of work with golang-evtx (v1.2.9) is deliberate. extriage
// walks the file itself: the file header, each 64 KiB chunk slot found by
// position (so dirty, full or truncated files lose nothing the header no
// longer lists), the header and records checksums, and each record's
// framing, resynchronising after a damaged record. golang-evtx parses the
// BinXML template definitions (element names, attributes, substitution
// slots), once per chunk, inside a recover in a goroutine this package owns.
// Values are decoded here from their raw bytes, because golang-evtx's value
// parser loses empty strings in string arrays and mangles several types.
// None of golang-evtx's types appear in this package's API.
//
// Nothing is lost without a word. The chunks found are compared with the
// file header (its chunk count and next record id: a file cut at a chunk
// boundary, an all-zero slot inside the count) and with each other by
// their record ids: ids that no chunk holds are reported, and counted as
// lost when a lost chunk is where they were; a chunk that repeats another's
// ids (a copy written over it) is named and its records counted once. A
// chunk whose header is lost is read by its records' own signatures and
// sizes; a record whose only damage is its signature is read. Events whose
// bytes no checksum vouches for say so (Event.Unverified). Times outside
// 1970-2099 are unknown, counted, and left out of spans. A file that
// changes size while it is read is reported.
//
// Input is read front to back, one 64 KiB slot at a time, by one goroutine
// that hands the slots to the decoding workers: a file ([ReadFile], [Read])
// and a stream that cannot seek, such as a compressed zip member
// ([ReadStream]), take the same path, and memory is bounded by the number
// of workers, not by the size of the input.
package evtx

import (
	"io"
	stdlog "log"

	utilslog "github.com/0xrawsec/golang-utils/log"
)

// golang-evtx reports parse errors by printing them, with a stack trace, to
// the standard logger. Errors reach extriage as values, so that output is
// noise on the user's terminal: silence it. extriage itself does not use
// the standard logger.
func init() {
	utilslog.SetLogLevel(utilslog.LCritical)
	stdlog.SetOutput(io.Discard)
}
