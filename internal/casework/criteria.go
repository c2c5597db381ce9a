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

// Criterion is a local admission criterion of case management (for example "several needs in
// different life domains", "lives in the city for at most three years", "no other case
// management"), configured per tenant and checked at clarification.
type Criterion struct {
	ID       string `json:"id"`
	Label    string `json:"label"`
	Position int    `json:"position"`
	Active   bool   `json:"active"`
	Version  int    `json:"version"`
}

func (s *Service) criteria(ctx context.Context, tx *db.Tx, tenantID string, activeOnly bool) ([]Criterion, error) {
	q := "SELECT id, label, position, active, version FROM admission_criteria WHERE tenant_id = $1"
	if activeOnly {
		q += " AND active"
	}
	return queryAll(ctx, tx, func(row scanner, c *Criterion) error {
		return row.Scan(&c.ID, &c.Label, &c.Position, &c.Active, &c.Version)
	}, q+" ORDER BY position, label, id", tenantID)
}

// Criteria lists the tenant's admission criteria (active ones only unless all).
func (s *Service) Criteria(ctx context.Context, actor access.Actor, all bool) ([]Criterion, error) {
	if actor.Anonymous() {
		return nil, errs.E(errs.Unauthorized, "error.unauthorized")
	}
	if all {
		if err := access.Check(actor, KindCaseConfig, access.List); err != nil {
			return nil, err
		}
	}
	var out []Criterion
	err := s.DB.Read(ctx, func(tx *db.Tx) (err error) {
		out, err = s.criteria(ctx, tx, actor.TenantID, !all)
		return err
	})
	return out, err
}

// CriterionInput adds or changes an admission criterion.
type CriterionInput struct {
	Label    string `json:"label"`
	Position int    `json:"position"`
	Active   bool   `json:"active"`
	Version  int    `json:"version"`
}

// SaveCriterion adds (id "") or changes an admission criterion of the actor's tenant.
func (s *Service) SaveCriterion(ctx context.Context, actor access.Actor, id string, in CriterionInput) (*Criterion, error) {
	a := access.Create
	if id != "" {
		a = access.Update
	}
	if err := access.Check(actor, KindCaseConfig, a); err != nil {
		return nil, err
	}
	if id != "" && !ids.Valid(id) {
		return nil, errs.ErrNotFound
	}
	in.Label = valid.Clean(in.Label)
	var v errs.Validation
	valid.Required(&v, "label", in.Label, maxLine)
	if in.Position < 0 || in.Position > 1000 {
		v.Add("position", "validation.choice")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	c := &Criterion{ID: id, Label: in.Label, Position: in.Position, Active: in.Active}
	err := s.DB.Write(ctx, func(tx *db.Tx) error {
		if id == "" {
			c.ID, c.Version = ids.New(), 1
			if _, err := tx.ExecContext(ctx, "INSERT INTO admission_criteria (tenant_id, id, label, position, active, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
				actor.TenantID, c.ID, c.Label, c.Position, c.Active, tx.Now); err != nil {
				return err
			}
		} else {
			res, err := tx.ExecContext(ctx, `UPDATE admission_criteria SET label = $1, position = $2, active = $3, version = version + 1
				WHERE tenant_id = $4 AND id = $5 AND ($6 = 0 OR version = $6)`, c.Label, c.Position, c.Active, actor.TenantID, id, in.Version)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n != 1 {
				// The criterion is not the tenant's, or it changed meanwhile.
				if ok, err := exists(ctx, tx, "SELECT 1 FROM admission_criteria WHERE tenant_id = $1 AND id = $2", actor.TenantID, id); err != nil {
					return err
				} else if !ok {
					return errs.ErrNotFound
				}
				return errs.E(errs.Conflict, "error.conflict")
			}
			if err := tx.QueryRowContext(ctx, "SELECT version FROM admission_criteria WHERE tenant_id = $1 AND id = $2", actor.TenantID, id).Scan(&c.Version); err != nil {
				return err
			}
		}
		return s.log(ctx, tx, actor, "case.criterion_save", "admission_criterion", c.ID, nil)
	})
	return c, err
}

// GetCriterion returns one admission criterion of the actor's tenant.
func (s *Service) GetCriterion(ctx context.Context, actor access.Actor, id string) (*Criterion, error) {
	if err := access.Guard(actor, KindCaseConfig, access.View, id, 0); err != nil {
		return nil, err
	}
	var c Criterion
	err := s.DB.Read(ctx, func(tx *db.Tx) error {
		err := tx.QueryRowContext(ctx, "SELECT id, label, position, active, version FROM admission_criteria WHERE tenant_id = $1 AND id = $2",
			actor.TenantID, id).Scan(&c.ID, &c.Label, &c.Position, &c.Active, &c.Version)
		if errors.Is(err, sql.ErrNoRows) {
			return errs.ErrNotFound
		}
		return err
	})
	return &c, err
}
