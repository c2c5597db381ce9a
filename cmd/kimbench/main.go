// Command kimbench measures KIM the way the performance issue asks, in one run: start-up time and
// memory of `kim serve` on an empty and on a seeded database, requests per second and latency of
// an authenticated page, a JSON API page and /healthz side by side with a bare net/http handler,
// and the cost of a login (argon2id). It prints a Markdown report and, with -write, writes the
// complete docs/performance.md.
//
//	go run ./cmd/kimbench                                  # SQLite, print the report
//	go run ./cmd/kimbench -write docs/performance.md       # and write the document
//	go run ./cmd/kimbench -db 'postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable'
//
// It builds the kim binary once, runs every server as a child process on a free loopback port
// and removes its temporary files and databases at the end, also after an error or Ctrl-C.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// options are the command-line flags.
type options struct {
	DBs      []string // "sqlite" or postgres:// URLs of a database used to create fresh ones
	Duration time.Duration
	Warmup   time.Duration
	Conc     []int
	Starts   int
	Tenants  int
	Clients  int
	Seed     uint64
	Hashes   int
	Logins   int
	Parallel int
	Rounds   int
	Write    string
	Dir      string
	KimBin   string
	Keep     bool

	NamesClients int    // synthetic clients for the name search (0: skip it)
	NamesQueries int    // name searches timed per engine
	NamesLines   int    // lines piped through kim names match
	Only         string // "names", "casework", "monitoring" or "platform": run and write only that part

	CaseworkClients int           // synthetic clients for the case-management benchmark (0: skip it)
	CaseworkTenants int           // … in this many tenants
	CaseworkQueries int           // list and search calls timed per engine
	CaseworkWriters []int         // concurrent AddContact writers, one round each
	CaseworkWindow  time.Duration // duration of each round of writers

	MonitoringClients int      // synthetic clients of the monitoring benchmark (cases ≈ clients/2)
	MonitoringTenants int      // … in this many tenants
	MonitoringRuns    int      // dashboards and state-wide aggregates timed per engine
	MonitoringDBs     []string // already seeded databases to measure instead of seeding fresh ones

	CPUProfile  string
	ProfilePath string
	ProfileUser string
}

type listFlag struct{ vals *[]string }

func (l listFlag) String() string {
	if l.vals == nil {
		return ""
	}
	return strings.Join(*l.vals, ",")
}

func (l listFlag) Set(s string) error { *l.vals = append(*l.vals, s); return nil }

func parseFlags(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("kimbench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Var(listFlag{&o.DBs}, "db", "engine to measure: sqlite (default) or a postgres:// URL of an existing database, used to "+
		"create and drop fresh databases (repeat the flag to measure several engines in one run)")
	fs.DurationVar(&o.Duration, "duration", 10*time.Second, "measured duration per load target and concurrency")
	fs.DurationVar(&o.Warmup, "warmup", 2*time.Second, "warm-up per load target and concurrency (not recorded)")
	conc := fs.String("c", "1,16", "comma-separated numbers of concurrent connections")
	fs.IntVar(&o.Starts, "starts", 5, "start-ups measured on each of the empty and the seeded database")
	fs.IntVar(&o.Tenants, "tenants", 20, "synthetic tenants to seed")
	fs.IntVar(&o.Clients, "clients", 200000, "synthetic clients to seed (sizes the staff: one case manager per 100)")
	fs.Uint64Var(&o.Seed, "seed", 1, "seed of the synthetic data")
	fs.IntVar(&o.Hashes, "hashes", 20, "argon2id hashes timed in-process")
	fs.IntVar(&o.Logins, "logins", 30, "sequential logins (POST /anmelden) timed end to end")
	fs.IntVar(&o.Parallel, "parallel", 8, "concurrent logins per round in the bounded-login test")
	fs.IntVar(&o.Rounds, "rounds", 3, "rounds of concurrent logins")
	fs.StringVar(&o.Write, "write", "", "write the complete document to this file (e.g. docs/performance.md)")
	fs.StringVar(&o.Dir, "dir", "", "directory for temporary files (default: the system temp dir)")
	fs.StringVar(&o.KimBin, "kim", "", "use this kim binary instead of building ./cmd/kim")
	fs.BoolVar(&o.Keep, "keep", false, "keep the temporary directory (databases, server logs)")
	fs.IntVar(&o.NamesClients, "names-clients", 1000000, "synthetic clients indexed for the name search benchmark (0 skips it)")
	fs.IntVar(&o.NamesQueries, "names-queries", 3000, "name searches timed per engine")
	fs.IntVar(&o.NamesLines, "names-lines", 200000, "lines piped through `kim names match`")
	fs.StringVar(&o.Only, "only", "", "names, casework or platform: measure only that part, and with -write replace only that part of the file "+
		"(platform: everything but the names and casework sections)")
	fs.IntVar(&o.CaseworkClients, "casework-clients", 1000000, "synthetic clients of the case-management benchmark (0 skips it)")
	fs.IntVar(&o.CaseworkTenants, "casework-tenants", 50, "tenants of the case-management benchmark")
	fs.IntVar(&o.CaseworkQueries, "casework-queries", 2000, "case lists and client searches timed per engine")
	writers := fs.String("casework-writers", "1,4,16", "comma-separated numbers of concurrent AddContact writers")
	fs.DurationVar(&o.CaseworkWindow, "casework-window", 10*time.Second, "duration of each round of AddContact writers")
	fs.IntVar(&o.MonitoringClients, "monitoring-clients", 2000000, "synthetic clients of the monitoring benchmark (-only monitoring; cases are about half)")
	fs.IntVar(&o.MonitoringTenants, "monitoring-tenants", 20, "tenants of the monitoring benchmark (the first one's dashboard is timed)")
	fs.IntVar(&o.MonitoringRuns, "monitoring-runs", 30, "dashboards and state-wide aggregates timed per engine")
	fs.Var(listFlag{&o.MonitoringDBs}, "monitoring-db", "measure this already seeded database (SQLite path or postgres:// URL; "+
		"repeatable) instead of seeding a fresh one")
	fs.StringVar(&o.CPUProfile, "cpuprofile", "", "instead of the benchmark: run kim in-process on a seeded database, load "+
		"-profile-path at the highest -c for -duration and write a CPU profile to this file")
	fs.StringVar(&o.ProfilePath, "profile-path", "/start", "page to profile with -cpuprofile")
	fs.StringVar(&o.ProfileUser, "profile-user", "admin@solingen.example", "demo account to log in as for -cpuprofile (empty: none)")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if len(o.DBs) == 0 {
		o.DBs = []string{"sqlite"}
	}
	for _, d := range o.DBs {
		if d != "sqlite" && !isPostgres(d) {
			return o, fmt.Errorf("-db %q: want sqlite or a postgres:// URL", d)
		}
	}
	for _, s := range strings.Split(*conc, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 {
			return o, fmt.Errorf("-c: %q is not a positive number", s)
		}
		o.Conc = append(o.Conc, n)
	}
	if o.Only != "" && o.Only != "names" && o.Only != "casework" && o.Only != "monitoring" && o.Only != "platform" {
		return o, fmt.Errorf("-only %q: the parts that run alone are names, casework, monitoring and platform", o.Only)
	}
	if o.MonitoringClients < 1 || o.MonitoringTenants < 1 || o.MonitoringRuns < 1 {
		return o, errors.New("-monitoring-clients, -monitoring-tenants and -monitoring-runs must be positive")
	}
	for _, s := range strings.Split(*writers, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 {
			return o, fmt.Errorf("-casework-writers: %q is not a positive number", s)
		}
		o.CaseworkWriters = append(o.CaseworkWriters, n)
	}
	if o.CaseworkClients < 0 || o.CaseworkTenants < 1 || o.CaseworkQueries < 1 || o.CaseworkWindow <= 0 {
		return o, errors.New("-casework-clients must not be negative, -casework-tenants, -casework-queries and -casework-window must be positive")
	}
	if o.NamesClients < 0 || o.NamesQueries < 1 || o.NamesLines < 1 {
		return o, errors.New("-names-clients must not be negative, -names-queries and -names-lines must be positive")
	}
	if o.Duration <= 0 || o.Warmup < 0 || o.Starts < 1 || o.Tenants < 1 || o.Clients < 0 || o.Hashes < 1 || o.Logins < 1 ||
		o.Parallel < 1 || o.Rounds < 1 {
		return o, errors.New("durations, counts and sizes must be positive")
	}
	return o, nil
}

func isPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	var code int
	if len(os.Args) == 3 && os.Args[1] == bareFlag {
		code = serveBare(ctx, os.Args[2])
	} else {
		code = run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	}
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	o, err := parseFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintln(stderr, "kimbench:", err)
		return 2
	}
	b := &bench{opt: o, log: stderr, sup: newSupervisor()}
	if o.CPUProfile != "" {
		if err := b.profile(ctx, o.CPUProfile, o.ProfilePath, o.ProfileUser); err != nil {
			fmt.Fprintln(stderr, "kimbench:", err)
			return 1
		}
		return 0
	}
	var doc string
	switch o.Only {
	case "names":
		doc, err = runOnly(ctx, b, namesHeading, b.namesBench)
	case "casework":
		doc, err = runOnly(ctx, b, caseworkHeading, b.caseworkBench)
	case "monitoring":
		doc, err = runOnly(ctx, b, monitoringHeading, b.monitoringBench)
	case "platform":
		var rep *report
		if rep, err = b.run(ctx); err == nil {
			doc, err = b.keepSections(rep.markdown())
		}
	default:
		var rep *report
		if rep, err = b.run(ctx); err == nil {
			doc, err = b.keepMonitoring(rep.markdown())
		}
	}
	if err != nil {
		if ctx.Err() != nil {
			err = fmt.Errorf("interrupted (%w)", err)
		}
		fmt.Fprintln(stderr, "kimbench:", err)
		return 1
	}
	if o.Write != "" {
		if err := os.MkdirAll(filepath.Dir(o.Write), 0o755); err != nil {
			fmt.Fprintln(stderr, "kimbench:", err)
			return 1
		}
		if err := os.WriteFile(o.Write, []byte(doc), 0o644); err != nil {
			fmt.Fprintln(stderr, "kimbench:", err)
			return 1
		}
		fmt.Fprintln(stderr, "kimbench: wrote", o.Write)
	}
	fmt.Fprint(stdout, doc)
	return 0
}

// bench holds one run.
type bench struct {
	opt    options
	log    io.Writer
	sup    *supervisor
	tmp    string
	kim    string // kim binary
	self   string // this binary (for the bare server)
	root   string // module root
	logIdx int
}

func (b *bench) logf(format string, a ...any) {
	fmt.Fprintf(b.log, "%s  "+format+"\n", append([]any{time.Now().Format("15:04:05")}, a...)...)
}

func (b *bench) run(ctx context.Context) (rep *report, err error) {
	started := time.Now()
	b.tmp, err = os.MkdirTemp(b.opt.Dir, "kimbench-")
	if err != nil {
		return nil, err
	}
	defer func() {
		b.sup.stopAll()
		if b.opt.Keep {
			b.logf("kept %s", b.tmp)
		} else {
			os.RemoveAll(b.tmp)
		}
	}()
	rep = &report{Opt: b.opt, Started: started, Machine: machineInfo(), LoadBefore: loadavg()}
	b.logf("load average %s; work directory %s (%s)", rep.LoadBefore, b.tmp, fsType(b.tmp))
	rep.Machine.TmpFS = fsType(b.tmp)

	if b.self, err = os.Executable(); err != nil {
		return nil, err
	}
	if err := b.buildKim(ctx); err != nil {
		return nil, err
	}
	rep.Hash, err = b.hashCost(ctx)
	if err != nil {
		return nil, err
	}
	for _, dsn := range b.opt.DBs {
		e, err := b.engine(ctx, dsn)
		if err != nil {
			return nil, err
		}
		rep.Engines = append(rep.Engines, e)
	}
	if b.opt.Only != "platform" { // -only platform keeps these sections of the file as they are
		if rep.Names, err = b.namesBench(ctx); err != nil {
			return nil, err
		}
		if b.opt.CaseworkClients > 0 {
			if rep.Casework, err = b.caseworkBench(ctx); err != nil {
				return nil, err
			}
		}
	}
	rep.LoadAfter = loadavg()
	rep.Total = time.Since(started)
	b.logf("done in %s; load average %s", rep.Total.Round(time.Second), rep.LoadAfter)
	return rep, nil
}

// sectionWriter is a measured section of the document.
type sectionWriter interface {
	section(b *strings.Builder, o options)
}

// runOnly measures one section with measure and returns it; with -write it returns the whole
// file with the section under heading replaced (or added).
func runOnly[R sectionWriter](ctx context.Context, b *bench, heading string, measure func(context.Context) (R, error)) (string, error) {
	var err error
	if b.tmp, err = os.MkdirTemp(b.opt.Dir, "kimbench-"); err != nil {
		return "", err
	}
	defer func() {
		b.sup.stopAll()
		if b.opt.Keep {
			b.logf("kept %s", b.tmp)
		} else {
			os.RemoveAll(b.tmp)
		}
	}()
	if err := b.buildKim(ctx); err != nil {
		return "", err
	}
	r, err := measure(ctx)
	if err != nil {
		return "", err
	}
	var sec strings.Builder
	r.section(&sec, b.opt)
	if b.opt.Write == "" {
		return sec.String(), nil
	}
	old, err := os.ReadFile(b.opt.Write)
	if err != nil && !os.IsNotExist(err) {
		return "", err
	}
	return spliceSection(string(old), heading, sec.String()), nil
}

// keepSections takes the names and casework sections, and their lines in the summary, from the
// file of -write into doc, the document of a platform-only run (which measures neither).
func (b *bench) keepSections(doc string) (string, error) {
	if b.opt.Write == "" {
		return doc, nil
	}
	old, err := os.ReadFile(b.opt.Write)
	if os.IsNotExist(err) {
		return doc, nil
	}
	if err != nil {
		return "", err
	}
	for _, h := range []string{namesHeading, caseworkHeading, monitoringHeading} {
		if sec, ok := sectionOf(string(old), h); ok {
			doc = spliceSection(doc, h, sec)
		}
	}
	if lines := summaryLines(string(old)); lines != "" {
		if i := strings.Index(doc, hashSummary); i >= 0 {
			doc = doc[:i] + lines + doc[i:]
		}
	}
	return doc, nil
}

// summaryLines returns the items of the summary in doc that the names and casework sections
// write (namesResult.summary, caseworkResult.summary).
func summaryLines(doc string) string {
	sum, _ := sectionOf(doc, "## Summary\n")
	var out strings.Builder
	keep := false
	for _, line := range strings.SplitAfter(sum, "\n") {
		if strings.HasPrefix(line, "- ") {
			keep = strings.HasPrefix(line, "- **Name matching**") || strings.Contains(line, " name search**") ||
				strings.Contains(line, " case management**")
		} else if !strings.HasPrefix(line, "  ") {
			keep = false
		}
		if keep {
			out.WriteString(line)
		}
	}
	return out.String()
}

// keepMonitoring takes the monitoring section (measured only with -only monitoring) from the
// file of -write into doc.
func (b *bench) keepMonitoring(doc string) (string, error) {
	if b.opt.Write == "" {
		return doc, nil
	}
	old, err := os.ReadFile(b.opt.Write)
	if os.IsNotExist(err) {
		return doc, nil
	}
	if err != nil {
		return "", err
	}
	if sec, ok := sectionOf(string(old), monitoringHeading); ok {
		doc = spliceSection(doc, monitoringHeading, sec)
	}
	return doc, nil
}
