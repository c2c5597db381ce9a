package app_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"kim/internal/app"
	"kim/internal/apptest"
	"kim/internal/offers"
	"kim/internal/platform/access"
	"kim/internal/platform/web"
)

// The demo directory: about 40 offers of the Solingen organisations, some drafts and expired
// ones, seeded once however often the seed runs; the public page of the only tenant needs no
// municipality.
func TestDemoOffers(t *testing.T) {
	env := apptest.New(t, apptest.SQLite, apptest.Options{Demo: true})
	ctx := context.Background()
	for range 2 {
		if err := env.App.SeedDemo(ctx); err != nil {
			t.Fatal(err)
		}
	}
	tenant, err := env.App.Dir.TenantBySlug(ctx, app.DemoTenant)
	if err != nil {
		t.Fatal(err)
	}
	sys := access.System(tenant.ID)
	all, total, err := env.App.Offers.List(ctx, sys, web.ListQuery{Page: 1, Size: 100, Sort: "title"}, offers.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if total < 40 {
		t.Errorf("%d demo offers, want about 40", total)
	}
	states := map[string]int{}
	seen := map[string]bool{}
	for _, o := range all {
		if seen[o.OrganisationName+"/"+o.Title] {
			t.Errorf("offer %q seeded twice", o.Title)
		}
		seen[o.OrganisationName+"/"+o.Title] = true
		states[o.Status("2026-03-02")]++
		if o.Title == "Sprachkurs mit Kinderbetreuung Ohligs" && (o.OrganisationName != "AWO" || !o.Published) {
			t.Errorf("the offer the demo recommendation links to: %+v", o)
		}
	}
	if !seen["AWO/Sprachkurs mit Kinderbetreuung Ohligs"] || states["draft"] < 2 || states["expired"] < 2 || states["active"] < 35 {
		t.Errorf("demo offer states: %v", states)
	}
	for _, lang := range []string{"de", "ar", "uk"} {
		r := env.Client().Get("/angebote?lang=" + lang + "&domain=language")
		if r.StatusCode != http.StatusOK || r.Doc(t).Find("ul.offers li").Length() < 4 {
			t.Errorf("%s: public page of the demo: %d", lang, r.StatusCode)
		}
		if lang == "ar" && !strings.Contains(string(r.Body), "دورة لغة ألمانية مع رعاية الأطفال في أوليغس") {
			t.Errorf("the Arabic page lacks the translated title")
		}
	}
}
