// Package report renders a scan's result (incidents and the scan summary)
// for people and for scripts. Each format is one Reporter in its own file;
// every string that came from a log is treated as hostile: control
// sequences are stripped for terminals, markup escaped where it applies.
package report
