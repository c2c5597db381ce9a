package app_test

import (
	"context"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"kim/internal/accounts"
	"kim/internal/apptest"
	"kim/internal/casework"
	"kim/internal/directory"
	"kim/internal/platform/access"
	"kim/internal/platform/auth"
	"kim/internal/platform/db"
	"kim/internal/platform/web"
)

// TestMalformedInputNeverAnswers500 sends malformed ids, query strings, forms, JSON bodies,
// oversized bodies and unregistered methods to every registered route, as a caller who may
// reach the route. No answer may be a 500; API errors keep the contract's shape; error pages
// show no Go or database error text and are German; a refused request leaves no record behind.
// A route the generator cannot address (new wildcard, new area without a caller) fails the
// test, so that every new route is covered.
func TestMalformedInputNeverAnswers500(t *testing.T) {
	for _, e := range apptest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			p := newProber(t, e)
			paths := map[string][]string{} // path → registered methods
			for _, rt := range p.env.App.Router.Routes() {
				paths[rt.Path] = append(paths[rt.Path], rt.Method)
			}
			var planned []web.Route
			for _, rt := range p.env.App.Router.Routes() {
				if p.plan(rt) {
					planned = append(planned, rt)
				}
			}
			// Visit every page once to learn the forms and JSON fields.
			for _, rt := range planned {
				if rt.Method == http.MethodGet {
					p.send(rt, "page", p.request(rt, p.ownPath(rt), "", nil), false)
				}
			}
			p.baseline()
			for _, rt := range planned {
				p.idBattery(rt)
				switch {
				case rt.Method == http.MethodGet:
					p.queryBattery(rt)
				case isAPI(rt.Path) && rt.Method != http.MethodDelete:
					p.jsonBattery(rt)
				default:
					p.formBattery(rt)
				}
			}
			for _, rt := range planned {
				p.methodBattery(rt, paths[rt.Path])
			}
			p.unmatched()
			p.checkStoredData()
			if r := p.anon.Get("/healthz"); r.StatusCode != http.StatusOK {
				t.Errorf("server unhealthy after the battery: /healthz answered %d", r.StatusCode)
			}
			t.Logf("%d requests to %d routes", p.requests, len(p.env.App.Router.Routes()))
		})
	}
}

// prober holds one running instance, its fixtures and a logged-in client per caller.
type prober struct {
	t       *testing.T
	env     *apptest.Env
	fx      *apptest.Fixtures
	gamma   *directory.Tenant // a third tenant for the platform administration and the login forms
	tokenA  string            // an API token id of tenant A
	tokenB  string            // an API token id of tenant B
	member  string            // a household member of client A1
	link    string            // a partner link to a referral of case A1
	docA    string            // a document of case A1
	docB    string            // a document of tenant B
	critA   string            // an admission criterion of tenant A
	critB   string            // an admission criterion of tenant B
	anon    *apptest.Client
	staff   map[access.Role]*apptest.Client
	api     map[access.Role]*apptest.Client
	pending map[string]*apptest.Client // login stage → client with a half-finished login
	pendUsr map[string]*accounts.User
	german  []*regexp.Regexp
	// formFields are the names of all form fields seen on the pages plus the known ones;
	// actions the fields of each form by the path it posts to.
	formFields map[string]bool
	actions    map[string][]string
	// samples are JSON values seen in API answers, by key (to learn the types of input fields).
	samples  map[string]any
	requests int
	seq      int
	last     string // the snapshot after the last request
}

func newProber(t *testing.T, e apptest.Engine) *prober {
	env := apptest.New(t, e, apptest.Options{})
	fx := env.Seed()
	ctx := context.Background()
	a := env.App
	p := &prober{t: t, env: env, fx: fx, anon: env.Client(), staff: map[access.Role]*apptest.Client{},
		api: map[access.Role]*apptest.Client{}, pending: map[string]*apptest.Client{}, pendUsr: map[string]*accounts.User{},
		formFields: map[string]bool{}, actions: map[string][]string{}, samples: map[string]any{}}
	gamma, gammaOrg, err := a.Dir.CreateTenant(ctx, access.System(""), directory.TenantInput{Slug: "gamma", Name: "Stadt Gamma", FirstOrganisation: "Gamma Verwaltung"})
	if err != nil {
		t.Fatal(err)
	}
	p.gamma = gamma
	// Half-finished logins run in tenant gamma, so that their failures never throttle the
	// fixture logins of tenant alpha.
	for _, stage := range []string{auth.StageMFA, auth.StageEnrol} {
		u, _, err := a.Accounts.EnsureUser(ctx, p.gamma.ID, accounts.UserInput{Name: "Gamma " + stage, Email: stage + "@gamma.example",
			Role: access.CaseManager, OrganisationID: gammaOrg.ID}, apptest.Password)
		if err != nil {
			t.Fatal(err)
		}
		if stage == auth.StageMFA {
			// A login waits for the second factor only of an account that has one.
			en, err := a.Accounts.StartEnrolment(ctx, u)
			if err != nil {
				t.Fatal(err)
			}
			if _, _, err := a.Accounts.ConfirmEnrolment(ctx, u, nil, auth.TOTPCode(en.Secret, env.Clock.Now()), "malformed-test"); err != nil {
				t.Fatal(err)
			}
		}
		p.pendUsr[stage] = u
	}
	if _, err := a.Accounts.TokenFor(ctx, fx.TenantB.ID, fx.TenantB.Slug, "beta@beta.example", "fremd", 0); err != nil {
		t.Fatal(err)
	}
	err = env.DB().Read(ctx, func(tx *db.Tx) error {
		if err := tx.QueryRowContext(ctx, "SELECT CAST(id AS TEXT) FROM api_tokens WHERE tenant_id = $1 ORDER BY id LIMIT 1", fx.TenantA.ID).Scan(&p.tokenA); err != nil {
			return err
		}
		return tx.QueryRowContext(ctx, "SELECT CAST(id AS TEXT) FROM api_tokens WHERE tenant_id = $1 ORDER BY id LIMIT 1", fx.TenantB.ID).Scan(&p.tokenB)
	})
	if err != nil {
		t.Fatal(err)
	}
	cm := fx.Users[access.CaseManager].Actor("alpha")
	m, err := a.Cases.AddHouseholdMember(ctx, cm, fx.ClientA1.ID, casework.HouseholdInput{Name: "Kind Alpha", Relationship: "child"})
	if err != nil {
		t.Fatal(err)
	}
	p.member = m.ID
	ref, err := a.Cases.AddReferral(ctx, cm, fx.CaseA1.ID, casework.ReferralInput{OrganisationID: fx.OrgA2.ID, ConsentID: fx.ConsentA1.ID, PartnerLink: true}, "")
	if err != nil {
		t.Fatal(err)
	}
	p.link = ref.PartnerLink
	pdf := []byte("%PDF-1.4\n1 0 obj <<>> endobj\n%%EOF\n")
	da, err := a.Cases.AddDocument(ctx, cm, fx.CaseA1.ID, casework.DocumentInput{Type: "other", Name: "a.pdf", Content: pdf}, "")
	if err != nil {
		t.Fatal(err)
	}
	db1, err := a.Cases.AddDocument(ctx, fx.MemberB1.Actor("beta"), fx.CaseB1.ID, casework.DocumentInput{Type: "other", Name: "b.pdf", Content: pdf}, "")
	if err != nil {
		t.Fatal(err)
	}
	p.docA, p.docB = da.ID, db1.ID
	ca, err := a.Cases.SaveCriterion(ctx, access.System(fx.TenantA.ID), "", casework.CriterionInput{Label: "Mehrere Bedarfe", Active: true})
	if err != nil {
		t.Fatal(err)
	}
	cb, err := a.Cases.SaveCriterion(ctx, access.System(fx.TenantB.ID), "", casework.CriterionInput{Label: "Beta-Kriterium", Active: true})
	if err != nil {
		t.Fatal(err)
	}
	p.critA, p.critB = ca.ID, cb.ID
	for _, role := range access.Roles {
		c := env.Client()
		c.Login(role)
		p.staff[role] = c
		tc := env.Client()
		tc.Token = fx.Tokens[role]
		p.api[role] = tc
	}
	for _, name := range knownFormFields {
		p.formFields[name] = true
	}
	p.german = germanPatterns(a.Renderer.Catalogue().IDs("de"), a.Renderer.Catalogue().Localizer("de").T)
	return p
}

// --- callers and ids ---

// under reports whether path is prefix or lies below it.
func under(path, prefix string) bool {
	return path == prefix || strings.HasPrefix(path, prefix+"/")
}

// staffCallers name the role that uses each area of the web interface ("any logged-in role"
// areas are spread over several roles).
var staffCallers = []callerArea{
	{"/verwaltung", access.TenantAdmin},
	{"/protokoll", access.DataProtectionOfficer},
	{"/plattform", access.PlatformAdmin},
	{"/konto", access.CaseManager},
	{"/sitzung", access.Coordinator},
	{"/start", access.BodyMember},
	{"/abmelden", access.NaturalisationClerk},
	{"/faelle/{id}/zustaendigkeit", access.TeamLead},
	{"/faelle", access.CaseManager},
	{"/klienten", access.CaseManager},
	{"/einwilligungen", access.CaseManager},
	{"/haushaltsmitglieder", access.CaseManager},
	{"/vermittlungen", access.CaseManager},
	{"/dokumente", access.CaseManager},
	{"/fristen", access.CaseManager},
}

// apiCallers name the role whose token uses each API area.
var apiCallers = []callerArea{
	{"/api/v1/organisations", access.TenantAdmin},
	{"/api/v1/locations", access.TenantAdmin},
	{"/api/v1/districts", access.TenantAdmin},
	{"/api/v1/quarters", access.TenantAdmin},
	{"/api/v1/users", access.TenantAdmin},
	{"/api/v1/audit", access.DataProtectionOfficer},
	{"/api/v1/tenants", access.PlatformAdmin},
	{"/api/v1/me", access.CaseManager},
	{"/api/v1/clients", access.CaseManager},
	{"/api/v1/consents", access.CaseManager},
	{"/api/v1/cases", access.CaseManager},
}

// callerArea is an area of routes (a path prefix) and the role that uses it. The rooms' test
// files add their areas to staffCallers and apiCallers in init functions.
type callerArea struct {
	prefix string
	role   access.Role
}

// targetAreas are further areas with {id} routes (one per room file of tests): each returns
// its path prefixes and their records.
var targetAreas []func(p *prober) (prefixes []string, t target)

// pendingStages name the login stage each half-finished-login route needs.
var pendingStages = map[string]string{
	"/anmelden/zweiter-faktor": auth.StageMFA,
	"/anmelden/einrichten":     auth.StageEnrol,
}

// caller is who sends a route's requests: kind "anon", "staff" (who: the role), "token" (who:
// the role) or "pending" (who: the login stage); ok is false for a route nobody is known for.
func (p *prober) caller(rt web.Route) (kind, who string, ok bool) {
	api := strings.HasPrefix(rt.Path, "/api/")
	switch {
	case rt.Access == web.Public:
		return "anon", "", true
	case rt.Access == web.Pending:
		stage, ok := pendingStages[rt.Path]
		return "pending", stage, ok
	case rt.Access == web.Token || (rt.Access == web.Either && api):
		for _, c := range apiCallers {
			if under(rt.Path, c.prefix) {
				return "token", string(c.role), true
			}
		}
	case rt.Access == web.Staff || rt.Access == web.Either:
		for _, c := range staffCallers {
			if under(rt.Path, c.prefix) {
				return "staff", string(c.role), true
			}
		}
	}
	return "", "", false
}

// client returns the client of route rt's caller, logged in (again, if a request ended its
// session).
func (p *prober) client(rt web.Route) *apptest.Client {
	kind, who, _ := p.caller(rt)
	switch kind {
	case "staff":
		c := p.staff[access.Role(who)]
		if sessionCookie(c) == "" {
			c.Login(access.Role(who))
		}
		return c
	case "token":
		return p.api[access.Role(who)]
	case "pending":
		c := p.pending[who]
		if c == nil || sessionCookie(c) == "" {
			c = p.env.Client()
			u := p.pendUsr[who]
			var token string
			err := p.env.DB().Write(context.Background(), func(tx *db.Tx) (err error) {
				token, _, err = auth.CreateSession(context.Background(), tx, auth.DefaultSessionPolicy, u.TenantID, u.ID, who, "malformed-test")
				return err
			})
			if err != nil {
				p.t.Fatal(err)
			}
			c.SetCookie("__Host-kim_session", token)
			p.pending[who] = c
		}
		return c
	}
	return p.anon
}

func sessionCookie(c *apptest.Client) string {
	if v := c.Cookie("__Host-kim_session"); v != "" {
		return v
	}
	return c.Cookie("kim_session")
}

// target is the record a route with an {id} addresses: own is reachable by the caller,
// foreign belongs to another tenant (or, for the platform administration, is just another
// record).
type target struct {
	own, foreign   string
	foreignVisible bool
}

func (p *prober) target(path string) (target, bool) {
	for _, area := range targetAreas {
		prefixes, t := area(p)
		for _, pre := range prefixes {
			if under(path, pre) {
				return t, true
			}
		}
	}
	f := p.fx
	for _, x := range []struct {
		prefixes []string
		t        target
	}{
		{[]string{"/verwaltung/organisationen", "/api/v1/organisations"}, target{own: f.OrgA2.ID, foreign: f.OrgB1.ID}},
		{[]string{"/verwaltung/standorte", "/api/v1/locations"}, target{own: f.LocA2.ID, foreign: f.LocB1.ID}},
		{[]string{"/verwaltung/bezirke", "/api/v1/districts"}, target{own: f.DistrictA.ID, foreign: f.DistrictB.ID}},
		{[]string{"/verwaltung/quartiere", "/api/v1/quarters"}, target{own: f.QuarterA.ID, foreign: f.QuarterB.ID}},
		{[]string{"/verwaltung/benutzer", "/api/v1/users"}, target{own: f.ColleagueA1.ID, foreign: f.MemberB1.ID}},
		{[]string{"/plattform/mandanten", "/api/v1/tenants"}, target{own: p.gamma.ID, foreign: f.TenantB.ID, foreignVisible: true}},
		{[]string{"/konto/tokens"}, target{own: p.tokenA, foreign: p.tokenB}},
		{[]string{"/klienten", "/api/v1/clients"}, target{own: f.ClientA1.ID, foreign: f.ClientB1.ID}},
		{[]string{"/faelle", "/api/v1/cases"}, target{own: f.CaseA1.ID, foreign: f.CaseB1.ID}},
		{[]string{"/einwilligungen", "/api/v1/consents"}, target{own: f.ConsentA1.ID, foreign: f.ConsentB1.ID}},
		{[]string{"/haushaltsmitglieder"}, target{own: p.member, foreign: f.ClientB1.ID}},
		// The sender marks its own referral done; the receiver answers the one it received.
		{[]string{"/vermittlungen/{id}/erledigt", "/vermittlungen/{id}/antwort"}, target{own: f.ReferralA1.ID, foreign: f.ReferralB1.ID}},
		{[]string{"/vermittlungen"}, target{own: f.ReferralA2.ID, foreign: f.ReferralB1.ID}},
		{[]string{"/partner"}, target{own: p.link, foreign: strings.Repeat("x", 43)}},
		{[]string{"/dokumente"}, target{own: p.docA, foreign: p.docB}},
		{[]string{"/verwaltung/aufnahmekriterien"}, target{own: p.critA, foreign: p.critB}},
	} {
		for _, pre := range x.prefixes {
			if under(path, pre) {
				return x.t, true
			}
		}
	}
	return target{}, false
}

// wildcard returns the route's wildcard: "{id}", "/" for a subtree (static files), or "".
func wildcard(path string) string {
	switch {
	case strings.Contains(path, "{id}"):
		return "{id}"
	case strings.HasSuffix(path, "/") && path != "/":
		return "/"
	}
	return ""
}

// plan checks that the generator can address route rt and reports an error otherwise.
func (p *prober) plan(rt web.Route) bool {
	p.t.Helper()
	path := strings.ReplaceAll(rt.Path, "{$}", "")
	if _, _, ok := p.caller(rt); !ok {
		p.t.Errorf("%s: no caller for this route; add its area to staffCallers, apiCallers or pendingStages in malformed_test.go", rt.Pattern)
		return false
	}
	rest := strings.ReplaceAll(path, "{id}", "")
	if strings.ContainsAny(rest, "{}") {
		p.t.Errorf("%s: unknown wildcard; teach wildcard() and target() in malformed_test.go", rt.Pattern)
		return false
	}
	if wildcard(path) == "{id}" {
		if _, ok := p.target(path); !ok {
			p.t.Errorf("%s: no records for {id}; add the area to target() in malformed_test.go", rt.Pattern)
			return false
		}
	}
	return true
}

// routePath returns the route's path with id in place of its wildcard (percent-escaped already).
func routePath(rt web.Route, id string) string {
	path := strings.ReplaceAll(rt.Path, "{$}", "")
	switch wildcard(path) {
	case "{id}":
		return strings.ReplaceAll(path, "{id}", id)
	case "/":
		return path + id
	}
	return path
}

// ownPath addresses the caller's own record; bodyPath the record a body battery may safely
// hit: the own record for updates and for adding to a record, another tenant's record for
// every other action (deleting, revoking, resetting), so that the battery cannot destroy its
// own fixtures.
func (p *prober) ownPath(rt web.Route) string {
	tg, _ := p.target(rt.Path)
	if wildcard(rt.Path) == "/" {
		return routePath(rt, "kim.css")
	}
	return routePath(rt, tg.own)
}

func (p *prober) bodyPath(rt web.Route) string {
	tg, _ := p.target(rt.Path)
	if wildcard(rt.Path) != "{id}" || rt.Method == http.MethodPatch {
		return p.ownPath(rt)
	}
	if rt.Method == http.MethodDelete {
		return routePath(rt, tg.foreign)
	}
	for _, suffix := range []string{"{id}", "/quartiere", "/quarters", "/administration"} {
		if strings.HasSuffix(rt.Path, suffix) {
			return p.ownPath(rt)
		}
	}
	return routePath(rt, tg.foreign)
}
