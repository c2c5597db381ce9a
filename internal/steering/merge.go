package steering

import (
	"context"
	"strconv"
	"time"

	"kim/internal/platform/access"
	"kim/internal/platform/db"
	"kim/internal/platform/errs"
	"kim/internal/platform/ids"
	"kim/internal/platform/valid"
)

// Merging barrier reports into themes: the coordination selects reports in its inbox and puts
// them into a new theme or an open one. A report belongs to at most one theme; once in a theme
// it is "assigned", taken out again it is "screened".

// Report statuses of barrier reports that merging reads and writes (the barrier-report part
// owns the rest of the cycle).
const (
	reportScreened = "screened"
	reportAssigned = "assigned"
	reportClosed   = "closed"
)

// ThemeReport is a barrier report as the coordination sees it while merging: anonymous by
// construction (type, life domain, month, reporting organisation, text).
type ThemeReport struct {
	ID           string
	Type         string
	LifeDomain   string
	Month        time.Time // the first day of the month it was reported in
	Organisation string
	Description  string
	Status       string
	ThemeID      string // the theme it belongs to, if any
	ThemeTitle   string
}

// MonthLabel is the report's month as MM/YYYY.
func (r ThemeReport) MonthLabel() string { return r.Month.Format("01/2006") }

const themeReportCols = `br.id, br.type, br.life_domain, br.reported_at, o.name, br.description, br.status,
	COALESCE(CAST(tr.theme_id AS TEXT), ''), COALESCE(t.title, '')`

const themeReportFrom = ` FROM barrier_reports br
	JOIN organisations o ON o.tenant_id = br.tenant_id AND o.id = br.organisation_id
	LEFT JOIN theme_reports tr ON tr.tenant_id = br.tenant_id AND tr.report_id = br.id
	LEFT JOIN themes t ON t.tenant_id = tr.tenant_id AND t.id = tr.theme_id`

func themeReports(ctx context.Context, tx *db.Tx, where string, args ...any) ([]ThemeReport, error) {
	return loopRows(ctx, tx, func(sc loopScanner, r *ThemeReport) error {
		var at time.Time
		if err := sc.Scan(&r.ID, &r.Type, &r.LifeDomain, &at, &r.Organisation, &r.Description, &r.Status, &r.ThemeID, &r.ThemeTitle); err != nil {
			return err
		}
		at = at.In(valid.Berlin)
		r.Month = time.Date(at.Year(), at.Month(), 1, 0, 0, 0, 0, valid.Berlin)
		return nil
	}, "SELECT "+themeReportCols+themeReportFrom+" WHERE "+where+" ORDER BY br.reported_at, br.id", args...)
}

// mergeReportIDs checks the selected ids: at least one, at most themeMergeMaxItems (counted
// first, so that a flood of values costs nothing), each a well-formed id (duplicates dropped).
// A malformed id answers 404, like an unknown one.
func mergeReportIDs(list []string) ([]string, error) {
	if len(list) > themeMergeMaxItems {
		return nil, themeFail("_form", "steering.merge.too_many", "Max", themeMergeMaxItems)
	}
	seen := make(map[string]bool, len(list))
	var out []string
	for _, id := range list {
		if !ids.Valid(id) {
			return nil, errs.ErrNotFound
		}
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	if len(out) == 0 {
		return nil, themeFail("_form", "steering.merge.none")
	}
	return out, nil
}

// selectedReports reads the selected reports of the actor's tenant; any id that is not a report
// of the tenant answers 404 (reports of another tenant are not revealed).
func selectedReports(ctx context.Context, tx *db.Tx, actor access.Actor, list []string) ([]ThemeReport, error) {
	out, err := themeReports(ctx, tx, "br.tenant_id = $1 AND br.id IN ("+db.Placeholders(2, len(list))+")", loopArgs([]any{actor.TenantID}, list)...)
	if err != nil {
		return nil, err
	}
	if len(out) != len(list) {
		return nil, errs.ErrNotFound
	}
	return out, nil
}

// MergeReports returns the selected reports for the merge page.
func (s *Service) MergeReports(ctx context.Context, actor access.Actor, reportIDs []string) ([]ThemeReport, error) {
	if err := access.Check(actor, KindTheme, access.Create); err != nil {
		return nil, err
	}
	if len(reportIDs) == 0 {
		return nil, nil
	}
	list, err := mergeReportIDs(reportIDs)
	if err != nil {
		return nil, err
	}
	var out []ThemeReport
	err = s.DB.Read(ctx, func(tx *db.Tx) (err error) {
		out, err = selectedReports(ctx, tx, actor, list)
		return err
	})
	return out, err
}

// MergeInput merges reports into a new theme (ThemeID empty, New filled) or into the open theme
// ThemeID.
type MergeInput struct {
	ReportIDs []string
	Mode      string // "new" or "existing"
	ThemeID   string
	New       ThemeInput
}

// Merge puts the selected reports into a theme and marks them assigned, in one transaction. It
// returns the theme's id.
func (s *Service) Merge(ctx context.Context, actor access.Actor, in MergeInput) (string, error) {
	if err := access.Check(actor, KindTheme, access.Create); err != nil {
		return "", err
	}
	list, err := mergeReportIDs(in.ReportIDs)
	if err != nil {
		return "", err
	}
	var themeID string
	err = s.DB.Write(ctx, func(tx *db.Tx) error {
		reports, err := selectedReports(ctx, tx, actor, list)
		if err != nil {
			return err
		}
		var v errs.Validation
		for _, r := range reports {
			switch {
			case r.ThemeID != "":
				v.Add("_form", "steering.merge.in_theme", "Month", r.MonthLabel(), "Organisation", r.Organisation, "Theme", r.ThemeTitle)
			case r.Status == reportClosed:
				v.Add("_form", "steering.merge.closed", "Month", r.MonthLabel(), "Organisation", r.Organisation)
			}
		}
		var t *Theme
		switch in.Mode {
		case "new":
			if err := in.New.Validate(); err != nil {
				return mergeErrors(v, err)
			}
		case "existing":
			if in.ThemeID == "" {
				v.Add("theme_id", "validation.required")
				break
			}
			if t, err = s.loadTheme(ctx, tx, actor, access.Update, in.ThemeID, 0, true); errs.CodeOf(err) == errs.NotFound {
				v.Add("theme_id", "validation.choice")
			} else if err != nil {
				return err
			} else if !t.Open() {
				v.Add("theme_id", "steering.merge.theme_closed")
			}
		default:
			v.Add("mode", "validation.choice")
		}
		if err := v.Err(); err != nil {
			return err
		}
		if t == nil {
			if t, err = s.insertTheme(ctx, tx, actor, in.New); err != nil {
				return err
			}
		} else if err := touchTheme(ctx, tx, t); err != nil {
			return err
		}
		for _, r := range reports {
			if _, err := tx.ExecContext(ctx, "INSERT INTO theme_reports (tenant_id, theme_id, report_id, added_at) VALUES ($1, $2, $3, $4)",
				t.TenantID, t.ID, r.ID, tx.Now); err != nil {
				if db.IsUniqueViolation(err) {
					return errs.E(errs.Conflict, "error.conflict") // merged at the same moment elsewhere
				}
				return err
			}
			// Only a report still waiting in the inbox is assigned; one closed (or otherwise
			// moved on) since it was read is a conflict, and the whole merge is undone.
			res, err := tx.ExecContext(ctx, `UPDATE barrier_reports SET status = $1, updated_at = $2, version = version + 1,
				screened_by = CASE WHEN screened_at IS NULL THEN $3 ELSE screened_by END, screened_at = COALESCE(screened_at, $2)
				WHERE tenant_id = $4 AND id = $5 AND status IN ($6, $7)`, reportAssigned, tx.Now, actor.UserID, t.TenantID, r.ID, reportReported, reportScreened)
			if err != nil {
				return err
			}
			if n, err := res.RowsAffected(); err != nil {
				return err
			} else if n != 1 {
				return errs.E(errs.Conflict, "steering.merge.changed")
			}
			// The report's own history shows the merge too.
			if err := s.loopAudit(ctx, tx, actor, "barrier_report.assign", "barrier_report", r.ID, map[string]string{"theme": t.ID}); err != nil {
				return err
			}
		}
		themeID = t.ID
		return s.loopAudit(ctx, tx, actor, "theme.merge", "theme", t.ID, map[string]string{"reports": strconv.Itoa(len(reports)), "mode": in.Mode})
	})
	return themeID, err
}

// mergeErrors joins the report messages with the theme form's field messages.
func mergeErrors(v errs.Validation, err error) error {
	if e := errs.As(err); e.Code == errs.Invalid {
		if v.Fields == nil {
			v.Fields = map[string]errs.Message{}
		}
		for k, m := range e.Fields {
			if !v.Has(k) {
				v.Fields[k] = m
			}
		}
		return v.Err()
	}
	return err
}

// insertTheme creates a candidate theme with its creation event.
func (s *Service) insertTheme(ctx context.Context, tx *db.Tx, actor access.Actor, in ThemeInput) (*Theme, error) {
	t := &Theme{ID: ids.New(), TenantID: actor.TenantID, Title: in.Title, Description: in.Description, LifeDomain: in.LifeDomain,
		Priority: in.Priority, Status: ThemeCandidate, CreatedAt: tx.Now, UpdatedAt: tx.Now, Version: 1}
	if _, err := tx.ExecContext(ctx, `INSERT INTO themes (tenant_id, id, title, description, life_domain, priority, status, created_by,
		created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)`,
		t.TenantID, t.ID, t.Title, t.Description, t.LifeDomain, t.Priority, t.Status, actor.UserID, tx.Now); err != nil {
		return nil, err
	}
	if err := themeEvent(ctx, tx, actor, t.TenantID, t.ID, "", ThemeCandidate, ""); err != nil {
		return nil, err
	}
	return t, s.loopAudit(ctx, tx, actor, "theme.create", "theme", t.ID, map[string]string{"life_domain": t.LifeDomain})
}
