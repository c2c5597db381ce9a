package steering

import (
	"context"
	"slices"
	"strconv"

	"kim/internal/offers"
	"kim/internal/platform/access"
	"kim/internal/platform/db"
	"kim/internal/platform/errs"
	"kim/internal/platform/ids"
)

// The link between recommendations and the offers they created or changed: the offer directory
// calls LinkOffer inside its own transaction when an offer is created from a recommendation, and
// OriginsOf to show where an offer comes from (offers.Origins).

var _ offers.Origins = (*Service)(nil)

// OfferKinds are the ways a recommendation shaped an offer.
var OfferKinds = []string{"created", "changed"}

// LinkOffer records, in the caller's transaction, that the recommendation created or changed
// (kind) the offer. A recommendation the actor may not see, or one not adopted, is refused with
// a validation error on field "recommendation_id"; an offer not of the tenant, or archived, on
// "offer_id". An existing link stays as it is (an offer created by a recommendation and later
// saved again from it stays "created").
//
// Who links: the coordination (who manages recommendations) any offer to any adopted
// recommendation; anyone else who keeps offers — a team lead, for the offers of the own
// organisation, which the offer directory checks — only to a recommendation that names the
// own organisation among the responsible ones: a partner implements what it was asked to, it
// does not claim other recommendations.
func (s *Service) LinkOffer(ctx context.Context, tx *db.Tx, actor access.Actor, recommendationID, offerID, kind string) error {
	_, err := s.linkOffer(ctx, tx, actor, recommendationID, offerID, kind)
	return err
}

// linkOffer is LinkOffer; it reports whether a new link was stored.
func (s *Service) linkOffer(ctx context.Context, tx *db.Tx, actor access.Actor, recommendationID, offerID, kind string) (bool, error) {
	if !slices.Contains(OfferKinds, kind) {
		return false, themeFail("kind", "validation.choice")
	}
	if !access.Allowed(actor, KindRecommendation, access.View) || !ids.Valid(recommendationID) {
		return false, themeFail("recommendation_id", "steering.rec.link_unknown")
	}
	own, ownArgs := ownThemes(actor, "r.theme_id", 3)
	var status string
	err := tx.QueryRowContext(ctx, "SELECT r.status FROM recommendations r WHERE r.tenant_id = $1 AND r.id = $2 AND "+own,
		append([]any{actor.TenantID, recommendationID}, ownArgs...)...).Scan(&status)
	if loopNoRows(err) {
		return false, themeFail("recommendation_id", "steering.rec.link_unknown")
	}
	if err != nil {
		return false, err
	}
	if !RecInForce(status) {
		return false, themeFail("recommendation_id", "steering.rec.link_not_adopted")
	}
	if !access.Allowed(actor, KindRecommendation, access.Manage) {
		ok, err := loopExists(ctx, tx, `SELECT 1 FROM recommendation_orgs WHERE tenant_id = $1 AND recommendation_id = $2
			AND CAST(organisation_id AS TEXT) = $3`, actor.TenantID, recommendationID, actor.OrganisationID)
		if err != nil {
			return false, err
		}
		if !ok {
			return false, themeFail("recommendation_id", "steering.rec.link_not_responsible")
		}
	}
	if !ids.Valid(offerID) {
		return false, themeFail("offer_id", "validation.choice")
	}
	var archived bool
	err = tx.QueryRowContext(ctx, "SELECT archived_at IS NOT NULL FROM offers WHERE tenant_id = $1 AND id = $2", actor.TenantID, offerID).Scan(&archived)
	switch {
	case loopNoRows(err):
		return false, themeFail("offer_id", "validation.choice")
	case err != nil:
		return false, err
	case archived:
		return false, themeFail("offer_id", "steering.rec.link_archived")
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO recommendation_offers (tenant_id, recommendation_id, offer_id, kind, linked_at)
		VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`, actor.TenantID, recommendationID, offerID, kind, tx.Now)
	if err != nil {
		return false, err
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return false, err
	}
	return true, s.loopAudit(ctx, tx, actor, "recommendation.link_offer", "recommendation", recommendationID, map[string]string{"offer": offerID, "kind": kind})
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
	seen := make(map[string]bool, len(list))
	var out []string
	for _, id := range list {
		if ids.Valid(id) && !seen[id] {
			seen[id] = true
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

// offerInfo returns titles and organisations of offers through the offer directory's
// OfferFacts (none when it is not wired).
func (s *Service) offerInfo(ctx context.Context, tx *db.Tx, tenantID string, offerIDs []string) (map[string]OfferInfo, error) {
	if s.Offers == nil {
		return map[string]OfferInfo{}, nil
	}
	return s.Offers.Titles(ctx, tx, tenantID, offerIDs)
}

// referralCounts returns the number of referrals per offer through case management's CaseFacts
// (none when it is not wired).
func (s *Service) referralCounts(ctx context.Context, tx *db.Tx, tenantID string, offerIDs []string) (map[string]int, error) {
	if s.Cases == nil {
		return map[string]int{}, nil
	}
	return s.Cases.ReferralCounts(ctx, tx, tenantID, offerIDs)
}

// offerChoicesMax is how many offers the choice of an existing offer lists at most.
const offerChoicesMax = 300

// OfferChoices lists the tenant's offers that are not archived and not yet linked to the
// recommendation (to link to it), the first offerChoicesMax by title; more reports whether
// there are further ones.
func (s *Service) OfferChoices(ctx context.Context, actor access.Actor, recommendationID string) (out []Choice, more bool, err error) {
	if err := access.Check(actor, KindRecommendation, access.Manage); err != nil {
		return nil, false, err
	}
	err = s.DB.Read(ctx, func(tx *db.Tx) (err error) {
		out, err = loopRows(ctx, tx, func(sc loopScanner, c *Choice) error { return sc.Scan(&c.ID, &c.Label, &c.Detail) },
			`SELECT o.id, o.title, org.name FROM offers o JOIN organisations org ON org.tenant_id = o.tenant_id AND org.id = o.organisation_id
			WHERE o.tenant_id = $1 AND o.archived_at IS NULL AND NOT EXISTS (SELECT 1 FROM recommendation_offers ro
				WHERE ro.tenant_id = o.tenant_id AND ro.offer_id = o.id AND CAST(ro.recommendation_id AS TEXT) = $2)
			ORDER BY lower(o.title), o.id LIMIT `+strconv.Itoa(offerChoicesMax+1), actor.TenantID, recommendationID)
		return err
	})
	if more = len(out) > offerChoicesMax; more {
		out = out[:offerChoicesMax]
	}
	return out, more, err
}

// LinkExistingOffer links an existing offer to an adopted recommendation as changed by it.
func (s *Service) LinkExistingOffer(ctx context.Context, actor access.Actor, id, offerID string) error {
	if err := access.Guard(actor, KindRecommendation, access.Manage, id, 0); err != nil {
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
		linked, err := s.linkOffer(ctx, tx, actor, r.ID, offerID, "changed")
		if err == nil && !linked {
			err = themeFail("offer_id", "steering.rec.offer_already_linked")
		}
		return err
	})
}
