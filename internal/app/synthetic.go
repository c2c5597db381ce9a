package app

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"kim/internal/directory"
	"kim/internal/names/nameindex"
	"kim/internal/platform/access"
	"kim/internal/platform/audit"
	"kim/internal/platform/db"
	"kim/internal/platform/errs"
	"kim/internal/platform/ids"
	"kim/internal/platform/valid"
)

// SyntheticSummary reports what SeedSynthetic created.
type SyntheticSummary struct {
	Tenants, Districts, Quarters, Organisations, Locations, Users int
	Skipped                                                       int // tenants that existed already
	Casework                                                      cwCounts
	Took                                                          time.Duration
}

func (s SyntheticSummary) String() string {
	c := s.Casework
	return fmt.Sprintf("tenants %d (skipped %d), districts %d, quarters %d, organisations %d, locations %d, users %d; "+
		"clients %d (%d living with others), residence statuses %d, cases %d (%d open), contacts %d, consents %d, referrals %d; in %s",
		s.Tenants, s.Skipped, s.Districts, s.Quarters, s.Organisations, s.Locations, s.Users,
		c.Clients, c.WithHousehold, c.Residence, c.Cases, c.Open, c.Contacts, c.Consents, c.Referrals, s.Took.Round(time.Millisecond))
}

var synthFirst = []string{"Anna", "Ali", "Maria", "Mehmet", "Olena", "Jonas", "Fatima", "Lukas", "Sara", "Ahmad", "Julia", "Emre",
	"Nadia", "Tobias", "Leyla", "Daniel", "Hanna", "Yusuf", "Irina", "Felix"}
var synthLast = []string{"Müller", "Yilmaz", "Schmidt", "Kowalski", "Hoffmann", "Popescu", "Wagner", "Haddad", "Becker", "Schulz",
	"Kaya", "Fischer", "Novak", "Weber", "Rahimi", "Meyer", "Petrenko", "Koch", "Demir", "Richter"}
var synthStreets = []string{"Hauptstraße", "Bahnhofstraße", "Kirchplatz", "Schulstraße", "Gartenweg", "Lindenallee", "Marktplatz", "Bergstraße",
	"Am Markt", "Lindenstraße", "Ringstraße", "Talstraße", "Wiesenweg", "Mühlenweg", "Friedrichstraße", "Kölner Straße"}

// synthPart is the most clients of one tenant generated at once (a few hundred MB of rows).
const synthPart = 10000

// ClientsPerCaseManager sizes the synthetic staff: one case manager per this many clients (at
// least two per carrier) gives about 100 cases in two years and 40 to 50 open cases each, a full
// caseload.
const ClientsPerCaseManager = 200

// SeedSynthetic generates deterministic data for benchmarks: tenants synth-0001 … with districts,
// quarters, organisations (four of them carry case management), locations and staff (a team lead
// per carrier, one case manager per ClientsPerCaseManager clients), and the case management of
// clients/tenants clients each: clients with names in several scripts and their name index,
// households, residence statuses, cases over the last two years with their history, contacts
// with encrypted notes, consents and referrals (see synthetic_casework.go).
//
// The same seed on the same day gives the same data, ids included (dates are relative to the
// day of seeding); only the ciphertexts differ, as the vault seals with random nonces under
// random data keys. Each tenant is written in one transaction with multi-row inserts, its free
// text sealed with the vault directly and its names indexed with nameindex.Store.PutMany; the
// next tenant is generated on another goroutine meanwhile. Tenants that exist already are
// skipped. Bulk data writes no audit entries: nobody did anything to these records, and an
// entry per record would double the work. Only the creation of each tenant is in its trail.
func (a *App) SeedSynthetic(ctx context.Context, tenants, clients int, seed uint64) (SyntheticSummary, error) {
	var sum SyntheticSummary
	if tenants < 1 || clients < 0 {
		return sum, fmt.Errorf("--tenants must be at least 1 and --clients not negative")
	}
	t0 := time.Now()
	now := a.DB.Clock.Now()
	today, _ := time.Parse(valid.DateLayout, valid.Today(now))
	rng := rand.New(rand.NewPCG(seed, 0x4b494d))
	base := time.Date(2024, 1, 1, 8, 0, 0, 0, time.UTC)
	perTenant := clients / tenants

	// A tenant's case management is generated in parts of at most synthPart clients, so that
	// memory stays bounded however large a tenant is; the writer inserts them in the tenant's
	// one transaction while the generator makes the next.
	type job struct {
		plan  *tenantPlan
		parts chan *cwPlan
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	jobs := make(chan job, 1)
	errc := make(chan error, 1)
	go func() {
		defer close(jobs)
		for t := 1; t <= tenants; t++ {
			slug := fmt.Sprintf("synth-%04d", t)
			// Draw the tenant's random numbers even when it is skipped, so that the other tenants
			// stay the same whichever already exist.
			plan := planTenant(rng, base.Add(time.Duration(t)*time.Hour), slug, t, perTenant)
			if _, err := a.Dir.TenantBySlug(ctx, slug); err == nil {
				select {
				case jobs <- job{}:
				case <-ctx.Done():
					return
				}
				continue
			} else if errs.CodeOf(err) != errs.NotFound {
				errc <- err
				return
			}
			w := plan.world(today, perTenant)
			plan.criteria(w)
			j := job{plan, make(chan *cwPlan)}
			select {
			case jobs <- j:
			case <-ctx.Done():
				return
			}
			for part, left := 0, perTenant; part == 0 || left > 0; part++ {
				w.clients = min(left, synthPart)
				left -= w.clients
				cw := w.generate(seed ^ uint64(t)*0x9e3779b97f4a7c15 ^ uint64(part)<<48)
				select {
				case j.parts <- cw:
				case <-ctx.Done():
					return
				}
			}
			close(j.parts)
		}
	}()

	if a.DB.Engine() == db.SQLite {
		// A larger page cache for the writer while it fills the indexes of big tables.
		if err := a.DB.Write(ctx, func(tx *db.Tx) error { _, err := tx.ExecContext(ctx, "PRAGMA cache_size = -262144"); return err }); err != nil {
			return sum, err
		}
		defer func() {
			_ = a.DB.Write(context.Background(), func(tx *db.Tx) error {
				_, err := tx.ExecContext(context.Background(), "PRAGMA cache_size = -2000")
				return err
			})
		}()
	}
	var idx nameindex.Store
	for j := range jobs {
		if j.plan == nil {
			sum.Skipped++
			continue
		}
		tt := time.Now()
		var counts cwCounts
		err := a.DB.Write(ctx, func(tx *db.Tx) error {
			if err := j.plan.insert(ctx, tx, a.Audit); err != nil {
				return err
			}
			for cw := range j.parts {
				if err := cw.insert(ctx, tx, a.Vault.Seal, idx); err != nil {
					return err
				}
				counts.add(cw.counts)
			}
			return ctx.Err()
		})
		if err != nil {
			return sum, fmt.Errorf("tenant %s: %w", j.plan.slug, err)
		}
		sum.Tenants++
		sum.Districts += len(j.plan.districts)
		sum.Quarters += len(j.plan.quarters)
		sum.Organisations += len(j.plan.orgs)
		sum.Locations += len(j.plan.locations)
		sum.Users += len(j.plan.users)
		sum.Casework.add(counts)
		a.Log.Info("synthetic tenant seeded", "tenant", j.plan.slug, "clients", counts.Clients, "cases", counts.Cases,
			"contacts", counts.Contacts, "took", time.Since(tt).Round(time.Millisecond).String(),
			"elapsed", time.Since(t0).Round(time.Second).String())
	}
	select {
	case err := <-errc:
		return sum, err
	default:
	}
	if err := ctx.Err(); err != nil {
		return sum, err
	}
	sum.Took = time.Since(t0)
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
	criteriaRows   [][]any

	// For the case management.
	carriers   []cwOrg
	recipients []cwRecipient
	places     []cwDistrict
	rng        *rand.Rand
}

// world describes the tenant to the case-management generator.
func (p *tenantPlan) world(today time.Time, clients int) *cwWorld {
	var postcodes []string
	for i := range 8 {
		postcodes = append(postcodes, fmt.Sprintf("4%04d", (p.rng.IntN(999)+i*1000)%10000))
	}
	return &cwWorld{tenantID: p.id, today: today, clients: clients, caseShare: 0.5, carriers: p.carriers, recipients: p.recipients,
		districts: p.places, city: p.name, postcodes: postcodes, streets: synthStreets}
}

// The admission criteria of a synthetic tenant.
var synthCriteria = []string{"Mehrere Unterstützungsbedarfe in verschiedenen Lebensbereichen", "Seit höchstens drei Jahren in der Kommune",
	"Bisher ohne Fallmanagement"}

// criteria adds the tenant's admission criteria and tells w their ids.
func (p *tenantPlan) criteria(w *cwWorld) {
	for i, label := range synthCriteria {
		id := ids.Deterministic(p.rng, p.at)
		p.criteriaRows = append(p.criteriaRows, []any{p.id, id, label, i + 1, true, p.at})
		w.criteria = append(w.criteria, id)
	}
}

func planTenant(rng *rand.Rand, at time.Time, slug string, n, clients int) *tenantPlan {
	p := &tenantPlan{id: ids.Deterministic(rng, at), slug: slug, name: fmt.Sprintf("Synthetische Kommune %d", n), at: at}
	// The tenant's own stream for what follows the platform data, so that it does not shift the
	// streams of later tenants.
	p.rng = rand.New(rand.NewPCG(rng.Uint64(), uint64(n)))
	var quarterIDs, districtIDs []string
	for d := 1; d <= 5; d++ {
		did := ids.Deterministic(rng, at)
		districtIDs = append(districtIDs, did)
		p.districts = append(p.districts, []any{p.id, did, fmt.Sprintf("Bezirk %d", d), fmt.Sprint(d), at, at})
		p.places = append(p.places, cwDistrict{id: did, weight: float64(6 - d)})
		for q := 1; q <= 4; q++ {
			qid := ids.Deterministic(rng, at)
			quarterIDs = append(quarterIDs, qid)
			p.places[d-1].quarters = append(p.places[d-1].quarters, qid)
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
		weight  float64 // as a recipient of consents and referrals
	}{
		{"Stadtverwaltung", directory.OrgCityService, directory.RegimePublicBody, false, 1},
		{"Kommunales Integrationszentrum", directory.OrgCityService, directory.RegimePublicBody, true, 1.5},
		{"Wohlfahrtsverband A", directory.OrgWelfare, directory.RegimeGDPRBDSG, true, 1.5},
		{"Wohlfahrtsverband B", directory.OrgWelfare, directory.RegimeKDG, true, 1.5},
		{"Wohlfahrtsverband C", directory.OrgWelfare, directory.RegimeDSGEKD, true, 1.5},
		{"Ausländerbehörde", directory.OrgAuthority, directory.RegimePublicBody, false, 2},
		{"Jobcenter", directory.OrgJobcenter, directory.RegimePublicBody, false, 3},
		{"Migrantenverein", directory.OrgMigrantSelfOrg, directory.RegimeGDPRBDSG, false, 0.7},
		{"Sportverein", directory.OrgClub, directory.RegimeGDPRBDSG, false, 0.3},
		{"Moscheegemeinde", directory.OrgReligious, directory.RegimeGDPRBDSG, false, 0.3},
	}
	var orgs []org
	carrierIdx := map[string]int{}
	for i, k := range kinds {
		oid := ids.Deterministic(rng, at.Add(time.Duration(i)*time.Millisecond))
		orgs = append(orgs, org{oid, k.carrier})
		p.recipients = append(p.recipients, cwRecipient{id: oid, weight: k.weight})
		if k.carrier {
			carrierIdx[oid] = len(p.carriers)
			p.carriers = append(p.carriers, cwOrg{id: oid})
		}
		p.orgs = append(p.orgs, []any{p.id, oid, k.name, "", string(k.typ), string(k.regime), k.carrier, "", "", "", at, at})
		for l := 1; l <= 2; l++ {
			q := rng.IntN(len(quarterIDs))
			lid := ids.Deterministic(rng, at)
			if k.carrier {
				p.carriers[len(p.carriers)-1].locations = append(p.carriers[len(p.carriers)-1].locations, lid)
			}
			p.locations = append(p.locations, []any{p.id, lid, oid, fmt.Sprintf("Standort %d", l),
				fmt.Sprintf("%s %d", synthStreets[rng.IntN(len(synthStreets))], 1+rng.IntN(120)), fmt.Sprintf("4%04d", rng.IntN(10000)),
				p.name, districtIDs[q/4], quarterIDs[q], "Mo–Fr 9–12 Uhr", "de,en", rng.IntN(2) == 0, "", "", at, at})
		}
	}
	user := func(role access.Role, orgID string, i int) string {
		first, last := synthFirst[rng.IntN(len(synthFirst))], synthLast[rng.IntN(len(synthLast))]
		email := fmt.Sprintf("%s.%d@%s.example", strings.ToLower(string(role)), i, slug)
		id := ids.Deterministic(rng, at)
		p.users = append(p.users, []any{p.id, id, orgID, email, first + " " + last, string(role), "de", at, at})
		return id
	}
	user(access.TenantAdmin, orgs[0].id, 1)
	user(access.DataProtectionOfficer, orgs[0].id, 1)
	user(access.Coordinator, orgs[1].id, 1)
	user(access.NaturalisationClerk, orgs[5].id, 1)
	var carriers []string
	for _, o := range orgs {
		if o.carrier {
			carriers = append(carriers, o.id)
			user(access.TeamLead, o.id, len(carriers))
		}
	}
	caseManagers := max(2*len(carriers), clients/ClientsPerCaseManager)
	for i := 0; i < caseManagers; i++ {
		id := user(access.CaseManager, carriers[i%len(carriers)], i+1)
		c := &p.carriers[carrierIdx[carriers[i%len(carriers)]]]
		c.staff = append(c.staff, cwStaff{id: id, weight: 1})
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
		{"admission_criteria", "tenant_id, id, label, position, active, created_at", p.criteriaRows},
	}
	for _, s := range steps {
		if err := insertRows(ctx, tx, s.table, s.cols, s.rows); err != nil {
			return fmt.Errorf("%s: %w", s.table, err)
		}
	}
	return chain.Append(ctx, tx, audit.Entry{Actor: access.System(p.id), Action: "tenant.create", ObjectType: "tenant", ObjectID: p.id,
		Details: map[string]string{"source": "synthetic"}})
}
