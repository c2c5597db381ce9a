package app_test

import (
	"context"
	"strings"

	"kim/internal/casework"
)

func init() {
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
