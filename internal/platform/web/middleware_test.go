package web

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"

	"kim/internal/platform/access"
	"kim/internal/platform/errs"
	"kim/internal/platform/i18n"
	"kim/internal/platform/reqid"
)

func TestBaseBelievesForwardedHeadersOnlyFromTrustedProxies(t *testing.T) {
	trusted := prefixes(t, "10.0.0.0/8", "fd00::/8")
	for _, tc := range []struct {
		name      string
		trusted   []netip.Prefix
		remote    string
		xff, xfp  string
		tls       bool
		wantIP    string
		wantHTTPS bool
	}{
		{"direct, nothing trusted", nil, "203.0.113.5:4711", "", "", false, "203.0.113.5", false},
		{"spoofed by an untrusted peer", nil, "203.0.113.5:4711", "198.51.100.7", "https", false, "203.0.113.5", false},
		{"spoofed by a peer outside the trusted range", trusted, "203.0.113.5:4711", "198.51.100.7", "https", false, "203.0.113.5", false},
		{"trusted proxy", trusted, "10.1.2.3:80", "198.51.100.7", "https", false, "198.51.100.7", true},
		{"trusted proxy, client-supplied entries ignored", trusted, "10.1.2.3:80", "1.2.3.4, 198.51.100.7", "HTTPS", false, "198.51.100.7", true},
		{"trusted proxy, plain http", trusted, "10.1.2.3:80", "198.51.100.7", "http", false, "198.51.100.7", false},
		{"trusted proxy, garbage address", trusted, "10.1.2.3:80", "not-an-address", "", false, "10.1.2.3", false},
		{"trusted proxy over IPv6", trusted, "[fd00::1]:80", "2001:db8::7", "https", false, "2001:db8::7", true},
		{"IPv4-mapped trusted peer", trusted, "[::ffff:10.1.2.3]:80", "198.51.100.7", "https", false, "198.51.100.7", true},
		{"TLS directly", nil, "203.0.113.5:4711", "", "", true, "203.0.113.5", true},
	} {
		var got Client
		var id string
		h := Base(tc.trusted, nil)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			got = ClientFrom(r.Context())
			id = reqid.From(r.Context())
		}))
		r := httptest.NewRequest(http.MethodGet, "http://kim.example/", nil)
		r.RemoteAddr = tc.remote
		if tc.xff != "" {
			r.Header.Set("X-Forwarded-For", tc.xff)
		}
		if tc.xfp != "" {
			r.Header.Set("X-Forwarded-Proto", tc.xfp)
		}
		if tc.tls {
			r.TLS = &tls.ConnectionState{}
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		if got.IP != tc.wantIP || got.HTTPS != tc.wantHTTPS {
			t.Errorf("%s: client %+v, want IP %s HTTPS %v", tc.name, got, tc.wantIP, tc.wantHTTPS)
		}
		if got.Local {
			t.Errorf("%s: kim.example counted as a loopback host", tc.name)
		}
		if id == "" || rec.Header().Get("X-Request-Id") != id {
			t.Errorf("%s: request id %q, header %q", tc.name, id, rec.Header().Get("X-Request-Id"))
		}
	}
}

func TestBaseLoopbackHostAndRequestIDs(t *testing.T) {
	seen := map[string]bool{}
	for host, local := range map[string]bool{"localhost:8080": true, "127.0.0.1:8080": true, "127.0.0.1": true, "[::1]:8080": true,
		"kim.example": false, "10.0.0.1:80": false, "localhost.evil.example": false} {
		var c Client
		h := Base(nil, nil)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { c = ClientFrom(r.Context()) }))
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		r.Host = host
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		if c.Local != local {
			t.Errorf("host %q: Local = %v", host, c.Local)
		}
		if IsSecure(r.WithContext(context.WithValue(r.Context(), clientKey{}, c))) != local {
			t.Errorf("host %q: IsSecure mismatch", host)
		}
		id := rec.Header().Get("X-Request-Id")
		if len(id) < 16 || seen[id] {
			t.Errorf("request id %q short or repeated", id)
		}
		seen[id] = true
	}
}

func TestHeaders(t *testing.T) {
	for _, tc := range []struct {
		path      string
		https     bool
		wantCache string
	}{
		{"/start", false, "no-store"},
		{"/start", true, "no-store"},
		{"/static/kim.css", false, ""},
		{"/api/v1/me", false, "no-store"},
	} {
		h := Headers(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
		r := httptest.NewRequest(http.MethodGet, tc.path, nil)
		r = r.WithContext(context.WithValue(r.Context(), clientKey{}, Client{HTTPS: tc.https}))
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		hd := rec.Header()
		if hd.Get("Content-Security-Policy") != CSP || hd.Get("X-Content-Type-Options") != "nosniff" ||
			hd.Get("Referrer-Policy") != "no-referrer" || hd.Get("X-Frame-Options") != "DENY" ||
			hd.Get("Cross-Origin-Opener-Policy") != "same-origin" || hd.Get("Cross-Origin-Resource-Policy") != "same-origin" {
			t.Errorf("%s: headers %v", tc.path, hd)
		}
		if got := hd.Get("Cache-Control"); got != tc.wantCache {
			t.Errorf("%s: Cache-Control %q, want %q", tc.path, got, tc.wantCache)
		}
		hsts := hd.Get("Strict-Transport-Security")
		if tc.https && hsts != "max-age=31536000; includeSubDomains" || !tc.https && hsts != "" {
			t.Errorf("%s (https=%v): HSTS %q", tc.path, tc.https, hsts)
		}
	}
	for _, d := range []string{"default-src 'self'", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'", "form-action 'self'", "script-src 'self'"} {
		if !strings.Contains(CSP, d) {
			t.Errorf("CSP lacks %q", d)
		}
	}
	if strings.Contains(CSP, "unsafe-inline") || strings.Contains(CSP, "unsafe-eval") || strings.Contains(CSP, "*") {
		t.Errorf("CSP allows unsafe sources: %s", CSP)
	}
}

func TestObserveRecoversPanics(t *testing.T) {
	var logs bytes.Buffer
	log := slog.New(slog.NewJSONHandler(&logs, nil))
	failed := ""
	h := Chain(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		panic("secret detail from the handler")
	}), Base(nil, nil), Observe(log, nil, func(w http.ResponseWriter, r *http.Request) {
		failed = reqid.From(r.Context())
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = io.WriteString(w, "generic error "+failed)
	}))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/boom", nil))
	id := rec.Header().Get("X-Request-Id")
	if rec.Code != http.StatusInternalServerError || failed != id || rec.Body.String() != "generic error "+id {
		t.Fatalf("status %d, body %q, request id %q/%q", rec.Code, rec.Body.String(), failed, id)
	}
	if !strings.Contains(logs.String(), `"msg":"panic"`) || !strings.Contains(logs.String(), id) {
		t.Fatalf("the panic was not logged with its request id: %s", logs.String())
	}
}

func TestLanguagePrecedence(t *testing.T) {
	for _, tc := range []struct {
		name     string
		query    string
		cookie   string
		identity string
		accept   string
		want     string
		sets     bool
	}{
		{"default", "", "", "", "", "de", false},
		{"accept-language", "", "", "", "tr-TR,tr;q=0.9,en;q=0.5", "tr", false},
		{"accept-language regional", "", "", "", "en-GB", "en", false},
		{"accept-language unsupported", "", "", "", "fr-FR, ja", "de", false},
		{"identity beats accept-language", "", "", "en", "tr", "en", false},
		{"cookie beats identity", "", "uk", "en", "tr", "uk", false},
		{"query beats cookie", "lang=ar", "uk", "en", "tr", "ar", true},
		{"unsupported query ignored", "lang=xx", "uk", "en", "tr", "uk", false},
		{"unsupported cookie ignored", "", "xx", "en", "tr", "en", false},
		{"identity with unsupported language ignored", "", "", "xx", "ru", "ru", false},
		{"query without anything else", "lang=fa", "", "", "", "fa", true},
	} {
		var got string
		h := Language(i18n.Public)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { got = LangFrom(r.Context()) }))
		if tc.identity != "" {
			inner := h
			h = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				id := &Identity{Actor: access.Actor{UserID: "u", Language: tc.identity}, Via: "session", Stage: "full"}
				inner.ServeHTTP(w, r.WithContext(WithIdentity(r.Context(), id)))
			})
		}
		r := httptest.NewRequest(http.MethodGet, "/?"+tc.query, nil)
		if tc.cookie != "" {
			r.AddCookie(&http.Cookie{Name: langCookie, Value: tc.cookie})
		}
		if tc.accept != "" {
			r.Header.Set("Accept-Language", tc.accept)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		if got != tc.want {
			t.Errorf("%s: language %q, want %q", tc.name, got, tc.want)
		}
		var set *http.Cookie
		for _, c := range rec.Result().Cookies() {
			if c.Name == langCookie {
				set = c
			}
		}
		if tc.sets != (set != nil) {
			t.Errorf("%s: language cookie set = %v, want %v", tc.name, set != nil, tc.sets)
		}
		if set != nil && (set.Value != tc.want || !set.HttpOnly || set.SameSite != http.SameSiteLaxMode || set.Path != "/") {
			t.Errorf("%s: language cookie %+v", tc.name, set)
		}
	}
	if LangFrom(context.Background()) != "de" {
		t.Error("LangFrom without a language must default to German")
	}
}

// ---------------------------------------------------------------------------------------------
// Router

func TestRouterRecordsRoutesAndAnswersUnmatched(t *testing.T) {
	var guarded []Access
	rt := NewRouter(func(a Access) func(http.Handler) http.Handler {
		return func(next http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				guarded = append(guarded, a)
				next.ServeHTTP(w, r)
			})
		}
	})
	ok := func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) }
	rt.Handle("POST /b", Staff, ok)
	rt.Handle("GET /b", Staff, ok)
	rt.Handle("GET /a/{id}", Token, ok)
	rt.Mount("GET /static/", http.HandlerFunc(ok))
	var unmatched []int
	rt.Unmatched = func(w http.ResponseWriter, r *http.Request, status int) {
		unmatched = append(unmatched, status)
		w.WriteHeader(status)
	}
	routes := rt.Routes()
	want := []string{"GET /a/{id}", "GET /b", "POST /b", "GET /static/"}
	if len(routes) != len(want) {
		t.Fatalf("routes %v", routes)
	}
	for i, r := range routes {
		if r.Pattern != want[i] {
			t.Errorf("route %d = %s, want %s", i, r.Pattern, want[i])
		}
	}
	if routes[0].Access != Token || routes[0].Access.String() != "token" || routes[3].Access != Public {
		t.Errorf("access modes %v", routes)
	}
	serve := func(method, path string) *httptest.ResponseRecorder {
		rec := httptest.NewRecorder()
		rt.ServeHTTP(rec, httptest.NewRequest(method, path, nil))
		return rec
	}
	if rec := serve(http.MethodGet, "/a/1"); rec.Code != http.StatusNoContent || len(guarded) != 1 || guarded[0] != Token {
		t.Fatalf("GET /a/1: %d, guards %v", rec.Code, guarded)
	}
	if rec := serve(http.MethodGet, "/nowhere"); rec.Code != http.StatusNotFound {
		t.Fatalf("unknown path: %d", rec.Code)
	}
	rec := serve(http.MethodDelete, "/b")
	if rec.Code != http.StatusMethodNotAllowed || !strings.Contains(rec.Header().Get("Allow"), "GET") || !strings.Contains(rec.Header().Get("Allow"), "POST") {
		t.Fatalf("DELETE /b: %d, Allow %q", rec.Code, rec.Header().Get("Allow"))
	}
	if len(unmatched) != 2 || unmatched[0] != 404 || unmatched[1] != 405 {
		t.Fatalf("unmatched handler saw %v", unmatched)
	}
	defer func() {
		if recover() == nil {
			t.Fatal("a pattern without method was accepted")
		}
	}()
	rt.Handle("/c", Public, ok)
}

func TestStatusMapping(t *testing.T) {
	v := errs.Validation{}
	v.Add("name", "validation.required")
	for _, tc := range []struct {
		err  error
		want int
	}{
		{errs.E(errs.Invalid, "x"), 400},
		{v.Err(), 422},
		{errs.E(errs.Unauthorized, "x"), 401},
		{errs.ErrForbidden, 403},
		{errs.ErrNotFound, 404},
		{errs.E(errs.Conflict, "x"), 409},
		{errTooLarge, 413},
		{errors.New("database on fire"), 500},
	} {
		if got := Status(tc.err); got != tc.want {
			t.Errorf("Status(%v) = %d, want %d", tc.err, got, tc.want)
		}
	}
}
