package steering

import (
	"net/http"
	"net/url"

	"kim/internal/platform/access"
	"kim/internal/platform/web"
)

// The pages that correct and delete a decision of a meeting (the coordination).

type decisionPageData struct {
	*DecisionEdit
}

var decisionFields = web.Fields("text", "steering.meeting.decision_text", "theme_id", "steering.meeting.decision_theme")

// decisionPage renders the edit form of a decision; a form that failed (posted, with err)
// comes back with its values and messages.
func (h *HTTP) decisionPage(w http.ResponseWriter, r *http.Request, actor access.Actor, posted url.Values, failed error) {
	d, err := h.S.GetMeetingDecision(r.Context(), actor, r.PathValue("id"))
	if err != nil {
		h.R.Fail(w, r, err)
		return
	}
	values := url.Values{"text": {d.Decision.Text}, "theme_id": {d.Decision.ThemeID}}
	for k, vs := range posted {
		values[k] = vs
	}
	f := web.NewForm(values)
	f.Fields = decisionFields
	v := web.View{Title: "steering.decision.edit_title", TitleArgs: []any{"Number", d.Decision.Position}, Form: f, Data: decisionPageData{d}}
	if failed != nil {
		h.R.FormFailed(w, r, failed, "steering/meeting_decision", v)
		return
	}
	h.R.Render(w, r, http.StatusOK, "steering/meeting_decision", v)
}

func (h *HTTP) decisionView(w http.ResponseWriter, r *http.Request) {
	actor, ok := h.loopCheck(w, r, KindMeeting, access.Update)
	if !ok {
		return
	}
	h.decisionPage(w, r, actor, nil, nil)
}

func (h *HTTP) decisionUpdate(w http.ResponseWriter, r *http.Request) {
	actor, ok := h.loopParse(w, r, KindMeeting, access.Update)
	if !ok {
		return
	}
	f := r.PostForm
	d, err := h.S.UpdateMeetingDecision(r.Context(), actor, r.PathValue("id"), MeetingDecisionInput{Text: f.Get("text"), ThemeID: f.Get("theme_id")})
	if err != nil {
		h.decisionPage(w, r, actor, url.Values{"text": f["text"], "theme_id": f["theme_id"]}, err)
		return
	}
	web.Redirect(w, r, "/sitzungen/"+d.MeetingID+"#beschluesse", "steering.decision.saved")
}

func (h *HTTP) decisionDeleteConfirm(w http.ResponseWriter, r *http.Request) {
	actor, ok := h.loopCheck(w, r, KindMeeting, access.Update)
	if !ok {
		return
	}
	d, err := h.S.GetMeetingDecision(r.Context(), actor, r.PathValue("id"))
	if err != nil {
		h.R.Fail(w, r, err)
		return
	}
	if d.Decision.RecommendationID != "" {
		h.R.Fail(w, r, errLinkedDecision)
		return
	}
	h.R.RenderConfirm(w, r, "steering.decision.delete_title", web.Confirm{Question: "steering.decision.delete_question",
		Name: excerptText(d.Decision.Text, 120), Consequence: "steering.decision.delete_consequence", Confirm: "steering.decision.delete",
		Action: "/beschluesse/" + d.Decision.ID + "/loeschen", Cancel: "/sitzungen/" + d.Meeting.ID + "#beschluesse"})
}

func (h *HTTP) decisionDelete(w http.ResponseWriter, r *http.Request) {
	actor, ok := h.loopParse(w, r, KindMeeting, access.Update)
	if !ok {
		return
	}
	d, err := h.S.DeleteMeetingDecision(r.Context(), actor, r.PathValue("id"))
	if err != nil {
		h.R.Fail(w, r, err)
		return
	}
	web.Redirect(w, r, "/sitzungen/"+d.MeetingID+"#beschluesse", "steering.decision.deleted")
}

// excerptText shortens a text to at most n characters at a word boundary, with an ellipsis.
func excerptText(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	cut := n
	for cut > n/2 && r[cut] != ' ' {
		cut--
	}
	return string(r[:cut]) + "…"
}
