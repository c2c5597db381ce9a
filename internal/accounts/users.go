package accounts

import (
	"context"
	"strconv"
	"strings"
	"time"

	"kim/internal/platform/access"
	"kim/internal/platform/audit"
	"kim/internal/platform/auth"
	"kim/internal/platform/db"
	"kim/internal/platform/errs"
	"kim/internal/platform/ids"
	"kim/internal/platform/web"
)

func userResource(u *User) access.Resource {
	return access.Resource{Kind: access.KindUser, TenantID: u.TenantID, OrganisationID: u.OrganisationID, OwnerID: u.ID}
}

// ListUsers lists the accounts the actor may see (a team lead sees the own organisation only).
func (s *Service) ListUsers(ctx context.Context, actor access.Actor, q web.ListQuery, f UserFilter) ([]UserRow, int, error) {
	return s.listUsersAudited(ctx, actor, q, f, "user.list")
}

// ExportUsers returns the accounts for a download; the audit entry says so.
func (s *Service) ExportUsers(ctx context.Context, actor access.Actor, q web.ListQuery, f UserFilter) ([]UserRow, error) {
	out, _, err := s.listUsersAudited(ctx, actor, q, f, "user.export")
	return out, err
}

// listUsersAudited lists accounts (staff's personal data) and records the read.
func (s *Service) listUsersAudited(ctx context.Context, actor access.Actor, q web.ListQuery, f UserFilter, action string) ([]UserRow, int, error) {
	if err := access.Check(actor, access.KindUser, access.List); err != nil {
		return nil, 0, err
	}
	var (
		out   []UserRow
		total int
	)
	err := s.DB.Write(ctx, func(tx *db.Tx) (err error) {
		if out, total, err = listUsers(ctx, tx, access.Scope(actor, access.KindUser, access.List, "u", 1), q, f); err != nil {
			return err
		}
		return s.audit(ctx, tx, audit.Entry{Actor: actor, Action: action, ObjectType: "user",
			Details: map[string]string{"results": strconv.Itoa(len(out)), "page": strconv.Itoa(q.Page)}})
	})
	return out, total, err
}

// GetUser returns one account.
func (s *Service) GetUser(ctx context.Context, actor access.Actor, id string) (*User, error) {
	if err := access.Check(actor, access.KindUser, access.View); err != nil {
		return nil, err
	}
	if !ids.Valid(id) {
		return nil, errs.ErrNotFound
	}
	var u *User
	err := s.DB.Write(ctx, func(tx *db.Tx) (err error) {
		if u, err = getUser(ctx, tx, actor.TenantID, id); err != nil {
			return err
		}
		if err := access.Can(actor, access.View, userResource(u)); err != nil {
			return err
		}
		return s.audit(ctx, tx, audit.Entry{Actor: actor, Action: "user.view", ObjectType: "user", ObjectID: u.ID})
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}

// Activation is a freshly issued activation code, shown once to the administrator.
type Activation struct {
	User    *User
	Code    string
	Expires time.Time
}

func newActivationCode() string {
	// 12 characters from 36 symbols after folding case and replacing - and _: about 62 bits.
	c := strings.ToUpper(auth.RandomString(9))
	c = strings.NewReplacer("-", "X", "_", "Y").Replace(c)
	return c[0:4] + "-" + c[4:8] + "-" + c[8:12]
}

func (s *Service) checkUserInput(ctx context.Context, tx *db.Tx, actor access.Actor, tenantID string, in *UserInput) error {
	if err := in.Validate(); err != nil {
		return err
	}
	var v errs.Validation
	if !access.Assignable(actor.Role, in.Role) {
		v.Add("role", "accounts.user.role_not_assignable")
	}
	if ok, err := s.Dir.OrganisationExists(ctx, tx, tenantID, in.OrganisationID); err != nil {
		return err
	} else if !ok {
		v.Add("organisation_id", "validation.not_found")
	}
	return v.Err()
}

// CreateUser creates an account without a password and returns its activation code. The
// administrator hands the code over; the person sets the password on the activation page.
func (s *Service) CreateUser(ctx context.Context, actor access.Actor, in UserInput) (*Activation, error) {
	if err := access.Check(actor, access.KindUser, access.Create); err != nil {
		return nil, err
	}
	return s.createUser(ctx, actor, actor.TenantID, in, func(u *User) error { return access.Can(actor, access.Create, userResource(u)) })
}

// createUser creates the account after authorise has approved it.
func (s *Service) createUser(ctx context.Context, actor access.Actor, tenantID string, in UserInput, authorise func(*User) error) (*Activation, error) {
	code := newActivationCode()
	var a *Activation
	err := s.DB.Write(ctx, func(tx *db.Tx) error {
		if err := s.checkUserInput(ctx, tx, actor, tenantID, &in); err != nil {
			return err
		}
		u := &User{ID: ids.New(), TenantID: tenantID, OrganisationID: in.OrganisationID, Email: in.Email, Name: in.Name,
			Role: in.Role, Language: in.Language, CreatedAt: tx.Now, UpdatedAt: tx.Now, Version: 1, ActivationPending: true}
		if err := authorise(u); err != nil {
			return err
		}
		expires := tx.Now.Add(time.Duration(s.Cfg.ActivationTTL) * time.Hour)
		if err := insertUser(ctx, tx, u, auth.HashRecoveryCode(code), expires); err != nil {
			return err
		}
		a = &Activation{User: u, Code: code, Expires: expires}
		return s.audit(ctx, tx, audit.Entry{Actor: actor, TenantID: tenantID, Action: "user.create", ObjectType: "user", ObjectID: u.ID,
			Details: map[string]string{"role": string(u.Role), "organisation_id": u.OrganisationID}})
	})
	return a, err
}

// CreateTenantAdmin creates the administrator account of a tenant (platform administration).
func (s *Service) CreateTenantAdmin(ctx context.Context, actor access.Actor, tenantID, name, email string) (*Activation, error) {
	if err := access.Check(actor, access.KindTenant, access.Update); err != nil {
		return nil, err
	}
	if _, err := s.Dir.TenantByID(ctx, tenantID); err != nil {
		return nil, err
	}
	var org string
	if err := s.DB.Read(ctx, func(tx *db.Tx) (err error) {
		org, err = s.Dir.FirstOrganisation(ctx, tx, tenantID)
		return err
	}); err != nil {
		return nil, err
	}
	a := actor
	a.TenantID = tenantID
	// The platform administration may create it because it may change the tenant; the rule for
	// user accounts (tenant administrators only) does not apply.
	return s.createUser(ctx, a, tenantID, UserInput{Name: name, Email: email, Role: access.TenantAdmin, OrganisationID: org},
		func(*User) error {
			return access.Can(actor, access.Update, access.Resource{Kind: access.KindTenant, TenantID: tenantID})
		})
}

// TenantAdmins lists the tenant administrators of a tenant (platform administration).
func (s *Service) TenantAdmins(ctx context.Context, actor access.Actor, tenantID string) ([]UserRow, error) {
	if err := access.Check(actor, access.KindTenant, access.View); err != nil {
		return nil, err
	}
	var out []UserRow
	err := s.DB.Write(ctx, func(tx *db.Tx) (err error) {
		out, _, err = listUsers(ctx, tx, access.Filter{SQL: "u.tenant_id = $1", Args: []any{tenantID}},
			web.ListQuery{Page: 1, Size: 100, Sort: "name"}, UserFilter{Role: access.TenantAdmin})
		if err != nil {
			return err
		}
		a := actor
		a.TenantID = tenantID
		return s.audit(ctx, tx, audit.Entry{Actor: a, TenantID: tenantID, Action: "user.list", ObjectType: "user",
			Details: map[string]string{"results": strconv.Itoa(len(out)), "role": string(access.TenantAdmin)}})
	})
	return out, err
}

// UpdateUser changes an account. Disabling ends all its sessions; administrators cannot disable
// their own account or change their own role.
func (s *Service) UpdateUser(ctx context.Context, actor access.Actor, id string, in UserInput) (*User, error) {
	if err := access.Check(actor, access.KindUser, access.Update); err != nil {
		return nil, err
	}
	if !ids.Valid(id) {
		return nil, errs.ErrNotFound
	}
	if !db.ValidVersion(in.Version) {
		return nil, errs.E(errs.Conflict, "error.conflict")
	}
	var u *User
	err := s.DB.Write(ctx, func(tx *db.Tx) (err error) {
		if u, err = getUser(ctx, tx, actor.TenantID, id); err != nil {
			return err
		}
		if err := access.Can(actor, access.Update, userResource(u)); err != nil {
			return err
		}
		if !access.Assignable(actor.Role, u.Role) {
			return errs.ErrForbidden // e.g. a tenant administrator on a platform administrator's account
		}
		if err := s.checkUserInput(ctx, tx, actor, u.TenantID, &in); err != nil {
			return err
		}
		if u.ID == actor.UserID && (in.Disabled || in.Role != u.Role) {
			var v errs.Validation
			if in.Disabled {
				v.Add("disabled", "accounts.user.not_self")
			} else {
				v.Add("role", "accounts.user.not_self")
			}
			return v.Err()
		}
		res, err := tx.ExecContext(ctx, `UPDATE users SET name = $1, email = $2, role = $3, organisation_id = $4, language = $5,
			disabled_at = CASE WHEN $6 THEN COALESCE(disabled_at, $7) ELSE NULL END, updated_at = $7, version = version + 1
			WHERE tenant_id = $8 AND id = $9 AND ($10 = 0 OR version = $10)`,
			in.Name, in.Email, string(in.Role), in.OrganisationID, in.Language, in.Disabled, tx.Now, u.TenantID, u.ID, in.Version)
		if db.IsUniqueViolation(err) {
			e := errs.E(errs.Invalid, "error.invalid")
			e.Fields = map[string]errs.Message{"email": errs.Msg("accounts.user.email_taken")}
			return e
		}
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errs.E(errs.Conflict, "error.conflict")
		}
		details := map[string]string{"role": string(in.Role), "organisation_id": in.OrganisationID, "disabled": strconv.FormatBool(in.Disabled)}
		if in.Disabled || in.Role != u.Role || in.OrganisationID != u.OrganisationID {
			// Permissions change with role, organisation or status: end the sessions so that
			// the change takes effect at once.
			if _, err := auth.DeleteUserSessions(ctx, tx, u.TenantID, u.ID, ""); err != nil {
				return err
			}
			details["sessions_ended"] = "true"
		}
		if err := s.audit(ctx, tx, audit.Entry{Actor: actor, Action: "user.update", ObjectType: "user", ObjectID: u.ID, Details: details}); err != nil {
			return err
		}
		u, err = getUser(ctx, tx, actor.TenantID, id)
		return err
	})
	return u, err
}

// IssueActivation replaces an account's password by a new activation code (the administrator's
// password reset). The second factor stays as it is, so a reset does not bypass it. All
// sessions of the account end and its API tokens are revoked.
func (s *Service) IssueActivation(ctx context.Context, actor access.Actor, id string) (*Activation, error) {
	return s.adminAction(ctx, actor, id, "user.activation_issued", func(tx *db.Tx, u *User) (*Activation, error) {
		code := newActivationCode()
		expires := tx.Now.Add(time.Duration(s.Cfg.ActivationTTL) * time.Hour)
		if err := setUser(ctx, tx, u, "password_hash = NULL, activation_hash = $1, activation_expires_at = $2", auth.HashRecoveryCode(code), expires); err != nil {
			return nil, err
		}
		if err := revokeTokens(ctx, tx, u.TenantID, u.ID); err != nil {
			return nil, err
		}
		return &Activation{User: u, Code: code, Expires: expires}, nil
	})
}

// ResetSecondFactor removes an account's second factor and recovery codes (for a lost device);
// the person sets up a new one at the next login. Its API tokens are revoked.
func (s *Service) ResetSecondFactor(ctx context.Context, actor access.Actor, id string) error {
	_, err := s.adminAction(ctx, actor, id, "user.mfa_reset", func(tx *db.Tx, u *User) (*Activation, error) {
		if err := setUser(ctx, tx, u, "totp_secret = NULL, totp_pending = NULL, totp_confirmed_at = NULL"); err != nil {
			return nil, err
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM recovery_codes WHERE tenant_id = $1 AND user_id = $2", u.TenantID, u.ID); err != nil {
			return nil, err
		}
		return nil, revokeTokens(ctx, tx, u.TenantID, u.ID)
	})
	return err
}

// EndUserSessions logs an account out everywhere.
func (s *Service) EndUserSessions(ctx context.Context, actor access.Actor, id string) error {
	_, err := s.adminAction(ctx, actor, id, "user.sessions_ended", func(tx *db.Tx, u *User) (*Activation, error) {
		return nil, nil
	})
	return err
}

// adminAction runs an administrator's action on an account, ends its sessions and audits it.
func (s *Service) adminAction(ctx context.Context, actor access.Actor, id, action string, fn func(tx *db.Tx, u *User) (*Activation, error)) (*Activation, error) {
	if err := access.Check(actor, access.KindUser, access.Update); err != nil {
		return nil, err
	}
	if !ids.Valid(id) {
		return nil, errs.ErrNotFound
	}
	var a *Activation
	err := s.DB.Write(ctx, func(tx *db.Tx) error {
		u, err := getUser(ctx, tx, actor.TenantID, id)
		if err != nil {
			return err
		}
		if err := access.Can(actor, access.Update, userResource(u)); err != nil {
			return err
		}
		if !access.Assignable(actor.Role, u.Role) {
			return errs.ErrForbidden
		}
		if a, err = fn(tx, u); err != nil {
			return err
		}
		if _, err := auth.DeleteUserSessions(ctx, tx, u.TenantID, u.ID, ""); err != nil {
			return err
		}
		return s.audit(ctx, tx, audit.Entry{Actor: actor, Action: action, ObjectType: "user", ObjectID: u.ID})
	})
	return a, err
}

// UserCounts returns how many accounts the actor may list and how many of them still await
// activation (for start pages), in one query.
func (s *Service) UserCounts(ctx context.Context, actor access.Actor) (total, pending int, err error) {
	if err := access.Check(actor, access.KindUser, access.List); err != nil {
		return 0, 0, err
	}
	scope := access.Scope(actor, access.KindUser, access.List, "u", 1)
	err = s.DB.Read(ctx, func(tx *db.Tx) error {
		return tx.QueryRowContext(ctx, `SELECT count(*), COALESCE(sum(CASE WHEN u.disabled_at IS NULL AND u.password_hash IS NULL THEN 1 ELSE 0 END), 0)
			FROM users u WHERE `+scope.SQL, scope.Args...).Scan(&total, &pending)
	})
	return total, pending, err
}
