package monitoring

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strconv"
	"time"

	"kim/internal/platform/access"
	"kim/internal/platform/audit"
	"kim/internal/platform/db"
	"kim/internal/platform/errs"
	"kim/internal/platform/i18n"
	"kim/internal/platform/ids"
	"kim/internal/platform/valid"
)

// The annual report: per year the coordination writes text blocks for the report's sections;
// a report for a year and an audience is generated as a job (jobs.go) into a PDF
// (reports_pdf.go) whose figures pass disclosure control and are published once.

// Report sections, in the order of the report. Each has a text block of the coordination; the
// sections casework, steering and context carry the figures of the catalogue's sections of the
// same name.
const (
	SectionIntro    = "intro"    // Vorwort / Einleitung
	SectionCasework = "casework" // Fallmanagement
	SectionSteering = "steering" // Strukturarbeit (the steering loop)
	SectionContext  = "context"  // Kontext
	SectionOutlook  = "outlook"  // Ausblick
)

// ReportSections lists the sections in their order.
var ReportSections = []string{SectionIntro, SectionCasework, SectionSteering, SectionContext, SectionOutlook}

// Audiences of an annual report.
const (
	AudienceSteeringGroup = "steering_group" // Lenkungsgruppe
	AudienceCouncil       = "council"        // Integrationsrat
)

// ReportAudiences lists the audiences a report may be generated for.
var ReportAudiences = []string{AudienceSteeringGroup, AudienceCouncil}

// Job states of a report.
const (
	ReportQueued  = "queued"
	ReportRunning = "running"
	ReportDone    = "done"
	ReportFailed  = "failed"
)

// Limits of the report texts and years.
const (
	ReportTextMax = 20000
	reportYearMin = 2000
)

// ReportText is the coordination's text block of a section of a year's report.
type ReportText struct {
	Year      int
	Section   string
	Body      string
	UpdatedBy string
	UpdatedAt time.Time
	Version   int // 0: not written yet
}

// TextInput is a text block as the coordination submits it (Version: the one the form showed;
// 0 for a block not written yet).
type TextInput struct {
	Body    string
	Version int
}

// Report is a generated (or generating) annual report.
type Report struct {
	ID, TenantID string
	Year         int
	Audience     string
	Status       string
	Progress     int    // percent
	Step         string // message id of the current step
	Error        string // message id of the failure
	RequestedBy  string
	RequestedAt  time.Time
	FinishedAt   *time.Time
	Size         int // bytes of the PDF, when done
}

// Active reports whether the job is still queued or running.
func (r *Report) Active() bool { return r.Status == ReportQueued || r.Status == ReportRunning }

// SizeKB is the size of the PDF in kilobytes (rounded up).
func (r *Report) SizeKB() int { return (r.Size + 1023) / 1024 }

// ReportInput asks for a report.
type ReportInput struct {
	Year     string
	Audience string
}

// reportYearMax is the last year a report may cover: the year of the last completed month
// (figures of the running month are never published).
func (s *Service) reportYearMax() int { return LastComplete(s.DB.Clock.Now()).Year }

// parseYear reads a year of the report pages ("" is an error).
func (s *Service) parseYear(v *errs.Validation, field, year string) int {
	y, err := strconv.Atoi(year)
	if err != nil || y < reportYearMin || y > s.reportYearMax() {
		v.Add(field, "monitoring.reports.year_invalid", "Min", reportYearMin, "Max", s.reportYearMax())
		return 0
	}
	return y
}

// DefaultReportYear is the year the report page opens with: last year.
func (s *Service) DefaultReportYear() int {
	last := LastComplete(s.DB.Clock.Now())
	if last.Month == time.December {
		return last.Year
	}
	return last.Year - 1
}

// ReportTexts returns the text blocks of a year in section order (blocks not written yet have
// Version 0). Only the coordination reads and writes them.
func (s *Service) ReportTexts(ctx context.Context, actor access.Actor, year int) ([]ReportText, error) {
	if err := access.Check(actor, KindIndicator, access.Manage); err != nil {
		return nil, err
	}
	var out []ReportText
	err := s.DB.Read(ctx, func(tx *db.Tx) (err error) {
		out, err = reportTexts(ctx, tx, actor.TenantID, year)
		return err
	})
	return out, err
}

func reportTexts(ctx context.Context, tx *db.Tx, tenantID string, year int) ([]ReportText, error) {
	stored, err := db.QueryAll(ctx, tx, func(sc db.Scanner, t *ReportText) error {
		return sc.Scan(&t.Year, &t.Section, &t.Body, &t.UpdatedBy, &t.UpdatedAt, &t.Version)
	}, `SELECT year, section, body, updated_by, updated_at, version FROM monitoring_report_texts
		WHERE tenant_id = $1 AND year = $2`, tenantID, year)
	if err != nil {
		return nil, err
	}
	out := make([]ReportText, len(ReportSections))
	for i, sec := range ReportSections {
		out[i] = ReportText{Year: year, Section: sec}
		for _, t := range stored {
			if t.Section == sec {
				out[i] = t
			}
		}
	}
	return out, nil
}

// SaveReportText writes the text block of a section of a year (optimistic locking: the
// version the form showed must still be the stored one, 0 for a block not written yet).
func (s *Service) SaveReportText(ctx context.Context, actor access.Actor, year, section string, in TextInput) (*ReportText, error) {
	if err := access.Check(actor, KindIndicator, access.Manage); err != nil {
		return nil, err
	}
	var v errs.Validation
	y := s.parseYear(&v, "year", year)
	if !slices.Contains(ReportSections, section) {
		v.Add("section", "validation.choice")
	}
	in.Body = valid.CleanText(in.Body)
	valid.Length(&v, "body", in.Body, ReportTextMax)
	if err := v.Err(); err != nil {
		return nil, err
	}
	if !db.ValidVersion(in.Version) {
		return nil, errs.E(errs.Conflict, "monitoring.reports.text_changed")
	}
	out := &ReportText{Year: y, Section: section, Body: in.Body, UpdatedBy: actor.UserID}
	err := s.DB.Write(ctx, func(tx *db.Tx) error {
		var res sql.Result
		var err error
		if in.Version == 0 {
			res, err = tx.ExecContext(ctx, `INSERT INTO monitoring_report_texts (tenant_id, year, section, body, updated_by, updated_at, version)
				VALUES ($1, $2, $3, $4, $5, $6, 1) ON CONFLICT (tenant_id, year, section) DO NOTHING`,
				actor.TenantID, y, section, in.Body, actor.UserID, tx.Now)
		} else {
			res, err = tx.ExecContext(ctx, `UPDATE monitoring_report_texts SET body = $1, updated_by = $2, updated_at = $3, version = version + 1
				WHERE tenant_id = $4 AND year = $5 AND section = $6 AND version = $7`,
				in.Body, actor.UserID, tx.Now, actor.TenantID, y, section, in.Version)
		}
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			if err != nil {
				return err
			}
			return errs.E(errs.Conflict, "monitoring.reports.text_changed")
		}
		out.UpdatedAt, out.Version = tx.Now, in.Version+1
		return s.Audit.Append(ctx, tx, audit.Entry{Actor: actor, Action: "report_text.save", ObjectType: "report_text",
			ObjectID: strconv.Itoa(y) + "/" + section, Details: map[string]string{"version": strconv.Itoa(out.Version)}})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

const reportCols = `id, tenant_id, year, audience, status, progress, step, error, requested_by, requested_at, finished_at,
	COALESCE(length(pdf), 0)`

func scanReport(sc db.Scanner, r *Report) error {
	var fin sql.NullTime
	if err := sc.Scan(&r.ID, &r.TenantID, &r.Year, &r.Audience, &r.Status, &r.Progress, &r.Step, &r.Error, &r.RequestedBy,
		&r.RequestedAt, &fin, &r.Size); err != nil {
		return err
	}
	if fin.Valid {
		r.FinishedAt = &fin.Time
	}
	return nil
}

// ListReports returns the tenant's reports, newest first (readers of the figures see them all).
func (s *Service) ListReports(ctx context.Context, actor access.Actor) ([]Report, error) {
	if err := access.Check(actor, KindIndicator, access.List); err != nil {
		return nil, err
	}
	var out []Report
	err := s.DB.Read(ctx, func(tx *db.Tx) (err error) {
		out, err = db.QueryAll(ctx, tx, scanReport, "SELECT "+reportCols+
			" FROM monitoring_reports WHERE tenant_id = $1 ORDER BY requested_at DESC, id DESC LIMIT 200", actor.TenantID)
		return err
	})
	return out, err
}

// GetReport returns a report of the actor's tenant (another tenant's: not found).
func (s *Service) GetReport(ctx context.Context, actor access.Actor, id string) (*Report, error) {
	if err := access.Check(actor, KindIndicator, access.View); err != nil {
		return nil, err
	}
	var r *Report
	err := s.DB.Read(ctx, func(tx *db.Tx) (err error) {
		r, err = loadReport(ctx, tx, actor.TenantID, id)
		return err
	})
	return r, err
}

func loadReport(ctx context.Context, tx *db.Tx, tenantID, id string) (*Report, error) {
	if !ids.Valid(id) {
		return nil, errs.ErrNotFound
	}
	list, err := db.QueryAll(ctx, tx, scanReport, "SELECT "+reportCols+" FROM monitoring_reports WHERE tenant_id = $1 AND id = $2", tenantID, id)
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, errs.ErrNotFound
	}
	return &list[0], nil
}

// ReportPDF returns the PDF of a finished report (a report still generating or failed: a
// conflict).
func (s *Service) ReportPDF(ctx context.Context, actor access.Actor, id string) ([]byte, *Report, error) {
	if err := access.Check(actor, KindIndicator, access.View); err != nil {
		return nil, nil, err
	}
	var pdf []byte
	var r *Report
	err := s.DB.Write(ctx, func(tx *db.Tx) (err error) {
		if r, err = loadReport(ctx, tx, actor.TenantID, id); err != nil {
			return err
		}
		if r.Status != ReportDone {
			return errs.E(errs.Conflict, "monitoring.reports.not_ready")
		}
		if err := tx.QueryRowContext(ctx, "SELECT pdf FROM monitoring_reports WHERE tenant_id = $1 AND id = $2", actor.TenantID, id).Scan(&pdf); err != nil {
			return err
		}
		return s.Audit.Append(ctx, tx, audit.Entry{Actor: actor, Action: "annual_report.download", ObjectType: "annual_report", ObjectID: id})
	})
	if err != nil {
		return nil, nil, err
	}
	return pdf, r, nil
}

// StartReport queues the report of a year for an audience and starts its job (jobs.go), which
// writes the report in the language of l. Only the coordination starts reports.
func (s *Service) StartReport(ctx context.Context, actor access.Actor, l *i18n.Localizer, in ReportInput) (*Report, error) {
	if err := access.Check(actor, KindIndicator, access.Manage); err != nil {
		return nil, err
	}
	var v errs.Validation
	y := s.parseYear(&v, "year", in.Year)
	if !slices.Contains(ReportAudiences, in.Audience) {
		v.Add("audience", "validation.choice")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	r := &Report{ID: ids.New(), TenantID: actor.TenantID, Year: y, Audience: in.Audience, Status: ReportQueued,
		Step: "monitoring.reports.step.queued", RequestedBy: actor.UserID}
	err := s.DB.Write(ctx, func(tx *db.Tx) error {
		var running int
		if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM monitoring_reports WHERE tenant_id = $1 AND status IN ('queued', 'running')",
			actor.TenantID).Scan(&running); err != nil {
			return err
		}
		if running >= maxActiveReports {
			return errs.E(errs.Conflict, "monitoring.reports.busy")
		}
		r.RequestedAt = tx.Now
		if _, err := tx.ExecContext(ctx, `INSERT INTO monitoring_reports (tenant_id, id, year, audience, status, progress, step, requested_by, requested_at)
			VALUES ($1, $2, $3, $4, $5, 0, $6, $7, $8)`, r.TenantID, r.ID, r.Year, r.Audience, r.Status, r.Step, r.RequestedBy, r.RequestedAt); err != nil {
			return err
		}
		return s.Audit.Append(ctx, tx, audit.Entry{Actor: actor, Action: "annual_report.start", ObjectType: "annual_report", ObjectID: r.ID,
			Details: map[string]string{"year": strconv.Itoa(y), "audience": in.Audience}})
	})
	if err != nil {
		return nil, err
	}
	s.jobs().start(func(ctx context.Context) { _ = s.RunReport(ctx, actor, l, r.ID) })
	return r, nil
}

// maxActiveReports bounds the reports a tenant may have queued or running at once.
const maxActiveReports = 3

// errReportGone is returned by a job whose report row went away (or left the status the
// update expects).
var errReportGone = errors.New("monitoring: report gone")

// updateReport runs an UPDATE of one report row; no row changed is errReportGone.
func updateReport(ctx context.Context, tx *db.Tx, q string, args ...any) error {
	res, err := tx.ExecContext(ctx, q, args...)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n != 1 {
		return errReportGone
	}
	return nil
}
