package apptest

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// Client is a browser-like HTTP client: it keeps cookies (Secure ones too, as a browser does on
// a loopback host), does not follow redirects, and sends same-origin fetch metadata on unsafe
// requests as browsers do.
type Client struct {
	T       testing.TB
	Base    string
	Token   string // API bearer token, if set
	hc      *http.Client
	mu      sync.Mutex
	cookies map[string]*http.Cookie
}

// Client returns a new client without cookies.
func (e *Env) Client() *Client {
	return &Client{T: e.T, Base: e.URL, cookies: map[string]*http.Cookie{},
		hc: &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// Response is a read response.
type Response struct {
	*http.Response
	Body []byte
}

// Doc parses the body as HTML.
func (r *Response) Doc(t testing.TB) *goquery.Document {
	t.Helper()
	d, err := goquery.NewDocumentFromReader(bytes.NewReader(r.Body))
	if err != nil {
		t.Fatalf("parse HTML: %v", err)
	}
	return d
}

// JSON decodes the body into v.
func (r *Response) JSON(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("decode JSON (%d): %v\n%s", r.StatusCode, err, r.Body)
	}
}

// Location returns the redirect target.
func (r *Response) Location() string { return r.Header.Get("Location") }

// Do sends req with the client's cookies and records new ones.
func (c *Client) Do(req *http.Request) *Response {
	c.T.Helper()
	c.mu.Lock()
	for _, ck := range c.cookies {
		req.AddCookie(&http.Cookie{Name: ck.Name, Value: ck.Value})
	}
	c.mu.Unlock()
	if c.Token != "" && req.Header.Get("Authorization") == "" {
		req.Header.Set("Authorization", "Bearer "+c.Token)
	}
	if req.Method != http.MethodGet && req.Method != http.MethodHead && req.Header.Get("Sec-Fetch-Site") == "" {
		req.Header.Set("Sec-Fetch-Site", "same-origin")
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		c.T.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	c.mu.Lock()
	for _, ck := range resp.Cookies() {
		if ck.MaxAge < 0 || ck.Value == "" {
			delete(c.cookies, ck.Name)
		} else {
			c.cookies[ck.Name] = ck
		}
	}
	c.mu.Unlock()
	return &Response{Response: resp, Body: body}
}

// Request builds a request for path.
func (c *Client) Request(method, path string, body io.Reader) *http.Request {
	c.T.Helper()
	req, err := http.NewRequest(method, c.Base+path, body)
	if err != nil {
		c.T.Fatal(err)
	}
	return req
}

// Get requests path.
func (c *Client) Get(path string) *Response { return c.Do(c.Request(http.MethodGet, path, nil)) }

// PostForm posts form values to path.
func (c *Client) PostForm(path string, v url.Values) *Response {
	req := c.Request(http.MethodPost, path, strings.NewReader(v.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.Do(req)
}

// SendJSON sends v as JSON with method to path.
func (c *Client) SendJSON(method, path string, v any) *Response {
	var body io.Reader
	if v != nil {
		b, err := json.Marshal(v)
		if err != nil {
			c.T.Fatal(err)
		}
		body = bytes.NewReader(b)
	}
	req := c.Request(method, path, body)
	if v != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	return c.Do(req)
}

// Cookie returns the value of a stored cookie.
func (c *Client) Cookie(name string) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if ck, ok := c.cookies[name]; ok {
		return ck.Value
	}
	return ""
}

// SetCookie stores a cookie value (e.g. to replay an old session).
func (c *Client) SetCookie(name, value string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.cookies[name] = &http.Cookie{Name: name, Value: value}
}
