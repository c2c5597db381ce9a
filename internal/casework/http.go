package casework

import (
	"embed"

	"kim/internal/platform/web"
)

//go:embed templates/*.html locales/*.toml
var assets embed.FS

// Assets returns the room's page templates and messages.
func Assets() web.Assets { return web.RoomAssets("casework", assets) }

// HTTP serves the pages and API of case management.
type HTTP struct {
	S *Service
	R *web.Renderer
}

// Routes registers the room's routes.
func (h *HTTP) Routes(rt *web.Router) {
	h.clientRoutes(rt)
	h.consentRoutes(rt)
	h.caseRoutes(rt)
	h.criteriaRoutes(rt)
	h.apiRoutes(rt)
	h.documentRoutes(rt) // documents, deadlines, caseload exports
	h.planRoutes(rt)     // assessment, plan, legal-domain transitions
}
