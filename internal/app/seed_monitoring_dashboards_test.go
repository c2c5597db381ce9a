package app_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"kim/internal/app"
	"kim/internal/apptest"
	"kim/internal/platform/db"
)

// The demo's dashboards: the steering group's overview linked to the Lenkungsgruppe KIM, the
// childcare dashboard linked to its theme; seeding twice changes nothing; the coordinator opens
// both, each chart with its table. (Needs the step seedDemoMonitoringDashboards in SeedDemo.)
func TestSeedMonitoringBoards(t *testing.T) {
	for _, e := range apptest.Engines() {
		t.Run(e.Name, func(t *testing.T) { seedMonitoringBoards(t, e) })
	}
}

func seedMonitoringBoards(t *testing.T, e apptest.Engine) {
	env := apptest.New(t, e, apptest.Options{Demo: true})
	ctx := context.Background()
	for i := 0; i < 2; i++ {
		if err := env.App.SeedDemo(ctx); err != nil {
			t.Fatal(err)
		}
	}
	type link struct{ dashboard, id, target string }
	var links []link
	err := env.DB().Read(ctx, func(tx *db.Tx) error {
		var err error
		links, err = db.QueryAll(ctx, tx, func(sc db.Scanner, l *link) error { return sc.Scan(&l.dashboard, &l.id, &l.target) },
			`SELECT d.title, CAST(d.id AS TEXT), COALESCE(b.name, t.title, '') FROM monitoring_dashboards d
			JOIN monitoring_dashboard_links l ON l.tenant_id = d.tenant_id AND l.dashboard_id = d.id
			LEFT JOIN bodies b ON l.target_kind = 'body' AND b.tenant_id = l.tenant_id AND CAST(b.id AS TEXT) = l.target_id
			LEFT JOIN themes t ON l.target_kind = 'theme' AND t.tenant_id = l.tenant_id AND CAST(t.id AS TEXT) = l.target_id
			ORDER BY d.title, 3`)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, l := range links {
		got = append(got, l.dashboard+" → "+l.target)
	}
	want := "Lenkungsgruppe: Überblick → Lenkungsgruppe KIM|Sprache und Kinderbetreuung → AG Sprache und Bildung|Sprache und Kinderbetreuung → Fehlende Kinderbetreuung während Sprachkursen"
	if strings.Join(got, "|") != want {
		t.Fatalf("demo dashboards and links:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.ReplaceAll(want, "|", "\n"))
	}
	co := env.Client()
	co.LoginAs(app.DemoTenant, "koordination@solingen.example", app.DemoPassword)
	for _, id := range []string{links[0].id, links[1].id} {
		r := co.Get("/monitoring/dashboards/" + id)
		if r.StatusCode != http.StatusOK {
			t.Fatalf("dashboard %s: status %d", id, r.StatusCode)
		}
		doc := r.Doc(t)
		if n := doc.Find("section.panel figure.chart svg").Length(); n == 0 || doc.Find("section.panel table.monitoring-table").Length() != n {
			t.Errorf("dashboard %s: %d charts, %d tables", id, n, doc.Find("section.panel table.monitoring-table").Length())
		}
	}
}
