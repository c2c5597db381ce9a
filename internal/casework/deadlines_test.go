package casework_test

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"kim/internal/apptest"
	"kim/internal/casework"
	"kim/internal/platform/access"
	"kim/internal/platform/ids"
)

// deadlineWorld adds deadlines of every kind to the fixtures (today is 2026-03-02):
// case A1 (the case manager's): residence ending 2026-04-15 and its document expired
// 2026-02-20 (the older record ending 2026-03-05 no longer counts), tasks due 2026-02-27
// (overdue) and 2026-03-10, a review 2026-03-05, an overdue referral, a follow-up 2026-03-04
// (an earlier contact's follow-up settled); a colleague's case with a review 2026-03-03 and
// one where the case manager is deputy with a task 2026-03-06; the other organisation's and
// the other tenant's cases with reviews; a closed case's review is left out.
type deadlineWorld struct {
	colleagueCase, deputyCase, closedCase *casework.Case
}

func seedDeadlines(t *testing.T, env *apptest.Env, fx *apptest.Fixtures) deadlineWorld {
	t.Helper()
	ctx := context.Background()
	s := env.App.Cases
	cm := fx.Users[access.CaseManager].Actor("alpha")
	colleague := fx.ColleagueA1.Actor("alpha")
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	w, _ := env.DB().Pools()
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := w.Exec(q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	_, err := s.AddResidenceStatus(ctx, cm, fx.ClientA1.ID, casework.ResidenceInput{Type: "duldung", ValidUntil: "2026-03-05"})
	must(err)
	env.Clock.Advance(time.Second)
	_, err = s.AddResidenceStatus(ctx, cm, fx.ClientA1.ID, casework.ResidenceInput{Type: "ae_25b", ValidUntil: "2026-04-15", DocumentExpiry: "2026-02-20"})
	must(err)
	task := func(caseID, due, status string) {
		exec(`INSERT INTO tasks (tenant_id, id, case_id, title, responsible, due_on, status, created_at, updated_at)
			VALUES ($1, $2, $3, $4, 'case_manager', $5, $6, $7, $7)`, fx.TenantA.ID, ids.New(), caseID, []byte{1, 2, 3}, due, status, env.Clock.Now())
	}
	task(fx.CaseA1.ID, "2026-02-27", "open")
	task(fx.CaseA1.ID, "2026-03-10", "open")
	task(fx.CaseA1.ID, "2026-02-20", "done")
	task(fx.CaseA1.ID, "2026-04-30", "open") // beyond 14 days
	exec("UPDATE cases SET review_on = '2026-03-05' WHERE id = $1", fx.CaseA1.ID)
	exec("UPDATE referrals SET answer_due = '2026-02-25' WHERE id = $1", fx.ReferralA1.ID)
	_, err = s.AddContact(ctx, cm, fx.CaseA1.ID, casework.ContactInput{Date: "2026-02-10", DurationMinutes: 30, Mode: "phone", FollowUpOn: "2026-02-20"}, "")
	must(err)
	_, err = s.AddContact(ctx, cm, fx.CaseA1.ID, casework.ContactInput{Date: "2026-03-01", DurationMinutes: 30, Mode: "phone", FollowUpOn: "2026-03-04"}, "")
	must(err)

	var wd deadlineWorld
	newCase := func(actor access.Actor, family string, deputy string) *casework.Case {
		in, err := s.CreateClient(ctx, actor, casework.ClientInput{FamilyName: family, GivenNames: "Test", BirthDate: "1980-01-01", Acknowledged: true})
		must(err)
		c, err := s.CreateCase(ctx, actor, casework.CaseInput{ClientID: in.Client.ID, AccessRoute: "self", DeputyID: deputy})
		must(err)
		return c
	}
	wd.colleagueCase = newCase(colleague, "Kollegen-Klient", "")
	exec("UPDATE cases SET review_on = '2026-03-03' WHERE id = $1", wd.colleagueCase.ID)
	wd.deputyCase = newCase(colleague, "Vertretungs-Klientin", cm.UserID)
	task(wd.deputyCase.ID, "2026-03-06", "open")
	wd.closedCase = newCase(cm, "Abgeschlossen", "")
	exec("UPDATE cases SET review_on = '2026-03-01', status = 'closed' WHERE id = $1", wd.closedCase.ID)
	exec("UPDATE cases SET review_on = '2026-03-02' WHERE id = $1", fx.CaseA2.ID)
	exec("UPDATE cases SET review_on = '2026-03-02' WHERE id = $1", fx.CaseB1.ID)
	return wd
}

type item struct{ kind, date, caseID string }

func items(ds []casework.Deadline) []item {
	var out []item
	for _, d := range ds {
		out = append(out, item{d.Kind, d.Date, d.CaseID})
	}
	return out
}

func TestDeadlinesContentAndScope(t *testing.T) {
	for _, e := range apptest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			env := apptest.New(t, e, apptest.Options{})
			fx := env.Seed()
			wd := seedDeadlines(t, env, fx)
			ctx := context.Background()
			s := env.App.Cases
			a1 := fx.CaseA1.ID

			got, err := s.Deadlines(ctx, fx.Users[access.CaseManager].Actor("alpha"), casework.DeadlineFilter{})
			if err != nil {
				t.Fatal(err)
			}
			want := []item{
				{"residence_document", "2026-02-20", a1},
				{"referral", "2026-02-25", a1},
				{"task", "2026-02-27", a1},
				{"follow_up", "2026-03-04", a1},
				{"review", "2026-03-05", a1},
				{"task", "2026-03-06", wd.deputyCase.ID},
				{"task", "2026-03-10", a1},
				{"residence", "2026-04-15", a1},
			}
			if !slices.Equal(items(got), want) {
				t.Fatalf("case manager's deadlines:\n got %v\nwant %v", items(got), want)
			}
			for _, d := range got {
				overdue := d.Date < "2026-03-02"
				soon := !overdue && d.Date <= "2026-03-09"
				if d.Overdue != overdue || d.Soon != soon {
					t.Errorf("%v: overdue %v soon %v", item{d.Kind, d.Date, d.CaseID}, d.Overdue, d.Soon)
				}
				if d.CaseID == a1 && (d.CaseNumber != fx.CaseA1.Number || d.ClientName != "Alpha-Klient, Samir") {
					t.Errorf("%v: case %q client %q", d.Kind, d.CaseNumber, d.ClientName)
				}
			}
			if sum := casework.Summarize(got); sum.Overdue != 3 || sum.Soon != 3 {
				t.Errorf("summary %+v", sum)
			}
			if got[0].Detail != "ae_25b" || got[1].Detail != "Alpha Wohlfahrt" {
				t.Errorf("details %q, %q", got[0].Detail, got[1].Detail)
			}

			// The team lead sees the organisation's open cases, and can filter by case manager.
			lead := fx.Users[access.TeamLead].Actor("alpha")
			all, err := s.Deadlines(ctx, lead, casework.DeadlineFilter{})
			if err != nil {
				t.Fatal(err)
			}
			if len(all) != len(want)+1 || !slices.Contains(items(all), item{"review", "2026-03-03", wd.colleagueCase.ID}) {
				t.Errorf("team lead: %v", items(all))
			}
			for _, d := range all {
				if d.CaseID == fx.CaseA2.ID || d.CaseID == fx.CaseB1.ID || d.CaseID == wd.closedCase.ID {
					t.Errorf("team lead sees %v", item{d.Kind, d.Date, d.CaseID})
				}
			}
			mine, err := s.Deadlines(ctx, lead, casework.DeadlineFilter{Manager: fx.ColleagueA1.ID})
			if err != nil {
				t.Fatal(err)
			}
			if want := []item{{"review", "2026-03-03", wd.colleagueCase.ID}, {"task", "2026-03-06", wd.deputyCase.ID}}; !slices.Equal(items(mine), want) {
				t.Errorf("filtered: %v, want %v", items(mine), want)
			}
			// Other roles may not list cases at all.
			if _, err := s.Deadlines(ctx, fx.Users[access.Coordinator].Actor("alpha"), casework.DeadlineFilter{}); err == nil {
				t.Error("coordinator got deadlines")
			}
		})
	}
}

func TestDeadlinePageAndStartPage(t *testing.T) {
	env := apptest.New(t, apptest.SQLite, apptest.Options{})
	fx := env.Seed()
	wd := seedDeadlines(t, env, fx)
	c := env.Client()
	c.Login(access.CaseManager)
	r := c.Get("/fristen")
	if r.StatusCode != http.StatusOK {
		t.Fatalf("status %d", r.StatusCode)
	}
	doc := r.Doc(t)
	rows := doc.Find("table tbody tr")
	if rows.Length() != 8 {
		t.Fatalf("%d rows", rows.Length())
	}
	var dates []string
	rows.Each(func(i int, s *goquery.Selection) {
		dates = append(dates, s.Find("time").AttrOr("datetime", ""))
		cells := s.Find("td")
		overdue := strings.Contains(cells.Eq(1).Text(), "überfällig")
		if overdue != (s.Find("time").AttrOr("datetime", "") < "2026-03-02") {
			t.Errorf("row %d: %q marked overdue=%v", i, cells.Eq(1).Text(), overdue)
		}
		if href := cells.Eq(3).Find("a").AttrOr("href", ""); !strings.HasPrefix(href, "/faelle/") {
			t.Errorf("row %d links to %q", i, href)
		}
	})
	if !slices.IsSorted(dates) {
		t.Errorf("not sorted by date: %v", dates)
	}
	body := string(r.Body)
	for _, s := range []string{"Aufenthaltsdokument läuft ab – Aufenthaltserlaubnis § 25b", "Vermittlung ohne Antwort – Alpha Wohlfahrt", "Wiedervorlage"} {
		if !strings.Contains(body, s) {
			t.Errorf("page lacks %q", s)
		}
	}
	if strings.Contains(body, "Kollegen-Klient") {
		t.Error("a colleague's case on the case manager's list")
	}
	// The menu leads there, the start page counts it.
	if doc.Find(`nav a[href="/fristen"]`).Length() != 1 {
		t.Error("no menu entry")
	}
	start := c.Get("/start").Doc(t)
	var figures []string
	start.Find("#fristen ~ ul .figure").Each(func(_ int, s *goquery.Selection) { figures = append(figures, s.Text()) })
	if !slices.Equal(figures, []string{"3", "3"}) {
		t.Errorf("start page figures %v", figures)
	}
	if start.Find(`#fristen ~ ul a[href="/fristen"]`).Length() != 2 {
		t.Error("start page does not link the deadlines")
	}

	lead := env.Client()
	lead.Login(access.TeamLead)
	r = lead.Get("/fristen?" + url.Values{"case_manager_id": {fx.ColleagueA1.ID}}.Encode())
	if n := r.Doc(t).Find("table tbody tr").Length(); n != 2 || !strings.Contains(string(r.Body), "Kollegen-Klient") {
		t.Errorf("team lead filtered: %d rows", n)
	}
	if !strings.Contains(string(r.Body), wd.deputyCase.Number) {
		t.Error("the colleague's case with a deputy is missing")
	}
	coord := env.Client()
	coord.Login(access.Coordinator)
	if r := coord.Get("/fristen"); r.StatusCode != http.StatusForbidden {
		t.Errorf("coordinator: %d", r.StatusCode)
	}
	if coord.Get("/start").Doc(t).Find("#fristen").Length() != 0 {
		t.Error("coordinator's start page shows deadlines")
	}
}
