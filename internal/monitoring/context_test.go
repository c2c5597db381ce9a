package monitoring_test

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"kim/internal/apptest"
	"kim/internal/monitoring"
	"kim/internal/platform/access"
	"kim/internal/platform/db"
)

var testUnits = monitoring.NewSpatialUnits("Stadt Solingen", []monitoring.DistrictRef{
	{ID: "d-mitte", Name: "Solingen-Mitte", Code: "1"}, {ID: "d-wald", Name: "Wald", Code: "3"}})

func TestContextCSVAccepts(t *testing.T) {
	for _, c := range []struct {
		name, file string
		want       []monitoring.ContextRow
	}{
		{"semicolons, BOM, German numbers", "\ufeffZeitraum;Raumeinheit;Merkmal;Wert\r\n2025;Solingen-Mitte;population;51.800\r\n" +
			"2025; wald ;Population_Foreign;1234,5\r\n2025-06;gesamt;population;165.000,25\r\n2025;;sgb2_under15;12\r\n" +
			"2025;Stadt Solingen;x1;0\r\n2025;3;population;24300\r\n\r\n",
			[]monitoring.ContextRow{{2, "2025", "d-mitte", "population", 51800}, {3, "2025", "d-wald", "population_foreign", 1234.5},
				{4, "2025-06", "", "population", 165000.25}, {5, "2025", "", "sgb2_under15", 12}, {6, "2025", "", "x1", 0},
				{7, "2025", "d-wald", "population", 24300}}},
		{"commas, decimal point, city names", "period,unit,indicator,value\n2024,Solingen,population,165000.5\n2024,\"Stadt\",population_foreign,33000\n2024,GESAMT,naturalisations,410\n",
			[]monitoring.ContextRow{{2, "2024", "", "population", 165000.5}, {3, "2024", "", "population_foreign", 33000}, {4, "2024", "", "naturalisations", 410}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			rows, problems := monitoring.ParseContextCSV([]byte(c.file), testUnits)
			if len(problems) > 0 {
				t.Fatalf("problems: %+v", problems)
			}
			if len(rows) != len(c.want) {
				t.Fatalf("rows %+v, want %+v", rows, c.want)
			}
			for i := range rows {
				if rows[i] != c.want[i] {
					t.Errorf("row %d: %+v, want %+v", i, rows[i], c.want[i])
				}
			}
		})
	}
}

func TestContextCSVRejectsEveryBadLine(t *testing.T) {
	file := "Zeitraum;Raumeinheit;Merkmal;Wert\n" +
		"2025;Wald;population;100\n" + // 2 fine
		"2025;Wald;population\n" + // 3 columns
		"2025-13;Wald;population;1\n" + // 4 period
		"2025;Atlantis;population;1\n" + // 5 district
		"2025;Wald;Bevölkerung;1\n" + // 6 indicator
		"2025;Wald;population_foreign;1.2.3\n" + // 7 number
		"2025;Wald;population_under18;-5\n" + // 8 negative
		"2025;wald;population;200\n" + // 9 duplicate of 2
		"2025;Solingen-Mitte;population;300\n" // 10 fine
	rows, problems := monitoring.ParseContextCSV([]byte(file), testUnits)
	if rows != nil {
		t.Errorf("rows accepted despite errors: %+v", rows)
	}
	want := map[int]string{3: "columns", 4: "bad_period", 5: "unknown_district", 6: "bad_indicator", 7: "bad_number", 8: "negative", 9: "duplicate"}
	if len(problems) != len(want) {
		t.Errorf("problems %+v, want lines %v", problems, want)
	}
	for _, p := range problems {
		if id := "monitoring.context.csv." + want[p.Line]; p.Message.ID != id {
			t.Errorf("line %d: %s, want %s", p.Line, p.Message.ID, id)
		}
	}
	for _, c := range []struct{ name, file, id string }{
		{"empty", " \n", "empty"},
		{"header only", "a;b;c;d\n", "no_rows"},
		{"no header", "2025;Wald;population;1\n", "no_header"},
		{"header columns", "a;b;c\n2025;Wald;population;1\n", "header_columns"},
		{"not UTF-8", "a;b;c;d\n2025;W\xe4ld;population;1\n", "not_utf8"},
		{"quotes", "a;b;c;d\n2025;\"Wald;population;1\n", "quotes"},
		{"decimal comma with commas", "a,b,c,d\n2025,Wald,population,\"1234,5\"\n", "bad_number"},
	} {
		_, problems := monitoring.ParseContextCSV([]byte(c.file), testUnits)
		if len(problems) != 1 || problems[0].Message.ID != "monitoring.context.csv."+c.id {
			t.Errorf("%s: %+v, want %s", c.name, problems, c.id)
		}
	}
}

// upload posts a CSV file to the context page as the client.
func upload(c *apptest.Client, name string, content []byte) *apptest.Response {
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	fw, _ := mw.CreateFormFile("file", name)
	_, _ = fw.Write(content)
	_ = mw.WriteField("source", "Statistikstelle")
	_ = mw.Close()
	req := c.Request(http.MethodPost, "/monitoring/kontextdaten", &b)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return c.Do(req)
}

func count(t *testing.T, env *apptest.Env, q string, args ...any) int {
	t.Helper()
	var n int
	if err := env.DB().Read(context.Background(), func(tx *db.Tx) error { return tx.QueryRowContext(context.Background(), q, args...).Scan(&n) }); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestContextImportPages(t *testing.T) {
	for _, e := range apptest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			env := apptest.New(t, e, apptest.Options{})
			fx := env.Seed()
			ctx := context.Background()
			co := env.Client()
			co.Login(access.Coordinator)
			d := fx.DistrictA.Name

			// A file with bad lines: every one named, nothing stored.
			bad := "Zeitraum;Raumeinheit;Merkmal;Wert\n2025;" + d + ";population;1.000\n2025;Nirgendwo;population;5\n2025;" + d + ";population;7\n"
			r := upload(co, "falsch.csv", []byte(bad))
			if r.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("bad file: status %d", r.StatusCode)
			}
			page := r.Doc(t).Find("#pruefbericht").Text()
			for _, want := range []string{"Zeile 3", "„Nirgendwo“ ist kein Stadtbezirk", "Zeile 4", "wie Zeile 2", "falsch.csv"} {
				if !strings.Contains(page, want) {
					t.Errorf("validation report lacks %q:\n%s", want, page)
				}
			}
			if strings.Contains(page, "Zeile 2:") || count(t, env, "SELECT count(*) FROM context_values") != 0 || count(t, env, "SELECT count(*) FROM context_imports") != 0 {
				t.Errorf("a refused file left records")
			}
			if r := upload(co, "", nil); r.StatusCode != http.StatusUnprocessableEntity {
				t.Errorf("upload without file: %d", r.StatusCode)
			}

			// A good file (BOM, semicolons, decimal comma, the city): imported, shown.
			good := "\ufeffZeitraum;Raumeinheit;Merkmal;Wert\n2025;" + d + ";population;12.345\n2025;gesamt;population;98.765,5\n2025;" + d + ";population_foreign;2.000\n"
			r = upload(co, "bevoelkerung.csv", []byte(good))
			if r.StatusCode != http.StatusSeeOther || !strings.HasPrefix(r.Location(), "/monitoring/kontextdaten?import=") {
				t.Fatalf("good file: status %d, location %q\n%s", r.StatusCode, r.Location(), r.Body)
			}
			r = co.Get(r.Location())
			body := string(r.Body)
			for _, want := range []string{"3 Zeilen", "12.345", "98.765,5", "Stadt gesamt", "Einwohner:innen", "Statistikstelle", "Nutzer coordinator"} {
				if !strings.Contains(body, want) {
					t.Errorf("context page lacks %q", want)
				}
			}
			if monitoring.Lookup("new_cases_per_1000") != nil {
				if !strings.Contains(body, "Neue Fälle je 1.000 Einwohner:innen nach Stadtbezirk, 2025") {
					t.Errorf("context page lacks the rates")
				}
				if n := count(t, env, "SELECT count(*) FROM monitoring_releases WHERE channel = 'page' AND tables = 1"); n == 0 {
					t.Errorf("the rates were not published")
				}
			}
			var first string
			err := env.DB().Read(ctx, func(tx *db.Tx) error {
				v, ok, err := env.App.Monitor.ContextValue(ctx, tx, fx.TenantA.ID, "population", "2025", fx.DistrictA.ID)
				if err != nil || !ok || v != 12345 {
					t.Errorf("ContextValue: %v %v %v", v, ok, err)
				}
				v, period, ok, err := env.App.Monitor.ContextValueAt(ctx, tx, fx.TenantA.ID, "population", "", monitoring.Month{Year: 2026, Month: 3})
				if err != nil || !ok || v != 98765.5 || period != "2025" {
					t.Errorf("ContextValueAt: %v %q %v %v", v, period, ok, err)
				}
				if _, _, ok, _ := env.App.Monitor.ContextValueAt(ctx, tx, fx.TenantA.ID, "population", "", monitoring.Month{Year: 2024, Month: 12}); ok {
					t.Errorf("ContextValueAt found a figure of a later year")
				}
				return tx.QueryRowContext(ctx, "SELECT CAST(id AS TEXT) FROM context_imports").Scan(&first)
			})
			if err != nil {
				t.Fatal(err)
			}

			// A later file replaces the figure with the same key.
			if r := upload(co, "neu.csv", []byte("Zeitraum,Raumeinheit,Merkmal,Wert\n2025,"+d+",population,13000\n")); r.StatusCode != http.StatusSeeOther {
				t.Fatalf("re-import: %d", r.StatusCode)
			}
			if n := count(t, env, "SELECT count(*) FROM context_values"); n != 3 {
				t.Errorf("%d values after the re-import, want 3", n)
			}
			if n := count(t, env, "SELECT count(*) FROM context_values WHERE value = 13000 AND import_id <> $1", first); n != 1 {
				t.Errorf("the re-import did not replace the figure")
			}

			// Deleting the first import removes the figures it still provides.
			if r := co.Get("/monitoring/kontextdaten/" + first + "/loeschen"); r.StatusCode != http.StatusOK || !strings.Contains(string(r.Body), "bevoelkerung.csv") {
				t.Errorf("confirm page: %d", r.StatusCode)
			}
			if r := co.PostForm("/monitoring/kontextdaten/"+first+"/loeschen", nil); r.StatusCode != http.StatusSeeOther {
				t.Errorf("delete: %d", r.StatusCode)
			}
			if n := count(t, env, "SELECT count(*) FROM context_values"); n != 1 {
				t.Errorf("%d values after deleting the first import, want 1 (the replaced figure)", n)
			}
			if n := count(t, env, "SELECT count(*) FROM audit_log WHERE action LIKE 'context_import.%'"); n != 3 {
				t.Errorf("%d audit entries, want 3", n)
			}

			// Who may do what.
			cm := env.Client()
			cm.Login(access.CaseManager)
			if r := cm.Get("/monitoring/kontextdaten"); r.StatusCode != http.StatusForbidden {
				t.Errorf("case manager: %d", r.StatusCode)
			}
			bm := env.Client()
			bm.Login(access.BodyMember)
			if r := bm.Get("/monitoring/kontextdaten"); r.StatusCode != http.StatusOK || strings.Contains(string(r.Body), `name="file"`) {
				t.Errorf("body member: %d, or sees the upload form", r.StatusCode)
			}
			if r := upload(bm, "x.csv", []byte(good)); r.StatusCode != http.StatusForbidden {
				t.Errorf("body member upload: %d", r.StatusCode)
			}
		})
	}
}
