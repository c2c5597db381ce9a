package steering

import (
	"net/http"

	"kim/internal/platform/access"
	"kim/internal/platform/web"
)

func (h *HTTP) loopView(w http.ResponseWriter, r *http.Request) {
	actor, ok := h.loopCheck(w, r, KindTheme, access.View)
	if !ok {
		return
	}
	v, err := h.S.Loop(r.Context(), actor, r.PathValue("id"))
	if err != nil {
		h.R.Fail(w, r, err)
		return
	}
	h.R.Render(w, r, http.StatusOK, "steering/loop", web.View{Title: "steering.loop.title", TitleArgs: []any{"Title", v.Theme.Title}, Data: v})
}
