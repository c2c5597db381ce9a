package apptest

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"kim/internal/accounts"
	"kim/internal/app"
	"kim/internal/casework"
	"kim/internal/directory"
	"kim/internal/platform/access"
)

// Password is the password of every fixture account.
const Password = "Fixture-Passwort-2026"

// Fixtures are two tenants with records in every scope a permission can reach:
// the actor's own organisation (A1), another organisation of the same tenant (A2) and another
// tenant (B, organisation B1). Every role has an account in A1.
type Fixtures struct {
	TenantA, TenantB                *directory.Tenant
	OrgA1, OrgA2, OrgB1             *directory.Organisation
	LocA1, LocA2, LocB1             *directory.Location
	DistrictA, DistrictB            *directory.District
	QuarterA, QuarterB              *directory.Quarter
	Users                           map[access.Role]*accounts.User // in A1
	ColleagueA1, MemberA2, MemberB1 *accounts.User                 // case managers in A1, A2 and B1
	Tokens                          map[access.Role]string         // API tokens of the A1 accounts
	// Case management: a client with a case in A1 (managed by the case-manager fixture), A2
	// and B1, each with a consent naming another organisation of its tenant, and a referral
	// under it: A2's case refers to A1 (A1's incoming referral), A1's case refers to A2.
	ClientA1, ClientA2, ClientB1       *casework.Client
	CaseA1, CaseA2, CaseB1             *casework.Case
	ConsentA1, ConsentA2, ConsentB1    *casework.Consent
	ReferralA1, ReferralA2, ReferralB1 *casework.Referral
	// The offer directory and the steering loop (fixtures_offers.go, fixtures_barriers.go,
	// fixtures_bodies.go, fixtures_themes.go).
	Offers   OfferFixtures
	Barriers BarrierFixtures
	Bodies   BodyFixtures
	Themes   ThemeFixtures
}

// Email returns the fixture address of role.
func Email(role access.Role) string { return string(role) + "@alpha.example" }

// Seed creates the fixtures.
func (e *Env) Seed() *Fixtures {
	t := e.T
	t.Helper()
	ctx := context.Background()
	a := e.App
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("fixtures: %v", err)
		}
	}
	f := &Fixtures{Users: map[access.Role]*accounts.User{}, Tokens: map[access.Role]string{}}
	var err error
	f.TenantA, f.OrgA1, err = a.Dir.CreateTenant(ctx, access.System(""), directory.TenantInput{Slug: "alpha", Name: "Stadt Alpha", FirstOrganisation: "Alpha Stadtverwaltung"})
	must(err)
	f.TenantB, f.OrgB1, err = a.Dir.CreateTenant(ctx, access.System(""), directory.TenantInput{Slug: "beta", Name: "Stadt Beta", FirstOrganisation: "Beta Stadtverwaltung"})
	must(err)
	sysA, sysB := access.System(f.TenantA.ID), access.System(f.TenantB.ID)
	f.OrgA2, err = a.Dir.CreateOrganisation(ctx, sysA, directory.OrganisationInput{Name: "Alpha Wohlfahrt", Type: directory.OrgWelfare, Regime: directory.RegimeGDPRBDSG, KIMCarrier: true})
	must(err)
	f.DistrictA, err = a.Dir.CreateDistrict(ctx, sysA, directory.DistrictInput{Name: "Alpha-Mitte", Code: "1"})
	must(err)
	f.DistrictB, err = a.Dir.CreateDistrict(ctx, sysB, directory.DistrictInput{Name: "Beta-Mitte", Code: "1"})
	must(err)
	f.QuarterA, err = a.Dir.AddQuarter(ctx, sysA, f.DistrictA.ID, directory.QuarterInput{Name: "Altstadt"})
	must(err)
	f.QuarterB, err = a.Dir.AddQuarter(ctx, sysB, f.DistrictB.ID, directory.QuarterInput{Name: "Hafen"})
	must(err)
	loc := func(actor access.Actor, org *directory.Organisation, name string, d *directory.District, q *directory.Quarter) *directory.Location {
		l, err := a.Dir.CreateLocation(ctx, actor, directory.LocationInput{OrganisationID: org.ID, Name: name, Street: "Marktplatz 1",
			Postcode: "42651", City: "Alpha", DistrictID: d.ID, QuarterID: q.ID, Languages: []string{"de", "ar"}, StepFree: true})
		must(err)
		return l
	}
	f.LocA1 = loc(sysA, f.OrgA1, "Bürgerbüro", f.DistrictA, f.QuarterA)
	f.LocA2 = loc(sysA, f.OrgA2, "Beratungsstelle", f.DistrictA, f.QuarterA)
	f.LocB1 = loc(sysB, f.OrgB1, "Rathaus", f.DistrictB, f.QuarterB)
	user := func(tenant *directory.Tenant, org *directory.Organisation, email, name string, role access.Role) *accounts.User {
		u, _, err := a.Accounts.EnsureUser(ctx, tenant.ID, accounts.UserInput{Name: name, Email: email, Role: role, OrganisationID: org.ID}, Password)
		must(err)
		return u
	}
	for _, role := range access.Roles {
		f.Users[role] = user(f.TenantA, f.OrgA1, Email(role), "Nutzer "+string(role), role)
		tok, err := a.Accounts.TokenFor(ctx, f.TenantA.ID, f.TenantA.Slug, Email(role), "fixture", 0)
		must(err)
		f.Tokens[role] = tok
	}
	f.ColleagueA1 = user(f.TenantA, f.OrgA1, "kollegin@alpha.example", "Kollegin Alpha", access.CaseManager)
	f.MemberA2 = user(f.TenantA, f.OrgA2, "traeger@alpha.example", "Beraterin Träger", access.CaseManager)
	f.MemberB1 = user(f.TenantB, f.OrgB1, "beta@beta.example", "Berater Beta", access.CaseManager)
	f.seedCasework(t, a)
	f.seedOffers(t, a)
	f.seedBarriers(t, a)
	f.seedBodies(t, a)
	f.seedThemes(t, a)
	return f
}

// seedCasework creates the case-management fixtures.
func (f *Fixtures) seedCasework(t testing.TB, a *app.App) {
	t.Helper()
	ctx := context.Background()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("fixtures: %v", err)
		}
	}
	one := func(actor access.Actor, family, given, birth, recipient string) (*casework.Client, *casework.Case, *casework.Consent, *casework.Referral) {
		in, err := a.Cases.CreateClient(ctx, actor, casework.ClientInput{FamilyName: family, GivenNames: given, BirthDate: birth, Acknowledged: true})
		must(err)
		c, err := a.Cases.CreateCase(ctx, actor, casework.CaseInput{ClientID: in.Client.ID, AccessRoute: "self"})
		must(err)
		k, err := a.Cases.CreateConsent(ctx, actor, in.Client.ID, casework.ConsentInput{Recipients: []casework.Recipient{{OrganisationID: recipient}},
			Purpose: "Vermittlung in einen Sprachkurs mit Kinderbetreuung", Categories: []string{"master_data", "contact", "case_plan"}, Direction: "one_way",
			GivenOn: "2026-01-05", ValidUntil: "2099-12-31"})
		must(err)
		r, err := a.Cases.AddReferral(ctx, actor, c.ID, casework.ReferralInput{OrganisationID: recipient, ConsentID: k.ID, Service: "Sprachkurs",
			AnswerDue: "2099-01-01"}, "")
		must(err)
		return in.Client, c, k, r
	}
	cmA1 := f.Users[access.CaseManager].Actor("alpha")
	f.ClientA1, f.CaseA1, f.ConsentA1, f.ReferralA1 = one(cmA1, "Alpha-Klient", "Samir", "1990-04-01", f.OrgA2.ID)
	f.ClientA2, f.CaseA2, f.ConsentA2, f.ReferralA2 = one(f.MemberA2.Actor("alpha"), "Traeger-Klientin", "Olena", "1985-09-12", f.OrgA1.ID)
	betaOther, err := a.Dir.CreateOrganisation(ctx, access.System(f.TenantB.ID), directory.OrganisationInput{Name: "Beta Partner", Type: directory.OrgWelfare, Regime: directory.RegimeGDPRBDSG})
	must(err)
	f.ClientB1, f.CaseB1, f.ConsentB1, f.ReferralB1 = one(f.MemberB1.Actor("beta"), "Beta-Klientin", "Zora", "1979-02-03", betaOther.ID)
}

// Login logs the client in as the fixture account of role in tenant alpha (the environment
// must not require a second factor) and fails the test otherwise.
func (c *Client) Login(role access.Role) {
	c.T.Helper()
	c.LoginAs("alpha", Email(role), Password)
}

// LoginAs logs in with the given credentials and expects a full session.
func (c *Client) LoginAs(tenant, email, password string) {
	c.T.Helper()
	r := c.PostForm("/anmelden", url.Values{"tenant": {tenant}, "email": {email}, "password": {password}})
	if r.StatusCode != http.StatusSeeOther || r.Location() != "/start" {
		c.T.Fatalf("login %s: status %d, location %q", email, r.StatusCode, r.Location())
	}
}
