package app_test

import (
	"context"
	"net/http"
	"strings"

	"kim/internal/offers"
	"kim/internal/platform/access"
)

func init() {
	// An offer's {id}: OfferA1 (own organisation), OfferA2 (other organisation), OfferB1
	// (other tenant), on the staff pages, the public page and the public API. Archiving uses a
	// fresh published offer of the scope's organisation per request.
	matrixTargets = append(matrixTargets, func(m *matrixRunner, r matrixRow, caller string) (string, bool) {
		if !strings.HasPrefix(r.path, "/angebote/") && !strings.HasPrefix(r.path, "/api/v1/offers/") {
			return "", false
		}
		fx := m.fx
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
