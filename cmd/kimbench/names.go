package main

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"runtime"
	"slices"
	"strings"
	"time"

	"kim/internal/names"
	"kim/internal/names/nameindex"
	"kim/internal/names/nameindex/synth"
	"kim/internal/platform/db"
)

// namesResult is the name matching and search benchmark: comparisons per second on one core,
// candidate search over a million synthetic clients per engine, and the `kim names match` CLI.
type namesResult struct {
	Pairs, Positives        int     // pairs in the mix; of them spelling-vs-variant pairs
	PosMatch, NegMatch      float64 // share of positive/negative pairs the matcher calls a match
	ParsedRate, RawRate     float64 // comparisons per second, GOMAXPROCS=1, median of the rounds
	ParsedMin, ParsedMax    float64
	RawMin, RawMax          float64
	CompareRounds           int
	ParsedTime, RawTime     time.Duration
	ParsedCount, RawCount   int
	Search                  []namesSearch
	CLI                     namesCLI
	Clients, Queries, Orgs  int
	SharedNames             float64 // share of clients whose first spelling more than 20 others share
	Machine                 machine
	Commit                  string // git describe of the working tree, if any
	LoadBefore, LoadAfter   string
	CompareWindow, LoadNote string
}

// namesSearch is the candidate search on one engine.
type namesSearch struct {
	Engine, Version          string
	Spellings, Keys          int
	Load, Vacuum             time.Duration
	Size                     int64
	All, Filtered            latency
	Found, Namesakes, Missed int // the client among the results; crowded out by as good namesakes; neither
	MissedMatch              int // of Missed: the matcher calls the variant a match for the client
	Results, Rows, Scored    float64
	Err                      string
}

// latency summarises a series of timings.
type latency struct {
	N                       int
	P50, P95, P99, Max, Avg time.Duration
}

func summarize(d []time.Duration) latency {
	s := slices.Clone(d)
	slices.Sort(s)
	l := latency{N: len(s)}
	if len(s) == 0 {
		return l
	}
	var sum time.Duration
	for _, v := range s {
		sum += v
	}
	l.P50, l.P95, l.P99, l.Max, l.Avg = percentile(s, .5), percentile(s, .95), percentile(s, .99), s[len(s)-1], sum/time.Duration(len(s))
	return l
}

// namesBench runs the whole section.
func (b *bench) namesBench(ctx context.Context) (*namesResult, error) {
	r := &namesResult{Clients: b.opt.NamesClients, Queries: b.opt.NamesQueries, Orgs: 20, Machine: machineInfo(),
		LoadBefore: loadavg(), Commit: "commit " + b.gitDescribe(ctx)}
	defer func() { r.LoadAfter = loadavg() }()
	pairs := b.namePairs(20000)
	b.compareRates(r, pairs)
	if b.kim != "" {
		r.CLI = b.cliRate(ctx, pairs, b.opt.NamesLines)
	}
	if r.Clients == 0 {
		return r, nil
	}
	for _, dsn := range b.opt.DBs {
		s, err := b.searchBench(ctx, dsn, r)
		if err != nil {
			if ctx.Err() != nil {
				return r, err
			}
			s.Err = err.Error()
			b.logf("names search on %s: %v", s.Engine, err)
		}
		r.Search = append(r.Search, s)
	}
	return r, nil
}

// namePairs returns a realistic mix of name pairs from the synthetic population: half a spelling
// on record against a variant of the same name, a quarter two people of the same origin (similar
// names, different people), a quarter two random people.
func (b *bench) namePairs(n int) [][3]string {
	g := synth.New(b.opt.Seed + 100)
	last := map[string]synth.Person{}
	var out [][3]string
	for len(out) < n {
		p := g.Person()
		switch len(out) % 4 {
		case 0, 1:
			out = append(out, [3]string{p.Spellings[g.IntN(len(p.Spellings))], g.Variant(p), "+"})
		case 2:
			if q, ok := last[p.Origin]; ok {
				out = append(out, [3]string{p.Name(), g.Variant(q), "-"})
			}
		default:
			q := g.Person()
			out = append(out, [3]string{p.Name(), g.Variant(q), "-"})
		}
		last[p.Origin] = p
	}
	return out
}

// compareRates measures names.CompareNames on parsed names and names.Compare on raw strings on
// one core (GOMAXPROCS=1, so the garbage collector shares that core): five rounds of at least a
// second each, the two functions taking turns, so that a disturbance shows as an outlier.
func (b *bench) compareRates(r *namesResult, pairs [][3]string) {
	parsed := make([][2]*names.Name, len(pairs))
	var pos, posM, negM int
	for i, p := range pairs {
		parsed[i] = [2]*names.Name{names.Parse(p[0]), names.Parse(p[1])}
		m := names.CompareNames(parsed[i][0], parsed[i][1]).Match
		if p[2] == "+" {
			pos++
			if m {
				posM++
			}
		} else if m {
			negM++
		}
	}
	r.Pairs, r.Positives = len(pairs), pos
	r.PosMatch, r.NegMatch = float64(posM)/float64(pos), float64(negM)/float64(len(pairs)-pos)
	prev := runtime.GOMAXPROCS(1)
	defer runtime.GOMAXPROCS(prev)
	const window, rounds = time.Second, 5
	r.CompareWindow, r.CompareRounds = window.String(), rounds
	sink := 0.0
	run := func(f func(i int)) (int, time.Duration) {
		runtime.GC()
		n, t0 := 0, time.Now()
		for time.Since(t0) < window {
			for i := range pairs {
				f(i)
			}
			n += len(pairs)
		}
		return n, time.Since(t0)
	}
	var parsedRates, rawRates []float64
	for range rounds {
		n, d := run(func(i int) { sink += names.CompareNames(parsed[i][0], parsed[i][1]).Score })
		r.ParsedCount, r.ParsedTime = r.ParsedCount+n, r.ParsedTime+d
		parsedRates = append(parsedRates, float64(n)/d.Seconds())
		n, d = run(func(i int) { sink += names.Compare(pairs[i][0], pairs[i][1]).Score })
		r.RawCount, r.RawTime = r.RawCount+n, r.RawTime+d
		rawRates = append(rawRates, float64(n)/d.Seconds())
	}
	slices.Sort(parsedRates)
	slices.Sort(rawRates)
	r.ParsedRate, r.ParsedMin, r.ParsedMax = parsedRates[rounds/2], parsedRates[0], parsedRates[rounds-1]
	r.RawRate, r.RawMin, r.RawMax = rawRates[rounds/2], rawRates[0], rawRates[rounds-1]
	b.logf("names: CompareNames %.0f/s, Compare %.0f/s on one core (%v)", r.ParsedRate, r.RawRate, sink > 0)
}

// namesCLI is the throughput of `kim names match`.
type namesCLI struct {
	Lines int
	Time  time.Duration
	Rate  float64
	Err   string
}

// cliRate pipes lines NAME_A<TAB>NAME_B through `kim names match` and checks that one answer
// line comes back per input line.
func (b *bench) cliRate(ctx context.Context, pairs [][3]string, lines int) namesCLI {
	c := namesCLI{Lines: lines}
	var in bytes.Buffer
	for i := range lines {
		p := pairs[i%len(pairs)]
		in.WriteString(p[0] + "\t" + p[1] + "\n")
	}
	cmd := exec.CommandContext(ctx, b.kim, "names", "match")
	cmd.Env = b.kimEnv()
	cmd.SysProcAttr = childAttr()
	cmd.Stdin = &in
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	t0 := time.Now()
	err := cmd.Run()
	c.Time = time.Since(t0)
	got := bytes.Count(out.Bytes(), []byte("\n"))
	switch {
	case err != nil:
		c.Err = fmt.Sprintf("%v: %s", err, strings.TrimSpace(errb.String()))
	case got != lines:
		c.Err = fmt.Sprintf("%d answer lines for %d input lines", got, lines)
	default:
		c.Rate = float64(lines) / c.Time.Seconds()
	}
	b.logf("names: kim names match: %d lines in %s (%s)", lines, c.Time.Round(time.Millisecond), c.Err)
	return c
}

// searchBench loads the synthetic clients into a fresh database of one engine and times the
// searches.
func (b *bench) searchBench(ctx context.Context, dsn string, r *namesResult) (res namesSearch, err error) {
	st, err := newStore(ctx, dsn, b.tmp)
	if err != nil {
		return res, err
	}
	defer st.Close()
	res.Engine, res.Version = st.Name(), st.Version(ctx)
	path, err := st.Fresh(ctx, "names")
	if err != nil {
		return res, err
	}
	d, err := db.Open(ctx, path, db.Options{MaxConns: 2})
	if err != nil {
		return res, err
	}
	defer d.Close()
	if err := d.Migrate(ctx); err != nil {
		return res, err
	}

	// The population: one tenant, 20 organisations, the queries drawn beforehand.
	g := synth.New(b.opt.Seed)
	at := time.Date(2024, 1, 1, 8, 0, 0, 0, time.UTC)
	tenant := g.ID(at)
	orgs := make([]string, r.Orgs)
	for i := range orgs {
		orgs[i] = g.ID(at)
	}
	pick := synth.New(b.opt.Seed + 1)
	warm := min(500, r.Queries/4)
	want := map[int]bool{}
	var order []int
	for len(order) < r.Queries+warm {
		if i := pick.IntN(r.Clients); !want[i] {
			want[i] = true
			order = append(order, i)
		}
	}
	type sample struct {
		id, org string
		p       synth.Person
	}
	samples := map[int]sample{}
	nameCount := map[string]int32{}
	if err := d.Write(ctx, func(tx *db.Tx) error {
		_, err := tx.ExecContext(ctx, "INSERT INTO tenants (id, slug, name, created_at, updated_at) VALUES ($1, 'names-bench', 'Namen', $2, $2)",
			tenant, at)
		return err
	}); err != nil {
		return res, err
	}
	b.logf("names: loading %d synthetic clients into %s", r.Clients, res.Engine)
	t0 := time.Now()
	const batch = 250000
	var idx nameindex.Store
	for start := 0; start < r.Clients; start += batch {
		subs := make([]nameindex.Subject, 0, batch)
		for i := start; i < min(start+batch, r.Clients); i++ {
			p := g.Person()
			s := nameindex.Subject{ID: g.ID(at.Add(time.Duration(i) * time.Second)), OrganisationID: orgs[i%len(orgs)], Spellings: p.Spellings}
			subs = append(subs, s)
			res.Spellings += len(p.Spellings)
			nameCount[p.Name()]++
			if want[i] {
				samples[i] = sample{s.ID, s.OrganisationID, p}
			}
		}
		if err := d.Write(ctx, func(tx *db.Tx) error { return idx.PutMany(ctx, tx, tenant, subs) }); err != nil {
			return res, err
		}
		if ctx.Err() != nil {
			return res, ctx.Err()
		}
	}
	res.Load = time.Since(t0)
	shared := 0
	for _, n := range nameCount {
		if n > 20 {
			shared += int(n)
		}
	}
	r.SharedNames = float64(shared) / float64(r.Clients)
	nameCount = nil
	w, _ := d.Pools()
	if err := w.QueryRowContext(ctx, "SELECT count(*) FROM name_keys").Scan(&res.Keys); err != nil {
		return res, err
	}
	t0 = time.Now()
	if d.Engine() == db.Postgres {
		_, err = w.ExecContext(ctx, "VACUUM (ANALYZE) name_keys, name_subjects")
	} else {
		_, err = w.ExecContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)")
	}
	if err != nil {
		return res, err
	}
	res.Vacuum = time.Since(t0)
	res.Size = st.Size(ctx, path)
	b.logf("names: loaded in %s (%d spellings, %d keys), %s; %s", res.Load.Round(time.Second), res.Spellings, res.Keys,
		fmtBytes(res.Size), res.Vacuum.Round(time.Millisecond))

	// Queries: a variant spelling of each sampled client, searched in the whole tenant and in
	// the client's organisation, one at a time, each in its own read transaction.
	vg := synth.New(b.opt.Seed + 2)
	var all, filtered []time.Duration
	var results, rows, scored int
	for n, i := range order {
		s := samples[i]
		q := vg.Variant(s.p)
		var got []nameindex.Candidate
		var stats nameindex.Stats
		t1 := time.Now()
		if err := d.Read(ctx, func(tx *db.Tx) (err error) {
			got, stats, err = idx.SearchStats(ctx, tx, tenant, q, nameindex.Filter{}, nameindex.DefaultLimit)
			return err
		}); err != nil {
			return res, err
		}
		el := time.Since(t1)
		t1 = time.Now()
		if err := d.Read(ctx, func(tx *db.Tx) error {
			_, err := idx.Search(ctx, tx, tenant, q, nameindex.Filter{Organisations: []string{s.org}}, nameindex.DefaultLimit)
			return err
		}); err != nil {
			return res, err
		}
		elf := time.Since(t1)
		if n < warm {
			continue
		}
		all, filtered = append(all, el), append(filtered, elf)
		results, rows, scored = results+len(got), rows+stats.Rows, scored+stats.Scored
		qn := names.Parse(q)
		best, match := 0.0, false
		for _, sp := range s.p.Spellings {
			r := names.CompareNames(qn, names.Parse(sp))
			best, match = max(best, r.Score), match || r.Match
		}
		switch {
		case slices.ContainsFunc(got, func(c nameindex.Candidate) bool { return c.SubjectID == s.id }):
			res.Found++
		case len(got) == nameindex.DefaultLimit && got[len(got)-1].Score >= best:
			res.Namesakes++
		default:
			res.Missed++
			if match {
				res.MissedMatch++
			}
		}
	}
	res.All, res.Filtered = summarize(all), summarize(filtered)
	nq := float64(len(all))
	res.Results, res.Rows, res.Scored = float64(results)/nq, float64(rows)/nq, float64(scored)/nq
	b.logf("names: search p50 %s p95 %s p99 %s; in one organisation p95 %s; found %d, namesakes %d, missed %d (%d matching) of %d",
		fmtDur(res.All.P50), fmtDur(res.All.P95), fmtDur(res.All.P99), fmtDur(res.Filtered.P95), res.Found, res.Namesakes, res.Missed,
		res.MissedMatch, len(all))
	return res, nil
}

// namesHeading starts the section (kimbench -only names finds it by this line).
const namesHeading = "## Name matching and search\n"

// summary writes the bullet of the report's summary.
func (r *namesResult) summary(b *strings.Builder) {
	p := func(format string, a ...any) { fmt.Fprintf(b, format, a...) }
	p("- **Name matching** on one core: %s comparisons/s on parsed names, %s/s on raw strings (target 200,000).\n",
		fmtCount(r.ParsedRate), fmtCount(r.RawRate))
	for _, s := range r.Search {
		if s.Err == "" {
			p("- **%s name search** over %s clients: p95 %s (p50 %s, p99 %s; target p95 ≤ 20 ms on SQLite).\n", s.Engine,
				fmtCount(float64(r.Clients)), fmtDur(s.All.P95), fmtDur(s.All.P50), fmtDur(s.All.P99))
		}
	}
}

// section writes the report section.
func (r *namesResult) section(b *strings.Builder, o options) {
	p := func(format string, a ...any) { fmt.Fprintf(b, format, a...) }
	p("%s\n", namesHeading)
	p("The names issue asks for at least **200,000 pair comparisons per second on one core** and candidate search\n")
	p("among **1,000,000 synthetic clients (SQLite) at p95 ≤ 20 ms**. Measured with\n\n")
	p("```sh\ngo run ./cmd/kimbench -only names%s -write docs/performance.md\n```\n\n", namesFlags(o))
	p("(`-only names` rewrites only this section of the file; a full run of kimbench includes it.)\n")
	p("Measured on %d × %s, %s, %s;\n", r.Machine.CPUs, r.Machine.Model, r.Machine.Go, r.Commit)
	p("load average %s at the start and %s at the end. The figures depend on the version of the matcher\n",
		r.LoadBefore, r.LoadAfter)
	p("(`names.Keys`, `names.CompareNames`): rerun after changing it.\n\n")

	p("### Pair comparisons on one core\n\n")
	p("| Function | comparisons | time | per second (median of %d rounds) | slowest – fastest round | per comparison |\n",
		r.CompareRounds)
	p("|---|---:|---:|---:|---:|---:|\n")
	p("| `names.CompareNames` (both names parsed beforehand) | %s | %s | **%s** | %s – %s | %s |\n", fmtCount(float64(r.ParsedCount)),
		fmtDur(r.ParsedTime), fmtCount(r.ParsedRate), fmtCount(r.ParsedMin), fmtCount(r.ParsedMax),
		fmtDur(time.Duration(float64(time.Second)/r.ParsedRate)))
	p("| `names.Compare` (raw strings, both parsed each time) | %s | %s | **%s** | %s – %s | %s |\n\n", fmtCount(float64(r.RawCount)),
		fmtDur(r.RawTime), fmtCount(r.RawRate), fmtCount(r.RawMin), fmtCount(r.RawMax),
		fmtDur(time.Duration(float64(time.Second)/r.RawRate)))
	p("Method: %s name pairs from the synthetic population (`internal/names/nameindex/synth`, seed %d): %s a spelling\n",
		fmtCount(float64(r.Pairs)), o.Seed+100, fmtCount(float64(r.Positives)))
	p("on record against a variant of the same name (other transcription, original script, order, flattened diacritics,\n")
	p("typos), the rest two different people (half of them of the same origin). The matcher calls %.1f %% of the\n", 100*r.PosMatch)
	p("same-person pairs and %.1f %% of the different-people pairs a match (not an evaluation: see docs/names.md).\n", 100*r.NegMatch)
	p("kimbench runs the pairs in a loop in one goroutine with `runtime.GOMAXPROCS(1)` (so the garbage collector's\n")
	p("work counts against the same core), %d rounds of at least %s per function, the two functions taking turns.\n\n",
		r.CompareRounds, strings.Replace(r.CompareWindow, "s", " s", 1))

	p("### `kim names match`\n\n")
	if r.CLI.Err != "" || r.CLI.Lines == 0 {
		p("Not measured: %s\n\n", mdCell(cmpStr(r.CLI.Err, "the kim binary was not built in this run")))
	} else {
		p("%s lines `NAME_A<TAB>NAME_B` (the pair mix above, repeated) piped through the built `kim names match`: %s,\n",
			fmtCount(float64(r.CLI.Lines)), fmtDur(r.CLI.Time))
		p("**%s lines per second** end to end (process start, reading, matching, writing; default GOMAXPROCS).\n\n", fmtCount(r.CLI.Rate))
	}

	if len(r.Search) == 0 {
		return
	}
	p("### Candidate search over %s synthetic clients\n\n", fmtCount(float64(r.Clients)))
	p("| Engine | query | n | p50 | p95 | p99 | max | mean |\n|---|---|---:|---:|---:|---:|---:|---:|\n")
	for _, s := range r.Search {
		if s.Err != "" {
			p("| %s | failed: %s | | | | | | |\n", s.Engine, mdCell(s.Err))
			continue
		}
		for _, row := range []struct {
			name string
			l    latency
		}{{"whole tenant", s.All}, {"one organisation (of 20)", s.Filtered}} {
			p("| %s | %s | %d | %s | **%s** | %s | %s | %s |\n", s.Engine, row.name, row.l.N, fmtDur(row.l.P50), fmtDur(row.l.P95),
				fmtDur(row.l.P99), fmtDur(row.l.Max), fmtDur(row.l.Avg))
		}
	}
	p("\n| Engine | bulk load | after load | database size | key rows | key rows read, candidates scored, results per query |\n")
	p("|---|---:|---:|---:|---:|---:|\n")
	for _, s := range r.Search {
		if s.Err != "" {
			continue
		}
		after := "checkpoint"
		if s.Engine == "PostgreSQL" {
			after = "VACUUM ANALYZE"
		}
		p("| %s | %s | %s %s | %s | %s | %.0f, %.0f, %.1f |\n", s.Engine, fmtDur(s.Load), after, fmtDur(s.Vacuum), fmtBytes(s.Size),
			fmtCount(float64(s.Keys)), s.Rows, s.Scored, s.Results)
	}
	p("\n| Engine | client found | crowded out by namesakes | missed | of which the matcher calls a match |\n|---|---:|---:|---:|---:|\n")
	for _, s := range r.Search {
		if s.Err == "" {
			n := float64(s.All.N) / 100
			p("| %s | %d (%.0f %%) | %d (%.0f %%) | %d (%.1f %%) | %d |\n", s.Engine, s.Found, float64(s.Found)/n, s.Namesakes,
				float64(s.Namesakes)/n, s.Missed, float64(s.Missed)/n, s.MissedMatch)
		}
	}
	p("\nMethod: `nameindex.Store.PutMany` writes %s synthetic clients (%s spellings on record: Latin, often the\n",
		fmtCount(float64(r.Clients)), fmtCount(float64(r.Search[0].Spellings)))
	p("original script, sometimes a second transcription) of one tenant, in 20 organisations round robin, in\n")
	p("transactions of 250,000 clients with multi-row inserts, key rows sorted by key; the time includes generating\n")
	p("and parsing the names. Then %d clients drawn at random are searched for by a variant spelling of their name\n", r.Queries)
	p("(%d more before them as warm-up, not recorded), each once in the whole tenant and once in the client's\n", min(500, r.Queries/4))
	p("organisation: `Store.Search` with limit %d and the default caps (%d rows per pair key, %d per token key, at\n",
		nameindex.DefaultLimit, nameindex.DefaultPairCap, nameindex.DefaultTokenCap)
	p("most %d candidates scored, minimum score %.1f), one query at a time from one goroutine, each in its own read\n",
		nameindex.DefaultScoreBudget, nameindex.DefaultMinScore)
	p("transaction (`db.DB.Read`) and timed from its start to its end, in the kimbench process (no HTTP, default\n")
	p("GOMAXPROCS). SQLite runs with the platform's settings (WAL, the default page cache of 2 MiB per connection),\n")
	p("PostgreSQL with the server's; the operating system's file cache holds the database after the load.\n\n")
	p("*Crowded out by namesakes*: the client is not among the %d results, but all of them score at least as high\n",
		nameindex.DefaultLimit)
	p("as the client's own best spelling, so the name alone cannot tell them apart (in this population %.0f %% of the\n",
		100*r.SharedNames)
	p("clients share their recorded name with more than 20 others: the name lists are short and skewed). *Missed*:\n")
	p("neither; mostly variants whose only key in common with the client's spellings is a token key of a frequent\n")
	p("name, which the cap cuts off (a typo in the family name, a transcription `names.Keys` does not map to the\n")
	p("same key), and variants the matcher does not call a match at all.\n\n")
}

func namesFlags(o options) string {
	var extra []string
	if o.NamesClients != 1000000 {
		extra = append(extra, fmt.Sprintf("-names-clients %d", o.NamesClients))
	}
	if o.NamesQueries != 3000 {
		extra = append(extra, fmt.Sprintf("-names-queries %d", o.NamesQueries))
	}
	return sectionFlags(o, extra)
}

// sectionFlags writes the database flags of a run (none for SQLite alone) and a section's
// flags that differ from their defaults, as they follow "kimbench -only …" in the document.
func sectionFlags(o options, extra []string) string {
	var parts []string
	for _, d := range o.DBs {
		if d != "sqlite" || len(o.DBs) > 1 {
			if d == "sqlite" {
				parts = append(parts, "-db sqlite")
			} else {
				parts = append(parts, "-db '"+d+"'")
			}
		}
	}
	parts = append(parts, extra...)
	if len(parts) == 0 {
		return ""
	}
	return " " + strings.Join(parts, " ")
}

func fmtCount(v float64) string {
	s := fmt.Sprintf("%.0f", v)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

func cmpStr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// spliceSection replaces the section that starts with heading (up to the next "## " heading) in
// doc by sec, or inserts it where the full report has it (before "## Login cost in-process"),
// else before "## Interpretation", else at the end.
func spliceSection(doc, heading, sec string) string {
	if i := strings.Index(doc, heading); i >= 0 {
		rest := doc[i+len(heading):]
		if j := strings.Index(rest, "\n## "); j >= 0 {
			return doc[:i] + sec + rest[j+1:]
		}
		return doc[:i] + sec
	}
	for _, next := range []string{"## Login cost in-process", "## Interpretation"} {
		if i := strings.Index(doc, next); i >= 0 {
			return doc[:i] + sec + doc[i:]
		}
	}
	return strings.TrimRight(doc, "\n") + "\n\n" + sec
}

// sectionOf returns the section of doc that starts with heading, up to the next "## " heading.
func sectionOf(doc, heading string) (string, bool) {
	i := strings.Index(doc, heading)
	if i < 0 {
		return "", false
	}
	if j := strings.Index(doc[i+len(heading):], "\n## "); j >= 0 {
		return doc[i : i+len(heading)+j+1], true
	}
	return doc[i:], true
}

// gitDescribe names the code measured: the commit and whether the tree had changes.
func (b *bench) gitDescribe(ctx context.Context) string {
	out, err := b.command(ctx, nil, b.root, "git", "describe", "--always", "--dirty")
	if err != nil {
		return "unknown"
	}
	return out
}
