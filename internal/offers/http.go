// Package offers is the offer directory (Angebote): what the partners of the network offer,
// kept by the coordination and the partners, chosen in referrals, and published on a public
// page and API without login.
package offers

import (
	"embed"

	"kim/internal/platform/web"
)

//go:embed templates/*.html locales/*.toml
var assets embed.FS

// Assets returns the room's page templates and messages.
func Assets() web.Assets { return web.RoomAssets("offers", assets) }

// HTTP serves the pages and API of the offer directory.
type HTTP struct {
	S *Service
	R *web.Renderer
}

// Routes registers the room's routes.
func (h *HTTP) Routes(rt *web.Router) {
}
