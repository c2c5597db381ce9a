// Package web is the HTTP floor shared by all rooms: the route registry with its access modes,
// middleware (request ids, logging, metrics, security headers, CSRF protection, body limits),
// server-side rendering with the translation catalogue, forms, lists and the JSON helpers. It
// knows nothing about integration work.
package web

import (
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
	guard  func(Access) func(http.Handler) http.Handler
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

// ServeHTTP dispatches to the registered routes.
func (rt *Router) ServeHTTP(w http.ResponseWriter, r *http.Request) { rt.mux.ServeHTTP(w, r) }

// Mux returns the underlying mux (for NotFound handling in tests).
func (rt *Router) Mux() *http.ServeMux { return rt.mux }
