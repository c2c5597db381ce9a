package monitoring_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"kim/internal/apptest"
	"kim/internal/platform/access"
	"kim/internal/platform/db"
)

// engineData is hand-built case data in tenant alpha for January to March 2025 (the fixtures'
// own records are from 2026): four clients, five cases, assessments, referrals, goals, a
// transition with a gap, barrier reports, funding figures and population figures. The
// expected figures are written next to each test.
//
//	client  district  sex  born        nationality  cases
//	c1      D1        f    1990-05-01  SY           k1 (A1, 2025-01-10, self, open), k2 (A2, 2025-01-20, jobcenter, closed 2025-03-05 goals_achieved)
//	c2      D1        m    2010-01-01  UA           k3 (A1, 2024-12-15, school, closed 2025-02-10 moved_away)
//	c3      D2        f    1950-01-01  DE           k4 (A2, 2025-02-01, self, open)
//	c4      –         x    –           –            k5 (A1, 2025-03-31, other, open)
type engineData struct {
	D1, D2, A1, A2 string
}

func seedEngineData(t *testing.T, env *apptest.Env, fx *apptest.Fixtures) engineData {
	t.Helper()
	ctx := context.Background()
	ten := fx.TenantA.ID
	d := engineData{D1: fx.DistrictA.ID, D2: uid("d2"), A1: fx.OrgA1.ID, A2: fx.OrgA2.ID}
	cmA1, cmA2 := fx.Users[access.CaseManager].ID, fx.MemberA2.ID
	now := time.Date(2025, 4, 1, 8, 0, 0, 0, time.UTC)
	at := func(s string) time.Time { v, _ := time.Parse("2006-01-02", s); return v.Add(10 * time.Hour) }
	err := env.DB().Write(ctx, func(tx *db.Tx) error {
		exec := func(q string, args ...any) {
			if _, err := tx.ExecContext(ctx, q, args...); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
		exec(`INSERT INTO districts (tenant_id, id, name, code, created_at, updated_at) VALUES ($1, $2, 'Zweiter Bezirk', '2', $3, $3)`, ten, d.D2, now)
		client := func(id, org string, dist any, sex, birth, nat string) {
			id = uid(id)
			exec(`INSERT INTO clients (tenant_id, id, organisation_id, pseudonym, family_name, birth_date, sex, nationalities, district_id,
				created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, 'Test', $5, $6, $7, $8, $9, $10, $10)`,
				ten, id, org, "P-"+id, birth, sex, nat, dist, cmA1, now)
		}
		client("c1", d.A1, d.D1, "f", "1990-05-01", "SY")
		client("c2", d.A1, d.D1, "m", "2010-01-01", "UA,DE")
		client("c3", d.A2, d.D2, "f", "1950-01-01", "DE")
		client("c4", d.A1, nil, "x", "", "")
		kase := func(id, org, cl, route, cm, req, closed, reason string) {
			id, cl = uid(id), uid(cl)
			status := "implementation"
			if closed != "" {
				status = "closed"
			}
			exec(`INSERT INTO cases (tenant_id, id, organisation_id, case_number, client_id, status, access_route, case_manager_id,
				requested_on, closed_on, close_reason, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12)`,
				ten, id, org, "N-"+id, cl, status, route, cm, req, closed, reason, now)
		}
		kase("k1", d.A1, "c1", "self", cmA1, "2025-01-10", "", "")
		kase("k2", d.A2, "c1", "jobcenter", cmA2, "2025-01-20", "2025-03-05", "goals_achieved")
		kase("k3", d.A1, "c2", "school", cmA1, "2024-12-15", "2025-02-10", "moved_away")
		kase("k4", d.A2, "c3", "self", cmA2, "2025-02-01", "", "")
		kase("k5", d.A1, "c4", "other", cmA1, "2025-03-31", "", "")
		assess := func(id, kase, domain, urgency string) {
			id, kase = uid(id), uid(kase)
			exec(`INSERT INTO assessments (tenant_id, id, case_id, domain, urgency, updated_by, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
				ten, id, kase, domain, urgency, cmA1, now)
		}
		assess("a1", "k1", "language", "high")
		assess("a2", "k1", "work", "none")
		assess("a3", "k4", "housing", "low")
		assess("a4", "k2", "language", "medium")
		ref := func(id, kase, to, status, sent, answered string) {
			id, kase = uid(id), uid(kase)
			exec(`INSERT INTO referrals (tenant_id, id, case_id, to_org_id, consent_id, status, sent_on, answer_due, answered_on,
				created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, '2025-12-31', $8, $9, $10, $10)`,
				ten, id, kase, to, fx.ConsentA1.ID, status, sent, answered, cmA1, now)
		}
		ref("r1", "k1", d.A2, "accepted", "2025-01-12", "2025-01-22")
		ref("r2", "k2", d.A1, "declined", "2025-01-25", "2025-02-04")
		goal := func(id, kase, domain, status, evaluated string) {
			id, kase = uid(id), uid(kase)
			exec(`INSERT INTO goals (tenant_id, id, case_id, domain, text, status, evaluated_on, created_at, updated_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)`, ten, id, kase, domain, []byte("x"), status, evaluated, now)
		}
		goal("g1", "k1", "language", "achieved", "2025-02-15")
		goal("g2", "k4", "housing", "not_achieved", "2025-02-20")
		goal("g3", "k1", "work", "open", "")
		exec(`INSERT INTO transitions (tenant_id, id, case_id, from_regime, to_regime, trigger_kind, trigger_on, status, gap_from, gap_kind,
			created_at, updated_at) VALUES ($1, $3, $4, 'asylblg', 'sgb2', 'asylum_decision', '2025-02-03', 'gap', '2025-02-10', 'benefits', $2, $2)`, ten, now, uid("t1"), uid("k1"))
		barrier := func(id, key, typ, on string) {
			id = uid(id)
			exec(`INSERT INTO barrier_reports (tenant_id, id, organisation_id, reported_by, case_key, life_domain, type, description,
				reported_at, updated_at) VALUES ($1, $2, $3, $4, $5, 'work', $6, 'Beschreibung', $7, $7)`, ten, id, d.A1, cmA1, key, typ, at(on))
		}
		barrier("b1", "kx", "waiting_time", "2025-01-15")
		barrier("b2", "kx", "language_barrier", "2025-01-20")
		barrier("b3", "", "waiting_time", "2025-01-21")
		barrier("b4", "", "waiting_time", "2025-01-22")
		exec(`INSERT INTO funding_figures (tenant_id, organisation_id, year, fte_funded, fte_occupied, updated_by, updated_at)
			VALUES ($1, $2, 2025, 1, 0.5, $3, $4)`, ten, d.A1, cmA1, now)
		exec(`INSERT INTO context_imports (tenant_id, id, filename, rows, imported_by, imported_at) VALUES ($1, $4, 'x.csv', 2, $2, $3)`, ten, cmA1, now, uid("imp"))
		exec(`INSERT INTO context_values (tenant_id, period, district_id, indicator, value, import_id) VALUES ($1, '2024', $2, 'population', 1000, $3)`, ten, d.D1, uid("imp"))
		exec(`INSERT INTO context_values (tenant_id, period, district_id, indicator, value, import_id) VALUES ($1, '2025', $2, 'population', 2000, $3)`, ten, d.D2, uid("imp"))
		exec(`INSERT INTO context_values (tenant_id, period, district_id, indicator, value, import_id) VALUES ($1, '2026', $2, 'population', 9999, $3)`, ten, d.D2, uid("imp"))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// uid is a fixed UUID for a fixture name (PostgreSQL keeps ids as uuid).
func uid(name string) string {
	n := 0
	for _, r := range name {
		n = n*131 + int(r)
	}
	return fmt.Sprintf("00000000-0000-4000-8000-%012d", n%1000000000000)
}
