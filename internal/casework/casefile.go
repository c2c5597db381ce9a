package casework

import (
	"cmp"
	"context"
	"slices"
	"time"

	"kim/internal/platform/access"
	"kim/internal/platform/db"
	"kim/internal/platform/valid"
)

// Event is an entry of a case's history (phase changes, assignments, referrals sent).
type Event struct {
	At     time.Time
	Actor  string
	Kind   string
	From   string
	To     string
	Detail string
	Note   string
}

// Entry is one item of the readable history of a case: an event, a contact or a referral,
// ordered by day.
type Entry struct {
	Day      string
	At       time.Time
	Event    *Event
	Contact  *Contact
	Referral *Referral
}

// CaseFile is everything shown on a case's page.
type CaseFile struct {
	Case      *Case
	Client    *Client
	Contacts  []Contact
	Referrals []Referral
	Events    []Event
	Consents  []Consent // the client's consents valid today (for referrals)
	Timeline  []Entry
	Today     string
}

// GetCaseFile loads a case with its history for its page, in one audited read.
func (s *Service) GetCaseFile(ctx context.Context, actor access.Actor, id, purpose string) (*CaseFile, error) {
	if err := access.Guard(actor, KindCase, access.View, id, 0); err != nil {
		return nil, err
	}
	f := &CaseFile{}
	err := s.DB.Write(ctx, func(tx *db.Tx) (err error) {
		c, err := s.loadCase(ctx, tx, actor, access.View, id, purpose)
		if err != nil {
			return err
		}
		f.Case, f.Today = c, valid.Today(tx.Now)
		if err := s.caseDetails(ctx, tx, c); err != nil {
			return err
		}
		if f.Client, err = getClient(ctx, tx, c.TenantID, c.ClientID); err != nil {
			return err
		}
		if f.Client.Household, err = household(ctx, tx, c.TenantID, c.ClientID); err != nil {
			return err
		}
		if f.Contacts, err = s.contacts(ctx, tx, c.TenantID, c.ID); err != nil {
			return err
		}
		if f.Referrals, err = s.CaseReferrals(ctx, tx, c); err != nil {
			return err
		}
		if f.Events, err = s.events(ctx, tx, c.TenantID, c.ID); err != nil {
			return err
		}
		ks, err := s.consentsWhere(ctx, tx, "k.tenant_id = $1 AND k.client_id = $2 AND k.organisation_id = $3", c.TenantID, c.ClientID, c.OrganisationID)
		if err != nil {
			return err
		}
		for _, k := range ks {
			if k.ValidOn(f.Today) {
				f.Consents = append(f.Consents, k)
			}
		}
		f.timeline()
		return s.log(ctx, tx, actor, "case.view", "case", c.ID, nil)
	})
	return f, err
}

func (f *CaseFile) timeline() {
	for i := range f.Events {
		e := &f.Events[i]
		f.Timeline = append(f.Timeline, Entry{Day: valid.Today(e.At), At: e.At, Event: e})
	}
	for i := range f.Contacts {
		k := &f.Contacts[i]
		f.Timeline = append(f.Timeline, Entry{Day: k.Date, At: k.CreatedAt, Contact: k})
	}
	for i := range f.Referrals {
		r := &f.Referrals[i]
		f.Timeline = append(f.Timeline, Entry{Day: r.SentOn, At: r.CreatedAt, Referral: r})
	}
	slices.SortStableFunc(f.Timeline, func(a, b Entry) int {
		if c := cmp.Compare(b.Day, a.Day); c != 0 {
			return c
		}
		return b.At.Compare(a.At)
	})
}

func (s *Service) events(ctx context.Context, tx *db.Tx, tenantID, caseID string) ([]Event, error) {
	type row struct {
		Event
		id   string
		note []byte
	}
	raw, err := queryAll(ctx, tx, func(sc scanner, r *row) error {
		return sc.Scan(&r.id, &r.At, &r.Actor, &r.Kind, &r.From, &r.To, &r.Detail, &r.note)
	}, `SELECT e.id, e.at, COALESCE(u.name, e.actor_id), e.kind, e.from_status, e.to_status, e.detail, e.note
		FROM case_events e LEFT JOIN users u ON u.tenant_id = e.tenant_id AND CAST(u.id AS TEXT) = e.actor_id
		WHERE e.tenant_id = $1 AND e.case_id = $2 AND e.kind <> 'referral' ORDER BY e.at DESC, e.id DESC`, tenantID, caseID)
	if err != nil {
		return nil, err
	}
	out := make([]Event, len(raw))
	for i, r := range raw {
		out[i] = r.Event
		if out[i].Note, err = s.open(ctx, tx, tenantID, "case_events", "note", r.id, r.note); err != nil {
			return nil, err
		}
	}
	return out, nil
}
