package casework

import (
	"context"
	"database/sql"
	"errors"

	"kim/internal/platform/access"
	"kim/internal/platform/db"
	"kim/internal/platform/errs"
	"kim/internal/platform/ids"
	"kim/internal/platform/valid"
)

func household(ctx context.Context, tx *db.Tx, tenantID, clientID string) ([]HouseholdMember, error) {
	return queryAll(ctx, tx, func(row scanner, m *HouseholdMember) error {
		return row.Scan(&m.ID, &m.MemberID, &m.Name, &m.Relationship, &m.BirthDate)
	}, `SELECT h.id, COALESCE(CAST(h.member_id AS TEXT), ''), CASE WHEN c.id IS NULL THEN h.name
		ELSE c.family_name || ', ' || c.given_names END, h.relationship, CASE WHEN c.id IS NULL THEN h.birth_date ELSE c.birth_date END
		FROM household_members h LEFT JOIN clients c ON c.tenant_id = h.tenant_id AND c.id = h.member_id
		WHERE h.tenant_id = $1 AND h.client_id = $2 ORDER BY h.created_at, h.id`, tenantID, clientID)
}

func residence(ctx context.Context, tx *db.Tx, tenantID, clientID string) ([]ResidenceStatus, error) {
	return queryAll(ctx, tx, func(row scanner, r *ResidenceStatus) error {
		return row.Scan(&r.ID, &r.Type, &r.LegalBasis, &r.IssuedOn, &r.ValidUntil, &r.DocumentExpiry, &r.Source, &r.RecordedAt)
	}, `SELECT id, type, legal_basis, issued_on, valid_until, document_expiry, source, recorded_at
		FROM residence_statuses WHERE tenant_id = $1 AND client_id = $2 ORDER BY recorded_at DESC, id DESC`, tenantID, clientID)
}

// AddHouseholdMember adds a member to a client's household. A member who is a client must be
// one of the same organisation.
func (s *Service) AddHouseholdMember(ctx context.Context, actor access.Actor, clientID string, in HouseholdInput) (*HouseholdMember, error) {
	if err := access.Guard(actor, KindClient, access.Update, clientID, 0); err != nil {
		return nil, err
	}
	var m *HouseholdMember
	err := s.DB.Write(ctx, func(tx *db.Tx) error {
		c, err := loadClient(ctx, tx, actor, access.Update, clientID)
		if err != nil {
			return err
		}
		now := tx.Now
		if err := in.Validate(now.In(valid.Berlin)); err != nil {
			return err
		}
		m = &HouseholdMember{ID: ids.New(), MemberID: in.MemberID, Name: in.Name, Relationship: in.Relationship, BirthDate: in.BirthDate}
		if in.MemberID != "" {
			if !ids.Valid(in.MemberID) || in.MemberID == c.ID {
				return fieldErr("member_client_id", "validation.not_found")
			}
			mc, err := getClient(ctx, tx, actor.TenantID, in.MemberID)
			if err != nil || mc.OrganisationID != c.OrganisationID {
				return fieldErr("member_client_id", "validation.not_found")
			}
			m.Name, m.BirthDate = mc.Name(), mc.BirthDate
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO household_members (tenant_id, id, client_id, member_id, name, relationship, birth_date, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, actor.TenantID, m.ID, c.ID, nullable(in.MemberID), in.Name, in.Relationship, in.BirthDate, now); err != nil {
			return err
		}
		return s.log(ctx, tx, actor, "client.household_add", "client", c.ID, map[string]string{"member": m.ID})
	})
	return m, err
}

// RemoveHouseholdMember removes a member from a client's household and returns the client's id.
func (s *Service) RemoveHouseholdMember(ctx context.Context, actor access.Actor, memberID string) (string, error) {
	if err := access.Guard(actor, KindClient, access.Update, memberID, 0); err != nil {
		return "", err
	}
	var clientID string
	err := s.DB.Write(ctx, func(tx *db.Tx) error {
		err := tx.QueryRowContext(ctx, "SELECT client_id FROM household_members WHERE tenant_id = $1 AND id = $2", actor.TenantID, memberID).Scan(&clientID)
		if errors.Is(err, sql.ErrNoRows) {
			return errs.ErrNotFound
		}
		if err != nil {
			return err
		}
		c, err := loadClient(ctx, tx, actor, access.Update, clientID)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM household_members WHERE tenant_id = $1 AND id = $2", c.TenantID, memberID); err != nil {
			return err
		}
		return s.log(ctx, tx, actor, "client.household_remove", "client", c.ID, map[string]string{"member": memberID})
	})
	return clientID, err
}

// AddResidenceStatus records a new entry of the client's residence-status history.
func (s *Service) AddResidenceStatus(ctx context.Context, actor access.Actor, clientID string, in ResidenceInput) (*ResidenceStatus, error) {
	if err := access.Guard(actor, KindClient, access.Update, clientID, 0); err != nil {
		return nil, err
	}
	var r *ResidenceStatus
	err := s.DB.Write(ctx, func(tx *db.Tx) error {
		c, err := loadClient(ctx, tx, actor, access.Update, clientID)
		if err != nil {
			return err
		}
		if err := in.Validate(); err != nil {
			return err
		}
		now := tx.Now
		r = &ResidenceStatus{ID: ids.New(), Type: in.Type, LegalBasis: in.LegalBasis, IssuedOn: in.IssuedOn, ValidUntil: in.ValidUntil,
			DocumentExpiry: in.DocumentExpiry, Source: in.Source, RecordedAt: now}
		if _, err := tx.ExecContext(ctx, `INSERT INTO residence_statuses (tenant_id, id, client_id, type, legal_basis, issued_on,
			valid_until, document_expiry, source, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
			c.TenantID, r.ID, c.ID, r.Type, r.LegalBasis, r.IssuedOn, r.ValidUntil, r.DocumentExpiry, r.Source, actor.UserID, now); err != nil {
			return err
		}
		return s.log(ctx, tx, actor, "client.residence_add", "client", c.ID, map[string]string{"status": r.ID})
	})
	return r, err
}

// fieldErr is a validation error on one field.
func fieldErr(field, msgID string, kv ...any) error {
	var v errs.Validation
	v.Add(field, msgID, kv...)
	return v.Err()
}
