package casework

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"kim/internal/platform/access"
	"kim/internal/platform/db"
	"kim/internal/platform/errs"
	"kim/internal/platform/ids"
	"kim/internal/platform/valid"
)

// TaskInput adds a task to the plan.
type TaskInput struct {
	GoalID       string `json:"goal_id"`
	Title        string `json:"title"`
	Responsible  string `json:"responsible"`
	PartnerOrgID string `json:"partner_organisation_id"`
	DueOn        string `json:"due_on"`
}

// Validate cleans and checks the input (the goal and the partner are checked by the service).
func (in *TaskInput) Validate(today time.Time) error {
	var v errs.Validation
	in.Title = valid.Clean(in.Title)
	valid.Required(&v, "title", in.Title, maxLine)
	valid.OneOf(&v, "responsible", in.Responsible, TaskResponsibles)
	if in.Responsible != "partner" {
		in.PartnerOrgID = ""
	} else if in.PartnerOrgID == "" {
		v.Add("partner_organisation_id", "casework.plan.partner_required")
	}
	valid.Date(&v, "due_on", &in.DueOn)
	notPast(&v, "due_on", in.DueOn, today)
	return v.Err()
}

// TaskStatusInput changes the status of a task (done, cancelled, open again).
type TaskStatusInput struct {
	TaskID  string `json:"task_id"`
	Status  string `json:"status"`
	Version int    `json:"version"`
}

// ReviewInput sets the date of the plan's next review (empty: none).
type ReviewInput struct {
	ReviewOn string `json:"review_on"`
	Version  int    `json:"version"`
}

// AddTask adds a task to a case's plan, optionally towards one of its goals; a partner's task
// names one of the tenant's other organisations.
func (s *Service) AddTask(ctx context.Context, actor access.Actor, caseID string, in TaskInput, purpose string) (*Task, error) {
	t := &Task{ID: ids.New(), CaseID: caseID, Status: "open", Version: 1}
	err := s.planWrite(ctx, actor, caseID, purpose, func(tx *db.Tx, c *Case) error {
		var v errs.Validation
		if err := in.Validate(tx.Now); err != nil {
			e := errs.As(err)
			if e.Code != errs.Invalid {
				return err
			}
			v.Fields = e.Fields
		}
		if in.GoalID != "" {
			if _, err := goalOf(ctx, tx, c, in.GoalID); errors.Is(err, errs.ErrNotFound) {
				v.Add("goal_id", "validation.not_found")
			} else if err != nil {
				return err
			}
		}
		if in.PartnerOrgID != "" {
			ok := ids.Valid(in.PartnerOrgID) && in.PartnerOrgID != c.OrganisationID
			if ok {
				var err error
				if ok, err = exists(ctx, tx, "SELECT 1 FROM organisations WHERE tenant_id = $1 AND id = $2", c.TenantID, in.PartnerOrgID); err != nil {
					return err
				}
			}
			if !ok {
				v.Add("partner_organisation_id", "validation.not_found")
			}
		}
		if err := v.Err(); err != nil {
			return err
		}
		if err := checkOpen(c); err != nil {
			return err
		}
		t.GoalID, t.Title, t.Responsible, t.PartnerOrgID, t.DueOn, t.CreatedAt = in.GoalID, in.Title, in.Responsible, in.PartnerOrgID, in.DueOn, tx.Now
		title, err := s.seal(ctx, tx, c.TenantID, "tasks", "title", t.ID, in.Title)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO tasks (tenant_id, id, case_id, goal_id, title, responsible, partner_org_id, due_on, status, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)`, c.TenantID, t.ID, c.ID, nullable(t.GoalID), title, t.Responsible,
			nullable(t.PartnerOrgID), t.DueOn, t.Status, tx.Now); err != nil {
			return err
		}
		return s.log(ctx, tx, actor, "case.task_create", "case", c.ID, map[string]string{"task": t.ID, "responsible": t.Responsible})
	})
	if err != nil {
		return nil, err
	}
	return t, nil
}

// SetTaskStatus marks a task done or cancelled, or opens it again.
func (s *Service) SetTaskStatus(ctx context.Context, actor access.Actor, caseID string, in TaskStatusInput, purpose string) error {
	return s.planWrite(ctx, actor, caseID, purpose, func(tx *db.Tx, c *Case) error {
		if in.TaskID == "" {
			return fieldErr("task_id", "validation.required")
		}
		if !ids.Valid(in.TaskID) {
			return errs.ErrNotFound
		}
		var status string
		var version int
		err := tx.QueryRowContext(ctx, "SELECT status, version FROM tasks WHERE tenant_id = $1 AND case_id = $2 AND id = $3"+tx.ForUpdate(),
			c.TenantID, c.ID, in.TaskID).Scan(&status, &version)
		if errors.Is(err, sql.ErrNoRows) {
			return errs.ErrNotFound
		} else if err != nil {
			return err
		}
		var v errs.Validation
		valid.OneOf(&v, "status", in.Status, TaskStatuses)
		if err := v.Err(); err != nil {
			return err
		}
		if err := writable(c, in.Version, version); err != nil {
			return err
		}
		if in.Status == status {
			return nil
		}
		done := ""
		if in.Status == "done" {
			done = valid.Today(tx.Now)
		}
		if err := execOne(ctx, tx, `UPDATE tasks SET status = $1, done_on = $2, updated_at = $3, version = version + 1
			WHERE tenant_id = $4 AND id = $5 AND version = $6`, in.Status, done, tx.Now, c.TenantID, in.TaskID, version); err != nil {
			return err
		}
		return s.log(ctx, tx, actor, "case.task_status", "case", c.ID, map[string]string{"task": in.TaskID, "from": status, "to": in.Status})
	})
}

// SetReview sets the date of the plan's next review (cases.review_on).
func (s *Service) SetReview(ctx context.Context, actor access.Actor, caseID string, in ReviewInput, purpose string) error {
	return s.planWrite(ctx, actor, caseID, purpose, func(tx *db.Tx, c *Case) error {
		var v errs.Validation
		valid.Date(&v, "review_on", &in.ReviewOn)
		notPast(&v, "review_on", in.ReviewOn, tx.Now)
		if err := v.Err(); err != nil {
			return err
		}
		if err := writable(c, in.Version, c.Version); err != nil {
			return err
		}
		if in.ReviewOn == c.ReviewOn {
			return nil
		}
		if err := execOne(ctx, tx, "UPDATE cases SET review_on = $1, version = version + 1 WHERE tenant_id = $2 AND id = $3 AND version = $4",
			in.ReviewOn, c.TenantID, c.ID, c.Version); err != nil {
			return err
		}
		return s.log(ctx, tx, actor, "case.review_set", "case", c.ID, map[string]string{"review_on": in.ReviewOn})
	})
}
