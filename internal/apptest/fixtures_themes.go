package apptest

import (
	"context"
	"testing"

	"kim/internal/app"
	"kim/internal/platform/access"
	"kim/internal/platform/db"
	"kim/internal/platform/ids"
	"kim/internal/steering"
)

// ThemeFixtures are themes and recommendations in both tenants: ThemeA (tenant alpha, a
// candidate merged by the coordination from the barrier report ReportA1 and assigned to the
// steering group BodyA, of which the body-member fixture account is a member), ThemeB (tenant
// beta, from ReportB1); RecommendationA a draft for ThemeA by the body-member fixture for BodyA,
// RecommendationB a draft for ThemeB by BodyB. ThemeOtherA is a theme of alpha without reports
// and without a body, RecommendationOtherA a draft for it by the working group BodyWorkA (in
// which the body-member fixture sits not): a body member sees neither (the scope "other-org"
// of the authorisation matrix stands for "another body's").
type ThemeFixtures struct {
	ThemeA, ThemeB, ThemeOtherA                            *steering.Theme
	RecommendationA, RecommendationB, RecommendationOtherA *steering.Recommendation
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
	get := func(actor access.Actor, id string) *steering.Theme {
		t.Helper()
		v, err := s.GetTheme(ctx, actor, id)
		must(err)
		return v.Theme
	}
	theme := func(actor access.Actor, reportID, title, domain string) *steering.Theme {
		t.Helper()
		id, err := s.Merge(ctx, actor, steering.MergeInput{ReportIDs: []string{reportID}, Mode: "new",
			New: steering.ThemeInput{Title: title, LifeDomain: domain, Description: "Aus den Problemanzeigen der Fallarbeit."}})
		must(err)
		return get(actor, id)
	}
	coordA, sysB := f.Users[access.Coordinator].Actor("alpha"), access.System(f.TenantB.ID)
	f.Themes.ThemeA = theme(coordA, f.Barriers.ReportA1.ID, "Kinderbetreuung während der Sprachkurse", "language")
	must(s.AssignBody(ctx, coordA, f.Themes.ThemeA.ID, f.Bodies.BodyA.ID))
	f.Themes.ThemeA = get(coordA, f.Themes.ThemeA.ID)
	f.Themes.ThemeB = theme(sysB, f.Barriers.ReportB1.ID, "Wohnraum für große Familien", "housing")
	// A theme without reports (merging needs one) is stored directly, with its creation event.
	other := ids.New()
	must(a.DB.Write(ctx, func(tx *db.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO themes (tenant_id, id, title, life_domain, status, created_by, created_at, updated_at)
			VALUES ($1, $2, 'Öffnungszeiten der Ämter', 'participation', 'candidate', $3, $4, $4)`, f.TenantA.ID, other, coordA.UserID, tx.Now); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO theme_events (tenant_id, id, theme_id, from_status, to_status, actor_id, at)
			VALUES ($1, $2, $3, '', 'candidate', $4, $5)`, f.TenantA.ID, ids.New(), other, coordA.UserID, tx.Now)
		return err
	}))
	f.Themes.ThemeOtherA = get(coordA, other)
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
		Indicators: "new_cases"})
	f.Themes.RecommendationB = rec(sysB, f.Themes.ThemeB.ID, steering.RecInput{Title: "Wohnungsbörse für große Familien",
		BodyID: f.Bodies.BodyB.ID, Text: "Die Stadt Beta richtet eine Wohnungsbörse für Familien mit vier und mehr Kindern ein."})
	f.Themes.RecommendationOtherA = rec(coordA, other, steering.RecInput{Title: "Abendsprechstunden im Bürgerbüro",
		BodyID: f.Bodies.BodyWorkA.ID, Text: "Das Bürgerbüro bietet einmal in der Woche eine Sprechstunde bis 19 Uhr an."})
}
