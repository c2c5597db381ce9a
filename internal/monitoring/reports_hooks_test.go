package monitoring

import (
	"time"

	"kim/internal/platform/i18n"
)

// Hooks for the tests of package monitoring_test (this file is compiled into tests only).

// SetReportBuilder replaces how a report's PDF is drawn (build gets nothing and returns the
// PDF or an error); it returns a function that restores the real one.
func SetReportBuilder(build func() ([]byte, error)) (restore func()) {
	old := reportBuilder
	reportBuilder = func(*reportDoc) ([]byte, error) { return build() }
	return func() { reportBuilder = old }
}

// SetReportProgressHook sets a function called after each progress update of a report job
// (progress -1: the job failed); it returns a function that removes it.
func SetReportProgressHook(f func(id, status string, progress int)) (restore func()) {
	old := reportProgressHook
	reportProgressHook = f
	return func() { reportProgressHook = old }
}

// SetReportContentsHook sets a function that gets the chapter titles of each report drawn, the
// page each chapter starts on and the report's number of pages; it returns a function that
// removes it.
func SetReportContentsHook(f func(chapters []string, pages []int, total int)) (restore func()) {
	old := reportContentsHook
	reportContentsHook = f
	return func() { reportContentsHook = old }
}

// BuildReportPDF draws the report of a year for the steering group in the language of l with
// one figure in the casework section (its months, its year and its year by district, which
// may be nil), without texts and funding figures.
func BuildReportPDF(l *i18n.Localizer, year int, ind *Indicator, months, yearly, byDistrict *Table) ([]byte, error) {
	in := &reportDoc{L: l, Report: &Report{Year: year, Audience: AudienceSteeringGroup}, Tenant: "Stadt Test", Min: 5, MinPersons: 10,
		Created: time.Date(year+1, time.February, 1, 12, 0, 0, 0, time.UTC),
		Figures: map[string][]reportFigure{SectionCasework: {{Indicator: ind, Months: months, Year: yearly, ByDistrict: byDistrict}}}}
	return buildReportPDF(in)
}
