package e2e

import (
	"strings"
	"testing"
	"time"
)

// The integration monitoring end to end: the coordinator reads an indicator, filters a saved
// dashboard, saves the filters, links the dashboard to a theme, downloads its tables as XLSX
// and has the annual report generated as a job and downloads the PDF. Every chart comes with
// its data table; every page passes the accessibility check (tab.check).

// download fetches href in the page (with the session cookie) and returns the status, the
// content type and the first bytes of the body.
func (p *tab) download(href string) (int, string, string) {
	p.t.Helper()
	type answer struct {
		Status int    `json:"status"`
		Type   string `json:"type"`
		Head   string `json:"head"`
	}
	a := eval[answer](p, `fetch(%s, {credentials: "same-origin"}).then(async r => {
	  const b = new Uint8Array(await r.arrayBuffer());
	  return {status: r.status, type: r.headers.get("Content-Type") || "", head: String.fromCharCode(...b.slice(0, 5))};
	})`, href)
	return a.Status, a.Type, a.Head
}

// everyChartHasItsTable checks that each chart on the page sits in a section with a data table
// and a text summary.
func (p *tab) everyChartHasItsTable() int {
	p.t.Helper()
	charts := p.count("svg.chart")
	require(p.t, charts > 0, "%s shows no chart", p.path())
	bad := eval[int](p, `[...document.querySelectorAll("svg.chart")].filter(svg => {
	  const box = svg.closest("section") || svg.closest("main");
	  const table = box.querySelector("table caption");
	  const desc = svg.querySelector("desc");
	  return !table || !desc || desc.textContent.trim() === "";
	}).length`)
	require(p.t, bad == 0, "%s: %d of %d charts without a data table or summary", p.path(), bad, charts)
	return charts
}

func (s *suite) monitoringJourney(t *testing.T) {
	p := s.login(t, coordEmail)
	tenant := s.one(t, "SELECT CAST(id AS TEXT) FROM tenants WHERE slug = 'solingen'")

	// The catalogue and one indicator with its chart, table and exports.
	p.open("/monitoring")
	p.mustExist(`main a[href="/monitoring/kennzahlen/new_cases"]`)
	p.open("/monitoring/kennzahlen/new_cases?nach=district")
	p.everyChartHasItsTable()
	for _, cell := range p.texts("main table td") {
		v := strings.TrimSpace(cell)
		require(t, v != "1" && v != "2" && v != "3" && v != "4", "indicator table shows a count below 5: %q", v)
	}

	// A saved dashboard: filter it by district and period, save the filters, link it to a theme.
	p.open("/monitoring/dashboards")
	p.click(`main a[href^="/monitoring/dashboards/"]:not([href$="/neu"]):not([href$="/standard"])`)
	dashPath := p.path()
	id := strings.TrimPrefix(dashPath, "/monitoring/dashboards/")
	title := s.one(t, "SELECT title FROM monitoring_dashboards WHERE tenant_id = $1 AND CAST(id AS TEXT) = $2", tenant, id)
	charts := p.everyChartHasItsTable()

	to := time.Now().AddDate(0, -1, 0).Format("2006-01")
	from := time.Now().AddDate(-1, 0, 0).Format("2006-01")
	p.setValue("#f-von", from)
	p.setValue("#f-bis", to)
	p.choose("#f-bezirk", "Wald")
	p.click(`form[method=get] button[type=submit]`)
	require(t, strings.Contains(p.location(), "bezirk="), "the filter did not reach the address: %s", p.location())
	require(t, p.count("svg.chart") == charts, "filtered dashboard shows %d charts, want %d", p.count("svg.chart"), charts)
	p.everyChartHasItsTable()
	p.screenshot("monitoring-dashboard")
	p.click(`form[action$="/filter"] button[type=submit]`)
	p.mustExist(flashNotice)
	wald := s.one(t, "SELECT CAST(id AS TEXT) FROM districts WHERE tenant_id = $1 AND name = 'Wald'", tenant)
	require(t, s.one(t, "SELECT filter_district FROM monitoring_dashboards WHERE tenant_id = $1 AND CAST(id AS TEXT) = $2", tenant, id) == wald,
		"the saved dashboard does not keep the district filter")
	require(t, s.one(t, "SELECT from_month FROM monitoring_dashboards WHERE tenant_id = $1 AND CAST(id AS TEXT) = $2", tenant, id) == from,
		"the saved dashboard does not keep the period")

	theme := s.one(t, "SELECT title FROM themes WHERE tenant_id = $1 ORDER BY title LIMIT 1", tenant)
	p.open(dashPath)
	p.choose("#f-target", theme)
	p.click(`form[action$="/verknuepfen"] button[type=submit]`)
	p.mustExist(flashNotice)
	require(t, s.one(t, `SELECT COUNT(*) FROM monitoring_dashboard_links l JOIN themes th ON th.tenant_id = l.tenant_id AND CAST(th.id AS TEXT) = l.target_id
		WHERE l.tenant_id = $1 AND CAST(l.dashboard_id AS TEXT) = $2 AND l.target_kind = 'theme' AND th.title = $3`, tenant, id, theme) == "1",
		"the dashboard is not linked to the theme %q", theme)
	// The theme's page lists the dashboard.
	themeID := s.one(t, "SELECT CAST(id AS TEXT) FROM themes WHERE tenant_id = $1 AND title = $2", tenant, theme)
	p.open("/themen/" + themeID)
	require(t, strings.Contains(p.text("main"), title), "the theme page does not list the linked dashboard %q", title)

	// The dashboard's tables as XLSX (a ZIP container) and CSV.
	p.open(dashPath)
	href := p.attr(`main a[href*="/export.xlsx"]`, "href")
	status, ctype, head := p.download(href)
	require(t, status == 200 && strings.Contains(ctype, "spreadsheetml") && strings.HasPrefix(head, "PK"), "XLSX export: %d %s %q", status, ctype, head)
	status, ctype, _ = p.download(p.attr(`main a[href*="/export.csv"]`, "href"))
	require(t, status == 200 && strings.HasPrefix(ctype, "text/csv"), "CSV export: %d %s", status, ctype)

	// The annual report as a job with progress, then the PDF.
	p.open("/monitoring/berichte")
	p.choose("#f-audience", "Lenkungsgruppe")
	p.click(`form[action="/monitoring/berichte"][method=post] button[type=submit]`)
	require(t, strings.HasPrefix(p.path(), "/monitoring/berichte/"), "starting the report led to %s", p.path())
	p.mustExist("progress#report-progress")
	reportPath := strings.SplitN(p.path(), "?", 2)[0]
	for i := 0; i < 120 && p.count(`main a[href$="/bericht.pdf"]`) == 0 && p.count(".error-summary") == 0; i++ {
		time.Sleep(500 * time.Millisecond)
		p.open(reportPath + "?auto=0")
	}
	require(t, p.count(".error-summary") == 0, "the report job failed: %s", p.text("main"))
	pdf := p.attr(`main a[href$="/bericht.pdf"]`, "href")
	status, ctype, head = p.download(pdf)
	require(t, status == 200 && ctype == "application/pdf" && head == "%PDF-", "annual report PDF: %d %s %q", status, ctype, head)
	require(t, s.one(t, "SELECT COUNT(*) FROM monitoring_releases WHERE tenant_id = $1 AND channel = 'pdf'", tenant) != "0",
		"the PDF's release is not in the register")

	// The register of releases lists the exports.
	p.open("/monitoring/veroeffentlichungen")
	require(t, p.count("main table tbody tr") > 0, "the register of releases is empty")
	p.click(`main table tbody tr a[href^="/monitoring/veroeffentlichungen/"]`)

	// The other pages of the monitoring pass the accessibility check too.
	p.open("/monitoring/dashboards/standard")
	p.everyChartHasItsTable()
	for _, path := range []string{"/monitoring/dashboards/neu", "/monitoring/kontextdaten", "/monitoring/foerdernachweis",
		"/monitoring/kennzahlen/caseload_per_fte", "/monitoring/kennzahlen/needs_prevalence?nach=life_domain"} {
		p.open(path)
	}
}
