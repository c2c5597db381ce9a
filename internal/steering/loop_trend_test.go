package steering_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"kim/internal/apptest"
	"kim/internal/platform/access"
)

// Recommendations name indicators of the monitoring's catalogue: the form offers them, unknown
// codes are refused with a German message (together with the form's other messages).
func TestRecommendationIndicatorsAreCatalogueReferences(t *testing.T) {
	for _, e := range apptest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			env, fx, c := ttSetup(t, e)
			bm := c[access.BodyMember]
			form := bm.Get("/empfehlungen/neu?thema=" + fx.Themes.ThemeA.ID)
			ttStatus(t, form, http.StatusOK, "form")
			if form.Doc(t).Find(`input[type="checkbox"][name="indicator_codes"][value="new_cases"]`).Length() != 1 {
				t.Fatal("the form does not offer the catalogue's indicators")
			}
			base := url.Values{"theme_id": {fx.Themes.ThemeA.ID}, "title": {"Dritter Entwurf"}, "text": {"Text"}, "body_id": {fx.Bodies.BodyA.ID}}
			with := func(kv ...string) url.Values {
				v := url.Values{}
				for k, vs := range base {
					v[k] = vs
				}
				for i := 0; i+1 < len(kv); i += 2 {
					v.Add(kv[i], kv[i+1])
				}
				return v
			}
			r := bm.PostForm("/empfehlungen/neu", with("indicator_codes", "new_cases", "indicator_codes", "SPR-01"))
			ttStatus(t, r, http.StatusUnprocessableEntity, "unknown code")
			if !strings.Contains(ttErrors(t, r), "„SPR-01“ gibt es im Kennzahlenkatalog") {
				t.Errorf("message %q", ttErrors(t, r))
			}
			v := with("indicator_codes", "keine_kennzahl")
			v.Del("title")
			r = bm.PostForm("/empfehlungen/neu", v)
			ttStatus(t, r, http.StatusUnprocessableEntity, "unknown code, no title")
			if msg := ttErrors(t, r); !strings.Contains(msg, "Kennzahlenkatalog") || !strings.Contains(msg, "Titel") {
				t.Errorf("both messages expected: %q", msg)
			}
			r = bm.PostForm("/empfehlungen/neu", with("indicator_codes", "new_cases", "indicator_codes", "open_caseload"))
			ttStatus(t, r, http.StatusSeeOther, "catalogue codes")
			id := strings.TrimPrefix(r.Location(), "/empfehlungen/")
			if n := ttOne[int](t, env, "SELECT COUNT(*) FROM recommendation_indicators WHERE recommendation_id = $1", id); n != 2 {
				t.Errorf("%d indicators stored", n)
			}
			page := bm.Get("/empfehlungen/" + id)
			if text := ttText(t, page); !strings.Contains(text, "Neue Fälle") || !strings.Contains(text, "Offener Fallbestand") {
				t.Errorf("the page lacks the indicators' names: %s", text)
			}
			if page.Doc(t).Find(`input[name="indicator_codes"][value="new_cases"][checked]`).Length() != 1 {
				t.Error("the edit form does not check the stored indicator")
			}
		})
	}
}

// The loop view shows the live trend of each indicator the theme's recommendations name: a
// line chart of the last 12 months with its data table and summary, published as one release;
// roles that may not read the monitoring's figures get a note instead.
func TestLoopViewShowsIndicatorTrends(t *testing.T) {
	for _, e := range apptest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			env, fx, c := ttSetup(t, e)
			path := "/themen/" + fx.Themes.ThemeA.ID + "/kreislauf"
			releases := func() int {
				return ttOne[int](t, env, "SELECT COUNT(*) FROM monitoring_releases WHERE tenant_id = $1", fx.TenantA.ID)
			}
			before := releases()
			r := c[access.Coordinator].Get(path)
			ttStatus(t, r, http.StatusOK, "loop view")
			if releases() != before+1 {
				t.Fatalf("%d releases for the loop view, want 1", releases()-before)
			}
			if title := ttOne[string](t, env, "SELECT title FROM monitoring_releases WHERE tenant_id = $1 ORDER BY released_at DESC, id DESC LIMIT 1",
				fx.TenantA.ID); !strings.Contains(title, "Kinderbetreuung während der Sprachkurse") {
				t.Errorf("release title %q", title)
			}
			doc := r.Doc(t)
			sec := doc.Find("#kennzahlen")
			if sec.Find("svg").Length() != 1 || sec.Find("table tbody tr").Length() != 12 || sec.Find("#trend-0-summary").Text() == "" {
				t.Errorf("the trend lacks its chart, table or summary: %s", strings.Join(strings.Fields(sec.Text()), " "))
			}
			if got := sec.Find("table tbody tr").Last().Find("th").Text(); got != "02/2026" {
				t.Errorf("the trend ends in %q, want the last completed month 02/2026", got)
			}
			if sec.Find(`a[href="/monitoring/kennzahlen/new_cases"]`).Length() != 1 {
				t.Error("no link to the indicator")
			}
			before = releases()
			r = c[access.CaseManager].Get(path)
			ttStatus(t, r, http.StatusOK, "case manager's loop view")
			if releases() != before || r.Doc(t).Find("#kennzahlen svg").Length() != 0 {
				t.Error("the case manager is shown the monitoring's figures")
			}
		})
	}
}
