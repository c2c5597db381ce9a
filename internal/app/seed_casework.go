package app

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strconv"
	"time"

	"kim/internal/names/nameindex"
	"kim/internal/platform/access"
	"kim/internal/platform/audit"
	"kim/internal/platform/db"
	"kim/internal/platform/ids"
	"kim/internal/platform/valid"
)

// The case management of the demo tenant: about 420 fictitious clients of the five carriers
// (Kommunales Integrationszentrum, AWO, Caritas, Diakonie, Internationaler Bund) with about 330
// cases over the last two years, made by the synthetic generator with Solingen's districts,
// streets and organisations. The demo case managers hold realistic caseloads (cm.awo about 40
// open cases), colleagues share the rest, so that team views, deputies, incoming referrals,
// expiring residence titles and every indicator show something.

// demoColleague is a case manager of the demo who is not on the login page. They sign in with
// the demo password too.
type demoColleague struct {
	email, name, org string
}

var demoColleagues = []demoColleague{
	{"y.arslan@solingen.example", "Yasemin Arslan", "Kommunales Integrationszentrum"},
	{"k.vogel@solingen.example", "Katharina Vogel", "AWO"},
	{"s.brandt@solingen.example", "Stefan Brandt", "AWO"},
	{"m.schroeder@solingen.example", "Michael Schröder", "Caritas"},
	{"e.yildiz@solingen.example", "Elif Yıldız", "Diakonie"},
	{"j.peters@solingen.example", "Jan Peters", "Diakonie"},
	{"s.wagner@solingen.example", "Sophie Wagner", "Internationaler Bund"},
}

// demoCaseload weighs each case manager's share of the cases of their organisation (and so of
// the clients): cm.awo carries a full caseload, the colleagues smaller ones.
var demoCaseload = map[string]float64{
	"cm.ki@solingen.example": 1.4, "cm.awo@solingen.example": 3.8, "cm.caritas@solingen.example": 1.4,
}

// The carriers of case management in the demo; the Internationaler Bund runs the youth
// migration service (clients of 12 to 27).
var demoCarriers = []string{"Kommunales Integrationszentrum", "AWO", "Caritas", "Diakonie", "Internationaler Bund"}

// Weights of the organisations as recipients of consents and referrals.
var demoRecipients = map[string]float64{
	"Jobcenter Solingen": 3, "Ausländer- und Einbürgerungsbüro": 2, "Kommunales Integrationszentrum": 2, "AWO": 1.2,
	"Caritas": 1.2, "Diakonie": 1.2, "Internationaler Bund": 1, "Stadt Solingen": 0.8,
}

// Where the demo clients live: the Stadtbezirke by their share of immigrant inhabitants, and
// within Mitte the Nordstadt and the Innenstadt more often.
var demoDistrictWeights = map[string]float64{
	"Solingen-Mitte": 38, "Ohligs/Aufderhöhe/Merscheid": 26, "Wald": 16, "Burg/Höhscheid": 12, "Gräfrath": 8,
}

var demoStreets = []string{"Kölner Straße", "Wupperstraße", "Konrad-Adenauer-Straße", "Schlagbaumer Straße", "Kasernenstraße",
	"Grünewalder Straße", "Düsseldorfer Straße", "Merscheider Straße", "Focher Straße", "Weyerstraße", "Beethovenstraße",
	"Friedrich-Ebert-Straße", "Burger Straße", "Wittkuller Straße", "Neuenhofer Straße", "Goerdelerstraße", "Hauptstraße",
	"Felder Straße", "Brühler Straße", "Baumstraße", "Potshauser Straße", "Bonner Straße", "Cronenberger Straße"}

var demoPostcodes = []string{"42651", "42653", "42655", "42657", "42659", "42697", "42699", "42719"}

// DemoCriteria are the admission criteria of the demo tenant.
var DemoCriteria = []string{"Mehrere Unterstützungsbedarfe in verschiedenen Lebensbereichen", "Seit höchstens drei Jahren in Solingen",
	"Bisher ohne Fallmanagement"}

const (
	demoClients = 420
	demoSeed    = 20260301
)

// seedDemoCasework adds the admission criteria and the case management of the demo tenant when
// the tenant has none yet (so seeding twice changes nothing). Everything is written in one
// transaction, with one audit entry for the whole (no entry per generated record).
func (a *App) seedDemoCasework(ctx context.Context, tenantID string) error {
	now := a.DB.Clock.Now()
	today, _ := time.Parse(valid.DateLayout, valid.Today(now))
	return a.DB.Write(ctx, func(tx *db.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM admission_criteria WHERE tenant_id = $1", tenantID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			for i, label := range DemoCriteria {
				if _, err := tx.ExecContext(ctx, "INSERT INTO admission_criteria (tenant_id, id, label, position, active, created_at) VALUES ($1, $2, $3, $4, TRUE, $5)",
					tenantID, ids.New(), label, i+1, tx.Now); err != nil {
					return err
				}
			}
		}
		if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM clients WHERE tenant_id = $1", tenantID).Scan(&n); err != nil || n > 0 {
			return err
		}
		criteria, err := demoColumn(ctx, tx, "SELECT id FROM admission_criteria WHERE tenant_id = $1 AND active ORDER BY position, id", tenantID)
		if err != nil {
			return err
		}
		w, err := a.demoWorld(ctx, tx, tenantID, today)
		if err != nil {
			return err
		}
		w.criteria = criteria
		p := w.generate(demoSeed)
		// Fresh referrals for the Kommunales Integrationszentrum to answer (cm.ki's incoming).
		if ki := w.orgs["Kommunales Integrationszentrum"]; ki != "" {
			p.addIncoming(rand.New(rand.NewPCG(demoSeed, 1)), today, ki, 5)
		}
		if err := p.insert(ctx, tx, a.Vault.Seal, nameindex.Store{}); err != nil {
			return err
		}
		c := p.counts
		return a.Audit.Append(ctx, tx, audit.Entry{Actor: access.System(tenantID), Action: "demo.casework_seed", ObjectType: "tenant",
			ObjectID: tenantID, Details: map[string]string{"clients": strconv.Itoa(c.Clients), "cases": strconv.Itoa(c.Cases),
				"contacts": strconv.Itoa(c.Contacts), "consents": strconv.Itoa(c.Consents), "referrals": strconv.Itoa(c.Referrals)}})
	})
}

func demoColumn(ctx context.Context, tx *db.Tx, q string, args ...any) ([]string, error) {
	rows, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// demoWorld describes the demo tenant to the generator; it adds the colleagues that are missing
// (with the demo password's hash of an existing demo account).
func (a *App) demoWorld(ctx context.Context, tx *db.Tx, tenantID string, today time.Time) (*cwWorld, error) {
	w := &cwWorld{tenantID: tenantID, today: today, clients: demoClients, caseShare: 0.8, city: "Solingen",
		postcodes: demoPostcodes, streets: demoStreets, planning: true}
	orgs := map[string]string{}
	w.orgs = orgs
	rows, err := tx.QueryContext(ctx, "SELECT id, name FROM organisations WHERE tenant_id = $1", tenantID)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var id, name string
		if err := rows.Scan(&id, &name); err != nil {
			rows.Close()
			return nil, err
		}
		orgs[name] = id
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, name := range slices.Sorted(maps.Keys(demoRecipients)) {
		if id, ok := orgs[name]; ok {
			w.recipients = append(w.recipients, cwRecipient{id: id, weight: demoRecipients[name]})
		}
	}

	// Colleagues: created with the hash of the demo password from an existing demo account.
	var hash sql.NullString
	if err := tx.QueryRowContext(ctx, "SELECT password_hash FROM users WHERE tenant_id = $1 AND email = $2", tenantID,
		"cm.awo@solingen.example").Scan(&hash); err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, err
	}
	for _, c := range demoColleagues {
		org, ok := orgs[c.org]
		if !ok {
			return nil, fmt.Errorf("demo organisation %s missing", c.org)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO users (tenant_id, id, organisation_id, email, name, role, language, password_hash,
			created_at, updated_at, version) VALUES ($1, $2, $3, $4, $5, $6, 'de', $7, $8, $8, 1) ON CONFLICT (tenant_id, email) DO NOTHING`,
			tenantID, ids.New(), org, c.email, c.name, string(access.CaseManager), nullable(hash.String), tx.Now); err != nil {
			return nil, fmt.Errorf("demo colleague %s: %w", c.email, err)
		}
	}

	// The carriers with their case managers and locations.
	staff := map[string][]cwStaff{}
	rows, err = tx.QueryContext(ctx, `SELECT id, organisation_id, email FROM users WHERE tenant_id = $1 AND role = $2 AND disabled_at IS NULL
		ORDER BY email`, tenantID, string(access.CaseManager))
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var id, org, email string
		if err := rows.Scan(&id, &org, &email); err != nil {
			rows.Close()
			return nil, err
		}
		wt := 1.0
		if x, ok := demoCaseload[email]; ok {
			wt = x
		}
		staff[org] = append(staff[org], cwStaff{id: id, weight: wt})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	locs := map[string][]string{}
	rows, err = tx.QueryContext(ctx, "SELECT id, organisation_id FROM locations WHERE tenant_id = $1 ORDER BY name, id", tenantID)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var id, org string
		if err := rows.Scan(&id, &org); err != nil {
			rows.Close()
			return nil, err
		}
		locs[org] = append(locs[org], id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, name := range demoCarriers {
		id := orgs[name]
		if len(staff[id]) == 0 {
			continue
		}
		w.carriers = append(w.carriers, cwOrg{id: id, staff: staff[id], locations: locs[id], youth: name == "Internationaler Bund"})
	}
	if len(w.carriers) == 0 {
		return nil, errors.New("demo: no case managers")
	}

	// Districts and quarters.
	rows, err = tx.QueryContext(ctx, `SELECT d.id, d.name, COALESCE(CAST(q.id AS TEXT), ''), COALESCE(q.name, '') FROM districts d
		LEFT JOIN quarters q ON q.tenant_id = d.tenant_id AND q.district_id = d.id WHERE d.tenant_id = $1 ORDER BY d.name, q.name`, tenantID)
	if err != nil {
		return nil, err
	}
	byName := map[string]int{}
	for rows.Next() {
		var did, dname, qid, qname string
		if err := rows.Scan(&did, &dname, &qid, &qname); err != nil {
			rows.Close()
			return nil, err
		}
		i, ok := byName[dname]
		if !ok {
			i = len(w.districts)
			byName[dname] = i
			wt := demoDistrictWeights[dname]
			if wt == 0 {
				wt = 5
			}
			w.districts = append(w.districts, cwDistrict{id: did, weight: wt})
		}
		if qid != "" {
			w.districts[i].quarters = append(w.districts[i].quarters, qid)
			if qname == "Nordstadt" || qname == "Innenstadt" {
				w.districts[i].quarters = append(w.districts[i].quarters, qid, qid, qid)
			}
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(w.districts) == 0 {
		return nil, errors.New("demo: no districts")
	}
	return w, nil
}
