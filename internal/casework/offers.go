package casework

import (
	"context"

	"kim/internal/platform/access"
	"kim/internal/platform/db"
	"kim/internal/platform/web"
)

// OfferCatalogue is what case management needs of the offer directory (the offers room,
// wired in internal/app): the offers a referral can name.
type OfferCatalogue interface {
	// ActiveOffers lists the tenant's offers shown in the directory today, except those of
	// organisation exceptOrgID, by organisation and title, at most limit of them.
	ActiveOffers(ctx context.Context, tx *db.Tx, tenantID, exceptOrgID string, limit int) ([]OfferRef, error)
	// Offers returns the given offers of the tenant, shown today or not; unknown ids are
	// left out.
	Offers(ctx context.Context, tx *db.Tx, tenantID string, ids []string) (map[string]OfferRef, error)
}

// OfferRef is an offer as a referral names it.
type OfferRef struct {
	ID, Title, OrganisationID, Organisation string
	Active                                  bool // shown in the directory today
}

// OfferGroup is one organisation's offers in the referral form.
type OfferGroup struct {
	Organisation string
	Offers       []web.Option
}

// MaxReferralOffers is the most offers the referral form lists; beyond them the form names
// the organisation instead.
const MaxReferralOffers = 300

// ReferralOffers returns the offers the actor's referrals can name, grouped by organisation:
// the tenant's offers shown today, those of the actor's own organisation left out (a referral
// goes to another organisation), at most MaxReferralOffers; more reports further ones.
func (s *Service) ReferralOffers(ctx context.Context, actor access.Actor) (groups []OfferGroup, more bool, err error) {
	if s.Offers == nil || actor.Anonymous() {
		return nil, false, nil
	}
	err = s.DB.Read(ctx, func(tx *db.Tx) error {
		list, err := s.Offers.ActiveOffers(ctx, tx, actor.TenantID, actor.OrganisationID, MaxReferralOffers+1)
		if len(list) > MaxReferralOffers {
			list, more = list[:MaxReferralOffers], true
		}
		for _, o := range list {
			if o.OrganisationID == actor.OrganisationID {
				continue
			}
			if len(groups) == 0 || groups[len(groups)-1].Organisation != o.Organisation {
				groups = append(groups, OfferGroup{Organisation: o.Organisation})
			}
			g := &groups[len(groups)-1]
			g.Offers = append(g.Offers, web.Option{Value: o.ID, Label: o.Title})
		}
		return err
	})
	return groups, more, err
}

// referralOffer checks the offer a referral names: an offer of the tenant shown today, of
// another organisation than the case's. Its organisation becomes the referral's; an
// organisation named as well must be the same.
func (s *Service) referralOffer(ctx context.Context, tx *db.Tx, c *Case, in *ReferralInput) error {
	if in.OfferID == "" {
		return nil
	}
	if s.Offers == nil {
		return fieldErr("offer_id", "validation.not_found")
	}
	m, err := s.Offers.Offers(ctx, tx, c.TenantID, []string{in.OfferID})
	if err != nil {
		return err
	}
	o, ok := m[in.OfferID]
	switch {
	case !ok:
		return fieldErr("offer_id", "validation.not_found")
	case !o.Active:
		return fieldErr("offer_id", "casework.referral_offer.inactive")
	case in.OrganisationID != "" && in.OrganisationID != o.OrganisationID:
		return fieldErr("organisation_id", "casework.referral_offer.other_organisation")
	case o.OrganisationID == c.OrganisationID:
		return fieldErr("offer_id", "casework.referral_offer.own_organisation")
	}
	in.OrganisationID = o.OrganisationID
	return nil
}

// offerTitles fills in the titles of the offers the referrals name.
func (s *Service) offerTitles(ctx context.Context, tx *db.Tx, rs []Referral) error {
	if s.Offers == nil {
		return nil
	}
	byTenant := map[string][]string{}
	for _, r := range rs {
		if r.OfferID != "" {
			byTenant[r.TenantID] = append(byTenant[r.TenantID], r.OfferID)
		}
	}
	for tenantID, offerIDs := range byTenant {
		m, err := s.Offers.Offers(ctx, tx, tenantID, offerIDs)
		if err != nil {
			return err
		}
		for i := range rs {
			if rs[i].TenantID == tenantID && rs[i].OfferID != "" {
				rs[i].OfferTitle = m[rs[i].OfferID].Title
			}
		}
	}
	return nil
}
