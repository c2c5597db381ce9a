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

// Consent is a client's consent to pass data to named recipients for a purpose
// (Einwilligung / Schweigepflichtentbindung).
type Consent struct {
	ID                string      `json:"id"`
	TenantID          string      `json:"-"`
	OrganisationID    string      `json:"organisation_id"`
	ClientID          string      `json:"client_id"`
	CaseID            string      `json:"case_id"`
	Recipients        []Recipient `json:"recipients"`
	Purpose           string      `json:"purpose"`
	Categories        []string    `json:"categories"`
	Special           []string    `json:"special_categories"`
	Direction         string      `json:"direction"`
	FormVersion       string      `json:"form_version"`
	Language          string      `json:"language"`
	Interpreter       string      `json:"interpreter"`
	GivenOn           string      `json:"given_on"`
	ValidUntil        string      `json:"valid_until"`
	UntilClosure      bool        `json:"until_case_closure"`
	RevokedAt         *time.Time  `json:"revoked_at"`
	RevocationChannel string      `json:"revocation_channel"`
	CreatedAt         time.Time   `json:"created_at"`
	Version           int         `json:"version"`
	// CaseClosed is set when the consent's case has ended (closed, declined or referred
	// elsewhere) at any time: a consent until closure does not come back when the case is
	// reopened.
	CaseClosed bool `json:"-"`
}

// Recipient is an organisation of the tenant or a named person outside it.
type Recipient struct {
	OrganisationID string `json:"organisation_id,omitempty"`
	Person         string `json:"person,omitempty"`
}

// Consent code lists.
var (
	ConsentCategories = []string{"master_data", "contact", "residence", "benefits", "work_education", "housing", "family",
		"language", "case_plan", "contacts_notes"}
	SpecialCategories  = []string{"health", "religion", "ethnic_origin", "political", "sexual_orientation", "criminal"}
	Directions         = []string{"one_way", "mutual"}
	FormLanguages      = []string{"de", "ar", "tr", "uk", "ru", "fa", "en"}
	RevocationChannels = []string{"oral", "written", "email", "other"}
)

// Limits that keep a consent specific and its form printable.
const (
	maxRecipients = 12
	maxPurpose    = 1200
)

// FormVersion is the version of the consent form KIM prints.
const FormVersion = "2026-11"

// Status is the state of a consent on a day: "given", "revoked", "expired", "ended"
// (its case is closed) or "pending" (given on a later day).
func (c *Consent) Status(today string) string {
	switch {
	case c.RevokedAt != nil:
		return "revoked"
	case c.GivenOn > today:
		return "pending"
	case c.ValidUntil != "" && c.ValidUntil < today:
		return "expired"
	case c.UntilClosure && c.CaseClosed:
		return "ended"
	}
	return "given"
}

// ValidOn reports whether the consent allows sharing on the day.
func (c *Consent) ValidOn(today string) bool { return c.Status(today) == "given" }

// Covers reports whether the consent names organisation org as a recipient.
func (c *Consent) Covers(org string) bool {
	return slices.ContainsFunc(c.Recipients, func(r Recipient) bool { return r.OrganisationID == org })
}

// ConsentInput records a consent.
type ConsentInput struct {
	CaseID       string      `json:"case_id"`
	Recipients   []Recipient `json:"recipients"`
	Purpose      string      `json:"purpose"`
	Categories   []string    `json:"categories"`
	Special      []string    `json:"special_categories"`
	Direction    string      `json:"direction"`
	Language     string      `json:"language"`
	Interpreter  string      `json:"interpreter"`
	GivenOn      string      `json:"given_on"`
	ValidUntil   string      `json:"valid_until"`
	UntilClosure bool        `json:"until_case_closure"`
}

// Validate checks the input. A consent must be specific: at least one recipient, a purpose and
// one data category; it needs an end (a date or the closure of a case).
func (in *ConsentInput) Validate(today time.Time) error {
	var v errs.Validation
	var recips []Recipient
	for _, r := range in.Recipients {
		r.Person = valid.Clean(r.Person)
		if r.OrganisationID == "" && r.Person == "" {
			continue
		}
		if r.OrganisationID != "" && !ids.Valid(r.OrganisationID) {
			v.Add("recipients", "validation.not_found")
		}
		valid.Length(&v, "recipients", r.Person, maxName)
		if !slices.Contains(recips, r) {
			recips = append(recips, r)
		}
	}
	if len(recips) == 0 {
		v.Add("recipients", "casework.consent.recipients_required")
	}
	if len(recips) > maxRecipients {
		v.Add("recipients", "casework.validation.too_many", "Max", maxRecipients)
	}
	in.Recipients = recips
	in.Purpose = valid.CleanText(in.Purpose)
	valid.Required(&v, "purpose", in.Purpose, maxPurpose)
	if len([]rune(in.Purpose)) > 0 && len([]rune(in.Purpose)) < 10 {
		v.Add("purpose", "casework.consent.purpose_specific")
	}
	in.Categories = valid.Set(&v, "categories", in.Categories, ConsentCategories)
	if len(in.Categories) == 0 && !v.Has("categories") {
		v.Add("categories", "casework.consent.categories_required")
	}
	in.Special = valid.Set(&v, "special_categories", in.Special, SpecialCategories)
	valid.OneOf(&v, "direction", in.Direction, Directions)
	if in.Language == "" {
		in.Language = "de"
	}
	valid.OneOf(&v, "language", in.Language, FormLanguages)
	in.Interpreter = valid.Clean(in.Interpreter)
	valid.Length(&v, "interpreter", in.Interpreter, maxName)
	valid.RequiredDate(&v, "given_on", &in.GivenOn)
	valid.NotAfter(&v, "given_on", in.GivenOn, today)
	valid.Date(&v, "valid_until", &in.ValidUntil)
	valid.Order(&v, "valid_until", in.GivenOn, in.ValidUntil)
	switch {
	case in.ValidUntil == "" && !in.UntilClosure && !v.Has("valid_until"):
		v.Add("valid_until", "casework.consent.end_required")
	case in.ValidUntil != "" && in.UntilClosure:
		v.Add("valid_until", "casework.consent.end_one")
	}
	if in.UntilClosure && in.CaseID == "" {
		v.Add("case_id", "casework.consent.case_required")
	}
	if in.CaseID != "" && !ids.Valid(in.CaseID) {
		v.Add("case_id", "validation.not_found")
	}
	return v.Err()
}

const consentCols = `k.id, k.tenant_id, k.organisation_id, k.client_id, COALESCE(CAST(k.case_id AS TEXT), ''), k.purpose, k.categories, k.special,
	k.direction, k.form_version, k.language, k.interpreter, k.given_on, k.valid_until, k.until_closure, k.revoked_at,
	k.revocation_channel, k.created_at, k.version,
	CASE WHEN k.case_id IS NULL THEN 0 ELSE (SELECT count(*) FROM case_events e WHERE e.tenant_id = k.tenant_id AND e.case_id = k.case_id
		AND e.to_status IN ('closed', 'declined', 'referred')) END`

// scanConsent reads a consent row; its purpose comes back sealed.
func scanConsent(row scanner) (*Consent, []byte, error) {
	k := &Consent{}
	var cats, special string
	var revoked sql.NullTime
	var closed int
	var purpose []byte
	if err := row.Scan(&k.ID, &k.TenantID, &k.OrganisationID, &k.ClientID, &k.CaseID, &purpose, &cats, &special, &k.Direction,
		&k.FormVersion, &k.Language, &k.Interpreter, &k.GivenOn, &k.ValidUntil, &k.UntilClosure, &revoked,
		&k.RevocationChannel, &k.CreatedAt, &k.Version, &closed); err != nil {
		return nil, nil, err
	}
	k.Categories, k.Special, k.CaseClosed = split(cats, ","), split(special, ","), closed > 0
	if revoked.Valid {
		k.RevokedAt = &revoked.Time
	}
	return k, purpose, nil
}

// consentsWhere loads consents with their recipients.
func (s *Service) consentsWhere(ctx context.Context, tx *db.Tx, where string, args ...any) ([]Consent, error) {
	rows, err := tx.QueryContext(ctx, "SELECT "+consentCols+" FROM consents k WHERE "+where+" ORDER BY k.given_on DESC, k.id DESC", args...)
	if err != nil {
		return nil, err
	}
	var out []Consent
	var sealed [][]byte
	for rows.Next() {
		k, purpose, err := scanConsent(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out, sealed = append(out, *k), append(sealed, purpose)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range out {
		if out[i].Purpose, err = s.open(ctx, tx, out[i].TenantID, "consents", "purpose", out[i].ID, sealed[i]); err != nil {
			return nil, err
		}
		if out[i].Recipients, err = recipients(ctx, tx, out[i].TenantID, out[i].ID); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func recipients(ctx context.Context, tx *db.Tx, tenantID, consentID string) ([]Recipient, error) {
	return queryAll(ctx, tx, func(row scanner, r *Recipient) error { return row.Scan(&r.OrganisationID, &r.Person) },
		`SELECT COALESCE(CAST(organisation_id AS TEXT), ''), person FROM consent_recipients
		WHERE tenant_id = $1 AND consent_id = $2 ORDER BY position`, tenantID, consentID)
}

func (s *Service) getConsent(ctx context.Context, tx *db.Tx, tenantID, id string) (*Consent, error) {
	ks, err := s.consentsWhere(ctx, tx, "k.tenant_id = $1 AND k.id = $2", tenantID, id)
	if err != nil {
		return nil, err
	}
	if len(ks) == 0 {
		return nil, errs.ErrNotFound
	}
	return &ks[0], nil
}

// Consents lists a client's consents.
func (s *Service) Consents(ctx context.Context, actor access.Actor, clientID string) ([]Consent, error) {
	if err := access.Guard(actor, KindConsent, access.List, clientID, 0); err != nil {
		return nil, err
	}
	var out []Consent
	err := s.DB.Write(ctx, func(tx *db.Tx) error {
		c, err := loadClient(ctx, tx, actor, access.View, clientID)
		if err != nil {
			return err
		}
		if out, err = s.consentsWhere(ctx, tx, "k.tenant_id = $1 AND k.client_id = $2 AND k.organisation_id = $3", c.TenantID, c.ID, c.OrganisationID); err != nil {
			return err
		}
		return s.log(ctx, tx, actor, "consent.list", "client", c.ID, nil)
	})
	return out, err
}

// GetConsent returns one consent of a client of the actor's organisation.
func (s *Service) GetConsent(ctx context.Context, actor access.Actor, id string) (*Consent, error) {
	if err := access.Guard(actor, KindConsent, access.View, id, 0); err != nil {
		return nil, err
	}
	var k *Consent
	err := s.DB.Write(ctx, func(tx *db.Tx) (err error) {
		if k, err = s.getConsent(ctx, tx, actor.TenantID, id); err != nil {
			return err
		}
		if err := access.Can(actor, access.View, access.Resource{Kind: KindConsent, TenantID: k.TenantID, OrganisationID: k.OrganisationID}); err != nil {
			return err
		}
		return s.log(ctx, tx, actor, "consent.view", "consent", k.ID, map[string]string{"client": k.ClientID})
	})
	return k, err
}

// CreateConsent records a consent given by a client of the actor's organisation.
func (s *Service) CreateConsent(ctx context.Context, actor access.Actor, clientID string, in ConsentInput) (*Consent, error) {
	if err := access.Guard(actor, KindConsent, access.Create, clientID, 0); err != nil {
		return nil, err
	}
	var k *Consent
	err := s.DB.Write(ctx, func(tx *db.Tx) error {
		c, err := loadClient(ctx, tx, actor, access.Update, clientID)
		if err != nil {
			return err
		}
		now := tx.Now
		if err := in.Validate(now.In(valid.Berlin)); err != nil {
			return err
		}
		var v errs.Validation
		for _, r := range in.Recipients {
			if r.OrganisationID == "" {
				continue
			}
			if r.OrganisationID == c.OrganisationID {
				v.Add("recipients", "casework.consent.own_organisation")
			} else if ok, err := exists(ctx, tx, "SELECT 1 FROM organisations WHERE tenant_id = $1 AND id = $2", c.TenantID, r.OrganisationID); err != nil {
				return err
			} else if !ok {
				v.Add("recipients", "validation.not_found")
			}
		}
		if in.CaseID != "" {
			ok, err := exists(ctx, tx, "SELECT 1 FROM cases WHERE tenant_id = $1 AND id = $2 AND organisation_id = $3 AND client_id = $4",
				c.TenantID, in.CaseID, c.OrganisationID, c.ID)
			if err != nil {
				return err
			}
			if !ok {
				v.Add("case_id", "validation.not_found")
			}
		}
		if err := v.Err(); err != nil {
			return err
		}
		id := ids.New()
		purpose, err := s.seal(ctx, tx, c.TenantID, "consents", "purpose", id, in.Purpose)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO consents (tenant_id, id, organisation_id, client_id, case_id, purpose, categories,
			special, direction, form_version, language, interpreter, given_on, valid_until, until_closure, created_by, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)`,
			c.TenantID, id, c.OrganisationID, c.ID, nullable(in.CaseID), purpose, strings.Join(in.Categories, ","),
			strings.Join(in.Special, ","), in.Direction, FormVersion, in.Language, in.Interpreter, in.GivenOn, in.ValidUntil,
			in.UntilClosure, actor.UserID, now); err != nil {
			return err
		}
		for i, r := range in.Recipients {
			if _, err := tx.ExecContext(ctx, `INSERT INTO consent_recipients (tenant_id, consent_id, position, organisation_id, person)
				VALUES ($1, $2, $3, $4, $5)`, c.TenantID, id, i, nullable(r.OrganisationID), r.Person); err != nil {
				return err
			}
		}
		if k, err = s.getConsent(ctx, tx, c.TenantID, id); err != nil {
			return err
		}
		return s.log(ctx, tx, actor, "consent.create", "consent", id, map[string]string{"client": c.ID})
	})
	return k, err
}

// RevokeConsent records the revocation of a consent. Sharing under it ends at once: every
// access across organisations checks the consent at that moment, and open partner links stop
// working.
func (s *Service) RevokeConsent(ctx context.Context, actor access.Actor, id, channel string) (*Consent, error) {
	if err := access.Guard(actor, KindConsent, access.Update, id, 0); err != nil {
		return nil, err
	}
	var k *Consent
	err := s.DB.Write(ctx, func(tx *db.Tx) (err error) {
		if k, err = s.getConsent(ctx, tx, actor.TenantID, id); err != nil {
			return err
		}
		if err := access.Can(actor, access.Update, access.Resource{Kind: KindConsent, TenantID: k.TenantID, OrganisationID: k.OrganisationID}); err != nil {
			return err
		}
		if k.RevokedAt != nil {
			return errs.E(errs.Conflict, "casework.consent.already_revoked")
		}
		if !slices.Contains(RevocationChannels, channel) {
			return fieldErr("revocation_channel", "validation.choice")
		}
		now := tx.Now
		if _, err := tx.ExecContext(ctx, `UPDATE consents SET revoked_at = $1, revoked_by = $2, revocation_channel = $3, version = version + 1
			WHERE tenant_id = $4 AND id = $5`, now, actor.UserID, channel, k.TenantID, k.ID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE referral_links SET used_at = $1 WHERE tenant_id = $2 AND used_at IS NULL
			AND referral_id IN (SELECT id FROM referrals WHERE tenant_id = $2 AND consent_id = $3)`, now, k.TenantID, k.ID); err != nil {
			return err
		}
		k.RevokedAt, k.RevocationChannel = &now, channel
		k.Version++
		return s.log(ctx, tx, actor, "consent.revoke", "consent", k.ID, map[string]string{"client": k.ClientID, "channel": channel})
	})
	return k, err
}

// validConsent loads consent id and checks that it is one of the case organisation's for the
// case's client (and, if it names a case, for this case), names recipient org and allows
// sharing today. It answers a field error on field otherwise.
func (s *Service) validConsent(ctx context.Context, tx *db.Tx, tenantID, id string, c *Case, recipient, field string) (*Consent, error) {
	if !ids.Valid(id) {
		return nil, fieldErr(field, "casework.consent.none")
	}
	owner, clientID := c.OrganisationID, c.ClientID
	k, err := s.getConsent(ctx, tx, tenantID, id)
	if errors.Is(err, errs.ErrNotFound) {
		return nil, fieldErr(field, "casework.consent.none")
	}
	if err != nil {
		return nil, err
	}
	switch {
	case k.OrganisationID != owner || k.ClientID != clientID || k.CaseID != "" && k.CaseID != c.ID:
		return nil, fieldErr(field, "casework.consent.none")
	case !k.Covers(recipient):
		return nil, fieldErr(field, "casework.consent.recipient")
	case !k.ValidOn(valid.Today(tx.Now)):
		return nil, fieldErr(field, "casework.consent.not_valid")
	}
	return k, nil
}
