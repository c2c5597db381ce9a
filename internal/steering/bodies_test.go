package steering_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"kim/internal/apptest"
	"kim/internal/platform/access"
	"kim/internal/platform/db"
	"kim/internal/platform/errs"
	"kim/internal/steering"
)

// bodyEnv starts an instance on engine e with the fixtures and a coordinator's browser.
func bodyEnv(t *testing.T, e apptest.Engine) (*apptest.Env, *apptest.Fixtures, *apptest.Client) {
	t.Helper()
	env := apptest.New(t, e, apptest.Options{})
	fx := env.Seed()
	co := env.Client()
	co.Login(access.Coordinator)
	return env, fx, co
}

// bodyFieldMessage returns the message of a form field on a page, or "".
func bodyFieldMessage(t *testing.T, r *apptest.Response, field string) string {
	t.Helper()
	return strings.TrimSpace(r.Doc(t).Find("#f-" + regexp.QuoteMeta(field) + "-error").Text())
}

func wantStatus(t *testing.T, r *apptest.Response, status int, what string) {
	t.Helper()
	if r.StatusCode != status {
		t.Fatalf("%s: status %d, want %d\n%s", what, r.StatusCode, status, r.Body)
	}
}

// auditCount counts the audit entries with the action.
func auditCount(t *testing.T, env *apptest.Env, action string) int {
	t.Helper()
	var n int
	err := env.DB().Read(context.Background(), func(tx *db.Tx) error {
		return tx.QueryRowContext(context.Background(), "SELECT count(*) FROM audit_log WHERE action = $1", action).Scan(&n)
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestBodyListFiltersSortsAndShowsEmptyStates(t *testing.T) {
	for _, e := range apptest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			_, fx, co := bodyEnv(t, e)
			r := co.Get("/gremien")
			wantStatus(t, r, http.StatusOK, "list")
			rows := r.Doc(t).Find("table tbody tr")
			if rows.Length() != 2 || !strings.Contains(rows.Text(), "Lenkungsgruppe Alpha") || strings.Contains(string(r.Body), "Lenkungskreis Beta") {
				t.Fatalf("list shows %d rows: %q", rows.Length(), rows.Text())
			}
			// The steering group has two members and its next meeting is none (MeetingA is past).
			first := rows.FilterFunction(func(_ int, s *goquery.Selection) bool { return strings.Contains(s.Text(), "Lenkungsgruppe Alpha") })
			if !strings.Contains(first.Text(), "2") || !strings.Contains(first.Text(), "keine geplant") {
				t.Errorf("row %q", first.Text())
			}
			r = co.Get("/gremien?type=working_group")
			if got := r.Doc(t).Find("table tbody tr").Text(); !strings.Contains(got, "AG Wohnen Alpha") || strings.Contains(got, "Lenkungsgruppe") {
				t.Errorf("type filter shows %q", got)
			}
			r = co.Get("/gremien?sort=members&dir=desc")
			if got := r.Doc(t).Find("table tbody tr").First().Text(); !strings.Contains(got, "Lenkungsgruppe Alpha") {
				t.Errorf("sorted by members (desc), first row %q", got)
			}
			r = co.Get("/gremien?q=gibt-es-nicht")
			if got := r.Doc(t).Find("p.notice").Text(); !strings.Contains(got, "Keine Einträge") {
				t.Errorf("empty search: %q", got)
			}
			// A planned meeting becomes the body's next meeting.
			if _, err := apptestMeeting(t, co, fx.Bodies.BodyWorkA.ID, "2026-03-10", "09:30", "11:00"); err != nil {
				t.Fatal(err)
			}
			r = co.Get("/gremien?type=working_group")
			if got := r.Doc(t).Find("table tbody tr").Text(); !strings.Contains(got, "10.03.2026, 09:30") {
				t.Errorf("next meeting not shown: %q", got)
			}
		})
	}
}

func TestBodyFormValidatesAndSaves(t *testing.T) {
	for _, e := range apptest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			env, fx, co := bodyEnv(t, e)
			r := co.PostForm("/gremien/neu", url.Values{"name": {""}, "type": {"raumschiff"}})
			wantStatus(t, r, http.StatusUnprocessableEntity, "empty")
			if got := bodyFieldMessage(t, r, "name"); got != "Fehler: Bitte füllen Sie dieses Feld aus." {
				t.Errorf("name: %q", got)
			}
			if got := bodyFieldMessage(t, r, "type"); !strings.Contains(got, "angebotenen Werte") {
				t.Errorf("type: %q", got)
			}
			if r.Doc(t).Find(".error-summary a[href='#f-name']").Length() != 1 {
				t.Error("no error summary linking to the name")
			}
			r = co.PostForm("/gremien/neu", url.Values{"name": {"Lenkungsgruppe Alpha"}, "type": {"working_group"}})
			if got := bodyFieldMessage(t, r, "name"); !strings.Contains(got, "bereits vergeben") {
				t.Errorf("duplicate name: %d %q", r.StatusCode, got)
			}
			r = co.PostForm("/gremien/neu", url.Values{"name": {"  Projektgruppe   Anerkennung "}, "type": {"project_group"},
				"mandate": {"Anerkennung ausländischer Berufsabschlüsse beschleunigen."}, "active": {"1"}})
			wantStatus(t, r, http.StatusSeeOther, "create")
			page := co.Get(r.Location())
			wantStatus(t, page, http.StatusOK, "page")
			doc := page.Doc(t)
			if doc.Find("h1").Text() != "Projektgruppe Anerkennung" || !strings.Contains(doc.Find("dl.facts").Text(), "Projektgruppe") {
				t.Errorf("page: %q / %q", doc.Find("h1").Text(), doc.Find("dl.facts").Text())
			}
			// Editing with a stale version is a conflict; with the current one it saves.
			id := strings.TrimPrefix(r.Location(), "/gremien/")
			r = co.PostForm("/gremien/"+id, url.Values{"name": {"PG Anerkennung"}, "type": {"project_group"}, "version": {"7"}})
			wantStatus(t, r, http.StatusConflict, "stale")
			r = co.PostForm("/gremien/"+id, url.Values{"name": {"PG Anerkennung"}, "type": {"project_group"}, "version": {"1"}})
			wantStatus(t, r, http.StatusSeeOther, "update")
			b, err := env.App.Steering.GetBody(context.Background(), fx.Users[access.Coordinator].Actor("alpha"), id)
			if err != nil || b.Name != "PG Anerkennung" || b.Active || b.Version != 2 {
				t.Errorf("after update: %+v %v", b, err)
			}
		})
	}
}

func TestBodyMembersAreCheckedAddedAndRemoved(t *testing.T) {
	for _, e := range apptest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			env, fx, co := bodyEnv(t, e)
			bodyA := fx.Bodies.BodyA.ID
			path := "/gremien/" + bodyA + "/mitglieder"
			cases := []struct {
				what  string
				form  url.Values
				field string
				msg   string
			}{
				{"nothing", url.Values{}, "person_name", "Namen der Person"},
				{"no organisation", url.Values{"person_name": {"Anna Muster"}}, "organisation_id", "füllen Sie dieses Feld"},
				{"unknown organisation", url.Values{"person_name": {"Anna Muster"}, "organisation_id": {"0190f0aa-0000-7000-8000-000000000001"}}, "organisation_id", "existiert nicht"},
				{"other tenant's organisation", url.Values{"person_name": {"Anna Muster"}, "organisation_id": {fx.OrgB1.ID}}, "organisation_id", "existiert nicht"},
				{"garbage organisation", url.Values{"person_name": {"Anna Muster"}, "organisation_id": {"kein-uuid"}}, "organisation_id", "existiert nicht"},
				{"bad role", url.Values{"person_name": {"Anna Muster"}, "organisation_id": {fx.OrgA2.ID}, "role": {"kaiser"}}, "role", "angebotenen Werte"},
				{"bad e-mail", url.Values{"person_name": {"Anna Muster"}, "organisation_id": {fx.OrgA2.ID}, "email": {"anna@"}}, "email", "gültige E-Mail"},
				{"case manager's account", url.Values{"user_id": {fx.Users[access.CaseManager].ID}}, "user_id", "Gremienmitglied, Koordination oder Teamleitung"},
				{"other tenant's account", url.Values{"user_id": {fx.Bodies.UserB.ID}}, "user_id", "Gremienmitglied"},
				{"account already a member", url.Values{"user_id": {fx.Users[access.BodyMember].ID}}, "user_id", "bereits Mitglied"},
				{"deputy is the member", url.Values{"user_id": {fx.Users[access.TeamLead].ID}, "deputy_user_id": {fx.Users[access.TeamLead].ID}}, "deputy_user_id", "andere Person"},
			}
			for _, c := range cases {
				r := co.PostForm(path, c.form)
				if r.StatusCode != http.StatusUnprocessableEntity {
					t.Errorf("%s: status %d", c.what, r.StatusCode)
					continue
				}
				if got := bodyFieldMessage(t, r, c.field); !strings.Contains(got, c.msg) {
					t.Errorf("%s: %s says %q, want %q", c.what, c.field, got, c.msg)
				}
				if r.Doc(t).Find("details[open] form[action='"+path+"']").Length() != 1 {
					t.Errorf("%s: the member form is not open with its messages", c.what)
				}
			}
			// With the team lead's account, name and organisation come from the account.
			r := co.PostForm(path, url.Values{"user_id": {fx.Users[access.TeamLead].ID}, "role": {"guest"}, "deputy_name": {"Dana Deputy"},
				"email": {"teamlead@alpha.example"}})
			wantStatus(t, r, http.StatusSeeOther, "add with account")
			actor := fx.Users[access.Coordinator].Actor("alpha")
			b, err := env.App.Steering.GetBody(context.Background(), actor, bodyA)
			if err != nil {
				t.Fatal(err)
			}
			var added *steering.BodyMember
			for i := range b.Members {
				if b.Members[i].UserID == fx.Users[access.TeamLead].ID {
					added = &b.Members[i]
				}
			}
			if added == nil || added.PersonName != "Nutzer team_lead" || added.OrganisationID != fx.OrgA1.ID || added.Role != "guest" || added.DeputyName != "Dana Deputy" {
				t.Fatalf("added member %+v", added)
			}
			// Removing asks first, then keeps the attendance of past meetings.
			r = co.Get("/gremienmitglieder/" + fx.Bodies.MemberA2.ID + "/entfernen")
			wantStatus(t, r, http.StatusOK, "confirm")
			if got := r.Doc(t).Find("main p").First().Text(); !strings.Contains(got, "Petra Partner (Alpha Wohlfahrt)") || !strings.Contains(got, "Lenkungsgruppe Alpha") {
				t.Errorf("confirmation: %q", got)
			}
			r = co.PostForm("/gremienmitglieder/"+fx.Bodies.MemberA2.ID+"/entfernen", nil)
			wantStatus(t, r, http.StatusSeeOther, "remove")
			r = co.PostForm("/gremienmitglieder/"+fx.Bodies.MemberA2.ID+"/entfernen", nil)
			wantStatus(t, r, http.StatusNotFound, "remove twice")
			b, _ = env.App.Steering.GetBody(context.Background(), actor, bodyA)
			for _, m := range b.Members {
				if m.ID == fx.Bodies.MemberA2.ID {
					t.Error("the removed member is still listed")
				}
			}
			m, err := env.App.Steering.GetMeeting(context.Background(), actor, fx.Bodies.MeetingA.ID)
			if err != nil {
				t.Fatal(err)
			}
			found := false
			for _, a := range m.Attendance {
				if a.ID == fx.Bodies.MemberA2.ID && a.Removed && a.AttendanceStatus == "excused" {
					found = true
				}
			}
			if !found {
				t.Errorf("the former member's attendance is gone: %+v", m.Attendance)
			}
			if n := auditCount(t, env, "body.member_remove"); n != 1 {
				t.Errorf("%d audit entries for the removal", n)
			}
			// Another tenant's member cannot be removed.
			if _, err := env.App.Steering.RemoveBodyMember(context.Background(), actor, fx.Bodies.MemberB.ID); !errorsIsNotFound(err) {
				t.Errorf("removing beta's member: %v", err)
			}
		})
	}
}

func errorsIsNotFound(err error) bool { return errs.CodeOf(err) == errs.NotFound }

func TestBodyMembersReadButCannotEdit(t *testing.T) {
	for _, e := range apptest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			env, fx, _ := bodyEnv(t, e)
			bm := env.Client()
			bm.Login(access.BodyMember)
			id := fx.Bodies.BodyA.ID
			r := bm.Get("/gremien/" + id)
			wantStatus(t, r, http.StatusOK, "body member reads")
			doc := r.Doc(t)
			if doc.Find("main form[method=post]").Length() != 0 || doc.Find("a[href^='/gremienmitglieder/']").Length() != 0 {
				t.Error("a body member sees forms to change the body")
			}
			if !strings.Contains(doc.Find("#mitglieder").Text(), "Petra Partner") {
				t.Error("the members are not shown")
			}
			wantStatus(t, bm.PostForm("/gremien/"+id, url.Values{"name": {"Umbenannt"}, "type": {"steering_group"}, "version": {"1"}}), http.StatusForbidden, "body member edits")
			wantStatus(t, bm.PostForm("/gremien/"+id+"/mitglieder", url.Values{"person_name": {"X"}, "organisation_id": {fx.OrgA1.ID}}), http.StatusForbidden, "body member adds")
			wantStatus(t, bm.Get("/gremien/"+fx.Bodies.BodyB.ID), http.StatusNotFound, "other tenant")
			cm := env.Client()
			cm.Login(access.CaseManager)
			wantStatus(t, cm.Get("/gremien"), http.StatusForbidden, "case manager list")
			wantStatus(t, cm.Get("/gremien/"+id), http.StatusForbidden, "case manager page")
			wantStatus(t, cm.Get("/sitzungen/"+fx.Bodies.MeetingA.ID), http.StatusForbidden, "case manager meeting")
			if _, err := env.App.Steering.GetBody(context.Background(), fx.Users[access.CaseManager].Actor("alpha"), id); errs.CodeOf(err) != errs.Forbidden {
				t.Errorf("service for a case manager: %v", err)
			}
		})
	}
}

// TestBodyMessagesExist: every code the pages translate by prefix has a German and an English
// text, and the pages of a body and a meeting (with their forms) show no raw message id in
// either language.
func TestBodyMessagesExist(t *testing.T) {
	env, fx, co := bodyEnv(t, apptest.SQLite)
	c := env.App.Renderer.Catalogue()
	raw := regexp.MustCompile(`\bsteering\.[a-z_]+\.[a-z_.]+`)
	for _, lang := range []string{"de", "en"} {
		for _, p := range []string{"/gremien", "/gremien/neu", "/gremien/kalender", "/gremien/" + fx.Bodies.BodyA.ID, "/sitzungen?when=all",
			"/sitzungen/neu", "/sitzungen/neu?gremium=" + fx.Bodies.BodyA.ID, "/sitzungen/" + fx.Bodies.MeetingA.ID,
			"/gremienmitglieder/" + fx.Bodies.MemberA2.ID + "/entfernen", "/gremienmitglieder/" + fx.Bodies.MemberA2.ID,
			"/beschluesse/" + fx.Bodies.DecisionA.ID, "/beschluesse/" + fx.Bodies.DecisionA.ID + "/loeschen",
			"/gremien/kalender/erneuern", "/gremien/kalender/loeschen"} {
			sep := "?"
			if strings.Contains(p, "?") {
				sep = "&"
			}
			r := co.Get(p + sep + "lang=" + lang)
			if r.StatusCode != http.StatusOK {
				t.Errorf("%s %s: status %d", lang, p, r.StatusCode)
			}
			if m := raw.FindString(string(r.Body)); m != "" {
				t.Errorf("%s %s shows the raw id %q", lang, p, m)
			}
		}
		r := co.PostForm("/sitzungen/neu?lang="+lang, url.Values{"title": {""}})
		if m := raw.FindString(string(r.Body)); m != "" || r.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("%s: failed meeting form: %d %q", lang, r.StatusCode, m)
		}
	}
	var ids []string
	add := func(prefix string, codes ...string) {
		for _, code := range codes {
			ids = append(ids, prefix+code)
		}
	}
	add("steering.body_type.", steering.BodyTypes...)
	add("steering.member_role.", steering.BodyMemberRoles...)
	add("steering.meeting_status.", steering.MeetingStatuses...)
	add("steering.attendance.", steering.AttendanceStatuses...)
	add("steering.body.state_", "active", "inactive")
	for _, w := range []string{"upcoming", "past", "all"} {
		add("steering.meeting.", "when_"+w, "caption_"+w, "empty_"+w)
	}
	for _, id := range ids {
		for _, lang := range []string{"de", "en"} {
			if !c.Has(lang, id) {
				t.Errorf("%s: %s is missing", lang, id)
			}
		}
	}
}
