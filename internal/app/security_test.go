package app_test

import (
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/netip"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"kim/internal/accounts"
	"kim/internal/app"
	"kim/internal/apptest"
	"kim/internal/platform/access"
	"kim/internal/platform/auth"
	"kim/internal/platform/db"
	"kim/internal/platform/ids"
	"kim/internal/platform/web"
)

// These tests check the security mechanisms of the whole application from the outside, on every
// route the router knows (catalogue sections A, B, E and G of reference/security-and-privacy.md).

const secSessionCookie = "__Host-kim_session"

const secEvilOrigin = "https://evil.example"

// ---------------------------------------------------------------------------------------------
// Helpers

// secPath turns a route pattern into a request path, with fixture ids for the wildcards
// (records of the caller's own tenant, so that the pages render). A wildcard after an unknown
// segment gets a random id, so that routes added later are still requested (and answer 404).
func secPath(rt web.Route, f *apptest.Fixtures) string {
	if rt.Path == "/{$}" {
		return "/"
	}
	if strings.HasSuffix(rt.Path, "/") {
		return rt.Path + "kim.css"
	}
	segs := strings.Split(rt.Path, "/")
	for i, s := range segs {
		if strings.HasPrefix(s, "{") {
			segs[i] = secFixtureID(segs[i-1], f)
		}
	}
	return strings.Join(segs, "/")
}

func secFixtureID(collection string, f *apptest.Fixtures) string {
	switch collection {
	case "benutzer", "users":
		return f.Users[access.CaseManager].ID
	case "organisationen", "organisations":
		return f.OrgA1.ID
	case "standorte", "locations":
		return f.LocA1.ID
	case "bezirke", "districts":
		return f.DistrictA.ID
	case "quartiere", "quarters":
		return f.QuarterA.ID
	case "mandanten", "tenants":
		return f.TenantA.ID
	}
	return ids.New()
}

type secCaller struct {
	name string
	c    *apptest.Client
}

// secCallers returns an anonymous client, a logged-in client per role and API token clients.
func secCallers(env *apptest.Env, f *apptest.Fixtures) []secCaller {
	out := []secCaller{{"anonymous", env.Client()}}
	for _, role := range access.Roles {
		c := env.Client()
		c.Login(role)
		out = append(out, secCaller{"session " + string(role), c})
	}
	for _, role := range []access.Role{access.TenantAdmin, access.PlatformAdmin, access.DataProtectionOfficer, access.CaseManager} {
		c := env.Client()
		c.Token = f.Tokens[role]
		out = append(out, secCaller{"token " + string(role), c})
	}
	return out
}

// secDBState returns a hash per table of the whole database content. With volatile set, the audit
// trail and the activity times of sessions and API tokens are left out (a GET may record those).
func secDBState(t testing.TB, env *apptest.Env, volatile bool) map[string]string {
	t.Helper()
	w, _ := env.DB().Pools()
	var q string
	if env.DB().Engine() == db.Postgres {
		q = "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
	} else {
		q = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
	}
	tables := secQueryStrings(t, w, q)
	if len(tables) < 10 {
		t.Fatalf("only %d tables found: %v", len(tables), tables)
	}
	skipTable := map[string]bool{"audit_log": volatile, "audit_heads": volatile}
	skipColumn := map[string]bool{}
	if volatile {
		skipColumn["sessions.last_seen_at"] = true
		skipColumn["api_tokens.last_used_at"] = true
	}
	out := map[string]string{}
	for _, table := range tables {
		if skipTable[table] {
			continue
		}
		rows, err := w.Query("SELECT * FROM " + table)
		if err != nil {
			t.Fatalf("read %s: %v", table, err)
		}
		cols, _ := rows.Columns()
		var lines []string
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			var b strings.Builder
			for i, c := range cols {
				if skipColumn[table+"."+c] {
					continue
				}
				switch v := vals[i].(type) {
				case []byte:
					fmt.Fprintf(&b, "%s=%x;", c, v)
				case time.Time:
					fmt.Fprintf(&b, "%s=%s;", c, v.UTC().Format(time.RFC3339Nano))
				default:
					fmt.Fprintf(&b, "%s=%v;", c, v)
				}
			}
			lines = append(lines, b.String())
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		rows.Close()
		sort.Strings(lines)
		sum := sha256.Sum256([]byte(strings.Join(lines, "\n")))
		out[table] = hex.EncodeToString(sum[:])
	}
	return out
}

func secQueryStrings(t testing.TB, conn *sql.DB, q string, args ...any) []string {
	t.Helper()
	rows, err := conn.Query(q, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	return out
}

func secChanged(before, after map[string]string) []string {
	var out []string
	for k, v := range after {
		if before[k] != v {
			out = append(out, k)
		}
	}
	for k := range before {
		if _, ok := after[k]; !ok {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

func secCount(t testing.TB, env *apptest.Env, q string, args ...any) int {
	t.Helper()
	w, _ := env.DB().Pools()
	var n int
	if err := w.QueryRow(q, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// secCheckHeaders checks the headers every response must carry (WEB-01).
func secCheckHeaders(t *testing.T, label, path string, r *apptest.Response) {
	t.Helper()
	h := r.Header
	for name, want := range map[string]string{
		"Content-Security-Policy":      web.CSP,
		"X-Content-Type-Options":       "nosniff",
		"Referrer-Policy":              "no-referrer",
		"X-Frame-Options":              "DENY",
		"Cross-Origin-Opener-Policy":   "same-origin",
		"Cross-Origin-Resource-Policy": "same-origin",
	} {
		if got := h.Values(name); len(got) != 1 || got[0] != want {
			t.Errorf("%s: %s = %q, want %q", label, name, got, want)
		}
	}
	if !strings.Contains(h.Get("Content-Security-Policy"), "frame-ancestors 'none'") {
		t.Errorf("%s: CSP without frame-ancestors 'none'", label)
	}
	if !strings.HasPrefix(path, "/static/") && h.Get("Cache-Control") != "no-store" {
		t.Errorf("%s: Cache-Control %q, want no-store", label, h.Get("Cache-Control"))
	}
	for _, name := range []string{"Server", "X-Powered-By", "X-AspNet-Version", "Strict-Transport-Security"} {
		if v := h.Get(name); v != "" {
			t.Errorf("%s: %s = %q must not be sent", label, name, v)
		}
	}
	if h.Get("X-Request-Id") == "" {
		t.Errorf("%s: no request id", label)
	}
	if len(r.Body) > 0 {
		ct := h.Get("Content-Type")
		if ct == "" {
			t.Errorf("%s: body without Content-Type", label)
		}
		if (strings.HasPrefix(ct, "text/") || strings.Contains(ct, "json")) && !strings.Contains(strings.ToLower(ct), "charset=utf-8") {
			t.Errorf("%s: Content-Type %q without charset", label, ct)
		}
	}
	secCheckCookies(t, label, r)
}

// secCheckCookies checks the attributes of every cookie a response sets (SESS-06).
func secCheckCookies(t *testing.T, label string, r *apptest.Response) {
	t.Helper()
	for _, raw := range r.Header.Values("Set-Cookie") {
		c, err := http.ParseSetCookie(raw)
		if err != nil {
			t.Errorf("%s: unparsable Set-Cookie %q", label, raw)
			continue
		}
		if !c.HttpOnly || !c.Secure || c.SameSite != http.SameSiteLaxMode && c.SameSite != http.SameSiteStrictMode ||
			c.Path != "/" || c.Domain != "" {
			t.Errorf("%s: cookie %q lacks HttpOnly, Secure, SameSite, Path=/ or has a Domain", label, raw)
		}
		if strings.Contains(c.Name, "session") && c.Name != secSessionCookie {
			t.Errorf("%s: session cookie %q without the __Host- prefix on a secure (loopback) origin", label, c.Name)
		}
		if c.Name == secSessionCookie && c.Value != "" && (c.MaxAge > 0 || !c.Expires.IsZero()) {
			t.Errorf("%s: the session cookie outlives the browser: %q", label, raw)
		}
	}
}

// secRawDo sends a request without the browser defaults of apptest.Client (no Sec-Fetch-Site),
// carrying c's session cookie or token.
func secRawDo(t *testing.T, env *apptest.Env, c *apptest.Client, method, path, contentType, body string, header map[string]string) *apptest.Response {
	t.Helper()
	req, err := http.NewRequest(method, env.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if v := c.Cookie(secSessionCookie); v != "" {
		req.AddCookie(&http.Cookie{Name: secSessionCookie, Value: v})
	}
	if c.Token != "" {
		req.Header.Set("Authorization", "Bearer "+c.Token)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	hc := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return &apptest.Response{Response: resp, Body: b}
}

func secLoginForm(tenant, email, password string) url.Values {
	return url.Values{"tenant": {tenant}, "email": {email}, "password": {password}}
}

// ---------------------------------------------------------------------------------------------
// Every route

// TestEveryGETRouteHasSecurityHeadersAndChangesNothing requests every GET route as every kind
// of caller: each response carries the security headers and safe cookies (WEB-01, SESS-06),
// and no GET changes the database apart from the audit trail and activity times (WEB-02).
func TestEveryGETRouteHasSecurityHeadersAndChangesNothing(t *testing.T) {
	for _, e := range apptest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			env := apptest.New(t, e, apptest.Options{})
			f := env.Seed()
			cs := secCallers(env, f)
			var paths []string
			for _, rt := range env.App.Router.Routes() {
				if rt.Method == http.MethodGet {
					paths = append(paths, secPath(rt, f))
				}
			}
			if len(paths) < 30 {
				t.Fatalf("only %d GET routes", len(paths))
			}
			// Unmatched paths and methods get the same headers.
			paths = append(paths, "/gibt-es-nicht", "/static/gibt-es-nicht.css", "/api/v1/gibt-es-nicht", "/.git/HEAD", "/go.mod")
			before := secDBState(t, env, true)
			ok := 0
			for _, p := range paths {
				for _, cl := range cs {
					// Time moves on, so that a write of the current time would show as a change.
					env.Clock.Advance(time.Second)
					r := cl.c.Get(p)
					label := cl.name + " GET " + p
					secCheckHeaders(t, label, p, r)
					if r.StatusCode == http.StatusOK {
						ok++
					}
					if r.StatusCode >= 500 {
						t.Errorf("%s: status %d", label, r.StatusCode)
					}
					after := secDBState(t, env, true)
					if ch := secChanged(before, after); len(ch) > 0 {
						t.Errorf("%s changed the database: %v", label, ch)
					}
					before = after
				}
			}
			if ok < len(paths) {
				t.Fatalf("only %d successful responses: the crawl did not reach the pages", ok)
			}
			// Nothing but the embedded assets is served (WEB-06).
			for _, p := range []string{"/gibt-es-nicht", "/.git/HEAD", "/go.mod", "/main.go", "/config.toml", "/kim.key", "/kim-data/kim.db",
				"/static/", "/static/../go.mod", "/static/%2e%2e/go.mod", "/static/templates/layout.html"} {
				r := cs[0].c.Get(p)
				for hops := 0; hops < 3 && r.StatusCode >= 300 && r.StatusCode < 400; hops++ {
					r = cs[0].c.Get(r.Location())
				}
				if r.StatusCode != http.StatusNotFound {
					t.Errorf("GET %s: %d", p, r.StatusCode)
				}
			}
			// A method the route does not have: 405 with headers.
			r := cs[0].c.Do(cs[0].c.Request(http.MethodPut, "/anmelden", nil))
			if r.StatusCode != http.StatusMethodNotAllowed {
				t.Errorf("PUT /anmelden: %d", r.StatusCode)
			}
			secCheckHeaders(t, "PUT /anmelden", "/anmelden", r)
			r = cs[0].c.Do(cs[0].c.Request("TRACE", "/anmelden", nil))
			if r.StatusCode != http.StatusMethodNotAllowed {
				t.Errorf("TRACE /anmelden: %d", r.StatusCode)
			}
		})
	}
}

// secHostileBody is a request body that would change data on most routes, had it been accepted.
func secHostileBody(api bool, f *apptest.Fixtures) (string, string) {
	if api {
		return "application/json", `{"name":"Angriff","email":"angriff@evil.example","role":"tenant_admin","organisation_id":"` +
			f.OrgA1.ID + `","type":"club","data_protection_regime":"gdpr_bdsg","slug":"evil","code":"99","disabled":true,"version":1}`
	}
	v := url.Values{"name": {"Angriff"}, "email": {"angriff@evil.example"}, "role": {"tenant_admin"}, "organisation_id": {f.OrgA1.ID},
		"type": {"club"}, "data_protection_regime": {"gdpr_bdsg"}, "slug": {"evil"}, "code": {"99"}, "disabled": {"1"},
		"version": {"1"}, "language": {"en"}, "token_name": {"evil"}, "first_organisation": {"Evil"}, "tenant": {"alpha"},
		"password": {apptest.Password}, "current_password": {apptest.Password}, "new_password": {"Ganz neues Passwort 2026"},
		"repeat_password": {"Ganz neues Passwort 2026"}}
	return "application/x-www-form-urlencoded", v.Encode()
}

// TestCrossOriginRequestsAreRefused sends every state-changing route a request as a browser
// would from another site: with Sec-Fetch-Site: cross-site or same-site, or (older browsers)
// with a foreign Origin only. Each is refused with 403 and the database stays exactly as it was
// (WEB-02).
func TestCrossOriginRequestsAreRefused(t *testing.T) {
	for _, e := range apptest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			env := apptest.New(t, e, apptest.Options{})
			f := env.Seed()
			var cs []secCaller
			for _, role := range []access.Role{access.TenantAdmin, access.PlatformAdmin} {
				c := env.Client()
				c.Login(role)
				cs = append(cs, secCaller{"session " + string(role), c})
				tc := env.Client()
				tc.Token = f.Tokens[role]
				cs = append(cs, secCaller{"token " + string(role), tc})
			}
			anon := env.Client()
			cs = append(cs, secCaller{"anonymous", anon})
			n := 0
			before := secDBState(t, env, false)
			for _, rt := range env.App.Router.Routes() {
				if rt.Method == http.MethodGet || rt.Method == http.MethodHead {
					continue
				}
				p := secPath(rt, f)
				ct, body := secHostileBody(strings.HasPrefix(p, "/api/"), f)
				for _, cl := range cs {
					for _, hdr := range []map[string]string{
						{"Sec-Fetch-Site": "cross-site", "Origin": secEvilOrigin},
						{"Sec-Fetch-Site": "cross-site"},
						{"Sec-Fetch-Site": "same-site", "Origin": "https://sub.evil.example"},
						{"Origin": secEvilOrigin},
						{"Origin": "null"},
					} {
						label := fmt.Sprintf("%s %s %s %v", cl.name, rt.Method, p, hdr)
						r := secRawDo(t, env, cl.c, rt.Method, p, ct, body, hdr)
						if r.StatusCode != http.StatusForbidden {
							t.Errorf("%s: status %d, want 403", label, r.StatusCode)
						}
						secCheckHeaders(t, label, p, r)
						n++
					}
				}
				after := secDBState(t, env, false)
				if ch := secChanged(before, after); len(ch) > 0 {
					t.Errorf("cross-origin %s %s changed %v", rt.Method, p, ch)
				}
				before = after
			}
			if n < 100 {
				t.Fatalf("only %d cross-origin requests sent", n)
			}
			// Control: the same request from the same origin does change data, so the checks
			// above were able to see a change.
			ct, body := secHostileBody(false, f)
			r := secRawDo(t, env, cs[0].c, http.MethodPost, "/verwaltung/bezirke", ct, body, map[string]string{"Sec-Fetch-Site": "same-origin"})
			if r.StatusCode != http.StatusSeeOther {
				t.Fatalf("same-origin control request: %d", r.StatusCode)
			}
			if ch := secChanged(before, secDBState(t, env, false)); !slices.Contains(ch, "districts") {
				t.Fatalf("same-origin control request changed %v, want districts", ch)
			}
			// Without any fetch metadata or Origin (API clients, curl) the request is allowed.
			before = secDBState(t, env, false)
			ct, body = secHostileBody(true, f)
			r = secRawDo(t, env, cs[1].c, http.MethodPost, "/api/v1/districts", ct, `{"name":"Ohne Herkunft"}`, nil)
			if r.StatusCode != http.StatusCreated {
				t.Fatalf("API request without Origin: %d %s", r.StatusCode, r.Body)
			}
			_ = body
			if ch := secChanged(before, secDBState(t, env, false)); !slices.Contains(ch, "districts") {
				t.Fatalf("API control request changed %v", ch)
			}
		})
	}
}

// TestHSTSOnlyBehindTrustedTLSProxy: HSTS is sent only when the request came over TLS, here
// through a trusted proxy that says so; a client cannot claim it (WEB-01, AUTH-07).
func TestHSTSOnlyBehindTrustedTLSProxy(t *testing.T) {
	loopback := []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")}
	for _, e := range apptest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			trusting := apptest.New(t, e, apptest.Options{Configure: func(c *app.Config) { c.TrustedProxies = loopback }})
			plain := apptest.New(t, e, apptest.Options{})
			for _, tc := range []struct {
				name string
				env  *apptest.Env
				xfp  string
				want bool
			}{
				{"trusted proxy, https", trusting, "https", true},
				{"trusted proxy, http", trusting, "http", false},
				{"trusted proxy, no header", trusting, "", false},
				{"untrusted peer claims https", plain, "https", false},
			} {
				for _, p := range []string{"/anmelden", "/static/kim.css", "/gibt-es-nicht"} {
					hdr := map[string]string{}
					if tc.xfp != "" {
						hdr["X-Forwarded-Proto"] = tc.xfp
					}
					r := secRawDo(t, tc.env, tc.env.Client(), http.MethodGet, p, "", "", hdr)
					got := r.Header.Get("Strict-Transport-Security")
					if tc.want && got != "max-age=31536000; includeSubDomains" || !tc.want && got != "" {
						t.Errorf("%s, GET %s: HSTS %q", tc.name, p, got)
					}
				}
			}
		})
	}
}

// TestClientAddressFromTrustedProxiesOnly: the address throttle counts the real client. A peer
// that is not a trusted proxy cannot escape it by sending a new X-Forwarded-For each time; behind
// a trusted proxy, different clients are counted apart (AUTH-07).
func TestClientAddressFromTrustedProxiesOnly(t *testing.T) {
	loopback := []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")}
	for _, e := range apptest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			for _, tc := range []struct {
				name    string
				trusted []netip.Prefix
				locks   bool
			}{
				{"untrusted peer", nil, true},
				{"trusted proxy", loopback, false},
			} {
				env := apptest.New(t, e, apptest.Options{Configure: func(c *app.Config) { c.TrustedProxies = tc.trusted }})
				env.Seed()
				limit := auth.DefaultAddressThrottle.MaxFailures
				var last *apptest.Response
				for i := 0; i < limit; i++ {
					// A new e-mail address each time, so that only the address throttle can lock.
					form := secLoginForm("alpha", fmt.Sprintf("nobody%d@alpha.example", i), "Falsches Passwort 123")
					last = secRawDo(t, env, env.Client(), http.MethodPost, "/anmelden", "application/x-www-form-urlencoded", form.Encode(),
						map[string]string{"X-Forwarded-For": fmt.Sprintf("198.51.100.%d", i+1)})
					if i < limit-1 && last.StatusCode != http.StatusUnauthorized {
						t.Fatalf("%s: attempt %d answered %d", tc.name, i+1, last.StatusCode)
					}
				}
				if got := last.StatusCode == http.StatusTooManyRequests; got != tc.locks {
					t.Errorf("%s: after %d failures from rotating X-Forwarded-For: status %d", tc.name, limit, last.StatusCode)
				}
			}
		})
	}
}

// ---------------------------------------------------------------------------------------------
// Login

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
