package steering

import (
	"net/http"

	"kim/internal/platform/access"
	"kim/internal/platform/errs"
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
	if h.S.Indicators != nil && len(v.Indicators) > 0 {
		l := h.R.Localizer(r)
		v.Trends, err = h.S.Indicators.Trends(r.Context(), actor, l, v.Indicators, l.T("steering.loop.trend_release", "Title", v.Theme.Title))
		switch {
		case err == nil:
		case errs.CodeOf(err) == errs.Forbidden:
			v.TrendsHidden = true
		case err != nil:
			h.R.Fail(w, r, err)
			return
		}
	}
	h.R.Render(w, r, http.StatusOK, "steering/loop", web.View{Title: "steering.loop.title", TitleArgs: []any{"Title", v.Theme.Title}, Data: v})
}
