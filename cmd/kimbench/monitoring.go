package main

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"kim/internal/app"
	"kim/internal/monitoring"
	"kim/internal/platform/access"
	"kim/internal/platform/db"
)

// The monitoring benchmark (kimbench -only monitoring): `kim seed synthetic` fills a fresh
// database with -monitoring-clients clients in -monitoring-tenants tenants (cases ≈ clients/2),
// then kimbench opens it in-process and times, without any precomputed batch:
//
//   - the full KIM dashboard (monitoring.StandardPanels over the last 12 months, one
//     ComputeAll: live SQL, person counting, the protected cubes) for the first tenant;
//   - the state-wide aggregate monitoring.StateWide (persons with a new case per month over all
//     tenants, last 24 months);
//
// each next to a plain GROUP BY over the raw tables in the same run (counting rows, not persons,
// no cube, no protection) as the floor of what the database itself costs.

// monitoringHeading starts the section (kimbench -only monitoring finds it by this line).
const monitoringHeading = "## Integration monitoring\n"

type monitoringResult struct {
	Clients, Tenants, Runs int
	Machine                machine
	Commit                 string
	LoadBefore, LoadAfter  string
	Engines                []monitoringEngine
}

type monitoringEngine struct {
	Engine, Version       string
	Seed                  time.Duration
	Rows                  map[string]int
	TenantCases           int
	Dashboard, DashPlain  latency
	State, StatePlain     latency
	Published, Suppressed int // cells of one dashboard
	Err                   string
}

func (b *bench) monitoringBench(ctx context.Context) (*monitoringResult, error) {
	r := &monitoringResult{Clients: b.opt.MonitoringClients, Tenants: b.opt.MonitoringTenants, Runs: b.opt.MonitoringRuns,
		Machine: machineInfo(), LoadBefore: loadavg(), Commit: "commit " + b.gitDescribe(ctx)}
	defer func() { r.LoadAfter = loadavg() }()
	dbs := b.opt.DBs
	if len(b.opt.MonitoringDBs) > 0 {
		dbs = b.opt.MonitoringDBs
	}
	for _, dsn := range dbs {
		e, err := b.monitoringEngine(ctx, dsn, len(b.opt.MonitoringDBs) > 0)
		if err != nil {
			if ctx.Err() != nil {
				return r, err
			}
			e.Err = err.Error()
			b.logf("monitoring on %s: %v", e.Engine, err)
		}
		r.Engines = append(r.Engines, e)
	}
	return r, nil
}

// monitoringEngine measures one engine: dsn is an engine to seed a fresh database on, or (seeded)
// an existing seeded database (a SQLite path or a postgres:// URL).
func (b *bench) monitoringEngine(ctx context.Context, dsn string, seeded bool) (res monitoringEngine, err error) {
	path := dsn
	var st store
	if !seeded {
		if st, err = newStore(ctx, dsn, b.tmp); err != nil {
			return res, err
		}
		defer st.Close()
		res.Engine, res.Version = st.Name(), st.Version(ctx)
		if path, err = st.Fresh(ctx, "monitoring"); err != nil {
			return res, err
		}
		b.logf("monitoring: kim seed synthetic --tenants %d --clients %d on %s", b.opt.MonitoringTenants, b.opt.MonitoringClients, res.Engine)
		t0 := time.Now()
		out, err := b.command(ctx, b.kimEnv(st.Env()...), b.tmp, b.kim, "seed", "synthetic", "--db", path, "--tenants",
			fmt.Sprint(b.opt.MonitoringTenants), "--clients", fmt.Sprint(b.opt.MonitoringClients), "--seed", fmt.Sprint(b.opt.Seed))
		if err != nil {
			return res, err
		}
		res.Seed = time.Since(t0)
		b.logf("monitoring: seeded in %s: %s", res.Seed.Round(time.Second), out)
	}
	cfg := app.Defaults()
	lookup := os.Getenv // a seeded database: its key from KIM_KEY_FILE or beside the SQLite file
	if st != nil {
		lookup = envLookup(st.Env())
	}
	if err := cfg.FromEnv(lookup); err != nil {
		return res, err
	}
	cfg.DSN = path
	a, err := app.New(ctx, cfg, app.NewLogger(cfg, io.Discard))
	if err != nil {
		return res, err
	}
	defer a.Close()
	w, _ := a.DB.Pools()
	if a.DB.Engine() == db.Postgres {
		res.Engine = "PostgreSQL"
		_ = w.QueryRowContext(ctx, "SHOW server_version").Scan(&res.Version)
		if _, err := w.ExecContext(ctx, "VACUUM (ANALYZE)"); err != nil {
			return res, err
		}
	} else {
		res.Engine = "SQLite"
		_ = w.QueryRowContext(ctx, "SELECT sqlite_version()").Scan(&res.Version)
		if _, err := w.ExecContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
			return res, err
		}
		if _, err := w.ExecContext(ctx, "ANALYZE"); err != nil {
			return res, err
		}
	}
	res.Rows = map[string]int{}
	for _, tb := range []string{"clients", "cases", "assessments", "referrals", "goals"} {
		var n int
		if err := w.QueryRowContext(ctx, "SELECT count(*) FROM "+tb).Scan(&n); err != nil {
			return res, err
		}
		res.Rows[tb] = n
	}
	// The first synthetic tenant and a reader of its figures (a team lead).
	var actor access.Actor
	err = w.QueryRowContext(ctx, `SELECT CAST(u.id AS TEXT), CAST(u.tenant_id AS TEXT), CAST(u.organisation_id AS TEXT) FROM users u
		JOIN tenants t ON t.id = u.tenant_id WHERE t.slug LIKE 'synth-%' AND u.role = 'team_lead' ORDER BY t.slug, u.id LIMIT 1`).
		Scan(&actor.UserID, &actor.TenantID, &actor.OrganisationID)
	if err != nil {
		return res, fmt.Errorf("no team lead seeded: %w", err)
	}
	actor.Role = access.TeamLead
	if err := w.QueryRowContext(ctx, "SELECT count(*) FROM cases WHERE tenant_id = $1", actor.TenantID).Scan(&res.TenantCases); err != nil {
		return res, err
	}
	to := monitoring.MonthOf(a.DB.Clock.Now())
	var qs []monitoring.Query
	for _, p := range monitoring.StandardPanels {
		qs = append(qs, monitoring.Query{Indicator: p.Indicator, By: p.By, From: to.Add(-11), To: to})
	}
	_, r := a.DB.Pools()
	runs := b.opt.MonitoringRuns
	warm := 3
	time1 := func(f func() error) ([]time.Duration, error) {
		var out []time.Duration
		for i := range runs + warm {
			t0 := time.Now()
			if err := f(); err != nil {
				return nil, err
			}
			if i >= warm {
				out = append(out, time.Since(t0))
			}
		}
		return out, nil
	}
	d, err := time1(func() error {
		ts, err := a.Monitor.ComputeAll(ctx, actor, qs)
		if err == nil && res.Published == 0 {
			for _, t := range ts {
				for _, row := range append([][]monitoring.Cell{t.Totals}, t.Cells...) {
					for _, c := range row {
						if c.Suppressed {
							res.Suppressed++
						} else {
							res.Published++
						}
					}
				}
			}
		}
		return err
	})
	if err != nil {
		return res, fmt.Errorf("dashboard: %w", err)
	}
	res.Dashboard = summarize(d)
	b.logf("monitoring: dashboard of a tenant with %d cases p50 %s p95 %s", res.TenantCases, fmtDur(res.Dashboard.P50), fmtDur(res.Dashboard.P95))
	from, last := to.Add(-11).First(), to.Last()
	if d, err = time1(func() error { return plainQueries(ctx, r, plainDashboard, actor.TenantID, from, last) }); err != nil {
		return res, fmt.Errorf("plain dashboard: %w", err)
	}
	res.DashPlain = summarize(d)
	b.logf("monitoring: plain GROUP BY of the dashboard p50 %s p95 %s", fmtDur(res.DashPlain.P50), fmtDur(res.DashPlain.P95))
	if d, err = time1(func() error { _, err := a.Monitor.StateWide(ctx, to.Add(-23), to); return err }); err != nil {
		return res, fmt.Errorf("state-wide: %w", err)
	}
	res.State = summarize(d)
	b.logf("monitoring: state-wide over %d cases p50 %s p95 %s", res.Rows["cases"], fmtDur(res.State.P50), fmtDur(res.State.P95))
	if d, err = time1(func() error {
		return plainQueries(ctx, r, []string{`SELECT substr(requested_on, 1, 7), COUNT(*) FROM cases
			WHERE substr(requested_on, 1, 7) >= $1 AND substr(requested_on, 1, 7) <= $2 GROUP BY 1`}, "", to.Add(-23).String(), to.String())
	}); err != nil {
		return res, fmt.Errorf("plain state-wide: %w", err)
	}
	res.StatePlain = summarize(d)
	b.logf("monitoring: plain GROUP BY state-wide p50 %s p95 %s", fmtDur(res.StatePlain.P50), fmtDur(res.StatePlain.P95))
	return res, nil
}

// plainDashboard are the plain GROUP BY queries that stand for the dashboard's panels: rows per
// month (and category) of the raw tables, without persons, cube or protection. $1 is the
// tenant, $2 and $3 the first and last day.
var plainDashboard = []string{
	`SELECT substr(requested_on, 1, 7), COUNT(*) FROM cases WHERE tenant_id = $1 AND requested_on >= $2 AND requested_on <= $3 GROUP BY 1`,
	`SELECT organisation_id, COUNT(*) FROM cases WHERE tenant_id = $1 AND requested_on <= $3 AND (closed_on = '' OR closed_on > $3) AND $2 <> '' GROUP BY 1`,
	`SELECT organisation_id, COUNT(*) FROM cases WHERE tenant_id = $1 AND requested_on <= $3 AND (closed_on = '' OR closed_on > $2) GROUP BY 1`,
	`SELECT a.domain, COUNT(*) FROM assessments a JOIN cases c ON c.tenant_id = a.tenant_id AND c.id = a.case_id
		WHERE a.tenant_id = $1 AND a.urgency <> 'none' AND c.requested_on <= $3 AND (c.closed_on = '' OR c.closed_on > $2) GROUP BY 1`,
	`SELECT substr(requested_on, 1, 7), access_route, COUNT(*) FROM cases WHERE tenant_id = $1 AND requested_on >= $2 AND requested_on <= $3 GROUP BY 1, 2`,
	`SELECT substr(sent_on, 1, 7), status, COUNT(*) FROM referrals WHERE tenant_id = $1 AND sent_on >= $2 AND sent_on <= $3 GROUP BY 1, 2`,
	`SELECT substr(evaluated_on, 1, 7), status, COUNT(*) FROM goals WHERE tenant_id = $1 AND evaluated_on >= $2 AND evaluated_on <= $3 GROUP BY 1, 2`,
	`SELECT substr(closed_on, 1, 7), COUNT(*) FROM cases WHERE tenant_id = $1 AND closed_on >= $2 AND closed_on <= $3 GROUP BY 1`,
	`SELECT substr(closed_on, 1, 7), close_reason, COUNT(*) FROM cases WHERE tenant_id = $1 AND closed_on >= $2 AND closed_on <= $3 GROUP BY 1, 2`,
	`SELECT type, COUNT(*) FROM barrier_reports WHERE tenant_id = $1 AND $2 <> $3 GROUP BY 1`,
}

// plainQueries runs the queries in one read transaction and reads every row.
func plainQueries(ctx context.Context, pool *sql.DB, qs []string, tenant, from, to string) error {
	tx, err := pool.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for _, q := range qs {
		args := []any{tenant, from, to}
		if tenant == "" {
			args = args[1:]
		}
		rows, err := tx.QueryContext(ctx, q, args...)
		if err != nil {
			return err
		}
		cols, _ := rows.Columns()
		vals := make([]any, len(cols))
		for i := range vals {
			vals[i] = new(any)
		}
		for rows.Next() {
			if err := rows.Scan(vals...); err != nil {
				rows.Close()
				return err
			}
		}
		if err := rows.Close(); err != nil {
			return err
		}
	}
	return nil
}

// section writes the section of docs/performance.md.
func (r *monitoringResult) section(b *strings.Builder, o options) {
	b.WriteString(monitoringHeading)
	fmt.Fprintf(b, "\nMeasured with `kimbench -only monitoring` (%s), %s. Every figure is computed live from the case tables "+
		"(no precomputed batch): the full KIM dashboard is `monitoring.StandardPanels` (%d panels) over the last 12 months in one "+
		"`ComputeAll` (one snapshot; each source — new cases, cases open in the range, referrals, closed cases, … — read once "+
		"through a covering index and shared by the panels that count it, the clients' attributes read once, persons counted "+
		"distinct per month and cell in Go, the protected cubes per month); the state-wide aggregate is `monitoring.StateWide` "+
		"(persons with a new case per month over all tenants, 24 months). Each is compared in the same run with plain GROUP BY "+
		"queries over the raw tables (rows, not persons; no cube, no protection). %d timed runs after 3 warm-up runs; one caller.\n\n",
		r.Commit, fmt.Sprintf("%d × %s, %s", r.Machine.CPUs, r.Machine.Model, r.Machine.Go), len(monitoring.StandardPanels), r.Runs)
	b.WriteString("| Engine | Cases (all tenants) | Cases of the tenant | Dashboard p50 | p95 | max | Plain GROUP BY p50 | p95 | " +
		"State-wide p50 | p95 | max | Plain GROUP BY p50 | p95 |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n")
	for _, e := range r.Engines {
		if e.Err != "" {
			fmt.Fprintf(b, "| %s %s | failed: %s |||||||||||| \n", e.Engine, e.Version, e.Err)
			continue
		}
		fmt.Fprintf(b, "| %s %s | %d | %d | %s | **%s** | %s | %s | %s | %s | **%s** | %s | %s | %s |\n", e.Engine, e.Version, e.Rows["cases"],
			e.TenantCases, fmtDur(e.Dashboard.P50), fmtDur(e.Dashboard.P95), fmtDur(e.Dashboard.Max), fmtDur(e.DashPlain.P50),
			fmtDur(e.DashPlain.P95), fmtDur(e.State.P50), fmtDur(e.State.P95), fmtDur(e.State.Max), fmtDur(e.StatePlain.P50), fmtDur(e.StatePlain.P95))
	}
	b.WriteString("\nTargets: dashboard p95 ≤ 150 ms for a tenant with 50,000 cases; state-wide ≤ 1 s over 1,000,000 cases.\n")
	met := map[bool]string{true: "met", false: "not met"}
	stateMet := func(e monitoringEngine) string {
		if e.Rows["cases"] < 990000 { // the seed aims at 1,000,000 cases and lands within a few hundred
			return "not measured at 1,000,000 cases, only"
		}
		return met[e.State.P95 <= time.Second] + " at"
	}
	for _, e := range r.Engines {
		if e.Err != "" {
			continue
		}
		fmt.Fprintf(b, "\n- %s: dashboard p95 %s (target %s at %d cases of the tenant; %.1f× the plain GROUP BY), state-wide p95 %s "+
			"(target %s %d cases; %.1f× the plain GROUP BY); one dashboard publishes %d cells, %d of them suppressed.", e.Engine,
			fmtDur(e.Dashboard.P95), met[e.Dashboard.P95 <= 150*time.Millisecond], e.TenantCases, ratio(e.Dashboard.P50, e.DashPlain.P50),
			fmtDur(e.State.P95), stateMet(e), e.Rows["cases"], ratio(e.State.P50, e.StatePlain.P50),
			e.Published+e.Suppressed, e.Suppressed)
		if e.Seed > 0 {
			fmt.Fprintf(b, " Seeding took %s.", e.Seed.Round(time.Second))
		}
	}
	b.WriteString("\n\nWhere the dashboard's time goes: reading the rows (about 210,000 for a tenant with 50,000 cases: the " +
		"tenant's 100,000 clients, 44,000 cases open in the range, 25,000 new and 22,000 closed cases, 23,000 referrals) through " +
		"database/sql dominates, about two thirds of the CPU (on SQLite the pure-Go driver's execution, on both the conversion " +
		"and interning of every value); counting persons per month and cell and the disclosure control (sdc.Protect per month " +
		"and cube) take the rest. On PostgreSQL the sources are read side by side, each in a read-only transaction that imports " +
		"the ComputeAll's snapshot (`pg_export_snapshot`), so the panels stay consistent; on SQLite they are read one after " +
		"the other in the one read transaction, because a second connection would read its own snapshot. The state-wide " +
		"aggregate is one range of the expression index cases_state (month of the request, tenant, client), read in index " +
		"order without a sort; the plain GROUP BY reads the same index.\n")
	missed := false
	for _, e := range r.Engines {
		missed = missed || (e.Err == "" && e.Dashboard.P95 > 150*time.Millisecond)
	}
	if missed {
		b.WriteString("\nWhat stands between the dashboard and 150 ms: on SQLite the dashboard costs about as much as the plain " +
			"GROUP BY (the ratio above), which alone takes longer than the target on this shared 2-core machine: the time is the pure-Go SQLite " +
			"driver stepping through about 210,000 index entries one after the other (SQLite's reads cannot be spread over " +
			"connections without giving up the one snapshot). On PostgreSQL the database's share is small (the sources are " +
			"index-only scans of 20–35 ms each, read in parallel); the rest is converting, interning and counting the rows in Go " +
			"on the same two cores the server uses. SQLite readers keep a 32 MiB page cache and map the database file " +
			"(`platform/db`). Further steps, not taken here: interning the client ids once per release instead of once per " +
			"source, reading only the clients the sources name, and a table of month-end states kept up to date in the " +
			"transactions that change cases (live, not a batch) for the stocks.\n")
	}
	b.WriteString("\nHistory (2026-11-29, same machine and databases, load average 2–4 from other processes): before the engine " +
		"read its sources once and counted persons in Go, each panel ran its own aggregate query that crossed every case open in " +
		"the range with the months in SQL (about 250,000 case-month rows) and counted distinct persons in four UNION ALL " +
		"branches. The dashboard then took p50 7.60 s / p95 9.25 s on SQLite (plain GROUP BY 299 ms) and 2.65 s / 3.60 s on " +
		"PostgreSQL (plain 109 ms); the state-wide aggregate 1.70 s / 2.13 s on SQLite over 999,767 cases (plain 639 ms), " +
		"because grouping by month and tenant over the index (requested_on, tenant_id, client_id) sorted every case of the range.\n")
	b.WriteString("\nThe databases: SQLite seeded with `kim seed synthetic --tenants 20 --clients 2000000` (51 minutes), PostgreSQL " +
		"with `--tenants 2 --clients 200000` (6 minutes; there was no time to seed 1,000,000 cases there, so its state-wide " +
		"figure is over 100,000 cases); both measured with `-monitoring-db`. The indexes of migration 00010 changed after they " +
		"were seeded and were rebuilt on them by hand (cases_closed with id, cases_monitoring, cases_state by month, the covering " +
		"referral and goal indexes): a fresh seed gets them from the migration. To reproduce in one run, seeding included: " +
		"`go run ./cmd/kimbench -only monitoring -db sqlite -db 'postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable' " +
		"-write docs/performance.md` (about an hour of seeding per engine here), or measure seeded databases with " +
		"`-monitoring-db PATH-OR-URL` (repeatable; `KIM_KEY_FILE` names the key of a PostgreSQL database).\n")
	fmt.Fprintf(b, "\nLoad average before %s, after %s.\n\n", r.LoadBefore, r.LoadAfter)
}

func ratio(a, b time.Duration) float64 {
	if b <= 0 {
		return 0
	}
	return float64(a) / float64(b)
}
