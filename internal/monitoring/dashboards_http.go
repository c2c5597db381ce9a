package monitoring

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"kim/internal/platform/access"
	"kim/internal/platform/errs"
	"kim/internal/platform/web"
)

func (h *HTTP) dashboardRoutes(rt *web.Router) {
	rt.Handle("GET /monitoring/dashboards", web.Staff, h.dashboardList)
	rt.Handle("GET /monitoring/dashboards/standard", web.Staff, h.dashboardStandard)
	rt.Handle("GET /monitoring/dashboards/neu", web.Staff, h.dashboardNew)
	rt.Handle("POST /monitoring/dashboards/neu", web.Staff, h.dashboardCreate)
	rt.Handle("GET /monitoring/dashboards/{id}", web.Staff, h.dashboardView)
	rt.Handle("POST /monitoring/dashboards/{id}", web.Staff, h.dashboardUpdate)
	rt.Handle("GET /monitoring/dashboards/{id}/bearbeiten", web.Staff, h.dashboardEdit)
	rt.Handle("POST /monitoring/dashboards/{id}/filter", web.Staff, h.dashboardSaveFilters)
	rt.Handle("GET /monitoring/dashboards/{id}/loeschen", web.Staff, h.dashboardDeleteConfirm)
	rt.Handle("POST /monitoring/dashboards/{id}/loeschen", web.Staff, h.dashboardDelete)
	rt.Handle("POST /monitoring/dashboards/{id}/verknuepfen", web.Staff, h.dashboardLink)
	rt.Handle("POST /monitoring/dashboards/{id}/entknuepfen", web.Staff, h.dashboardUnlink)
}

// dashCheck answers 403 (or the login) when the role may never do a on dashboards.
func (h *HTTP) dashCheck(w http.ResponseWriter, r *http.Request, a access.Action) (access.Actor, bool) {
	return h.check(w, r, KindDashboard, a)
}

// dashParse reads a posted form after the role check.
func (h *HTTP) dashParse(w http.ResponseWriter, r *http.Request, a access.Action) (access.Actor, bool) {
	return h.parse(w, r, KindDashboard, a)
}

type dashboardListData struct {
	Items     []Dashboard
	Pager     web.Pager
	CanCreate bool
}

func (h *HTTP) dashboardList(w http.ResponseWriter, r *http.Request) {
	actor, ok := h.dashCheck(w, r, access.List)
	if !ok {
		return
	}
	q := web.ParseList(r, DashboardSortKeys...)
	items, total, err := h.S.ListDashboards(r.Context(), actor, q)
	if err != nil {
		h.R.Fail(w, r, err)
		return
	}
	h.R.Render(w, r, http.StatusOK, "monitoring/dashboards", web.View{Title: "monitoring.dashboards.list_title", Form: web.NewForm(r.URL.Query()),
		Data: dashboardListData{Items: items, Pager: web.NewPager(q, total, r), CanCreate: access.Allowed(actor, KindDashboard, access.Create)}})
}

// dashboardPageData is the page of a dashboard.
type dashboardPageData struct {
	*DashboardView
	Themes, Bodies []web.Option // link choices (the coordination)
	CanEdit        bool
	// Effective filters as form values (for "save current filters").
	From, To, District, Organisation string
	Min                              int
	// FilterInvalid: the query's filters were refused; the saved ones are shown.
	FilterInvalid bool
	Filter        FilterView // the filter form (partial "monitoring-filter")
}

var dashboardFilterFields = web.Fields("von", "monitoring.dashboards.from", "bis", "monitoring.dashboards.to",
	"bezirk", "monitoring.dashboards.district", "organisation", "monitoring.dashboards.organisation", "target", "monitoring.dashboards.link_target")

// dashboardPage computes and renders a dashboard (saved or the standard one) under the filters
// of the query; failed is the error of a form of the page (link, save filters).
func (h *HTTP) dashboardPage(w http.ResponseWriter, r *http.Request, d *Dashboard, status int, failed error) {
	actor := web.ActorFrom(r.Context())
	ctx := r.Context()
	ch, opts, err := h.S.choices(ctx, actor)
	if err != nil {
		h.R.Fail(w, r, err)
		return
	}
	query := r.URL.Query()
	f, ferr := d.Filter(h.S.dashNow(), query, ch)
	form := web.NewForm(url.Values{})
	form.Fields = dashboardFilterFields
	if ferr != nil {
		f, _ = d.Filter(h.S.dashNow(), nil, ch)
		form.WithError(ferr)
		status = http.StatusUnprocessableEntity
	}
	if failed != nil {
		form.WithError(failed)
		if e := errs.As(failed); e.Code == errs.Conflict {
			form.Errors = map[string]errs.Message{"_form": e.Message}
		}
	}
	l := h.R.Localizer(r)
	title := d.Title
	if d.Standard {
		title = l.T("monitoring.dashboards.standard_title")
	}
	v, err := h.S.ViewDashboard(ctx, actor, d, f, title, l)
	if err != nil {
		h.R.Fail(w, r, err)
		return
	}
	ferrs := map[string]string{}
	for k, m := range errs.As(ferr).Fields {
		ferrs[k] = l.M(m)
	}
	data := dashboardPageData{
		DashboardView: v,
		Min:           h.S.rule().Min,
		Filter:        NewFilterView(r.URL.Path, Query{From: f.From, To: f.To, District: f.District, Organisation: f.Organisation}, nil, opts, ferrs, l),
		From:          f.From.String(),
		To:            f.To.String(),
		District:      f.District,
		Organisation:  f.Organisation,
		FilterInvalid: ferr != nil,
		CanEdit:       !d.Standard && access.Allowed(actor, KindDashboard, access.Update),
	}
	if data.CanEdit {
		if data.Themes, data.Bodies, err = h.S.LinkOptions(ctx, actor); err != nil {
			h.R.Fail(w, r, err)
			return
		}
	}
	view := web.View{Title: "monitoring.dashboards.view_title", TitleArgs: []any{"Title", title}, Form: form, Data: data}
	h.R.Render(w, r, status, "monitoring/dashboard", view)
}

func (h *HTTP) dashboardStandard(w http.ResponseWriter, r *http.Request) {
	actor, ok := h.dashCheck(w, r, access.View)
	if !ok {
		return
	}
	d, err := h.S.StandardDashboard(actor)
	if err != nil {
		h.R.Fail(w, r, err)
		return
	}
	h.dashboardPage(w, r, d, http.StatusOK, nil)
}

func (h *HTTP) dashboardView(w http.ResponseWriter, r *http.Request) {
	h.dashboardShow(w, r, http.StatusOK, nil)
}

// dashboardShow loads the dashboard of the path and renders its page.
func (h *HTTP) dashboardShow(w http.ResponseWriter, r *http.Request, status int, failed error) {
	if _, d, ok := h.dashLoad(w, r, access.View); ok {
		h.dashboardPage(w, r, d, status, failed)
	}
}

// dashLoad checks the role for action and loads the dashboard of the path; it answers the
// request itself on failure.
func (h *HTTP) dashLoad(w http.ResponseWriter, r *http.Request, action access.Action) (access.Actor, *Dashboard, bool) {
	actor, ok := h.dashCheck(w, r, action)
	if !ok {
		return actor, nil, false
	}
	d, err := h.S.GetDashboard(r.Context(), actor, r.PathValue("id"))
	if err != nil {
		h.R.Fail(w, r, err)
		return actor, nil, false
	}
	return actor, d, true
}

// dashAction runs a form of a dashboard's page: on success back to the page with a flash;
// validation messages and conflicts show the page again with them.
func (h *HTTP) dashAction(w http.ResponseWriter, r *http.Request, to, flash string, do func(actor access.Actor, f url.Values) error) {
	actor, ok := h.dashParse(w, r, access.Update)
	if !ok {
		return
	}
	if err := do(actor, r.PostForm); err != nil {
		e := errs.As(err)
		switch {
		case e.Code == errs.Invalid && len(e.Fields) > 0:
			h.dashboardShow(w, r, http.StatusUnprocessableEntity, err)
		case e.Code == errs.Conflict:
			h.dashboardShow(w, r, http.StatusConflict, err)
		default:
			h.R.Fail(w, r, err)
		}
		return
	}
	web.Redirect(w, r, to, flash)
}

func (h *HTTP) dashboardSaveFilters(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	h.dashAction(w, r, "/monitoring/dashboards/"+id, "monitoring.dashboards.filters_saved", func(actor access.Actor, f url.Values) error {
		return h.S.SaveFilters(r.Context(), actor, id, web.Version(r), f)
	})
}

func (h *HTTP) dashboardLink(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	h.dashAction(w, r, "/monitoring/dashboards/"+id+"#verknuepfungen", "monitoring.dashboards.linked", func(actor access.Actor, f url.Values) error {
		return h.S.LinkDashboard(r.Context(), actor, id, f.Get("target"))
	})
}

func (h *HTTP) dashboardUnlink(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	h.dashAction(w, r, "/monitoring/dashboards/"+id+"#verknuepfungen", "monitoring.dashboards.unlinked", func(actor access.Actor, f url.Values) error {
		return h.S.UnlinkDashboard(r.Context(), actor, id, f.Get("target"))
	})
}

func (h *HTTP) dashboardDeleteConfirm(w http.ResponseWriter, r *http.Request) {
	_, d, ok := h.dashLoad(w, r, access.Delete)
	if !ok {
		return
	}
	h.R.RenderConfirm(w, r, "monitoring.dashboards.delete_title", web.Confirm{Question: "monitoring.dashboards.delete_question", Name: d.Title,
		Consequence: "monitoring.dashboards.delete_consequence", Confirm: "monitoring.dashboards.delete",
		Action: "/monitoring/dashboards/" + d.ID + "/loeschen", Cancel: "/monitoring/dashboards/" + d.ID})
}

func (h *HTTP) dashboardDelete(w http.ResponseWriter, r *http.Request) {
	actor, ok := h.dashParse(w, r, access.Delete)
	if !ok {
		return
	}
	if err := h.S.DeleteDashboard(r.Context(), actor, r.PathValue("id")); err != nil {
		h.R.Fail(w, r, err)
		return
	}
	web.Redirect(w, r, "/monitoring/dashboards", "monitoring.dashboards.deleted")
}

// --- the form of a dashboard (new and edit) ---

type dashboardFormData struct {
	Edit                     *Dashboard
	Rows                     []int
	Indicators               []web.Option
	Breakdowns, Charts       []web.Option
	Districts, Organisations []web.Option
	Max                      int
}

var dashboardFormFields = func() []web.Field {
	f := web.Fields("title", "monitoring.dashboards.title", "description", "monitoring.dashboards.description",
		"von", "monitoring.dashboards.from", "bis", "monitoring.dashboards.to", "bezirk", "monitoring.dashboards.district",
		"organisation", "monitoring.dashboards.organisation", "panels", "monitoring.dashboards.panels")
	for i := range DashboardMaxPanels {
		p := "p" + strconv.Itoa(i) + "_"
		f = append(f, web.Field{Name: p + "indicator", Label: "monitoring.dashboards.panel_indicator"},
			web.Field{Name: p + "by", Label: "monitoring.dashboards.panel_by"}, web.Field{Name: p + "chart", Label: "monitoring.dashboards.panel_chart"})
	}
	return f
}()

// dashboardInput reads the form: the filled panel rows in order (a row without an indicator is
// left out).
func dashboardInput(f url.Values) DashboardInput {
	in := DashboardInput{Title: f.Get("title"), Description: f.Get("description"), From: f.Get("von"), To: f.Get("bis"),
		District: f.Get("bezirk"), Organisation: f.Get("organisation")}
	for i := range DashboardMaxPanels {
		p := "p" + strconv.Itoa(i) + "_"
		if f.Get(p+"indicator") == "" {
			continue
		}
		chart := f.Get(p + "chart")
		if chart == "" {
			chart = PanelLine
		}
		in.Panels = append(in.Panels, Panel{Indicator: f.Get(p + "indicator"), By: f.Get(p + "by"), Chart: chart})
		in.PanelRows = append(in.PanelRows, i)
	}
	return in
}

// dashboardValues are the form values of a saved dashboard.
func dashboardValues(d *Dashboard) url.Values {
	v := url.Values{"title": {d.Title}, "description": {d.Description}, "von": {d.From}, "bis": {d.To}, "bezirk": {d.District},
		"organisation": {d.Organisation}, "version": {strconv.Itoa(d.Version)}}
	for i, p := range d.Panels {
		k := "p" + strconv.Itoa(i) + "_"
		v.Set(k+"indicator", p.Indicator)
		v.Set(k+"by", p.By)
		v.Set(k+"chart", p.Chart)
	}
	return v
}

// dashboardForm renders the form of a new (edit nil) or a saved dashboard with values; after a
// failed post with its messages.
func (h *HTTP) dashboardForm(w http.ResponseWriter, r *http.Request, edit *Dashboard, values url.Values, failed error) {
	actor := web.ActorFrom(r.Context())
	_, opts, err := h.S.choices(r.Context(), actor)
	if err != nil {
		h.R.Fail(w, r, err)
		return
	}
	l := h.R.Localizer(r)
	data := dashboardFormData{Edit: edit, Districts: opts.Districts, Organisations: opts.Organisations, Max: DashboardMaxPanels}
	var breakdowns []string
	for _, ind := range Catalogue() {
		data.Indicators = append(data.Indicators, web.Option{Value: ind.Code, Label: ind.Name.In(l.Lang)})
		for _, b := range ind.Breakdowns {
			if !slices.Contains(breakdowns, b) {
				breakdowns = append(breakdowns, b)
			}
		}
	}
	for _, b := range breakdowns {
		data.Breakdowns = append(data.Breakdowns, web.Option{Value: b, Label: ByLabel(b, l)})
	}
	for _, c := range PanelCharts {
		data.Charts = append(data.Charts, web.Option{Value: c, Label: "monitoring.dashboards.chart." + c, Translate: true})
	}
	filled := 0
	for i := range DashboardMaxPanels {
		if values.Get("p"+strconv.Itoa(i)+"_indicator") != "" {
			filled = i + 1
		}
	}
	for i := range min(max(filled+3, 4), DashboardMaxPanels) {
		data.Rows = append(data.Rows, i)
	}
	form := web.NewForm(values)
	form.Fields = dashboardFormFields
	title := "monitoring.dashboards.new_title"
	var args []any
	if edit != nil {
		title, args = "monitoring.dashboards.edit_title", []any{"Title", edit.Title}
	}
	v := web.View{Title: title, TitleArgs: args, Form: form, Data: data}
	if failed != nil {
		h.R.FormFailed(w, r, failed, "monitoring/dashboard_form", v)
		return
	}
	h.R.Render(w, r, http.StatusOK, "monitoring/dashboard_form", v)
}

func (h *HTTP) dashboardNew(w http.ResponseWriter, r *http.Request) {
	if _, ok := h.dashCheck(w, r, access.Create); !ok {
		return
	}
	h.dashboardForm(w, r, nil, url.Values{"p0_chart": {PanelLine}}, nil)
}

func (h *HTTP) dashboardCreate(w http.ResponseWriter, r *http.Request) {
	actor, ok := h.dashParse(w, r, access.Create)
	if !ok {
		return
	}
	id, err := h.S.CreateDashboard(r.Context(), actor, dashboardInput(r.PostForm))
	if err != nil {
		h.dashboardForm(w, r, nil, r.PostForm, err)
		return
	}
	web.Redirect(w, r, "/monitoring/dashboards/"+id, "monitoring.dashboards.created")
}

func (h *HTTP) dashboardEdit(w http.ResponseWriter, r *http.Request) {
	_, d, ok := h.dashLoad(w, r, access.Update)
	if !ok {
		return
	}
	h.dashboardForm(w, r, d, dashboardValues(d), nil)
}

func (h *HTTP) dashboardUpdate(w http.ResponseWriter, r *http.Request) {
	actor, ok := h.dashParse(w, r, access.Update)
	if !ok {
		return
	}
	id := r.PathValue("id")
	err := h.S.UpdateDashboard(r.Context(), actor, id, web.Version(r), dashboardInput(r.PostForm))
	if err == nil {
		web.Redirect(w, r, "/monitoring/dashboards/"+id, "monitoring.dashboards.saved")
		return
	}
	if c := errs.CodeOf(err); c != errs.Invalid && c != errs.Conflict {
		h.R.Fail(w, r, err)
		return
	}
	d, gerr := h.S.GetDashboard(r.Context(), actor, id)
	if gerr != nil {
		h.R.Fail(w, r, gerr)
		return
	}
	// The form shows the posted values with the stored version: after a conflict the user
	// reviews the own changes against the current state and saves again.
	values := dashboardValues(d)
	for k, vs := range r.PostForm {
		if k != "version" {
			values[k] = vs
		}
	}
	for i := range DashboardMaxPanels {
		if p := "p" + strconv.Itoa(i) + "_"; r.PostForm.Get(p+"indicator") == "" {
			values.Del(p + "indicator")
		}
	}
	h.dashboardForm(w, r, d, values, err)
}
