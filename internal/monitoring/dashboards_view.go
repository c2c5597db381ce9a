package monitoring

import (
	"context"
	"fmt"
	"html/template"

	"kim/internal/monitoring/chart"
	"kim/internal/monitoring/sdc"
	"kim/internal/platform/access"
	"kim/internal/platform/i18n"
)

// The page of a dashboard: every panel as a chart with its data table, a text summary for
// screen readers and the comparison with the previous period, all computed in one release.

// DashboardView is a computed dashboard.
type DashboardView struct {
	Dashboard *Dashboard
	Filters   DashboardFilters
	// PrevFrom and PrevTo are the previous period (same length, just before).
	PrevFrom, PrevTo Month
	Panels           []PanelView
}

// PanelView is one computed panel.
type PanelView struct {
	Panel
	Index        int
	Indicator    *Indicator
	Name, ByName string
	SVG          template.HTML
	Summary      string
	Table        TableView   // the data table (partial "monitoring-table")
	Compare      []PanelDiff // the comparison with the previous period, month by month
	Hidden       int         // cells suppressed in the current period
	Notes        []string    // filters of the view that do not apply to the indicator
}

// Months lists the panel's totals month by month (a narrow table for the steering loop's trend).
func (pv *PanelView) Months() [][2]string {
	out := make([][2]string, len(pv.Compare))
	for i, d := range pv.Compare {
		out[i] = [2]string{d.Period, d.Value}
	}
	return out
}

// PanelDiff compares a month of the current period with the month at the same position of the
// previous period (totals).
type PanelDiff struct {
	Period, Value, PrevPeriod, PrevValue, Change string
}

// ViewDashboard computes every panel of d for the filters (current and previous period) in
// one read and publishes the page's tables as one release titled with the dashboard's title.
func (s *Service) ViewDashboard(ctx context.Context, actor access.Actor, d *Dashboard, f DashboardFilters, title string, l *i18n.Localizer) (*DashboardView, error) {
	if err := access.Check(actor, KindDashboard, access.View); err != nil {
		return nil, err
	}
	panels, err := s.computePanels(ctx, actor, d, f, title, l)
	if err != nil {
		return nil, err
	}
	prev := Previous(Query{From: f.From, To: f.To})
	return &DashboardView{Dashboard: d, Filters: f, PrevFrom: prev.From, PrevTo: prev.To, Panels: panels}, nil
}

// computePanels computes the panels of d (current and previous period) with one ComputeAll
// and publishes all tables with one release.
func (s *Service) computePanels(ctx context.Context, actor access.Actor, d *Dashboard, f DashboardFilters, title string, l *i18n.Localizer) ([]PanelView, error) {
	qs := d.Queries(f)
	tables, err := s.ComputeAll(ctx, actor, qs)
	if err != nil {
		return nil, err
	}
	if err := s.Publish(ctx, actor, Release{Channel: "page", Title: title, Tables: tables}); err != nil {
		return nil, err
	}
	n := len(d.Panels)
	fm := dashFormat{l: l, rule: s.Rule}
	if fm.rule.Min <= 0 {
		fm.rule = sdc.DefaultRule()
	}
	out := make([]PanelView, 0, n)
	for i, p := range d.Panels {
		pv := fm.panel(i, p, tables[i], tables[n+i])
		for _, x := range []struct{ set, used, name string }{{f.District, qs[i].District, "district"}, {f.Organisation, qs[i].Organisation, "organisation"}} {
			if x.set != "" && x.used == "" {
				pv.Notes = append(pv.Notes, l.T("monitoring.dashboards.filter_ignored", "Filter", ByLabel(x.name, l)))
			}
		}
		out = append(out, pv)
	}
	return out, nil
}

// TrendMonths is how many months a trend shows (up to the current month).
const TrendMonths = 12

// Trends computes the trend of each indicator (codes of the catalogue; others are left out)
// over the last TrendMonths months as a line chart of its totals, with its data table, summary
// and the comparison with the previous period: one read, one release titled title. The
// steering loop shows them for the indicators its recommendations name.
func (s *Service) Trends(ctx context.Context, actor access.Actor, codes []string, title string, l *i18n.Localizer) ([]PanelView, error) {
	if err := access.Check(actor, KindIndicator, access.View); err != nil {
		return nil, err
	}
	d := &Dashboard{TenantID: actor.TenantID}
	for _, c := range codes {
		if Lookup(c) != nil {
			d.Panels = append(d.Panels, Panel{Indicator: c, Chart: PanelLine})
		}
	}
	if len(d.Panels) == 0 {
		return nil, nil
	}
	now := s.dashNow()
	return s.computePanels(ctx, actor, d, DashboardFilters{From: now.Add(1 - TrendMonths), To: now}, title, l)
}

// dashFormat lays out panels in the page's language with the shared view models (cube_view.go).
type dashFormat struct {
	l    *i18n.Localizer
	rule sdc.Rule
}

// cell formats a published cell ("< 5" when suppressed, "–" without a value).
func (fm dashFormat) cell(c Cell, dec int) string { return CellText(c, dec, fm.rule, fm.l).Text }

// dashMonth labels a period as MM/YYYY.
func dashMonth(m Month) string { return fmt.Sprintf("%02d/%04d", int(m.Month), m.Year) }

// dashCells returns the cell of period i and group j (j < 0: the total), empty when missing.
func dashCell(t *Table, i, j int) Cell {
	switch {
	case j < 0 && i < len(t.Totals):
		return t.Totals[i]
	case j >= 0 && i < len(t.Cells) && j < len(t.Cells[i]):
		return t.Cells[i][j]
	}
	return Cell{}
}

// panel lays out one panel from its current and previous table.
func (fm dashFormat) panel(i int, p Panel, cur, prev *Table) PanelView {
	if cur.Indicator == nil {
		cur.Indicator = Lookup(p.Indicator)
	}
	pv := PanelView{Panel: p, Index: i, Indicator: cur.Indicator, Table: NewTableView(cur, fm.rule, fm.l)}
	dec := Decimals(cur.Indicator)
	pv.Name = cur.Indicator.Name.In(fm.l.Lang)
	if p.By != "" {
		pv.ByName = ByLabel(p.By, fm.l)
	}
	for pi := range cur.Periods {
		for gi := -1; gi < len(cur.Groups); gi++ {
			if dashCell(cur, pi, gi).Suppressed {
				pv.Hidden++
			}
		}
	}
	pv.Compare = fm.compare(cur, prev, dec)
	pv.Summary = fm.summary(&pv, cur, prev, dec)
	sp := TableChart(cur, prev, fm.rule, fm.l)
	sp.Kind = map[string]chart.Kind{PanelLine: chart.Line, PanelBar: chart.Bar, PanelStacked: chart.Stacked, PanelMultiples: chart.Multiples}[p.Chart]
	sp.ID, sp.Description = fmt.Sprintf("panel-%d", i), pv.Summary
	sp.Texts.Incomplete = fm.l.T("monitoring.dashboards.incomplete")
	pv.SVG = chart.SVG(sp)
	return pv
}

// compare sets the months of the current period beside those of the previous one (totals).
func (fm dashFormat) compare(cur, prev *Table, dec int) []PanelDiff {
	var out []PanelDiff
	for i, m := range cur.Periods {
		c, pc := dashCell(cur, i, -1), dashCell(prev, i, -1)
		d := PanelDiff{Period: dashMonth(m), Value: fm.cell(c, dec), PrevValue: fm.cell(pc, dec), Change: "–"}
		if i < len(prev.Periods) {
			d.PrevPeriod = dashMonth(prev.Periods[i])
		}
		if c.Value != nil && pc.Value != nil && !c.Suppressed && !pc.Suppressed {
			diff := *c.Value - *pc.Value
			d.Change = FormatValue(diff, dec, fm.l)
			if diff > 0 {
				d.Change = "+" + d.Change
			}
		}
		out = append(out, d)
	}
	return out
}

// summary is the text summary of a panel: the period, the first and the latest total, the
// latest compared with the same month of the previous period, and how many values are hidden.
// It names published cells only.
func (fm dashFormat) summary(pv *PanelView, cur, prev *Table, dec int) string {
	if len(cur.Periods) == 0 {
		return fm.l.T("monitoring.dashboards.summary_empty", "Name", pv.Name)
	}
	last := len(cur.Periods) - 1
	s := fm.l.T("monitoring.dashboards.summary", "Name", pv.Name, "From", dashMonth(cur.Periods[0]), "To", dashMonth(cur.Periods[last]),
		"First", fm.cell(dashCell(cur, 0, -1), dec), "Last", fm.cell(dashCell(cur, last, -1), dec))
	if last < len(prev.Periods) {
		s += " " + fm.l.T("monitoring.dashboards.summary_previous", "Period", dashMonth(prev.Periods[last]), "Value", fm.cell(dashCell(prev, last, -1), dec))
	}
	if pv.Hidden > 0 {
		s += " " + fm.l.T("monitoring.dashboards.summary_hidden", "Count", pv.Hidden, "Min", fm.rule.Min)
	}
	return s
}

// FromLabel, ToLabel, PrevFromLabel and PrevToLabel are the ends of the periods as MM/YYYY.
func (v *DashboardView) FromLabel() string { return dashMonth(v.Filters.From) }

// ToLabel is the end of the period.
func (v *DashboardView) ToLabel() string { return dashMonth(v.Filters.To) }

// PrevFromLabel is the start of the previous period.
func (v *DashboardView) PrevFromLabel() string { return dashMonth(v.PrevFrom) }

// PrevToLabel is the end of the previous period.
func (v *DashboardView) PrevToLabel() string { return dashMonth(v.PrevTo) }
