package offers_test

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"kim/internal/apptest"
	"kim/internal/directory"
	"kim/internal/offers"
	"kim/internal/platform/access"
	"kim/internal/platform/db"
	"kim/internal/platform/i18n"
	"kim/internal/platform/ids"
)

// publish creates an offer of tenant alpha and publishes it.
func publish(t *testing.T, env *apptest.Env, fx *apptest.Fixtures, in offers.Input) *offers.Offer {
	t.Helper()
	ctx := context.Background()
	sys := access.System(fx.TenantA.ID)
	o := must[*offers.Offer](t)(env.App.Offers.Create(ctx, sys, in))
	return must[*offers.Offer](t)(env.App.Offers.SetPublished(ctx, sys, o.ID, true, 0))
}

// The form takes from the address only a well-formed recommendation id; how the recommendation
// shaped the offer follows from the form (new: created, existing: changed), never from the
// address or a hidden field.
func TestTheFormTakesOnlyAWellFormedRecommendation(t *testing.T) {
	eachEngine(t, func(t *testing.T, env *apptest.Env, fx *apptest.Fixtures) {
		s := env.App.Offers
		saved := s.Origins
		t.Cleanup(func() { s.Origins = saved })
		fake := &origins{}
		s.Origins = fake
		c := env.Client()
		c.Login(access.Coordinator)
		for _, bad := range []string{"<script>", "empfehlung", strings.ToUpper(ids.New()), ids.New() + "x"} {
			doc := c.Get("/angebote/verwaltung/neu?empfehlung=" + url.QueryEscape(bad)).Doc(t)
			if doc.Find(`input[name="recommendation_id"]`).Length() != 0 {
				t.Errorf("?empfehlung=%s is carried into the form", bad)
			}
		}
		rec := ids.New()
		doc := c.Get("/angebote/verwaltung/neu?empfehlung=" + rec + "&art=changed").Doc(t)
		if v, _ := doc.Find(`input[name="recommendation_id"]`).Attr("value"); v != rec {
			t.Fatalf("recommendation not carried: %q", v)
		}
		if doc.Find(`input[name="recommendation_kind"]`).Length() != 0 {
			t.Errorf("the kind of the link is a form field")
		}
		de := env.App.Renderer.Catalogue().Localizer("de")
		if !strings.Contains(doc.Text(), de.T("offers.manage.link_created")) {
			t.Errorf("a new offer's form does not say that it is created by the recommendation")
		}
		form := url.Values{"organisation_id": {fx.OrgA1.ID}, "title": {"Elterncafé"}, "life_domains": {"family"}, "languages": {"de"},
			"citywide": {"1"}, "costs": {"free"}, "recommendation_id": {rec}, "recommendation_kind": {"changed"}}
		r := c.PostForm("/angebote/verwaltung/neu", form)
		if r.StatusCode != http.StatusSeeOther {
			t.Fatalf("create: %d\n%s", r.StatusCode, r.Body)
		}
		id := strings.TrimPrefix(r.Location(), "/angebote/verwaltung/")
		if len(fake.links) != 1 || fake.links[0] != rec+" "+id+" created" {
			t.Errorf("links after creating: %v", fake.links)
		}
		// The edit form opened from a recommendation: the link says "changed", whatever the
		// address or the posted form claims.
		rec2 := ids.New()
		doc = c.Get("/angebote/verwaltung/" + id + "?empfehlung=" + rec2 + "&art=created").Doc(t)
		if v, _ := doc.Find(`input[name="recommendation_id"]`).Attr("value"); v != rec2 {
			t.Fatalf("recommendation not carried into the edit form: %q", v)
		}
		if !strings.Contains(doc.Text(), de.T("offers.manage.link_changed")) {
			t.Errorf("the edit form does not say that the recommendation changes the offer")
		}
		form.Set("recommendation_id", rec2)
		form.Set("recommendation_kind", "created")
		form.Set("version", doc.Find(`form[action="/angebote/verwaltung/`+id+`"] input[name="version"]`).AttrOr("value", ""))
		if r := c.PostForm("/angebote/verwaltung/"+id, form); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("update: %d\n%s", r.StatusCode, r.Body)
		}
		if len(fake.links) != 2 || fake.links[1] != rec2+" "+id+" changed" {
			t.Errorf("links after changing: %v", fake.links)
		}
	})
}

// Recommendations are not public: anonymous visitors (and staff who may not read
// recommendations) learn only that the network shaped an offer; staff who may read them see
// titles and links.
func TestRecommendationTitlesAreNotPublic(t *testing.T) {
	eachEngine(t, func(t *testing.T, env *apptest.Env, fx *apptest.Fixtures) {
		s := env.App.Offers
		saved := s.Origins
		t.Cleanup(func() { s.Origins = saved })
		s.Origins = &origins{}
		const title = "Kinderbetreuung in Sprachkursen"
		cat := env.App.Renderer.Catalogue()
		page := "/angebote/" + fx.Offers.OfferA1.ID + "?mandant=alpha"
		for _, lang := range i18n.Public {
			r := env.Client().Get(page + "&lang=" + lang)
			body := string(r.Body)
			if r.StatusCode != http.StatusOK || strings.Contains(body, title) || r.Doc(t).Find(`a[href^="/empfehlungen/"]`).Length() != 0 {
				t.Errorf("%s: an anonymous visitor sees the recommendation (%d)", lang, r.StatusCode)
			}
			generic := cat.Localizer(lang).T("offers.public.origin_generic")
			if !cat.Has(lang, "offers.public.origin_generic") || !strings.Contains(body, generic) {
				t.Errorf("%s: the page lacks the sentence on the network (%q)", lang, generic)
			}
		}
		cm := env.Client()
		cm.Login(access.CaseManager)
		if doc := cm.Get(page + "&lang=de").Doc(t); doc.Find(`a[href="/empfehlungen/r1"]`).Text() != title {
			t.Errorf("a case manager does not see the recommendation's link")
		}
		// The tenant administration keeps offers but does not read recommendations.
		admin := env.Client()
		admin.Login(access.TenantAdmin)
		for _, path := range []string{page + "&lang=de", "/angebote/verwaltung/" + fx.Offers.OfferA1.ID} {
			r := admin.Get(path)
			if r.StatusCode != http.StatusOK || strings.Contains(string(r.Body), title) {
				t.Errorf("%s: the tenant administration sees the recommendation (%d)", path, r.StatusCode)
			}
		}
		coord := env.Client()
		coord.Login(access.Coordinator)
		if doc := coord.Get("/angebote/verwaltung/" + fx.Offers.OfferA1.ID).Doc(t); doc.Find(`a[href="/empfehlungen/r1"]`).Text() != title {
			t.Errorf("the coordination does not see the recommendation in the form")
		}
	})
}

// A district is named in the filter by its id, its name or its code, on the page and in the
// API; unknown names stay an error.
func TestDistrictFilterTakesNameAndCode(t *testing.T) {
	eachEngine(t, func(t *testing.T, env *apptest.Env, fx *apptest.Fixtures) {
		ctx := context.Background()
		wald := must[*directory.District](t)(env.App.Dir.CreateDistrict(ctx, access.System(fx.TenantA.ID), directory.DistrictInput{Name: "Wald", Code: "W7"}))
		in := valid(fx)
		in.Title, in.DistrictIDs, in.LocationIDs = "Waldspielgruppe", []string{wald.ID}, nil
		publish(t, env, fx, in)
		anon := env.Client()
		want := []string{"Waldspielgruppe", fx.Offers.OfferA2.Title} // A2 serves the whole city
		for _, d := range []string{wald.ID, "Wald", "wald", "WALD", "W7", "w7"} {
			r := anon.Get("/angebote?mandant=alpha&lang=de&district=" + url.QueryEscape(d))
			if got := titles(t, r); !sameSet(got, want) {
				t.Errorf("district=%s: %v", d, got)
			}
			if v, _ := r.Doc(t).Find("#f-district option[selected]").Attr("value"); v != wald.ID {
				t.Errorf("district=%s: the select shows %q", d, v)
			}
			var l struct {
				Total int `json:"total"`
			}
			if r := anon.Get("/api/v1/offers?mandant=alpha&district=" + url.QueryEscape(d)); r.StatusCode != http.StatusOK {
				t.Errorf("API district=%s: %d", d, r.StatusCode)
			} else if r.JSON(t, &l); l.Total != 2 {
				t.Errorf("API district=%s: %d offers", d, l.Total)
			}
		}
		for _, d := range []string{"Atlantis", "Beta-Mitte", fx.DistrictB.ID} {
			if r := anon.Get("/api/v1/offers?mandant=alpha&district=" + url.QueryEscape(d)); r.StatusCode != http.StatusUnprocessableEntity {
				t.Errorf("API district=%s: %d, want 422", d, r.StatusCode)
			}
			if doc := anon.Get("/angebote?mandant=alpha&lang=de&district=" + url.QueryEscape(d)).Doc(t); doc.Find(`.error-summary a[href="#f-district"]`).Length() != 1 {
				t.Errorf("page district=%s: no message", d)
			}
		}
	})
}

// The search finds an offer by its organisation's name in every script on both engines, and
// by the new name as soon as the organisation is renamed.
func TestSearchByOrganisationFoldsCaseOnBothEngines(t *testing.T) {
	eachEngine(t, func(t *testing.T, env *apptest.Env, fx *apptest.Fixtures) {
		ctx := context.Background()
		sys := access.System(fx.TenantA.ID)
		org := must[*directory.Organisation](t)(env.App.Dir.CreateOrganisation(ctx, sys, directory.OrganisationInput{Name: "ÖKUMENISCHES ZENTRUM",
			Type: directory.OrgClub, Regime: directory.RegimeGDPRBDSG}))
		in := valid(fx)
		in.OrganisationID, in.Title, in.Description, in.LocationIDs = org.ID, "Nähcafé", "", nil
		publish(t, env, fx, in)
		anon := env.Client()
		coord := env.Client()
		coord.Login(access.Coordinator)
		find := func(q string) (public, staff []string) {
			public = titles(t, anon.Get("/angebote?mandant=alpha&lang=de&q="+url.QueryEscape(q)))
			coord.Get("/angebote/verwaltung?q=" + url.QueryEscape(q)).Doc(t).Find("tbody tr td:first-child a").Each(func(_ int, s *goquery.Selection) {
				staff = append(staff, s.Text())
			})
			return public, staff
		}
		for _, q := range []string{"ökumenisches", "Ökumenisches zentrum", "nähcafé", "NÄHCAFÉ"} {
			if p, s := find(q); !slices.Equal(p, []string{"Nähcafé"}) || !slices.Equal(s, []string{"Nähcafé"}) {
				t.Errorf("q=%s: public %v, staff %v", q, p, s)
			}
		}
		in2 := directory.OrganisationInput{Name: "Ärztehaus Nord", Type: directory.OrgClub, Regime: directory.RegimeGDPRBDSG, Version: org.Version}
		must[*directory.Organisation](t)(env.App.Dir.UpdateOrganisation(ctx, sys, org.ID, in2))
		if p, s := find("ärztehaus"); !slices.Equal(p, []string{"Nähcafé"}) || !slices.Equal(s, []string{"Nähcafé"}) {
			t.Errorf("new name: public %v, staff %v", p, s)
		}
		if p, _ := find("ökumenisch"); len(p) != 0 {
			t.Errorf("old name still finds %v", p)
		}
	})
}

// Titles sort alike on both engines, umlauts among their letters.
func TestTitlesSortAlikeOnBothEngines(t *testing.T) {
	eachEngine(t, func(t *testing.T, env *apptest.Env, fx *apptest.Fixtures) {
		for _, title := range []string{"Übersetzungshilfe", "Ärztliche Sprechstunde", "ambulante Pflege"} {
			in := valid(fx)
			in.Title = title
			publish(t, env, fx, in)
		}
		want := []string{"ambulante Pflege", "Ärztliche Sprechstunde", fx.Offers.OfferA1.Title, "Übersetzungshilfe", fx.Offers.OfferA2.Title}
		if got := titles(t, env.Client().Get("/angebote?mandant=alpha&lang=de")); !slices.Equal(got, want) {
			t.Errorf("public order %v, want %v", got, want)
		}
		coord := env.Client()
		coord.Login(access.Coordinator)
		var got []string
		coord.Get("/angebote/verwaltung?status=active&sort=title").Doc(t).Find("tbody tr td:first-child a").Each(func(_ int, s *goquery.Selection) {
			got = append(got, s.Text())
		})
		if !slices.Equal(got, want) {
			t.Errorf("staff order %v, want %v", got, want)
		}
	})
}

// The page does not check ?lang= (the language middleware ignores unknown values); the API
// does. The window title carries the number of offers found.
func TestPageLanguageAndTitle(t *testing.T) {
	eachEngine(t, func(t *testing.T, env *apptest.Env, fx *apptest.Fixtures) {
		anon := env.Client()
		r := anon.Get("/angebote?mandant=alpha&lang=xx")
		doc := r.Doc(t)
		if r.StatusCode != http.StatusOK || doc.Find(".error-summary").Length() != 0 || len(titles(t, r)) != 2 {
			t.Errorf("?lang=xx on the page: %d, summary %q", r.StatusCode, doc.Find(".error-summary").Text())
		}
		if r := anon.Get("/api/v1/offers?mandant=alpha&lang=xx"); r.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("?lang=xx in the API: %d", r.StatusCode)
		}
		cat := env.App.Renderer.Catalogue()
		for _, lang := range []string{"de", "ar"} {
			l := cat.Localizer(lang)
			doc := anon.Get("/angebote?mandant=alpha&lang=" + lang + "&domain=housing").Doc(t)
			if got, want := doc.Find("title").Text(), l.T("offers.public.list_title", "Tenant", "Stadt Alpha", "N", 1)+" – KIM"; got != want {
				t.Errorf("%s: title %q, want %q", lang, got, want)
			}
			if got, want := strings.TrimSpace(doc.Find("h1").Text()), l.T("offers.public.title", "Tenant", "Stadt Alpha"); got != want {
				t.Errorf("%s: h1 %q, want %q", lang, got, want)
			}
		}
	})
}

// Visitors without cookies keep their language: links and the filter form carry ?lang= along
// with the municipality.
func TestLinksCarryTheLanguage(t *testing.T) {
	eachEngine(t, func(t *testing.T, env *apptest.Env, fx *apptest.Fixtures) {
		doc := env.Client().Get("/angebote?mandant=alpha&lang=ar").Doc(t)
		if doc.Find(`form[action="/angebote"] input[type="hidden"][name="lang"][value="ar"]`).Length() != 1 {
			t.Errorf("the filter form loses the language")
		}
		links := doc.Find(`ul.offers h3 a`)
		if links.Length() != 2 {
			t.Fatalf("%d offers", links.Length())
		}
		links.Each(func(_ int, s *goquery.Selection) {
			u, _ := url.Parse(s.AttrOr("href", ""))
			if u.Query().Get("lang") != "ar" || u.Query().Get("mandant") != "alpha" {
				t.Errorf("detail link %s", s.AttrOr("href", ""))
			}
		})
		doc = env.Client().Get("/angebote/" + fx.Offers.OfferA1.ID + "?mandant=alpha&lang=ar").Doc(t)
		if href := doc.Find(`main a[href^="/angebote?"]`).First().AttrOr("href", ""); !strings.Contains(href, "lang=ar") || !strings.Contains(href, "mandant=alpha") {
			t.Errorf("back link %q", href)
		}
		// The choice of municipalities keeps it too; without ?lang= nothing is added.
		env.Client().Get("/angebote?lang=fa").Doc(t).Find(`main a[href^="/angebote?"]`).Each(func(_ int, s *goquery.Selection) {
			if !strings.Contains(s.AttrOr("href", ""), "lang=fa") {
				t.Errorf("choice link %s", s.AttrOr("href", ""))
			}
		})
		doc = env.Client().Get("/angebote?mandant=alpha").Doc(t)
		if doc.Find(`input[name="lang"]`).Length() != 0 || strings.Contains(doc.Find("ul.offers h3 a").First().AttrOr("href", ""), "lang=") {
			t.Errorf("a language is carried that was not asked for")
		}
	})
}

// A page past the end says so and links back to the first page, on the public and the staff
// list.
func TestPagePastTheEnd(t *testing.T) {
	eachEngine(t, func(t *testing.T, env *apptest.Env, fx *apptest.Fixtures) {
		coord := env.Client()
		coord.Login(access.Coordinator)
		for _, c := range []struct {
			client *apptest.Client
			path   string
		}{{env.Client(), "/angebote?mandant=alpha&lang=de&page=9"}, {coord, "/angebote/verwaltung?page=9"}} {
			r := c.client.Get(c.path)
			nav := r.Doc(t).Find("nav.pager")
			if r.StatusCode != http.StatusOK || nav.Length() != 1 {
				t.Fatalf("%s: %d, %d pagers", c.path, r.StatusCode, nav.Length())
			}
			found := false
			nav.Find("a").Each(func(_ int, s *goquery.Selection) {
				u, _ := url.Parse(s.AttrOr("href", ""))
				found = found || u.Query().Get("page") == "1"
			})
			if !found {
				t.Errorf("%s: no link to the first page", c.path)
			}
		}
	})
}

// The printed list says when it is cut, shows step-free access and validity, quotes the
// search text as the language does, and drops what its fonts cannot show (emoji).
func TestPrintedListDetails(t *testing.T) {
	eachEngine(t, func(t *testing.T, env *apptest.Env, fx *apptest.Fixtures) {
		in := valid(fx)
		in.Title, in.Description, in.OpeningHours = "Spielenachmittag 😀", "Mit Brettspielen 🎲 und Tee.", "Fr 15–17 Uhr 🕒"
		in.ValidFrom, in.ValidTo = "2026-01-01", "2026-12-31"
		publish(t, env, fx, in)
		anon := env.Client()
		get := func(query string) string {
			t.Helper()
			r := anon.Get("/angebote/liste.pdf?mandant=alpha&" + query)
			if r.StatusCode != http.StatusOK || r.Header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(string(r.Body), "%PDF-") {
				t.Fatalf("%s: %d %s", query, r.StatusCode, r.Header.Get("Content-Type"))
			}
			return strings.Join(strings.Fields(pdfText(t, r.Body)), " ") // lines joined
		}
		cat := env.App.Renderer.Catalogue()
		de, en := cat.Localizer("de"), cat.Localizer("en")
		text := get("lang=de&q=" + url.QueryEscape("😀"))
		if !strings.Contains(text, "Spielenachmittag") {
			t.Errorf("the emoji offer is missing")
		}
		text = get("lang=de&q=spielenachmittag")
		for _, s := range []string{de.T("offers.public.step_free"), de.T("offers.public.validity"), "ab 01.01.2026", "bis 31.12.2026", "„spielenachmittag“"} {
			if !strings.Contains(text, s) {
				t.Errorf("the PDF lacks %q", s)
			}
		}
		if text := get("lang=en&q=spielenachmittag"); !strings.Contains(text, "“spielenachmittag”") || strings.Contains(text, "„") {
			t.Errorf("English quotes missing")
		}
		if strings.Contains(get("lang=de"), "Es werden die ersten") {
			t.Errorf("an uncut list says it is cut")
		}
		t.Cleanup(offers.SetMaxPDF(2))
		if text := get("lang=en"); !strings.Contains(text, en.T("offers.public.pdf_cut", "Shown", 2, "Total", 3)) {
			t.Errorf("a cut list does not say so")
		}
	})
}

// The loop view counts referrals per offer: an index serves it.
func TestReferralsAreIndexedByOffer(t *testing.T) {
	eachEngine(t, func(t *testing.T, env *apptest.Env, fx *apptest.Fixtures) {
		ctx := context.Background()
		q := "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name = 'referrals_offer' AND tbl_name = 'referrals'"
		if env.DB().Engine() == db.Postgres {
			q = "SELECT count(*) FROM pg_indexes WHERE schemaname = current_schema() AND indexname = 'referrals_offer' AND tablename = 'referrals'"
		}
		var n int
		if err := env.DB().Read(ctx, func(tx *db.Tx) error { return tx.QueryRowContext(ctx, q).Scan(&n) }); err != nil || n != 1 {
			t.Errorf("index referrals_offer: %d, %v", n, err)
		}
	})
}
