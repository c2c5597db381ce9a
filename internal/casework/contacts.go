package casework

import (
	"context"
	"strconv"
	"strings"
	"time"

	"kim/internal/platform/access"
	"kim/internal/platform/db"
	"kim/internal/platform/errs"
	"kim/internal/platform/ids"
	"kim/internal/platform/valid"
)

// Contact modes and interpreter kinds.
var (
	ContactModes     = []string{"in_person", "phone", "video", "home_visit", "accompaniment", "messenger"}
	InterpreterKinds = []string{"none", "professional", "lay"}
)

// Contact is a counselling contact of a case (Verlaufsdokumentation). The note is stored
// encrypted.
type Contact struct {
	ID              string    `json:"id"`
	CaseID          string    `json:"case_id"`
	Date            string    `json:"date"`
	DurationMinutes int       `json:"duration_minutes"`
	Mode            string    `json:"mode"`
	Interpreter     string    `json:"interpreter"`
	InterpreterLang string    `json:"interpreter_language"`
	Domains         []string  `json:"life_domains"`
	Note            string    `json:"note"`
	FollowUpOn      string    `json:"follow_up_on"`
	CreatedBy       string    `json:"created_by"`
	CreatedAt       time.Time `json:"created_at"`
}

// ContactInput records a contact.
type ContactInput struct {
	Date            string   `json:"date"`
	DurationMinutes int      `json:"duration_minutes"`
	Mode            string   `json:"mode"`
	Interpreter     string   `json:"interpreter"`
	InterpreterLang string   `json:"interpreter_language"`
	Domains         []string `json:"life_domains"`
	Note            string   `json:"note"`
	FollowUpOn      string   `json:"follow_up_on"`
}

// Validate checks the input.
func (in *ContactInput) Validate(today time.Time) error {
	var v errs.Validation
	valid.RequiredDate(&v, "date", &in.Date)
	valid.NotAfter(&v, "date", in.Date, today)
	if in.DurationMinutes < 1 || in.DurationMinutes > 24*60 {
		v.Add("duration_minutes", "casework.contact.duration")
	}
	valid.OneOf(&v, "mode", in.Mode, ContactModes)
	if in.Interpreter == "" {
		in.Interpreter = "none"
	}
	valid.OneOf(&v, "interpreter", in.Interpreter, InterpreterKinds)
	if in.Interpreter == "none" {
		in.InterpreterLang = ""
	} else if in.InterpreterLang == "" {
		v.Add("interpreter_language", "validation.required")
	}
	valid.Optional(&v, "interpreter_language", in.InterpreterLang, Languages)
	in.Domains = valid.Set(&v, "life_domains", in.Domains, Domains)
	in.Note = valid.CleanText(in.Note)
	valid.Length(&v, "note", in.Note, maxNote)
	valid.Date(&v, "follow_up_on", &in.FollowUpOn)
	valid.Order(&v, "follow_up_on", in.Date, in.FollowUpOn)
	return v.Err()
}

// AddContact records a contact in a case. The note is encrypted and the write is audited in
// the same transaction.
func (s *Service) AddContact(ctx context.Context, actor access.Actor, caseID string, in ContactInput, purpose string) (*Contact, error) {
	if err := access.Guard(actor, KindCase, access.Update, caseID, 0); err != nil {
		return nil, err
	}
	k := &Contact{ID: ids.New(), CaseID: caseID, Date: in.Date, DurationMinutes: in.DurationMinutes, Mode: in.Mode,
		Interpreter: in.Interpreter, InterpreterLang: in.InterpreterLang, Domains: in.Domains, Note: in.Note,
		FollowUpOn: in.FollowUpOn, CreatedBy: actor.Name}
	err := s.DB.Write(ctx, func(tx *db.Tx) error {
		c, err := s.loadCase(ctx, tx, actor, access.Update, caseID, purpose)
		if err != nil {
			return err
		}
		if err := in.Validate(tx.Now.In(valid.Berlin)); err != nil {
			return err
		}
		if !IsOpen(c.Status) {
			return errs.E(errs.Conflict, "casework.case.not_open")
		}
		k.Date, k.Mode, k.Interpreter, k.InterpreterLang, k.Domains, k.Note, k.FollowUpOn = in.Date, in.Mode, in.Interpreter, in.InterpreterLang, in.Domains, in.Note, in.FollowUpOn
		note, err := s.seal(ctx, tx, c.TenantID, "contacts", "note", k.ID, in.Note)
		if err != nil {
			return err
		}
		k.CreatedAt = tx.Now
		if _, err := tx.ExecContext(ctx, `INSERT INTO contacts (tenant_id, id, case_id, contact_on, duration_minutes, mode, interpreter,
			interpreter_lang, domains, note, follow_up_on, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
			c.TenantID, k.ID, c.ID, k.Date, k.DurationMinutes, k.Mode, k.Interpreter, k.InterpreterLang, strings.Join(k.Domains, ","),
			note, k.FollowUpOn, actor.UserID, tx.Now); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "UPDATE cases SET updated_at = $1 WHERE tenant_id = $2 AND id = $3", tx.Now, c.TenantID, c.ID); err != nil {
			return err
		}
		return s.log(ctx, tx, actor, "contact.create", "case", c.ID, map[string]string{"contact": k.ID, "minutes": strconv.Itoa(k.DurationMinutes)})
	})
	if err != nil {
		return nil, err
	}
	return k, nil
}

// contacts loads a case's contacts, newest first, with their notes decrypted.
func (s *Service) contacts(ctx context.Context, tx *db.Tx, tenantID, caseID string) ([]Contact, error) {
	type row struct {
		Contact
		note []byte
	}
	raw, err := queryAll(ctx, tx, func(sc scanner, r *row) error {
		var domains string
		err := sc.Scan(&r.ID, &r.Date, &r.DurationMinutes, &r.Mode, &r.Interpreter, &r.InterpreterLang, &domains, &r.note,
			&r.FollowUpOn, &r.CreatedBy, &r.CreatedAt)
		r.Domains, r.CaseID = split(domains, ","), caseID
		return err
	}, `SELECT k.id, k.contact_on, k.duration_minutes, k.mode, k.interpreter, k.interpreter_lang, k.domains,
		k.note, k.follow_up_on, COALESCE(u.name, k.created_by), k.created_at
		FROM contacts k LEFT JOIN users u ON u.tenant_id = k.tenant_id AND CAST(u.id AS TEXT) = k.created_by
		WHERE k.tenant_id = $1 AND k.case_id = $2 ORDER BY k.contact_on DESC, k.created_at DESC`, tenantID, caseID)
	if err != nil {
		return nil, err
	}
	out := make([]Contact, len(raw))
	for i, r := range raw {
		out[i] = r.Contact
		if out[i].Note, err = s.open(ctx, tx, tenantID, "contacts", "note", r.ID, r.note); err != nil {
			return nil, err
		}
	}
	return out, nil
}
