package app

import (
	"context"
	"fmt"

	"kim/internal/casework"
	"kim/internal/platform/access"
	"kim/internal/platform/db"
	"kim/internal/platform/valid"
)

// demoReferralOffer is the offer the demo's adopted recommendation created; case managers of
// other organisations have referred clients to it, so that the loop view shows referrals.
const demoReferralOffer = "Sprachkurs mit Kinderbetreuung Ohligs"

// seedDemoOfferReferrals refers three clients each of cm.ki and cm.caritas to the new offer,
// under a consent naming its organisation (idempotent: nothing happens once one exists).
func (a *App) seedDemoOfferReferrals(ctx context.Context, tenantID string) error {
	var offerID, offerOrg string
	var done int
	type pick struct {
		actor          access.Actor
		cases, clients []string
	}
	var picks []pick
	err := a.DB.Read(ctx, func(tx *db.Tx) error {
		ids, err := demoColumn(ctx, tx, "SELECT CAST(id AS TEXT) || ' ' || CAST(organisation_id AS TEXT) FROM offers WHERE tenant_id = $1 AND title = $2", tenantID, demoReferralOffer)
		if err != nil || len(ids) == 0 {
			return err
		}
		if _, err := fmt.Sscan(ids[0], &offerID, &offerOrg); err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM referrals WHERE tenant_id = $1 AND offer_id = $2", tenantID, offerID).Scan(&done); err != nil {
			return err
		}
		for _, email := range []string{"cm.ki@solingen.example", "cm.caritas@solingen.example"} {
			p := pick{actor: access.Actor{TenantID: tenantID, TenantSlug: DemoTenant, Role: access.CaseManager, Email: email}}
			if err := tx.QueryRowContext(ctx, "SELECT CAST(id AS TEXT), CAST(organisation_id AS TEXT), name FROM users WHERE tenant_id = $1 AND email = $2",
				tenantID, email).Scan(&p.actor.UserID, &p.actor.OrganisationID, &p.actor.Name); err != nil {
				return fmt.Errorf("%s: %w", email, err)
			}
			rows, err := demoColumn(ctx, tx, `SELECT CAST(id AS TEXT) || ' ' || CAST(client_id AS TEXT) FROM cases WHERE tenant_id = $1 AND case_manager_id = $2
				AND status IN ('assessment', 'planning', 'implementation') ORDER BY case_number LIMIT 3`, tenantID, p.actor.UserID)
			if err != nil {
				return err
			}
			for _, r := range rows {
				var c, cl string
				if _, err := fmt.Sscan(r, &c, &cl); err != nil {
					return err
				}
				p.cases, p.clients = append(p.cases, c), append(p.clients, cl)
			}
			picks = append(picks, p)
		}
		return nil
	})
	if err != nil || offerID == "" || done > 0 {
		return err
	}
	now := a.DB.Clock.Now()
	today, until, due := valid.Today(now), valid.Today(now.AddDate(1, 0, 0)), valid.Today(now.AddDate(0, 0, 14))
	for _, p := range picks {
		for i, caseID := range p.cases {
			k, err := a.Cases.CreateConsent(ctx, p.actor, p.clients[i], casework.ConsentInput{Recipients: []casework.Recipient{{OrganisationID: offerOrg}},
				Purpose: "Anmeldung zum Sprachkurs mit Kinderbetreuung", Categories: []string{"master_data", "contact"}, Direction: "one_way",
				GivenOn: today, ValidUntil: until})
			if err != nil {
				return fmt.Errorf("consent: %w", err)
			}
			if _, err := a.Cases.AddReferral(ctx, p.actor, caseID, casework.ReferralInput{OfferID: offerID, ConsentID: k.ID, AnswerDue: due}, ""); err != nil {
				return fmt.Errorf("referral: %w", err)
			}
		}
	}
	return nil
}
