package casework

import (
	"net/http"
	"net/url"
	"strconv"

	"kim/internal/platform/access"
	"kim/internal/platform/web"
)

// criteriaRoutes registers the tenant administration of the local admission criteria.
func (h *HTTP) criteriaRoutes(rt *web.Router) {
	rt.Handle("GET /verwaltung/aufnahmekriterien", web.Staff, h.criteriaList)
	rt.Handle("POST /verwaltung/aufnahmekriterien", web.Staff, h.criterionSave)
	rt.Handle("GET /verwaltung/aufnahmekriterien/{id}", web.Staff, h.criterionEdit)
	rt.Handle("POST /verwaltung/aufnahmekriterien/{id}", web.Staff, h.criterionSave)
}

type criteriaData struct {
	Items     []Criterion
	Criterion *Criterion // the one being edited, or nil for the list with the new form
}

var criterionFields = web.Fields("label", "casework.criteria.label", "position", "casework.criteria.position")

func (h *HTTP) criteriaPage(w http.ResponseWriter, r *http.Request, status int, actor access.Actor, edit *Criterion, f *web.Form) {
	items, err := h.S.Criteria(r.Context(), actor, true)
	if err != nil {
		h.R.Fail(w, r, err)
		return
	}
	if f == nil {
		f = web.NewForm(url.Values{"active": {"1"}, "position": {strconv.Itoa(10 * (len(items) + 1))}})
		if edit != nil {
			f = web.NewForm(url.Values{"label": {edit.Label}, "position": {strconv.Itoa(edit.Position)}, "version": {strconv.Itoa(edit.Version)}})
			if edit.Active {
				f.Values.Set("active", "1")
			}
		}
	}
	f.Fields = criterionFields
	title := "casework.criteria.title"
	if edit != nil {
		title = "casework.criteria.edit_title"
	}
	h.R.Render(w, r, status, "casework/criteria", web.View{Title: title, Form: f, Data: criteriaData{Items: items, Criterion: edit}})
}

func (h *HTTP) criteriaList(w http.ResponseWriter, r *http.Request) {
	if actor, ok := h.check(w, r, KindCaseConfig, access.Manage); ok {
		h.criteriaPage(w, r, http.StatusOK, actor, nil, nil)
	}
}

func (h *HTTP) criterionEdit(w http.ResponseWriter, r *http.Request) {
	actor, ok := h.check(w, r, KindCaseConfig, access.Manage)
	if !ok {
		return
	}
	c, err := h.S.GetCriterion(r.Context(), actor, r.PathValue("id"))
	if err != nil {
		h.R.Fail(w, r, err)
		return
	}
	h.criteriaPage(w, r, http.StatusOK, actor, c, nil)
}

func (h *HTTP) criterionSave(w http.ResponseWriter, r *http.Request) {
	actor, ok := h.parse(w, r, KindCaseConfig, access.Manage)
	if !ok {
		return
	}
	id := r.PathValue("id")
	var edit *Criterion
	if id != "" {
		var err error
		if edit, err = h.S.GetCriterion(r.Context(), actor, id); err != nil {
			h.R.Fail(w, r, err)
			return
		}
	}
	pos, err := strconv.Atoi(r.PostForm.Get("position"))
	if err != nil {
		pos = -1
	}
	_, err = h.S.SaveCriterion(r.Context(), actor, id, CriterionInput{Label: r.PostForm.Get("label"), Position: pos,
		Active: checked(r.PostForm, "active"), Version: web.Version(r)})
	if err != nil {
		f := web.NewForm(r.PostForm).WithError(err)
		if len(f.Errors) == 0 {
			h.R.Fail(w, r, err)
			return
		}
		h.criteriaPage(w, r, http.StatusUnprocessableEntity, actor, edit, f)
		return
	}
	web.Redirect(w, r, "/verwaltung/aufnahmekriterien", "casework.criteria.saved")
}
