package app_test

import (
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"kim/internal/apptest"
	"kim/internal/directory"
	"kim/internal/platform/access"
	"kim/internal/platform/audit"
	"kim/internal/platform/auth"
	"kim/internal/platform/i18n"
	"kim/internal/platform/web"
)

// These tests keep the translation catalogue complete: German and English define the same
// messages in every room, every message id the code and the templates use exists, and no page
// shows a raw message id.

// catInternal is the internal/ directory (the tests run in internal/app).
const catInternal = ".."

// catLocaleDirs returns every locales directory under internal/.
func catLocaleDirs(t *testing.T) []string {
	t.Helper()
	var dirs []string
	err := filepath.WalkDir(catInternal, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && d.Name() == "locales" {
			dirs = append(dirs, path)
			return filepath.SkipDir
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(dirs) < 5 {
		t.Fatalf("only %d locales directories found: %v", len(dirs), dirs)
	}
	return dirs
}

// catFiles returns the files under internal/ whose names end in suffix (tests excluded).
func catFiles(t *testing.T, suffix string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(catInternal, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "testdata" || d.Name() == "node_modules") {
			return filepath.SkipDir
		}
		if !d.IsDir() && strings.HasSuffix(path, suffix) && !strings.HasSuffix(path, "_test.go") {
			out = append(out, path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func catCatalogue(t *testing.T) *i18n.Catalogue {
	t.Helper()
	env := apptest.New(t, apptest.SQLite, apptest.Options{})
	return env.App.Renderer.Catalogue()
}

func TestEveryRoomTranslatesTheSameMessages(t *testing.T) {
	for _, dir := range catLocaleDirs(t) {
		c, err := i18n.New(os.DirFS(dir))
		if err != nil {
			t.Fatalf("%s: %v", dir, err)
		}
		de, en := c.IDs("de"), c.IDs("en")
		if len(de) == 0 {
			t.Errorf("%s: no German messages", dir)
		}
		inDE, inEN := map[string]bool{}, map[string]bool{}
		for _, id := range de {
			inDE[id] = true
		}
		for _, id := range en {
			inEN[id] = true
			if !inDE[id] {
				t.Errorf("%s: %s is English only", dir, id)
			}
		}
		for _, id := range de {
			if !inEN[id] {
				t.Errorf("%s: %s has no English text", dir, id)
			}
		}
	}
}

// TestTheCatalogueIsComplete: the wired catalogue holds every room's messages in both languages,
// and no message is empty or still a placeholder.
func TestTheCatalogueIsComplete(t *testing.T) {
	c := catCatalogue(t)
	total := 0
	for _, dir := range catLocaleDirs(t) {
		room, err := i18n.New(os.DirFS(dir))
		if err != nil {
			t.Fatal(err)
		}
		for _, id := range room.IDs("de") {
			total++
			if !c.Has("de", id) {
				t.Errorf("%s: %s is not in the application's catalogue (locales not wired?)", dir, id)
			}
		}
	}
	if len(c.IDs("de")) != total {
		t.Errorf("the catalogue has %d German messages, the locales directories %d", len(c.IDs("de")), total)
	}
	for _, lang := range i18n.Staff {
		l := c.Localizer(lang)
		for _, id := range c.IDs(lang) {
			s := l.T(id, "Count", 2)
			if strings.TrimSpace(s) == "" || s == id || strings.Contains(s, "TODO") || strings.Contains(s, "FIXME") {
				t.Errorf("%s %s = %q", lang, id, s)
			}
		}
	}
}

var (
	// catID is the form of a message id.
	catID = regexp.MustCompile(`^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$`)
	// catQuoted finds quoted dotted strings in templates and Go code.
	catQuoted = regexp.MustCompile(`"([a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+)"`)
	// catGoUses are the Go constructs that take a message id.
	catGoUses = []*regexp.Regexp{
		regexp.MustCompile(`errs\.E\([^,()]+,\s*"([^"]+)"`),
		regexp.MustCompile(`errs\.Msg\("([^"]+)"`),
		regexp.MustCompile(`\.Add\("[^"]*",\s*"([^"]+)"`),
		regexp.MustCompile(`\b(?:Title|Label|Question|Consequence|Confirm|Message|Hint|Empty|Text)\s*:\s*"([^"]+)"`),
		regexp.MustCompile(`\.T\("([^"]+)"`),
		regexp.MustCompile(`(?:web\.)?(?:Redirect|SetFlash)\([^;\n]*,\s*"([^"]*)"\)`),
	}
)

func catMissing(c *i18n.Catalogue, id string) []string {
	var out []string
	for _, lang := range i18n.Staff {
		if !c.Has(lang, id) {
			out = append(out, lang)
		}
	}
	return out
}

func catRoots(c *i18n.Catalogue) map[string]bool {
	roots := map[string]bool{}
	for _, id := range c.IDs("de") {
		roots[strings.SplitN(id, ".", 2)[0]] = true
	}
	return roots
}

// TestEveryUsedMessageExists scans the templates and the Go code for message ids and checks
// that German and English define each.
func TestEveryUsedMessageExists(t *testing.T) {
	c := catCatalogue(t)
	roots := catRoots(c)
	used := map[string][]string{} // id → where

	templates := catFiles(t, ".html")
	if len(templates) < 20 {
		t.Fatalf("only %d templates found", len(templates))
	}
	fileName := regexp.MustCompile(`\.(css|js|svg|png|html|csv|json|toml|txt)$`)
	for _, path := range templates {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range catQuoted.FindAllStringSubmatch(string(b), -1) {
			// Prefixes completed with print ("directory.tenant.admin_" $field) are checked by
			// TestDynamicMessagesExist.
			if !fileName.MatchString(m[1]) && !strings.HasSuffix(m[1], "_") {
				used[m[1]] = append(used[m[1]], path)
			}
		}
	}
	nTemplates := len(used)

	goFiles := catFiles(t, ".go")
	for _, path := range goFiles {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		src := string(b)
		// Ids in the constructs that take one, whatever their first part.
		for _, re := range catGoUses {
			for _, m := range re.FindAllStringSubmatch(src, -1) {
				if catID.MatchString(m[1]) {
					used[m[1]] = append(used[m[1]], path)
				}
			}
		}
		// Any other literal that starts like a catalogue id (tables of labels, option lists).
		for _, m := range catQuoted.FindAllStringSubmatch(src, -1) {
			if roots[strings.SplitN(m[1], ".", 2)[0]] && !fileName.MatchString(m[1]) && !strings.HasSuffix(m[1], "_") {
				used[m[1]] = append(used[m[1]], path)
			}
		}
	}
	if nTemplates < 100 || len(used) < 200 {
		t.Fatalf("only %d ids found in templates, %d in all: the scan does not work", nTemplates, len(used))
	}
	var ids []string
	for id := range used {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		if miss := catMissing(c, id); len(miss) > 0 {
			t.Errorf("%s (used in %s) is missing in %v", id, strings.Join(catUnique(used[id]), ", "), miss)
		}
	}
}

func catUnique(list []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range list {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// TestDynamicMessagesExist checks the ids the templates and handlers build from values.
func TestDynamicMessagesExist(t *testing.T) {
	c := catCatalogue(t)
	var ids []string
	add := func(prefix string, values ...string) {
		for _, v := range values {
			ids = append(ids, prefix+v)
		}
	}
	for _, r := range access.Roles {
		add("role.", string(r))
		add("start.intro.", string(r))
	}
	add("role.", string(access.SystemRole)) // audit entries of operator commands
	add("directory.tenant.admin_", "name", "email")
	for _, ty := range directory.OrgTypes {
		add("directory.org_type.", string(ty))
	}
	for _, r := range directory.Regimes {
		add("directory.regime.", string(r))
	}
	add("language.name.", directory.Languages...)
	add("language.self.", i18n.Public...)
	add("privacy.outcome.", "ok", "failed", "denied")
	add("privacy.reason.", audit.ReasonChanged, audit.ReasonMissing, audit.ReasonChainBroken, audit.ReasonHeadMismatch)
	for _, g := range audit.ActionGroups {
		add("privacy.group.", strings.TrimSuffix(g, "."))
	}
	if len(ids) < 60 {
		t.Fatalf("only %d dynamic ids", len(ids))
	}
	for _, id := range ids {
		if miss := catMissing(c, id); len(miss) > 0 {
			t.Errorf("%s is missing in %v", id, miss)
		}
	}
	// Every language of a location has its name in the catalogue, and every public language
	// names itself in its own script.
	for _, l := range i18n.Public {
		if c.Localizer("de").T("language.self."+l) == c.Localizer("de").T("language.name."+l) && l != "de" {
			t.Errorf("language.self.%s should be the language's own name", l)
		}
	}
}

// catRawID finds strings in a page that look like message ids.
var catRawID = regexp.MustCompile(`\b[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+\b`)

// TestPagesShowNoRawMessageIDs renders every page in German and English for every role that can
// open it (and the error and validation states of the forms) and looks for message ids that
// were left untranslated.
func TestPagesShowNoRawMessageIDs(t *testing.T) {
	env := apptest.New(t, apptest.SQLite, apptest.Options{})
	f := env.Seed()
	roots := catRoots(env.App.Renderer.Catalogue())
	skip := func(p string) bool {
		return strings.HasPrefix(p, "/api/") || strings.HasPrefix(p, "/static/") || strings.HasSuffix(p, ".csv") ||
			p == "/metrics" || p == "/healthz" || p == "/readyz"
	}
	type client struct {
		name string
		c    *apptest.Client
	}
	clients := []client{{"anonymous", env.Client()}}
	for _, role := range access.Roles {
		c := env.Client()
		c.Login(role)
		clients = append(clients, client{string(role), c})
	}
	withLang := func(p, lang string) string {
		if strings.Contains(p, "?") {
			return p + "&lang=" + lang
		}
		return p + "?lang=" + lang
	}
	pages := 0
	check := func(label string, r *apptest.Response) {
		t.Helper()
		if !strings.HasPrefix(r.Header.Get("Content-Type"), "text/html") {
			return
		}
		pages++
		seen := map[string]bool{}
		for _, m := range catRawID.FindAllString(string(r.Body), -1) {
			if roots[strings.SplitN(m, ".", 2)[0]] && !seen[m] {
				seen[m] = true
				t.Errorf("%s shows the raw message id %q", label, m)
			}
		}
	}
	var paths []string
	for _, rt := range env.App.Router.Routes() {
		if rt.Method == http.MethodGet && !skip(rt.Path) {
			paths = append(paths, secPath(rt, f))
		}
	}
	paths = append(paths, "/gibt-es-nicht", "/verwaltung/benutzer?status=pending&sort=email&dir=desc", "/anmelden?abgelaufen=1",
		"/protokoll?from=kein-datum&actor=niemand", "/verwaltung/organisationen?q=zz&type=club", "/verwaltung/standorte?q=%C3%BC")
	for _, lang := range i18n.Staff {
		for _, cl := range clients {
			for _, p := range paths {
				r := cl.c.Get(withLang(p, lang))
				check(lang+" "+cl.name+" GET "+p, r)
			}
		}
		// Error and validation states: empty forms, a failed login, a failed activation.
		admin, platform := clients[1+indexOfRole(access.TenantAdmin)].c, clients[1+indexOfRole(access.PlatformAdmin)].c
		for _, rt := range env.App.Router.Routes() {
			if rt.Method != http.MethodPost || strings.HasPrefix(rt.Path, "/api/") || catDestructive(rt) {
				continue
			}
			p := secPath(rt, f)
			for _, c := range []*apptest.Client{admin, platform} {
				r := c.PostForm(withLang(p, lang), url.Values{"name": {""}})
				check(lang+" POST "+p, r)
			}
		}
		anon := env.Client()
		check(lang+" failed login", anon.PostForm(withLang("/anmelden", lang), secLoginForm("alpha", "x@alpha.example", "Falsches Passwort 123")))
		check(lang+" bad activation", anon.PostForm(withLang("/aktivieren", lang), url.Values{"tenant": {"alpha"}, "email": {"x@alpha.example"},
			"code": {"falsch"}, "password": {"kurz"}, "repeat_password": {"anders"}}))
		check(lang+" short password", anon.PostForm(withLang("/aktivieren", lang), url.Values{"tenant": {"alpha"}, "email": {"x@alpha.example"},
			"code": {"falsch"}, "password": {"kurz"}, "repeat_password": {"kurz"}}))
	}
	if pages < 200 {
		t.Fatalf("only %d HTML pages checked", pages)
	}
}

func indexOfRole(r access.Role) int {
	for i, x := range access.Roles {
		if x == r {
			return i
		}
	}
	return -1
}

// catDestructive reports whether posting to a route ends a session, deletes, resets or revokes
// something, which would spoil the pages requested after it.
func catDestructive(rt web.Route) bool {
	for _, s := range []string{"loeschen", "abmelden", "sitzungen", "widerrufen", "zweiter-faktor", "aktivierung", "sprache",
		"verlaengern", "/anmelden/"} {
		if strings.Contains(rt.Path, s) {
			return true
		}
	}
	return false
}

// TestLoginStepPagesShowNoRawMessageIDs covers the pages only a login in progress or a form
// submission reaches: the set-up and entry of the second factor, the recovery codes, the
// activation code and a new API token, with their error states.
func TestLoginStepPagesShowNoRawMessageIDs(t *testing.T) {
	for _, lang := range i18n.Staff {
		t.Run(lang, func(t *testing.T) {
			env := apptest.New(t, apptest.SQLite, apptest.Options{RequireMFA: true})
			f := env.Seed()
			roots := catRoots(env.App.Renderer.Catalogue())
			pages := 0
			check := func(label string, r *apptest.Response, status int) {
				t.Helper()
				if r.StatusCode != status {
					t.Fatalf("%s: status %d, want %d", label, r.StatusCode, status)
				}
				if got := r.Doc(t).Find("html").AttrOr("lang", ""); got != lang {
					t.Errorf("%s: rendered in %q", label, got)
				}
				pages++
				for _, m := range catRawID.FindAllString(string(r.Body), -1) {
					if roots[strings.SplitN(m, ".", 2)[0]] {
						t.Errorf("%s shows the raw message id %q", label, m)
					}
				}
			}
			c := env.Client()
			c.Get("/anmelden?lang=" + lang) // remembered in the language cookie
			r := c.PostForm("/anmelden", secLoginForm("alpha", apptest.Email(access.TenantAdmin), apptest.Password))
			if r.Location() != "/anmelden/einrichten" {
				t.Fatalf("login: %d → %s", r.StatusCode, r.Location())
			}
			r = c.Get("/anmelden/einrichten")
			check("enrolment", r, http.StatusOK)
			secret := strings.ReplaceAll(strings.TrimSpace(r.Doc(t).Find("#totp-secret").Text()), " ", "")
			check("enrolment with a wrong code", c.PostForm("/anmelden/einrichten", url.Values{"code": {secWrongCode(secret, env.Clock.Now())}}),
				http.StatusUnprocessableEntity)
			check("recovery codes", c.PostForm("/anmelden/einrichten", url.Values{"code": {totpNow(env, secret)}}), http.StatusOK)
			check("account", c.Get("/konto"), http.StatusOK)
			check("new token", c.PostForm("/konto/tokens", url.Values{"token_name": {"Skript"}}), http.StatusOK)
			check("token without name", c.PostForm("/konto/tokens", url.Values{"token_name": {""}}), http.StatusUnprocessableEntity)
			check("wrong password for new codes", c.PostForm("/konto/wiederherstellungscodes", url.Values{"password": {"falsch"}}),
				http.StatusUnprocessableEntity)
			check("weak new password", c.PostForm("/konto/passwort", url.Values{"current_password": {apptest.Password},
				"new_password": {"solingen2026!!"}, "repeat_password": {"solingen2026!!"}}), http.StatusUnprocessableEntity)
			check("new codes", c.PostForm("/konto/wiederherstellungscodes", url.Values{"password": {apptest.Password}}), http.StatusOK)
			r = c.PostForm("/verwaltung/benutzer", url.Values{"name": {"Neue Kollegin"}, "email": {"neu@alpha.example"},
				"role": {string(access.CaseManager)}, "organisation_id": {f.OrgA1.ID}, "language": {"de"}})
			check("activation code", r, http.StatusOK)
			check("duplicate address", c.PostForm("/verwaltung/benutzer", url.Values{"name": {"Neue Kollegin"}, "email": {"neu@alpha.example"},
				"role": {string(access.CaseManager)}, "organisation_id": {f.OrgA1.ID}, "language": {"de"}}), http.StatusUnprocessableEntity)
			// The account's saved language is what a later login brings back.
			if r := c.PostForm("/konto/sprache", url.Values{"language": {lang}}); r.StatusCode != http.StatusSeeOther {
				t.Fatalf("save language: %d", r.StatusCode)
			}
			c.PostForm("/abmelden", nil)

			env.Clock.Advance(30 * time.Second)
			c.PostForm("/anmelden", secLoginForm("alpha", apptest.Email(access.TenantAdmin), apptest.Password))
			check("second factor", c.Get("/anmelden/zweiter-faktor"), http.StatusOK)
			check("wrong second factor", c.PostForm("/anmelden/zweiter-faktor", url.Values{"code": {secWrongCode(secret, env.Clock.Now())}}),
				http.StatusUnauthorized)
			if r := c.PostForm("/anmelden/zweiter-faktor", url.Values{"code": {totpNow(env, secret)}}); r.Location() != "/start" {
				t.Fatalf("second factor: %d → %s", r.StatusCode, r.Location())
			}
			check("start page after the second factor", c.Get("/start"), http.StatusOK)
			if pages < 14 {
				t.Fatalf("only %d pages checked", pages)
			}
		})
	}
}

func totpNow(env *apptest.Env, secret string) string { return auth.TOTPCode(secret, env.Clock.Now()) }
