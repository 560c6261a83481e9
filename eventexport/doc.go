// Package eventexport reads the event-log exports administrators send
// instead of .evtx files: what Event Viewer, wevtutil and PowerShell write.
// Each format is recognised from its content ([Sniff]), never its name.
//
// Records stream out one at a time, through a callback, as [evtx.Event]
// values (the same shape the .evtx reader gives, so the matcher cannot tell
// them apart) plus the line they start on; no reader holds the whole file,
// and every value is capped, so memory is bounded by those caps and not by
// the size of the export.
//
// Read so far: Event Viewer's and wevtutil's XML (and saved ToXml()
// strings), Get-WinEvent and Get-EventLog | Export-Csv, wevtutil qe
// /f:text, Get-WinEvent | ConvertTo-Json, and Export-Clixml of
// EventLogRecord and EventLogEntry objects. Event Viewer's CSV and text
// (§1b) are recognised and refused with a sentence saying what to send
// instead: they carry no log name, so no signature could match them.
//
// Formats differ in what survived the export: an XML export keeps record
// ids and values by name, a CSV only the rendered message. [Stats] names
// the format, says what it cannot give, and lists damage (a truncated file,
// a broken element) with its line and offset; everything before and after
// the damage that can still be read is kept.
//
// The text layer here (byte-order marks, UTF-16 without one, a code-page
// fallback) is built on golang.org/x/text; it is meant to move to the
// project's shared text package once that exists.
//
// Formats are described byte by byte, with public samples, in the project's
// shared docs (event-exports.md); comments cite its sections as §n.
package eventexport
