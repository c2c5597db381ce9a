package web

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"kim/internal/platform/i18n"
	"kim/internal/platform/reqid"
)

// Chain applies middleware so that the first one listed runs first.
func Chain(h http.Handler, mw ...func(http.Handler) http.Handler) http.Handler {
	for i := len(mw) - 1; i >= 0; i-- {
		h = mw[i](h)
	}
	return h
}

// Client is what the server knows about the caller's connection.
type Client struct {
	IP    string
	HTTPS bool // the request reached the server (or a trusted proxy) over TLS
	Local bool // the Host is a loopback name, which browsers treat as a secure context
}

type clientKey struct{}

// ClientFrom returns the connection facts of the request.
func ClientFrom(ctx context.Context) Client {
	c, _ := ctx.Value(clientKey{}).(Client)
	return c
}

// IsSecure reports whether cookies may carry the Secure attribute: over TLS, behind a trusted
// TLS proxy, or on a loopback host (which browsers treat as secure).
func IsSecure(r *http.Request) bool {
	c := ClientFrom(r.Context())
	return c.HTTPS || c.Local
}

// Base sets the request id and the client facts. A client address from X-Forwarded-For and the
// scheme from X-Forwarded-Proto are believed only when the direct peer is a trusted proxy. The
// first request that carries X-Forwarded-For from an untrusted peer is logged once: behind an
// unconfigured proxy every client would share the proxy's address (and its login throttle).
func Base(trusted []netip.Prefix, log *slog.Logger) func(http.Handler) http.Handler {
	var warned sync.Once
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			id := reqid.New()
			w.Header().Set("X-Request-Id", id)
			peer, _, err := net.SplitHostPort(r.RemoteAddr)
			if err != nil {
				peer = r.RemoteAddr
			}
			c := Client{IP: peer, HTTPS: r.TLS != nil}
			if r.Header.Get("X-Forwarded-For") != "" && log != nil {
				if addr, err := netip.ParseAddr(peer); err != nil || !isTrusted(addr, trusted) {
					warned.Do(func() {
						log.Warn("X-Forwarded-For from a peer that is not a trusted proxy is ignored; set KIM_TRUSTED_PROXIES if kim runs behind a proxy")
					})
				}
			}
			if addr, err := netip.ParseAddr(peer); err == nil && isTrusted(addr, trusted) {
				if xff := r.Header.Get("X-Forwarded-For"); xff != "" {
					parts := strings.Split(xff, ",")
					if ip, err := netip.ParseAddr(strings.TrimSpace(parts[len(parts)-1])); err == nil {
						c.IP = ip.String()
					}
				}
				if strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https") {
					c.HTTPS = true
				}
			}
			host := r.Host
			if h, _, err := net.SplitHostPort(host); err == nil {
				host = h
			}
			host = strings.Trim(host, "[]")
			if host == "localhost" {
				c.Local = true
			} else if a, err := netip.ParseAddr(host); err == nil && a.IsLoopback() {
				c.Local = true
			}
			ctx := reqid.With(r.Context(), id)
			ctx = context.WithValue(ctx, clientKey{}, c)
			next.ServeHTTP(w, r.WithContext(ctx))
		})
	}
}

func isTrusted(a netip.Addr, trusted []netip.Prefix) bool {
	for _, p := range trusted {
		if p.Contains(a.Unmap()) {
			return true
		}
	}
	return false
}

// statusWriter records the status code and size of a response.
type statusWriter struct {
	http.ResponseWriter
	status int
	size   int
}

func (s *statusWriter) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusWriter) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	n, err := s.ResponseWriter.Write(b)
	s.size += n
	return n, err
}

func (s *statusWriter) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// Metrics are the HTTP metrics exported at /metrics.
type Metrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

// NewMetrics registers the HTTP metrics with reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "kim_http_requests_total",
			Help: "HTTP requests by route pattern, method and status code."}, []string{"route", "method", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "kim_http_request_duration_seconds",
			Help: "HTTP request latency by route pattern.", Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5}},
			[]string{"route", "method"}),
	}
	reg.MustRegister(m.requests, m.duration)
	return m
}

// Observe logs every request (route pattern, never the path or query, which may hold search
// terms) and records metrics. It also recovers panics into a generic 500 page that carries the
// request id, with the stack in the log.
func Observe(log *slog.Logger, m *Metrics, fail func(http.ResponseWriter, *http.Request)) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			start := time.Now()
			sw := &statusWriter{ResponseWriter: w}
			ri := &routeInfo{}
			r = r.WithContext(context.WithValue(r.Context(), routeKey{}, ri))
			defer func() {
				if p := recover(); p != nil {
					if p == http.ErrAbortHandler {
						panic(p)
					}
					log.Error("panic", "request_id", reqid.From(r.Context()), "route", ri.pattern,
						"panic", fmt.Sprint(p), "stack", string(debug.Stack()))
					if sw.status == 0 {
						fail(sw, r)
					}
				}
				route := ri.pattern
				if route == "" {
					route = "unmatched"
				}
				if sw.status == 0 {
					sw.status = http.StatusOK
				}
				d := time.Since(start)
				if m != nil {
					m.requests.WithLabelValues(route, r.Method, strconv.Itoa(sw.status)).Inc()
					m.duration.WithLabelValues(route, r.Method).Observe(d.Seconds())
				}
				level := slog.LevelInfo
				if sw.status >= 500 {
					level = slog.LevelError
				}
				log.LogAttrs(r.Context(), level, "request", slog.String("request_id", reqid.From(r.Context())),
					slog.String("method", r.Method), slog.String("route", route), slog.Int("status", sw.status),
					slog.Int("bytes", sw.size), slog.Float64("duration_ms", float64(d.Microseconds())/1000))
			}()
			next.ServeHTTP(sw, r)
		})
	}
}

// CSP is the content security policy: no inline script or style, nothing from other origins,
// no framing.
const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; " +
	"connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"

// Headers sets the security headers on every response, including errors and static files.
func Headers(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", CSP)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Cross-Origin-Resource-Policy", "same-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
		if ClientFrom(r.Context()).HTTPS {
			h.Set("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
		}
		if !strings.HasPrefix(r.URL.Path, "/static/") {
			h.Set("Cache-Control", "no-store")
		}
		next.ServeHTTP(w, r)
	})
}

// MaxBody limits request bodies to n bytes.
func MaxBody(n int64) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.ContentLength > n {
				w.Header().Set("Connection", "close")
			}
			// The unlimited body stays in the context, so that a route registered with a larger
			// limit (Router.HandleLimit: file uploads) can apply its own.
			r = r.WithContext(context.WithValue(r.Context(), rawBodyKey{}, r.Body))
			r.Body = http.MaxBytesReader(w, r.Body, n)
			next.ServeHTTP(w, r)
		})
	}
}

type rawBodyKey struct{}

type langKey struct{}

const langCookie = "kim_lang"

// SetLanguage remembers lang as the browser's language (after a login: the account's choice
// replaces one picked earlier on public pages).
func SetLanguage(w http.ResponseWriter, r *http.Request, lang string) {
	http.SetCookie(w, &http.Cookie{Name: langCookie, Value: lang, Path: "/", MaxAge: 365 * 24 * 3600,
		HttpOnly: true, Secure: IsSecure(r), SameSite: http.SameSiteLaxMode})
}

// LangFrom returns the language chosen for the request.
func LangFrom(ctx context.Context) string {
	if l, ok := ctx.Value(langKey{}).(string); ok {
		return l
	}
	return "de"
}

// WithLang returns ctx with the request language set.
func WithLang(ctx context.Context, lang string) context.Context {
	return context.WithValue(ctx, langKey{}, lang)
}

// Language picks the request language: ?lang= (remembered in a cookie), then the cookie, then
// the logged-in user's preference, then Accept-Language. supported is the set of public
// languages; staff pages fall back to German for languages they do not have.
func Language(supported []string) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			lang := ""
			if q := r.URL.Query().Get("lang"); i18n.Supported(q, supported) {
				lang = q
				SetLanguage(w, r, q)
			} else if c, err := r.Cookie(langCookie); err == nil && i18n.Supported(c.Value, supported) {
				lang = c.Value
			} else if id := IdentityFrom(r.Context()); id != nil && i18n.Supported(id.Actor.Language, supported) {
				lang = id.Actor.Language
			} else {
				lang = i18n.Match(r.Header.Get("Accept-Language"), supported)
			}
			next.ServeHTTP(w, r.WithContext(WithLang(r.Context(), lang)))
		})
	}
}
