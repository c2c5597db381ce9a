package app_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"

	"kim/internal/platform/ids"
	"kim/internal/platform/web"
)

// The inputs of the malformed-input test (malformed_test.go).

const (
	overlong = 10000        // characters in an overlong field
	tooLarge = 1<<20 + 4096 // bytes in a body over the 1 MiB limit
)

// knownFormFields are the fields the forms use; the battery adds every field it finds on the
// pages it visits.
var knownFormFields = []string{"name", "short_name", "type", "data_protection_regime", "kim_carrier", "email", "phone", "website",
	"version", "organisation_id", "street", "postcode", "city", "district_id", "quarter_id", "opening_hours", "languages",
	"step_free", "quarter_name", "code", "slug", "first_organisation", "disabled", "role", "language", "password",
	"current_password", "new_password", "repeat_password", "token_name", "token_days", "session", "tenant", "next", "status"}

// base returns a plausible value for a field, so that a case that breaks one aspect reaches
// the validation behind it. Passwords are wrong, versions stale and nothing is disabled, so
// that no case can take over or lock an account of the battery.
func (p *prober) base(field string) string {
	p.seq++ // unique names, so that a case is not refused only as a duplicate
	switch field {
	case "email":
		return fmt.Sprintf("malformed-%d@example.org", p.seq)
	case "phone":
		return "0212 123456"
	case "website":
		return "https://example.org"
	case "postcode":
		return "42651"
	case "type":
		return "welfare"
	case "data_protection_regime":
		return "gdpr_bdsg"
	case "kim_carrier", "step_free":
		return "1"
	case "disabled":
		return ""
	case "version":
		return "9999"
	case "organisation_id":
		return p.fx.OrgA1.ID
	case "district_id":
		return p.fx.DistrictA.ID
	case "quarter_id":
		return p.fx.QuarterA.ID
	case "languages", "language":
		return "de"
	case "code":
		return "123456"
	case "slug":
		return fmt.Sprintf("malformed-%d", p.seq)
	case "role":
		return "case_manager"
	case "password", "current_password":
		return "falsches-Passwort-1"
	case "new_password", "repeat_password":
		return "Neues-Passwort-2026!"
	case "token_days":
		return "30"
	case "session":
		return "0123456789abcdef"
	case "tenant":
		return p.gamma.Slug
	case "next":
		return "/start"
	case "status":
		return "active"
	}
	return fmt.Sprintf("Malformed Test %d", p.seq)
}

// text returns changed for a free-text field (one whose base value is a name) and base for
// every field with a format of its own, so that only the text reaches the check behind it.
func (p *prober) text(field, base, changed string) string {
	if strings.HasPrefix(base, "Malformed Test") {
		return changed
	}
	return base
}

var (
	enumFields = map[string]string{"type": "raumschiff", "data_protection_regime": "keins", "role": "gott", "languages": "xx",
		"language": "xx", "status": "unbekannt"}
	refFields = []string{"organisation_id", "district_id", "quarter_id"}
)

func (p *prober) foreignRef(field string) string {
	switch field {
	case "organisation_id":
		return p.fx.OrgB1.ID
	case "district_id":
		return p.fx.DistrictB.ID
	}
	return p.fx.QuarterB.ID
}

// fields returns the known form fields in a stable order.
func (p *prober) fields() []string {
	out := make([]string, 0, len(p.formFields))
	for f := range p.formFields {
		out = append(out, f)
	}
	sort.Strings(out)
	return out
}

// form returns the plausible form with every field set by fn (nil: the base value).
func (p *prober) form(fn func(field, base string) string) url.Values {
	v := url.Values{}
	for _, f := range p.fields() {
		b := p.base(f)
		if fn != nil {
			b = fn(f, b)
		}
		v.Set(f, b)
	}
	return v
}

func (p *prober) formWith(set map[string]string) url.Values {
	v := p.form(nil)
	for k, x := range set {
		v.Set(k, x)
	}
	return v
}

// baseline checks that the plausible base form is accepted where it is complete, so that the
// cases built on it reach the checks behind the one thing they break.
func (p *prober) baseline() {
	want := map[string]int{
		"POST /verwaltung/organisationen":               http.StatusSeeOther,
		"POST /verwaltung/standorte":                    http.StatusSeeOther,
		"POST /verwaltung/bezirke":                      http.StatusSeeOther,
		"POST /verwaltung/benutzer":                     http.StatusOK,
		"POST /plattform/mandanten":                     http.StatusSeeOther,
		"POST /plattform/mandanten/{id}/administration": http.StatusOK,
		"POST /konto/tokens":                            http.StatusOK,
	}
	for _, rt := range p.env.App.Router.Routes() {
		status, ok := want[rt.Pattern]
		if !ok {
			continue
		}
		delete(want, rt.Pattern)
		req := p.request(rt, p.bodyPath(rt), "", []byte(p.form(nil).Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if r := p.send(rt, "valid base form", req, false); r.StatusCode != status {
			p.t.Errorf("%s with the valid base form: status %d, want %d", rt.Pattern, r.StatusCode, status)
		}
	}
	for pattern := range want {
		p.t.Errorf("baseline route %s is not registered", pattern)
	}
}

// --- path ids ---

func (p *prober) idBattery(rt web.Route) {
	type idCase struct {
		what, id string
		refuse   bool
	}
	var cases []idCase
	switch wildcard(rt.Path) {
	case "":
		return
	case "/":
		cases = []idCase{{"missing file", "gibt-es-nicht.css", true}, {"dot-dot", "..%2f..%2fetc%2fpasswd", true},
			{"control bytes", "%00%ff%fe", true}, {"overlong", strings.Repeat("a", 4000), true},
			{"unicode", url.PathEscape("ünïcødé-имя-اسم-🙂"), true}}
	default:
		tg, _ := p.target(rt.Path)
		cases = []idCase{
			{"not a UUID", "kein-uuid", true},
			{"other tenant's record", tg.foreign, !tg.foreignVisible},
			{"random UUID", ids.New(), true},
			{"nil UUID", "00000000-0000-0000-0000-000000000000", true},
			{"overlong", strings.Repeat("a", 4000), true},
			{"percent-encoded garbage", "%00%ff%fe%c0%af", true},
			{"dot-dot", "..%2f..%2f" + tg.own, true},
			{"unicode", url.PathEscape("ünïcødé-имя-اسم-🙂"), true},
			{"SQL", url.PathEscape(tg.own + "' OR '1'='1"), true},
			{"upper case", strings.ToUpper(tg.own), false},
		}
		if rt.Method != http.MethodGet && p.bodyPath(rt) != p.ownPath(rt) {
			// An action on a record (delete, revoke, reset) must not reach the own record.
			cases = cases[:len(cases)-1]
		}
	}
	for _, c := range cases {
		var body []byte
		ct := ""
		switch {
		case rt.Method == http.MethodGet || rt.Method == http.MethodDelete:
		case isAPI(rt.Path):
			body, ct = []byte(`{}`), "application/json"
		default:
			body, ct = []byte(p.form(nil).Encode()), "application/x-www-form-urlencoded"
		}
		req := p.request(rt, routePath(rt, c.id), "", body)
		if ct != "" {
			req.Header.Set("Content-Type", ct)
		}
		r := p.send(rt, "id: "+c.what, req, c.refuse)
		if c.refuse && (r.StatusCode < 400 || r.StatusCode >= 500) {
			p.t.Errorf("%s with %s id: status %d, want 4xx", rt.Pattern, c.what, r.StatusCode)
		}
	}
}

// --- query strings ---

func (p *prober) queryBattery(rt web.Route) {
	long := strings.Repeat("x", overlong)
	for _, q := range []string{
		"", // learn the page's forms and fields
		"page=999999999999999999999&size=999999999999999999999",
		"page=999999&size=100",
		"page=-1&size=-5",
		"page=0&size=0&dir=seitwärts",
		"page=abc&size=1e3",
		"sort=name%3BDROP%20TABLE%20users&dir=desc",
		"sort=" + strings.Repeat("s", 300) + "&dir=" + long,
		"q=" + long,
		"q=a" + strings.Repeat("%C3%BC", 150), // cut at 200 bytes falls inside a character
		"q=%FF%FE%00%C0%AF",
		"q=%25_%5C%27%22",
		"q=a&q=b&page=1&page=2&sort=name&sort=type&size=1&size=2",
		"from=2026-13-45&to=2026-02-30",
		"from=0001-01-01&to=9999-12-31",
		"from=&to=abc&actor=kein-uuid&object_id=%FF&action=%00&outcome=%FF",
		"actor=" + ids.New() + "&object_id=" + p.fx.OrgB1.ID + "&action=auth.&outcome=denied",
		"organisation_id=kein-uuid&district_id=%FF&language=%00&type=%FF&role=%FF&status=%FF&step_free=2",
		"organisation_id=" + p.fx.OrgB1.ID + "&district_id=" + p.fx.DistrictB.ID + "&role=platform_admin&type=welfare",
		"lang=xx",
		"lang=%FF",
		"next=%2F%2Fevil.example&abgelaufen=%FF",
		"code=%FF&state=" + long + "&error=access_denied",
		"%zz=1&=&&==&a=%",
	} {
		p.send(rt, "query", p.request(rt, p.ownPath(rt), q, nil), false)
	}
}

// --- form bodies ---

type bodyCase struct {
	what        string
	contentType string
	body        []byte
	refuse      bool // all input is invalid: nothing may be stored
}

func urlencoded(what string, v url.Values, refuse bool) bodyCase {
	return bodyCase{what, "application/x-www-form-urlencoded", []byte(v.Encode()), refuse}
}

func (p *prober) formCases() []bodyCase {
	long := strings.Repeat("x", overlong)
	multi := &bytes.Buffer{}
	mw := multipart.NewWriter(multi)
	for k, vs := range p.form(nil) {
		_ = mw.WriteField(k, vs[0])
	}
	_ = mw.Close()
	refs := map[string]string{}
	garbageRefs := map[string]string{}
	for _, f := range refFields {
		refs[f] = p.foreignRef(f)
		garbageRefs[f] = "kein-uuid\x00"
	}
	huge := p.form(nil)
	huge.Set("name", strings.Repeat("x", tooLarge))
	return []bodyCase{
		{"empty body", "application/x-www-form-urlencoded", []byte{}, false},
		{"no content type", "", []byte(p.form(nil).Encode()), false},
		urlencoded("missing fields", url.Values{"unbekannt": {"1"}}, false),
		urlencoded("every field overlong", p.form(func(string, string) string { return long }), true),
		urlencoded("every field overlong multibyte", p.form(func(string, string) string { return strings.Repeat("ü", overlong/2) + "\xc3" }), true),
		urlencoded("invalid UTF-8", p.form(func(_, b string) string { return b + "\xff\xfe" }), true),
		urlencoded("control characters", p.form(func(_, b string) string { return "\x00" + b + "\x01\x1b[2J\u202e\x7f" }), false),
		urlencoded("control characters in text", p.form(func(f, b string) string { return p.text(f, b, "\x00"+b+"\x01\x1b[2J\x7f") }), false),
		urlencoded("only NUL", p.form(func(string, string) string { return "\x00" }), true),
		urlencoded("whitespace only", p.form(func(string, string) string { return " \t\r\n\u00a0 " }), true),
		urlencoded("wrong types", p.formWith(map[string]string{"version": "abc", "token_days": "abc", "kim_carrier": "vielleicht",
			"step_free": "2", "disabled": "jein"}), false),
		urlencoded("negative numbers", p.formWith(map[string]string{"version": "-5", "token_days": "-5"}), false),
		urlencoded("huge numbers", p.formWith(map[string]string{"version": "99999999999999999999", "token_days": "1000000000"}), false),
		urlencoded("exponent numbers", p.formWith(map[string]string{"version": "2147483648", "token_days": "1e9"}), false),
		urlencoded("unknown enum values", p.formWith(enumFields), false),
		urlencoded("other tenant's references", p.formWith(refs), false),
		urlencoded("garbage references", p.formWith(garbageRefs), false),
		urlencoded("privilege escalation", p.formWith(map[string]string{"role": "platform_admin", "email": "escalate@example.org"}), false),
		urlencoded("repeated fields", url.Values{"name": {"a", "b"}, "version": {"1", "2"}, "role": {"case_manager", "platform_admin"},
			"languages": {"de", "de", "xx"}, "token_days": {"1", "-1"}}, false),
		{"malformed encoding", "application/x-www-form-urlencoded", []byte("%zz=%%&name=%&=&&=="), true},
		{"multipart body", mw.FormDataContentType(), multi.Bytes(), false},
		{"JSON to a form", "application/json", []byte(`{"name": "Malformed Test"}`), false},
		{"wrong content type", "text/plain; charset=utf-8", []byte(p.form(nil).Encode()), false},
		{"broken content type", "multipart/form-data; boundary=", []byte("--\r\n"), true},
		{"body over the limit", "application/x-www-form-urlencoded", []byte(huge.Encode()), true},
	}
}

func (p *prober) formBattery(rt web.Route) {
	path := p.bodyPath(rt)
	for _, c := range p.formCases() {
		p.sendBody(rt, path, c)
	}
	// One field at a time, so that no other invalid field stops the request before it.
	for _, f := range p.actions[path] {
		p.sendBody(rt, path, urlencoded("control characters in "+f, p.formWith(map[string]string{f: "\x00" + p.base(f) + "\x01\x1b[2J"}), false))
	}
}

func (p *prober) sendBody(rt web.Route, path string, c bodyCase) {
	req := p.request(rt, path, "", c.body)
	if c.contentType != "" {
		req.Header.Set("Content-Type", c.contentType)
	}
	r := p.send(rt, c.what, req, c.refuse)
	if len(c.body) > tooLarge-1 {
		if r.StatusCode < 400 && r.StatusCode != http.StatusSeeOther {
			p.t.Errorf("%s with a body over the limit: status %d, want 413 or another 4xx", rt.Pattern, r.StatusCode)
		}
		if h := p.anon.Get("/healthz"); h.StatusCode != http.StatusOK {
			p.t.Fatalf("%s: server unhealthy after a body over the limit: %d", rt.Pattern, h.StatusCode)
		}
	}
}

// --- JSON bodies ---

// jsonFields finds the input fields of an API route: for each candidate name it sends a
// nested object in its place; a known field answers with a type error, an unknown one with
// "unknown field". Every probe is itself a malformed request.
func (p *prober) jsonFields(rt web.Route, path string) []string {
	unknown := p.env.App.Renderer.Catalogue().Localizer("de").T("validation.unknown_field")
	cands := map[string]bool{}
	for f := range p.formFields {
		cands[f] = true
	}
	for k := range p.samples {
		cands[k] = true
	}
	var names []string
	for k := range cands {
		names = append(names, k)
	}
	sort.Strings(names)
	var out []string
	for _, k := range names {
		body, _ := json.Marshal(map[string]any{k: map[string]any{"verschachtelt": map[string]any{"tief": []any{1, nil}}}})
		r := p.send(rt, "nested object in "+k, jsonRequest(p.request(rt, path, "", body)), true)
		var e struct {
			Error struct {
				Fields map[string]string `json:"fields"`
			} `json:"error"`
		}
		_ = json.Unmarshal(r.Body, &e)
		if m, ok := e.Error.Fields[k]; ok && m != unknown {
			out = append(out, k)
		}
	}
	return out
}

func jsonRequest(req *http.Request) *http.Request {
	req.Header.Set("Content-Type", "application/json")
	return req
}

// kind returns the JSON type of a field as the API answers show it ("bool", "number",
// "array", "string" or "object"), or by its name when no answer showed it.
func (p *prober) kind(field string) string {
	switch p.samples[field].(type) {
	case bool:
		return "bool"
	case float64:
		return "number"
	case []any:
		return "array"
	case string:
		return "string"
	case nil:
		switch field {
		case "kim_carrier", "step_free", "disabled":
			return "bool"
		case "version":
			return "number"
		case "languages":
			return "array"
		}
		return "string"
	default:
		return "object"
	}
}

// object builds a JSON object over fields; fn gives each field's value (nil fn: base values).
func (p *prober) object(fields []string, fn func(field, kind string, base any) any) map[string]any {
	m := map[string]any{}
	for _, f := range fields {
		var b any
		switch k := p.kind(f); k {
		case "bool":
			b = false
		case "number":
			b = 9999
		case "array":
			b = []string{p.base(f)}
		default:
			b = p.base(f)
		}
		if fn != nil {
			b = fn(f, p.kind(f), b)
		}
		m[f] = b
	}
	return m
}

func (p *prober) jsonCases(fields []string) []bodyCase {
	enc := func(v any) []byte {
		b, err := json.Marshal(v)
		if err != nil {
			p.t.Fatal(err)
		}
		return b
	}
	base := p.object(fields, nil)
	with := func(set map[string]any) []byte {
		m := p.object(fields, nil)
		for k, v := range set {
			if _, ok := m[k]; ok {
				m[k] = v
			}
		}
		return enc(m)
	}
	strs := func(fn func(s string) any) []byte {
		return enc(p.object(fields, func(_, kind string, b any) any {
			switch kind {
			case "string":
				return fn(b.(string))
			case "array":
				return []any{fn(b.([]string)[0])}
			}
			return b
		}))
	}
	raw := func(s string) []byte { return []byte(s) }
	js := "application/json"
	long := strings.Repeat("x", overlong)
	enums, refs, garbage := map[string]any{}, map[string]any{}, map[string]any{}
	for k, v := range enumFields {
		enums[k] = v
		if k == "languages" {
			enums[k] = []string{"de", v}
		}
	}
	for _, f := range refFields {
		refs[f] = p.foreignRef(f)
		garbage[f] = "kein-uuid\u0000"
	}
	var wrong []byte
	{
		m := p.object(fields, func(_, kind string, _ any) any {
			switch kind {
			case "bool":
				return "ja"
			case "number":
				return "abc"
			case "array":
				return "de"
			}
			return 123
		})
		wrong = enc(m)
	}
	withUnknown := p.object(fields, nil)
	withUnknown["gibt_es_nicht"] = 1
	cases := []bodyCase{
		{"not JSON", js, raw("das ist kein JSON"), true},
		{"null", js, raw("null"), false},
		{"array", js, raw("[]"), true},
		{"string", js, raw(`"ein Text"`), true},
		{"number", js, raw("42"), true},
		{"empty object", js, raw("{}"), false},
		{"nested objects", js, enc(p.object(fields, func(string, string, any) any { return map[string]any{"a": map[string]any{"b": []any{}}} })), true},
		{"unknown field", js, enc(withUnknown), true},
		{"trailing garbage", js, append(enc(base), raw(" garbage")...), true},
		{"two objects", js, append(enc(base), enc(base)...), true},
		{"deep nesting", js, raw(strings.Repeat("[", 100000) + strings.Repeat("]", 100000)), true},
		{"deep nesting in a field", js, raw(`{"name":` + strings.Repeat(`{"a":`, 20000) + "1" + strings.Repeat("}", 20000) + "}"), true},
		{"version out of range", js, raw(`{"version": 1e400}`), true},
		{"version too big", js, raw(`{"version": 99999999999999999999}`), true},
		{"version past int32", js, with(map[string]any{"version": 2147483648}), false},
		{"version negative", js, with(map[string]any{"version": -1}), false},
		{"version fraction", js, raw(`{"version": 1.5}`), true},
		{"every field overlong", js, strs(func(string) any { return long }), true},
		{"wrong types", js, wrong, true},
		{"unknown enum values", js, with(enums), false},
		{"other tenant's references", js, with(refs), false},
		{"garbage references", js, with(garbage), false},
		{"privilege escalation", js, with(map[string]any{"role": "platform_admin", "email": "escalate@example.org"}), false},
		{"NUL and control characters", js, strs(func(s string) any { return "\u0000" + s + "\u0001\u001b[2J\u202e" }), false},
		{"control characters in text", js, enc(p.object(fields, func(f, _ string, b any) any {
			if s, ok := b.(string); ok {
				return p.text(f, s, "\u0000"+s+"\u0001\u001b[2J\u007f")
			}
			return b
		})), false},
		{"invalid UTF-8", js, bytes.ReplaceAll(enc(base), []byte("Malformed"), []byte("Mal\xff\xfeformed")), false},
		{"byte order mark", js, append([]byte("\xef\xbb\xbf"), enc(base)...), true},
		{"duplicate keys", js, raw(`{"name": "a", "name": "b"}`), false},
		{"empty body", js, []byte{}, true},
		{"no content type", "", enc(base), true},
		{"wrong content type", "text/plain", enc(base), true},
		{"form content type", "application/x-www-form-urlencoded", []byte(p.form(nil).Encode()), true},
		{"JSON with parameters", "application/json; charset=latin1; x=\"", enc(base), false},
		{"body over the limit", js, enc(map[string]any{"name": strings.Repeat("x", tooLarge)}), true},
	}
	return cases
}

func (p *prober) jsonBattery(rt web.Route) {
	path := p.bodyPath(rt)
	fields := p.jsonFields(rt, path)
	for _, c := range p.jsonCases(fields) {
		p.sendBody(rt, path, c)
	}
	for _, f := range fields {
		body, _ := json.Marshal(p.object(fields, func(g, _ string, b any) any {
			if s, ok := b.(string); ok && g == f {
				return "\u0000" + s + "\u0001\u001b[2J"
			}
			return b
		}))
		p.sendBody(rt, path, bodyCase{"control characters in " + f, "application/json", body, false})
	}
}

// --- methods and unknown paths ---

func (p *prober) methodBattery(rt web.Route, registered []string) {
	if registered[0] != rt.Method {
		return // once per path
	}
	var method string
	for _, m := range []string{http.MethodPut, http.MethodPatch, http.MethodDelete, http.MethodPost} {
		if !slices.Contains(registered, m) {
			method = m
			break
		}
	}
	if method == "" {
		return
	}
	path := p.ownPath(rt)
	req := p.request(web.Route{Method: method, Path: rt.Path}, path, "", []byte("name=x"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r := p.send(rt, "method "+method, req, true)
	if r.StatusCode != http.StatusMethodNotAllowed || r.Header.Get("Allow") == "" {
		p.t.Errorf("%s %s (registered %v): status %d, Allow %q; want 405 with Allow", method, rt.Path, registered, r.StatusCode, r.Header.Get("Allow"))
	}
}

func (p *prober) unmatched() {
	for _, path := range []string{"/gibt-es-nicht", "/api/v1/gibt-es-nicht", "/verwaltung/organisationen/a/b/c", "/%00", "/api/v1/%FF"} {
		rt := web.Route{Method: http.MethodGet, Path: path, Access: web.Public}
		r := p.send(rt, "unknown path", p.request(rt, path, "", nil), true)
		if r.StatusCode != http.StatusNotFound {
			p.t.Errorf("GET %s: status %d, want 404", path, r.StatusCode)
		}
	}
}

func isAPI(path string) bool { return strings.HasPrefix(path, "/api/") }
