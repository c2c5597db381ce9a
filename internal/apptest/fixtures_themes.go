package apptest

import (
	"context"
	"testing"

	"kim/internal/app"
	"kim/internal/platform/access"
	"kim/internal/steering"
)

// ThemeFixtures are themes and recommendations in both tenants: ThemeA (tenant alpha, a
// candidate merged by the coordination from the barrier report ReportA1), ThemeB (tenant beta,
// from ReportB1); RecommendationA a draft for ThemeA by the body-member fixture for the steering
// group BodyA (of which that account is a member), RecommendationB a draft for ThemeB by BodyB.
type ThemeFixtures struct {
	ThemeA, ThemeB                   *steering.Theme
	RecommendationA, RecommendationB *steering.Recommendation
}

func (f *Fixtures) seedThemes(t testing.TB, a *app.App) {
	t.Helper()
	ctx := context.Background()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("theme fixtures: %v", err)
		}
	}
	s := a.Steering
	theme := func(actor access.Actor, reportID, title, domain string) *steering.Theme {
		t.Helper()
		id, err := s.Merge(ctx, actor, steering.MergeInput{ReportIDs: []string{reportID}, Mode: "new",
			New: steering.ThemeInput{Title: title, LifeDomain: domain, Description: "Aus den Problemanzeigen der Fallarbeit."}})
		must(err)
		v, err := s.GetTheme(ctx, actor, id)
		must(err)
		return v.Theme
	}
	coordA, sysB := f.Users[access.Coordinator].Actor("alpha"), access.System(f.TenantB.ID)
	f.Themes.ThemeA = theme(coordA, f.Barriers.ReportA1.ID, "Kinderbetreuung während der Sprachkurse", "language")
	f.Themes.ThemeB = theme(sysB, f.Barriers.ReportB1.ID, "Wohnraum für große Familien", "housing")
	rec := func(actor access.Actor, themeID string, in steering.RecInput) *steering.Recommendation {
		t.Helper()
		id, err := s.CreateRecommendation(ctx, actor, themeID, in)
		must(err)
		v, err := s.GetRecommendation(ctx, actor, id)
		must(err)
		return v.Rec
	}
	f.Themes.RecommendationA = rec(f.Users[access.BodyMember].Actor("alpha"), f.Themes.ThemeA.ID, steering.RecInput{
		Title: "Kinderbetreuung parallel zum Integrationskurs", BodyID: f.Bodies.BodyA.ID, OrganisationIDs: []string{f.OrgA2.ID},
		Text: "Die Träger der Integrationskurse bieten in der Altstadt eine Kinderbetreuung während der Kurszeiten an.", DueDate: "2026-12-31",
		Indicators: "SPR-01"})
	f.Themes.RecommendationB = rec(sysB, f.Themes.ThemeB.ID, steering.RecInput{Title: "Wohnungsbörse für große Familien",
		BodyID: f.Bodies.BodyB.ID, Text: "Die Stadt Beta richtet eine Wohnungsbörse für Familien mit vier und mehr Kindern ein."})
}
