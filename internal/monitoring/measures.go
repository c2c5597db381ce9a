package monitoring

import (
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/BurntSushi/toml"

	"kim/internal/platform/db"
)

// A measure is the computation behind an indicator: the rows it counts (one per person, period
// and category, before counting), read from its source (see facts.go) and placed in the periods
// by its date (a flow) or by the span in which a case is open (the stock). Every measure yields,
// per period, district, organisation and category, the distinct persons (pid) and up to two
// further distinct counts (x, y); median measures also yield the distribution of a number of
// days per observation. Rows are counted in the engine; no row-level data leaves it.
type measure struct {
	kind  string // count, median, per_fte, per_manager, rate
	from  source // the rows (flow or stock); $1 is the tenant
	pid   string // the person
	dist  string // the district ('' for none)
	org   string // the organisation
	x, y  string // further distinct counts (per_fte: cases; per_manager: cases and managers)
	days  [2]string
	cats  map[string]string // breakdown → category expression (district and organisation are dimensions)
	base  string            // rate: the count measure the rate is computed from
	codes map[string][]string
}

// Measure kinds.
const (
	kindCount      = "count"
	kindMedian     = "median"
	kindPerFTE     = "per_fte"
	kindPerManager = "per_manager"
	kindRate       = "rate"
)

const (
	all  = "*"    // the total category of a dimension
	none = "none" // the key of "no district", "no offer", "no theme"
)

// The client's attributes (district, sex, age, nationality: expressions over cl.*) are not
// joined in SQL: they are read once per ComputeAll from the tenant's clients and attached to the
// rows by c.client_id (see engine.read). Every case has its client (a foreign key).

// joinCase joins the case of a record with the alias a.
func joinCase(a string) string {
	return ` JOIN cases c ON c.tenant_id = ` + a + `.tenant_id AND c.id = ` + a + `.case_id`
}

// flow is the source of a flow: the rows of table whose date (an ISO date expression) lies in
// the range; a row counts in the period of its date. The range is written as literals ({first},
// {last}: see engine.read), so that both engines read one index range.
func flow(table, date, joins, where string) source {
	alias := strings.Fields(table)[1]
	return source{sql: table + joins + " WHERE " + alias + ".tenant_id = $1 AND " + date + " >= '{first}' AND " + date +
		" <= '{last}'" + where, date: date}
}

// stock is the source of the cases open at a period's end: every case open at some point of
// the range is read once and counts in the periods at whose end it was open. The cases are
// found by their closing date in two disjoint index ranges (still open; closed after the
// range's start), read as one UNION ALL: an OR would make SQLite fetch the table rows.
func stock(joins string) source {
	return source{sql: "cases c" + joins + " WHERE c.tenant_id = $1 AND c.closed_on = '' AND c.requested_on <= '{last}'",
		union: "cases c" + joins + " WHERE c.tenant_id = $1 AND c.closed_on > '{first}' AND c.requested_on <= '{last}'"}
}

// personCats are the breakdowns by attributes of the client (at the period's last day).
func personCats(extra map[string]string) map[string]string {
	m := map[string]string{"sex": "cl.sex", "age_group": ageExpr, "nationality_group": nationalityExpr()}
	for k, v := range extra {
		m[k] = v
	}
	return m
}

// ageExpr reads the client's birth date (YYYY-MM-DD or YYYY); the age group at a period's last
// day is derived from it per period (see ageGroup).
const ageExpr = `cl.birth_date`

// AgeGroups and the other code lists order the categories of the breakdowns.
var (
	AgeGroups = []string{"0_17", "18_26", "27_44", "45_64", "65_plus", "unknown"}
	sexes     = []string{"f", "m", "x", "u"}
	routes    = []string{"self", "jobcenter", "social_office", "foreigners_office", "youth_office", "school", "counselling",
		"volunteer", "health", "other"}
	domains = []string{"residence", "orientation", "language", "work", "education", "school", "housing", "health",
		"family", "livelihood", "naturalisation", "participation"}
	closeReasons = []string{"goals_achieved", "regular_service", "moved_away", "contact_lost", "ended_by_client", "other_cm", "other", "unknown"}
	goalFinal    = []string{"achieved", "partly_achieved", "not_achieved", "dropped"}
	refStatuses  = []string{"sent", "accepted", "waiting", "declined", "no_offer", "done"}
	trStatuses   = []string{"expected", "in_progress", "completed", "gap"}
	gapKinds     = []string{"benefits", "insurance"}
	regimes      = []string{"sgb2", "sgb12", "asylblg", "sgb3", "none", "unknown"}
)

// nationalityGroup is one entry of [[nationality_group]] in catalogue.toml.
type nationalityGroup struct {
	Key   string   `toml:"key"`
	Codes []string `toml:"codes"`
}

var natGroups struct {
	once sync.Once
	list []nationalityGroup
}

// NationalityGroups returns the keys of the nationality groups in order (the data's groups,
// then other third countries and stateless/unknown).
func NationalityGroups() []string {
	loadNatGroups()
	var out []string
	for _, g := range natGroups.list {
		out = append(out, g.Key)
	}
	return append(out, "other", "stateless_unknown")
}

func loadNatGroups() {
	natGroups.once.Do(func() {
		var doc struct {
			Group []nationalityGroup `toml:"nationality_group"`
		}
		b, err := assets.ReadFile("catalogue.toml")
		if err == nil {
			_, err = toml.Decode(string(b), &doc)
		}
		if err != nil {
			panic(fmt.Sprintf("monitoring nationality groups: %v", err))
		}
		for _, g := range doc.Group {
			for _, c := range g.Codes {
				if len(c) != 2 || strings.Trim(c, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != "" {
					panic(fmt.Sprintf("monitoring nationality group %s: bad code %q", g.Key, c))
				}
			}
		}
		natGroups.list = doc.Group
	})
}

// nationalityExpr maps the first nationality to its group. The codes are checked to be two
// capital letters when the catalogue is loaded, so they can be written into the SQL.
func nationalityExpr() string {
	loadNatGroups()
	var b strings.Builder
	b.WriteString("CASE WHEN cl.stateless OR cl.nationalities = '' THEN 'stateless_unknown'")
	for _, g := range natGroups.list {
		fmt.Fprintf(&b, " WHEN substr(cl.nationalities, 1, 2) IN ('%s') THEN '%s'", strings.Join(g.Codes, "', '"), g.Key)
	}
	b.WriteString(" ELSE 'other' END")
	return b.String()
}

func regimePairs() []string {
	var out []string
	for _, f := range regimes {
		for _, t := range regimes {
			if f != t {
				out = append(out, f+"_"+t)
			}
		}
	}
	return out
}

var measures = map[string]*measure{
	"new_cases": {kind: kindCount, from: flow("cases c", "c.requested_on", "", ""), pid: "c.client_id",
		dist: "COALESCE(CAST(cl.district_id AS TEXT), 'none')", org: "CAST(c.organisation_id AS TEXT)",
		cats:  personCats(map[string]string{"access_route": "c.access_route"}),
		codes: map[string][]string{"access_route": routes}},
	"open_caseload": {kind: kindCount, from: stock(""), pid: "c.client_id",
		dist: "COALESCE(CAST(cl.district_id AS TEXT), 'none')", org: "CAST(c.organisation_id AS TEXT)", cats: personCats(nil)},
	"caseload_per_fte": {kind: kindPerFTE, from: stock(""), pid: "c.client_id", dist: "'none'", org: "CAST(c.organisation_id AS TEXT)",
		x: "c.id"},
	"caseload_per_manager": {kind: kindPerManager, from: stock(""), pid: "c.client_id", dist: "'none'", org: "CAST(c.organisation_id AS TEXT)",
		x: "c.id", y: "c.case_manager_id"},
	"needs_prevalence": {kind: kindCount, from: stock(` JOIN assessments a ON a.tenant_id = c.tenant_id AND a.case_id = c.id AND a.urgency <> 'none'`),
		pid: "c.client_id", dist: "COALESCE(CAST(cl.district_id AS TEXT), 'none')", org: "CAST(c.organisation_id AS TEXT)",
		cats:  personCats(map[string]string{"life_domain": "a.domain"}),
		codes: map[string][]string{"life_domain": domains}},
	"referrals": {kind: kindCount, from: flow("referrals r", "r.sent_on", joinCase("r")+"", ""),
		pid: "c.client_id", dist: "COALESCE(CAST(cl.district_id AS TEXT), 'none')", org: "CAST(c.organisation_id AS TEXT)",
		cats:  map[string]string{"status": "r.status", "partner": "CAST(r.to_org_id AS TEXT)", "offer": "COALESCE(CAST(r.offer_id AS TEXT), 'none')"},
		codes: map[string][]string{"status": refStatuses}},
	"referral_waiting": {kind: kindMedian, from: flow("referrals r", "r.answered_on", joinCase("r"), ""),
		pid: "c.client_id", dist: "'none'", org: "CAST(c.organisation_id AS TEXT)", days: [2]string{"r.sent_on", "r.answered_on"},
		cats: map[string]string{"partner": "CAST(r.to_org_id AS TEXT)", "offer": "COALESCE(CAST(r.offer_id AS TEXT), 'none')"}},
	"goals": {kind: kindCount, from: flow("goals g", "g.evaluated_on", joinCase("g"), " AND g.status IN ('achieved', 'partly_achieved', 'not_achieved', 'dropped')"),
		pid: "c.client_id", dist: "COALESCE(CAST(cl.district_id AS TEXT), 'none')", org: "CAST(c.organisation_id AS TEXT)",
		cats:  personCats(map[string]string{"status": "g.status", "life_domain": "g.domain"}),
		codes: map[string][]string{"status": goalFinal, "life_domain": domains}},
	"case_duration": {kind: kindMedian, from: flow("cases c", "c.closed_on", "", ""), pid: "c.client_id",
		dist: "COALESCE(CAST(cl.district_id AS TEXT), 'none')", org: "CAST(c.organisation_id AS TEXT)", days: [2]string{"c.requested_on", "c.closed_on"},
		cats:  map[string]string{"reason": "CASE WHEN c.close_reason = '' THEN 'unknown' ELSE c.close_reason END"},
		codes: map[string][]string{"reason": closeReasons}},
	"closures": {kind: kindCount, from: flow("cases c", "c.closed_on", "", ""), pid: "c.client_id",
		dist: "COALESCE(CAST(cl.district_id AS TEXT), 'none')", org: "CAST(c.organisation_id AS TEXT)",
		cats:  personCats(map[string]string{"reason": "CASE WHEN c.close_reason = '' THEN 'unknown' ELSE c.close_reason END"}),
		codes: map[string][]string{"reason": closeReasons}},
	"transitions": {kind: kindCount, from: flow("transitions t", "t.trigger_on", joinCase("t")+"", ""),
		pid: "c.client_id", dist: "COALESCE(CAST(cl.district_id AS TEXT), 'none')", org: "CAST(c.organisation_id AS TEXT)",
		cats:  map[string]string{"regime": "t.from_regime || '_' || t.to_regime", "status": "t.status"},
		codes: map[string][]string{"status": trStatuses, "regime": regimePairs()}},
	"transition_gaps": {kind: kindCount, from: flow("transitions t", "t.gap_from", joinCase("t")+"", ""),
		pid: "c.client_id", dist: "COALESCE(CAST(cl.district_id AS TEXT), 'none')", org: "CAST(c.organisation_id AS TEXT)",
		cats: map[string]string{"gap_kind": "t.gap_kind"}, codes: map[string][]string{"gap_kind": gapKinds}},
	// Barrier reports carry no person: the keyed case hash stands for it, a report without one
	// counts on its own. They have no district.
	"barriers": {kind: kindCount, from: flow("barrier_reports b", "substr(CAST(b.reported_at AS TEXT), 1, 10)",
		` LEFT JOIN theme_reports tr ON tr.tenant_id = b.tenant_id AND tr.report_id = b.id`, ""),
		pid: "CASE WHEN b.case_key = '' THEN 'report:' || CAST(b.id AS TEXT) ELSE b.case_key END", dist: "'none'", org: "CAST(b.organisation_id AS TEXT)",
		cats:  map[string]string{"type": "b.type", "theme": "COALESCE(CAST(tr.theme_id AS TEXT), 'none')", "life_domain": "b.life_domain"},
		codes: map[string][]string{"life_domain": domains}},
	"new_cases_rate": {kind: kindRate, base: "new_cases"},
}

// measureOf returns the measure of an indicator, or nil.
func measureOf(ind *Indicator) *measure { return measures[ind.Measure] }

// catExpr is the category expression of breakdown by ('*' for the totals and for the breakdowns
// by district and organisation, which are dimensions of every cube).
func (ms *measure) catExpr(by string) string {
	if e, ok := ms.cats[by]; ok {
		return e
	}
	return "'" + all + "'"
}

// period is one row of the months table: its key ("2026-01" or "2026"), first and last day.
type period struct{ key, first, last string }

// yearsBefore shifts an ISO date n years back (29 February to 28 February).
func yearsBefore(date string, n int) string {
	var y int
	fmt.Sscanf(date[:4], "%d", &y)
	md := date[4:]
	if md == "-02-29" {
		md = "-02-28"
	}
	return fmt.Sprintf("%04d%s", y-n, md)
}

// daysBetween is the number of days from date a to date b (ISO text, never empty here: the
// measure's join requires b in the period, and a is a required date).
func daysBetween(eng db.Engine, a, b string) string {
	if eng == db.Postgres {
		return "(CAST(" + b + " AS DATE) - CAST(" + a + " AS DATE))"
	}
	return "CAST(julianday(" + b + ") - julianday(" + a + ") AS INTEGER)"
}

// median of a distribution (value → observations): the middle value, for an even number of
// observations the mean of the two middle ones.
func median(h map[int]int) (float64, int) {
	n := 0
	vals := make([]int, 0, len(h))
	for v, c := range h {
		n += c
		vals = append(vals, v)
	}
	if n == 0 {
		return 0, 0
	}
	sort.Ints(vals)
	lo, hi := (n-1)/2, n/2
	var a, b float64
	seen := 0
	for _, v := range vals {
		next := seen + h[v]
		if lo >= seen && lo < next {
			a = float64(v)
		}
		if hi >= seen && hi < next {
			b = float64(v)
			break
		}
		seen = next
	}
	return (a + b) / 2, n
}
