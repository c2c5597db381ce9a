package monitoring

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"

	"kim/internal/platform/access"
	"kim/internal/platform/i18n"
	"kim/internal/platform/web"
)

// releaseRoutes registers the register of releases (coordination and data protection officer).
func (h *HTTP) releaseRoutes(rt *web.Router) {
	rt.Handle("GET /monitoring/veroeffentlichungen", web.Staff, h.releaseList)
	rt.Handle("GET /monitoring/veroeffentlichungen/export.csv", web.Staff, h.releaseExportCSV)
	rt.Handle("GET /monitoring/veroeffentlichungen/export.json", web.Staff, h.releaseExportJSON)
	rt.Handle("GET /monitoring/veroeffentlichungen/{id}", web.Staff, h.releaseView)
}

// releaseFilterForm reads the register's filter from the query.
func releaseFilterForm(r *http.Request) (ReleaseFilter, *web.Form) {
	q := r.URL.Query()
	f := ReleaseFilter{Channel: q.Get("kanal"), From: q.Get("von"), To: q.Get("bis")}
	form := web.NewForm(q)
	form.Fields = web.Fields("kanal", "monitoring.context.release.channel", "von", "monitoring.context.release.from",
		"bis", "monitoring.context.release.to")
	return f, form.WithError(f.Validate())
}

type releaseListData struct {
	Items    []ReleaseEntry
	Pager    web.Pager
	Channels []web.Option
	Filtered bool
	Export   string // the query string of the downloads (the filter)
}

func releaseChannelOptions() []web.Option {
	out := make([]web.Option, len(Channels))
	for i, c := range Channels {
		out[i] = web.Option{Value: c, Label: "monitoring.context.channel." + c, Translate: true}
	}
	return out
}

func (h *HTTP) releaseList(w http.ResponseWriter, r *http.Request) {
	actor, ok := h.check(w, r, KindRelease, access.List)
	if !ok {
		return
	}
	q := web.ParseList(r, ReleaseSortKeys...)
	if r.URL.Query().Get("sort") == "" {
		q.Desc = true
	}
	f, form := releaseFilterForm(r)
	items, total, err := h.S.ListReleases(r.Context(), actor, q, f)
	if err != nil {
		h.R.Fail(w, r, err)
		return
	}
	export := url.Values{}
	for k, v := range map[string]string{"kanal": f.Channel, "von": f.From, "bis": f.To} {
		if v != "" {
			export.Set(k, v)
		}
	}
	h.R.Render(w, r, http.StatusOK, "monitoring/releases", web.View{Title: "monitoring.context.release.list_title", Form: form,
		Data: releaseListData{Items: items, Pager: web.NewPager(q, total, r), Channels: releaseChannelOptions(), Filtered: f != ReleaseFilter{}, Export: export.Encode()}})
}

// releaseExport returns every entry the filter selects (at most releaseMaxExport, newest first).
func (h *HTTP) releaseExport(w http.ResponseWriter, r *http.Request) ([]ReleaseEntry, bool) {
	actor, ok := h.check(w, r, KindRelease, access.List)
	if !ok {
		return nil, false
	}
	f, _ := releaseFilterForm(r)
	items, _, err := h.S.ListReleases(r.Context(), actor, web.ListQuery{Page: 1, Size: releaseMaxExport, Sort: "released", Desc: true}, f)
	if err != nil {
		h.R.Fail(w, r, err)
		return nil, false
	}
	return items, true
}

// releaseMaxExport is the most entries of the register one download holds.
const releaseMaxExport = 10000

func (h *HTTP) releaseExportCSV(w http.ResponseWriter, r *http.Request) {
	items, ok := h.releaseExport(w, r)
	if !ok {
		return
	}
	l := h.R.Localizer(r)
	header := []string{l.T("monitoring.context.release.released_at"), l.T("monitoring.context.release.id"), l.T("monitoring.context.release.role"),
		l.T("monitoring.context.release.channel"), l.T("monitoring.context.release.audience"), l.T("monitoring.context.release.title_label"),
		l.T("monitoring.context.release.tables"), l.T("monitoring.context.release.cells"), l.T("monitoring.context.release.suppressed")}
	rows := make([][]string, 0, len(items))
	for _, e := range items {
		rows = append(rows, []string{e.ReleasedAt.In(web.Berlin).Format("2006-01-02 15:04:05"), e.ID, releaseRoleText(l, e.Role),
			l.T("monitoring.context.channel." + e.Channel), releaseRoleText(l, e.Audience), e.Title, strconv.Itoa(e.Tables), strconv.Itoa(e.Cells), strconv.Itoa(e.Suppressed)})
	}
	web.CSV(w, "veroeffentlichungen.csv", header, rows)
}

// releaseJSON is an entry of the register's JSON download.
type releaseJSON struct {
	ID         string `json:"id"`
	ReleasedAt string `json:"released_at"`
	ReleasedBy string `json:"released_by"`
	Role       string `json:"role"`
	Channel    string `json:"channel"`
	Audience   string `json:"audience"`
	Title      string `json:"title"`
	Tables     int    `json:"tables"`
	Cells      int    `json:"cells"`
	Suppressed int    `json:"suppressed"`
}

func (h *HTTP) releaseExportJSON(w http.ResponseWriter, r *http.Request) {
	items, ok := h.releaseExport(w, r)
	if !ok {
		return
	}
	out := struct {
		Releases []releaseJSON `json:"releases"`
	}{Releases: make([]releaseJSON, 0, len(items))}
	for _, e := range items {
		out.Releases = append(out.Releases, releaseJSON{ID: e.ID, ReleasedAt: e.ReleasedAt.UTC().Format("2006-01-02T15:04:05Z"), ReleasedBy: e.ReleasedBy,
			Role: e.Role, Channel: e.Channel, Audience: e.Audience, Title: e.Title, Tables: e.Tables, Cells: e.Cells, Suppressed: e.Suppressed})
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="veroeffentlichungen.json"`)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(out)
}

// releaseRoleText is the name of a role, or the text itself (an audience named freely).
func releaseRoleText(l *i18n.Localizer, s string) string {
	if id := releaseRoleLabel(s); id != "" {
		return l.T(id)
	}
	return s
}

// releaseShown is a published table as a page shows it: caption, column headers and rows of
// formatted cells ("< 5" for a suppressed one).
type releaseShown struct {
	Caption string
	Query   string
	Headers []string
	Rows    []releaseShownRow
}

type releaseShownRow struct {
	Period string
	Cells  []string
}

// releaseShow turns the stored content of a release into tables for the page.
func releaseShow(l *i18n.Localizer, c *ReleaseContent) []releaseShown {
	hidden := l.T("monitoring.context.suppressed", "Min", c.Min)
	cell := func(v ReleaseValue) string {
		if v.Suppressed || v.Value == nil {
			return hidden
		}
		return ctxFigure(*v.Value)
	}
	var out []releaseShown
	for _, t := range c.Tables {
		st := releaseShown{Caption: t.Indicator, Headers: []string{l.T("monitoring.context.total")}}
		if ind := Lookup(t.Indicator); ind != nil {
			st.Caption = ind.Name.In(l.Lang)
		}
		st.Query = l.T("monitoring.context.release.query", "From", t.From, "To", t.To)
		if t.By != "" {
			st.Query += " · " + l.T("monitoring.context.release.by", "By", t.By)
		}
		if t.District != "" || t.Organisation != "" {
			st.Query += " · " + l.T("monitoring.context.release.filtered")
		}
		for _, g := range t.Groups {
			if g.Translate {
				st.Headers = append(st.Headers, l.T(g.Label))
			} else {
				st.Headers = append(st.Headers, g.Label)
			}
		}
		for _, row := range t.Rows {
			sr := releaseShownRow{Period: row.Period}
			total := ReleaseValue{Suppressed: true}
			if row.Total != nil {
				total = *row.Total
			}
			sr.Cells = append(sr.Cells, cell(total))
			for _, v := range row.Cells {
				sr.Cells = append(sr.Cells, cell(v))
			}
			st.Rows = append(st.Rows, sr)
		}
		out = append(out, st)
	}
	return out
}

type releaseViewData struct {
	Entry  *ReleaseEntry
	Tables []releaseShown
}

func (h *HTTP) releaseView(w http.ResponseWriter, r *http.Request) {
	actor, ok := h.check(w, r, KindRelease, access.View)
	if !ok {
		return
	}
	e, err := h.S.GetRelease(r.Context(), actor, r.PathValue("id"))
	if err != nil {
		h.R.Fail(w, r, err)
		return
	}
	h.R.Render(w, r, http.StatusOK, "monitoring/release", web.View{Title: "monitoring.context.release.view_title",
		Data: releaseViewData{Entry: e, Tables: releaseShow(h.R.Localizer(r), e.Content)}})
}
