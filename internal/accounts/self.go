package accounts

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"kim/internal/platform/access"
	"kim/internal/platform/audit"
	"kim/internal/platform/auth"
	"kim/internal/platform/db"
	"kim/internal/platform/errs"
	"kim/internal/platform/i18n"
	"kim/internal/platform/ids"
)

// Me returns the actor's own account.
func (s *Service) Me(ctx context.Context, actor access.Actor) (*User, error) {
	if err := access.Check(actor, access.KindAccount, access.View); err != nil {
		return nil, err
	}
	var u *User
	err := s.DB.Read(ctx, func(tx *db.Tx) (err error) {
		u, err = getUser(ctx, tx, actor.TenantID, actor.UserID)
		return err
	})
	return u, err
}

// reauth checks the actor's current password before a change of credentials (ASVS 7.5.1).
func (s *Service) reauth(ctx context.Context, u *User, password, field string) error {
	ok := false
	if u.HasPassword {
		var err error
		if ok, _, err = s.Hasher.Verify(ctx, password, u.passwordHash); err != nil {
			return err
		}
	}
	if !ok {
		var v errs.Validation
		v.Add(field, "accounts.account.wrong_password")
		return v.Err()
	}
	return nil
}

// ChangePassword sets a new password after checking the current one and ends all other
// sessions of the account.
func (s *Service) ChangePassword(ctx context.Context, actor access.Actor, sessionHash, current, next, repeat string) error {
	u, err := s.Me(ctx, actor)
	if err != nil {
		return err
	}
	if err := s.reauth(ctx, u, current, "current_password"); err != nil {
		return err
	}
	var v errs.Validation
	if m := auth.CheckPassword(next, u.Email, strings.SplitN(u.Email, "@", 2)[0], u.Name); m.ID != "" {
		v.Fields = mergeField(v.Fields, "new_password", m)
	} else if next != repeat {
		v.Add("repeat_password", "accounts.account.passwords_differ")
	}
	if err := v.Err(); err != nil {
		return err
	}
	hash, err := s.Hasher.Hash(ctx, next)
	if err != nil {
		return err
	}
	return s.DB.Write(ctx, func(tx *db.Tx) error {
		if err := setUser(ctx, tx, u, "password_hash = $1", hash); err != nil {
			return err
		}
		if _, err := auth.DeleteUserSessions(ctx, tx, u.TenantID, u.ID, sessionHash); err != nil {
			return err
		}
		return s.audit(ctx, tx, audit.Entry{Actor: actor, Action: "account.password_changed", ObjectType: "user", ObjectID: u.ID})
	})
}

// SetLanguage stores the preferred interface language.
func (s *Service) SetLanguage(ctx context.Context, actor access.Actor, lang string) error {
	if !i18n.Supported(lang, i18n.Staff) {
		var v errs.Validation
		v.Add("language", "validation.choice")
		return v.Err()
	}
	u, err := s.Me(ctx, actor)
	if err != nil {
		return err
	}
	return s.DB.Write(ctx, func(tx *db.Tx) error {
		if err := setUser(ctx, tx, u, "language = $1", lang); err != nil {
			return err
		}
		return s.audit(ctx, tx, audit.Entry{Actor: actor, Action: "account.language", ObjectType: "user", ObjectID: u.ID,
			Details: map[string]string{"language": lang}})
	})
}

// Sessions lists the actor's sessions.
func (s *Service) Sessions(ctx context.Context, actor access.Actor, currentHash string) ([]SessionInfo, error) {
	if err := access.Check(actor, access.KindAccount, access.List); err != nil {
		return nil, err
	}
	var out []SessionInfo
	err := s.DB.Read(ctx, func(tx *db.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT token_hash, created_at, last_seen_at, user_agent FROM sessions
			WHERE tenant_id = $1 AND user_id = $2 AND stage = 'full' AND expires_at > $3 ORDER BY last_seen_at DESC`,
			actor.TenantID, actor.UserID, tx.Now)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var si SessionInfo
			var hash string
			if err := rows.Scan(&hash, &si.CreatedAt, &si.LastSeenAt, &si.UserAgent); err != nil {
				return err
			}
			if si.LastSeenAt.Add(s.Cfg.Sessions.Idle).Before(tx.Now) {
				continue
			}
			si.ID, si.Current = hash[:16], hash == currentHash
			out = append(out, si)
		}
		return rows.Err()
	})
	return out, err
}

// EndSession ends one of the actor's sessions, named by its public handle.
func (s *Service) EndSession(ctx context.Context, actor access.Actor, handle string) error {
	if err := access.Check(actor, access.KindAccount, access.Delete); err != nil {
		return err
	}
	if len(handle) != 16 || strings.Trim(handle, "0123456789abcdef") != "" {
		return errs.ErrNotFound
	}
	return s.DB.Write(ctx, func(tx *db.Tx) error {
		res, err := tx.ExecContext(ctx, "DELETE FROM sessions WHERE tenant_id = $1 AND user_id = $2 AND substr(token_hash, 1, 16) = $3",
			actor.TenantID, actor.UserID, handle)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.ErrNotFound
		}
		return s.audit(ctx, tx, audit.Entry{Actor: actor, Action: "account.session_ended", ObjectType: "user", ObjectID: actor.UserID})
	})
}

// LogoutEverywhere ends all sessions of the actor, including the current one.
func (s *Service) LogoutEverywhere(ctx context.Context, actor access.Actor) error {
	if err := access.Check(actor, access.KindAccount, access.Delete); err != nil {
		return err
	}
	return s.DB.Write(ctx, func(tx *db.Tx) error {
		if _, err := auth.DeleteUserSessions(ctx, tx, actor.TenantID, actor.UserID, ""); err != nil {
			return err
		}
		return s.audit(ctx, tx, audit.Entry{Actor: actor, Action: "auth.logout_everywhere", ObjectType: "user", ObjectID: actor.UserID})
	})
}

// RecoveryCodesLeft counts the actor's unused recovery codes.
func (s *Service) RecoveryCodesLeft(ctx context.Context, u *User) (int, error) {
	var n int
	err := s.DB.Read(ctx, func(tx *db.Tx) (err error) {
		n, err = unusedRecoveryCodes(ctx, tx, u)
		return err
	})
	return n, err
}

// RegenerateRecoveryCodes replaces the actor's recovery codes after checking the password.
func (s *Service) RegenerateRecoveryCodes(ctx context.Context, actor access.Actor, password string) ([]string, error) {
	u, err := s.Me(ctx, actor)
	if err != nil {
		return nil, err
	}
	if !u.MFAEnabled {
		return nil, errs.E(errs.Conflict, "accounts.mfa.not_enabled")
	}
	if err := s.reauth(ctx, u, password, "password"); err != nil {
		return nil, err
	}
	codes, err := auth.NewRecoveryCodes()
	if err != nil {
		return nil, err
	}
	hashes := make([]string, len(codes))
	for i, c := range codes {
		hashes[i] = auth.HashRecoveryCode(c)
	}
	err = s.DB.Write(ctx, func(tx *db.Tx) error {
		if err := storeRecoveryCodes(ctx, tx, u, hashes); err != nil {
			return err
		}
		return s.audit(ctx, tx, audit.Entry{Actor: actor, Action: "account.recovery_codes", ObjectType: "user", ObjectID: u.ID})
	})
	return codes, err
}

// StartReEnrolment begins setting up a new second factor from the account page, after checking
// the password. The current factor stays valid until the new one is confirmed.
func (s *Service) StartReEnrolment(ctx context.Context, actor access.Actor, password string) (*User, *Enrolment, error) {
	u, err := s.Me(ctx, actor)
	if err != nil {
		return nil, nil, err
	}
	if err := s.reauth(ctx, u, password, "password"); err != nil {
		return nil, nil, err
	}
	u.totpPending = nil
	e, err := s.StartEnrolment(ctx, u)
	return u, e, err
}

// --- API tokens ---

// Tokens lists the actor's API tokens.
func (s *Service) Tokens(ctx context.Context, actor access.Actor) ([]Token, error) {
	if err := access.Check(actor, access.KindAccount, access.List); err != nil {
		return nil, err
	}
	var out []Token
	err := s.DB.Read(ctx, func(tx *db.Tx) (err error) {
		out, err = listTokens(ctx, tx, actor.TenantID, actor.UserID)
		return err
	})
	return out, err
}

// CreateToken issues an API token for the actor. The token is returned once; only its hash is
// stored. days = 0 means no expiry.
func (s *Service) CreateToken(ctx context.Context, actor access.Actor, name string, days int) (string, error) {
	if err := access.Check(actor, access.KindAccount, access.Create); err != nil {
		return "", err
	}
	return s.issueToken(ctx, actor, actor, name, days)
}

// issueToken creates a token owned by owner; by is the one the audit entry names.
func (s *Service) issueToken(ctx context.Context, owner, by access.Actor, name string, days int) (string, error) {
	actor := owner
	name = singleLine(name)
	var v errs.Validation
	if name == "" {
		v.Add("token_name", "validation.required")
	} else if utf8.RuneCountInString(name) > 100 {
		v.Add("token_name", "validation.too_long", "Max", 100)
	}
	if days < 0 || days > 730 {
		v.Add("token_days", "accounts.token.days")
	}
	if err := v.Err(); err != nil {
		return "", err
	}
	token, err := auth.NewToken(auth.APITokenPrefix, actor.TenantID)
	if err != nil {
		return "", err
	}
	err = s.DB.Write(ctx, func(tx *db.Tx) error {
		var expires any
		if days > 0 {
			expires = tx.Now.Add(time.Duration(days) * 24 * time.Hour)
		}
		id := ids.New()
		if _, err := tx.ExecContext(ctx, `INSERT INTO api_tokens (tenant_id, id, user_id, name, token_hash, created_at, expires_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`, actor.TenantID, id, actor.UserID, name, auth.HashToken(token), tx.Now, expires); err != nil {
			return err
		}
		return s.audit(ctx, tx, audit.Entry{Actor: by, TenantID: owner.TenantID, Action: "account.token_created", ObjectType: "api_token", ObjectID: id,
			Details: map[string]string{"owner": owner.UserID}})
	})
	if err != nil {
		return "", err
	}
	return token, nil
}

// RevokeToken revokes one of the actor's tokens.
func (s *Service) RevokeToken(ctx context.Context, actor access.Actor, id string) error {
	if err := access.Check(actor, access.KindAccount, access.Delete); err != nil {
		return err
	}
	if !ids.Valid(id) {
		return errs.ErrNotFound
	}
	return s.DB.Write(ctx, func(tx *db.Tx) error {
		res, err := tx.ExecContext(ctx, "UPDATE api_tokens SET revoked_at = $1 WHERE tenant_id = $2 AND user_id = $3 AND id = $4 AND revoked_at IS NULL",
			tx.Now, actor.TenantID, actor.UserID, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.ErrNotFound
		}
		return s.audit(ctx, tx, audit.Entry{Actor: actor, Action: "account.token_revoked", ObjectType: "api_token", ObjectID: id})
	})
}
