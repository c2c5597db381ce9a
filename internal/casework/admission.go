package casework

import (
	"context"
	"slices"
	"strings"

	"kim/internal/platform/access"
	"kim/internal/platform/db"
	"kim/internal/platform/errs"
	"kim/internal/platform/valid"
)

// AdmissionInput records the clarification of a case: how it came, which local admission
// criteria it meets and why it is taken on, its urgency and location, and further participants
// of a family case.
type AdmissionInput struct {
	AccessRoute   string   `json:"access_route"`
	Admission     []string `json:"admission_criteria_met"`
	AdmissionNote string   `json:"admission_note"`
	Urgency       string   `json:"urgency"`
	LocationID    string   `json:"location_id"`
	Members       []string `json:"member_client_ids"`
	Version       int      `json:"version"`
}

// UpdateAdmission changes the admission facts of an open case; participants are added (a
// family case grows), never removed here.
func (s *Service) UpdateAdmission(ctx context.Context, actor access.Actor, id string, in AdmissionInput, purpose string) (*Case, error) {
	if err := access.Guard(actor, KindCase, access.Update, id, in.Version); err != nil {
		return nil, err
	}
	var c *Case
	err := s.DB.Write(ctx, func(tx *db.Tx) (err error) {
		if c, err = s.loadCase(ctx, tx, actor, access.Update, id, purpose); err != nil {
			return err
		}
		if !IsOpen(c.Status) {
			return errs.E(errs.Conflict, "casework.case.not_open")
		}
		if in.Version != 0 && in.Version != c.Version {
			return errs.E(errs.Conflict, "error.conflict")
		}
		ci := CaseInput{ClientID: c.ClientID, AccessRoute: in.AccessRoute, Urgency: in.Urgency, RequestedOn: c.RequestedOn,
			Admission: in.Admission, AdmissionNote: in.AdmissionNote, LocationID: in.LocationID, Members: in.Members,
			CaseManagerID: c.CaseManagerID}
		if err := ci.Validate(tx.Now.In(valid.Berlin)); err != nil {
			return err
		}
		if _, err := s.caseRefs(ctx, tx, actor, &ci); err != nil {
			return err
		}
		note, err := s.seal(ctx, tx, c.TenantID, "cases", "admission_note", c.ID, ci.AdmissionNote)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE cases SET access_route = $1, admission = $2, admission_note = $3, urgency = $4, location_id = $5,
			updated_at = $6, version = version + 1 WHERE tenant_id = $7 AND id = $8 AND version = $9`,
			ci.AccessRoute, strings.Join(ci.Admission, ","), note, ci.Urgency, nullable(ci.LocationID), tx.Now, c.TenantID, c.ID, c.Version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errs.E(errs.Conflict, "error.conflict")
		}
		have, err := participants(ctx, tx, c.TenantID, c.ID)
		if err != nil {
			return err
		}
		for _, m := range ci.Members {
			if slices.ContainsFunc(have, func(p Participant) bool { return p.ClientID == m }) {
				continue
			}
			if _, err := tx.ExecContext(ctx, "INSERT INTO case_participants (tenant_id, case_id, client_id, role, created_at) VALUES ($1, $2, $3, 'member', $4)",
				c.TenantID, c.ID, m, tx.Now); err != nil {
				return err
			}
		}
		if err := s.log(ctx, tx, actor, "case.admission", "case", c.ID, map[string]string{"criteria": itoa(len(ci.Admission))}); err != nil {
			return err
		}
		c, err = getCase(ctx, tx, c.TenantID, c.ID)
		return err
	})
	return c, err
}
