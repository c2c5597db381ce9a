package directory

import (
	"context"
	"strconv"

	"kim/internal/platform/access"
	"kim/internal/platform/audit"
	"kim/internal/platform/db"
	"kim/internal/platform/errs"
	"kim/internal/platform/ids"
	"kim/internal/platform/web"
)

// Service holds the use cases of the directory. Each method runs in one transaction, checks
// access first and writes its audit entry in the same transaction.
type Service struct {
	DB    *db.DB
	Audit *audit.Chain
}

// updateRow runs an UPDATE of one versioned row and writes its audit entry. No row changed
// means the version was stale: a conflict.
func (s *Service) updateRow(ctx context.Context, tx *db.Tx, actor access.Actor, action, objType, id, query string, args ...any) error {
	res, err := tx.ExecContext(ctx, query, args...)
	if err != nil {
		return uniqueAsField(err, "name")
	}
	if err := oneRow(res); err != nil {
		return err
	}
	return s.log(ctx, tx, actor, action, objType, id)
}

func (s *Service) log(ctx context.Context, tx *db.Tx, actor access.Actor, action, objType, objID string) error {
	return s.Audit.Append(ctx, tx, audit.Entry{Actor: actor, Action: action, ObjectType: objType, ObjectID: objID})
}

// --- tenants ---

// TenantBySlug finds a tenant by its slug (for login and the command line; no access check,
// since tenants' names and slugs are public).
func (s *Service) TenantBySlug(ctx context.Context, slug string) (*Tenant, error) {
	var t *Tenant
	err := s.DB.Read(ctx, func(tx *db.Tx) (err error) {
		t, err = getTenant(ctx, tx, "slug", slug)
		return err
	})
	return t, err
}

// TenantByID finds a tenant by id (no access check; used to name the tenant of a session).
func (s *Service) TenantByID(ctx context.Context, id string) (*Tenant, error) {
	if !ids.Valid(id) {
		return nil, errs.ErrNotFound
	}
	var t *Tenant
	err := s.DB.Read(ctx, func(tx *db.Tx) (err error) {
		t, err = getTenant(ctx, tx, "id", id)
		return err
	})
	return t, err
}

// ActiveTenants lists the tenants that accept logins, by name.
func (s *Service) ActiveTenants(ctx context.Context) ([]Tenant, error) {
	var out []Tenant
	err := s.DB.Read(ctx, func(tx *db.Tx) error {
		rows, err := tx.QueryContext(ctx, "SELECT "+tenantCols+" FROM tenants WHERE disabled_at IS NULL ORDER BY lower(name), id")
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			t, err := scanTenant(rows)
			if err != nil {
				return err
			}
			out = append(out, *t)
		}
		return rows.Err()
	})
	return out, err
}

// ListTenants lists tenants for the platform administration.
func (s *Service) ListTenants(ctx context.Context, actor access.Actor, q web.ListQuery) ([]Tenant, int, error) {
	if err := access.Check(actor, access.KindTenant, access.List); err != nil {
		return nil, 0, err
	}
	var (
		out   []Tenant
		total int
	)
	err := s.DB.Read(ctx, func(tx *db.Tx) (err error) {
		out, total, err = listTenants(ctx, tx, q)
		return err
	})
	return out, total, err
}

// GetTenant returns one tenant for the platform administration.
func (s *Service) GetTenant(ctx context.Context, actor access.Actor, id string) (*Tenant, error) {
	if err := access.Guard(actor, access.KindTenant, access.View, id, 0); err != nil {
		return nil, err
	}
	var t *Tenant
	err := s.DB.Read(ctx, func(tx *db.Tx) (err error) {
		t, err = getTenant(ctx, tx, "id", id)
		return err
	})
	return t, err
}

// CreateTenant creates a tenant with its first organisation (the municipality itself, a city
// service under public-body data protection).
func (s *Service) CreateTenant(ctx context.Context, actor access.Actor, in TenantInput) (*Tenant, *Organisation, error) {
	if err := access.Check(actor, access.KindTenant, access.Create); err != nil {
		return nil, nil, err
	}
	if err := in.Validate(true); err != nil {
		return nil, nil, err
	}
	var (
		t *Tenant
		o *Organisation
	)
	err := s.DB.Write(ctx, func(tx *db.Tx) error {
		t = &Tenant{ID: ids.New(), Slug: in.Slug, Name: in.Name, CreatedAt: tx.Now, Version: 1}
		_, err := tx.ExecContext(ctx, "INSERT INTO tenants (id, slug, name, created_at, updated_at, version) VALUES ($1, $2, $3, $4, $4, 1)",
			t.ID, t.Slug, t.Name, t.CreatedAt)
		if err != nil {
			return uniqueAsField(err, "slug")
		}
		o = &Organisation{ID: ids.New(), TenantID: t.ID, Name: in.FirstOrganisation, Type: OrgCityService,
			Regime: RegimePublicBody, CreatedAt: tx.Now, UpdatedAt: tx.Now, Version: 1}
		if err := insertOrganisation(ctx, tx, o); err != nil {
			return err
		}
		a := actor
		a.TenantID = t.ID
		if err := s.Audit.Append(ctx, tx, audit.Entry{Actor: a, TenantID: t.ID, Action: "tenant.create", ObjectType: "tenant", ObjectID: t.ID}); err != nil {
			return err
		}
		return s.log(ctx, tx, a, "organisation.create", "organisation", o.ID)
	})
	if err != nil {
		return nil, nil, err
	}
	return t, o, nil
}

// UpdateTenant renames, disables or re-enables a tenant.
func (s *Service) UpdateTenant(ctx context.Context, actor access.Actor, id string, in TenantInput) (*Tenant, error) {
	if err := access.Guard(actor, access.KindTenant, access.Update, id, in.Version); err != nil {
		return nil, err
	}
	if err := in.Validate(false); err != nil {
		return nil, err
	}
	var t *Tenant
	err := s.DB.Write(ctx, func(tx *db.Tx) (err error) {
		if t, err = getTenant(ctx, tx, "id", id); err != nil {
			return err
		}
		var disabled any
		if in.Disabled {
			if t.DisabledAt != nil {
				disabled = *t.DisabledAt
			} else {
				disabled = tx.Now
			}
		}
		res, err := tx.ExecContext(ctx, "UPDATE tenants SET name = $1, disabled_at = $2, updated_at = $3, version = version + 1 WHERE id = $4 AND ($5 = 0 OR version = $5)",
			in.Name, disabled, tx.Now, id, in.Version)
		if err != nil {
			return err
		}
		if err := oneRow(res); err != nil {
			return err
		}
		a := actor
		a.TenantID = id
		if err := s.Audit.Append(ctx, tx, audit.Entry{Actor: a, TenantID: id, Action: "tenant.update", ObjectType: "tenant", ObjectID: id,
			Details: map[string]string{"disabled": strconv.FormatBool(in.Disabled)}}); err != nil {
			return err
		}
		t, err = getTenant(ctx, tx, "id", id)
		return err
	})
	return t, err
}

// --- organisations ---

// ListOrganisations lists the organisations the actor may see.
func (s *Service) ListOrganisations(ctx context.Context, actor access.Actor, q web.ListQuery, f OrgFilter) ([]Organisation, int, error) {
	if err := access.Check(actor, access.KindOrganisation, access.List); err != nil {
		return nil, 0, err
	}
	var (
		out   []Organisation
		total int
	)
	err := s.DB.Read(ctx, func(tx *db.Tx) (err error) {
		out, total, err = listOrganisations(ctx, tx, access.Scope(actor, access.KindOrganisation, access.List, "o", 1), q, f)
		return err
	})
	return out, total, err
}

// AllOrganisations lists every organisation of the actor's tenant by name (for select boxes).
func (s *Service) AllOrganisations(ctx context.Context, actor access.Actor) ([]Organisation, error) {
	out, _, err := s.ListOrganisations(ctx, actor, web.ListQuery{Page: 1, Size: 10000, Sort: "name"}, OrgFilter{})
	return out, err
}

func orgResource(o *Organisation) access.Resource {
	return access.Resource{Kind: access.KindOrganisation, TenantID: o.TenantID, OrganisationID: o.ID}
}

// GetOrganisation returns one organisation.
func (s *Service) GetOrganisation(ctx context.Context, actor access.Actor, id string) (*Organisation, error) {
	if err := access.Guard(actor, access.KindOrganisation, access.View, id, 0); err != nil {
		return nil, err
	}
	var o *Organisation
	err := s.DB.Read(ctx, func(tx *db.Tx) (err error) {
		if o, err = getOrganisation(ctx, tx, actor.TenantID, id); err != nil {
			return err
		}
		return access.Can(actor, access.View, orgResource(o))
	})
	if err != nil {
		return nil, err
	}
	return o, nil
}

// OrganisationExists reports whether id names an organisation of tenantID (for other rooms).
func (s *Service) OrganisationExists(ctx context.Context, tx *db.Tx, tenantID, id string) (bool, error) {
	if !ids.Valid(id) {
		return false, nil
	}
	_, err := getOrganisation(ctx, tx, tenantID, id)
	if errs.CodeOf(err) == errs.NotFound {
		return false, nil
	}
	return err == nil, err
}

// OrganisationName returns the name of an organisation of tenantID, or "".
func (s *Service) OrganisationName(ctx context.Context, tx *db.Tx, tenantID, id string) string {
	if o, err := getOrganisation(ctx, tx, tenantID, id); err == nil {
		return o.Name
	}
	return ""
}

// CreateOrganisation adds an organisation to the actor's tenant.
func (s *Service) CreateOrganisation(ctx context.Context, actor access.Actor, in OrganisationInput) (*Organisation, error) {
	if err := access.Check(actor, access.KindOrganisation, access.Create); err != nil {
		return nil, err
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var o *Organisation
	err := s.DB.Write(ctx, func(tx *db.Tx) error {
		o = &Organisation{ID: ids.New(), TenantID: actor.TenantID, CreatedAt: tx.Now, UpdatedAt: tx.Now, Version: 1}
		o.apply(in)
		if err := access.Can(actor, access.Create, orgResource(o)); err != nil {
			return err
		}
		if err := insertOrganisation(ctx, tx, o); err != nil {
			return err
		}
		return s.log(ctx, tx, actor, "organisation.create", "organisation", o.ID)
	})
	return o, err
}

func (o *Organisation) apply(in OrganisationInput) {
	o.Name, o.ShortName, o.Type, o.Regime, o.KIMCarrier = in.Name, in.ShortName, in.Type, in.Regime, in.KIMCarrier
	o.Email, o.Phone, o.Website = in.Email, in.Phone, in.Website
}

// UpdateOrganisation changes an organisation; in.Version guards against lost updates.
func (s *Service) UpdateOrganisation(ctx context.Context, actor access.Actor, id string, in OrganisationInput) (*Organisation, error) {
	if err := access.Guard(actor, access.KindOrganisation, access.Update, id, in.Version); err != nil {
		return nil, err
	}
	var o *Organisation
	err := s.DB.Write(ctx, func(tx *db.Tx) (err error) {
		if o, err = getOrganisation(ctx, tx, actor.TenantID, id); err != nil {
			return err
		}
		if err := access.Can(actor, access.Update, orgResource(o)); err != nil {
			return err
		}
		if err := in.Validate(); err != nil {
			return err
		}
		o.apply(in)
		o.UpdatedAt = tx.Now
		if err := updateOrganisation(ctx, tx, o, in.Version); err != nil {
			return err
		}
		if err := s.log(ctx, tx, actor, "organisation.update", "organisation", o.ID); err != nil {
			return err
		}
		o, err = getOrganisation(ctx, tx, actor.TenantID, id)
		return err
	})
	return o, err
}

// DeleteOrganisation removes an organisation that has no locations or users any more.
func (s *Service) DeleteOrganisation(ctx context.Context, actor access.Actor, id string) error {
	if err := access.Guard(actor, access.KindOrganisation, access.Delete, id, 0); err != nil {
		return err
	}
	return s.DB.Write(ctx, func(tx *db.Tx) error {
		o, err := getOrganisation(ctx, tx, actor.TenantID, id)
		if err != nil {
			return err
		}
		if err := access.Can(actor, access.Delete, orgResource(o)); err != nil {
			return err
		}
		if o.Locations > 0 {
			return errs.E(errs.Conflict, "directory.organisation.has_locations")
		}
		if err := deleteRow(ctx, tx, "organisations", actor.TenantID, id); err != nil {
			if errs.CodeOf(err) == errs.Conflict {
				return errs.E(errs.Conflict, "directory.organisation.in_use")
			}
			return err
		}
		return s.log(ctx, tx, actor, "organisation.delete", "organisation", id)
	})
}

// FirstOrganisation returns the organisation created first in the tenant (the municipality
// itself, created with the tenant).
func (s *Service) FirstOrganisation(ctx context.Context, tx *db.Tx, tenantID string) (string, error) {
	var id string
	err := tx.QueryRowContext(ctx, "SELECT id FROM organisations WHERE tenant_id = $1 ORDER BY created_at, id LIMIT 1", tenantID).Scan(&id)
	return id, err
}

// Counts are the numbers of a tenant's directory records.
type Counts struct {
	Organisations, Locations, Districts int
}

// Counts returns how many organisations, locations and districts the actor may list, in one
// query (for start pages).
func (s *Service) Counts(ctx context.Context, actor access.Actor) (Counts, error) {
	var c Counts
	for _, k := range []access.Kind{access.KindOrganisation, access.KindLocation, access.KindDistrict} {
		if err := access.Check(actor, k, access.List); err != nil {
			return c, err
		}
	}
	o := access.Scope(actor, access.KindOrganisation, access.List, "o", 1)
	l := access.Scope(actor, access.KindLocation, access.List, "l", 1+len(o.Args))
	d := access.Scope(actor, access.KindDistrict, access.List, "d", 1+len(o.Args)+len(l.Args))
	args := append(append(append([]any{}, o.Args...), l.Args...), d.Args...)
	err := s.DB.Read(ctx, func(tx *db.Tx) error {
		return tx.QueryRowContext(ctx, "SELECT (SELECT count(*) FROM organisations o WHERE "+o.SQL+"), "+
			"(SELECT count(*) FROM locations l WHERE "+l.SQL+"), (SELECT count(*) FROM districts d WHERE "+d.SQL+")", args...).
			Scan(&c.Organisations, &c.Locations, &c.Districts)
	})
	return c, err
}
