package app_test

import (
	"context"
	"strings"

	"kim/internal/casework"
	"kim/internal/platform/access"
)

func init() {
	// The sender records an answer on its own referral.
	matrixTargets = append(matrixTargets, func(m *matrixRunner, r matrixRow, caller string) (string, bool) {
		if !strings.HasPrefix(r.path, "/vermittlungen/") || !strings.HasSuffix(r.path, "/antwort") {
			return "", false
		}
		return pick(r, m.fx.ReferralA1.ID, m.fx.ReferralA2.ID, m.fx.ReferralB1.ID), true
	})
	// Admission criteria: a fresh one of the scope's tenant (they belong to the tenant).
	matrixTargets = append(matrixTargets, func(m *matrixRunner, r matrixRow, caller string) (string, bool) {
		if !strings.HasPrefix(r.path, "/verwaltung/aufnahmekriterien/") {
			return "", false
		}
		tenant := m.fx.TenantA.ID
		if r.scope == "other-tenant" {
			tenant = m.fx.TenantB.ID
		}
		c, err := m.env.App.Cases.SaveCriterion(context.Background(), access.System(tenant), "", casework.CriterionInput{Label: m.name("Kriterium"), Active: true})
		m.must(err)
		return c.ID, true
	})
	// Taking a referral over uses it up: a fresh referral to A1 (the receiver is the caller's
	// organisation in scope own) from a case of A2; other-org: to A2 from A1; other-tenant: beta.
	matrixTargets = append(matrixTargets, func(m *matrixRunner, r matrixRow, caller string) (string, bool) {
		if !strings.HasSuffix(r.path, "/uebernehmen") {
			return "", false
		}
		fx := m.fx
		actor := map[string]access.Actor{"own": fx.MemberA2.Actor("alpha"), "other-org": fx.Users[access.CaseManager].Actor("alpha"),
			"other-tenant": fx.MemberB1.Actor("beta")}[r.scope]
		kase := pick(r, fx.CaseA2.ID, fx.CaseA1.ID, fx.CaseB1.ID)
		consent := pick(r, fx.ConsentA2.ID, fx.ConsentA1.ID, fx.ConsentB1.ID)
		to := pick(r, fx.OrgA1.ID, fx.OrgA2.ID, fx.ReferralB1.ToOrgID)
		ref, err := m.env.App.Cases.AddReferral(context.Background(), actor, kase, casework.ReferralInput{OrganisationID: to, ConsentID: consent}, "")
		m.must(err)
		return ref.ID, true
	})
	// A partner link's {id} is its secret token: a fresh link to a referral of the scope's
	// organisation. The page is public; it shows what the consent covers to whoever holds it.
	matrixTargets = append(matrixTargets, func(m *matrixRunner, r matrixRow, caller string) (string, bool) {
		if !strings.HasPrefix(r.path, "/partner/") {
			return "", false
		}
		fx := m.fx
		kase := pick(r, fx.CaseA1.ID, fx.CaseA2.ID, fx.CaseB1.ID)
		consent := pick(r, fx.ConsentA1.ID, fx.ConsentA2.ID, fx.ConsentB1.ID)
		to := pick(r, fx.OrgA2.ID, fx.OrgA1.ID, fx.ReferralB1.ToOrgID)
		ref, err := m.env.App.Cases.AddReferral(context.Background(), m.scopeActor(r), kase,
			casework.ReferralInput{OrganisationID: to, ConsentID: consent, PartnerLink: true}, "")
		m.must(err)
		return ref.PartnerLink, true
	})
}
