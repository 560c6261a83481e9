package report

import (
	"cmp"
	"slices"
	"strings"
	"time"
)

// serverView is one server as the per-server sections show it: the time
// span its records cover and the incidents that name it. Admins think in
// servers ("what is wrong on EX02?"), the scan in patterns; this joins the
// two.
type serverView struct {
	Name        string // "" gathers trace rows and incidents that name no server
	Read        bool   // in Summary.Servers: Records, First and Last are known
	Records     int
	First, Last time.Time
	Incidents   []int // indexes into Result.Incidents
}

// serverViews lists the servers of the summary and those the incidents
// name, sorted by name, the nameless group last. Names are compared
// case-insensitively, as Exchange does.
func serverViews(r *Result) []serverView {
	byName := map[string]*serverView{}
	var order []*serverView
	get := func(name string) *serverView {
		k := strings.ToLower(name)
		if v, ok := byName[k]; ok {
			return v
		}
		v := &serverView{Name: name}
		byName[k] = v
		order = append(order, v)
		return v
	}
	for _, s := range r.Summary.Servers {
		v := get(s.Name)
		v.Read = true
		v.Records += s.Records
		if v.First.IsZero() || s.First.Before(v.First) {
			v.First = s.First
		}
		if s.Last.After(v.Last) {
			v.Last = s.Last
		}
	}
	for i := range r.Incidents {
		names := incidentServers(&r.Incidents[i], byName)
		if len(names) == 0 {
			names = []string{""}
		}
		for _, n := range names {
			v := get(n)
			v.Incidents = append(v.Incidents, i)
		}
	}
	slices.SortFunc(order, func(a, b *serverView) int {
		if (a.Name == "") != (b.Name == "") {
			return cmp.Compare(b.Name, a.Name) // "" last
		}
		return cmp.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name))
	})
	out := make([]serverView, len(order))
	for i, v := range order {
		out[i] = *v
	}
	return out
}

// incidentServers returns the servers an incident names: its server or
// servers field (mail-flow incidents list every server that logged them),
// else the parts of its key (DB1\SERVER3) that are servers the scan read.
// A key part that is no known server (DB1) is not guessed to be one.
func incidentServers(inc *Incident, known map[string]*serverView) []string {
	for _, field := range []string{"server", "servers"} {
		var names []string
		switch v := inc.Fields[field].(type) {
		case string:
			names = []string{v}
		case []string:
			names = v
		}
		var out []string
		for _, n := range names {
			if n = hostName(n); n != "" && !slices.Contains(out, n) {
				out = append(out, n)
			}
		}
		if len(out) > 0 {
			return out
		}
	}
	var names []string
	for _, part := range strings.FieldsFunc(inc.Key, func(r rune) bool { return r == '\\' || r == '/' }) {
		if _, ok := known[strings.ToLower(part)]; ok && !slices.Contains(names, part) {
			names = append(names, part)
		}
	}
	return names
}

// serverLabel is how a server's name is shown: cleaned, and a phrase for
// the nameless group.
func serverLabel(name string) string {
	if name == "" {
		return "(no server named)"
	}
	return Clean(name, false)
}

// hostName is a server as the summary names it: the host part of an FQDN,
// upper-case, as Exchange prints server names.
func hostName(s string) string {
	host, _, _ := strings.Cut(strings.TrimSpace(s), ".")
	return strings.ToUpper(host)
}
