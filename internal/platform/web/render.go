package web

import (
	"bytes"
	"database/sql"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"path"
	"strings"
	"time"
	_ "time/tzdata" // Europe/Berlin must be available on machines without tzdata

	"kim/internal/platform/access"
	"kim/internal/platform/i18n"
	"kim/internal/platform/reqid"
)

//go:embed templates/*.html
var baseTemplates embed.FS

//go:embed locales/*.toml
var localeFS embed.FS

// Locales returns the platform's own messages.
func Locales() fs.FS { sub, _ := fs.Sub(localeFS, "locales"); return sub }

// Berlin is the time zone in which times are shown.
var Berlin = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		return time.UTC
	}
	return loc
}()

// NavItem is one entry of the main navigation.
type NavItem struct {
	Path    string
	Label   string // message id
	Current bool
}

// NavEntry declares a navigation entry and what the role needs to see it.
type NavEntry struct {
	Path   string
	Label  string
	Kind   access.Kind
	Action access.Action
}

// View is what a handler hands to Render.
type View struct {
	Title string // message id of the page title
	Data  any
	Form  *Form
	// TitleArgs are template values for the title message.
	TitleArgs []any
	// Public pages may use every public language; staff pages fall back to German.
	Public bool
}

// Page is the value every template receives.
type Page struct {
	View
	L          *i18n.Localizer
	Lang       string
	Dir        string
	TitleText  string
	Identity   *Identity
	Nav        []NavItem
	Path       string
	Query      string
	Flash      string
	RequestID  string
	Demo       bool
	Languages  []string
	Status     int
	SessionEnd time.Time
	// The session lifetimes, for texts that explain them.
	SessionIdleMinutes   int
	SessionAbsoluteHours int
}

// Authenticated reports whether a full session renders the page.
func (p *Page) Authenticated() bool {
	return p.Identity != nil && p.Identity.Stage == "full" && p.Identity.Via == "session"
}

// Renderer renders pages: each page template is parsed together with the layout and partials.
type Renderer struct {
	// Session lifetimes shown in texts (set by the app from its configuration).
	SessionIdle, SessionAbsolute time.Duration

	cat   *i18n.Catalogue
	pages map[string]*template.Template
	nav   []NavEntry
	demo  bool
	log   *slog.Logger
}

// TemplateSet is a room's page templates: Name prefixes the page names ("directory"), FS holds
// *.html files at its root.
type TemplateSet struct {
	Name string
	FS   fs.FS
}

// NewRenderer parses the layout and every room's pages.
func NewRenderer(cat *i18n.Catalogue, nav []NavEntry, demo bool, log *slog.Logger, sets ...TemplateSet) (*Renderer, error) {
	base, err := template.New("base").Funcs(Funcs()).ParseFS(baseTemplates, "templates/*.html")
	if err != nil {
		return nil, err
	}
	rr := &Renderer{cat: cat, pages: map[string]*template.Template{}, nav: nav, demo: demo, log: log}
	sets = append([]TemplateSet{{Name: "platform", FS: mustSub(baseTemplates, "templates")}}, sets...)
	for _, set := range sets {
		files, err := fs.Glob(set.FS, "*.html")
		if err != nil {
			return nil, err
		}
		// A room's partials (files named _*.html) are parsed into each of its pages.
		partials, err := fs.Glob(set.FS, "_*.html")
		if err != nil {
			return nil, err
		}
		for _, f := range files {
			if set.Name == "platform" && (f == "layout.html" || f == "partials.html") || strings.HasPrefix(f, "_") {
				continue
			}
			t, err := base.Clone()
			if err != nil {
				return nil, err
			}
			if _, err := t.ParseFS(set.FS, append(partials, f)...); err != nil {
				return nil, fmt.Errorf("template %s/%s: %w", set.Name, f, err)
			}
			rr.pages[set.Name+"/"+strings.TrimSuffix(f, ".html")] = t
		}
	}
	return rr, nil
}

func mustSub(f fs.FS, dir string) fs.FS {
	s, err := fs.Sub(f, dir)
	if err != nil {
		panic(err)
	}
	return s
}

// Pages lists the names of all page templates.
func (rr *Renderer) Pages() []string {
	out := make([]string, 0, len(rr.pages))
	for k := range rr.pages {
		out = append(out, k)
	}
	return out
}

// Catalogue returns the translation catalogue.
func (rr *Renderer) Catalogue() *i18n.Catalogue { return rr.cat }

// Localizer returns the localizer for the request's language on staff pages.
func (rr *Renderer) Localizer(r *http.Request) *i18n.Localizer {
	lang := LangFrom(r.Context())
	if !i18n.Supported(lang, i18n.Staff) {
		lang = i18n.Staff[0]
	}
	return rr.cat.Localizer(lang)
}

// NavFor returns the navigation entries the actor may see.
func (rr *Renderer) NavFor(actor access.Actor, current string) []NavItem {
	var out []NavItem
	best, bestLen := -1, 0 // the entry of the current page: the longest path that contains it
	for _, e := range rr.nav {
		if e.Kind != "" && !access.Allowed(actor, e.Kind, e.Action) {
			continue
		}
		if (current == e.Path || (e.Path != "/" && strings.HasPrefix(current, e.Path+"/"))) && len(e.Path) > bestLen {
			best, bestLen = len(out), len(e.Path)
		}
		out = append(out, NavItem{Path: e.Path, Label: e.Label})
	}
	if best >= 0 {
		out[best].Current = true
	}
	return out
}

// Render writes page name with status. Rendering goes to a buffer first, so a template error
// never leaves half a page; it then answers with the generic error page.
func (rr *Renderer) Render(w http.ResponseWriter, r *http.Request, status int, name string, v View) {
	t, ok := rr.pages[name]
	if !ok {
		rr.log.Error("unknown template", "template", name, "request_id", reqid.From(r.Context()))
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	p := rr.page(w, r, status, v)
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", p); err != nil {
		rr.log.Error("render", "template", name, "err", err.Error(), "request_id", p.RequestID)
		if name != "platform/error" {
			rr.Render(w, r, http.StatusInternalServerError, "platform/error", View{Title: "error.title_internal", Data: ErrorData{Message: "error.internal"}})
			return
		}
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	if bytes.Contains(buf.Bytes(), []byte("ZgotmplZ")) {
		// html/template replaced a value it found unsafe in its context: a bug in the page.
		rr.log.Error("render: unsafe value filtered", "template", name, "request_id", p.RequestID)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

func (rr *Renderer) page(w http.ResponseWriter, r *http.Request, status int, v View) *Page {
	l := rr.Localizer(r)
	if v.Public {
		l = rr.cat.Localizer(LangFrom(r.Context()))
	}
	id := IdentityFrom(r.Context())
	p := &Page{View: v, L: l, Lang: l.Lang, Dir: l.Dir(), Identity: id, Path: r.URL.Path,
		Query: r.URL.RawQuery, RequestID: reqid.From(r.Context()), Demo: rr.demo, Languages: i18n.Staff, Status: status}
	if v.Public {
		p.Languages = i18n.Public
	}
	if v.Title != "" {
		p.TitleText = l.T(v.Title, v.TitleArgs...)
	}
	p.SessionIdleMinutes, p.SessionAbsoluteHours = int(rr.SessionIdle.Minutes()), int(rr.SessionAbsolute.Hours())
	if p.Authenticated() {
		p.Nav = rr.NavFor(id.Actor, r.URL.Path)
		p.SessionEnd = id.IdleDeadline
	}
	if f := TakeFlash(w, r); f != "" {
		p.Flash = l.T(f)
	}
	return p
}

// ErrorData is the data of the error page.
type ErrorData struct {
	Message string // message id
	Back    string
}

// Funcs are the template helpers available to every page.
func Funcs() template.FuncMap {
	return template.FuncMap{
		"dict": func(kv ...any) map[string]any {
			m := make(map[string]any, len(kv)/2)
			for i := 0; i+1 < len(kv); i += 2 {
				k, _ := kv[i].(string)
				m[k] = kv[i+1]
			}
			return m
		},
		"list": func(v ...any) []any { return v },
		"add":  func(a, b int) int { return a + b },
		"date": func(t any) string {
			if tt, ok := asTime(t); ok {
				return tt.In(Berlin).Format("02.01.2006")
			}
			return ""
		},
		"datetime": func(t any) string {
			if tt, ok := asTime(t); ok {
				return tt.In(Berlin).Format("02.01.2006, 15:04")
			}
			return ""
		},
		"clock": func(t any) string {
			if tt, ok := asTime(t); ok {
				return tt.In(Berlin).Format("15:04")
			}
			return ""
		},
		"isodatetime": func(t any) string {
			if tt, ok := asTime(t); ok {
				return tt.UTC().Format(time.RFC3339)
			}
			return ""
		},
		// day shows a calendar date kept as ISO text (YYYY-MM-DD) in German order; a year
		// alone (birth years) stays as it is.
		"day": func(s string) string {
			if t, err := time.Parse("2006-01-02", s); err == nil {
				return t.Format("02.01.2006")
			}
			return s
		},
		"join":     strings.Join,
		"contains": func(list []string, s string) bool { return containsString(list, s) },
		"query": func(base string, kv ...any) string {
			u, _ := url.ParseQuery(base)
			for i := 0; i+1 < len(kv); i += 2 {
				k, _ := kv[i].(string)
				v := fmt.Sprint(kv[i+1])
				if v == "" {
					u.Del(k)
				} else {
					u.Set(k, v)
				}
			}
			if len(u) == 0 {
				return ""
			}
			return "?" + u.Encode()
		},
		"base": path.Base,
	}
}

func asTime(v any) (time.Time, bool) {
	switch t := v.(type) {
	case time.Time:
		return t, !t.IsZero()
	case *time.Time:
		if t != nil && !t.IsZero() {
			return *t, true
		}
	case sql.NullTime:
		return t.Time, t.Valid
	}
	return time.Time{}, false
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// Assets are a room's page templates (templates/*.html) and messages (locales/*.toml).
type Assets struct {
	Templates TemplateSet
	Locales   fs.FS
}

// RoomAssets splits a room's embedded files into its template set and its catalogue folder.
func RoomAssets(name string, files fs.FS) Assets {
	return Assets{Templates: TemplateSet{Name: name, FS: mustSub(files, "templates")}, Locales: mustSub(files, "locales")}
}
