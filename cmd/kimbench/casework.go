package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"kim/internal/app"
	"kim/internal/casework"
	"kim/internal/platform/access"
	"kim/internal/platform/db"
	"kim/internal/platform/valid"
	"kim/internal/platform/web"
)

// The case-management benchmark: `kim seed synthetic` fills a fresh database with -casework-clients
// clients in -casework-tenants tenants (with cases, contacts, consents, referrals and the name
// index), then kimbench opens it in-process and times the services a case manager uses most:
// "Mein Fallbestand" (casework.Service.ListCases with Mine), the client search (ListClients with a
// name variant) and writing contacts (AddContact: sealed note, audit entry, durable commit) with
// several concurrent writers.

// caseworkHeading starts the section (kimbench -only casework finds it by this line).
const caseworkHeading = "## Case management\n"

// caseworkResult is the section: one run per engine.
type caseworkResult struct {
	Clients, Tenants      int
	Queries               int
	Writers               []int
	WriteWindow           time.Duration
	Machine               machine
	Commit                string
	LoadBefore, LoadAfter string
	Engines               []caseworkEngine
}

// caseworkEngine is the benchmark on one engine.
type caseworkEngine struct {
	Engine, Version, Durability string
	Seed                        time.Duration
	SeedOut                     string
	After                       time.Duration // checkpoint (SQLite) or VACUUM ANALYZE (PostgreSQL)
	Size                        int64
	Rows                        map[string]int
	Mine                        latency
	MineTotal, MineShown        float64 // open cases per case manager; rows on the first page
	Search                      latency
	Found                       int // the client is among the first page of results
	Writes                      []caseworkWrites
	Plans                       []string
	Err                         string
}

// caseworkWrites is one round of concurrent AddContact calls.
type caseworkWrites struct {
	Writers int
	N       int
	Errors  int
	FirstEr string
	Elapsed time.Duration
	Rate    float64
	Lat     latency
}

// caseworkBench runs the section on every -db engine.
func (b *bench) caseworkBench(ctx context.Context) (*caseworkResult, error) {
	r := &caseworkResult{Clients: b.opt.CaseworkClients, Tenants: b.opt.CaseworkTenants, Queries: b.opt.CaseworkQueries,
		Writers: b.opt.CaseworkWriters, WriteWindow: b.opt.CaseworkWindow, Machine: machineInfo(), LoadBefore: loadavg(),
		Commit: "commit " + b.gitDescribe(ctx)}
	defer func() { r.LoadAfter = loadavg() }()
	for _, dsn := range b.opt.DBs {
		e, err := b.caseworkEngine(ctx, dsn)
		if err != nil {
			if ctx.Err() != nil {
				return r, err
			}
			e.Err = err.Error()
			b.logf("casework on %s: %v", e.Engine, err)
		}
		r.Engines = append(r.Engines, e)
	}
	return r, nil
}

// cmActor is a case manager of a seeded tenant.
type cmActor struct {
	access.Actor
}

func (b *bench) caseworkEngine(ctx context.Context, dsn string) (res caseworkEngine, err error) {
	st, err := newStore(ctx, dsn, b.tmp)
	if err != nil {
		return res, err
	}
	defer st.Close()
	res.Engine, res.Version = st.Name(), st.Version(ctx)
	path, err := st.Fresh(ctx, "casework")
	if err != nil {
		return res, err
	}
	env := b.kimEnv(st.Env()...)
	b.logf("casework: kim seed synthetic --tenants %d --clients %d on %s", b.opt.CaseworkTenants, b.opt.CaseworkClients, res.Engine)
	t0 := time.Now()
	out, err := b.command(ctx, env, b.tmp, b.kim, "seed", "synthetic", "--db", path, "--tenants", fmt.Sprint(b.opt.CaseworkTenants),
		"--clients", fmt.Sprint(b.opt.CaseworkClients), "--seed", fmt.Sprint(b.opt.Seed))
	if err != nil {
		return res, err
	}
	res.Seed, res.SeedOut = time.Since(t0), out
	b.logf("casework: seeded in %s: %s", res.Seed.Round(time.Second), out)

	cfg := app.Defaults()
	if err := cfg.FromEnv(envLookup(st.Env())); err != nil {
		return res, err
	}
	cfg.DSN = path
	a, err := app.New(ctx, cfg, app.NewLogger(cfg, io.Discard))
	if err != nil {
		return res, err
	}
	defer a.Close()
	w, _ := a.DB.Pools()
	t0 = time.Now()
	if a.DB.Engine() == db.Postgres {
		_, err = w.ExecContext(ctx, "VACUUM (ANALYZE)")
		res.Durability = "synchronous_commit=" + pgSetting(ctx, w, "synchronous_commit") + ", fsync=" + pgSetting(ctx, w, "fsync")
	} else {
		_, err = w.ExecContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)")
		var sync int
		_ = w.QueryRowContext(ctx, "PRAGMA synchronous").Scan(&sync)
		res.Durability = fmt.Sprintf("WAL, synchronous=%s", map[int]string{0: "OFF", 1: "NORMAL", 2: "FULL", 3: "EXTRA"}[sync])
	}
	if err != nil {
		return res, err
	}
	res.After = time.Since(t0)
	res.Size = st.Size(ctx, path)
	res.Rows = map[string]int{}
	for _, tb := range []string{"clients", "cases", "contacts", "name_keys"} {
		var n int
		if err := w.QueryRowContext(ctx, "SELECT count(*) FROM "+tb).Scan(&n); err != nil {
			return res, err
		}
		res.Rows[tb] = n
	}
	b.logf("casework: %s after the load %s, %s", map[bool]string{true: "VACUUM ANALYZE", false: "checkpoint"}[a.DB.Engine() == db.Postgres],
		res.After.Round(time.Millisecond), fmtBytes(res.Size))

	// The case managers.
	var cms []cmActor
	byOrg := map[string][]int{}
	rows, err := w.QueryContext(ctx, `SELECT CAST(id AS TEXT), CAST(tenant_id AS TEXT), CAST(organisation_id AS TEXT), name, email FROM users
		WHERE role = 'case_manager' ORDER BY tenant_id, id`)
	if err != nil {
		return res, err
	}
	for rows.Next() {
		var c cmActor
		if err := rows.Scan(&c.UserID, &c.TenantID, &c.OrganisationID, &c.Name, &c.Email); err != nil {
			rows.Close()
			return res, err
		}
		c.Role = access.CaseManager
		byOrg[c.OrganisationID] = append(byOrg[c.OrganisationID], len(cms))
		cms = append(cms, c)
	}
	rows.Close()
	if len(cms) == 0 {
		return res, errors.New("no case managers seeded")
	}
	rng := rand.New(rand.NewPCG(b.opt.Seed, 0x62656e6368))
	s := a.Cases

	// (a) Mein Fallbestand: the first page (25, most recently updated first) of a random case
	// manager's open cases, as /faelle shows it.
	page := web.ListQuery{Page: 1, Size: web.DefaultPageSize, Sort: "updated", Desc: true}
	warm := min(200, b.opt.CaseworkQueries/5)
	var mine []time.Duration
	var total, shown int
	for i := range b.opt.CaseworkQueries + warm {
		c := cms[rng.IntN(len(cms))]
		t1 := time.Now()
		items, n, err := s.ListCases(ctx, c.Actor, page, casework.CaseFilter{Mine: true})
		el := time.Since(t1)
		if err != nil {
			return res, fmt.Errorf("ListCases: %w", err)
		}
		if i >= warm {
			mine = append(mine, el)
			total, shown = total+n, shown+len(items)
		}
	}
	res.Mine = summarize(mine)
	res.MineTotal, res.MineShown = float64(total)/float64(len(mine)), float64(shown)/float64(len(mine))
	b.logf("casework: Mein Fallbestand p50 %s p95 %s p99 %s (%.0f open cases per case manager)", fmtDur(res.Mine.P50),
		fmtDur(res.Mine.P95), fmtDur(res.Mine.P99), res.MineTotal)

	// (b) Client search: a variant spelling of a random client, searched by a case manager of the
	// client's organisation.
	type sample struct {
		tenant, org, id string
		spellings       []string
	}
	var samples []sample
	var tenants []string
	rows, err = w.QueryContext(ctx, "SELECT CAST(id AS TEXT) FROM tenants WHERE slug LIKE 'synth-%' ORDER BY id")
	if err != nil {
		return res, err
	}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return res, err
		}
		tenants = append(tenants, id)
	}
	rows.Close()
	const alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
	for len(samples) < b.opt.CaseworkQueries+warm {
		t := tenants[rng.IntN(len(tenants))]
		from := string([]byte{alphabet[rng.IntN(32)], alphabet[rng.IntN(32)], alphabet[rng.IntN(32)]})
		var sm sample
		var given, family, original, others string
		err := w.QueryRowContext(ctx, `SELECT CAST(id AS TEXT), CAST(organisation_id AS TEXT), given_names, family_name, name_original, other_spellings
			FROM clients WHERE tenant_id = $1 AND pseudonym >= $2 ORDER BY pseudonym LIMIT 1`, t, from).
			Scan(&sm.id, &sm.org, &given, &family, &original, &others)
		if err != nil {
			continue
		}
		sm.tenant = t
		sm.spellings = []string{strings.TrimSpace(given + " " + family)}
		if original != "" {
			sm.spellings = append(sm.spellings, original)
		}
		if others != "" {
			sm.spellings = append(sm.spellings, strings.Split(others, "\n")...)
		}
		if len(byOrg[sm.org]) > 0 {
			samples = append(samples, sm)
		}
	}
	var search []time.Duration
	for i, sm := range samples {
		c := cms[byOrg[sm.org][rng.IntN(len(byOrg[sm.org]))]]
		q := nameVariant(rng, sm.spellings[rng.IntN(len(sm.spellings))])
		t1 := time.Now()
		got, _, err := s.ListClients(ctx, c.Actor, web.ListQuery{Q: q, Page: 1, Size: web.DefaultPageSize})
		el := time.Since(t1)
		if err != nil {
			return res, fmt.Errorf("ListClients: %w", err)
		}
		if i < warm {
			continue
		}
		search = append(search, el)
		if slices.ContainsFunc(got, func(x casework.Client) bool { return x.ID == sm.id }) {
			res.Found++
		}
	}
	res.Search = summarize(search)
	b.logf("casework: client search p50 %s p95 %s p99 %s; client on the first page %d of %d", fmtDur(res.Search.P50),
		fmtDur(res.Search.P95), fmtDur(res.Search.P99), res.Found, len(search))

	// (c) Contacts written through AddContact by concurrent writers, each as the case manager of
	// an open case.
	type target struct {
		actor  access.Actor
		caseID string
	}
	var targets []target
	for tries := 0; len(targets) < 2000 && tries < 20000; tries++ {
		c := cms[rng.IntN(len(cms))]
		items, _, err := s.ListCases(ctx, c.Actor, web.ListQuery{Page: 1, Size: 100}, casework.CaseFilter{Mine: true})
		if err != nil {
			return res, err
		}
		for _, it := range items {
			if it.CaseManagerID == c.UserID && it.Status != casework.StatusRequested {
				targets = append(targets, target{c.Actor, it.ID})
				break
			}
		}
	}
	if len(targets) == 0 {
		return res, errors.New("no open cases to write contacts to")
	}
	today := valid.Today(time.Now())
	note := "Beratungsgespräch in der Beratungsstelle. Bewerbungsunterlagen überarbeitet, zwei Bewerbungen verschickt; " +
		"Antrag auf Anerkennung des Berufsabschlusses vorbereitet. Nächster Termin in zwei Wochen."
	for _, n := range b.opt.CaseworkWriters {
		wr := caseworkWrites{Writers: n}
		var mu sync.Mutex
		var lats []time.Duration
		wctx, cancel := context.WithTimeout(ctx, b.opt.CaseworkWindow)
		var wg sync.WaitGroup
		t1 := time.Now()
		for k := range n {
			wg.Go(func() {
				r := rand.New(rand.NewPCG(b.opt.Seed, uint64(k)))
				var local []time.Duration
				errsN, first := 0, ""
				for wctx.Err() == nil {
					tg := targets[r.IntN(len(targets))]
					t2 := time.Now()
					_, err := s.AddContact(ctx, tg.actor, tg.caseID, casework.ContactInput{Date: today, DurationMinutes: 45, Mode: "in_person",
						Domains: []string{"work"}, Note: note}, "")
					if err != nil {
						errsN++
						if first == "" {
							first = err.Error()
						}
						continue
					}
					local = append(local, time.Since(t2))
				}
				mu.Lock()
				lats = append(lats, local...)
				wr.Errors += errsN
				if wr.FirstEr == "" {
					wr.FirstEr = first
				}
				mu.Unlock()
			})
		}
		wg.Wait()
		cancel()
		wr.Elapsed = time.Since(t1)
		wr.N = len(lats)
		wr.Rate = float64(wr.N) / wr.Elapsed.Seconds()
		wr.Lat = summarize(lats)
		res.Writes = append(res.Writes, wr)
		b.logf("casework: AddContact with %d writers: %.0f contacts/s, p50 %s p99 %s, %d errors %s", n, wr.Rate, fmtDur(wr.Lat.P50),
			fmtDur(wr.Lat.P99), wr.Errors, wr.FirstEr)
	}

	// The query plans of the list (count and page query, as ListCases builds them).
	res.Plans = b.mineplans(ctx, a.DB, cms[0].Actor)
	return res, nil
}

func pgSetting(ctx context.Context, d *sql.DB, name string) string {
	var v string
	if err := d.QueryRowContext(ctx, "SHOW "+name).Scan(&v); err != nil {
		return "?"
	}
	return v
}

// nameVariant writes a spelling on record as a clerk or a search might: family name first,
// without diacritics, in capitals, with a typo, a middle name left out.
func nameVariant(rng *rand.Rand, s string) string {
	toks := strings.Fields(s)
	if len(toks) > 2 && rng.Float64() < 0.3 {
		toks = append(toks[:1:1], toks[2:]...)
	}
	if len(toks) > 1 && rng.Float64() < 0.3 {
		toks = append([]string{toks[len(toks)-1]}, toks[:len(toks)-1]...)
	}
	v := strings.Join(toks, " ")
	if rng.Float64() < 0.3 {
		v = strings.Map(func(r rune) rune {
			if unicode.Is(unicode.Mn, r) {
				return -1
			}
			return r
		}, norm.NFD.String(v))
		v = norm.NFC.String(v)
	}
	if rng.Float64() < 0.1 {
		rs := []rune(v)
		if len(rs) > 6 {
			k := 2 + rng.IntN(len(rs)-4)
			rs[k], rs[k+1] = rs[k+1], rs[k]
			v = string(rs)
		}
	}
	if rng.Float64() < 0.15 {
		v = strings.ToUpper(v)
	}
	return v
}

// mineplans returns the plans of the count and page queries of "Mein Fallbestand".
func (b *bench) mineplans(ctx context.Context, d *db.DB, c access.Actor) []string {
	statuses := "'requested', 'clarification', 'assessment', 'planning', 'implementation', 'paused', 'closing'"
	where := "cs.tenant_id = $1 AND cs.organisation_id = $2 AND (cs.case_manager_id = $3 OR cs.deputy_id = $3) AND (cs.case_manager_id = $3 OR cs.deputy_id = $3) AND cs.status IN (" + statuses + ")"
	qs := []string{
		"SELECT count(*) FROM cases cs WHERE " + where,
		`SELECT cs.id, cl.family_name, um.name, ud.name FROM cases cs JOIN clients cl ON cl.tenant_id = cs.tenant_id AND cl.id = cs.client_id
		JOIN users um ON um.tenant_id = cs.tenant_id AND um.id = cs.case_manager_id
		LEFT JOIN users ud ON ud.tenant_id = cs.tenant_id AND ud.id = cs.deputy_id WHERE ` + where + ` ORDER BY cs.updated_at DESC, cs.id DESC LIMIT 25`,
	}
	var out []string
	w, _ := d.Pools()
	for _, q := range qs {
		ex := "EXPLAIN QUERY PLAN "
		if d.Engine() == db.Postgres {
			ex = "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) "
		}
		rows, err := w.QueryContext(ctx, ex+q, c.TenantID, c.OrganisationID, c.UserID)
		if err != nil {
			out = append(out, "error: "+err.Error())
			continue
		}
		cols, _ := rows.Columns()
		var lines []string
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				break
			}
			line := fmt.Sprint(vals[len(vals)-1])
			if t := strings.TrimSpace(line); strings.HasPrefix(t, "Recheck Cond") || strings.HasPrefix(t, "Filter") ||
				strings.HasPrefix(t, "Index Cond") || strings.HasPrefix(t, "Heap Blocks") {
				continue // conditions with the literal ids: long and the same as the query
			}
			lines = append(lines, line)
		}
		rows.Close()
		out = append(out, strings.Join(lines, "\n"))
	}
	return out
}

// summary writes the bullets of the report's summary.
func (r *caseworkResult) summary(b *strings.Builder) {
	p := func(format string, a ...any) { fmt.Fprintf(b, format, a...) }
	for _, e := range r.Engines {
		if e.Err != "" {
			continue
		}
		p("- **%s case management** with %s clients in %d tenants: \"Mein Fallbestand\" p95 %s, client search p95 %s\n",
			e.Engine, fmtCount(float64(r.Clients)), r.Tenants, fmtDur(e.Mine.P95), fmtDur(e.Search.P95))
		p("  (targets ≤ 50 ms); contacts written (sealed, audited, durable): %s (target ≥ 500/s).\n", e.writeRates())
	}
}

func (e *caseworkEngine) writeRates() string {
	var parts []string
	for _, w := range e.Writes {
		parts = append(parts, fmt.Sprintf("%s/s with %d writer%s", fmtCount(w.Rate), w.Writers, map[bool]string{true: "", false: "s"}[w.Writers == 1]))
	}
	return strings.Join(parts, ", ")
}

func verdict(ok bool) string {
	if ok {
		return "met"
	}
	return "**missed**"
}

// section writes the report section.
func (r *caseworkResult) section(b *strings.Builder, o options) {
	p := func(format string, a ...any) { fmt.Fprintf(b, format, a...) }
	p("%s\n", caseworkHeading)
	p("The case-management issue asks, with **1,000,000 clients in 50 tenants** on SQLite and on PostgreSQL, for \"Mein\n")
	p("Fallbestand\" and the client search at **p95 ≤ 50 ms** and for **at least 500 contacts per second** written with\n")
	p("encryption and audit at full durability. Measured with\n\n")
	p("```sh\ngo run ./cmd/kimbench -only casework%s -write docs/performance.md\n```\n\n", caseworkFlags(o))
	p("on %d × %s, %s, %s; load average %s at the start and %s at the end.\n\n", r.Machine.CPUs, r.Machine.Model, r.Machine.Go,
		r.Commit, r.LoadBefore, r.LoadAfter)

	p("| Engine | clients | seeding (`kim seed synthetic`) | after the load | database size | cases | contacts | name keys |\n")
	p("|---|---:|---:|---:|---:|---:|---:|---:|\n")
	for _, e := range r.Engines {
		if e.Err != "" && e.Seed == 0 {
			p("| %s | failed: %s | | | | | | |\n", e.Engine, mdCell(e.Err))
			continue
		}
		after := "checkpoint"
		if e.Engine == "PostgreSQL" {
			after = "VACUUM ANALYZE"
		}
		p("| %s | %s | **%s** | %s %s | %s | %s | %s | %s |\n", e.Engine, fmtCount(float64(e.Rows["clients"])), fmtMinutes(e.Seed),
			after, fmtDur(e.After), fmtBytes(e.Size), fmtCount(float64(e.Rows["cases"])), fmtCount(float64(e.Rows["contacts"])),
			fmtCount(float64(e.Rows["name_keys"])))
	}
	for _, e := range r.Engines {
		if e.SeedOut != "" {
			p("\n%s: `%s`", e.Engine, mdCell(e.SeedOut))
		}
	}
	p("\n\n")

	p("| Engine | measurement | n | p50 | p95 | p99 | max | target |\n|---|---|---:|---:|---:|---:|---:|---|\n")
	for _, e := range r.Engines {
		if e.Err != "" {
			p("| %s | failed: %s | | | | | | |\n", e.Engine, mdCell(e.Err))
			continue
		}
		p("| %s | \"Mein Fallbestand\" (`ListCases`, Mine, first page) | %d | %s | **%s** | %s | %s | p95 ≤ 50 ms: %s |\n", e.Engine,
			e.Mine.N, fmtDur(e.Mine.P50), fmtDur(e.Mine.P95), fmtDur(e.Mine.P99), fmtDur(e.Mine.Max), verdict(e.Mine.P95 <= 50*time.Millisecond))
		p("| %s | client search (`ListClients`, a name variant) | %d | %s | **%s** | %s | %s | p95 ≤ 50 ms: %s |\n", e.Engine,
			e.Search.N, fmtDur(e.Search.P50), fmtDur(e.Search.P95), fmtDur(e.Search.P99), fmtDur(e.Search.Max),
			verdict(e.Search.P95 <= 50*time.Millisecond))
	}
	p("\n| Engine | durability | writers | contacts | errors | contacts per second | p50 | p95 | p99 | target |\n")
	p("|---|---|---:|---:|---:|---:|---:|---:|---:|---|\n")
	for _, e := range r.Engines {
		for _, w := range e.Writes {
			errs := fmt.Sprint(w.Errors)
			if w.Errors > 0 {
				errs += " (" + mdCell(w.FirstEr) + ")"
			}
			p("| %s | %s | %d | %s | %s | **%s** | %s | %s | %s | ≥ 500/s: %s |\n", e.Engine, e.Durability, w.Writers, fmtCount(float64(w.N)),
				errs, fmtCount(w.Rate), fmtDur(w.Lat.P50), fmtDur(w.Lat.P95), fmtDur(w.Lat.P99), verdict(w.Rate >= 500))
		}
	}
	p("\n")
	for _, e := range r.Engines {
		if e.Err == "" {
			p("%s: a case manager has %.0f open cases on average (as case manager or deputy), %.1f of them on the first page; the\n",
				e.Engine, e.MineTotal, e.MineShown)
			p("client was on the first page of the search results for %d of %d variant spellings.\n", e.Found, e.Search.N)
		}
	}
	p("\nMethod: `kim seed synthetic --tenants %d --clients %d --seed %d` (the built binary, timed from start to end) fills a\n",
		r.Tenants, r.Clients, o.Seed)
	p("fresh database: per tenant four organisations carrying case management with one case manager per %d clients,\n",
		app.ClientsPerCaseManager)
	p("clients with names of the main origin groups in Latin letters and original scripts (and their name index), households,\n")
	p("residence statuses, about one case per two clients over two years with its phase history, about 8 contacts per case\n")
	p("with sealed notes, consents and referrals; one transaction per tenant, multi-row inserts, no audit entries for the bulk\n")
	p("data. Then kimbench opens the database in-process (`app.New`, the platform's settings; no HTTP) and calls the services\n")
	p("one at a time: %d times \"Mein Fallbestand\" of a random case manager (`ListCases` with `CaseFilter{Mine: true}`, the\n", r.Queries)
	p("first page of 25 by last update, as `/faelle` shows it: a count and a page query) and %d client searches\n", r.Queries)
	p("(`ListClients` with `q` = a variant of a random client's recorded spelling: family name first, middle name left out,\n")
	p("without diacritics, in capitals or with two letters swapped; searched by a case manager of the client's organisation),\n")
	p("each after %d warm-up calls. Writing: `AddContact` (the case is loaded and checked, the note of 190 characters sealed\n",
		min(200, r.Queries/5))
	p("with the tenant's data key, the contact inserted, the case's update time set, an audit entry appended to the tenant's\n")
	p("hash chain, committed durably) by %s concurrent writers for %s each, each call as the case manager of a random open\n",
		ints(r.Writers), r.WriteWindow)
	p("case out of 2,000 across all tenants. SQLite has one writer connection, so its writers queue for it and each commit\n")
	p("waits for its own fsync of the WAL; on PostgreSQL writers of different tenants commit in parallel.\n\n")
	for _, e := range r.Engines {
		if len(e.Plans) == 2 {
			p("<details><summary>%s: query plans of \"Mein Fallbestand\" (count, page)</summary>\n\n```\n%s\n\n%s\n```\n\n</details>\n\n",
				e.Engine, e.Plans[0], e.Plans[1])
		}
	}
}

func fmtMinutes(d time.Duration) string {
	if d < time.Minute {
		return fmtDur(d)
	}
	return fmt.Sprintf("%dm%02ds", int(d.Minutes()), int(d.Seconds())%60)
}

func caseworkFlags(o options) string {
	var extra []string
	if o.CaseworkClients != 1000000 {
		extra = append(extra, fmt.Sprintf("-casework-clients %d", o.CaseworkClients))
	}
	if o.CaseworkTenants != 50 {
		extra = append(extra, fmt.Sprintf("-casework-tenants %d", o.CaseworkTenants))
	}
	if o.CaseworkQueries != 2000 {
		extra = append(extra, fmt.Sprintf("-casework-queries %d", o.CaseworkQueries))
	}
	return sectionFlags(o, extra)
}
