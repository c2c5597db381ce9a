package apptest

import (
	"context"
	"testing"

	"kim/internal/app"
	"kim/internal/monitoring"
	"kim/internal/platform/access"
)

// DashboardFixtures are saved dashboards of the integration monitoring: DashboardA in tenant
// alpha (created by the coordinator fixture, two panels, linked to ThemeA and to the steering
// group BodyA), DashboardB in tenant beta (linked to ThemeB). They are made on demand (not by
// Seed), since only the monitoring's tests need them.
type DashboardFixtures struct {
	DashboardA, DashboardB *monitoring.Dashboard
}

// Dashboards creates the dashboard fixtures.
func (f *Fixtures) Dashboards(t testing.TB, a *app.App) *DashboardFixtures {
	t.Helper()
	ctx := context.Background()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("dashboard fixtures: %v", err)
		}
	}
	mk := func(actor access.Actor, title string, targets ...string) *monitoring.Dashboard {
		t.Helper()
		id, err := a.Monitor.CreateDashboard(ctx, actor, monitoring.DashboardInput{Title: title, Description: "Für die Sitzungen.",
			Panels: []monitoring.Panel{{Indicator: "new_cases", Chart: monitoring.PanelLine}, {Indicator: "new_cases", By: "district", Chart: monitoring.PanelMultiples}}})
		must(err)
		for _, target := range targets {
			must(a.Monitor.LinkDashboard(ctx, actor, id, target))
		}
		d, err := a.Monitor.GetDashboard(ctx, actor, id)
		must(err)
		return d
	}
	coordA := f.Users[access.Coordinator].Actor("alpha")
	return &DashboardFixtures{
		DashboardA: mk(coordA, "Überblick Alpha", monitoring.LinkKindTheme+":"+f.Themes.ThemeA.ID, monitoring.LinkKindBody+":"+f.Bodies.BodyA.ID),
		DashboardB: mk(access.System(f.TenantB.ID), "Überblick Beta", monitoring.LinkKindTheme+":"+f.Themes.ThemeB.ID),
	}
}
