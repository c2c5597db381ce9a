package apptest

import (
	"context"
	"testing"

	"kim/internal/app"
	"kim/internal/platform/access"
	"kim/internal/steering"
)

// BarrierFixtures are barrier reports in every scope: ReportA1 by the case-manager fixture
// from CaseA1 (organisation A1), ReportA2 by MemberA2 from CaseA2 (A2), ReportB1 by MemberB1
// from CaseB1 (tenant beta). Each names the recipient organisation of its case's referral.
type BarrierFixtures struct {
	ReportA1, ReportA2, ReportB1 *steering.Report
}

func (f *Fixtures) seedBarriers(t testing.TB, a *app.App) {
	t.Helper()
	ctx := context.Background()
	file := func(actor access.Actor, caseID string, in steering.ReportInput) *steering.Report {
		t.Helper()
		r, err := a.Steering.FileReport(ctx, actor, caseID, in)
		if err != nil {
			t.Fatalf("fixtures: barrier report: %v", err)
		}
		return r
	}
	f.Barriers.ReportA1 = file(f.Users[access.CaseManager].Actor("alpha"), f.CaseA1.ID, steering.ReportInput{LifeDomain: "language",
		Type: "no_offer_capacity", Organisations: []string{f.OrgA2.ID}, LegalDomains: []string{"sgb2"},
		Description: "Für Eltern im Integrationskurs fehlt eine Kinderbetreuung; die Wartelisten der Kitas sind lang."})
	f.Barriers.ReportA2 = file(f.MemberA2.Actor("alpha"), f.CaseA2.ID, steering.ReportInput{LifeDomain: "residence",
		Type: "procedure_duration", Organisations: []string{f.OrgA1.ID},
		Description: "Die Verlängerung von Aufenthaltstiteln dauert mehrere Monate; Arbeitgeber zögern deshalb."})
	f.Barriers.ReportB1 = file(f.MemberB1.Actor("beta"), f.CaseB1.ID, steering.ReportInput{LifeDomain: "housing",
		Type: "no_offer_capacity", Organisations: []string{f.ReferralB1.ToOrgID},
		Description: "Im Quartier Hafen gibt es keine bezahlbaren Wohnungen für große Familien."})
}
