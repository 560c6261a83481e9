// Package kinds holds what extriage can read, one input kind per file, and
// the one interface every kind implements: recognise an input from its
// first bytes ([Kind.Sniff]), read it into the matcher's records as a
// stream ([Kind.Read]), and say for the summary what was read, what was
// damaged and what the format cannot give ([Stats]).
//
// The registry ([All], in registry.go) lists the kinds in the order their
// Sniff is asked; package input recognises inputs with it and package scan
// reads them with it, so adding a kind is one file here (the adapter from
// a reader package to a Kind), its tests, and one line in the registry.
// See "Adding an input kind" in docs/design.md.
//
// The readers themselves live in their own packages (evtx, trace,
// eventexport): a kind only adapts one to this interface, so the readers
// keep their own API, options and statistics.
package kinds
