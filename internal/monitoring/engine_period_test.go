package monitoring_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"kim/internal/apptest"
	"kim/internal/monitoring"
	"kim/internal/monitoring/sdc"
	"kim/internal/platform/access"
	"kim/internal/platform/errs"
)

// Every query ends at the last completed month in Europe/Berlin (the fixtures' clock stands
// on 2 March 2026): a later end is cut to it, a start after it is refused, the default range
// ends there, and a year not yet complete is withheld. The current month's figures change
// with every new case, so its suppression pattern would differ between two releases.
func TestQueriesEndAtTheLastCompletedMonth(t *testing.T) {
	for _, e := range apptest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			env := apptest.New(t, e, apptest.Options{})
			fx := env.Seed()
			seedEngineData(t, env, fx)
			s := &monitoring.Service{DB: env.DB(), Rule: sdc.Rule{Min: 1, MinPersons: 1}}
			co := fx.Users[access.Coordinator].Actor("alpha")
			ctx := context.Background()
			tbl, err := s.Compute(ctx, co, monitoring.Query{Indicator: "new_cases", From: month("2026-01"), To: month("2026-06")})
			if err != nil || strings.Join(tbl.PeriodKeys, " ") != "2026-01 2026-02" || tbl.Query.To != month("2026-02") {
				t.Errorf("a range into the current month: %v %v", tbl, err)
			}
			_, err = s.Compute(ctx, co, monitoring.Query{Indicator: "new_cases", From: month("2026-03"), To: month("2026-04")})
			if e := errs.As(err); e.Code != errs.Invalid || e.Fields["from"].ID != "monitoring.indicators.error.future" {
				t.Errorf("a range of the current month: %v", err)
			}
			// 28 February 23:30 UTC is 1 March in Berlin: February is complete.
			env.Clock.Set(time.Date(2026, 2, 28, 23, 30, 0, 0, time.UTC))
			tbl, err = s.Compute(ctx, co, monitoring.Query{Indicator: "new_cases"})
			if err != nil || len(tbl.PeriodKeys) != 12 || tbl.PeriodKeys[11] != "2026-02" {
				t.Errorf("the default range: %v %v", tbl, err)
			}
			env.Clock.Set(apptest.Start)
			// 2025 is complete and published; 2026 is withheld.
			ts, err := s.ComputeAll(ctx, co, []monitoring.Query{
				{Indicator: "new_cases", From: month("2025-01"), To: month("2025-12"), Yearly: true},
				{Indicator: "new_cases", From: month("2026-01"), To: month("2026-12"), Yearly: true, By: "organisation"},
			})
			if err != nil {
				t.Fatal(err)
			}
			if c := ts[0].Totals[0]; c.Suppressed || c.Value == nil || *c.Value != 3 {
				t.Errorf("the complete year 2025: %+v", c)
			}
			for _, c := range allCells(ts[1]) {
				if !c.Suppressed || c.Value != nil {
					t.Errorf("the incomplete year 2026 publishes %+v", c)
				}
			}
		})
	}
}

// The pages end at the last completed month too: a later "bis" is cut, a "von" in the current
// month answers 422 with the message at the field.
func TestIndicatorPageEndsAtTheLastCompletedMonth(t *testing.T) {
	env := apptest.New(t, apptest.SQLite, apptest.Options{})
	env.Seed()
	co := env.Client()
	co.Login(access.Coordinator)
	r := co.Get("/monitoring/kennzahlen/new_cases?von=2025-12&bis=2026-09")
	if r.StatusCode != http.StatusOK {
		t.Fatalf("a later bis: %d", r.StatusCode)
	}
	doc := r.Doc(t)
	if v, _ := doc.Find(`input[name="bis"]`).Attr("value"); v != "2026-02" {
		t.Errorf("bis shows %q, want 2026-02", v)
	}
	if n := doc.Find(`table`).First().Find(`thead th[scope="col"]`).Length(); n != 4 {
		t.Errorf("%d column headers, want the corner and 2025-12 to 2026-02", n)
	}
	r = co.Get("/monitoring/kennzahlen/new_cases?von=2026-03")
	if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Doc(t).Find("#f-von-error").Text(), "abgeschlossener Monat") {
		t.Errorf("von in the current month: %d", r.StatusCode)
	}
	if r := co.Get("/monitoring/kennzahlen/new_cases"); r.StatusCode != http.StatusOK {
		t.Errorf("the default range: %d", r.StatusCode)
	} else if v, _ := r.Doc(t).Find(`input[name="bis"]`).Attr("value"); v != "2026-02" {
		t.Errorf("the default range ends %q", v)
	}
}

// The previous period of a range at the first month (1900-01) lies before it: the page shows
// no comparison instead of refusing valid input; ComputeAll answers it with a table without
// periods, so that dashboards, which ask for every previous period, work too.
func TestEarlyRangeHasNoComparison(t *testing.T) {
	env := apptest.New(t, apptest.SQLite, apptest.Options{})
	fx := env.Seed()
	co := env.Client()
	co.Login(access.Coordinator)
	r := co.Get("/monitoring/kennzahlen/new_cases?von=1900-01&bis=1900-03&nach=district")
	if r.StatusCode != http.StatusOK {
		t.Fatalf("an early range: %d", r.StatusCode)
	}
	if text := r.Doc(t).Find("#compare-heading").Parent().Text(); !strings.Contains(text, "Vor dem gewählten Zeitraum") {
		t.Errorf("the comparison says %q", text)
	}
	q := monitoring.Query{Indicator: "new_cases", From: month("1900-01"), To: month("1900-03"), By: "district"}
	ts, err := env.App.Monitor.ComputeAll(context.Background(), fx.Users[access.Coordinator].Actor("alpha"), []monitoring.Query{q, monitoring.Previous(q)})
	if err != nil || !ts[0].HasPeriods() || ts[1].HasPeriods() || ts[1].Indicator == nil {
		t.Fatalf("an early range and its previous period: %v", err)
	}
	// Everything else of the previous period's query is still checked.
	bad := monitoring.Previous(q)
	bad.By = "hair_colour"
	if _, err := env.App.Monitor.Compute(context.Background(), fx.Users[access.Coordinator].Actor("alpha"), bad); errs.CodeOf(err) != errs.Invalid {
		t.Errorf("a bad breakdown before the first month: %v", err)
	}
	if r := co.Get("/monitoring/dashboards/standard?von=1900-01&bis=1900-03"); r.StatusCode != http.StatusOK {
		t.Errorf("the standard dashboard of an early range: %d", r.StatusCode)
	}
}

// A suppressed magnitude is not "< 5" (its value is not below 5): it is marked "•" and
// explained as withheld; counts keep "< 5".
func TestSuppressedMagnitudeMarker(t *testing.T) {
	env := apptest.New(t, apptest.SQLite, apptest.Options{})
	fx := env.Seed()
	seedEngineData(t, env, fx)
	co := env.Client()
	co.Login(access.Coordinator)
	doc := co.Get("/monitoring/kennzahlen/case_duration_days?von=2025-01&bis=2025-03").Doc(t)
	table := doc.Find("table").First().Text()
	if !strings.Contains(table, "•") || strings.Contains(table, "< 5") {
		t.Errorf("the magnitude's table: %q", table)
	}
	if body := doc.Text(); !strings.Contains(body, "gesperrt (weniger als 10 Personen") {
		t.Error("the withheld marker is not explained")
	}
	table = co.Get("/monitoring/kennzahlen/new_cases?von=2025-01&bis=2025-03").Doc(t).Find("table").First().Text()
	if !strings.Contains(table, "< 5") || strings.Contains(table, "•") {
		t.Errorf("the count's table: %q", table)
	}
}
