package monitoring

import (
	"context"
	"kim/internal/monitoring/sdc"
	"strconv"
	"strings"
	"time"

	"kim/internal/monitoring/chart"
	"kim/internal/pdfdoc"
	"kim/internal/platform/access"
	"kim/internal/platform/db"
	"kim/internal/platform/i18n"
	"kim/internal/platform/web"
)

// reportDoc is everything a report's PDF shows: read by the job before it draws.
type reportDoc struct {
	L          *i18n.Localizer
	Report     *Report
	Tenant     string
	Texts      []ReportText
	Funding    []reportFundingRow
	Figures    map[string][]reportFigure // by report section
	Min        int                       // the disclosure threshold of counts
	MinPersons int                       // the persons a magnitude needs
	Created    time.Time
}

// reportFigure is one indicator of the report: its twelve months and the year, and the year by
// district when the indicator has that breakdown.
type reportFigure struct {
	Indicator  *Indicator
	Months     *Table
	Year       *Table
	ByDistrict *Table
}

// reportFundingRow is one organisation's staffing and funding figures of the year (the figures of
// the funding report, Verwendungsnachweis).
type reportFundingRow struct {
	Organisation           string
	FTEFunded, FTEOccupied float64
	VacancyDays, Trainings int
	FundsCents             int64
}

// reportFigureSections maps a report section to the catalogue sections whose indicators it shows.
var reportFigureSections = map[string][]string{
	SectionCasework: {"casework", "naturalisation"},
	SectionSteering: {"steering"},
	SectionContext:  {"context"},
}

func (in *reportDoc) title() string {
	return in.L.T("monitoring.reports.pdf.title", "Year", in.Report.Year)
}

// tables returns every table of the report, for the release.
func (in *reportDoc) tables() []*Table {
	var out []*Table
	for _, sec := range ReportSections {
		for _, f := range in.Figures[sec] {
			out = append(out, f.Months, f.Year)
			if f.ByDistrict != nil {
				out = append(out, f.ByDistrict)
			}
		}
	}
	return out
}

// reportInput reads the texts, the tenant's name and the funding figures of the report's year.
func (s *Service) reportInput(ctx context.Context, actor access.Actor, l *i18n.Localizer, r *Report) (*reportDoc, error) {
	in := &reportDoc{L: l, Report: r, Figures: map[string][]reportFigure{}, Min: s.rule().Min, Created: s.DB.Clock.Now()}
	if in.Min < 2 {
		in.Min = 5
	}
	if in.MinPersons = s.rule().MinPersons; in.MinPersons < 1 {
		in.MinPersons = 10
	}
	err := s.DB.Read(ctx, func(tx *db.Tx) (err error) {
		if in.Texts, err = reportTexts(ctx, tx, actor.TenantID, r.Year); err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, "SELECT name FROM tenants WHERE id = $1", actor.TenantID).Scan(&in.Tenant); err != nil {
			return err
		}
		in.Funding, err = db.QueryAll(ctx, tx, func(sc db.Scanner, f *reportFundingRow) error {
			return sc.Scan(&f.Organisation, &f.FTEFunded, &f.FTEOccupied, &f.VacancyDays, &f.Trainings, &f.FundsCents)
		}, `SELECT o.name, f.fte_funded, f.fte_occupied, f.vacancy_days, f.trainings, f.funds_cents FROM funding_figures f
			JOIN organisations o ON o.tenant_id = f.tenant_id AND o.id = f.organisation_id
			WHERE f.tenant_id = $1 AND f.year = $2 ORDER BY lower(o.name), o.id`, actor.TenantID, r.Year)
		return err
	})
	return in, err
}

// reportFigures computes every table of the report in one release: per indicator of the
// figure sections the twelve months, the year and, where possible, the year by district.
func (s *Service) reportFigures(ctx context.Context, actor access.Actor, in *reportDoc) error {
	from, to := Month{in.Report.Year, time.January}, Month{in.Report.Year, time.December}
	type slot struct {
		section string
		ind     *Indicator
	}
	var qs []Query
	var slots []slot
	for _, sec := range ReportSections {
		for _, cs := range reportFigureSections[sec] {
			for i := range Catalogue() {
				ind := &Catalogue()[i]
				if ind.Section != cs {
					continue
				}
				slots = append(slots, slot{sec, ind})
				qs = append(qs, Query{Indicator: ind.Code, From: from, To: to}, Query{Indicator: ind.Code, From: from, To: to, Yearly: true})
				if ind.HasBreakdown(breakdownDistrictCode) {
					qs = append(qs, Query{Indicator: ind.Code, From: from, To: to, Yearly: true, By: breakdownDistrictCode})
				}
			}
		}
	}
	if len(qs) == 0 {
		return nil
	}
	tables, err := s.ComputeAll(ctx, actor, qs)
	if err != nil {
		return err
	}
	k := 0
	for _, sl := range slots {
		f := reportFigure{Indicator: sl.ind, Months: tables[k], Year: tables[k+1]}
		k += 2
		if sl.ind.HasBreakdown(breakdownDistrictCode) {
			f.ByDistrict = tables[k]
			k++
		}
		in.Figures[sl.section] = append(in.Figures[sl.section], f)
	}
	return nil
}

// breakdownDistrictCode is the breakdown by district.
const breakdownDistrictCode = "district"

// buildReportPDF draws the annual report: a title page (title, tenant, audience, year, date
// of generation, the disclosure note), the table of contents with the page each chapter starts
// on, then per section the coordination's text, charts and tables of the year's figures, the
// funding figures and the disclosure note, each chapter on a new page.
func buildReportPDF(in *reportDoc) ([]byte, error) {
	l := in.L
	year := strconv.Itoa(in.Report.Year)
	doc := pdfdoc.New(in.title(), l.Lang, pdfdoc.Options{Author: in.Tenant, Date: in.Created,
		Footer:   l.T("monitoring.reports.pdf.footer", "Tenant", in.Tenant, "Year", year),
		PageWord: l.T("monitoring.reports.pdf.page"),
		Cover: &pdfdoc.Cover{Subtitle: in.Tenant, Note: exportDisclosureNote(l, in.Min), Facts: [][2]string{
			{l.T("monitoring.reports.audience_label"), l.T("monitoring.reports.audience." + in.Report.Audience)},
			{l.T("monitoring.reports.year_label"), year},
			{l.T("monitoring.reports.pdf.created"), in.Created.In(web.Berlin).Format("02.01.2006")},
		}}})
	chapters := reportChapters(l)
	doc.Contents(l.T("monitoring.reports.pdf.contents"), chapters)
	texts := map[string]string{}
	for _, t := range in.Texts {
		texts[t.Section] = t.Body
	}
	for i, sec := range ReportSections {
		doc.NewPage()
		doc.Chapter(i)
		if body := strings.TrimSpace(texts[sec]); body != "" {
			doc.Paragraph(body)
		} else {
			doc.Small(l.T("monitoring.reports.pdf.no_text"))
		}
		for _, f := range in.Figures[sec] {
			reportFigurePDF(doc, in, f)
		}
	}
	doc.NewPage()
	doc.Chapter(len(ReportSections))
	fundingPDF(doc, in)
	doc.NewPage()
	doc.Chapter(len(ReportSections) + 1)
	doc.Paragraph(exportDisclosureNote(l, in.Min))
	doc.Paragraph(l.T("monitoring.reports.pdf.disclosure_more", "Persons", in.MinPersons))
	if reportContentsHook != nil {
		reportContentsHook(chapters, doc.ContentsPages(), doc.PageNo())
	}
	return doc.Bytes()
}

// reportContentsHook, when set (tests), gets the chapter titles of each report drawn, the page
// each chapter starts on and the number of pages.
var reportContentsHook func(chapters []string, pages []int, total int)

// reportChapters are the numbered chapter titles: the sections, the funding figures and the
// disclosure note.
func reportChapters(l *i18n.Localizer) []string {
	var out []string
	for _, sec := range ReportSections {
		out = append(out, l.T("monitoring.reports.section."+sec))
	}
	out = append(out, l.T("monitoring.reports.pdf.funding"), l.T("monitoring.reports.pdf.disclosure"))
	for i := range out {
		out[i] = strconv.Itoa(i+1) + " " + out[i]
	}
	return out
}

// reportFigurePDF draws one indicator: name and definition, the chart of the months, the table
// of the months and the year, and the year by district.
func reportFigurePDF(doc *pdfdoc.Doc, in *reportDoc, f reportFigure) {
	l := in.L
	drawReportFigure(doc, f.Indicator.Name.In(l.Lang), reportChartSpec(in, f))
	if d := f.Indicator.Definition.In(l.Lang); d != "" {
		doc.Small(d)
	}
	// The months and the year side by side: one column each.
	sup := SuppressedText(f.Indicator, in.rule(), l)
	head, row := []string{l.T("monitoring.reports.col_period")}, []string{reportUnit(l, f.Indicator)}
	widths := []float64{2.6}
	for i, c := range f.Months.Totals {
		label := exportPeriod(f.Months, i)
		if i < len(f.Months.Periods) {
			label = l.T("monitoring.reports.month." + strconv.Itoa(int(f.Months.Periods[i].Month)))
		}
		head, row, widths = append(head, label), append(row, reportCellText(c, l.Lang, sup)), append(widths, 1)
	}
	for i, c := range f.Year.Totals {
		head, row, widths = append(head, exportPeriod(f.Year, i)), append(row, reportCellText(c, l.Lang, sup)), append(widths, 1.3)
	}
	doc.Table(head, [][]string{row}, widths)
	if t := f.ByDistrict; t != nil && len(t.Groups) > 0 && len(t.Cells) > 0 {
		var drows [][]string
		for j, g := range t.Groups {
			var c Cell // a cell the engine did not return is shown as missing, never guessed
			if j < len(t.Cells[0]) {
				c = t.Cells[0][j]
			}
			drows = append(drows, []string{exportGroupLabel(l, g), reportCellText(c, l.Lang, sup)})
		}
		if len(t.Totals) > 0 {
			drows = append(drows, []string{l.T("monitoring.reports.total"), reportCellText(t.Totals[0], l.Lang, sup)})
		}
		doc.Table([]string{l.T("monitoring.reports.pdf.district"), l.T("monitoring.reports.pdf.year_row", "Year", exportPeriod(t, 0))}, drows, []float64{1, 1})
	}
}

// reportUnit names the unit of an indicator's values (message monitoring.reports.unit.<unit>).
func reportUnit(l *i18n.Localizer, ind *Indicator) string {
	if ind.Unit == "" {
		return l.T("monitoring.reports.col_value")
	}
	return l.T("monitoring.reports.unit." + ind.Unit)
}

// reportCellText is a published value in the document's language, or "< 5".
func reportCellText(c Cell, lang, suppressed string) string {
	if c.Suppressed {
		return suppressed
	}
	if c.Value == nil {
		return "–"
	}
	return reportNumber(*c.Value, lang)
}

// reportNumber formats a value: whole numbers without decimals, others with one ("12,5").
func reportNumber(v float64, lang string) string {
	dec := 0
	if v != float64(int64(v)) {
		dec = 1
	}
	if lang == "en" {
		return chart.Number(v, dec, ".", ",")
	}
	return chart.Number(v, dec, ",", ".")
}

// rule is the disclosure rule the report's texts name.
func (in *reportDoc) rule() sdc.Rule { return sdc.Rule{Min: in.Min, MinPersons: in.MinPersons} }

// reportChartSpec describes the line chart of an indicator's months.
func reportChartSpec(in *reportDoc, f reportFigure) chart.Spec {
	l := in.L
	sp := chart.Spec{Kind: chart.Line, Title: f.Indicator.Name.In(l.Lang), Unit: reportUnit(l, f.Indicator),
		Texts: chart.Texts{Suppressed: SuppressedText(f.Indicator, in.rule(), l), SuppressedLegend: SuppressedNote(f.Indicator, in.rule(), l),
			NoData: l.T("monitoring.reports.chart.no_data")}}
	if l.Lang != "en" {
		sp.DecimalSep, sp.ThousandsSep = ",", "."
	}
	series := chart.Series{Key: "total", Label: l.T("monitoring.reports.total")}
	for i, c := range f.Months.Totals {
		p := exportPeriod(f.Months, i)
		label := p
		if i < len(f.Months.Periods) {
			label = l.T("monitoring.reports.month." + strconv.Itoa(int(f.Months.Periods[i].Month)))
		}
		sp.Categories = append(sp.Categories, chart.Category{Key: p, Label: label})
		v := chart.Value{Suppressed: c.Suppressed, Missing: !c.Suppressed && c.Value == nil}
		if v.Published() {
			v.V = *c.Value
			if v.V != float64(int64(v.V)) {
				sp.Decimals = 1
			}
		}
		series.Values = append(series.Values, v)
	}
	sp.Series = []chart.Series{series}
	return sp
}

// fundingPDF draws the funding figures of the year per organisation with their sum.
func fundingPDF(doc *pdfdoc.Doc, in *reportDoc) {
	l := in.L
	if len(in.Funding) == 0 {
		doc.Small(l.T("monitoring.reports.pdf.no_funding"))
		return
	}
	num := func(v float64) string { return reportNumber(v, l.Lang) }
	money := func(c int64) string {
		return chart.Number(float64(c)/100, 2, map[bool]string{true: ".", false: ","}[l.Lang == "en"], map[bool]string{true: ",", false: "."}[l.Lang == "en"]) + " €"
	}
	var rows [][]string
	var sum reportFundingRow
	for _, f := range in.Funding {
		rows = append(rows, []string{f.Organisation, num(f.FTEFunded), num(f.FTEOccupied), strconv.Itoa(f.VacancyDays), strconv.Itoa(f.Trainings), money(f.FundsCents)})
		sum.FTEFunded += f.FTEFunded
		sum.FTEOccupied += f.FTEOccupied
		sum.VacancyDays += f.VacancyDays
		sum.Trainings += f.Trainings
		sum.FundsCents += f.FundsCents
	}
	rows = append(rows, []string{l.T("monitoring.reports.total"), num(sum.FTEFunded), num(sum.FTEOccupied), strconv.Itoa(sum.VacancyDays),
		strconv.Itoa(sum.Trainings), money(sum.FundsCents)})
	head := []string{"organisation", "fte_funded", "fte_occupied", "vacancy_days", "trainings", "funds"}
	for i, h := range head {
		head[i] = l.T("monitoring.reports.funding." + h)
	}
	doc.Paragraph(l.T("monitoring.reports.pdf.funding_intro"))
	doc.Table(head, rows, []float64{2.4, 1, 1, 1, 1, 1.4})
}
