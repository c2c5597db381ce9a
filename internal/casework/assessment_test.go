package casework_test

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"kim/internal/apptest"
	"kim/internal/casework"
	"kim/internal/platform/access"
	"kim/internal/platform/errs"
)

func assessmentForm(t *testing.T, c *apptest.Client, caseID string) url.Values {
	t.Helper()
	r := c.Get("/faelle/" + caseID + "/assessment")
	if r.StatusCode != http.StatusOK {
		t.Fatalf("assessment page: %d", r.StatusCode)
	}
	v := url.Values{}
	r.Doc(t).Find("form[action$='/assessment'] input[type=hidden], form[action$='/assessment'] textarea, form[action$='/assessment'] select").Each(func(_ int, s *goquery.Selection) {
		name, _ := s.Attr("name")
		switch goquery.NodeName(s) {
		case "textarea":
			v.Set(name, s.Text())
		case "select":
			val, _ := s.Find("option[selected]").Attr("value")
			v.Set(name, val)
		default:
			val, _ := s.Attr("value")
			v.Set(name, val)
		}
	})
	return v
}

func TestAssessmentPerLifeDomain(t *testing.T) {
	eachEngine(t, func(t *testing.T, env *apptest.Env, fx *apptest.Fixtures) {
		ctx := context.Background()
		s := env.App.Cases
		cm, c := planCM(t, env, fx)
		id := fx.CaseA1.ID

		// The page lists all twelve life domains; none is assessed yet, and the case is still a
		// request: the page says to move the phase.
		r := c.Get("/faelle/" + id + "/assessment")
		if r.StatusCode != http.StatusOK {
			t.Fatalf("GET: %d", r.StatusCode)
		}
		doc := r.Doc(t)
		if n := doc.Find("form details").Length(); n != len(casework.Domains) {
			t.Errorf("%d domains on the page, want %d", n, len(casework.Domains))
		}
		if n := doc.Find("details[open]").Length(); n != 0 {
			t.Errorf("%d domains open before any assessment", n)
		}
		if !strings.Contains(doc.Find(".notice.warning").Text(), "Phase") {
			t.Error("no hint to move the phase of a case still in request")
		}
		noRawIDs(t, "assessment page", r)

		// Saving the form: only domains with content are stored.
		form := assessmentForm(t, c, id)
		form.Set("housing-urgency", "high")
		form.Set("housing-situation", "Familie lebt zu fünft in einer Zweizimmerwohnung")
		form.Set("housing-needs", "größere Wohnung")
		form.Set("housing-resources", "Schwester in Solingen hilft")
		form.Set("housing-client_view", "möchte im Quartier bleiben")
		r = c.PostForm("/faelle/"+id+"/assessment", form)
		if r.StatusCode != http.StatusSeeOther {
			t.Fatalf("save: %d %s", r.StatusCode, summaryText(t, r))
		}
		if n := count(t, env, "SELECT count(*) FROM assessments WHERE case_id = $1", id); n != 1 {
			t.Fatalf("%d assessments stored, want 1", n)
		}
		af, err := s.GetAssessment(ctx, cm, id, "")
		if err != nil {
			t.Fatal(err)
		}
		var housing casework.Assessment
		for _, a := range af.Items {
			if a.Domain == "housing" {
				housing = a
			}
		}
		if af.Assessed != 1 || housing.Version != 1 || housing.Needs != "größere Wohnung" || housing.Urgency != "high" {
			t.Errorf("stored: %d assessed, %+v", af.Assessed, housing)
		}
		// The texts are encrypted at rest.
		raw := storedBytes(t, env, "assessments", "situation, needs, resources, client_view", id)
		for _, plain := range []string{"Zweizimmerwohnung", "größere Wohnung", "Schwester", "Quartier"} {
			if bytes.Contains(raw, []byte(plain)) {
				t.Errorf("%q is stored in plain text", plain)
			}
		}
		if auditCount(t, env, "case.assessment_save", "housing") != 1 {
			t.Error("the save is not in the audit trail")
		}
		r = c.Get("/faelle/" + id + "/assessment")
		if r.Doc(t).Find("details#bereich-housing[open]").Length() != 1 {
			t.Error("the assessed domain is not shown open")
		}

		// Bad input per field: a German message, 422, nothing stored.
		for _, tc := range []struct{ field, value, want string }{
			{"work-urgency", "extrem", "Bitte wählen Sie einen der angebotenen Werte."},
			{"work-situation", strings.Repeat("x", 8001), "Bitte geben Sie höchstens 8000 Zeichen ein."},
			{"work-needs", strings.Repeat("ä", 8001), "Bitte geben Sie höchstens 8000 Zeichen ein."},
			{"work-resources", strings.Repeat("y", 8001), "Bitte geben Sie höchstens 8000 Zeichen ein."},
			{"work-client_view", strings.Repeat("z", 8001), "Bitte geben Sie höchstens 8000 Zeichen ein."},
		} {
			f := assessmentForm(t, c, id)
			f.Set("language-situation", "Deutschkurs A1 abgebrochen")
			f.Set(tc.field, tc.value)
			r := c.PostForm("/faelle/"+id+"/assessment", f)
			if r.StatusCode != http.StatusUnprocessableEntity {
				t.Errorf("%s: status %d, want 422", tc.field, r.StatusCode)
				continue
			}
			if got := fieldMessage(t, r, tc.field); !strings.Contains(got, tc.want) {
				t.Errorf("%s: message %q, want %q", tc.field, got, tc.want)
			}
			if sum := summaryText(t, r); !strings.Contains(sum, "Arbeit – ") {
				t.Errorf("%s: the summary does not name the life domain: %q", tc.field, sum)
			}
			if n := count(t, env, "SELECT count(*) FROM assessments WHERE case_id = $1", id); n != 1 {
				t.Errorf("%s: %d assessments stored after a refused save", tc.field, n)
			}
		}
		if _, err := s.SaveAssessment(ctx, cm, id, []casework.AssessmentInput{{Domain: "moon", Situation: "x"}}, ""); errs.CodeOf(err) != errs.Invalid {
			t.Errorf("unknown domain: %v", err)
		}

		// Optimistic locking: a stale version is a conflict, nothing is stored; the page shows
		// the stored state and takes its version, so saving again overwrites on purpose.
		stale := assessmentForm(t, c, id)
		if _, err := s.SaveAssessment(ctx, cm, id, []casework.AssessmentInput{{Domain: "housing", Urgency: "medium", Situation: "Wohnung gefunden",
			Version: 1}}, ""); err != nil {
			t.Fatal(err)
		}
		stale.Set("housing-needs", "Wohnberechtigungsschein")
		stale.Set("health-situation", "Zahnschmerzen")
		r = c.PostForm("/faelle/"+id+"/assessment", stale)
		if r.StatusCode != http.StatusConflict {
			t.Fatalf("stale save: %d", r.StatusCode)
		}
		doc = r.Doc(t)
		if !strings.Contains(doc.Find("#bereich-housing .notice").Text(), "Wohnung gefunden") {
			t.Error("the conflict does not show the stored state")
		}
		if v, _ := doc.Find("input[name=housing-version]").Attr("value"); v != "2" {
			t.Errorf("version after the conflict: %q, want 2", v)
		}
		if n := count(t, env, "SELECT count(*) FROM assessments WHERE case_id = $1", id); n != 1 {
			t.Errorf("%d assessments after a conflict (the health domain must not be stored)", n)
		}
		_, err = s.SaveAssessment(ctx, cm, id, []casework.AssessmentInput{{Domain: "housing", Urgency: "low", Version: 1}}, "")
		if d, ok := casework.IsAssessmentConflict(err); !ok || len(d) != 1 || d[0] != "housing" || errs.CodeOf(err) != errs.Conflict {
			t.Errorf("stale version: %v", err)
		}
		if _, err := s.SaveAssessment(ctx, cm, id, []casework.AssessmentInput{{Domain: "housing", Situation: "neu", Version: 0}}, ""); errs.CodeOf(err) != errs.Conflict {
			t.Errorf("a new row for an assessed domain: %v", err)
		}
		// An unchanged domain with a stale version is no conflict: nothing of it changes.
		if changed, err := s.SaveAssessment(ctx, cm, id, []casework.AssessmentInput{{Domain: "housing", Urgency: "medium", Situation: "Wohnung gefunden",
			Version: 1}}, ""); err != nil || len(changed) != 0 {
			t.Errorf("unchanged domain: %v %v", changed, err)
		}
		// Emptying a domain removes it.
		if _, err := s.SaveAssessment(ctx, cm, id, []casework.AssessmentInput{{Domain: "housing", Version: 2}}, ""); err != nil {
			t.Fatal(err)
		}
		if n := count(t, env, "SELECT count(*) FROM assessments WHERE case_id = $1", id); n != 0 {
			t.Errorf("%d assessments after emptying the only one", n)
		}

		// Another organisation's case is not found; the team lead needs a purpose.
		for _, other := range []string{fx.CaseA2.ID, fx.CaseB1.ID} {
			if r := c.Get("/faelle/" + other + "/assessment"); r.StatusCode != http.StatusNotFound {
				t.Errorf("GET another organisation's assessment: %d", r.StatusCode)
			}
			if r := c.PostForm("/faelle/"+other+"/assessment", url.Values{"housing-urgency": {"bogus"}}); r.StatusCode != http.StatusNotFound {
				t.Errorf("POST to another organisation's assessment: %d, want 404 before validation", r.StatusCode)
			}
		}
		lead := env.Client()
		lead.Login(access.TeamLead)
		if r := lead.Get("/faelle/" + id + "/assessment"); r.StatusCode != http.StatusForbidden || !strings.Contains(string(r.Body), "/zweck") {
			t.Errorf("team lead without purpose: %d", r.StatusCode)
		}
		if r := lead.PostForm("/faelle/"+id+"/zweck", url.Values{"purpose": {"Fallbesprechung im Team"}}); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("purpose: %d", r.StatusCode)
		}
		for _, p := range []string{"/assessment", "/plan", "/rechtskreiswechsel"} {
			if r := lead.Get("/faelle/" + id + p); r.StatusCode != http.StatusOK {
				t.Errorf("team lead with a purpose, %s: %d", p, r.StatusCode)
			}
		}
	})
}
