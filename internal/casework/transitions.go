package casework

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"
	"time"

	"kim/internal/platform/access"
	"kim/internal/platform/db"
	"kim/internal/platform/errs"
	"kim/internal/platform/ids"
	"kim/internal/platform/valid"
)

// Code lists of legal-domain transitions (Rechtskreiswechsel).
var (
	TransitionTriggers = []string{"asylum_decision", "new_title", "employment", "age", "move", "other"}
	// TransitionStatuses: expected → in progress → completed, or a gap in benefits or
	// insurance occurred.
	TransitionStatuses = []string{"expected", "in_progress", "completed", "gap"}
	// ChecklistItems are the steps a transition usually needs.
	ChecklistItems  = []string{"jobcenter_application", "health_insurance", "housing_costs", "language_course", "residence_title"}
	ChecklistStates = []string{"open", "done", "not_needed"}
	GapKinds        = []string{"benefits", "insurance"}
)

// Transition is a change of the legal domain that secures a client's livelihood, e.g. from
// AsylbLG to SGB II after recognition: the critical moment where benefits or health insurance
// can break off. It tracks the steps to take and any gap that occurred.
type Transition struct {
	ID        string           `json:"id"`
	CaseID    string           `json:"case_id"`
	From      string           `json:"from_regime"`
	To        string           `json:"to_regime"`
	Trigger   string           `json:"trigger"`
	TriggerOn string           `json:"trigger_on"`
	Checklist []ChecklistEntry `json:"checklist"`
	Status    string           `json:"status"`
	GapKind   string           `json:"gap_kind"`
	GapFrom   string           `json:"gap_from"`
	GapUntil  string           `json:"gap_until"`
	GapDays   int              `json:"gap_days"`    // days without benefits or insurance, up to today while open
	GapOpen   bool             `json:"gap_ongoing"` // the gap has no end yet
	CreatedAt time.Time        `json:"created_at"`
	UpdatedAt time.Time        `json:"updated_at"`
	Version   int              `json:"version"`
}

// ChecklistEntry is the state of one step of a transition.
type ChecklistEntry struct {
	Item  string `json:"item"`
	State string `json:"state"`
}

// Pending counts the steps still open.
func (t *Transition) Pending() int {
	n := 0
	for _, e := range t.Checklist {
		if e.State == "open" {
			n++
		}
	}
	return n
}

// TransitionInput records or changes a transition. Checklist maps items to states (missing
// items are open).
type TransitionInput struct {
	From      string            `json:"from_regime"`
	To        string            `json:"to_regime"`
	Trigger   string            `json:"trigger"`
	TriggerOn string            `json:"trigger_on"`
	Checklist map[string]string `json:"checklist"`
	Status    string            `json:"status"`
	GapKind   string            `json:"gap_kind"`
	GapFrom   string            `json:"gap_from"`
	GapUntil  string            `json:"gap_until"`
	Version   int               `json:"version"`
}

// ChecklistField is the name of a checklist item's field in the form and its messages.
func ChecklistField(item string) string { return "check-" + item }

// Validate cleans and checks the input. A gap needs its kind and first day; its first day is
// not in the future, its last day not before its first.
func (in *TransitionInput) Validate(today time.Time) error {
	var v errs.Validation
	valid.OneOf(&v, "from_regime", in.From, BenefitRegimes)
	valid.OneOf(&v, "to_regime", in.To, BenefitRegimes)
	if in.From != "" && in.From == in.To {
		v.Add("to_regime", "casework.transition.same_regime")
	}
	valid.OneOf(&v, "trigger", in.Trigger, TransitionTriggers)
	valid.RequiredDate(&v, "trigger_on", &in.TriggerOn)
	if in.Status == "" {
		in.Status = "expected"
	}
	valid.OneOf(&v, "status", in.Status, TransitionStatuses)
	for item, state := range in.Checklist {
		if !slices.Contains(ChecklistItems, item) {
			v.Add("checklist", "validation.choice")
		} else if !slices.Contains(ChecklistStates, state) {
			v.Add(ChecklistField(item), "validation.choice")
		}
	}
	valid.Optional(&v, "gap_kind", in.GapKind, GapKinds)
	valid.Date(&v, "gap_from", &in.GapFrom)
	valid.Date(&v, "gap_until", &in.GapUntil)
	if in.GapFrom != "" && !v.Has("gap_from") && in.GapFrom > valid.Today(today) {
		v.Add("gap_from", "validation.date_future")
	}
	valid.Order(&v, "gap_until", in.GapFrom, in.GapUntil)
	gap := in.Status == "gap" || in.GapKind != "" || in.GapFrom != "" || in.GapUntil != ""
	if gap && in.GapKind == "" {
		v.Add("gap_kind", "casework.transition.gap_required")
	}
	if gap && in.GapFrom == "" && !v.Has("gap_from") {
		v.Add("gap_from", "casework.transition.gap_required")
	}
	return v.Err()
}

// checklist returns the entries of all items in order, missing ones open.
func (in *TransitionInput) checklist() []ChecklistEntry {
	out := make([]ChecklistEntry, len(ChecklistItems))
	for i, item := range ChecklistItems {
		st := in.Checklist[item]
		if st == "" {
			st = "open"
		}
		out[i] = ChecklistEntry{Item: item, State: st}
	}
	return out
}

func encodeChecklist(list []ChecklistEntry) string {
	parts := make([]string, len(list))
	for i, e := range list {
		parts[i] = e.Item + "=" + e.State
	}
	return strings.Join(parts, ",")
}

func decodeChecklist(s string) []ChecklistEntry {
	m := map[string]string{}
	for _, p := range split(s, ",") {
		if k, v, ok := strings.Cut(p, "="); ok {
			m[k] = v
		}
	}
	return (&TransitionInput{Checklist: m}).checklist()
}

// gapDays counts the days of a gap, both ends included; an open gap counts up to today.
func (t *Transition) gapDays(today string) {
	from, ok := valid.ParseDate(t.GapFrom)
	if !ok {
		return
	}
	end := t.GapUntil
	if end == "" {
		end, t.GapOpen = today, true
	}
	until, ok := valid.ParseDate(end)
	if !ok || until.Before(from) {
		return
	}
	t.GapDays = int(until.Sub(from).Hours()/24) + 1
}

// TransitionsFile is the transitions page of a case.
type TransitionsFile struct {
	Case        *Case
	Transitions []Transition
	Regime      string // the client's benefit regime as recorded in the master data
	Today       string
}

const transitionCols = `id, case_id, from_regime, to_regime, trigger_kind, trigger_on, checklist, status, gap_from, gap_until, gap_kind,
	created_at, updated_at, version`

func scanTransition(row scanner, today string) (Transition, error) {
	var t Transition
	var checklist string
	err := row.Scan(&t.ID, &t.CaseID, &t.From, &t.To, &t.Trigger, &t.TriggerOn, &checklist, &t.Status, &t.GapFrom, &t.GapUntil, &t.GapKind,
		&t.CreatedAt, &t.UpdatedAt, &t.Version)
	t.Checklist = decodeChecklist(checklist)
	t.gapDays(today)
	return t, err
}

// GetTransitions loads the legal-domain transitions of a case, newest trigger first, in one
// audited read.
func (s *Service) GetTransitions(ctx context.Context, actor access.Actor, caseID, purpose string) (*TransitionsFile, error) {
	f := &TransitionsFile{}
	err := s.sectionRead(ctx, actor, caseID, purpose, "transitions", func(tx *db.Tx, c *Case) error {
		f.Case, f.Today = c, valid.Today(tx.Now)
		if err := tx.QueryRowContext(ctx, "SELECT benefit_regime FROM clients WHERE tenant_id = $1 AND id = $2", c.TenantID, c.ClientID).Scan(&f.Regime); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, "SELECT "+transitionCols+" FROM transitions WHERE tenant_id = $1 AND case_id = $2 ORDER BY trigger_on DESC, created_at DESC, id",
			c.TenantID, c.ID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			t, err := scanTransition(rows, f.Today)
			if err != nil {
				return err
			}
			f.Transitions = append(f.Transitions, t)
		}
		return rows.Err()
	})
	return f, err
}

// AddTransition records a legal-domain transition of a case.
func (s *Service) AddTransition(ctx context.Context, actor access.Actor, caseID string, in TransitionInput, purpose string) (*Transition, error) {
	t := &Transition{ID: ids.New(), CaseID: caseID, Version: 1}
	err := s.planWrite(ctx, actor, caseID, purpose, func(tx *db.Tx, c *Case) error {
		if err := in.Validate(tx.Now.In(valid.Berlin)); err != nil {
			return err
		}
		if err := checkOpen(c); err != nil {
			return err
		}
		t.From, t.To, t.Trigger, t.TriggerOn, t.Checklist, t.Status = in.From, in.To, in.Trigger, in.TriggerOn, in.checklist(), in.Status
		t.GapKind, t.GapFrom, t.GapUntil, t.CreatedAt, t.UpdatedAt = in.GapKind, in.GapFrom, in.GapUntil, tx.Now, tx.Now
		t.gapDays(valid.Today(tx.Now))
		if _, err := tx.ExecContext(ctx, `INSERT INTO transitions (tenant_id, id, case_id, from_regime, to_regime, trigger_kind, trigger_on, checklist,
			status, gap_from, gap_until, gap_kind, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13)`,
			c.TenantID, t.ID, c.ID, t.From, t.To, t.Trigger, t.TriggerOn, encodeChecklist(t.Checklist), t.Status, t.GapFrom, t.GapUntil, t.GapKind,
			tx.Now); err != nil {
			return err
		}
		if err := s.event(ctx, tx, actor, c.ID, "transition", "", t.Status, t.From+">"+t.To, ""); err != nil {
			return err
		}
		return s.log(ctx, tx, actor, "case.transition_create", "case", c.ID, map[string]string{"transition": t.ID, "from": t.From, "to": t.To})
	})
	if err != nil {
		return nil, err
	}
	return t, nil
}

// UpdateTransition changes a transition of a case (optimistic locking by version); a change
// of its status is an event of the case.
func (s *Service) UpdateTransition(ctx context.Context, actor access.Actor, caseID, id string, in TransitionInput, purpose string) (*Transition, error) {
	var t Transition
	err := s.planWrite(ctx, actor, caseID, purpose, func(tx *db.Tx, c *Case) error {
		if id == "" {
			return fieldErr("transition_id", "validation.required")
		}
		old, err := transitionOf(ctx, tx, c, id)
		if err != nil {
			return err
		}
		if err := in.Validate(tx.Now.In(valid.Berlin)); err != nil {
			return err
		}
		if err := writable(c, in.Version, old.Version); err != nil {
			return err
		}
		if err := execOne(ctx, tx, `UPDATE transitions SET from_regime = $1, to_regime = $2, trigger_kind = $3, trigger_on = $4, checklist = $5,
			status = $6, gap_from = $7, gap_until = $8, gap_kind = $9, updated_at = $10, version = version + 1
			WHERE tenant_id = $11 AND id = $12 AND version = $13`, in.From, in.To, in.Trigger, in.TriggerOn, encodeChecklist(in.checklist()),
			in.Status, in.GapFrom, in.GapUntil, in.GapKind, tx.Now, c.TenantID, old.ID, old.Version); err != nil {
			return err
		}
		if in.Status != old.Status {
			if err := s.event(ctx, tx, actor, c.ID, "transition", old.Status, in.Status, in.From+">"+in.To, ""); err != nil {
				return err
			}
		}
		if t, err = transitionOf(ctx, tx, c, id); err != nil {
			return err
		}
		return s.log(ctx, tx, actor, "case.transition_update", "case", c.ID, map[string]string{"transition": t.ID, "from": old.Status, "to": in.Status})
	})
	if err != nil {
		return nil, err
	}
	return &t, nil
}

// transitionOf returns a transition of the case; an id that is no transition of it is not found.
func transitionOf(ctx context.Context, tx *db.Tx, c *Case, id string) (Transition, error) {
	if !ids.Valid(id) {
		return Transition{}, errs.ErrNotFound
	}
	t, err := scanTransition(tx.QueryRowContext(ctx, "SELECT "+transitionCols+" FROM transitions WHERE tenant_id = $1 AND case_id = $2 AND id = $3",
		c.TenantID, c.ID, id), valid.Today(tx.Now))
	if errors.Is(err, sql.ErrNoRows) {
		return Transition{}, errs.ErrNotFound
	}
	return t, err
}

// Regimes splits the detail of a transition event ("asylblg>sgb2") into its regimes.
func (e *Event) Regimes() struct{ From, To string } {
	from, to, _ := strings.Cut(e.Detail, ">")
	return struct{ From, To string }{from, to}
}
