package casework

import (
	"context"
	"strings"

	"kim/internal/platform/access"
	"kim/internal/platform/db"
	"kim/internal/platform/ids"
)

// What the barrier reports of the steering loop learn of a case (see steering.CaseFacts): the
// case's pseudonym, which the report keeps only as a keyed hash, and the identifying values of
// everyone in the case, which the report's text must not contain. The steering room gets them
// through the case manager's own access to the case; it never stores them.

// BarrierCase is a case as a barrier report needs it.
type BarrierCase struct {
	// Pseudonym stands for the case without naming it: the pseudonym of its client and the
	// case number, so that two cases of one client differ.
	Pseudonym      string
	OrganisationID string
	// Identity lists the identifying values of the case and its participants: the case
	// number and the client's pseudonym, names in every recorded spelling and script, birth
	// dates (YYYY-MM-DD), phone numbers and messenger handles, e-mail addresses and street
	// addresses with a house number (a street alone names no one), and the names and birth
	// dates of their households.
	Identity []string
}

// BarrierFacts returns the facts of a case the actor may work on (change); a case out of
// reach is not found, one that needs a stated purpose is refused as in loadCase.
func (s *Service) BarrierFacts(ctx context.Context, actor access.Actor, caseID string) (BarrierCase, error) {
	var out BarrierCase
	if err := access.Guard(actor, KindCase, access.Update, caseID, 0); err != nil {
		return out, err
	}
	err := s.DB.Read(ctx, func(tx *db.Tx) error {
		c, err := s.loadCase(ctx, tx, actor, access.Update, caseID, "")
		if err != nil {
			return err
		}
		out.OrganisationID = c.OrganisationID
		ps, err := participants(ctx, tx, c.TenantID, c.ID)
		if err != nil {
			return err
		}
		clientIDs := []string{c.ClientID}
		for _, p := range ps {
			if p.ClientID != c.ClientID {
				clientIDs = append(clientIDs, p.ClientID)
			}
		}
		clients, err := clientsByID(ctx, tx, c.TenantID, clientIDs)
		if err != nil {
			return err
		}
		add := func(v ...string) {
			for _, x := range v {
				if x != "" {
					out.Identity = append(out.Identity, x)
				}
			}
		}
		add(c.Number)
		for _, cl := range clients {
			if cl.ID == c.ClientID {
				out.Pseudonym = cl.Pseudonym + "/" + c.Number
				add(cl.Pseudonym)
			}
			street := cl.Street
			if !strings.ContainsAny(street, "0123456789") {
				street = ""
			}
			add(cl.GivenNames, cl.FamilyName, cl.NameOriginal, cl.BirthDate, cl.Phone, cl.Messenger, cl.Email, street)
			add(cl.OtherSpellings...)
			members, err := household(ctx, tx, c.TenantID, cl.ID)
			if err != nil {
				return err
			}
			for _, m := range members {
				add(m.Name, m.BirthDate)
			}
		}
		return nil
	})
	return out, err
}

// ReferralCounts returns, per offer, how many referrals of the tenant point to it.
func (s *Service) ReferralCounts(ctx context.Context, tx *db.Tx, tenantID string, offerIDs []string) (map[string]int, error) {
	out := map[string]int{}
	args := []any{tenantID}
	for _, id := range offerIDs {
		if ids.Valid(id) {
			args = append(args, id)
		}
	}
	if len(args) == 1 {
		return out, nil
	}
	type count struct {
		offer string
		n     int
	}
	rows, err := queryAll(ctx, tx, func(row scanner, c *count) error { return row.Scan(&c.offer, &c.n) },
		`SELECT CAST(offer_id AS TEXT), count(*) FROM referrals WHERE tenant_id = $1 AND offer_id IN (`+db.Placeholders(2, len(args)-1)+`)
		GROUP BY offer_id`, args...)
	for _, c := range rows {
		out[c.offer] = c.n
	}
	return out, err
}
