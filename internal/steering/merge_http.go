package steering

import (
	"net/http"
	"net/url"

	"kim/internal/platform/access"
	"kim/internal/platform/errs"
	"kim/internal/platform/web"
)

type mergePageData struct {
	Reports []ThemeReport
	Themes  []web.Option
	Domains []web.Option
	Modes   []web.Option
	Refused bool // the selection was refused as a whole (the error summary says why)
}

var mergeFields = web.Fields("mode", "steering.merge.mode", "title", "steering.theme.title", "description", "steering.theme.description",
	"life_domain", "steering.theme.life_domain", "theme_id", "steering.merge.theme_id")

// mergeForm shows the selected reports and the choice between a new and an open theme;
// after a failed post with the posted values and the messages.
func (h *HTTP) mergeForm(w http.ResponseWriter, r *http.Request, actor access.Actor, ids []string, values url.Values, failed error) {
	reports, err := h.S.MergeReports(r.Context(), actor, ids)
	if errs.CodeOf(err) == errs.Invalid {
		// A selection that cannot be merged at all (too many reports): the page says why and
		// offers no form.
		failed, reports = err, nil
	} else if err != nil {
		h.R.Fail(w, r, err)
		return
	}
	themes, err := h.S.ThemeChoices(r.Context(), actor, false)
	if err != nil {
		h.R.Fail(w, r, err)
		return
	}
	if values == nil {
		values = url.Values{"mode": {"new"}, "life_domain": {commonDomain(reports)}}
		if t := r.URL.Query().Get("thema"); t != "" {
			values.Set("mode", "existing")
			values.Set("theme_id", t)
		}
	}
	form := web.NewForm(values)
	form.Fields = mergeFields
	v := web.View{Title: "steering.merge.title", Form: form, Data: mergePageData{Reports: reports, Themes: choiceOptions(themes),
		Domains: loopOptions("casework.domain.", themeLifeDomains), Modes: loopOptions("steering.merge.mode_", []string{"new", "existing"}),
		Refused: failed != nil && len(reports) == 0}}
	if failed != nil {
		h.R.FormFailed(w, r, failed, "steering/merge", v)
		return
	}
	h.R.Render(w, r, http.StatusOK, "steering/merge", v)
}

// commonDomain is the life domain most of the reports name (the first of equals).
func commonDomain(reports []ThemeReport) string {
	n := map[string]int{}
	best := ""
	for _, r := range reports {
		n[r.LifeDomain]++
		if best == "" || n[r.LifeDomain] > n[best] {
			best = r.LifeDomain
		}
	}
	return best
}

func (h *HTTP) mergePage(w http.ResponseWriter, r *http.Request) {
	actor, ok := h.loopCheck(w, r, KindTheme, access.Create)
	if !ok {
		return
	}
	h.mergeForm(w, r, actor, r.URL.Query()["bericht"], nil, nil)
}

func (h *HTTP) mergeSubmit(w http.ResponseWriter, r *http.Request) {
	actor, ok := h.loopParse(w, r, KindTheme, access.Create)
	if !ok {
		return
	}
	f := r.PostForm
	id, err := h.S.Merge(r.Context(), actor, MergeInput{ReportIDs: f["bericht"], Mode: f.Get("mode"), ThemeID: f.Get("theme_id"),
		New: ThemeInput{Title: f.Get("title"), Description: f.Get("description"), LifeDomain: f.Get("life_domain")}})
	if err != nil {
		h.mergeForm(w, r, actor, f["bericht"], f, err)
		return
	}
	web.Redirect(w, r, "/themen/"+id, "steering.merge.done")
}
