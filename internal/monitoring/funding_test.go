package monitoring_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"kim/internal/apptest"
	"kim/internal/monitoring"
	"kim/internal/platform/access"
)

func TestFundingFigures(t *testing.T) {
	for _, e := range apptest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			env := apptest.New(t, e, apptest.Options{})
			fx := env.Seed()
			ctx := context.Background()
			co := env.Client()
			co.Login(access.Coordinator)
			org := fx.OrgA2.ID // a KIM carrier

			r := co.Get("/monitoring/foerdernachweis?jahr=2025&organisation=" + org)
			if r.StatusCode != http.StatusOK || r.Doc(t).Find(`form[method=post] input[name=fte_funded]`).Length() != 1 ||
				!strings.Contains(string(r.Body), fx.OrgA2.Name) {
				t.Fatalf("page: %d\n%s", r.StatusCode, r.Body)
			}
			post := func(v url.Values) *apptest.Response {
				base := url.Values{"organisation": {org}, "jahr": {"2025"}, "fte_funded": {"1,5"}, "fte_occupied": {"1"}, "vacancy_days": {"30"},
					"trainings": {"2"}, "funds": {"12.345,67"}, "version": {"0"}}
				for k, x := range v {
					base[k] = x
				}
				return co.PostForm("/monitoring/foerdernachweis", base)
			}

			// Invalid input: every field named, nothing stored.
			r = post(url.Values{"fte_funded": {"viel"}, "vacancy_days": {"-3"}, "funds": {"12.34,5"}, "trainings": {"1e9"}})
			if r.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("invalid: %d", r.StatusCode)
			}
			doc := r.Doc(t)
			for _, f := range []string{"fte_funded", "vacancy_days", "funds", "trainings"} {
				if doc.Find("#f-"+f+"-error").Length() != 1 || doc.Find(`.error-summary a[href="#f-`+f+`"]`).Length() != 1 {
					t.Errorf("no message for %s", f)
				}
			}
			if v := doc.Find("#f-funds").AttrOr("value", ""); v != "12.34,5" {
				t.Errorf("the form lost the input: %q", v)
			}
			for _, v := range []url.Values{{"organisation": {fx.OrgB1.ID}}, {"organisation": {"kein-uuid"}}, {"jahr": {"1800"}}} {
				if r := post(v); r.StatusCode != http.StatusUnprocessableEntity {
					t.Errorf("%v: %d", v, r.StatusCode)
				}
			}
			if n := count(t, env, "SELECT count(*) FROM funding_figures"); n != 0 {
				t.Fatalf("%d figures stored from invalid input", n)
			}

			// Saved; a second form from the same state conflicts; the current version saves.
			if r := post(nil); r.StatusCode != http.StatusSeeOther {
				t.Fatalf("save: %d\n%s", r.StatusCode, r.Body)
			}
			list, err := env.App.Monitor.Funding(ctx, fx.Users[access.Coordinator].Actor("alpha"), 2025)
			if err != nil {
				t.Fatal(err)
			}
			var got monitoring.FundingFigures
			for _, f := range list {
				if f.OrganisationID == org {
					got = f
				}
			}
			if got.FTEFunded != 1.5 || got.FTEOccupied != 1 || got.VacancyDays != 30 || got.Trainings != 2 || got.FundsCents != 1234567 || got.Version != 1 {
				t.Errorf("stored: %+v", got)
			}
			if r := post(url.Values{"trainings": {"3"}}); r.StatusCode != http.StatusConflict || !strings.Contains(string(r.Body), "inzwischen geändert") {
				t.Errorf("stale version: %d", r.StatusCode)
			}
			if r := post(url.Values{"trainings": {"3"}, "version": {"1"}}); r.StatusCode != http.StatusSeeOther {
				t.Errorf("current version: %d", r.StatusCode)
			}
			if r := post(url.Values{"version": {"abc"}}); r.StatusCode != http.StatusConflict {
				t.Errorf("bad version: %d", r.StatusCode)
			}

			// Readers see the figures and the funding report; the CSV is published.
			bm := env.Client()
			bm.Login(access.BodyMember)
			r = bm.Get("/monitoring/foerdernachweis?jahr=2025")
			if body := string(r.Body); r.StatusCode != http.StatusOK || !strings.Contains(body, "12.345,67") || !strings.Contains(body, "1,50") ||
				!strings.Contains(body, "66,7 %") || strings.Contains(body, `name="fte_funded"`) {
				t.Errorf("reader's page: %d\n%s", r.StatusCode, body)
			}
			if r := bm.PostForm("/monitoring/foerdernachweis", url.Values{"organisation": {org}}); r.StatusCode != http.StatusForbidden {
				t.Errorf("reader's post: %d", r.StatusCode)
			}
			r = bm.Get("/monitoring/foerdernachweis/export.csv?jahr=2025")
			if r.StatusCode != http.StatusOK || !strings.Contains(string(r.Body), "12.345,67") || !strings.Contains(string(r.Body), "Verwendungsnachweis 2025") {
				t.Errorf("CSV: %d\n%s", r.StatusCode, r.Body)
			}
			if monitoring.Lookup("new_cases") != nil {
				if n := count(t, env, "SELECT count(*) FROM monitoring_releases WHERE channel = 'csv' AND tables = 3 AND role = 'body_member'"); n != 1 {
					t.Errorf("%d releases of the CSV, want 1", n)
				}
				if !strings.Contains(string(r.Body), "Personen neu im Case Management") {
					t.Errorf("the CSV lacks the case figures")
				}
			}
			if r := bm.Get("/monitoring/foerdernachweis/export.csv?jahr=abc"); r.StatusCode != http.StatusBadRequest {
				t.Errorf("CSV of a bad year: %d", r.StatusCode)
			}
			if r := bm.Get("/monitoring/foerdernachweis?jahr=abc"); r.StatusCode != http.StatusOK || !strings.Contains(string(r.Body), "Bitte geben Sie ein Jahr") {
				t.Errorf("page of a bad year: %d", r.StatusCode)
			}
			cm := env.Client()
			cm.Login(access.CaseManager)
			if r := cm.Get("/monitoring/foerdernachweis"); r.StatusCode != http.StatusForbidden {
				t.Errorf("case manager: %d", r.StatusCode)
			}
		})
	}
}
