package steering

import "kim/internal/platform/web"

func (h *HTTP) themeRoutes(rt *web.Router) {}
