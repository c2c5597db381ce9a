package monitoring_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"kim/internal/apptest"
	"kim/internal/monitoring"
	"kim/internal/platform/access"
	"kim/internal/platform/errs"
	"kim/internal/platform/i18n"
)

// rtSetup starts KIM with the fixtures and runs report jobs synchronously (StartReport
// returns when the job has ended), so that no test waits for a goroutine.
func rtSetup(t *testing.T, e apptest.Engine) (*apptest.Env, *apptest.Fixtures, *monitoring.Service, *i18n.Localizer) {
	t.Helper()
	env := apptest.New(t, e, apptest.Options{})
	fx := env.Seed()
	s := env.App.Monitor
	s.SetJobRunner(func(job func()) { job() })
	return env, fx, s, env.App.Renderer.Catalogue().Localizer("de")
}

// rtText returns the visible text of a page's main element, white space collapsed.
func rtText(t *testing.T, r *apptest.Response) string {
	t.Helper()
	return strings.Join(strings.Fields(r.Doc(t).Find("main").Text()), " ")
}

func rtStatus(t *testing.T, r *apptest.Response, want int, what string) {
	t.Helper()
	if r.StatusCode != want {
		t.Fatalf("%s: status %d, want %d", what, r.StatusCode, want)
	}
}

// rtPages counts the pages of a PDF (its page objects).
func rtPages(pdf []byte) int {
	return len(regexp.MustCompile(`/Type\s*/Page[^s]`).FindAll(pdf, -1))
}

func rtCount(t *testing.T, env *apptest.Env, q string, args ...any) int {
	t.Helper()
	w, _ := env.DB().Pools()
	var n int
	if err := w.QueryRow(q, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestReportJobLifecycle(t *testing.T) {
	for _, e := range apptest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			env, fx, s, l := rtSetup(t, e)
			ctx := context.Background()
			co := fx.Users[access.Coordinator].Actor("alpha")
			if _, err := s.SaveReportText(ctx, co, "2025", monitoring.SectionIntro, monitoring.TextInput{Body: "Vorwort der Koordination zum Berichtsjahr."}); err != nil {
				t.Fatal(err)
			}
			type step struct {
				status string
				pct    int
			}
			var steps []step
			var chapters []string
			var chapterPages []int
			var total int
			defer monitoring.SetReportContentsHook(func(c []string, p []int, n int) { chapters, chapterPages, total = c, p, n })()
			defer monitoring.SetReportProgressHook(func(id, status string, pct int) { steps = append(steps, step{status, pct}) })()
			releases := rtCount(t, env, "SELECT count(*) FROM monitoring_releases WHERE channel = 'pdf'")
			r, err := s.StartReport(ctx, co, l, monitoring.ReportInput{Year: "2025", Audience: monitoring.AudienceCouncil})
			if err != nil {
				t.Fatal(err)
			}
			if r.Status != monitoring.ReportQueued {
				t.Errorf("started as %q", r.Status)
			}
			// The job ran: running with rising progress, then done.
			if len(steps) < 3 {
				t.Fatalf("progress steps %v", steps)
			}
			for i, st := range steps {
				if st.status != monitoring.ReportRunning || i > 0 && st.pct <= steps[i-1].pct {
					t.Errorf("progress steps %v: not running with rising progress", steps)
					break
				}
			}
			got, err := s.GetReport(ctx, co, r.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.Status != monitoring.ReportDone || got.Progress != 100 || got.FinishedAt == nil || got.Size == 0 {
				t.Fatalf("report %+v", got)
			}
			if n := rtCount(t, env, "SELECT count(*) FROM monitoring_releases WHERE channel = 'pdf'"); n != releases+1 {
				t.Errorf("%d pdf releases, want %d (one per report)", n, releases+1)
			}
			pdf, _, err := s.ReportPDF(ctx, co, r.ID)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.HasPrefix(pdf, []byte("%PDF-")) || rtPages(pdf) < 3 || rtPages(pdf) != total {
				t.Fatalf("not a PDF with a title page, contents and chapters: %d bytes, %d pages (drawn %d)", len(pdf), rtPages(pdf), total)
			}
			// Title page, contents, then the chapters, each on a page of its own.
			if len(chapters) != len(monitoring.ReportSections)+2 || len(chapterPages) != len(chapters) || chapterPages[0] < 3 {
				t.Fatalf("chapters %q on pages %v", chapters, chapterPages)
			}
			for i, p := range chapterPages {
				if p > total || i > 0 && p <= chapterPages[i-1] {
					t.Errorf("chapter %q on page %d (pages %v, %d in all)", chapters[i], p, chapterPages, total)
				}
			}
			if bin, err := exec.LookPath("pdftotext"); err == nil {
				path := filepath.Join(t.TempDir(), "bericht.pdf")
				if err := os.WriteFile(path, pdf, 0o600); err != nil {
					t.Fatal(err)
				}
				out, err := exec.Command(bin, "-layout", path, "-").Output()
				if err != nil {
					t.Fatal(err)
				}
				text := strings.Join(strings.Fields(string(out)), " ")
				for _, want := range []string{"Jahresbericht 2025", "Integrationsrat", "Inhalt", "Vorwort der Koordination zum Berichtsjahr.",
					"Fallmanagement", "Förderkennzahlen", "Werte von 1 bis 4 sind unterdrückt (< 5)"} {
					if !strings.Contains(text, want) {
						t.Errorf("the PDF's text lacks %q", want)
					}
				}
				rtCheckContents(t, bin, path, chapters, chapterPages)
			}

			// The page of a finished report: no refresh, the download, the progress element.
			c := env.Client()
			c.Login(access.BodyMember)
			resp := c.Get("/monitoring/berichte/" + r.ID)
			rtStatus(t, resp, http.StatusOK, "progress page")
			if resp.Header.Get("Refresh") != "" {
				t.Error("a finished report's page refreshes itself")
			}
			doc := resp.Doc(t)
			if doc.Find(`[role="status"]`).Length() != 1 || doc.Find("progress[value='100']").Length() != 1 ||
				doc.Find(`a[href="/monitoring/berichte/`+r.ID+`/bericht.pdf"]`).Length() != 1 {
				t.Error("the progress page lacks its status, progress element or download link")
			}
			dl := c.Get("/monitoring/berichte/" + r.ID + "/bericht.pdf")
			rtStatus(t, dl, http.StatusOK, "download")
			if dl.Header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(dl.Header.Get("Content-Disposition"), `attachment; filename="jahresbericht-2025-council.pdf"`) ||
				!bytes.Equal(dl.Body, pdf) {
				t.Errorf("download: %s, %s", dl.Header.Get("Content-Type"), dl.Header.Get("Content-Disposition"))
			}
			list := c.Get("/monitoring/berichte")
			rtStatus(t, list, http.StatusOK, "reports page")
			if !strings.Contains(rtText(t, list), "Integrationsrat") || list.Doc(t).Find("textarea").Length() != 0 {
				t.Error("a reader's report list lacks the report or shows the text forms")
			}
		})
	}
}

// rtCheckContents checks in the text of the PDF that the title page stands alone, that the
// contents list every chapter with the page it starts on and that the chapter is there.
func rtCheckContents(t *testing.T, bin, path string, chapters []string, pages []int) {
	t.Helper()
	page := func(n int) string {
		out, err := exec.Command(bin, "-layout", "-f", strconv.Itoa(n), "-l", strconv.Itoa(n), path, "-").Output()
		if err != nil {
			t.Fatal(err)
		}
		return strings.Join(strings.Fields(string(out)), " ")
	}
	if cover := page(1); !strings.Contains(cover, "Jahresbericht 2025") || !strings.Contains(cover, "Erstellt am") ||
		!strings.Contains(cover, "Werte von 1 bis 4") || strings.Contains(cover, chapters[0]) {
		t.Errorf("title page: %q", cover)
	}
	toc := page(2)
	for i, c := range chapters {
		if !strings.Contains(toc, c+" "+strconv.Itoa(pages[i])) {
			t.Errorf("the contents lack %q on page %d: %q", c, pages[i], toc)
		}
		if !strings.Contains(page(pages[i]), c) {
			t.Errorf("page %d does not start chapter %q", pages[i], c)
		}
	}
}

func TestReportJobFailureAndStale(t *testing.T) {
	for _, e := range apptest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			env, fx, s, l := rtSetup(t, e)
			ctx := context.Background()
			co := fx.Users[access.Coordinator].Actor("alpha")
			c := env.Client()
			c.Login(access.Coordinator)

			var logBuf bytes.Buffer
			s.SetJobLog(slog.New(slog.NewTextHandler(&logBuf, nil)))
			defer s.SetJobLog(nil)

			// A failing job is marked failed with a German message, without internal text; the
			// detail goes to the log.
			restore := monitoring.SetReportBuilder(func() ([]byte, error) { return nil, errors.New("pdf library: secret detail") })
			r, err := s.StartReport(ctx, co, l, monitoring.ReportInput{Year: "2025", Audience: monitoring.AudienceSteeringGroup})
			restore()
			if err != nil {
				t.Fatal(err)
			}
			if log := logBuf.String(); !strings.Contains(log, "annual report failed") || !strings.Contains(log, r.ID) || !strings.Contains(log, "secret detail") {
				t.Errorf("log of the failure: %q", log)
			}
			// A half-written PDF and a panic (whose value may carry any text) fail the report
			// with the generic message and store no PDF; the panic's value is not logged.
			for _, build := range []func() ([]byte, error){
				func() ([]byte, error) { return []byte("%PDF-1.7 half"), nil },
				func() ([]byte, error) { return nil, nil },
				func() ([]byte, error) { panic("Erika Mustermann") },
			} {
				logBuf.Reset()
				restore := monitoring.SetReportBuilder(build)
				half, err := s.StartReport(ctx, co, l, monitoring.ReportInput{Year: "2025", Audience: monitoring.AudienceCouncil})
				restore()
				if err != nil {
					t.Fatal(err)
				}
				got, err := s.GetReport(ctx, co, half.ID)
				if err != nil || got.Status != monitoring.ReportFailed || got.Error != "monitoring.reports.error.internal" || got.Size != 0 {
					t.Errorf("half-written report %+v, %v", got, err)
				}
				if strings.Contains(logBuf.String(), "Mustermann") || !strings.Contains(logBuf.String(), half.ID) {
					t.Errorf("log of the failure: %q", logBuf.String())
				}
			}
			got, err := s.GetReport(ctx, co, r.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.Status != monitoring.ReportFailed || got.Error == "" || got.FinishedAt == nil {
				t.Fatalf("failed report %+v", got)
			}
			resp := c.Get("/monitoring/berichte/" + r.ID)
			rtStatus(t, resp, http.StatusOK, "failed report's page")
			text := rtText(t, resp)
			if !strings.Contains(text, "interner Fehler") && !strings.Contains(text, "internen Fehlers") || strings.Contains(text, "secret detail") {
				t.Errorf("failed report's page: %q", text)
			}
			if resp.Header.Get("Refresh") != "" {
				t.Error("a failed report's page refreshes itself")
			}
			if _, _, err := s.ReportPDF(ctx, co, r.ID); errs.CodeOf(err) != errs.Conflict {
				t.Errorf("PDF of a failed report: %v", err)
			}
			rtStatus(t, c.Get("/monitoring/berichte/"+r.ID+"/bericht.pdf"), http.StatusConflict, "download of a failed report")

			// A job that never ran (the process stopped) stays queued; its page refreshes itself
			// until the start-up marks it failed.
			s.SetJobRunner(func(func()) {})
			stale, err := s.StartReport(ctx, co, l, monitoring.ReportInput{Year: "2024", Audience: monitoring.AudienceCouncil})
			if err != nil {
				t.Fatal(err)
			}
			resp = c.Get("/monitoring/berichte/" + stale.ID)
			if resp.Header.Get("Refresh") != "2" {
				t.Errorf("a queued report's page: Refresh %q, want 2", resp.Header.Get("Refresh"))
			}
			if !strings.Contains(rtText(t, resp), "Wartet") || resp.Doc(t).Find("progress").Length() != 1 {
				t.Errorf("queued report's page: %q", rtText(t, resp))
			}
			if r := c.Get("/monitoring/berichte/" + stale.ID + "?auto=0"); r.Header.Get("Refresh") != "" {
				t.Error("?auto=0 does not stop the refresh")
			}
			// A job that was not queued any more is not run twice.
			if err := s.RunReport(ctx, co, l, r.ID); errs.CodeOf(err) != errs.Conflict {
				t.Errorf("running a failed report again: %v", err)
			}
			n, err := s.FailStaleReports(ctx)
			if err != nil || n != 1 {
				t.Fatalf("FailStaleReports: %d, %v", n, err)
			}
			got, _ = s.GetReport(ctx, co, stale.ID)
			if got.Status != monitoring.ReportFailed {
				t.Errorf("stale report %+v", got)
			}
			if text := rtText(t, c.Get("/monitoring/berichte/"+stale.ID)); !strings.Contains(text, "neu gestartet") {
				t.Errorf("stale report's page: %q", text)
			}
			if n, _ := s.FailStaleReports(ctx); n != 0 {
				t.Errorf("FailStaleReports again: %d", n)
			}
		})
	}
}

func TestReportAccess(t *testing.T) {
	for _, e := range apptest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			env, fx, s, l := rtSetup(t, e)
			ctx := context.Background()
			other, err := s.StartReport(ctx, access.System(fx.TenantB.ID), l, monitoring.ReportInput{Year: "2025", Audience: monitoring.AudienceCouncil})
			if err != nil {
				t.Fatal(err)
			}
			co, bm, cm := env.Client(), env.Client(), env.Client()
			co.Login(access.Coordinator)
			bm.Login(access.BodyMember)
			cm.Login(access.CaseManager)

			start := url.Values{"year": {"2025"}, "audience": {"steering_group"}}
			rtStatus(t, bm.PostForm("/monitoring/berichte", start), http.StatusForbidden, "body member starts a report")
			rtStatus(t, bm.PostForm("/monitoring/berichte/texte", url.Values{"year": {"2025"}, "section": {"intro"}, "body_intro": {"x"}}),
				http.StatusForbidden, "body member writes a text")
			rtStatus(t, cm.Get("/monitoring/berichte"), http.StatusForbidden, "case manager lists reports")
			r := co.PostForm("/monitoring/berichte", start)
			rtStatus(t, r, http.StatusSeeOther, "coordinator starts a report")
			id := strings.TrimPrefix(r.Location(), "/monitoring/berichte/")
			rtStatus(t, bm.Get("/monitoring/berichte/"+id), http.StatusOK, "body member sees the progress")
			rtStatus(t, bm.Get("/monitoring/berichte/"+id+"/bericht.pdf"), http.StatusOK, "body member downloads")
			rtStatus(t, cm.Get("/monitoring/berichte/"+id+"/bericht.pdf"), http.StatusForbidden, "case manager downloads")
			for _, p := range []string{"/monitoring/berichte/" + other.ID, "/monitoring/berichte/" + other.ID + "/bericht.pdf", "/monitoring/berichte/kein-bericht"} {
				rtStatus(t, co.Get(p), http.StatusNotFound, "another tenant's report "+p)
			}
			if strings.Contains(rtText(t, co.Get("/monitoring/berichte")), other.ID) {
				t.Error("the list shows another tenant's report")
			}
		})
	}
}

func TestReportForms(t *testing.T) {
	for _, e := range apptest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			env, _, _, _ := rtSetup(t, e)
			co := env.Client()
			co.Login(access.Coordinator)
			errText := func(r *apptest.Response) string {
				return strings.Join(strings.Fields(r.Doc(t).Find(".error-summary").Text()), " ")
			}
			// Starting: year and audience are checked.
			r := co.PostForm("/monitoring/berichte", url.Values{"year": {"1999"}, "audience": {"stadtrat"}})
			rtStatus(t, r, http.StatusUnprocessableEntity, "bad year and audience")
			if !strings.Contains(errText(r), "Jahr von 2000 bis 2026") || !strings.Contains(errText(r), "Adressat") {
				t.Errorf("messages %q", errText(r))
			}
			// Texts: length, section, optimistic locking.
			long := strings.Repeat("a", monitoring.ReportTextMax+1)
			r = co.PostForm("/monitoring/berichte/texte", url.Values{"year": {"2025"}, "section": {"outlook"}, "body_outlook": {long}, "version_outlook": {"0"}})
			rtStatus(t, r, http.StatusUnprocessableEntity, "text too long")
			if !strings.Contains(errText(r), "Ausblick") || r.Doc(t).Find("#f-body_outlook[aria-invalid]").Length() != 1 {
				t.Errorf("too long: %q", errText(r))
			}
			rtStatus(t, co.PostForm("/monitoring/berichte/texte", url.Values{"year": {"2025"}, "section": {"anhang"}, "body_anhang": {"x"}}),
				http.StatusUnprocessableEntity, "unknown section")
			rtStatus(t, co.PostForm("/monitoring/berichte/texte", url.Values{"year": {"abc"}, "section": {"intro"}, "body_intro": {"x"}}),
				http.StatusUnprocessableEntity, "bad year")
			save := func(body, version string) *apptest.Response {
				return co.PostForm("/monitoring/berichte/texte", url.Values{"year": {"2025"}, "section": {"outlook"}, "body_outlook": {body}, "version_outlook": {version}})
			}
			r = save("Ausblick auf 2026.", "0")
			rtStatus(t, r, http.StatusSeeOther, "first save")
			if r.Location() != "/monitoring/berichte?jahr=2025#text-outlook" {
				t.Errorf("redirect to %q", r.Location())
			}
			rtStatus(t, save("Zweiter Entwurf.", "1"), http.StatusSeeOther, "second save")
			r = save("Veralteter Stand.", "1")
			rtStatus(t, r, http.StatusConflict, "stale version")
			if !strings.Contains(errText(r), "inzwischen geändert") {
				t.Errorf("conflict message %q", errText(r))
			}
			rtStatus(t, save("Doppelt angelegt.", "0"), http.StatusConflict, "second first version")
			rtStatus(t, save("Unsinn.", "x"), http.StatusConflict, "malformed version")
			page := co.Get("/monitoring/berichte?jahr=2025")
			rtStatus(t, page, http.StatusOK, "texts page")
			if v := page.Doc(t).Find("#f-body_outlook").Text(); v != "Zweiter Entwurf." {
				t.Errorf("stored text %q", v)
			}
			if v, _ := page.Doc(t).Find(`input[name="version_outlook"]`).Attr("value"); v != "2" {
				t.Errorf("version %q", v)
			}
			rtStatus(t, co.Get("/monitoring/berichte?jahr=3000"), http.StatusBadRequest, "year out of range")
			if page := co.Get("/monitoring/berichte?jahr=2024"); page.Doc(t).Find("#f-body_outlook").Text() != "" {
				t.Error("another year shows this year's text")
			}
		})
	}
}
