package monitoring_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"kim/internal/apptest"
	"kim/internal/monitoring"
	"kim/internal/platform/access"
	"kim/internal/platform/db"
	"kim/internal/platform/errs"
)

func TestReleaseRegister(t *testing.T) {
	for _, e := range apptest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			env := apptest.New(t, e, apptest.Options{})
			fx := env.Seed()
			ctx := context.Background()
			a := env.App
			co := fx.Users[access.Coordinator].Actor("alpha")

			// Publish writes one row with the published cells only.
			id := fx.MonitoringRelease(t, a, false)
			var content, channel, audience, by string
			var tables, cells, suppressed int
			err := env.DB().Read(ctx, func(tx *db.Tx) error {
				return tx.QueryRowContext(ctx, `SELECT content, channel, audience, released_by, tables, cells, suppressed FROM monitoring_releases
					WHERE id = $1`, id).Scan(&content, &channel, &audience, &by, &tables, &cells, &suppressed)
			})
			if err != nil {
				t.Fatal(err)
			}
			if channel != "page" || audience != "coordinator" || by != fx.Users[access.Coordinator].ID || tables != 1 || cells != 3 || suppressed != 2 {
				t.Errorf("row: %s %s %s %d %d %d", channel, audience, by, tables, cells, suppressed)
			}
			var c monitoring.ReleaseContent
			if err := json.Unmarshal([]byte(content), &c); err != nil {
				t.Fatal(err)
			}
			row := c.Tables[0].Rows[0]
			if c.Min != 5 || row.Total.Value != nil || !row.Total.Suppressed || row.Cells[0].Value != nil || *row.Cells[1].Value != 12 {
				t.Errorf("content: %s", content)
			}

			// A suppressed cell with a value and an unknown channel are refused; nothing is stored.
			three := 3.0
			leak := &monitoring.Table{Periods: []monitoring.Month{{Year: 2026, Month: 1}},
				Totals: []monitoring.Cell{{Period: "2026-01", Value: &three, Suppressed: true}}}
			if err := a.Monitor.Publish(ctx, co, monitoring.Release{Channel: "page", Tables: []*monitoring.Table{leak}}); err == nil {
				t.Errorf("a suppressed value was published")
			}
			if err := a.Monitor.Publish(ctx, co, monitoring.Release{Channel: "fax"}); errs.CodeOf(err) != errs.Invalid {
				t.Errorf("unknown channel: %v", err)
			}
			if err := a.Monitor.Publish(ctx, co, monitoring.Release{Channel: "api", Audience: "Integrationsrat"}); err != nil {
				t.Fatal(err)
			}
			if n := count(t, env, "SELECT count(*) FROM monitoring_releases"); n != 2 {
				t.Errorf("%d releases, want 2", n)
			}
			fx.MonitoringRelease(t, a, true) // another tenant's: never listed

			// The coordination and the data protection officer read the register.
			for _, role := range []access.Role{access.Coordinator, access.DataProtectionOfficer} {
				c := env.Client()
				c.Login(role)
				r := c.Get("/monitoring/veroeffentlichungen")
				if r.StatusCode != http.StatusOK || strings.Count(string(r.Body), "/monitoring/veroeffentlichungen/0") != 2 ||
					!strings.Contains(string(r.Body), "Fixture-Veröffentlichung") || !strings.Contains(string(r.Body), "Integrationsrat") {
					t.Errorf("%s: register %d\n%s", role, r.StatusCode, r.Body)
				}
				r = c.Get("/monitoring/veroeffentlichungen/" + id)
				body := string(r.Body)
				if r.StatusCode != http.StatusOK || strings.Count(body, "&lt; 5") != 2 || !strings.Contains(body, ">12<") || !strings.Contains(body, "Bezirk B") {
					t.Errorf("%s: release %d\n%s", role, r.StatusCode, body)
				}
				if r := c.Get("/monitoring/veroeffentlichungen?kanal=api"); strings.Contains(string(r.Body), "Fixture-Veröffentlichung") {
					t.Errorf("channel filter ignored")
				}
				if r := c.Get("/monitoring/veroeffentlichungen?von=2099-01-01"); strings.Contains(string(r.Body), "Fixture-Veröffentlichung") {
					t.Errorf("date filter ignored")
				}
				if r := c.Get("/monitoring/veroeffentlichungen?von=kein-datum&kanal=fax"); r.StatusCode != http.StatusOK ||
					!strings.Contains(string(r.Body), "Bitte geben Sie ein Datum an") {
					t.Errorf("bad filter: %d", r.StatusCode)
				}
				r = c.Get("/monitoring/veroeffentlichungen/export.json")
				var out struct {
					Releases []map[string]any `json:"releases"`
				}
				if r.JSON(t, &out); len(out.Releases) != 2 {
					t.Errorf("JSON download: %d entries", len(out.Releases))
				}
				if r := c.Get("/monitoring/veroeffentlichungen/export.csv?kanal=page"); r.StatusCode != http.StatusOK || !strings.Contains(string(r.Body), "Fixture-Veröffentlichung") ||
					strings.Contains(string(r.Body), "Integrationsrat") {
					t.Errorf("CSV download: %d\n%s", r.StatusCode, r.Body)
				}
			}
			cm := env.Client()
			cm.Login(access.CaseManager)
			for _, p := range []string{"/monitoring/veroeffentlichungen", "/monitoring/veroeffentlichungen/" + id, "/monitoring/veroeffentlichungen/export.csv"} {
				if r := cm.Get(p); r.StatusCode != http.StatusForbidden {
					t.Errorf("case manager %s: %d", p, r.StatusCode)
				}
			}
			coc := env.Client()
			coc.Login(access.Coordinator)
			if r := coc.Get("/monitoring/veroeffentlichungen/" + fx.MonitoringRelease(t, a, true)); r.StatusCode != http.StatusNotFound {
				t.Errorf("another tenant's release: %d", r.StatusCode)
			}
		})
	}
}
