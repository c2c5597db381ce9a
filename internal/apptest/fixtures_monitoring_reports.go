package apptest

import (
	"context"
	"testing"

	"kim/internal/app"
	"kim/internal/platform/access"
	"kim/internal/platform/db"
	"kim/internal/platform/ids"
)

// Fixtures of the monitoring's reports part: finished annual reports and dashboards to export.
// Each call stores a fresh record directly (independent of the engine and the dashboards'
// forms), so that tests may change what they get.

// fixtureReportPDF is the (tiny) PDF of a fixture report.
var fixtureReportPDF = []byte("%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n")

// MonitoringReport stores a finished annual report of last year for the integration council in
// tenant alpha (requested by its coordinator) or beta, and returns its id.
func (f *Fixtures) MonitoringReport(t testing.TB, a *app.App, beta bool) string {
	t.Helper()
	tenant, by := f.TenantA.ID, f.Users[access.Coordinator].ID
	if beta {
		tenant, by = f.TenantB.ID, "system"
	}
	id := ids.New()
	err := a.DB.Write(context.Background(), func(tx *db.Tx) error {
		_, err := tx.ExecContext(context.Background(), `INSERT INTO monitoring_reports (tenant_id, id, year, audience, status, progress, step,
			pdf, requested_by, requested_at, finished_at) VALUES ($1, $2, $3, 'council', 'done', 100, 'monitoring.reports.step.done', $4, $5, $6, $6)`,
			tenant, id, tx.Now.Year()-1, fixtureReportPDF, by, tx.Now)
		return err
	})
	if err != nil {
		t.Fatalf("fixtures: monitoring report: %v", err)
	}
	return id
}

// ExportDashboard stores a dashboard of tenant alpha or beta with two panels (new cases by
// district as bars, the open caseload as a line) and returns its id.
func (f *Fixtures) ExportDashboard(t testing.TB, a *app.App, beta bool) string {
	t.Helper()
	tenant, by := f.TenantA.ID, f.Users[access.Coordinator].ID
	if beta {
		tenant, by = f.TenantB.ID, "system"
	}
	id := ids.New()
	ctx := context.Background()
	err := a.DB.Write(ctx, func(tx *db.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO monitoring_dashboards (tenant_id, id, title, from_month, to_month, created_by, created_at, updated_at)
			VALUES ($1, $2, 'Export-Dashboard', '2025-01', '2025-06', $3, $4, $4)`, tenant, id, by, tx.Now); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO monitoring_dashboard_panels (tenant_id, dashboard_id, position, indicator, breakdown, chart)
			VALUES ($1, $2, 0, 'new_cases', 'district', 'bar'), ($1, $2, 1, 'open_caseload', '', 'line')`, tenant, id)
		return err
	})
	if err != nil {
		t.Fatalf("fixtures: export dashboard: %v", err)
	}
	return id
}
