package app

import (
	"net/http"

	"kim/internal/accounts"
	"kim/internal/casework"
	"kim/internal/directory"
	"kim/internal/platform/access"
	"kim/internal/platform/web"
	"kim/internal/steering"
)

// tile is a link on the start page with a short explanation.
type tile struct {
	Path  string
	Label string
	Text  string
}

type startData struct {
	User         *accounts.User
	Organisation *directory.Organisation
	Locations    []directory.Location
	Tiles        []tile
	Figures      []figure
	PreviousNote bool
	// Deadlines counts the work list of case managers and team leads ("Meine Fristen").
	Deadlines *casework.DeadlineSummary
	// News counts the news of the last days about the actor's barrier reports.
	News *newsCount
}

type newsCount struct{ Count int }

type figure struct {
	Label string
	Value int
	Path  string
}

var tileTexts = map[string]string{
	"/verwaltung/organisationen": "start.tile.organisations",
	"/verwaltung/standorte":      "start.tile.locations",
	"/verwaltung/bezirke":        "start.tile.districts",
	"/verwaltung/benutzer":       "start.tile.users",
	"/protokoll":                 "start.tile.audit",
	"/plattform/mandanten":       "start.tile.tenants",
	"/konto":                     "start.tile.account",
}

// start shows the start page of the actor's role: what the role does, its tasks, its own
// organisation and locations, key figures for administrators and the security state of the
// account.
func (a *App) start(w http.ResponseWriter, r *http.Request) {
	actor := web.ActorFrom(r.Context())
	ctx := r.Context()
	u, err := a.Accounts.Me(ctx, actor)
	if err != nil {
		a.Renderer.Fail(w, r, err)
		return
	}
	d := startData{User: u}
	for _, n := range a.Renderer.NavFor(actor, "") {
		if t, ok := tileTexts[n.Path]; ok {
			d.Tiles = append(d.Tiles, tile{Path: n.Path, Label: n.Label, Text: t})
		}
	}
	if access.Allowed(actor, access.KindOrganisation, access.View) {
		if d.Organisation, err = a.Dir.GetOrganisation(ctx, actor, actor.OrganisationID); err != nil {
			a.Renderer.Fail(w, r, err)
			return
		}
		one := web.ListQuery{Page: 1, Size: 50, Sort: "name"}
		if d.Locations, _, err = a.Dir.ListLocations(ctx, actor, one, directory.LocationFilter{OrganisationID: actor.OrganisationID}); err != nil {
			a.Renderer.Fail(w, r, err)
			return
		}
	}
	if access.Allowed(actor, casework.KindCase, access.List) {
		items, err := a.Cases.Deadlines(ctx, actor, casework.DeadlineFilter{})
		if err != nil {
			a.Renderer.Fail(w, r, err)
			return
		}
		sum := casework.Summarize(items)
		d.Deadlines = &sum
	}
	if access.Allowed(actor, steering.KindBarrierReport, access.List) {
		n, err := a.Steering.CountNews(ctx, actor)
		if err != nil {
			a.Renderer.Fail(w, r, err)
			return
		}
		d.News = &newsCount{n}
	}
	if access.Allowed(actor, access.KindOrganisation, access.Manage) {
		c, err := a.Dir.Counts(ctx, actor)
		if err != nil {
			a.Renderer.Fail(w, r, err)
			return
		}
		d.Figures = append(d.Figures, figure{"nav.organisations", c.Organisations, "/verwaltung/organisationen"},
			figure{"nav.locations", c.Locations, "/verwaltung/standorte"}, figure{"nav.districts", c.Districts, "/verwaltung/bezirke"})
	}
	if access.Allowed(actor, access.KindUser, access.Manage) {
		users, pending, err := a.Accounts.UserCounts(ctx, actor)
		if err != nil {
			a.Renderer.Fail(w, r, err)
			return
		}
		d.Figures = append(d.Figures, figure{"start.figure.users", users, "/verwaltung/benutzer"},
			figure{"start.figure.pending", pending, "/verwaltung/benutzer?status=pending"})
	}
	if access.Allowed(actor, access.KindTenant, access.Manage) {
		_, tenants, err := a.Dir.ListTenants(ctx, actor, web.ListQuery{Page: 1, Size: 1})
		if err != nil {
			a.Renderer.Fail(w, r, err)
			return
		}
		d.Figures = append(d.Figures, figure{"nav.tenants", tenants, "/plattform/mandanten"})
	}
	a.Renderer.Render(w, r, http.StatusOK, "app/start", web.View{Title: "start.title", Data: d})
}
