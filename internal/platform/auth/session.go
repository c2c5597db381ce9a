package auth

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"kim/internal/platform/db"
)

// Session stages: a session is only "full" after every required factor; before that it grants
// nothing but the next login step.
const (
	StageFull  = "full"  // logged in
	StageMFA   = "mfa"   // password accepted, second factor outstanding
	StageEnrol = "enrol" // password accepted, second factor must be set up first
)

// SessionPolicy holds the session lifetimes (ASVS 7.3: 15 minutes idle, 12 hours absolute) and
// the short lifetime of a half-finished login.
type SessionPolicy struct {
	Idle     time.Duration
	Absolute time.Duration
	Pending  time.Duration
}

// DefaultSessionPolicy is the production policy.
var DefaultSessionPolicy = SessionPolicy{Idle: 15 * time.Minute, Absolute: 12 * time.Hour, Pending: 10 * time.Minute}

// Session is a stored session.
type Session struct {
	TenantID   string
	Hash       string
	UserID     string
	Stage      string
	CreatedAt  time.Time
	LastSeenAt time.Time
	ExpiresAt  time.Time // absolute end
	MFAAt      sql.NullTime
	UserAgent  string
}

// IdleDeadline is when the session ends without further activity.
func (s *Session) IdleDeadline(p SessionPolicy) time.Time {
	idle := p.Idle
	if s.Stage != StageFull {
		idle = p.Pending
	}
	d := s.LastSeenAt.Add(idle)
	if d.After(s.ExpiresAt) {
		return s.ExpiresAt
	}
	return d
}

// Valid reports whether the session is still alive at now.
func (s *Session) Valid(p SessionPolicy, now time.Time) bool {
	return now.Before(s.IdleDeadline(p))
}

// CreateSession stores a new session and returns its token (the cookie value).
func CreateSession(ctx context.Context, tx *db.Tx, p SessionPolicy, tenantID, userID, stage, userAgent string) (string, *Session, error) {
	token, err := NewToken("", tenantID)
	if err != nil {
		return "", nil, err
	}
	life := p.Absolute
	if stage != StageFull {
		life = p.Pending
	}
	if len(userAgent) > 200 {
		userAgent = userAgent[:200]
	}
	s := &Session{TenantID: tenantID, Hash: HashToken(token), UserID: userID, Stage: stage,
		CreatedAt: tx.Now, LastSeenAt: tx.Now, ExpiresAt: tx.Now.Add(life), UserAgent: userAgent}
	if stage == StageFull {
		s.MFAAt = sql.NullTime{}
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO sessions (tenant_id, token_hash, user_id, stage, created_at, last_seen_at, expires_at, mfa_at, user_agent)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		s.TenantID, s.Hash, s.UserID, s.Stage, s.CreatedAt, s.LastSeenAt, s.ExpiresAt, s.MFAAt, s.UserAgent)
	if err != nil {
		return "", nil, err
	}
	return token, s, nil
}

// LookupSession returns the session for token, or nil when there is none.
func LookupSession(ctx context.Context, tx *db.Tx, token string) (*Session, error) {
	tenantID, hash, ok := ParseToken("", token)
	if !ok {
		return nil, nil
	}
	s := &Session{}
	err := tx.QueryRowContext(ctx, `SELECT tenant_id, token_hash, user_id, stage, created_at, last_seen_at, expires_at, mfa_at, user_agent
		FROM sessions WHERE tenant_id = $1 AND token_hash = $2`, tenantID, hash).
		Scan(&s.TenantID, &s.Hash, &s.UserID, &s.Stage, &s.CreatedAt, &s.LastSeenAt, &s.ExpiresAt, &s.MFAAt, &s.UserAgent)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	return s, err
}

// TouchSession records activity, which moves the idle deadline.
func TouchSession(ctx context.Context, tx *db.Tx, s *Session) error {
	s.LastSeenAt = tx.Now
	_, err := tx.ExecContext(ctx, "UPDATE sessions SET last_seen_at = $1 WHERE tenant_id = $2 AND token_hash = $3", tx.Now, s.TenantID, s.Hash)
	return err
}

// DeleteSession ends one session.
func DeleteSession(ctx context.Context, tx *db.Tx, tenantID, hash string) error {
	_, err := tx.ExecContext(ctx, "DELETE FROM sessions WHERE tenant_id = $1 AND token_hash = $2", tenantID, hash)
	return err
}

// DeleteUserSessions ends all sessions of a user except the one with hash except ("" ends all).
func DeleteUserSessions(ctx context.Context, tx *db.Tx, tenantID, userID, except string) (int64, error) {
	res, err := tx.ExecContext(ctx, "DELETE FROM sessions WHERE tenant_id = $1 AND user_id = $2 AND token_hash <> $3", tenantID, userID, except)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// PurgeSessions removes sessions whose absolute lifetime has passed.
func PurgeSessions(ctx context.Context, tx *db.Tx) error {
	_, err := tx.ExecContext(ctx, "DELETE FROM sessions WHERE expires_at < $1", tx.Now)
	return err
}
