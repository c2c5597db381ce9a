package monitoring

import (
	"context"
	"strconv"
	"strings"

	"kim/internal/platform/access"
	"kim/internal/platform/audit"
	"kim/internal/platform/db"
	"kim/internal/platform/errs"
	"kim/internal/platform/ids"
	"kim/internal/platform/web"
)

// LinkChoices is what the dashboards need beyond LinkTargets from the steering room: the
// themes and bodies the actor sees, for the choice of a link and the titles of links. Links to
// a theme or body the actor does not see are not shown to the actor.
type LinkChoices interface {
	LinkTargetChoices(ctx context.Context, actor access.Actor) (themes, bodies []web.Option, err error)
}

// DashboardSortKeys are the sort keys of the dashboard list, the default first.
var DashboardSortKeys = []string{"title", "updated"}

// dashNow is the last completed calendar month (Europe/Berlin) by the database's clock: the
// last month whose figures are published.
func (s *Service) dashNow() Month { return LastComplete(s.DB.Clock.Now()) }

// ListDashboards returns a page of the tenant's dashboards with their links.
func (s *Service) ListDashboards(ctx context.Context, actor access.Actor, q web.ListQuery) ([]Dashboard, int, error) {
	if err := access.Check(actor, KindDashboard, access.List); err != nil {
		return nil, 0, err
	}
	where, args := "d.tenant_id = $1", []any{actor.TenantID}
	if q.Q != "" {
		where += ` AND lower(d.title) LIKE $2 ESCAPE '\'`
		args = append(args, db.Like(q.Q))
	}
	order := q.OrderBy(map[string]string{"title": "lower(d.title)", "updated": "d.updated_at"}, "d.id")
	var out []Dashboard
	var total int
	err := s.DB.Read(ctx, func(tx *db.Tx) error {
		if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM monitoring_dashboards d WHERE "+where, args...).Scan(&total); err != nil {
			return err
		}
		rows, err := db.QueryAll(ctx, tx, scanDashboard, "SELECT "+dashboardCols+" FROM monitoring_dashboards d WHERE "+where+
			" ORDER BY "+order+" LIMIT "+strconv.Itoa(q.Size)+" OFFSET "+strconv.Itoa(q.Offset()), args...)
		if err != nil {
			return err
		}
		out = rows
		for i := range out {
			if out[i].Panels, err = dashboardPanels(ctx, tx, actor.TenantID, out[i].ID); err != nil {
				return err
			}
			if out[i].Links, err = dashboardLinks(ctx, tx, actor.TenantID, out[i].ID); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, 0, err
	}
	titles := s.linkTitles(ctx, actor)
	for i := range out {
		out[i].Links = dashTitled(out[i].Links, titles)
	}
	return out, total, nil
}

// GetDashboard returns a dashboard with its panels and the links the actor sees.
func (s *Service) GetDashboard(ctx context.Context, actor access.Actor, id string) (*Dashboard, error) {
	if err := access.Check(actor, KindDashboard, access.View); err != nil {
		return nil, err
	}
	var d *Dashboard
	err := s.DB.Read(ctx, func(tx *db.Tx) (err error) {
		d, err = loadDashboard(ctx, tx, actor.TenantID, id, false)
		return err
	})
	if err != nil {
		return nil, err
	}
	d.Links = dashTitled(d.Links, s.linkTitles(ctx, actor))
	return d, nil
}

// StandardDashboard is the full KIM dashboard: every standard panel, the last 12 months.
func (s *Service) StandardDashboard(actor access.Actor) (*Dashboard, error) {
	if err := access.Check(actor, KindDashboard, access.View); err != nil {
		return nil, err
	}
	var panels []Panel
	for _, q := range StandardPanels {
		if ind := Lookup(q.Indicator); ind != nil && ind.HasBreakdown(q.By) {
			panels = append(panels, Panel{Indicator: q.Indicator, By: q.By, Chart: standardChart(ind, q.By)})
		}
	}
	return &Dashboard{Standard: true, Panels: panels, TenantID: actor.TenantID}, nil
}

// standardChart is the chart kind of a standard panel: the totals as a line, districts as small
// multiples, a breakdown in which every person counts once as stacked bars, others as bars.
func standardChart(ind *Indicator, by string) string {
	switch {
	case by == "":
		return PanelLine
	case by == dashDistrict:
		return PanelMultiples
	case !MultiValued(ind.Code, by):
		return PanelStacked
	}
	return PanelBar
}

// choices returns the districts and organisations the actor may filter by.
func (s *Service) choices(ctx context.Context, actor access.Actor) (dashboardChoices, *FilterOptions, error) {
	opts, err := s.Options(ctx, actor)
	if err != nil || opts == nil {
		return dashboardChoices{}, &FilterOptions{}, err
	}
	var ch dashboardChoices
	for _, o := range opts.Districts {
		ch.districts = append(ch.districts, o.Value)
	}
	for _, o := range opts.Organisations {
		ch.organisations = append(ch.organisations, o.Value)
	}
	return ch, opts, nil
}

// CreateDashboard stores a new dashboard (the coordination).
func (s *Service) CreateDashboard(ctx context.Context, actor access.Actor, in DashboardInput) (string, error) {
	if err := access.Check(actor, KindDashboard, access.Create); err != nil {
		return "", err
	}
	ch, _, err := s.choices(ctx, actor)
	if err != nil {
		return "", err
	}
	if err := in.validate(ch); err != nil {
		return "", err
	}
	id := ids.New()
	err = s.DB.Write(ctx, func(tx *db.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO monitoring_dashboards (tenant_id, id, title, description, from_month, to_month,
			filter_district, filter_org, created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)`,
			actor.TenantID, id, in.Title, in.Description, in.From, in.To, in.District, in.Organisation, actor.UserID, tx.Now); err != nil {
			return err
		}
		if err := writePanels(ctx, tx, actor.TenantID, id, in.Panels); err != nil {
			return err
		}
		return s.dashboardAudit(ctx, tx, actor, "dashboard.create", id, map[string]string{"panels": strconv.Itoa(len(in.Panels))})
	})
	return id, err
}

// UpdateDashboard changes a dashboard's title, description, default filters and panels
// (optimistic locking: version is the one the form was shown with).
func (s *Service) UpdateDashboard(ctx context.Context, actor access.Actor, id string, version int, in DashboardInput) error {
	return s.changeDashboard(ctx, actor, id, version, func(tx *db.Tx, d *Dashboard, ch dashboardChoices) error {
		if err := in.validate(ch); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE monitoring_dashboards SET title = $1, description = $2, from_month = $3, to_month = $4,
			filter_district = $5, filter_org = $6, updated_at = $7, version = version + 1 WHERE tenant_id = $8 AND id = $9`,
			in.Title, in.Description, in.From, in.To, in.District, in.Organisation, tx.Now, actor.TenantID, id); err != nil {
			return err
		}
		if err := writePanels(ctx, tx, actor.TenantID, id, in.Panels); err != nil {
			return err
		}
		return s.dashboardAudit(ctx, tx, actor, "dashboard.update", id, map[string]string{"panels": strconv.Itoa(len(in.Panels))})
	})
}

// changeDashboard runs change on the dashboard id, locked and at the version the form was shown
// with, in one write transaction with the tenant's filter choices.
func (s *Service) changeDashboard(ctx context.Context, actor access.Actor, id string, version int, change func(tx *db.Tx, d *Dashboard, ch dashboardChoices) error) error {
	if err := access.Guard(actor, KindDashboard, access.Update, id, version); err != nil {
		return err
	}
	ch, _, err := s.choices(ctx, actor)
	if err != nil {
		return err
	}
	return s.DB.Write(ctx, func(tx *db.Tx) error {
		d, err := loadDashboard(ctx, tx, actor.TenantID, id, true)
		if err != nil {
			return err
		}
		if err := dashVersion(d, version); err != nil {
			return err
		}
		return change(tx, d, ch)
	})
}

// SaveFilters stores the filters of the current view as the dashboard's defaults.
func (s *Service) SaveFilters(ctx context.Context, actor access.Actor, id string, version int, q map[string][]string) error {
	return s.changeDashboard(ctx, actor, id, version, func(tx *db.Tx, d *Dashboard, ch dashboardChoices) error {
		if len(q["von"]) == 0 || len(q["bis"]) == 0 {
			return dashFail("von", "validation.required")
		}
		f, err := d.Filter(s.dashNow(), q, ch)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE monitoring_dashboards SET from_month = $1, to_month = $2, filter_district = $3, filter_org = $4,
			updated_at = $5, version = version + 1 WHERE tenant_id = $6 AND id = $7`,
			f.From.String(), f.To.String(), f.District, f.Organisation, tx.Now, actor.TenantID, id); err != nil {
			return err
		}
		return s.dashboardAudit(ctx, tx, actor, "dashboard.filters", id, map[string]string{"from": f.From.String(), "to": f.To.String()})
	})
}

// DeleteDashboard removes a dashboard with its panels and links.
func (s *Service) DeleteDashboard(ctx context.Context, actor access.Actor, id string) error {
	if err := access.Guard(actor, KindDashboard, access.Delete, id, 0); err != nil {
		return err
	}
	return s.DB.Write(ctx, func(tx *db.Tx) error {
		if _, err := loadDashboard(ctx, tx, actor.TenantID, id, true); err != nil {
			return err
		}
		for _, q := range []string{"DELETE FROM monitoring_dashboard_links WHERE tenant_id = $1 AND dashboard_id = $2",
			"DELETE FROM monitoring_dashboard_panels WHERE tenant_id = $1 AND dashboard_id = $2",
			"DELETE FROM monitoring_dashboards WHERE tenant_id = $1 AND id = $2"} {
			if _, err := tx.ExecContext(ctx, q, actor.TenantID, id); err != nil {
				return err
			}
		}
		return s.dashboardAudit(ctx, tx, actor, "dashboard.delete", id, nil)
	})
}

// dashTarget reads a link target "theme:<id>" or "body:<id>".
func dashTarget(target string) (kind, id string, ok bool) {
	kind, id, _ = strings.Cut(target, ":")
	return kind, id, (kind == LinkKindTheme || kind == LinkKindBody) && ids.Valid(id)
}

// LinkDashboard links a dashboard to a theme or a body of the tenant (target "theme:<id>" or
// "body:<id>"); an existing link stays.
func (s *Service) LinkDashboard(ctx context.Context, actor access.Actor, id, target string) error {
	if err := access.Guard(actor, KindDashboard, access.Update, id, 0); err != nil {
		return err
	}
	// The dashboard first (another tenant's is not found, whatever the target), then the target.
	if err := s.DB.Read(ctx, func(tx *db.Tx) error {
		_, err := loadDashboard(ctx, tx, actor.TenantID, id, false)
		return err
	}); err != nil {
		return err
	}
	kind, tid, ok := dashTarget(target)
	if target == "" {
		return dashFail("target", "validation.required")
	}
	if !ok || s.Links == nil {
		return dashFail("target", "validation.choice")
	}
	if _, err := s.Links.LinkTargetTitle(ctx, actor, kind, tid); err != nil {
		if errs.CodeOf(err) == errs.NotFound || errs.CodeOf(err) == errs.Forbidden {
			return dashFail("target", "validation.choice")
		}
		return err
	}
	return s.DB.Write(ctx, func(tx *db.Tx) error {
		d, err := loadDashboard(ctx, tx, actor.TenantID, id, true)
		if err != nil {
			return err
		}
		for _, l := range d.Links {
			if l.Kind == kind && l.ID == tid {
				return dashFail("target", "monitoring.dashboards.already_linked")
			}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO monitoring_dashboard_links (tenant_id, dashboard_id, target_kind, target_id, linked_at)
			VALUES ($1, $2, $3, $4, $5)`, actor.TenantID, id, kind, tid, tx.Now); err != nil {
			return err
		}
		return s.dashboardAudit(ctx, tx, actor, "dashboard.link", id, map[string]string{"kind": kind, "target": tid})
	})
}

// UnlinkDashboard removes a link of a dashboard.
func (s *Service) UnlinkDashboard(ctx context.Context, actor access.Actor, id, target string) error {
	if err := access.Guard(actor, KindDashboard, access.Update, id, 0); err != nil {
		return err
	}
	kind, tid, ok := dashTarget(target)
	return s.DB.Write(ctx, func(tx *db.Tx) error {
		if _, err := loadDashboard(ctx, tx, actor.TenantID, id, true); err != nil {
			return err
		}
		if target == "" {
			return dashFail("target", "validation.required")
		}
		if !ok {
			return dashFail("target", "monitoring.dashboards.not_linked")
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM monitoring_dashboard_links WHERE tenant_id = $1 AND dashboard_id = $2
			AND target_kind = $3 AND target_id = $4`, actor.TenantID, id, kind, tid)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return dashFail("target", "monitoring.dashboards.not_linked")
		}
		return s.dashboardAudit(ctx, tx, actor, "dashboard.unlink", id, map[string]string{"kind": kind, "target": tid})
	})
}

// LinkedDashboards lists the dashboards linked to a theme or body (kind LinkKindTheme or LinkKindBody),
// by title; empty for a role that may not see dashboards.
func (s *Service) LinkedDashboards(ctx context.Context, actor access.Actor, kind, targetID string) ([]Dashboard, error) {
	if !access.Allowed(actor, KindDashboard, access.List) || !ids.Valid(targetID) {
		return nil, nil
	}
	var out []Dashboard
	err := s.DB.Read(ctx, func(tx *db.Tx) (err error) {
		out, err = db.QueryAll(ctx, tx, scanDashboard, "SELECT "+dashboardCols+` FROM monitoring_dashboards d WHERE d.tenant_id = $1
			AND EXISTS (SELECT 1 FROM monitoring_dashboard_links l WHERE l.tenant_id = d.tenant_id AND l.dashboard_id = d.id
			AND l.target_kind = $2 AND l.target_id = $3) ORDER BY lower(d.title), d.id`, actor.TenantID, kind, targetID)
		return err
	})
	return out, err
}

// LinkOptions returns the themes and bodies a dashboard can be linked to.
func (s *Service) LinkOptions(ctx context.Context, actor access.Actor) (themes, bodies []web.Option, err error) {
	if lc, ok := s.Links.(LinkChoices); ok && s.Links != nil {
		return lc.LinkTargetChoices(ctx, actor)
	}
	return nil, nil, nil
}

// linkTitles maps "kind:id" to the titles of the themes and bodies the actor sees.
func (s *Service) linkTitles(ctx context.Context, actor access.Actor) map[string]string {
	themes, bodies, err := s.LinkOptions(ctx, actor)
	out := map[string]string{}
	if err != nil {
		return out
	}
	for _, o := range themes {
		out[LinkKindTheme+":"+o.Value] = o.Label
	}
	for _, o := range bodies {
		out[LinkKindBody+":"+o.Value] = o.Label
	}
	return out
}

// dashTitled keeps the links the actor sees, with their titles.
func dashTitled(links []DashboardLink, titles map[string]string) []DashboardLink {
	var out []DashboardLink
	for _, l := range links {
		if t, ok := titles[l.Value()]; ok {
			l.Title = t
			out = append(out, l)
		}
	}
	return out
}

// dashVersion refuses a change to a dashboard that changed since the form was shown (version 0:
// no version given, any).
func dashVersion(d *Dashboard, version int) error {
	if version != 0 && version != d.Version {
		return errs.E(errs.Conflict, "error.conflict")
	}
	return nil
}

func (s *Service) dashboardAudit(ctx context.Context, tx *db.Tx, actor access.Actor, action, id string, details map[string]string) error {
	return s.Audit.Append(ctx, tx, audit.Entry{Actor: actor, Action: action, ObjectType: "dashboard", ObjectID: id, Details: details})
}

// dashFail is a validation error on one field.
func dashFail(field, msgID string, kv ...any) error {
	var v errs.Validation
	v.Add(field, msgID, kv...)
	return v.Err()
}
