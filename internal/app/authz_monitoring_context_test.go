package app_test

import "strings"

func init() {
	// Context imports and entries of the register of releases belong to the tenant (scopes own
	// and other-tenant). Each request gets a fresh record: deleting an import removes it.
	matrixTargets = append(matrixTargets, func(m *matrixRunner, r matrixRow, caller string) (string, bool) {
		beta := r.scope == "other-tenant"
		switch {
		case strings.HasPrefix(r.path, "/monitoring/kontextdaten/{id}"):
			return m.fx.ContextImport(m.t, m.env.App, beta), true
		case strings.HasPrefix(r.path, "/monitoring/veroeffentlichungen/{id}"):
			return m.fx.MonitoringRelease(m.t, m.env.App, beta), true
		}
		return "", false
	})
}
