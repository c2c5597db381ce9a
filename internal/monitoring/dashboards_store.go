package monitoring

import (
	"context"
	"database/sql"
	"errors"

	"kim/internal/platform/db"
	"kim/internal/platform/errs"
	"kim/internal/platform/ids"
)

// The storage of dashboards: monitoring_dashboards, _panels (in order) and _links.

const dashboardCols = `CAST(d.id AS TEXT), CAST(d.tenant_id AS TEXT), d.title, d.description, d.from_month, d.to_month,
	d.filter_district, d.filter_org, d.created_by, d.created_at, d.updated_at, d.version`

func scanDashboard(sc db.Scanner, d *Dashboard) error {
	return sc.Scan(&d.ID, &d.TenantID, &d.Title, &d.Description, &d.From, &d.To, &d.District, &d.Organisation,
		&d.CreatedBy, &d.CreatedAt, &d.UpdatedAt, &d.Version)
}

// loadDashboard reads a dashboard of the tenant with its panels and (untitled) links; lock
// locks its row for a change. A dashboard of another tenant is not found.
func loadDashboard(ctx context.Context, tx *db.Tx, tenantID, id string, lock bool) (*Dashboard, error) {
	if !ids.Valid(id) {
		return nil, errs.ErrNotFound
	}
	q := "SELECT " + dashboardCols + " FROM monitoring_dashboards d WHERE d.tenant_id = $1 AND d.id = $2"
	if lock {
		q += tx.ForUpdate()
	}
	var d Dashboard
	if err := scanDashboard(tx.QueryRowContext(ctx, q, tenantID, id), &d); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, errs.ErrNotFound
		}
		return nil, err
	}
	var err error
	if d.Panels, err = dashboardPanels(ctx, tx, tenantID, id); err != nil {
		return nil, err
	}
	if d.Links, err = dashboardLinks(ctx, tx, tenantID, id); err != nil {
		return nil, err
	}
	return &d, nil
}

// dashboardPanels reads the panels of a dashboard in order.
func dashboardPanels(ctx context.Context, tx *db.Tx, tenantID, id string) ([]Panel, error) {
	return db.QueryAll(ctx, tx, func(sc db.Scanner, p *Panel) error { return sc.Scan(&p.Indicator, &p.By, &p.Chart) },
		`SELECT indicator, breakdown, chart FROM monitoring_dashboard_panels WHERE tenant_id = $1 AND dashboard_id = $2 ORDER BY position`,
		tenantID, id)
}

// dashboardLinks reads the links of a dashboard (without titles).
func dashboardLinks(ctx context.Context, tx *db.Tx, tenantID, id string) ([]DashboardLink, error) {
	return db.QueryAll(ctx, tx, func(sc db.Scanner, l *DashboardLink) error { return sc.Scan(&l.Kind, &l.ID, &l.LinkedAt) },
		`SELECT target_kind, target_id, linked_at FROM monitoring_dashboard_links WHERE tenant_id = $1 AND dashboard_id = $2
		ORDER BY target_kind DESC, linked_at, target_id`, tenantID, id)
}

// writePanels replaces the panels of a dashboard.
func writePanels(ctx context.Context, tx *db.Tx, tenantID, id string, panels []Panel) error {
	if _, err := tx.ExecContext(ctx, "DELETE FROM monitoring_dashboard_panels WHERE tenant_id = $1 AND dashboard_id = $2", tenantID, id); err != nil {
		return err
	}
	for i, p := range panels {
		if _, err := tx.ExecContext(ctx, `INSERT INTO monitoring_dashboard_panels (tenant_id, dashboard_id, position, indicator, breakdown, chart)
			VALUES ($1, $2, $3, $4, $5, $6)`, tenantID, id, i, p.Indicator, p.By, p.Chart); err != nil {
			return err
		}
	}
	return nil
}
