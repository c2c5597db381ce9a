package casework_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"kim/internal/apptest"
	"kim/internal/casework"
	"kim/internal/platform/access"
	"kim/internal/platform/db"
	"kim/internal/platform/errs"
	"kim/internal/platform/web"
)

func eachEngine(t *testing.T, fn func(t *testing.T, env *apptest.Env, fx *apptest.Fixtures)) {
	for _, e := range apptest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			env := apptest.New(t, e, apptest.Options{})
			fn(t, env, env.Seed())
		})
	}
}

func must[T any](t *testing.T) func(v T, err error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

func count(t *testing.T, env *apptest.Env, q string, args ...any) int {
	t.Helper()
	var n int
	err := env.DB().Read(context.Background(), func(tx *db.Tx) error { return tx.QueryRowContext(context.Background(), q, args...).Scan(&n) })
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// At intake, a client of the own organisation with a matching name and birth date stops the
// intake until the case manager confirms it is someone else; a different birth date does not.
func TestIntakeWarnsOfDuplicates(t *testing.T) {
	eachEngine(t, func(t *testing.T, env *apptest.Env, fx *apptest.Fixtures) {
		ctx := context.Background()
		s := env.App.Cases
		cm := fx.Users[access.CaseManager].Actor("alpha")
		first := must[*casework.Intake](t)(s.CreateClient(ctx, cm, casework.ClientInput{GivenNames: "Mohammed", FamilyName: "Al-Hassan", BirthDate: "1990-01-01",
			NameOriginal: "محمد الحسن"}))
		before := count(t, env, "SELECT count(*) FROM clients")
		_, err := s.CreateClient(ctx, cm, casework.ClientInput{GivenNames: "Muhammad", FamilyName: "Alhasan", BirthDate: "1990-01-01"})
		var dup *casework.DuplicateError
		if !errors.As(err, &dup) || len(dup.Matches) != 1 || dup.Matches[0].Client.ID != first.Client.ID {
			t.Fatalf("want a duplicate warning naming the first client, got %v", err)
		}
		if errs.CodeOf(err) != errs.Conflict || dup.Err().Fields["confirm_not_duplicate"].ID == "" {
			t.Errorf("the warning is a conflict with a field message: %+v", dup.Err())
		}
		// The Arabic spelling alone finds the same person.
		if _, err := s.CreateClient(ctx, cm, casework.ClientInput{FamilyName: "الحسن", GivenNames: "محمد", BirthDate: "1990"}); !errors.As(err, &dup) {
			t.Errorf("Arabic script with the birth year: want a duplicate warning, got %v", err)
		}
		if n := count(t, env, "SELECT count(*) FROM clients"); n != before {
			t.Fatalf("a refused intake saved a client (%d → %d)", before, n)
		}
		// Confirmed: saved.
		if _, err := s.CreateClient(ctx, cm, casework.ClientInput{GivenNames: "Muhammad", FamilyName: "Alhasan", BirthDate: "1990-01-01", Acknowledged: true}); err != nil {
			t.Fatal(err)
		}
		// Another birth date: a different person, no warning.
		if _, err := s.CreateClient(ctx, cm, casework.ClientInput{GivenNames: "Mohamed", FamilyName: "El Hassan", BirthDate: "1972-05-05"}); err != nil {
			t.Fatalf("different birth date: %v", err)
		}
		// Different people are kept apart.
		if _, err := s.CreateClient(ctx, cm, casework.ClientInput{GivenNames: "Mahmoud", FamilyName: "Hussein", BirthDate: "1990-01-01"}); err != nil {
			t.Fatalf("Mahmoud Hussein is not Mohammed Al-Hassan: %v", err)
		}
		// A colleague of another organisation sees no warning about A1's clients.
		other := fx.MemberA2.Actor("alpha")
		in, err := s.CreateClient(ctx, other, casework.ClientInput{GivenNames: "Mouhamad", FamilyName: "El Hassan", BirthDate: "1990-01-01"})
		if err != nil {
			t.Fatalf("another organisation gets no duplicate warning: %v", err)
		}
		// … but the hint that someone else may know the person, and nothing more.
		if !in.KnownElsewhere {
			t.Error("known_elsewhere should be set: organisation A1 has the same person")
		}
		b := must[[]byte](t)(jsonOf(in))
		if strings.Contains(string(b), first.Client.ID) || strings.Contains(string(b), fx.OrgA1.ID) {
			t.Error("the hint reveals the other organisation's record")
		}
		in2 := must[*casework.Intake](t)(s.CreateClient(ctx, other, casework.ClientInput{GivenNames: "Oksana", FamilyName: "Petrenko", BirthDate: "1990-01-01"}))
		if in2.KnownElsewhere {
			t.Error("nobody else knows Oksana Petrenko")
		}
	})
}

// The client search finds every spelling and script, best match first, and only clients of
// the own organisation.
func TestClientSearchAcrossScripts(t *testing.T) {
	eachEngine(t, func(t *testing.T, env *apptest.Env, fx *apptest.Fixtures) {
		ctx := context.Background()
		s := env.App.Cases
		cm := fx.Users[access.CaseManager].Actor("alpha")
		o := must[*casework.Intake](t)(s.CreateClient(ctx, cm, casework.ClientInput{GivenNames: "Oleksandr", FamilyName: "Shevchenko",
			NameOriginal: "Олександр Шевченко", BirthDate: "1984-02-29"}))
		must[*casework.Intake](t)(s.CreateClient(ctx, cm, casework.ClientInput{GivenNames: "Olga", FamilyName: "Schewe", BirthDate: "1960"}))
		must[*casework.Intake](t)(s.CreateClient(ctx, fx.MemberA2.Actor("alpha"), casework.ClientInput{GivenNames: "Alexander",
			FamilyName: "Schewtschenko", BirthDate: "1984-02-29"}))
		for _, q := range []string{"Alexander Schewtschenko", "Олександр Шевченко", "shevchenko oleksandr", "Aleksandr Ševčenko"} {
			items, total, err := s.ListClients(ctx, cm, web.ListQuery{Q: q, Page: 1, Size: 25})
			if err != nil {
				t.Fatal(err)
			}
			if total == 0 || items[0].ID != o.Client.ID {
				t.Errorf("search %q: want Oleksandr Shevchenko first, got %d hits %v", q, total, names(items))
			}
			for _, c := range items {
				if c.OrganisationID != fx.OrgA1.ID {
					t.Errorf("search %q shows a client of another organisation", q)
				}
			}
		}
		// The page and the API answer the same.
		c := env.Client()
		c.Login(access.CaseManager)
		page := c.Get("/klienten?q=" + url.QueryEscape("Schewtschenko"))
		if page.StatusCode != http.StatusOK || !strings.Contains(string(page.Body), "Shevchenko, Oleksandr") {
			t.Errorf("client search page: %d", page.StatusCode)
		}
		api := env.Client()
		api.Token = fx.Tokens[access.CaseManager]
		var list struct {
			Items []casework.Client `json:"items"`
		}
		api.Get("/api/v1/clients?q="+url.QueryEscape("Олександр Шевченко")).JSON(t, &list)
		if len(list.Items) == 0 || list.Items[0].ID != o.Client.ID {
			t.Errorf("API search: %v", names(list.Items))
		}
	})
}

func names(cs []casework.Client) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.Name())
	}
	return out
}

// Bad input on the intake form gets a German message per field and saves nothing.
func TestIntakeValidation(t *testing.T) {
	eachEngine(t, func(t *testing.T, env *apptest.Env, fx *apptest.Fixtures) {
		c := env.Client()
		c.Login(access.CaseManager)
		before := count(t, env, "SELECT count(*) FROM clients")
		r := c.PostForm("/klienten", url.Values{"family_name": {""}, "birth_date": {"31.02.1990"}, "nationalities": {"XX, DE"},
			"email": {"kein-mail"}, "postcode": {"123"}, "arrived_germany": {"2030-01-01"}, "languages": {"klingonisch"},
			"district_id": {fx.DistrictB.ID}, "sex": {"q"}})
		if r.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("status %d", r.StatusCode)
		}
		doc := r.Doc(t)
		for _, f := range []string{"family_name", "birth_date", "nationalities", "email", "postcode", "arrived_germany", "languages", "sex"} {
			if doc.Find("#f-"+f+"-error").Length() == 0 {
				t.Errorf("no message for field %s", f)
			}
		}
		if !strings.Contains(doc.Find(".error-summary").Text(), "Bitte") {
			t.Error("the error summary is not German")
		}
		// A district of another tenant is not found (nothing is revealed).
		r = c.PostForm("/klienten", url.Values{"family_name": {"Test"}, "district_id": {fx.DistrictB.ID}})
		if r.StatusCode != http.StatusUnprocessableEntity || r.Doc(t).Find("#f-district_id-error").Length() == 0 {
			t.Errorf("foreign district: %d", r.StatusCode)
		}
		if n := count(t, env, "SELECT count(*) FROM clients"); n != before {
			t.Errorf("invalid input saved a client")
		}
		// A valid intake through the page.
		r = c.PostForm("/klienten", url.Values{"family_name": {"Yılmaz"}, "given_names": {"Hüseyin"}, "birth_date": {"03.07.1979"},
			"nationalities": {"tr"}, "languages": {"tr", "de"}, "german_level": {"A2"}, "district_id": {fx.DistrictA.ID},
			"quarter_id": {fx.QuarterA.ID}, "benefit_regime": {"sgb2"}, "other_case_management": {"jobcenter"}})
		if r.StatusCode != http.StatusSeeOther || !strings.HasPrefix(r.Location(), "/klienten/") {
			t.Fatalf("intake: %d %s", r.StatusCode, r.Body)
		}
		page := c.Get(r.Location())
		for _, want := range []string{"Yılmaz, Hüseyin", "03.07.1979", "TR", "Türkisch", "Bürgergeld (SGB II)", "Fallmanagement Jobcenter"} {
			if !strings.Contains(string(page.Body), want) {
				t.Errorf("client page lacks %q", want)
			}
		}
	})
}

// Mein Fallbestand is searchable by the client's name in any spelling and by case number; a
// malformed filter id matches nothing.
func TestCaseListSearch(t *testing.T) {
	eachEngine(t, func(t *testing.T, env *apptest.Env, fx *apptest.Fixtures) {
		ctx := context.Background()
		s := env.App.Cases
		cm := fx.Users[access.CaseManager].Actor("alpha")
		for _, q := range []string{"Samir Alpha Klient", "alpha-klient", fx.CaseA1.Number} {
			items, total, err := s.ListCases(ctx, cm, web.ListQuery{Q: q, Page: 1, Size: 25}, casework.CaseFilter{})
			if err != nil || total != 1 || items[0].ID != fx.CaseA1.ID {
				t.Errorf("search %q: %d %v", q, total, err)
			}
		}
		if _, total, _ := s.ListCases(ctx, cm, web.ListQuery{Q: "Traeger-Klientin", Page: 1, Size: 25}, casework.CaseFilter{}); total != 0 {
			t.Error("the search shows another organisation's case")
		}
		if _, total, _ := s.ListCases(ctx, cm, web.ListQuery{Page: 1, Size: 25}, casework.CaseFilter{ClientID: "nonsense"}); total != 0 {
			t.Error("a malformed client id matches cases")
		}
	})
}
