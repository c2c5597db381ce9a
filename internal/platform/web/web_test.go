package web

import (
	"bytes"
	"encoding/csv"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"

	"kim/internal/platform/errs"
)

// ---------------------------------------------------------------------------------------------
// Lists

func listOf(rawQuery string, sorts ...string) ListQuery {
	return ParseList(httptest.NewRequest(http.MethodGet, "/x?"+rawQuery, nil), sorts...)
}

func TestParseListBounds(t *testing.T) {
	sorts := []string{"name", "email", "role"}
	for _, tc := range []struct {
		query      string
		page, size int
		sort       string
		desc       bool
	}{
		{"", 1, DefaultPageSize, "name", false},
		{"page=3&size=10", 3, 10, "name", false},
		{"page=0", 1, DefaultPageSize, "name", false},
		{"page=-4", 1, DefaultPageSize, "name", false},
		{"page=abc", 1, DefaultPageSize, "name", false},
		{"page=999999", 999999, DefaultPageSize, "name", false},
		{"page=1000000", 1, DefaultPageSize, "name", false},
		{"page=99999999999999999999", 1, DefaultPageSize, "name", false},
		{"size=0", 1, DefaultPageSize, "name", false},
		{"size=-1", 1, DefaultPageSize, "name", false},
		{"size=100", 1, MaxPageSize, "name", false},
		{"size=101", 1, MaxPageSize, "name", false},
		{"size=1000000", 1, MaxPageSize, "name", false},
		{"sort=email", 1, DefaultPageSize, "email", false},
		{"sort=role&dir=desc", 1, DefaultPageSize, "role", true},
		{"sort=role&dir=DESC", 1, DefaultPageSize, "role", true},
		{"sort=role&dir=asc", 1, DefaultPageSize, "role", false},
		{"sort=role&dir=sideways", 1, DefaultPageSize, "role", false},
		{"sort=password_hash", 1, DefaultPageSize, "name", false},
		{"sort=name%3B+DROP+TABLE+users", 1, DefaultPageSize, "name", false},
		{"sort=EMAIL", 1, DefaultPageSize, "name", false},
	} {
		q := listOf(tc.query, sorts...)
		if q.Page != tc.page || q.Size != tc.size || q.Sort != tc.sort || q.Desc != tc.desc {
			t.Errorf("%q: got page=%d size=%d sort=%q desc=%v, want %d %d %q %v", tc.query, q.Page, q.Size, q.Sort, q.Desc,
				tc.page, tc.size, tc.sort, tc.desc)
		}
		if q.Offset() != (q.Page-1)*q.Size {
			t.Errorf("%q: offset %d", tc.query, q.Offset())
		}
	}
	if q := listOf("sort=email"); q.Sort != "" {
		t.Errorf("without allowed sorts the sort key must stay empty, got %q", q.Sort)
	}
}

func TestParseListSearchText(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", ""},
		{"  Müller  ", "Müller"},
		{"a\x00b\x1bc\x7fd", "abcd"},
		{strings.Repeat("x", 500), strings.Repeat("x", 200)},
	} {
		q := listOf("q=" + url.QueryEscape(tc.in))
		if q.Q != tc.want {
			t.Errorf("q=%q: got %q, want %q", tc.in, q.Q, tc.want)
		}
	}
	// Trimming must never cut a character in half: PostgreSQL refuses invalid UTF-8.
	for _, in := range []string{"a" + strings.Repeat("ä", 250), strings.Repeat("€", 300), "ab" + strings.Repeat("🙂", 250)} {
		q := listOf("q=" + url.QueryEscape(in))
		if !utf8.ValidString(q.Q) {
			t.Errorf("q of %d bytes trimmed to invalid UTF-8", len(in))
		}
		if n := utf8.RuneCountInString(q.Q); n != 200 || !strings.HasPrefix(in, q.Q) {
			t.Errorf("q trimmed to %d characters (%q)", n, q.Q)
		}
	}
}

func TestOrderBy(t *testing.T) {
	cols := map[string]string{"name": "lower(u.name)", "email": "u.email"}
	if got := listOf("sort=email&dir=desc", "name", "email").OrderBy(cols, "u.id"); got != "u.email DESC, u.id DESC" {
		t.Errorf("OrderBy = %q", got)
	}
	if got := listOf("", "name").OrderBy(cols, "u.id"); got != "lower(u.name) ASC, u.id ASC" {
		t.Errorf("OrderBy = %q", got)
	}
	if got := (ListQuery{Sort: "unknown"}).OrderBy(cols, "u.id"); got != "u.id ASC, u.id ASC" {
		t.Errorf("OrderBy with an unmapped key = %q", got)
	}
}

func TestPager(t *testing.T) {
	r := httptest.NewRequest(http.MethodGet, "/verwaltung/benutzer?q=m%C3%BCller&role=team_lead&page=2&size=10&sort=email", nil)
	q := ParseList(r, "name", "email")
	p := NewPager(q, 35, r)
	if p.Pages() != 4 || p.First() != 11 || p.Last() != 20 || !p.HasPrev() || !p.HasNext() {
		t.Fatalf("pages=%d first=%d last=%d prev=%v next=%v", p.Pages(), p.First(), p.Last(), p.HasPrev(), p.HasNext())
	}
	link := parseLink(t, p.Link(3))
	for k, want := range map[string]string{"q": "müller", "role": "team_lead", "page": "3", "size": "10", "sort": "email"} {
		if link.Get(k) != want {
			t.Errorf("Link(3): %s=%q, want %q (%s)", k, link.Get(k), want, p.Link(3))
		}
	}

	// Sorting by the current ascending key toggles to descending and starts at page 1.
	s := parseLink(t, p.SortLink("email"))
	if s.Get("sort") != "email" || s.Get("dir") != "desc" || s.Has("page") || s.Get("q") != "müller" || s.Get("role") != "team_lead" {
		t.Errorf("SortLink(current asc) = %s", p.SortLink("email"))
	}
	// Another key sorts ascending.
	s = parseLink(t, p.SortLink("name"))
	if s.Get("sort") != "name" || s.Has("dir") || s.Has("page") {
		t.Errorf("SortLink(other) = %s", p.SortLink("name"))
	}
	// The current descending key toggles back to ascending.
	r2 := httptest.NewRequest(http.MethodGet, "/x?sort=email&dir=desc&page=3", nil)
	p2 := NewPager(ParseList(r2, "name", "email"), 100, r2)
	s = parseLink(t, p2.SortLink("email"))
	if s.Get("sort") != "email" || s.Has("dir") || s.Has("page") {
		t.Errorf("SortLink(current desc) = %s", p2.SortLink("email"))
	}
	if p2.AriaSort("email") != "descending" || p2.AriaSort("name") != "none" || p.AriaSort("email") != "ascending" {
		t.Error("AriaSort")
	}

	empty := NewPager(listOf(""), 0, httptest.NewRequest(http.MethodGet, "/x", nil))
	if empty.Pages() != 1 || empty.First() != 0 || empty.Last() != 0 || empty.HasPrev() || empty.HasNext() {
		t.Errorf("empty pager: pages=%d first=%d last=%d", empty.Pages(), empty.First(), empty.Last())
	}
	last := NewPager(listOf("page=4&size=10"), 35, httptest.NewRequest(http.MethodGet, "/x?page=4&size=10", nil))
	if last.Last() != 35 || last.HasNext() {
		t.Errorf("last page: last=%d next=%v", last.Last(), last.HasNext())
	}
}

func parseLink(t *testing.T, link string) url.Values {
	t.Helper()
	if !strings.HasPrefix(link, "?") {
		t.Fatalf("link %q is not a query string", link)
	}
	v, err := url.ParseQuery(link[1:])
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// ---------------------------------------------------------------------------------------------
// JSON

type payload struct {
	Name  string `json:"name"`
	Count int    `json:"count"`
	Inner struct {
		Flag bool `json:"flag"`
	} `json:"inner"`
}

func decode(contentType, body string) (payload, error) {
	r := httptest.NewRequest(http.MethodPost, "/api/v1/x", strings.NewReader(body))
	if contentType != "" {
		r.Header.Set("Content-Type", contentType)
	}
	var p payload
	err := DecodeJSON(r, &p)
	return p, err
}

func TestDecodeJSON(t *testing.T) {
	p, err := decode("application/json", `{"name":"Solingen","count":3,"inner":{"flag":true}}`)
	if err != nil || p.Name != "Solingen" || p.Count != 3 || !p.Inner.Flag {
		t.Fatalf("valid body: %+v, %v", p, err)
	}
	if _, err := decode("application/json; charset=utf-8", `{"name":"x"}`+"\n"); err != nil {
		t.Fatalf("JSON with charset and a final newline: %v", err)
	}
	for _, tc := range []struct {
		name, ct, body string
		msg            string
		field          string
		fieldMsg       string
	}{
		{"no content type", "", `{"name":"x"}`, "error.json_content_type", "", ""},
		{"form content type", "application/x-www-form-urlencoded", `{"name":"x"}`, "error.json_content_type", "", ""},
		{"text", "text/plain", `{"name":"x"}`, "error.json_content_type", "", ""},
		{"json-like", "application/json-patch+json", `{"name":"x"}`, "error.json_content_type", "", ""},
		{"broken media type", "application/json; ===", `{"name":"x"}`, "error.json_content_type", "", ""},
		{"unknown field", "application/json", `{"name":"x","is_admin":true}`, "error.invalid", "is_admin", "validation.unknown_field"},
		{"wrong type", "application/json", `{"count":"drei"}`, "error.invalid", "count", "validation.type"},
		{"wrong type string", "application/json", `{"name":42}`, "error.invalid", "name", "validation.type"},
		{"nested wrong type", "application/json", `{"inner":{"flag":"ja"}}`, "error.invalid", "inner.flag", "validation.type"},
		{"trailing object", "application/json", `{"name":"x"} {"name":"y"}`, "error.bad_json", "", ""},
		{"trailing garbage", "application/json", `{"name":"x"}garbage`, "error.bad_json", "", ""},
		{"empty body", "application/json", ``, "error.bad_json", "", ""},
		{"syntax error", "application/json", `{"name":`, "error.bad_json", "", ""},
		{"array", "application/json", `[1,2]`, "error.bad_json", "", ""},
	} {
		_, err := decode(tc.ct, tc.body)
		e := errs.As(err)
		if err == nil || e.Code != errs.Invalid || e.Message.ID != tc.msg {
			t.Errorf("%s: got %v, want %s", tc.name, err, tc.msg)
			continue
		}
		if tc.field != "" && e.Fields[tc.field].ID != tc.fieldMsg {
			t.Errorf("%s: fields %v, want %s: %s", tc.name, e.Fields, tc.field, tc.fieldMsg)
		}
		if tc.field == "" && len(e.Fields) > 0 {
			t.Errorf("%s: unexpected fields %v", tc.name, e.Fields)
		}
		if want := 400; tc.field != "" && Status(err) != 422 || tc.field == "" && Status(err) != want {
			t.Errorf("%s: status %d", tc.name, Status(err))
		}
	}
}

func TestMaxBodyAnswers413(t *testing.T) {
	h := Chain(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var p payload
		if err := DecodeJSON(r, &p); err != nil {
			w.WriteHeader(Status(err))
			_, _ = io.WriteString(w, errs.As(err).Message.ID)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}), MaxBody(1024))
	srv := httptest.NewServer(h)
	defer srv.Close()
	post := func(body string) (int, string) {
		resp, err := http.Post(srv.URL, "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, _ := post(`{"name":"` + strings.Repeat("x", 900) + `"}`); code != http.StatusNoContent {
		t.Fatalf("body under the limit: %d", code)
	}
	if code, msg := post(`{"name":"` + strings.Repeat("x", 2000) + `"}`); code != http.StatusRequestEntityTooLarge || msg != "error.too_large" {
		t.Fatalf("body over the limit: %d %q", code, msg)
	}
	// The limit also holds when the excess comes after a complete object.
	if code, _ := post(`{"name":"x"}` + strings.Repeat(" ", 2000)); code != http.StatusRequestEntityTooLarge {
		t.Fatalf("padding over the limit: %d", code)
	}

	form := Chain(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := ParseForm(r); err != nil {
			w.WriteHeader(Status(err))
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}), MaxBody(1024))
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader("a="+strings.Repeat("x", 4000)))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	form.ServeHTTP(rec, req)
	if rec.Code != http.StatusRequestEntityTooLarge {
		t.Fatalf("form over the limit: %d", rec.Code)
	}
	rec = httptest.NewRecorder()
	req = httptest.NewRequest(http.MethodPost, "/", strings.NewReader("a=%ff%fe"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	form.ServeHTTP(rec, req)
	if rec.Code != http.StatusBadRequest {
		t.Fatalf("form with invalid UTF-8: %d", rec.Code)
	}
}

// ---------------------------------------------------------------------------------------------
// CSV

func TestCSVNeutralisesFormulas(t *testing.T) {
	rec := httptest.NewRecorder()
	rows := [][]string{
		{"=HYPERLINK(\"http://evil\")", "+49 212 290", "-1+1", "@SUM(A1:A9)"},
		{"\tTab", "\rReturn", "Müller; Anna", "normal"},
		{"", "a=b", " =leading space", "\"quoted\""},
	}
	CSV(rec, "export.csv", []string{"A", "B", "C", "D"}, rows)
	if ct := rec.Header().Get("Content-Type"); ct != "text/csv; charset=utf-8" {
		t.Errorf("Content-Type %q", ct)
	}
	if cd := rec.Header().Get("Content-Disposition"); cd != `attachment; filename="export.csv"` {
		t.Errorf("Content-Disposition %q", cd)
	}
	body := rec.Body.Bytes()
	if !bytes.HasPrefix(body, []byte("\xef\xbb\xbf")) {
		t.Fatal("no BOM")
	}
	cr := csv.NewReader(bytes.NewReader(body[3:]))
	cr.Comma = ';'
	got, err := cr.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"A", "B", "C", "D"},
		{"'=HYPERLINK(\"http://evil\")", "'+49 212 290", "'-1+1", "'@SUM(A1:A9)"},
		{"'\tTab", "'\rReturn", "Müller; Anna", "normal"},
		{"", "a=b", " =leading space", "\"quoted\""},
	}
	if len(got) != len(want) {
		t.Fatalf("%d rows, want %d", len(got), len(want))
	}
	for i := range want {
		for j := range want[i] {
			g := strings.ReplaceAll(got[i][j], "\r\n", "\r")
			if g != want[i][j] {
				t.Errorf("cell %d,%d = %q, want %q", i, j, got[i][j], want[i][j])
			}
		}
	}
}

// ---------------------------------------------------------------------------------------------
// Middleware

func prefixes(t *testing.T, s ...string) []netip.Prefix {
	var out []netip.Prefix
	for _, p := range s {
		out = append(out, netip.MustParsePrefix(p))
	}
	return out
}
