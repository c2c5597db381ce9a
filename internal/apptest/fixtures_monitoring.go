package apptest

import (
	"context"
	"testing"

	"kim/internal/app"
	"kim/internal/monitoring"
	"kim/internal/platform/access"
)

// Fixtures of the integration monitoring. This file holds the context part (context imports,
// entries of the register of releases); the other parts add theirs in
// fixtures_monitoring_<part>.go. The functions create fresh records on each call, so that
// tests (and the authorisation matrix) may delete what they get.

// ContextCSV returns an import file of tenant alpha (tenant beta when beta) with one
// population figure of its district and one of the whole city.
func (f *Fixtures) ContextCSV(beta bool) []byte {
	d := f.DistrictA.Name
	if beta {
		d = f.DistrictB.Name
	}
	return []byte("Zeitraum;Raumeinheit;Merkmal;Wert\n2025;" + d + ";population;1.234\n2025;gesamt;population;5.678,5\n")
}

// ContextImport imports ContextCSV into tenant alpha (as its coordinator) or beta (as the
// system) and returns the import's id.
func (f *Fixtures) ContextImport(t testing.TB, a *app.App, beta bool) string {
	t.Helper()
	actor := f.Users[access.Coordinator].Actor("alpha")
	if beta {
		actor = access.System(f.TenantB.ID)
	}
	imp, err := a.Monitor.ImportContext(context.Background(), actor, monitoring.ContextInput{Filename: "fixture.csv", Content: f.ContextCSV(beta)})
	if err != nil {
		t.Fatalf("fixtures: context import: %v", err)
	}
	return imp.ID
}

// MonitoringRelease writes an entry of the register of releases of tenant alpha (by its
// coordinator) or beta (by the system) with one table of a published and a suppressed cell,
// and returns its id.
func (f *Fixtures) MonitoringRelease(t testing.TB, a *app.App, beta bool) string {
	t.Helper()
	actor := f.Users[access.Coordinator].Actor("alpha")
	if beta {
		actor = access.System(f.TenantB.ID)
	}
	v := 12.0
	m := monitoring.Month{Year: 2026, Month: 1}
	tb := &monitoring.Table{Query: monitoring.Query{Indicator: "fixture", From: m, To: m, By: "district"}, Periods: []monitoring.Month{m},
		Groups: []monitoring.Group{{Key: "a", Label: "Bezirk A"}, {Key: "b", Label: "Bezirk B"}},
		Cells:  [][]monitoring.Cell{{{Period: "2026-01", Group: "Bezirk A", GroupKey: "a", Suppressed: true}, {Period: "2026-01", Group: "Bezirk B", GroupKey: "b", Value: &v}}},
		Totals: []monitoring.Cell{{Period: "2026-01", Suppressed: true}}}
	id, err := a.Monitor.Record(context.Background(), actor, monitoring.Release{Channel: "page", Title: "Fixture-Veröffentlichung", Tables: []*monitoring.Table{tb}})
	if err != nil {
		t.Fatalf("fixtures: release: %v", err)
	}
	return id
}
