package monitoring

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"sync"

	"kim/internal/platform/access"
	"kim/internal/platform/db"
	"kim/internal/platform/errs"
	"kim/internal/platform/i18n"
)

// The annual report is generated as a job: StartReport stores it as queued and hands it to the
// service's job runner, which runs RunReport in the background (a goroutine). RunReport writes
// its status, progress and current step as it goes, so the progress page (refreshing itself
// without JavaScript) shows them. Jobs do not survive a stop of the process: at start-up
// FailStaleReports marks those left queued or running as failed.
//
// A job either stores a complete PDF and marks the report done in one statement, or marks it
// failed without a PDF. The report's error is a message id (a generic one for internal errors),
// never the error's text; the log gets the report's id, the step and the error's text, which
// names no person (the drivers' errors name constraints and columns, never values; a panic is
// logged by its type only, unless it is a runtime error).

// jobRunner runs the service's jobs. run nil: each job in its own goroutine.
type jobRunner struct {
	mu  sync.Mutex
	run func(job func())
	log *slog.Logger
	wg  sync.WaitGroup
}

func (s *Service) jobs() *jobRunner { return &s.runner }

// SetJobRunner replaces how the service runs jobs: run must call job (tests pass a function
// that calls it at once, so that a started report is finished when StartReport returns). nil
// restores the default, a goroutine per job.
func (s *Service) SetJobRunner(run func(job func())) {
	j := s.jobs()
	j.mu.Lock()
	defer j.mu.Unlock()
	j.run = run
}

// SetJobLog sets the logger of the jobs' failures (nil: slog's default logger).
func (s *Service) SetJobLog(log *slog.Logger) {
	j := s.jobs()
	j.mu.Lock()
	defer j.mu.Unlock()
	j.log = log
}

func (j *jobRunner) logger() *slog.Logger {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.log == nil {
		return slog.Default()
	}
	return j.log
}

// WaitJobs waits until every job started in the background so far has ended (for a graceful
// shutdown before the database closes).
func (s *Service) WaitJobs() { s.jobs().wg.Wait() }

// start runs fn, with a context of its own (not the request's, which ends with the answer).
func (j *jobRunner) start(fn func(ctx context.Context)) {
	job := func() { fn(context.Background()) }
	j.mu.Lock()
	run := j.run
	j.mu.Unlock()
	if run != nil {
		run(job)
		return
	}
	j.wg.Add(1)
	go func() {
		defer j.wg.Done()
		job()
	}()
}

// reportProgressHook, when set (tests), is called after each progress update of a job.
var reportProgressHook func(id string, status string, progress int)

// progress writes the job's status, progress and step in its own transaction, so that the
// progress page sees it at once. The first step (claim) takes the report from queued to
// running, so that no report is run by two jobs; later steps need it running.
func (s *Service) progress(ctx context.Context, tenantID, id string, claim bool, pct int, step string) error {
	from := ReportRunning
	if claim {
		from = ReportQueued
	}
	err := s.DB.Write(ctx, func(tx *db.Tx) error {
		return updateReport(ctx, tx, `UPDATE monitoring_reports SET status = $1, progress = $2, step = $3
			WHERE tenant_id = $4 AND id = $5 AND status = $6`, ReportRunning, pct, step, tenantID, id, from)
	})
	if err == nil && reportProgressHook != nil {
		reportProgressHook(id, ReportRunning, pct)
	}
	return err
}

// RunReport generates the report id: it reads the year's texts and funding figures, computes
// every table of the report in one release (disclosure control applies), draws the PDF,
// publishes the release (channel pdf, the report's audience) and stores the PDF. A failure
// marks the report failed with a message for the page. RunReport runs as the actor who started
// the report and writes in the language of l; tests call it directly.
func (s *Service) RunReport(ctx context.Context, actor access.Actor, l *i18n.Localizer, id string) (err error) {
	var r *Report
	if err := s.DB.Read(ctx, func(tx *db.Tx) (err error) {
		r, err = loadReport(ctx, tx, actor.TenantID, id)
		return err
	}); err != nil {
		return err
	}
	if r.Status != ReportQueued {
		return errs.E(errs.Conflict, "monitoring.reports.not_queued")
	}
	current := "queued"
	defer func() {
		if p := recover(); p != nil {
			err = panicError(p)
		}
		if err != nil && !errors.Is(err, errReportGone) {
			s.failReport(context.WithoutCancel(ctx), actor.TenantID, id, current, err)
		}
	}()
	step := func(pct int, name string) error {
		claim := current == "queued"
		current = name
		return s.progress(ctx, actor.TenantID, id, claim, pct, "monitoring.reports.step."+name)
	}
	if err := step(5, "texts"); err != nil {
		return err
	}
	in, err := s.reportInput(ctx, actor, l, r)
	if err != nil {
		return err
	}
	if err := step(20, "figures"); err != nil {
		return err
	}
	if err := s.reportFigures(ctx, actor, in); err != nil {
		return err
	}
	if err := step(60, "pdf"); err != nil {
		return err
	}
	pdf, err := reportBuilder(in)
	if err != nil {
		return err
	}
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) || !bytes.Contains(pdf[max(0, len(pdf)-1024):], []byte("%%EOF")) {
		return errReportIncomplete
	}
	if err := step(90, "publish"); err != nil {
		return err
	}
	if err := s.Publish(ctx, actor, Release{Channel: "pdf", Audience: l.T("monitoring.reports.audience." + r.Audience), Title: in.title(), Tables: in.tables()}); err != nil {
		return err
	}
	return s.DB.Write(ctx, func(tx *db.Tx) error {
		return updateReport(ctx, tx, `UPDATE monitoring_reports SET status = 'done', progress = 100, step = 'monitoring.reports.step.done',
			pdf = $1, finished_at = $2 WHERE tenant_id = $3 AND id = $4 AND status = 'running'`, pdf, tx.Now, actor.TenantID, id)
	})
}

// reportBuilder draws the report's PDF (a variable so that tests can make it fail).
var reportBuilder = buildReportPDF

// errReportIncomplete is a PDF that is empty or not finished: never stored.
var errReportIncomplete = errors.New("monitoring: report PDF incomplete")

// panicError turns the value of a recovered panic into an error whose text names its type
// only (a runtime error's text names no data): the value itself may carry any text.
func panicError(p any) error {
	if re, ok := p.(runtime.Error); ok {
		return fmt.Errorf("monitoring: report job panicked: %w", re)
	}
	return fmt.Errorf("monitoring: report job panicked (%T)", p)
}

// failReport marks the report failed with the message of err: the message id of a classified
// error (a conflict, a validation of the figures' query) or a generic one for internal errors,
// whose text goes to the log only.
func (s *Service) failReport(ctx context.Context, tenantID, id, step string, cause error) {
	msg := "monitoring.reports.error.internal"
	e := errs.As(cause)
	if e.Code != errs.Internal && e.Message.ID != "" {
		msg = e.Message.ID
	}
	log := s.jobs().logger()
	attrs := []any{"report_id", id, "step", step, "code", string(e.Code)}
	if e.Code == errs.Internal {
		attrs = append(attrs, "err", cause.Error())
	} else {
		attrs = append(attrs, "message", e.Message.ID)
	}
	log.Error("annual report failed", attrs...)
	err := s.DB.Write(ctx, func(tx *db.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE monitoring_reports SET status = 'failed', error = $1, finished_at = $2
			WHERE tenant_id = $3 AND id = $4 AND status IN ('queued', 'running')`, msg, tx.Now, tenantID, id)
		return err
	})
	if err != nil {
		log.Error("annual report: marking it failed failed", "report_id", id, "err", err.Error())
	}
	if reportProgressHook != nil {
		reportProgressHook(id, ReportFailed, -1)
	}
}

// FailStaleReports marks the reports of every tenant that were left queued or running by a
// stopped process as failed ("interrupted"); the application calls it at start-up, before it
// serves. It returns how many it marked.
func (s *Service) FailStaleReports(ctx context.Context) (int, error) {
	var n int64
	err := s.DB.Write(ctx, func(tx *db.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE monitoring_reports SET status = 'failed', error = 'monitoring.reports.error.interrupted',
			finished_at = $1 WHERE status IN ('queued', 'running')`, tx.Now)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	return int(n), err
}
