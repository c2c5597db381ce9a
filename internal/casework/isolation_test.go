package casework_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/url"
	"slices"
	"strings"
	"testing"

	"kim/internal/accounts"
	"kim/internal/apptest"
	"kim/internal/casework"
	"kim/internal/directory"
	"kim/internal/platform/access"
)

// A property test of the privacy rules: users of several organisations and tenants send random
// requests to the pages and the API of case management (lists, searches, records of every
// organisation, error cases). No answer may contain a client's name, contact details or
// address, or a contact note, that the user is not entitled to: master data within the own
// organisation, notes only for the case's own case manager, and across organisations only
// what a valid consent covers, on the referral that it backs.
func TestNoRecordCrossesOrganisationsWithoutConsent(t *testing.T) {
	eachEngine(t, func(t *testing.T, env *apptest.Env, fx *apptest.Fixtures) {
		w := newWorld(t, env, fx)
		rng := rand.New(rand.NewPCG(2026, 11))
		paths := []func(rec *record) string{
			func(*record) string { return "/klienten" },
			func(rec *record) string { return "/klienten?q=" + url.QueryEscape(strings.ToLower(rec.name)) }, // the page echoes the query
			func(rec *record) string { return "/klienten/" + rec.client },
			func(rec *record) string { return "/klienten/" + rec.client + "/bearbeiten" },
			func(*record) string { return "/faelle?status=all" },
			func(rec *record) string { return "/faelle/" + rec.kase },
			func(*record) string { return "/vermittlungen/eingang" },
			func(rec *record) string { return "/vermittlungen/" + rec.referral },
			func(rec *record) string { return "/api/v1/clients?q=" + url.QueryEscape(rec.name) },
			func(rec *record) string { return "/api/v1/clients/" + rec.client },
			func(rec *record) string { return "/api/v1/clients/" + rec.client + "/consents" },
			func(*record) string { return "/api/v1/cases?status=all" },
			func(rec *record) string { return "/api/v1/cases/" + rec.kase },
			func(rec *record) string { return "/faelle/neu?klient=" + rec.client },
			func(rec *record) string { return "/klienten/" + rec.client + "/einwilligungen/neu" },
			func(*record) string { return "/faelle/export.csv?status=all" },
			func(*record) string { return "/fristen" },
			func(rec *record) string { return "/faelle/" + rec.kase + "/dokumente" },
			func(rec *record) string { return "/dokumente/" + rec.document },
			func(rec *record) string { return "/faelle/" + rec.kase + "/plan" },
			func(rec *record) string { return "/faelle/" + rec.kase + "/assessment" },
		}
		seen := map[string]int{} // allowed sightings: own organisation, across under consent
		for i := 0; i < 400; i++ {
			u := w.users[rng.IntN(len(w.users))]
			rec := w.records[rng.IntN(len(w.records))]
			path := paths[rng.IntN(len(paths))](rec)
			c := env.Client()
			if strings.HasPrefix(path, "/api/") {
				c.Token = u.token
			} else {
				c.LoginAs(u.slug, u.email, apptest.Password)
			}
			body := string(c.Get(path).Body)
			for _, r := range w.records {
				for _, leak := range r.secrets() {
					if !strings.Contains(body, leak.text) {
						continue
					}
					if !w.allowed(u, r, leak.kind, path) {
						t.Fatalf("%s (%s, %s) GET %s sees %s %q of a client of %s", u.email, u.role, u.org, path, leak.kind, leak.text, r.org)
					}
					if u.org == r.org {
						seen["own "+leak.kind]++
					} else {
						seen["consented "+leak.kind]++
					}
				}
			}
		}
		// The property is only worth something if the allowed cases happened too.
		for _, k := range []string{"own name", "own address", "own note", "consented name"} {
			if seen[k] == 0 {
				t.Errorf("no request saw an allowed %s (%v): the test does not exercise the rules", k, seen)
			}
		}
	})
}

type user struct {
	email, tenant, slug, org, token string
	role                            access.Role
	id                              string
}

type record struct {
	org, tenant                               string
	client, kase, referral, manager, document string
	name, phone, street, note, file           string
	recipient                                 string   // the organisation the referral goes to
	categories                                []string // what its consent covers
	revoked                                   bool
}

type secret struct{ kind, text string }

func (r *record) secrets() []secret {
	return []secret{{"name", r.name}, {"phone", r.phone}, {"address", r.street}, {"note", r.note}, {"note", r.file}}
}

type world struct {
	users   []user
	records []*record
}

// allowed states the rules the test checks.
func (w *world) allowed(u user, r *record, kind, path string) bool {
	staff := u.role == access.CaseManager || u.role == access.TeamLead
	if !staff {
		return false
	}
	if u.tenant == r.tenant && u.org == r.org {
		switch kind {
		case "note":
			return u.id == r.manager && (strings.HasPrefix(path, "/faelle/"+r.kase) || path == "/dokumente/"+r.document)
		default:
			return true
		}
	}
	// Across organisations: only the recipient, only on the referral, only under a valid
	// consent and only its categories.
	if u.tenant != r.tenant || u.org != r.recipient || r.revoked || path != "/vermittlungen/"+r.referral {
		return false
	}
	switch kind {
	case "name":
		return slices.Contains(r.categories, "master_data")
	case "phone":
		return slices.Contains(r.categories, "contact")
	}
	return false
}

func newWorld(t *testing.T, env *apptest.Env, fx *apptest.Fixtures) *world {
	t.Helper()
	ctx := context.Background()
	a := env.App
	s := a.Cases
	w := &world{}
	org3, err := a.Dir.CreateOrganisation(ctx, access.System(fx.TenantA.ID), directory.OrganisationInput{Name: "Alpha Dritte", Type: directory.OrgWelfare, Regime: directory.RegimeKDG})
	if err != nil {
		t.Fatal(err)
	}
	add := func(tenantID, slug, orgID, email string, role access.Role) user {
		u, _, err := a.Accounts.EnsureUser(ctx, tenantID, accounts.UserInput{Name: email, Email: email, Role: role, OrganisationID: orgID}, apptest.Password)
		if err != nil {
			t.Fatal(err)
		}
		tok, err := a.Accounts.TokenFor(ctx, tenantID, slug, email, "iso", 0)
		if err != nil {
			t.Fatal(err)
		}
		nu := user{email: email, tenant: tenantID, slug: slug, org: orgID, token: tok, role: role, id: u.ID}
		w.users = append(w.users, nu)
		return nu
	}
	type orgStaff struct {
		org, tenant, slug string
		cms               []user
	}
	orgs := []orgStaff{
		{org: fx.OrgA1.ID, tenant: fx.TenantA.ID, slug: "alpha"},
		{org: fx.OrgA2.ID, tenant: fx.TenantA.ID, slug: "alpha"},
		{org: org3.ID, tenant: fx.TenantA.ID, slug: "alpha"},
		{org: fx.OrgB1.ID, tenant: fx.TenantB.ID, slug: "beta"},
	}
	for i := range orgs {
		o := &orgs[i]
		for j := 0; j < 2; j++ {
			o.cms = append(o.cms, add(o.tenant, o.slug, o.org, fmt.Sprintf("cm%d-%d@iso.example", i, j), access.CaseManager))
		}
		add(o.tenant, o.slug, o.org, fmt.Sprintf("lead%d@iso.example", i), access.TeamLead)
		add(o.tenant, o.slug, o.org, fmt.Sprintf("coord%d@iso.example", i), access.Coordinator)
		add(o.tenant, o.slug, o.org, fmt.Sprintf("dsb%d@iso.example", i), access.DataProtectionOfficer)
	}
	cats := [][]string{{"master_data"}, {"contact"}, {"master_data", "contact"}, {"residence"}}
	n := 0
	for i, o := range orgs {
		for j := 0; j < 3; j++ {
			n++
			cm := o.cms[j%2]
			actor := access.Actor{UserID: cm.id, TenantID: o.tenant, TenantSlug: o.slug, OrganisationID: o.org, Role: access.CaseManager}
			r := &record{org: o.org, tenant: o.tenant, manager: cm.id,
				name: fmt.Sprintf("Kanarienvogel%c%c", 'A'+i, 'A'+j), phone: fmt.Sprintf("0212 99%02d%02d", i, j),
				street: fmt.Sprintf("Geheimgasse %d%d", i, j), note: fmt.Sprintf("Vertraulich-%d-%d Diagnose", i, j)}
			in, err := s.CreateClient(ctx, actor, casework.ClientInput{FamilyName: r.name, GivenNames: "Testperson", BirthDate: fmt.Sprintf("19%02d-01-0%d", 60+n, 1+j),
				Phone: r.phone, Street: r.street, Acknowledged: true})
			if err != nil {
				t.Fatal(err)
			}
			r.client = in.Client.ID
			c, err := s.CreateCase(ctx, actor, casework.CaseInput{ClientID: r.client, AccessRoute: "self"})
			if err != nil {
				t.Fatal(err)
			}
			r.kase = c.ID
			if _, err := s.AddContact(ctx, actor, c.ID, casework.ContactInput{Date: "2026-03-01", DurationMinutes: 30, Mode: "phone", Note: r.note}, ""); err != nil {
				t.Fatal(err)
			}
			r.file = fmt.Sprintf("Befund-%d-%d vertraulich", i, j)
			d, err := s.AddDocument(ctx, actor, c.ID, casework.DocumentInput{Type: "other", Special: true, Name: "befund.txt", Content: []byte(r.file)}, "")
			if err != nil {
				t.Fatal(err)
			}
			r.document = d.ID
			// A referral to the next organisation of the tenant (tenant beta: to a partner).
			r.recipient = orgs[(i+1)%3].org
			if o.tenant == fx.TenantB.ID {
				r.recipient = fx.ReferralB1.ToOrgID
			}
			r.categories = cats[(i+j)%len(cats)]
			k, err := s.CreateConsent(ctx, actor, r.client, casework.ConsentInput{Recipients: []casework.Recipient{{OrganisationID: r.recipient}},
				Purpose: "Gemeinsame Hilfeplanung mit dem Partner", Categories: r.categories, Direction: "mutual", GivenOn: "2026-02-01", ValidUntil: "2099-01-01"})
			if err != nil {
				t.Fatal(err)
			}
			ref, err := s.AddReferral(ctx, actor, c.ID, casework.ReferralInput{OrganisationID: r.recipient, ConsentID: k.ID, Service: "Beratung"}, "")
			if err != nil {
				t.Fatal(err)
			}
			r.referral = ref.ID
			if j == 2 {
				if _, err := s.RevokeConsent(ctx, actor, k.ID, "written"); err != nil {
					t.Fatal(err)
				}
				r.revoked = true
			}
			w.records = append(w.records, r)
		}
	}
	return w
}
