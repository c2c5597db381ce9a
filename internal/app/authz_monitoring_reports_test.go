package app_test

import "strings"

func init() {
	// Annual reports and dashboards belong to the tenant (scopes own and other-tenant); an
	// indicator's code is the same in every tenant, so other-tenant stands for an unknown code.
	// Report jobs run synchronously, so that no request leaves a job running.
	matrixTargets = append(matrixTargets, func(m *matrixRunner, r matrixRow, caller string) (string, bool) {
		beta := r.scope == "other-tenant"
		switch {
		case strings.HasPrefix(r.path, "/monitoring/berichte/{id}"):
			m.env.App.Monitor.SetJobRunner(func(job func()) { job() })
			return m.fx.MonitoringReport(m.t, m.env.App, beta), true
		case strings.HasPrefix(r.path, "/monitoring/kennzahlen/{id}/export."):
			return pick(r, "new_cases", "", "keine_kennzahl"), true
		case strings.HasPrefix(r.path, "/monitoring/dashboards/{id}/export."):
			return m.fx.ExportDashboard(m.t, m.env.App, beta), true
		}
		return "", false
	})
}
