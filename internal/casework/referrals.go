package casework

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"slices"
	"time"

	"kim/internal/platform/access"
	"kim/internal/platform/audit"
	"kim/internal/platform/db"
	"kim/internal/platform/errs"
	"kim/internal/platform/ids"
	"kim/internal/platform/valid"
)

// Referral states: sent, then the partner's answer, then done.
var (
	ReferralAnswers  = []string{"accepted", "waiting", "declined", "no_offer"}
	ReferralStatuses = []string{"sent", "accepted", "waiting", "declined", "no_offer", "done"}
)

// LinkValidity is how long a partner link can be used.
const LinkValidity = 14 * 24 * time.Hour

// Referral is a referral of a case to a partner organisation under a consent.
type Referral struct {
	ID          string    `json:"id"`
	TenantID    string    `json:"-"`
	CaseID      string    `json:"case_id"`
	FromOrgID   string    `json:"from_organisation_id"`
	ToOrgID     string    `json:"organisation_id"`
	ToOrg       string    `json:"organisation_name"`
	OfferID     string    `json:"offer_id"`
	OfferTitle  string    `json:"offer_title"` // the offer's title in the directory
	Service     string    `json:"service"`
	ConsentID   string    `json:"consent_id"`
	Message     string    `json:"message"`
	Status      string    `json:"status"`
	SentOn      string    `json:"sent_on"`
	AnswerDue   string    `json:"answer_due"`
	AnsweredOn  string    `json:"answered_on"`
	AnswerNote  string    `json:"answer_note"`
	DoneOn      string    `json:"done_on"`
	CreatedAt   time.Time `json:"created_at"`
	Version     int       `json:"version"`
	Overdue     bool      `json:"overdue"`
	ClientID    string    `json:"-"`
	PartnerLink string    `json:"partner_link,omitempty"` // only in the answer that creates it
}

// ReferralInput sends a referral.
type ReferralInput struct {
	OrganisationID string `json:"organisation_id"`
	OfferID        string `json:"offer_id"`
	Service        string `json:"service"`
	ConsentID      string `json:"consent_id"`
	Message        string `json:"message"`
	AnswerDue      string `json:"answer_due"`
	PartnerLink    bool   `json:"partner_link"`
}

// Validate checks the input.
func (in *ReferralInput) Validate(today time.Time) error {
	var v errs.Validation
	// A referral names an offer of the directory (its organisation is then the recipient) or
	// an organisation, with the service as text.
	if in.OfferID != "" && !ids.Valid(in.OfferID) {
		v.Add("offer_id", "validation.not_found")
	}
	if in.OrganisationID == "" && in.OfferID == "" {
		v.Add("organisation_id", "casework.referral_offer.target_required")
	} else if in.OrganisationID != "" && !ids.Valid(in.OrganisationID) {
		v.Add("organisation_id", "validation.not_found")
	}
	in.Service, in.Message = valid.Clean(in.Service), valid.CleanText(in.Message)
	valid.Length(&v, "service", in.Service, maxLine)
	valid.Length(&v, "message", in.Message, 4000)
	if in.ConsentID == "" {
		v.Add("consent_id", "casework.consent.none")
	}
	if in.AnswerDue == "" {
		in.AnswerDue = today.AddDate(0, 0, 14).Format(valid.DateLayout)
	}
	valid.Date(&v, "answer_due", &in.AnswerDue)
	valid.Order(&v, "answer_due", valid.Today(today), in.AnswerDue)
	return v.Err()
}

const referralCols = `r.id, r.tenant_id, r.case_id, cs.organisation_id, r.to_org_id, o.name, COALESCE(CAST(r.offer_id AS TEXT), ''), r.service, r.consent_id,
	r.message, r.status, r.sent_on, r.answer_due, r.answered_on, r.answer_note, r.done_on, r.created_at, r.version, cs.client_id`

const referralFrom = ` FROM referrals r JOIN cases cs ON cs.tenant_id = r.tenant_id AND cs.id = r.case_id
	JOIN organisations o ON o.tenant_id = r.tenant_id AND o.id = r.to_org_id`

func (s *Service) scanReferrals(ctx context.Context, tx *db.Tx, where string, args ...any) ([]Referral, error) {
	type row struct {
		Referral
		service, msg, note []byte
	}
	raw, err := queryAll(ctx, tx, func(sc scanner, r *row) error {
		return sc.Scan(&r.ID, &r.TenantID, &r.CaseID, &r.FromOrgID, &r.ToOrgID, &r.ToOrg, &r.OfferID, &r.service, &r.ConsentID,
			&r.msg, &r.Status, &r.SentOn, &r.AnswerDue, &r.AnsweredOn, &r.note, &r.DoneOn, &r.CreatedAt, &r.Version, &r.ClientID)
	}, "SELECT "+referralCols+referralFrom+" WHERE "+where+" ORDER BY r.sent_on DESC, r.id DESC", args...)
	if err != nil {
		return nil, err
	}
	today := valid.Today(tx.Now)
	out := make([]Referral, len(raw))
	for i, r := range raw {
		out[i] = r.Referral
		if out[i].Service, err = s.open(ctx, tx, r.TenantID, "referrals", "service", r.ID, r.service); err != nil {
			return nil, err
		}
		if out[i].Message, err = s.open(ctx, tx, r.TenantID, "referrals", "message", r.ID, r.msg); err != nil {
			return nil, err
		}
		if out[i].AnswerNote, err = s.open(ctx, tx, r.TenantID, "referrals", "answer_note", r.ID, r.note); err != nil {
			return nil, err
		}
		out[i].Overdue = r.Status == "sent" && r.AnswerDue < today
	}
	return out, s.offerTitles(ctx, tx, out)
}

// AddReferral sends a referral of a case to a partner organisation, or to an offer of the
// directory (whose organisation is then the recipient). It needs a consent of the case's
// client that names the organisation and is valid now. With in.PartnerLink, the answer
// carries a single-use link for a partner without an account.
func (s *Service) AddReferral(ctx context.Context, actor access.Actor, caseID string, in ReferralInput, purpose string) (*Referral, error) {
	if err := access.Guard(actor, KindCase, access.Update, caseID, 0); err != nil {
		return nil, err
	}
	var r *Referral
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
		if err := s.referralOffer(ctx, tx, c, &in); err != nil {
			return err
		}
		if ok, err := exists(ctx, tx, "SELECT 1 FROM organisations WHERE tenant_id = $1 AND id = $2", c.TenantID, in.OrganisationID); err != nil {
			return err
		} else if !ok || in.OrganisationID == c.OrganisationID {
			return fieldErr("organisation_id", "validation.not_found")
		}
		k, err := s.validConsent(ctx, tx, c.TenantID, in.ConsentID, c, in.OrganisationID, "consent_id")
		if err != nil {
			return err
		}
		if in.Message != "" && !slices.Contains(k.Categories, "case_plan") {
			return fieldErr("message", "casework.referral_rules.message_needs_consent")
		}
		id := ids.New()
		msg, err := s.seal(ctx, tx, c.TenantID, "referrals", "message", id, in.Message)
		if err != nil {
			return err
		}
		service, err := s.seal(ctx, tx, c.TenantID, "referrals", "service", id, in.Service)
		if err != nil {
			return err
		}
		var offer any // NULL without an offer
		if in.OfferID != "" {
			offer = in.OfferID
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO referrals (tenant_id, id, case_id, to_org_id, offer_id, service, consent_id, message, status,
			sent_on, answer_due, created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'sent', $9, $10, $11, $12, $12)`,
			c.TenantID, id, c.ID, in.OrganisationID, offer, service, in.ConsentID, msg, valid.Today(tx.Now), in.AnswerDue, actor.UserID, tx.Now); err != nil {
			return err
		}
		link := ""
		if in.PartnerLink {
			if link, err = newLink(ctx, tx, c.TenantID, id); err != nil {
				return err
			}
		}
		if err := s.event(ctx, tx, actor, c.ID, "referral", "", "", id, ""); err != nil {
			return err
		}
		details := map[string]string{"referral": id, "to": in.OrganisationID, "consent": in.ConsentID, "link": boolText(in.PartnerLink)}
		if in.OfferID != "" {
			details["offer"] = in.OfferID
		}
		if err := s.log(ctx, tx, actor, "referral.create", "case", c.ID, details); err != nil {
			return err
		}
		rs, err := s.scanReferrals(ctx, tx, "r.tenant_id = $1 AND r.id = $2", c.TenantID, id)
		if err != nil {
			return err
		}
		r = &rs[0]
		r.PartnerLink = link
		return nil
	})
	return r, err
}

func boolText(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

// newLink stores the hash of a fresh random token for a referral and returns the token.
func newLink(ctx context.Context, tx *db.Tx, tenantID, referralID string) (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	token := base64.RawURLEncoding.EncodeToString(b)
	_, err := tx.ExecContext(ctx, "INSERT INTO referral_links (tenant_id, token_hash, referral_id, expires_at, created_at) VALUES ($1, $2, $3, $4, $5)",
		tenantID, hashToken(token), referralID, tx.Now.Add(LinkValidity), tx.Now)
	return token, err
}

func hashToken(token string) string {
	h := sha256.Sum256([]byte("kim/referral-link/" + token))
	return hex.EncodeToString(h[:])
}

// CaseReferrals lists a case's referrals.
func (s *Service) CaseReferrals(ctx context.Context, tx *db.Tx, c *Case) ([]Referral, error) {
	return s.scanReferrals(ctx, tx, "r.tenant_id = $1 AND r.case_id = $2", c.TenantID, c.ID)
}

// CompleteReferral marks a referral of the actor's case as done and returns the case's id.
func (s *Service) CompleteReferral(ctx context.Context, actor access.Actor, referralID, purpose string) (string, error) {
	if err := access.Guard(actor, KindCase, access.Update, referralID, 0); err != nil {
		return "", err
	}
	var caseID string
	err := s.DB.Write(ctx, func(tx *db.Tx) error {
		r, c, err := s.senderReferral(ctx, tx, actor, referralID, purpose)
		if err != nil {
			return err
		}
		caseID = c.ID
		if err := finishReferral(ctx, tx, r); err != nil {
			return err
		}
		return s.log(ctx, tx, actor, "referral.done", "case", c.ID, map[string]string{"referral": referralID})
	})
	return caseID, err
}

// Shared is what a partner sees of a referral: only what the consent covers.
type Shared struct {
	Referral   Referral
	Consent    Consent
	From       string // the sending organisation's name
	ClientName string // with "master_data"
	BirthDate  string // with "master_data"
	Languages  []string
	Phone      string            // with "contact"
	Email      string            // with "contact"
	Residence  []ResidenceStatus // with "residence"
	Answerable bool
}

// share builds the partner's view of a referral after checking its consent now. It writes
// the crossing to the audit trail.
func (s *Service) share(ctx context.Context, tx *db.Tx, actor access.Actor, r *Referral, action string) (*Shared, error) {
	k, err := s.getConsent(ctx, tx, r.TenantID, r.ConsentID)
	if err != nil {
		return nil, err
	}
	if !k.ValidOn(valid.Today(tx.Now)) || !k.Covers(r.ToOrgID) || k.CaseID != "" && k.CaseID != r.CaseID {
		return nil, errConsentEnded
	}
	sh := &Shared{Referral: *r, Consent: *k, Answerable: slices.Contains(openReferral, r.Status)}
	// The message may tell of needs and steps: only with "case_plan" in the consent.
	if !slices.Contains(k.Categories, "case_plan") {
		sh.Referral.Message = ""
	}
	if err := tx.QueryRowContext(ctx, "SELECT name FROM organisations WHERE tenant_id = $1 AND id = $2", r.TenantID, r.FromOrgID).Scan(&sh.From); err != nil {
		return nil, err
	}
	cl, err := getClient(ctx, tx, r.TenantID, r.ClientID)
	if err != nil {
		return nil, err
	}
	if slices.Contains(k.Categories, "master_data") {
		sh.ClientName, sh.BirthDate, sh.Languages = cl.Name(), cl.BirthDate, cl.Languages
	}
	if slices.Contains(k.Categories, "contact") {
		sh.Phone, sh.Email = cl.Phone, cl.Email
	}
	if slices.Contains(k.Categories, "residence") {
		if sh.Residence, err = residence(ctx, tx, r.TenantID, r.ClientID); err != nil {
			return nil, err
		}
	}
	return sh, s.Audit.Append(ctx, tx, crossing(actor, r, action, "ok"))
}

// errConsentEnded is returned by share when the referral's consent no longer allows sharing.
var errConsentEnded = errs.E(errs.NotFound, "casework.referral.consent_ended")

// crossing is the audit entry of an access across organisations.
func crossing(actor access.Actor, r *Referral, action, outcome string) audit.Entry {
	return audit.Entry{Actor: actor, Action: action, ObjectType: "referral", ObjectID: r.ID, Outcome: outcome, TenantID: r.TenantID,
		Details: map[string]string{"consent": r.ConsentID, "from": r.FromOrgID, "to": r.ToOrgID}}
}

// denied records, in a transaction of its own, an access across organisations that the
// consent no longer allowed.
func (s *Service) denied(ctx context.Context, actor access.Actor, r *Referral, action string) error {
	return s.DB.Write(ctx, func(tx *db.Tx) error { return s.Audit.Append(ctx, tx, crossing(actor, r, action, "denied")) })
}

// ErrLinkInvalid answers a partner link that is unknown, used, expired or whose consent ended.
var ErrLinkInvalid = errs.E(errs.NotFound, "casework.referral.link_invalid")

// linkReferral resolves a partner link to its referral.
func (s *Service) linkReferral(ctx context.Context, tx *db.Tx, token string) (*Referral, error) {
	if len(token) != 43 {
		return nil, ErrLinkInvalid
	}
	var tenantID, referralID string
	var expires time.Time
	var used sql.NullTime
	err := tx.QueryRowContext(ctx, "SELECT tenant_id, referral_id, expires_at, used_at FROM referral_links WHERE token_hash = $1", hashToken(token)).
		Scan(&tenantID, &referralID, &expires, &used)
	if errors.Is(err, sql.ErrNoRows) || err == nil && (used.Valid || !tx.Now.Before(expires)) {
		return nil, ErrLinkInvalid
	}
	if err != nil {
		return nil, err
	}
	rs, err := s.scanReferrals(ctx, tx, "r.tenant_id = $1 AND r.id = $2", tenantID, referralID)
	if err != nil || len(rs) == 0 || !slices.Contains(openReferral, rs[0].Status) {
		return nil, ErrLinkInvalid
	}
	return &rs[0], nil
}

// openReferral are the states in which a referral can still be answered.
var openReferral = []string{"sent", "accepted", "waiting"}

// claimLink uses a partner link up; it fails when another request used it first.
func claimLink(ctx context.Context, tx *db.Tx, token string) error {
	res, err := tx.ExecContext(ctx, "UPDATE referral_links SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $1",
		tx.Now, hashToken(token))
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return ErrLinkInvalid
	}
	return nil
}

// endLinks uses up the open links of a referral (it has been answered or has ended).
func endLinks(ctx context.Context, tx *db.Tx, r *Referral) error {
	_, err := tx.ExecContext(ctx, "UPDATE referral_links SET used_at = $1 WHERE tenant_id = $2 AND referral_id = $3 AND used_at IS NULL",
		tx.Now, r.TenantID, r.ID)
	return err
}

// linkActor stands for a partner answering through a link in the audit trail.
func linkActor(r *Referral) access.Actor {
	return access.Actor{UserID: "partner-link", TenantID: r.TenantID, OrganisationID: r.ToOrgID, Role: access.SystemRole, Name: "partner-link"}
}

// SharedByLink shows a partner without an account what the referral's consent covers.
func (s *Service) SharedByLink(ctx context.Context, token string) (*Shared, error) {
	var (
		sh *Shared
		r  *Referral
	)
	err := s.DB.Write(ctx, func(tx *db.Tx) (err error) {
		if r, err = s.linkReferral(ctx, tx, token); err != nil {
			return err
		}
		sh, err = s.share(ctx, tx, linkActor(r), r, "referral.link_view")
		return err
	})
	if errors.Is(err, errConsentEnded) {
		if err := s.denied(ctx, linkActor(r), r, "referral.link_view"); err != nil {
			return nil, err
		}
		return nil, ErrLinkInvalid
	}
	return sh, err
}

// AnswerInput is a partner's answer to a referral.
type AnswerInput struct {
	Status string `json:"status"`
	Note   string `json:"note"`
}

// Validate checks the input.
func (in *AnswerInput) Validate() error {
	var v errs.Validation
	valid.OneOf(&v, "status", in.Status, ReferralAnswers)
	in.Note = valid.CleanText(in.Note)
	valid.Length(&v, "note", in.Note, 4000)
	return v.Err()
}

// AnswerByLink records a partner's answer through a link; the link is used up.
func (s *Service) AnswerByLink(ctx context.Context, token string, in AnswerInput) error {
	if err := in.Validate(); err != nil {
		return err
	}
	var r *Referral
	err := s.DB.Write(ctx, func(tx *db.Tx) (err error) {
		if r, err = s.linkReferral(ctx, tx, token); err != nil {
			return err
		}
		// The link is used up before anything else, so that two answers at once cannot both
		// pass.
		if err := claimLink(ctx, tx, token); err != nil {
			return err
		}
		if _, err := s.share(ctx, tx, linkActor(r), r, "referral.link_answer"); err != nil {
			return err
		}
		return s.answer(ctx, tx, r, in)
	})
	if errors.Is(err, errConsentEnded) {
		if err := s.denied(ctx, linkActor(r), r, "referral.link_answer"); err != nil {
			return err
		}
		return ErrLinkInvalid
	}
	return err
}

// answer records an answer to an open referral; its partner links end with it.
func (s *Service) answer(ctx context.Context, tx *db.Tx, r *Referral, in AnswerInput) error {
	if !slices.Contains(openReferral, r.Status) {
		return errs.E(errs.Conflict, "casework.referral.closed")
	}
	note, err := s.seal(ctx, tx, r.TenantID, "referrals", "answer_note", r.ID, in.Note)
	if err != nil {
		return err
	}
	res, err := tx.ExecContext(ctx, `UPDATE referrals SET status = $1, answered_on = $2, answer_note = $3, updated_at = $4, version = version + 1
		WHERE tenant_id = $5 AND id = $6 AND status IN ('sent', 'accepted', 'waiting')`, in.Status, valid.Today(tx.Now), note, tx.Now, r.TenantID, r.ID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return errs.E(errs.Conflict, "casework.referral.closed")
	}
	return endLinks(ctx, tx, r)
}

// finishReferral marks an open referral done and ends its partner links; a referral that is
// already done is a conflict (also when another request finished it a moment earlier).
func finishReferral(ctx context.Context, tx *db.Tx, r *Referral) error {
	res, err := tx.ExecContext(ctx, `UPDATE referrals SET status = 'done', done_on = $1, updated_at = $2, version = version + 1
		WHERE tenant_id = $3 AND id = $4 AND status <> 'done'`, valid.Today(tx.Now), tx.Now, r.TenantID, r.ID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return errs.E(errs.Conflict, "casework.referral.closed")
	}
	return endLinks(ctx, tx, r)
}

// RecordAnswer records, on the sender's side, a partner's answer that came by telephone, letter
// or e-mail; the referral's partner links end with it.
func (s *Service) RecordAnswer(ctx context.Context, actor access.Actor, referralID string, in AnswerInput, purpose string) (string, error) {
	if err := access.Guard(actor, KindCase, access.Update, referralID, 0); err != nil {
		return "", err
	}
	var caseID string
	err := s.DB.Write(ctx, func(tx *db.Tx) error {
		r, c, err := s.senderReferral(ctx, tx, actor, referralID, purpose)
		if err != nil {
			return err
		}
		caseID = c.ID
		if err := in.Validate(); err != nil {
			return err
		}
		if err := s.answer(ctx, tx, r, in); err != nil {
			return err
		}
		return s.log(ctx, tx, actor, "referral.answer_recorded", "case", c.ID, map[string]string{"referral": referralID, "status": in.Status})
	})
	return caseID, err
}

// senderReferral loads a referral with its case for the sending side (the case's own access
// rules apply).
func (s *Service) senderReferral(ctx context.Context, tx *db.Tx, actor access.Actor, referralID, purpose string) (*Referral, *Case, error) {
	rs, err := s.scanReferrals(ctx, tx, "r.tenant_id = $1 AND r.id = $2", actor.TenantID, referralID)
	if err != nil {
		return nil, nil, err
	}
	if len(rs) == 0 {
		return nil, nil, errs.ErrNotFound
	}
	c, err := s.loadCase(ctx, tx, actor, access.Update, rs[0].CaseID, purpose)
	if err != nil {
		return nil, nil, err
	}
	return &rs[0], c, nil
}
