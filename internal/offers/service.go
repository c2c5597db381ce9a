package offers

import (
	"context"
	"strings"

	"kim/internal/platform/access"
	"kim/internal/platform/audit"
	"kim/internal/platform/db"
	"kim/internal/platform/errs"
	"kim/internal/platform/ids"
	"kim/internal/platform/valid"
	"kim/internal/platform/web"
)

// Service holds the use cases of the offer directory. Each method runs in one transaction,
// checks access first and writes its audit entries in the same transaction.
type Service struct {
	DB    *db.DB
	Audit *audit.Chain
	// Origins links offers to the recommendations that created or changed them (the
	// steering room); nil when not wired.
	Origins Origins
	// Tenants lists the active tenants (the directory room), for the public pages that must
	// find the municipality whose offers they show; nil lists none.
	Tenants func(ctx context.Context) ([]Tenant, error)
}

// Origin is a recommendation that created or changed an offer.
type Origin struct {
	RecommendationID string
	Title            string
	Kind             string // "created" or "changed"
}

// Origins is the steering room's side of the link between offers and recommendations.
type Origins interface {
	// LinkOffer records, inside the offer's transaction, that the recommendation created or
	// changed (kind) the offer. A recommendation the actor may not see, or one not yet
	// adopted, is refused with a validation error on field "recommendation_id".
	LinkOffer(ctx context.Context, tx *db.Tx, actor access.Actor, recommendationID, offerID, kind string) error
	// OriginsOf returns the recommendations linked to each of the given offers.
	OriginsOf(ctx context.Context, tx *db.Tx, tenantID string, offerIDs []string) (map[string][]Origin, error)
}

// Tenant is a municipality with a public offer directory.
type Tenant struct {
	ID, Slug, Name string
}

func (s *Service) log(ctx context.Context, tx *db.Tx, actor access.Actor, action, id string, details map[string]string) error {
	return s.Audit.Append(ctx, tx, audit.Entry{Actor: actor, Action: action, ObjectType: "offer", ObjectID: id, Details: details})
}

func resource(tenantID, orgID string) access.Resource {
	return access.Resource{Kind: KindOffer, TenantID: tenantID, OrganisationID: orgID}
}

// origins returns the recommendations behind the offers (none when steering is not wired).
func (s *Service) origins(ctx context.Context, tx *db.Tx, tenantID string, offerIDs ...string) (map[string][]Origin, error) {
	if s.Origins == nil || len(offerIDs) == 0 {
		return map[string][]Origin{}, nil
	}
	return s.Origins.OriginsOf(ctx, tx, tenantID, offerIDs)
}

// List lists the offers the actor keeps (the coordination and the tenant administration all
// of the tenant, a team lead those of the own organisation), published or not, archived too.
func (s *Service) List(ctx context.Context, actor access.Actor, q web.ListQuery, f Filter) ([]Offer, int, error) {
	if err := access.Check(actor, KindOffer, access.Manage); err != nil {
		return nil, 0, err
	}
	var (
		out   []Offer
		total int
	)
	err := s.DB.Read(ctx, func(tx *db.Tx) (err error) {
		w := &where{}
		scope(actor, access.Manage, w)
		f.apply(w, valid.Today(tx.Now))
		if err := search(ctx, tx, actor.TenantID, q.Q, w); err != nil {
			return err
		}
		out, total, err = listOffers(ctx, tx, w, q, q.OrderBy(sorts, "o.id"))
		if err != nil {
			return err
		}
		return loadDetails(ctx, tx, actor.TenantID, out, "-")
	})
	return out, total, err
}

// Get returns an offer the actor keeps, with its translations and the recommendations it
// came from.
func (s *Service) Get(ctx context.Context, actor access.Actor, id string) (*Offer, []Origin, error) {
	if err := access.Check(actor, KindOffer, access.Update); err != nil {
		return nil, nil, err
	}
	var (
		o   *Offer
		ors map[string][]Origin
	)
	err := s.DB.Read(ctx, func(tx *db.Tx) (err error) {
		if o, err = getOffer(ctx, tx, actor.TenantID, id); err != nil {
			return err
		}
		if err := access.Can(actor, access.Update, resource(o.TenantID, o.OrganisationID)); err != nil {
			return err
		}
		ors, err = s.origins(ctx, tx, o.TenantID, o.ID)
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	return o, ors[o.ID], nil
}

// Create adds an offer (not yet published).
func (s *Service) Create(ctx context.Context, actor access.Actor, in Input) (*Offer, error) {
	if err := access.Check(actor, KindOffer, access.Create); err != nil {
		return nil, err
	}
	in.RecommendationKind = "created"
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var o *Offer
	err := s.DB.Write(ctx, func(tx *db.Tx) error {
		if err := s.checkRefs(ctx, tx, actor, access.Create, &in); err != nil {
			return err
		}
		id := ids.New()
		if _, err := tx.ExecContext(ctx, `INSERT INTO offers (tenant_id, id, organisation_id, title, description, life_domains, target_groups,
			languages, citywide, opening_hours, contact_name, contact_phone, contact_email, website, costs, costs_note, step_free, valid_from,
			valid_to, published, search_text, sort_title, created_by, created_at, updated_at, version)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, FALSE, $20, $21, $22, $23, $23, 1)`,
			actor.TenantID, id, in.OrganisationID, in.Title, in.Description, codes(in.LifeDomains), codes(in.TargetGroups), codes(in.Languages),
			in.Citywide, in.OpeningHours, in.ContactName, in.ContactPhone, in.ContactEmail, in.Website, in.Costs, in.CostsNote, in.StepFree,
			in.ValidFrom, in.ValidTo, searchText(&in), sortKey(in.Title), actor.UserID, tx.Now); err != nil {
			return err
		}
		if err := s.saved(ctx, tx, actor, "offer.create", id, &in); err != nil {
			return err
		}
		var err error
		o, err = getOffer(ctx, tx, actor.TenantID, id)
		return err
	})
	return o, err
}

// Update changes an offer; an archived offer stays as it is.
func (s *Service) Update(ctx context.Context, actor access.Actor, id string, in Input) (*Offer, error) {
	if err := access.Guard(actor, KindOffer, access.Update, id, in.Version); err != nil {
		return nil, err
	}
	var o *Offer
	err := s.DB.Write(ctx, func(tx *db.Tx) error {
		cur, err := s.keep(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		in.RecommendationKind = "changed"
		if err := in.Validate(); err != nil {
			return err
		}
		if err := s.checkRefs(ctx, tx, actor, access.Update, &in); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE offers SET organisation_id = $1, title = $2, description = $3, life_domains = $4,
			target_groups = $5, languages = $6, citywide = $7, opening_hours = $8, contact_name = $9, contact_phone = $10, contact_email = $11,
			website = $12, costs = $13, costs_note = $14, step_free = $15, valid_from = $16, valid_to = $17, search_text = $18,
			sort_title = $19, updated_at = $20, version = version + 1
			WHERE tenant_id = $21 AND id = $22 AND ($23 = 0 OR version = $23) AND archived_at IS NULL`,
			in.OrganisationID, in.Title, in.Description, codes(in.LifeDomains), codes(in.TargetGroups), codes(in.Languages), in.Citywide,
			in.OpeningHours, in.ContactName, in.ContactPhone, in.ContactEmail, in.Website, in.Costs, in.CostsNote, in.StepFree, in.ValidFrom,
			in.ValidTo, searchText(&in), sortKey(in.Title), tx.Now, cur.TenantID, cur.ID, in.Version)
		if err := oneRow(res, err); err != nil {
			return err
		}
		if err := s.saved(ctx, tx, actor, "offer.update", cur.ID, &in); err != nil {
			return err
		}
		o, err = getOffer(ctx, tx, actor.TenantID, id)
		return err
	})
	return o, err
}

// saved stores an offer's districts, locations and translations, records the link to the
// recommendation it came from and writes the audit entry.
func (s *Service) saved(ctx context.Context, tx *db.Tx, actor access.Actor, action, id string, in *Input) error {
	if err := saveDetails(ctx, tx, actor.TenantID, id, in); err != nil {
		return err
	}
	details := map[string]string{"organisation": in.OrganisationID}
	if in.RecommendationID != "" && s.Origins != nil {
		if err := s.Origins.LinkOffer(ctx, tx, actor, in.RecommendationID, id, in.RecommendationKind); err != nil {
			return err
		}
		details["recommendation"], details["origin"] = in.RecommendationID, in.RecommendationKind
	}
	return s.log(ctx, tx, actor, action, id, details)
}

// SetPublished publishes an offer (it appears in the public directory while it is valid) or
// takes it back.
func (s *Service) SetPublished(ctx context.Context, actor access.Actor, id string, published bool, version int) (*Offer, error) {
	if err := access.Guard(actor, KindOffer, access.Update, id, version); err != nil {
		return nil, err
	}
	var o *Offer
	err := s.DB.Write(ctx, func(tx *db.Tx) error {
		cur, err := s.keep(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE offers SET published = $1, updated_at = $2, version = version + 1
			WHERE tenant_id = $3 AND id = $4 AND ($5 = 0 OR version = $5) AND archived_at IS NULL`, published, tx.Now, cur.TenantID, cur.ID, version)
		if err := oneRow(res, err); err != nil {
			return err
		}
		action := "offer.unpublish"
		if published {
			action = "offer.publish"
		}
		if err := s.log(ctx, tx, actor, action, cur.ID, nil); err != nil {
			return err
		}
		o, err = getOffer(ctx, tx, cur.TenantID, cur.ID)
		return err
	})
	return o, err
}

// Archive takes an offer out of the directory for good: it is no longer shown, chosen in
// referrals or changed, while referrals and recommendations that name it keep it.
func (s *Service) Archive(ctx context.Context, actor access.Actor, id string, version int) error {
	if err := access.Guard(actor, KindOffer, access.Delete, id, version); err != nil {
		return err
	}
	return s.DB.Write(ctx, func(tx *db.Tx) error {
		cur, err := s.keep(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		if err := access.Can(actor, access.Delete, resource(cur.TenantID, cur.OrganisationID)); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE offers SET archived_at = $1, published = FALSE, updated_at = $1, version = version + 1
			WHERE tenant_id = $2 AND id = $3 AND ($4 = 0 OR version = $4) AND archived_at IS NULL`, tx.Now, cur.TenantID, cur.ID, version)
		if err := oneRow(res, err); err != nil {
			return err
		}
		return s.log(ctx, tx, actor, "offer.archive", cur.ID, nil)
	})
}

// keep loads an offer the actor may change; an archived offer is a conflict.
func (s *Service) keep(ctx context.Context, tx *db.Tx, actor access.Actor, id string) (*Offer, error) {
	o, err := getOffer(ctx, tx, actor.TenantID, id)
	if err != nil {
		return nil, err
	}
	if err := access.Can(actor, access.Update, resource(o.TenantID, o.OrganisationID)); err != nil {
		return nil, err
	}
	if o.ArchivedAt != nil {
		return nil, errs.E(errs.Conflict, "offers.offer.archived_locked")
	}
	return o, nil
}

// oneRow turns the result of a versioned UPDATE into a conflict when no row changed.
func oneRow(res interface{ RowsAffected() (int64, error) }, err error) error {
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return errs.E(errs.Conflict, "error.conflict")
	}
	return nil
}

// checkRefs checks what the input names in the database: an organisation of the tenant that
// the actor keeps offers for, districts of the tenant and locations of that organisation.
func (s *Service) checkRefs(ctx context.Context, tx *db.Tx, actor access.Actor, a access.Action, in *Input) error {
	var v errs.Validation
	ok, err := exists(ctx, tx, "SELECT 1 FROM organisations WHERE tenant_id = $1 AND id = $2", actor.TenantID, in.OrganisationID)
	if err != nil {
		return err
	}
	switch {
	case !ok:
		v.Add("organisation_id", "validation.not_found")
	case access.Can(actor, a, resource(actor.TenantID, in.OrganisationID)) != nil:
		v.Add("organisation_id", "offers.validation.organisation_not_yours")
	}
	n, err := countIn(ctx, tx, "SELECT count(*) FROM districts WHERE tenant_id = $1 AND id", in.DistrictIDs, actor.TenantID)
	if err != nil {
		return err
	}
	if n != len(in.DistrictIDs) {
		v.Add("district_ids", "validation.not_found")
	}
	if ok {
		n, err = countIn(ctx, tx, "SELECT count(*) FROM locations WHERE tenant_id = $1 AND organisation_id = $2 AND id", in.LocationIDs,
			actor.TenantID, in.OrganisationID)
		if err != nil {
			return err
		}
		if n != len(in.LocationIDs) {
			v.Add("location_ids", "offers.validation.location_of_organisation")
		}
	}
	return v.Err()
}

// Choices are the options of the offer form.
type Choices struct {
	Organisations []web.Option // those the actor keeps offers for
	Districts     []web.Option
	Locations     []web.Option // labelled "organisation – location"
}

// FormChoices loads the options of the offer form for the actor.
func (s *Service) FormChoices(ctx context.Context, actor access.Actor) (*Choices, error) {
	if err := access.Check(actor, KindOffer, access.Manage); err != nil {
		return nil, err
	}
	c := &Choices{}
	err := s.DB.Read(ctx, func(tx *db.Tx) (err error) {
		orgs := "SELECT CAST(id AS TEXT), name FROM organisations WHERE tenant_id = $1"
		args := []any{actor.TenantID}
		locs := `SELECT CAST(l.id AS TEXT), g.name || ' – ' || l.name FROM locations l JOIN organisations g ON g.tenant_id = l.tenant_id AND g.id = l.organisation_id
			WHERE l.tenant_id = $1`
		if access.ReachOf(actor.Role, KindOffer, access.Create) == access.Organisation {
			orgs += " AND id = $2"
			locs += " AND l.organisation_id = $2"
			args = append(args, actor.OrganisationID)
		}
		if c.Organisations, err = options(ctx, tx, orgs+" ORDER BY lower(name), id", args...); err != nil {
			return err
		}
		if c.Locations, err = options(ctx, tx, locs+" ORDER BY lower(g.name), lower(l.name), l.id", args...); err != nil {
			return err
		}
		c.Districts, err = options(ctx, tx, "SELECT CAST(id AS TEXT), name FROM districts WHERE tenant_id = $1 ORDER BY lower(name), id", actor.TenantID)
		return err
	})
	return c, err
}

func options(ctx context.Context, tx *db.Tx, q string, args ...any) ([]web.Option, error) {
	rows, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []web.Option
	for rows.Next() {
		var o web.Option
		if err := rows.Scan(&o.Value, &o.Label); err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// Summary is an offer as the other rooms see it (referrals, the steering loop).
type Summary struct {
	ID, Title, OrganisationID, Organisation string
	Active                                  bool // shown in the public directory today
	CreatedAt                               string
}

// Summaries returns the given offers of the tenant (unknown ids are left out), inside the
// caller's transaction.
func (s *Service) Summaries(ctx context.Context, tx *db.Tx, tenantID string, offerIDs []string) (map[string]Summary, error) {
	out := map[string]Summary{}
	var known []string
	for _, id := range offerIDs {
		if ids.Valid(id) {
			known = append(known, id)
		}
	}
	if len(known) == 0 {
		return out, nil
	}
	w := &where{}
	w.add("o.tenant_id = ?", tenantID)
	w.in("o.id", known)
	list, err := queryOffers(ctx, tx, "WHERE "+w.sql(), w.args...)
	for _, o := range list {
		out[o.ID] = summary(&o, tx)
	}
	return out, err
}

// ActiveSummaries lists the tenant's offers shown in the public directory today, except those
// of organisation exceptOrgID (may be ""), by organisation and title, at most limit of them,
// inside the caller's transaction.
func (s *Service) ActiveSummaries(ctx context.Context, tx *db.Tx, tenantID, exceptOrgID string, limit int) ([]Summary, error) {
	w := &where{}
	w.add("o.tenant_id = ?", tenantID)
	w.raw(activeCond(w.ph(valid.Today(tx.Now))))
	if ids.Valid(exceptOrgID) {
		w.add("o.organisation_id <> ?", exceptOrgID)
	}
	list, err := queryOffers(ctx, tx, "WHERE "+w.sql()+" ORDER BY lower(g.name), g.id, o.sort_title, o.id LIMIT "+w.ph(limit), w.args...)
	out := make([]Summary, len(list))
	for i := range list {
		out[i] = summary(&list[i], tx)
	}
	return out, err
}

func summary(o *Offer, tx *db.Tx) Summary {
	return Summary{ID: o.ID, Title: o.Title, OrganisationID: o.OrganisationID, Organisation: o.OrganisationName,
		Active: o.Active(valid.Today(tx.Now)), CreatedAt: valid.Today(o.CreatedAt)}
}

// cleanCode returns s when it is one of list, else "".
func cleanCode(s string, list []string) string {
	s = strings.TrimSpace(s)
	for _, c := range list {
		if c == s {
			return s
		}
	}
	return ""
}
