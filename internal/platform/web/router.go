// Package web is the HTTP floor shared by all rooms: the route registry with its access modes,
// middleware (request ids, logging, metrics, security headers, CSRF protection, body limits),
// server-side rendering with the translation catalogue, forms, lists and the JSON helpers. It
// knows nothing about integration work.
package web

import (
	"io"
	"net/http"
	"sort"
	"strings"
)

// Access is what a route requires of the caller before its handler runs. The handler itself then
// asks the access package whether the caller may act on the particular record.
type Access int

// Access modes.
const (
	Public  Access = iota // anyone
	Staff                 // a fully logged-in session (web pages)
	Pending               // a half-finished login (second factor or its set-up)
	Token                 // an API bearer token
	Either                // a fully logged-in session or an API token (JSON helpers used by pages)
)

func (a Access) String() string {
	return [...]string{"public", "staff", "pending", "token", "either"}[a]
}

// Route is one registered route.
type Route struct {
	Method  string
	Path    string
	Access  Access
	Pattern string
}

// Router registers routes on a ServeMux and remembers them, so that tests can check every route
// (authorisation matrix, malformed input, security headers) and a route without an access mode
// cannot exist.
type Router struct {
	mux    *http.ServeMux
	routes []Route
	limits map[string]int64 // body limits of routes that take more than the default
	guard  func(Access) func(http.Handler) http.Handler
	// Unmatched answers requests that match no route (404) or no method of a route (405).
	Unmatched func(w http.ResponseWriter, r *http.Request, status int)
}

// NewRouter returns a router; guard turns an access mode into the middleware that enforces it.
func NewRouter(guard func(Access) func(http.Handler) http.Handler) *Router {
	return &Router{mux: http.NewServeMux(), guard: guard}
}

// Handle registers pattern ("METHOD /path") with an access mode.
func (rt *Router) Handle(pattern string, a Access, h http.HandlerFunc) {
	method, path, ok := strings.Cut(pattern, " ")
	if !ok || method == "" {
		panic("web: route pattern needs a method: " + pattern)
	}
	rt.routes = append(rt.routes, Route{Method: method, Path: path, Access: a, Pattern: pattern})
	var handler http.Handler = h
	if rt.guard != nil {
		handler = rt.guard(a)(h)
	}
	rt.mux.Handle(pattern, handler)
}

// HandleLimit registers a route whose request body may be up to limit bytes (file uploads),
// instead of the application's default body limit.
func (rt *Router) HandleLimit(pattern string, a Access, limit int64, h http.HandlerFunc) {
	rt.Handle(pattern, a, h)
	if rt.limits == nil {
		rt.limits = map[string]int64{}
	}
	rt.limits[pattern] = limit
}

// Mount registers a raw handler (static files) as a public GET route.
func (rt *Router) Mount(pattern string, h http.Handler) {
	method, path, _ := strings.Cut(pattern, " ")
	rt.routes = append(rt.routes, Route{Method: method, Path: path, Access: Public, Pattern: pattern})
	rt.mux.Handle(pattern, h)
}

// Routes returns the registered routes sorted by path and method.
func (rt *Router) Routes() []Route {
	out := append([]Route(nil), rt.routes...)
	sort.Slice(out, func(i, j int) bool {
		if out[i].Path != out[j].Path {
			return out[i].Path < out[j].Path
		}
		return out[i].Method < out[j].Method
	})
	return out
}

// ServeHTTP dispatches to the registered routes. Requests that match nothing get the friendly
// error page instead of the mux's plain-text answer; a 405 keeps its Allow header.
func (rt *Router) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	_, pattern := rt.mux.Handler(r)
	if ri, ok := r.Context().Value(routeKey{}).(*routeInfo); ok {
		ri.pattern = pattern
	}
	if limit, ok := rt.limits[pattern]; ok {
		if raw, ok := r.Context().Value(rawBodyKey{}).(io.ReadCloser); ok {
			r.Body = http.MaxBytesReader(w, raw, limit)
		}
	}
	if pattern == "" && rt.Unmatched != nil {
		rec := &headerRecorder{header: http.Header{}}
		rt.mux.ServeHTTP(rec, r)
		if rec.status == http.StatusNotFound || rec.status == http.StatusMethodNotAllowed {
			if allow := rec.header.Get("Allow"); allow != "" {
				w.Header().Set("Allow", allow)
			}
			rt.Unmatched(w, r, rec.status)
			return
		}
	}
	rt.mux.ServeHTTP(w, r)
}

// headerRecorder captures the status and headers the mux writes for an unmatched request.
type headerRecorder struct {
	header http.Header
	status int
}

func (h *headerRecorder) Header() http.Header         { return h.header }
func (h *headerRecorder) Write(b []byte) (int, error) { return len(b), nil }
func (h *headerRecorder) WriteHeader(code int)        { h.status = code }

// Mux returns the underlying mux (for NotFound handling in tests).
func (rt *Router) Mux() *http.ServeMux { return rt.mux }

// routeInfo lets the outer middleware learn the matched pattern (for logs and metrics).
type routeInfo struct{ pattern string }

type routeKey struct{}
