package casework

import (
	"context"
	"errors"
	"slices"

	"kim/internal/platform/access"
	"kim/internal/platform/db"
	"kim/internal/platform/errs"
	"kim/internal/platform/ids"
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
			k, err := s.getConsent(ctx, tx, r.TenantID, r.ConsentID)
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
	if err := access.Guard(actor, KindIncoming, access.View, id, 0); err != nil {
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
	if err := access.Guard(actor, KindIncoming, access.Update, id, 0); err != nil {
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

// TakeOver opens a case in the actor's organisation for the client of a received referral (a
// transfer to another organisation under a consent). Only what the consent covers crosses: the
// name, birth date and languages with "master_data" (required), contact details with "contact",
// the residence status with "residence". The receiving organisation becomes controller of its
// own file; the sender closes its case when the handover is done. A client of the own
// organisation with the same name and birth date is used instead of a copy.
func (s *Service) TakeOver(ctx context.Context, actor access.Actor, id string) (*Case, error) {
	if err := access.Guard(actor, KindIncoming, access.Update, id, 0); err != nil {
		return nil, err
	}
	if err := access.Check(actor, KindCase, access.Create); err != nil {
		return nil, err
	}
	var (
		c *Case
		r *Referral
	)
	err := s.writeRetry(ctx, func(tx *db.Tx) (err error) {
		if r, err = s.incoming(ctx, tx, actor, access.Update, id); err != nil {
			return err
		}
		sh, err := s.share(ctx, tx, actor, r, "referral.take_over")
		if err != nil {
			return err
		}
		if !slices.Contains(sh.Consent.Categories, "master_data") {
			return errs.E(errs.Conflict, "casework.transfer.needs_master_data")
		}
		// Claim the referral first: answered and done in one step, so that a second take-over
		// at the same moment finds it done.
		if err := s.answer(ctx, tx, r, AnswerInput{Status: "accepted"}); err != nil {
			return err
		}
		if err := finishReferral(ctx, tx, r); err != nil {
			return err
		}
		src, err := getClient(ctx, tx, r.TenantID, r.ClientID)
		if err != nil {
			return err
		}
		clientID, err := s.receiveClient(ctx, tx, actor, src, sh)
		if err != nil {
			return err
		}
		in := CaseInput{ClientID: clientID, AccessRoute: "counselling", CaseManagerID: actor.UserID, Urgency: "normal", RequestedOn: valid.Today(tx.Now)}
		if c, err = s.insertCase(ctx, tx, actor, in); err != nil {
			return err
		}
		var receiver string
		if err := tx.QueryRowContext(ctx, "SELECT name FROM organisations WHERE tenant_id = $1 AND id = $2", actor.TenantID, actor.OrganisationID).Scan(&receiver); err != nil {
			return err
		}
		// The sender's history notes the handover.
		if err := s.event(ctx, tx, actor, r.CaseID, "transfer", "", "", receiver, ""); err != nil {
			return err
		}
		return s.log(ctx, tx, actor, "case.take_over", "case", c.ID, map[string]string{"referral": r.ID, "consent": r.ConsentID})
	})
	if errors.Is(err, errConsentEnded) {
		if err := s.denied(ctx, actor, r, "referral.take_over"); err != nil {
			return nil, err
		}
		return nil, errs.ErrNotFound
	}
	return c, err
}

// receiveClient finds the client in the actor's organisation (same name and birth date) or
// records the consented part of src there.
func (s *Service) receiveClient(ctx context.Context, tx *db.Tx, actor access.Actor, src *Client, sh *Shared) (string, error) {
	dups, err := s.similar(ctx, tx, actor.TenantID, actor.OrganisationID, true, src.Spellings(), "")
	if err != nil {
		return "", err
	}
	for _, d := range dups {
		if d.Client.BirthDate != "" && d.Client.BirthDate == src.BirthDate {
			return d.Client.ID, nil
		}
	}
	c := &Client{ID: ids.New(), TenantID: actor.TenantID, OrganisationID: actor.OrganisationID, Pseudonym: newPseudonym(),
		GivenNames: src.GivenNames, FamilyName: src.FamilyName, NameOriginal: src.NameOriginal, OtherSpellings: list(src.OtherSpellings),
		BirthDate: src.BirthDate, Sex: src.Sex, Languages: list(src.Languages), GermanLevel: src.GermanLevel, Interpreter: src.Interpreter,
		Nationalities: []string{}, OtherCM: []string{}, BenefitRegime: "unknown", CreatedAt: tx.Now, UpdatedAt: tx.Now, Version: 1}
	if sh.Phone != "" || sh.Email != "" {
		c.Phone, c.Email, c.Messenger = src.Phone, src.Email, src.Messenger
	}
	if err := insertClient(ctx, tx, c, actor.UserID); err != nil {
		return "", err
	}
	if err := s.Names.Put(ctx, tx, c.TenantID, c.ID, c.OrganisationID, c.Spellings()); err != nil {
		return "", err
	}
	for _, rs := range sh.Residence {
		if _, err := tx.ExecContext(ctx, `INSERT INTO residence_statuses (tenant_id, id, client_id, type, legal_basis, issued_on,
			valid_until, document_expiry, source, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
			c.TenantID, ids.New(), c.ID, rs.Type, rs.LegalBasis, rs.IssuedOn, rs.ValidUntil, rs.DocumentExpiry, rs.Source, actor.UserID, tx.Now); err != nil {
			return "", err
		}
	}
	return c.ID, s.log(ctx, tx, actor, "client.create", "client", c.ID, map[string]string{"from_referral": sh.Referral.ID})
}
