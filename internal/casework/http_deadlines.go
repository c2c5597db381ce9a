package casework

import (
	"net/http"

	"kim/internal/platform/access"
	"kim/internal/platform/web"
)

func (h *HTTP) deadlineRoutes(rt *web.Router) {
	rt.Handle("GET /fristen", web.Staff, h.deadlineList)
}

type deadlinesData struct {
	Items   []Deadline
	Summary DeadlineSummary
	Team    bool
	Staff   []web.Option
}

// deadlineList shows the work list: a case manager's own cases, a team lead's organisation
// (with a filter by case manager).
func (h *HTTP) deadlineList(w http.ResponseWriter, r *http.Request) {
	actor, ok := h.check(w, r, KindCase, access.List)
	if !ok {
		return
	}
	team := access.ReachOf(actor.Role, KindCase, access.List) == access.Organisation
	var f DeadlineFilter
	data := deadlinesData{Team: team}
	title := "casework.deadline.title"
	if team {
		f.Manager = r.URL.Query().Get("case_manager_id")
		title = "casework.deadline.team_title"
		opts, err := h.S.FormOptions(r.Context(), actor)
		if err != nil {
			h.R.Fail(w, r, err)
			return
		}
		data.Staff = opts.Staff
	}
	items, err := h.S.Deadlines(r.Context(), actor, f)
	if err != nil {
		h.R.Fail(w, r, err)
		return
	}
	data.Items, data.Summary = items, Summarize(items)
	h.R.Render(w, r, http.StatusOK, "casework/deadlines", web.View{Title: title, Form: web.NewForm(r.URL.Query()), Data: data})
}
