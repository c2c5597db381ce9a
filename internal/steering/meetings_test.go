package steering_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"kim/internal/apptest"
	"kim/internal/platform/access"
	"kim/internal/platform/db"
	"kim/internal/platform/errs"
	"kim/internal/platform/ids"
	"kim/internal/steering"
)

// apptestMeeting plans a meeting through the form and returns its id.
func apptestMeeting(t *testing.T, co *apptest.Client, bodyID, date, start, end string, agenda ...string) (string, error) {
	t.Helper()
	v := url.Values{"body_id": {bodyID}, "title": {"Sitzung " + date}, "date": {date}, "start": {start}, "end": {end}, "place": {"Rathaus, Raum 1"}}
	for _, a := range agenda {
		v.Add("agenda_title", a)
		v.Add("agenda_theme", "")
	}
	r := co.PostForm("/sitzungen/neu", v)
	if r.StatusCode != http.StatusSeeOther {
		return "", fmt.Errorf("new meeting: status %d\n%s", r.StatusCode, r.Body)
	}
	return strings.TrimPrefix(r.Location(), "/sitzungen/"), nil
}

// insertTheme stores a theme (the themes room's table) and assigns it to the bodies.
func insertTheme(t *testing.T, env *apptest.Env, tenantID, title string, bodies ...string) string {
	t.Helper()
	id := ids.New()
	ctx := context.Background()
	err := env.DB().Write(ctx, func(tx *db.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO themes (tenant_id, id, title, created_by, created_at, updated_at) VALUES ($1, $2, $3, 'test', $4, $4)`,
			tenantID, id, title, tx.Now); err != nil {
			return err
		}
		for _, b := range bodies {
			if _, err := tx.ExecContext(ctx, `INSERT INTO theme_bodies (tenant_id, theme_id, body_id, assigned_at) VALUES ($1, $2, $3, $4)`,
				tenantID, id, b, tx.Now); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// meetingForm is the edit form of a meeting with its current values, changed by set.
func meetingForm(m *steering.Meeting, set url.Values) url.Values {
	start, end := m.StartsAt.In(berlin), m.EndsAt.In(berlin)
	v := url.Values{"title": {m.Title}, "date": {start.Format("2006-01-02")}, "start": {start.Format("15:04")}, "end": {end.Format("15:04")},
		"place": {m.Place}, "status": {m.Status}, "minutes": {m.Minutes}, "version": {fmt.Sprint(m.Version)}}
	for _, a := range m.Agenda {
		v.Add("agenda_title", a.Title)
		v.Add("agenda_theme", a.ThemeID)
	}
	for _, a := range m.Attendance {
		if a.AttendanceStatus != "" {
			v.Set("att_"+a.ID, a.AttendanceStatus)
		}
	}
	for k, vs := range set {
		v[k] = vs
	}
	return v
}

var berlin = func() *time.Location {
	l, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		panic(err)
	}
	return l
}()

func TestMeetingFormValidatesTimesAndReferences(t *testing.T) {
	for _, e := range apptest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			env, fx, co := bodyEnv(t, e)
			work := fx.Bodies.BodyWorkA.ID
			other := insertTheme(t, env, fx.TenantA.ID, "Wohnungssuche")   // assigned to no body
			own := insertTheme(t, env, fx.TenantA.ID, "Kita-Plätze", work) // assigned to the working group
			beta := insertTheme(t, env, fx.TenantB.ID, "Beta-Thema")       // another tenant's
			base := url.Values{"body_id": {work}, "title": {"Sitzung"}, "date": {"2026-03-24"}, "start": {"14:00"}, "end": {"16:00"}}
			with := func(kv ...string) url.Values {
				v := url.Values{}
				for k, vs := range base {
					v[k] = vs
				}
				for i := 0; i+1 < len(kv); i += 2 {
					v.Set(kv[i], kv[i+1])
				}
				return v
			}
			cases := []struct {
				what  string
				form  url.Values
				field string
				msg   string
			}{
				// Without a usable body the form comes back as the choice of the body.
				{"no body", with("body_id", ""), "gremium", "füllen Sie"},
				{"another tenant's body", with("body_id", fx.Bodies.BodyB.ID), "gremium", "existiert nicht"},
				{"no title", with("title", " "), "title", "füllen Sie"},
				{"no date", with("date", ""), "date", "füllen Sie"},
				{"bad date", with("date", "2026-02-30"), "date", "gültiges Datum"},
				{"bad start", with("start", "25:00"), "start", "Uhrzeit wie 14:00"},
				{"bad end", with("end", "14:7"), "end", "Uhrzeit wie 14:00"},
				{"end before start", with("end", "13:59"), "end", "nach dem Beginn"},
				{"end equals start", with("end", "14:00"), "end", "nach dem Beginn"},
				{"hour skipped by summer time", with("date", "2026-03-29", "start", "02:30", "end", "04:00"), "start", "Sommerzeit"},
				{"theme of no body", with("agenda_title", "Punkt", "agenda_theme", other), "agenda", "Punkt 1: Das gewählte Thema gehört nicht"},
				{"another tenant's theme", with("agenda_title", "Punkt", "agenda_theme", beta), "agenda", "gehört nicht"},
				{"garbage theme", with("agenda_title", "Punkt", "agenda_theme", "kein-uuid"), "agenda", "gehört nicht"},
			}
			for _, c := range cases {
				r := co.PostForm("/sitzungen/neu", c.form)
				if r.StatusCode != http.StatusUnprocessableEntity {
					t.Errorf("%s: status %d", c.what, r.StatusCode)
					continue
				}
				if got := bodyFieldMessage(t, r, c.field); !strings.Contains(got, c.msg) {
					t.Errorf("%s: %s says %q, want %q", c.what, c.field, got, c.msg)
				}
			}
			// The form offers three empty agenda rows beyond the items it has.
			if n := co.Get("/sitzungen/neu?gremium=" + work).Doc(t).Find("input[name=agenda_title]").Length(); n != 3 {
				t.Errorf("new meeting form: %d agenda rows", n)
			}
			if n := co.Get("/sitzungen/" + fx.Bodies.MeetingA.ID).Doc(t).Find("input[name=agenda_title]").Length(); n != 5 {
				t.Errorf("meeting with two items: %d agenda rows", n)
			}
			many := with()
			for i := 0; i < 31; i++ {
				many.Add("agenda_title", fmt.Sprintf("Punkt %d", i))
			}
			if r := co.PostForm("/sitzungen/neu", many); !strings.Contains(bodyFieldMessage(t, r, "agenda"), "höchstens 30") {
				t.Errorf("31 agenda items: %d %q", r.StatusCode, bodyFieldMessage(t, r, "agenda"))
			}

			// A valid meeting: times are Europe/Berlin (CET before 29 March, CEST after), an item
			// without a title takes its theme's, empty rows are dropped.
			v := with("start", "14.30", "end", "16 Uhr")
			v["agenda_title"] = []string{"Begrüßung", "", "", ""}
			v["agenda_theme"] = []string{"", own, "", ""}
			r := co.PostForm("/sitzungen/neu", v)
			wantStatus(t, r, http.StatusSeeOther, "create")
			actor := fx.Users[access.Coordinator].Actor("alpha")
			m, err := env.App.Steering.GetMeeting(context.Background(), actor, strings.TrimPrefix(r.Location(), "/sitzungen/"))
			if err != nil {
				t.Fatal(err)
			}
			if !m.StartsAt.Equal(time.Date(2026, 3, 24, 13, 30, 0, 0, time.UTC)) || !m.EndsAt.Equal(time.Date(2026, 3, 24, 15, 0, 0, 0, time.UTC)) {
				t.Errorf("times %v – %v", m.StartsAt, m.EndsAt)
			}
			if m.Status != steering.MeetingPlanned || len(m.Agenda) != 2 || m.Agenda[1].Title != "Kita-Plätze" || m.Agenda[1].ThemeID != own {
				t.Errorf("meeting %+v agenda %+v", m, m.Agenda)
			}
			in := steering.MeetingInput{BodyID: work, Title: "Sommer", Date: "2026-07-07", Start: "09:00", End: "10:00"}
			s, err := env.App.Steering.CreateMeeting(context.Background(), actor, in)
			if err != nil || !s.StartsAt.Equal(time.Date(2026, 7, 7, 7, 0, 0, 0, time.UTC)) {
				t.Errorf("summer time: %v %v", s, err)
			}
			// The page shows the Berlin time and links the theme.
			page := co.Get("/sitzungen/" + m.ID)
			doc := page.Doc(t)
			if got := doc.Find("dl.facts").Text(); !strings.Contains(got, "24.03.2026") || !strings.Contains(got, "14:30–16:00 Uhr") {
				t.Errorf("facts %q", got)
			}
			if doc.Find("a[href='/themen/"+own+"']").Length() == 0 {
				t.Error("the agenda's theme is not linked")
			}
			// A theme taken from the body since stays on the agenda when the meeting is saved.
			err = env.DB().Write(context.Background(), func(tx *db.Tx) error {
				_, err := tx.ExecContext(context.Background(), "DELETE FROM theme_bodies WHERE theme_id = $1", own)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			page = co.Get("/sitzungen/" + m.ID)
			if page.Doc(t).Find("select[name=agenda_theme] option[value='"+own+"'][selected]").Length() != 1 {
				t.Error("the agenda's theme is not offered in the edit form any more")
			}
			wantStatus(t, co.PostForm("/sitzungen/"+m.ID, meetingForm(m, url.Values{"place": {"Raum 3"}})), http.StatusSeeOther, "save with a former theme")
			// A steering group may name any theme of the tenant.
			r = co.PostForm("/sitzungen/neu", url.Values{"body_id": {fx.Bodies.BodyA.ID}, "title": {"LG"}, "date": {"2026-04-01"}, "start": {"10:00"},
				"end": {"12:00"}, "agenda_title": {""}, "agenda_theme": {other}})
			wantStatus(t, r, http.StatusSeeOther, "steering group with any theme")
		})
	}
}

func TestMeetingStatusAttendanceAndDecisions(t *testing.T) {
	for _, e := range apptest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			env, fx, co := bodyEnv(t, e)
			ctx := context.Background()
			actor := fx.Users[access.Coordinator].Actor("alpha")
			b := fx.Bodies
			m, err := env.App.Steering.GetMeeting(ctx, actor, b.MeetingA.ID)
			if err != nil {
				t.Fatal(err)
			}
			path := "/sitzungen/" + m.ID
			// Unknown and foreign members in the attendance are refused.
			for _, member := range []string{ids.New(), b.MemberB.ID, "kein-uuid"} {
				r := co.PostForm(path, meetingForm(m, url.Values{"att_" + member: {"present"}}))
				if got := bodyFieldMessage(t, r, "attendance"); r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(got, "nicht Mitglied") {
					t.Errorf("attendance of %s: %d %q", member, r.StatusCode, got)
				}
			}
			r := co.PostForm(path, meetingForm(m, url.Values{"att_" + b.MemberA.ID: {"vielleicht"}}))
			wantStatus(t, r, http.StatusUnprocessableEntity, "bad attendance status")
			// Represented by the deputy; minutes kept with their paragraphs.
			r = co.PostForm(path, meetingForm(m, url.Values{"att_" + b.MemberA.ID: {"deputy"}, "att_" + b.MemberA2.ID: {""},
				"minutes": {"Erster Absatz.\r\n\r\nZweiter Absatz mit Umlauten: äöü."}}))
			wantStatus(t, r, http.StatusSeeOther, "attendance")
			if m, err = env.App.Steering.GetMeeting(ctx, actor, m.ID); err != nil {
				t.Fatal(err)
			}
			for _, a := range m.Attendance {
				want := map[string]string{b.MemberA.ID: "deputy", b.MemberA2.ID: ""}[a.ID]
				if a.AttendanceStatus != want {
					t.Errorf("%s: attendance %q, want %q", a.PersonName, a.AttendanceStatus, want)
				}
			}
			page := co.Get(path).Doc(t)
			if got := page.Find("section[aria-labelledby=attendance-title] tbody").Text(); !strings.Contains(got, "vertreten durch Vera Vertretung") ||
				!strings.Contains(got, "nicht erfasst") {
				t.Errorf("attendance table %q", got)
			}
			if got := page.Find("section[aria-labelledby=minutes-title] p"); got.Length() != 2 {
				t.Errorf("minutes paragraphs: %d", got.Length())
			}
			// A held meeting cannot lie in the future; a stale version is a conflict.
			future, err := apptestMeeting(t, co, b.BodyA.ID, "2026-03-20", "10:00", "12:00", "Haushalt")
			if err != nil {
				t.Fatal(err)
			}
			fm, _ := env.App.Steering.GetMeeting(ctx, actor, future)
			r = co.PostForm("/sitzungen/"+future, meetingForm(fm, url.Values{"status": {"held"}}))
			if got := bodyFieldMessage(t, r, "status"); !strings.Contains(got, "noch nicht begonnen") {
				t.Errorf("held in the future: %d %q", r.StatusCode, got)
			}
			r = co.PostForm("/sitzungen/"+future, meetingForm(fm, url.Values{"status": {"cancelled"}, "version": {"99"}}))
			wantStatus(t, r, http.StatusConflict, "stale version")

			// Decisions: text required, only once the meeting has begun, not in a cancelled one,
			// a theme the body may name.
			dpath := path + "/beschluesse"
			r = co.PostForm(dpath, url.Values{"text": {"  "}})
			if got := bodyFieldMessage(t, r, "text"); r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(got, "füllen Sie") {
				t.Errorf("empty decision: %d %q", r.StatusCode, got)
			}
			r = co.PostForm("/sitzungen/"+future+"/beschluesse", url.Values{"text": {"Vorab beschlossen"}})
			if got := bodyFieldMessage(t, r, "text"); !strings.Contains(got, "ab Beginn") {
				t.Errorf("decision before the meeting: %d %q", r.StatusCode, got)
			}
			theme := insertTheme(t, env, fx.TenantA.ID, "Sprachkurse mit Kinderbetreuung")
			betaTheme := insertTheme(t, env, fx.TenantB.ID, "Fremdes Thema")
			r = co.PostForm(dpath, url.Values{"text": {"X"}, "theme_id": {betaTheme}})
			if got := bodyFieldMessage(t, r, "theme_id"); !strings.Contains(got, "gehört nicht") {
				t.Errorf("foreign theme: %d %q", r.StatusCode, got)
			}
			r = co.PostForm(dpath, url.Values{"text": {"Die Lenkungsgruppe beauftragt die AG Sprache, bis Juni Vorschläge zu erarbeiten."}, "theme_id": {theme}})
			wantStatus(t, r, http.StatusSeeOther, "decision")
			// A recommendation's decision (recorded by the recommendations work) links to it.
			rec := ids.New()
			err = env.DB().Write(ctx, func(tx *db.Tx) error {
				if _, err := tx.ExecContext(ctx, `INSERT INTO recommendations (tenant_id, id, theme_id, body_id, title, text, status, created_by, created_at, updated_at)
					VALUES ($1, $2, $3, $4, 'Kinderbetreuung in Sprachkursen', 'Text', 'adopted', 'test', $5, $5)`, fx.TenantA.ID, rec, theme, b.BodyWorkA.ID, tx.Now); err != nil {
					return err
				}
				_, err := steering.RecordMeetingDecision(ctx, tx, fx.TenantA.ID, m.ID, "Die Empfehlung wird angenommen.", theme, rec)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			doc := co.Get(path).Doc(t)
			items := doc.Find("#beschluesse ol > li")
			if items.Length() != 3 {
				t.Fatalf("%d decisions: %q", items.Length(), items.Text())
			}
			if !strings.Contains(items.Eq(1).Text(), "beauftragt die AG Sprache") || items.Eq(1).Find("a[href='/themen/"+theme+"']").Length() != 1 {
				t.Errorf("second decision %q", items.Eq(1).Text())
			}
			if link := items.Eq(2).Find("a[href='/empfehlungen/" + rec + "']"); link.Text() != "Kinderbetreuung in Sprachkursen" {
				t.Errorf("recommendation link %q", link.Text())
			}
			// Cancelled: no decisions.
			fm, _ = env.App.Steering.GetMeeting(ctx, actor, future)
			wantStatus(t, co.PostForm("/sitzungen/"+future, meetingForm(fm, url.Values{"status": {"cancelled"}})), http.StatusSeeOther, "cancel")
			env.Clock.Advance(30 * 24 * time.Hour)
			_, err = env.App.Steering.AddMeetingDecision(ctx, actor, future, steering.MeetingDecisionInput{Text: "Trotzdem"})
			if e := errs.As(err); e == nil || e.Fields["text"].ID != "steering.meeting.decision_cancelled" {
				t.Errorf("decision in a cancelled meeting: %v", err)
			}
			if n := auditCount(t, env, "meeting.decision_add"); n != 2 { // the fixture's and this one
				t.Errorf("%d decision audit entries", n)
			}
		})
	}
}

func TestMeetingListAndAccess(t *testing.T) {
	for _, e := range apptest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			env, fx, co := bodyEnv(t, e)
			b := fx.Bodies
			upcoming, err := apptestMeeting(t, co, b.BodyA.ID, "2026-03-12", "10:00", "12:00")
			if err != nil {
				t.Fatal(err)
			}
			work, err := apptestMeeting(t, co, b.BodyWorkA.ID, "2026-03-13", "10:00", "12:00")
			if err != nil {
				t.Fatal(err)
			}
			bm := env.Client()
			bm.Login(access.BodyMember)
			r := bm.Get("/sitzungen")
			wantStatus(t, r, http.StatusOK, "list")
			if got := r.Doc(t).Find("tbody").Text(); !strings.Contains(got, "12.03.2026") || strings.Contains(got, "16.02.2026") || strings.Contains(got, "Beta") {
				t.Errorf("upcoming: %q", got)
			}
			r = bm.Get("/sitzungen?when=past")
			if got := r.Doc(t).Find("tbody").Text(); !strings.Contains(got, "16.02.2026") || strings.Contains(got, "12.03.2026") {
				t.Errorf("past: %q", got)
			}
			r = bm.Get("/sitzungen?when=all&gremium=" + b.BodyA.ID)
			if got := r.Doc(t).Find("tbody").Text(); !strings.Contains(got, "16.02.2026") || !strings.Contains(got, "12.03.2026") {
				t.Errorf("filtered by body: %q", got)
			}
			r = co.Get("/sitzungen?when=past&gremium=" + b.BodyA.ID)
			if got := r.Doc(t).Find("tbody").Text(); !strings.Contains(got, "16.02.2026") || strings.Contains(got, "Auftakt") {
				t.Errorf("coordinator, past of BodyA: %q", got)
			}
			r = co.Get("/sitzungen?when=upcoming&gremium=" + b.BodyA.ID)
			wantStatus(t, r, http.StatusOK, "upcoming of BodyA")
			r = bm.Get("/sitzungen/" + upcoming)
			wantStatus(t, r, http.StatusOK, "body member reads a meeting")
			if r.Doc(t).Find("main form[method=post]").Length() != 0 || r.Doc(t).Find("a[href^='/beschluesse/']").Length() != 0 {
				t.Error("a body member sees forms to change the meeting")
			}
			wantStatus(t, bm.PostForm("/sitzungen/"+upcoming+"/beschluesse", url.Values{"text": {"X"}}), http.StatusForbidden, "body member decides")
			wantStatus(t, bm.Get("/sitzungen/neu"), http.StatusForbidden, "body member plans")
			wantStatus(t, bm.Get("/sitzungen/"+b.MeetingB.ID), http.StatusNotFound, "other tenant's meeting")
			wantStatus(t, co.Get("/sitzungen/neu?gremium="+b.BodyB.ID), http.StatusNotFound, "new meeting for beta's body")
			// A body member reads the meetings of the own bodies only: the working group's are
			// neither listed nor reachable (page, calendar entry, minutes).
			for _, p := range []string{"/sitzungen?when=all", "/sitzungen?when=all&gremium=" + b.BodyWorkA.ID} {
				if got := bm.Get(p).Doc(t).Find("main").Text(); strings.Contains(got, "13.03.2026") || strings.Contains(got, "Auftakt AG Wohnen") {
					t.Errorf("%s shows the working group's meetings: %q", p, got)
				}
			}
			if got := bm.Get("/sitzungen").Doc(t).Find("select[name=gremium] option").Text(); strings.Contains(got, "AG Wohnen") || !strings.Contains(got, "Lenkungsgruppe Alpha") {
				t.Errorf("body choices of a body member: %q", got)
			}
			for _, id := range []string{work, b.MeetingWorkA.ID} {
				for _, p := range []string{"", "/termin.ics", "/protokoll.pdf"} {
					wantStatus(t, bm.Get("/sitzungen/"+id+p), http.StatusNotFound, "body member, other body's meeting "+p)
				}
			}
			lead := env.Client()
			lead.Login(access.TeamLead)
			wantStatus(t, lead.Get("/sitzungen/"+b.MeetingA.ID), http.StatusOK, "team lead reads")
			wantStatus(t, lead.Get("/sitzungen/"+work), http.StatusOK, "team lead reads any body's meeting")
		})
	}
}
