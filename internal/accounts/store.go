package accounts

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"time"

	"kim/internal/platform/access"
	"kim/internal/platform/db"
	"kim/internal/platform/errs"
	"kim/internal/platform/ids"
	"kim/internal/platform/web"
)

const userCols = `u.id, u.tenant_id, u.organisation_id, u.email, u.name, u.role, u.language, u.password_hash,
	u.totp_secret, u.totp_pending, u.totp_confirmed_at, u.totp_last_step, u.activation_hash, u.activation_expires_at,
	u.disabled_at, u.last_login_at, u.created_at, u.updated_at, u.version`

func scanUser(row interface{ Scan(...any) error }, now time.Time) (*User, error) {
	u := &User{}
	var (
		pw, act                       sql.NullString
		confirmed, actExp, dis, login sql.NullTime
		role                          string
	)
	err := row.Scan(&u.ID, &u.TenantID, &u.OrganisationID, &u.Email, &u.Name, &role, &u.Language, &pw,
		&u.totpSecret, &u.totpPending, &confirmed, &u.totpLastStep, &act, &actExp, &dis, &login, &u.CreatedAt, &u.UpdatedAt, &u.Version)
	if err != nil {
		return nil, err
	}
	u.Role = access.Role(role)
	u.passwordHash = pw.String
	u.HasPassword = pw.Valid && pw.String != ""
	u.MFAEnabled = confirmed.Valid && len(u.totpSecret) > 0
	u.Disabled = dis.Valid
	u.ActivationPending = act.Valid && actExp.Valid && actExp.Time.After(now)
	if login.Valid {
		t := login.Time
		u.LastLoginAt = &t
	}
	return u, nil
}

func getUser(ctx context.Context, tx *db.Tx, tenantID, id string) (*User, error) {
	u, err := scanUser(tx.QueryRowContext(ctx, "SELECT "+userCols+" FROM users u WHERE u.tenant_id = $1 AND u.id = $2", tenantID, id), tx.Now)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.ErrNotFound
	}
	return u, err
}

func getUserByEmail(ctx context.Context, tx *db.Tx, tenantID, email string) (*User, error) {
	u, err := scanUser(tx.QueryRowContext(ctx, "SELECT "+userCols+" FROM users u WHERE u.tenant_id = $1 AND u.email = $2", tenantID, email), tx.Now)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.ErrNotFound
	}
	return u, err
}

// UserFilter narrows a user list.
type UserFilter struct {
	OrganisationID string
	Role           access.Role
	Status         string // "active", "disabled", "pending"
}

// UserRow is a user with the name of the organisation, for lists.
type UserRow struct {
	User
	OrganisationName string `json:"organisation_name"`
}

func listUsers(ctx context.Context, tx *db.Tx, scope access.Filter, q web.ListQuery, f UserFilter) ([]UserRow, int, error) {
	where := []string{scope.SQL}
	args := append([]any{}, scope.Args...)
	add := func(cond string, v ...any) {
		for _, x := range v {
			args = append(args, x)
			cond = strings.Replace(cond, "?", "$"+strconv.Itoa(len(args)), 1)
		}
		where = append(where, cond)
	}
	if q.Q != "" {
		like := db.Like(q.Q)
		add("(lower(u.name) LIKE ? ESCAPE '\\' OR u.email LIKE ? ESCAPE '\\')", like, like)
	}
	if f.OrganisationID != "" {
		if ids.Valid(f.OrganisationID) {
			add("u.organisation_id = ?", f.OrganisationID)
		} else {
			add("1=0") // a malformed id matches nothing (PostgreSQL would reject the cast)
		}
	}
	if f.Role != "" {
		add("u.role = ?", string(f.Role))
	}
	switch f.Status {
	case "active":
		add("u.disabled_at IS NULL AND u.password_hash IS NOT NULL")
	case "disabled":
		add("u.disabled_at IS NOT NULL")
	case "pending":
		add("u.disabled_at IS NULL AND u.password_hash IS NULL")
	}
	w := strings.Join(where, " AND ")
	from := " FROM users u JOIN organisations o ON o.tenant_id = u.tenant_id AND o.id = u.organisation_id WHERE " + w
	var total int
	if err := tx.QueryRowContext(ctx, "SELECT count(*)"+from, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	order := q.OrderBy(map[string]string{"name": "lower(u.name)", "email": "u.email", "role": "u.role",
		"organisation": "lower(o.name)", "login": "u.last_login_at"}, "u.id")
	rows, err := tx.QueryContext(ctx, "SELECT "+userCols+", o.name"+from+" ORDER BY "+order+
		" LIMIT "+strconv.Itoa(q.Size)+" OFFSET "+strconv.Itoa(q.Offset()), args...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []UserRow
	for rows.Next() {
		var r UserRow
		u, err := scanUser(scanFunc(func(dest ...any) error { return rows.Scan(append(dest, &r.OrganisationName)...) }), tx.Now)
		if err != nil {
			return nil, 0, err
		}
		r.User = *u
		out = append(out, r)
	}
	return out, total, rows.Err()
}

type scanFunc func(dest ...any) error

func (f scanFunc) Scan(dest ...any) error { return f(dest...) }

func insertUser(ctx context.Context, tx *db.Tx, u *User, activationHash string, activationExpires time.Time) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO users (tenant_id, id, organisation_id, email, name, role, language,
		password_hash, activation_hash, activation_expires_at, created_at, updated_at, version)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11, 1)`,
		u.TenantID, u.ID, u.OrganisationID, u.Email, u.Name, string(u.Role), u.Language, nullString(u.passwordHash),
		nullString(activationHash), nullTime(activationExpires), u.CreatedAt)
	if db.IsUniqueViolation(err) {
		e := errs.E(errs.Invalid, "error.invalid")
		e.Fields = map[string]errs.Message{"email": errs.Msg("accounts.user.email_taken")}
		return e
	}
	return err
}

func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t
}

// setUser runs an UPDATE on one user row and bumps its version.
func setUser(ctx context.Context, tx *db.Tx, u *User, set string, args ...any) error {
	args = append(args, tx.Now, u.TenantID, u.ID)
	n := len(args)
	_, err := tx.ExecContext(ctx, "UPDATE users SET "+set+", updated_at = $"+strconv.Itoa(n-2)+", version = version + 1 WHERE tenant_id = $"+
		strconv.Itoa(n-1)+" AND id = $"+strconv.Itoa(n), args...)
	return err
}

func storeRecoveryCodes(ctx context.Context, tx *db.Tx, u *User, hashes []string) error {
	if _, err := tx.ExecContext(ctx, "DELETE FROM recovery_codes WHERE tenant_id = $1 AND user_id = $2", u.TenantID, u.ID); err != nil {
		return err
	}
	for _, h := range hashes {
		if _, err := tx.ExecContext(ctx, "INSERT INTO recovery_codes (tenant_id, user_id, code_hash, created_at) VALUES ($1, $2, $3, $4)",
			u.TenantID, u.ID, h, tx.Now); err != nil {
			return err
		}
	}
	return nil
}

// useRecoveryCode marks an unused code as used and reports whether it existed.
func useRecoveryCode(ctx context.Context, tx *db.Tx, u *User, hash string) (bool, error) {
	res, err := tx.ExecContext(ctx, "UPDATE recovery_codes SET used_at = $1 WHERE tenant_id = $2 AND user_id = $3 AND code_hash = $4 AND used_at IS NULL",
		tx.Now, u.TenantID, u.ID, hash)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

func unusedRecoveryCodes(ctx context.Context, tx *db.Tx, u *User) (int, error) {
	var n int
	err := tx.QueryRowContext(ctx, "SELECT count(*) FROM recovery_codes WHERE tenant_id = $1 AND user_id = $2 AND used_at IS NULL", u.TenantID, u.ID).Scan(&n)
	return n, err
}

func listTokens(ctx context.Context, tx *db.Tx, tenantID, userID string) ([]Token, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id, name, created_at, last_used_at, expires_at, revoked_at FROM api_tokens
		WHERE tenant_id = $1 AND user_id = $2 ORDER BY created_at DESC, id`, tenantID, userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Token
	for rows.Next() {
		var t Token
		var used, exp, rev sql.NullTime
		if err := rows.Scan(&t.ID, &t.Name, &t.CreatedAt, &used, &exp, &rev); err != nil {
			return nil, err
		}
		t.LastUsedAt, t.ExpiresAt, t.Revoked = timePtr(used), timePtr(exp), rev.Valid
		out = append(out, t)
	}
	return out, rows.Err()
}

func timePtr(t sql.NullTime) *time.Time {
	if !t.Valid {
		return nil
	}
	v := t.Time
	return &v
}

// revokeTokens revokes every active API token of a user (after a credential reset).
func revokeTokens(ctx context.Context, tx *db.Tx, tenantID, userID string) error {
	_, err := tx.ExecContext(ctx, "UPDATE api_tokens SET revoked_at = $1 WHERE tenant_id = $2 AND user_id = $3 AND revoked_at IS NULL",
		tx.Now, tenantID, userID)
	return err
}
