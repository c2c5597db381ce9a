package monitoring_test

import (
	"bytes"
	"encoding/csv"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"kim/internal/apptest"
	"kim/internal/platform/access"
)

// exportCheckValues fails when a published value of a count is from 1 to 4.
func exportCheckValues(t *testing.T, what string, values []string) {
	t.Helper()
	for _, v := range values {
		if n, err := strconv.ParseFloat(strings.ReplaceAll(v, ",", "."), 64); err == nil && n >= 1 && n <= 4 {
			t.Errorf("%s: published value %q", what, v)
		}
	}
}

func TestExportRoutes(t *testing.T) {
	for _, e := range apptest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			env := apptest.New(t, e, apptest.Options{})
			fx := env.Seed()
			a := env.App
			co, cm := env.Client(), env.Client()
			co.Login(access.Coordinator)
			cm.Login(access.CaseManager)
			releases := func(channel string) int {
				return rtCount(t, env, "SELECT count(*) FROM monitoring_releases WHERE channel = $1", channel)
			}

			// An indicator as XLSX: one sheet with the header block, published as one release.
			before := releases("xlsx")
			r := co.Get("/monitoring/kennzahlen/new_cases/export.xlsx?von=2025-01&bis=2025-06&nach=district")
			rtStatus(t, r, http.StatusOK, "indicator xlsx")
			if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet") {
				t.Errorf("content type %q", ct)
			}
			if cd := r.Header.Get("Content-Disposition"); cd != `attachment; filename="kennzahl-new_cases-2025-01-2025-06.xlsx"` {
				t.Errorf("content disposition %q", cd)
			}
			if n := releases("xlsx"); n != before+1 {
				t.Errorf("%d xlsx releases, want %d", n, before+1)
			}
			f, err := excelize.OpenReader(bytes.NewReader(r.Body))
			if err != nil {
				t.Fatal(err)
			}
			sheets := f.GetSheetList()
			rows, _ := f.GetRows(sheets[0])
			if len(sheets) != 1 || len(rows) < 9 || rows[0][0] != "Neue Fälle" || rows[2][1] != "2025-01 – 2025-06" {
				t.Fatalf("sheets %q, rows %q", sheets, rows)
			}
			if len(rows) != 8+6 {
				t.Errorf("%d rows, want the header block and six months", len(rows))
			}
			for _, row := range rows[8:] {
				exportCheckValues(t, "xlsx", row[1:])
			}

			// The same as CSV.
			before = releases("csv")
			r = co.Get("/monitoring/kennzahlen/new_cases/export.csv?von=2025-01&bis=2025-03")
			rtStatus(t, r, http.StatusOK, "indicator csv")
			if releases("csv") != before+1 || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/csv") {
				t.Errorf("csv: %d releases, content type %q", releases("csv")-before, r.Header.Get("Content-Type"))
			}
			cr := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(r.Body, []byte("\xef\xbb\xbf"))))
			cr.Comma = ';'
			recs, err := cr.ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			if len(recs) != 1+3 || recs[0][0] != "Kennzahl" || recs[1][2] != "2025-01" {
				t.Errorf("csv records %q", recs)
			}
			for _, rec := range recs[1:] {
				exportCheckValues(t, "csv", rec[4:5])
			}

			// Bad queries answer 422, unknown codes 404, roles without figures 403.
			for _, q := range []string{"von=2025-13", "von=2025-06&bis=2025-01", "nach=lieblingsfarbe", "bezirk=" + fx.DistrictB.ID, "organisation=keine"} {
				rtStatus(t, co.Get("/monitoring/kennzahlen/new_cases/export.xlsx?"+q), http.StatusUnprocessableEntity, "bad query "+q)
			}
			if text := rtText(t, co.Get("/monitoring/kennzahlen/new_cases/export.csv?von=2025-13")); !strings.Contains(text, "Von (Monat)") {
				t.Errorf("refused export's page: %q", text)
			}
			if text := rtText(t, co.Get("/monitoring/kennzahlen/new_cases/export.csv?nach=x")); !strings.Contains(text, "Aufschlüsselung") {
				t.Errorf("refused export's page: %q", text)
			}
			rtStatus(t, co.Get("/monitoring/kennzahlen/keine_kennzahl/export.csv"), http.StatusNotFound, "unknown indicator")
			rtStatus(t, cm.Get("/monitoring/kennzahlen/new_cases/export.csv"), http.StatusForbidden, "case manager")

			// A dashboard: one sheet per panel; another tenant's is not found.
			own, other := fx.ExportDashboard(t, a, false), fx.ExportDashboard(t, a, true)
			r = co.Get("/monitoring/dashboards/" + own + "/export.xlsx?bezirk=" + fx.DistrictA.ID)
			rtStatus(t, r, http.StatusOK, "dashboard xlsx")
			if cd := r.Header.Get("Content-Disposition"); cd != `attachment; filename="dashboard-2025-01-2025-06.xlsx"` {
				t.Errorf("content disposition %q", cd)
			}
			f, err = excelize.OpenReader(bytes.NewReader(r.Body))
			if err != nil {
				t.Fatal(err)
			}
			if sheets := f.GetSheetList(); len(sheets) != 2 {
				t.Errorf("dashboard sheets %q, want 2", sheets)
			}
			if v, _ := f.GetCellValue(f.GetSheetList()[0], "B4"); v != "Bezirk: "+fx.DistrictA.Name {
				t.Errorf("filter line %q", v)
			}
			rtStatus(t, co.Get("/monitoring/dashboards/"+own+"/export.csv"), http.StatusOK, "dashboard csv")
			rtStatus(t, co.Get("/monitoring/dashboards/standard/export.csv"), http.StatusOK, "standard dashboard csv")
			rtStatus(t, co.Get("/monitoring/dashboards/"+other+"/export.xlsx"), http.StatusNotFound, "another tenant's dashboard")
			rtStatus(t, co.Get("/monitoring/dashboards/"+own+"/export.csv?von=gestern"), http.StatusUnprocessableEntity, "bad dashboard period")
			rtStatus(t, cm.Get("/monitoring/dashboards/"+own+"/export.csv"), http.StatusForbidden, "case manager's dashboard export")
		})
	}
}
