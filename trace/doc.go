// Package trace reads Exchange message-tracking logs and message-trace exports
// and streams them as normalised rows.
//
// One reader serves every dialect an admin is likely to hand over:
//
//   - raw tracking logs (MSGTRK*.LOG, with #Software/#Fields: headers that may
//     repeat, and change, mid-file; rows without any header are read in the
//     column order of the Exchange version their column count gives, with a
//     warning);
//   - Get-MessageTrackingLog | Export-Csv (CamelCase columns, optional #TYPE
//     line and PS* columns, timestamps in the exporting admin's local time and
//     culture format);
//   - Exchange Online Get-MessageTrace / Get-MessageTraceV2 and
//     Get-MessageTraceDetail exports;
//   - the historical search extended report (snake_case, usually UTF-16 LE)
//     and enhanced summary report (recipients packed as addr##events;...).
//
// The dialect is decided from the header, the encoding (UTF-8 with or without
// BOM, UTF-16 LE/BE with or without BOM, ASCII) and the delimiter (',' or ';',
// or a tab) from the bytes, with package textio; the file name is never
// consulted. Rows are handed to a callback one at a time, so memory does not
// grow with the file.
//
// The reader is lenient and honest: a row it cannot use is counted and
// reported with its file and line while the rest of the file is still read,
// and anything it had to assume (a local time zone it was not told, a
// day/month order it could not prove) is flagged on the row and in [Stats].
// Only an input it cannot read at all (an unknown header, a broken encoding)
// makes [Read] return an error. Values are passed through byte-exact:
// escaping them for a terminal, HTML or a spreadsheet is the reporter's job.
package trace
