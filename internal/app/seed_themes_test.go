package app_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"kim/internal/app"
	"kim/internal/apptest"
	"kim/internal/platform/db"
	"kim/internal/steering"
)

// The demo's themes: merged from the demo barrier reports, in different states; the childcare
// theme with the whole loop (AG Sprache und Bildung, a recommendation adopted in a held meeting
// of the Lenkungsgruppe KIM with feedback and, when the offers seed made it, the offer it
// created); a submitted recommendation and one in implementation; seeding twice changes nothing.
func TestDemoThemes(t *testing.T) {
	for _, e := range apptest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			env := apptest.New(t, e, apptest.Options{Demo: true})
			ctx := context.Background()
			for i := 0; i < 2; i++ {
				if err := env.App.SeedDemo(ctx); err != nil {
					t.Fatal(err)
				}
			}
			type row struct{ title, status, extra string }
			query := func(q string) []row {
				var out []row
				err := env.DB().Read(ctx, func(tx *db.Tx) error {
					rows, err := tx.QueryContext(ctx, q)
					if err != nil {
						return err
					}
					defer rows.Close()
					for rows.Next() {
						var r row
						if err := rows.Scan(&r.title, &r.status, &r.extra); err != nil {
							return err
						}
						out = append(out, r)
					}
					return rows.Err()
				})
				if err != nil {
					t.Fatal(err)
				}
				return out
			}
			themes := map[string]row{}
			for _, r := range query(`SELECT t.title, t.status, COALESCE((SELECT b.name FROM theme_bodies tb JOIN bodies b ON b.tenant_id = tb.tenant_id
				AND b.id = tb.body_id WHERE tb.tenant_id = t.tenant_id AND tb.theme_id = t.id), '') FROM themes t`) {
				themes[r.title] = r
			}
			if len(themes) != 5 {
				t.Fatalf("%d demo themes (after seeding twice): %v", len(themes), themes)
			}
			want := map[string]row{
				"Fehlende Kinderbetreuung während Sprachkursen": {status: steering.ThemeAdopted, extra: "AG Sprache und Bildung"},
				"Lange Wartezeiten bei der Ausländerbehörde":    {status: steering.ThemeAdopted},
				"Medienbruch beim Wechsel AsylbLG → SGB II":     {status: steering.ThemePrioritised},
				"Wohnungssuche für große Familien":              {status: steering.ThemeInWorkGroup, extra: "AG Wohnen"},
				"Anerkennung ausländischer Berufsabschlüsse":    {status: steering.ThemeCandidate},
			}
			for title, w := range want {
				if got := themes[title]; got.status != w.status || got.extra != w.extra {
					t.Errorf("%s: status %q, body %q; want %q, %q", title, got.status, got.extra, w.status, w.extra)
				}
			}
			if n := len(query("SELECT id, status, '' FROM barrier_reports br WHERE status = 'assigned'")); n < 15 {
				t.Errorf("only %d demo reports in themes", n)
			}
			if n := len(query("SELECT id, status, '' FROM barrier_reports br WHERE status IN ('reported', 'screened')")); n == 0 {
				t.Error("no demo reports left in the inbox")
			}
			recs := map[string]row{}
			for _, r := range query(`SELECT r.title, r.status, COALESCE(b.name, '') || '|' || r.decided_on || '|' || r.feedback FROM recommendations r
				LEFT JOIN meetings m ON m.tenant_id = r.tenant_id AND m.id = r.decision_meeting_id
				LEFT JOIN bodies b ON b.tenant_id = m.tenant_id AND b.id = m.body_id`) {
				recs[r.title] = r
			}
			child := recs["Kinderbetreuung parallel zu Integrationskursen in Ohligs"]
			if child.status != steering.RecAdopted || !strings.HasPrefix(child.extra, "Lenkungsgruppe KIM|20") || !strings.Contains(child.extra, "Ohligs") {
				t.Errorf("childcare recommendation: %+v", child)
			}
			statuses := map[string]int{}
			for _, r := range recs {
				statuses[r.status]++
			}
			if statuses[steering.RecSubmitted] != 1 || statuses[steering.RecInImplementation] != 1 {
				t.Errorf("recommendation statuses %v", statuses)
			}
			// The decisions are in the meetings' minutes; the history lies in the past.
			if n := len(query("SELECT text, '', '' FROM meeting_decisions WHERE recommendation_id IS NOT NULL")); n != 2 {
				t.Errorf("%d decisions about recommendations, want 2", n)
			}
			now := env.Clock.Now()
			var future int
			err := env.DB().Read(ctx, func(tx *db.Tx) error {
				return tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM theme_events WHERE at > $1", now).Scan(&future)
			})
			if err != nil || future != 0 {
				t.Errorf("%d theme events in the future (%v)", future, err)
			}
			offer := query("SELECT o.title, ro.kind, '' FROM recommendation_offers ro JOIN offers o ON o.tenant_id = ro.tenant_id AND o.id = ro.offer_id")
			if len(query("SELECT title, '', '' FROM offers WHERE title = 'Sprachkurs mit Kinderbetreuung Ohligs'")) > 0 &&
				(len(offer) != 1 || offer[0].title != "Sprachkurs mit Kinderbetreuung Ohligs" || offer[0].status != "created") {
				t.Errorf("offer links %+v", offer)
			}
			// The loop view of the demo theme renders for the coordination and a case manager.
			var id string
			err = env.DB().Read(ctx, func(tx *db.Tx) error {
				return tx.QueryRowContext(ctx, "SELECT CAST(id AS TEXT) FROM themes WHERE title = $1", "Fehlende Kinderbetreuung während Sprachkursen").Scan(&id)
			})
			if err != nil {
				t.Fatal(err)
			}
			// The coordination sees the meeting's agenda; a case manager (who may not see meetings)
			// the decision only.
			decision := "Handlungsempfehlung „Kinderbetreuung parallel zu Integrationskursen in Ohligs“ beschlossen"
			for email, agenda := range map[string]bool{"koordination@solingen.example": true, "cm.awo@solingen.example": false} {
				c := env.Client()
				c.LoginAs(app.DemoTenant, email, app.DemoPassword)
				r := c.Get("/themen/" + id + "/kreislauf")
				body := string(r.Body)
				if r.StatusCode != http.StatusOK || strings.Contains(body, "Beratung der Handlungsempfehlungen") != agenda || !strings.Contains(body, decision) {
					t.Errorf("%s: loop view %d, agenda shown %v", email, r.StatusCode, !agenda)
				}
			}

			// Idempotent step by step: a theme that went missing (with its reports back in the
			// inbox) is made again, nothing else changes.
			counts := func() string {
				var out []string
				for _, q := range []string{"themes", "theme_events", "theme_bodies", "recommendations", "recommendation_events", "recommendation_offers", "meeting_decisions"} {
					out = append(out, q+"="+strconv.Itoa(len(query("SELECT CAST(tenant_id AS TEXT), '', '' FROM "+q))))
				}
				return strings.Join(out, " ")
			}
			before := counts()
			err = env.DB().Write(ctx, func(tx *db.Tx) error {
				var theme string
				if err := tx.QueryRowContext(ctx, "SELECT CAST(id AS TEXT) FROM themes WHERE title = $1", "Anerkennung ausländischer Berufsabschlüsse").Scan(&theme); err != nil {
					return err
				}
				for _, q := range []string{"UPDATE barrier_reports SET status = 'screened' WHERE id IN (SELECT report_id FROM theme_reports WHERE theme_id = $1)",
					"DELETE FROM theme_reports WHERE theme_id = $1", "DELETE FROM theme_events WHERE theme_id = $1", "DELETE FROM themes WHERE id = $1"} {
					if _, err := tx.ExecContext(ctx, q, theme); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if err := env.App.SeedDemo(ctx); err != nil {
				t.Fatal(err)
			}
			if after := counts(); after != before {
				t.Errorf("after seeding a missing theme again: %s, before %s", after, before)
			}
			if n := len(query("SELECT title, status, '' FROM themes WHERE title = 'Anerkennung ausländischer Berufsabschlüsse'")); n != 1 {
				t.Errorf("the missing theme was made %d times", n)
			}
		})
	}
}
