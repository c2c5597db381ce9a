package steering

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"kim/internal/platform/access"
	"kim/internal/platform/db"
	"kim/internal/platform/errs"
	"kim/internal/platform/ids"
	"kim/internal/platform/valid"
	"kim/internal/platform/web"
)

// Body types that the steering loop tells apart: working and project groups work on themes;
// the steering group decides on recommendations.
var (
	workingBodyTypes  = []string{BodyWorkingGroup, BodyProjectGroup}
	steeringBodyTypes = []string{BodySteeringGroup}
)

// ListThemes returns a page of the tenant's themes with their counts.
func (s *Service) ListThemes(ctx context.Context, actor access.Actor, q web.ListQuery, f ThemeFilter) ([]Theme, int, error) {
	if err := access.Check(actor, KindTheme, access.List); err != nil {
		return nil, 0, err
	}
	scope := access.Scope(actor, KindTheme, access.List, "t", 1)
	where, args := []string{scope.SQL}, scope.Args
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	switch {
	case f.Status == "all":
	case slices.Contains(ThemeStatuses, f.Status):
		where = append(where, "t.status = "+arg(f.Status))
	default:
		where = append(where, "t.status <> "+arg(ThemeClosed))
	}
	switch {
	case f.Priority == "none":
		where = append(where, "t.priority = ''")
	case slices.Contains(ThemePriorities, f.Priority):
		where = append(where, "t.priority = "+arg(f.Priority))
	}
	if q.Q != "" {
		where = append(where, "lower(t.title) LIKE "+arg(db.Like(q.Q))+` ESCAPE '\'`)
	}
	own, ownArgs := ownThemes(actor, "t.id", len(args)+1)
	where, args = append(where, own), append(args, ownArgs...)
	cond := strings.Join(where, " AND ")
	var out []Theme
	var total int
	err := s.DB.Read(ctx, func(tx *db.Tx) error {
		if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM themes t WHERE "+cond, args...).Scan(&total); err != nil {
			return err
		}
		rows, err := loopRows(ctx, tx, scanTheme, "SELECT "+themeCols+" FROM themes t WHERE "+cond+" ORDER BY "+q.OrderBy(themeSorts(tx.Engine), themeTieBreak)+
			" LIMIT "+strconv.Itoa(q.Size)+" OFFSET "+strconv.Itoa(q.Offset()), args...)
		if err != nil {
			return err
		}
		out = rows
		ptrs := make([]*Theme, len(out))
		for i := range out {
			ptrs[i] = &out[i]
		}
		return s.themeCounts(ctx, tx, actor.TenantID, ptrs)
	})
	return out, total, err
}

// ThemeView is a theme's page: the theme, its history, bodies and recommendations, and (for
// the coordination, who screens reports) its reports.
type ThemeView struct {
	Theme           *Theme
	Events          []ThemeEvent
	Bodies          []ThemeBody
	Reports         []ThemeReport // only for those who screen barrier reports
	Recommendations []Recommendation
}

// GetTheme returns a theme's page.
func (s *Service) GetTheme(ctx context.Context, actor access.Actor, id string) (*ThemeView, error) {
	if err := access.Guard(actor, KindTheme, access.View, id, 0); err != nil {
		return nil, err
	}
	var v ThemeView
	err := s.DB.Read(ctx, func(tx *db.Tx) (err error) {
		if v.Theme, err = s.loadTheme(ctx, tx, actor, access.View, id, 0, false); err != nil {
			return err
		}
		if v.Events, err = themeEvents(ctx, tx, v.Theme.TenantID, id); err != nil {
			return err
		}
		if v.Bodies, err = themeBodies(ctx, tx, v.Theme.TenantID, id); err != nil {
			return err
		}
		if access.Allowed(actor, KindBarrierReport, access.Manage) {
			if v.Reports, err = themeReports(ctx, tx, "tr.tenant_id = $1 AND tr.theme_id = $2", v.Theme.TenantID, id); err != nil {
				return err
			}
		}
		v.Recommendations, err = s.recommendationsOf(ctx, tx, v.Theme.TenantID, []string{id})
		return err
	})
	if err != nil {
		return nil, err
	}
	return &v, nil
}

// UpdateTheme changes a theme's title, description, life domain and priority.
func (s *Service) UpdateTheme(ctx context.Context, actor access.Actor, id string, version int, in ThemeInput) error {
	if err := access.Guard(actor, KindTheme, access.Update, id, version); err != nil {
		return err
	}
	return s.DB.Write(ctx, func(tx *db.Tx) error {
		t, err := s.loadTheme(ctx, tx, actor, access.Update, id, version, true)
		if err != nil {
			return err
		}
		if err := in.Validate(); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE themes SET title = $1, description = $2, life_domain = $3, priority = $4, updated_at = $5,
			version = version + 1 WHERE tenant_id = $6 AND id = $7`, in.Title, in.Description, in.LifeDomain, in.Priority, tx.Now, t.TenantID, t.ID); err != nil {
			return err
		}
		details := map[string]string{"priority": in.Priority}
		if in.Priority != t.Priority {
			details["priority_before"] = t.Priority
		}
		return s.loopAudit(ctx, tx, actor, "theme.update", "theme", t.ID, details)
	})
}

// MoveTheme changes a theme's status along the allowed steps. Closing needs a note; moving to
// "in a working group" needs an assigned working or project group, "recommendation adopted" an
// adopted recommendation.
func (s *Service) MoveTheme(ctx context.Context, actor access.Actor, id string, version int, to, note string) error {
	if err := access.Guard(actor, KindTheme, access.Update, id, version); err != nil {
		return err
	}
	note = valid.CleanText(note)
	return s.DB.Write(ctx, func(tx *db.Tx) error {
		t, err := s.loadTheme(ctx, tx, actor, access.Update, id, version, true)
		if err != nil {
			return err
		}
		var v errs.Validation
		valid.Length(&v, "note", note, themeNoteMax)
		switch {
		case to == "":
			v.Add("status", "validation.required")
		case !slices.Contains(ThemeStatuses, to):
			v.Add("status", "validation.choice")
		case !slices.Contains(ThemeNext(t.Status), to):
			v.Add("status", "steering.theme.step_refused")
		case to == ThemeClosed && note == "":
			v.Add("note", "steering.theme.close_note")
		case to == ThemeInWorkGroup:
			ok, err := loopExists(ctx, tx, `SELECT 1 FROM theme_bodies tb JOIN bodies b ON b.tenant_id = tb.tenant_id AND b.id = tb.body_id
				WHERE tb.tenant_id = $1 AND tb.theme_id = $2 AND b.type IN ($3, $4)`, t.TenantID, t.ID, workingBodyTypes[0], workingBodyTypes[1])
			if err != nil {
				return err
			}
			if !ok {
				v.Add("status", "steering.theme.needs_group")
			}
		case to == ThemeAdopted:
			ok, err := loopExists(ctx, tx, "SELECT 1 FROM recommendations WHERE tenant_id = $1 AND theme_id = $2 AND status IN ($3, $4, $5, $6)",
				t.TenantID, t.ID, RecAdopted, RecInImplementation, RecImplemented, RecEvaluated)
			if err != nil {
				return err
			}
			if !ok {
				v.Add("status", "steering.theme.needs_adopted")
			}
		}
		if err := v.Err(); err != nil {
			return err
		}
		from := t.Status
		if err := setThemeStatus(ctx, tx, actor, t, to, note); err != nil {
			return err
		}
		return s.loopAudit(ctx, tx, actor, "theme.status", "theme", t.ID, map[string]string{"from": from, "to": to})
	})
}

// AssignBody assigns a theme to a body of the tenant. Assigning a working or project group
// moves a prioritised theme on to "in a working group".
func (s *Service) AssignBody(ctx context.Context, actor access.Actor, id string, bodyID string) error {
	if err := access.Guard(actor, KindTheme, access.Update, id, 0); err != nil {
		return err
	}
	return s.DB.Write(ctx, func(tx *db.Tx) error {
		t, err := s.loadTheme(ctx, tx, actor, access.Update, id, 0, true)
		if err != nil {
			return err
		}
		if !t.Open() {
			return themeFail("body_id", "steering.theme.closed")
		}
		if bodyID == "" {
			return themeFail("body_id", "validation.required")
		}
		var typ string
		if !ids.Valid(bodyID) {
			return themeFail("body_id", "validation.choice")
		}
		err = tx.QueryRowContext(ctx, "SELECT type FROM bodies WHERE tenant_id = $1 AND id = $2 AND active", t.TenantID, bodyID).Scan(&typ)
		if err != nil {
			if loopNoRows(err) {
				return themeFail("body_id", "validation.choice")
			}
			return err
		}
		if ok, err := loopExists(ctx, tx, "SELECT 1 FROM theme_bodies WHERE tenant_id = $1 AND theme_id = $2 AND body_id = $3", t.TenantID, t.ID, bodyID); err != nil {
			return err
		} else if ok {
			return themeFail("body_id", "steering.theme.body_assigned")
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO theme_bodies (tenant_id, theme_id, body_id, assigned_at) VALUES ($1, $2, $3, $4)",
			t.TenantID, t.ID, bodyID, tx.Now); err != nil {
			return err
		}
		if slices.Contains(workingBodyTypes, typ) && t.Status == ThemePrioritised {
			if err := setThemeStatus(ctx, tx, actor, t, ThemeInWorkGroup, ""); err != nil {
				return err
			}
		} else if err := touchTheme(ctx, tx, t); err != nil {
			return err
		}
		return s.loopAudit(ctx, tx, actor, "theme.assign_body", "theme", t.ID, map[string]string{"body": bodyID, "status": t.Status})
	})
}

// RemoveReport takes a barrier report out of a theme; the report is "screened" again and can be
// merged into another theme.
func (s *Service) RemoveReport(ctx context.Context, actor access.Actor, id, reportID string) error {
	if err := access.Guard(actor, KindTheme, access.Update, id, 0); err != nil {
		return err
	}
	return s.DB.Write(ctx, func(tx *db.Tx) error {
		t, err := s.loadTheme(ctx, tx, actor, access.Update, id, 0, true)
		if err != nil {
			return err
		}
		if reportID == "" {
			return themeFail("report_id", "validation.required")
		}
		if !ids.Valid(reportID) {
			return themeFail("report_id", "steering.theme.report_not_in_theme")
		}
		res, err := tx.ExecContext(ctx, "DELETE FROM theme_reports WHERE tenant_id = $1 AND theme_id = $2 AND report_id = $3", t.TenantID, t.ID, reportID)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return themeFail("report_id", "steering.theme.report_not_in_theme")
		}
		// Only a report that is "assigned" goes back to "screened": one the barrier-report part
		// has closed meanwhile stays closed.
		if _, err := tx.ExecContext(ctx, `UPDATE barrier_reports SET status = $1, updated_at = $2, version = version + 1
			WHERE tenant_id = $3 AND id = $4 AND status = $5`, reportScreened, tx.Now, t.TenantID, reportID, reportAssigned); err != nil {
			return err
		}
		if err := touchTheme(ctx, tx, t); err != nil {
			return err
		}
		return s.loopAudit(ctx, tx, actor, "theme.remove_report", "theme", t.ID, map[string]string{"report": reportID})
	})
}

// ThemeReportOf returns a report of a theme (for the confirmation page of its removal).
func (s *Service) ThemeReportOf(ctx context.Context, actor access.Actor, id, reportID string) (*Theme, *ThemeReport, error) {
	if err := access.Guard(actor, KindTheme, access.Update, id, 0); err != nil {
		return nil, nil, err
	}
	var t *Theme
	var r []ThemeReport
	err := s.DB.Read(ctx, func(tx *db.Tx) (err error) {
		if t, err = s.loadTheme(ctx, tx, actor, access.Update, id, 0, false); err != nil {
			return err
		}
		if !ids.Valid(reportID) {
			return errs.ErrNotFound
		}
		r, err = themeReports(ctx, tx, "tr.tenant_id = $1 AND tr.theme_id = $2 AND br.id = $3", t.TenantID, t.ID, reportID)
		return err
	})
	if err == nil && len(r) == 0 {
		err = errs.ErrNotFound
	}
	if err != nil {
		return nil, nil, err
	}
	return t, &r[0], nil
}

// Choice is an entry of a selection list.
type Choice struct {
	ID, Label, Detail string
}

// ThemeChoices lists the open themes the actor sees (to merge reports into, to draft for), or
// with all every theme (to filter by); Detail is the status. A body member sees the themes of
// the own bodies only.
func (s *Service) ThemeChoices(ctx context.Context, actor access.Actor, all bool) ([]Choice, error) {
	if err := access.Check(actor, KindTheme, access.List); err != nil {
		return nil, err
	}
	var out []Choice
	err := s.DB.Read(ctx, func(tx *db.Tx) (err error) {
		out, err = themeChoices(ctx, tx, actor, all)
		return err
	})
	return out, err
}

func themeChoices(ctx context.Context, tx *db.Tx, actor access.Actor, all bool) ([]Choice, error) {
	closed := ThemeClosed
	if all {
		closed = ""
	}
	own, args := ownThemes(actor, "t.id", 3)
	return loopRows(ctx, tx, func(sc loopScanner, c *Choice) error { return sc.Scan(&c.ID, &c.Label, &c.Detail) },
		"SELECT t.id, t.title, t.status FROM themes t WHERE t.tenant_id = $1 AND t.status <> $2 AND "+own+" ORDER BY lower(t.title), t.id",
		append([]any{actor.TenantID, closed}, args...)...)
}

// BodyChoices lists the active bodies of the tenant (Detail: the type) for those who read
// recommendations (the filter of their list) or keep themes (the assignment); onlyMine, and
// always for a body member, limits them to the bodies the actor is a member or deputy of.
func (s *Service) BodyChoices(ctx context.Context, actor access.Actor, onlyMine bool) ([]Choice, error) {
	if !access.Allowed(actor, KindRecommendation, access.List) && !access.Allowed(actor, KindTheme, access.Update) {
		return nil, errs.ErrForbidden
	}
	var out []Choice
	err := s.DB.Read(ctx, func(tx *db.Tx) (err error) {
		out, err = bodyChoices(ctx, tx, actor, onlyMine || membersOnly(actor))
		return err
	})
	return out, err
}

func bodyChoices(ctx context.Context, tx *db.Tx, actor access.Actor, onlyMine bool) ([]Choice, error) {
	q := "SELECT b.id, b.name, b.type FROM bodies b WHERE b.tenant_id = $1 AND b.active"
	args := []any{actor.TenantID}
	if onlyMine {
		q += " AND " + memberOf("b.tenant_id", "b.id", "$2")
		args = append(args, actor.UserID)
	}
	return loopRows(ctx, tx, func(sc loopScanner, c *Choice) error { return sc.Scan(&c.ID, &c.Label, &c.Detail) }, q+" ORDER BY lower(b.name), b.id", args...)
}

// memberOf is the condition that the user (placeholder user) is a member or deputy of the body
// (columns tenant and body).
func memberOf(tenant, body, user string) string {
	return "EXISTS (SELECT 1 FROM body_members bm WHERE bm.tenant_id = " + tenant + " AND bm.body_id = " + body +
		" AND bm.removed_at IS NULL AND (CAST(bm.user_id AS TEXT) = " + user + " OR CAST(bm.deputy_user_id AS TEXT) = " + user + "))"
}
