package monitoring_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"kim/internal/apptest"
	"kim/internal/platform/access"
	"kim/internal/platform/db"
)

// The catalogue overview links every indicator; an indicator page has the filter form, the
// chart with its text summary, the data table with "< 5" explained, the comparison and the
// exports, and is one release; a malformed month answers 422 with the message at the field.
func TestIndicatorPages(t *testing.T) {
	env := apptest.New(t, apptest.SQLite, apptest.Options{})
	fx := env.Seed()
	seedEngineData(t, env, fx)
	co := env.Client()
	co.Login(access.Coordinator)
	doc := co.Get("/monitoring").Doc(t)
	if n := doc.Find(`a[href^="/monitoring/kennzahlen/"]`).Length(); n < 15 {
		t.Errorf("the catalogue links %d indicators", n)
	}
	releases := func() int {
		var n int
		if err := env.DB().Read(context.Background(), func(tx *db.Tx) error {
			return tx.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM monitoring_releases WHERE channel = 'page'`).Scan(&n)
		}); err != nil {
			t.Fatal(err)
		}
		return n
	}
	before := releases()
	r := co.Get("/monitoring/kennzahlen/open_caseload?von=2025-01&bis=2025-03&nach=district")
	if r.StatusCode != http.StatusOK {
		t.Fatalf("indicator page: %d", r.StatusCode)
	}
	doc = r.Doc(t)
	for _, sel := range []string{`form select[name="nach"]`, `input[name="von"][value="2025-01"]`, "figure svg", "table caption",
		`th[scope="col"]`, `th[scope="row"]`, "tfoot tr.total", `a[href*="export.xlsx"]`, `a[href*="export.csv"]`} {
		if doc.Find(sel).Length() == 0 {
			t.Errorf("no %s on the indicator page", sel)
		}
	}
	body := doc.Text()
	for _, want := range []string{"< 5", "Alpha-Mitte", "Vorzeitraum", "Zähler", "Quelle"} {
		if !strings.Contains(body, want) {
			t.Errorf("the indicator page lacks %q", want)
		}
	}
	if got := releases(); got != before+1 {
		t.Errorf("the page made %d releases", got-before)
	}
	r = co.Get("/monitoring/kennzahlen/new_cases?von=Januar")
	if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Doc(t).Find("#f-von-error").Text(), "JJJJ-MM") {
		t.Errorf("a malformed month: %d", r.StatusCode)
	}
	if r := co.Get("/monitoring/kennzahlen/keine"); r.StatusCode != http.StatusNotFound {
		t.Errorf("an unknown indicator: %d", r.StatusCode)
	}
	en := env.Client()
	en.Login(access.TeamLead)
	if r := en.Get("/monitoring/kennzahlen/case_duration_days?nach=reason"); r.StatusCode != http.StatusOK {
		t.Errorf("a magnitude's page: %d", r.StatusCode)
	}
}
