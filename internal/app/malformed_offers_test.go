package app_test

import "kim/internal/platform/access"

func init() {
	// The staff pages that keep offers: the coordination. The public directory and API need
	// no caller.
	staffCallers = append(staffCallers, callerArea{"/angebote/verwaltung", access.Coordinator})
	targetAreas = append(targetAreas,
		func(p *prober) ([]string, target) {
			return []string{"/angebote/verwaltung"}, target{own: p.fx.Offers.OfferA1.ID, foreign: p.fx.Offers.OfferB1.ID}
		},
		// Published offers are public: a link to another tenant's offer leads there (303 to
		// the page that names its municipality).
		func(p *prober) ([]string, target) {
			return []string{"/angebote", "/api/v1/offers"}, target{own: p.fx.Offers.OfferA1.ID, foreign: p.fx.Offers.OfferB1.ID, foreignVisible: true}
		})
}
