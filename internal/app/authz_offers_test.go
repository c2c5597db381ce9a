package app_test

import (
	"context"
	"net/http"
	"strings"

	"kim/internal/apptest"
	"kim/internal/offers"
	"kim/internal/platform/access"
)

// liveTokens remembers the runners whose fixture tokens were renewed for the public API rows.
var liveTokens = map[*matrixRunner]bool{}

func init() {
	// An offer's {id}: OfferA1 (own organisation), OfferA2 (other organisation), OfferB1
	// (other tenant), on the staff pages, the public page and the public API. Archiving uses a
	// fresh published offer of the scope's organisation per request.
	matrixTargets = append(matrixTargets, func(m *matrixRunner, r matrixRow, caller string) (string, bool) {
		if !strings.HasPrefix(r.path, "/angebote/") && !strings.HasPrefix(r.path, "/api/v1/offers/") {
			return "", false
		}
		fx := m.fx
		if strings.HasPrefix(r.path, "/api/") && !liveTokens[m] {
			// The token revocation rows of authz_matrix.tsv revoke the oldest token of the
			// caller, which under the fixed fixture clock is the fixture token itself; the API
			// rows of this file run later and need live tokens.
			for role := range fx.Tokens {
				tok, err := m.env.App.Accounts.TokenFor(context.Background(), fx.TenantA.ID, fx.TenantA.Slug, apptest.Email(role), "matrix offers", 0)
				m.must(err)
				fx.Tokens[role] = tok
			}
			liveTokens[m] = true
		}
		if r.method == http.MethodPost && strings.HasSuffix(r.path, "/archivieren") {
			tenant, org, district := fx.TenantA.ID, pick(r, fx.OrgA1.ID, fx.OrgA2.ID, fx.OrgB1.ID), fx.DistrictA.ID
			if r.scope == "other-tenant" {
				tenant, district = fx.TenantB.ID, fx.DistrictB.ID
			}
			sys := access.System(tenant)
			o, err := m.env.App.Offers.Create(context.Background(), sys, offers.Input{OrganisationID: org, Title: m.name("Wegwerfangebot"),
				LifeDomains: []string{"work"}, Languages: []string{"de"}, DistrictIDs: []string{district}})
			m.must(err)
			_, err = m.env.App.Offers.SetPublished(context.Background(), sys, o.ID, true, 0)
			m.must(err)
			return o.ID, true
		}
		return pick(r, fx.Offers.OfferA1.ID, fx.Offers.OfferA2.ID, fx.Offers.OfferB1.ID), true
	})
}
