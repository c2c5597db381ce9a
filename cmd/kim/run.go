package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"runtime/debug"
	"sort"
	"strings"

	"kim/internal/accounts"
	"kim/internal/app"
	"kim/internal/directory"
	"kim/internal/platform/access"
	"kim/internal/platform/audit"
	"kim/internal/platform/db"
	"kim/internal/platform/errs"
	"kim/internal/platform/web"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = ""

const usage = `usage: kim <command> [flags]

commands:
  serve [--addr HOST:PORT] [--db DSN] [--demo]   serve web UI, API, /healthz, /readyz, /metrics
  migrate [--db DSN]                             apply migrations and exit
  seed demo [--db DSN]                           seed the demo tenant (idempotent)
  seed synthetic [--db DSN] --tenants N --clients N [--seed S]
                                                 deterministic synthetic data for benchmarks
  tenant add [--db DSN] --slug SLUG --name NAME  create a tenant with its first organisation
  user add [--db DSN] --tenant SLUG --email EMAIL --name NAME --role ROLE --organisation NAME|ID [--password-stdin]
                                                 create an account (prints an activation code,
                                                 or reads the password from stdin)
  user passwd [--db DSN] --tenant SLUG --email EMAIL
                                                 set a password read from stdin
  user token [--db DSN] --tenant SLUG --email EMAIL [--name LABEL] [--days N]
                                                 create an API token (valid 90 days unless
                                                 --days says otherwise; 0: no expiry) and print it
  audit verify [--db DSN] [--tenant SLUG] [--checkpoints FILE]
                                                 check the audit hash chain (and that no entry
                                                 after a saved checkpoint was cut off)
  audit checkpoint [--db DSN]                    print the chain heads to keep outside the database
  keys rotate [--db DSN] [--tenant SLUG]         give each tenant (or the one named) a new data key
                                                 and re-encrypt its protected values under it
  names match                                    read NAME_A<TAB>NAME_B lines on stdin, write
                                                 SCORE<TAB>MATCH (1 = plausibly the same person)
  names explain NAME_A NAME_B                    say which name parts matched how
  version                                        print the version

The database is --db, else KIM_DATABASE_URL, else ./kim-data/kim.db (SQLite).
`

// errUsage marks bad arguments (exit code 2).
type errUsage struct{ msg string }

func (e errUsage) Error() string { return e.msg }

func usageErr(format string, a ...any) error { return errUsage{fmt.Sprintf(format, a...)} }

// run is the whole program; main only supplies the process environment.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) int {
	err := dispatch(ctx, args, getenv, stdin, stdout, stderr)
	if err == nil {
		return 0
	}
	var ue errUsage
	var ve verifyFailed
	switch {
	case errors.As(err, &ue):
		fmt.Fprintln(stderr, "kim: "+ue.msg)
		return 2
	case errors.As(err, &ve):
		return 1
	}
	fmt.Fprintln(stderr, "kim: "+oneLine(err))
	return 1
}

// oneLine renders err as one line: a classified error through the catalogue (in English, the
// language of the command line), field by field in a fixed order.
func oneLine(err error) string {
	var e *errs.Error
	if errors.As(err, &e) && e.Code != errs.Internal {
		cat, cerr := app.Catalogue()
		if cerr != nil {
			return e.Message.ID
		}
		l := cat.Localizer("en")
		msg := l.M(e.Message)
		fields := make([]string, 0, len(e.Fields))
		for f := range e.Fields {
			fields = append(fields, f)
		}
		sort.Strings(fields)
		for _, f := range fields {
			msg += " " + f + ": " + l.M(e.Fields[f])
		}
		return msg
	}
	return strings.ReplaceAll(err.Error(), "\n", "; ")
}

func dispatch(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return usageErr("missing command (see kim help)")
	}
	cmd, rest := args[0], args[1:]
	sub := ""
	if (cmd == "seed" || cmd == "user" || cmd == "audit" || cmd == "tenant" || cmd == "names") && len(rest) > 0 && !strings.HasPrefix(rest[0], "-") {
		sub, rest = rest[0], rest[1:]
	}
	switch cmd + " " + sub {
	case "serve ":
		return cmdServe(ctx, rest, getenv, stderr)
	case "migrate ":
		return withApp(ctx, "migrate", rest, getenv, stderr, nil, func(a *app.App) error {
			v, err := a.DB.SchemaVersion(ctx)
			fmt.Fprintf(stdout, "schema version %d\n", v)
			return err
		})
	case "seed demo":
		return withApp(ctx, "seed demo", rest, getenv, stderr, nil, func(a *app.App) error {
			if err := a.SeedDemo(ctx); err != nil {
				return err
			}
			fmt.Fprintf(stdout, "demo tenant %q ready; password of the demo accounts: %s\n", app.DemoTenant, app.DemoPassword)
			return nil
		})
	case "seed synthetic":
		return cmdSynthetic(ctx, rest, getenv, stdout, stderr)
	case "tenant add":
		return cmdTenantAdd(ctx, rest, getenv, stdout, stderr)
	case "user add":
		return cmdUserAdd(ctx, rest, getenv, stdin, stdout, stderr)
	case "user passwd":
		return cmdUserPasswd(ctx, rest, getenv, stdin, stdout, stderr)
	case "user token":
		return cmdUserToken(ctx, rest, getenv, stdout, stderr)
	case "audit verify":
		return cmdAuditVerify(ctx, rest, getenv, stdout, stderr)
	case "audit checkpoint":
		return withApp(ctx, "audit checkpoint", rest, getenv, stderr, nil, func(a *app.App) error {
			heads, err := audit.Heads(ctx, a.DB)
			for _, h := range heads {
				fmt.Fprintln(stdout, h.String())
			}
			return err
		})
	case "keys ":
		return cmdKeys(ctx, rest, getenv, stdout, stderr)
	case "names match":
		return cmdNamesMatch(rest, stdin, stdout)
	case "names explain":
		return cmdNamesExplain(rest, stdout)
	case "version ":
		fmt.Fprintln(stdout, "kim "+Version())
		return nil
	case "help ", "-h ", "--help ":
		fmt.Fprint(stdout, usage)
		return nil
	}
	if sub != "" {
		return usageErr("unknown command %q (see kim help)", cmd+" "+sub)
	}
	return usageErr("unknown command %q (see kim help)", cmd)
}

// Version returns the build version.
func Version() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				return "dev-" + s.Value[:12]
			}
		}
		if bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			return bi.Main.Version
		}
	}
	return "dev"
}

// newFlags returns a flag set that reports errors through errUsage instead of exiting.
func newFlags(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return fs
}

func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		return usageErr("%s: %v", fs.Name(), err)
	}
	if fs.NArg() > 0 {
		return usageErr("%s: unexpected argument %q", fs.Name(), fs.Arg(0))
	}
	return nil
}

// config builds the configuration from the environment and the --db flag.
func config(getenv func(string) string, dsn string) (app.Config, error) {
	cfg := app.Defaults()
	if err := cfg.FromEnv(getenv); err != nil {
		return cfg, usageErr("%v", err)
	}
	if dsn != "" {
		cfg.DSN = dsn
	}
	return cfg, nil
}

// mayCreate lists the commands that may create a new database.
var mayCreate = map[string]bool{"migrate": true, "seed demo": true, "seed synthetic": true, "tenant add": true}

// withApp parses --db (plus extra flags), opens the application and runs fn.
func withApp(ctx context.Context, name string, args []string, getenv func(string) string, stderr io.Writer,
	extra func(*flag.FlagSet), fn func(a *app.App) error) error {
	fs := newFlags(name)
	dsn := fs.String("db", "", "database: file path (SQLite) or postgres:// URL")
	if extra != nil {
		extra(fs)
	}
	if err := parse(fs, args); err != nil {
		return err
	}
	cfg, err := config(getenv, *dsn)
	if err != nil {
		return err
	}
	cfg.LogFormat = "text"
	cfg.LogLevel = "warn"
	if !mayCreate[name] && db.EngineOf(cfg.DSN) == db.SQLite {
		// Checking or administering a database that is not there would create an empty one
		// (and a new key) and report on that instead: refuse a mistyped path.
		if _, err := os.Stat(strings.TrimPrefix(cfg.DSN, "file:")); err != nil {
			return usageErr("%s: database %s does not exist", name, cfg.DSN)
		}
	}
	a, err := app.New(ctx, cfg, app.NewLogger(cfg, stderr))
	if err != nil {
		return err
	}
	defer a.Close()
	return fn(a)
}

func cmdServe(ctx context.Context, args []string, getenv func(string) string, stderr io.Writer) error {
	fs := newFlags("serve")
	addr := fs.String("addr", "", "listen address (default 127.0.0.1:8080 or KIM_ADDR)")
	dsn := fs.String("db", "", "database: file path (SQLite) or postgres:// URL")
	demo := fs.Bool("demo", false, "seed the demo tenant if the database is empty and show the demo logins")
	if err := parse(fs, args); err != nil {
		return err
	}
	cfg, err := config(getenv, *dsn)
	if err != nil {
		return err
	}
	if *addr != "" {
		cfg.Addr = *addr
	}
	if *demo {
		// Demo mode exempts only the demo tenant from the second factor.
		cfg.Demo = true
	}
	log := app.NewLogger(cfg, stderr)
	a, err := app.New(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer a.Close()
	if cfg.Demo {
		tenants, err := a.Dir.ActiveTenants(ctx)
		if err != nil {
			return err
		}
		if len(tenants) == 0 {
			log.Info("seeding demo tenant")
			if err := a.SeedDemo(ctx); err != nil {
				return err
			}
		}
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return err
	}
	return a.Serve(ctx, ln)
}

func cmdSynthetic(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var tenants, clients int
	var seed uint64
	return withApp(ctx, "seed synthetic", args, getenv, stderr, func(fs *flag.FlagSet) {
		fs.IntVar(&tenants, "tenants", 0, "number of tenants")
		fs.IntVar(&clients, "clients", 0, "number of clients (sizes the staff)")
		fs.Uint64Var(&seed, "seed", 1, "random seed")
	}, func(a *app.App) error {
		if tenants < 1 {
			return usageErr("seed synthetic: --tenants must be at least 1")
		}
		if clients < 0 {
			return usageErr("seed synthetic: --clients must not be negative")
		}
		sum, err := a.SeedSynthetic(ctx, tenants, clients, seed)
		if err != nil {
			return err
		}
		fmt.Fprintln(stdout, sum.String())
		return nil
	})
}

func cmdTenantAdd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var slug, name string
	return withApp(ctx, "tenant add", args, getenv, stderr, func(fs *flag.FlagSet) {
		fs.StringVar(&slug, "slug", "", "short name, e.g. solingen")
		fs.StringVar(&name, "name", "", "display name, e.g. Stadt Solingen")
	}, func(a *app.App) error {
		if slug == "" || name == "" {
			return usageErr("tenant add: --slug and --name are required")
		}
		t, o, err := a.Dir.CreateTenant(ctx, access.System(""), directory.TenantInput{Slug: slug, Name: name, FirstOrganisation: name})
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "tenant %s (%s) created with organisation %q (%s)\n", t.Slug, t.ID, o.Name, o.ID)
		return nil
	})
}

func tenantID(ctx context.Context, a *app.App, slug string) (string, error) {
	if slug == "" {
		return "", usageErr("--tenant is required")
	}
	t, err := a.Dir.TenantBySlug(ctx, slug)
	if errs.CodeOf(err) == errs.NotFound {
		return "", usageErr("unknown tenant %q", slug)
	}
	if err != nil {
		return "", err
	}
	return t.ID, nil
}

func readPassword(stdin io.Reader) (string, error) {
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", err
	}
	pw := strings.TrimRight(line, "\r\n")
	if pw == "" {
		return "", usageErr("no password on stdin")
	}
	return pw, nil
}

func cmdUserAdd(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	var slug, email, name, role, org string
	var pwStdin bool
	return withApp(ctx, "user add", args, getenv, stderr, func(fs *flag.FlagSet) {
		fs.StringVar(&slug, "tenant", "", "tenant slug")
		fs.StringVar(&email, "email", "", "e-mail address")
		fs.StringVar(&name, "name", "", "display name")
		fs.StringVar(&role, "role", "", "role: "+roleList())
		fs.StringVar(&org, "organisation", "", "organisation name or id")
		fs.BoolVar(&pwStdin, "password-stdin", false, "read the password from stdin instead of issuing an activation code")
	}, func(a *app.App) error {
		tid, err := tenantID(ctx, a, slug)
		if err != nil {
			return err
		}
		if email == "" || name == "" || org == "" {
			return usageErr("user add: --email, --name and --organisation are required")
		}
		if !access.Role(role).Valid() {
			return usageErr("user add: --role must be one of %s", roleList())
		}
		orgID, err := findOrganisation(ctx, a, tid, org)
		if err != nil {
			return err
		}
		in := accounts.UserInput{Name: name, Email: email, Role: access.Role(role), OrganisationID: orgID}
		if pwStdin {
			pw, err := readPassword(stdin)
			if err != nil {
				return err
			}
			u, created, err := a.Accounts.EnsureUser(ctx, tid, in, pw)
			if err != nil {
				return err
			}
			if !created {
				return fmt.Errorf("an account with the e-mail address %s exists already", u.Email)
			}
			fmt.Fprintf(stdout, "user %s created (%s)\n", u.Email, u.ID)
			return nil
		}
		act, err := a.Accounts.CreateUser(ctx, access.System(tid), in)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "user %s created (%s)\nactivation code: %s (valid until %s)\n", act.User.Email, act.User.ID, act.Code,
			act.Expires.In(web.Berlin).Format("02.01.2006 15:04"))
		return nil
	})
}

func roleList() string {
	s := make([]string, len(access.Roles))
	for i, r := range access.Roles {
		s[i] = string(r)
	}
	return strings.Join(s, ", ")
}

func findOrganisation(ctx context.Context, a *app.App, tenantID, nameOrID string) (string, error) {
	orgs, err := a.Dir.AllOrganisations(ctx, access.System(tenantID))
	if err != nil {
		return "", err
	}
	for _, o := range orgs {
		if o.ID == nameOrID || strings.EqualFold(o.Name, nameOrID) || strings.EqualFold(o.ShortName, nameOrID) {
			return o.ID, nil
		}
	}
	return "", usageErr("unknown organisation %q", nameOrID)
}

func cmdUserPasswd(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	var slug, email string
	return withApp(ctx, "user passwd", args, getenv, stderr, func(fs *flag.FlagSet) {
		fs.StringVar(&slug, "tenant", "", "tenant slug")
		fs.StringVar(&email, "email", "", "e-mail address")
	}, func(a *app.App) error {
		tid, err := tenantID(ctx, a, slug)
		if err != nil {
			return err
		}
		if email == "" {
			return usageErr("user passwd: --email is required")
		}
		pw, err := readPassword(stdin)
		if err != nil {
			return err
		}
		if err := a.Accounts.SetPassword(ctx, tid, email, pw); err != nil {
			if errs.CodeOf(err) == errs.NotFound {
				return usageErr("user passwd: no account %s in tenant %s", email, slug)
			}
			return err
		}
		fmt.Fprintln(stdout, "password set; all sessions of the account have ended")
		return nil
	})
}

func cmdUserToken(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var slug, email, label string
	var days int
	return withApp(ctx, "user token", args, getenv, stderr, func(fs *flag.FlagSet) {
		fs.StringVar(&slug, "tenant", "", "tenant slug")
		fs.StringVar(&email, "email", "", "e-mail address")
		fs.StringVar(&label, "name", "", "label of the token")
		fs.IntVar(&days, "days", 90, "validity in days (0: no expiry)")
	}, func(a *app.App) error {
		tid, err := tenantID(ctx, a, slug)
		if err != nil {
			return err
		}
		if email == "" {
			return usageErr("user token: --email is required")
		}
		if days < 0 || days > 730 {
			return usageErr("user token: --days must be between 0 (no expiry) and 730")
		}
		token, err := a.Accounts.TokenFor(ctx, tid, slug, email, label, days)
		if errs.CodeOf(err) == errs.NotFound {
			return usageErr("user token: no account %s in tenant %s", email, slug)
		}
		if err != nil {
			return err
		}
		fmt.Fprintln(stdout, token)
		return nil
	})
}

// verifyFailed reports a broken chain (exit 1, the problem already printed).
type verifyFailed struct{}

func (verifyFailed) Error() string { return "audit chain broken" }

func cmdAuditVerify(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var slug, cpFile string
	return withApp(ctx, "audit verify", args, getenv, stderr, func(fs *flag.FlagSet) {
		fs.StringVar(&slug, "tenant", "", "tenant slug (default: all tenants)")
		fs.StringVar(&cpFile, "checkpoints", "", "file with saved checkpoints (kim audit checkpoint output or kim's JSON log)")
	}, func(a *app.App) error {
		var checkpoints []audit.Checkpoint
		if cpFile != "" {
			f, err := os.Open(cpFile)
			if err != nil {
				return usageErr("audit verify: %v", err)
			}
			checkpoints, err = audit.ReadCheckpoints(f)
			f.Close()
			if err != nil {
				return usageErr("audit verify: %v", err)
			}
		}
		tenants, err := selectTenants(ctx, a, slug)
		if err != nil {
			return err
		}
		for _, t := range tenants {
			p, _, err := a.Audit.VerifyWithCheckpoints(ctx, a.DB, t.ID, checkpoints)
			if err != nil {
				return err
			}
			if p != nil {
				fmt.Fprintf(stdout, "tenant %s: %s\n", t.Slug, p.String())
				return verifyFailed{}
			}
		}
		fmt.Fprintln(stdout, "ok")
		return nil
	})
}

// selectTenants returns the tenant named by slug, or every tenant when slug is empty.
func selectTenants(ctx context.Context, a *app.App, slug string) ([]directory.Tenant, error) {
	if slug == "" {
		all, _, err := a.Dir.ListTenants(ctx, access.System(""), web.ListQuery{Page: 1, Size: 1 << 30, Sort: "slug"})
		return all, err
	}
	t, err := a.Dir.TenantBySlug(ctx, slug)
	if errs.CodeOf(err) == errs.NotFound {
		return nil, usageErr("unknown tenant %q", slug)
	}
	if err != nil {
		return nil, err
	}
	return []directory.Tenant{*t}, nil
}
