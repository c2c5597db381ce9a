package app_test

import (
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"kim/internal/apptest"
	"kim/internal/platform/access"
	"kim/internal/platform/auth"
	"kim/internal/platform/web"
)

func secNormalise(r *apptest.Response, replace ...string) string {
	s := strings.ReplaceAll(string(r.Body), r.Header.Get("X-Request-Id"), "REQUEST-ID")
	for i := 0; i+1 < len(replace); i += 2 {
		s = strings.ReplaceAll(s, replace[i], replace[i+1])
	}
	return s
}

func secHeaderShape(r *apptest.Response) string {
	var keys []string
	for k, v := range r.Header {
		switch k {
		case "Date", "X-Request-Id", "Content-Length":
			continue
		}
		keys = append(keys, k+": "+strings.Join(v, ", "))
	}
	sort.Strings(keys)
	return strings.Join(keys, "\n")
}

// TestLoginDoesNotRevealAccounts: a wrong password and an unknown address get the same answer,
// byte for byte apart from the request id and the echoed address (AUTH-08); so do their lockouts.
func TestLoginDoesNotRevealAccounts(t *testing.T) {
	for _, e := range apptest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			env := apptest.New(t, e, apptest.Options{})
			f := env.Seed()
			known := apptest.Email(access.CaseManager)
			unknown := "niemand_da@alpha.example"
			disabled := f.MemberA2.Email
			if err := secSetDisabled(env, f.MemberA2.ID); err != nil {
				t.Fatal(err)
			}
			try := func(email string) *apptest.Response {
				return env.Client().PostForm("/anmelden", secLoginForm("alpha", email, "Falsches Passwort 123"))
			}
			for i := 0; i < auth.DefaultAccountThrottle.MaxFailures; i++ {
				a, b, c := try(known), try(unknown), try(disabled)
				want := http.StatusUnauthorized
				if i == auth.DefaultAccountThrottle.MaxFailures-1 {
					want = http.StatusTooManyRequests
				}
				for _, r := range []*apptest.Response{a, b, c} {
					if r.StatusCode != want {
						t.Fatalf("attempt %d: status %d, want %d", i+1, r.StatusCode, want)
					}
				}
				na, nb, nc := secNormalise(a, known, "EMAIL"), secNormalise(b, unknown, "EMAIL"), secNormalise(c, disabled, "EMAIL")
				if na != nb || na != nc {
					t.Fatalf("attempt %d: the answers differ:\n%s\n----\n%s", i+1, secDiffAt(na, nb), secDiffAt(na, nc))
				}
				if secHeaderShape(a) != secHeaderShape(b) || secHeaderShape(a) != secHeaderShape(c) {
					t.Fatalf("attempt %d: headers differ:\n%s\n----\n%s", i+1, secHeaderShape(a), secHeaderShape(b))
				}
				if strings.Contains(string(a.Body), apptest.Password) || strings.Contains(string(a.Body), "Falsches Passwort") {
					t.Fatal("the login page echoes the password")
				}
			}
		})
	}
}

func secSetDisabled(env *apptest.Env, userID string) error {
	w, _ := env.DB().Pools()
	_, err := w.Exec("UPDATE users SET disabled_at = $1 WHERE id = $2", env.Clock.Now(), userID)
	return err
}

func secDiffAt(a, b string) string {
	for i := 0; i < len(a) && i < len(b); i++ {
		if a[i] != b[i] {
			lo := max(0, i-80)
			return fmt.Sprintf("…%s…\n vs\n…%s…", a[lo:min(len(a), i+80)], b[lo:min(len(b), i+80)])
		}
	}
	return fmt.Sprintf("lengths %d and %d", len(a), len(b))
}

// TestLoginLockout: five failures lock the account key for 15 minutes, even for the right
// password; the lock ends on the fake clock (AUTH-07).
func TestLoginLockout(t *testing.T) {
	for _, e := range apptest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			env := apptest.New(t, e, apptest.Options{})
			env.Seed()
			email := apptest.Email(access.TeamLead)
			c := env.Client()
			for i := 1; i <= 5; i++ {
				r := c.PostForm("/anmelden", secLoginForm("alpha", email, "Falsches Passwort 123"))
				want := http.StatusUnauthorized
				if i == 5 {
					want = http.StatusTooManyRequests
				}
				if r.StatusCode != want {
					t.Fatalf("failure %d: status %d, want %d", i, r.StatusCode, want)
				}
				if i == 5 {
					if r.Doc(t).Find("form[action='/anmelden']").Length() != 1 || r.Doc(t).Find("[role=alert]").Length() == 0 {
						t.Fatal("the lockout page is not the login page with an alert")
					}
				}
			}
			right := secLoginForm("alpha", email, apptest.Password)
			if r := c.PostForm("/anmelden", right); r.StatusCode != http.StatusTooManyRequests || c.Cookie(secSessionCookie) != "" {
				t.Fatalf("right password during the lock: status %d", r.StatusCode)
			}
			// The address letter case does not open another key.
			if r := c.PostForm("/anmelden", secLoginForm("alpha", strings.ToUpper(email), apptest.Password)); r.StatusCode != http.StatusTooManyRequests {
				t.Fatalf("upper-case address during the lock: status %d", r.StatusCode)
			}
			// Other accounts are not affected.
			other := env.Client()
			other.Login(access.CaseManager)
			env.Clock.Advance(14*time.Minute + 59*time.Second)
			if r := c.PostForm("/anmelden", right); r.StatusCode != http.StatusTooManyRequests {
				t.Fatalf("right password after 14:59: status %d", r.StatusCode)
			}
			env.Clock.Advance(2 * time.Second)
			r := c.PostForm("/anmelden", right)
			if r.StatusCode != http.StatusSeeOther || r.Location() != "/start" {
				t.Fatalf("right password after 15:01: status %d → %s", r.StatusCode, r.Location())
			}
			// A success clears the counter: four new failures do not lock.
			for i := 0; i < 4; i++ {
				if r := env.Client().PostForm("/anmelden", secLoginForm("alpha", email, "Falsches Passwort 123")); r.StatusCode != http.StatusUnauthorized {
					t.Fatalf("failure %d after a success: %d", i+1, r.StatusCode)
				}
			}
			env.Client().Login(access.TeamLead)
		})
	}
}

// TestLoginIssuesANewSession: logging in needs no earlier cookie, always sets a new session id,
// and a session id held before the login no longer works afterwards (SESS-02).
func TestLoginIssuesANewSession(t *testing.T) {
	for _, e := range apptest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			env := apptest.New(t, e, apptest.Options{})
			f := env.Seed()
			email := apptest.Email(access.CaseManager)

			fresh := env.Client()
			r := fresh.PostForm("/anmelden", secLoginForm("alpha", email, apptest.Password))
			if r.StatusCode != http.StatusSeeOther || r.Location() != "/start" {
				t.Fatalf("login without cookies: %d → %s", r.StatusCode, r.Location())
			}
			secCheckCookies(t, "login", r)
			first := fresh.Cookie(secSessionCookie)
			if first == "" {
				t.Fatal("no session cookie")
			}
			if _, _, ok := auth.ParseToken("", first); !ok {
				t.Fatalf("session cookie %q is not a session token", first)
			}

			// A planted value is replaced.
			planted := env.Client()
			fake, _ := auth.NewToken("", f.TenantA.ID)
			planted.SetCookie(secSessionCookie, fake)
			planted.PostForm("/anmelden", secLoginForm("alpha", email, apptest.Password))
			if got := planted.Cookie(secSessionCookie); got == fake || got == "" {
				t.Fatalf("login kept the planted session id")
			}

			// Logging in again (over an existing session) gives a new id and ends the old one.
			r = fresh.PostForm("/anmelden", secLoginForm("alpha", apptest.Email(access.TeamLead), apptest.Password))
			second := fresh.Cookie(secSessionCookie)
			if r.StatusCode != http.StatusSeeOther || second == "" || second == first {
				t.Fatalf("second login: %d, same id %v", r.StatusCode, second == first)
			}
			replay := env.Client()
			replay.SetCookie(secSessionCookie, first)
			if r := replay.Get("/start"); r.StatusCode != http.StatusSeeOther || !strings.HasPrefix(r.Location(), "/anmelden") {
				t.Fatalf("the session id from before the login still works: %d → %s", r.StatusCode, r.Location())
			}
			if r := fresh.Get("/konto"); r.StatusCode != http.StatusOK || !strings.Contains(string(r.Body), apptest.Email(access.TeamLead)) {
				t.Fatalf("the new session does not belong to the new login: %d", r.StatusCode)
			}
		})
	}
}

// TestLogout: logging out ends the session on the server and tells the browser to clear its
// data; "log out everywhere" ends the user's other sessions too (SESS-04, SESS-05).
func TestLogout(t *testing.T) {
	for _, e := range apptest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			env := apptest.New(t, e, apptest.Options{})
			f := env.Seed()
			c := env.Client()
			c.Login(access.CaseManager)
			old := c.Cookie(secSessionCookie)
			r := c.PostForm("/abmelden", nil)
			if r.StatusCode != http.StatusSeeOther || r.Location() != "/anmelden" {
				t.Fatalf("logout: %d → %s", r.StatusCode, r.Location())
			}
			csd := r.Header.Get("Clear-Site-Data")
			if !strings.Contains(csd, `"cache"`) || !strings.Contains(csd, `"storage"`) {
				t.Fatalf("Clear-Site-Data = %q", csd)
			}
			if c.Cookie(secSessionCookie) != "" {
				t.Fatal("the session cookie was not cleared")
			}
			secCheckCookies(t, "logout", r)
			replay := env.Client()
			replay.SetCookie(secSessionCookie, old)
			for _, p := range []string{"/start", "/konto", "/sitzung"} {
				if r := replay.Get(p); r.StatusCode != http.StatusSeeOther || !strings.HasPrefix(r.Location(), "/anmelden") {
					t.Errorf("GET %s with the logged-out session: %d → %s", p, r.StatusCode, r.Location())
				}
			}
			if n := secCount(t, env, "SELECT COUNT(*) FROM sessions WHERE user_id = $1", f.Users[access.CaseManager].ID); n != 0 {
				t.Fatalf("%d sessions left after logout", n)
			}

			// Log out everywhere.
			a, b, other := env.Client(), env.Client(), env.Client()
			a.Login(access.TeamLead)
			b.Login(access.TeamLead)
			other.Login(access.Coordinator)
			r = a.PostForm("/abmelden/ueberall", nil)
			if r.StatusCode != http.StatusSeeOther || !strings.Contains(r.Header.Get("Clear-Site-Data"), `"cache"`) {
				t.Fatalf("logout everywhere: %d, Clear-Site-Data %q", r.StatusCode, r.Header.Get("Clear-Site-Data"))
			}
			for name, c := range map[string]*apptest.Client{"this": a, "other browser": b} {
				if r := c.Get("/start"); r.StatusCode != http.StatusSeeOther || !strings.HasPrefix(r.Location(), "/anmelden") {
					t.Errorf("%s session after logout everywhere: %d → %s", name, r.StatusCode, r.Location())
				}
			}
			if r := other.Get("/start"); r.StatusCode != http.StatusOK {
				t.Errorf("another user's session was ended: %d", r.StatusCode)
			}
		})
	}
}

// TestSessionLifetimes: 15 minutes idle and 12 hours absolute, on the fake clock (SESS-03).
func TestSessionLifetimes(t *testing.T) {
	for _, e := range apptest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			env := apptest.New(t, e, apptest.Options{})
			env.Seed()
			expired := func(c *apptest.Client) bool {
				r := c.Get("/start")
				switch {
				case r.StatusCode == http.StatusOK:
					return false
				case r.StatusCode == http.StatusSeeOther && strings.HasPrefix(r.Location(), "/anmelden"):
					return true
				}
				t.Fatalf("GET /start: %d → %s", r.StatusCode, r.Location())
				return false
			}

			c := env.Client()
			c.Login(access.CaseManager)
			env.Clock.Advance(14*time.Minute + 59*time.Second)
			if expired(c) {
				t.Fatal("session ended after 14:59 idle")
			}
			env.Clock.Advance(14*time.Minute + 59*time.Second)
			if expired(c) {
				t.Fatal("session ended 14:59 after the last activity")
			}
			env.Clock.Advance(15*time.Minute + 1*time.Second)
			if !expired(c) {
				t.Fatal("session alive 15:01 after the last activity")
			}
			if n := secCount(t, env, "SELECT COUNT(*) FROM sessions"); n != 0 {
				t.Fatalf("%d expired sessions kept", n)
			}

			// Constant activity does not extend a session beyond 12 hours.
			c = env.Client()
			c.Login(access.CaseManager)
			for elapsed := time.Duration(0); elapsed < 11*time.Hour+50*time.Minute; elapsed += 10 * time.Minute {
				env.Clock.Advance(10 * time.Minute)
				if expired(c) {
					t.Fatalf("active session ended after %v", elapsed+10*time.Minute)
				}
			}
			env.Clock.Advance(9*time.Minute + 59*time.Second) // 11:59:59
			if r := c.PostForm("/sitzung/verlaengern", nil); r.StatusCode != http.StatusSeeOther || r.Location() != "/start" {
				t.Fatalf("extend: %d → %s", r.StatusCode, r.Location())
			}
			if expired(c) {
				t.Fatal("session ended before 12 hours")
			}
			env.Clock.Advance(2 * time.Second)
			if !expired(c) {
				t.Fatal("session alive after 12 hours")
			}
		})
	}
}

// TestDisablingAUserEndsItsSessions (SESS-05, SESS-08).
func TestDisablingAUserEndsItsSessions(t *testing.T) {
	for _, e := range apptest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			env := apptest.New(t, e, apptest.Options{})
			f := env.Seed()
			u := f.ColleagueA1
			victim, second := env.Client(), env.Client()
			victim.LoginAs("alpha", u.Email, apptest.Password)
			second.LoginAs("alpha", u.Email, apptest.Password)
			apiClient := env.Client()
			tok, err := env.App.Accounts.TokenFor(t.Context(), f.TenantA.ID, f.TenantA.Slug, u.Email, "test", 0)
			if err != nil {
				t.Fatal(err)
			}
			apiClient.Token = tok
			if r := apiClient.Get("/api/v1/me"); r.StatusCode != http.StatusOK {
				t.Fatalf("API before disabling: %d", r.StatusCode)
			}
			admin := env.Client()
			admin.Login(access.TenantAdmin)
			r := admin.PostForm("/verwaltung/benutzer/"+u.ID, url.Values{"name": {u.Name}, "email": {u.Email}, "role": {string(u.Role)},
				"organisation_id": {u.OrganisationID}, "language": {"de"}, "disabled": {"1"}, "version": {strconv.Itoa(u.Version)}})
			if r.StatusCode != http.StatusSeeOther {
				t.Fatalf("disable: %d\n%s", r.StatusCode, r.Body)
			}
			if n := secCount(t, env, "SELECT COUNT(*) FROM sessions WHERE user_id = $1", u.ID); n != 0 {
				t.Fatalf("%d sessions of the disabled user remain", n)
			}
			for name, c := range map[string]*apptest.Client{"first": victim, "second": second} {
				if r := c.Get("/start"); r.StatusCode != http.StatusSeeOther || !strings.HasPrefix(r.Location(), "/anmelden") {
					t.Errorf("%s session of the disabled user: %d → %s", name, r.StatusCode, r.Location())
				}
			}
			if r := apiClient.Get("/api/v1/me"); r.StatusCode != http.StatusUnauthorized {
				t.Errorf("API token of the disabled user: %d", r.StatusCode)
			}
			if r := env.Client().PostForm("/anmelden", secLoginForm("alpha", u.Email, apptest.Password)); r.StatusCode != http.StatusUnauthorized {
				t.Errorf("login of the disabled user: %d", r.StatusCode)
			}
		})
	}
}

// ---------------------------------------------------------------------------------------------
// Second factor

// secEnrol logs c in as email in an installation that requires a second factor, sets up TOTP and
// returns the secret and the recovery codes; c then holds a full session.
func secEnrol(t *testing.T, env *apptest.Env, c *apptest.Client, email, password string) (string, []string) {
	t.Helper()
	r := c.PostForm("/anmelden", secLoginForm("alpha", email, password))
	if r.StatusCode != http.StatusSeeOther || r.Location() != "/anmelden/einrichten" {
		t.Fatalf("login of %s: %d → %s", email, r.StatusCode, r.Location())
	}
	r = c.Get("/anmelden/einrichten")
	if r.StatusCode != http.StatusOK {
		t.Fatalf("enrolment page: %d", r.StatusCode)
	}
	secret := strings.ReplaceAll(strings.TrimSpace(r.Doc(t).Find("#totp-secret").Text()), " ", "")
	if len(secret) < 32 {
		t.Fatalf("secret %q", secret)
	}
	pending := c.Cookie(secSessionCookie)
	r = c.PostForm("/anmelden/einrichten", url.Values{"code": {auth.TOTPCode(secret, env.Clock.Now())}})
	if r.StatusCode != http.StatusOK {
		t.Fatalf("confirm enrolment: %d\n%s", r.StatusCode, r.Body)
	}
	var codes []string
	for _, s := range r.Doc(t).Find("ul.codes li").Nodes {
		if s.FirstChild != nil {
			codes = append(codes, strings.TrimSpace(s.FirstChild.Data))
		}
	}
	if len(codes) != auth.RecoveryCodeCount {
		t.Fatalf("%d recovery codes shown", len(codes))
	}
	if c.Cookie(secSessionCookie) == pending {
		t.Fatal("completing the enrolment kept the pending session id")
	}
	return secret, codes
}

// secWrongCode returns a six-digit code that is valid in none of the steps around now.
func secWrongCode(secret string, now time.Time) string {
	valid := map[string]bool{}
	for _, d := range []time.Duration{-30 * time.Second, 0, 30 * time.Second} {
		valid[auth.TOTPCode(secret, now.Add(d))] = true
	}
	for i := 0; ; i++ {
		c := fmt.Sprintf("%06d", (123456+i*7919)%1000000)
		if !valid[c] {
			return c
		}
	}
}

// TestSecondFactorIsRequired: with RequireMFA a password alone opens no page and no API; the
// code is accepted once; wrong codes are throttled; recovery codes work once (AUTH-06, AUTH-07).
func TestSecondFactorIsRequired(t *testing.T) {
	for _, e := range apptest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			env := apptest.New(t, e, apptest.Options{RequireMFA: true})
			f := env.Seed()
			email := apptest.Email(access.CaseManager)

			// A password-only session (enrolment outstanding) reaches nothing but the enrolment.
			c := env.Client()
			r := c.PostForm("/anmelden", secLoginForm("alpha", email, apptest.Password))
			if r.StatusCode != http.StatusSeeOther || r.Location() != "/anmelden/einrichten" {
				t.Fatalf("login: %d → %s", r.StatusCode, r.Location())
			}
			secCheckPending(t, env, f, c, "/anmelden/einrichten")
			pending := c.Cookie(secSessionCookie)

			secret, codes := secEnrol(t, env, env.Client(), email, apptest.Password)
			// The other half-finished login was for the same user; it must not have become full.
			replay := env.Client()
			replay.SetCookie(secSessionCookie, pending)
			if r := replay.Get("/start"); r.StatusCode == http.StatusOK {
				t.Fatal("a pending session became a full one")
			}

			// Now the second factor is asked for on every login.
			env.Clock.Advance(30 * time.Second)
			c = env.Client()
			r = c.PostForm("/anmelden", secLoginForm("alpha", email, apptest.Password))
			if r.StatusCode != http.StatusSeeOther || r.Location() != "/anmelden/zweiter-faktor" {
				t.Fatalf("login after enrolment: %d → %s", r.StatusCode, r.Location())
			}
			secCheckPending(t, env, f, c, "/anmelden/zweiter-faktor")
			mfaPending := c.Cookie(secSessionCookie)
			code := auth.TOTPCode(secret, env.Clock.Now())
			r = c.PostForm("/anmelden/zweiter-faktor", url.Values{"code": {code}})
			if r.StatusCode != http.StatusSeeOther || r.Location() != "/start" {
				t.Fatalf("second factor: %d → %s", r.StatusCode, r.Location())
			}
			if c.Cookie(secSessionCookie) == mfaPending {
				t.Fatal("the second factor kept the pending session id")
			}
			if r := c.Get("/start"); r.StatusCode != http.StatusOK {
				t.Fatalf("start after the second factor: %d", r.StatusCode)
			}
			replay = env.Client()
			replay.SetCookie(secSessionCookie, mfaPending)
			if r := replay.Get("/anmelden/zweiter-faktor"); r.StatusCode != http.StatusSeeOther || r.Location() != "/anmelden" {
				t.Fatalf("the pending session id still works after the second factor: %d → %s", r.StatusCode, r.Location())
			}

			// The same code is not accepted twice.
			c2 := env.Client()
			c2.PostForm("/anmelden", secLoginForm("alpha", email, apptest.Password))
			if r := c2.PostForm("/anmelden/zweiter-faktor", url.Values{"code": {code}}); r.StatusCode != http.StatusUnauthorized {
				t.Fatalf("replayed code: %d → %s", r.StatusCode, r.Location())
			}

			// A recovery code works once.
			env.Clock.Advance(30 * time.Second)
			c3 := env.Client()
			c3.PostForm("/anmelden", secLoginForm("alpha", email, apptest.Password))
			if r := c3.PostForm("/anmelden/zweiter-faktor", url.Values{"code": {strings.ToUpper(codes[0])}}); r.StatusCode != http.StatusSeeOther || r.Location() != "/start" {
				t.Fatalf("recovery code: %d → %s", r.StatusCode, r.Location())
			}
			c4 := env.Client()
			c4.PostForm("/anmelden", secLoginForm("alpha", email, apptest.Password))
			if r := c4.PostForm("/anmelden/zweiter-faktor", url.Values{"code": {codes[0]}}); r.StatusCode != http.StatusUnauthorized {
				t.Fatalf("reused recovery code: %d → %s", r.StatusCode, r.Location())
			}

			// Wrong codes are throttled like passwords: the fifth failure locks and ends the login.
			env.Clock.Advance(30 * time.Second)
			c5 := env.Client()
			c5.PostForm("/anmelden", secLoginForm("alpha", email, apptest.Password)) // a success clears the counter
			for i := 1; i <= 5; i++ {
				r := c5.PostForm("/anmelden/zweiter-faktor", url.Values{"code": {secWrongCode(secret, env.Clock.Now())}})
				want := http.StatusUnauthorized
				if i == 5 {
					want = http.StatusTooManyRequests
				}
				if r.StatusCode != want {
					t.Fatalf("wrong code %d: %d, want %d", i, r.StatusCode, want)
				}
			}
			if r := c5.Get("/anmelden/zweiter-faktor"); r.StatusCode != http.StatusSeeOther || r.Location() != "/anmelden" {
				t.Fatalf("the locked login continues: %d → %s", r.StatusCode, r.Location())
			}
			if r := env.Client().PostForm("/anmelden", secLoginForm("alpha", email, apptest.Password)); r.StatusCode != http.StatusTooManyRequests {
				t.Fatalf("password login during the lock: %d", r.StatusCode)
			}
			env.Clock.Advance(15*time.Minute + time.Second)
			c6 := env.Client()
			if r := c6.PostForm("/anmelden", secLoginForm("alpha", email, apptest.Password)); r.Location() != "/anmelden/zweiter-faktor" {
				t.Fatalf("login after the lock: %d → %s", r.StatusCode, r.Location())
			}
			if r := c6.PostForm("/anmelden/zweiter-faktor", url.Values{"code": {auth.TOTPCode(secret, env.Clock.Now())}}); r.Location() != "/start" {
				t.Fatalf("second factor after the lock: %d → %s", r.StatusCode, r.Location())
			}

			// Roles without personal data need no second factor.
			free := env.Client()
			free.Login(access.Coordinator)
		})
	}
}

// secCheckPending checks that a half-finished login reaches no staff page, no API route and
// changes nothing.
func secCheckPending(t *testing.T, env *apptest.Env, f *apptest.Fixtures, c *apptest.Client, step string) {
	t.Helper()
	// The first visit of the enrolment page stores the pending TOTP secret (see the report: a
	// write on GET, harmless because it is idempotent and only for the caller's own login).
	// From then on no request of a pending session may change anything.
	c.Get("/anmelden/einrichten")
	before := secDBState(t, env, false)
	for _, rt := range env.App.Router.Routes() {
		if rt.Access == web.Public || rt.Access == web.Pending && rt.Method != http.MethodGet {
			continue
		}
		p := secPath(rt, f)
		var r *apptest.Response
		if rt.Method == http.MethodGet {
			r = c.Get(p)
		} else {
			ct, body := secHostileBody(strings.HasPrefix(p, "/api/"), f)
			req := c.Request(rt.Method, p, strings.NewReader(body))
			req.Header.Set("Content-Type", ct)
			r = c.Do(req)
		}
		label := fmt.Sprintf("pending session %s %s", rt.Method, p)
		switch {
		case rt.Access == web.Pending:
			if r.StatusCode != http.StatusOK && (r.StatusCode != http.StatusSeeOther || r.Location() != step) {
				t.Errorf("%s: %d → %s", label, r.StatusCode, r.Location())
			}
		case strings.HasPrefix(p, "/api/"):
			if r.StatusCode != http.StatusUnauthorized {
				t.Errorf("%s: %d, want 401", label, r.StatusCode)
			}
		case rt.Access == web.Staff:
			if r.StatusCode != http.StatusSeeOther || r.Location() != step {
				t.Errorf("%s: %d → %s, want the login step %s", label, r.StatusCode, r.Location(), step)
			}
		default:
			if r.StatusCode < 300 {
				t.Errorf("%s: %d", label, r.StatusCode)
			}
		}
	}
	if ch := secChanged(before, secDBState(t, env, false)); len(ch) > 0 {
		t.Errorf("requests of a pending session changed %v", ch)
	}
	if r := c.Get("/"); r.StatusCode != http.StatusSeeOther {
		t.Errorf("GET / with a pending session: %d", r.StatusCode)
	}
}

// ---------------------------------------------------------------------------------------------
// Logs (LOG-03)
