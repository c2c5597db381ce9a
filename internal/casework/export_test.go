package casework_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"kim/internal/apptest"
	"kim/internal/casework"
	"kim/internal/platform/access"
)

const secretNote = "Vertraulich: Traumafolgestörung, Therapie bei Dr. Geheim"

// exportWorld adds to the fixtures a contact with a special-category note in case A1 and a
// case whose client's name would be a spreadsheet formula.
func exportWorld(t *testing.T, env *apptest.Env, fx *apptest.Fixtures) *casework.Case {
	t.Helper()
	ctx := context.Background()
	s := env.App.Cases
	cm := fx.Users[access.CaseManager].Actor("alpha")
	if _, err := s.AddContact(ctx, cm, fx.CaseA1.ID, casework.ContactInput{Date: "2026-02-26", DurationMinutes: 45, Mode: "in_person", Note: secretNote}, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddContact(ctx, cm, fx.CaseA1.ID, casework.ContactInput{Date: "2026-03-01", DurationMinutes: 10, Mode: "phone"}, ""); err != nil {
		t.Fatal(err)
	}
	in, err := s.CreateClient(ctx, cm, casework.ClientInput{FamilyName: `=HYPERLINK("http://evil.example","klick")`, GivenNames: "@SUM(1)", BirthDate: "1975", Acknowledged: true})
	if err != nil {
		t.Fatal(err)
	}
	c, err := s.CreateCase(ctx, cm, casework.CaseInput{ClientID: in.Client.ID, AccessRoute: "jobcenter"})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func readCSV(t *testing.T, r *apptest.Response) [][]string {
	t.Helper()
	cr := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(r.Body, []byte("\xef\xbb\xbf"))))
	cr.Comma = ';'
	rows, err := cr.ReadAll()
	if err != nil {
		t.Fatalf("CSV: %v\n%s", err, r.Body)
	}
	return rows
}

func TestCaseloadExportCSV(t *testing.T) {
	for _, e := range apptest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			env := apptest.New(t, e, apptest.Options{})
			fx := env.Seed()
			evil := exportWorld(t, env, fx)
			c := env.Client()
			c.Login(access.CaseManager)

			r := c.Get("/faelle/export.csv")
			if r.StatusCode != http.StatusOK || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/csv") ||
				!strings.HasPrefix(r.Header.Get("Content-Disposition"), "attachment;") {
				t.Fatalf("status %d, %q, %q", r.StatusCode, r.Header.Get("Content-Type"), r.Header.Get("Content-Disposition"))
			}
			if strings.Contains(string(r.Body), "Traumafolgestörung") || strings.Contains(string(r.Body), "Geheim") {
				t.Fatal("the export contains a note")
			}
			rows := readCSV(t, r)
			wantHeader := []string{"Fallnummer", "Klient:in", "Geburtsdatum oder Geburtsjahr", "Phase", "Zugangsweg", "Fallmanager:in", "Vertretung",
				"Anfrage am", "Abgeschlossen am", "Abschlussgrund", "Anzahl Kontakte", "Letzter Kontakt"}
			if !slices.Equal(rows[0], wantHeader) {
				t.Errorf("header %q", rows[0])
			}
			if len(rows) != 3 {
				t.Fatalf("%d rows: %q", len(rows), rows)
			}
			a1 := rows[1]
			if a1[0] != fx.CaseA1.Number || a1[1] != "Alpha-Klient, Samir" || a1[2] != "01.04.1990" || a1[3] != "Anfrage" ||
				a1[5] != "Nutzer case_manager" || a1[10] != "2" || a1[11] != "01.03.2026" {
				t.Errorf("case A1: %q", a1)
			}
			if got := rows[2]; got[0] != evil.Number || !strings.HasPrefix(got[1], `'=HYPERLINK(`) || got[2] != "1975" || got[10] != "0" || got[11] != "" {
				t.Errorf("guarded row: %q", got)
			}
			for _, other := range []string{"Traeger-Klientin", "Beta-Klientin"} {
				if strings.Contains(string(r.Body), other) {
					t.Errorf("export contains %s", other)
				}
			}
			if n := auditCount(t, env, "export.caseload", `"rows":"2"`); n != 1 {
				t.Errorf("%d audit entries with 2 rows", n)
			}

			// The filters of the list apply: all phases, a team lead's view of a colleague.
			if rows := readCSV(t, c.Get("/faelle/export.csv?status=closed")); len(rows) != 1 {
				t.Errorf("closed cases: %d rows", len(rows)-1)
			}
			lead := env.Client()
			lead.Login(access.TeamLead)
			if rows := readCSV(t, lead.Get("/faelle/export.csv?case_manager_id="+fx.ColleagueA1.ID)); len(rows) != 1 {
				t.Errorf("colleague's cases: %d rows", len(rows)-1)
			}
			if rows := readCSV(t, lead.Get("/faelle/export.csv")); len(rows) != 3 {
				t.Errorf("team: %d rows", len(rows)-1)
			}
			coord := env.Client()
			coord.Login(access.Coordinator)
			if r := coord.Get("/faelle/export.csv"); r.StatusCode != http.StatusForbidden {
				t.Errorf("coordinator: %d", r.StatusCode)
			}
			// The list page offers both downloads with its filters.
			links := c.Get("/faelle?status=all").Doc(t).Find(`a[href^="/faelle/export."]`)
			if links.Length() != 2 || links.First().AttrOr("href", "") != "/faelle/export.csv?status=all" {
				t.Errorf("export links: %d %q", links.Length(), links.First().AttrOr("href", ""))
			}
		})
	}
}

func TestCaseloadExportXLSX(t *testing.T) {
	for _, e := range apptest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			env := apptest.New(t, e, apptest.Options{})
			fx := env.Seed()
			evil := exportWorld(t, env, fx)
			c := env.Client()
			c.Login(access.CaseManager)
			r := c.Get("/faelle/export.xlsx?lang=en")
			if r.StatusCode != http.StatusOK || r.Header.Get("Content-Type") != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" {
				t.Fatalf("status %d, %q", r.StatusCode, r.Header.Get("Content-Type"))
			}
			if !strings.Contains(r.Header.Get("Content-Disposition"), `filename="fallbestand-2026-03-02.xlsx"`) {
				t.Errorf("Content-Disposition %q", r.Header.Get("Content-Disposition"))
			}
			f, err := excelize.OpenReader(bytes.NewReader(r.Body))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			sheet := f.GetSheetName(0)
			if sheet != "Caseload" {
				t.Errorf("sheet %q", sheet)
			}
			rows, err := f.GetRows(sheet)
			if err != nil {
				t.Fatal(err)
			}
			if len(rows) != 3 || rows[0][0] != "Case number" || rows[0][11] != "Last contact" {
				t.Fatalf("rows %q", rows)
			}
			if rows[1][0] != fx.CaseA1.Number || rows[1][2] != "01.04.1990" || rows[1][10] != "2" || rows[1][11] != "01.03.2026" {
				t.Errorf("case A1: %q", rows[1])
			}
			if rows[2][0] != evil.Number || !strings.HasPrefix(rows[2][1], `'=HYPERLINK(`) || rows[2][4] != "Jobcenter" {
				t.Errorf("guarded row: %q", rows[2])
			}
			for _, cell := range []string{"B3", "A2", "C2"} {
				if fm, err := f.GetCellFormula(sheet, cell); err != nil || fm != "" {
					t.Errorf("%s has a formula %q (%v)", cell, fm, err)
				}
			}
			// Dates are dates and counts are numbers, for sorting and filtering.
			if typ, _ := f.GetCellType(sheet, "K2"); typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
				t.Errorf("K2 type %v", typ)
			}
			if raw, _ := f.GetCellValue(sheet, "C2", excelize.Options{RawCellValue: true}); raw != "32964" {
				t.Errorf("birth date raw value %q, want the serial 32964", raw)
			}
			for _, s := range []string{"Traumafolgestörung", "Geheim"} {
				for _, row := range rows {
					for _, cell := range row {
						if strings.Contains(cell, s) {
							t.Errorf("the export contains %q", s)
						}
					}
				}
			}
			if n := auditCount(t, env, "export.caseload", `"format":"xlsx"`); n != 1 {
				t.Errorf("%d xlsx export entries", n)
			}
		})
	}
}
