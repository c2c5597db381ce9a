package accounts

import (
	"context"
	"crypto/subtle"
	"database/sql"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"kim/internal/platform/audit"
	"kim/internal/platform/auth"
	"kim/internal/platform/db"
	"kim/internal/platform/errs"
	"kim/internal/platform/web"
)

// OIDCConfig configures login through an external OpenID Connect provider (authorisation code
// flow with PKCE). Accounts must exist in KIM; they are matched by the provider's subject, or
// on first use by a verified e-mail address.
type OIDCConfig struct {
	Issuer       string
	ClientID     string
	ClientSecret string
	RedirectURL  string // e.g. https://kim.example.org/anmelden/oidc/callback
	TenantSlug   string // the tenant whose users log in through this provider
	Label        string // button text, e.g. the provider's name
	// TrustMFA accepts the provider's login as complete; otherwise KIM's own second factor
	// follows as after a password login.
	TrustMFA bool
}

// OIDC performs the login flow.
type OIDC struct {
	Cfg   OIDCConfig
	Label string
	s     *Service

	mu       sync.Mutex
	provider *oidc.Provider
}

// NewOIDC returns the login flow; the provider's metadata is fetched on first use so that a
// provider outage does not stop KIM from starting.
func NewOIDC(s *Service, cfg OIDCConfig) *OIDC {
	label := cfg.Label
	if label == "" {
		label = "Single Sign-on"
	}
	return &OIDC{Cfg: cfg, Label: label, s: s}
}

func (o *OIDC) config(ctx context.Context) (*oauth2.Config, *oidc.IDTokenVerifier, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.provider == nil {
		dctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		p, err := oidc.NewProvider(dctx, o.Cfg.Issuer)
		if err != nil {
			return nil, nil, err
		}
		o.provider = p
	}
	oc := &oauth2.Config{ClientID: o.Cfg.ClientID, ClientSecret: o.Cfg.ClientSecret, RedirectURL: o.Cfg.RedirectURL,
		Endpoint: o.provider.Endpoint(), Scopes: []string{oidc.ScopeOpenID, "email", "profile"}}
	v := o.provider.Verifier(&oidc.Config{ClientID: o.Cfg.ClientID, Now: o.s.DB.Clock.Now})
	return oc, v, nil
}

const flowTTL = 10 * time.Minute

// Start stores state, nonce and PKCE verifier and returns the provider's authorisation URL.
func (o *OIDC) Start(ctx context.Context, next string) (target, state string, err error) {
	oc, _, err := o.config(ctx)
	if err != nil {
		return "", "", err
	}
	t, err := o.s.Dir.TenantBySlug(ctx, o.Cfg.TenantSlug)
	if err != nil {
		return "", "", err
	}
	state = auth.RandomString(32)
	nonce, verifier := auth.RandomString(32), oauth2.GenerateVerifier()
	err = o.s.DB.Write(ctx, func(tx *db.Tx) error {
		_, err := tx.ExecContext(ctx, "DELETE FROM login_flows WHERE expires_at < $1", tx.Now)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, "INSERT INTO login_flows (tenant_id, state_hash, verifier, nonce, next_path, expires_at) VALUES ($1, $2, $3, $4, $5, $6)",
			t.ID, auth.HashToken(state), verifier, nonce, next, tx.Now.Add(flowTTL))
		return err
	})
	if err != nil {
		return "", "", err
	}
	return oc.AuthCodeURL(state, oidc.Nonce(nonce), oauth2.S256ChallengeOption(verifier)), state, nil
}

// ErrOIDC is the answer to any failed provider login; details go to the log only.
var ErrOIDC = errs.E(errs.Unauthorized, "accounts.oidc.failed")

// Finish completes the flow: it consumes the stored state, exchanges the code with the PKCE
// verifier, verifies the ID token and its nonce and opens a session for the matching account.
func (o *OIDC) Finish(ctx context.Context, state, code, userAgent string) (*LoginResult, string, error) {
	oc, verifier, err := o.config(ctx)
	if err != nil {
		return nil, "", err
	}
	t, err := o.s.Dir.TenantBySlug(ctx, o.Cfg.TenantSlug)
	if err != nil || t.Disabled {
		return nil, "", ErrOIDC
	}
	var pkce, nonce, next string
	err = o.s.DB.Write(ctx, func(tx *db.Tx) error {
		var expires time.Time
		err := tx.QueryRowContext(ctx, "SELECT verifier, nonce, next_path, expires_at FROM login_flows WHERE tenant_id = $1 AND state_hash = $2",
			t.ID, auth.HashToken(state)).Scan(&pkce, &nonce, &next, &expires)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrOIDC
		}
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM login_flows WHERE tenant_id = $1 AND state_hash = $2", t.ID, auth.HashToken(state)); err != nil {
			return err
		}
		if !expires.After(tx.Now) {
			return ErrOIDC
		}
		return nil
	})
	if err != nil {
		return nil, "", err
	}
	tok, err := oc.Exchange(ctx, code, oauth2.VerifierOption(pkce))
	if err != nil {
		o.s.Log.Warn("oidc code exchange failed", "err", err.Error())
		return nil, "", ErrOIDC
	}
	raw, _ := tok.Extra("id_token").(string)
	idt, err := verifier.Verify(ctx, raw)
	if err != nil {
		o.s.Log.Warn("oidc id token rejected", "err", err.Error())
		return nil, "", ErrOIDC
	}
	if subtle.ConstantTimeCompare([]byte(idt.Nonce), []byte(nonce)) != 1 {
		o.s.Log.Warn("oidc nonce mismatch")
		return nil, "", ErrOIDC
	}
	var claims struct {
		Email         string `json:"email"`
		EmailVerified bool   `json:"email_verified"`
	}
	if err := idt.Claims(&claims); err != nil {
		return nil, "", ErrOIDC
	}
	res := &LoginResult{}
	err = o.s.DB.Write(ctx, func(tx *db.Tx) error {
		u, err := scanUser(tx.QueryRowContext(ctx, "SELECT "+userCols+" FROM users u WHERE u.tenant_id = $1 AND u.oidc_subject = $2", t.ID, idt.Subject), tx.Now)
		if errors.Is(err, sql.ErrNoRows) && claims.EmailVerified && claims.Email != "" {
			// First login through the provider: bind the account with this verified address.
			u, err = getUserByEmail(ctx, tx, t.ID, NormaliseEmail(claims.Email))
			if err == nil {
				// Only an account not yet bound: once bound, the subject is the only key, so that
				// another identity at the provider with the same address cannot take it over.
				var bound sql.NullString
				if err := tx.QueryRowContext(ctx, "SELECT oidc_subject FROM users WHERE tenant_id = $1 AND id = $2", t.ID, u.ID).Scan(&bound); err != nil {
					return err
				}
				if bound.String != "" {
					o.s.Log.Warn("oidc login with the address of an account bound to another subject")
					return ErrOIDC
				}
				if err := setUser(ctx, tx, u, "oidc_subject = $1", idt.Subject); err != nil {
					return err
				}
			}
		}
		if errors.Is(err, sql.ErrNoRows) || errs.CodeOf(err) == errs.NotFound {
			o.s.Log.Warn("oidc login without a matching account")
			return ErrOIDC
		}
		if err != nil {
			return err
		}
		if u.Disabled {
			return ErrOIDC
		}
		stage := auth.StageFull
		if !o.Cfg.TrustMFA && u.NeedsMFA(o.s.mfaRequired(t.Slug)) {
			stage = auth.StageMFA
			if !u.MFAEnabled {
				stage = auth.StageEnrol
			}
		}
		if err := o.s.openSession(ctx, tx, u, stage, userAgent, "auth.login", res); err != nil {
			return err
		}
		return o.s.audit(ctx, tx, audit.Entry{Actor: u.Actor(""), Action: "auth.login_method", ObjectType: "user", ObjectID: u.ID,
			Details: map[string]string{"method": "oidc"}})
	})
	if err != nil {
		return nil, "", err
	}
	return res, next, nil
}

func (h *HTTP) oidcStart(w http.ResponseWriter, r *http.Request) {
	if h.OIDC == nil {
		h.R.Fail(w, r, errs.ErrNotFound)
		return
	}
	target, state, err := h.OIDC.Start(r.Context(), SafeNext(r.URL.Query().Get("next"), ""))
	if err != nil {
		h.S.Log.Error("oidc start", "err", err.Error())
		f := web.NewForm(url.Values{})
		h.renderLogin(w, r, http.StatusBadGateway, f, errs.Msg("accounts.oidc.unavailable"))
		return
	}
	// The state is also kept in a cookie of this browser, so that a callback URL made by
	// someone else (login CSRF: logging the victim into the attacker's account) fails.
	setFlowCookie(w, r, state, int(flowTTL.Seconds()))
	http.Redirect(w, r, target, http.StatusSeeOther)
}

func (h *HTTP) oidcCallback(w http.ResponseWriter, r *http.Request) {
	if h.OIDC == nil {
		h.R.Fail(w, r, errs.ErrNotFound)
		return
	}
	q := r.URL.Query()
	state, code := q.Get("state"), q.Get("code")
	if state == "" || code == "" || len(state) > 200 || len(code) > 2000 || strings.ContainsAny(state+code, " \r\n") {
		h.renderLogin(w, r, http.StatusUnauthorized, web.NewForm(url.Values{}), ErrOIDC.Message)
		return
	}
	bound := readFlowCookie(r)
	setFlowCookie(w, r, "", -1)
	if subtle.ConstantTimeCompare([]byte(bound), []byte(state)) != 1 {
		h.S.Log.Warn("oidc callback without the state cookie of this browser")
		h.renderLogin(w, r, http.StatusUnauthorized, web.NewForm(url.Values{}), ErrOIDC.Message)
		return
	}
	res, next, err := h.OIDC.Finish(r.Context(), state, code, r.UserAgent())
	if err != nil {
		if errs.CodeOf(err) == errs.Unauthorized {
			h.renderLogin(w, r, http.StatusUnauthorized, web.NewForm(url.Values{}), ErrOIDC.Message)
			return
		}
		h.R.Fail(w, r, err)
		return
	}
	h.completeStep(w, r, res, next)
}

// The OIDC flow cookie binds a login flow to the browser that started it.
const (
	flowCookieSecure   = "__Host-kim_oidc"
	flowCookieInsecure = "kim_oidc"
)

func setFlowCookie(w http.ResponseWriter, r *http.Request, state string, maxAge int) {
	secure := web.IsSecure(r)
	name := flowCookieInsecure
	if secure {
		name = flowCookieSecure
	}
	http.SetCookie(w, &http.Cookie{Name: name, Value: state, Path: "/", MaxAge: maxAge, HttpOnly: true, Secure: secure,
		SameSite: http.SameSiteLaxMode})
}

func readFlowCookie(r *http.Request) string {
	for _, name := range []string{flowCookieSecure, flowCookieInsecure} {
		if c, err := r.Cookie(name); err == nil && c.Value != "" {
			return c.Value
		}
	}
	return ""
}
