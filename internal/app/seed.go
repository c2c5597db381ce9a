package app

import (
	"context"
	"fmt"
	"slices"

	"kim/internal/accounts"
	"kim/internal/directory"
	"kim/internal/platform/access"
	"kim/internal/platform/audit"
	"kim/internal/platform/db"
	"kim/internal/platform/errs"
	"kim/internal/platform/ids"
	"kim/internal/platform/web"
)

// DemoPassword is the password of every demo account. It is shown on the login page in demo
// mode only.
const DemoPassword = "Demo-Zugang-2026"

// DemoTenant is the slug of the demo tenant.
const DemoTenant = "solingen"

type demoOrg struct {
	name, short string
	typ         directory.OrgType
	regime      directory.Regime
	carrier     bool
	email, web  string
}

// The demo organisations of the contract plus the city itself. Names of real institutions are
// used so that the demo looks familiar; every person, address detail and figure is fictitious.
var demoOrgs = []demoOrg{
	{"Stadt Solingen", "Stadt", directory.OrgCityService, directory.RegimePublicBody, false, "", "https://www.solingen.de"},
	{"Kommunales Integrationszentrum", "KI", directory.OrgCityService, directory.RegimePublicBody, true, "ki@solingen.example", ""},
	{"AWO", "AWO", directory.OrgWelfare, directory.RegimeGDPRBDSG, true, "beratung@awo.example", ""},
	{"Caritas", "Caritas", directory.OrgWelfare, directory.RegimeKDG, true, "migration@caritas.example", ""},
	{"Diakonie", "Diakonie", directory.OrgWelfare, directory.RegimeDSGEKD, true, "migration@diakonie.example", ""},
	{"Internationaler Bund", "IB", directory.OrgWelfare, directory.RegimeGDPRBDSG, true, "jmd@ib.example", ""},
	{"Ausländer- und Einbürgerungsbüro", "ABH/EBH", directory.OrgAuthority, directory.RegimePublicBody, false, "einbuergerung@solingen.example", ""},
	{"Jobcenter Solingen", "Jobcenter", directory.OrgJobcenter, directory.RegimePublicBody, false, "", ""},
}

// The five Stadtbezirke with Stadtteile and, for Mitte, the Ortslagen (reference/domain.md §9).
var demoDistricts = []struct {
	name, code string
	quarters   []string
}{
	{"Solingen-Mitte", "1", []string{"Eick", "Grunenburg", "Halfeshof", "Hasseldelle", "Innenstadt", "Kannenhof", "Kirschbaumer Hof",
		"Klauberg", "Kohlfurth", "Mangenberg", "Meigen", "Müngsten", "Nordstadt", "Schrodtberg", "Stöcken", "Südpark", "Windfeln"}},
	{"Ohligs/Aufderhöhe/Merscheid", "2", []string{"Ohligs", "Aufderhöhe", "Merscheid"}},
	{"Wald", "3", []string{"Wald"}},
	{"Burg/Höhscheid", "4", []string{"Burg", "Höhscheid"}},
	{"Gräfrath", "5", []string{"Gräfrath"}},
}

type demoLocation struct {
	org, name, street, postcode, district, quarter, hours string
	langs                                                 []string
	stepFree                                              bool
}

var demoLocations = []demoLocation{
	{"Kommunales Integrationszentrum", "Stadtdienst Integration", "Friedrichstraße 46", "42655", "Solingen-Mitte", "Innenstadt",
		"Mo–Do 9–12 Uhr, Di 14–16 Uhr und nach Vereinbarung", []string{"de", "en", "ar", "tr", "uk"}, true},
	{"Kommunales Integrationszentrum", "WillkommenCenter", "Kölner Straße 47–49", "42651", "Solingen-Mitte", "Innenstadt",
		"Mo–Fr 9–13 Uhr", []string{"de", "en", "ar", "fa", "ru", "uk"}, true},
	{"AWO", "Migrationsberatung Ohligs", "Düsseldorfer Straße 20", "42697", "Ohligs/Aufderhöhe/Merscheid", "Ohligs",
		"Di und Do 9–15 Uhr", []string{"de", "tr", "ar"}, false},
	{"Caritas", "Fachdienst Integration und Migration", "Goerdelerstraße 80", "42651", "Solingen-Mitte", "Nordstadt",
		"Mo–Do 9–12 Uhr und nach Vereinbarung", []string{"de", "en", "ru", "pl"}, true},
	{"Diakonie", "Beratungszentrum Kasernenstraße", "Kasernenstraße 23", "42651", "Solingen-Mitte", "Innenstadt",
		"Mo–Fr 8.30–12.30 Uhr", []string{"de", "en", "fa", "prs"}, true},
	{"Diakonie", "Quartiersbüro Felder Straße", "Felder Straße 10", "42651", "Solingen-Mitte", "Nordstadt",
		"Mi 14–17 Uhr", []string{"de", "ar"}, false},
	{"Internationaler Bund", "Jugendmigrationsdienst", "Hauptstraße 60", "42651", "Solingen-Mitte", "Innenstadt",
		"Mo–Do 10–16 Uhr", []string{"de", "en", "fr", "ti"}, false},
	{"Ausländer- und Einbürgerungsbüro", "Bürgerbüro Einbürgerung", "Walter-Scheel-Platz 1", "42651", "Solingen-Mitte", "Innenstadt",
		"Termine nach Vereinbarung", []string{"de", "en"}, true},
	{"Jobcenter Solingen", "Jobcenter Wald", "Stresemannstraße 2", "42719", "Wald", "Wald",
		"Mo–Fr 8–12.30 Uhr, Do 14–17 Uhr", []string{"de", "en", "tr"}, true},
}

type demoUser struct {
	email, name string
	role        access.Role
	org         string
}

var demoUsers = []demoUser{
	{"cm.ki@solingen.example", "Lena Hoffmann", access.CaseManager, "Kommunales Integrationszentrum"},
	{"cm.awo@solingen.example", "Murat Demir", access.CaseManager, "AWO"},
	{"cm.caritas@solingen.example", "Anna Kowalski", access.CaseManager, "Caritas"},
	{"lead.awo@solingen.example", "Sabine Krüger", access.TeamLead, "AWO"},
	{"koordination@solingen.example", "Jonas Weber", access.Coordinator, "Kommunales Integrationszentrum"},
	{"ag@solingen.example", "Miriam Schulz", access.BodyMember, "Diakonie"},
	{"einbuergerung@solingen.example", "Thomas Becker", access.NaturalisationClerk, "Ausländer- und Einbürgerungsbüro"},
	{"dsb@solingen.example", "Dr. Claudia Neumann", access.DataProtectionOfficer, "Stadt Solingen"},
	{"admin@solingen.example", "Peter Schmitz", access.TenantAdmin, "Stadt Solingen"},
	{"betrieb@solingen.example", "Kerstin Lang", access.PlatformAdmin, "Stadt Solingen"},
}

func demoLogins() *accounts.Demo {
	d := &accounts.Demo{Tenant: DemoTenant, Password: DemoPassword}
	for _, u := range demoUsers {
		d.Logins = append(d.Logins, accounts.DemoLogin{Email: u.email, Role: u.role, Organisation: u.org})
	}
	return d
}

// SeedDemo creates the demo tenant Solingen with its organisations, districts, locations, one
// account per role and the case management of about 420 fictitious clients (see
// seed_casework.go). It is idempotent: what exists already is left alone.
func (a *App) SeedDemo(ctx context.Context) error {
	t, err := a.Dir.TenantBySlug(ctx, DemoTenant)
	if errs.CodeOf(err) == errs.NotFound {
		t, _, err = a.Dir.CreateTenant(ctx, access.System(""), directory.TenantInput{Slug: DemoTenant, Name: "Stadt Solingen", FirstOrganisation: "Stadt Solingen"})
	}
	if err != nil {
		return fmt.Errorf("demo tenant: %w", err)
	}
	sys := access.System(t.ID)
	all := web.ListQuery{Page: 1, Size: 10000, Sort: "name"}

	orgs, _, err := a.Dir.ListOrganisations(ctx, sys, all, directory.OrgFilter{})
	if err != nil {
		return err
	}
	orgID := map[string]string{}
	for _, o := range orgs {
		orgID[o.Name] = o.ID
	}
	for _, o := range demoOrgs {
		if _, ok := orgID[o.name]; ok {
			continue
		}
		created, err := a.Dir.CreateOrganisation(ctx, sys, directory.OrganisationInput{Name: o.name, ShortName: o.short, Type: o.typ,
			Regime: o.regime, KIMCarrier: o.carrier, Email: o.email, Website: o.web})
		if err != nil {
			return fmt.Errorf("demo organisation %s: %w", o.name, err)
		}
		orgID[o.name] = created.ID
	}

	districts, err := a.Dir.AllDistricts(ctx, sys)
	if err != nil {
		return err
	}
	districtID, quarterID := map[string]string{}, map[string]string{}
	haveQuarter := map[string]bool{}
	for _, d := range districts {
		districtID[d.Name] = d.ID
		for _, q := range d.Quarters {
			haveQuarter[d.Name+"/"+q.Name] = true
			quarterID[q.Name] = q.ID
		}
	}
	for _, dd := range demoDistricts {
		if _, ok := districtID[dd.name]; !ok {
			d, err := a.Dir.CreateDistrict(ctx, sys, directory.DistrictInput{Name: dd.name, Code: dd.code})
			if err != nil {
				return fmt.Errorf("demo district %s: %w", dd.name, err)
			}
			districtID[dd.name] = d.ID
		}
		for _, q := range dd.quarters {
			if haveQuarter[dd.name+"/"+q] {
				continue
			}
			created, err := a.Dir.AddQuarter(ctx, sys, districtID[dd.name], directory.QuarterInput{Name: q})
			if err != nil {
				return fmt.Errorf("demo quarter %s: %w", q, err)
			}
			quarterID[q] = created.ID
		}
	}

	locs, _, err := a.Dir.ListLocations(ctx, sys, all, directory.LocationFilter{})
	if err != nil {
		return err
	}
	haveLoc := map[string]bool{}
	for _, l := range locs {
		haveLoc[l.OrganisationName+"/"+l.Name] = true
	}
	for _, l := range demoLocations {
		if haveLoc[l.org+"/"+l.name] {
			continue
		}
		if _, err := a.Dir.CreateLocation(ctx, sys, directory.LocationInput{OrganisationID: orgID[l.org], Name: l.name, Street: l.street,
			Postcode: l.postcode, City: "Solingen", DistrictID: districtID[l.district], QuarterID: quarterID[l.quarter],
			OpeningHours: l.hours, Languages: l.langs, StepFree: l.stepFree}); err != nil {
			return fmt.Errorf("demo location %s: %w", l.name, err)
		}
	}

	if err := a.seedDemoUsers(ctx, t.ID, orgID); err != nil {
		return err
	}
	if err := a.seedDemoCasework(ctx, t.ID); err != nil {
		return fmt.Errorf("demo case management: %w", err)
	}
	for _, step := range []struct {
		name string
		fn   func(ctx context.Context, tenantID string) error
	}{
		{"offers", a.seedDemoOffers},                             // seed_offers.go
		{"barrier reports", a.seedDemoBarriers},                  // seed_barriers.go
		{"bodies", a.seedDemoBodies},                             // seed_bodies.go
		{"themes", a.seedDemoThemes},                             // seed_themes.go
		{"referrals to the new offer", a.seedDemoOfferReferrals}, // seed_offer_referrals.go
		{"monitoring context", a.seedDemoMonitoringContext},      // seed_monitoring_context.go
		{"dashboards", a.seedDemoMonitoringDashboards},           // seed_monitoring_dashboards.go
		{"annual report texts", a.seedDemoMonitoringReports},     // seed_monitoring_reports.go
	} {
		if err := step.fn(ctx, t.ID); err != nil {
			return fmt.Errorf("demo %s: %w", step.name, err)
		}
	}
	return nil
}

// seedDemoUsers creates the demo accounts that are missing. The first goes through
// accounts.Service.EnsureUser; the others get the same password hash (they share the published
// demo password), inserted in one transaction with the same audit entries, because one argon2id
// hash costs about 120 ms and ten of them were most of the time of a first start in demo mode.
func (a *App) seedDemoUsers(ctx context.Context, tenantID string, orgID map[string]string) error {
	var missing []demoUser
	err := a.DB.Read(ctx, func(tx *db.Tx) error {
		emails, err := demoColumn(ctx, tx, "SELECT email FROM users WHERE tenant_id = $1", tenantID)
		for _, u := range demoUsers {
			if !slices.Contains(emails, u.email) {
				missing = append(missing, u)
			}
		}
		return err
	})
	if err != nil || len(missing) == 0 {
		return err
	}
	input := func(u demoUser) accounts.UserInput {
		return accounts.UserInput{Name: u.name, Email: u.email, Role: u.role, OrganisationID: orgID[u.org], Language: "de"}
	}
	first, _, err := a.Accounts.EnsureUser(ctx, tenantID, input(missing[0]), DemoPassword)
	if err != nil {
		return fmt.Errorf("demo user %s: %w", missing[0].email, err)
	}
	return a.DB.Write(ctx, func(tx *db.Tx) error {
		var hash string
		if err := tx.QueryRowContext(ctx, "SELECT password_hash FROM users WHERE tenant_id = $1 AND id = $2", tenantID, first.ID).Scan(&hash); err != nil {
			return err
		}
		sys := access.System(tenantID)
		for _, u := range missing[1:] {
			in := input(u)
			if err := in.Validate(); err != nil {
				return fmt.Errorf("demo user %s: %w", u.email, err)
			}
			if !access.Assignable(sys.Role, in.Role) || in.OrganisationID == "" {
				return fmt.Errorf("demo user %s: role or organisation", u.email)
			}
			id := ids.New()
			if _, err := tx.ExecContext(ctx, `INSERT INTO users (tenant_id, id, organisation_id, email, name, role, language, password_hash,
				created_at, updated_at, version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, 1) ON CONFLICT (tenant_id, email) DO NOTHING`,
				tenantID, id, in.OrganisationID, in.Email, in.Name, string(in.Role), in.Language, hash, tx.Now); err != nil {
				return fmt.Errorf("demo user %s: %w", u.email, err)
			}
			if err := a.Audit.Append(ctx, tx, audit.Entry{Actor: sys, Action: "user.create", ObjectType: "user", ObjectID: id,
				Details: map[string]string{"role": string(in.Role), "organisation_id": in.OrganisationID}}); err != nil {
				return err
			}
		}
		return nil
	})
}
