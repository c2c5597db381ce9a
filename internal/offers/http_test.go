package offers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"kim/internal/apptest"
	"kim/internal/platform/access"
	"kim/internal/platform/ids"
)

// The staff pages keep an offer from the empty form to the archive: validation messages at the
// fields, translations, publishing, the confirmation before archiving, and the link to the
// recommendation the form was opened from.
func TestStaffKeepAnOfferThroughItsForms(t *testing.T) {
	eachEngine(t, func(t *testing.T, env *apptest.Env, fx *apptest.Fixtures) {
		s := env.App.Offers
		saved := s.Origins
		t.Cleanup(func() { s.Origins = saved })
		fake := &origins{}
		s.Origins = fake
		c := env.Client()
		c.Login(access.Coordinator)
		rec := ids.New()

		// The form opened from a recommendation carries it in hidden fields.
		doc := c.Get("/angebote/verwaltung/neu?empfehlung=" + rec + "&art=created").Doc(t)
		if v, _ := doc.Find(`input[name="recommendation_id"]`).Attr("value"); v != rec {
			t.Fatalf("recommendation not carried into the form: %q", v)
		}
		// An empty form: 422 with the messages at their fields and in the summary.
		r := c.PostForm("/angebote/verwaltung/neu", url.Values{"recommendation_id": {rec}, "recommendation_kind": {"created"}})
		doc = r.Doc(t)
		if r.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("empty form: %d", r.StatusCode)
		}
		for _, f := range []string{"organisation_id", "title", "life_domains", "languages", "district_ids"} {
			if doc.Find("#f-"+f+"-error").Length() != 1 || doc.Find(`.error-summary a[href="#f-`+f+`"]`).Length() != 1 {
				t.Errorf("empty form: no message for %s", f)
			}
		}
		if v, _ := doc.Find(`input[name="recommendation_id"]`).Attr("value"); v != rec {
			t.Errorf("the failed form lost the recommendation")
		}
		form := url.Values{"organisation_id": {fx.OrgA2.ID}, "title": {"Mietrechtsberatung"}, "description": {"Fragen zu Miete und Kaution."},
			"life_domains": {"housing"}, "target_groups": {"families"}, "languages": {"de", "ar"}, "citywide": {"1"},
			"location_ids": {fx.LocA2.ID}, "costs": {"free"}, "contact_email": {"miete@alpha.example"},
			"title_ar": {"استشارة قانون الإيجار"}, "description_ar": {""}, "recommendation_id": {rec}, "recommendation_kind": {"created"}}
		r = c.PostForm("/angebote/verwaltung/neu", form)
		if r.StatusCode != http.StatusSeeOther || !strings.HasPrefix(r.Location(), "/angebote/verwaltung/") {
			t.Fatalf("create: %d %s\n%s", r.StatusCode, r.Location(), r.Body)
		}
		edit := r.Location()
		id := strings.TrimPrefix(edit, "/angebote/verwaltung/")
		if len(fake.links) != 1 || fake.links[0] != rec+" "+id+" created" {
			t.Errorf("recommendation links: %v", fake.links)
		}
		doc = c.Get(edit).Doc(t)
		if v, _ := doc.Find(`input[name="title_ar"]`).Attr("value"); v != "استشارة قانون الإيجار" {
			t.Errorf("translation not stored: %q", v)
		}
		if lang, _ := doc.Find(`input[name="title_ar"]`).Attr("lang"); lang != "ar" {
			t.Errorf("translation field without lang: %q", lang)
		}
		// Not public until published.
		anon := env.Client()
		if r := anon.Get("/angebote/" + id + "?mandant=alpha"); r.StatusCode != http.StatusNotFound {
			t.Errorf("draft is public: %d", r.StatusCode)
		}
		version, _ := doc.Find(`form[action$="/veroeffentlichung"] input[name="version"]`).Attr("value")
		if r := c.PostForm(edit+"/veroeffentlichung", url.Values{"published": {"1"}, "version": {version}}); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("publish: %d", r.StatusCode)
		}
		if r := anon.Get("/angebote/" + id + "?mandant=alpha&lang=ar"); r.StatusCode != http.StatusOK ||
			!strings.Contains(string(r.Body), "استشارة قانون الإيجار") {
			t.Errorf("published offer in Arabic: %d", r.StatusCode)
		}
		// A stale version is a conflict, not a lost change.
		if r := c.PostForm(edit+"/veroeffentlichung", url.Values{"published": {"0"}, "version": {version}}); r.StatusCode != http.StatusConflict {
			t.Errorf("stale publish: %d", r.StatusCode)
		}
		// Archiving asks first.
		doc = c.Get(edit + "/archivieren").Doc(t)
		if doc.Find(`form[method="post"][action="`+edit+`/archivieren"] button`).Length() != 1 {
			t.Fatalf("no confirmation form before archiving")
		}
		if r := c.PostForm(edit+"/archivieren", nil); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("archive: %d", r.StatusCode)
		}
		if r := anon.Get("/angebote/" + id + "?mandant=alpha"); r.StatusCode != http.StatusNotFound {
			t.Errorf("archived offer is public: %d", r.StatusCode)
		}
		doc = c.Get(edit).Doc(t)
		if doc.Find(`form[action="`+edit+`"] button[type="submit"]`).Length() != 0 {
			t.Errorf("an archived offer can still be saved")
		}
		// A team lead chooses only the own organisation.
		lead := env.Client()
		lead.Login(access.TeamLead)
		opts := lead.Get("/angebote/verwaltung/neu").Doc(t).Find(`select[name="organisation_id"] option[value!=""]`)
		if opts.Length() != 1 || opts.AttrOr("value", "") != fx.OrgA1.ID {
			t.Errorf("team lead's organisations: %d options", opts.Length())
		}
	})
}
