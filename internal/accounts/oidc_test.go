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
	"kim/internal/platform/access"
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

func TestOIDCLoginWithTrustedProvider(t *testing.T) {
	for _, e := range apptest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			// KIM requires a second factor, but trusts the provider's login as complete.
			o := newOIDCEnv(t, e, oidcOptions{TrustMFA: true, RequireMFA: true})
			cm := o.F.Users[access.CaseManager]

			page := o.client().Get("/anmelden")
			btn := page.Doc(t).Find(`a[href="/anmelden/oidc"]`)
			if page.StatusCode != http.StatusOK || btn.Length() != 1 || !strings.Contains(btn.Text(), "Anmelden mit "+oidcLabel) {
				t.Fatalf("login page: status %d, provider button %q", page.StatusCode, btn.Text())
			}

			// First login: the verified address (in other case) binds the account to the subject.
			c, r := o.login(t, &mockoidc.MockUser{Subject: "idp-4711", Email: "Case_Manager@Alpha.Example", EmailVerified: true}, "")
			if r.StatusCode != http.StatusSeeOther || r.Location() != "/start" {
				t.Fatalf("callback: status %d → %q, want 303 → /start\n%s", r.StatusCode, r.Location(), r.Body)
			}
			if sessionCookie(c) == "" {
				t.Fatal("callback: no session cookie")
			}
			expectStart(t, c, cm.Name)
			if got := o.subject(t, cm); got != "idp-4711" {
				t.Errorf("oidc_subject = %q, want idp-4711", got)
			}
			if n := o.count(t, "SELECT COUNT(*) FROM login_flows WHERE tenant_id = $1", o.F.TenantA.ID); n != 0 {
				t.Errorf("%d login flows left after the callback, want 0", n)
			}
			logins, methods := o.auditDetails(t, cm, "auth.login"), o.auditDetails(t, cm, "auth.login_method")
			if len(logins) != 1 || logins[0]["stage"] != auth.StageFull || logins[0]["actor_id"] != cm.ID {
				t.Errorf("auth.login entries %v, want one full login by the account", logins)
			}
			if len(methods) != 1 || methods[0]["method"] != "oidc" || methods[0]["actor_id"] != cm.ID {
				t.Errorf("auth.login_method entries %v, want one with method oidc", methods)
			}

			// Second login: the same subject now presents the address of another account. The
			// binding wins; the address is not used any more. The page asked for is kept.
			c2, r := o.login(t, &mockoidc.MockUser{Subject: "idp-4711", Email: "kollegin@alpha.example", EmailVerified: true}, "/konto")
			if r.StatusCode != http.StatusSeeOther || r.Location() != "/konto" {
				t.Fatalf("second callback: status %d → %q, want 303 → /konto", r.StatusCode, r.Location())
			}
			expectStart(t, c2, cm.Name)
			if got := o.subject(t, o.F.ColleagueA1); got != "" {
				t.Errorf("the colleague's account was bound to %q", got)
			}
			if n := len(o.auditDetails(t, cm, "auth.login_method")); n != 2 {
				t.Errorf("%d auth.login_method entries after two logins, want 2", n)
			}
			// The first browser's session is still valid: a provider login is a normal session.
			expectStart(t, c, cm.Name)
		})
	}
}

func TestOIDCLoginSecondFactorFollows(t *testing.T) {
	for _, e := range apptest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			o := newOIDCEnv(t, e, oidcOptions{TrustMFA: false, RequireMFA: true})

			// A role that needs a second factor, without TOTP yet: set-up follows.
			cm := o.F.Users[access.CaseManager]
			c, r := o.login(t, &mockoidc.MockUser{Subject: "idp-cm", Email: apptest.Email(access.CaseManager), EmailVerified: true}, "")
			if r.StatusCode != http.StatusSeeOther || r.Location() != "/anmelden/einrichten" {
				t.Fatalf("callback: status %d → %q, want 303 → /anmelden/einrichten", r.StatusCode, r.Location())
			}
			if sessionCookie(c) == "" {
				t.Fatal("callback: no session cookie for the set-up step")
			}
			if r := c.Get("/start"); r.StatusCode != http.StatusSeeOther || r.Location() != "/anmelden/einrichten" {
				t.Errorf("/start before the second factor: %d → %q, want the set-up step", r.StatusCode, r.Location())
			}
			if r := c.Get("/anmelden/einrichten"); r.StatusCode != http.StatusOK {
				t.Errorf("/anmelden/einrichten: status %d", r.StatusCode)
			}
			if logins := o.auditDetails(t, cm, "auth.login"); len(logins) != 1 || logins[0]["stage"] != auth.StageEnrol {
				t.Errorf("auth.login entries %v, want one at stage %s", logins, auth.StageEnrol)
			}
			if m := o.auditDetails(t, cm, "auth.login_method"); len(m) != 1 || m[0]["method"] != "oidc" {
				t.Errorf("auth.login_method entries %v", m)
			}

			// The coordination sees aggregates only and needs no second factor: straight in.
			co := o.F.Users[access.Coordinator]
			c, r = o.login(t, &mockoidc.MockUser{Subject: "idp-co", Email: apptest.Email(access.Coordinator), EmailVerified: true}, "")
			if r.StatusCode != http.StatusSeeOther || r.Location() != "/start" {
				t.Fatalf("coordinator callback: status %d → %q, want 303 → /start", r.StatusCode, r.Location())
			}
			expectStart(t, c, co.Name)
		})
	}
}

func TestOIDCLoginRejects(t *testing.T) {
	for _, e := range apptest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			o := newOIDCEnv(t, e, oidcOptions{TrustMFA: true})
			users := func() int {
				return o.count(t, "SELECT COUNT(*) FROM users WHERE tenant_id = $1", o.F.TenantA.ID)
			}
			sessions := func() int {
				return o.count(t, "SELECT COUNT(*) FROM sessions WHERE tenant_id = $1", o.F.TenantA.ID)
			}
			nUsers := users()
			good := func(subject string, role access.Role) *mockoidc.MockUser {
				return &mockoidc.MockUser{Subject: subject, Email: apptest.Email(role), EmailVerified: true}
			}

			t.Run("forged state", func(t *testing.T) {
				n := sessions()
				c := o.client()
				expectFailure(t, c, c.Get("/anmelden/oidc/callback?state=erfunden&code=erfunden"))
				expectFailure(t, c, c.Get("/anmelden/oidc/callback?code=erfunden"))
				// A genuine code from the provider with a state KIM never issued.
				o.OP.QueueUser(good("idp-forged", access.TeamLead))
				cb := o.authorize(t, o.start(t, o.client(), "/anmelden/oidc"))
				u, _ := url.Parse(cb)
				q := u.Query()
				q.Set("state", auth.RandomString(32))
				u.RawQuery = q.Encode()
				expectFailure(t, c, o.callback(t, c, u.String()))
				if sessions() != n {
					t.Error("a session was opened")
				}
				if got := o.subject(t, o.F.Users[access.TeamLead]); got != "" {
					t.Errorf("account bound to %q", got)
				}
			})

			t.Run("callback in another browser (login CSRF)", func(t *testing.T) {
				// The attacker starts a flow in their browser and sends the callback URL with
				// their own code to the victim: the victim's browser lacks the flow cookie.
				o.OP.QueueUser(good("idp-csrf", access.TeamLead))
				attacker := o.client()
				cb := o.authorize(t, o.start(t, attacker, "/anmelden/oidc"))
				n := sessions()
				victim := o.client()
				expectFailure(t, victim, o.callback(t, victim, cb))
				if sessions() != n {
					t.Error("the victim's browser got a session")
				}
				if !strings.Contains(o.Logs.String(), "without the state cookie") {
					t.Error("the refused callback was not logged")
				}
			})

			t.Run("replayed callback", func(t *testing.T) {
				o.OP.QueueUser(good("idp-replay", access.TeamLead))
				c := o.client()
				cb := o.authorize(t, o.start(t, c, "/anmelden/oidc"))
				if r := o.callback(t, c, cb); r.StatusCode != http.StatusSeeOther || r.Location() != "/start" {
					t.Fatalf("first use: status %d → %q", r.StatusCode, r.Location())
				}
				n := sessions()
				attacker := o.client()
				expectFailure(t, attacker, o.callback(t, attacker, cb))
				if sessions() != n {
					t.Error("the replay opened a session")
				}
			})

			t.Run("state is single-use even with a fresh code", func(t *testing.T) {
				// The provider's codes are single-use too; here each callback carries its own
				// valid code, so only KIM's consumption of the state stops the second one.
				o.OP.QueueUser(good("idp-replay", access.TeamLead))
				o.OP.QueueUser(good("idp-replay", access.TeamLead))
				c := o.client()
				authURL := o.start(t, c, "/anmelden/oidc")
				cb1, cb2 := o.authorize(t, authURL), o.authorize(t, authURL)
				if r := o.callback(t, c, cb1); r.StatusCode != http.StatusSeeOther || r.Location() != "/start" {
					t.Fatalf("first use: status %d → %q", r.StatusCode, r.Location())
				}
				n := sessions()
				attacker := o.client()
				expectFailure(t, attacker, o.callback(t, attacker, cb2))
				if sessions() != n {
					t.Error("the second use of the state opened a session")
				}
			})

			t.Run("PKCE verifier is sent and checked", func(t *testing.T) {
				o.OP.QueueUser(good("idp-pkce", access.NaturalisationClerk))
				c := o.client()
				authURL := o.start(t, c, "/anmelden/oidc")
				cb := o.authorize(t, authURL)
				// An attacker who holds a stolen code but not the verifier: the provider must
				// refuse the exchange, and KIM must then refuse the login.
				o.exec(t, "UPDATE login_flows SET verifier = $1 WHERE tenant_id = $2 AND state_hash = $3",
					oauth2.GenerateVerifier(), o.F.TenantA.ID, auth.HashToken(authURL.Query().Get("state")))
				expectFailure(t, c, o.callback(t, c, cb))
				logs := o.Logs.String()
				if !strings.Contains(logs, "oidc code exchange failed") || !strings.Contains(logs, "Code challenge did not match hashed code verifier") {
					t.Errorf("the provider did not reject the wrong verifier; logs:\n%s", logs)
				}
				if got := o.subject(t, o.F.Users[access.NaturalisationClerk]); got != "" {
					t.Errorf("account bound to %q", got)
				}
			})

			t.Run("nonce is checked", func(t *testing.T) {
				o.OP.QueueUser(good("idp-nonce", access.NaturalisationClerk))
				c := o.client()
				authURL := o.start(t, c, "/anmelden/oidc")
				cb := o.authorize(t, authURL)
				o.exec(t, "UPDATE login_flows SET nonce = $1 WHERE tenant_id = $2 AND state_hash = $3",
					auth.RandomString(32), o.F.TenantA.ID, auth.HashToken(authURL.Query().Get("state")))
				expectFailure(t, c, o.callback(t, c, cb))
				if !strings.Contains(o.Logs.String(), "oidc nonce mismatch") {
					t.Error("the nonce mismatch was not the reason of the failure")
				}
			})

			t.Run("unverified address", func(t *testing.T) {
				n := sessions()
				c, r := o.login(t, &mockoidc.MockUser{Subject: "idp-unverified", Email: apptest.Email(access.BodyMember), EmailVerified: false}, "")
				expectFailure(t, c, r)
				if got := o.subject(t, o.F.Users[access.BodyMember]); got != "" {
					t.Errorf("account bound to %q through an unverified address", got)
				}
				if sessions() != n || users() != nUsers {
					t.Error("a session or an account was created")
				}
			})

			t.Run("no matching account", func(t *testing.T) {
				n := sessions()
				for _, email := range []string{"unbekannt@alpha.example", "beta@beta.example" /* exists in another tenant */} {
					c, r := o.login(t, &mockoidc.MockUser{Subject: "idp-" + email, Email: email, EmailVerified: true}, "")
					expectFailure(t, c, r)
				}
				if sessions() != n || users() != nUsers {
					t.Error("a session or an account was created")
				}
				if got := o.subject(t, o.F.MemberB1); got != "" {
					t.Errorf("the other tenant's account was bound to %q", got)
				}
			})

			t.Run("disabled account", func(t *testing.T) {
				admin := o.F.Users[access.TenantAdmin]
				disable := func(u *accounts.User) {
					t.Helper()
					_, err := o.App.Accounts.UpdateUser(context.Background(), admin.Actor("alpha"), u.ID, accounts.UserInput{Name: u.Name,
						Email: u.Email, Role: u.Role, OrganisationID: u.OrganisationID, Language: u.Language, Disabled: true})
					if err != nil {
						t.Fatalf("disable %s: %v", u.Email, err)
					}
				}
				n := sessions()
				// Not bound yet: found by address, refused, and not bound.
				dpo := o.F.Users[access.DataProtectionOfficer]
				disable(dpo)
				c, r := o.login(t, good("idp-dpo", access.DataProtectionOfficer), "")
				expectFailure(t, c, r)
				if got := o.subject(t, dpo); got != "" {
					t.Errorf("disabled account bound to %q", got)
				}
				// Bound by an earlier login, then disabled: found by subject, refused.
				co := o.F.Users[access.Coordinator]
				c, r = o.login(t, good("idp-co", access.Coordinator), "")
				if r.StatusCode != http.StatusSeeOther {
					t.Fatalf("login before disabling: status %d", r.StatusCode)
				}
				disable(co)
				if r := c.Get("/start"); r.StatusCode == http.StatusOK {
					t.Error("disabling did not end the provider session")
				}
				n = sessions()
				c, r = o.login(t, good("idp-co", access.Coordinator), "")
				expectFailure(t, c, r)
				if sessions() != n {
					t.Error("a session was opened for a disabled account")
				}
			})

			t.Run("bound account is not taken over by another subject", func(t *testing.T) {
				// Once bound, another provider identity that presents the same verified address
				// (a reassigned or changed address at the provider) must neither log in nor
				// rebind the account; the owner still can.
				a2 := o.F.MemberA2
				owner := &mockoidc.MockUser{Subject: "idp-a2", Email: a2.Email, EmailVerified: true}
				if _, r := o.login(t, owner, ""); r.StatusCode != http.StatusSeeOther || o.subject(t, a2) != "idp-a2" {
					t.Fatalf("binding login: status %d, subject %q", r.StatusCode, o.subject(t, a2))
				}
				c, r := o.login(t, &mockoidc.MockUser{Subject: "idp-intruder", Email: a2.Email, EmailVerified: true}, "")
				expectFailure(t, c, r)
				if got := o.subject(t, a2); got != "idp-a2" {
					t.Errorf("account rebound to %q", got)
				}
				if _, r := o.login(t, owner, ""); r.StatusCode != http.StatusSeeOther || r.Location() != "/start" {
					t.Errorf("the owner's next login: status %d → %q", r.StatusCode, r.Location())
				}
			})

			t.Run("flow expires after ten minutes", func(t *testing.T) {
				// Nine minutes at the provider are fine …
				o.OP.QueueUser(good("idp-slow", access.CaseManager))
				c := o.client()
				cb := o.authorize(t, o.start(t, c, "/anmelden/oidc"))
				o.Clock.Advance(9 * time.Minute)
				if r := o.callback(t, c, cb); r.StatusCode != http.StatusSeeOther || r.Location() != "/start" {
					t.Fatalf("after 9 minutes: status %d → %q, want a login", r.StatusCode, r.Location())
				}
				// … more than ten are not.
				o.OP.QueueUser(good("idp-slow", access.CaseManager))
				c = o.client()
				cb = o.authorize(t, o.start(t, c, "/anmelden/oidc"))
				o.Clock.Advance(10*time.Minute + time.Second)
				expectFailure(t, c, o.callback(t, c, cb))
			})

			if users() != nUsers {
				t.Errorf("provider logins changed the number of accounts: %d, want %d", users(), nUsers)
			}
			// Provider identities and e-mail addresses stay out of the logs.
			logs := o.Logs.String()
			for _, s := range []string{"idp-intruder", "unbekannt@alpha.example", apptest.Email(access.BodyMember)} {
				if strings.Contains(logs, s) {
					t.Errorf("log contains %q", s)
				}
			}
		})
	}
}

func TestOIDCLoginNotConfigured(t *testing.T) {
	for _, e := range apptest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			env := apptest.New(t, e, apptest.Options{})
			env.Seed()
			c := env.Client()
			r := c.Get("/anmelden")
			if r.StatusCode != http.StatusOK {
				t.Fatalf("/anmelden: status %d", r.StatusCode)
			}
			if n := r.Doc(t).Find(`a[href^="/anmelden/oidc"]`).Length(); n != 0 {
				t.Errorf("login page shows %d provider buttons without configuration", n)
			}
			for _, path := range []string{"/anmelden/oidc", "/anmelden/oidc/callback?state=abc&code=def"} {
				r := c.Get(path)
				if r.StatusCode != http.StatusNotFound {
					t.Errorf("%s: status %d, want 404", path, r.StatusCode)
					continue
				}
				if h1 := r.Doc(t).Find("h1").Text(); !strings.Contains(h1, "Nicht gefunden") {
					t.Errorf("%s: page title %q, want the friendly not-found page", path, h1)
				}
			}
			if sessionCookie(c) != "" {
				t.Error("a session cookie was set")
			}
		})
	}
}

func TestOIDCLoginProviderUnavailable(t *testing.T) {
	// An issuer nobody listens on: KIM starts, and the button answers with a friendly message.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	issuer := "http://" + ln.Addr().String() + "/oidc"
	_ = ln.Close()
	for _, e := range apptest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			env := apptest.New(t, e, apptest.Options{Configure: func(c *app.Config) {
				c.OIDC = &accounts.OIDCConfig{Issuer: issuer, ClientID: "kim", ClientSecret: "geheim",
					RedirectURL: "http://127.0.0.1/anmelden/oidc/callback", TenantSlug: "alpha"}
			}})
			env.Seed()
			c := env.Client()
			if n := c.Get("/anmelden").Doc(t).Find(`a[href="/anmelden/oidc"]`).Length(); n != 1 {
				t.Fatalf("login page shows %d provider buttons, want 1", n)
			}
			r := c.Get("/anmelden/oidc")
			if r.StatusCode != http.StatusBadGateway {
				t.Fatalf("/anmelden/oidc with the provider down: status %d, want 502", r.StatusCode)
			}
			if msg := r.Doc(t).Find(".notice.error").Text(); !strings.Contains(msg, "nicht erreichbar") {
				t.Errorf("notice %q, want the unavailable message", msg)
			}
			if n := r.Doc(t).Find(`form[action="/anmelden"]`).Length(); n != 1 {
				t.Error("the password login is not offered")
			}
		})
	}
}
