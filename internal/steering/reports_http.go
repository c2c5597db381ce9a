package steering

import "kim/internal/platform/web"

func (h *HTTP) reportRoutes(rt *web.Router) {}
