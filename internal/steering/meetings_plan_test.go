package steering_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"kim/internal/apptest"
	"kim/internal/platform/access"
	"kim/internal/platform/db"
	"kim/internal/platform/errs"
	"kim/internal/platform/ids"
	"kim/internal/steering"
)

// The form of a new meeting asks for the body first and then offers that body's themes only;
// ended bodies are neither offered nor accepted; preparing the form reads no member.
func TestNewMeetingChoosesTheBodyFirst(t *testing.T) {
	for _, e := range apptest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			env, fx, co := bodyEnv(t, e)
			ctx := context.Background()
			b := fx.Bodies
			mine := insertTheme(t, env, fx.TenantA.ID, "Mietschulden", b.BodyWorkA.ID)
			other := insertTheme(t, env, fx.TenantA.ID, "Sprachkurse ohne Kinderbetreuung")
			views := auditCount(t, env, "body.view")

			doc := co.Get("/sitzungen/neu").Doc(t)
			chooser := doc.Find("form[method=get][action='/sitzungen/neu']")
			if got := chooser.Find("select[name=gremium] option").Text(); !strings.Contains(got, "AG Wohnen Alpha") || !strings.Contains(got, "Lenkungsgruppe Alpha") {
				t.Errorf("bodies offered %q", got)
			}
			if doc.Find("input[name=agenda_title], select[name=agenda_theme], form[method=post][action='/sitzungen/neu']").Length() != 0 {
				t.Error("the meeting's form (with the tenant's themes) is shown before a body is chosen")
			}
			doc = co.Get("/sitzungen/neu?gremium=" + b.BodyWorkA.ID).Doc(t)
			themes := doc.Find("select[name=agenda_theme]").First().Find("option")
			if themes.Filter("[value='"+mine+"']").Length() != 1 || themes.Filter("[value='"+other+"']").Length() != 0 {
				t.Errorf("themes offered for the working group: %q", themes.Text())
			}
			if v, _ := doc.Find("form[method=post] input[name=body_id]").Attr("value"); v != b.BodyWorkA.ID {
				t.Errorf("the chosen body is not in the form: %q", v)
			}
			if n := auditCount(t, env, "body.view"); n != views {
				t.Errorf("preparing the form read the body's members (%d body.view entries, before %d)", n, views)
			}

			// An ended body: not offered, no meetings planned (form, page, service).
			coord := fx.Users[access.Coordinator].Actor("alpha")
			if _, err := env.App.Steering.UpdateBody(ctx, coord, b.BodyWorkA.ID, steering.BodyInput{Name: "AG Wohnen Alpha", Type: steering.BodyWorkingGroup,
				Active: false, Version: 1}); err != nil {
				t.Fatal(err)
			}
			if got := co.Get("/sitzungen/neu").Doc(t).Find("select[name=gremium] option").Text(); strings.Contains(got, "AG Wohnen") {
				t.Errorf("an ended body is offered: %q", got)
			}
			r := co.Get("/sitzungen/neu?gremium=" + b.BodyWorkA.ID)
			if got := bodyFieldMessage(t, r, "gremium"); !strings.Contains(got, "beendet") {
				t.Errorf("form for an ended body: %d %q", r.StatusCode, got)
			}
			r = co.PostForm("/sitzungen/neu", url.Values{"body_id": {b.BodyWorkA.ID}, "title": {"X"}, "date": {"2026-04-01"}, "start": {"10:00"}, "end": {"11:00"}})
			if got := bodyFieldMessage(t, r, "gremium"); r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(got, "beendet") {
				t.Errorf("planning in an ended body: %d %q", r.StatusCode, got)
			}
			_, err := env.App.Steering.CreateMeeting(ctx, coord, steering.MeetingInput{BodyID: b.BodyWorkA.ID, Title: "X", Date: "2026-04-01", Start: "10:00", End: "11:00"})
			if e := errs.As(err); e == nil || e.Fields["body_id"].ID != "steering.meeting.body_inactive" {
				t.Errorf("service: %v", err)
			}
			page := co.Get("/gremien/" + b.BodyWorkA.ID).Doc(t)
			if page.Find("a[href^='/sitzungen/neu']").Length() != 0 || !strings.Contains(page.Find("main").Text(), "keine Sitzungen mehr geplant") {
				t.Error("the page of an ended body offers to plan a meeting")
			}
			// Its past meeting can still be recorded.
			m, _ := env.App.Steering.GetMeeting(ctx, coord, b.MeetingWorkA.ID)
			wantStatus(t, co.PostForm("/sitzungen/"+m.ID, meetingForm(m, url.Values{"minutes": {"Nachgetragen."}})), http.StatusSeeOther, "minutes of an ended body")
		})
	}
}

// A save of a meeting changed meanwhile keeps the input with the stored version; saving again
// overwrites.
func TestMeetingConflictKeepsTheInput(t *testing.T) {
	for _, e := range apptest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			env, fx, co := bodyEnv(t, e)
			ctx := context.Background()
			coord := fx.Users[access.Coordinator].Actor("alpha")
			m, err := env.App.Steering.GetMeeting(ctx, coord, fx.Bodies.MeetingA.ID)
			if err != nil {
				t.Fatal(err)
			}
			path := "/sitzungen/" + m.ID
			wantStatus(t, co.PostForm(path, meetingForm(m, url.Values{"place": {"Rathaus, Raum 5"}})), http.StatusSeeOther, "the other save")
			mine := meetingForm(m, url.Values{"minutes": {"Mein ausführliches Protokoll.\n\nZweiter Absatz."}})
			r := co.PostForm(path, mine)
			wantStatus(t, r, http.StatusConflict, "stale save")
			if got := r.Doc(t).Find(".error-summary").Text(); !strings.Contains(got, "inzwischen") || !strings.Contains(got, "Eingaben") {
				t.Errorf("message %q", got)
			}
			if got := r.Doc(t).Find("dl.facts").Text(); !strings.Contains(got, "Raum 5") {
				t.Errorf("the stored state is not shown: %q", got)
			}
			v := formValues(t, r, path)
			if !strings.Contains(v.Get("minutes"), "Mein ausführliches Protokoll.") || v.Get("version") != "3" || v.Get("att_"+fx.Bodies.MemberA.ID) != "present" {
				t.Errorf("form after the conflict: minutes %q, version %q, attendance %q", v.Get("minutes"), v.Get("version"), v.Get("att_"+fx.Bodies.MemberA.ID))
			}
			wantStatus(t, co.PostForm(path, v), http.StatusSeeOther, "saving again")
			m, _ = env.App.Steering.GetMeeting(ctx, coord, m.ID)
			if !strings.HasPrefix(m.Minutes, "Mein ausführliches Protokoll.") || m.Version != 4 {
				t.Errorf("after saving again: %q version %d", m.Minutes, m.Version)
			}
		})
	}
}

// Times are German local time: the hour repeated when summer time ends is its first
// occurrence; a meeting ends on its day.
func TestMeetingTimesAtTheChangeOfTime(t *testing.T) {
	env, fx, co := bodyEnv(t, apptest.SQLite)
	coord := fx.Users[access.Coordinator].Actor("alpha")
	for _, c := range []struct {
		start, end string
		from, to   time.Time
	}{
		{"02:30", "03:30", time.Date(2026, 10, 25, 0, 30, 0, 0, time.UTC), time.Date(2026, 10, 25, 2, 30, 0, 0, time.UTC)},
		{"02:00", "02:45", time.Date(2026, 10, 25, 0, 0, 0, 0, time.UTC), time.Date(2026, 10, 25, 0, 45, 0, 0, time.UTC)},
		{"01:30", "02:15", time.Date(2026, 10, 24, 23, 30, 0, 0, time.UTC), time.Date(2026, 10, 25, 0, 15, 0, 0, time.UTC)},
	} {
		for i := 0; i < 5; i++ { // the same answer every time
			m, err := env.App.Steering.CreateMeeting(context.Background(), coord, steering.MeetingInput{BodyID: fx.Bodies.BodyA.ID, Title: "Nachtsitzung",
				Date: "2026-10-25", Start: c.start, End: c.end})
			if err != nil || !m.StartsAt.Equal(c.from) || !m.EndsAt.Equal(c.to) {
				t.Fatalf("%s–%s: %v – %v (%v), want %v – %v", c.start, c.end, m.StartsAt, m.EndsAt, err, c.from, c.to)
			}
		}
	}
	r := co.PostForm("/sitzungen/neu", url.Values{"body_id": {fx.Bodies.BodyA.ID}, "title": {"Lange Nacht"}, "date": {"2026-04-01"}, "start": {"20:00"}, "end": {"01:00"}})
	if got := bodyFieldMessage(t, r, "end"); !strings.Contains(got, "Mitternacht") {
		t.Errorf("a meeting past midnight: %d %q", r.StatusCode, got)
	}
}

// Decisions are corrected and deleted (with a confirmation); the numbers close up; a decision
// recorded with a recommendation stays.
func TestDecisionsCanBeCorrectedAndDeleted(t *testing.T) {
	for _, e := range apptest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			env, fx, co := bodyEnv(t, e)
			ctx := context.Background()
			b := fx.Bodies
			s := env.App.Steering
			coord := fx.Users[access.Coordinator].Actor("alpha")
			var added []string
			for _, text := range []string{"Zweiter Beschluss", "Dritter Beschluss", "Vierter Beschluss"} {
				d, err := s.AddMeetingDecision(ctx, coord, b.MeetingA.ID, steering.MeetingDecisionInput{Text: text})
				if err != nil {
					t.Fatal(err)
				}
				added = append(added, d.ID)
			}
			theme := insertTheme(t, env, fx.TenantA.ID, "Kita-Plätze")
			rec := ids.New()
			var linked string
			err := env.DB().Write(ctx, func(tx *db.Tx) (err error) {
				if _, err := tx.ExecContext(ctx, `INSERT INTO recommendations (tenant_id, id, theme_id, body_id, title, text, status, created_by, created_at, updated_at)
					VALUES ($1, $2, $3, $4, 'Kita-Plätze sichern', 'Text', 'adopted', 'test', $5, $5)`, fx.TenantA.ID, rec, theme, b.BodyA.ID, tx.Now); err != nil {
					return err
				}
				linked, err = steering.RecordMeetingDecision(ctx, tx, fx.TenantA.ID, b.MeetingA.ID, "Die Empfehlung wird angenommen.", theme, rec)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			page := co.Get("/sitzungen/" + b.MeetingA.ID).Doc(t)
			if page.Find("a[href='/beschluesse/"+added[0]+"/loeschen']").Length() != 1 || page.Find("a[href='/beschluesse/"+linked+"/loeschen']").Length() != 0 ||
				page.Find("a[href='/beschluesse/"+linked+"']").Length() != 1 {
				t.Error("the meeting's page does not offer the right corrections")
			}

			// Correcting: text required, a theme the body may name, audited.
			path := "/beschluesse/" + added[0]
			r := co.Get(path)
			wantStatus(t, r, http.StatusOK, "edit form")
			if v := formValues(t, r, path); strings.TrimSpace(v.Get("text")) != "Zweiter Beschluss" {
				t.Errorf("form %v", v)
			}
			r = co.PostForm(path, url.Values{"text": {" "}})
			if got := bodyFieldMessage(t, r, "text"); r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(got, "füllen Sie") {
				t.Errorf("empty text: %d %q", r.StatusCode, got)
			}
			r = co.PostForm(path, url.Values{"text": {"Zweiter Beschluss, berichtigt"}, "theme_id": {insertTheme(t, env, fx.TenantB.ID, "Fremd")}})
			if got := bodyFieldMessage(t, r, "theme_id"); !strings.Contains(got, "gehört nicht") {
				t.Errorf("foreign theme: %d %q", r.StatusCode, got)
			}
			r = co.PostForm(path, url.Values{"text": {"Zweiter Beschluss, berichtigt"}, "theme_id": {theme}})
			wantStatus(t, r, http.StatusSeeOther, "correct")
			// A linked decision keeps its theme.
			wantStatus(t, co.PostForm("/beschluesse/"+linked, url.Values{"text": {"Die Empfehlung wird einstimmig angenommen."}, "theme_id": {""}}),
				http.StatusSeeOther, "correct the linked one")

			// Deleting: a confirmation, then the numbers close up.
			del := "/beschluesse/" + added[1] + "/loeschen"
			r = co.Get(del)
			wantStatus(t, r, http.StatusOK, "confirmation")
			if doc := r.Doc(t); !strings.Contains(doc.Find("main").Text(), "Dritter Beschluss") || doc.Find("form[method=post][action='"+del+"']").Length() != 1 {
				t.Error("the confirmation does not name the decision or has no form")
			}
			wantStatus(t, co.PostForm(del, nil), http.StatusSeeOther, "delete")
			wantStatus(t, co.PostForm(del, nil), http.StatusNotFound, "delete twice")
			wantStatus(t, co.Get("/beschluesse/"+linked+"/loeschen"), http.StatusConflict, "confirmation of the linked one")
			wantStatus(t, co.PostForm("/beschluesse/"+linked+"/loeschen", nil), http.StatusConflict, "delete the linked one")
			m, err := s.GetMeeting(ctx, coord, b.MeetingA.ID)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for i, d := range m.Decisions {
				if d.Position != i+1 {
					t.Errorf("decision %q has number %d, want %d", d.Text, d.Position, i+1)
				}
				got = append(got, d.Text)
			}
			want := []string{"Die AG Sprache erarbeitet bis Juni einen Vorschlag.", "Zweiter Beschluss, berichtigt", "Vierter Beschluss",
				"Die Empfehlung wird einstimmig angenommen."}
			if strings.Join(got, "|") != strings.Join(want, "|") {
				t.Errorf("decisions %q", got)
			}
			if m.Decisions[1].ThemeID != theme || m.Decisions[3].ThemeID != theme || m.Decisions[3].RecommendationID != rec {
				t.Errorf("references %+v", m.Decisions)
			}
			// The next decision takes the next number.
			d, err := s.AddMeetingDecision(ctx, coord, b.MeetingA.ID, steering.MeetingDecisionInput{Text: "Fünfter"})
			if err != nil || d.Position != 5 {
				t.Errorf("next decision %+v %v", d, err)
			}
			for action, n := range map[string]int{"meeting.decision_update": 2, "meeting.decision_delete": 1} {
				if got := auditCount(t, env, action); got != n {
					t.Errorf("%s: %d audit entries, want %d", action, got, n)
				}
			}
			bm := env.Client()
			bm.Login(access.BodyMember)
			wantStatus(t, bm.Get(path), http.StatusForbidden, "body member")
			wantStatus(t, bm.PostForm("/beschluesse/"+added[2]+"/loeschen", nil), http.StatusForbidden, "body member deletes")
		})
	}
}

// Decisions recorded at the same time in one meeting take consecutive numbers, and calendar
// addresses requested at the same time all succeed (PostgreSQL runs them in parallel).
func TestParallelDecisionsAndCalendarRequests(t *testing.T) {
	for _, e := range apptest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			env, fx, _ := bodyEnv(t, e)
			ctx := context.Background()
			s := env.App.Steering
			coord := fx.Users[access.Coordinator].Actor("alpha")
			const n = 8
			var wg sync.WaitGroup
			errc := make(chan error, 2*n)
			for i := 0; i < n; i++ {
				wg.Add(2)
				go func() {
					defer wg.Done()
					_, err := s.AddMeetingDecision(ctx, coord, fx.Bodies.MeetingA.ID, steering.MeetingDecisionInput{Text: "Gleichzeitig"})
					errc <- err
				}()
				go func() {
					defer wg.Done()
					_, err := s.RenewCalendarFeed(ctx, coord)
					errc <- err
				}()
			}
			wg.Wait()
			close(errc)
			for err := range errc {
				if err != nil {
					t.Errorf("parallel call: %v", err)
				}
			}
			m, err := s.GetMeeting(ctx, coord, fx.Bodies.MeetingA.ID)
			if err != nil {
				t.Fatal(err)
			}
			for i, d := range m.Decisions {
				if d.Position != i+1 {
					t.Errorf("decision %d has number %d", i+1, d.Position)
				}
			}
			if len(m.Decisions) != n+1 {
				t.Errorf("%d decisions", len(m.Decisions))
			}
			var feeds int
			err = env.DB().Read(ctx, func(tx *db.Tx) error {
				return tx.QueryRowContext(ctx, "SELECT count(*) FROM calendar_feeds WHERE user_id = $1", coord.UserID).Scan(&feeds)
			})
			if err != nil || feeds != 1 {
				t.Errorf("%d feeds (%v)", feeds, err)
			}
		})
	}
}
