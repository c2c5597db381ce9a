// Package monitoring is the integration monitoring (Baustein 1): an indicator catalogue kept as
// data, indicators computed live from the case data (never from a nightly batch), context
// statistics imported from official sources, disclosure control on every figure that leaves
// the database (package sdc) with a register of releases, dashboards with server-drawn charts
// (package chart), the annual report as a job, XLSX and CSV exports and the JSON API.
package monitoring

import (
	"context"
	"embed"
	"net/http"

	"kim/internal/platform/access"

	"kim/internal/monitoring/sdc"
	"kim/internal/platform/audit"
	"kim/internal/platform/db"
	"kim/internal/platform/web"
)

//go:embed templates/*.html locales/*.toml catalogue.toml
var assets embed.FS

// Assets returns the room's page templates and messages.
func Assets() web.Assets { return web.RoomAssets("monitoring", assets) }

// Service computes, protects, publishes and keeps the monitoring's figures.
type Service struct {
	DB    *db.DB
	Audit *audit.Chain
	// Rule is the disclosure rule (threshold configurable; default sdc.DefaultRule).
	Rule sdc.Rule
	// Links resolves themes and bodies a dashboard can be linked to (the steering room).
	Links LinkTargets

	runner jobRunner // runs the annual report jobs (jobs.go)
}

// LinkTargets is what the monitoring needs from the steering room to link dashboards.
type LinkTargets interface {
	// LinkTargetTitle returns the title of the theme or body (kind "theme" or "body") of the
	// actor's tenant, or errs.NotFound.
	LinkTargetTitle(ctx context.Context, actor access.Actor, kind, id string) (string, error)
}

// HTTP serves the monitoring's pages, exports and API.
type HTTP struct {
	S *Service
	R *web.Renderer
}

// check answers the request itself (403) when the actor may not do action a on kind k.
func (h *HTTP) check(w http.ResponseWriter, r *http.Request, k access.Kind, a access.Action) (access.Actor, bool) {
	actor := web.ActorFrom(r.Context())
	if err := access.Check(actor, k, a); err != nil {
		h.R.Fail(w, r, err)
		return actor, false
	}
	return actor, true
}

// parse is check followed by reading the posted form; it answers the request itself on failure.
func (h *HTTP) parse(w http.ResponseWriter, r *http.Request, k access.Kind, a access.Action) (access.Actor, bool) {
	actor, ok := h.check(w, r, k, a)
	if ok {
		if err := web.ParseForm(r); err != nil {
			h.R.Fail(w, r, err)
			return actor, false
		}
	}
	return actor, ok
}

// Routes registers the room's routes; each part registers its own.
func (h *HTTP) Routes(rt *web.Router) {
	h.indicatorRoutes(rt) // indicator pages and the JSON API (indicators_http.go, api.go)
	h.dashboardRoutes(rt) // dashboards (dashboards_http.go)
	h.contextRoutes(rt)   // context statistics, funding figures, release register (context_http.go, releases_http.go)
	h.reportRoutes(rt)    // annual report jobs, exports (reports_http.go, export_http.go)
}
