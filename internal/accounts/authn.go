package accounts

import (
	"context"
	"database/sql"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"kim/internal/platform/auth"
	"kim/internal/platform/db"
	"kim/internal/platform/web"
)

// Cookie names: with the __Host- prefix whenever the cookie can be Secure (TLS, a trusted TLS
// proxy or a loopback host), so that no subdomain can set or read it.
const (
	cookieSecure   = "__Host-kim_session"
	cookieInsecure = "kim_session"
)

// touchEvery limits how often a session's activity time is written: at most every 15 seconds.
const touchEvery = 15 * time.Second

type sessionKey struct{}

func sessionFrom(ctx context.Context) *auth.Session {
	s, _ := ctx.Value(sessionKey{}).(*auth.Session)
	return s
}

func readSessionCookie(r *http.Request) string {
	for _, name := range []string{cookieSecure, cookieInsecure} {
		if c, err := r.Cookie(name); err == nil && c.Value != "" {
			return c.Value
		}
	}
	return ""
}

func setSessionCookie(w http.ResponseWriter, r *http.Request, token string) {
	secure := web.IsSecure(r)
	name := cookieInsecure
	if secure {
		name = cookieSecure
	}
	// No Max-Age: the cookie ends with the browser; the server enforces idle and absolute
	// lifetimes.
	http.SetCookie(w, &http.Cookie{Name: name, Value: token, Path: "/", HttpOnly: true, Secure: secure, SameSite: http.SameSiteLaxMode})
}

func clearSessionCookie(w http.ResponseWriter, r *http.Request) {
	for _, name := range []string{cookieSecure, cookieInsecure} {
		if _, err := r.Cookie(name); err == nil {
			http.SetCookie(w, &http.Cookie{Name: name, Value: "", Path: "/", MaxAge: -1, HttpOnly: true,
				Secure: name == cookieSecure || web.IsSecure(r), SameSite: http.SameSiteLaxMode})
		}
	}
}

// Authenticate resolves the caller from an API bearer token or a session cookie and puts the
// identity into the request context. It never rejects a request itself; the route's access mode
// does that. A session that has expired is deleted and its cookie cleared.
func (s *Service) Authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		if h := r.Header.Get("Authorization"); h != "" {
			if id := s.identifyToken(ctx, h); id != nil {
				ctx = web.WithIdentity(ctx, id)
			}
			next.ServeHTTP(w, r.WithContext(ctx))
			return
		}
		if token := readSessionCookie(r); token != "" {
			touch := !(r.Method == http.MethodGet && r.URL.Path == "/sitzung")
			id, sess, err := s.identifySession(ctx, token, touch)
			if err != nil {
				s.Log.Error("session lookup", "err", err.Error())
			}
			if id == nil {
				clearSessionCookie(w, r)
			} else {
				ctx = web.WithIdentity(ctx, id)
				ctx = context.WithValue(ctx, sessionKey{}, sess)
			}
		}
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

const sessionJoin = `SELECT s.tenant_id, s.token_hash, s.user_id, s.stage, s.created_at, s.last_seen_at, s.expires_at, s.mfa_at, s.user_agent,
	t.slug, t.name, t.disabled_at, ` + userCols + `
	FROM sessions s
	JOIN users u ON u.tenant_id = s.tenant_id AND u.id = s.user_id
	JOIN tenants t ON t.id = s.tenant_id
	WHERE s.tenant_id = $1 AND s.token_hash = $2`

func (s *Service) identifySession(ctx context.Context, token string, touch bool) (*web.Identity, *auth.Session, error) {
	tenantID, hash, ok := auth.ParseToken("", token)
	if !ok {
		return nil, nil, nil
	}
	var (
		sess                 auth.Session
		u                    *User
		slug, name           string
		tenantDisabled       sql.NullTime
		now                  time.Time
		expired, needsUpdate bool
	)
	err := s.DB.Read(ctx, func(tx *db.Tx) error {
		now = tx.Now
		row := tx.QueryRowContext(ctx, sessionJoin, tenantID, hash)
		var err error
		u, err = scanUser(scanFunc(func(dest ...any) error {
			return row.Scan(append([]any{&sess.TenantID, &sess.Hash, &sess.UserID, &sess.Stage, &sess.CreatedAt, &sess.LastSeenAt,
				&sess.ExpiresAt, &sess.MFAAt, &sess.UserAgent, &slug, &name, &tenantDisabled}, dest...)...)
		}), tx.Now)
		return err
	})
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, err
	}
	expired = !sess.Valid(s.Cfg.Sessions, now) || u.Disabled || tenantDisabled.Valid
	needsUpdate = touch && !expired && sess.Stage == auth.StageFull && now.Sub(sess.LastSeenAt) >= touchEvery
	if expired || needsUpdate {
		err = s.DB.Write(ctx, func(tx *db.Tx) error {
			if expired {
				return auth.DeleteSession(ctx, tx, sess.TenantID, sess.Hash)
			}
			return auth.TouchSession(ctx, tx, &sess)
		})
		if err != nil || expired {
			return nil, nil, err
		}
	}
	id := &web.Identity{Actor: u.Actor(slug), Via: "session", Stage: sess.Stage, SessionHash: sess.Hash, TenantName: name,
		IdleDeadline: sess.IdleDeadline(s.Cfg.Sessions), Expires: sess.ExpiresAt}
	return id, &sess, nil
}

const tokenJoin = `SELECT k.id, k.last_used_at, t.slug, t.name, ` + userCols + `
	FROM api_tokens k
	JOIN users u ON u.tenant_id = k.tenant_id AND u.id = k.user_id
	JOIN tenants t ON t.id = k.tenant_id
	WHERE k.tenant_id = $1 AND k.token_hash = $2 AND k.revoked_at IS NULL AND (k.expires_at IS NULL OR k.expires_at > $3)
	AND u.disabled_at IS NULL AND t.disabled_at IS NULL`

func (s *Service) identifyToken(ctx context.Context, header string) *web.Identity {
	scheme, token, ok := strings.Cut(header, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return nil
	}
	tenantID, hash, ok := auth.ParseToken(auth.APITokenPrefix, strings.TrimSpace(token))
	if !ok {
		return nil
	}
	var (
		tokenID, slug, name string
		lastUsed            sql.NullTime
		u                   *User
		now                 time.Time
	)
	err := s.DB.Read(ctx, func(tx *db.Tx) error {
		now = tx.Now
		row := tx.QueryRowContext(ctx, tokenJoin, tenantID, hash, tx.Now)
		var err error
		u, err = scanUser(scanFunc(func(dest ...any) error {
			return row.Scan(append([]any{&tokenID, &lastUsed, &slug, &name}, dest...)...)
		}), tx.Now)
		return err
	})
	if err != nil {
		if !errors.Is(err, sql.ErrNoRows) {
			s.Log.Error("token lookup", "err", err.Error())
		}
		return nil
	}
	if !lastUsed.Valid || now.Sub(lastUsed.Time) > time.Minute {
		_ = s.DB.Write(ctx, func(tx *db.Tx) error {
			_, err := tx.ExecContext(ctx, "UPDATE api_tokens SET last_used_at = $1 WHERE tenant_id = $2 AND id = $3", tx.Now, tenantID, tokenID)
			return err
		})
	}
	return &web.Identity{Actor: u.Actor(slug), Via: "token", Stage: auth.StageFull, TenantName: name}
}

// SafeNext returns next if it is a local path (no scheme, host or protocol-relative form), else
// the fallback. It protects the login redirect against open redirects.
func SafeNext(next, fallback string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") ||
		strings.ContainsAny(next, "\\\r\n\t") {
		return fallback
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil {
		return fallback
	}
	return next
}
