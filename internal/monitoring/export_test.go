package monitoring_test

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"kim/internal/app"
	"kim/internal/monitoring"
	"kim/internal/platform/i18n"
)

// exportLocalizer returns the German localizer of the full catalogue.
func exportLocalizer(t *testing.T, lang string) *i18n.Localizer {
	t.Helper()
	cat, err := app.Catalogue()
	if err != nil {
		t.Fatal(err)
	}
	return cat.Localizer(lang)
}

func num(v float64) *float64 { return &v }

// exportTables are two protected tables: a breakdown by district with suppressed cells whose
// (secret) values 3 and 4 appear nowhere as published values, and a total-only table with a
// decimal value. The suppressed cells carry their values on purpose: an export must never read
// them.
func exportTables() []*monitoring.Table {
	jan, feb := monitoring.Month{Year: 2025, Month: time.January}, monitoring.Month{Year: 2025, Month: time.February}
	ind := &monitoring.Indicator{Code: "new_cases", Name: monitoring.Text{DE: "Neue Fälle: Personen [Monat]", EN: "New cases"},
		Definition: monitoring.Text{DE: "Personen mit einem neuen Fall im Monat.", EN: "Persons with a new case."}, Unit: "persons"}
	groups := []monitoring.Group{{Key: "d1", Label: "Mitte"}, {Key: "d2", Label: "=Wald"}}
	c := func(p, g string, v float64, sup bool) monitoring.Cell {
		return monitoring.Cell{Period: p, Group: g, Value: num(v), Suppressed: sup}
	}
	t1 := &monitoring.Table{Indicator: ind, Periods: []monitoring.Month{jan, feb}, Groups: groups,
		Query: monitoring.Query{Indicator: "new_cases", From: jan, To: feb, By: "district", District: "dist-1"},
		Cells: [][]monitoring.Cell{
			{c("2025-01", "Mitte", 12, false), c("2025-01", "=Wald", 3, true)},
			{c("2025-02", "Mitte", 4, true), c("2025-02", "=Wald", 20, false)},
		},
		Totals: []monitoring.Cell{c("2025-01", "", 15, true), c("2025-02", "", 24, true)},
	}
	t2 := &monitoring.Table{Indicator: ind, Periods: []monitoring.Month{jan}, Query: monitoring.Query{Indicator: "new_cases", From: jan, To: jan},
		Cells: [][]monitoring.Cell{{}}, Totals: []monitoring.Cell{c("2025-01", "", 12.5, false)}}
	return []*monitoring.Table{t1, t2}
}

func TestExportXLSX(t *testing.T) {
	l := exportLocalizer(t, "de")
	var buf bytes.Buffer
	if err := monitoring.WriteXLSX(&buf, exportTables(), l, monitoring.ExportOptions{Names: map[string]string{"dist-1": "Mitte"}}); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) != 2 {
		t.Fatalf("sheets %q, want 2", sheets)
	}
	seen := map[string]bool{}
	for _, s := range sheets {
		if len([]rune(s)) > 31 || strings.ContainsAny(s, `:\/?*[]`) || seen[strings.ToLower(s)] {
			t.Errorf("bad sheet name %q", s)
		}
		seen[strings.ToLower(s)] = true
	}
	rows, err := f.GetRows(sheets[0])
	if err != nil {
		t.Fatal(err)
	}
	text := func(r, c int) string {
		if r < len(rows) && c < len(rows[r]) {
			return rows[r][c]
		}
		return ""
	}
	for _, want := range [][3]any{{0, 0, "Neue Fälle: Personen [Monat]"}, {1, 1, "Personen mit einem neuen Fall im Monat."},
		{2, 1, "2025-01 – 2025-02"}, {3, 1, "Bezirk: Mitte"}, {4, 1, "Stadtbezirk"}, {5, 0, "Werte von 1 bis 4 sind unterdrückt (< 5)"},
		{7, 0, "Zeitraum"}, {7, 1, "Mitte"}, {7, 2, "'=Wald"}, {7, 3, "Insgesamt"},
		{8, 0, "2025-01"}, {8, 1, "12"}, {8, 2, "< 5"}, {8, 3, "< 5"}, {9, 1, "< 5"}, {9, 2, "20"}} {
		got := text(want[0].(int), want[1].(int))
		if !strings.HasPrefix(got, want[2].(string)) {
			t.Errorf("cell (%d,%d) = %q, want %q", want[0], want[1], got, want[2])
		}
	}
	// Published values are numbers, suppressed ones text.
	for cell, typ := range map[string]excelize.CellType{"B9": excelize.CellTypeNumber, "C10": excelize.CellTypeNumber, "C9": excelize.CellTypeSharedString} {
		got, err := f.GetCellType(sheets[0], cell)
		if err != nil {
			t.Fatal(err)
		}
		// A number cell carries no type attribute (excelize: unset).
		number := typ == excelize.CellTypeNumber && got == excelize.CellTypeUnset
		if got != typ && !number && !(typ == excelize.CellTypeSharedString && got == excelize.CellTypeInlineString) {
			t.Errorf("%s: cell type %v, want %v", cell, got, typ)
		}
	}
	if v, _ := f.GetCellValue(sheets[1], "B9"); v != "12.5" && v != "12,5" {
		t.Errorf("decimal value %q", v)
	}
	// No suppressed value (3, 4, 15, 24) anywhere in the file.
	for _, s := range sheets {
		all, _ := f.GetRows(s)
		for _, row := range all {
			for _, v := range row {
				switch strings.TrimSpace(v) {
				case "3", "4", "15", "24":
					t.Errorf("sheet %s: suppressed value %q published", s, v)
				}
			}
		}
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	for _, zf := range zr.File {
		rc, _ := zf.Open()
		b, _ := io.ReadAll(rc)
		rc.Close()
		for _, secret := range []string{"<v>3</v>", "<v>4</v>", "<v>15</v>", "<v>24</v>", "<t>3</t>", "<t>4</t>", "<t>15</t>", "<t>24</t>"} {
			if bytes.Contains(b, []byte(secret)) {
				t.Errorf("%s contains %s", zf.Name, secret)
			}
		}
	}
}

func TestExportSheetNames(t *testing.T) {
	l := exportLocalizer(t, "en")
	long := &monitoring.Indicator{Code: "x", Name: monitoring.Text{DE: "'Eine sehr lange Kennzahl: mit / verbotenen * Zeichen?'", EN: "'A very long indicator: with / forbidden * characters?'"}}
	var tables []*monitoring.Table
	for range 3 {
		tables = append(tables, &monitoring.Table{Indicator: long})
	}
	var buf bytes.Buffer
	if err := monitoring.WriteXLSX(&buf, tables, l); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	sheets := f.GetSheetList()
	if len(sheets) != 3 {
		t.Fatalf("sheets %q", sheets)
	}
	seen := map[string]bool{}
	for _, s := range sheets {
		if len([]rune(s)) > 31 || strings.ContainsAny(s, `:\/?*[]`) || strings.HasPrefix(s, "'") || strings.HasSuffix(s, "'") || seen[strings.ToLower(s)] {
			t.Errorf("bad sheet name %q", s)
		}
		seen[strings.ToLower(s)] = true
	}
	// An export without tables is still a workbook.
	buf.Reset()
	if err := monitoring.WriteXLSX(&buf, nil, l); err != nil {
		t.Fatal(err)
	}
	if _, err := excelize.OpenReader(&buf); err != nil {
		t.Fatal(err)
	}
}

func TestExportCSV(t *testing.T) {
	l := exportLocalizer(t, "de")
	var buf bytes.Buffer
	if err := monitoring.WriteCSV(&buf, exportTables(), l); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	if !bytes.HasPrefix(b, []byte("\xef\xbb\xbf")) {
		t.Fatal("no byte order mark")
	}
	r := csv.NewReader(bytes.NewReader(b[3:]))
	r.Comma = ';'
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"Kennzahl", "Aufschlüsselung", "Zeitraum", "Gruppe", "Wert", "Unterdrückt"},
		{"new_cases", "district", "2025-01", "Mitte", "12", "nein"},
		{"new_cases", "district", "2025-01", "'=Wald", "< 5", "ja"},
		{"new_cases", "district", "2025-01", "Insgesamt", "< 5", "ja"},
		{"new_cases", "district", "2025-02", "Mitte", "< 5", "ja"},
		{"new_cases", "district", "2025-02", "'=Wald", "20", "nein"},
		{"new_cases", "district", "2025-02", "Insgesamt", "< 5", "ja"},
		{"new_cases", "", "2025-01", "Insgesamt", "12,5", "nein"},
	}
	if len(recs) != len(want) {
		t.Fatalf("%d records, want %d: %q", len(recs), len(want), recs)
	}
	for i := range want {
		if strings.Join(recs[i], "|") != strings.Join(want[i], "|") {
			t.Errorf("record %d = %q, want %q", i, recs[i], want[i])
		}
	}
	for _, rec := range recs[1:] {
		switch rec[4] {
		case "3", "4", "15", "24":
			t.Errorf("suppressed value published: %q", rec)
		}
	}
}
