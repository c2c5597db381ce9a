package casework

import (
	"context"
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

// AssessmentUrgencies rate how pressing the needs of a life domain are.
var AssessmentUrgencies = []string{"none", "low", "medium", "high"}

// AssessmentTexts are the free-text fields of an assessment, each stored encrypted in the
// column of the same name.
var AssessmentTexts = []string{"situation", "needs", "resources", "client_view"}

// maxAssessmentText is the length limit of each text of an assessment.
const maxAssessmentText = 8000

// Assessment is the assessment of one life domain of a case (Falleinschätzung): the
// situation, the needs, the resources (strengths, network), how urgent it is and the
// client's own view. The texts are stored encrypted.
type Assessment struct {
	ID         string    `json:"id"`
	Domain     string    `json:"life_domain"`
	Urgency    string    `json:"urgency"`
	Situation  string    `json:"situation"`
	Needs      string    `json:"needs"`
	Resources  string    `json:"resources"`
	ClientView string    `json:"client_view"`
	UpdatedBy  string    `json:"updated_by"`
	UpdatedAt  time.Time `json:"updated_at"`
	Version    int       `json:"version"` // 0: the domain is not assessed yet
}

// Text returns the text field named f (one of AssessmentTexts).
func (a *Assessment) Text(f string) string {
	switch f {
	case "situation":
		return a.Situation
	case "needs":
		return a.Needs
	case "resources":
		return a.Resources
	case "client_view":
		return a.ClientView
	}
	return ""
}

// Assessed reports whether the domain has a stored assessment.
func (a *Assessment) Assessed() bool { return a.Version > 0 }

// AssessmentInput is the assessment of one life domain as entered. Version is the version
// the form showed (0 when the domain was not assessed yet).
type AssessmentInput struct {
	Domain     string `json:"life_domain"`
	Urgency    string `json:"urgency"`
	Situation  string `json:"situation"`
	Needs      string `json:"needs"`
	Resources  string `json:"resources"`
	ClientView string `json:"client_view"`
	Version    int    `json:"version"`
}

// AssessmentField is the name of a domain's field in the assessment form and in its
// validation messages, e.g. "housing-needs".
func AssessmentField(domain, field string) string { return domain + "-" + field }

// Empty reports whether the input holds nothing (no text, no urgency).
func (in *AssessmentInput) Empty() bool {
	return (in.Urgency == "" || in.Urgency == "none") && in.Situation == "" && in.Needs == "" && in.Resources == "" && in.ClientView == ""
}

func (in *AssessmentInput) same(a *Assessment) bool {
	return in.Urgency == a.Urgency && in.Situation == a.Situation && in.Needs == a.Needs && in.Resources == a.Resources && in.ClientView == a.ClientView
}

func (in *AssessmentInput) texts() []string {
	return []string{in.Situation, in.Needs, in.Resources, in.ClientView}
}

// ValidateAssessment cleans and checks the inputs: known, distinct domains, an urgency of
// the list and texts within the limit. Field messages name the domain's field
// (AssessmentField).
func ValidateAssessment(ins []AssessmentInput) error {
	var v errs.Validation
	if len(ins) == 0 {
		v.Add("life_domain", "validation.required")
	}
	if len(ins) > len(Domains) {
		v.Add("life_domain", "casework.validation.too_many", "Max", len(Domains))
		return v.Err()
	}
	var seen []string
	for i := range ins {
		in := &ins[i]
		if !slices.Contains(Domains, in.Domain) || slices.Contains(seen, in.Domain) {
			v.Add("life_domain", "validation.choice")
			continue
		}
		seen = append(seen, in.Domain)
		if in.Urgency == "" {
			in.Urgency = "none"
		}
		valid.OneOf(&v, AssessmentField(in.Domain, "urgency"), in.Urgency, AssessmentUrgencies)
		in.Situation, in.Needs = valid.CleanText(in.Situation), valid.CleanText(in.Needs)
		in.Resources, in.ClientView = valid.CleanText(in.Resources), valid.CleanText(in.ClientView)
		for j, t := range in.texts() {
			valid.Length(&v, AssessmentField(in.Domain, AssessmentTexts[j]), t, maxAssessmentText)
		}
	}
	return v.Err()
}

// AssessmentConflictError answers a save in which some domains were changed by someone else
// since the form was loaded. Nothing of the save is stored.
type AssessmentConflictError struct {
	Domains []string
}

func (e *AssessmentConflictError) Error() string {
	return "assessment conflict: " + strings.Join(e.Domains, ",")
}

// Unwrap classifies the error as a conflict.
func (e *AssessmentConflictError) Unwrap() error {
	return errs.E(errs.Conflict, "casework.assessment.conflict")
}

// AssessmentFile is the assessment page of a case: one entry per life domain in the order of
// Domains (Version 0 for a domain not assessed yet).
type AssessmentFile struct {
	Case     *Case
	Items    []Assessment
	Assessed int
	Today    string
}

// GetAssessment loads the assessment of a case, in one audited read.
func (s *Service) GetAssessment(ctx context.Context, actor access.Actor, caseID, purpose string) (*AssessmentFile, error) {
	f := &AssessmentFile{}
	err := s.sectionRead(ctx, actor, caseID, purpose, "assessment", func(tx *db.Tx, c *Case) error {
		f.Case, f.Today = c, valid.Today(tx.Now)
		stored, err := s.assessments(ctx, tx, c.TenantID, c.ID, false)
		if err != nil {
			return err
		}
		for _, d := range Domains {
			a := Assessment{Domain: d, Urgency: "none"}
			if x, ok := stored[d]; ok {
				a = *x
				f.Assessed++
			}
			f.Items = append(f.Items, a)
		}
		return nil
	})
	return f, err
}

// assessments loads the stored assessments of a case by domain, texts decrypted; lock locks
// the rows for a change (PostgreSQL; SQLite has one writer).
func (s *Service) assessments(ctx context.Context, tx *db.Tx, tenantID, caseID string, lock bool) (map[string]*Assessment, error) {
	forUpdate := ""
	if lock && tx.Engine == db.Postgres {
		forUpdate = " FOR UPDATE OF a"
	}
	rows, err := tx.QueryContext(ctx, `SELECT a.id, a.domain, a.urgency, a.situation, a.needs, a.resources, a.client_view,
		COALESCE(u.name, a.updated_by), a.updated_at, a.version
		FROM assessments a LEFT JOIN users u ON u.tenant_id = a.tenant_id AND CAST(u.id AS TEXT) = a.updated_by
		WHERE a.tenant_id = $1 AND a.case_id = $2`+forUpdate, tenantID, caseID)
	if err != nil {
		return nil, err
	}
	type row struct {
		Assessment
		ct [4][]byte
	}
	var raw []row
	for rows.Next() {
		var r row
		if err := rows.Scan(&r.ID, &r.Domain, &r.Urgency, &r.ct[0], &r.ct[1], &r.ct[2], &r.ct[3], &r.UpdatedBy, &r.UpdatedAt, &r.Version); err != nil {
			rows.Close()
			return nil, err
		}
		raw = append(raw, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make(map[string]*Assessment, len(raw))
	for _, r := range raw {
		a := r.Assessment
		dst := []*string{&a.Situation, &a.Needs, &a.Resources, &a.ClientView}
		for i, col := range AssessmentTexts {
			if *dst[i], err = s.open(ctx, tx, tenantID, "assessments", col, a.ID, r.ct[i]); err != nil {
				return nil, err
			}
		}
		out[a.Domain] = &a
	}
	return out, nil
}

// SaveAssessment stores the assessment of the given life domains of a case: a domain with
// content is created or updated, a domain emptied is removed, an unchanged one is left alone.
// Each changed domain must still have the version the form showed; otherwise nothing is
// stored and an *AssessmentConflictError names the domains changed meanwhile. It returns the
// domains changed.
func (s *Service) SaveAssessment(ctx context.Context, actor access.Actor, caseID string, ins []AssessmentInput, purpose string) ([]string, error) {
	if err := access.Guard(actor, KindCase, access.Update, caseID, 0); err != nil {
		return nil, err
	}
	var changed []string
	err := s.DB.Write(ctx, func(tx *db.Tx) error {
		c, err := s.loadCase(ctx, tx, actor, access.Update, caseID, purpose)
		if err != nil {
			return err
		}
		if err := ValidateAssessment(ins); err != nil {
			return err
		}
		if !IsOpen(c.Status) {
			return errs.E(errs.Conflict, "casework.case.not_open")
		}
		stored, err := s.assessments(ctx, tx, c.TenantID, c.ID, true)
		if err != nil {
			return err
		}
		var conflicts, removed []string
		for i := range ins {
			in := &ins[i]
			old := stored[in.Domain]
			switch {
			case old == nil && in.Empty():
				continue
			case old != nil && in.same(old):
				continue
			case old == nil && in.Version != 0, old != nil && in.Version != old.Version:
				conflicts = append(conflicts, in.Domain)
				continue
			}
			changed = append(changed, in.Domain)
			if old != nil && in.Empty() {
				removed = append(removed, in.Domain)
			}
			if err := s.storeAssessment(ctx, tx, actor, c, old, in); err != nil {
				return err
			}
		}
		if len(conflicts) > 0 {
			changed = nil
			return &AssessmentConflictError{Domains: conflicts}
		}
		if len(changed) == 0 {
			return nil
		}
		if _, err := tx.ExecContext(ctx, "UPDATE cases SET updated_at = $1 WHERE tenant_id = $2 AND id = $3", tx.Now, c.TenantID, c.ID); err != nil {
			return err
		}
		details := map[string]string{"domains": strings.Join(changed, ",")}
		if len(removed) > 0 {
			details["removed"] = strings.Join(removed, ",")
		}
		return s.log(ctx, tx, actor, "case.assessment_save", "case", c.ID, details)
	})
	if err != nil {
		return nil, err
	}
	return changed, nil
}

// storeAssessment inserts, updates or (for an emptied domain) deletes one domain's row.
func (s *Service) storeAssessment(ctx context.Context, tx *db.Tx, actor access.Actor, c *Case, old *Assessment, in *AssessmentInput) error {
	if old != nil && in.Empty() {
		_, err := tx.ExecContext(ctx, "DELETE FROM assessments WHERE tenant_id = $1 AND id = $2", c.TenantID, old.ID)
		return err
	}
	id := ids.New()
	if old != nil {
		id = old.ID
	}
	ct := make([]any, len(AssessmentTexts))
	for i, t := range in.texts() {
		var err error
		if ct[i], err = s.seal(ctx, tx, c.TenantID, "assessments", AssessmentTexts[i], id, t); err != nil {
			return err
		}
	}
	if old == nil {
		_, err := tx.ExecContext(ctx, `INSERT INTO assessments (tenant_id, id, case_id, domain, urgency, situation, needs, resources, client_view,
			updated_by, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
			c.TenantID, id, c.ID, in.Domain, in.Urgency, ct[0], ct[1], ct[2], ct[3], actor.UserID, tx.Now)
		if db.IsUniqueViolation(err) {
			return &AssessmentConflictError{Domains: []string{in.Domain}}
		}
		return err
	}
	err := execOne(ctx, tx, `UPDATE assessments SET urgency = $1, situation = $2, needs = $3, resources = $4, client_view = $5,
		updated_by = $6, updated_at = $7, version = version + 1 WHERE tenant_id = $8 AND id = $9 AND version = $10`,
		in.Urgency, ct[0], ct[1], ct[2], ct[3], actor.UserID, tx.Now, c.TenantID, id, old.Version)
	if errs.CodeOf(err) == errs.Conflict {
		return &AssessmentConflictError{Domains: []string{in.Domain}}
	}
	return err
}

// IsAssessmentConflict returns the domains of an assessment conflict.
func IsAssessmentConflict(err error) ([]string, bool) {
	var e *AssessmentConflictError
	if errors.As(err, &e) {
		return e.Domains, true
	}
	return nil, false
}
