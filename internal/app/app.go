package app

import (
	"context"
	"database/sql"
	"encoding/hex"
	"errors"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"kim/internal/accounts"
	"kim/internal/casework"
	"kim/internal/directory"
	"kim/internal/monitoring"
	"kim/internal/offers"
	"kim/internal/platform/access"
	"kim/internal/platform/audit"
	"kim/internal/platform/auth"
	"kim/internal/platform/db"
	"kim/internal/platform/errs"
	"kim/internal/platform/i18n"
	"kim/internal/platform/seal"
	"kim/internal/platform/vault"
	"kim/internal/platform/web"
	"kim/internal/privacy"
	"kim/internal/steering"
)

// App is a wired kim instance.
type App struct {
	Cfg      Config
	Log      *slog.Logger
	DB       *db.DB
	Keys     *seal.Keys
	Audit    *audit.Chain
	Hasher   *auth.Hasher
	Dir      *directory.Service
	Accounts *accounts.Service
	Privacy  *privacy.Service
	Vault    *vault.Vault
	Cases    *casework.Service
	Offers   *offers.Service
	Steering *steering.Service
	Monitor  *monitoring.Service
	Renderer *web.Renderer
	Router   *web.Router
	Registry *prometheus.Registry
	handler  http.Handler
}

// NewLogger returns the structured logger for cfg. Logs carry request ids and route patterns,
// never personal data.
func NewLogger(cfg Config, w io.Writer) *slog.Logger {
	level := slog.LevelInfo
	_ = level.UnmarshalText([]byte(cfg.LogLevel))
	opts := &slog.HandlerOptions{Level: level}
	if cfg.LogFormat == "text" {
		return slog.New(slog.NewTextHandler(w, opts))
	}
	return slog.New(slog.NewJSONHandler(w, opts))
}

// Open connects to the database and applies migrations.
func Open(ctx context.Context, cfg Config) (*db.DB, error) {
	d, err := db.Open(ctx, cfg.DSN, db.Options{Clock: cfg.Clock, MaxConns: cfg.MaxConns})
	if err != nil {
		return nil, err
	}
	if err := d.Migrate(ctx); err != nil {
		d.Close()
		return nil, err
	}
	return d, nil
}

// New opens the database, applies migrations and wires all rooms.
func New(ctx context.Context, cfg Config, log *slog.Logger) (*App, error) {
	d, err := Open(ctx, cfg)
	if err != nil {
		return nil, err
	}
	a, err := Wire(cfg, d, log)
	if err != nil {
		d.Close()
		return nil, err
	}
	return a, nil
}

// LoadKeys returns the configured master key. A missing key file beside a SQLite database (or
// in demo mode) is created only for a new installation; once data exists, its key must be
// there and match.
func LoadKeys(ctx context.Context, cfg Config, d *db.DB) (*seal.Keys, error) {
	fingerprint, err := storedFingerprint(ctx, d)
	if err != nil {
		return nil, err
	}
	keys := cfg.Keys
	if keys == nil {
		path, err := cfg.keyFile()
		if err != nil {
			return nil, err
		}
		create := fingerprint == "" && (db.EngineOf(cfg.DSN) == db.SQLite || cfg.Demo)
		if keys, err = seal.LoadFile(path, create); err != nil {
			return nil, err
		}
	}
	fp := hex.EncodeToString(keys.Derive("fingerprint")[:16])
	if fingerprint == "" {
		err = d.Write(ctx, func(tx *db.Tx) error {
			_, err := tx.ExecContext(ctx, "INSERT INTO installation (id, key_fingerprint, created_at) VALUES (1, $1, $2) ON CONFLICT (id) DO NOTHING", fp, tx.Now)
			return err
		})
		if err != nil {
			return nil, err
		}
		if fingerprint, err = storedFingerprint(ctx, d); err != nil {
			return nil, err
		}
	}
	if fingerprint != fp {
		return nil, errors.New("the master key does not belong to this database (its fingerprint differs): restore the key file that was used with it (KIM_KEY_FILE)")
	}
	return keys, nil
}

func storedFingerprint(ctx context.Context, d *db.DB) (string, error) {
	var fp string
	err := d.Read(ctx, func(tx *db.Tx) error {
		err := tx.QueryRowContext(ctx, "SELECT key_fingerprint FROM installation WHERE id = 1").Scan(&fp)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		return err
	})
	return fp, err
}

// Wire builds the services and the HTTP handler on an open database.
func Wire(cfg Config, d *db.DB, log *slog.Logger) (*App, error) {
	keys, err := LoadKeys(context.Background(), cfg, d)
	if err != nil {
		return nil, err
	}
	a := &App{Cfg: cfg, Log: log, DB: d, Keys: keys, Registry: prometheus.NewRegistry()}
	a.Audit = audit.NewChain(keys.Derive("audit-chain"))
	a.Hasher = auth.NewHasher(cfg.PasswordParams)
	a.Dir = &directory.Service{DB: d, Audit: a.Audit}
	acfg := accounts.DefaultConfig()
	acfg.RequireMFA = cfg.RequireMFA
	if cfg.Demo {
		acfg.MFAExemptTenant = DemoTenant
	}
	acfg.Sessions = cfg.Sessions
	a.Accounts = &accounts.Service{DB: d, Audit: a.Audit, Hasher: a.Hasher, Keys: keys, Dir: dirAdapter{a.Dir}, Cfg: acfg, Log: log}
	a.Privacy = &privacy.Service{DB: d, Audit: a.Audit}
	a.Vault = vault.New(d, keys)
	a.Vault.Audit = a.Audit
	a.Cases = &casework.Service{DB: d, Audit: a.Audit, Vault: a.Vault}
	a.Offers = &offers.Service{DB: d, Audit: a.Audit}
	a.Steering = &steering.Service{DB: d, Audit: a.Audit, CaseKey: keys.Derive("barrier-report-case-key")}
	a.wireOffers()     // wire_offers.go
	a.wireBarriers()   // wire_barriers.go
	a.wireThemes()     // wire_themes.go
	a.wireMonitoring() // wire_monitoring.go

	cat, err := Catalogue()
	if err != nil {
		return nil, err
	}
	var sets []web.TemplateSet
	for _, r := range rooms() {
		sets = append(sets, r.Templates)
	}
	a.Renderer, err = web.NewRenderer(cat, navigation, cfg.Demo, log, sets...)
	if err != nil {
		return nil, err
	}
	a.Renderer.SessionIdle, a.Renderer.SessionAbsolute = cfg.Sessions.Idle, cfg.Sessions.Absolute
	w, r := d.Pools()
	a.Registry.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		collectors.NewDBStatsCollector(w, "write"))
	if r != w {
		a.Registry.MustRegister(collectors.NewDBStatsCollector(r, "read"))
	}
	metrics := web.NewMetrics(a.Registry)

	acc := &accounts.HTTP{S: a.Accounts, R: a.Renderer, Tenants: a.loginTenants, Organisations: a.organisationOptions}
	if cfg.Demo {
		acc.Demo = demoLogins()
	}
	if cfg.OIDC != nil {
		acc.OIDC = accounts.NewOIDC(a.Accounts, *cfg.OIDC)
	}
	dirHTTP := &directory.HTTP{S: a.Dir, R: a.Renderer, Admins: a.tenantAdmins}
	acc.TenantPage = func(w http.ResponseWriter, r *http.Request, status int, tenantID string, f *web.Form) {
		actor := web.ActorFrom(r.Context())
		t, err := a.Dir.GetTenant(r.Context(), actor, tenantID)
		if err != nil {
			a.Renderer.Fail(w, r, err)
			return
		}
		dirHTTP.RenderTenant(w, r, status, actor, t, nil, f)
	}

	a.Router = web.NewRouter(acc.Guard)
	a.routes(acc, dirHTTP, &casework.HTTP{S: a.Cases, R: a.Renderer})
	(&offers.HTTP{S: a.Offers, R: a.Renderer}).Routes(a.Router)
	(&steering.HTTP{S: a.Steering, R: a.Renderer}).Routes(a.Router)
	(&monitoring.HTTP{S: a.Monitor, R: a.Renderer}).Routes(a.Router)

	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a.Renderer.Fail(w, r, errs.E(errs.Forbidden, "error.cross_origin"))
	}))
	a.handler = web.Chain(a.Router,
		web.Base(cfg.TrustedProxies, log),
		web.Observe(log, metrics, func(w http.ResponseWriter, r *http.Request) {
			a.Renderer.Fail(w, r, errors.New("panic"))
		}),
		web.Headers,
		web.MaxBody(cfg.MaxBody),
		cop.Handler,
		a.Accounts.Authenticate,
		web.Language(i18n.Public),
	)
	return a, nil
}

// Handler returns the HTTP handler of the whole application.
func (a *App) Handler() http.Handler { return a.handler }

// Close releases the database.
func (a *App) Close() error { return a.DB.Close() }

// Serve listens on ln until ctx ends, then shuts down gracefully: it stops accepting, lets
// running requests finish (up to 20 seconds) and closes the database.
func (a *App) Serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{Handler: a.handler, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 60 * time.Second,
		WriteTimeout: 120 * time.Second, IdleTimeout: 120 * time.Second, MaxHeaderBytes: 64 << 10,
		ErrorLog: slog.NewLogLogger(a.Log.Handler(), slog.LevelWarn)}
	// Annual report jobs run inside the process: those a stopped process left queued or running
	// are marked failed, so that their pages say so and the coordinator starts them again.
	if n, err := a.Monitor.FailStaleReports(ctx); err != nil {
		return err
	} else if n > 0 {
		a.Log.Warn("annual report jobs of a stopped process marked failed", "count", n)
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	cpDone := make(chan struct{})
	cpCtx, stopCheckpoints := context.WithCancel(context.Background())
	go func() { a.logCheckpoints(cpCtx, a.Cfg.CheckpointEvery); close(cpDone) }()
	defer func() { stopCheckpoints(); <-cpDone }()
	a.Log.Info("serving", "addr", ln.Addr().String(), "engine", string(a.DB.Engine()), "demo", a.Cfg.Demo)
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	a.Log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	err := srv.Shutdown(sctx)
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	jobsDone := make(chan struct{})
	go func() { a.Monitor.WaitJobs(); close(jobsDone) }()
	select {
	case <-jobsDone:
	case <-sctx.Done():
		a.Log.Warn("shutting down with an annual report job still running")
	}
	return err
}

// dirAdapter gives the accounts room what it needs from the directory room.
type dirAdapter struct{ d *directory.Service }

func tenantInfo(t *directory.Tenant) accounts.TenantInfo {
	return accounts.TenantInfo{ID: t.ID, Slug: t.Slug, Name: t.Name, Disabled: t.DisabledAt != nil}
}

func (x dirAdapter) TenantBySlug(ctx context.Context, slug string) (accounts.TenantInfo, error) {
	t, err := x.d.TenantBySlug(ctx, slug)
	if err != nil {
		return accounts.TenantInfo{}, err
	}
	return tenantInfo(t), nil
}

func (x dirAdapter) TenantByID(ctx context.Context, id string) (accounts.TenantInfo, error) {
	t, err := x.d.TenantByID(ctx, id)
	if err != nil {
		return accounts.TenantInfo{}, err
	}
	return tenantInfo(t), nil
}

func (x dirAdapter) OrganisationExists(ctx context.Context, tx *db.Tx, tenantID, id string) (bool, error) {
	return x.d.OrganisationExists(ctx, tx, tenantID, id)
}

func (x dirAdapter) FirstOrganisation(ctx context.Context, tx *db.Tx, tenantID string) (string, error) {
	return x.d.FirstOrganisation(ctx, tx, tenantID)
}

func (a *App) loginTenants(ctx context.Context) ([]accounts.TenantInfo, error) {
	ts, err := a.Dir.ActiveTenants(ctx)
	out := make([]accounts.TenantInfo, len(ts))
	for i := range ts {
		out[i] = tenantInfo(&ts[i])
	}
	return out, err
}

func (a *App) tenantAdmins(ctx context.Context, actor access.Actor, tenantID string) ([]directory.TenantAdmin, error) {
	rows, err := a.Accounts.TenantAdmins(ctx, actor, tenantID)
	out := make([]directory.TenantAdmin, len(rows))
	for i, u := range rows {
		out[i] = directory.TenantAdmin{Name: u.Name, Email: u.Email, Active: u.HasPassword, Disabled: u.Disabled}
	}
	return out, err
}

func (a *App) organisationOptions(ctx context.Context, actor access.Actor) ([]web.Option, error) {
	orgs, err := a.Dir.AllOrganisations(ctx, actor)
	out := make([]web.Option, len(orgs))
	for i, o := range orgs {
		out[i] = web.Option{Value: o.ID, Label: o.Name}
	}
	return out, err
}

// logCheckpoints writes the audit chain head of every tenant to the log at start, whenever it
// has moved since (checked every interval) and at the end. Shipped to a separate log system,
// these lines let `kim audit verify --checkpoints` find entries cut off the end of a chain.
func (a *App) logCheckpoints(ctx context.Context, every time.Duration) {
	last := map[string]int64{}
	emit := func() {
		heads, err := audit.Heads(context.Background(), a.DB)
		if err != nil {
			a.Log.Warn("audit checkpoint", "err", err.Error())
			return
		}
		for _, h := range heads {
			if last[h.TenantID] != h.Seq {
				a.Log.Info(audit.LogMessage, "tenant_id", h.TenantID, "seq", h.Seq, "hash", h.Hash)
				last[h.TenantID] = h.Seq
			}
		}
	}
	emit()
	if every <= 0 {
		every = 15 * time.Minute
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			emit()
			return
		case <-t.C:
			emit()
		}
	}
}

// rooms lists the rooms with pages and messages.
func rooms() []web.Assets {
	return []web.Assets{directory.Assets(), accounts.Assets(), privacy.Assets(), casework.Assets(), offers.Assets(), steering.Assets(), monitoring.Assets(), Assets()}
}

// Catalogue loads the messages of the platform and of every room.
func Catalogue() (*i18n.Catalogue, error) {
	locales := []fs.FS{web.Locales()}
	for _, r := range rooms() {
		locales = append(locales, r.Locales)
	}
	return i18n.New(locales...)
}
