package app_test

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"kim/internal/accounts"
	"kim/internal/apptest"
	"kim/internal/casework"
	"kim/internal/directory"
	"kim/internal/platform/access"
	"kim/internal/platform/auth"
)

// The authorisation matrix (testdata/authz_matrix.tsv) states, for every route and every
// scope of the record it addresses, the status each kind of caller gets. It is the reviewed
// specification of who may do what; this test runs every cell against a real instance on each
// engine and fails when a registered route has no row.

// matrix columns after method, path and scope.
var matrixCallers = []string{"anon", "pending", "case_manager", "team_lead", "coordinator", "body_member",
	"naturalisation_clerk", "data_protection_officer", "tenant_admin", "platform_admin"}

type matrixRow struct {
	file         string
	line         int
	method, path string
	scope        string // "-", "own", "other-org", "other-tenant"
	want         map[string]int
}

// readMatrix reads testdata/authz_matrix.tsv and the further parts testdata/authz_matrix_*.tsv
// (one per room).
func readMatrix(t *testing.T) []matrixRow {
	t.Helper()
	files, err := filepath.Glob("testdata/authz_matrix*.tsv")
	if err != nil || len(files) == 0 {
		t.Fatalf("no authorisation matrix: %v", err)
	}
	var rows []matrixRow
	for _, name := range files {
		rows = append(rows, readMatrixFile(t, name)...)
	}
	return rows
}

func readMatrixFile(t *testing.T, name string) []matrixRow {
	t.Helper()
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var rows []matrixRow
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		cols := strings.Fields(line)
		if len(cols) != 3+len(matrixCallers) {
			t.Fatalf("%s:%d: %d columns, want %d", name, n, len(cols), 3+len(matrixCallers))
		}
		r := matrixRow{file: filepath.Base(name), line: n, method: cols[0], path: cols[1], scope: cols[2], want: map[string]int{}}
		for i, c := range matrixCallers {
			s, err := strconv.Atoi(cols[3+i])
			if err != nil {
				t.Fatalf("%s:%d: bad status %q", name, n, cols[3+i])
			}
			r.want[c] = s
		}
		rows = append(rows, r)
	}
	return rows
}

func TestAuthorizationMatrixCoversEveryRoute(t *testing.T) {
	env := apptest.New(t, apptest.SQLite, apptest.Options{})
	rows := readMatrix(t)
	have := map[string]map[string]bool{}
	for _, r := range rows {
		k := r.method + " " + r.path
		if have[k] == nil {
			have[k] = map[string]bool{}
		}
		have[k][r.scope] = true
	}
	registered := map[string]bool{}
	for _, rt := range env.App.Router.Routes() {
		k := rt.Method + " " + rt.Path
		registered[k] = true
		scopes := have[k]
		switch {
		case scopes == nil:
			t.Errorf("route %s has no row in testdata/authz_matrix.tsv", k)
		case strings.Contains(rt.Path, "{id}") && (!scopes["own"] || !scopes["other-tenant"]):
			t.Errorf("route %s addresses a record: it needs rows for the scopes own and other-tenant", k)
		case !strings.Contains(rt.Path, "{id}") && !scopes["-"]:
			t.Errorf("route %s needs a row with scope -", k)
		}
	}
	for k := range have {
		if !registered[k] {
			t.Errorf("testdata/authz_matrix.tsv has a row for %s, which is not a registered route", k)
		}
	}
}

func TestAuthorizationMatrix(t *testing.T) {
	rows := readMatrix(t)
	for _, e := range apptest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			env := apptest.New(t, e, apptest.Options{})
			fx := env.Seed()
			m := newMatrixRunner(t, env, fx)
			var draft []string
			for _, r := range rows {
				got := make([]string, len(matrixCallers))
				for i, caller := range matrixCallers {
					status := m.do(r, caller)
					got[i] = strconv.Itoa(status)
					if os.Getenv("KIM_MATRIX_DRAFT") == "" && status != r.want[caller] {
						t.Errorf("%s:%d %s %s (%s) as %s: status %d, want %d", r.file, r.line, r.method, r.path, r.scope, caller, status, r.want[caller])
					}
				}
				draft = append(draft, strings.Join(append([]string{r.method, r.path, r.scope}, got...), "\t"))
			}
			if os.Getenv("KIM_MATRIX_DRAFT") != "" {
				fmt.Println(strings.Join(draft, "\n"))
			}
		})
	}
}

type matrixRunner struct {
	t       *testing.T
	env     *apptest.Env
	fx      *apptest.Fixtures
	clients map[string]*apptest.Client
	seq     int
}

func newMatrixRunner(t *testing.T, env *apptest.Env, fx *apptest.Fixtures) *matrixRunner {
	m := &matrixRunner{t: t, env: env, fx: fx, clients: map[string]*apptest.Client{}}
	// An account with a second factor: its password login stops at the second-factor step.
	ctx := context.Background()
	u, _, err := env.App.Accounts.EnsureUser(ctx, fx.TenantA.ID, accounts.UserInput{Name: "Zwei Faktor", Email: "mfa@alpha.example",
		Role: access.CaseManager, OrganisationID: fx.OrgA1.ID}, apptest.Password)
	if err != nil {
		t.Fatal(err)
	}
	actor := u.Actor("alpha")
	_, enrol, err := env.App.Accounts.StartReEnrolment(ctx, actor, apptest.Password)
	if err != nil {
		t.Fatal(err)
	}
	me, err := env.App.Accounts.Me(ctx, actor)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := env.App.Accounts.ConfirmEnrolment(ctx, me, nil, auth.TOTPCode(enrol.Secret, env.Clock.Now()), ""); err != nil {
		t.Fatal(err)
	}
	return m
}

// client returns the caller's client; fresh=true logs in a new session (for requests that end
// sessions).
func (m *matrixRunner) client(caller string, fresh bool) *apptest.Client {
	if c, ok := m.clients[caller]; ok && !fresh {
		return c
	}
	c := m.env.Client()
	switch caller {
	case "anon":
	case "pending":
		r := c.PostForm("/anmelden", url.Values{"tenant": {"alpha"}, "email": {"mfa@alpha.example"}, "password": {apptest.Password}})
		if r.StatusCode != http.StatusSeeOther || !strings.HasPrefix(r.Location(), "/anmelden/zweiter-faktor") {
			m.t.Fatalf("pending login: %d %s", r.StatusCode, r.Location())
		}
	default:
		c.Login(access.Role(caller))
	}
	if !fresh {
		m.clients[caller] = c
	}
	return c
}

func (m *matrixRunner) must(err error) {
	if err != nil {
		m.t.Helper()
		m.t.Fatal(err)
	}
}

func (m *matrixRunner) name(prefix string) string {
	m.seq++
	return fmt.Sprintf("%s %d", prefix, m.seq)
}

// destructive reports whether a request changes or removes its target, so that it needs a
// fresh target per request.
func destructive(r matrixRow) bool {
	return r.method == http.MethodDelete || strings.HasSuffix(r.path, "/loeschen") || strings.HasSuffix(r.path, "/aktivierung") && r.method == http.MethodPost ||
		strings.HasSuffix(r.path, "/zweiter-faktor") && strings.HasPrefix(r.path, "/verwaltung/benutzer/") && r.method == http.MethodPost ||
		strings.HasSuffix(r.path, "/sitzungen") || strings.HasSuffix(r.path, "/widerrufen") && r.method == http.MethodPost ||
		strings.HasSuffix(r.path, "/revoke") || strings.HasSuffix(r.path, "/entfernen") || strings.HasSuffix(r.path, "/erledigt") ||
		strings.HasSuffix(r.path, "/uebernehmen")
}

// matrixTargets are further target finders (one per file of routes): each returns the id for
// a path it knows, or false.
var matrixTargets []func(m *matrixRunner, r matrixRow, caller string) (string, bool)

// scopeActor returns a case manager of the organisation the scope names (A1, A2 or B1).
func (m *matrixRunner) scopeActor(r matrixRow) access.Actor {
	switch r.scope {
	case "other-org":
		return m.fx.MemberA2.Actor("alpha")
	case "other-tenant":
		return m.fx.MemberB1.Actor("beta")
	}
	return m.fx.Users[access.CaseManager].Actor("alpha")
}

// pick returns the value for the row's scope.
func pick(r matrixRow, own, otherOrg, otherTenant string) string {
	switch r.scope {
	case "own":
		return own
	case "other-org":
		return otherOrg
	}
	return otherTenant
}

// target returns the id the {id} of a route stands for in the given scope.
func (m *matrixRunner) target(r matrixRow, caller string) string {
	for _, f := range matrixTargets {
		if id, ok := f(m, r, caller); ok {
			return id
		}
	}
	ctx := context.Background()
	fx := m.fx
	a := m.env.App
	pick := func(own, otherOrg, otherTenant string) string { return pick(r, own, otherOrg, otherTenant) }
	sysA, sysB := access.System(fx.TenantA.ID), access.System(fx.TenantB.ID)
	sys := func() access.Actor {
		if r.scope == "other-tenant" {
			return sysB
		}
		return sysA
	}
	fresh := destructive(r)
	p := r.path
	switch {
	case strings.Contains(p, "/organisationen/") || strings.HasPrefix(p, "/api/v1/organisations/"):
		if fresh && r.scope != "own" {
			o, err := a.Dir.CreateOrganisation(ctx, sys(), directory.OrganisationInput{Name: m.name("Wegwerf"), Type: directory.OrgClub, Regime: directory.RegimeGDPRBDSG})
			m.must(err)
			return o.ID
		}
		return pick(fx.OrgA1.ID, fx.OrgA2.ID, fx.OrgB1.ID)
	case strings.Contains(p, "/standorte/") || strings.HasPrefix(p, "/api/v1/locations/"):
		if fresh {
			org := pick(fx.OrgA1.ID, fx.OrgA2.ID, fx.OrgB1.ID)
			l, err := a.Dir.CreateLocation(ctx, sys(), directory.LocationInput{OrganisationID: org, Name: m.name("Wegwerf")})
			m.must(err)
			return l.ID
		}
		return pick(fx.LocA1.ID, fx.LocA2.ID, fx.LocB1.ID)
	case strings.Contains(p, "/bezirke/") || strings.HasPrefix(p, "/api/v1/districts/"):
		if fresh {
			d, err := a.Dir.CreateDistrict(ctx, sys(), directory.DistrictInput{Name: m.name("Wegwerf")})
			m.must(err)
			return d.ID
		}
		return pick(fx.DistrictA.ID, fx.DistrictA.ID, fx.DistrictB.ID)
	case strings.Contains(p, "/quartiere/") || strings.HasPrefix(p, "/api/v1/quarters/"):
		if fresh {
			d := pick(fx.DistrictA.ID, fx.DistrictA.ID, fx.DistrictB.ID)
			q, err := a.Dir.AddQuarter(ctx, sys(), d, directory.QuarterInput{Name: m.name("Wegwerf")})
			m.must(err)
			return q.ID
		}
		return pick(fx.QuarterA.ID, fx.QuarterA.ID, fx.QuarterB.ID)
	case strings.Contains(p, "/benutzer/") || strings.HasPrefix(p, "/api/v1/users/"):
		if fresh {
			tenant, org := fx.TenantA.ID, pick(fx.OrgA1.ID, fx.OrgA2.ID, fx.OrgB1.ID)
			if r.scope == "other-tenant" {
				tenant = fx.TenantB.ID
			}
			u, _, err := a.Accounts.EnsureUser(ctx, tenant, accounts.UserInput{Name: m.name("Wegwerf"), Email: strings.ReplaceAll(m.name("wegwerf"), " ", "") + "@x.example",
				Role: access.CaseManager, OrganisationID: org}, apptest.Password)
			m.must(err)
			return u.ID
		}
		return pick(fx.ColleagueA1.ID, fx.MemberA2.ID, fx.MemberB1.ID)
	case strings.HasPrefix(p, "/klienten/") || strings.HasPrefix(p, "/api/v1/clients/"):
		return pick(fx.ClientA1.ID, fx.ClientA2.ID, fx.ClientB1.ID)
	case strings.HasPrefix(p, "/haushaltsmitglieder/"):
		actor := m.scopeActor(r)
		member, err := a.Cases.AddHouseholdMember(ctx, actor, pick(fx.ClientA1.ID, fx.ClientA2.ID, fx.ClientB1.ID),
			casework.HouseholdInput{Name: m.name("Kind"), Relationship: "child"})
		m.must(err)
		return member.ID
	case strings.HasPrefix(p, "/einwilligungen/") || strings.HasPrefix(p, "/api/v1/consents/"):
		if fresh {
			client := pick(fx.ClientA1.ID, fx.ClientA2.ID, fx.ClientB1.ID)
			actor := m.scopeActor(r)
			k, err := a.Cases.CreateConsent(ctx, actor, client, casework.ConsentInput{Recipients: []casework.Recipient{{Person: "Hausarzt Dr. Wegwerf"}},
				Purpose: "Abstimmung der Behandlung", Categories: []string{"master_data"}, Direction: "one_way", GivenOn: "2026-01-05", ValidUntil: "2099-01-01"})
			m.must(err)
			return k.ID
		}
		return pick(fx.ConsentA1.ID, fx.ConsentA2.ID, fx.ConsentB1.ID)
	case strings.HasPrefix(p, "/faelle/") || strings.HasPrefix(p, "/api/v1/cases/"):
		return pick(fx.CaseA1.ID, fx.CaseA2.ID, fx.CaseB1.ID)
	case strings.HasPrefix(p, "/vermittlungen/") && strings.HasSuffix(p, "/erledigt"):
		// The sender's side: a fresh referral of the scope's case.
		c := map[string]struct {
			actor   access.Actor
			kase    string
			consent string
			to      string
		}{"own": {fx.Users[access.CaseManager].Actor("alpha"), fx.CaseA1.ID, fx.ConsentA1.ID, fx.OrgA2.ID},
			"other-org":    {fx.MemberA2.Actor("alpha"), fx.CaseA2.ID, fx.ConsentA2.ID, fx.OrgA1.ID},
			"other-tenant": {fx.MemberB1.Actor("beta"), fx.CaseB1.ID, fx.ConsentB1.ID, fx.ReferralB1.ToOrgID}}[r.scope]
		ref, err := a.Cases.AddReferral(ctx, c.actor, c.kase, casework.ReferralInput{OrganisationID: c.to, ConsentID: c.consent}, "")
		m.must(err)
		return ref.ID
	case strings.HasPrefix(p, "/vermittlungen/"):
		// The receiver's side: A1 receives ReferralA2.
		return pick(fx.ReferralA2.ID, fx.ReferralA1.ID, fx.ReferralB1.ID)
	case strings.Contains(p, "/mandanten/") || strings.HasPrefix(p, "/api/v1/tenants/"):
		return pick(fx.TenantA.ID, fx.TenantA.ID, fx.TenantB.ID)
	case strings.HasPrefix(p, "/konto/tokens/"):
		var u *accounts.User
		var slug string
		switch {
		case r.scope == "own" && caller != "anon" && caller != "pending":
			u, slug = fx.Users[access.Role(caller)], "alpha"
		case r.scope == "other-tenant":
			u, slug = fx.MemberB1, "beta"
		default:
			u, slug = fx.MemberA2, "alpha"
		}
		// A fresh token, never the fixture token the API rows of the matrix use.
		name := m.name("token")
		_, err := a.Accounts.TokenFor(ctx, u.TenantID, slug, u.Email, name, 0)
		m.must(err)
		toks, err := a.Accounts.Tokens(ctx, u.Actor(slug))
		m.must(err)
		for _, tk := range toks {
			if tk.Name == name {
				return tk.ID
			}
		}
		m.t.Fatalf("token %s not found", name)
	}
	m.t.Fatalf("%s:%d: no target for %s", r.file, r.line, p)
	return ""
}

// foreignCanaries are names of tenant beta's records; no answer to a caller of tenant alpha may
// contain them (the platform administration's tenant pages excepted, which list tenants).
var foreignCanaries = []string{"Beta Stadtverwaltung", "Rathaus", "Beta-Mitte", "Hafen", "beta@beta.example", "Berater Beta", "Beta-Klientin", "Zora", "Beta Partner"}

func (m *matrixRunner) checkLeaks(r matrixRow, caller string, resp *apptest.Response) {
	// A partner link shows its referral to whoever holds it, in whatever tenant.
	if resp.StatusCode >= 300 || strings.Contains(r.path, "mandanten") || strings.Contains(r.path, "tenants") || strings.HasPrefix(r.path, "/partner/") {
		return
	}
	for _, c := range foreignCanaries {
		if strings.Contains(string(resp.Body), c) {
			m.t.Errorf("%s:%d %s %s as %s: the answer contains %q of another tenant", r.file, r.line, r.method, r.path, caller, c)
		}
	}
	// A team lead sees the accounts of the own organisation only.
	if caller == "team_lead" && strings.Contains(string(resp.Body), m.fx.MemberA2.Email) {
		m.t.Errorf("%s:%d %s %s as team_lead: the answer contains an account of another organisation", r.file, r.line, r.method, r.path)
	}
}

func (m *matrixRunner) do(r matrixRow, caller string) int {
	path := r.path
	if strings.Contains(path, "{id}") {
		path = strings.Replace(path, "{id}", m.target(r, caller), 1)
	}
	path = strings.TrimSuffix(path, "{$}")
	api := strings.HasPrefix(path, "/api/")
	fresh := strings.HasPrefix(path, "/abmelden")
	var c *apptest.Client
	if api {
		c = m.env.Client()
		if caller != "anon" && caller != "pending" {
			c.Token = m.fx.Tokens[access.Role(caller)]
		} else if caller == "pending" {
			c = m.client(caller, true)
		}
	} else {
		c = m.client(caller, fresh)
	}
	var resp *apptest.Response
	switch r.method {
	case http.MethodGet:
		resp = c.Get(path)
	case http.MethodPost:
		if api {
			resp = c.SendJSON(http.MethodPost, path, map[string]any{})
		} else {
			resp = c.PostForm(path, url.Values{})
		}
	case http.MethodPatch:
		resp = c.SendJSON(http.MethodPatch, path, map[string]any{})
	case http.MethodDelete:
		resp = c.SendJSON(http.MethodDelete, path, nil)
	default:
		m.t.Fatalf("%s:%d: method %s", r.file, r.line, r.method)
	}
	m.checkLeaks(r, caller, resp)
	return resp.StatusCode
}
