package casework_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"kim/internal/apptest"
	"kim/internal/casework"
	"kim/internal/platform/access"
	"kim/internal/platform/errs"
)

// The tenant administrator keeps the local admission criteria; at clarification the case
// manager ticks them, gives the reason and adds family members to the case.
func TestAdmissionCriteriaAndClarification(t *testing.T) {
	eachEngine(t, func(t *testing.T, env *apptest.Env, fx *apptest.Fixtures) {
		ctx := context.Background()
		s := env.App.Cases
		admin := env.Client()
		admin.Login(access.TenantAdmin)
		if r := admin.PostForm("/verwaltung/aufnahmekriterien", url.Values{"label": {""}, "position": {"x"}}); r.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("empty criterion: %d", r.StatusCode)
		}
		if r := admin.PostForm("/verwaltung/aufnahmekriterien", url.Values{"label": {"Mehrere Bedarfe in verschiedenen Lebensbereichen"}, "position": {"10"}, "active": {"1"}}); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("criterion: %d", r.StatusCode)
		}
		page := admin.Get("/verwaltung/aufnahmekriterien")
		if !strings.Contains(string(page.Body), "Mehrere Bedarfe") {
			t.Error("the criterion is not listed")
		}
		crit := must[[]casework.Criterion](t)(s.Criteria(ctx, fx.Users[access.CaseManager].Actor("alpha"), false))
		if len(crit) != 1 {
			t.Fatalf("criteria: %v", crit)
		}
		cm := fx.Users[access.CaseManager].Actor("alpha")
		child := must[*casework.Intake](t)(s.CreateClient(ctx, cm, casework.ClientInput{FamilyName: "Kind", GivenNames: "Lina", BirthDate: "2015", Acknowledged: true}))
		_, err := s.UpdateAdmission(ctx, cm, fx.CaseA1.ID, casework.AdmissionInput{AccessRoute: "self", Admission: []string{"nonsense"}}, "")
		if errs.As(err).Fields["admission_criteria_met"].ID == "" {
			t.Errorf("unknown criterion: %v", err)
		}
		if _, err := s.UpdateAdmission(ctx, cm, fx.CaseA1.ID, casework.AdmissionInput{AccessRoute: "self", Members: []string{fx.ClientA2.ID}}, ""); errs.As(err).Fields["member_client_ids"].ID == "" {
			t.Errorf("a client of another organisation as participant: %v", err)
		}
		c := must[*casework.Case](t)(s.UpdateAdmission(ctx, cm, fx.CaseA1.ID, casework.AdmissionInput{AccessRoute: "jobcenter", Admission: []string{crit[0].ID},
			AdmissionNote: "Arbeit, Wohnen und Gesundheit betroffen", Urgency: "high", Members: []string{child.Client.ID}}, ""))
		if c.AccessRoute != "jobcenter" || len(c.Admission) != 1 || c.Urgency != "high" {
			t.Errorf("admission: %+v", c)
		}
		cf := must[*casework.CaseFile](t)(s.GetCaseFile(ctx, cm, fx.CaseA1.ID, ""))
		if len(cf.Case.Participants) != 2 || cf.Case.AdmissionNote != "Arbeit, Wohnen und Gesundheit betroffen" {
			t.Errorf("participants %v, note %q", cf.Case.Participants, cf.Case.AdmissionNote)
		}
		if _, err := s.UpdateAdmission(ctx, fx.MemberA2.Actor("alpha"), fx.CaseA1.ID, casework.AdmissionInput{AccessRoute: "self"}, ""); errs.CodeOf(err) != errs.NotFound {
			t.Errorf("another organisation: %v", err)
		}
		c2 := env.Client()
		c2.Login(access.CaseManager)
		if r := c2.Get("/faelle/" + fx.CaseA1.ID); !strings.Contains(string(r.Body), "Arbeit, Wohnen und Gesundheit betroffen") || !strings.Contains(string(r.Body), "Mehrere Bedarfe") {
			t.Error("the case page does not show the admission")
		}
	})
}
