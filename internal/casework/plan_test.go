package casework_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"kim/internal/apptest"
	"kim/internal/casework"
	"kim/internal/platform/access"
	"kim/internal/platform/errs"
)

// planCM returns the case manager of case A1 and a browser logged in as that person.
func planCM(t *testing.T, env *apptest.Env, fx *apptest.Fixtures) (access.Actor, *apptest.Client) {
	t.Helper()
	c := env.Client()
	c.Login(access.CaseManager)
	return fx.Users[access.CaseManager].Actor("alpha"), c
}

// fieldMessage returns the message of a form field on a page, or "".
func fieldMessage(t *testing.T, r *apptest.Response, field string) string {
	t.Helper()
	return strings.TrimSpace(r.Doc(t).Find("#f-" + regexp.QuoteMeta(field) + "-error").Text())
}

// summaryText returns the error summary of a page.
func summaryText(t *testing.T, r *apptest.Response) string {
	t.Helper()
	return strings.Join(strings.Fields(r.Doc(t).Find(".error-summary").Text()), " ")
}

// storedBytes returns the raw bytes of the encrypted columns of a table's rows of a case.
func storedBytes(t *testing.T, env *apptest.Env, table, cols, caseID string) []byte {
	t.Helper()
	w, _ := env.DB().Pools()
	rows, err := w.Query("SELECT "+cols+" FROM "+table+" WHERE case_id = $1", caseID)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n := len(strings.Split(cols, ","))
	var all []byte
	for rows.Next() {
		vals := make([][]byte, n)
		ptrs := make([]any, n)
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		for _, v := range vals {
			all = append(all, v...)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if len(all) == 0 {
		t.Fatalf("%s: nothing stored", table)
	}
	return all
}

// noRawIDs fails when a page shows an untranslated message id of the room.
var rawID = regexp.MustCompile(`\bcasework\.[a-z0-9_.]+[a-z0-9_]\b`)

func noRawIDs(t *testing.T, label string, r *apptest.Response) {
	t.Helper()
	if m := rawID.FindAllString(string(r.Body), -1); len(m) > 0 {
		t.Errorf("%s shows raw message ids %v", label, m)
	}
}

// refused posts good with one field changed and expects 422 with a message on that field
// containing want.
func refused(t *testing.T, c *apptest.Client, path string, good url.Values, field, value, want string) *apptest.Response {
	t.Helper()
	f := url.Values{}
	for k, v := range good {
		f[k] = v
	}
	f.Set(field, value)
	r := c.PostForm(path, f)
	if r.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("%s %s=%q: status %d, want 422", path, field, value, r.StatusCode)
		return r
	}
	if got := fieldMessage(t, r, field); !strings.Contains(got, want) {
		t.Errorf("%s %s=%q: message %q, want %q", path, field, value, got, want)
	}
	return r
}

func TestPlanGoalsTasksAndClosing(t *testing.T) {
	eachEngine(t, func(t *testing.T, env *apptest.Env, fx *apptest.Fixtures) {
		ctx := context.Background()
		s := env.App.Cases
		cm, c := planCM(t, env, fx)
		id := fx.CaseA1.ID
		base := "/faelle/" + id + "/plan"

		r := c.Get(base)
		if r.StatusCode != http.StatusOK {
			t.Fatalf("GET plan: %d", r.StatusCode)
		}
		noRawIDs(t, "empty plan", r)

		// Goals: bad input per field.
		good := url.Values{"life_domain": {"language"}, "text": {"Frau A. besucht bis Juni einen Integrationskurs mit Kinderbetreuung"},
			"indicator": {"Teilnahmebescheinigung liegt vor"}, "target_on": {"2026-06-30"}}
		for _, tc := range []struct{ field, value, want string }{
			{"life_domain", "", "Bitte füllen Sie dieses Feld aus."},
			{"life_domain", "mond", "Bitte wählen Sie einen der angebotenen Werte."},
			{"text", "", "Bitte füllen Sie dieses Feld aus."},
			{"text", strings.Repeat("x", 2001), "höchstens 2000 Zeichen"},
			{"indicator", strings.Repeat("x", 2001), "höchstens 2000 Zeichen"},
			{"target_on", "", "Bitte füllen Sie dieses Feld aus."},
			{"target_on", "31.02.2026", "gültiges Datum"},
			{"target_on", "2026-03-01", "nicht in der Vergangenheit"},
		} {
			refused(t, c, base+"/ziele", good, tc.field, tc.value, tc.want)
		}
		if n := count(t, env, "SELECT count(*) FROM goals WHERE case_id = $1", id); n != 0 {
			t.Fatalf("%d goals after refused input", n)
		}
		if r := c.PostForm(base+"/ziele", good); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("add goal: %d %s", r.StatusCode, summaryText(t, r))
		}
		p, err := s.GetPlan(ctx, cm, id, "")
		if err != nil || len(p.Goals) != 1 {
			t.Fatalf("plan: %v %+v", err, p)
		}
		goal := p.Goals[0]
		if goal.Status != "open" || goal.Indicator != "Teilnahmebescheinigung liegt vor" || p.Open != 1 {
			t.Errorf("goal: %+v", goal)
		}

		// Tasks: bad input per field, then one towards the goal and one for a partner.
		task := url.Values{"title": {"Anmeldung beim Kursträger begleiten"}, "responsible": {"case_manager"}, "goal_id": {goal.ID}, "due_on": {"2026-03-20"}}
		other, err := s.AddGoal(ctx, fx.MemberA2.Actor("alpha"), fx.CaseA2.ID, casework.GoalInput{Domain: "work", Text: "Arbeit", TargetOn: "2026-12-31"}, "")
		if err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct{ field, value, want string }{
			{"title", "", "Bitte füllen Sie dieses Feld aus."},
			{"title", strings.Repeat("x", 301), "höchstens 300 Zeichen"},
			{"responsible", "nachbar", "Bitte wählen Sie einen der angebotenen Werte."},
			{"goal_id", other.ID, "Der gewählte Eintrag existiert nicht."},
			{"due_on", "2026-02-01", "nicht in der Vergangenheit"},
			{"due_on", "morgen", "gültiges Datum"},
		} {
			refused(t, c, base+"/aufgaben", task, tc.field, tc.value, tc.want)
		}
		partner := url.Values{"title": {"Kita-Platz suchen"}, "responsible": {"partner"}}
		refused(t, c, base+"/aufgaben", partner, "partner_organisation_id", "", "Partnerorganisation")
		refused(t, c, base+"/aufgaben", partner, "partner_organisation_id", fx.OrgA1.ID, "existiert nicht") // the own organisation
		refused(t, c, base+"/aufgaben", partner, "partner_organisation_id", fx.OrgB1.ID, "existiert nicht") // another tenant's
		if n := count(t, env, "SELECT count(*) FROM tasks WHERE case_id = $1", id); n != 0 {
			t.Fatalf("%d tasks after refused input", n)
		}
		if r := c.PostForm(base+"/aufgaben", task); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("add task: %d %s", r.StatusCode, summaryText(t, r))
		}
		if r := c.PostForm(base+"/aufgaben", url.Values{"title": {"Kita-Platz suchen"}, "responsible": {"partner"},
			"partner_organisation_id": {fx.OrgA2.ID}, "due_on": {"2026-04-01"}}); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("add partner task: %d %s", r.StatusCode, summaryText(t, r))
		}
		r = c.Get(base)
		doc := r.Doc(t)
		if !strings.Contains(doc.Find("#goal-"+goal.ID).Parent().Find("table").Text(), "Anmeldung beim Kursträger") {
			t.Error("the task is not listed under its goal")
		}
		if !strings.Contains(doc.Find("table").Last().Text(), "Alpha Wohlfahrt") {
			t.Error("the partner's task does not name the partner")
		}
		noRawIDs(t, "plan with goals and tasks", r)
		raw := storedBytes(t, env, "goals", "text, indicator", id)
		raw = append(raw, storedBytes(t, env, "tasks", "title", id)...)
		for _, plain := range []string{"Integrationskurs", "Teilnahmebescheinigung", "Kursträger", "Kita-Platz"} {
			if bytes.Contains(raw, []byte(plain)) {
				t.Errorf("%q is stored in plain text", plain)
			}
		}

		// Mark a task done; a stale version is a conflict.
		p, _ = s.GetPlan(ctx, cm, id, "")
		tk := p.Goals[0].Tasks[0]
		if r := c.PostForm(base+"/aufgaben/status", url.Values{"task_id": {tk.ID}, "version": {"1"}, "status": {"done"}}); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("mark done: %d", r.StatusCode)
		}
		if r := c.PostForm(base+"/aufgaben/status", url.Values{"task_id": {tk.ID}, "version": {"1"}, "status": {"open"}}); r.StatusCode != http.StatusConflict {
			t.Errorf("stale task status: %d", r.StatusCode)
		}
		if r := c.PostForm(base+"/aufgaben/status", url.Values{"task_id": {tk.ID}, "version": {"2"}, "status": {"erledigt"}}); r.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("bad task status: %d", r.StatusCode)
		}
		p, _ = s.GetPlan(ctx, cm, id, "")
		if tk = p.Goals[0].Tasks[0]; tk.Status != "done" || tk.DoneOn != "2026-03-02" {
			t.Errorf("task after done: %+v", tk)
		}

		// Goal status: a change is an event of the case's history.
		if r := c.PostForm(base+"/ziele/status", url.Values{"goal_id": {goal.ID}, "version": {"1"}, "status": {"in_progress"}}); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("goal status: %d", r.StatusCode)
		}
		if r := c.PostForm(base+"/ziele/status", url.Values{"goal_id": {goal.ID}, "version": {"1"}, "status": {"achieved"}}); r.StatusCode != http.StatusConflict {
			t.Errorf("stale goal status: %d", r.StatusCode)
		}
		if r := c.PostForm(base+"/ziele/status", url.Values{"goal_id": {other.ID}, "status": {"achieved"}}); r.StatusCode != http.StatusNotFound {
			t.Errorf("another case's goal: %d", r.StatusCode)
		}
		r = c.Get("/faelle/" + id)
		if tl := r.Doc(t).Find("#verlauf").Text(); !strings.Contains(tl, "Ziel (Sprache): offen → in Arbeit") || !strings.Contains(tl, "Ziel vereinbart (Sprache)") {
			t.Errorf("the history does not show the goal: %q", strings.Join(strings.Fields(tl), " "))
		}
		noRawIDs(t, "case page", r)

		// Review date: not in the past; a stale version is a conflict.
		if r := c.PostForm(base+"/ueberpruefung", url.Values{"review_on": {"2026-01-01"}}); r.StatusCode != http.StatusUnprocessableEntity ||
			!strings.Contains(fieldMessage(t, r, "review_on"), "nicht in der Vergangenheit") {
			t.Errorf("review in the past: %d", r.StatusCode)
		}
		kase, _ := s.GetCase(ctx, cm, id, "")
		if r := c.PostForm(base+"/ueberpruefung", url.Values{"review_on": {"2026-05-15"}, "version": {strconv.Itoa(kase.Version)}}); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("review: %d", r.StatusCode)
		}
		if r := c.PostForm(base+"/ueberpruefung", url.Values{"review_on": {"2026-06-15"}, "version": {strconv.Itoa(kase.Version)}}); r.StatusCode != http.StatusConflict {
			t.Errorf("stale review: %d", r.StatusCode)
		}
		if kase, _ = s.GetCase(ctx, cm, id, ""); kase.ReviewOn != "2026-05-15" {
			t.Errorf("review on %q", kase.ReviewOn)
		}

		// Closing: the case cannot close while a goal is open; the evaluation form sets each
		// goal's final status and evaluation.
		for _, to := range []string{"clarification", "assessment", "closing"} {
			if _, err := s.MoveCase(ctx, cm, id, casework.MoveInput{To: to}, ""); err != nil {
				t.Fatalf("move to %s: %v", to, err)
			}
		}
		r = c.Get(base)
		if !strings.Contains(r.Doc(t).Find(".notice.warning").Text(), "1 Ziel(e)") {
			t.Error("the plan of a closing case does not say that goals wait for their evaluation")
		}
		r = c.PostForm("/faelle/"+id+"/phase", url.Values{"status": {"closed"}, "close_reason": {"goals_achieved"}})
		if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(string(r.Body), "Bitte bewerten Sie zuerst alle Ziele") {
			t.Fatalf("closing with an open goal: %d", r.StatusCode)
		}
		p, _ = s.GetPlan(ctx, cm, id, "")
		v := strconv.Itoa(p.Goals[0].Version)
		for _, tc := range []struct{ status, evaluation, field, want string }{
			{"in_progress", "läuft noch", "status-", "abschließenden Status"},
			{"", "läuft noch", "status-", "Bitte füllen Sie dieses Feld aus."},
			{"fertig", "läuft noch", "status-", "Bitte wählen Sie einen der angebotenen Werte."},
			{"achieved", "", "evaluation-", "Bitte füllen Sie dieses Feld aus."},
			{"achieved", strings.Repeat("x", 4001), "evaluation-", "höchstens 4000 Zeichen"},
		} {
			r := c.PostForm(base+"/auswertung", url.Values{"version-" + goal.ID: {v}, "status-" + goal.ID: {tc.status}, "evaluation-" + goal.ID: {tc.evaluation}})
			if r.StatusCode != http.StatusUnprocessableEntity {
				t.Errorf("evaluation %q/%q: %d", tc.status, tc.evaluation, r.StatusCode)
				continue
			}
			if got := fieldMessage(t, r, tc.field+goal.ID); !strings.Contains(got, tc.want) {
				t.Errorf("evaluation %q: message %q, want %q", tc.status, got, tc.want)
			}
			if !strings.Contains(summaryText(t, r), "(Sprache: Frau A.") {
				t.Errorf("the summary does not name the goal: %q", summaryText(t, r))
			}
		}
		if r := c.PostForm(base+"/auswertung", url.Values{"version-" + goal.ID: {"1"}, "status-" + goal.ID: {"achieved"},
			"evaluation-" + goal.ID: {"Kurs begonnen"}}); r.StatusCode != http.StatusConflict {
			t.Errorf("stale evaluation: %d", r.StatusCode)
		}
		if r := c.PostForm(base+"/auswertung", url.Values{"version-" + other.ID: {"1"}, "status-" + other.ID: {"achieved"},
			"evaluation-" + other.ID: {"x"}}); r.StatusCode != http.StatusNotFound {
			t.Errorf("evaluating another case's goal: %d", r.StatusCode)
		}
		r = c.PostForm(base+"/auswertung", url.Values{"version-" + goal.ID: {v}, "status-" + goal.ID: {"partly_achieved"},
			"evaluation-" + goal.ID: {"Kurs begonnen, Kinderbetreuung nur vormittags"}})
		if r.StatusCode != http.StatusSeeOther {
			t.Fatalf("evaluation: %d %s", r.StatusCode, summaryText(t, r))
		}
		p, _ = s.GetPlan(ctx, cm, id, "")
		if g := p.Goals[0]; g.Status != "partly_achieved" || g.EvaluatedOn != "2026-03-02" || !strings.HasPrefix(g.Evaluation, "Kurs begonnen") || p.Open != 0 {
			t.Errorf("evaluated goal: %+v", g)
		}
		if bytes.Contains(storedBytes(t, env, "goals", "evaluation", id), []byte("Kinderbetreuung")) {
			t.Error("the evaluation is stored in plain text")
		}
		r = c.Get(base)
		if r.Doc(t).Find(".notice.success a[href$='#move-title']").Length() != 1 {
			t.Error("the evaluated plan does not lead to closing")
		}
		r = c.PostForm("/faelle/"+id+"/phase", url.Values{"status": {"closed"}, "close_reason": {"goals_achieved"}})
		if r.StatusCode != http.StatusSeeOther {
			t.Fatalf("closing after the evaluation: %d %s", r.StatusCode, summaryText(t, r))
		}
		// A closed case's plan is read only.
		if r := c.PostForm(base+"/ziele", good); r.StatusCode != http.StatusConflict {
			t.Errorf("goal in a closed case: %d", r.StatusCode)
		}
		r = c.Get(base)
		if r.StatusCode != http.StatusOK || r.Doc(t).Find("form").Length() > 2 { // the logout and session forms
			t.Errorf("closed plan: %d with %d forms", r.StatusCode, r.Doc(t).Find("form").Length())
		}

		// Access: another organisation's case is not found before any input is read.
		for _, p := range []string{"/ziele", "/ziele/status", "/aufgaben", "/aufgaben/status", "/ueberpruefung", "/auswertung"} {
			for _, other := range []string{fx.CaseA2.ID, fx.CaseB1.ID} {
				if r := c.PostForm("/faelle/"+other+"/plan"+p, url.Values{}); r.StatusCode != http.StatusNotFound {
					t.Errorf("POST %s to another organisation's case: %d", p, r.StatusCode)
				}
			}
		}
		if r := c.Get("/faelle/" + fx.CaseA2.ID + "/plan"); r.StatusCode != http.StatusNotFound {
			t.Errorf("GET another organisation's plan: %d", r.StatusCode)
		}
		if _, err := s.AddGoal(ctx, cm, fx.CaseB1.ID, good2(), ""); !errors.Is(err, errs.ErrNotFound) {
			t.Errorf("goal in another tenant's case: %v", err)
		}
	})
}

func good2() casework.GoalInput {
	return casework.GoalInput{Domain: "work", Text: "Arbeit finden", TargetOn: "2026-12-31"}
}

// The pages render in German and English without raw message ids, in every state.
func TestPlanPagesInBothLanguages(t *testing.T) {
	env := apptest.New(t, apptest.SQLite, apptest.Options{})
	fx := env.Seed()
	ctx := context.Background()
	s := env.App.Cases
	cm, c := planCM(t, env, fx)
	id := fx.CaseA1.ID
	if _, err := s.SaveAssessment(ctx, cm, id, []casework.AssessmentInput{{Domain: "health", Urgency: "medium", Needs: "Hausarzt"}}, ""); err != nil {
		t.Fatal(err)
	}
	g, err := s.AddGoal(ctx, cm, id, good2(), "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddTask(ctx, cm, id, casework.TaskInput{Title: "Bewerbung", Responsible: "client", GoalID: g.ID, DueOn: "2026-03-10"}, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddTask(ctx, cm, id, casework.TaskInput{Title: "Kita", Responsible: "partner", PartnerOrgID: fx.OrgA2.ID}, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SetGoalStatus(ctx, cm, id, casework.GoalStatusInput{GoalID: g.ID, Status: "dropped"}, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddTransition(ctx, cm, id, casework.TransitionInput{From: "asylblg", To: "sgb2", Trigger: "age", TriggerOn: "2026-05-01",
		GapKind: "insurance", GapFrom: "2026-03-01", GapUntil: "2026-03-01"}, ""); err != nil {
		t.Fatal(err)
	}
	env.Clock.Advance(30 * 24 * time.Hour) // the task is overdue now
	c = env.Client()
	c.Login(access.CaseManager)
	for _, lang := range []string{"de", "en"} {
		for _, p := range []string{"/assessment", "/plan", "/rechtskreiswechsel", ""} {
			r := c.Get("/faelle/" + id + p + "?lang=" + lang)
			if r.StatusCode != http.StatusOK {
				t.Errorf("%s %s: %d", lang, p, r.StatusCode)
			}
			noRawIDs(t, lang+" "+p, r)
		}
		for _, p := range []string{"/plan/ziele", "/plan/aufgaben", "/plan/auswertung", "/plan/ueberpruefung", "/assessment", "/rechtskreiswechsel"} {
			r := c.PostForm("/faelle/"+id+p+"?lang="+lang, url.Values{"health-urgency": {"x"}, "review_on": {"x"}})
			if r.StatusCode != http.StatusUnprocessableEntity {
				t.Errorf("%s POST %s: %d", lang, p, r.StatusCode)
			}
			noRawIDs(t, lang+" POST "+p, r)
		}
	}
	if r := c.Get("/faelle/" + id + "/plan?lang=de"); !strings.Contains(r.Doc(t).Find("table .badge").Text(), "überfällig") {
		t.Error("an overdue task is not marked")
	}
}
