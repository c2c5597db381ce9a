package steering

import (
	"context"
	"slices"
	"time"

	"kim/internal/offers"
	"kim/internal/platform/access"
	"kim/internal/platform/db"
	"kim/internal/platform/errs"
	"kim/internal/platform/ids"
	"kim/internal/platform/valid"
)

// The link between recommendations and the offers they created or changed: the offer directory
// calls LinkOffer inside its own transaction when an offer is created from a recommendation, and
// OriginsOf to show where an offer comes from (offers.Origins).

var _ offers.Origins = (*Service)(nil)

// OfferKinds are the ways a recommendation shaped an offer.
var OfferKinds = []string{"created", "changed"}

// LinkOffer records, in the caller's transaction, that the recommendation created or changed
// (kind) the offer. A recommendation the actor may not see, or one not adopted, is refused with
// a validation error on field "recommendation_id"; an offer not of the tenant on "offer_id".
func (s *Service) LinkOffer(ctx context.Context, tx *db.Tx, actor access.Actor, recommendationID, offerID, kind string) error {
	if !slices.Contains(OfferKinds, kind) {
		return themeFail("kind", "validation.choice")
	}
	if !access.Allowed(actor, KindRecommendation, access.View) || !ids.Valid(recommendationID) {
		return themeFail("recommendation_id", "steering.rec.link_unknown")
	}
	var status string
	err := tx.QueryRowContext(ctx, "SELECT status FROM recommendations WHERE tenant_id = $1 AND id = $2", actor.TenantID, recommendationID).Scan(&status)
	if loopNoRows(err) {
		return themeFail("recommendation_id", "steering.rec.link_unknown")
	}
	if err != nil {
		return err
	}
	if !RecInForce(status) {
		return themeFail("recommendation_id", "steering.rec.link_not_adopted")
	}
	if !ids.Valid(offerID) {
		return themeFail("offer_id", "validation.choice")
	}
	if ok, err := loopExists(ctx, tx, "SELECT 1 FROM offers WHERE tenant_id = $1 AND id = $2", actor.TenantID, offerID); err != nil {
		return err
	} else if !ok {
		return themeFail("offer_id", "validation.choice")
	}
	res, err := tx.ExecContext(ctx, "UPDATE recommendation_offers SET kind = $1 WHERE tenant_id = $2 AND recommendation_id = $3 AND offer_id = $4",
		kind, actor.TenantID, recommendationID, offerID)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		if _, err := tx.ExecContext(ctx, `INSERT INTO recommendation_offers (tenant_id, recommendation_id, offer_id, kind, linked_at)
			VALUES ($1, $2, $3, $4, $5)`, actor.TenantID, recommendationID, offerID, kind, tx.Now); err != nil {
			return err
		}
	}
	return s.loopAudit(ctx, tx, actor, "recommendation.link_offer", "recommendation", recommendationID, map[string]string{"offer": offerID, "kind": kind})
}

// OriginsOf returns the recommendations linked to each of the given offers of the tenant.
func (s *Service) OriginsOf(ctx context.Context, tx *db.Tx, tenantID string, offerIDs []string) (map[string][]offers.Origin, error) {
	out := map[string][]offers.Origin{}
	list := validIDs(offerIDs)
	if len(list) == 0 {
		return out, nil
	}
	type row struct {
		offer string
		offers.Origin
	}
	rows, err := loopRows(ctx, tx, func(sc loopScanner, r *row) error { return sc.Scan(&r.offer, &r.RecommendationID, &r.Title, &r.Kind) },
		`SELECT ro.offer_id, r.id, r.title, ro.kind FROM recommendation_offers ro
		JOIN recommendations r ON r.tenant_id = ro.tenant_id AND r.id = ro.recommendation_id
		WHERE ro.tenant_id = $1 AND ro.offer_id IN (`+db.Placeholders(2, len(list))+`) ORDER BY ro.linked_at, r.id`, loopArgs([]any{tenantID}, list)...)
	for _, r := range rows {
		out[r.offer] = append(out[r.offer], r.Origin)
	}
	return out, err
}

// validIDs keeps the well-formed ids, without duplicates.
func validIDs(list []string) []string {
	var out []string
	for _, id := range list {
		if ids.Valid(id) && !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}

// recOffers returns, per recommendation, the offers it created or changed with their titles and
// the number of referrals to them (disclosed).
func (s *Service) recOffers(ctx context.Context, tx *db.Tx, tenantID string, recIDs []string) (map[string][]RecOffer, error) {
	out := map[string][]RecOffer{}
	if len(recIDs) == 0 {
		return out, nil
	}
	type row struct {
		rec string
		RecOffer
	}
	rows, err := loopRows(ctx, tx, func(sc loopScanner, r *row) error { return sc.Scan(&r.rec, &r.OfferID, &r.Kind, &r.LinkedAt) },
		`SELECT recommendation_id, offer_id, kind, linked_at FROM recommendation_offers
		WHERE tenant_id = $1 AND recommendation_id IN (`+db.Placeholders(2, len(recIDs))+`) ORDER BY linked_at, offer_id`, loopArgs([]any{tenantID}, recIDs)...)
	if err != nil || len(rows) == 0 {
		return out, err
	}
	var offerIDs []string
	for _, r := range rows {
		if !slices.Contains(offerIDs, r.OfferID) {
			offerIDs = append(offerIDs, r.OfferID)
		}
	}
	info, err := s.offerInfo(ctx, tx, tenantID, offerIDs)
	if err != nil {
		return nil, err
	}
	refs, err := s.referralCounts(ctx, tx, tenantID, offerIDs)
	if err != nil {
		return nil, err
	}
	for _, r := range rows {
		o := r.RecOffer
		i := info[o.OfferID]
		o.Title, o.Organisation, o.Published, o.Referrals = i.Title, i.Organisation, i.Published, Disclose(refs[o.OfferID])
		out[r.rec] = append(out[r.rec], o)
	}
	return out, nil
}

// offerInfo returns titles and organisations of offers: through the offer directory's
// OfferFacts when wired, else from the offers table.
func (s *Service) offerInfo(ctx context.Context, tx *db.Tx, tenantID string, offerIDs []string) (map[string]OfferInfo, error) {
	if s.Offers != nil {
		return s.Offers.Titles(ctx, tx, tenantID, offerIDs)
	}
	out := map[string]OfferInfo{}
	rows, err := loopRows(ctx, tx, func(sc loopScanner, o *OfferInfo) error {
		var at time.Time
		err := sc.Scan(&o.ID, &o.Title, &o.Organisation, &o.Published, &at)
		o.CreatedAt = at.In(valid.Berlin).Format(valid.DateLayout)
		return err
	}, `SELECT o.id, o.title, org.name, o.published, o.created_at FROM offers o
		JOIN organisations org ON org.tenant_id = o.tenant_id AND org.id = o.organisation_id
		WHERE o.tenant_id = $1 AND o.id IN (`+db.Placeholders(2, len(offerIDs))+`)`, loopArgs([]any{tenantID}, offerIDs)...)
	for _, o := range rows {
		out[o.ID] = o
	}
	return out, err
}

// referralCounts returns the number of referrals per offer: through case management's
// CaseFacts when wired, else counted in the referrals table (counts only, no case is read).
func (s *Service) referralCounts(ctx context.Context, tx *db.Tx, tenantID string, offerIDs []string) (map[string]int, error) {
	if s.Cases != nil {
		return s.Cases.ReferralCounts(ctx, tx, tenantID, offerIDs)
	}
	out := map[string]int{}
	type row struct {
		id string
		n  int
	}
	rows, err := loopRows(ctx, tx, func(sc loopScanner, r *row) error { return sc.Scan(&r.id, &r.n) },
		`SELECT CAST(offer_id AS TEXT), COUNT(*) FROM referrals WHERE tenant_id = $1 AND offer_id IN (`+db.Placeholders(2, len(offerIDs))+`)
		GROUP BY offer_id`, loopArgs([]any{tenantID}, offerIDs)...)
	for _, r := range rows {
		out[r.id] = r.n
	}
	return out, err
}

// OfferChoices lists the tenant's offers that are not archived (to link to a recommendation).
func (s *Service) OfferChoices(ctx context.Context, actor access.Actor) ([]Choice, error) {
	if err := access.Check(actor, KindRecommendation, access.Manage); err != nil {
		return nil, err
	}
	var out []Choice
	err := s.DB.Read(ctx, func(tx *db.Tx) (err error) {
		out, err = loopRows(ctx, tx, func(sc loopScanner, c *Choice) error { return sc.Scan(&c.ID, &c.Label, &c.Detail) },
			`SELECT o.id, o.title, org.name FROM offers o JOIN organisations org ON org.tenant_id = o.tenant_id AND org.id = o.organisation_id
			WHERE o.tenant_id = $1 AND o.archived_at IS NULL ORDER BY lower(o.title), o.id`, actor.TenantID)
		return err
	})
	return out, err
}

// LinkExistingOffer links an existing offer to an adopted recommendation as changed by it.
func (s *Service) LinkExistingOffer(ctx context.Context, actor access.Actor, id, offerID string) error {
	if err := loopGuard(actor, KindRecommendation, access.Manage, id, 0); err != nil {
		return err
	}
	return s.DB.Write(ctx, func(tx *db.Tx) error {
		r, err := s.loadRec(ctx, tx, actor, access.Manage, id, 0, true)
		if err != nil {
			return err
		}
		if !r.InForce() {
			return errs.E(errs.Conflict, "steering.rec.link_not_adopted")
		}
		if offerID == "" {
			return themeFail("offer_id", "validation.required")
		}
		return s.LinkOffer(ctx, tx, actor, r.ID, offerID, "changed")
	})
}
