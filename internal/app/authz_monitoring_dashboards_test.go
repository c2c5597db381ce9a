package app_test

import (
	"strings"
	"sync"

	"kim/internal/apptest"
)

// dashboardTargets are the dashboard fixtures per matrix runner, created once.
var dashboardTargets sync.Map // *matrixRunner → *apptest.DashboardFixtures

func init() {
	// Dashboards belong to the tenant (scopes own and other-tenant). A deletion acts on a fresh
	// dashboard of the scope's tenant per request. The exports of a dashboard are the reports
	// part's (authz_monitoring_reports_test.go).
	matrixTargets = append(matrixTargets, func(m *matrixRunner, r matrixRow, caller string) (string, bool) {
		if !strings.HasPrefix(r.path, "/monitoring/dashboards/{id}") || strings.HasPrefix(r.path, "/monitoring/dashboards/{id}/export.") {
			return "", false
		}
		if destructive(r) {
			df := m.fx.Dashboards(m.t, m.env.App)
			return pick(r, df.DashboardA.ID, "", df.DashboardB.ID), true
		}
		v, ok := dashboardTargets.Load(m)
		if !ok {
			v = m.fx.Dashboards(m.t, m.env.App)
			dashboardTargets.Store(m, v)
		}
		df := v.(*apptest.DashboardFixtures)
		return pick(r, df.DashboardA.ID, "", df.DashboardB.ID), true
	})
}
