// Package input turns what a user names on the command line into the logs
// to scan: files, folders walked recursively, standard input, and zip
// archives read in place, their members decompressed as they are read and
// never extracted to disk.
//
// What each input is comes from its content, never its name: one of the
// kinds package kinds lists (a Windows event log (.evtx), a
// message-tracking log or message-trace export, ...), a zip archive, or
// none of these, which is skipped with a reason a person understands.
//
// Zip archives are read within [Limits] against zip bombs, counted on the
// bytes actually decompressed. A damaged archive is reported and what can
// still be read of it is read: when its list of members (the central
// directory at its end) is lost, as in a copy cut short, its members are
// found by reading it from the start.
//
// An [Input] that is a plain file has a Path, to be read in place; every
// input can be opened as a stream (Input.Open), which is how members and
// standard input are read, for example by its Kind's Read.
package input
