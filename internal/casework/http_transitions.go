package casework

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"kim/internal/platform/access"
	"kim/internal/platform/errs"
	"kim/internal/platform/web"
)

type transitionsData struct {
	*TransitionsFile
	Regimes, Triggers, Statuses, States, GapKinds []web.Option
	Items                                         []string // checklist items
	Edit                                          *Transition
	Problems                                      []problem
	Editable                                      bool
}

var transitionLabels = map[string]string{
	"from_regime": "casework.transition.from_regime", "to_regime": "casework.transition.to_regime",
	"trigger": "casework.transition.trigger", "trigger_on": "casework.transition.trigger_on", "status": "casework.transition.status",
	"gap_kind": "casework.transition.gap_kind", "gap_from": "casework.transition.gap_from", "gap_until": "casework.transition.gap_until",
}

var transitionOrder = []string{"from_regime", "to_regime", "trigger", "trigger_on", "status", "checklist", "gap_kind", "gap_from", "gap_until"}

func (h *HTTP) transitionsView(w http.ResponseWriter, r *http.Request) {
	h.transitionsPage(w, r, http.StatusOK, nil, r.URL.Query().Get("bearbeiten"), nil)
}

// transitionsPage shows a case's transitions with the form for a new one, or for the one
// being edited (editID).
func (h *HTTP) transitionsPage(w http.ResponseWriter, r *http.Request, status int, form *web.Form, editID string, failed error) {
	actor, ok := h.check(w, r, KindCase, access.View)
	if !ok {
		return
	}
	tf, err := h.S.GetTransitions(r.Context(), actor, r.PathValue("id"), "")
	if err != nil {
		h.sectionLoadFailed(w, r, err, failed)
		return
	}
	data := transitionsData{TransitionsFile: tf, Regimes: codeOptions("casework.benefit.", BenefitRegimes),
		Triggers: codeOptions("casework.trigger.", TransitionTriggers), Statuses: codeOptions("casework.transition_status.", TransitionStatuses),
		States: codeOptions("casework.checklist_state.", ChecklistStates), GapKinds: codeOptions("casework.gap_kind.", GapKinds),
		Items: ChecklistItems, Editable: IsOpen(tf.Case.Status)}
	defaults := url.Values{"status": {"expected"}}
	if tf.Regime != "unknown" && tf.Regime != "none" {
		defaults.Set("from_regime", tf.Regime)
	}
	for _, item := range ChecklistItems {
		defaults.Set(ChecklistField(item), "open")
	}
	if editID != "" {
		i := slices.IndexFunc(tf.Transitions, func(t Transition) bool { return t.ID == editID })
		if i < 0 {
			h.R.Fail(w, r, errs.ErrNotFound)
			return
		}
		t := tf.Transitions[i]
		data.Edit = &t
		defaults = url.Values{"transition_id": {t.ID}, "version": {strconv.Itoa(t.Version)}, "from_regime": {t.From}, "to_regime": {t.To},
			"trigger": {t.Trigger}, "trigger_on": {t.TriggerOn}, "status": {t.Status}, "gap_kind": {t.GapKind}, "gap_from": {t.GapFrom},
			"gap_until": {t.GapUntil}}
		for _, e := range t.Checklist {
			defaults.Set(ChecklistField(e.Item), e.State)
		}
	}
	if form == nil {
		form = web.NewForm(defaults)
	} else {
		form.Values = merged(defaults, form.Values)
		if status == http.StatusConflict && data.Edit != nil {
			form.Values.Set("version", strconv.Itoa(data.Edit.Version))
		}
	}
	l := h.R.Localizer(r)
	order := slices.Clone(transitionOrder)
	for _, item := range ChecklistItems {
		order = append(order, ChecklistField(item))
	}
	data.Problems = problems(form, order, func(field string) (string, bool) {
		for _, item := range ChecklistItems {
			if field == ChecklistField(item) {
				return l.T("casework.transition.checklist") + " – " + l.T("casework.checklist."+item), true
			}
		}
		if field == "checklist" {
			return l.T("casework.transition.checklist"), false
		}
		return labelled(l, transitionLabels, field)
	})
	h.R.Render(w, r, status, "casework/transitions", web.View{Title: "casework.transition.title", TitleArgs: []any{"Number", tf.Case.Number},
		Form: form, Data: data})
}

// transitionInput reads the transition form.
func transitionInput(f url.Values) TransitionInput {
	in := TransitionInput{From: f.Get("from_regime"), To: f.Get("to_regime"), Trigger: f.Get("trigger"), TriggerOn: f.Get("trigger_on"),
		Status: f.Get("status"), GapKind: f.Get("gap_kind"), GapFrom: f.Get("gap_from"), GapUntil: f.Get("gap_until"),
		Version: atoiVersion(f.Get("version")), Checklist: map[string]string{}}
	for _, item := range ChecklistItems {
		if v, ok := f[ChecklistField(item)]; ok && len(v) > 0 {
			in.Checklist[item] = v[0]
		}
	}
	return in
}

func (h *HTTP) transitionCreate(w http.ResponseWriter, r *http.Request) {
	h.sectionAction(w, r, "rechtskreiswechsel", "", func(actor access.Actor, f url.Values) (string, error) {
		_, err := h.S.AddTransition(r.Context(), actor, r.PathValue("id"), transitionInput(f), "")
		return "casework.transition.created", err
	}, func(form *web.Form, status int, failed error) { h.transitionsPage(w, r, status, form, "", failed) })
}

func (h *HTTP) transitionUpdate(w http.ResponseWriter, r *http.Request) {
	h.sectionAction(w, r, "rechtskreiswechsel", "", func(actor access.Actor, f url.Values) (string, error) {
		_, err := h.S.UpdateTransition(r.Context(), actor, r.PathValue("id"), f.Get("transition_id"), transitionInput(f), "")
		return "casework.transition.saved", err
	}, func(form *web.Form, status int, failed error) {
		h.transitionsPage(w, r, status, form, r.PostForm.Get("transition_id"), failed)
	})
}
