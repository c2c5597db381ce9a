package steering_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"kim/internal/apptest"
	"kim/internal/platform/access"
	"kim/internal/platform/db"
	"kim/internal/platform/errs"
	"kim/internal/platform/ids"
	"kim/internal/steering"
)

// Helpers of the theme, recommendation and loop tests (prefixed tt, so that they do not clash
// with the other tests of the room).

// ttSetup starts an instance with the fixtures and a browser per role.
func ttSetup(t *testing.T, e apptest.Engine) (*apptest.Env, *apptest.Fixtures, map[access.Role]*apptest.Client) {
	t.Helper()
	env := apptest.New(t, e, apptest.Options{})
	fx := env.Seed()
	clients := map[access.Role]*apptest.Client{}
	for _, r := range []access.Role{access.CaseManager, access.TeamLead, access.Coordinator, access.BodyMember, access.NaturalisationClerk, access.TenantAdmin} {
		c := env.Client()
		c.Login(r)
		clients[r] = c
	}
	return env, fx, clients
}

// ttText returns the visible text of a page with white space collapsed.
func ttText(t *testing.T, r *apptest.Response) string {
	t.Helper()
	return strings.Join(strings.Fields(r.Doc(t).Find("main").Text()), " ")
}

// ttErrors returns the text of the error summary.
func ttErrors(t *testing.T, r *apptest.Response) string {
	t.Helper()
	return strings.Join(strings.Fields(r.Doc(t).Find(".error-summary").Text()), " ")
}

// ttOne reads one value from the database.
func ttOne[T any](t *testing.T, env *apptest.Env, q string, args ...any) T {
	t.Helper()
	var v T
	err := env.DB().Read(context.Background(), func(tx *db.Tx) error { return tx.QueryRowContext(context.Background(), q, args...).Scan(&v) })
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return v
}

// ttReport files a barrier report from case A1 as the case-manager fixture.
func ttReport(t *testing.T, env *apptest.Env, fx *apptest.Fixtures, typ, text string) string {
	t.Helper()
	r, err := env.App.Steering.FileReport(context.Background(), fx.Users[access.CaseManager].Actor("alpha"), fx.CaseA1.ID,
		steering.ReportInput{LifeDomain: "language", Type: typ, Description: text})
	if err != nil {
		t.Fatal(err)
	}
	return r.ID
}

func ttStatus(t *testing.T, r *apptest.Response, want int, what string) {
	t.Helper()
	if r.StatusCode != want {
		t.Fatalf("%s: status %d, want %d\n%s", what, r.StatusCode, want, ttShort(string(r.Body)))
	}
}

func ttShort(s string) string {
	if i := strings.Index(s, "<main"); i >= 0 {
		s = s[i:]
	}
	if len(s) > 3000 {
		return s[:3000]
	}
	return s
}

func TestMergeReportsIntoThemes(t *testing.T) {
	for _, e := range apptest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			env, fx, c := ttSetup(t, e)
			co := c[access.Coordinator]
			r1 := ttReport(t, env, fx, "waiting_time", "Termine bei der Ausländerbehörde erst nach drei Monaten.")
			r2 := fx.Barriers.ReportA2.ID

			// The page shows the selected reports without any case data.
			page := co.Get("/themen/zusammenfuehren?bericht=" + r1 + "&bericht=" + r2)
			ttStatus(t, page, http.StatusOK, "merge page")
			text := ttText(t, page)
			for _, want := range []string{"Termine bei der Ausländerbehörde", "Aufenthaltstiteln", "Alpha Wohlfahrt"} {
				if !strings.Contains(text, want) {
					t.Errorf("merge page lacks %q: %s", want, text)
				}
			}
			for _, name := range []string{"Alpha-Klient", "Samir", "Traeger-Klientin", "Olena"} {
				if strings.Contains(string(page.Body), name) {
					t.Errorf("merge page shows the client name %q", name)
				}
			}

			// A new theme: the reports are assigned in the same transaction, the creation is an event.
			r := co.PostForm("/themen/zusammenfuehren", url.Values{"bericht": {r1, r2}, "mode": {"new"}, "title": {"Lange Wartezeiten bei der Ausländerbehörde"},
				"description": {"Termine und Verlängerungen dauern Monate."}, "life_domain": {"residence"}})
			ttStatus(t, r, http.StatusSeeOther, "merge into a new theme")
			themeID := strings.TrimPrefix(r.Location(), "/themen/")
			if !ids.Valid(themeID) {
				t.Fatalf("redirect to %q", r.Location())
			}
			for _, rep := range []string{r1, r2} {
				if st := ttOne[string](t, env, "SELECT status FROM barrier_reports WHERE id = $1", rep); st != "assigned" {
					t.Errorf("report %s: status %q, want assigned", rep, st)
				}
			}
			if n := ttOne[int](t, env, "SELECT COUNT(*) FROM theme_reports WHERE theme_id = $1", themeID); n != 2 {
				t.Errorf("%d reports in the theme, want 2", n)
			}
			// Each report's own audit history shows the merge.
			for _, rep := range []string{r1, r2} {
				if n := ttOne[int](t, env, "SELECT COUNT(*) FROM audit_log WHERE action = 'barrier_report.assign' AND object_id = $1", rep); n != 1 {
					t.Errorf("report %s: %d assign entries in the audit trail, want 1", rep, n)
				}
			}
			if to := ttOne[string](t, env, "SELECT to_status FROM theme_events WHERE theme_id = $1 AND from_status = ''", themeID); to != "candidate" {
				t.Errorf("creation event to %q", to)
			}

			// A report already in a theme is refused with a clear message, and nothing changes.
			r3 := ttReport(t, env, fx, "information_gap", "Niemand erklärt, welche Stelle für den Antrag zuständig ist.")
			r = co.PostForm("/themen/zusammenfuehren", url.Values{"bericht": {r3, r1}, "mode": {"existing"}, "theme_id": {fx.Themes.ThemeA.ID}})
			ttStatus(t, r, http.StatusUnprocessableEntity, "merge a report of another theme")
			if msg := ttErrors(t, r); !strings.Contains(msg, "gehört schon zum Thema „Lange Wartezeiten bei der Ausländerbehörde“") {
				t.Errorf("message %q", msg)
			}
			if n := ttOne[int](t, env, "SELECT COUNT(*) FROM theme_reports WHERE report_id = $1", r3); n != 0 {
				t.Errorf("the refused merge stored report r3")
			}

			// Into an existing open theme.
			r = co.PostForm("/themen/zusammenfuehren", url.Values{"bericht": {r3}, "mode": {"existing"}, "theme_id": {fx.Themes.ThemeA.ID}})
			ttStatus(t, r, http.StatusSeeOther, "merge into an existing theme")
			if got := ttOne[string](t, env, "SELECT CAST(theme_id AS TEXT) FROM theme_reports WHERE report_id = $1", r3); got != fx.Themes.ThemeA.ID {
				t.Errorf("report r3 went to %s", got)
			}

			// Another tenant's report is not revealed: 404 on the page and on the post.
			ttStatus(t, co.Get("/themen/zusammenfuehren?bericht="+fx.Barriers.ReportB1.ID), http.StatusNotFound, "page with a report of beta")
			ttStatus(t, co.PostForm("/themen/zusammenfuehren", url.Values{"bericht": {fx.Barriers.ReportB1.ID}, "mode": {"new"}, "title": {"Fremd"}}),
				http.StatusNotFound, "merge a report of beta")
			if st := ttOne[string](t, env, "SELECT status FROM barrier_reports WHERE id = $1", fx.Barriers.ReportB1.ID); st != "assigned" {
				t.Errorf("beta's report changed to %q", st) // it is in ThemeB
			}
			// Bad input: no title, no mode, a malformed id.
			r4 := ttReport(t, env, fx, "other", "Formulare gibt es nur auf Deutsch.")
			r = co.PostForm("/themen/zusammenfuehren", url.Values{"bericht": {r4}, "mode": {"new"}})
			ttStatus(t, r, http.StatusUnprocessableEntity, "new theme without a title")
			if !strings.Contains(r.Doc(t).Find("#f-title-error").Text(), "Pflichtfeld") && !strings.Contains(ttErrors(t, r), "Titel") {
				t.Errorf("no message on the title: %s", ttErrors(t, r))
			}
			ttStatus(t, co.PostForm("/themen/zusammenfuehren", url.Values{"bericht": {r4}}), http.StatusUnprocessableEntity, "no mode")
			ttStatus(t, co.PostForm("/themen/zusammenfuehren", url.Values{"bericht": {"kein-uuid"}, "mode": {"new"}, "title": {"x"}}), http.StatusNotFound, "bad id")
			ttStatus(t, co.PostForm("/themen/zusammenfuehren", url.Values{"mode": {"new"}, "title": {"x"}}), http.StatusUnprocessableEntity, "no report")

			// Only the coordination merges.
			for _, role := range []access.Role{access.CaseManager, access.TeamLead, access.BodyMember} {
				ttStatus(t, c[role].PostForm("/themen/zusammenfuehren", url.Values{"bericht": {r4}, "mode": {"new"}, "title": {"x"}}), http.StatusForbidden, string(role))
			}

			// Taking a report out again: confirmation first, then it is screened again.
			confirm := co.Get("/themen/" + themeID + "/bericht-entfernen?bericht=" + r2)
			ttStatus(t, confirm, http.StatusOK, "confirmation")
			if confirm.Doc(t).Find(`form input[name="report_id"][value="`+r2+`"]`).Length() != 1 {
				t.Error("the confirmation does not carry the report")
			}
			ttStatus(t, co.PostForm("/themen/"+themeID+"/bericht-entfernen", url.Values{"report_id": {r2}}), http.StatusSeeOther, "remove")
			if st := ttOne[string](t, env, "SELECT status FROM barrier_reports WHERE id = $1", r2); st != "screened" {
				t.Errorf("removed report: status %q, want screened", st)
			}
			ttStatus(t, co.PostForm("/themen/"+themeID+"/bericht-entfernen", url.Values{"report_id": {r2}}), http.StatusUnprocessableEntity, "remove twice")
			ttStatus(t, co.Get("/themen/"+themeID+"/bericht-entfernen?bericht="+r2), http.StatusNotFound, "confirm a report not in the theme")
		})
	}
}

func TestThemeStatusMachine(t *testing.T) {
	for _, e := range apptest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			env, fx, c := ttSetup(t, e)
			co := c[access.Coordinator]
			th := fx.Themes.ThemeA.ID
			version := func() string {
				return ttOne[string](t, env, "SELECT CAST(version AS TEXT) FROM themes WHERE id = $1", th)
			}
			status := func() string { return ttOne[string](t, env, "SELECT status FROM themes WHERE id = $1", th) }
			move := func(to, note string) *apptest.Response {
				return co.PostForm("/themen/"+th+"/status", url.Values{"status": {to}, "note": {note}, "version": {version()}})
			}
			refused := func(to, note, msg string) {
				t.Helper()
				before := status()
				r := move(to, note)
				ttStatus(t, r, http.StatusUnprocessableEntity, "step "+before+" → "+to)
				if got := ttErrors(t, r); !strings.Contains(got, msg) {
					t.Errorf("%s → %s: message %q, want %q", before, to, got, msg)
				}
				if status() != before {
					t.Fatalf("a refused step changed the status")
				}
			}
			allowed := func(to, note string) {
				t.Helper()
				ttStatus(t, move(to, note), http.StatusSeeOther, "step to "+to)
				if status() != to {
					t.Fatalf("status %q, want %q", status(), to)
				}
			}
			refused("monitoring", "", "nicht möglich")
			refused("in_working_group", "", "nicht möglich")
			refused("erfunden", "", "angebotenen Werte")
			allowed("prioritised", "")
			// A working group is needed before the theme goes to one; assigning it moves the theme.
			refused("in_working_group", "", "Arbeits- oder Projektgruppe")
			ttStatus(t, co.PostForm("/themen/"+th+"/gremium", url.Values{"body_id": {fx.Bodies.BodyWorkA.ID}}), http.StatusSeeOther, "assign a working group")
			if status() != "in_working_group" {
				t.Fatalf("assigning a working group left the theme %q", status())
			}
			ttStatus(t, co.PostForm("/themen/"+th+"/gremium", url.Values{"body_id": {fx.Bodies.BodyWorkA.ID}}), http.StatusUnprocessableEntity, "assign twice")
			ttStatus(t, co.PostForm("/themen/"+th+"/gremium", url.Values{"body_id": {fx.Bodies.BodyB.ID}}), http.StatusUnprocessableEntity, "assign beta's body")
			refused("recommendation_adopted", "", "beschlossene Handlungsempfehlung")
			refused("closed", "", "begründen")
			allowed("closed", "Hat sich durch das neue Landesprogramm erledigt.")
			refused("prioritised", "", "nicht möglich")
			allowed("candidate", "Wieder aufgetaucht.")
			// A stale version is a conflict, not a change.
			r := co.PostForm("/themen/"+th+"/status", url.Values{"status": {"prioritised"}, "version": {"1"}})
			ttStatus(t, r, http.StatusConflict, "stale version")
			// History: every step with its note.
			var n int
			err := env.DB().Read(context.Background(), func(tx *db.Tx) error {
				return tx.QueryRowContext(context.Background(), "SELECT COUNT(*) FROM theme_events WHERE theme_id = $1 AND note = $2", th, "Hat sich durch das neue Landesprogramm erledigt.").Scan(&n)
			})
			if err != nil || n != 1 {
				t.Errorf("closing note in the history: %d, %v", n, err)
			}
			// Who may change the status: the coordination only; another tenant's theme is not found.
			for _, role := range []access.Role{access.CaseManager, access.TeamLead, access.BodyMember} {
				ttStatus(t, c[role].PostForm("/themen/"+th+"/status", url.Values{"status": {"prioritised"}}), http.StatusForbidden, string(role))
			}
			ttStatus(t, co.PostForm("/themen/"+fx.Themes.ThemeB.ID+"/status", url.Values{"status": {"prioritised"}}), http.StatusNotFound, "beta's theme")
			ttStatus(t, co.Get("/themen/"+fx.Themes.ThemeB.ID), http.StatusNotFound, "beta's theme page")
			// Editing: priority and title; bad priority refused.
			r = co.PostForm("/themen/"+th, url.Values{"title": {"Kinderbetreuung während Sprachkursen"}, "priority": {"high"}, "life_domain": {"language"}, "version": {version()}})
			ttStatus(t, r, http.StatusSeeOther, "edit")
			if p := ttOne[string](t, env, "SELECT priority FROM themes WHERE id = $1", th); p != "high" {
				t.Errorf("priority %q", p)
			}
			ttStatus(t, co.PostForm("/themen/"+th, url.Values{"title": {"x"}, "priority": {"dringend"}, "version": {version()}}), http.StatusUnprocessableEntity, "bad priority")
			ttStatus(t, co.PostForm("/themen/"+th, url.Values{"title": {""}, "version": {version()}}), http.StatusUnprocessableEntity, "no title")
		})
	}
}

// The service answers the same as the pages (not found for another tenant, forbidden by role).
func TestThemeServiceRefusals(t *testing.T) {
	env := apptest.New(t, apptest.SQLite, apptest.Options{})
	fx := env.Seed()
	s := env.App.Steering
	ctx := context.Background()
	co := fx.Users[access.Coordinator].Actor("alpha")
	if err := s.MoveTheme(ctx, co, fx.Themes.ThemeB.ID, 0, "prioritised", ""); errs.CodeOf(err) != errs.NotFound {
		t.Errorf("beta's theme: %v", err)
	}
	if err := s.MoveTheme(ctx, fx.Users[access.BodyMember].Actor("alpha"), fx.Themes.ThemeA.ID, 0, "prioritised", ""); errs.CodeOf(err) != errs.Forbidden {
		t.Errorf("body member: %v", err)
	}
	if _, err := s.GetTheme(ctx, fx.Users[access.NaturalisationClerk].Actor("alpha"), fx.Themes.ThemeA.ID); errs.CodeOf(err) != errs.Forbidden {
		t.Errorf("naturalisation clerk: %v", err)
	}
	for _, to := range steering.ThemeStatuses {
		for _, from := range steering.ThemeStatuses {
			allowed := false
			for _, n := range steering.ThemeNext(from) {
				allowed = allowed || n == to
			}
			forward := steering.ThemeStatuses[min(len(steering.ThemeStatuses)-1, indexOf(steering.ThemeStatuses, from)+1)] == to && from != "closed"
			want := forward || (to == "closed" && from != "closed") || (from == "closed" && to == "candidate")
			if allowed != want {
				t.Errorf("%s → %s allowed = %v, want %v", from, to, allowed, want)
			}
		}
	}
}

func indexOf(list []string, s string) int {
	for i, x := range list {
		if x == s {
			return i
		}
	}
	return -1
}

// A body member sees the themes, drafts and decisions of the own bodies only: a theme assigned
// to another body (and without a draft of an own body), or to none, is absent from the lists
// and filters and answers 404, with its recommendations; a draft of another body on an own theme
// is visible but cannot be edited or submitted by the member. The other roles of the network
// see all of them.
func TestBodyMemberSeesOwnBodiesOnly(t *testing.T) {
	for _, e := range apptest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			env, fx, c := ttSetup(t, e)
			ctx := context.Background()
			s := env.App.Steering
			co := fx.Users[access.Coordinator].Actor("alpha")
			bm := c[access.BodyMember]
			th := fx.Themes
			// A second theme assigned to the working group (the member is not in it) with its draft.
			work := ttTheme(t, env, fx, "Sprachkurse am Abend", ttInsertSeries(t, env, fx, 2))
			if err := s.AssignBody(ctx, co, work, fx.Bodies.BodyWorkA.ID); err != nil {
				t.Fatal(err)
			}
			workRec, err := s.CreateRecommendation(ctx, co, work, steering.RecInput{Title: "Abendkurse in Wald", Text: "Kurse ab 18 Uhr.", BodyID: fx.Bodies.BodyWorkA.ID})
			if err != nil {
				t.Fatal(err)
			}
			// A draft of the working group on the member's own theme.
			sideRec, err := s.CreateRecommendation(ctx, co, th.ThemeA.ID, steering.RecInput{Title: "Kita-Plätze für Kursteilnehmende",
				Text: "Vorrang bei der Kita-Platzvergabe.", BodyID: fx.Bodies.BodyWorkA.ID})
			if err != nil {
				t.Fatal(err)
			}
			hidden := []string{"/themen/" + work, "/themen/" + work + "/kreislauf", "/themen/" + th.ThemeOtherA.ID, "/themen/" + th.ThemeOtherA.ID + "/kreislauf",
				"/empfehlungen/" + workRec, "/empfehlungen/" + th.RecommendationOtherA.ID}
			for _, p := range hidden {
				ttStatus(t, bm.Get(p), http.StatusNotFound, "body member: "+p)
				for _, role := range []access.Role{access.Coordinator, access.CaseManager, access.TeamLead} {
					ttStatus(t, c[role].Get(p), http.StatusOK, string(role)+": "+p)
				}
			}
			ttStatus(t, bm.Get("/themen/"+th.ThemeA.ID), http.StatusOK, "own theme")
			ttStatus(t, bm.Get("/themen/"+th.ThemeA.ID+"/kreislauf"), http.StatusOK, "own theme's loop")
			ttStatus(t, bm.Get("/empfehlungen/"+sideRec), http.StatusOK, "another body's draft on an own theme")

			// Lists and filters.
			for _, p := range []string{"/themen?status=all", "/empfehlungen", "/empfehlungen/neu"} {
				r := bm.Get(p)
				ttStatus(t, r, http.StatusOK, p)
				body := string(r.Body)
				for _, other := range []string{work, workRec, th.ThemeOtherA.ID, th.RecommendationOtherA.ID, "Sprachkurse am Abend", "Öffnungszeiten der Ämter",
					"Abendsprechstunden", fx.Bodies.BodyWorkA.ID} {
					if strings.Contains(body, other) {
						t.Errorf("body member's %s shows %q", p, other)
					}
				}
				if p != "/empfehlungen/neu" && !strings.Contains(body, th.ThemeA.ID) {
					t.Errorf("body member's %s lacks the own theme", p)
				}
			}
			list := c[access.CaseManager].Get("/empfehlungen")
			for _, id := range []string{workRec, th.RecommendationOtherA.ID, sideRec, th.RecommendationA.ID} {
				if !strings.Contains(string(list.Body), id) {
					t.Errorf("the case manager's list lacks %s", id)
				}
			}
			if opts := c[access.CaseManager].Get("/empfehlungen").Doc(t).Find(`select[name=gremium] option[value="` + fx.Bodies.BodyWorkA.ID + `"]`); opts.Length() != 1 {
				t.Error("the case manager's body filter lacks the working group")
			}
			// The service answers the same.
			member := fx.Users[access.BodyMember].Actor("alpha")
			if _, err := s.GetTheme(ctx, member, work); errs.CodeOf(err) != errs.NotFound {
				t.Errorf("GetTheme: %v", err)
			}
			if choices, err := s.ThemeChoices(ctx, member, true); err != nil || len(choices) != 1 || choices[0].ID != th.ThemeA.ID {
				t.Errorf("theme choices %+v %v", choices, err)
			}
			if bodies, err := s.BodyChoices(ctx, member, false); err != nil || len(bodies) != 1 || bodies[0].ID != fx.Bodies.BodyA.ID {
				t.Errorf("body choices %+v %v", bodies, err)
			}
			if _, err := s.BodyChoices(ctx, fx.Users[access.NaturalisationClerk].Actor("alpha"), false); errs.CodeOf(err) != errs.Forbidden {
				t.Errorf("body choices of a naturalisation clerk: %v", err)
			}

			// Editing and submitting another body's drafts: 404 off the own themes, 403 on them.
			version := func(id string) string {
				return ttOne[string](t, env, "SELECT CAST(version AS TEXT) FROM recommendations WHERE id = $1", id)
			}
			edit := func(id string) url.Values {
				return url.Values{"title": {"Übernommen"}, "text": {"x"}, "body_id": {fx.Bodies.BodyA.ID}, "version": {version(id)}}
			}
			ttStatus(t, bm.PostForm("/empfehlungen/"+workRec, edit(workRec)), http.StatusNotFound, "edit a draft off the own themes")
			ttStatus(t, ttRecStep(env, bm, t, workRec, url.Values{"status": {"submitted"}}), http.StatusNotFound, "submit a draft off the own themes")
			ttStatus(t, bm.PostForm("/empfehlungen/"+sideRec, edit(sideRec)), http.StatusForbidden, "edit another body's draft")
			ttStatus(t, ttRecStep(env, bm, t, sideRec, url.Values{"status": {"submitted"}}), http.StatusForbidden, "submit another body's draft")
			if st := ttOne[string](t, env, "SELECT title || '/' || status FROM recommendations WHERE id = $1", sideRec); st != "Kita-Plätze für Kursteilnehmende/draft" {
				t.Errorf("another body's draft changed: %s", st)
			}
			// Drafting for a theme off the own bodies is refused as an unknown choice.
			r := bm.PostForm("/empfehlungen/neu", url.Values{"theme_id": {work}, "title": {"x"}, "text": {"y"}, "body_id": {fx.Bodies.BodyA.ID}})
			ttStatus(t, r, http.StatusUnprocessableEntity, "draft for another body's theme")
			if r.Doc(t).Find("#f-theme_id-error").Length() != 1 {
				t.Errorf("no message on the theme: %s", ttErrors(t, r))
			}
			// Once the working group's theme is also assigned to the member's body, it is theirs.
			if err := s.AssignBody(ctx, co, work, fx.Bodies.BodyA.ID); err != nil {
				t.Fatal(err)
			}
			ttStatus(t, bm.Get("/themen/"+work), http.StatusOK, "theme assigned to the own body")
			ttStatus(t, bm.Get("/empfehlungen/"+workRec), http.StatusOK, "its draft")
		})
	}
}

// Taking a report out of a theme makes it "screened" again only if it was "assigned": a report
// closed meanwhile stays closed.
func TestRemoveReportKeepsClosedReports(t *testing.T) {
	for _, e := range apptest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			env, fx, _ := ttSetup(t, e)
			reports := ttInsertSeries(t, env, fx, 2)
			id := ttTheme(t, env, fx, "Schließtest", reports)
			err := env.DB().Write(context.Background(), func(tx *db.Tx) error {
				_, err := tx.ExecContext(context.Background(), "UPDATE barrier_reports SET status = 'closed' WHERE id = $1", reports[0])
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			co := fx.Users[access.Coordinator].Actor("alpha")
			for _, r := range reports {
				if err := env.App.Steering.RemoveReport(context.Background(), co, id, r); err != nil {
					t.Fatal(err)
				}
			}
			if st := ttOne[string](t, env, "SELECT status FROM barrier_reports WHERE id = $1", reports[0]); st != "closed" {
				t.Errorf("a closed report became %q", st)
			}
			if st := ttOne[string](t, env, "SELECT status FROM barrier_reports WHERE id = $1", reports[1]); st != "screened" {
				t.Errorf("an assigned report became %q", st)
			}
		})
	}
}

// Merging: more reports than allowed show the page with the message (not an error page), on the
// page and on the post; a report that left the inbox meanwhile (not closed, not in a theme)
// makes the merge a conflict that stores nothing.
func TestMergeLimitsAndConflicts(t *testing.T) {
	for _, e := range apptest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			env, fx, c := ttSetup(t, e)
			co := c[access.Coordinator]
			many := make([]string, 101)
			for i := range many {
				many[i] = ids.New()
			}
			q := url.Values{"bericht": many}
			for what, r := range map[string]*apptest.Response{
				"page": co.Get("/themen/zusammenfuehren?" + q.Encode()),
				"post": co.PostForm("/themen/zusammenfuehren", url.Values{"bericht": many, "mode": {"new"}, "title": {"Zu viele"}}),
			} {
				ttStatus(t, r, http.StatusUnprocessableEntity, what+" with 101 reports")
				if msg := ttErrors(t, r); !strings.Contains(msg, "höchstens 100 Problemanzeigen") {
					t.Errorf("%s: message %q", what, msg)
				}
				if r.Doc(t).Find(`a[href="/koordination/eingang"]`).Length() == 0 || strings.Contains(ttText(t, r), "Es sind keine Problemanzeigen ausgewählt") {
					t.Errorf("%s: the page does not lead back to the inbox", what)
				}
			}
			reports := ttInsertSeries(t, env, fx, 2)
			err := env.DB().Write(context.Background(), func(tx *db.Tx) error {
				_, err := tx.ExecContext(context.Background(), "UPDATE barrier_reports SET status = 'assigned' WHERE id = $1", reports[1])
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			r := co.PostForm("/themen/zusammenfuehren", url.Values{"bericht": reports, "mode": {"new"}, "title": {"Konflikt"}})
			ttStatus(t, r, http.StatusConflict, "merge a report that left the inbox")
			if !strings.Contains(ttErrors(t, r), "inzwischen geändert") {
				t.Errorf("message %q", ttErrors(t, r))
			}
			if n := ttOne[int](t, env, "SELECT COUNT(*) FROM themes WHERE title = 'Konflikt'"); n != 0 {
				t.Error("the conflicting merge stored a theme")
			}
			if st := ttOne[string](t, env, "SELECT status FROM barrier_reports WHERE id = $1", reports[0]); st != "reported" {
				t.Errorf("the other report became %q", st)
			}
		})
	}
}
