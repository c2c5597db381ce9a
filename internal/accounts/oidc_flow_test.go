package accounts_test

import (
	"context"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/oauth2-proxy/mockoidc"
	"golang.org/x/oauth2"

	"kim/internal/accounts"
	"kim/internal/app"
	"kim/internal/apptest"
	"kim/internal/platform/access"
	"kim/internal/platform/auth"
)

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
