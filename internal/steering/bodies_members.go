package steering

import (
	"context"
	"database/sql"
	"errors"
	"strconv"

	"kim/internal/platform/access"
	"kim/internal/platform/db"
	"kim/internal/platform/errs"
	"kim/internal/platform/ids"
	"kim/internal/platform/valid"
	"kim/internal/platform/web"
)

// The members of a body: named persons of partner organisations, with an account or without.

// AddBodyMember adds a member to a body. The organisation is one of the tenant; an account is
// an active account of the tenant with the role body_member, coordinator or team_lead.
func (s *Service) AddBodyMember(ctx context.Context, actor access.Actor, bodyID string, in BodyMemberInput) (*BodyMember, error) {
	if err := access.Guard(actor, KindBody, access.Update, bodyID, 0); err != nil {
		return nil, err
	}
	verr := in.Validate()
	var m *BodyMember
	err := s.DB.Write(ctx, func(tx *db.Tx) error {
		b, err := loadBody(ctx, tx, actor, access.Update, bodyID)
		if err != nil {
			return err
		}
		if err := s.memberRefs(ctx, tx, b, "", &in, verr); err != nil {
			return err
		}
		if in.Since == "" {
			in.Since = valid.Today(tx.Now)
		}
		id := ids.New()
		if _, err := tx.ExecContext(ctx, `INSERT INTO body_members (tenant_id, id, body_id, user_id, person_name, email, organisation_id, role,
			deputy_name, deputy_user_id, since, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
			b.TenantID, id, b.ID, bodyNullable(in.UserID), in.PersonName, in.Email, in.OrganisationID, in.Role, in.DeputyName,
			bodyNullable(in.DeputyUserID), in.Since, tx.Now); err != nil {
			return err
		}
		ms, err := bodyMembers(ctx, tx, b.TenantID, "m.id = $2", id)
		if err != nil {
			return err
		}
		m = &ms[0]
		return s.loopAudit(ctx, tx, actor, "body.member_add", "body", b.ID, memberDetails(id, in))
	})
	return m, err
}

// memberDetails are the audit details of a member's entry (no name, no e-mail address).
func memberDetails(id string, in BodyMemberInput) map[string]string {
	return map[string]string{"member": id, "organisation_id": in.OrganisationID, "role": in.Role,
		"account": strconv.FormatBool(in.UserID != ""), "deputy_account": strconv.FormatBool(in.DeputyUserID != ""), "since": in.Since}
}

// UpdateBodyMember changes a current member: name, organisation, role, e-mail address, deputy,
// the linked accounts and the day from which the person belongs to the body. The entry is
// overwritten (the last save wins) and the change audited. An emptied day becomes the day of
// entry.
func (s *Service) UpdateBodyMember(ctx context.Context, actor access.Actor, id string, in BodyMemberInput) (*BodyMember, error) {
	if err := access.Guard(actor, KindBody, access.Update, id, 0); err != nil {
		return nil, err
	}
	verr := in.Validate()
	var m *BodyMember
	err := s.DB.Write(ctx, func(tx *db.Tx) (err error) {
		if m, err = loadMember(ctx, tx, actor, access.Update, id); err != nil {
			return err
		}
		b, err := loadBody(ctx, tx, actor, access.Update, m.BodyID)
		if err != nil {
			return err
		}
		if err := s.memberRefs(ctx, tx, b, m.ID, &in, verr); err != nil {
			return err
		}
		if in.Since == "" {
			in.Since = valid.Today(m.CreatedAt)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE body_members SET user_id = $3, person_name = $4, email = $5, organisation_id = $6, role = $7,
			deputy_name = $8, deputy_user_id = $9, since = $10 WHERE tenant_id = $1 AND id = $2`, actor.TenantID, m.ID, bodyNullable(in.UserID),
			in.PersonName, in.Email, in.OrganisationID, in.Role, in.DeputyName, bodyNullable(in.DeputyUserID), in.Since); err != nil {
			return err
		}
		if m, err = loadMember(ctx, tx, actor, access.Update, id); err != nil {
			return err
		}
		return s.loopAudit(ctx, tx, actor, "body.member_update", "body", m.BodyID, memberDetails(id, in))
	})
	return m, err
}

func bodyNullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// memberRefs checks the references of a new or changed member (self: the member's id, "" for a
// new one), adding their messages to those of the input's own validation (verr), and fills the
// name, organisation and deputy's name from the accounts where they were left empty.
func (s *Service) memberRefs(ctx context.Context, tx *db.Tx, b *Body, self string, in *BodyMemberInput, verr error) error {
	var v errs.Validation
	if e := errs.As(verr); e != nil && len(e.Fields) > 0 {
		v.Fields = e.Fields
	} else if verr != nil {
		return verr
	}
	account := func(field, id string) (name, org string, ok bool, err error) {
		if id == "" {
			return "", "", true, nil
		}
		if !ids.Valid(id) {
			v.Add(field, "steering.body.account_invalid")
			return "", "", false, nil
		}
		err = tx.QueryRowContext(ctx, `SELECT name, CAST(organisation_id AS TEXT) FROM users WHERE tenant_id = $1 AND id = $2
			AND role IN ('body_member', 'coordinator', 'team_lead') AND disabled_at IS NULL`, b.TenantID, id).Scan(&name, &org)
		if errors.Is(err, sql.ErrNoRows) {
			v.Add(field, "steering.body.account_invalid")
			return "", "", false, nil
		}
		return name, org, err == nil, err
	}
	name, org, ok, err := account("user_id", in.UserID)
	if err != nil {
		return err
	}
	if ok && in.UserID != "" {
		if in.PersonName == "" {
			in.PersonName = name
		}
		if in.OrganisationID == "" {
			in.OrganisationID = org
		}
		taken, err := loopExists(ctx, tx, `SELECT 1 FROM body_members WHERE tenant_id = $1 AND body_id = $2 AND user_id = $3 AND removed_at IS NULL
			AND CAST(id AS TEXT) <> $4`, b.TenantID, b.ID, in.UserID, self)
		if err != nil {
			return err
		}
		if taken {
			v.Add("user_id", "steering.body.account_member")
		}
	}
	deputy, _, ok, err := account("deputy_user_id", in.DeputyUserID)
	if err != nil {
		return err
	}
	if ok && in.DeputyName == "" {
		in.DeputyName = deputy
	}
	if in.OrganisationID != "" && !v.Has("organisation_id") {
		found := ids.Valid(in.OrganisationID)
		if found {
			if found, err = loopExists(ctx, tx, "SELECT 1 FROM organisations WHERE tenant_id = $1 AND id = $2", b.TenantID, in.OrganisationID); err != nil {
				return err
			}
		}
		if !found {
			v.Add("organisation_id", "validation.not_found")
		}
	}
	return v.Err()
}

// loadMember returns a current member of a body the actor may act on with a.
func loadMember(ctx context.Context, tx *db.Tx, actor access.Actor, a access.Action, id string) (*BodyMember, error) {
	ms, err := bodyMembers(ctx, tx, actor.TenantID, "m.id = $2 AND m.removed_at IS NULL", id)
	if err != nil {
		return nil, err
	}
	if len(ms) == 0 {
		return nil, errs.ErrNotFound
	}
	if err := access.Can(actor, a, access.Resource{Kind: KindBody, TenantID: actor.TenantID}); err != nil {
		return nil, err
	}
	return &ms[0], nil
}

// GetBodyMember returns a current member for the edit form and the confirmation of their
// removal.
func (s *Service) GetBodyMember(ctx context.Context, actor access.Actor, id string) (*BodyMember, error) {
	if err := access.Guard(actor, KindBody, access.Update, id, 0); err != nil {
		return nil, err
	}
	var m *BodyMember
	err := s.DB.Read(ctx, func(tx *db.Tx) (err error) {
		m, err = loadMember(ctx, tx, actor, access.Update, id)
		return err
	})
	return m, err
}

// RemoveBodyMember ends a membership. The member's attendance of past meetings stays in their
// minutes; the calendar feeds of the member's and the deputy's accounts no longer list any of
// the body's meetings.
func (s *Service) RemoveBodyMember(ctx context.Context, actor access.Actor, id string) (*BodyMember, error) {
	if err := access.Guard(actor, KindBody, access.Update, id, 0); err != nil {
		return nil, err
	}
	var m *BodyMember
	err := s.DB.Write(ctx, func(tx *db.Tx) (err error) {
		if m, err = loadMember(ctx, tx, actor, access.Update, id); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "UPDATE body_members SET removed_at = $3 WHERE tenant_id = $1 AND id = $2", actor.TenantID, id, tx.Now); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "UPDATE bodies SET updated_at = $3 WHERE tenant_id = $1 AND id = $2", actor.TenantID, m.BodyID, tx.Now); err != nil {
			return err
		}
		return s.loopAudit(ctx, tx, actor, "body.member_remove", "body", m.BodyID, map[string]string{"member": id})
	})
	return m, err
}

// BodyChoices are the choices of the member form.
type BodyChoices struct {
	Organisations []web.Option
	Accounts      []web.Option // accounts that may be linked to a member
}

// MemberChoices returns the organisations of the tenant and the accounts a member may be
// linked to (name and organisation; no e-mail addresses).
func (s *Service) MemberChoices(ctx context.Context, actor access.Actor) (*BodyChoices, error) {
	if err := access.Check(actor, KindBody, access.Update); err != nil {
		return nil, err
	}
	c := &BodyChoices{}
	err := s.DB.Read(ctx, func(tx *db.Tx) (err error) {
		opt := func(row loopScanner, o *web.Option) error { return row.Scan(&o.Value, &o.Label) }
		if c.Organisations, err = loopRows(ctx, tx, opt, "SELECT CAST(id AS TEXT), name FROM organisations WHERE tenant_id = $1 ORDER BY name, id",
			actor.TenantID); err != nil {
			return err
		}
		c.Accounts, err = loopRows(ctx, tx, opt, `SELECT CAST(u.id AS TEXT), u.name || ' (' || CASE WHEN o.short_name = '' THEN o.name ELSE o.short_name END || ')'
			FROM users u JOIN organisations o ON o.tenant_id = u.tenant_id AND o.id = u.organisation_id
			WHERE u.tenant_id = $1 AND u.role IN ('body_member', 'coordinator', 'team_lead') AND u.disabled_at IS NULL ORDER BY u.name, u.id`, actor.TenantID)
		return err
	})
	return c, err
}
