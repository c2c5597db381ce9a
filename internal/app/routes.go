package app

import (
	"context"
	"crypto/subtle"
	"embed"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"kim/internal/accounts"
	"kim/internal/casework"
	"kim/internal/directory"
	"kim/internal/monitoring"
	"kim/internal/offers"
	"kim/internal/platform/access"
	"kim/internal/platform/errs"
	"kim/internal/platform/web"
	"kim/internal/privacy"
	"kim/internal/steering"
)

//go:embed templates/*.html locales/*.toml
var assets embed.FS

//go:embed openapi.json
var openAPI []byte

// Assets returns the room's page templates and messages.
func Assets() web.Assets { return web.RoomAssets("app", assets) }

// navigation is the main menu; each role sees the entries its permissions allow.
var navigation = []web.NavEntry{
	{Path: "/start", Label: "nav.start"},
	{Path: "/faelle", Label: "casework.nav_cases", Kind: casework.KindCase, Action: access.List},
	{Path: "/fristen", Label: "casework.nav_deadlines", Kind: casework.KindCase, Action: access.List},
	{Path: "/klienten", Label: "casework.nav_clients", Kind: casework.KindClient, Action: access.List},
	{Path: "/vermittlungen/eingang", Label: "casework.nav_incoming", Kind: casework.KindIncoming, Action: access.List},
	{Path: "/problemanzeigen", Label: "steering.nav.reports", Kind: steering.KindBarrierReport, Action: access.List},
	{Path: "/koordination/eingang", Label: "steering.nav.inbox", Kind: steering.KindBarrierReport, Action: access.Manage},
	{Path: "/themen", Label: "steering.nav.themes", Kind: steering.KindTheme, Action: access.List},
	{Path: "/gremien", Label: "steering.nav.bodies", Kind: steering.KindBody, Action: access.List},
	{Path: "/sitzungen", Label: "steering.nav.meetings", Kind: steering.KindMeeting, Action: access.List},
	{Path: "/empfehlungen", Label: "steering.nav.recommendations", Kind: steering.KindRecommendation, Action: access.List},
	{Path: "/monitoring", Label: "monitoring.nav.indicators", Kind: monitoring.KindIndicator, Action: access.List},
	{Path: "/monitoring/dashboards", Label: "monitoring.nav.dashboards", Kind: monitoring.KindDashboard, Action: access.List},
	{Path: "/monitoring/berichte", Label: "monitoring.nav.reports", Kind: monitoring.KindIndicator, Action: access.List},
	{Path: "/monitoring/veroeffentlichungen", Label: "monitoring.nav.releases", Kind: monitoring.KindRelease, Action: access.List},
	{Path: "/angebote", Label: "offers.nav.directory", Kind: offers.KindOffer, Action: access.List},
	{Path: "/angebote/verwaltung", Label: "offers.nav.manage", Kind: offers.KindOffer, Action: access.Manage},
	{Path: "/neuigkeiten", Label: "steering.nav.news", Kind: steering.KindBarrierReport, Action: access.List},
	{Path: "/verwaltung/organisationen", Label: "nav.organisations", Kind: access.KindOrganisation, Action: access.Manage},
	{Path: "/verwaltung/standorte", Label: "nav.locations", Kind: access.KindLocation, Action: access.Manage},
	{Path: "/verwaltung/bezirke", Label: "nav.districts", Kind: access.KindDistrict, Action: access.Manage},
	{Path: "/verwaltung/benutzer", Label: "nav.users", Kind: access.KindUser, Action: access.Manage},
	{Path: "/verwaltung/aufnahmekriterien", Label: "casework.nav.criteria", Kind: casework.KindCaseConfig, Action: access.Manage},
	{Path: "/protokoll", Label: "nav.audit", Kind: access.KindAudit, Action: access.List},
	{Path: "/plattform/mandanten", Label: "nav.tenants", Kind: access.KindTenant, Action: access.Manage},
	{Path: "/konto", Label: "nav.account", Kind: access.KindAccount, Action: access.View},
}

// routes registers every route of every surface in one place.
func (a *App) routes(acc *accounts.HTTP, dir *directory.HTTP, cw *casework.HTTP) {
	rt := a.Router
	rt.Unmatched = func(w http.ResponseWriter, r *http.Request, status int) {
		if status == http.StatusMethodNotAllowed {
			a.Renderer.Fail(w, r, web.ErrMethodNotAllowed)
			return
		}
		a.Renderer.Fail(w, r, errs.ErrNotFound)
	}
	rt.Handle("GET /{$}", web.Public, a.root)
	rt.Handle("GET /start", web.Staff, a.start)
	rt.Handle("GET /barrierefreiheit", web.Public, a.infoPage("app/accessibility", "info.accessibility.title"))
	rt.Handle("GET /datenschutz", web.Public, a.infoPage("app/privacy", "info.privacy.title"))
	rt.Handle("GET /healthz", web.Public, a.healthz)
	rt.Handle("GET /readyz", web.Public, a.readyz)
	rt.Handle("GET /metrics", web.Public, a.metrics)
	rt.Handle("GET /api/v1/openapi.json", web.Public, a.openapi)
	rt.Mount("GET /static/", web.Static())

	acc.Routes(rt)
	dir.Routes(rt)
	cw.Routes(rt)
	(&privacy.HTTP{S: a.Privacy, R: a.Renderer}).Routes(rt)
}

func (a *App) root(w http.ResponseWriter, r *http.Request) {
	if id := web.IdentityFrom(r.Context()); id != nil && id.Via == "session" {
		http.Redirect(w, r, "/start", http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, "/anmelden", http.StatusSeeOther)
}

func (a *App) infoPage(name, title string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a.Renderer.Render(w, r, http.StatusOK, name, web.View{Title: title})
	}
}

// healthz answers as long as the process runs.
func (a *App) healthz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = w.Write([]byte("ok\n"))
}

// readyz answers 200 when the database is reachable, else 503.
func (a *App) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := a.DB.Ping(ctx); err != nil {
		a.Log.Warn("not ready", "err", err.Error())
		web.JSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable"})
		return
	}
	web.JSON(w, http.StatusOK, map[string]string{"status": "ready"})
}

// metrics serves Prometheus metrics; with KIM_METRICS_TOKEN set, only to that bearer token.
func (a *App) metrics(w http.ResponseWriter, r *http.Request) {
	if t := a.Cfg.MetricsToken; t != "" {
		got := r.Header.Get("Authorization")
		if subtle.ConstantTimeCompare([]byte(got), []byte("Bearer "+t)) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="metrics"`)
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
	}
	promhttp.HandlerFor(a.Registry, promhttp.HandlerOpts{}).ServeHTTP(w, r)
}

func (a *App) openapi(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_, _ = w.Write(openAPI)
}
