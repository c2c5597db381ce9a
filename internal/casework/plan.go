package casework

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strconv"
	"time"

	"kim/internal/platform/access"
	"kim/internal/platform/db"
	"kim/internal/platform/errs"
	"kim/internal/platform/ids"
	"kim/internal/platform/valid"
)

// Goal states: open → in progress → one of the final states, set when the goal is evaluated.
var (
	GoalStatuses      = []string{"open", "in_progress", "achieved", "partly_achieved", "not_achieved", "dropped"}
	FinalGoalStatuses = []string{"achieved", "partly_achieved", "not_achieved", "dropped"}
	TaskStatuses      = []string{"open", "done", "cancelled"}
	TaskResponsibles  = []string{"client", "case_manager", "partner"}
)

// Field limits of the plan.
const (
	maxGoalText   = 2000
	maxEvaluation = 4000
)

// Goal is a goal of a case's service plan (Zielvereinbarung) in one life domain: a SMART
// text, the indicator of success and a target date. Text, indicator and evaluation are stored
// encrypted.
type Goal struct {
	ID          string    `json:"id"`
	CaseID      string    `json:"case_id"`
	Domain      string    `json:"life_domain"`
	Text        string    `json:"text"`
	Indicator   string    `json:"indicator"`
	TargetOn    string    `json:"target_on"`
	Status      string    `json:"status"`
	Evaluation  string    `json:"evaluation"`
	EvaluatedOn string    `json:"evaluated_on"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
	Version     int       `json:"version"`
	Tasks       []Task    `json:"tasks,omitempty"`
}

// Open reports whether the goal still needs an evaluation before the case can close.
func (g *Goal) Open() bool { return g.Status == "open" || g.Status == "in_progress" }

// Task is a step of the plan: who does what by when, optionally towards a goal. The title is
// stored encrypted.
type Task struct {
	ID           string    `json:"id"`
	CaseID       string    `json:"case_id"`
	GoalID       string    `json:"goal_id"`
	Title        string    `json:"title"`
	Responsible  string    `json:"responsible"`
	PartnerOrgID string    `json:"partner_organisation_id"`
	PartnerOrg   string    `json:"partner_organisation_name"`
	DueOn        string    `json:"due_on"`
	Status       string    `json:"status"`
	DoneOn       string    `json:"done_on"`
	CreatedAt    time.Time `json:"created_at"`
	Version      int       `json:"version"`
	Overdue      bool      `json:"overdue"`
}

// PlanFile is the plan page of a case: its goals with their tasks, the tasks without a goal,
// and how many goals still wait for their evaluation.
type PlanFile struct {
	Case  *Case
	Goals []Goal
	Loose []Task // tasks towards no goal
	Open  int    // goals open or in progress
	Today string
}

// GoalInput agrees a new goal.
type GoalInput struct {
	Domain    string `json:"life_domain"`
	Text      string `json:"text"`
	Indicator string `json:"indicator"`
	TargetOn  string `json:"target_on"`
}

// Validate cleans and checks the input; a goal is time-bound, so its target date is required
// and not in the past.
func (in *GoalInput) Validate(today time.Time) error {
	var v errs.Validation
	valid.OneOf(&v, "life_domain", in.Domain, Domains)
	in.Text, in.Indicator = valid.CleanText(in.Text), valid.CleanText(in.Indicator)
	valid.Required(&v, "text", in.Text, maxGoalText)
	valid.Length(&v, "indicator", in.Indicator, maxGoalText)
	valid.RequiredDate(&v, "target_on", &in.TargetOn)
	notPast(&v, "target_on", in.TargetOn, today)
	return v.Err()
}

// notPast checks that an optional, normalised date is not before today.
func notPast(v *errs.Validation, field, date string, today time.Time) {
	if date != "" && !v.Has(field) && date < valid.Today(today) {
		v.Add(field, "casework.plan.date_past")
	}
}

// GoalStatusInput changes the status of a goal.
type GoalStatusInput struct {
	GoalID  string `json:"goal_id"`
	Status  string `json:"status"`
	Version int    `json:"version"`
}

// GoalEvaluation is the final status and evaluation text of one goal, given before closing.
type GoalEvaluation struct {
	GoalID     string `json:"goal_id"`
	Status     string `json:"status"`
	Evaluation string `json:"evaluation"`
	Version    int    `json:"version"`
}

// EvaluationField is the name of a goal's field in the evaluation form and its messages.
func EvaluationField(field, goalID string) string { return field + "-" + goalID }

// GetPlan loads the plan of a case, in one audited read.
func (s *Service) GetPlan(ctx context.Context, actor access.Actor, caseID, purpose string) (*PlanFile, error) {
	p := &PlanFile{}
	err := s.sectionRead(ctx, actor, caseID, purpose, "plan", func(tx *db.Tx, c *Case) (err error) {
		p.Case, p.Today = c, valid.Today(tx.Now)
		if p.Goals, err = s.goals(ctx, tx, c); err != nil {
			return err
		}
		tasks, err := s.tasks(ctx, tx, c, p.Today)
		if err != nil {
			return err
		}
		at := map[string]int{}
		for i, g := range p.Goals {
			at[g.ID] = i
			if g.Open() {
				p.Open++
			}
		}
		for _, t := range tasks {
			if i, ok := at[t.GoalID]; ok {
				p.Goals[i].Tasks = append(p.Goals[i].Tasks, t)
			} else {
				p.Loose = append(p.Loose, t)
			}
		}
		return nil
	})
	return p, err
}

const goalCols = `id, case_id, domain, text, indicator, target_on, status, evaluation, evaluated_on, created_at, updated_at, version`

// goals loads the goals of a case, texts decrypted, in the order they were agreed.
func (s *Service) goals(ctx context.Context, tx *db.Tx, c *Case) ([]Goal, error) {
	rows, err := tx.QueryContext(ctx, "SELECT "+goalCols+" FROM goals WHERE tenant_id = $1 AND case_id = $2 ORDER BY created_at, id", c.TenantID, c.ID)
	if err != nil {
		return nil, err
	}
	type row struct {
		Goal
		text, indicator, evaluation []byte
	}
	var raw []row
	for rows.Next() {
		var r row
		if err := rows.Scan(&r.ID, &r.CaseID, &r.Domain, &r.text, &r.indicator, &r.TargetOn, &r.Status, &r.evaluation, &r.EvaluatedOn,
			&r.CreatedAt, &r.UpdatedAt, &r.Version); err != nil {
			rows.Close()
			return nil, err
		}
		raw = append(raw, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make([]Goal, len(raw))
	for i, r := range raw {
		g := r.Goal
		for _, f := range []struct {
			col string
			ct  []byte
			dst *string
		}{{"text", r.text, &g.Text}, {"indicator", r.indicator, &g.Indicator}, {"evaluation", r.evaluation, &g.Evaluation}} {
			if *f.dst, err = s.open(ctx, tx, c.TenantID, "goals", f.col, g.ID, f.ct); err != nil {
				return nil, err
			}
		}
		out[i] = g
	}
	return out, nil
}

// goalOf returns a goal of the case (not decrypted): an id that is no goal of it is not found.
func goalOf(ctx context.Context, tx *db.Tx, c *Case, id string) (*Goal, error) {
	if !ids.Valid(id) {
		return nil, errs.ErrNotFound
	}
	g := &Goal{}
	err := tx.QueryRowContext(ctx, "SELECT id, domain, status, version FROM goals WHERE tenant_id = $1 AND case_id = $2 AND id = $3"+tx.ForUpdate(),
		c.TenantID, c.ID, id).Scan(&g.ID, &g.Domain, &g.Status, &g.Version)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.ErrNotFound
	}
	return g, err
}

// tasks loads the tasks of a case, titles decrypted, by due date (tasks without one last).
func (s *Service) tasks(ctx context.Context, tx *db.Tx, c *Case, today string) ([]Task, error) {
	rows, err := tx.QueryContext(ctx, `SELECT t.id, COALESCE(CAST(t.goal_id AS TEXT), ''), t.title, t.responsible,
		COALESCE(CAST(t.partner_org_id AS TEXT), ''), COALESCE(o.name, ''), t.due_on, t.status, t.done_on, t.created_at, t.version
		FROM tasks t LEFT JOIN organisations o ON o.tenant_id = t.tenant_id AND o.id = t.partner_org_id
		WHERE t.tenant_id = $1 AND t.case_id = $2 ORDER BY CASE WHEN t.due_on = '' THEN 1 ELSE 0 END, t.due_on, t.created_at, t.id`, c.TenantID, c.ID)
	if err != nil {
		return nil, err
	}
	type row struct {
		Task
		title []byte
	}
	var raw []row
	for rows.Next() {
		var r row
		if err := rows.Scan(&r.ID, &r.GoalID, &r.title, &r.Responsible, &r.PartnerOrgID, &r.PartnerOrg, &r.DueOn, &r.Status, &r.DoneOn,
			&r.CreatedAt, &r.Version); err != nil {
			rows.Close()
			return nil, err
		}
		raw = append(raw, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make([]Task, len(raw))
	for i, r := range raw {
		t := r.Task
		t.CaseID = c.ID
		if t.Title, err = s.open(ctx, tx, c.TenantID, "tasks", "title", t.ID, r.title); err != nil {
			return nil, err
		}
		t.Overdue = t.Status == "open" && t.DueOn != "" && t.DueOn < today
		out[i] = t
	}
	return out, nil
}

// sectionRead loads a section page of a case (assessment, plan, transitions) in one audited
// read: the case is looked up first (404 outside the actor's reach, 403 without a purpose),
// then fn loads the section.
func (s *Service) sectionRead(ctx context.Context, actor access.Actor, caseID, purpose, section string, fn func(tx *db.Tx, c *Case) error) error {
	if err := access.Guard(actor, KindCase, access.View, caseID, 0); err != nil {
		return err
	}
	return s.DB.Write(ctx, func(tx *db.Tx) error {
		c, err := s.loadCase(ctx, tx, actor, access.View, caseID, purpose)
		if err != nil {
			return err
		}
		if err := fn(tx, c); err != nil {
			return err
		}
		return s.log(ctx, tx, actor, "case.view", "case", c.ID, map[string]string{"section": section})
	})
}

// execOne runs an UPDATE guarded by a version; a row changed meanwhile is a conflict.
func execOne(ctx context.Context, tx *db.Tx, q string, args ...any) error {
	res, err := tx.ExecContext(ctx, q, args...)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return errs.E(errs.Conflict, "error.conflict")
	}
	return nil
}

// planWrite runs a change of a case's plan or transitions in one transaction: the case is
// looked up first (404 outside the actor's reach, 403 without a purpose), then fn validates,
// checks the case is open (checkOpen) and writes; the case's updated_at is touched.
func (s *Service) planWrite(ctx context.Context, actor access.Actor, caseID, purpose string, fn func(tx *db.Tx, c *Case) error) error {
	if err := access.Guard(actor, KindCase, access.Update, caseID, 0); err != nil {
		return err
	}
	return s.DB.Write(ctx, func(tx *db.Tx) error {
		c, err := s.loadCase(ctx, tx, actor, access.Update, caseID, purpose)
		if err != nil {
			return err
		}
		if err := fn(tx, c); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, "UPDATE cases SET updated_at = $1 WHERE tenant_id = $2 AND id = $3", tx.Now, c.TenantID, c.ID)
		return err
	})
}

// checkOpen refuses changes to a case that is not being worked on.
func checkOpen(c *Case) error {
	if !IsOpen(c.Status) {
		return errs.E(errs.Conflict, "casework.case.not_open")
	}
	return nil
}

// writable checks that the case takes changes and that a record still has the version the
// form showed (0: any).
func writable(c *Case, version, current int) error {
	if err := checkOpen(c); err != nil {
		return err
	}
	if version != 0 && version != current {
		return errs.E(errs.Conflict, "error.conflict")
	}
	return nil
}

// AddGoal agrees a new goal (status open) in a case's plan.
func (s *Service) AddGoal(ctx context.Context, actor access.Actor, caseID string, in GoalInput, purpose string) (*Goal, error) {
	g := &Goal{ID: ids.New(), CaseID: caseID, Status: "open", Version: 1}
	err := s.planWrite(ctx, actor, caseID, purpose, func(tx *db.Tx, c *Case) error {
		if err := in.Validate(tx.Now); err != nil {
			return err
		}
		if err := checkOpen(c); err != nil {
			return err
		}
		g.Domain, g.Text, g.Indicator, g.TargetOn, g.CreatedAt, g.UpdatedAt = in.Domain, in.Text, in.Indicator, in.TargetOn, tx.Now, tx.Now
		text, err := s.seal(ctx, tx, c.TenantID, "goals", "text", g.ID, in.Text)
		if err != nil {
			return err
		}
		indicator, err := s.seal(ctx, tx, c.TenantID, "goals", "indicator", g.ID, in.Indicator)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO goals (tenant_id, id, case_id, domain, text, indicator, target_on, status, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)`, c.TenantID, g.ID, c.ID, g.Domain, text, indicator, g.TargetOn, g.Status, tx.Now); err != nil {
			return err
		}
		if err := s.event(ctx, tx, actor, c.ID, "goal", "", g.Status, g.Domain, ""); err != nil {
			return err
		}
		return s.log(ctx, tx, actor, "case.goal_create", "case", c.ID, map[string]string{"goal": g.ID, "domain": g.Domain})
	})
	if err != nil {
		return nil, err
	}
	return g, nil
}

// SetGoalStatus changes the status of a goal; a final status records the day of evaluation,
// going back to open or in progress clears it. Each change is an event of the case.
func (s *Service) SetGoalStatus(ctx context.Context, actor access.Actor, caseID string, in GoalStatusInput, purpose string) (*Goal, error) {
	var g *Goal
	err := s.planWrite(ctx, actor, caseID, purpose, func(tx *db.Tx, c *Case) (err error) {
		if in.GoalID == "" {
			return fieldErr("goal_id", "validation.required")
		}
		if g, err = goalOf(ctx, tx, c, in.GoalID); err != nil {
			return err
		}
		var v errs.Validation
		valid.OneOf(&v, "status", in.Status, GoalStatuses)
		if err := v.Err(); err != nil {
			return err
		}
		if err := writable(c, in.Version, g.Version); err != nil {
			return err
		}
		if in.Status == g.Status {
			return nil
		}
		evaluated := ""
		if slices.Contains(FinalGoalStatuses, in.Status) {
			evaluated = valid.Today(tx.Now)
		}
		if err := s.updateGoal(ctx, tx, c, g, in.Status, evaluated, nil); err != nil {
			return err
		}
		if err := s.event(ctx, tx, actor, c.ID, "goal", g.Status, in.Status, g.Domain, ""); err != nil {
			return err
		}
		return s.log(ctx, tx, actor, "case.goal_status", "case", c.ID, map[string]string{"goal": g.ID, "from": g.Status, "to": in.Status})
	})
	if err != nil {
		return nil, err
	}
	if g != nil && g.Status != in.Status {
		g.Status, g.Version = in.Status, g.Version+1
	}
	return g, nil
}

// updateGoal stores a goal's status (and evaluation, when not nil) under optimistic locking.
func (s *Service) updateGoal(ctx context.Context, tx *db.Tx, c *Case, g *Goal, status, evaluatedOn string, evaluation *string) error {
	var ct any
	setEval := 0
	if evaluation != nil {
		setEval = 1
		var err error
		if ct, err = s.seal(ctx, tx, c.TenantID, "goals", "evaluation", g.ID, *evaluation); err != nil {
			return err
		}
	}
	return execOne(ctx, tx, `UPDATE goals SET status = $1, evaluated_on = $2, evaluation = CASE WHEN $3 = 1 THEN $4 ELSE evaluation END,
		updated_at = $5, version = version + 1 WHERE tenant_id = $6 AND id = $7 AND version = $8`,
		status, evaluatedOn, setEval, ct, tx.Now, c.TenantID, g.ID, g.Version)
}

// EvaluateGoals gives goals their final status and an evaluation text, as the plan's
// evaluation before closing the case (MoveCase refuses to close while a goal is open).
func (s *Service) EvaluateGoals(ctx context.Context, actor access.Actor, caseID string, ins []GoalEvaluation, purpose string) error {
	return s.planWrite(ctx, actor, caseID, purpose, func(tx *db.Tx, c *Case) error {
		goals, err := s.goals(ctx, tx, c)
		if err != nil {
			return err
		}
		byID := map[string]*Goal{}
		for i := range goals {
			byID[goals[i].ID] = &goals[i]
		}
		if len(ins) == 0 {
			return fieldErr("goals", "casework.plan.nothing_to_evaluate")
		}
		var v errs.Validation
		var seen []string
		for i := range ins {
			in := &ins[i]
			if byID[in.GoalID] == nil || slices.Contains(seen, in.GoalID) {
				return errs.ErrNotFound
			}
			seen = append(seen, in.GoalID)
			if in.Status == "" || slices.Contains(FinalGoalStatuses, in.Status) {
				valid.OneOf(&v, EvaluationField("status", in.GoalID), in.Status, FinalGoalStatuses)
			} else if slices.Contains(GoalStatuses, in.Status) {
				v.Add(EvaluationField("status", in.GoalID), "casework.plan.final_status")
			} else {
				v.Add(EvaluationField("status", in.GoalID), "validation.choice")
			}
			in.Evaluation = valid.CleanText(in.Evaluation)
			valid.Required(&v, EvaluationField("evaluation", in.GoalID), in.Evaluation, maxEvaluation)
		}
		if err := v.Err(); err != nil {
			return err
		}
		if err := checkOpen(c); err != nil {
			return err
		}
		today, n := valid.Today(tx.Now), 0
		for _, in := range ins {
			g := byID[in.GoalID]
			if in.Version != g.Version {
				return errs.E(errs.Conflict, "error.conflict")
			}
			if in.Status == g.Status && in.Evaluation == g.Evaluation {
				continue
			}
			n++
			if err := s.updateGoal(ctx, tx, c, g, in.Status, today, &in.Evaluation); err != nil {
				return err
			}
			if in.Status != g.Status {
				if err := s.event(ctx, tx, actor, c.ID, "goal", g.Status, in.Status, g.Domain, ""); err != nil {
					return err
				}
			}
		}
		if n == 0 {
			return nil
		}
		return s.log(ctx, tx, actor, "case.goals_evaluate", "case", c.ID, map[string]string{"goals": strconv.Itoa(n)})
	})
}
