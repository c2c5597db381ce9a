package accounts_test

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/oauth2-proxy/mockoidc"
	"golang.org/x/oauth2"

	"kim/internal/accounts"
	"kim/internal/app"
	"kim/internal/apptest"
	"kim/internal/platform/auth"
	"kim/internal/platform/db"
)

// These tests drive the login through an external OpenID Connect provider end to end: a real
// provider (mockoidc: discovery, JWKS, authorize and token endpoints, RS256-signed ID tokens)
// runs inside the test, KIM runs on a real HTTP server, and the browser is played by two
// clients — KIM's cookie-keeping client and a plain client for the provider's pages.

const (
	oidcLabel  = "Test-IdP"
	oidcFailed = "Die Anmeldung über den externen Anbieter ist fehlgeschlagen"
)

// oidcEnv is a KIM instance wired to a running provider.
type oidcEnv struct {
	*apptest.Env
	F *apptest.Fixtures
	// OP is the provider. It accepts only authorisation requests with an S256 code challenge
	// and the registered redirect URI, and checks the code verifier at the token endpoint.
	OP *mockoidc.MockOIDC
	// Base is where the browser reaches KIM; Redirect = Base + "/anmelden/oidc/callback" is the
	// redirect URI registered with the provider.
	Base, Redirect string
}

type oidcOptions struct {
	TrustMFA   bool
	RequireMFA bool
}

// newOIDCEnv starts a provider and a seeded KIM instance configured to log in through it.
//
// Clocks: KIM checks ID tokens with its injected fake clock (apptest.Start, moved by the tests),
// while mockoidc signs them with time.Now plus an offset. Before each provider request the
// offset is set so that the provider's time is KIM's fake time: both agree as they would in
// production, KIM's clock stays where every other test expects it, and a test that moves
// env.Clock moves the provider too (so an expired login flow fails for that reason alone, with
// a fresh ID token).
//
// Redirect URI: apptest.New configures KIM before its test server exists, so env.URL is not
// known when the redirect URI must be set. The test reserves KIM's address first and serves the
// same application on it; the browser client talks to that address.
func newOIDCEnv(t *testing.T, e apptest.Engine, opt oidcOptions) *oidcEnv {
	t.Helper()
	kimLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + kimLn.Addr().String()
	redirect := base + "/anmelden/oidc/callback"

	op, err := mockoidc.NewServer(nil)
	if err != nil {
		t.Fatal(err)
	}
	op.CodeChallengeMethodsSupported = []string{"S256"}
	// mockoidc keeps its sessions in a plain map and its clock offset in a plain field; one
	// request at a time, under mu, keeps both consistent.
	var (
		mu     sync.Mutex
		kimNow func() time.Time
	)
	if err := op.AddMiddleware(func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			defer mu.Unlock()
			if kimNow != nil {
				op.FastForward(kimNow().Sub(op.Now()))
			}
			if err := r.ParseForm(); err != nil {
				http.Error(w, "bad form", http.StatusBadRequest)
				return
			}
			switch r.URL.Path {
			case mockoidc.AuthorizationEndpoint:
				// A provider that enforces PKCE (S256) and exact redirect URIs.
				if r.Form.Get("code_challenge") == "" || r.Form.Get("code_challenge_method") != "S256" || r.Form.Get("redirect_uri") != redirect {
					http.Error(w, `{"error":"invalid_request"}`, http.StatusBadRequest)
					return
				}
			case mockoidc.TokenEndpoint:
				if r.Form.Get("redirect_uri") != redirect {
					http.Error(w, `{"error":"invalid_grant"}`, http.StatusBadRequest)
					return
				}
			}
			next.ServeHTTP(w, r)
		})
	}); err != nil {
		t.Fatal(err)
	}
	opLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if err := op.Start(opLn, nil); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = op.Shutdown() })

	cfg := op.Config()
	env := apptest.New(t, e, apptest.Options{RequireMFA: opt.RequireMFA, Configure: func(c *app.Config) {
		c.OIDC = &accounts.OIDCConfig{Issuer: cfg.Issuer, ClientID: cfg.ClientID, ClientSecret: cfg.ClientSecret,
			RedirectURL: redirect, TenantSlug: "alpha", Label: oidcLabel, TrustMFA: opt.TrustMFA}
	}})
	mu.Lock()
	kimNow = env.Clock.Now
	mu.Unlock()
	srv := httptest.NewUnstartedServer(env.App.Handler())
	_ = srv.Listener.Close()
	srv.Listener = kimLn
	srv.Start()
	t.Cleanup(srv.Close)
	return &oidcEnv{Env: env, F: env.Seed(), OP: op, Base: base, Redirect: redirect}
}

// client returns a browser client for KIM at o.Base.
func (o *oidcEnv) client() *apptest.Client {
	c := o.Client()
	c.Base = o.Base
	return c
}

// start clicks the provider button: KIM must answer with a redirect to the provider's
// authorisation endpoint that carries state, nonce and an S256 code challenge of the verifier
// it stored for this state.
func (o *oidcEnv) start(t *testing.T, c *apptest.Client, path string) *url.URL {
	t.Helper()
	r := c.Get(path)
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("GET %s: status %d, want 303\n%s", path, r.StatusCode, r.Body)
	}
	u, err := url.Parse(r.Location())
	if err != nil {
		t.Fatal(err)
	}
	if got := u.Scheme + "://" + u.Host + u.Path; got != o.OP.AuthorizationEndpoint() {
		t.Fatalf("redirect to %s, want the provider's authorisation endpoint %s", got, o.OP.AuthorizationEndpoint())
	}
	q := u.Query()
	for k, want := range map[string]string{"client_id": o.OP.ClientID, "redirect_uri": o.Redirect, "response_type": "code",
		"code_challenge_method": "S256"} {
		if q.Get(k) != want {
			t.Errorf("authorisation URL: %s = %q, want %q", k, q.Get(k), want)
		}
	}
	if !strings.Contains(" "+q.Get("scope")+" ", " openid ") {
		t.Errorf("authorisation URL: scope %q lacks openid", q.Get("scope"))
	}
	state, nonce, challenge := q.Get("state"), q.Get("nonce"), q.Get("code_challenge")
	if len(state) < 32 || len(nonce) < 32 || len(challenge) != 43 {
		t.Fatalf("authorisation URL: state %q, nonce %q, code_challenge %q — want random values and a 43-character S256 challenge", state, nonce, challenge)
	}
	// The flow is stored under the hash of the state only, with the verifier the challenge
	// was derived from and the nonce sent.
	verifier, storedNonce := o.flow(t, state)
	if oauth2.S256ChallengeFromVerifier(verifier) != challenge {
		t.Errorf("code_challenge %q is not the S256 challenge of the stored verifier", challenge)
	}
	if verifier == challenge || storedNonce != nonce {
		t.Errorf("stored flow: verifier equals challenge or nonce %q differs from sent %q", storedNonce, nonce)
	}
	if n := o.count(t, "SELECT COUNT(*) FROM login_flows WHERE state_hash = $1", state); n != 0 {
		t.Error("the raw state is stored")
	}
	return u
}

// authorize plays the user at the provider (who logs in as the queued user) and returns the
// redirect back to KIM's callback.
func (o *oidcEnv) authorize(t *testing.T, authURL *url.URL) string {
	t.Helper()
	hc := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := hc.Get(authURL.String())
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound {
		t.Fatalf("provider authorisation: status %d", resp.StatusCode)
	}
	cb := resp.Header.Get("Location")
	if !strings.HasPrefix(cb, o.Redirect+"?") {
		t.Fatalf("provider redirected to %q, want KIM's callback %s", cb, o.Redirect)
	}
	u, _ := url.Parse(cb)
	if u.Query().Get("code") == "" || u.Query().Get("state") != authURL.Query().Get("state") {
		t.Fatalf("callback %q: want a code and the state KIM sent", cb)
	}
	return cb
}

// callback delivers the provider's redirect to KIM in the browser c.
func (o *oidcEnv) callback(t *testing.T, c *apptest.Client, cb string) *apptest.Response {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, cb, nil)
	if err != nil {
		t.Fatal(err)
	}
	return c.Do(req)
}

// login runs the whole flow for the provider user u in a new browser and returns the browser
// and KIM's answer to the callback.
func (o *oidcEnv) login(t *testing.T, u *mockoidc.MockUser, next string) (*apptest.Client, *apptest.Response) {
	t.Helper()
	o.OP.QueueUser(u)
	c := o.client()
	path := "/anmelden/oidc"
	if next != "" {
		path += "?next=" + url.QueryEscape(next)
	}
	return c, o.callback(t, c, o.authorize(t, o.start(t, c, path)))
}

func (o *oidcEnv) flow(t *testing.T, state string) (verifier, nonce string) {
	t.Helper()
	ctx := context.Background()
	err := o.DB().Read(ctx, func(tx *db.Tx) error {
		return tx.QueryRowContext(ctx, "SELECT verifier, nonce FROM login_flows WHERE tenant_id = $1 AND state_hash = $2",
			o.F.TenantA.ID, auth.HashToken(state)).Scan(&verifier, &nonce)
	})
	if err != nil {
		t.Fatalf("stored login flow: %v", err)
	}
	return verifier, nonce
}

func (o *oidcEnv) exec(t *testing.T, q string, args ...any) {
	t.Helper()
	ctx := context.Background()
	if err := o.DB().Write(ctx, func(tx *db.Tx) error {
		_, err := tx.ExecContext(ctx, q, args...)
		return err
	}); err != nil {
		t.Fatal(err)
	}
}

func (o *oidcEnv) count(t *testing.T, q string, args ...any) int {
	t.Helper()
	ctx := context.Background()
	var n int
	if err := o.DB().Read(ctx, func(tx *db.Tx) error { return tx.QueryRowContext(ctx, q, args...).Scan(&n) }); err != nil {
		t.Fatal(err)
	}
	return n
}

// subject returns the provider subject an account is bound to ("" when none).
func (o *oidcEnv) subject(t *testing.T, u *accounts.User) string {
	t.Helper()
	ctx := context.Background()
	var s string
	if err := o.DB().Read(ctx, func(tx *db.Tx) error {
		return tx.QueryRowContext(ctx, "SELECT COALESCE(oidc_subject, '') FROM users WHERE tenant_id = $1 AND id = $2", u.TenantID, u.ID).Scan(&s)
	}); err != nil {
		t.Fatal(err)
	}
	return s
}

// auditDetails returns the details of the entries with action about user u, oldest first.
func (o *oidcEnv) auditDetails(t *testing.T, u *accounts.User, action string) []map[string]string {
	t.Helper()
	ctx := context.Background()
	var out []map[string]string
	err := o.DB().Read(ctx, func(tx *db.Tx) error {
		rows, err := tx.QueryContext(ctx, "SELECT details, actor_id FROM audit_log WHERE tenant_id = $1 AND object_type = 'user' AND object_id = $2 AND action = $3 ORDER BY seq",
			u.TenantID, u.ID, action)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var raw, actor string
			if err := rows.Scan(&raw, &actor); err != nil {
				return err
			}
			m := map[string]string{}
			if raw != "" {
				if err := json.Unmarshal([]byte(raw), &m); err != nil {
					return err
				}
			}
			m["actor_id"] = actor
			out = append(out, m)
		}
		return rows.Err()
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func sessionCookie(c *apptest.Client) string {
	if v := c.Cookie("__Host-kim_session"); v != "" {
		return v
	}
	return c.Cookie("kim_session")
}

// expectFailure checks KIM's answer to a failed provider login: the login page with the generic
// message, status 401 and no session.
func expectFailure(t *testing.T, c *apptest.Client, r *apptest.Response) {
	t.Helper()
	if r.StatusCode != http.StatusUnauthorized {
		t.Fatalf("callback: status %d, want 401 (location %q)", r.StatusCode, r.Location())
	}
	if msg := r.Doc(t).Find(".notice.error").Text(); !strings.Contains(msg, oidcFailed) {
		t.Errorf("callback: error notice %q, want the generic provider failure", msg)
	}
	if r.Doc(t).Find(`form[action="/anmelden"]`).Length() != 1 {
		t.Error("callback: the login form is not shown again")
	}
	if sessionCookie(c) != "" {
		t.Error("callback: a session cookie was set")
	}
	if r := c.Get("/start"); r.StatusCode != http.StatusSeeOther || !strings.HasPrefix(r.Location(), "/anmelden") {
		t.Errorf("after a failed provider login /start answered %d → %q, want a redirect to the login", r.StatusCode, r.Location())
	}
}

func expectStart(t *testing.T, c *apptest.Client, name string) {
	t.Helper()
	r := c.Get("/start")
	if r.StatusCode != http.StatusOK {
		t.Fatalf("/start: status %d (location %q)", r.StatusCode, r.Location())
	}
	if h1 := r.Doc(t).Find("h1").First().Text(); !strings.Contains(h1, name) {
		t.Errorf("/start greets %q, want %q", h1, name)
	}
}
