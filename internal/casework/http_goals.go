package casework

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"kim/internal/platform/access"
	"kim/internal/platform/web"
)

type planData struct {
	*PlanFile
	Domains, Statuses, Finals, TaskStatuses, Responsibles []web.Option
	Organisations, GoalOptions                            []web.Option
	Problems                                              []problem
	Editable                                              bool
	Closing                                               bool // the case is in its closing phase
}

// The labels of the plan page's fields (the evaluation form's fields are named per goal).
var planLabels = map[string]string{
	"life_domain": "casework.plan.life_domain", "text": "casework.plan.text", "indicator": "casework.plan.indicator",
	"target_on": "casework.plan.target_on", "goal_id": "casework.plan.goal_id", "title": "casework.plan.title",
	"responsible": "casework.plan.responsible", "partner_organisation_id": "casework.plan.partner_organisation_id",
	"due_on": "casework.plan.due_on", "review_on": "casework.plan.review_on",
}

// The labels of the evaluation form's fields, named "<field>-<goal id>".
var evaluationLabels = map[string]string{"status": "casework.plan.eval_status", "evaluation": "casework.plan.eval_evaluation"}

var planOrder = []string{"life_domain", "text", "indicator", "target_on", "goal_id", "title", "responsible", "partner_organisation_id",
	"due_on", "review_on"}

// excerpt shortens a text to n characters for labels and options.
func excerpt(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

func (h *HTTP) planView(w http.ResponseWriter, r *http.Request) {
	h.planPage(w, r, http.StatusOK, nil, nil)
}

func (h *HTTP) planPage(w http.ResponseWriter, r *http.Request, status int, form *web.Form, failed error) {
	actor, ok := h.check(w, r, KindCase, access.View)
	if !ok {
		return
	}
	p, err := h.S.GetPlan(r.Context(), actor, r.PathValue("id"), "")
	if err != nil {
		h.sectionLoadFailed(w, r, err, failed)
		return
	}
	opts, err := h.S.FormOptions(r.Context(), actor)
	if err != nil {
		h.R.Fail(w, r, err)
		return
	}
	l := h.R.Localizer(r)
	defaults := url.Values{"responsible": {"case_manager"}, "review_on": {p.Case.ReviewOn}}
	data := planData{PlanFile: p, Domains: codeOptions("casework.domain.", Domains), Statuses: codeOptions("casework.goal_status.", GoalStatuses),
		Finals: codeOptions("casework.goal_status.", FinalGoalStatuses), TaskStatuses: codeOptions("casework.task_status.", TaskStatuses),
		Responsibles: codeOptions("casework.responsible.", TaskResponsibles), Organisations: opts.Organisations,
		Editable: IsOpen(p.Case.Status), Closing: p.Case.Status == StatusClosing}
	goalLabel := map[string]string{}
	var order []string
	for _, g := range p.Goals {
		label := l.T("casework.domain."+g.Domain) + ": " + excerpt(g.Text, 60)
		goalLabel[g.ID] = label
		data.GoalOptions = append(data.GoalOptions, web.Option{Value: g.ID, Label: label})
		if slices.Contains(FinalGoalStatuses, g.Status) {
			defaults.Set(EvaluationField("status", g.ID), g.Status)
		}
		defaults.Set(EvaluationField("evaluation", g.ID), g.Evaluation)
		defaults.Set(EvaluationField("version", g.ID), strconv.Itoa(g.Version))
		order = append(order, EvaluationField("status", g.ID), EvaluationField("evaluation", g.ID))
	}
	if form == nil {
		form = web.NewForm(defaults)
	} else {
		form.Values = merged(defaults, form.Values)
		if status == http.StatusConflict {
			// Take the stored versions: saving again after reading the notice overwrites.
			for _, g := range p.Goals {
				form.Values.Set(EvaluationField("version", g.ID), strconv.Itoa(g.Version))
			}
		}
	}
	data.Problems = problems(form, append(slices.Clone(planOrder), order...), func(field string) (string, bool) {
		if kind, id, ok := strings.Cut(field, "-"); ok && goalLabel[id] != "" && evaluationLabels[kind] != "" {
			return l.T(evaluationLabels[kind]) + " (" + goalLabel[id] + ")", true
		}
		return labelled(l, planLabels, field)
	})
	h.R.Render(w, r, status, "casework/plan", web.View{Title: "casework.plan.title_page", TitleArgs: []any{"Number", p.Case.Number},
		Form: form, Data: data})
}

// planAction runs a form of the plan page.
func (h *HTTP) planAction(w http.ResponseWriter, r *http.Request, anchor string, do func(actor access.Actor, f url.Values) (string, error)) {
	h.sectionAction(w, r, "plan", anchor, do, func(form *web.Form, status int, failed error) { h.planPage(w, r, status, form, failed) })
}

func (h *HTTP) goalCreate(w http.ResponseWriter, r *http.Request) {
	h.planAction(w, r, "#ziele", func(actor access.Actor, f url.Values) (string, error) {
		_, err := h.S.AddGoal(r.Context(), actor, r.PathValue("id"), GoalInput{Domain: f.Get("life_domain"), Text: f.Get("text"),
			Indicator: f.Get("indicator"), TargetOn: f.Get("target_on")}, "")
		return "casework.plan.goal_created", err
	})
}

func (h *HTTP) goalStatus(w http.ResponseWriter, r *http.Request) {
	h.planAction(w, r, "#ziele", func(actor access.Actor, f url.Values) (string, error) {
		_, err := h.S.SetGoalStatus(r.Context(), actor, r.PathValue("id"), GoalStatusInput{GoalID: f.Get("goal_id"), Status: f.Get("status"),
			Version: atoiVersion(f.Get("version"))}, "")
		return "casework.plan.goal_status_set", err
	})
}

func (h *HTTP) taskCreate(w http.ResponseWriter, r *http.Request) {
	h.planAction(w, r, "#ziele", func(actor access.Actor, f url.Values) (string, error) {
		_, err := h.S.AddTask(r.Context(), actor, r.PathValue("id"), TaskInput{GoalID: f.Get("goal_id"), Title: f.Get("title"),
			Responsible: f.Get("responsible"), PartnerOrgID: f.Get("partner_organisation_id"), DueOn: f.Get("due_on")}, "")
		return "casework.plan.task_created", err
	})
}

func (h *HTTP) taskStatus(w http.ResponseWriter, r *http.Request) {
	h.planAction(w, r, "#ziele", func(actor access.Actor, f url.Values) (string, error) {
		err := h.S.SetTaskStatus(r.Context(), actor, r.PathValue("id"), TaskStatusInput{TaskID: f.Get("task_id"), Status: f.Get("status"),
			Version: atoiVersion(f.Get("version"))}, "")
		if f.Get("status") == "done" {
			return "casework.plan.task_done", err
		}
		return "casework.plan.task_status_set", err
	})
}

func (h *HTTP) reviewSet(w http.ResponseWriter, r *http.Request) {
	h.planAction(w, r, "#ueberpruefung", func(actor access.Actor, f url.Values) (string, error) {
		return "casework.plan.review_saved", h.S.SetReview(r.Context(), actor, r.PathValue("id"),
			ReviewInput{ReviewOn: f.Get("review_on"), Version: atoiVersion(f.Get("version"))}, "")
	})
}

func (h *HTTP) goalsEvaluate(w http.ResponseWriter, r *http.Request) {
	h.planAction(w, r, "#auswertung", func(actor access.Actor, f url.Values) (string, error) {
		// Every goal of the form carries its version.
		var ins []GoalEvaluation
		for k := range f {
			if id, ok := strings.CutPrefix(k, "version-"); ok {
				ins = append(ins, GoalEvaluation{GoalID: id, Status: f.Get(EvaluationField("status", id)),
					Evaluation: f.Get(EvaluationField("evaluation", id)), Version: atoiVersion(f.Get(k))})
			}
		}
		slices.SortFunc(ins, func(a, b GoalEvaluation) int { return strings.Compare(a.GoalID, b.GoalID) })
		return "casework.plan.evaluated", h.S.EvaluateGoals(r.Context(), actor, r.PathValue("id"), ins, "")
	})
}
