package casework

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"kim/internal/platform/access"
	"kim/internal/platform/errs"
	"kim/internal/platform/web"
)

// planRoutes are the pages of a case's assessment, plan and legal-domain transitions. Every
// form addresses its case in the path and the goal, task or transition in the body, so that a
// record outside the actor's reach is not found before any input is read.
func (h *HTTP) planRoutes(rt *web.Router) {
	rt.Handle("GET /faelle/{id}/assessment", web.Staff, h.assessmentView)
	rt.Handle("POST /faelle/{id}/assessment", web.Staff, h.assessmentSave)
	rt.Handle("GET /faelle/{id}/plan", web.Staff, h.planView)
	rt.Handle("POST /faelle/{id}/plan/ziele", web.Staff, h.goalCreate)
	rt.Handle("POST /faelle/{id}/plan/ziele/status", web.Staff, h.goalStatus)
	rt.Handle("POST /faelle/{id}/plan/aufgaben", web.Staff, h.taskCreate)
	rt.Handle("POST /faelle/{id}/plan/aufgaben/status", web.Staff, h.taskStatus)
	rt.Handle("POST /faelle/{id}/plan/ueberpruefung", web.Staff, h.reviewSet)
	rt.Handle("POST /faelle/{id}/plan/auswertung", web.Staff, h.goalsEvaluate)
	rt.Handle("GET /faelle/{id}/rechtskreiswechsel", web.Staff, h.transitionsView)
	rt.Handle("POST /faelle/{id}/rechtskreiswechsel", web.Staff, h.transitionCreate)
	rt.Handle("POST /faelle/{id}/rechtskreiswechsel/bearbeiten", web.Staff, h.transitionUpdate)
}

// problem is an entry of a section page's error summary: the field's label is composed
// (life domain and field, goal and field), so the summary is built by the handler.
type problem struct {
	Field   string // the input to link to; "" for a message about the whole form or a hidden field
	Label   string // translated; may be empty
	Message errs.Message
}

// problems lists a form's messages in the order of fields (then the rest). label names a
// field and says whether it has an input of its own on the page to link to.
func problems(f *web.Form, order []string, label func(field string) (string, bool)) []problem {
	if f == nil || len(f.Errors) == 0 {
		return nil
	}
	var out []problem
	seen := map[string]bool{}
	add := func(field string) {
		m, ok := f.Errors[field]
		if !ok || seen[field] {
			return
		}
		seen[field] = true
		p := problem{Message: m}
		if field != "_form" {
			var link bool
			if p.Label, link = label(field); link {
				p.Field = field
			}
		}
		out = append(out, p)
	}
	add("_form")
	for _, field := range order {
		add(field)
	}
	for _, fe := range f.Summary() {
		add(fe.Field)
	}
	return out
}

// labelled looks a field up in a table of label message ids: fields in it have an input.
func labelled(l interface{ T(string, ...any) string }, table map[string]string, field string) (string, bool) {
	if id, ok := table[field]; ok {
		return l.T(id), true
	}
	return "", false
}

// failedForm turns the error of a section form into the form to show again: field messages
// (422) or, for a conflict, a message about the whole form (409). Other errors (not found,
// forbidden, internal) get the error page.
func failedForm(err error, values url.Values) (*web.Form, int, bool) {
	if errors.Is(err, ErrPurposeRequired) {
		return nil, 0, false
	}
	f := web.NewForm(values).WithError(err)
	if len(f.Errors) > 0 {
		return f, http.StatusUnprocessableEntity, true
	}
	if e := errs.As(err); e.Code == errs.Conflict {
		f.Errors = map[string]errs.Message{"_form": e.Message}
		return f, http.StatusConflict, true
	}
	return nil, 0, false
}

// merged returns the page's default values overlaid with the submitted ones.
func merged(defaults, submitted url.Values) url.Values {
	out := url.Values{}
	for k, v := range defaults {
		out[k] = v
	}
	for k, v := range submitted {
		out[k] = v
	}
	return out
}

// sectionLoadFailed answers a section page whose case could not be loaded: a case that needs
// a purpose first shows the purpose form (or, after a failed form, that form's error).
func (h *HTTP) sectionLoadFailed(w http.ResponseWriter, r *http.Request, err, failed error) {
	switch {
	case errors.Is(err, ErrPurposeRequired) && failed != nil:
		h.R.Fail(w, r, failed)
	case errors.Is(err, ErrPurposeRequired):
		h.askPurpose(w, r, http.StatusForbidden, nil)
	default:
		h.R.Fail(w, r, err)
	}
}

// sectionAction runs a form of a section page and goes back to the page (at anchor, with the
// flash message do returns), or shows the page again with the form's messages.
func (h *HTTP) sectionAction(w http.ResponseWriter, r *http.Request, page, anchor string,
	do func(actor access.Actor, f url.Values) (string, error), again func(form *web.Form, status int, failed error)) {
	actor, ok := h.parse(w, r, KindCase, access.Update)
	if !ok {
		return
	}
	flash, err := do(actor, r.PostForm)
	if err != nil {
		form, status, ok := failedForm(err, r.PostForm)
		if !ok {
			h.R.Fail(w, r, err)
			return
		}
		again(form, status, err)
		return
	}
	web.Redirect(w, r, "/faelle/"+r.PathValue("id")+"/"+page+anchor, flash)
}

// atoiVersion reads a version field: missing is 0, anything but a whole number ≥ 0 is -1.
func atoiVersion(s string) int {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0
	}
	v, err := strconv.Atoi(s)
	if err != nil || v < 0 {
		return -1
	}
	return v
}

// --- Assessment ---

type assessmentData struct {
	*AssessmentFile
	Urgencies  []web.Option
	Problems   []problem
	Conflicts  map[string]*Assessment // domains changed meanwhile: their stored state
	Expanded   map[string]bool        // domains to show open (content or messages)
	EarlyPhase bool                   // the case is still in request or clarification
	Editable   bool
}

func (h *HTTP) assessmentView(w http.ResponseWriter, r *http.Request) {
	h.assessmentPage(w, r, http.StatusOK, nil, nil)
}

func (h *HTTP) assessmentPage(w http.ResponseWriter, r *http.Request, status int, form *web.Form, failed error) {
	actor, ok := h.check(w, r, KindCase, access.View)
	if !ok {
		return
	}
	af, err := h.S.GetAssessment(r.Context(), actor, r.PathValue("id"), "")
	if err != nil {
		h.sectionLoadFailed(w, r, err, failed)
		return
	}
	defaults := url.Values{}
	for _, a := range af.Items {
		defaults.Set(AssessmentField(a.Domain, "urgency"), a.Urgency)
		defaults.Set(AssessmentField(a.Domain, "version"), strconv.Itoa(a.Version))
		for _, f := range AssessmentTexts {
			defaults.Set(AssessmentField(a.Domain, f), a.Text(f))
		}
	}
	data := assessmentData{AssessmentFile: af, Urgencies: codeOptions("casework.assessment_urgency.", AssessmentUrgencies),
		Conflicts: map[string]*Assessment{}, Expanded: map[string]bool{}, Editable: IsOpen(af.Case.Status),
		EarlyPhase: af.Case.Status == StatusRequested || af.Case.Status == StatusClarification}
	if form == nil {
		form = web.NewForm(defaults)
	} else {
		form.Values = merged(defaults, form.Values)
		if domains, ok := IsAssessmentConflict(failed); ok {
			// Show what is stored now and take its version: saving again overwrites it on purpose.
			for i, a := range af.Items {
				if slices.Contains(domains, a.Domain) {
					data.Conflicts[a.Domain] = &af.Items[i]
					form.Values.Set(AssessmentField(a.Domain, "version"), strconv.Itoa(a.Version))
				}
			}
		}
	}
	l := h.R.Localizer(r)
	var order []string
	for _, a := range af.Items {
		in := assessmentInput(form.Values, a.Domain)
		_, conflict := data.Conflicts[a.Domain]
		data.Expanded[a.Domain] = a.Assessed() || !in.Empty() || conflict
		for _, f := range append([]string{"urgency"}, AssessmentTexts...) {
			order = append(order, AssessmentField(a.Domain, f))
			if form.Invalid(AssessmentField(a.Domain, f)) {
				data.Expanded[a.Domain] = true
			}
		}
	}
	data.Problems = problems(form, order, func(field string) (string, bool) {
		domain, f, ok := strings.Cut(field, "-")
		if !ok || !slices.Contains(Domains, domain) || (f != "urgency" && !slices.Contains(AssessmentTexts, f)) {
			return "", false
		}
		return l.T("casework.domain."+domain) + " – " + l.T("casework.assessment."+f), true
	})
	h.R.Render(w, r, status, "casework/assessment", web.View{Title: "casework.assessment.title", TitleArgs: []any{"Number", af.Case.Number},
		Form: form, Data: data})
}

// assessmentInput reads one domain's fields of the assessment form.
func assessmentInput(f url.Values, domain string) AssessmentInput {
	return AssessmentInput{Domain: domain, Urgency: f.Get(AssessmentField(domain, "urgency")),
		Situation: f.Get(AssessmentField(domain, "situation")), Needs: f.Get(AssessmentField(domain, "needs")),
		Resources: f.Get(AssessmentField(domain, "resources")), ClientView: f.Get(AssessmentField(domain, "client_view")),
		Version: atoiVersion(f.Get(AssessmentField(domain, "version")))}
}

func (h *HTTP) assessmentSave(w http.ResponseWriter, r *http.Request) {
	h.sectionAction(w, r, "assessment", "", func(actor access.Actor, f url.Values) (string, error) {
		// Only the domains the form sent: a domain without any of its fields stays as it is.
		var ins []AssessmentInput
		for _, d := range Domains {
			for _, field := range append([]string{"urgency", "version"}, AssessmentTexts...) {
				if _, ok := f[AssessmentField(d, field)]; ok {
					ins = append(ins, assessmentInput(f, d))
					break
				}
			}
		}
		changed, err := h.S.SaveAssessment(r.Context(), actor, r.PathValue("id"), ins, "")
		if len(changed) == 0 {
			return "casework.assessment.unchanged", err
		}
		return "casework.assessment.saved", err
	}, func(form *web.Form, status int, failed error) { h.assessmentPage(w, r, status, form, failed) })
}
