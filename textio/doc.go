// Package textio is the text layer that readers of exported text share:
// the encoding of an input found from its first bytes (byte-order marks,
// UTF-16 without one known by its NUL bytes), one UTF-16 decoder (a
// streaming transcoder to UTF-8 that says where it replaced invalid code
// units, and the same decoding for a whole buffer), and a tolerant CSV
// reader that knows physical line numbers.
//
// It is written for what Windows tools export (Export-Csv, Event Viewer,
// Exchange's own logs), never trusts the input, and never holds more of it
// than one record, capped: damage is reported with its line and the rest
// is read.
package textio
