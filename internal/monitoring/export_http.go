package monitoring

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"kim/internal/platform/access"
	"kim/internal/platform/errs"
	"kim/internal/platform/i18n"
	"kim/internal/platform/web"
)

// The XLSX and CSV exports of an indicator (the query of its page) and of a dashboard (all its
// panels under the filters of its page). Every export computes its tables in one release and
// publishes them once (channel xlsx or csv) before the file is sent.

// exportRoutes registers the exports ({id} is the indicator's code or the dashboard's id;
// "standard" is the full KIM dashboard).
func (h *HTTP) exportRoutes(rt *web.Router) {
	rt.Handle("GET /monitoring/kennzahlen/{id}/export.xlsx", web.Staff, h.indicatorExport("xlsx"))
	rt.Handle("GET /monitoring/kennzahlen/{id}/export.csv", web.Staff, h.indicatorExport("csv"))
	rt.Handle("GET /monitoring/dashboards/{id}/export.xlsx", web.Staff, h.dashboardExport("xlsx"))
	rt.Handle("GET /monitoring/dashboards/{id}/export.csv", web.Staff, h.dashboardExport("csv"))
}

// Export is a file of protected tables ready to be sent.
type Export struct {
	Name    string // the file name (ASCII, no personal data)
	Content []byte
}

// ExportQuery reads the query of an indicator page (von, bis, nach, bezirk, organisation) for
// the indicator with the indicator page's parser (pageQuery), so that an export holds the
// page's table: the period (default: the 12 months up to the current one), the breakdown and
// the filters, which the engine checks. Invalid values are a validation error by field.
func (s *Service) ExportQuery(code string, q url.Values) (Query, error) {
	ind := Lookup(code)
	if ind == nil {
		return Query{}, errs.ErrNotFound
	}
	return pageQuery(q, ind.Code, LastComplete(s.DB.Clock.Now()))
}

// ExportIndicator computes the indicator's table for the query string q and writes it in
// format ("xlsx" or "csv"), published as one release.
func (s *Service) ExportIndicator(ctx context.Context, actor access.Actor, l *i18n.Localizer, code string, q url.Values, format string) (*Export, error) {
	if err := access.Check(actor, KindIndicator, access.View); err != nil {
		return nil, err
	}
	query, err := s.ExportQuery(code, q)
	if err != nil {
		return nil, err
	}
	name := "kennzahl-" + exportFileWord(query.Indicator) + "-" + query.From.String() + "-" + query.To.String()
	return s.export(ctx, actor, l, []Query{query}, format, name, Lookup(code).Name.In(l.Lang))
}

// ExportDashboard computes every panel of the dashboard id ("standard": the full KIM
// dashboard) under the filters of the query string q (as on the dashboard's page) and writes
// them in format, one sheet per panel, published as one release.
func (s *Service) ExportDashboard(ctx context.Context, actor access.Actor, l *i18n.Localizer, id string, q map[string][]string, format string) (*Export, error) {
	var d *Dashboard
	var err error
	title := ""
	if id == "standard" {
		d, err = s.StandardDashboard(actor)
		title = l.T("monitoring.dashboards.standard_title")
	} else {
		d, err = s.GetDashboard(ctx, actor, id)
	}
	if err != nil {
		return nil, err
	}
	if title == "" {
		title = d.Title
	}
	ch, _, err := s.choices(ctx, actor)
	if err != nil {
		return nil, err
	}
	f, err := d.Filter(s.dashNow(), q, ch)
	if err != nil {
		return nil, err
	}
	qs := d.Queries(f)[:len(d.Panels)]
	name := "dashboard-" + f.From.String() + "-" + f.To.String()
	return s.export(ctx, actor, l, qs, format, name, title)
}

// export computes the queries in one release, writes the file and publishes the release.
func (s *Service) export(ctx context.Context, actor access.Actor, l *i18n.Localizer, qs []Query, format, name, title string) (*Export, error) {
	if format != "xlsx" && format != "csv" {
		return nil, errs.ErrNotFound
	}
	tables, err := s.ComputeAll(ctx, actor, qs)
	if err != nil {
		return nil, err
	}
	opt := ExportOptions{Min: s.rule().Min, MinPersons: s.rule().MinPersons, Names: map[string]string{}}
	if fo, err := s.Options(ctx, actor); err == nil && fo != nil {
		for _, o := range append(append([]web.Option(nil), fo.Districts...), fo.Organisations...) {
			opt.Names[o.Value] = o.Label
		}
	}
	var buf bytes.Buffer
	if format == "xlsx" {
		err = WriteXLSX(&buf, tables, l, opt)
	} else {
		err = WriteCSV(&buf, tables, l, opt)
	}
	if err != nil {
		return nil, err
	}
	if err := s.Publish(ctx, actor, Release{Channel: format, Title: title, Tables: tables}); err != nil {
		return nil, err
	}
	return &Export{Name: name + "." + format, Content: buf.Bytes()}, nil
}

// exportFileWord keeps of s what a file name may safely carry: ASCII letters, digits, - and _.
func exportFileWord(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' {
			return r
		}
		return '_'
	}, s)
}

// exportContentTypes are the media types of the formats.
var exportContentTypes = map[string]string{
	"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	"csv":  "text/csv; charset=utf-8",
}

// sendExport writes the file as a download.
func sendExport(w http.ResponseWriter, format string, e *Export) {
	hd := w.Header()
	hd.Set("Content-Type", exportContentTypes[format])
	hd.Set("Content-Disposition", `attachment; filename="`+e.Name+`"`)
	hd.Set("Content-Length", strconv.Itoa(len(e.Content)))
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Cache-Control", "no-store")
	_, _ = w.Write(e.Content)
}

func (h *HTTP) indicatorExport(format string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		actor, ok := h.check(w, r, KindIndicator, access.View)
		if !ok {
			return
		}
		code := r.PathValue("id")
		e, err := h.S.ExportIndicator(r.Context(), actor, h.R.Localizer(r), code, r.URL.Query(), format)
		if err != nil {
			h.exportFailed(w, r, err, "/monitoring/kennzahlen/"+url.PathEscape(code))
			return
		}
		sendExport(w, format, e)
	}
}

func (h *HTTP) dashboardExport(format string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		actor, ok := h.check(w, r, KindDashboard, access.View)
		if !ok {
			return
		}
		id := r.PathValue("id")
		e, err := h.S.ExportDashboard(r.Context(), actor, h.R.Localizer(r), id, r.URL.Query(), format)
		if err != nil {
			h.exportFailed(w, r, err, "/monitoring/dashboards/"+url.PathEscape(id))
			return
		}
		sendExport(w, format, e)
	}
}

// exportFields are the query parameters of an export, for the messages of a refused one.
var exportFields = web.Fields("von", "monitoring.reports.export.from", "bis", "monitoring.reports.export.to",
	"from", "monitoring.reports.export.from", "to", "monitoring.reports.export.to", "by", "monitoring.reports.xlsx_breakdown",
	"district", "monitoring.reports.export.district",
	"nach", "monitoring.reports.xlsx_breakdown", "bezirk", "monitoring.reports.export.district",
	"organisation", "monitoring.reports.export.organisation")

// exportFailed answers a refused export: invalid query parameters get a page (422) that names
// each with its message and leads back to the page the export belongs to; anything else the
// error page.
func (h *HTTP) exportFailed(w http.ResponseWriter, r *http.Request, err error, back string) {
	if e := errs.As(err); e.Code != errs.Invalid || len(e.Fields) == 0 {
		h.R.Fail(w, r, err)
		return
	}
	form := web.NewForm(nil).WithError(err)
	form.Fields = exportFields
	h.R.Render(w, r, http.StatusUnprocessableEntity, "monitoring/report_export_error", web.View{Title: "monitoring.reports.export.failed_title",
		Form: form, Data: back})
}
