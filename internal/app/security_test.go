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
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

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
	skipTable := map[string]bool{"audit_log": volatile, "audit_heads": volatile, "monitoring_releases": volatile}
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
// and no GET changes the database apart from the audit trail, activity times and the register
// of monitoring releases (a page that shows figures records their publication) (WEB-02).
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
