package casework

import (
	"context"
	"errors"

	"kim/internal/platform/access"
	"kim/internal/platform/db"
	"kim/internal/platform/errs"
	"kim/internal/platform/valid"
)

// Incoming lists the referrals the actor's organisation received whose consent allows sharing
// today. A revoked or expired consent removes the referral from the list at once.
func (s *Service) Incoming(ctx context.Context, actor access.Actor) ([]Referral, error) {
	if err := access.Check(actor, KindIncoming, access.List); err != nil {
		return nil, err
	}
	var out []Referral
	err := s.DB.Read(ctx, func(tx *db.Tx) error {
		rs, err := s.scanReferrals(ctx, tx, "r.tenant_id = $1 AND r.to_org_id = $2 AND r.status <> 'done'", actor.TenantID, actor.OrganisationID)
		if err != nil {
			return err
		}
		today := valid.Today(tx.Now)
		for _, r := range rs {
			k, err := getConsent(ctx, tx, r.TenantID, r.ConsentID)
			if err != nil {
				return err
			}
			if k.ValidOn(today) && k.Covers(r.ToOrgID) {
				r.Message, r.AnswerNote = "", ""
				out = append(out, r)
			}
		}
		return nil
	})
	return out, err
}

// incoming loads a referral received by the actor's organisation (404 otherwise).
func (s *Service) incoming(ctx context.Context, tx *db.Tx, actor access.Actor, a access.Action, id string) (*Referral, error) {
	rs, err := s.scanReferrals(ctx, tx, "r.tenant_id = $1 AND r.id = $2", actor.TenantID, id)
	if err != nil {
		return nil, err
	}
	if len(rs) == 0 {
		return nil, errs.ErrNotFound
	}
	r := &rs[0]
	if err := access.Can(actor, a, access.Resource{Kind: KindIncoming, TenantID: r.TenantID, OrganisationID: r.ToOrgID}); err != nil {
		return nil, err
	}
	return r, nil
}

// IncomingReferral shows a received referral with what its consent covers, checked now; the
// access is written to the audit trail as a crossing of organisations.
func (s *Service) IncomingReferral(ctx context.Context, actor access.Actor, id string) (*Shared, error) {
	if err := guard(actor, KindIncoming, access.View, id, 0); err != nil {
		return nil, err
	}
	var (
		sh *Shared
		r  *Referral
	)
	err := s.DB.Write(ctx, func(tx *db.Tx) (err error) {
		if r, err = s.incoming(ctx, tx, actor, access.View, id); err != nil {
			return err
		}
		sh, err = s.share(ctx, tx, actor, r, "referral.cross_view")
		return err
	})
	if errors.Is(err, errConsentEnded) {
		if err := s.denied(ctx, actor, r, "referral.cross_view"); err != nil {
			return nil, err
		}
		return nil, errs.ErrNotFound
	}
	return sh, err
}

// AnswerIncoming records the receiving organisation's answer to a referral.
func (s *Service) AnswerIncoming(ctx context.Context, actor access.Actor, id string, in AnswerInput) error {
	if err := guard(actor, KindIncoming, access.Update, id, 0); err != nil {
		return err
	}
	var r *Referral
	err := s.DB.Write(ctx, func(tx *db.Tx) (err error) {
		if r, err = s.incoming(ctx, tx, actor, access.Update, id); err != nil {
			return err
		}
		if err := in.Validate(); err != nil {
			return err
		}
		if _, err := s.share(ctx, tx, actor, r, "referral.cross_answer"); err != nil {
			return err
		}
		return s.answer(ctx, tx, r, in)
	})
	if errors.Is(err, errConsentEnded) {
		if err := s.denied(ctx, actor, r, "referral.cross_answer"); err != nil {
			return err
		}
		return errs.ErrNotFound
	}
	return err
}
