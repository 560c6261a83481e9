package patterns

import (
	"slices"
	"strings"
	"testing"
)

// catalogCase is one fixture for one catalog entry: a signature id (the
// records must, or must not, produce a hit of it) or an incident id (the
// records must, or must not, produce such an incident).
type catalogCase struct {
	name     string
	pattern  string
	positive bool
	records  []Record
}

// catalogCases must hold at least one positive and one negative case for
// every signature and incident of the builtin catalog:
// TestCatalogCoverage fails for an entry without them, so nothing can be
// added to the catalog untested.
var catalogCases = slices.Concat(haCases, mailflowCases)

var haCases = []catalogCase{
	{"708 LagDisabled", "ha.lag-playdown", true, []Record{
		r708(1, "2024-03-02T08:00:00Z", "SERVER3.contoso.local", "DB1", reasonLagDisabled, "LagDisabled")}},
	{"708 number in Application", "ha.lag-playdown", false, []Record{
		inChannel(r708(1, "2024-03-02T08:00:00Z", "SERVER3.contoso.local", "DB1", reasonLagDisabled, "LagDisabled"), "Application", "MSExchangeRepl")}},

	{"738 Blocked", "ha.lag-disable-suppressed", true, []Record{
		r738(1, "2024-03-01T08:00:00Z", "SERVER3.contoso.local", "DB1", "SERVER3", blocked3)}},
	{"738 number from another provider", "ha.lag-disable-suppressed", false, []Record{
		inChannel(r738(1, "2024-03-01T08:00:00Z", "SERVER3.contoso.local", "DB1", "SERVER3", blocked3), haChannel, "MSExchangeRepl")}},

	{"2001 FastLagPlaydownDesired", "ha.passive-scan-disabled", true, []Record{
		r2001(1, "2024-03-02T08:00:01Z", "SERVER3.contoso.local", "DB1")}},
	{"classic MSExchangeRepl 2001 service started", "ha.passive-scan-disabled", false, []Record{
		inChannel(rec(1, "2024-03-02T08:00:01Z", "SERVER3.contoso.local", 2001, pos("The service started.")...), "Application", "MSExchangeRepl")}},

	{"seed case", "ha.lagged-copy-not-lagging", true, seedCase()},
	{"738 and 2001 without a LagDisabled 708", "ha.lagged-copy-not-lagging", false, []Record{
		r738(1, "2024-03-01T08:00:00Z", "SERVER3.contoso.local", "DB1", "SERVER3", blocked3),
		r2001(2, "2024-03-02T08:00:01Z", "SERVER3.contoso.local", "DB1"),
		r708(3, "2024-03-02T08:00:00Z", "SERVER3.contoso.local", "DB1", reasonLowDisk, "NotEnoughFreeSpace")}},

	{"708 NotEnoughFreeSpace", "ha.lag-playdown-low-disk", true, []Record{
		r708(1, "2024-03-02T08:00:00Z", "SERVER7.contoso.local", "DB2", reasonLowDisk, "NotEnoughFreeSpace")}},
	{"708 LagDisabled is not low disk", "ha.lag-playdown-low-disk", false, []Record{
		r708(1, "2024-03-02T08:00:00Z", "SERVER3.contoso.local", "DB1", reasonLagDisabled, "LagDisabled")}},

	{"required range by shape", "ha.lag-playdown-required-range", true, []Record{
		rRange(1, "2024-03-02T08:00:00Z", "SERVER9.contoso.local", 0, "DB2")}},
	{"six values without a GUID second", "ha.lag-playdown-required-range", false, []Record{
		rec(1, "2024-03-02T08:00:00Z", "SERVER9.contoso.local", 0, pos("DB2", "x", "1", "2", "3", "4")...)}},

	{"738 alone", "ha.lag-disable-pending", true, []Record{
		r738(1, "2024-03-01T08:00:00Z", "SERVER3.contoso.local", "DB1", "SERVER3", blocked3)}},
	{"738 followed by its LagDisabled 708", "ha.lag-disable-pending", false, seedCase()},

	{"required-range event", "ha.lag-playdown-page-patching", true, []Record{
		rRange(1, "2024-03-02T08:00:00Z", "SERVER9.contoso.local", 0, "DB2")}},
	{"708 LogsInRequiredRange", "ha.lag-playdown-page-patching", true, []Record{
		r708(1, "2024-03-02T08:00:00Z", "SERVER9.contoso.local", "DB2", reasonPatching, "LogsInRequiredRange")}},
	{"708 NotEnoughFreeSpace is not page patching", "ha.lag-playdown-page-patching", false, []Record{
		r708(1, "2024-03-02T08:00:00Z", "SERVER7.contoso.local", "DB2", reasonLowDisk, "NotEnoughFreeSpace")}},
}

func inChannel(r Record, channel, provider string) Record {
	r.Channel, r.Provider = channel, provider
	return r
}

func TestCatalogCases(t *testing.T) {
	m := mustBuiltin(t)
	for _, tc := range catalogCases {
		t.Run(tc.pattern+"/"+tc.name, func(t *testing.T) {
			var found bool
			if _, isSig := m.sigs[tc.pattern]; isSig {
				for i := range tc.records {
					found = found || slices.ContainsFunc(m.Match(&tc.records[i]), func(h Hit) bool { return h.Signature == tc.pattern })
				}
			} else {
				found = slices.ContainsFunc(correlate(m, tc.records...), func(i Incident) bool { return i.Pattern == tc.pattern })
			}
			if found != tc.positive {
				t.Errorf("%s found = %v, want %v", tc.pattern, found, tc.positive)
			}
		})
	}
}

func TestCatalogCoverage(t *testing.T) {
	cat, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, s := range cat.Signatures {
		ids = append(ids, s.ID)
	}
	for _, r := range cat.Incidents {
		ids = append(ids, r.ID)
	}
	for _, id := range ids {
		pos := slices.ContainsFunc(catalogCases, func(c catalogCase) bool { return c.pattern == id && c.positive })
		neg := slices.ContainsFunc(catalogCases, func(c catalogCase) bool { return c.pattern == id && !c.positive })
		if !pos || !neg {
			t.Errorf("%s: catalogCases needs a positive and a negative case (positive %v, negative %v)", id, pos, neg)
		}
	}
	for _, c := range catalogCases {
		if !slices.Contains(ids, c.pattern) {
			t.Errorf("catalogCases names %s, which the catalog does not have", c.pattern)
		}
	}
}

// The catalog as shipped: the ids the rest of extriage and the docs name.
func TestBuiltinCatalog(t *testing.T) {
	cat, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	var sigs, rules []string
	for _, s := range cat.Signatures {
		sigs = append(sigs, s.ID)
		if want := "catalog/" + strings.SplitN(s.ID, ".", 2)[0]; !strings.HasPrefix(s.Origin, want) {
			t.Errorf("%s origin %q, want %s*", s.ID, s.Origin, want)
		}
	}
	for _, r := range cat.Incidents {
		rules = append(rules, r.ID)
	}
	check(t, "signatures", sigs, []string{"ha.lag-playdown", "ha.lag-disable-suppressed", "ha.lag-playdown-required-range", "ha.passive-scan-disabled",
		"mailflow.af-dropped-remote-domain", "mailflow.af-rejected-spam-policy", "mailflow.transport-rule-rejected",
		"mailflow.transport-rule-rejected-custom", "mailflow.transport-rule-audit-row", "mailflow.message-delivered",
		"mailflow.oof-reply-suppressed", "mailflow.trace-summary-failed-row"})
	check(t, "incidents", rules, []string{"ha.lagged-copy-not-lagging", "ha.lag-disable-pending", "ha.lag-playdown-low-disk", "ha.lag-playdown-page-patching",
		"mailflow.autoforward-dropped", "mailflow.autoforward-rejected-spam-policy", "mailflow.transport-rule-reject",
		"mailflow.transport-rule-audit", "mailflow.oof-internal-to-external", "mailflow.oof-external-to-internal",
		"mailflow.oof-suppressed", "mailflow.trace-summary-failed"})
}
