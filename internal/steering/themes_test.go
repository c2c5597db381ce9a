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
