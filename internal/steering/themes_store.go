package steering

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"kim/internal/platform/access"
	"kim/internal/platform/db"
	"kim/internal/platform/errs"
	"kim/internal/platform/ids"
)

// The SQL of themes.

const themeCols = `t.id, t.tenant_id, t.title, t.description, t.life_domain, t.priority, t.status, t.created_at, t.updated_at, t.version`

func scanTheme(sc loopScanner, t *Theme) error {
	return sc.Scan(&t.ID, &t.TenantID, &t.Title, &t.Description, &t.LifeDomain, &t.Priority, &t.Status, &t.CreatedAt, &t.UpdatedAt, &t.Version)
}

// The sort keys of the theme list and their columns.
var themeSorts = map[string]string{
	"updated":  "t.updated_at",
	"title":    "lower(t.title)",
	"status":   "CASE t.status WHEN 'candidate' THEN 1 WHEN 'prioritised' THEN 2 WHEN 'in_working_group' THEN 3 WHEN 'recommendation_adopted' THEN 4 WHEN 'monitoring' THEN 5 ELSE 6 END",
	"priority": "CASE t.priority WHEN 'high' THEN 1 WHEN 'medium' THEN 2 WHEN 'low' THEN 3 ELSE 4 END",
	"reports":  "(SELECT COUNT(*) FROM theme_reports tr WHERE tr.tenant_id = t.tenant_id AND tr.theme_id = t.id)",
}

// ThemeSortKeys are the sort keys of the theme list, the default first.
var ThemeSortKeys = []string{"updated", "title", "status", "priority", "reports"}

// loadTheme reads a theme of the actor's tenant and checks the action on it; forUpdate locks
// the row and checks the version (0 = any).
func (s *Service) loadTheme(ctx context.Context, tx *db.Tx, actor access.Actor, a access.Action, id string, version int, forUpdate bool) (*Theme, error) {
	if !ids.Valid(id) {
		return nil, errs.ErrNotFound
	}
	lock := ""
	if forUpdate {
		lock = tx.ForUpdate()
	}
	var t Theme
	err := scanTheme(tx.QueryRowContext(ctx, "SELECT "+themeCols+" FROM themes t WHERE t.tenant_id = $1 AND t.id = $2"+lock, actor.TenantID, id), &t)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	if err := access.Can(actor, a, access.Resource{Kind: KindTheme, TenantID: t.TenantID}); err != nil {
		return nil, err
	}
	if version != 0 && version != t.Version {
		return nil, errs.E(errs.Conflict, "error.conflict")
	}
	if err := s.themeCounts(ctx, tx, t.TenantID, []*Theme{&t}); err != nil {
		return nil, err
	}
	return &t, nil
}

// themeCounts fills the report, case and organisation counts of themes of one tenant.
func (s *Service) themeCounts(ctx context.Context, tx *db.Tx, tenantID string, themes []*Theme) error {
	if len(themes) == 0 {
		return nil
	}
	byID := map[string]*Theme{}
	list := make([]string, 0, len(themes))
	for _, t := range themes {
		byID[t.ID] = t
		list = append(list, t.ID)
	}
	in := db.Placeholders(2, len(list))
	args := loopArgs([]any{tenantID}, list)
	type row struct {
		id             string
		reports, cases int
	}
	rows, err := loopRows(ctx, tx, func(sc loopScanner, r *row) error { return sc.Scan(&r.id, &r.reports, &r.cases) },
		`SELECT tr.theme_id, COUNT(*), COUNT(DISTINCT NULLIF(br.case_key, ''))
		FROM theme_reports tr JOIN barrier_reports br ON br.tenant_id = tr.tenant_id AND br.id = tr.report_id
		WHERE tr.tenant_id = $1 AND tr.theme_id IN (`+in+`) GROUP BY tr.theme_id`, args...)
	if err != nil {
		return err
	}
	for _, t := range themes {
		t.Reports, t.Cases, t.Organisations = Disclose(0), Disclose(0), Disclose(0)
	}
	for _, r := range rows {
		if t := byID[r.id]; t != nil {
			t.Reports, t.Cases = Disclose(r.reports), Disclose(r.cases)
		}
	}
	orgs, err := loopRows(ctx, tx, func(sc loopScanner, r *row) error { return sc.Scan(&r.id, &r.cases) },
		`SELECT x.theme_id, COUNT(DISTINCT x.org) FROM (
			SELECT tr.theme_id AS theme_id, br.organisation_id AS org
			FROM theme_reports tr JOIN barrier_reports br ON br.tenant_id = tr.tenant_id AND br.id = tr.report_id
			WHERE tr.tenant_id = $1 AND tr.theme_id IN (`+in+`)
			UNION
			SELECT tr.theme_id, bo.organisation_id
			FROM theme_reports tr JOIN barrier_report_orgs bo ON bo.tenant_id = tr.tenant_id AND bo.report_id = tr.report_id
			WHERE tr.tenant_id = $1 AND tr.theme_id IN (`+in+`)
		) x GROUP BY x.theme_id`, args...)
	if err != nil {
		return err
	}
	for _, r := range orgs {
		if t := byID[r.id]; t != nil {
			t.Organisations = Disclose(r.cases)
		}
	}
	return nil
}

// themeEvent records a status change (from "" at creation).
func themeEvent(ctx context.Context, tx *db.Tx, actor access.Actor, tenantID, themeID, from, to, note string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO theme_events (tenant_id, id, theme_id, from_status, to_status, note, actor_id, at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, tenantID, ids.New(), themeID, from, to, note, actor.UserID, tx.Now)
	return err
}

// setThemeStatus moves a theme and records the event.
func setThemeStatus(ctx context.Context, tx *db.Tx, actor access.Actor, t *Theme, to, note string) error {
	if _, err := tx.ExecContext(ctx, `UPDATE themes SET status = $1, updated_at = $2, version = version + 1 WHERE tenant_id = $3 AND id = $4`,
		to, tx.Now, t.TenantID, t.ID); err != nil {
		return err
	}
	if err := themeEvent(ctx, tx, actor, t.TenantID, t.ID, t.Status, to, note); err != nil {
		return err
	}
	t.Status = to
	t.Version++
	return nil
}

// touchTheme marks a theme changed (its reports or bodies changed).
func touchTheme(ctx context.Context, tx *db.Tx, t *Theme) error {
	_, err := tx.ExecContext(ctx, "UPDATE themes SET updated_at = $1, version = version + 1 WHERE tenant_id = $2 AND id = $3", tx.Now, t.TenantID, t.ID)
	t.Version++
	return err
}

func themeEvents(ctx context.Context, tx *db.Tx, tenantID, themeID string) ([]ThemeEvent, error) {
	type row struct {
		ThemeEvent
		actorID string
	}
	rows, err := loopRows(ctx, tx, func(sc loopScanner, r *row) error {
		return sc.Scan(&r.From, &r.To, &r.Note, &r.actorID, &r.At)
	}, "SELECT from_status, to_status, note, actor_id, at FROM theme_events WHERE tenant_id = $1 AND theme_id = $2 ORDER BY at, id", tenantID, themeID)
	if err != nil {
		return nil, err
	}
	var actors []string
	for _, r := range rows {
		actors = append(actors, r.actorID)
	}
	names, err := loopUserNames(ctx, tx, tenantID, actors)
	out := make([]ThemeEvent, len(rows))
	for i, r := range rows {
		out[i] = r.ThemeEvent
		out[i].Actor = names[r.actorID]
	}
	return out, err
}

// ThemeBody is a body a theme is assigned to.
type ThemeBody struct {
	ID, Name, Type string
	AssignedAt     time.Time
}

func themeBodies(ctx context.Context, tx *db.Tx, tenantID, themeID string) ([]ThemeBody, error) {
	return loopRows(ctx, tx, func(sc loopScanner, b *ThemeBody) error { return sc.Scan(&b.ID, &b.Name, &b.Type, &b.AssignedAt) },
		`SELECT b.id, b.name, b.type, tb.assigned_at FROM theme_bodies tb JOIN bodies b ON b.tenant_id = tb.tenant_id AND b.id = tb.body_id
		WHERE tb.tenant_id = $1 AND tb.theme_id = $2 ORDER BY tb.assigned_at, b.name`, tenantID, themeID)
}
