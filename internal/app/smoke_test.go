package app_test

import (
	"context"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"kim/internal/app"
	"kim/internal/apptest"
	"kim/internal/platform/access"
	"kim/internal/platform/audit"
)

func TestEveryRoleLogsInAndSeesItsNavigation(t *testing.T) {
	for _, e := range apptest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			env := apptest.New(t, e, apptest.Options{})
			env.Seed()
			want := map[access.Role][]string{
				access.CaseManager: {"/start", "/faelle", "/fristen", "/klienten", "/vermittlungen/eingang", "/problemanzeigen", "/themen",
					"/empfehlungen", "/angebote", "/neuigkeiten", "/konto"},
				access.TeamLead: {"/start", "/faelle", "/fristen", "/klienten", "/vermittlungen/eingang", "/problemanzeigen", "/themen", "/gremien", "/sitzungen",
					"/empfehlungen", "/monitoring", "/monitoring/dashboards", "/monitoring/berichte", "/angebote", "/angebote/verwaltung", "/neuigkeiten", "/konto"},
				access.Coordinator: {"/start", "/problemanzeigen", "/koordination/eingang", "/themen", "/gremien", "/sitzungen", "/empfehlungen", "/monitoring", "/monitoring/dashboards", "/monitoring/berichte", "/monitoring/veroeffentlichungen", "/angebote",
					"/angebote/verwaltung", "/neuigkeiten", "/konto"},
				access.BodyMember:            {"/start", "/themen", "/gremien", "/sitzungen", "/empfehlungen", "/monitoring", "/monitoring/dashboards", "/monitoring/berichte", "/angebote", "/konto"},
				access.NaturalisationClerk:   {"/start", "/angebote", "/konto"},
				access.DataProtectionOfficer: {"/start", "/monitoring", "/monitoring/dashboards", "/monitoring/berichte", "/monitoring/veroeffentlichungen", "/angebote", "/protokoll", "/konto"},
				access.TenantAdmin: {"/start", "/monitoring", "/monitoring/dashboards", "/monitoring/berichte", "/angebote", "/angebote/verwaltung", "/verwaltung/organisationen", "/verwaltung/standorte", "/verwaltung/bezirke",
					"/verwaltung/benutzer", "/verwaltung/aufnahmekriterien", "/konto"},
				access.PlatformAdmin: {"/start", "/plattform/mandanten", "/konto"},
			}
			for _, role := range access.Roles {
				c := env.Client()
				c.Login(role)
				r := c.Get("/start")
				if r.StatusCode != http.StatusOK {
					t.Fatalf("%s: /start answered %d", role, r.StatusCode)
				}
				var got []string
				r.Doc(t).Find("nav.main-nav a").Each(func(_ int, s *goquery.Selection) {
					href, _ := s.Attr("href")
					got = append(got, href)
				})
				if len(got) != len(want[role]) {
					t.Fatalf("%s: navigation %v, want %v", role, got, want[role])
				}
				for i := range got {
					if got[i] != want[role][i] {
						t.Fatalf("%s: navigation %v, want %v", role, got, want[role])
					}
				}
			}
		})
	}
}

func TestStartPageFiguresCountTheOwnTenantOnly(t *testing.T) {
	for _, e := range apptest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			env := apptest.New(t, e, apptest.Options{})
			env.Seed()
			c := env.Client()
			c.Login(access.TenantAdmin)
			got := map[string]string{}
			c.Get("/start").Doc(t).Find("#kennzahlen ~ ul li a").Each(func(_ int, s *goquery.Selection) {
				href, _ := s.Attr("href")
				got[href] = s.Find(".figure").Text()
			})
			// Tenant alpha: organisations A1 and A2, one location each, one district, ten
			// accounts (one per role, a colleague in A1, a member of A2), none awaiting activation.
			want := map[string]string{"/verwaltung/organisationen": "2", "/verwaltung/standorte": "2", "/verwaltung/bezirke": "1",
				"/verwaltung/benutzer": "10", "/verwaltung/benutzer?status=pending": "0"}
			for k, v := range want {
				if got[k] != v {
					t.Errorf("figure %s = %q, want %q (all: %v)", k, got[k], v, got)
				}
			}
		})
	}
}

// The first login of an account that must use a second factor shows a scannable QR code (a
// data: URL that html/template must not filter) and the key as text.
func TestSecondFactorSetUpShowsTheQRCode(t *testing.T) {
	env := apptest.New(t, apptest.SQLite, apptest.Options{RequireMFA: true})
	env.Seed()
	c := env.Client()
	r := c.PostForm("/anmelden", url.Values{"tenant": {"alpha"}, "email": {apptest.Email(access.CaseManager)}, "password": {apptest.Password}})
	if r.StatusCode != http.StatusSeeOther || r.Location() != "/anmelden/einrichten" {
		t.Fatalf("login: %d %s", r.StatusCode, r.Location())
	}
	page := c.Get("/anmelden/einrichten")
	src, _ := page.Doc(t).Find("img.qr").Attr("src")
	if !strings.HasPrefix(src, "data:image/png;base64,") || strings.Contains(string(page.Body), "ZgotmplZ") {
		t.Fatalf("QR code src = %.60q", src)
	}
	if secret := strings.TrimSpace(page.Doc(t).Find("#totp-secret").Text()); len(strings.ReplaceAll(secret, " ", "")) != 32 {
		t.Fatalf("key shown as %q", secret)
	}
	if strings.Contains(env.Logs.String(), "unsafe value filtered") {
		t.Fatal("a page contained a value html/template filtered")
	}
}

// Demo mode exempts only the demo tenant from the second factor; other tenants of the same
// installation keep it, and the demo logins are shown only while the demo tenant exists.
func TestDemoModeExemptsOnlyTheDemoTenant(t *testing.T) {
	env := apptest.New(t, apptest.SQLite, apptest.Options{RequireMFA: true, Demo: true})
	env.Seed()
	anon := env.Client()
	if anon.Get("/anmelden").Doc(t).Find("#demo-title").Length() != 0 {
		t.Fatal("demo logins shown although the demo tenant does not exist")
	}
	if err := env.App.SeedDemo(context.Background()); err != nil {
		t.Fatal(err)
	}
	if anon.Get("/anmelden").Doc(t).Find("#demo-title").Length() != 1 {
		t.Fatal("demo logins not shown")
	}
	demo := env.Client()
	demo.LoginAs(app.DemoTenant, "cm.ki@solingen.example", app.DemoPassword)
	other := env.Client()
	r := other.PostForm("/anmelden", url.Values{"tenant": {"alpha"}, "email": {apptest.Email(access.CaseManager)}, "password": {apptest.Password}})
	if r.StatusCode != http.StatusSeeOther || r.Location() != "/anmelden/einrichten" {
		t.Fatalf("tenant alpha in demo mode: %d %s, want the second-factor set-up", r.StatusCode, r.Location())
	}
}

// kim serve writes every tenant's audit chain head to the log when it starts and stops, so that
// the log system keeps checkpoints outside the database.
func TestServeLogsAuditCheckpoints(t *testing.T) {
	env := apptest.New(t, apptest.SQLite, apptest.Options{})
	fx := env.Seed()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- env.App.Serve(ctx, ln) }()
	resp, err := http.Get("http://" + ln.Addr().String() + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("serve: %v", err)
	}
	cps, err := audit.ReadCheckpoints(strings.NewReader(env.Logs.String()))
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, cp := range cps {
		seen[cp.TenantID] = true
	}
	if !seen[fx.TenantA.ID] || !seen[fx.TenantB.ID] {
		t.Fatalf("checkpoints in the log: %+v", cps)
	}
	for _, tenant := range []string{fx.TenantA.ID, fx.TenantB.ID} {
		if p, _, err := env.App.Audit.VerifyWithCheckpoints(context.Background(), env.App.DB, tenant, cps); p != nil || err != nil {
			t.Fatalf("verify %s against the logged checkpoints: %v %v", tenant, p, err)
		}
	}
}

// A language picked on a public page before the login gives way to the account's saved language.
func TestLoginBringsBackTheAccountsLanguage(t *testing.T) {
	env := apptest.New(t, apptest.SQLite, apptest.Options{})
	env.Seed()
	c := env.Client()
	c.Get("/anmelden?lang=en")
	c.Login(access.CaseManager)
	if got := c.Get("/start").Doc(t).Find("html").AttrOr("lang", ""); got != "de" {
		t.Fatalf("start page in %q, want the account's language de", got)
	}
}
