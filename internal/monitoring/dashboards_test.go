package monitoring_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"kim/internal/apptest"
	"kim/internal/platform/access"
	"kim/internal/platform/db"
)

// Helpers of the dashboard tests (prefixed dt).

// dtSetup starts an instance with the fixtures, the dashboard fixtures and a browser per role.
func dtSetup(t *testing.T, e apptest.Engine) (*apptest.Env, *apptest.Fixtures, *apptest.DashboardFixtures, map[access.Role]*apptest.Client) {
	t.Helper()
	env := apptest.New(t, e, apptest.Options{})
	fx := env.Seed()
	df := fx.Dashboards(t, env.App)
	clients := map[access.Role]*apptest.Client{}
	for _, r := range []access.Role{access.CaseManager, access.TeamLead, access.Coordinator, access.BodyMember, access.TenantAdmin, access.DataProtectionOfficer} {
		c := env.Client()
		c.Login(r)
		clients[r] = c
	}
	return env, fx, df, clients
}

func dtStatus(t *testing.T, r *apptest.Response, want int, what string) {
	t.Helper()
	if r.StatusCode != want {
		body := string(r.Body)
		if i := strings.Index(body, "<main"); i >= 0 {
			body = body[i:]
		}
		t.Fatalf("%s: status %d, want %d\n%.3000s", what, r.StatusCode, want, body)
	}
}

func dtText(t *testing.T, r *apptest.Response) string {
	t.Helper()
	return strings.Join(strings.Fields(r.Doc(t).Find("main").Text()), " ")
}

func dtOne[T any](t *testing.T, env *apptest.Env, q string, args ...any) T {
	t.Helper()
	var v T
	err := env.DB().Read(context.Background(), func(tx *db.Tx) error { return tx.QueryRowContext(context.Background(), q, args...).Scan(&v) })
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return v
}

func dtVersion(t *testing.T, env *apptest.Env, id string) string {
	t.Helper()
	return dtOne[string](t, env, "SELECT CAST(version AS TEXT) FROM monitoring_dashboards WHERE id = $1", id)
}

// The coordinator creates, edits and deletes a dashboard; the form refuses what does not fit
// the catalogue with German messages; an edit of a changed dashboard is a conflict; every
// change is in the audit trail.
func TestDashboardCreateValidateEditDelete(t *testing.T) {
	for _, e := range apptest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			env, fx, _, c := dtSetup(t, e)
			co := c[access.Coordinator]
			dtStatus(t, co.Get("/monitoring/dashboards/neu"), http.StatusOK, "new form")
			for what, tc := range map[string]struct {
				form url.Values
				want []string
			}{
				"empty":           {url.Values{}, []string{"Titel", "mindestens eine Kennzahl"}},
				"foreign by":      {url.Values{"title": {"X"}, "p0_indicator": {"new_cases"}, "p0_by": {"life_domain"}, "p0_chart": {"bar"}}, []string{"Diese Aufschlüsselung gibt es"}},
				"unknown":         {url.Values{"title": {"X"}, "p0_indicator": {"SPR-01"}}, []string{"gibt es im Kennzahlenkatalog nicht"}},
				"order":           {url.Values{"title": {"X"}, "p0_indicator": {"new_cases"}, "von": {"2026-03"}, "bis": {"2026-01"}}, []string{"nicht vor ihm enden"}},
				"month":           {url.Values{"title": {"X"}, "p0_indicator": {"new_cases"}, "von": {"März"}, "bis": {"2026-01"}}, []string{"JJJJ-MM"}},
				"multiples":       {url.Values{"title": {"X"}, "p0_indicator": {"caseload_per_fte"}, "p0_chart": {"multiples"}}, []string{"Kleine Vielfache"}},
				"foreign bezirk":  {url.Values{"title": {"X"}, "p0_indicator": {"new_cases"}, "bezirk": {fx.DistrictB.ID}}, []string{"Stadtbezirk"}},
				"chart kind":      {url.Values{"title": {"X"}, "p0_indicator": {"new_cases"}, "p0_chart": {"pie"}}, []string{"Darstellung"}},
				"stacked, no by":  {url.Values{"title": {"X"}, "p0_indicator": {"new_cases"}, "p0_chart": {"stacked"}}, []string{"Gestapelte Balken brauchen"}},
				"stacked, multi":  {url.Values{"title": {"X"}, "p0_indicator": {"new_cases"}, "p0_by": {"organisation"}, "p0_chart": {"stacked"}}, []string{"jede Person einmal zählt"}},
				"too long period": {url.Values{"title": {"X"}, "p0_indicator": {"new_cases"}, "von": {"2020-01"}, "bis": {"2026-01"}}, []string{"höchstens 36 Monate"}},
			} {
				r := co.PostForm("/monitoring/dashboards/neu", tc.form)
				dtStatus(t, r, http.StatusUnprocessableEntity, what)
				summary := strings.Join(strings.Fields(r.Doc(t).Find(".error-summary").Text()), " ")
				for _, w := range tc.want {
					if !strings.Contains(summary, w) {
						t.Errorf("%s: messages %q lack %q", what, summary, w)
					}
				}
			}
			if n := dtOne[int](t, env, "SELECT COUNT(*) FROM monitoring_dashboards WHERE tenant_id = $1", fx.TenantA.ID); n != 1 {
				t.Fatalf("refused forms stored dashboards: %d", n)
			}
			r := co.PostForm("/monitoring/dashboards/neu", url.Values{"title": {"Sprache"}, "description": {"Für die AG."}, "von": {"2026-01"}, "bis": {"2026-02"},
				"bezirk": {fx.DistrictA.ID}, "p0_indicator": {"new_cases"}, "p0_by": {"sex"}, "p0_chart": {"stacked"},
				"p2_indicator": {"open_caseload"}, "p2_chart": {"line"}})
			dtStatus(t, r, http.StatusSeeOther, "create")
			id := strings.TrimPrefix(r.Location(), "/monitoring/dashboards/")
			if n := dtOne[int](t, env, "SELECT COUNT(*) FROM monitoring_dashboard_panels WHERE dashboard_id = $1", id); n != 2 {
				t.Errorf("%d panels, want 2", n)
			}
			dtStatus(t, co.Get("/monitoring/dashboards/"+id+"/bearbeiten"), http.StatusOK, "edit form")
			old := dtVersion(t, env, id)
			edit := url.Values{"title": {"Sprache und Arbeit"}, "p0_indicator": {"new_cases"}, "p0_chart": {"bar"}, "version": {old}}
			dtStatus(t, co.PostForm("/monitoring/dashboards/"+id, edit), http.StatusSeeOther, "edit")
			if got := dtOne[string](t, env, "SELECT title FROM monitoring_dashboards WHERE id = $1", id); got != "Sprache und Arbeit" {
				t.Errorf("title %q", got)
			}
			r = co.PostForm("/monitoring/dashboards/"+id, edit)
			dtStatus(t, r, http.StatusConflict, "edit with the old version")
			if !strings.Contains(dtText(t, r), "inzwischen") && !strings.Contains(dtText(t, r), "geändert") {
				t.Errorf("conflict page: %s", dtText(t, r))
			}
			dtStatus(t, co.Get("/monitoring/dashboards/"+id+"/loeschen"), http.StatusOK, "confirm page")
			dtStatus(t, co.PostForm("/monitoring/dashboards/"+id+"/loeschen", url.Values{}), http.StatusSeeOther, "delete")
			dtStatus(t, co.Get("/monitoring/dashboards/"+id), http.StatusNotFound, "deleted dashboard")
			if n := dtOne[int](t, env, "SELECT COUNT(*) FROM monitoring_dashboard_panels WHERE dashboard_id = $1", id); n != 0 {
				t.Errorf("%d panels left", n)
			}
			for _, a := range []string{"dashboard.create", "dashboard.update", "dashboard.delete", "dashboard.link"} {
				if n := dtOne[int](t, env, "SELECT COUNT(*) FROM audit_log WHERE tenant_id = $1 AND action = $2", fx.TenantA.ID, a); n == 0 {
					t.Errorf("no audit entry %s", a)
				}
			}
		})
	}
}

// A dashboard's page computes every panel for the filters of the query (overriding the saved
// ones) and for the previous period, publishes them as one release and shows each chart with
// its data table, summary and comparison; the coordinator saves the current filters.
func TestDashboardViewFiltersAndRelease(t *testing.T) {
	for _, e := range apptest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			env, fx, df, c := dtSetup(t, e)
			co := c[access.Coordinator]
			id := df.DashboardA.ID
			releases := func() int {
				return dtOne[int](t, env, "SELECT COUNT(*) FROM monitoring_releases WHERE tenant_id = $1", fx.TenantA.ID)
			}
			before := releases()
			r := co.Get("/monitoring/dashboards/" + id + "?von=2025-12&bis=2026-02&bezirk=" + fx.DistrictA.ID)
			dtStatus(t, r, http.StatusOK, "view with filters")
			if got := releases(); got != before+1 {
				t.Fatalf("%d releases for one page, want 1", got-before)
			}
			tables := dtOne[int](t, env, "SELECT tables FROM monitoring_releases WHERE tenant_id = $1 ORDER BY released_at DESC, id DESC LIMIT 1", fx.TenantA.ID)
			title := dtOne[string](t, env, "SELECT title FROM monitoring_releases WHERE tenant_id = $1 ORDER BY released_at DESC, id DESC LIMIT 1", fx.TenantA.ID)
			if tables != 2*len(df.DashboardA.Panels) || title != "Überblick Alpha" {
				t.Errorf("release: %d tables titled %q, want %d titled Überblick Alpha", tables, title, 2*len(df.DashboardA.Panels))
			}
			doc := r.Doc(t)
			text := dtText(t, r)
			for _, want := range []string{"12/2025 bis 02/2026", "09/2025 bis 11/2025", "Neue Fälle", "Vergleich mit dem Vorzeitraum"} {
				if !strings.Contains(text, want) {
					t.Errorf("page lacks %q", want)
				}
			}
			charts := doc.Find("section.panel figure.chart svg").Length()
			if charts != len(df.DashboardA.Panels) || doc.Find("section.panel").Length() != charts {
				t.Errorf("%d charts in %d panels", charts, doc.Find("section.panel").Length())
			}
			for i := range df.DashboardA.Panels {
				p := doc.Find("#panel-" + strconv.Itoa(i))
				if p.Find("table").Length() < 1 || strings.TrimSpace(p.Find("#panel-"+strconv.Itoa(i)+"-summary").Text()) == "" {
					t.Errorf("panel %d lacks its table or summary", i)
				}
				if cols := p.Find("table").First().Find("thead th").Length(); cols != 4 {
					t.Errorf("panel %d: %d columns in the table, want the 3 months and the row header", i, cols)
				}
			}
			if v, _ := doc.Find("#f-bezirk option[selected]").Attr("value"); v != fx.DistrictA.ID {
				t.Errorf("the district filter shows %q", v)
			}
			// Malformed or foreign filters are refused with the form's messages, never a 500.
			for _, q := range []string{"?von=2026-13&bis=2026-03", "?bezirk=" + fx.DistrictB.ID, "?organisation=x", "?von=2026-05&bis=2026-01"} {
				r := co.Get("/monitoring/dashboards/" + id + q)
				dtStatus(t, r, http.StatusUnprocessableEntity, q)
				if r.Doc(t).Find(".error-summary").Length() != 1 {
					t.Errorf("%s: no messages", q)
				}
			}
			// A filter the indicator has no dimension for does not apply to its panel (the panel says so).
			r = co.PostForm("/monitoring/dashboards/neu", url.Values{"title": {"Stellen"}, "p0_indicator": {"caseload_per_fte"}, "p1_indicator": {"new_cases"}})
			dtStatus(t, r, http.StatusSeeOther, "create")
			r = co.Get(r.Location() + "?bezirk=" + fx.DistrictA.ID)
			dtStatus(t, r, http.StatusOK, "district filter on an indicator without districts")
			if notes := r.Doc(t).Find("section.panel .notice"); notes.Length() != 1 || !strings.Contains(notes.Text(), "gilt für diese Kennzahl nicht") {
				t.Errorf("notes: %q", notes.Text())
			}
			// Save the current filters.
			v := dtVersion(t, env, id)
			r = co.PostForm("/monitoring/dashboards/"+id+"/filter", url.Values{"von": {"2025-07"}, "bis": {"2025-12"}, "bezirk": {fx.DistrictA.ID}, "organisation": {""}, "version": {v}})
			dtStatus(t, r, http.StatusSeeOther, "save filters")
			if got := dtOne[string](t, env, "SELECT from_month || ' ' || to_month || ' ' || filter_district FROM monitoring_dashboards WHERE id = $1", id); got != "2025-07 2025-12 "+fx.DistrictA.ID {
				t.Errorf("saved filters %q", got)
			}
			text = dtText(t, co.Get("/monitoring/dashboards/"+id))
			if !strings.Contains(text, "07/2025 bis 12/2025") || !strings.Contains(text, "01/2025 bis 06/2025") {
				t.Errorf("the saved filters are not the default: %s", text)
			}
			dtStatus(t, co.PostForm("/monitoring/dashboards/"+id+"/filter", url.Values{"von": {"2025-07"}, "bis": {"2025-12"}, "version": {v}}), http.StatusConflict, "stale version")
			// The English page is English.
			en := string(co.Get("/monitoring/dashboards/" + id + "?lang=en").Body)
			if !strings.Contains(en, "Comparison with the previous period") || strings.Contains(en, "Vergleich mit dem Vorzeitraum") {
				t.Error("the English dashboard is not English")
			}
			// The standard dashboard: every standard panel, one release.
			before = releases()
			r = co.Get("/monitoring/dashboards/standard")
			dtStatus(t, r, http.StatusOK, "standard")
			if releases() != before+1 || r.Doc(t).Find("section.panel figure.chart svg").Length() < 3 {
				t.Errorf("standard dashboard: %d releases, %d charts", releases()-before, r.Doc(t).Find("section.panel figure.chart svg").Length())
			}
		})
	}
}

// Readers of figures see dashboards; only the coordination keeps them; another tenant's
// dashboard is not found; the list shows the dashboards with their links.
func TestDashboardAccess(t *testing.T) {
	for _, e := range apptest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			_, _, df, c := dtSetup(t, e)
			a, b := "/monitoring/dashboards/"+df.DashboardA.ID, "/monitoring/dashboards/"+df.DashboardB.ID
			for _, role := range []access.Role{access.TeamLead, access.BodyMember, access.TenantAdmin, access.DataProtectionOfficer, access.Coordinator} {
				dtStatus(t, c[role].Get(a), http.StatusOK, string(role)+" views")
				dtStatus(t, c[role].Get(b), http.StatusNotFound, string(role)+" views beta's")
				r := c[role].Get("/monitoring/dashboards")
				dtStatus(t, r, http.StatusOK, string(role)+" lists")
				text := dtText(t, r)
				if !strings.Contains(text, "Überblick Alpha") || strings.Contains(text, "Überblick Beta") {
					t.Errorf("%s: list %s", role, text)
				}
				if role != access.Coordinator {
					if r := c[role].Get(a); r.Doc(t).Find(`form[action$="/filter"], a[href$="/bearbeiten"]`).Length() != 0 {
						t.Errorf("%s is offered to change the dashboard", role)
					}
					dtStatus(t, c[role].PostForm("/monitoring/dashboards/neu", url.Values{"title": {"X"}}), http.StatusForbidden, string(role)+" creates")
					dtStatus(t, c[role].PostForm(a+"/loeschen", url.Values{}), http.StatusForbidden, string(role)+" deletes")
				}
			}
			dtStatus(t, c[access.CaseManager].Get(a), http.StatusForbidden, "case manager")
			dtStatus(t, c[access.Coordinator].PostForm(b+"/loeschen", url.Values{}), http.StatusNotFound, "delete beta's")
			dtStatus(t, c[access.Coordinator].PostForm(b+"/verknuepfen", url.Values{"target": {"theme:x"}}), http.StatusNotFound, "link beta's")
			dtStatus(t, c[access.Coordinator].Get("/monitoring/dashboards/kein-dashboard"), http.StatusNotFound, "malformed id")
			// The list: links by title; search; empty result.
			text := dtText(t, c[access.Coordinator].Get("/monitoring/dashboards"))
			if !strings.Contains(text, "Kinderbetreuung während der Sprachkurse") {
				t.Errorf("the list lacks the linked theme: %s", text)
			}
			if n := strings.TrimSpace(c[access.Coordinator].Get("/monitoring/dashboards").Doc(t).Find("tbody tr td").First().Text()); n != "2" {
				t.Errorf("the list shows %q panels, want 2", n)
			}
			if text := dtText(t, c[access.Coordinator].Get("/monitoring/dashboards?q=nichts")); !strings.Contains(text, "Kein Dashboard passt") {
				t.Errorf("empty search: %s", text)
			}
		})
	}
}

// The coordinator links a dashboard to a theme and a body of the tenant, and removes the link;
// the theme's and the body's pages list their dashboards for those who may see them.
func TestDashboardLinks(t *testing.T) {
	for _, e := range apptest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			env, fx, df, c := dtSetup(t, e)
			co := c[access.Coordinator]
			id := df.DashboardA.ID
			other := fx.Themes.ThemeOtherA.ID
			page := co.Get("/monitoring/dashboards/" + id)
			if page.Doc(t).Find(`#f-target option[value="theme:`+other+`"]`).Length() != 1 {
				t.Error("the link choice lacks the tenant's theme")
			}
			if page.Doc(t).Find(`#f-target option[value="theme:`+fx.Themes.ThemeB.ID+`"]`).Length() != 0 {
				t.Error("the link choice offers beta's theme")
			}
			dtStatus(t, co.PostForm("/monitoring/dashboards/"+id+"/verknuepfen", url.Values{"target": {"theme:" + other}}), http.StatusSeeOther, "link")
			for what, target := range map[string]string{"again": "theme:" + other, "beta's theme": "theme:" + fx.Themes.ThemeB.ID,
				"a case": "case:" + fx.CaseA1.ID, "empty": "", "garbage": "theme:<x>"} {
				dtStatus(t, co.PostForm("/monitoring/dashboards/"+id+"/verknuepfen", url.Values{"target": {target}}), http.StatusUnprocessableEntity, "link "+what)
			}
			theme := co.Get("/themen/" + other)
			if theme.Doc(t).Find(`#dashboards a[href="/monitoring/dashboards/`+id+`"]`).Length() != 1 {
				t.Errorf("the theme's page lacks the dashboard: %s", dtText(t, theme))
			}
			body := co.Get("/gremien/" + fx.Bodies.BodyA.ID)
			if body.Doc(t).Find(`#dashboards a[href="/monitoring/dashboards/`+id+`"]`).Length() != 1 {
				t.Errorf("the body's page lacks the dashboard")
			}
			if r := c[access.CaseManager].Get("/themen/" + other); r.Doc(t).Find("#dashboards").Length() != 0 {
				t.Error("the case manager, who may not see dashboards, is shown them")
			}
			dtStatus(t, co.PostForm("/monitoring/dashboards/"+id+"/entknuepfen", url.Values{"target": {"theme:" + other}}), http.StatusSeeOther, "unlink")
			dtStatus(t, co.PostForm("/monitoring/dashboards/"+id+"/entknuepfen", url.Values{"target": {"theme:" + other}}), http.StatusUnprocessableEntity, "unlink again")
			if co.Get("/themen/"+other).Doc(t).Find("#dashboards").Length() != 0 {
				t.Error("the theme's page still lists the dashboard")
			}
			if n := dtOne[int](t, env, "SELECT COUNT(*) FROM audit_log WHERE tenant_id = $1 AND action = 'dashboard.unlink'", fx.TenantA.ID); n != 1 {
				t.Errorf("%d unlink entries", n)
			}
		})
	}
}
