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

// themeSorts returns the sort keys of the theme list and their columns. The reports sort by
// what the list shows of them (Count.Rank), never by the exact number.
func themeSorts(engine db.Engine) map[string]string {
	return map[string]string{
		"updated":  "t.updated_at",
		"title":    "lower(t.title)",
		"status":   "CASE t.status WHEN 'candidate' THEN 1 WHEN 'prioritised' THEN 2 WHEN 'in_working_group' THEN 3 WHEN 'recommendation_adopted' THEN 4 WHEN 'monitoring' THEN 5 ELSE 6 END",
		"priority": "CASE t.priority WHEN 'high' THEN 1 WHEN 'medium' THEN 2 WHEN 'low' THEN 3 ELSE 4 END",
		"reports": "COALESCE((SELECT " + themeRankSQL("x.n") + ` FROM (SELECT COUNT(*) AS n FROM theme_reports tr
			JOIN barrier_reports br ON br.tenant_id = tr.tenant_id AND br.id = tr.report_id
			WHERE tr.tenant_id = t.tenant_id AND tr.theme_id = t.id GROUP BY ` + reportMonthSQL(engine, "br.reported_at") + ") x), 0)",
	}
}

// themeTieBreak orders rows of equal sort value by title (then id, for stable pages).
const themeTieBreak = "lower(t.title), t.id"

// reportMonthSQL is the SQL of the month (YYYY-MM) in Europe/Berlin of the timestamp column
// col. Neither engine is asked for the time zone database: a month changes in Berlin at
// midnight, which is 22:00 UTC of the month's last day while summer time is in force and 23:00
// UTC otherwise, and summer time is always in force at the end of March to September and never
// at the end of October to February (it starts on the last Sunday of March and ends on the last
// Sunday of October, 01:00 UTC). So the UTC time plus two hours in the UTC months March to
// September, plus one hour in the others, falls in the Berlin month (TestReportMonthSQL checks
// every month boundary of decades against Go's time zone data).
func reportMonthSQL(engine db.Engine, col string) string {
	if engine == db.Postgres {
		utc := "(" + col + " AT TIME ZONE 'UTC')"
		return "to_char(" + utc + " + CASE WHEN EXTRACT(MONTH FROM " + utc + ") BETWEEN 3 AND 9 THEN INTERVAL '2 hours' ELSE INTERVAL '1 hour' END, 'YYYY-MM')"
	}
	return "strftime('%Y-%m', " + col + ", CASE WHEN CAST(strftime('%m', " + col + ") AS INTEGER) BETWEEN 3 AND 9 THEN '+2 hours' ELSE '+1 hours' END)"
}

// themeMonths returns, per theme of one tenant, the number of reports per month (YYYY-MM,
// Europe/Berlin); months without reports are absent.
func themeMonths(ctx context.Context, tx *db.Tx, tenantID string, themeIDs []string) (map[string]map[string]int, error) {
	out := map[string]map[string]int{}
	if len(themeIDs) == 0 {
		return out, nil
	}
	type row struct {
		theme, month string
		n            int
	}
	rows, err := loopRows(ctx, tx, func(sc loopScanner, r *row) error { return sc.Scan(&r.theme, &r.month, &r.n) },
		`SELECT CAST(tr.theme_id AS TEXT), `+reportMonthSQL(tx.Engine, "br.reported_at")+`, COUNT(*)
		FROM theme_reports tr JOIN barrier_reports br ON br.tenant_id = tr.tenant_id AND br.id = tr.report_id
		WHERE tr.tenant_id = $1 AND tr.theme_id IN (`+db.Placeholders(2, len(themeIDs))+`) GROUP BY 1, 2`, loopArgs([]any{tenantID}, themeIDs)...)
	for _, r := range rows {
		if out[r.theme] == nil {
			out[r.theme] = map[string]int{}
		}
		out[r.theme][r.month] = r.n
	}
	return out, err
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
	if err := ownTheme(ctx, tx, actor, t.TenantID, t.ID); err != nil {
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

// themeCounts fills the report, case and organisation counts of themes of one tenant, as pages
// show them beside the reports per month (DiscloseTheme).
func (s *Service) themeCounts(ctx context.Context, tx *db.Tx, tenantID string, themes []*Theme) error {
	if len(themes) == 0 {
		return nil
	}
	list := make([]string, 0, len(themes))
	for _, t := range themes {
		list = append(list, t.ID)
	}
	months, err := themeMonths(ctx, tx, tenantID, list)
	if err != nil {
		return err
	}
	in := db.Placeholders(2, len(list))
	args := loopArgs([]any{tenantID}, list)
	type row struct {
		id string
		n  int
	}
	scan := func(sc loopScanner, r *row) error { return sc.Scan(&r.id, &r.n) }
	cases, err := loopRows(ctx, tx, scan, `SELECT CAST(tr.theme_id AS TEXT), COUNT(DISTINCT NULLIF(br.case_key, ''))
		FROM theme_reports tr JOIN barrier_reports br ON br.tenant_id = tr.tenant_id AND br.id = tr.report_id
		WHERE tr.tenant_id = $1 AND tr.theme_id IN (`+in+`) GROUP BY tr.theme_id`, args...)
	if err != nil {
		return err
	}
	orgs, err := loopRows(ctx, tx, scan, `SELECT x.theme_id, COUNT(DISTINCT x.org) FROM (
			SELECT CAST(tr.theme_id AS TEXT) AS theme_id, br.organisation_id AS org
			FROM theme_reports tr JOIN barrier_reports br ON br.tenant_id = tr.tenant_id AND br.id = tr.report_id
			WHERE tr.tenant_id = $1 AND tr.theme_id IN (`+in+`)
			UNION
			SELECT CAST(tr.theme_id AS TEXT), bo.organisation_id
			FROM theme_reports tr JOIN barrier_report_orgs bo ON bo.tenant_id = tr.tenant_id AND bo.report_id = tr.report_id
			WHERE tr.tenant_id = $1 AND tr.theme_id IN (`+in+`)
		) x GROUP BY x.theme_id`, args...)
	if err != nil {
		return err
	}
	nCases, nOrgs := map[string]int{}, map[string]int{}
	for _, r := range cases {
		nCases[r.id] = r.n
	}
	for _, r := range orgs {
		nOrgs[r.id] = r.n
	}
	for _, t := range themes {
		var perMonth []int
		for _, n := range months[t.ID] {
			perMonth = append(perMonth, n)
		}
		f := DiscloseTheme(perMonth, nCases[t.ID], nOrgs[t.ID])
		t.Reports, t.Cases, t.Organisations = f.Reports, f.Cases, f.Organisations
	}
	return nil
}

// ownTheme answers not found when the actor sees only the themes of the own bodies and the theme
// is not one of them (membership.go).
func ownTheme(ctx context.Context, tx *db.Tx, actor access.Actor, tenantID, themeID string) error {
	if !membersOnly(actor) {
		return nil
	}
	cond, args := ownThemes(actor, "t.id", 3)
	ok, err := loopExists(ctx, tx, "SELECT 1 FROM themes t WHERE t.tenant_id = $1 AND t.id = $2 AND "+cond, append([]any{tenantID, themeID}, args...)...)
	if err == nil && !ok {
		err = errs.ErrNotFound
	}
	return err
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
