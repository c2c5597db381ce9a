package monitoring

import (
	"fmt"
	"math"

	"kim/internal/monitoring/chart"
	"kim/internal/monitoring/sdc"
	"kim/internal/platform/i18n"
	"kim/internal/platform/web"
)

// The view models of the shared partials (templates/_monitoring.html): a protected table as an
// accessible data table, and the filter form. Everything is translated here, so the partials
// need nothing but their data; dashboards, reports and exports use the same functions.

// TableView is a Table ready for the partial "monitoring-table": one row per group and a totals
// row, one column per period.
type TableView struct {
	Caption string
	Corner  string   // header of the row labels ("Aufschlüsselung")
	Periods []string // column headers
	Rows    []RowView
	Total   RowView
	Notes   []string // explanations of "< 5", "–" and of non-additive breakdowns
}

// RowView is one row of a TableView.
type RowView struct {
	Label string
	Cells []CellView
}

// CellView is one cell: its text ("12", "< 5", "–").
type CellView struct {
	Text       string
	Suppressed bool
	Missing    bool
}

// Decimals is the number of decimals an indicator's values are shown with: 1 for magnitudes
// and rates (see IsMagnitude), 0 for counts. The engine publishes magnitudes rounded to it.
func Decimals(ind *Indicator) int {
	if IsMagnitude(ind) {
		return 1
	}
	return 0
}

// IsMagnitude reports whether an indicator's values are magnitudes or rates (median days,
// caseload, rate per 1,000) rather than counts of persons: a suppressed one is marked "•"
// (withheld), not "< 5", which would claim a value below 5.
func IsMagnitude(ind *Indicator) bool {
	return ind != nil && (ind.Disclosure == "magnitude" || ind.Disclosure == "rate")
}

// SuppressedText is the text of a suppressed cell of the indicator: "< 5" for a count, "•" for
// a magnitude or rate. Pages, charts, PDF, XLSX and CSV all use it.
func SuppressedText(ind *Indicator, r sdc.Rule, l *i18n.Localizer) string {
	return suppressedText(IsMagnitude(ind), r, l)
}

// SuppressedNote is the explanation of SuppressedText for the indicator.
func SuppressedNote(ind *Indicator, r sdc.Rule, l *i18n.Localizer) string {
	if IsMagnitude(ind) {
		return l.T("monitoring.indicators.withheld_note", "MinPersons", r.MinPersons)
	}
	return l.T("monitoring.indicators.suppressed_note", "Min", r.Min)
}

func suppressedText(magnitude bool, r sdc.Rule, l *i18n.Localizer) string {
	if magnitude {
		return l.T("monitoring.indicators.withheld")
	}
	return l.T("monitoring.indicators.suppressed", "Min", r.Min)
}

// FormatValue formats a number in the localizer's language.
func FormatValue(v float64, decimals int, l *i18n.Localizer) string {
	if l != nil && l.Lang == "en" {
		return chart.Number(v, decimals, ".", ",")
	}
	return chart.Number(v, decimals, ",", ".")
}

// GroupLabel is the display name of a group (translated when it is a message key).
func GroupLabel(g Group, l *i18n.Localizer) string {
	if g.Translate && l != nil {
		return l.T(g.Label)
	}
	return g.Label
}

// ByLabel is the name of a breakdown.
func ByLabel(by string, l *i18n.Localizer) string { return l.T("monitoring.indicators.by." + by) }

// CellText is the text of a published cell: its value, "–" without a value, and when
// suppressed "< 5" for a count, "•" for a magnitude or rate. decimals is Decimals(ind) of the
// cell's indicator, which is above 0 exactly for magnitudes and rates (see SuppressedText).
func CellText(c Cell, decimals int, r sdc.Rule, l *i18n.Localizer) CellView {
	switch {
	case c.Suppressed:
		return CellView{Text: suppressedText(decimals > 0, r, l), Suppressed: true}
	case c.Value == nil:
		return CellView{Text: l.T("monitoring.indicators.no_value"), Missing: true}
	}
	return CellView{Text: FormatValue(*c.Value, decimals, l)}
}

// Caption is the caption of a table: indicator, breakdown and range.
func Caption(t *Table, l *i18n.Localizer) string {
	name := t.Indicator.Name.In(l.Lang)
	from, to := "", ""
	if n := len(t.PeriodKeys); n > 0 {
		from, to = t.PeriodKeys[0], t.PeriodKeys[n-1]
	}
	if t.Query.By == "" {
		return l.T("monitoring.indicators.caption", "Name", name, "From", from, "To", to)
	}
	return l.T("monitoring.indicators.caption_by", "Name", name, "By", ByLabel(t.Query.By, l), "From", from, "To", to)
}

// NewTableView builds the view of a table.
func NewTableView(t *Table, r sdc.Rule, l *i18n.Localizer) TableView {
	dec := Decimals(t.Indicator)
	v := TableView{Caption: Caption(t, l), Periods: t.PeriodKeys, Total: RowView{Label: l.T("monitoring.indicators.total")}}
	v.Corner = l.T("monitoring.indicators.period")
	if t.Query.By != "" {
		v.Corner = ByLabel(t.Query.By, l)
	}
	sup, missing := false, false
	note := func(c CellView) CellView {
		sup, missing = sup || c.Suppressed, missing || c.Missing
		return c
	}
	for j, g := range t.Groups {
		row := RowView{Label: GroupLabel(g, l)}
		for i := range t.PeriodKeys {
			row.Cells = append(row.Cells, note(CellText(t.Cells[i][j], dec, r, l)))
		}
		v.Rows = append(v.Rows, row)
	}
	for i := range t.PeriodKeys {
		v.Total.Cells = append(v.Total.Cells, note(CellText(t.Totals[i], dec, r, l)))
	}
	if sup {
		v.Notes = append(v.Notes, SuppressedNote(t.Indicator, r, l))
	}
	if missing {
		v.Notes = append(v.Notes, l.T("monitoring.indicators.no_value_note", "MinPersons", r.MinPersons))
	}
	if MultiValued(t.Query.Indicator, t.Query.By) {
		v.Notes = append(v.Notes, l.T("monitoring.indicators.multi_note"))
	}
	return v
}

// MultiValued reports whether a person can count in several groups of the breakdown (the
// groups then add up to more than the total): organisations, partners, offers and the
// indicator's own categories; not districts and the client's attributes.
func MultiValued(indicator, by string) bool {
	switch by {
	case "", "district", "sex", "age_group", "nationality_group":
		return false
	}
	return Lookup(indicator) != nil && Lookup(indicator).Disclosure == "count"
}

// TableChart is the chart of a table: one series per group (a line over the months), or the
// totals when the table has no breakdown; prev (optional) is the previous period's table, drawn
// as the comparison of the totals.
func TableChart(t *Table, prev *Table, r sdc.Rule, l *i18n.Localizer) chart.Spec {
	s := chart.Spec{Kind: chart.Line, Title: Caption(t, l), Unit: l.T("monitoring.indicators.unit." + t.Indicator.Unit),
		Decimals: Decimals(t.Indicator), DecimalSep: ",", ThousandsSep: ".",
		Texts: chart.Texts{Suppressed: SuppressedText(t.Indicator, r, l), SuppressedLegend: SuppressedNote(t.Indicator, r, l),
			Comparison: l.T("monitoring.indicators.compare_prev"), NoData: l.T("monitoring.indicators.summary_none"),
			XAxis: l.T("monitoring.indicators.period")}}
	if l.Lang == "en" {
		s.DecimalSep, s.ThousandsSep = ".", ","
	}
	for _, p := range t.PeriodKeys {
		s.Categories = append(s.Categories, chart.Category{Key: p, Label: p})
	}
	series := func(key, label string, cells func(i int) Cell, n int) chart.Series {
		sr := chart.Series{Key: key, Label: label}
		for i := 0; i < n; i++ {
			c := cells(i)
			v := chart.Value{Suppressed: c.Suppressed, Missing: !c.Suppressed && c.Value == nil}
			if v.Published() {
				v.V = *c.Value
			}
			sr.Values = append(sr.Values, v)
		}
		return sr
	}
	if len(t.Groups) == 0 {
		s.Series = append(s.Series, series("total", l.T("monitoring.indicators.total"), func(i int) Cell { return t.Totals[i] }, len(t.PeriodKeys)))
		if prev != nil && len(prev.Totals) == len(t.Totals) {
			s.Compare = append(s.Compare, series("total", l.T("monitoring.indicators.total"), func(i int) Cell { return prev.Totals[i] }, len(prev.Totals)))
		}
		return s
	}
	if len(t.PeriodKeys) == 1 {
		s.Kind = chart.Bar
	}
	for j, g := range t.Groups {
		j := j
		s.Series = append(s.Series, series(fmt.Sprint(j), GroupLabel(g, l), func(i int) Cell { return t.Cells[i][j] }, len(t.PeriodKeys)))
	}
	if len(s.Series) > 6 {
		s.Kind = chart.Multiples
	}
	return s
}

// FilterView is the data of the partial "monitoring-filter": the form of the range, breakdown,
// district and organisation (query parameters von, bis, nach, bezirk, organisation).
type FilterView struct {
	Action                           string
	Von, Bis, Nach, Bezirk, Org      string
	Breakdowns                       []web.Option // empty: no breakdown select
	Districts, Organisations         []web.Option // empty: no select
	Errors                           map[string]string
	Labels                           map[string]string
	ShowDistrict, ShowOrganisation   bool
	ByNone, All, Apply, Legend, Hint string
}

// NewFilterView builds the filter form of a query. ind (optional) limits the breakdown choices
// and the filters to those of the indicator; errors are field messages (by the form's names).
func NewFilterView(action string, q Query, ind *Indicator, opts *FilterOptions, errors map[string]string, l *i18n.Localizer) FilterView {
	f := FilterView{Action: action, Von: q.From.String(), Bis: q.To.String(), Nach: q.By, Bezirk: q.District, Org: q.Organisation,
		Errors: errors, ShowDistrict: ind == nil || FilterApplies(ind, "district"), ShowOrganisation: ind == nil || FilterApplies(ind, "organisation"),
		ByNone: l.T("monitoring.indicators.by_none"), All: l.T("monitoring.indicators.all"), Apply: l.T("monitoring.indicators.apply"),
		Legend: l.T("monitoring.indicators.filter_legend"), Hint: l.T("monitoring.indicators.month_hint"), Labels: map[string]string{}}
	for _, k := range []string{"von", "bis", "nach", "bezirk", "organisation"} {
		f.Labels[k] = l.T("monitoring.indicators." + k)
	}
	if q.From == (Month{}) {
		f.Von, f.Bis = "", ""
	}
	if ind != nil {
		for _, b := range ind.Breakdowns {
			f.Breakdowns = append(f.Breakdowns, web.Option{Value: b, Label: ByLabel(b, l)})
		}
	}
	if opts != nil {
		f.Districts, f.Organisations = opts.Districts, opts.Organisations
	}
	return f
}

// Summary is the text summary of a table for screen readers (and the chart's description): the
// last published total, the highest monthly total and how many values are hidden.
func Summary(t *Table, r sdc.Rule, l *i18n.Localizer) []string {
	tot := *t
	tot.Groups, tot.Cells = nil, nil
	f := chart.Describe(TableChart(&tot, nil, r, l))
	if f.Empty || len(f.Series) == 0 || f.Series[0].Last == nil {
		return []string{l.T("monitoring.indicators.summary_none")}
	}
	s := f.Series[0]
	out := []string{l.T("monitoring.indicators.summary_total", "From", t.PeriodKeys[0], "To", t.PeriodKeys[len(t.PeriodKeys)-1],
		"Last", s.Last.Text, "LastPeriod", s.Last.Category.Label)}
	if s.High != nil && s.Published > 1 {
		out = append(out, l.T("monitoring.indicators.summary_peak", "Value", s.High.Text, "Period", s.High.Category.Label))
	}
	n := 0
	for _, c := range t.Totals {
		if c.Suppressed {
			n++
		}
	}
	for _, row := range t.Cells {
		for _, c := range row {
			if c.Suppressed {
				n++
			}
		}
	}
	if n > 0 {
		out = append(out, l.T("monitoring.indicators.summary_suppressed", "Count", n))
	}
	return out
}

// Comparison compares the last total of a table with the last total of the previous period's
// (none before the first month: see Previous).
func Comparison(t, prev *Table, l *i18n.Localizer) string {
	if !prev.HasPeriods() {
		return l.T("monitoring.indicators.compare_none")
	}
	if t == nil || len(t.Totals) == 0 || len(prev.Totals) == 0 {
		return l.T("monitoring.indicators.compare_na")
	}
	dec := Decimals(t.Indicator)
	now, was := t.Totals[len(t.Totals)-1], prev.Totals[len(prev.Totals)-1]
	text := func(c Cell) string {
		if c.Suppressed || c.Value == nil {
			return l.T("monitoring.indicators.no_value")
		}
		return FormatValue(*c.Value, dec, l)
	}
	out := l.T("monitoring.indicators.compare_text", "From", prev.PeriodKeys[0], "To", prev.PeriodKeys[len(prev.PeriodKeys)-1],
		"Prev", text(was), "Now", text(now))
	if now.Suppressed || was.Suppressed || now.Value == nil || was.Value == nil || *was.Value == 0 {
		return out + " " + l.T("monitoring.indicators.compare_na")
	}
	pct := math.Round((*now.Value - *was.Value) / *was.Value * 100)
	sign := ""
	if pct > 0 {
		sign = "+"
	}
	return out + " " + l.T("monitoring.indicators.compare_change", "Change", sign+FormatValue(pct, 0, l)+" %")
}
