package monitoring

import (
	"slices"
	"strconv"
	"time"

	"kim/internal/platform/errs"
	"kim/internal/platform/ids"
	"kim/internal/platform/valid"
)

// Dashboards: a coordinator keeps dashboards (a title, default filters and an ordered list of
// panels, each an indicator of the catalogue with a breakdown and a chart kind) and links them
// to themes and bodies of the steering room. Every view computes all panels of a dashboard, for
// the period asked and the period of the same length just before, in one release.

// Panel is one chart of a dashboard: an indicator of the catalogue, its breakdown ("" = totals
// only) and the chart kind (PanelCharts).
type Panel struct {
	Indicator string
	By        string
	Chart     string
}

// Chart kinds of a panel: line, bar, stacked bar, and small multiples (one small chart per
// district).
const (
	PanelLine      = "line"
	PanelBar       = "bar"
	PanelStacked   = "stacked"
	PanelMultiples = "multiples"
)

// PanelCharts lists the chart kinds a panel may have.
var PanelCharts = []string{PanelLine, PanelBar, PanelStacked, PanelMultiples}

// Limits of a dashboard.
const (
	DashboardMaxPanels  = 12
	DashboardMaxMonths  = 36 // the longest period a dashboard shows
	dashboardTitleMax   = 200
	dashboardTextMax    = 2000
	dashboardDefaultLen = 12 // months shown when a dashboard names no period
	// dashDistrict is the breakdown small multiples draw one chart per group of.
	dashDistrict = "district"
)

// Link kinds: a dashboard is linked to a theme or a body of the steering room.
const (
	LinkKindTheme = "theme"
	LinkKindBody  = "body"
)

// Dashboard is a saved dashboard.
type Dashboard struct {
	ID, TenantID string
	Title        string
	Description  string
	// From and To are the saved period ("" = the last 12 months up to the current one).
	From, To     string
	District     string // a district id ("" = all)
	Organisation string // an organisation id ("" = all)
	CreatedBy    string
	CreatedAt    time.Time
	UpdatedAt    time.Time
	Version      int
	Panels       []Panel
	Links        []DashboardLink
	// Standard marks the full KIM dashboard (not stored).
	Standard bool
}

// DashboardLink is a theme or a body a dashboard is linked to, with its title.
type DashboardLink struct {
	Kind, ID, Title string
	LinkedAt        time.Time
}

// Value is the link's form value ("theme:<id>").
func (l DashboardLink) Value() string { return l.Kind + ":" + l.ID }

// DashboardInput is what the coordinator enters for a dashboard.
type DashboardInput struct {
	Title, Description string
	From, To           string
	District           string
	Organisation       string
	Panels             []Panel
	// PanelRows are the form rows the panels came from (for the field names of messages);
	// set by the form reader, nil for calls from code.
	PanelRows []int
}

// DashboardFilters are the filters of a view: the period and the district or organisation.
type DashboardFilters struct {
	From, To     Month
	District     string
	Organisation string
}

// dashboardChoices are the districts and organisations a dashboard may filter by.
type dashboardChoices struct{ districts, organisations []string }

// validate cleans and checks the input against the catalogue and the tenant's districts and
// organisations.
func (in *DashboardInput) validate(ch dashboardChoices) error {
	var v errs.Validation
	in.Title, in.Description = valid.Clean(in.Title), valid.CleanText(in.Description)
	valid.Required(&v, "title", in.Title, dashboardTitleMax)
	valid.Length(&v, "description", in.Description, dashboardTextMax)
	dashPeriod(&v, in.From, in.To)
	dashChoice(&v, "bezirk", in.District, ch.districts)
	dashChoice(&v, "organisation", in.Organisation, ch.organisations)
	if len(in.Panels) == 0 {
		v.Add("panels", "monitoring.dashboards.no_panels")
	}
	if len(in.Panels) > DashboardMaxPanels {
		v.Add("panels", "monitoring.dashboards.too_many_panels", "Max", DashboardMaxPanels)
		return v.Err()
	}
	for i := range in.Panels {
		row := i
		if i < len(in.PanelRows) {
			row = in.PanelRows[i]
		}
		dashPanel(&v, row, &in.Panels[i])
	}
	return v.Err()
}

// dashPeriod checks a period given as "YYYY-MM" texts (both empty: the default period).
func dashPeriod(v *errs.Validation, from, to string) {
	if from == "" && to == "" {
		return
	}
	f, errF := ParseMonth(from)
	t, errT := ParseMonth(to)
	if errF != nil {
		v.Add("von", "monitoring.dashboards.month_form")
	}
	if errT != nil {
		v.Add("bis", "monitoring.dashboards.month_form")
	}
	if errF != nil || errT != nil {
		return
	}
	switch n := len(MonthsBetween(f, t)); {
	case t.Before(f):
		v.Add("bis", "monitoring.dashboards.period_order")
	case n > DashboardMaxMonths:
		v.Add("bis", "monitoring.dashboards.period_long", "Max", DashboardMaxMonths)
	}
}

// dashChoice checks an optional filter value against the allowed ones.
func dashChoice(v *errs.Validation, field, value string, allowed []string) {
	if value != "" && (!ids.Valid(value) || !slices.Contains(allowed, value)) {
		v.Add(field, "validation.choice")
	}
}

// dashPanel checks a panel (form row row): a known indicator, one of its breakdowns, a chart
// kind; small multiples draw a chart per district and take the district breakdown.
func dashPanel(v *errs.Validation, row int, p *Panel) {
	field := func(name string) string { return "p" + strconv.Itoa(row) + "_" + name }
	ind := Lookup(p.Indicator)
	if ind == nil {
		v.Add(field("indicator"), "monitoring.dashboards.unknown_indicator")
		return
	}
	if !slices.Contains(PanelCharts, p.Chart) {
		v.Add(field("chart"), "validation.choice")
		return
	}
	if p.Chart == PanelMultiples {
		if !ind.HasBreakdown(dashDistrict) {
			v.Add(field("chart"), "monitoring.dashboards.multiples_district")
			return
		}
		if p.By == "" {
			p.By = dashDistrict
		}
		if p.By != dashDistrict {
			v.Add(field("by"), "monitoring.dashboards.multiples_district")
		}
		return
	}
	if !ind.HasBreakdown(p.By) {
		v.Add(field("by"), "monitoring.dashboards.breakdown_foreign")
		return
	}
	switch {
	case p.Chart == PanelStacked && p.By == "":
		v.Add(field("by"), "monitoring.dashboards.stacked_needs_breakdown")
	case p.Chart == PanelStacked && MultiValued(ind.Code, p.By):
		// A person can count in several groups: stacked, the bar would exceed the total.
		v.Add(field("chart"), "monitoring.dashboards.stacked_multi")
	}
}

// Period resolves the saved period against the current month: a dashboard without a period
// shows the last 12 months up to the current one.
func (d *Dashboard) Period(now Month) (Month, Month) {
	f, errF := ParseMonth(d.From)
	t, errT := ParseMonth(d.To)
	if errF != nil || errT != nil || t.Before(f) {
		return now.Add(1 - dashboardDefaultLen), now
	}
	return f, t
}

// Filter reads the filters of a view from its query (von, bis, bezirk, organisation): each
// given one overrides the dashboard's saved one. A malformed or out-of-range value is a
// validation error (the page shows it at the filter form).
func (d *Dashboard) Filter(now Month, q map[string][]string, ch dashboardChoices) (DashboardFilters, error) {
	get := func(k string) (string, bool) {
		vs, ok := q[k]
		if !ok || len(vs) == 0 {
			return "", false
		}
		return vs[0], true
	}
	f := DashboardFilters{District: d.District, Organisation: d.Organisation}
	// Saved filters of a district or organisation that no longer exists are dropped.
	if !slices.Contains(ch.districts, f.District) {
		f.District = ""
	}
	if !slices.Contains(ch.organisations, f.Organisation) {
		f.Organisation = ""
	}
	f.From, f.To = d.Period(now)
	var v errs.Validation
	from, hasFrom := get("von")
	to, hasTo := get("bis")
	if hasFrom && from != "" || hasTo && to != "" {
		if from == "" {
			from = f.From.String()
		}
		if to == "" {
			to = f.To.String()
		}
		dashPeriod(&v, from, to)
		if !v.Has("von") && !v.Has("bis") {
			f.From, _ = ParseMonth(from)
			f.To, _ = ParseMonth(to)
			// Figures end with the last completed month (now): a later end is cut back to it,
			// a later start has nothing to show.
			if now.Before(f.From) {
				v.Add("von", "monitoring.indicators.error.future", "Last", now.String())
			} else if now.Before(f.To) {
				f.To = now
			}
		}
	}
	if s, ok := get("bezirk"); ok {
		dashChoice(&v, "bezirk", s, ch.districts)
		if !v.Has("bezirk") {
			f.District = s
		}
	}
	if s, ok := get("organisation"); ok {
		dashChoice(&v, "organisation", s, ch.organisations)
		if !v.Has("organisation") {
			f.Organisation = s
		}
	}
	return f, v.Err()
}

// Queries returns the queries of the dashboard's panels under the filters: first every panel's
// current period, then every panel's previous period (Previous).
func (d *Dashboard) Queries(f DashboardFilters) []Query {
	n := len(d.Panels)
	out := make([]Query, 2*n)
	for i, p := range d.Panels {
		q := Query{Indicator: p.Indicator, By: p.By, From: f.From, To: f.To, District: f.District, Organisation: f.Organisation}
		// A filter the indicator has no dimension for does not apply to it (the panel says so).
		ind := Lookup(p.Indicator)
		if !FilterApplies(ind, "district") {
			q.District = ""
		}
		if !FilterApplies(ind, "organisation") {
			q.Organisation = ""
		}
		out[i], out[n+i] = q, Previous(q)
	}
	return out
}
