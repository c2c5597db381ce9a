package app_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"kim/internal/app"
	"kim/internal/apptest"
	"kim/internal/monitoring"
	"kim/internal/platform/db"
)

// The acceptance test of the disclosure control for the exports: the demo's figures of every
// indicator in every breakdown as CSV, and the full KIM dashboard and the saved dashboards as
// XLSX, downloaded as the coordinator. No count of persons from 1 to Min-1 is in any of them
// (the API's tables are checked by TestMonitoringReleaseProtectsEveryCell).
func TestMonitoringExportsPublishNoSmallCount(t *testing.T) {
	env := apptest.New(t, apptest.SQLite, apptest.Options{Demo: true})
	a := env.App
	if err := a.SeedDemo(context.Background()); err != nil {
		t.Fatal(err)
	}
	c := env.Client()
	c.LoginAs(app.DemoTenant, "koordination@solingen.example", app.DemoPassword)
	min := a.Monitor.Rule.Min
	to := monitoring.MonthOf(env.Clock.Now()).Add(-1)
	from := to.Add(-23)
	small := func(v float64) bool { return v >= 1 && v < float64(min) }

	counts := map[string]bool{} // indicator codes counted in persons
	tables, published := 0, 0
	for _, ind := range monitoring.Catalogue() {
		counts[ind.Code] = ind.Disclosure == "count"
		for _, by := range append([]string{""}, ind.Breakdowns...) {
			q := url.Values{"von": {from.String()}, "bis": {to.String()}, "nach": {by}}
			r := c.Get("/monitoring/kennzahlen/" + ind.Code + "/export.csv?" + q.Encode())
			if r.StatusCode != 200 {
				t.Fatalf("%s by %q: CSV %d", ind.Code, by, r.StatusCode)
			}
			rows, err := readExportCSV(string(r.Body))
			if err != nil {
				t.Fatalf("%s by %q: %v", ind.Code, by, err)
			}
			tables++
			for _, row := range rows[1:] {
				v, ok := exportNumber(row[4])
				if !ok {
					continue
				}
				published++
				if counts[ind.Code] && small(v) {
					t.Errorf("%s by %q: the CSV publishes %v for %s, %s", ind.Code, by, v, row[2], row[3])
				}
			}
		}
	}

	// Every sheet of the dashboards' XLSX: the numbers of count tables (a sheet names its
	// indicator in its header block) are never small.
	dashboards := []string{"standard"}
	err := env.DB().Read(context.Background(), func(tx *db.Tx) error {
		ids, err := db.QueryAll(context.Background(), tx, func(row db.Scanner, id *string) error { return row.Scan(id) },
			"SELECT CAST(id AS TEXT) FROM monitoring_dashboards ORDER BY title")
		dashboards = append(dashboards, ids...)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]string{}
	for _, ind := range monitoring.Catalogue() {
		names[ind.Name.DE] = ind.Code
	}
	for _, id := range dashboards {
		r := c.Get("/monitoring/dashboards/" + id + "/export.xlsx?" + url.Values{"von": {from.String()}, "bis": {to.String()}}.Encode())
		if r.StatusCode != 200 {
			t.Fatalf("dashboard %s: XLSX %d", id, r.StatusCode)
		}
		f, err := excelize.OpenReader(bytes.NewReader(r.Body))
		if err != nil {
			t.Fatalf("dashboard %s: %v", id, err)
		}
		for _, sheet := range f.GetSheetList() {
			rows, err := f.GetRows(sheet, excelize.Options{RawCellValue: true})
			if err != nil {
				t.Fatal(err)
			}
			code, data := "", false
			for _, row := range rows {
				if len(row) == 0 {
					continue
				}
				if code == "" {
					code = names[strings.TrimSpace(row[0])]
					if code == "" && len(row) > 1 {
						code = names[strings.TrimSpace(row[1])]
					}
				}
				if !data {
					// The data follow the row that heads the periods.
					data = strings.TrimSpace(row[0]) == "Zeitraum"
					continue
				}
				tables++
				for _, cell := range row[1:] {
					v, ok := exportNumber(cell)
					if !ok {
						continue
					}
					published++
					if (code == "" || counts[code]) && small(v) {
						t.Errorf("dashboard %s, sheet %q (%s): the XLSX publishes %v in row %v", id, sheet, code, v, row)
					}
				}
			}
			if !data {
				t.Errorf("dashboard %s, sheet %q: no data rows found (the header of the periods moved?)", id, sheet)
			}
		}
	}
	if published < 100 {
		t.Fatalf("only %d published figures in %d tables: the exports were not read", published, tables)
	}
	t.Logf("%d tables, %d published figures", tables, published)
}

// readExportCSV reads a CSV export (UTF-8 BOM, semicolons).
func readExportCSV(body string) ([][]string, error) {
	r := csv.NewReader(strings.NewReader(strings.TrimPrefix(body, "\xef\xbb\xbf")))
	r.Comma = ';'
	return r.ReadAll()
}

// exportNumber reads a published figure ("12", "3,5" or "1.234"); text such as "< 5" is none.
func exportNumber(s string) (float64, bool) {
	s = strings.TrimSpace(s)
	if s == "" || strings.ContainsAny(s, "<•–") {
		return 0, false
	}
	v, err := strconv.ParseFloat(strings.ReplaceAll(strings.ReplaceAll(s, ".", ""), ",", "."), 64)
	if err != nil {
		return 0, false
	}
	return v, true
}
