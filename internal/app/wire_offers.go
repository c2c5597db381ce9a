package app

import (
	"context"

	"kim/internal/casework"
	"kim/internal/offers"
	"kim/internal/platform/db"
	"kim/internal/steering"
)

// wireOffers connects the offer directory: the active tenants for its public pages,
// casework's offer catalogue for referrals and the steering room's view of offers.
func (a *App) wireOffers() {
	a.Offers.Tenants = func(ctx context.Context) ([]offers.Tenant, error) {
		ts, err := a.Dir.ActiveTenants(ctx)
		out := make([]offers.Tenant, len(ts))
		for i, t := range ts {
			out[i] = offers.Tenant{ID: t.ID, Slug: t.Slug, Name: t.Name}
		}
		return out, err
	}
	a.Cases.Offers = offerCatalogue{a.Offers}
	a.Steering.Offers = offerFacts{a.Offers}
}

// offerCatalogue gives case management the offers a referral can name.
type offerCatalogue struct{ s *offers.Service }

func offerRef(o offers.Summary) casework.OfferRef {
	return casework.OfferRef{ID: o.ID, Title: o.Title, OrganisationID: o.OrganisationID, Organisation: o.Organisation, Active: o.Active}
}

func (c offerCatalogue) ActiveOffers(ctx context.Context, tx *db.Tx, tenantID, exceptOrgID string, limit int) ([]casework.OfferRef, error) {
	list, err := c.s.ActiveSummaries(ctx, tx, tenantID, exceptOrgID, limit)
	out := make([]casework.OfferRef, len(list))
	for i, o := range list {
		out[i] = offerRef(o)
	}
	return out, err
}

func (c offerCatalogue) Offers(ctx context.Context, tx *db.Tx, tenantID string, ids []string) (map[string]casework.OfferRef, error) {
	m, err := c.s.Summaries(ctx, tx, tenantID, ids)
	out := make(map[string]casework.OfferRef, len(m))
	for id, o := range m {
		out[id] = offerRef(o)
	}
	return out, err
}

// offerFacts gives the steering loop the titles of offers (news page, loop view).
type offerFacts struct{ s *offers.Service }

func (f offerFacts) Titles(ctx context.Context, tx *db.Tx, tenantID string, ids []string) (map[string]steering.OfferInfo, error) {
	m, err := f.s.Summaries(ctx, tx, tenantID, ids)
	out := make(map[string]steering.OfferInfo, len(m))
	for id, o := range m {
		out[id] = steering.OfferInfo{ID: o.ID, Title: o.Title, Organisation: o.Organisation, Published: o.Active, CreatedAt: o.CreatedAt}
	}
	return out, err
}
