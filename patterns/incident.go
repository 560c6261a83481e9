package patterns

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"time"
)

// Severity grades an incident: info, low, medium, high or critical.
type Severity string

// The severities, lowest first.
const (
	SeverityInfo     Severity = "info"
	SeverityLow      Severity = "low"
	SeverityMedium   Severity = "medium"
	SeverityHigh     Severity = "high"
	SeverityCritical Severity = "critical"
)

// Rank orders severities (info 0 ... critical 4); -1 for an unknown one.
func (s Severity) Rank() int {
	switch s {
	case SeverityInfo:
		return 0
	case SeverityLow:
		return 1
	case SeverityMedium:
		return 2
	case SeverityHigh:
		return 3
	case SeverityCritical:
		return 4
	}
	return -1
}

// Incident is one explained problem: the hits of one key, within one
// window, that satisfied a rule's require. Times are UTC as the records
// gave them; the reporter formats them.
type Incident struct {
	// ID is stable across scans: a hash of the pattern and the key, so a
	// script can tell an incident it already knows from a new one. An
	// incident whose hits fall into two windows yields two incidents with
	// the same ID: they are the same problem seen twice.
	ID       string   `json:"id"`
	Pattern  string   `json:"pattern"`
	Title    string   `json:"title"`
	Severity Severity `json:"severity"`
	// Key identifies the incident within its pattern, e.g. DB1\SERVER3.
	Key string `json:"key"`
	// Fields holds string, int, []string or []int values. A declared field
	// that no hit carried is absent, never zero.
	Fields map[string]any `json:"fields"`
	// Count is the number of distinct supporting records, or of distinct
	// values of the rule's count_distinct field (messages, for mail flow).
	Count int `json:"count"`
	// CountUnit is what Count counts, in the singular: "record", "message".
	CountUnit string    `json:"count_unit"`
	FirstSeen time.Time `json:"first_seen"`
	LastSeen  time.Time `json:"last_seen"`
	// ZoneUnknown says some of the times are local times of an unknown
	// zone, read as if UTC (catalog review R30): reports label them so.
	ZoneUnknown bool   `json:"zone_unknown,omitempty"`
	Explanation string `json:"explanation"`
	// Remedy lists checks and fixes in the order to try them.
	Remedy []Step `json:"remedy"`
	// Evidence is every supporting hit, sorted by time, file, record, line;
	// the reporter decides how many to print.
	Evidence []Evidence `json:"evidence"`
}

// Step is one remedy step. Command, when set, is exactly what to type, so a
// report can put it in a code block; Text says why or what to look for.
type Step struct {
	Text    string `json:"text"`
	Command string `json:"command,omitempty"`
	// Shell is where Command runs: "ems" (Exchange Management Shell), "exo"
	// (Exchange Online PowerShell) or "both"; ShellName says it in words.
	Shell string `json:"shell,omitempty"`
	// SideEffects says what a command that changes state also changes, and
	// that its -WhatIf must be removed to make the change.
	SideEffects string `json:"side_effects,omitempty"`
	rollup      bool   // the rule asked to tell incidents sharing this command
}

// Evidence cites one record that supports an incident.
type Evidence struct {
	File      string    `json:"file"`
	Record    uint64    `json:"record,omitempty"`
	Line      int64     `json:"line,omitempty"`
	Time      time.Time `json:"time"`
	Signature string    `json:"signature"`
	Message   string    `json:"message"`
}

// IncidentID is the stable id of the incident of pattern with key. The key
// is compared case-insensitively, as incidents group it.
func IncidentID(pattern, key string) string {
	sum := sha256.Sum256([]byte(pattern + "\x00" + strings.ToLower(key)))
	return hex.EncodeToString(sum[:8])
}
