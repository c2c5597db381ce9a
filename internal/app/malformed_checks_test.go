package app_test

// The checks of the malformed-input test (malformed_test.go): sending a request as its
// route's caller, judging the answer and the stored records.

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/PuerkitoBio/goquery"

	"kim/internal/apptest"
	"kim/internal/platform/access"
	"kim/internal/platform/db"
	"kim/internal/platform/web"
)

// --- sending and checking ---

// request builds a request for path (relative to the server) with an optional raw query.
func (p *prober) request(rt web.Route, path, query string, body []byte) *http.Request {
	if path == "" {
		path = rt.Path
	}
	if query != "" {
		path += "?" + query
	}
	var req *http.Request
	var err error
	if body == nil {
		req, err = http.NewRequest(rt.Method, p.env.URL+path, nil)
	} else {
		req, err = http.NewRequest(rt.Method, p.env.URL+path, strings.NewReader(string(body)))
	}
	if err != nil {
		p.t.Fatalf("%s: build request for %q: %v", rt.Pattern, path, err)
	}
	return req
}

// send sends req as route rt's caller and checks the answer: never a 5xx, the contract's error
// shape, German, no leaked error text, and no stored change when the request was refused.
// mustRefuse marks input that must never be stored: unless it is refused, the stored records
// must stay as they were (a route that ignores its body may answer 2xx or 3xx).
func (p *prober) send(rt web.Route, what string, req *http.Request, mustRefuse bool) *apptest.Response {
	p.t.Helper()
	c := p.client(rt)
	// Nothing the battery does between two requests changes what the snapshot counts, so the
	// snapshot after one request is the one before the next. Pages (GET) are not counted: they
	// may legitimately write (a login step starts its set-up), and skipping them keeps the
	// battery fast.
	before, after := "", ""
	if req.Method != http.MethodGet {
		if before = p.last; before == "" {
			before = p.snapshot()
		}
	}
	p.requests++
	r := c.Do(req)
	if req.Method != http.MethodGet {
		after = p.snapshot()
	}
	p.last = after
	label := fmt.Sprintf("%s %s [%s]", req.Method, shorten(req.URL.RequestURI()), what)
	if r.StatusCode >= 500 {
		p.t.Errorf("%s: status %d (route %s)\n%s", label, r.StatusCode, rt.Pattern, p.logFor(r))
	}
	if r.StatusCode >= 400 && before != after {
		p.t.Errorf("%s: refused with %d but changed stored records:\nbefore %s\nafter  %s", label, r.StatusCode, before, after)
	}
	if mustRefuse && r.StatusCode < 400 && before != after {
		p.t.Errorf("%s: invalid input accepted with %d and stored:\nbefore %s\nafter  %s", label, r.StatusCode, before, after)
	}
	p.checkBody(label, req, r)
	if !strings.HasSuffix(req.URL.Path, "/openapi.json") {
		p.learn(r) // the API description's keys are schema words, not fields
	}
	if r.StatusCode == http.StatusUnauthorized || r.StatusCode == http.StatusTooManyRequests {
		// Failed logins of the battery must not lock the next case out of the login code.
		p.exec("DELETE FROM login_throttle")
	}
	return r
}

func shorten(s string) string {
	if len(s) > 120 {
		return s[:100] + "…(" + fmt.Sprint(len(s)) + " bytes)"
	}
	return s
}

var (
	dataURL    = regexp.MustCompile(`data:[^"]*`)
	secretText = regexp.MustCompile(`<p class="secret"[^>]*>[^<]*</p>`)
)

// leaks are texts of Go, driver and database errors that must never reach a user.
var leaks = []string{"sql:", "pq:", "pgx", "SQLSTATE", "sqlite", "SQL logic error", "constraint failed", "violates",
	"runtime error", "goroutine ", "panic:", "nil pointer", "invalid memory address", "json: ", "strconv.", "http: request body too large"}

func (p *prober) checkBody(label string, req *http.Request, r *apptest.Response) {
	p.t.Helper()
	body := string(r.Body)
	if r.StatusCode >= 400 {
		// Inline images (the QR code of the second-factor set-up) and shown secrets are random
		// base64 or base32 that may contain any of the words; they are not error text.
		text := secretText.ReplaceAllString(dataURL.ReplaceAllString(body, "data:"), "")
		for _, l := range leaks {
			if strings.Contains(strings.ToLower(text), strings.ToLower(l)) {
				p.t.Errorf("%s: error answer %d shows %q:\n%s", label, r.StatusCode, l, shorten(body))
			}
		}
	}
	ct := r.Header.Get("Content-Type")
	switch {
	case web.IsAPI(req) && r.StatusCode >= 400:
		var e struct {
			Error *struct {
				Code    string            `json:"code"`
				Message string            `json:"message"`
				Fields  map[string]string `json:"fields"`
			} `json:"error"`
		}
		if err := json.Unmarshal(r.Body, &e); err != nil || e.Error == nil || e.Error.Message == "" ||
			!strings.HasPrefix(ct, "application/json") || !validCode(e.Error.Code, r.StatusCode) {
			p.t.Errorf("%s: API error %d is not the contract's error JSON (%s): %s", label, r.StatusCode, ct, shorten(body))
			return
		}
		if !p.isGerman(e.Error.Message) {
			p.t.Errorf("%s: API error message is not German: %q", label, e.Error.Message)
		}
		for f, m := range e.Error.Fields {
			if !p.isGerman(m) {
				p.t.Errorf("%s: field message of %q is not German: %q", label, f, m)
			}
		}
	case strings.HasPrefix(ct, "text/html") && r.StatusCode >= 400:
		doc, err := goquery.NewDocumentFromReader(strings.NewReader(body))
		if err != nil {
			p.t.Errorf("%s: error page is not HTML: %v", label, err)
			return
		}
		if lang, _ := doc.Find("html").Attr("lang"); lang != "de" {
			p.t.Errorf("%s: error page %d is in language %q, want German", label, r.StatusCode, lang)
		}
		if msg := strings.TrimSpace(doc.Find("main p").First().Text()); messageID.MatchString(msg) {
			p.t.Errorf("%s: error page shows the message id %q instead of a text", label, msg)
		}
	case r.StatusCode >= 400 && !strings.HasPrefix(req.URL.Path, "/static/") && req.URL.Path != "/metrics" && req.URL.Path != "/readyz":
		// Static files, metrics and the readiness probe answer machines in plain text or JSON.
		p.t.Errorf("%s: error %d answered with %q instead of an error page", label, r.StatusCode, ct)
	}
}

// messageID is an untranslated catalogue id such as "error.not_found".
var messageID = regexp.MustCompile(`^[a-z_]+(\.[a-z_]+)+$`)

// validCode reports whether an API error code is one of the contract's and fits the status.
func validCode(code string, status int) bool {
	want := map[int][]string{500: {"internal"}, 400: {"invalid"}, 405: {"invalid"}, 413: {"invalid"}, 422: {"invalid"}, 401: {"unauthorized"},
		403: {"forbidden"}, 404: {"not_found"}, 409: {"conflict"}, 429: {"unauthorized"}}
	for _, c := range want[status] {
		if c == code {
			return true
		}
	}
	return false
}

// logFor returns the log lines of the answer's request (to explain a 500).
func (p *prober) logFor(r *apptest.Response) string {
	id := r.Header.Get("X-Request-Id")
	var out []string
	for _, line := range strings.Split(p.env.Logs.String(), "\n") {
		if id != "" && strings.Contains(line, id) {
			out = append(out, line)
		}
	}
	return strings.Join(out, "\n")
}

// germanPatterns turns the German catalogue into patterns (template fields match anything).
func germanPatterns(ids []string, tr func(string, ...any) string) []*regexp.Regexp {
	field := regexp.MustCompile(`<no value>|\{\{[^}]*\}\}`)
	var out []*regexp.Regexp
	for _, id := range ids {
		s := tr(id)
		if s == id {
			continue
		}
		parts := field.Split(s, -1)
		for i := range parts {
			parts[i] = regexp.QuoteMeta(parts[i])
		}
		out = append(out, regexp.MustCompile(`^`+strings.Join(parts, `.*`)+`$`))
	}
	return out
}

func (p *prober) isGerman(msg string) bool {
	for _, re := range p.german {
		if re.MatchString(msg) {
			return true
		}
	}
	return false
}

// learn collects the form fields of HTML pages and the JSON keys and values of API answers.
func (p *prober) learn(r *apptest.Response) {
	if r.StatusCode != http.StatusOK {
		return
	}
	ct := r.Header.Get("Content-Type")
	switch {
	case strings.HasPrefix(ct, "text/html"):
		doc, err := goquery.NewDocumentFromReader(strings.NewReader(string(r.Body)))
		if err != nil {
			return
		}
		doc.Find(`form[method="post"]`).Each(func(_ int, form *goquery.Selection) {
			action, _ := form.Attr("action")
			action, _, _ = strings.Cut(action, "?")
			form.Find("[name]").Each(func(_ int, s *goquery.Selection) {
				if name, _ := s.Attr("name"); name != "" {
					p.formFields[name] = true
					if !slices.Contains(p.actions[action], name) {
						p.actions[action] = append(p.actions[action], name)
					}
				}
			})
		})
	case strings.HasPrefix(ct, "application/json"):
		var v any
		if json.Unmarshal(r.Body, &v) == nil {
			p.collect(v)
		}
	}
}

func (p *prober) collect(v any) {
	switch x := v.(type) {
	case map[string]any:
		for k, val := range x {
			if _, seen := p.samples[k]; !seen && val != nil {
				p.samples[k] = val
			}
			p.collect(val)
		}
	case []any:
		for _, val := range x {
			p.collect(val)
		}
	}
}

// --- stored records ---

// snapshot summarises the stored records a refused request must not touch.
func (p *prober) snapshot() string {
	var n [22]int64
	ptrs := make([]any, len(n))
	for i := range n {
		ptrs[i] = &n[i]
	}
	err := p.env.DB().Read(context.Background(), func(tx *db.Tx) error {
		return tx.QueryRowContext(context.Background(), `SELECT
			(SELECT count(*) FROM tenants), (SELECT COALESCE(sum(version), 0) FROM tenants), (SELECT count(disabled_at) FROM tenants),
			(SELECT count(*) FROM organisations), (SELECT COALESCE(sum(version), 0) FROM organisations),
			(SELECT count(*) FROM locations), (SELECT COALESCE(sum(version), 0) FROM locations),
			(SELECT count(*) FROM districts), (SELECT COALESCE(sum(version), 0) FROM districts),
			(SELECT count(*) FROM quarters), (SELECT COALESCE(sum(version), 0) FROM quarters),
			(SELECT count(*) FROM users), (SELECT COALESCE(sum(version), 0) FROM users), (SELECT count(password_hash) FROM users),
			(SELECT count(disabled_at) FROM users), (SELECT count(totp_pending) FROM users), (SELECT count(totp_secret) FROM users),
			(SELECT count(activation_hash) FROM users),
			(SELECT count(*) FROM api_tokens), (SELECT count(revoked_at) FROM api_tokens),
			(SELECT count(*) FROM recovery_codes), (SELECT count(used_at) FROM recovery_codes)`).Scan(ptrs...)
	})
	if err != nil {
		p.t.Fatalf("snapshot: %v", err)
	}
	return fmt.Sprintf("tenants %d/v%d/off%d orgs %d/v%d locations %d/v%d districts %d/v%d quarters %d/v%d users %d/v%d/pw%d/off%d/totp%d+%d/act%d tokens %d/rev%d codes %d/used%d",
		n[0], n[1], n[2], n[3], n[4], n[5], n[6], n[7], n[8], n[9], n[10], n[11], n[12], n[13], n[14], n[15], n[16], n[17], n[18], n[19], n[20], n[21])
}

func (p *prober) exec(query string, args ...any) {
	err := p.env.DB().Write(context.Background(), func(tx *db.Tx) error {
		_, err := tx.ExecContext(context.Background(), query, args...)
		return err
	})
	if err != nil {
		p.t.Fatalf("%s: %v", query, err)
	}
}

// checkStoredData looks at what the battery left in the database: no record of tenant A
// points into tenant B, no role was escalated, and no stored text is overlong, invalid UTF-8
// or carries control characters.
func (p *prober) checkStoredData() {
	t, f := p.t, p.fx
	ctx := context.Background()
	count := func(query string, args ...any) int {
		var n int
		err := p.env.DB().Read(ctx, func(tx *db.Tx) error { return tx.QueryRowContext(ctx, query, args...).Scan(&n) })
		if err != nil {
			t.Fatalf("%s: %v", query, err)
		}
		return n
	}
	if n := count(`SELECT count(*) FROM locations WHERE tenant_id = $1 AND (organisation_id = $2 OR district_id = $3 OR quarter_id = $4)`,
		f.TenantA.ID, f.OrgB1.ID, f.DistrictB.ID, f.QuarterB.ID); n != 0 {
		t.Errorf("%d locations of tenant A refer to records of tenant B", n)
	}
	if n := count(`SELECT count(*) FROM users WHERE tenant_id = $1 AND organisation_id = $2`, f.TenantA.ID, f.OrgB1.ID); n != 0 {
		t.Errorf("%d users of tenant A belong to an organisation of tenant B", n)
	}
	if n := count(`SELECT count(*) FROM users WHERE role = $1`, string(access.PlatformAdmin)); n != 1 {
		t.Errorf("%d platform administrators after the battery, want the fixture's 1", n)
	}
	for _, q := range []string{
		"SELECT slug || '|' || name FROM tenants",
		"SELECT name || '|' || short_name || '|' || type || '|' || dp_regime || '|' || email || '|' || phone || '|' || website FROM organisations",
		"SELECT name || '|' || street || '|' || postcode || '|' || city || '|' || languages || '|' || phone || '|' || email FROM locations",
		"SELECT name || '|' || code FROM districts",
		"SELECT name FROM quarters",
		"SELECT name || '|' || email || '|' || role || '|' || language FROM users",
		"SELECT name FROM api_tokens",
	} {
		err := p.env.DB().Read(ctx, func(tx *db.Tx) error {
			rows, err := tx.QueryContext(ctx, q)
			if err != nil {
				return err
			}
			defer rows.Close()
			for rows.Next() {
				var s string
				if err := rows.Scan(&s); err != nil {
					return err
				}
				if !cleanStored(s) {
					t.Errorf("stored text from %q is overlong, invalid UTF-8 or has control characters: %q", q, shorten(s))
				}
			}
			return rows.Err()
		})
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
}

func cleanStored(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, part := range strings.Split(s, "|") {
		if utf8.RuneCountInString(part) > 400 {
			return false
		}
	}
	for _, r := range s {
		if unicode.IsControl(r) || r == utf8.RuneError {
			return false
		}
	}
	return true
}
