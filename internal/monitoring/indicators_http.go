package monitoring

import (
	"html/template"
	"net/http"
	"net/url"
	"strings"

	"kim/internal/monitoring/chart"
	"kim/internal/platform/access"
	"kim/internal/platform/errs"
	"kim/internal/platform/i18n"
	"kim/internal/platform/web"
)

func (h *HTTP) indicatorRoutes(rt *web.Router) {
	rt.Handle("GET /monitoring", web.Staff, h.catalogue)
	rt.Handle("GET /monitoring/kennzahlen/{id}", web.Staff, h.indicator)
	h.apiRoutes(rt)
}

// catalogueSection is one section of the catalogue overview.
type catalogueSection struct {
	Key        string
	Title      string
	Indicators []catalogueEntry
}

type catalogueEntry struct {
	Code, Name, Definition, Unit, Breakdowns string
}

// catalogue is the overview: the indicators grouped by section, each linked.
func (h *HTTP) catalogue(w http.ResponseWriter, r *http.Request) {
	actor := web.ActorFrom(r.Context())
	if err := access.Check(actor, KindIndicator, access.List); err != nil {
		h.R.Fail(w, r, err)
		return
	}
	l := h.R.Localizer(r)
	var secs []catalogueSection
	idx := map[string]int{}
	for _, ind := range Catalogue() {
		i, ok := idx[ind.Section]
		if !ok {
			i = len(secs)
			idx[ind.Section] = i
			secs = append(secs, catalogueSection{Key: ind.Section, Title: l.T("monitoring.indicators.section." + ind.Section)})
		}
		var bys []string
		for _, b := range ind.Breakdowns {
			bys = append(bys, ByLabel(b, l))
		}
		secs[i].Indicators = append(secs[i].Indicators, catalogueEntry{Code: ind.Code, Name: ind.Name.In(l.Lang),
			Definition: ind.Definition.In(l.Lang), Unit: l.T("monitoring.indicators.unit." + ind.Unit), Breakdowns: strings.Join(bys, ", ")})
	}
	r0 := h.S.rule()
	h.R.Render(w, r, http.StatusOK, "monitoring/indicators", web.View{Title: "monitoring.indicators.title",
		Data: map[string]any{"Sections": secs, "Intro": l.T("monitoring.indicators.intro", "Min", r0.Min, "MinPersons", r0.MinPersons)}})
}

// indicatorPage is the data of templates/indicator.html.
type indicatorPage struct {
	Ind                         *Indicator
	Name, Definition, Numerator string
	Denominator, Source, Unit   string
	Disclosure, Breakdowns      string
	Filter                      FilterView
	Table                       *TableView
	Chart                       template.HTML
	Summary                     []string
	Compare                     string
	CompareTable                *TableView
	ExportXLSX, ExportCSV       string
	Invalid                     bool
}

// indicator is the page of one indicator: filters, chart, text summary, data table, the
// comparison with the previous period, the catalogue entry and the exports.
func (h *HTTP) indicator(w http.ResponseWriter, r *http.Request) {
	actor := web.ActorFrom(r.Context())
	if err := access.Check(actor, KindIndicator, access.View); err != nil {
		h.R.Fail(w, r, err)
		return
	}
	ind := Lookup(r.PathValue("id"))
	if ind == nil {
		h.R.Fail(w, r, errs.ErrNotFound)
		return
	}
	l := h.R.Localizer(r)
	rule := h.S.rule()
	opts, err := h.S.Options(r.Context(), actor)
	if err != nil {
		h.R.Fail(w, r, err)
		return
	}
	last := LastComplete(h.S.DB.Clock.Now())
	q, ferr := pageQuery(r.URL.Query(), ind.Code, last)
	var tables []*Table
	if ferr == nil {
		tables, ferr = h.S.ComputeAll(r.Context(), actor, []Query{q, Previous(Clamp(q, last))})
	}
	p := &indicatorPage{Ind: ind, Name: ind.Name.In(l.Lang), Definition: ind.Definition.In(l.Lang), Numerator: ind.Numerator.In(l.Lang),
		Denominator: ind.Denominator.In(l.Lang), Source: ind.Source.In(l.Lang), Unit: l.T("monitoring.indicators.unit." + ind.Unit),
		Disclosure: l.T("monitoring.indicators.disclosure." + ind.Disclosure)}
	var bys []string
	for _, b := range ind.Breakdowns {
		bys = append(bys, ByLabel(b, l))
	}
	p.Breakdowns = strings.Join(bys, ", ")
	status := http.StatusOK
	if ferr != nil {
		e := errs.As(ferr)
		if e.Code != errs.Invalid {
			h.R.Fail(w, r, ferr)
			return
		}
		status, p.Invalid = http.StatusUnprocessableEntity, true
		p.Filter = NewFilterView(r.URL.Path, q, ind, opts, formErrors(e, l), l)
		h.R.Render(w, r, status, "monitoring/indicator", web.View{Title: "monitoring.indicators.page_title", TitleArgs: []any{"Name", p.Name}, Data: p})
		return
	}
	if err := h.S.Publish(r.Context(), actor, Release{Channel: "page", Title: p.Name, Tables: tables}); err != nil {
		h.R.Fail(w, r, err)
		return
	}
	t, prev := tables[0], tables[1]
	q = t.Query // as computed: ending at the last completed month
	p.Filter = NewFilterView(r.URL.Path, q, ind, opts, nil, l)
	tv := NewTableView(t, rule, l)
	p.Table = &tv
	spec := TableChart(t, prev, rule, l)
	spec.ID = "kennzahl"
	p.Summary = Summary(t, rule, l)
	spec.Description = strings.Join(p.Summary, " ")
	p.Chart = chart.SVG(spec)
	p.Compare = Comparison(t, prev, l)
	if prev.HasPeriods() {
		pt := *prev
		pt.Groups, pt.Cells = nil, make([][]Cell, len(prev.PeriodKeys))
		pv := NewTableView(&pt, rule, l)
		p.CompareTable = &pv
	}
	qs := url.Values{"von": {q.From.String()}, "bis": {q.To.String()}}
	for k, v := range map[string]string{"nach": q.By, "bezirk": q.District, "organisation": q.Organisation} {
		if v != "" {
			qs.Set(k, v)
		}
	}
	p.ExportXLSX = "/monitoring/kennzahlen/" + ind.Code + "/export.xlsx?" + qs.Encode()
	p.ExportCSV = "/monitoring/kennzahlen/" + ind.Code + "/export.csv?" + qs.Encode()
	h.R.Render(w, r, status, "monitoring/indicator", web.View{Title: "monitoring.indicators.page_title", TitleArgs: []any{"Name", p.Name}, Data: p})
}

// formFields maps the engine's field names to the form's.
var formFields = map[string]string{"from": "von", "to": "bis", "by": "nach", "district": "bezirk", "organisation": "organisation"}

func formErrors(e *errs.Error, l *i18n.Localizer) map[string]string {
	out := map[string]string{}
	for f, m := range e.Fields {
		if ff, ok := formFields[f]; ok {
			f = ff
		}
		out[f] = l.M(m)
	}
	return out
}

// pageQuery reads the query of an indicator page: von, bis (default: the 12 months up to last,
// the last completed month; with bis alone the 12 months up to bis or last, whichever is
// earlier; ComputeAll cuts a later bis, see Clamp), nach, bezirk, organisation.
// Malformed months are a validation error by the form's names; everything else the engine
// checks.
func pageQuery(v url.Values, code string, last Month) (Query, error) {
	q := Query{Indicator: code, By: v.Get("nach"), District: v.Get("bezirk"), Organisation: v.Get("organisation"), To: last, From: last.Add(-11)}
	var bad errs.Validation
	if s := strings.TrimSpace(v.Get("bis")); s != "" {
		m, err := ParseMonth(s)
		if err != nil {
			bad.Add("to", "monitoring.indicators.error.month")
		}
		q.To, q.From = m, Clamp(Query{From: m, To: m}, last).To.Add(-11)
	}
	if s := strings.TrimSpace(v.Get("von")); s != "" {
		m, err := ParseMonth(s)
		if err != nil {
			bad.Add("from", "monitoring.indicators.error.month")
		}
		q.From = m
		if strings.TrimSpace(v.Get("bis")) == "" && last.Before(m) {
			q.To = m // refused as not yet complete, not as out of order
		}
	}
	if err := bad.Err(); err != nil {
		return Query{Indicator: code, By: q.By, District: q.District, Organisation: q.Organisation}, err
	}
	return q, nil
}
