package steering

import "kim/internal/platform/web"

func (h *HTTP) bodyRoutes(rt *web.Router) {}
