package auth

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"time"

	"kim/internal/platform/db"
)

// Throttle limits failed login attempts per key (an account's e-mail address, or a client
// address). After MaxFailures failures within Window the key is locked for LockFor. The counter
// is kept per e-mail address whether or not an account exists, so a lockout reveals nothing.
// It lives in the database so that all kim nodes share it.
type Throttle struct {
	MaxFailures int
	Window      time.Duration
	LockFor     time.Duration
}

// DefaultAccountThrottle locks an account key for 15 minutes after 5 failures in 15 minutes.
var DefaultAccountThrottle = Throttle{MaxFailures: 5, Window: 15 * time.Minute, LockFor: 15 * time.Minute}

// DefaultAddressThrottle locks a client address after 30 failures in 15 minutes (it may serve a
// whole office behind one NAT address, so it is more lenient).
var DefaultAddressThrottle = Throttle{MaxFailures: 30, Window: 15 * time.Minute, LockFor: 15 * time.Minute}

func throttleKey(key string) string {
	sum := sha256.Sum256([]byte("kim-throttle\x00" + key))
	return hex.EncodeToString(sum[:])
}

// LockedUntil returns the end of a running lock on key, or the zero time.
func (t Throttle) LockedUntil(ctx context.Context, tx *db.Tx, tenantID, key string) (time.Time, error) {
	var until sql.NullTime
	err := tx.QueryRowContext(ctx, "SELECT locked_until FROM login_throttle WHERE tenant_id = $1 AND key_hash = $2",
		tenantID, throttleKey(key)).Scan(&until)
	if errors.Is(err, sql.ErrNoRows) || !until.Valid || !until.Time.After(tx.Now) {
		return time.Time{}, nil
	}
	return until.Time, err
}

// Fail records a failure for key and reports whether it is now locked.
func (t Throttle) Fail(ctx context.Context, tx *db.Tx, tenantID, key string) (bool, error) {
	h := throttleKey(key)
	var (
		failures int
		start    time.Time
	)
	err := tx.QueryRowContext(ctx, "SELECT failures, window_start FROM login_throttle WHERE tenant_id = $1 AND key_hash = $2"+tx.ForUpdate(),
		tenantID, h).Scan(&failures, &start)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		failures, start = 0, tx.Now
	case err != nil:
		return false, err
	}
	if tx.Now.Sub(start) > t.Window {
		failures, start = 0, tx.Now
	}
	failures++
	var locked sql.NullTime
	if failures >= t.MaxFailures {
		locked = sql.NullTime{Time: tx.Now.Add(t.LockFor), Valid: true}
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO login_throttle (tenant_id, key_hash, failures, window_start, locked_until)
		VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (tenant_id, key_hash) DO UPDATE SET failures = excluded.failures,
			window_start = excluded.window_start, locked_until = excluded.locked_until`,
		tenantID, h, failures, start, locked)
	return locked.Valid, err
}

// Clear forgets the failures of key after a successful login.
func (t Throttle) Clear(ctx context.Context, tx *db.Tx, tenantID, key string) error {
	_, err := tx.ExecContext(ctx, "DELETE FROM login_throttle WHERE tenant_id = $1 AND key_hash = $2", tenantID, throttleKey(key))
	return err
}
