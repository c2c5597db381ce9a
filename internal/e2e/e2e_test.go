package e2e

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"kim/internal/app"
	"kim/internal/apptest"
)

// suite is the running server and browser shared by all scenarios of TestBrowser.
type suite struct {
	env     *apptest.Env
	clk     *shiftClock
	b       *browser
	visitor *tab            // a tab without login, shared by the public-page scenarios
	tabs    map[string]*tab // logged-in tabs by e-mail address, reused across scenarios
}

// anon opens a new tab without a login.
func (s *suite) anon(t *testing.T) *tab {
	p := s.b.newTab(t, s.env.URL, true)
	p.germanBrowser()
	return p
}

// public returns the shared tab without a login.
func (s *suite) public(t *testing.T) *tab {
	if s.visitor == nil {
		s.visitor = s.anon(t)
	}
	return s.visitor.on(t)
}

// login returns a tab logged in as the demo account email (logging in on first use).
func (s *suite) login(t *testing.T, email string) *tab {
	t.Helper()
	if p, ok := s.tabs[email]; ok {
		return p.on(t)
	}
	p := s.anon(t).on(t)
	p.loginForm(email, app.DemoPassword)
	if got := p.path(); got != "/start" {
		t.Fatalf("login %s: landed on %s, want /start\n%s", email, got, p.text("main"))
	}
	s.tabs[email] = p
	return p
}

// germanBrowser makes the tab ask for German, as browsers in German offices do.
func (p *tab) germanBrowser() {
	p.t.Helper()
	if _, err := chromedp.Call(p.ctx, network.SetExtraHTTPHeaders, network.SetExtraHTTPHeadersParams{
		Headers: network.Headers{"Accept-Language": "de-DE,de;q=0.9"}}); err != nil {
		p.t.Fatalf("set Accept-Language: %v", err)
	}
}

// loginForm fills and sends the login form (opening the login page unless it is shown).
func (p *tab) loginForm(email, password string) {
	p.t.Helper()
	if !strings.HasPrefix(p.path(), "/anmelden") {
		p.open("/anmelden")
	}
	p.fill("#f-email", email)
	p.fill("#f-password", password)
	status := p.load("submit login", chromedp.Click(chromedp.CSS(`form[action="/anmelden"] button[type=submit]`)))
	if status != 200 && status != 401 {
		p.t.Fatalf("login %s: status %d", email, status)
	}
	p.check()
}

const (
	sessionCookie = "__Host-kim_session"
	adminEmail    = "admin@solingen.example"
	dpoEmail      = "dsb@solingen.example"
	opsEmail      = "betrieb@solingen.example"
	coordEmail    = "koordination@solingen.example"
	submitButton  = `main form[method=post] button[type=submit]`
	flashNotice   = `main .notice.success[role=status]`
)

// adminNav are the navigation entries that only some roles may see.
var adminNav = []string{"Organisationen", "Standorte", "Stadtbezirke", "Benutzerkonten", "Aufnahmekriterien", "Protokoll", "Mandanten", "Mein Fallbestand", "Meine Fristen", "Klient:innen", "Eingehende Vermittlungen",
	"Problemanzeigen", "Eingang Koordination", "Themen", "Gremien", "Sitzungen", "Handlungsempfehlungen", "Kennzahlen", "Dashboards", "Jahresbericht", "Veröffentlichungen", "Angebote pflegen", "Neuigkeiten"}

// demoRoles are the demo accounts with the German role label and the navigation each must
// see. Entries of adminNav that a role does not list must not be visible to it.
var demoRoles = []struct {
	email, role string
	nav         []string
}{
	{"cm.ki@solingen.example", "Case Manager:in", []string{"Startseite", "Mein Fallbestand", "Meine Fristen", "Klient:innen", "Eingehende Vermittlungen", "Problemanzeigen", "Themen", "Handlungsempfehlungen", "Angebote", "Neuigkeiten", "Mein Konto"}},
	{"cm.awo@solingen.example", "Case Manager:in", []string{"Startseite", "Mein Fallbestand", "Meine Fristen", "Klient:innen", "Eingehende Vermittlungen", "Problemanzeigen", "Themen", "Handlungsempfehlungen", "Angebote", "Neuigkeiten", "Mein Konto"}},
	{"cm.caritas@solingen.example", "Case Manager:in", []string{"Startseite", "Mein Fallbestand", "Meine Fristen", "Klient:innen", "Eingehende Vermittlungen", "Problemanzeigen", "Themen", "Handlungsempfehlungen", "Angebote", "Neuigkeiten", "Mein Konto"}},
	{"lead.awo@solingen.example", "Teamleitung", []string{"Startseite", "Mein Fallbestand", "Meine Fristen", "Klient:innen", "Eingehende Vermittlungen", "Problemanzeigen", "Themen", "Gremien", "Sitzungen", "Handlungsempfehlungen", "Kennzahlen", "Dashboards", "Jahresbericht", "Angebote", "Angebote pflegen", "Neuigkeiten", "Mein Konto"}},
	{coordEmail, "KIM-Koordination", []string{"Startseite", "Problemanzeigen", "Eingang Koordination", "Themen", "Gremien", "Sitzungen", "Handlungsempfehlungen", "Kennzahlen", "Dashboards", "Jahresbericht", "Veröffentlichungen", "Angebote", "Angebote pflegen", "Neuigkeiten", "Mein Konto"}},
	{"ag@solingen.example", "Gremienmitglied", []string{"Startseite", "Themen", "Gremien", "Sitzungen", "Handlungsempfehlungen", "Kennzahlen", "Dashboards", "Jahresbericht", "Angebote", "Mein Konto"}},
	{"einbuergerung@solingen.example", "Einbürgerungsbehörde", []string{"Startseite", "Angebote", "Mein Konto"}},
	{dpoEmail, "Datenschutzbeauftragte:r", []string{"Startseite", "Kennzahlen", "Dashboards", "Jahresbericht", "Veröffentlichungen", "Angebote", "Protokoll", "Mein Konto"}},
	{adminEmail, "Mandantenverwaltung", []string{"Startseite", "Kennzahlen", "Dashboards", "Jahresbericht", "Angebote", "Angebote pflegen", "Organisationen", "Standorte", "Stadtbezirke", "Benutzerkonten", "Aufnahmekriterien", "Mein Konto"}},
	{opsEmail, "Plattformverwaltung", []string{"Startseite", "Mandanten", "Mein Konto"}},
}

// TestBrowser runs the end-to-end scenarios against one server with the demo tenant and one
// Chromium. Every page a scenario visits is checked with axe-core (see tab.check).
func TestBrowser(t *testing.T) {
	exe := chromiumPath(t)
	axe := axeSource(t)
	clk := &shiftClock{}
	env := apptest.New(t, apptest.SQLite, apptest.Options{Demo: true, Configure: func(c *app.Config) { c.Clock = clk }})
	if err := env.App.SeedDemo(context.Background()); err != nil {
		t.Fatalf("seed demo tenant: %v", err)
	}
	s := &suite{env: env, clk: clk, b: startBrowser(t, exe, axe), tabs: map[string]*tab{}}

	t.Run("login page shows the demo logins", s.loginPage)
	t.Run("failed login shows an error", s.failedLogin)
	t.Run("each role sees its navigation", s.roles)
	t.Run("organisations: list, validation, create, edit, delete", s.organisations)
	t.Run("locations", s.locations)
	t.Run("districts", s.districts)
	t.Run("users: new account gets an activation code", s.users)
	t.Run("account page", s.account)
	t.Run("audit trail and chain check", s.audit)
	t.Run("tenants", s.tenants)
	t.Run("accessibility statement", s.statement)
	t.Run("English", s.english)
	t.Run("keyboard: skip link", s.skipLink)
	t.Run("keyboard: submit a form", s.keyboardForm)
	t.Run("without JavaScript: log in, save, extend the session", s.withoutJS)
	t.Run("session warning with JavaScript", s.sessionWarning)
	t.Run("case management: intake to closing, with a partner's answer through a link", s.intakeJourney)
	t.Run("case management: a team lead reassigns a case", s.reassignJourney)
	t.Run("case management: a revoked consent stops a partner's access at once", s.revocationJourney)
	t.Run("steering: from barrier reports to a new offer in a referral, shown in the loop view", s.steeringLoopJourney)
	t.Run("steering: the public offer directory in every language without JavaScript", s.publicDirectory)
	t.Run("monitoring: filter and save a dashboard, link it to a theme, export XLSX, annual report PDF", s.monitoringJourney)
}

func (s *suite) loginPage(t *testing.T) {
	p := s.public(t)
	p.open("/anmelden")
	if lang := p.attr("html", "lang"); lang != "de" {
		t.Errorf("html lang = %q, want de", lang)
	}
	p.expectText("h1", "Anmelden")
	p.expectText("main", "Anmeldung für: Stadt Solingen")
	for _, sel := range []string{`label[for=f-email]`, `label[for=f-password]`} {
		p.mustExist(sel)
	}
	p.expectText("section[aria-labelledby=demo-title]", app.DemoPassword)
	emails := p.texts(".demo-logins tbody td:first-child")
	for _, r := range demoRoles {
		if !slices.Contains(emails, r.email) {
			t.Errorf("demo login %s not listed; listed: %v", r.email, emails)
		}
	}
	p.expectText(".demo-logins", "Mandantenverwaltung")
	p.screenshot("login")
}

func (s *suite) failedLogin(t *testing.T) {
	p := s.public(t)
	p.open("/anmelden")
	p.loginForm(adminEmail, "falsches-Passwort-123")
	if got := p.path(); got != "/anmelden" {
		t.Fatalf("failed login moved to %s", got)
	}
	p.expectText(`main .notice.error[role=alert]`, "Die E-Mail-Adresse oder das Passwort ist nicht richtig.")
	if v := eval[string](p, `document.querySelector("#f-email").value`); v != adminEmail {
		t.Errorf("e-mail field after failed login = %q, want it kept", v)
	}
	if v := eval[string](p, `document.querySelector("#f-password").value`); v != "" {
		t.Errorf("password field after failed login is not empty")
	}
	if c := p.cookie(sessionCookie); c != nil {
		t.Errorf("failed login set a session cookie")
	}
	if p.count("nav.main-nav") != 0 {
		t.Errorf("failed login shows the staff navigation")
	}
}

// roles logs in with every demo account in turn, in one tab, and logs out again with the
// button in the header.
func (s *suite) roles(t *testing.T) {
	visited := map[string]bool{"/start": true}
	p := s.anon(t)
	for _, r := range demoRoles {
		t.Run(r.email, func(t *testing.T) {
			p := p.on(t)
			p.loginForm(r.email, app.DemoPassword)
			if got := p.path(); got != "/start" {
				t.Fatalf("login landed on %s, want /start\n%s", got, p.text("main"))
			}
			c := p.cookie(sessionCookie)
			if c == nil {
				t.Fatalf("no %s cookie after login on %s (Chromium refused the Secure cookie?)", sessionCookie, p.base)
			}
			if !c.Secure || !c.HTTPOnly || c.SameSite != network.CookieSameSiteLax {
				t.Errorf("session cookie: secure=%v httpOnly=%v sameSite=%s", c.Secure, c.HTTPOnly, c.SameSite)
			}
			p.expectText(".user-name .role", r.role)
			nav := p.texts(".main-nav a")
			for _, want := range r.nav {
				if !slices.Contains(nav, want) {
					t.Errorf("navigation %v lacks %q", nav, want)
				}
			}
			for _, entry := range adminNav {
				if slices.Contains(nav, entry) && !slices.Contains(r.nav, entry) {
					t.Errorf("navigation %v shows %q to %s", nav, entry, r.role)
				}
			}
			if cur := p.attr(`.main-nav a[aria-current=page]`, "href"); cur != "/start" {
				t.Errorf("current navigation entry = %q, want /start", cur)
			}
			if p.attr("body", "data-session-end") == "" || p.count("#session-warning[hidden]") != 1 {
				t.Errorf("staff page lacks data-session-end or the hidden #session-warning")
			}
			// Every entry of the navigation opens for the role (each page once across roles;
			// the scenarios below look at them in depth).
			for _, href := range eval[[]string](p, `[...document.querySelectorAll(".main-nav a")].map(a => a.getAttribute("href"))`) {
				if !visited[href] {
					visited[href] = true
					p.open(href)
				}
			}
			p.click(`.user-bar form[action="/abmelden"] button`)
			p.expectText(flashNotice, "Sie wurden abgemeldet.")
			if p.cookie(sessionCookie) != nil {
				t.Errorf("the session cookie survived the logout")
			}
			p.open("/start", 200)
			if got := p.path(); !strings.HasPrefix(got, "/anmelden") {
				t.Errorf("after logout /start shows %s, want the login page", got)
			}
		})
	}
}

func (s *suite) organisations(t *testing.T) {
	p := s.login(t, adminEmail)
	p.open("/verwaltung/organisationen")
	p.expectText("h1", "Organisationen")
	names := p.texts("main table tbody tr td:first-child a")
	for _, want := range []string{"AWO", "Caritas", "Diakonie", "Kommunales Integrationszentrum", "Jobcenter Solingen"} {
		if !slices.Contains(names, want) {
			t.Errorf("organisation list %v lacks %q", names, want)
		}
	}
	p.screenshot("organisations")

	// The empty form answers with an error summary that links to the fields and gets focus.
	p.click(`main a.button[href="/verwaltung/organisationen/neu"]`)
	p.expectText("h1", "Neue Organisation")
	p.click(submitButton, 422)
	p.mustExist(".error-summary[role=alert]")
	if f := p.focused(); !strings.Contains(f, ".error-summary") {
		t.Errorf("focus after a failed submit is on %q, want the error summary", f)
	}
	links := eval[[]string](p, `[...document.querySelectorAll(".error-summary a")].map(a => a.getAttribute("href"))`)
	for _, want := range []string{"#f-name", "#f-type"} {
		if !slices.Contains(links, want) {
			t.Errorf("error summary links %v lack %s", links, want)
		}
	}
	for _, href := range links {
		if p.count(href) != 1 {
			t.Errorf("error summary link %s points to no field", href)
		}
	}
	if p.attr("#f-name", "aria-invalid") != "true" || !strings.Contains(p.attr("#f-name", "aria-describedby"), "f-name-error") {
		t.Errorf("#f-name lacks aria-invalid or the description of its error")
	}
	p.expectText("#f-name-error", "Bitte füllen Sie dieses Feld aus.")
	// Following a summary link puts the focus on the field.
	p.do("follow summary link", chromedp.Click(chromedp.CSS(`.error-summary a[href="#f-name"]`)))
	if f := p.focused(); f != "input#f-name" {
		t.Errorf("after the summary link the focus is on %q, want input#f-name", f)
	}

	p.fill("#f-name", "Flüchtlingshilfe Gräfrath e.V.")
	p.choose("#f-type", "Verein")
	p.fill("#f-email", "kontakt@fluechtlingshilfe.example")
	p.click(submitButton)
	p.expectText(flashNotice, "Die Organisation wurde angelegt.")
	if !strings.HasPrefix(p.path(), "/verwaltung/organisationen/") {
		t.Fatalf("after create on %s", p.path())
	}
	edit := p.path()

	p.fill("#f-short_name", "FH Gräfrath")
	p.click(submitButton)
	p.expectText(flashNotice, "Die Änderungen wurden gespeichert.")
	if v := eval[string](p, `document.querySelector("#f-short_name").value`); v != "FH Gräfrath" {
		t.Errorf("short name after save = %q", v)
	}

	p.click(`main a.button.danger[href$="/loeschen"]`)
	p.expectText("h1", "Organisation löschen")
	p.expectText("main .notice.warning", "„Flüchtlingshilfe Gräfrath e.V.“")
	p.click(`main form button.danger[type=submit]`)
	p.expectText(flashNotice, "Die Organisation wurde gelöscht.")
	if names := p.texts("main table tbody tr td:first-child a"); slices.Contains(names, "Flüchtlingshilfe Gräfrath e.V.") {
		t.Errorf("deleted organisation still listed")
	}
	p.open(edit, 404)
}

func (s *suite) locations(t *testing.T) {
	p := s.login(t, adminEmail)
	p.open("/verwaltung/standorte")
	p.expectText("h1", "Standorte")
	if n := p.count("main table tbody tr"); n < 9 {
		t.Errorf("location list has %d rows, want the 9 demo locations", n)
	}
	p.expectText("main table", "WillkommenCenter")
	p.click(`main a.button[href="/verwaltung/standorte/neu"]`)
	p.expectText("h1", "Neuer Standort")
	for _, sel := range []string{"#f-name", "#f-organisation_id", "#f-district_id"} {
		p.mustExist(sel)
	}
	p.open("/verwaltung/standorte")
	p.click(`main table tbody tr td:first-child a`)
	if !strings.HasPrefix(p.path(), "/verwaltung/standorte/") {
		t.Errorf("location link led to %s", p.path())
	}
}

func (s *suite) districts(t *testing.T) {
	p := s.login(t, adminEmail)
	p.open("/verwaltung/bezirke")
	p.expectText("h1", "Stadtbezirke")
	names := p.texts("main table tbody tr td:first-child a")
	for _, want := range []string{"Solingen-Mitte", "Ohligs/Aufderhöhe/Merscheid", "Wald", "Burg/Höhscheid", "Gräfrath"} {
		if !slices.Contains(names, want) {
			t.Errorf("district list %v lacks %q", names, want)
		}
	}
	href := eval[string](p, `[...document.querySelectorAll("main table tbody a")].find(a => a.textContent.trim() === "Solingen-Mitte").getAttribute("href")`)
	p.click(fmt.Sprintf(`main table a[href=%q]`, href))
	p.expectText("h1", "Solingen-Mitte")
	quarters := p.texts("main table tbody tr td:first-child")
	for _, want := range []string{"Innenstadt", "Nordstadt", "Müngsten"} {
		if !slices.Contains(quarters, want) {
			t.Errorf("quarters of Solingen-Mitte %v lack %q", quarters, want)
		}
	}
}

func (s *suite) users(t *testing.T) {
	p := s.login(t, adminEmail)
	p.open("/verwaltung/benutzer")
	p.expectText("h1", "Benutzerkonten")
	p.expectText("main table", "cm.awo@solingen.example")
	p.click(`main a.button[href="/verwaltung/benutzer/neu"]`)
	p.fill("#f-name", "Ayşe Yılmaz")
	p.fill("#f-email", "ayse.yilmaz@awo.example")
	p.choose("#f-role", "Case Manager:in")
	p.choose("#f-organisation_id", "AWO")
	p.click(submitButton)
	p.expectText("main .notice.success", "Ayşe Yılmaz")
	p.expectText("main dl.facts", "ayse.yilmaz@awo.example")
	if code := p.text("#activation-code"); len(code) < 8 {
		t.Errorf("activation code %q looks too short", code)
	}
	p.open("/verwaltung/benutzer?q=Yılmaz")
	p.expectText("main table tbody", "ayse.yilmaz@awo.example")
}

func (s *suite) account(t *testing.T) {
	p := s.login(t, adminEmail)
	p.open("/konto")
	p.expectText("h1", "Mein Konto")
	p.expectText("main dl.facts", adminEmail)
	p.expectText("main dl.facts", "Mandantenverwaltung")
	if n := p.count("main section[aria-labelledby=sitzungen] tbody tr"); n < 1 {
		t.Errorf("account page lists %d sessions, want the current one", n)
	}
	p.screenshot("account")
}

func (s *suite) audit(t *testing.T) {
	p := s.login(t, dpoEmail)
	p.open("/protokoll")
	p.expectText("h1", "Protokoll")
	if n := p.count("main table tbody tr"); n == 0 {
		t.Fatalf("the audit trail is empty after logins and changes")
	}
	p.click(`main a[href="/protokoll/pruefung"]`)
	p.mustExist("main .notice.success[role=status]")
	if p.count("main .notice.error") != 0 {
		t.Errorf("the chain check reports a broken chain: %s", p.text("main .notice.error"))
	}
}

func (s *suite) tenants(t *testing.T) {
	p := s.login(t, opsEmail)
	p.open("/plattform/mandanten")
	p.expectText("h1", "Mandanten")
	p.click(`main table tbody a`)
	p.expectText("main dl.facts", "solingen")
	p.mustExist("#f-admin_name")
	p.expectText("main table", adminEmail)
}

func (s *suite) statement(t *testing.T) {
	p := s.public(t)
	p.open("/barrierefreiheit")
	p.expectText("h1", "Erklärung zur Barrierefreiheit")
	p.click(`footer a[href="/datenschutz"]`)
	p.expectText("h1", "Datenschutz")
}

func (s *suite) english(t *testing.T) {
	p := s.public(t)
	defer p.open("/anmelden?lang=de") // the choice is kept in a cookie
	p.open("/barrierefreiheit?lang=en")
	if lang := p.attr("html", "lang"); lang != "en" {
		t.Errorf("html lang = %q, want en", lang)
	}
	p.expectText("h1", "Accessibility statement")
	// The choice is remembered for the next page.
	p.open("/anmelden")
	p.expectText("h1", "Log in")
	if cur := p.attr(`footer .languages a[aria-current=true]`, "lang"); cur != "en" {
		t.Errorf("current language in the footer = %q, want en", cur)
	}
	// A staff page in English, and back to German.
	q := s.login(t, adminEmail)
	q.open("/verwaltung/organisationen?lang=en")
	q.expectText("h1", "Organisations")
	q.open("/verwaltung/organisationen?lang=de")
	q.expectText("h1", "Organisationen")
}

func (s *suite) skipLink(t *testing.T) {
	p := s.login(t, adminEmail)
	p.open("/verwaltung/bezirke")
	p.key("\t")
	if f := p.focused(); f != "a.skip-link" {
		t.Fatalf("first Tab focuses %q, want the skip link", f)
	}
	if !eval[bool](p, `(() => { const r = document.activeElement.getBoundingClientRect();
	    return r.left >= 0 && r.top >= 0 && r.width > 0 && r.height > 0; })()`) {
		t.Errorf("the focused skip link is not visible")
	}
	p.expectText("a.skip-link", "Zum Inhalt springen")
	p.key("\r")
	if f := p.focused(); f != "main#inhalt" {
		t.Errorf("after the skip link the focus is on %q, want main#inhalt", f)
	}
	// The next Tab continues inside the main content, not in the header.
	p.key("\t")
	if !eval[bool](p, `document.querySelector("main").contains(document.activeElement)`) {
		t.Errorf("Tab after the skip link focuses %q outside main", p.focused())
	}
}

func (s *suite) keyboardForm(t *testing.T) {
	p := s.login(t, adminEmail)
	p.open("/verwaltung/bezirke/neu")
	// Tab from the top of the page to the first field, then type and submit with Enter.
	for i := 0; p.focused() != "input#f-name"; i++ {
		if i == 60 {
			t.Fatalf("60 Tabs did not reach the name field (focus on %q)", p.focused())
		}
		p.key("\t")
	}
	p.key("Teststadtbezirk")
	p.key("\t")
	if f := p.focused(); f != "input#f-code" {
		t.Fatalf("Tab from the name goes to %q, want input#f-code", f)
	}
	p.key("9")
	status := p.load("submit with Enter", chromedp.KeyEvent("\r"))
	p.expectStatus("submit with Enter", status)
	p.check()
	p.expectText(flashNotice, "Der Stadtbezirk wurde angelegt.")
	if v := eval[string](p, `document.querySelector("#f-name").value`); v != "Teststadtbezirk" {
		t.Errorf("saved district name = %q", v)
	}
	// Delete it again with the keyboard: focus the delete link, Enter, then the confirm button.
	p.do("focus delete", chromedp.Focus(chromedp.CSS(`main a.button.danger`)))
	p.expectStatus("open delete", p.load("Enter on delete", chromedp.KeyEvent("\r")))
	p.check()
	p.do("focus confirm", chromedp.Focus(chromedp.CSS(`main form button.danger`)))
	p.expectStatus("confirm delete", p.load("Enter on confirm", chromedp.KeyEvent("\r")))
	p.expectText(flashNotice, "Der Stadtbezirk wurde gelöscht.")
}

func (s *suite) withoutJS(t *testing.T) {
	p := s.b.newTab(t, s.env.URL, false).on(t)
	p.germanBrowser()
	p.loginForm(adminEmail, app.DemoPassword)
	if got := p.path(); got != "/start" {
		t.Fatalf("login without JavaScript landed on %s", got)
	}

	// A failed save shows the summary; without the script nothing moves the focus to it.
	p.open("/verwaltung/bezirke/neu")
	p.click(submitButton, 422)
	p.mustExist(".error-summary")
	if f := p.focused(); strings.Contains(f, "error-summary") {
		t.Fatalf("focus is on the error summary, so the page script ran although JavaScript is disabled")
	}

	// Save a change to a location.
	p.open("/verwaltung/standorte")
	p.click(`main table tbody tr td:first-child a`)
	loc := p.path()
	p.fill("#f-opening_hours", "Mo–Fr 9–12 Uhr (ohne JavaScript gespeichert)")
	p.click(submitButton)
	p.expectText(flashNotice, "Die Änderungen wurden gespeichert.")
	if p.path() != loc {
		t.Errorf("after save on %s, want %s", p.path(), loc)
	}
	if v := eval[string](p, `document.querySelector("#f-opening_hours").value`); !strings.Contains(v, "ohne JavaScript") {
		t.Errorf("opening hours after save = %q", v)
	}

	// The header form extends the session and returns to the same page, query included.
	p.open("/verwaltung/organisationen?q=AWO")
	if p.count("body[data-session-end]") != 1 || p.count("#session-warning[hidden]") != 1 {
		t.Fatalf("staff page lacks data-session-end or the hidden #session-warning")
	}
	before := p.text("#session-bar span")
	s.clk.Advance(3 * time.Minute) // so that the new deadline differs from the old one
	p.click(`#session-bar form[action="/sitzung/verlaengern"] button`)
	p.expectText(flashNotice, "Ihre Sitzung wurde verlängert.")
	if got := p.path(); got != "/verwaltung/organisationen?q=AWO" {
		t.Errorf("after extending on %s, want the page of before", got)
	}
	if after := p.text("#session-bar span"); after == before || !strings.HasPrefix(after, "Sitzung aktiv bis") {
		t.Errorf("session bar before %q, after %q: want a later time", before, after)
	}
}

// sessionWarning lets the browser's clock run 13½ minutes ahead of the server's, so that a fresh session is
// within two minutes of its idle end as far as the page script can tell: the script asks the
// server, shows the warning and moves the focus to its button; the button extends the session
// without reloading the page.
func (s *suite) sessionWarning(t *testing.T) {
	p := s.anon(t).on(t)
	p.shiftBrowserClock(s.clk.offset() + 13*time.Minute + 30*time.Second)
	p.loginForm(coordEmail, app.DemoPassword)
	p.open("/konto")
	before := p.text("#session-bar span")
	p.waitVisible("#session-warning")
	if f := p.focused(); f != "button#session-extend" {
		t.Errorf("focus with the session warning on %q, want button#session-extend", f)
	}
	p.expectText("#session-warning", "Ihre Sitzung läuft gleich ab")
	p.check()
	s.clk.Advance(3 * time.Minute) // so that the extended deadline shows a later time
	p.do("extend", chromedp.Click(chromedp.CSS("#session-extend")))
	p.waitHidden("#session-warning")
	if after := p.text("#session-bar span"); after == before || !strings.HasPrefix(after, "Sitzung aktiv bis") {
		t.Errorf("session bar before %q, after extending %q: want a later time", before, after)
	}
	if p.path() != "/konto" {
		t.Errorf("extending left the page for %s", p.path())
	}
}

// shiftBrowserClock makes Date.now in every later document of the tab run ahead by d.
func (p *tab) shiftBrowserClock(d time.Duration) {
	p.t.Helper()
	src := fmt.Sprintf(`(() => { const now = Date.now.bind(Date); Date.now = () => now() + %d; })();`, d.Milliseconds())
	if _, err := chromedp.Call(p.ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: src}); err != nil {
		p.t.Fatalf("shift the browser clock: %v", err)
	}
}
