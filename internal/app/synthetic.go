package app

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"kim/internal/directory"
	"kim/internal/platform/access"
	"kim/internal/platform/audit"
	"kim/internal/platform/db"
	"kim/internal/platform/ids"
)

// SyntheticSummary reports what SeedSynthetic created.
type SyntheticSummary struct {
	Tenants, Districts, Quarters, Organisations, Locations, Users int
	Skipped                                                       int // tenants that existed already
}

func (s SyntheticSummary) String() string {
	return fmt.Sprintf("tenants %d (skipped %d), districts %d, quarters %d, organisations %d, locations %d, users %d",
		s.Tenants, s.Skipped, s.Districts, s.Quarters, s.Organisations, s.Locations, s.Users)
}

var synthFirst = []string{"Anna", "Ali", "Maria", "Mehmet", "Olena", "Jonas", "Fatima", "Lukas", "Sara", "Ahmad", "Julia", "Emre",
	"Nadia", "Tobias", "Leyla", "Daniel", "Hanna", "Yusuf", "Irina", "Felix"}
var synthLast = []string{"Müller", "Yilmaz", "Schmidt", "Kowalski", "Hoffmann", "Popescu", "Wagner", "Haddad", "Becker", "Schulz",
	"Kaya", "Fischer", "Novak", "Weber", "Rahimi", "Meyer", "Petrenko", "Koch", "Demir", "Richter"}
var synthStreets = []string{"Hauptstraße", "Bahnhofstraße", "Kirchplatz", "Schulstraße", "Gartenweg", "Lindenallee", "Marktplatz", "Bergstraße"}

// SeedSynthetic generates deterministic data for benchmarks: tenants synth-0001 … with districts,
// quarters, organisations, locations and staff accounts. The number of case managers grows with
// clients (one per 100 clients); client records join once case management exists. The same
// seed always gives the same data (ids included). Each tenant is written in one transaction
// with multi-row inserts; tenants that exist already are skipped.
func (a *App) SeedSynthetic(ctx context.Context, tenants, clients int, seed uint64) (SyntheticSummary, error) {
	var sum SyntheticSummary
	if tenants < 1 || clients < 0 {
		return sum, fmt.Errorf("--tenants must be at least 1 and --clients not negative")
	}
	rng := rand.New(rand.NewPCG(seed, 0x4b494d))
	base := time.Date(2024, 1, 1, 8, 0, 0, 0, time.UTC)
	perTenant := clients / tenants
	for t := 1; t <= tenants; t++ {
		slug := fmt.Sprintf("synth-%04d", t)
		// Draw the tenant's random numbers even when it is skipped, so that the other tenants
		// stay the same whichever already exist.
		plan := planTenant(rng, base.Add(time.Duration(t)*time.Hour), slug, t, perTenant)
		if _, err := a.Dir.TenantBySlug(ctx, slug); err == nil {
			sum.Skipped++
			continue
		}
		if err := a.DB.Write(ctx, func(tx *db.Tx) error { return plan.insert(ctx, tx, a.Audit) }); err != nil {
			return sum, fmt.Errorf("tenant %s: %w", slug, err)
		}
		sum.Tenants++
		sum.Districts += len(plan.districts)
		sum.Quarters += len(plan.quarters)
		sum.Organisations += len(plan.orgs)
		sum.Locations += len(plan.locations)
		sum.Users += len(plan.users)
	}
	return sum, nil
}

type tenantPlan struct {
	id, slug, name string
	at             time.Time
	districts      [][]any
	quarters       [][]any
	orgs           [][]any
	locations      [][]any
	users          [][]any
}

func planTenant(rng *rand.Rand, at time.Time, slug string, n, clients int) *tenantPlan {
	p := &tenantPlan{id: ids.Deterministic(rng, at), slug: slug, name: fmt.Sprintf("Synthetische Kommune %d", n), at: at}
	var quarterIDs, districtIDs []string
	for d := 1; d <= 5; d++ {
		did := ids.Deterministic(rng, at)
		districtIDs = append(districtIDs, did)
		p.districts = append(p.districts, []any{p.id, did, fmt.Sprintf("Bezirk %d", d), fmt.Sprint(d), at, at})
		for q := 1; q <= 4; q++ {
			qid := ids.Deterministic(rng, at)
			quarterIDs = append(quarterIDs, qid)
			p.quarters = append(p.quarters, []any{p.id, qid, did, fmt.Sprintf("Quartier %d.%d", d, q), at, at})
		}
	}
	type org struct {
		id      string
		carrier bool
	}
	kinds := []struct {
		name    string
		typ     directory.OrgType
		regime  directory.Regime
		carrier bool
	}{
		{"Stadtverwaltung", directory.OrgCityService, directory.RegimePublicBody, false},
		{"Kommunales Integrationszentrum", directory.OrgCityService, directory.RegimePublicBody, true},
		{"Wohlfahrtsverband A", directory.OrgWelfare, directory.RegimeGDPRBDSG, true},
		{"Wohlfahrtsverband B", directory.OrgWelfare, directory.RegimeKDG, true},
		{"Wohlfahrtsverband C", directory.OrgWelfare, directory.RegimeDSGEKD, true},
		{"Ausländerbehörde", directory.OrgAuthority, directory.RegimePublicBody, false},
		{"Jobcenter", directory.OrgJobcenter, directory.RegimePublicBody, false},
		{"Migrantenverein", directory.OrgMigrantSelfOrg, directory.RegimeGDPRBDSG, false},
		{"Sportverein", directory.OrgClub, directory.RegimeGDPRBDSG, false},
		{"Moscheegemeinde", directory.OrgReligious, directory.RegimeGDPRBDSG, false},
	}
	var orgs []org
	for i, k := range kinds {
		oid := ids.Deterministic(rng, at.Add(time.Duration(i)*time.Millisecond))
		orgs = append(orgs, org{oid, k.carrier})
		p.orgs = append(p.orgs, []any{p.id, oid, k.name, "", string(k.typ), string(k.regime), k.carrier, "", "", "", at, at})
		for l := 1; l <= 2; l++ {
			q := rng.IntN(len(quarterIDs))
			p.locations = append(p.locations, []any{p.id, ids.Deterministic(rng, at), oid, fmt.Sprintf("Standort %d", l),
				fmt.Sprintf("%s %d", synthStreets[rng.IntN(len(synthStreets))], 1+rng.IntN(120)), fmt.Sprintf("4%04d", rng.IntN(10000)),
				p.name, districtIDs[q/4], quarterIDs[q], "Mo–Fr 9–12 Uhr", "de,en", rng.IntN(2) == 0, "", "", at, at})
		}
	}
	user := func(role access.Role, orgID string, i int) {
		first, last := synthFirst[rng.IntN(len(synthFirst))], synthLast[rng.IntN(len(synthLast))]
		email := fmt.Sprintf("%s.%d@%s.example", strings.ToLower(string(role)), i, slug)
		p.users = append(p.users, []any{p.id, ids.Deterministic(rng, at), orgID, email, first + " " + last, string(role), "de", at, at})
	}
	user(access.TenantAdmin, orgs[0].id, 1)
	user(access.DataProtectionOfficer, orgs[0].id, 1)
	user(access.Coordinator, orgs[1].id, 1)
	user(access.NaturalisationClerk, orgs[5].id, 1)
	caseManagers := max(1, clients/100)
	var carriers []string
	for _, o := range orgs {
		if o.carrier {
			carriers = append(carriers, o.id)
			user(access.TeamLead, o.id, len(carriers))
		}
	}
	for i := 0; i < caseManagers; i++ {
		user(access.CaseManager, carriers[i%len(carriers)], i+1)
	}
	return p
}

// insertRows writes rows with multi-row INSERT statements of up to 500 rows.
func insertRows(ctx context.Context, tx *db.Tx, table, cols string, rows [][]any) error {
	const batch = 500
	n := strings.Count(cols, ",") + 1
	for start := 0; start < len(rows); start += batch {
		end := min(start+batch, len(rows))
		var b strings.Builder
		args := make([]any, 0, (end-start)*n)
		b.WriteString("INSERT INTO " + table + " (" + cols + ") VALUES ")
		for i, r := range rows[start:end] {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString("(" + db.Placeholders(len(args)+1, n) + ")")
			args = append(args, r...)
		}
		if _, err := tx.ExecContext(ctx, b.String(), args...); err != nil {
			return err
		}
	}
	return nil
}

func (p *tenantPlan) insert(ctx context.Context, tx *db.Tx, chain *audit.Chain) error {
	if _, err := tx.ExecContext(ctx, "INSERT INTO tenants (id, slug, name, created_at, updated_at, version) VALUES ($1, $2, $3, $4, $4, 1)",
		p.id, p.slug, p.name, p.at); err != nil {
		return err
	}
	steps := []struct {
		table, cols string
		rows        [][]any
	}{
		{"districts", "tenant_id, id, name, code, created_at, updated_at", p.districts},
		{"quarters", "tenant_id, id, district_id, name, created_at, updated_at", p.quarters},
		{"organisations", "tenant_id, id, name, short_name, type, dp_regime, kim_carrier, email, phone, website, created_at, updated_at", p.orgs},
		{"locations", "tenant_id, id, organisation_id, name, street, postcode, city, district_id, quarter_id, opening_hours, languages, step_free, phone, email, created_at, updated_at", p.locations},
		{"users", "tenant_id, id, organisation_id, email, name, role, language, created_at, updated_at", p.users},
	}
	for _, s := range steps {
		if err := insertRows(ctx, tx, s.table, s.cols, s.rows); err != nil {
			return fmt.Errorf("%s: %w", s.table, err)
		}
	}
	return chain.Append(ctx, tx, audit.Entry{Actor: access.System(p.id), Action: "tenant.create", ObjectType: "tenant", ObjectID: p.id,
		Details: map[string]string{"source": "synthetic"}})
}
