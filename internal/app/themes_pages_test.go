package app_test

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"kim/internal/apptest"
	"kim/internal/platform/access"
	"kim/internal/platform/i18n"
	"kim/internal/steering"
)

// The pages of themes, recommendations and the loop view (whose ids the catalogue test cannot
// guess) in every staff language, for every role that opens them and in their error states:
// no raw message id, no English on a German page's headings.
func TestThemePagesAreTranslated(t *testing.T) {
	env := apptest.New(t, apptest.SQLite, apptest.Options{})
	fx := env.Seed()
	roots := catRoots(env.App.Renderer.Catalogue())
	th := fx.Themes
	// Each page with the roles that open it (the others get 403); every one must answer 200.
	co, bm, cm, lead := access.Coordinator, access.BodyMember, access.CaseManager, access.TeamLead
	network, drafters := []access.Role{co, bm, cm, lead}, []access.Role{co, bm}
	pages := map[string][]access.Role{
		"/themen": network, "/themen?status=all&priority=none&sort=priority&dir=desc": network, "/themen?q=zz": network,
		"/themen?sort=reports&dir=asc": network,
		"/themen/" + th.ThemeA.ID:      network, "/themen/" + th.ThemeA.ID + "/kreislauf": network,
		"/themen/" + th.ThemeA.ID + "/bericht-entfernen?bericht=" + fx.Barriers.ReportA1.ID: {co},
		"/themen/zusammenfuehren": {co}, "/themen/zusammenfuehren?bericht=" + fx.Barriers.ReportA2.ID + "&bericht=" + fx.Barriers.ReportA1.ID: {co},
		"/empfehlungen": network, "/empfehlungen?overdue=1&status=adopted": network, "/empfehlungen/neu": drafters,
		"/empfehlungen/neu?thema=" + th.ThemeA.ID: drafters, "/empfehlungen/" + th.RecommendationA.ID: network,
	}
	posts := map[string]url.Values{
		"/themen/zusammenfuehren":                              {"bericht": {fx.Barriers.ReportA1.ID, fx.Barriers.ReportA2.ID}, "mode": {"new"}, "title": {""}},
		"/themen/" + th.ThemeA.ID:                              {"title": {""}, "priority": {"x"}},
		"/themen/" + th.ThemeA.ID + "/status":                  {"status": {"closed"}},
		"/themen/" + th.ThemeA.ID + "/gremium":                 {"body_id": {""}},
		"/empfehlungen/neu":                                    {"theme_id": {th.ThemeA.ID}, "indicator_codes": {"<x>"}, "due_date": {"gestern"}},
		"/empfehlungen/" + th.RecommendationA.ID:               {"title": {""}},
		"/empfehlungen/" + th.RecommendationA.ID + "/status":   {"status": {"adopted"}},
		"/empfehlungen/" + th.RecommendationA.ID + "/angebote": {"offer_id": {""}},
	}
	checked := 0
	check := func(label string, r *apptest.Response) {
		t.Helper()
		if r.StatusCode >= 500 || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/html") {
			t.Errorf("%s: status %d", label, r.StatusCode)
			return
		}
		checked++
		for _, m := range catRawID.FindAllString(string(r.Body), -1) {
			if roots[strings.SplitN(m, ".", 2)[0]] {
				t.Errorf("%s shows the raw message id %q", label, m)
			}
		}
	}
	for _, role := range network {
		c := env.Client()
		c.Login(role)
		for _, lang := range i18n.Staff {
			for p, roles := range pages {
				sep := "?"
				if strings.Contains(p, "?") {
					sep = "&"
				}
				r := c.Get(p + sep + "lang=" + lang)
				want := http.StatusForbidden
				if slices.Contains(roles, role) {
					want = http.StatusOK
				}
				if r.StatusCode != want {
					t.Errorf("%s %s GET %s: status %d, want %d", role, lang, p, r.StatusCode, want)
					continue
				}
				if want == http.StatusOK {
					check(string(role)+" "+lang+" GET "+p, r)
				}
			}
			for p, v := range posts {
				r := c.PostForm(p+"?lang="+lang, v)
				if r.StatusCode != http.StatusForbidden {
					check(string(role)+" "+lang+" POST "+p, r)
				}
			}
		}
	}
	if checked < 80 {
		t.Fatalf("only %d pages checked", checked)
	}
	// The English loop view is English.
	c := env.Client()
	c.Login(access.Coordinator)
	if body := string(c.Get("/themen/" + th.ThemeA.ID + "/kreislauf?lang=en").Body); !strings.Contains(body, "Barrier reports over time") ||
		strings.Contains(body, "Problemanzeigen im Zeitverlauf") {
		t.Error("the English loop view is not English")
	}
}

// Every code of themes and recommendations that a page shows by its label has one in every
// staff language.
func TestThemeCodesHaveLabels(t *testing.T) {
	c := catCatalogue(t)
	var ids []string
	for _, s := range steering.ThemeStatuses {
		ids = append(ids, "steering.theme_status."+s)
		for _, n := range steering.ThemeNext(s) {
			ids = append(ids, "steering.theme_status."+n)
		}
	}
	for _, p := range append(steering.ThemePriorities, "none") {
		ids = append(ids, "steering.priority."+p)
	}
	for _, s := range steering.RecStatuses {
		ids = append(ids, "steering.rec_status."+s)
		for _, st := range steering.RecNext(s) {
			ids = append(ids, "steering.rec_step."+st.To)
		}
	}
	for _, k := range steering.OfferKinds {
		ids = append(ids, "steering.rec.offer_kind."+k)
	}
	for _, m := range []string{"new", "existing"} {
		ids = append(ids, "steering.merge.mode_"+m)
	}
	for _, id := range ids {
		if miss := catMissing(c, id); len(miss) > 0 {
			t.Errorf("%s is missing in %v", id, miss)
		}
	}
}
