package directory

import (
	"context"

	"kim/internal/platform/access"
	"kim/internal/platform/db"
	"kim/internal/platform/errs"
	"kim/internal/platform/ids"
	"kim/internal/platform/web"
)

// --- districts and quarters ---

func districtResource(tenantID string) access.Resource {
	return access.Resource{Kind: access.KindDistrict, TenantID: tenantID}
}

// ListDistricts lists districts with their quarters.
func (s *Service) ListDistricts(ctx context.Context, actor access.Actor, q web.ListQuery) ([]District, int, error) {
	if err := access.Check(actor, access.KindDistrict, access.List); err != nil {
		return nil, 0, err
	}
	var (
		out   []District
		total int
	)
	err := s.DB.Read(ctx, func(tx *db.Tx) (err error) {
		out, total, err = listDistricts(ctx, tx, access.Scope(actor, access.KindDistrict, access.List, "d", 1), q)
		return err
	})
	return out, total, err
}

// AllDistricts lists every district of the tenant with its quarters (for select boxes).
func (s *Service) AllDistricts(ctx context.Context, actor access.Actor) ([]District, error) {
	out, _, err := s.ListDistricts(ctx, actor, web.ListQuery{Page: 1, Size: 10000, Sort: "name"})
	return out, err
}

// GetDistrict returns one district with its quarters.
func (s *Service) GetDistrict(ctx context.Context, actor access.Actor, id string) (*District, error) {
	if err := access.Guard(actor, access.KindDistrict, access.View, id, 0); err != nil {
		return nil, err
	}
	var d *District
	err := s.DB.Read(ctx, func(tx *db.Tx) (err error) {
		if d, err = getDistrict(ctx, tx, actor.TenantID, id); err != nil {
			return err
		}
		return access.Can(actor, access.View, districtResource(d.TenantID))
	})
	if err != nil {
		return nil, err
	}
	return d, nil
}

// CreateDistrict adds a district.
func (s *Service) CreateDistrict(ctx context.Context, actor access.Actor, in DistrictInput) (*District, error) {
	if err := access.Check(actor, access.KindDistrict, access.Create); err != nil {
		return nil, err
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var d *District
	err := s.DB.Write(ctx, func(tx *db.Tx) (err error) {
		id := ids.New()
		_, err = tx.ExecContext(ctx, "INSERT INTO districts (tenant_id, id, name, code, created_at, updated_at, version) VALUES ($1, $2, $3, $4, $5, $5, 1)",
			actor.TenantID, id, in.Name, in.Code, tx.Now)
		if err != nil {
			return uniqueAsField(err, "name")
		}
		if err := s.log(ctx, tx, actor, "district.create", "district", id); err != nil {
			return err
		}
		d, err = getDistrict(ctx, tx, actor.TenantID, id)
		return err
	})
	return d, err
}

// UpdateDistrict renames a district.
func (s *Service) UpdateDistrict(ctx context.Context, actor access.Actor, id string, in DistrictInput) (*District, error) {
	if err := access.Guard(actor, access.KindDistrict, access.Update, id, in.Version); err != nil {
		return nil, err
	}
	var d *District
	err := s.DB.Write(ctx, func(tx *db.Tx) (err error) {
		if _, err = getDistrict(ctx, tx, actor.TenantID, id); err != nil {
			return err
		}
		if err := in.Validate(); err != nil {
			return err
		}
		if err := s.updateRow(ctx, tx, actor, "district.update", "district", id,
			"UPDATE districts SET name = $1, code = $2, updated_at = $3, version = version + 1 WHERE tenant_id = $4 AND id = $5 AND ($6 = 0 OR version = $6)",
			in.Name, in.Code, tx.Now, actor.TenantID, id, in.Version); err != nil {
			return err
		}
		d, err = getDistrict(ctx, tx, actor.TenantID, id)
		return err
	})
	return d, err
}

// DeleteDistrict removes a district without quarters that no location uses.
func (s *Service) DeleteDistrict(ctx context.Context, actor access.Actor, id string) error {
	if err := access.Guard(actor, access.KindDistrict, access.Delete, id, 0); err != nil {
		return err
	}
	return s.DB.Write(ctx, func(tx *db.Tx) error {
		d, err := getDistrict(ctx, tx, actor.TenantID, id)
		if err != nil {
			return err
		}
		if len(d.Quarters) > 0 {
			return errs.E(errs.Conflict, "directory.district.has_quarters")
		}
		if err := deleteRow(ctx, tx, "districts", actor.TenantID, id); err != nil {
			return err
		}
		return s.log(ctx, tx, actor, "district.delete", "district", id)
	})
}

// AddQuarter adds a quarter to a district.
func (s *Service) AddQuarter(ctx context.Context, actor access.Actor, districtID string, in QuarterInput) (*Quarter, error) {
	if err := access.Guard(actor, access.KindDistrict, access.Update, districtID, 0); err != nil {
		return nil, err
	}
	var q *Quarter
	err := s.DB.Write(ctx, func(tx *db.Tx) (err error) {
		if _, err = getDistrict(ctx, tx, actor.TenantID, districtID); err != nil {
			return err
		}
		if err := in.Validate(); err != nil {
			return err
		}
		id := ids.New()
		_, err = tx.ExecContext(ctx, "INSERT INTO quarters (tenant_id, id, district_id, name, created_at, updated_at, version) VALUES ($1, $2, $3, $4, $5, $5, 1)",
			actor.TenantID, id, districtID, in.Name, tx.Now)
		if err != nil {
			return uniqueAsField(err, "name")
		}
		if err := s.log(ctx, tx, actor, "quarter.create", "quarter", id); err != nil {
			return err
		}
		q, err = getQuarter(ctx, tx, actor.TenantID, id)
		return err
	})
	return q, err
}

// GetQuarter returns a quarter.
func (s *Service) GetQuarter(ctx context.Context, actor access.Actor, id string) (*Quarter, error) {
	if err := access.Guard(actor, access.KindDistrict, access.View, id, 0); err != nil {
		return nil, err
	}
	var q *Quarter
	err := s.DB.Read(ctx, func(tx *db.Tx) (err error) {
		q, err = getQuarter(ctx, tx, actor.TenantID, id)
		return err
	})
	return q, err
}

// RenameQuarter changes a quarter's name.
func (s *Service) RenameQuarter(ctx context.Context, actor access.Actor, id string, in QuarterInput) (*Quarter, error) {
	if err := access.Guard(actor, access.KindDistrict, access.Update, id, in.Version); err != nil {
		return nil, err
	}
	var q *Quarter
	err := s.DB.Write(ctx, func(tx *db.Tx) (err error) {
		if _, err = getQuarter(ctx, tx, actor.TenantID, id); err != nil {
			return err
		}
		if err := in.Validate(); err != nil {
			return err
		}
		if err := s.updateRow(ctx, tx, actor, "quarter.update", "quarter", id,
			"UPDATE quarters SET name = $1, updated_at = $2, version = version + 1 WHERE tenant_id = $3 AND id = $4 AND ($5 = 0 OR version = $5)",
			in.Name, tx.Now, actor.TenantID, id, in.Version); err != nil {
			return err
		}
		q, err = getQuarter(ctx, tx, actor.TenantID, id)
		return err
	})
	return q, err
}

// DeleteQuarter removes a quarter that no location uses.
func (s *Service) DeleteQuarter(ctx context.Context, actor access.Actor, id string) error {
	if err := access.Guard(actor, access.KindDistrict, access.Delete, id, 0); err != nil {
		return err
	}
	return s.DB.Write(ctx, func(tx *db.Tx) error {
		if err := deleteRow(ctx, tx, "quarters", actor.TenantID, id); err != nil {
			return err
		}
		return s.log(ctx, tx, actor, "quarter.delete", "quarter", id)
	})
}

// --- locations ---

func locationResource(l *Location) access.Resource {
	return access.Resource{Kind: access.KindLocation, TenantID: l.TenantID, OrganisationID: l.OrganisationID}
}

// ListLocations lists locations.
func (s *Service) ListLocations(ctx context.Context, actor access.Actor, q web.ListQuery, f LocationFilter) ([]Location, int, error) {
	if err := access.Check(actor, access.KindLocation, access.List); err != nil {
		return nil, 0, err
	}
	var (
		out   []Location
		total int
	)
	err := s.DB.Read(ctx, func(tx *db.Tx) (err error) {
		out, total, err = listLocations(ctx, tx, access.Scope(actor, access.KindLocation, access.List, "l", 1), q, f)
		return err
	})
	return out, total, err
}

// GetLocation returns one location.
func (s *Service) GetLocation(ctx context.Context, actor access.Actor, id string) (*Location, error) {
	if err := access.Guard(actor, access.KindLocation, access.View, id, 0); err != nil {
		return nil, err
	}
	var l *Location
	err := s.DB.Read(ctx, func(tx *db.Tx) (err error) {
		if l, err = getLocation(ctx, tx, actor.TenantID, id); err != nil {
			return err
		}
		return access.Can(actor, access.View, locationResource(l))
	})
	if err != nil {
		return nil, err
	}
	return l, nil
}

// checkPlaceRefs verifies that the organisation, district and quarter of a location exist in the
// tenant and that the quarter lies in the district (taking the district from the quarter when
// only the quarter is given).
func checkPlaceRefs(ctx context.Context, tx *db.Tx, tenantID string, in *LocationInput) error {
	var v errs.Validation
	if !ids.Valid(in.OrganisationID) {
		v.Add("organisation_id", "validation.not_found")
	} else if _, err := getOrganisation(ctx, tx, tenantID, in.OrganisationID); err != nil {
		if errs.CodeOf(err) != errs.NotFound {
			return err
		}
		v.Add("organisation_id", "validation.not_found")
	}
	if in.QuarterID != "" {
		if !ids.Valid(in.QuarterID) {
			v.Add("quarter_id", "validation.not_found")
		} else if q, err := getQuarter(ctx, tx, tenantID, in.QuarterID); err != nil {
			if errs.CodeOf(err) != errs.NotFound {
				return err
			}
			v.Add("quarter_id", "validation.not_found")
		} else if in.DistrictID == "" {
			in.DistrictID = q.DistrictID
		} else if in.DistrictID != q.DistrictID {
			v.Add("quarter_id", "directory.location.quarter_outside")
		}
	}
	if in.DistrictID != "" && !v.Has("district_id") {
		if !ids.Valid(in.DistrictID) {
			v.Add("district_id", "validation.not_found")
		} else if _, err := getDistrict(ctx, tx, tenantID, in.DistrictID); err != nil {
			if errs.CodeOf(err) != errs.NotFound {
				return err
			}
			v.Add("district_id", "validation.not_found")
		}
	}
	return v.Err()
}

func (l *Location) apply(in LocationInput) {
	l.OrganisationID, l.Name, l.Street, l.Postcode, l.City = in.OrganisationID, in.Name, in.Street, in.Postcode, in.City
	l.DistrictID, l.QuarterID, l.OpeningHours, l.Languages = in.DistrictID, in.QuarterID, in.OpeningHours, in.Languages
	l.StepFree, l.Phone, l.Email = in.StepFree, in.Phone, in.Email
}

// CreateLocation adds a location.
func (s *Service) CreateLocation(ctx context.Context, actor access.Actor, in LocationInput) (*Location, error) {
	if err := access.Check(actor, access.KindLocation, access.Create); err != nil {
		return nil, err
	}
	var l *Location
	err := s.DB.Write(ctx, func(tx *db.Tx) (err error) {
		if err := in.Validate(); err != nil {
			return err
		}
		if err := checkPlaceRefs(ctx, tx, actor.TenantID, &in); err != nil {
			return err
		}
		l = &Location{ID: ids.New(), TenantID: actor.TenantID, CreatedAt: tx.Now, UpdatedAt: tx.Now}
		l.apply(in)
		if err := access.Can(actor, access.Create, locationResource(l)); err != nil {
			return err
		}
		if err := insertLocation(ctx, tx, l); err != nil {
			return err
		}
		if err := s.log(ctx, tx, actor, "location.create", "location", l.ID); err != nil {
			return err
		}
		l, err = getLocation(ctx, tx, actor.TenantID, l.ID)
		return err
	})
	return l, err
}

// UpdateLocation changes a location.
func (s *Service) UpdateLocation(ctx context.Context, actor access.Actor, id string, in LocationInput) (*Location, error) {
	if err := access.Guard(actor, access.KindLocation, access.Update, id, in.Version); err != nil {
		return nil, err
	}
	var l *Location
	err := s.DB.Write(ctx, func(tx *db.Tx) (err error) {
		if l, err = getLocation(ctx, tx, actor.TenantID, id); err != nil {
			return err
		}
		if err := access.Can(actor, access.Update, locationResource(l)); err != nil {
			return err
		}
		if err := in.Validate(); err != nil {
			return err
		}
		if err := checkPlaceRefs(ctx, tx, actor.TenantID, &in); err != nil {
			return err
		}
		l.apply(in)
		l.UpdatedAt = tx.Now
		if err := updateLocation(ctx, tx, l, in.Version); err != nil {
			return err
		}
		if err := s.log(ctx, tx, actor, "location.update", "location", id); err != nil {
			return err
		}
		l, err = getLocation(ctx, tx, actor.TenantID, id)
		return err
	})
	return l, err
}

// DeleteLocation removes a location.
func (s *Service) DeleteLocation(ctx context.Context, actor access.Actor, id string) error {
	if err := access.Guard(actor, access.KindLocation, access.Delete, id, 0); err != nil {
		return err
	}
	return s.DB.Write(ctx, func(tx *db.Tx) error {
		l, err := getLocation(ctx, tx, actor.TenantID, id)
		if err != nil {
			return err
		}
		if err := access.Can(actor, access.Delete, locationResource(l)); err != nil {
			return err
		}
		if err := deleteRow(ctx, tx, "locations", actor.TenantID, id); err != nil {
			return err
		}
		return s.log(ctx, tx, actor, "location.delete", "location", id)
	})
}
