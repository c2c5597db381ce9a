package casework

import (
	"context"

	"kim/internal/platform/access"
	"kim/internal/platform/audit"
	"kim/internal/platform/db"
	"kim/internal/platform/errs"
	"kim/internal/platform/valid"
)

// MoveCase moves a case to another state along the allowed transitions. Closing needs a
// reason and every goal of the plan evaluated; reopening a closed case clears its closure.
func (s *Service) MoveCase(ctx context.Context, actor access.Actor, id string, in MoveInput, purpose string) (*Case, error) {
	if err := access.Guard(actor, KindCase, access.Update, id, in.Version); err != nil {
		return nil, err
	}
	var c *Case
	err := s.DB.Write(ctx, func(tx *db.Tx) (err error) {
		if c, err = s.loadCase(ctx, tx, actor, access.Update, id, purpose); err != nil {
			return err
		}
		if in.Version != 0 && in.Version != c.Version {
			return errs.E(errs.Conflict, "error.conflict")
		}
		if err := in.Validate(c.Status); err != nil {
			return err
		}
		// A case ends only when each goal has its final status and an evaluation.
		if in.To == StatusClosed || in.To == StatusDeclined || in.To == StatusReferred {
			var open int
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM goals WHERE tenant_id = $1 AND case_id = $2
				AND (status IN ('open', 'in_progress') OR evaluation IS NULL)`, c.TenantID, c.ID).Scan(&open); err != nil {
				return err
			}
			if open > 0 {
				return fieldErr("status", "casework.case.goals_unevaluated", "Count", open)
			}
		}
		closedOn, reason := c.ClosedOn, c.CloseReason
		var closeNote any = nil
		switch in.To {
		case StatusClosed, StatusDeclined, StatusReferred:
			closedOn, reason = valid.Today(tx.Now), in.CloseReason
			if closeNote, err = s.seal(ctx, tx, c.TenantID, "cases", "close_note", c.ID, in.Note); err != nil {
				return err
			}
		case StatusAssessment:
			if c.Status == StatusClosed {
				closedOn, reason = "", ""
			}
		}
		res, err := tx.ExecContext(ctx, `UPDATE cases SET status = $1, closed_on = $2, close_reason = $3,
			close_note = CASE WHEN $4 = 1 THEN $5 ELSE close_note END, updated_at = $6, version = version + 1
			WHERE tenant_id = $7 AND id = $8 AND version = $9`,
			in.To, closedOn, reason, boolInt(closeNote != nil || closedOn == ""), closeNote, tx.Now, c.TenantID, c.ID, c.Version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errs.E(errs.Conflict, "error.conflict")
		}
		kind := "status"
		if c.Status == StatusClosed {
			kind = "reopen"
		}
		if err := s.event(ctx, tx, actor, c.ID, kind, c.Status, in.To, reason, in.Note); err != nil {
			return err
		}
		if err := s.log(ctx, tx, actor, "case.move", "case", c.ID, map[string]string{"from": c.Status, "to": in.To}); err != nil {
			return err
		}
		c, err = getCase(ctx, tx, c.TenantID, c.ID)
		return err
	})
	return c, err
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// AssignInput gives a case to another case manager or deputy of the organisation.
type AssignInput struct {
	CaseManagerID string `json:"case_manager_id"`
	DeputyID      string `json:"deputy_id"`
	Version       int    `json:"version"`
	// Purpose is needed when team leads make a case their own.
	Purpose string `json:"purpose"`
}

// CaseForAssignment returns a case's number, client and assignment for the team lead's
// reassignment page; it shows nothing of the case's content, so it needs no purpose.
func (s *Service) CaseForAssignment(ctx context.Context, actor access.Actor, id string) (*Case, error) {
	if err := access.Guard(actor, KindCase, access.Manage, id, 0); err != nil {
		return nil, err
	}
	var c *Case
	err := s.DB.Write(ctx, func(tx *db.Tx) (err error) {
		if c, err = getCase(ctx, tx, actor.TenantID, id); err != nil {
			return err
		}
		if err := access.Can(actor, access.Manage, c.resource()); err != nil {
			return err
		}
		return s.log(ctx, tx, actor, "case.assign_view", "case", c.ID, nil)
	})
	return c, err
}

// AssignCase changes the case manager and deputy of a case (team lead only).
func (s *Service) AssignCase(ctx context.Context, actor access.Actor, id string, in AssignInput) (*Case, error) {
	if err := access.Guard(actor, KindCase, access.Manage, id, in.Version); err != nil {
		return nil, err
	}
	var c *Case
	err := s.DB.Write(ctx, func(tx *db.Tx) (err error) {
		if c, err = getCase(ctx, tx, actor.TenantID, id); err != nil {
			return err
		}
		if err := access.Can(actor, access.Manage, c.resource()); err != nil {
			return err
		}
		if in.Version != 0 && in.Version != c.Version {
			return errs.E(errs.Conflict, "error.conflict")
		}
		// A team lead who makes a case their own reads it from then on: that needs a purpose
		// like opening it, recorded in the audit trail.
		if (in.CaseManagerID == actor.UserID || in.DeputyID == actor.UserID) && actor.UserID != c.CaseManagerID && actor.UserID != c.DeputyID {
			purpose := valid.Clean(in.Purpose)
			if purpose == "" {
				return fieldErr("purpose", "casework.case.purpose_required")
			}
			if len([]rune(purpose)) > 300 {
				return fieldErr("purpose", "validation.too_long", "Max", 300)
			}
			if err := s.Audit.Append(ctx, tx, audit.Entry{Actor: actor, Action: "case.access_purpose", ObjectType: "case", ObjectID: c.ID, Purpose: purpose}); err != nil {
				return err
			}
		}
		var v errs.Validation
		if in.CaseManagerID == "" {
			v.Add("case_manager_id", "validation.required")
		}
		for _, f := range []struct{ field, id string }{{"case_manager_id", in.CaseManagerID}, {"deputy_id", in.DeputyID}} {
			if f.id == "" {
				continue
			}
			ok, err := s.isStaff(ctx, tx, actor, f.id)
			if err != nil {
				return err
			}
			if !ok {
				v.Add(f.field, "casework.case.not_staff")
			}
		}
		if in.DeputyID != "" && in.DeputyID == in.CaseManagerID {
			v.Add("deputy_id", "casework.case.deputy_same")
		}
		if err := v.Err(); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE cases SET case_manager_id = $1, deputy_id = $2, updated_at = $3, version = version + 1
			WHERE tenant_id = $4 AND id = $5 AND version = $6`, in.CaseManagerID, nullable(in.DeputyID), tx.Now, c.TenantID, c.ID, c.Version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errs.E(errs.Conflict, "error.conflict")
		}
		if err := s.log(ctx, tx, actor, "case.assign", "case", c.ID, map[string]string{"from": c.CaseManagerID, "to": in.CaseManagerID, "deputy": in.DeputyID}); err != nil {
			return err
		}
		if c, err = getCase(ctx, tx, c.TenantID, c.ID); err != nil {
			return err
		}
		return s.event(ctx, tx, actor, c.ID, "assign", "", "", c.CaseManager, "")
	})
	return c, err
}
