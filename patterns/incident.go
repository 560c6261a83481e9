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
	// ID names this incident within a report: one episode of a problem. It
	// is a hash of the pattern, the key and first_seen, so two episodes of
	// one key (hits farther apart than the rule's window) have two ids.
	ID string `json:"id"`
	// ProblemID names the problem: a hash of the pattern and the key only,
	// the same in every scan and for every episode. --baseline compares it,
	// so an ongoing problem stays known when nightly scans of rotated logs
	// see its first_seen move.
	ProblemID string   `json:"problem_id"`
	Pattern   string   `json:"pattern"`
	Title     string   `json:"title"`
	Severity  Severity `json:"severity"`
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
	ZoneUnknown bool `json:"zone_unknown,omitempty"`
	// JoinCapped says a join's values may be incomplete: the incident or
	// the join table reached its cap; the explanation says which.
	JoinCapped bool `json:"join_capped,omitempty"`
	// Rejoins says the incident's earliest record is one logged once per
	// episode (the rule's rejoin): a combined report joins it to the
	// previous incident of its problem however long the gap.
	Rejoins     bool   `json:"rejoins,omitempty"`
	Explanation string `json:"explanation"`
	// Remedy lists checks and fixes in the order to try them.
	Remedy []Step `json:"remedy"`
	// Caveats say what part of the incident's basis the catalog marks
	// unconfirmed; a reader should weigh the incident accordingly.
	Caveats []string `json:"caveats,omitempty"`
	// EvidenceTotal is the number of supporting records (a record two
	// member signatures recognise is one); Evidence holds all of them, or,
	// when EvidenceTruncated, the first and the last EvidenceKept in time.
	EvidenceTotal     int  `json:"evidence_total"`
	EvidenceTruncated bool `json:"evidence_truncated"`
	// Evidence is the supporting hits, sorted by time, file, record, line;
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

// ProblemID is the stable id of the problem of pattern with key, the same
// in every scan. The key is compared case-insensitively, as incidents group
// it. Reports before problem_id had it as their id.
func ProblemID(pattern, key string) string {
	return shortHash(pattern + "\x00" + strings.ToLower(key))
}

// EpisodeID is the id of the incident of pattern with key that starts at
// first: unique within a report, as episodes of one key never share a
// start.
func EpisodeID(pattern, key string, first time.Time) string {
	return shortHash(pattern + "\x00" + strings.ToLower(key) + "\x00" + first.UTC().Format(time.RFC3339Nano))
}

func shortHash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:8])
}
