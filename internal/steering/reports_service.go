package steering

import (
	"context"
	"crypto/hmac"
	"database/sql"
	"errors"
	"slices"
	"strconv"
	"time"

	"kim/internal/platform/access"
	"kim/internal/platform/db"
	"kim/internal/platform/errs"
	"kim/internal/platform/ids"
	"kim/internal/platform/valid"
	"kim/internal/platform/web"
)

// IdentityWarning stops a report whose text may identify a person until the case manager
// confirms that it does not. It holds what was found for the form only: its Error text and
// its message name nothing of it, so that no log can carry it. Token goes with the form
// (ReportInput.ConfirmToken); Changed says that a confirmation was given for other findings.
type IdentityWarning struct {
	Hits    []IdentityHit
	Token   string
	Changed bool
}

func (e *IdentityWarning) Error() string { return "steering: the report's text may identify a person" }

// Err returns the error as the pages report it (422 with a field message).
func (e *IdentityWarning) Err() *errs.Error {
	field := "steering.report.identity_confirm_needed"
	if e.Changed {
		field = "steering.report.identity_changed"
	}
	return &errs.Error{Code: errs.Invalid, Message: errs.Msg("steering.report.identity_warning"),
		Fields: map[string]errs.Message{"confirm_anonymous": errs.Msg(field)}}
}

func (e *IdentityWarning) Unwrap() error { return e.Err() }

// reportFrom reads reports with the reporter as user_id, so that the access scopes' Self reach
// (the reporter) applies to them, with the reporting organisation and the theme, if any.
const reportFrom = ` FROM (SELECT b.*, b.reported_by AS user_id FROM barrier_reports b) r
	JOIN organisations o ON o.tenant_id = r.tenant_id AND o.id = r.organisation_id
	LEFT JOIN theme_reports tr ON tr.tenant_id = r.tenant_id AND tr.report_id = r.id
	LEFT JOIN themes t ON t.tenant_id = tr.tenant_id AND t.id = tr.theme_id`

const reportCols = `r.id, r.tenant_id, r.organisation_id, o.name, r.reported_by, r.source, r.life_domain, r.type, r.legal_domains,
	r.description, r.status, r.close_reason, r.screen_note, r.screened_at, r.reported_at, r.updated_at, r.version, r.identity_confirmed,
	COALESCE(CAST(tr.theme_id AS TEXT), ''), COALESCE(t.title, '')`

func scanReport(sc loopScanner, r *Report) error {
	var legal string
	var screened sql.NullTime
	if err := sc.Scan(&r.ID, &r.TenantID, &r.OrganisationID, &r.Organisation, &r.ReportedBy, &r.Source, &r.LifeDomain, &r.Type, &legal,
		&r.Description, &r.Status, &r.CloseReason, &r.ScreenNote, &screened, &r.ReportedAt, &r.UpdatedAt, &r.Version,
		&r.IdentityConfirmed, &r.ThemeID, &r.ThemeTitle); err != nil {
		return err
	}
	r.LegalDomains = reportCodesOf(legal)
	if screened.Valid {
		r.ScreenedAt = &screened.Time
	}
	return nil
}

func (r *Report) resource() access.Resource {
	return access.Resource{Kind: KindBarrierReport, TenantID: r.TenantID, OrganisationID: r.OrganisationID, OwnerID: r.ReportedBy}
}

// loadReport reads one report of the actor's tenant and checks that the actor may act on it.
func (s *Service) loadReport(ctx context.Context, tx *db.Tx, actor access.Actor, a access.Action, id string) (*Report, error) {
	list, err := s.reports(ctx, tx, "r.tenant_id = $1 AND r.id = $2", "r.id", actor.TenantID, id)
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, errs.ErrNotFound
	}
	r := &list[0]
	if err := access.Can(actor, a, r.resource()); err != nil {
		return nil, err
	}
	return r, nil
}

// reports reads the reports that match where, in order, with the organisations involved.
func (s *Service) reports(ctx context.Context, tx *db.Tx, where, order string, args ...any) ([]Report, error) {
	list, err := loopRows(ctx, tx, scanReport, "SELECT "+reportCols+reportFrom+" WHERE "+where+" ORDER BY "+order, args...)
	if err != nil || len(list) == 0 {
		return list, err
	}
	idList := make([]string, len(list))
	at := map[string]int{}
	for i, r := range list {
		idList[i] = r.ID
		at[r.ID] = i
	}
	type inv struct{ report, org, name string }
	rows, err := loopRows(ctx, tx, func(sc loopScanner, v *inv) error { return sc.Scan(&v.report, &v.org, &v.name) },
		`SELECT CAST(x.report_id AS TEXT), CAST(x.organisation_id AS TEXT), o.name FROM barrier_report_orgs x
		JOIN organisations o ON o.tenant_id = x.tenant_id AND o.id = x.organisation_id
		WHERE x.tenant_id = $1 AND x.report_id IN (`+db.Placeholders(2, len(idList))+`) ORDER BY lower(o.name), o.id`,
		loopArgs([]any{list[0].TenantID}, idList)...)
	for _, v := range rows {
		i := at[v.report]
		list[i].Involved = append(list[i].Involved, OrgName{ID: v.org, Name: v.name})
	}
	return list, err
}

// ReportOptions are the choices of the report form.
type ReportOptions struct {
	Organisations []web.Option // the tenant's organisations but the reporting one
}

// caseFacts asks case management for the case; only someone who may work on it gets them.
func (s *Service) caseFacts(ctx context.Context, actor access.Actor, caseID string) (CaseInfo, error) {
	if err := access.Check(actor, KindBarrierReport, access.Create); err != nil {
		return CaseInfo{}, err
	}
	if !ids.Valid(caseID) || s.Cases == nil {
		return CaseInfo{}, errs.ErrNotFound
	}
	info, err := s.Cases.BarrierFacts(ctx, actor, caseID)
	if err != nil {
		return CaseInfo{}, err
	}
	if err := access.Can(actor, access.Create, access.Resource{Kind: KindBarrierReport, TenantID: actor.TenantID,
		OrganisationID: info.OrganisationID, OwnerID: actor.UserID}); err != nil {
		return CaseInfo{}, err
	}
	return info, nil
}

// ReportForm returns the choices of the form that files a report from a case the actor may
// work on.
func (s *Service) ReportForm(ctx context.Context, actor access.Actor, caseID string) (*ReportOptions, error) {
	info, err := s.caseFacts(ctx, actor, caseID)
	if err != nil {
		return nil, err
	}
	o := &ReportOptions{}
	err = s.DB.Read(ctx, func(tx *db.Tx) (err error) {
		o.Organisations, err = loopRows(ctx, tx, func(sc loopScanner, v *web.Option) error { return sc.Scan(&v.Value, &v.Label) },
			"SELECT CAST(id AS TEXT), name FROM organisations WHERE tenant_id = $1 AND id <> $2 ORDER BY lower(name), id",
			actor.TenantID, info.OrganisationID)
		return err
	})
	return o, err
}

// FileReport files a barrier report from a case the actor may work on. A text that may
// identify a participant (or anyone) is refused with an *IdentityWarning until the case
// manager confirms it with the warning's token (in.Confirmed, in.ConfirmToken) for the same
// findings; the report is then flagged for the coordination (IdentityConfirmed). The report
// keeps the case only as CaseKeyOf its pseudonym.
func (s *Service) FileReport(ctx context.Context, actor access.Actor, caseID string, in ReportInput) (*Report, error) {
	info, err := s.caseFacts(ctx, actor, caseID)
	if err != nil {
		return nil, err
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	hits := CheckIdentity(in.Description, info.Identity)
	confirmed := len(hits) > 0
	if confirmed {
		token := identityToken(s.CaseKey, actor, caseID, hits)
		if !in.Confirmed || !hmac.Equal([]byte(in.ConfirmToken), []byte(token)) {
			return nil, &IdentityWarning{Hits: hits, Token: token, Changed: in.Confirmed && in.ConfirmToken != ""}
		}
	}
	var r *Report
	err = s.DB.Write(ctx, func(tx *db.Tx) error {
		var v errs.Validation
		orgs := slices.Compact(slices.Sorted(slices.Values(in.Organisations)))
		for _, o := range orgs {
			if !ids.Valid(o) || o == info.OrganisationID {
				v.Add("organisations", "validation.choice")
				break
			}
		}
		if v.Has("organisations") {
			return v.Err()
		}
		if len(orgs) > 0 {
			var n int
			if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM organisations WHERE tenant_id = $1 AND id IN ("+db.Placeholders(2, len(orgs))+")",
				loopArgs([]any{actor.TenantID}, orgs)...).Scan(&n); err != nil {
				return err
			}
			if n != len(orgs) {
				v.Add("organisations", "validation.choice")
				return v.Err()
			}
		}
		id := ids.New()
		if _, err := tx.ExecContext(ctx, `INSERT INTO barrier_reports (tenant_id, id, organisation_id, reported_by, case_key, source, life_domain,
			type, legal_domains, description, status, identity_confirmed, reported_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13)`,
			actor.TenantID, id, info.OrganisationID, actor.UserID, CaseKeyOf(s.CaseKey, actor.TenantID, info.Pseudonym), in.Source,
			in.LifeDomain, in.Type, CodeList(in.LegalDomains), in.Description, reportReported, confirmed, tx.Now); err != nil {
			return err
		}
		for _, o := range orgs {
			if _, err := tx.ExecContext(ctx, "INSERT INTO barrier_report_orgs (tenant_id, report_id, organisation_id) VALUES ($1, $2, $3)",
				actor.TenantID, id, o); err != nil {
				return err
			}
		}
		details := map[string]string{"source": in.Source, "type": in.Type, "life_domain": in.LifeDomain}
		if confirmed {
			details["identity_confirmed"] = "true"
		}
		if err := s.loopAudit(ctx, tx, actor, "barrier_report.create", "barrier_report", id, details); err != nil {
			return err
		}
		r, err = s.loadReport(ctx, tx, actor, access.View, id)
		return err
	})
	return r, err
}

// GetReport returns a report the actor may see.
func (s *Service) GetReport(ctx context.Context, actor access.Actor, id string) (*Report, error) {
	if err := access.Guard(actor, KindBarrierReport, access.View, id, 0); err != nil {
		return nil, err
	}
	var r *Report
	err := s.DB.Read(ctx, func(tx *db.Tx) (err error) {
		r, err = s.loadReport(ctx, tx, actor, access.View, id)
		return err
	})
	return r, err
}

// ReportSortKeys are the sort keys of the report lists (the first is the default).
var ReportSortKeys = []string{"reported", "type", "domain", "status", "organisation"}

var reportSorts = map[string]string{"reported": "r.reported_at", "type": "r.type", "domain": "r.life_domain", "status": "r.status",
	"organisation": "lower(o.name)"}

// sql adds the filter's conditions to where and args.
func (f ReportFilter) sql(where string, args []any) (string, []any) {
	add := func(cond string, v any) {
		args = append(args, v)
		where += " AND " + cond + " $" + strconv.Itoa(len(args))
	}
	if f.Status != "" {
		add("r.status =", f.Status)
	}
	if f.Type != "" {
		add("r.type =", f.Type)
	}
	if f.LifeDomain != "" {
		add("r.life_domain =", f.LifeDomain)
	}
	if t, ok := valid.ParseDate(f.From); ok {
		add("r.reported_at >=", time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, valid.Berlin))
	}
	if t, ok := valid.ParseDate(f.To); ok {
		add("r.reported_at <", time.Date(t.Year(), t.Month(), t.Day()+1, 0, 0, 0, 0, valid.Berlin))
	}
	return where, args
}

// page reads one page of the reports that match where, and their number.
func (s *Service) page(ctx context.Context, tx *db.Tx, q web.ListQuery, where string, args []any) ([]Report, int, error) {
	var total int
	if err := tx.QueryRowContext(ctx, "SELECT count(*)"+reportFrom+" WHERE "+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	order := q.OrderBy(reportSorts, "r.id") + " LIMIT " + strconv.Itoa(q.Size) + " OFFSET " + strconv.Itoa(q.Offset())
	list, err := s.reports(ctx, tx, where, order, args...)
	return list, total, err
}

// ListReports lists the reports the actor may see: a case manager the own, a team lead those
// of the organisation, the coordination those of the tenant.
func (s *Service) ListReports(ctx context.Context, actor access.Actor, q web.ListQuery, f ReportFilter) ([]Report, int, error) {
	if err := access.Check(actor, KindBarrierReport, access.List); err != nil {
		return nil, 0, err
	}
	scope := access.Scope(actor, KindBarrierReport, access.List, "r", 1)
	where, args := f.sql(scope.SQL, scope.Args)
	var (
		list  []Report
		total int
	)
	err := s.DB.Read(ctx, func(tx *db.Tx) (err error) {
		list, total, err = s.page(ctx, tx, q, where, args)
		return err
	})
	return list, total, err
}

// Inbox is the coordination's inbox: new and screened reports not yet in a theme.
type Inbox struct {
	Items  []Report
	Total  int            // the reports that match the filter
	ByType map[string]int // counts per type with the other filters, whatever the type filter
	All    int            // the sum of ByType
	Whole  int            // the reports in the inbox, unfiltered
}

// ListInbox returns the coordination's inbox with the filter applied.
func (s *Service) ListInbox(ctx context.Context, actor access.Actor, q web.ListQuery, f ReportFilter) (*Inbox, error) {
	if err := access.Check(actor, KindBarrierReport, access.Manage); err != nil {
		return nil, err
	}
	if f.Status != reportReported && f.Status != reportScreened {
		f.Status = ""
	}
	scope := access.Scope(actor, KindBarrierReport, access.Manage, "r", 1)
	base := scope.SQL + " AND r.status IN ('reported', 'screened') AND tr.report_id IS NULL"
	in := &Inbox{ByType: map[string]int{}}
	err := s.DB.Read(ctx, func(tx *db.Tx) (err error) {
		where, args := f.sql(base, scope.Args)
		if in.Items, in.Total, err = s.page(ctx, tx, q, where, args); err != nil {
			return err
		}
		noType := f
		noType.Type = ""
		where, args = noType.sql(base, scope.Args)
		type count struct {
			typ string
			n   int
		}
		counts, err := loopRows(ctx, tx, func(sc loopScanner, c *count) error { return sc.Scan(&c.typ, &c.n) },
			"SELECT r.type, count(*)"+reportFrom+" WHERE "+where+" GROUP BY r.type", args...)
		if err != nil {
			return err
		}
		for _, c := range counts {
			in.ByType[c.typ] = c.n
			in.All += c.n
		}
		return tx.QueryRowContext(ctx, "SELECT count(*)"+reportFrom+" WHERE "+base, scope.Args...).Scan(&in.Whole)
	})
	return in, err
}

// ScreenReport records the coordination's screening: the report is marked screened, closed
// with a reason and a note, or reopened. Only the actions of reportSteps are allowed; a report
// in a theme must be removed from it before it is closed. Leaving closed clears the close
// reason and the note. in.Version must be the report's version.
func (s *Service) ScreenReport(ctx context.Context, actor access.Actor, id string, in ScreenInput) (*Report, error) {
	return s.changeReport(ctx, actor, id, in.Version, in.Validate, func(tx *db.Tx, r *Report) (string, map[string]string, error) {
		if r.Status == reportAssigned && in.Action == CloseAction {
			return "", nil, errs.E(errs.Conflict, "steering.report.close_assigned", "Theme", r.ThemeTitle)
		}
		if !slices.Contains(ReportNext(r.Status), in.Action) {
			return "", nil, errs.E(errs.Conflict, "steering.report.step_refused")
		}
		to := screenTargets[in.Action]
		reason := ""
		if to == reportClosed {
			reason = in.Reason
		}
		res, err := tx.ExecContext(ctx, `UPDATE barrier_reports SET status = $1, close_reason = $2, screen_note = $3,
			screened_by = CASE WHEN screened_at IS NULL THEN $4 ELSE screened_by END, screened_at = COALESCE(screened_at, $5),
			updated_at = $5, version = version + 1 WHERE tenant_id = $6 AND id = $7 AND version = $8`,
			to, reason, in.Note, actor.UserID, tx.Now, r.TenantID, r.ID, r.Version)
		details := map[string]string{"from": r.Status, "to": to}
		if reason != "" {
			details["reason"] = reason
		}
		return "barrier_report." + in.Action, details, reportUpdated(res, err)
	})
}

// EditReportText replaces a report's text with the coordination's correction (a name blacked
// out) and clears the flag of a confirmed identity warning: the coordination has checked it.
func (s *Service) EditReportText(ctx context.Context, actor access.Actor, id string, in TextInput) (*Report, error) {
	return s.changeReport(ctx, actor, id, in.Version, in.Validate, func(tx *db.Tx, r *Report) (string, map[string]string, error) {
		res, err := tx.ExecContext(ctx, `UPDATE barrier_reports SET description = $1, identity_confirmed = $2, updated_at = $3,
			version = version + 1 WHERE tenant_id = $4 AND id = $5 AND version = $6`, in.Description, false, tx.Now, r.TenantID, r.ID, r.Version)
		details := map[string]string{"changed": strconv.FormatBool(in.Description != r.Description)}
		if r.IdentityConfirmed {
			details["identity_confirmed"] = "checked"
		}
		return "barrier_report.edit_text", details, reportUpdated(res, err)
	})
}

// changeReport runs one change of the coordination on a report: access, validation and the
// version are checked, then change updates the row and names its audit action and details.
func (s *Service) changeReport(ctx context.Context, actor access.Actor, id string, version int, validate func() error,
	change func(tx *db.Tx, r *Report) (string, map[string]string, error)) (*Report, error) {
	if err := access.Guard(actor, KindBarrierReport, access.Update, id, version); err != nil {
		return nil, err
	}
	var r *Report
	err := s.DB.Write(ctx, func(tx *db.Tx) (err error) {
		if r, err = s.loadReport(ctx, tx, actor, access.Update, id); err != nil {
			return err
		}
		if err := validate(); err != nil {
			return err
		}
		if version != 0 && version != r.Version {
			return errs.E(errs.Conflict, "error.conflict")
		}
		action, details, err := change(tx, r)
		if err != nil {
			return err
		}
		if err := s.loopAudit(ctx, tx, actor, action, "barrier_report", r.ID, details); err != nil {
			return err
		}
		r, err = s.loadReport(ctx, tx, actor, access.View, id)
		return err
	})
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.ErrNotFound
	}
	return r, err
}

// reportUpdated turns an update that changed no row (another changed the report meanwhile)
// into a conflict.
func reportUpdated(res sql.Result, err error) error {
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return errs.E(errs.Conflict, "error.conflict")
	}
	return nil
}
