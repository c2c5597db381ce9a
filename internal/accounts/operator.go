package accounts

import (
	"context"
	"time"

	"kim/internal/platform/access"
	"kim/internal/platform/audit"
	"kim/internal/platform/auth"
	"kim/internal/platform/db"
	"kim/internal/platform/errs"
	"kim/internal/platform/ids"
)

// Operator use cases for the command line and the seeders. They act as the system actor and
// set passwords directly (the operator chooses them, or the seeder's demo password).

// EnsureUser creates an active account with password unless one with the e-mail address exists.
// It reports whether it created the account. The password is checked against the policy
// unless skipPolicy is set (synthetic data only).
func (s *Service) EnsureUser(ctx context.Context, tenantID string, in UserInput, password string) (*User, bool, error) {
	actor := access.System(tenantID)
	if err := in.Validate(); err != nil {
		return nil, false, err
	}
	if m := auth.CheckPassword(password, in.Email, in.Name); m.ID != "" {
		return nil, false, errs.E(errs.Invalid, m.ID, mapToKV(m.Data)...)
	}
	hash, err := s.Hasher.Hash(ctx, password)
	if err != nil {
		return nil, false, err
	}
	var (
		u       *User
		created bool
	)
	err = s.DB.Write(ctx, func(tx *db.Tx) error {
		existing, err := getUserByEmail(ctx, tx, tenantID, in.Email)
		if err == nil {
			u = existing
			return nil
		}
		if errs.CodeOf(err) != errs.NotFound {
			return err
		}
		if err := s.checkUserInput(ctx, tx, actor, tenantID, &in); err != nil {
			return err
		}
		u = &User{ID: ids.New(), TenantID: tenantID, OrganisationID: in.OrganisationID, Email: in.Email, Name: in.Name,
			Role: in.Role, Language: in.Language, CreatedAt: tx.Now, UpdatedAt: tx.Now, Version: 1, HasPassword: true, passwordHash: hash}
		if err := insertUser(ctx, tx, u, "", time.Time{}); err != nil {
			return err
		}
		created = true
		return s.audit(ctx, tx, audit.Entry{Actor: actor, Action: "user.create", ObjectType: "user", ObjectID: u.ID,
			Details: map[string]string{"role": string(u.Role), "organisation_id": u.OrganisationID}})
	})
	return u, created, err
}

// SetPassword sets the password of an account by e-mail address and ends its sessions.
func (s *Service) SetPassword(ctx context.Context, tenantID, email, password string) error {
	email = NormaliseEmail(email)
	if m := auth.CheckPassword(password, email); m.ID != "" {
		return errs.E(errs.Invalid, m.ID, mapToKV(m.Data)...)
	}
	hash, err := s.Hasher.Hash(ctx, password)
	if err != nil {
		return err
	}
	return s.DB.Write(ctx, func(tx *db.Tx) error {
		u, err := getUserByEmail(ctx, tx, tenantID, email)
		if err != nil {
			return err
		}
		if err := setUser(ctx, tx, u, "password_hash = $1, activation_hash = NULL, activation_expires_at = NULL", hash); err != nil {
			return err
		}
		if _, err := auth.DeleteUserSessions(ctx, tx, u.TenantID, u.ID, ""); err != nil {
			return err
		}
		if err := revokeTokens(ctx, tx, u.TenantID, u.ID); err != nil {
			return err
		}
		return s.audit(ctx, tx, audit.Entry{Actor: access.System(tenantID), Action: "user.password_set", ObjectType: "user", ObjectID: u.ID})
	})
}

// TokenFor issues an API token for the account with the e-mail address, valid for days (0: no
// expiry). The audit trail names the operator ("system") as the one who issued it.
func (s *Service) TokenFor(ctx context.Context, tenantID, tenantSlug, email, name string, days int) (string, error) {
	var u *User
	err := s.DB.Read(ctx, func(tx *db.Tx) (err error) {
		u, err = getUserByEmail(ctx, tx, tenantID, NormaliseEmail(email))
		return err
	})
	if err != nil {
		return "", err
	}
	if u.Disabled {
		return "", errs.E(errs.Conflict, "accounts.user.status_disabled")
	}
	if name == "" {
		name = "kim user token"
	}
	return s.issueToken(ctx, u.Actor(tenantSlug), access.System(tenantID), name, days)
}

func mapToKV(m map[string]any) []any {
	out := make([]any, 0, 2*len(m))
	for k, v := range m {
		out = append(out, k, v)
	}
	return out
}
