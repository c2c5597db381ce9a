package accounts

import (
	"context"
	"errors"
	"strings"
	"time"

	"kim/internal/platform/access"
	"kim/internal/platform/audit"
	"kim/internal/platform/auth"
	"kim/internal/platform/db"
	"kim/internal/platform/errs"
)

// nilTenant keys the throttle for login attempts against an unknown tenant.
const nilTenant = "00000000-0000-0000-0000-000000000000"

// Login errors. ErrLoginFailed is the same whether the account exists or not.
var (
	ErrLoginFailed = errs.E(errs.Unauthorized, "accounts.login.failed")
	ErrLocked      = errs.E(errs.Unauthorized, "accounts.login.locked")
	ErrCodeInvalid = errs.E(errs.Unauthorized, "accounts.mfa.invalid")
)

// LoginInput is a password login attempt.
type LoginInput struct {
	TenantSlug string
	Email      string
	Password   string
	IP         string
	UserAgent  string
}

// LoginResult is a successful first step.
type LoginResult struct {
	Token   string
	Session *auth.Session
	User    *User
}

// Login checks e-mail and password. On success it opens a session whose stage tells whether a
// second factor (or its set-up) must follow. Unknown accounts cost the same time as known ones
// and give the same error; failures count towards the throttle of the e-mail address and of the
// client address.
func (s *Service) Login(ctx context.Context, in LoginInput) (*LoginResult, error) {
	email := NormaliseEmail(in.Email)
	tenantID := nilTenant
	tenant, terr := s.Dir.TenantBySlug(ctx, strings.TrimSpace(in.TenantSlug))
	if terr == nil && !tenant.Disabled {
		tenantID = tenant.ID
	}
	acctKey, ipKey := "acct:"+email, "ip:"+in.IP
	locked := false
	err := s.DB.Read(ctx, func(tx *db.Tx) error {
		for _, k := range []struct {
			t   auth.Throttle
			key string
		}{{s.Cfg.AccountThrottle, acctKey}, {s.Cfg.AddressThrottle, ipKey}} {
			until, err := k.t.LockedUntil(ctx, tx, tenantID, k.key)
			if err != nil {
				return err
			}
			if !until.IsZero() {
				locked = true
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if locked {
		return nil, ErrLocked
	}

	var u *User
	if tenantID != nilTenant && email != "" {
		err = s.DB.Read(ctx, func(tx *db.Tx) (err error) {
			u, err = getUserByEmail(ctx, tx, tenantID, email)
			return err
		})
		if err != nil && errs.CodeOf(err) != errs.NotFound {
			return nil, err
		}
	}
	ok := false
	rehash := false
	if u != nil && u.HasPassword && !u.Disabled {
		ok, rehash, err = s.Hasher.Verify(ctx, in.Password, u.passwordHash)
		if err != nil {
			s.Log.Error("password hash unreadable", "user", u.ID)
			ok = false
		}
	} else {
		s.Hasher.Dummy(ctx, in.Password)
	}
	if !ok {
		return nil, s.loginFailed(ctx, tenantID, acctKey, ipKey, u, "auth.login_failed")
	}

	var newHash string
	if rehash {
		newHash, _ = s.Hasher.Hash(ctx, in.Password)
	}
	res := &LoginResult{User: u}
	err = s.DB.Write(ctx, func(tx *db.Tx) error {
		if err := s.Cfg.AccountThrottle.Clear(ctx, tx, tenantID, acctKey); err != nil {
			return err
		}
		if newHash != "" {
			if err := setUser(ctx, tx, u, "password_hash = $1", newHash); err != nil {
				return err
			}
		}
		stage := auth.StageFull
		if u.NeedsMFA(s.mfaRequired(tenant.Slug)) {
			stage = auth.StageMFA
			if !u.MFAEnabled {
				stage = auth.StageEnrol
			}
		}
		return s.openSession(ctx, tx, u, stage, in.UserAgent, "auth.login", res)
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// openSession creates a session at stage and writes the audit entry; a full session also
// records the login time.
func (s *Service) openSession(ctx context.Context, tx *db.Tx, u *User, stage, userAgent, action string, res *LoginResult) error {
	token, sess, err := auth.CreateSession(ctx, tx, s.Cfg.Sessions, u.TenantID, u.ID, stage, userAgent)
	if err != nil {
		return err
	}
	if stage == auth.StageFull {
		if _, err := tx.ExecContext(ctx, "UPDATE users SET last_login_at = $1 WHERE tenant_id = $2 AND id = $3", tx.Now, u.TenantID, u.ID); err != nil {
			return err
		}
	}
	res.Token, res.Session, res.User = token, sess, u
	return s.audit(ctx, tx, audit.Entry{Actor: u.Actor(""), Action: action, ObjectType: "user", ObjectID: u.ID,
		Details: map[string]string{"stage": stage}})
}

// loginFailed counts a failure and audits it for an existing account. It always returns the
// error the caller should show.
func (s *Service) loginFailed(ctx context.Context, tenantID, acctKey, ipKey string, u *User, action string) error {
	locked := false
	err := s.DB.Write(ctx, func(tx *db.Tx) error {
		l1, err := s.Cfg.AccountThrottle.Fail(ctx, tx, tenantID, acctKey)
		if err != nil {
			return err
		}
		l2, err := s.Cfg.AddressThrottle.Fail(ctx, tx, tenantID, ipKey)
		if err != nil {
			return err
		}
		locked = l1 || l2
		if u != nil {
			return s.audit(ctx, tx, audit.Entry{Actor: u.Actor(""), Action: action, ObjectType: "user", ObjectID: u.ID, Outcome: "failed"})
		}
		return nil
	})
	if err != nil {
		return err
	}
	if locked {
		return ErrLocked
	}
	if action == "auth.mfa_failed" {
		return ErrCodeInvalid
	}
	return ErrLoginFailed
}

// pendingUser loads the user of a half-finished login session.
func (s *Service) pendingUser(ctx context.Context, sess *auth.Session, stage string) (*User, error) {
	if sess == nil || sess.Stage != stage {
		return nil, errs.E(errs.Unauthorized, "error.unauthorized")
	}
	var u *User
	err := s.DB.Read(ctx, func(tx *db.Tx) (err error) {
		u, err = getUser(ctx, tx, sess.TenantID, sess.UserID)
		return err
	})
	if err != nil {
		return nil, err
	}
	if u.Disabled {
		return nil, errs.E(errs.Unauthorized, "error.unauthorized")
	}
	return u, nil
}

// VerifySecondFactor completes a login with a TOTP code or a recovery code. The pending session
// is replaced by a new full session (a new token, against session fixation).
func (s *Service) VerifySecondFactor(ctx context.Context, sess *auth.Session, code, ip, userAgent string) (*LoginResult, error) {
	u, err := s.pendingUser(ctx, sess, auth.StageMFA)
	if err != nil {
		return nil, err
	}
	acctKey, ipKey := "acct:"+u.Email, "ip:"+ip
	var until time.Time
	if err := s.DB.Read(ctx, func(tx *db.Tx) (err error) {
		until, err = s.Cfg.AccountThrottle.LockedUntil(ctx, tx, u.TenantID, acctKey)
		return err
	}); err != nil {
		return nil, err
	}
	if !until.IsZero() {
		return nil, ErrLocked
	}
	secret, err := s.openTOTP(u, u.totpSecret)
	if err != nil {
		return nil, err
	}
	res := &LoginResult{}
	code = strings.TrimSpace(code)
	err = s.DB.Write(ctx, func(tx *db.Tx) error {
		ok, method := false, "totp"
		if step, valid := auth.CheckTOTP(secret, code, tx.Now); valid {
			// Accept a code only once: its time step must be newer than the last one used.
			var last int64
			if err := tx.QueryRowContext(ctx, "SELECT totp_last_step FROM users WHERE tenant_id = $1 AND id = $2"+tx.ForUpdate(), u.TenantID, u.ID).Scan(&last); err != nil {
				return err
			}
			if step > last {
				ok = true
				if _, err := tx.ExecContext(ctx, "UPDATE users SET totp_last_step = $1 WHERE tenant_id = $2 AND id = $3", step, u.TenantID, u.ID); err != nil {
					return err
				}
			}
		} else if len(code) >= 10 {
			method = "recovery_code"
			used, err := useRecoveryCode(ctx, tx, u, auth.HashRecoveryCode(code))
			if err != nil {
				return err
			}
			ok = used
		}
		if !ok {
			return ErrCodeInvalid
		}
		if err := s.Cfg.AccountThrottle.Clear(ctx, tx, u.TenantID, acctKey); err != nil {
			return err
		}
		if err := auth.DeleteSession(ctx, tx, sess.TenantID, sess.Hash); err != nil {
			return err
		}
		if err := s.openSession(ctx, tx, u, auth.StageFull, userAgent, "auth.mfa", res); err != nil {
			return err
		}
		return s.audit(ctx, tx, audit.Entry{Actor: u.Actor(""), Action: "auth.mfa_method", ObjectType: "user", ObjectID: u.ID,
			Details: map[string]string{"method": method}})
	})
	if errors.Is(err, ErrCodeInvalid) {
		return nil, s.loginFailed(ctx, u.TenantID, acctKey, ipKey, u, "auth.mfa_failed")
	}
	if err != nil {
		return nil, err
	}
	return res, nil
}

// Enrolment is a pending TOTP set-up.
type Enrolment struct {
	Secret string
	URL    string
}

// StartEnrolment creates (or returns the existing) pending TOTP secret for u.
func (s *Service) StartEnrolment(ctx context.Context, u *User) (*Enrolment, error) {
	if len(u.totpPending) > 0 {
		if secret, err := s.openTOTP(u, u.totpPending); err == nil {
			return s.enrolment(u, secret), nil
		}
	}
	secret, _, err := auth.NewTOTPSecret(s.Cfg.Issuer, u.Email)
	if err != nil {
		return nil, err
	}
	ct, err := s.sealTOTP(u, secret)
	if err != nil {
		return nil, err
	}
	err = s.DB.Write(ctx, func(tx *db.Tx) error {
		_, err := tx.ExecContext(ctx, "UPDATE users SET totp_pending = $1 WHERE tenant_id = $2 AND id = $3", ct, u.TenantID, u.ID)
		return err
	})
	if err != nil {
		return nil, err
	}
	u.totpPending = ct
	return s.enrolment(u, secret), nil
}

func (s *Service) enrolment(u *User, secret string) *Enrolment {
	return &Enrolment{Secret: secret, URL: auth.TOTPURL(s.Cfg.Issuer, u.Email, secret)}
}

// EnrolmentFor returns the pending enrolment of a half-finished login.
func (s *Service) EnrolmentFor(ctx context.Context, sess *auth.Session) (*User, *Enrolment, error) {
	u, err := s.pendingUser(ctx, sess, auth.StageEnrol)
	if err != nil {
		return nil, nil, err
	}
	e, err := s.StartEnrolment(ctx, u)
	return u, e, err
}

// ConfirmEnrolment checks a code against the pending secret, makes it the user's second factor,
// issues recovery codes and returns them with a full session (when sess is a pending login) .
func (s *Service) ConfirmEnrolment(ctx context.Context, u *User, sess *auth.Session, code, userAgent string) ([]string, *LoginResult, error) {
	if len(u.totpPending) == 0 {
		return nil, nil, errs.E(errs.Conflict, "accounts.mfa.no_pending")
	}
	secret, err := s.openTOTP(u, u.totpPending)
	if err != nil {
		return nil, nil, err
	}
	ct, err := s.sealTOTP(u, secret)
	if err != nil {
		return nil, nil, err
	}
	codes, err := auth.NewRecoveryCodes()
	if err != nil {
		return nil, nil, err
	}
	hashes := make([]string, len(codes))
	for i, c := range codes {
		hashes[i] = auth.HashRecoveryCode(c)
	}
	var res *LoginResult
	err = s.DB.Write(ctx, func(tx *db.Tx) error {
		step, ok := auth.CheckTOTP(secret, code, tx.Now)
		if !ok {
			v := errs.Validation{}
			v.Add("code", "accounts.mfa.invalid")
			return v.Err()
		}
		if err := setUser(ctx, tx, u, "totp_secret = $1, totp_pending = NULL, totp_confirmed_at = $2, totp_last_step = $3", ct, tx.Now, step); err != nil {
			return err
		}
		if err := storeRecoveryCodes(ctx, tx, u, hashes); err != nil {
			return err
		}
		if err := s.audit(ctx, tx, audit.Entry{Actor: u.Actor(""), Action: "auth.mfa_enrolled", ObjectType: "user", ObjectID: u.ID}); err != nil {
			return err
		}
		if sess != nil && sess.Stage == auth.StageEnrol {
			if err := auth.DeleteSession(ctx, tx, sess.TenantID, sess.Hash); err != nil {
				return err
			}
			res = &LoginResult{}
			return s.openSession(ctx, tx, u, auth.StageFull, userAgent, "auth.login_complete", res)
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	u.MFAEnabled = true
	return codes, res, nil
}

// Activate sets the first password of an account (or a new one after an administrator's reset)
// with the activation code the administrator handed over.
func (s *Service) Activate(ctx context.Context, tenantSlug, email, code, password, ip string) error {
	email = NormaliseEmail(email)
	var v errs.Validation
	if email == "" {
		v.Add("email", "validation.required")
	}
	if strings.TrimSpace(code) == "" {
		v.Add("code", "validation.required")
	}
	if m := auth.CheckPassword(password, email, strings.SplitN(email, "@", 2)[0]); m.ID != "" {
		v.Fields = mergeField(v.Fields, "password", m)
	}
	if err := v.Err(); err != nil {
		return err
	}
	tenantID := nilTenant
	if t, err := s.Dir.TenantBySlug(ctx, strings.TrimSpace(tenantSlug)); err == nil && !t.Disabled {
		tenantID = t.ID
	}
	acctKey, ipKey := "acct:"+email, "ip:"+ip
	var u *User
	locked := false
	err := s.DB.Read(ctx, func(tx *db.Tx) error {
		until, err := s.Cfg.AccountThrottle.LockedUntil(ctx, tx, tenantID, acctKey)
		if err != nil {
			return err
		}
		locked = !until.IsZero()
		if tenantID != nilTenant {
			u, err = getUserByEmail(ctx, tx, tenantID, email)
			if errs.CodeOf(err) == errs.NotFound {
				u, err = nil, nil
			}
		}
		return err
	})
	if err != nil {
		return err
	}
	if locked {
		return ErrLocked
	}
	hash, err := s.Hasher.Hash(ctx, password)
	if err != nil {
		return err
	}
	codeHash := auth.HashRecoveryCode(code)
	err = s.DB.Write(ctx, func(tx *db.Tx) error {
		if u == nil || u.Disabled {
			return ErrActivation
		}
		res, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = $1, activation_hash = NULL, activation_expires_at = NULL,
			updated_at = $2, version = version + 1
			WHERE tenant_id = $3 AND id = $4 AND activation_hash = $5 AND activation_expires_at > $2 AND disabled_at IS NULL`,
			hash, tx.Now, u.TenantID, u.ID, codeHash)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return ErrActivation
		}
		return s.audit(ctx, tx, audit.Entry{Actor: u.Actor(""), Action: "user.activated", ObjectType: "user", ObjectID: u.ID})
	})
	if errors.Is(err, ErrActivation) {
		if ferr := s.loginFailed(ctx, tenantID, acctKey, ipKey, u, "user.activation_failed"); errors.Is(ferr, ErrLocked) {
			return ErrLocked
		}
		return ErrActivation
	}
	return err
}

// ErrActivation is the answer to a wrong, used or expired activation code.
var ErrActivation = errs.E(errs.Unauthorized, "accounts.activate.failed")

func mergeField(m map[string]errs.Message, field string, msg errs.Message) map[string]errs.Message {
	if m == nil {
		m = map[string]errs.Message{}
	}
	m[field] = msg
	return m
}

// Logout ends one session.
func (s *Service) Logout(ctx context.Context, sess *auth.Session, u access.Actor) error {
	return s.DB.Write(ctx, func(tx *db.Tx) error {
		if err := auth.DeleteSession(ctx, tx, sess.TenantID, sess.Hash); err != nil {
			return err
		}
		if u.UserID == "" {
			return nil
		}
		return s.audit(ctx, tx, audit.Entry{Actor: u, Action: "auth.logout", ObjectType: "user", ObjectID: u.UserID})
	})
}

// Extend records activity on a session now and returns its new idle deadline.
func (s *Service) Extend(ctx context.Context, sess *auth.Session) (time.Time, error) {
	if sess == nil {
		return time.Time{}, errs.E(errs.Unauthorized, "error.unauthorized")
	}
	err := s.DB.Write(ctx, func(tx *db.Tx) error { return auth.TouchSession(ctx, tx, sess) })
	return sess.IdleDeadline(s.Cfg.Sessions), err
}
