// Package steering is the steering loop of the partner network (Baustein 1): barrier reports
// from cases, the coordination's inbox and themes, bodies with meetings, recommendations, the
// news page for case managers and the loop view of a theme.
package steering

import (
	"embed"

	"kim/internal/platform/web"
)

//go:embed templates/*.html locales/*.toml
var assets embed.FS

// Assets returns the room's page templates and messages.
func Assets() web.Assets { return web.RoomAssets("steering", assets) }

// HTTP serves the pages of the steering loop.
type HTTP struct {
	S *Service
	R *web.Renderer
}

// Routes registers the room's routes.
func (h *HTTP) Routes(rt *web.Router) {
	h.reportRoutes(rt) // barrier reports, coordination inbox, news (reports_http.go)
	h.bodyRoutes(rt)   // bodies, meetings, minutes, calendar feeds (bodies_http.go)
	h.themeRoutes(rt)  // themes, recommendations, loop view (themes_http.go)
}
