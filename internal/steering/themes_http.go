package steering

import (
	"net/http"
	"net/url"
	"strconv"

	"kim/internal/platform/access"
	"kim/internal/platform/errs"
	"kim/internal/platform/web"
)

// themeRoutes registers the pages of themes, the merge of reports into themes,
// recommendations and the loop view.
func (h *HTTP) themeRoutes(rt *web.Router) {
	rt.Handle("GET /themen", web.Staff, h.themeList)
	rt.Handle("GET /themen/zusammenfuehren", web.Staff, h.mergePage)
	rt.Handle("POST /themen/zusammenfuehren", web.Staff, h.mergeSubmit)
	rt.Handle("GET /themen/{id}", web.Staff, h.themeView)
	rt.Handle("POST /themen/{id}", web.Staff, h.themeUpdate)
	rt.Handle("POST /themen/{id}/status", web.Staff, h.themeStatus)
	rt.Handle("POST /themen/{id}/gremium", web.Staff, h.themeAssign)
	rt.Handle("GET /themen/{id}/bericht-entfernen", web.Staff, h.themeRemoveConfirm)
	rt.Handle("POST /themen/{id}/bericht-entfernen", web.Staff, h.themeRemove)
	rt.Handle("GET /themen/{id}/kreislauf", web.Staff, h.loopView)
	h.recommendationRoutes(rt) // recommendations_http.go
}

// loopCheck answers 403 (or the login) when the role may never do a on k.
func (h *HTTP) loopCheck(w http.ResponseWriter, r *http.Request, k access.Kind, a access.Action) (access.Actor, bool) {
	actor := web.ActorFrom(r.Context())
	if err := access.Check(actor, k, a); err != nil {
		h.R.Fail(w, r, err)
		return actor, false
	}
	return actor, true
}

// loopParse reads a posted form after the role check; it answers the request itself on failure.
func (h *HTTP) loopParse(w http.ResponseWriter, r *http.Request, k access.Kind, a access.Action) (access.Actor, bool) {
	actor, ok := h.loopCheck(w, r, k, a)
	if ok {
		if err := web.ParseForm(r); err != nil {
			h.R.Fail(w, r, err)
			return actor, false
		}
	}
	return actor, ok
}

// loopPageError decides how a failed form of a page with several forms answers: validation
// messages show the page again (422) with the fields marked; a conflict (changed meanwhile, a
// step no longer possible) shows it again (409) with the message above the forms. Other errors
// (not found, forbidden) get the error page (ok false).
func loopPageError(err error) (status int, shown error, ok bool) {
	e := errs.As(err)
	switch {
	case e.Code == errs.Invalid && len(e.Fields) > 0:
		return http.StatusUnprocessableEntity, err, true
	case e.Code == errs.Conflict:
		return http.StatusConflict, &errs.Error{Code: errs.Conflict, Message: e.Message, Fields: map[string]errs.Message{"_form": e.Message}}, true
	}
	return 0, nil, false
}

// loopOptions turns codes into translated options (labels prefix+code).
func loopOptions(prefix string, codes []string) []web.Option {
	out := make([]web.Option, len(codes))
	for i, c := range codes {
		out[i] = web.Option{Value: c, Label: prefix + c, Translate: true}
	}
	return out
}

// choiceOptions turns choices into options labelled with their names.
func choiceOptions(list []Choice) []web.Option {
	out := make([]web.Option, len(list))
	for i, c := range list {
		out[i] = web.Option{Value: c.ID, Label: c.Label}
	}
	return out
}

type themeListData struct {
	Items                []Theme
	Pager                web.Pager
	Statuses, Priorities []web.Option
	CanMerge             bool
	Min                  int // the disclosure threshold
}

func (h *HTTP) themeList(w http.ResponseWriter, r *http.Request) {
	actor, ok := h.loopCheck(w, r, KindTheme, access.List)
	if !ok {
		return
	}
	q := web.ParseList(r, ThemeSortKeys...)
	if r.URL.Query().Get("sort") == "" {
		q.Desc = true
	}
	f := ThemeFilter{Status: r.URL.Query().Get("status"), Priority: r.URL.Query().Get("priority")}
	items, total, err := h.S.ListThemes(r.Context(), actor, q, f)
	if err != nil {
		h.R.Fail(w, r, err)
		return
	}
	data := themeListData{Items: items, Pager: web.NewPager(q, total, r),
		Statuses: append([]web.Option{{Value: "all", Label: "steering.theme.filter_all", Translate: true}},
			loopOptions("steering.theme_status.", ThemeStatuses)...),
		Priorities: append(loopOptions("steering.priority.", ThemePriorities), web.Option{Value: "none", Label: "steering.priority.none", Translate: true}),
		CanMerge:   access.Allowed(actor, KindBarrierReport, access.Manage), Min: DisclosureMin}
	h.R.Render(w, r, http.StatusOK, "steering/themes", web.View{Title: "steering.theme.list_title", Form: web.NewForm(r.URL.Query()), Data: data})
}

type themePageData struct {
	*ThemeView
	Next       []web.Option
	Bodies     []web.Option
	Domains    []web.Option
	Priorities []web.Option
	CanEdit    bool // keep the theme (the coordination)
	CanDraft   bool // draft a recommendation for it
	Min        int  // the disclosure threshold
	// Dashboards of the monitoring linked to the theme (monitoring_links.go).
	Dashboards []LinkedDashboard
}

var themeFields = web.Fields("title", "steering.theme.title", "description", "steering.theme.description",
	"life_domain", "steering.theme.life_domain", "priority", "steering.theme.priority", "status", "steering.theme.new_status",
	"note", "steering.theme.note", "body_id", "steering.theme.body")

// themePage renders a theme's page; after a failed form it shows the posted values and the
// form's messages with status.
func (h *HTTP) themePage(w http.ResponseWriter, r *http.Request, status int, failed error) {
	actor, ok := h.loopCheck(w, r, KindTheme, access.View)
	if !ok {
		return
	}
	v, err := h.S.GetTheme(r.Context(), actor, r.PathValue("id"))
	if err != nil {
		h.R.Fail(w, r, err)
		return
	}
	t := v.Theme
	values := url.Values{"title": {t.Title}, "description": {t.Description}, "life_domain": {t.LifeDomain}, "priority": {t.Priority},
		"version": {strconv.Itoa(t.Version)}}
	for k, vs := range r.PostForm {
		if k != "version" {
			values[k] = vs
		}
	}
	form := web.NewForm(values)
	form.Fields = themeFields
	if failed != nil {
		form.WithError(failed)
	}
	data := themePageData{ThemeView: v, Next: loopOptions("steering.theme_status.", ThemeNext(t.Status)),
		Domains: loopOptions("casework.domain.", themeLifeDomains), Priorities: loopOptions("steering.priority.", ThemePriorities),
		Min: DisclosureMin, CanEdit: access.Allowed(actor, KindTheme, access.Update), CanDraft: t.Open() && access.Allowed(actor, KindRecommendation, access.Create)}
	if data.Dashboards, err = h.S.linkedDashboards(r.Context(), actor, linkTheme, t.ID); err != nil {
		h.R.Fail(w, r, err)
		return
	}
	if data.CanEdit && t.Open() {
		bodies, err := h.S.BodyChoices(r.Context(), actor, false)
		if err != nil {
			h.R.Fail(w, r, err)
			return
		}
		for _, b := range bodies {
			assigned := false
			for _, a := range v.Bodies {
				assigned = assigned || a.ID == b.ID
			}
			if !assigned {
				data.Bodies = append(data.Bodies, web.Option{Value: b.ID, Label: b.Label})
			}
		}
	}
	h.R.Render(w, r, status, "steering/theme", web.View{Title: "steering.theme.view_title", TitleArgs: []any{"Title", t.Title}, Form: form, Data: data})
}

func (h *HTTP) themeView(w http.ResponseWriter, r *http.Request) {
	h.themePage(w, r, http.StatusOK, nil)
}

// loopAction runs one of the forms of a page that has several (a theme's, a recommendation's):
// on success it goes back to the page (to) with a flash; validation messages and conflicts show
// the page again (again) with them; other errors get the error page.
func (h *HTTP) loopAction(w http.ResponseWriter, r *http.Request, k access.Kind, a access.Action, to, flash string,
	do func(actor access.Actor, f url.Values) error, again func(status int, shown error)) {
	actor, ok := h.loopParse(w, r, k, a)
	if !ok {
		return
	}
	if err := do(actor, r.PostForm); err != nil {
		status, shown, ok := loopPageError(err)
		if !ok {
			h.R.Fail(w, r, err)
			return
		}
		again(status, shown)
		return
	}
	web.Redirect(w, r, to, flash)
}

// themeAction runs a form of the theme's page.
func (h *HTTP) themeAction(w http.ResponseWriter, r *http.Request, anchor, flash string, do func(actor access.Actor, f url.Values) error) {
	h.loopAction(w, r, KindTheme, access.Update, "/themen/"+r.PathValue("id")+anchor, flash, do,
		func(status int, shown error) { h.themePage(w, r, status, shown) })
}

func (h *HTTP) themeUpdate(w http.ResponseWriter, r *http.Request) {
	h.themeAction(w, r, "", "steering.theme.saved", func(actor access.Actor, f url.Values) error {
		return h.S.UpdateTheme(r.Context(), actor, r.PathValue("id"), web.Version(r), ThemeInput{Title: f.Get("title"),
			Description: f.Get("description"), LifeDomain: f.Get("life_domain"), Priority: f.Get("priority")})
	})
}

func (h *HTTP) themeStatus(w http.ResponseWriter, r *http.Request) {
	h.themeAction(w, r, "#status", "steering.theme.status_changed", func(actor access.Actor, f url.Values) error {
		return h.S.MoveTheme(r.Context(), actor, r.PathValue("id"), web.Version(r), f.Get("status"), f.Get("note"))
	})
}

func (h *HTTP) themeAssign(w http.ResponseWriter, r *http.Request) {
	h.themeAction(w, r, "#gremien", "steering.theme.body_added", func(actor access.Actor, f url.Values) error {
		return h.S.AssignBody(r.Context(), actor, r.PathValue("id"), f.Get("body_id"))
	})
}

func (h *HTTP) themeRemoveConfirm(w http.ResponseWriter, r *http.Request) {
	actor, ok := h.loopCheck(w, r, KindTheme, access.Update)
	if !ok {
		return
	}
	t, rep, err := h.S.ThemeReportOf(r.Context(), actor, r.PathValue("id"), r.URL.Query().Get("bericht"))
	if err != nil {
		h.R.Fail(w, r, err)
		return
	}
	h.R.Render(w, r, http.StatusOK, "steering/theme_remove", web.View{Title: "steering.theme.remove_title",
		Data: struct {
			Theme  *Theme
			Report *ThemeReport
		}{t, rep}})
}

func (h *HTTP) themeRemove(w http.ResponseWriter, r *http.Request) {
	h.themeAction(w, r, "#berichte", "steering.theme.report_removed", func(actor access.Actor, f url.Values) error {
		return h.S.RemoveReport(r.Context(), actor, r.PathValue("id"), f.Get("report_id"))
	})
}
