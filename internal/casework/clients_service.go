package casework

import (
	"context"
	"slices"
	"strconv"

	"kim/internal/names/nameindex"
	"kim/internal/platform/access"
	"kim/internal/platform/db"
	"kim/internal/platform/errs"
	"kim/internal/platform/ids"
	"kim/internal/platform/valid"
	"kim/internal/platform/web"
)

// Intake is what the intake learned besides the new client: whether another organisation of
// the tenant may already know the person (a hint only, so that a consent can be asked for).
type Intake struct {
	Client         *Client `json:"client"`
	KnownElsewhere bool    `json:"known_elsewhere"`
}

// Duplicate is a client of the own organisation who may be the same person.
type Duplicate struct {
	Client Client
	Score  float64
}

// DuplicateError stops an intake that resembles clients of the own organisation until the
// case manager confirms that the person is someone else.
type DuplicateError struct {
	Matches []Duplicate
}

func (e *DuplicateError) Error() string { return "casework: possible duplicate" }

// Err returns the error as the API and pages report it (409 with a field message).
func (e *DuplicateError) Err() *errs.Error {
	return &errs.Error{Code: errs.Conflict, Message: errs.Msg("casework.client.duplicate"),
		Fields: map[string]errs.Message{"confirm_not_duplicate": errs.Msg("casework.client.duplicate_field", "Count", len(e.Matches))}}
}

func (e *DuplicateError) Unwrap() error { return e.Err() }

// sameBirth reports whether two birth dates may belong to the same person: equal, equal years
// when one is a year only, or unknown on either side.
func sameBirth(a, b string) bool {
	if a == "" || b == "" {
		return true
	}
	if len(a) == 4 || len(b) == 4 {
		return a[:4] == b[:4]
	}
	return a == b
}

// similar finds clients whose name matches one of spellings, within or outside org.
func (s *Service) similar(ctx context.Context, tx *db.Tx, tenantID, org string, own bool, spellings []string, exceptID string) ([]Duplicate, error) {
	f := nameindex.Filter{Organisations: []string{org}}
	if !own {
		f = nameindex.Filter{ExceptOrganisations: []string{org}}
	}
	best := map[string]float64{}
	var order []string
	for _, sp := range spellings {
		cands, err := s.Names.Search(ctx, tx, tenantID, sp, f, 20)
		if err != nil {
			return nil, err
		}
		for _, c := range cands {
			if !c.Match || c.SubjectID == exceptID {
				continue
			}
			if _, seen := best[c.SubjectID]; !seen {
				order = append(order, c.SubjectID)
			}
			best[c.SubjectID] = max(best[c.SubjectID], c.Score)
		}
	}
	cs, err := clientsByID(ctx, tx, tenantID, order)
	if err != nil {
		return nil, err
	}
	out := make([]Duplicate, 0, len(cs))
	for _, c := range cs {
		out = append(out, Duplicate{Client: c, Score: best[c.ID]})
	}
	slices.SortStableFunc(out, func(a, b Duplicate) int {
		switch {
		case a.Score > b.Score:
			return -1
		case a.Score < b.Score:
			return 1
		}
		return 0
	})
	return out, nil
}

// CreateClient records a client of the actor's organisation. Unless in.Acknowledged, a client
// of the own organisation with a matching name and birth date stops the intake with a
// *DuplicateError.
func (s *Service) CreateClient(ctx context.Context, actor access.Actor, in ClientInput) (*Intake, error) {
	if err := access.Check(actor, KindClient, access.Create); err != nil {
		return nil, err
	}
	now := s.DB.Clock.Now()
	if err := in.Validate(now.In(valid.Berlin)); err != nil {
		return nil, err
	}
	c := &Client{ID: ids.New(), TenantID: actor.TenantID, OrganisationID: actor.OrganisationID, Pseudonym: newPseudonym(),
		CreatedAt: now, UpdatedAt: now, Version: 1}
	c.apply(in)
	out := &Intake{Client: c}
	err := s.DB.Write(ctx, func(tx *db.Tx) error {
		var v errs.Validation
		if err := checkPlace(ctx, tx, actor.TenantID, c.DistrictID, c.QuarterID, &v); err != nil {
			return err
		}
		if err := v.Err(); err != nil {
			return err
		}
		if !in.Acknowledged {
			dups, err := s.similar(ctx, tx, actor.TenantID, actor.OrganisationID, true, c.Spellings(), "")
			if err != nil {
				return err
			}
			dups = slices.DeleteFunc(dups, func(d Duplicate) bool { return !sameBirth(d.Client.BirthDate, c.BirthDate) })
			if len(dups) > 0 {
				return &DuplicateError{Matches: dups}
			}
		}
		elsewhere, err := s.knownElsewhere(ctx, tx, c)
		if err != nil {
			return err
		}
		out.KnownElsewhere = elsewhere
		if err := insertClient(ctx, tx, c, actor.UserID); err != nil {
			return err
		}
		if err := s.Names.Put(ctx, tx, c.TenantID, c.ID, c.OrganisationID, c.Spellings()); err != nil {
			return err
		}
		details := map[string]string{}
		if in.Acknowledged {
			details["duplicate_confirmed"] = "true"
		}
		if elsewhere {
			details["known_elsewhere"] = "true"
		}
		return s.log(ctx, tx, actor, "client.create", "client", c.ID, details)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// knownElsewhere reports whether a client of another organisation has a matching name and the
// same birth date (a birth date is required on both sides, so that the hint stays specific).
// It reveals nothing but the yes/no.
func (s *Service) knownElsewhere(ctx context.Context, tx *db.Tx, c *Client) (bool, error) {
	if c.BirthDate == "" {
		return false, nil
	}
	dups, err := s.similar(ctx, tx, c.TenantID, c.OrganisationID, false, c.Spellings(), c.ID)
	if err != nil {
		return false, err
	}
	for _, d := range dups {
		if d.Client.BirthDate != "" && sameBirth(d.Client.BirthDate, c.BirthDate) {
			return true, nil
		}
	}
	return false, nil
}

func (c *Client) apply(in ClientInput) {
	c.GivenNames, c.FamilyName, c.NameOriginal, c.OtherSpellings = in.GivenNames, in.FamilyName, in.NameOriginal, list(in.OtherSpellings)
	c.BirthDate, c.Sex, c.Nationalities, c.Stateless, c.CountryOfBirth = in.BirthDate, in.Sex, list(in.Nationalities), in.Stateless, in.CountryOfBirth
	c.Languages, c.GermanLevel, c.Interpreter = list(in.Languages), in.GermanLevel, in.Interpreter
	c.ArrivedGermany, c.ArrivedCity = in.ArrivedGermany, in.ArrivedCity
	c.Street, c.Postcode, c.City, c.DistrictID, c.QuarterID = in.Street, in.Postcode, in.City, in.DistrictID, in.QuarterID
	c.Phone, c.Email, c.Messenger, c.BenefitRegime, c.OtherCM = in.Phone, in.Email, in.Messenger, in.BenefitRegime, list(in.OtherCM)
}

// Input returns the client's editable fields (for edit forms and partial API updates).
func (c *Client) Input() ClientInput {
	return ClientInput{GivenNames: c.GivenNames, FamilyName: c.FamilyName, NameOriginal: c.NameOriginal,
		OtherSpellings: c.OtherSpellings, BirthDate: c.BirthDate, Sex: c.Sex, Nationalities: c.Nationalities,
		Stateless: c.Stateless, CountryOfBirth: c.CountryOfBirth, Languages: c.Languages, GermanLevel: c.GermanLevel,
		Interpreter: c.Interpreter, ArrivedGermany: c.ArrivedGermany, ArrivedCity: c.ArrivedCity, Street: c.Street,
		Postcode: c.Postcode, City: c.City, DistrictID: c.DistrictID, QuarterID: c.QuarterID, Phone: c.Phone,
		Email: c.Email, Messenger: c.Messenger, BenefitRegime: c.BenefitRegime, OtherCM: c.OtherCM, Version: c.Version}
}

// loadClient loads a client the actor may act on with a (404 outside the reach).
func loadClient(ctx context.Context, tx *db.Tx, actor access.Actor, a access.Action, id string) (*Client, error) {
	c, err := getClient(ctx, tx, actor.TenantID, id)
	if err != nil {
		return nil, err
	}
	if err := access.Can(actor, a, access.Resource{Kind: KindClient, TenantID: c.TenantID, OrganisationID: c.OrganisationID}); err != nil {
		return nil, err
	}
	return c, nil
}

// UpdateClient changes a client's master data (optimistic locking by in.Version).
func (s *Service) UpdateClient(ctx context.Context, actor access.Actor, id string, in ClientInput) (*Client, error) {
	if err := access.Guard(actor, KindClient, access.Update, id, in.Version); err != nil {
		return nil, err
	}
	now := s.DB.Clock.Now()
	if err := in.Validate(now.In(valid.Berlin)); err != nil {
		return nil, err
	}
	var c *Client
	err := s.DB.Write(ctx, func(tx *db.Tx) (err error) {
		if c, err = loadClient(ctx, tx, actor, access.Update, id); err != nil {
			return err
		}
		var v errs.Validation
		if err := checkPlace(ctx, tx, actor.TenantID, in.DistrictID, in.QuarterID, &v); err != nil {
			return err
		}
		if err := v.Err(); err != nil {
			return err
		}
		c.apply(in)
		c.UpdatedAt = now
		ok, err := updateClient(ctx, tx, c, in.Version)
		if err != nil {
			return err
		}
		if !ok {
			return errs.E(errs.Conflict, "error.conflict")
		}
		c.Version++
		if err := s.Names.Put(ctx, tx, c.TenantID, c.ID, c.OrganisationID, c.Spellings()); err != nil {
			return err
		}
		return s.log(ctx, tx, actor, "client.update", "client", c.ID, nil)
	})
	return c, err
}

// GetClient returns a client with household and residence history. Every read is audited.
func (s *Service) GetClient(ctx context.Context, actor access.Actor, id string) (*Client, error) {
	if err := access.Guard(actor, KindClient, access.View, id, 0); err != nil {
		return nil, err
	}
	var c *Client
	err := s.DB.Write(ctx, func(tx *db.Tx) (err error) {
		if c, err = loadClient(ctx, tx, actor, access.View, id); err != nil {
			return err
		}
		if c.Household, err = household(ctx, tx, c.TenantID, c.ID); err != nil {
			return err
		}
		if c.Residence, err = residence(ctx, tx, c.TenantID, c.ID); err != nil {
			return err
		}
		return s.log(ctx, tx, actor, "client.view", "client", c.ID, nil)
	})
	return c, err
}

// ClientFilter narrows a client list.
type ClientFilter struct {
	DistrictID string
}

// ListClients lists the clients the actor may see. With a search text, it searches all
// spellings and scripts through the name index and orders the best match first (at most
// nameindex.MaxLimit hits); without one, it pages through the clients in the chosen order.
func (s *Service) ListClients(ctx context.Context, actor access.Actor, q web.ListQuery) ([]Client, int, error) {
	if err := access.Check(actor, KindClient, access.List); err != nil {
		return nil, 0, err
	}
	var (
		out   []Client
		total int
	)
	err := s.DB.Read(ctx, func(tx *db.Tx) (err error) {
		if q.Q != "" {
			out, total, err = s.searchClients(ctx, tx, actor, q)
			return err
		}
		sc := access.Scope(actor, KindClient, access.List, "c", 1)
		if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM clients c WHERE "+sc.SQL, sc.Args...).Scan(&total); err != nil {
			return err
		}
		order := q.OrderBy(map[string]string{"name": "c.family_name", "birth": "c.birth_date", "created": "c.created_at"}, "c.id")
		rows, err := tx.QueryContext(ctx, "SELECT "+clientCols+" FROM clients c WHERE "+sc.SQL+" ORDER BY "+order+
			" LIMIT "+itoa(q.Size)+" OFFSET "+itoa(q.Offset()), sc.Args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			c, err := scanClient(rows)
			if err != nil {
				return err
			}
			out = append(out, *c)
		}
		return rows.Err()
	})
	return out, total, err
}

// searchClients pages through the name-index hits of the actor's reach, best first.
func (s *Service) searchClients(ctx context.Context, tx *db.Tx, actor access.Actor, q web.ListQuery) ([]Client, int, error) {
	f := nameindex.Filter{}
	if access.ReachOf(actor.Role, KindClient, access.List) != access.Tenant {
		f.Organisations = []string{actor.OrganisationID}
	}
	cands, err := s.Names.Search(ctx, tx, actor.TenantID, q.Q, f, nameindex.MaxLimit)
	if err != nil {
		return nil, 0, err
	}
	total := len(cands)
	from, to := min(q.Offset(), total), min(q.Offset()+q.Size, total)
	page := make([]string, 0, to-from)
	for _, c := range cands[from:to] {
		page = append(page, c.SubjectID)
	}
	out, err := clientsByID(ctx, tx, actor.TenantID, page)
	if err != nil {
		return nil, 0, err
	}
	// The index and the clients are written in one transaction; filter anyway so that a hit
	// can never show a client outside the reach.
	out = slices.DeleteFunc(out, func(c Client) bool {
		return access.Can(actor, access.List, access.Resource{Kind: KindClient, TenantID: c.TenantID, OrganisationID: c.OrganisationID}) != nil
	})
	return out, total, nil
}

func itoa(i int) string { return strconv.Itoa(i) }
