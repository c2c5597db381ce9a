package monitoring

import (
	"net/http"
	"net/url"
	"strconv"

	"kim/internal/platform/access"
	"kim/internal/platform/errs"
	"kim/internal/platform/web"
)

func (h *HTTP) reportRoutes(rt *web.Router) {
	rt.Handle("GET /monitoring/berichte", web.Staff, h.reportsPage)
	rt.Handle("POST /monitoring/berichte", web.Staff, h.reportStart)
	rt.Handle("POST /monitoring/berichte/texte", web.Staff, h.reportTextSave)
	rt.Handle("GET /monitoring/berichte/{id}", web.Staff, h.reportProgress)
	rt.Handle("GET /monitoring/berichte/{id}/bericht.pdf", web.Staff, h.reportDownload)
	h.exportRoutes(rt) // export_http.go
}

type reportsData struct {
	Year      int
	Years     []web.Option
	Manage    bool // the actor writes texts and starts reports
	Texts     []ReportText
	Reports   []Report
	Audiences []web.Option
	TextMax   int
}

// reportsPage shows the reports of the tenant and, to the coordination, the text blocks of a
// year and the form that starts a report.
func (h *HTTP) reportsPage(w http.ResponseWriter, r *http.Request) {
	actor, ok := h.check(w, r, KindIndicator, access.List)
	if !ok {
		return
	}
	year := h.S.DefaultReportYear()
	if s := r.URL.Query().Get("jahr"); s != "" {
		var v errs.Validation
		if year = h.S.parseYear(&v, "jahr", s); year == 0 {
			h.R.Fail(w, r, errs.E(errs.Invalid, "monitoring.reports.year_invalid", "Min", reportYearMin, "Max", h.S.reportYearMax()))
			return
		}
	}
	h.renderReports(w, r, actor, year, http.StatusOK, web.NewForm(nil))
}

func (h *HTTP) renderReports(w http.ResponseWriter, r *http.Request, actor access.Actor, year, status int, form *web.Form) {
	data := reportsData{Year: year, Manage: access.Allowed(actor, KindIndicator, access.Manage), TextMax: ReportTextMax}
	var err error
	if data.Reports, err = h.S.ListReports(r.Context(), actor); err != nil {
		h.R.Fail(w, r, err)
		return
	}
	if data.Manage {
		if data.Texts, err = h.S.ReportTexts(r.Context(), actor, year); err != nil {
			h.R.Fail(w, r, err)
			return
		}
		for _, t := range data.Texts {
			if !form.Values.Has("body_" + t.Section) {
				form.Values.Set("body_"+t.Section, t.Body)
			}
			if !form.Values.Has("version_" + t.Section) {
				form.Values.Set("version_"+t.Section, strconv.Itoa(t.Version))
			}
		}
	}
	for y := h.S.reportYearMax(); y >= max(reportYearMin, h.S.reportYearMax()-9); y-- {
		data.Years = append(data.Years, web.Option{Value: strconv.Itoa(y), Label: strconv.Itoa(y)})
	}
	for _, a := range ReportAudiences {
		data.Audiences = append(data.Audiences, web.Option{Value: a, Label: "monitoring.reports.audience." + a, Translate: true})
	}
	if !form.Values.Has("year") {
		form.Values.Set("year", strconv.Itoa(year))
	}
	fields := []string{"year", "monitoring.reports.year_label", "audience", "monitoring.reports.audience_label"}
	for _, sec := range ReportSections {
		fields = append(fields, "body_"+sec, "monitoring.reports.section."+sec)
	}
	form.Fields = web.Fields(fields...)
	h.R.Render(w, r, status, "monitoring/reports", web.View{Title: "monitoring.reports.title", Form: form, Data: data})
}

// reportFormYear returns the year a posted form names, or the default year.
func (h *HTTP) reportFormYear(r *http.Request) int {
	var v errs.Validation
	if y := h.S.parseYear(&v, "year", r.PostForm.Get("year")); y != 0 {
		return y
	}
	return h.S.DefaultReportYear()
}

// reportFail shows the reports page again with the messages of a failed form (422, or 409 for a
// conflict), or the error page for anything else.
func (h *HTTP) reportFail(w http.ResponseWriter, r *http.Request, actor access.Actor, err error, values url.Values, rename map[string]string) {
	e := errs.As(err)
	form := web.NewForm(values)
	switch {
	case e.Code == errs.Invalid && len(e.Fields) > 0:
		form.Errors = map[string]errs.Message{}
		for k, m := range e.Fields {
			if n, ok := rename[k]; ok {
				k = n
			}
			form.Errors[k] = m
		}
		h.renderReports(w, r, actor, h.reportFormYear(r), http.StatusUnprocessableEntity, form)
	case e.Code == errs.Conflict:
		form.Errors = map[string]errs.Message{"_form": e.Message}
		h.renderReports(w, r, actor, h.reportFormYear(r), http.StatusConflict, form)
	default:
		h.R.Fail(w, r, err)
	}
}

// reportStart starts the job of a report and leads to its progress page.
func (h *HTTP) reportStart(w http.ResponseWriter, r *http.Request) {
	actor, ok := h.parse(w, r, KindIndicator, access.Manage)
	if !ok {
		return
	}
	in := ReportInput{Year: r.PostForm.Get("year"), Audience: r.PostForm.Get("audience")}
	rep, err := h.S.StartReport(r.Context(), actor, h.R.Localizer(r), in)
	if err != nil {
		h.reportFail(w, r, actor, err, url.Values{"year": {in.Year}, "audience": {in.Audience}}, nil)
		return
	}
	web.Redirect(w, r, "/monitoring/berichte/"+rep.ID, "monitoring.reports.started")
}

// reportTextSave saves the text block of one section (field body_<section>, version_<section>).
func (h *HTTP) reportTextSave(w http.ResponseWriter, r *http.Request) {
	actor, ok := h.parse(w, r, KindIndicator, access.Manage)
	if !ok {
		return
	}
	f := r.PostForm
	sec, year := f.Get("section"), f.Get("year")
	version, err := strconv.Atoi(f.Get("version_" + sec))
	if err != nil || version < 0 {
		version = -1
	}
	if f.Get("version_"+sec) == "" {
		version = 0
	}
	in := TextInput{Body: f.Get("body_" + sec), Version: version}
	if _, err := h.S.SaveReportText(r.Context(), actor, year, sec, in); err != nil {
		values := url.Values{"year": {year}, "body_" + sec: {in.Body}}
		h.reportFail(w, r, actor, err, values, map[string]string{"body": "body_" + sec, "section": "_form", "year": "year"})
		return
	}
	web.Redirect(w, r, "/monitoring/berichte?jahr="+year+"#text-"+sec, "monitoring.reports.text_saved")
}

type reportData struct {
	Report *Report
	Auto   bool // the page refreshes itself while the job runs
}

// reportProgress shows a report's job: status, progress and step while it runs (the page
// reloads itself every two seconds through the Refresh header, no JavaScript needed; ?auto=0
// stops that), the download when done, the message when failed.
func (h *HTTP) reportProgress(w http.ResponseWriter, r *http.Request) {
	actor, ok := h.check(w, r, KindIndicator, access.View)
	if !ok {
		return
	}
	rep, err := h.S.GetReport(r.Context(), actor, r.PathValue("id"))
	if err != nil {
		h.R.Fail(w, r, err)
		return
	}
	auto := rep.Active() && r.URL.Query().Get("auto") != "0"
	if auto {
		w.Header().Set("Refresh", "2")
	}
	h.R.Render(w, r, http.StatusOK, "monitoring/report", web.View{Title: "monitoring.reports.progress_title",
		TitleArgs: []any{"Year", rep.Year}, Data: reportData{Report: rep, Auto: auto}})
}

// reportDownload sends the PDF of a finished report.
func (h *HTTP) reportDownload(w http.ResponseWriter, r *http.Request) {
	actor, ok := h.check(w, r, KindIndicator, access.View)
	if !ok {
		return
	}
	pdf, rep, err := h.S.ReportPDF(r.Context(), actor, r.PathValue("id"))
	if err != nil {
		h.R.Fail(w, r, err)
		return
	}
	name := "jahresbericht-" + strconv.Itoa(rep.Year) + "-" + rep.Audience + ".pdf"
	hd := w.Header()
	hd.Set("Content-Type", "application/pdf")
	hd.Set("Content-Disposition", `attachment; filename="`+name+`"`)
	hd.Set("Content-Length", strconv.Itoa(len(pdf)))
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Cache-Control", "no-store")
	_, _ = w.Write(pdf)
}
