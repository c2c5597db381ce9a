package monitoring

import (
	"net/http"
	"net/url"
	"strings"

	"kim/internal/platform/access"
	"kim/internal/platform/errs"
	"kim/internal/platform/web"
)

// The JSON API of the monitoring (reference/cli-and-api.md): the catalogue, and the protected
// cells of one indicator.
func (h *HTTP) apiRoutes(rt *web.Router) {
	rt.Handle("GET /api/v1/monitoring/indicators", web.Token, h.apiIndicatorList)
	rt.Handle("GET /api/v1/monitoring/indicators/{id}", web.Token, h.apiIndicator)
}

// apiIndicatorEntry is one indicator of the catalogue as the API lists it.
type apiIndicatorEntry struct {
	Code        string   `json:"code"`
	Name        string   `json:"name"`
	Unit        string   `json:"unit"`
	Breakdowns  []string `json:"breakdowns"`
	Section     string   `json:"section"`
	Definition  string   `json:"definition"`
	Numerator   string   `json:"numerator"`
	Denominator string   `json:"denominator"`
	Source      string   `json:"source"`
	Periodicity string   `json:"periodicity"`
	Disclosure  string   `json:"disclosure"`
	Stock       bool     `json:"stock"`
}

func (h *HTTP) apiIndicatorList(w http.ResponseWriter, r *http.Request) {
	actor := web.ActorFrom(r.Context())
	if err := access.Check(actor, KindIndicator, access.List); err != nil {
		h.R.Fail(w, r, err)
		return
	}
	lang := h.R.Localizer(r).Lang
	items := []apiIndicatorEntry{}
	for _, ind := range Catalogue() {
		items = append(items, apiIndicatorEntry{Code: ind.Code, Name: ind.Name.In(lang), Unit: ind.Unit, Breakdowns: append([]string{}, ind.Breakdowns...),
			Section: ind.Section, Definition: ind.Definition.In(lang), Numerator: ind.Numerator.In(lang), Denominator: ind.Denominator.In(lang),
			Source: ind.Source.In(lang), Periodicity: ind.Periodicity, Disclosure: ind.Disclosure, Stock: ind.Stock})
	}
	web.JSON(w, http.StatusOK, map[string]any{"items": items})
}

// apiCells is the answer of GET /api/v1/monitoring/indicators/{code}: per period first the
// period's total (group and group_key ""), then one cell per group; a suppressed cell has value
// null.
type apiCells struct {
	Code  string `json:"code"`
	Cells []Cell `json:"cells"`
}

func (h *HTTP) apiIndicator(w http.ResponseWriter, r *http.Request) {
	actor := web.ActorFrom(r.Context())
	if err := access.Check(actor, KindIndicator, access.View); err != nil {
		h.R.Fail(w, r, err)
		return
	}
	q, err := apiQuery(r.URL.Query(), r.PathValue("id"), LastComplete(h.S.DB.Clock.Now()))
	if err != nil {
		h.R.Fail(w, r, err)
		return
	}
	t, err := h.S.Compute(r.Context(), actor, q)
	if err != nil {
		h.R.Fail(w, r, err)
		return
	}
	if err := h.S.Publish(r.Context(), actor, Release{Channel: "api", Title: t.Indicator.Name.DE, Tables: []*Table{t}}); err != nil {
		h.R.Fail(w, r, err)
		return
	}
	l := h.R.Localizer(r)
	out := apiCells{Code: t.Indicator.Code, Cells: []Cell{}}
	for i := range t.PeriodKeys {
		out.Cells = append(out.Cells, t.Totals[i])
		for j, g := range t.Groups {
			c := t.Cells[i][j]
			c.Group = GroupLabel(g, l)
			out.Cells = append(out.Cells, c)
		}
	}
	web.JSON(w, http.StatusOK, out)
}

// apiQuery reads from, to (YYYY-MM; default: the 12 months up to last, the last completed
// month, or the 12 months from from; with to alone the 12 months up to to or last, whichever
// is earlier), by, district and organisation. ComputeAll cuts a to after last (see Clamp). An
// unknown indicator is not found.
func apiQuery(v url.Values, code string, last Month) (Query, error) {
	if Lookup(code) == nil {
		return Query{}, errs.ErrNotFound
	}
	q := Query{Indicator: code, By: v.Get("by"), District: v.Get("district"), Organisation: v.Get("organisation")}
	var bad errs.Validation
	month := func(field string) (Month, bool) {
		s := strings.TrimSpace(v.Get(field))
		if s == "" {
			return Month{}, false
		}
		m, err := ParseMonth(s)
		if err != nil {
			bad.Add(field, "monitoring.indicators.error.month")
			return Month{}, false
		}
		return m, true
	}
	from, hasFrom := month("from")
	to, hasTo := month("to")
	switch {
	case hasFrom && hasTo:
		q.From, q.To = from, to
	case hasFrom:
		q.From, q.To = from, from.Add(11)
	case hasTo:
		q.From, q.To = Clamp(Query{From: to, To: to}, last).To.Add(-11), to
	default:
		q.From, q.To = last.Add(-11), last
	}
	return q, bad.Err()
}
