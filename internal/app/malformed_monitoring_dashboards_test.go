package app_test

import (
	"sync"

	"kim/internal/apptest"
)

// dashboardRecords are the dashboard fixtures per prober, created once.
var dashboardRecords sync.Map // *prober → *apptest.DashboardFixtures

func init() {
	// Dashboards are the coordination's (the "/monitoring" area of malformed_monitoring_test.go
	// names the caller); the battery posts to another tenant's dashboard for every action but
	// an edit.
	targetAreas = append(targetAreas, func(p *prober) ([]string, target) {
		v, ok := dashboardRecords.Load(p)
		if !ok {
			v = p.fx.Dashboards(p.t, p.env.App)
			dashboardRecords.Store(p, v)
		}
		df := v.(*apptest.DashboardFixtures)
		return []string{"/monitoring/dashboards"}, target{own: df.DashboardA.ID, foreign: df.DashboardB.ID}
	})
}
