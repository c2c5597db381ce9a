package app_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"kim/internal/accounts"
	"kim/internal/apptest"
	"kim/internal/platform/access"
	"kim/internal/platform/auth"
	"kim/internal/platform/web"
)

// TestNoSecretsInLogs plants canary credentials, uses them in every way a user can, and then
// searches the log output and the audit trail for them.
func TestNoSecretsInLogs(t *testing.T) {
	for _, e := range apptest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			env := apptest.New(t, e, apptest.Options{RequireMFA: true})
			f := env.Seed()
			var secrets []string
			var codes []string // six-digit codes, searched as whole words

			// Wrong passwords and a wrong code.
			wrongPassword := "Kanarienvogel-Falsch-4711"
			env.Client().PostForm("/anmelden", secLoginForm("alpha", apptest.Email(access.TeamLead), wrongPassword))
			env.Client().PostForm("/anmelden", secLoginForm("alpha", "kanarienvogel-niemand@alpha.example", wrongPassword))
			secrets = append(secrets, wrongPassword, apptest.Password)

			// The administrator enrols (TOTP secret, recovery codes) and creates an account.
			admin := env.Client()
			secret, recovery := secEnrol(t, env, admin, apptest.Email(access.TenantAdmin), apptest.Password)
			secrets = append(secrets, secret, admin.Cookie(secSessionCookie))
			for _, rc := range recovery {
				secrets = append(secrets, rc, strings.ReplaceAll(rc, "-", ""))
			}
			r := admin.PostForm("/verwaltung/benutzer", url.Values{"name": {"Kanarienvogel Neu"}, "email": {"kanarienvogel@alpha.example"},
				"role": {string(access.CaseManager)}, "organisation_id": {f.OrgA1.ID}, "language": {"de"}})
			if r.StatusCode != http.StatusOK {
				t.Fatalf("create user: %d\n%s", r.StatusCode, r.Body)
			}
			activation := strings.TrimSpace(r.Doc(t).Find("#activation-code").Text())
			if len(activation) < 10 {
				t.Fatalf("activation code %q", activation)
			}
			secrets = append(secrets, activation)

			// A wrong activation code, then the right one with a canary password.
			newPassword := "Kanarienvogel-Passwort-0815"
			env.Client().PostForm("/aktivieren", url.Values{"tenant": {"alpha"}, "email": {"kanarienvogel@alpha.example"},
				"code": {"kanarienvogel-falscher-code"}, "password": {newPassword}, "repeat_password": {newPassword}})
			r = env.Client().PostForm("/aktivieren", url.Values{"tenant": {"alpha"}, "email": {"kanarienvogel@alpha.example"},
				"code": {activation}, "password": {newPassword}, "repeat_password": {newPassword}})
			if r.StatusCode != http.StatusSeeOther {
				t.Fatalf("activation: %d\n%s", r.StatusCode, r.Body)
			}
			secrets = append(secrets, newPassword, "kanarienvogel-falscher-code")
			user := env.Client()
			userSecret, userRecovery := secEnrol(t, env, user, "kanarienvogel@alpha.example", newPassword)
			secrets = append(secrets, userSecret)

			// Second factor with a code, a wrong code and a recovery code.
			env.Clock.Advance(30 * time.Second)
			c := env.Client()
			c.PostForm("/anmelden", secLoginForm("alpha", "kanarienvogel@alpha.example", newPassword))
			bad := secWrongCode(userSecret, env.Clock.Now())
			c.PostForm("/anmelden/zweiter-faktor", url.Values{"code": {bad}})
			good := auth.TOTPCode(userSecret, env.Clock.Now())
			if r := c.PostForm("/anmelden/zweiter-faktor", url.Values{"code": {good}}); r.Location() != "/start" {
				t.Fatalf("second factor: %d → %s", r.StatusCode, r.Location())
			}
			codes = append(codes, bad, good)
			c2 := env.Client()
			c2.PostForm("/anmelden", secLoginForm("alpha", "kanarienvogel@alpha.example", newPassword))
			c2.PostForm("/anmelden/zweiter-faktor", url.Values{"code": {userRecovery[3]}})
			secrets = append(secrets, c.Cookie(secSessionCookie), c2.Cookie(secSessionCookie))

			// Password change and an API token.
			r = c.PostForm("/konto/passwort", url.Values{"current_password": {newPassword}, "new_password": {"Kanarienvogel-Neu-1234"},
				"repeat_password": {"Kanarienvogel-Neu-1234"}})
			if r.StatusCode != http.StatusSeeOther {
				t.Fatalf("password change: %d", r.StatusCode)
			}
			secrets = append(secrets, "Kanarienvogel-Neu-1234")
			r = c.PostForm("/konto/tokens", url.Values{"token_name": {"Kanarienvogel-Token"}})
			token := strings.TrimSpace(r.Doc(t).Find("#new-token").Text())
			if !strings.HasPrefix(token, auth.APITokenPrefix) {
				t.Fatalf("token %q", token)
			}
			api := env.Client()
			api.Token = token
			if r := api.Get("/api/v1/me"); r.StatusCode != http.StatusOK {
				t.Fatalf("API with the new token: %d", r.StatusCode)
			}
			broken := env.Client()
			broken.Token = token[:len(token)-2] + "xx"
			broken.Get("/api/v1/me")
			secrets = append(secrets, token, token[len(auth.APITokenPrefix)+33:], broken.Token)
			for _, tok := range f.Tokens {
				secrets = append(secrets, tok)
			}

			logs := env.Logs.String()
			if !strings.Contains(logs, `"request"`) {
				t.Fatal("nothing was logged; the log capture does not work")
			}
			w, _ := env.DB().Pools()
			trail := strings.Join(secQueryStrings(t, w, "SELECT action || ' ' || details || ' ' || object_id || ' ' || request_id FROM audit_log"), "\n")
			for name, sink := range map[string]string{"log": logs, "audit trail": trail} {
				for _, s := range secrets {
					if s != "" && strings.Contains(sink, s) {
						t.Errorf("the %s contains the secret %q", name, s)
					}
				}
				for _, code := range codes {
					if regexp.MustCompile(`\b` + code + `\b`).MatchString(sink) {
						t.Errorf("the %s contains the code %q", name, code)
					}
				}
			}
		})
	}
}

// ---------------------------------------------------------------------------------------------
// Errors

// TestPanicGivesGenericErrorPage: a panicking handler is answered with the generic 500 page that
// names the request id, with the security headers, and nothing of the panic reaches the user.
func TestPanicGivesGenericErrorPage(t *testing.T) {
	for _, e := range apptest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			env := apptest.New(t, e, apptest.Options{})
			env.Seed()
			// A test-only route on the running instance's router.
			env.App.Router.Handle("GET /test/panik", web.Public, func(w http.ResponseWriter, r *http.Request) {
				panic("kanarienvogel: interner Zustand")
			})
			env.App.Router.Handle("GET /api/v1/test/panik", web.Public, func(w http.ResponseWriter, r *http.Request) {
				panic("kanarienvogel: interner Zustand")
			})
			for _, secCaller := range []string{"anonymous", "staff"} {
				c := env.Client()
				if secCaller == "staff" {
					c.Login(access.CaseManager)
				}
				r := c.Get("/test/panik")
				id := r.Header.Get("X-Request-Id")
				if r.StatusCode != http.StatusInternalServerError || id == "" {
					t.Fatalf("%s: status %d, request id %q", secCaller, r.StatusCode, id)
				}
				body := string(r.Body)
				if !strings.Contains(body, id) || !strings.Contains(r.Header.Get("Content-Type"), "text/html") {
					t.Fatalf("%s: the error page does not name the request id %s:\n%s", secCaller, id, body)
				}
				if strings.Contains(body, "kanarienvogel") || strings.Contains(body, "goroutine") || strings.Contains(body, ".go:") {
					t.Fatalf("%s: the error page shows internals", secCaller)
				}
				secCheckHeaders(t, "panic page", "/test/panik", r)
				if !strings.Contains(env.Logs.String(), id) {
					t.Fatal("the panic was not logged with the request id")
				}
			}
			r := env.Client().Get("/api/v1/test/panik")
			if r.StatusCode != http.StatusInternalServerError || strings.Contains(string(r.Body), "kanarienvogel") {
				t.Fatalf("API panic: %d %s", r.StatusCode, r.Body)
			}
			var body struct {
				Error struct{ Code string } `json:"error"`
			}
			r.JSON(t, &body)
			if body.Error.Code != "internal" {
				t.Fatalf("API panic answer %s", r.Body)
			}
			// The server keeps serving.
			if r := env.Client().Get("/anmelden"); r.StatusCode != http.StatusOK {
				t.Fatalf("after the panic: %d", r.StatusCode)
			}
		})
	}
}

// ---------------------------------------------------------------------------------------------
// Open redirects (WEB-04)

var secRedirectCorpus = []string{
	"//evil.example",
	"///evil.example",
	"////evil.example/",
	"/\\evil.example",
	"/\\/evil.example",
	"\\\\evil.example",
	"\\/evil.example",
	"https:evil.example",
	"https://evil.example",
	"HTTPS://evil.example",
	"http:/evil.example",
	"//evil.example@kim.example",
	"/%2F%2Fevil.example",
	"/%2f%2fevil.example",
	"%2F%2Fevil.example",
	"/%5Cevil.example",
	"javascript:alert(1)",
	"JaVaScRiPt:alert(1)",
	"/javascript:alert(1)",
	"data:text/html,<script>alert(1)</script>",
	"/\r\nLocation: https://evil.example",
	"/start\r\nSet-Cookie: kim_lang=xx",
	"/\nevil",
	"/\tevil",
	"\t//evil.example",
	" //evil.example",
	"evil.example",
	".//evil.example",
	"/.//evil.example",
	"/..//evil.example",
	"//evil.example/start",
	"/start?next=//evil.example",
	"https://127.0.0.1/start",
	"",
}

var secLocalTargets = []string{"/konto", "/verwaltung/benutzer?status=pending&page=2", "/protokoll#eintrag", "/start"}

// secSafeLocal reports whether a redirect target stays on this site.
func secSafeLocal(target string) bool {
	if target == "" || target[0] != '/' || strings.HasPrefix(target, "//") || strings.HasPrefix(target, "/\\") ||
		strings.ContainsAny(target, "\r\n\t\\") {
		return false
	}
	u, err := url.Parse(target)
	return err == nil && u.Scheme == "" && u.Host == "" && u.User == nil
}

func TestSafeNext(t *testing.T) {
	for _, next := range secRedirectCorpus {
		got := accounts.SafeNext(next, "/start")
		if !secSafeLocal(got) {
			t.Errorf("SafeNext(%q) = %q, not a local path", next, got)
		}
		if got != "/start" && got != next {
			t.Errorf("SafeNext(%q) = %q: neither the input nor the fallback", next, got)
		}
	}
	for _, next := range secLocalTargets {
		if got := accounts.SafeNext(next, "/start"); got != next {
			t.Errorf("SafeNext(%q) = %q, want it kept", next, got)
		}
	}
	if accounts.SafeNext("//evil.example", "") != "" {
		t.Error("fallback not used")
	}
}

// TestLoginRedirectsOnlyToLocalPaths logs in with every next value of the corpus: the browser
// always lands on a local path.
func TestLoginRedirectsOnlyToLocalPaths(t *testing.T) {
	for _, e := range apptest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			env := apptest.New(t, e, apptest.Options{})
			env.Seed()
			check := func(label, loc string) {
				t.Helper()
				if !secSafeLocal(loc) {
					t.Errorf("%s: redirected to %q", label, loc)
				}
				if u, err := url.Parse(env.URL); err == nil {
					if abs, err := u.Parse(loc); err != nil || abs.Host != u.Host {
						t.Errorf("%s: %q resolves to another host", label, loc)
					}
				}
			}
			for _, next := range append(append([]string(nil), secRedirectCorpus...), secLocalTargets...) {
				c := env.Client()
				form := secLoginForm("alpha", apptest.Email(access.CaseManager), apptest.Password)
				form.Set("next", next)
				r := c.PostForm("/anmelden", form)
				if r.StatusCode != http.StatusSeeOther {
					t.Fatalf("login with next %q: %d", next, r.StatusCode)
				}
				check(fmt.Sprintf("login next=%q", next), r.Location())
				for _, lt := range secLocalTargets {
					if next == lt && r.Location() != lt {
						t.Errorf("login with next %q went to %q", next, r.Location())
					}
				}
				// An already logged-in visit of the login page follows next as well.
				r = c.Get("/anmelden?next=" + url.QueryEscape(next))
				check(fmt.Sprintf("login page next=%q", next), r.Location())
				// The session extension form takes next too.
				r = c.PostForm("/sitzung/verlaengern", url.Values{"next": {next}})
				check(fmt.Sprintf("extend next=%q", next), r.Location())
				// The hidden field of the login form never carries an unsafe value.
				anon := env.Client()
				r = anon.Get("/anmelden?next=" + url.QueryEscape(next))
				if v, ok := r.Doc(t).Find("input[name=next]").Attr("value"); ok && v != "" && !secSafeLocal(v) {
					t.Errorf("login form carries next=%q", v)
				}
			}
		})
	}
}
