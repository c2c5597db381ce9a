package steering

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"kim/internal/platform/access"
	"kim/internal/platform/errs"
	"kim/internal/platform/web"
)

func (h *HTTP) reportRoutes(rt *web.Router) {
	rt.Handle("GET /faelle/{id}/problemanzeige", web.Staff, h.reportNew)
	rt.Handle("POST /faelle/{id}/problemanzeige", web.Staff, h.reportCreate)
	rt.Handle("GET /problemanzeigen", web.Staff, h.reportList)
	rt.Handle("GET /problemanzeigen/{id}", web.Staff, h.reportView)
	rt.Handle("POST /problemanzeigen/{id}/sichtung", web.Staff, h.reportScreen)
	rt.Handle("POST /problemanzeigen/{id}/text", web.Staff, h.reportText)
	rt.Handle("GET /koordination/eingang", web.Staff, h.reportInbox)
	rt.Handle("GET /neuigkeiten", web.Staff, h.newsPage)
}

// reportFields are the fields of the report form, for the error summary.
var reportFields = web.Fields("life_domain", "steering.report.life_domain", "type", "steering.report.type_label",
	"organisations", "steering.report.organisations", "legal_domains", "steering.report.legal_domains",
	"description", "steering.report.description", "confirm_anonymous", "steering.report.confirm_label", "source", "steering.report.source_label")

type reportFormData struct {
	CaseID                      string
	Domains, Types, Legal, Orgs []web.Option
	Hits                        []IdentityHit
	Token                       string // binds the confirmation to the findings (IdentityWarning.Token)
	Source                      string
}

// reportPrefill keeps of the query what the form can take: codes of its lists and
// organisations of its options (a referral or a transition suggests them; no personal data).
func reportPrefill(q url.Values, orgs []web.Option) url.Values {
	out := url.Values{}
	keep := func(field string, allowed []string) {
		for _, v := range q[field] {
			if slices.Contains(allowed, v) {
				out.Add(field, v)
			}
		}
	}
	keep("life_domain", ReportDomains)
	keep("type", ReportTypes)
	keep("source", ReportSources)
	keep("legal_domains", ReportLegalDomains)
	var orgIDs []string
	for _, o := range orgs {
		orgIDs = append(orgIDs, o.Value)
	}
	keep("organisations", orgIDs)
	return out
}

// reportForm renders the form of a report from a case; failed is the error of a submission.
func (h *HTTP) reportForm(w http.ResponseWriter, r *http.Request, actor access.Actor, values url.Values, failed error) {
	caseID := r.PathValue("id")
	opts, err := h.S.ReportForm(r.Context(), actor, caseID)
	if errs.As(err).Message.ID == purposeRequired {
		// A team lead or deputy states the purpose on the case's page first.
		web.Redirect(w, r, "/faelle/"+caseID, "steering.report.purpose_first")
		return
	}
	if err != nil {
		h.R.Fail(w, r, err)
		return
	}
	if values == nil {
		values = reportPrefill(r.URL.Query(), opts.Organisations)
	}
	values.Set("source", reportSource(values.Get("source")))
	form := web.NewForm(values)
	form.Fields = reportFields
	data := reportFormData{CaseID: caseID, Domains: loopOptions("casework.domain.", ReportDomains), Types: loopOptions("steering.report.type.", ReportTypes),
		Legal: loopOptions("casework.benefit.", ReportLegalDomains), Orgs: opts.Organisations, Source: values.Get("source")}
	v := web.View{Title: "steering.report.new_title", Form: form, Data: &data}
	var warn *IdentityWarning
	if errors.As(failed, &warn) {
		data.Hits, data.Token = warn.Hits, warn.Token
	}
	h.reportRender(w, r, "steering/report_form", v, failed)
}

// purposeRequired is the message of case management's refusal to open a case without a
// stated purpose (casework.ErrPurposeRequired).
const purposeRequired = "casework.case.purpose_required"

// reportSource returns source if it is one of ReportSources, else "case".
func reportSource(source string) string {
	if slices.Contains(ReportSources, source) {
		return source
	}
	return "case"
}

// reportRender renders a page with a form, or the form again with the error of a submission.
func (h *HTTP) reportRender(w http.ResponseWriter, r *http.Request, page string, v web.View, failed error) {
	if failed != nil {
		h.R.FormFailed(w, r, failed, page, v)
		return
	}
	h.R.Render(w, r, http.StatusOK, page, v)
}

func (h *HTTP) reportNew(w http.ResponseWriter, r *http.Request) {
	actor, ok := h.loopCheck(w, r, KindBarrierReport, access.Create)
	if !ok {
		return
	}
	h.reportForm(w, r, actor, nil, nil)
}

func (h *HTTP) reportCreate(w http.ResponseWriter, r *http.Request) {
	actor, ok := h.loopParse(w, r, KindBarrierReport, access.Create)
	if !ok {
		return
	}
	f := r.PostForm
	in := ReportInput{LifeDomain: f.Get("life_domain"), Type: f.Get("type"), Source: reportSource(f.Get("source")), Organisations: f["organisations"],
		LegalDomains: f["legal_domains"], Description: f.Get("description"), Confirmed: bodyChecked(f, "confirm_anonymous"),
		ConfirmToken: f.Get("identity_token")}
	rep, err := h.S.FileReport(r.Context(), actor, r.PathValue("id"), in)
	if err != nil {
		values := url.Values{}
		for _, k := range []string{"life_domain", "type", "organisations", "legal_domains", "description"} {
			values[k] = f[k]
		}
		values.Set("source", in.Source)
		h.reportForm(w, r, actor, values, err)
		return
	}
	web.Redirect(w, r, "/problemanzeigen/"+rep.ID, "steering.report.filed")
}

// reportFilterForm reads the filter of a report list from the query; invalid values are
// dropped and named in the form.
func reportFilterForm(r *http.Request) (ReportFilter, *web.Form) {
	q := r.URL.Query()
	f := ReportFilter{Status: q.Get("status"), Type: q.Get("type"), LifeDomain: q.Get("life_domain"), From: q.Get("from"), To: q.Get("to")}
	err := f.Validate()
	form := web.NewForm(q)
	form.Fields = web.Fields("status", "steering.report.status_label", "type", "steering.report.type_label",
		"life_domain", "steering.report.life_domain", "from", "steering.report.from", "to", "steering.report.to")
	return f, form.WithError(err)
}

type reportListData struct {
	Items                    []Report
	Pager                    web.Pager
	Statuses, Types, Domains []web.Option
	Filtered                 bool
}

func (h *HTTP) reportList(w http.ResponseWriter, r *http.Request) {
	actor, ok := h.loopCheck(w, r, KindBarrierReport, access.List)
	if !ok {
		return
	}
	q := web.ParseList(r, ReportSortKeys...)
	if r.URL.Query().Get("sort") == "" {
		q.Desc = true
	}
	f, form := reportFilterForm(r)
	items, total, err := h.S.ListReports(r.Context(), actor, q, f)
	if err != nil {
		h.R.Fail(w, r, err)
		return
	}
	title := map[access.Reach]string{access.Self: "steering.report.list_own", access.Organisation: "steering.report.list_org"}[access.ReachOf(actor.Role, KindBarrierReport, access.List)]
	if title == "" {
		title = "steering.report.list_title"
	}
	h.R.Render(w, r, http.StatusOK, "steering/reports", web.View{Title: title, Form: form, Data: reportListData{Items: items,
		Pager: web.NewPager(q, total, r), Statuses: loopOptions("steering.report.status.", ReportStatuses), Types: loopOptions("steering.report.type.", ReportTypes),
		Domains: loopOptions("casework.domain.", ReportDomains), Filtered: f != ReportFilter{}}})
}

type reportViewData struct {
	Report  *Report
	Screen  bool // the actor may screen it and edit its text
	Reasons []web.Option
}

// reportPage renders a report; form and failed carry a failed screening or text correction.
func (h *HTTP) reportPage(w http.ResponseWriter, r *http.Request, actor access.Actor, form *web.Form, failed error) {
	rep, err := h.S.GetReport(r.Context(), actor, r.PathValue("id"))
	if err != nil {
		h.R.Fail(w, r, err)
		return
	}
	if form == nil {
		form = web.NewForm(nil)
	}
	form.Fields = web.Fields("reason", "steering.report.close_reason_label", "note", "steering.report.note",
		"description", "steering.report.edit_text_label")
	form.Values.Set("version", strconv.Itoa(rep.Version))
	if !form.Values.Has("description") {
		form.Values.Set("description", rep.Description)
	}
	v := web.View{Title: "steering.report.view_title", Form: form, Data: reportViewData{Report: rep,
		Screen: access.Allowed(actor, KindBarrierReport, access.Update), Reasons: loopOptions("steering.report.close_reason.", CloseReasons)}}
	h.reportRender(w, r, "steering/report", v, failed)
}

func (h *HTTP) reportView(w http.ResponseWriter, r *http.Request) {
	actor, ok := h.loopCheck(w, r, KindBarrierReport, access.View)
	if !ok {
		return
	}
	h.reportPage(w, r, actor, nil, nil)
}

// reportChanged answers a change of the coordination on a report: back to the report (or the
// inbox) with flash, or the report's page again with the form's values and messages.
func (h *HTTP) reportChanged(w http.ResponseWriter, r *http.Request, actor access.Actor, rep *Report, err error, values url.Values, flash string) {
	if err != nil {
		if c := errs.CodeOf(err); c == errs.NotFound || c == errs.Forbidden {
			h.R.Fail(w, r, err)
			return
		}
		h.reportPage(w, r, actor, web.NewForm(values), err)
		return
	}
	if r.PostForm.Get("back") == "inbox" {
		web.Redirect(w, r, "/koordination/eingang", flash)
		return
	}
	web.Redirect(w, r, "/problemanzeigen/"+rep.ID, flash)
}

func (h *HTTP) reportScreen(w http.ResponseWriter, r *http.Request) {
	actor, ok := h.loopParse(w, r, KindBarrierReport, access.Update)
	if !ok {
		return
	}
	f := r.PostForm
	in := ScreenInput{Action: f.Get("action"), Reason: f.Get("reason"), Note: f.Get("note"), Version: web.Version(r)}
	rep, err := h.S.ScreenReport(r.Context(), actor, r.PathValue("id"), in)
	flash := map[string]string{ScreenAction: "steering.report.screened", CloseAction: "steering.report.closed", ReopenAction: "steering.report.reopened"}[in.Action]
	h.reportChanged(w, r, actor, rep, err, url.Values{"reason": {in.Reason}, "note": {in.Note}}, flash)
}

func (h *HTTP) reportText(w http.ResponseWriter, r *http.Request) {
	actor, ok := h.loopParse(w, r, KindBarrierReport, access.Update)
	if !ok {
		return
	}
	in := TextInput{Description: r.PostForm.Get("description"), Version: web.Version(r)}
	rep, err := h.S.EditReportText(r.Context(), actor, r.PathValue("id"), in)
	h.reportChanged(w, r, actor, rep, err, url.Values{"description": {in.Description}}, "steering.report.text_saved")
}

type inboxData struct {
	*Inbox
	Pager                    web.Pager
	Statuses, Types, Domains []web.Option
	TypeCounts               []typeCount
	Merge                    bool // the actor may merge reports into themes
	Filtered                 bool
}

type typeCount struct {
	Type  string
	Count int
	Link  string // the inbox with the other filters and this type
}

func (h *HTTP) reportInbox(w http.ResponseWriter, r *http.Request) {
	actor, ok := h.loopCheck(w, r, KindBarrierReport, access.Manage)
	if !ok {
		return
	}
	q := web.ParseList(r, ReportSortKeys...)
	if r.URL.Query().Get("sort") == "" {
		q.Desc = true
	}
	f, form := reportFilterForm(r)
	in, err := h.S.ListInbox(r.Context(), actor, q, f)
	if err != nil {
		h.R.Fail(w, r, err)
		return
	}
	data := inboxData{Inbox: in, Pager: web.NewPager(q, in.Total, r), Statuses: loopOptions("steering.report.status.", []string{reportReported, reportScreened}),
		Types: loopOptions("steering.report.type.", ReportTypes), Domains: loopOptions("casework.domain.", ReportDomains),
		Merge: access.Allowed(actor, KindTheme, access.Create), Filtered: f != ReportFilter{}}
	keep := url.Values{}
	for k, v := range map[string]string{"status": f.Status, "life_domain": f.LifeDomain, "from": f.From, "to": f.To} {
		if v != "" {
			keep.Set(k, v)
		}
	}
	for _, t := range ReportTypes {
		if n := in.ByType[t]; n > 0 {
			keep.Set("type", t)
			data.TypeCounts = append(data.TypeCounts, typeCount{t, n, "/koordination/eingang?" + keep.Encode()})
		}
	}
	h.R.Render(w, r, http.StatusOK, "steering/inbox", web.View{Title: "steering.inbox.title", Form: form, Data: data})
}

type newsData struct {
	Items []NewsItem
	Pager web.Pager
}

func (h *HTTP) newsPage(w http.ResponseWriter, r *http.Request) {
	actor, ok := h.loopCheck(w, r, KindBarrierReport, access.List)
	if !ok {
		return
	}
	q := web.ParseList(r)
	items, total, err := h.S.News(r.Context(), actor, q)
	if err != nil {
		h.R.Fail(w, r, err)
		return
	}
	h.R.Render(w, r, http.StatusOK, "steering/news", web.View{Title: "steering.news.title", Data: newsData{Items: items, Pager: web.NewPager(q, total, r)}})
}
