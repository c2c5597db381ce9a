package monitoring

import (
	"net/http"
	"net/url"
	"strconv"

	"kim/internal/platform/access"
	"kim/internal/platform/errs"
	"kim/internal/platform/i18n"
	"kim/internal/platform/web"
)

// fundingRoutes registers the funding figures and the figures of the funding report.
func (h *HTTP) fundingRoutes(rt *web.Router) {
	rt.Handle("GET /monitoring/foerdernachweis", web.Staff, h.fundingPage)
	rt.Handle("POST /monitoring/foerdernachweis", web.Staff, h.fundingSave)
	rt.Handle("GET /monitoring/foerdernachweis/export.csv", web.Staff, h.fundingExport)
}

var fundingFields = web.Fields("organisation", "monitoring.context.funding.organisation", "jahr", "monitoring.context.funding.year",
	"fte_funded", "monitoring.context.funding.fte_funded", "fte_occupied", "monitoring.context.funding.fte_occupied",
	"vacancy_days", "monitoring.context.funding.vacancy_days", "trainings", "monitoring.context.funding.trainings",
	"funds", "monitoring.context.funding.funds")

// fundingRow is an organisation's figures as the page shows them.
type fundingRow struct {
	ID, Name                             string
	Funded, Occupied, Vacancy, Trainings string
	Funds                                string
	Recorded                             bool
}

type fundingData struct {
	Year    int
	Years   []web.Option
	Rows    []fundingRow
	Total   fundingRow
	Edit    *fundingRow // the organisation whose figures the form edits
	Manage  bool
	Report  []fundingReportLine
	Cases   []fundingReportLine
	Missing bool // the catalogue has none of the case indicators
}

// fundingReportLine is one figure of the funding report: a label and its value.
type fundingReportLine struct {
	Label, Value string
}

func fundingShow(f FundingFigures) fundingRow {
	return fundingRow{ID: f.OrganisationID, Name: f.Organisation, Funded: ctxNumber(f.FTEFunded, 2), Occupied: ctxNumber(f.FTEOccupied, 2),
		Vacancy: ctxNumber(float64(f.VacancyDays), 0), Trainings: ctxNumber(float64(f.Trainings), 0), Funds: ctxCents(f.FundsCents), Recorded: f.Version > 0}
}

// fundingYear reads the year of the query (default: the last full year); a bad year is
// named in the form and the default used.
func (h *HTTP) fundingYear(r *http.Request, form *web.Form) int {
	def := h.S.DB.Clock.Now().In(web.Berlin).Year() - 1
	s := r.URL.Query().Get("jahr")
	if s == "" {
		return def
	}
	y, ok := ParseFundingYear(s)
	if !ok {
		if form.Errors == nil {
			form.Errors = map[string]errs.Message{}
		}
		form.Errors["jahr"] = errs.Msg("monitoring.context.funding.bad_year", "First", FundingFirstYear, "Last", FundingLastYear)
		return def
	}
	return y
}

// fundingReport computes the figures of the funding report of the year: the posts, vacancy
// days, trainings and funds, and the case figures of the engine (protected; published through
// channel). It returns the report's lines and the tables it published.
func (h *HTTP) fundingReport(r *http.Request, actor access.Actor, l *i18n.Localizer, year int, list []FundingFigures, channel string) (report, cases []fundingReportLine, missing bool, err error) {
	t := FundingTotal(list)
	report = []fundingReportLine{
		{l.T("monitoring.context.funding.fte_funded"), ctxNumber(t.FTEFunded, 2)},
		{l.T("monitoring.context.funding.fte_occupied"), ctxNumber(t.FTEOccupied, 2)},
		{l.T("monitoring.context.funding.occupancy"), "–"},
		{l.T("monitoring.context.funding.vacancy_days"), ctxNumber(float64(t.VacancyDays), 0)},
		{l.T("monitoring.context.funding.trainings"), ctxNumber(float64(t.Trainings), 0)},
		{l.T("monitoring.context.funding.funds"), ctxCents(t.FundsCents) + " €"},
	}
	if t.FTEFunded > 0 {
		report[2].Value = ctxNumber(100*t.FTEOccupied/t.FTEFunded, 1) + " %"
	}
	tables, err := h.S.FundingCaseFigures(r.Context(), actor, year)
	if err != nil {
		return nil, nil, false, err
	}
	if len(tables) == 0 {
		return report, nil, true, nil
	}
	if err := h.S.Publish(r.Context(), actor, Release{Channel: channel, Title: l.T("monitoring.context.funding.report_title", "Year", year), Tables: tables}); err != nil {
		return nil, nil, false, err
	}
	hidden := l.T("monitoring.context.suppressed", "Min", h.S.rule().Min)
	for _, tb := range tables {
		line := fundingReportLine{Label: l.T("monitoring.context.funding.case." + tb.Query.Indicator), Value: hidden}
		if len(tb.Totals) > 0 && !tb.Totals[len(tb.Totals)-1].Suppressed && tb.Totals[len(tb.Totals)-1].Value != nil {
			line.Value = ctxFigure(*tb.Totals[len(tb.Totals)-1].Value)
		}
		cases = append(cases, line)
	}
	return report, cases, false, nil
}

// fundingRender renders the page of a year; form carries an edit of one organisation's
// figures (organisation in its values).
func (h *HTTP) fundingRender(w http.ResponseWriter, r *http.Request, actor access.Actor, status int, year int, form *web.Form) {
	list, err := h.S.Funding(r.Context(), actor, year)
	if err != nil {
		h.R.Fail(w, r, err)
		return
	}
	l := h.R.Localizer(r)
	data := fundingData{Year: year, Manage: access.Allowed(actor, KindIndicator, access.Manage), Total: fundingShow(FundingTotal(list))}
	now := h.S.DB.Clock.Now().In(web.Berlin).Year()
	for y := now + 1; y >= now-6; y-- {
		data.Years = append(data.Years, web.Option{Value: strconv.Itoa(y), Label: strconv.Itoa(y)})
	}
	edit := form.Value("organisation")
	for _, f := range list {
		row := fundingShow(f)
		data.Rows = append(data.Rows, row)
		if data.Manage && f.OrganisationID == edit {
			data.Edit = &row
			if !form.Values.Has("version") {
				for k, v := range map[string]string{"fte_funded": ctxNumber(f.FTEFunded, 2), "fte_occupied": ctxNumber(f.FTEOccupied, 2),
					"vacancy_days": strconv.Itoa(f.VacancyDays), "trainings": strconv.Itoa(f.Trainings), "funds": ctxCents(f.FundsCents)} {
					form.Values.Set(k, v)
				}
			}
			form.Values.Set("version", strconv.Itoa(f.Version))
		}
	}
	if data.Report, data.Cases, data.Missing, err = h.fundingReport(r, actor, l, year, list, "page"); err != nil {
		h.R.Fail(w, r, err)
		return
	}
	form.Values.Set("jahr", strconv.Itoa(year))
	form.Fields = fundingFields
	h.R.Render(w, r, status, "monitoring/funding", web.View{Title: "monitoring.context.funding.title", TitleArgs: []any{"Year", year}, Form: form, Data: data})
}

func (h *HTTP) fundingPage(w http.ResponseWriter, r *http.Request) {
	actor, ok := h.check(w, r, KindIndicator, access.View)
	if !ok {
		return
	}
	form := web.NewForm(url.Values{"organisation": {r.URL.Query().Get("organisation")}})
	year := h.fundingYear(r, form)
	h.fundingRender(w, r, actor, http.StatusOK, year, form)
}

func (h *HTTP) fundingSave(w http.ResponseWriter, r *http.Request) {
	actor, ok := h.parse(w, r, KindIndicator, access.Manage)
	if !ok {
		return
	}
	in := FundingInput{OrganisationID: web.Text(r, "organisation"), Year: web.Text(r, "jahr"), FTEFunded: web.Text(r, "fte_funded"),
		FTEOccupied: web.Text(r, "fte_occupied"), VacancyDays: web.Text(r, "vacancy_days"), Trainings: web.Text(r, "trainings"),
		Funds: web.Text(r, "funds"), Version: web.Version(r)}
	f, err := h.S.SaveFunding(r.Context(), actor, in)
	if err == nil {
		web.Redirect(w, r, "/monitoring/foerdernachweis?jahr="+strconv.Itoa(f.Year), "monitoring.context.funding.saved")
		return
	}
	e := errs.As(err)
	if e.Code != errs.Invalid && e.Code != errs.Conflict {
		h.R.Fail(w, r, err)
		return
	}
	year, ok := ParseFundingYear(in.Year)
	if !ok {
		year = h.S.DB.Clock.Now().In(web.Berlin).Year() - 1
	}
	values := url.Values{}
	for _, k := range []string{"organisation", "fte_funded", "fte_occupied", "vacancy_days", "trainings", "funds"} {
		values.Set(k, web.Text(r, k))
	}
	form := web.NewForm(values)
	status := http.StatusUnprocessableEntity
	if e.Code == errs.Conflict {
		// Show the stored figures again, with the conflict above the form.
		values = url.Values{"organisation": {in.OrganisationID}}
		form = web.NewForm(values)
		form.Errors = map[string]errs.Message{"_form": e.Message}
		status = http.StatusConflict
	} else {
		form.Errors = e.Fields
		if len(form.Errors) == 0 {
			form.Errors = map[string]errs.Message{"_form": e.Message}
		}
		form.Values.Set("version", strconv.Itoa(in.Version))
	}
	h.fundingRender(w, r, actor, status, year, form)
}

func (h *HTTP) fundingExport(w http.ResponseWriter, r *http.Request) {
	actor, ok := h.check(w, r, KindIndicator, access.View)
	if !ok {
		return
	}
	form := web.NewForm(nil)
	year := h.fundingYear(r, form)
	if form.Invalid("jahr") {
		h.R.Fail(w, r, errs.E(errs.Invalid, "monitoring.context.funding.bad_year_plain"))
		return
	}
	list, err := h.S.Funding(r.Context(), actor, year)
	if err != nil {
		h.R.Fail(w, r, err)
		return
	}
	l := h.R.Localizer(r)
	report, cases, _, err := h.fundingReport(r, actor, l, year, list, "csv")
	if err != nil {
		h.R.Fail(w, r, err)
		return
	}
	header := []string{l.T("monitoring.context.funding.organisation"), l.T("monitoring.context.funding.fte_funded"),
		l.T("monitoring.context.funding.fte_occupied"), l.T("monitoring.context.funding.vacancy_days"),
		l.T("monitoring.context.funding.trainings"), l.T("monitoring.context.funding.funds")}
	var rows [][]string
	add := func(f fundingRow) {
		rows = append(rows, []string{f.Name, f.Funded, f.Occupied, f.Vacancy, f.Trainings, f.Funds})
	}
	for _, f := range list {
		add(fundingShow(f))
	}
	total := fundingShow(FundingTotal(list))
	total.Name = l.T("monitoring.context.total")
	add(total)
	rows = append(rows, nil, []string{l.T("monitoring.context.funding.report_heading", "Year", year)})
	for _, line := range append(report, cases...) {
		rows = append(rows, []string{line.Label, line.Value})
	}
	web.CSV(w, "foerdernachweis-"+strconv.Itoa(year)+".csv", header, rows)
}
