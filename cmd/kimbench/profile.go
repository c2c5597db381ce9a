package main

import (
	"context"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime/pprof"
	"strings"

	"kim/internal/app"
)

// profile runs KIM in this process on a freshly seeded SQLite database (or the -db PostgreSQL
// server), logs in, puts one page under load and writes a CPU profile of the whole process
// (server and load generator) for `go tool pprof`. It answers "where does the time of this
// page go" without changing the kim binary.
func (b *bench) profile(ctx context.Context, out, path, email string) error {
	dir, err := os.MkdirTemp(b.opt.Dir, "kimbench-profile-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	st, err := newStore(ctx, b.opt.DBs[0], dir)
	if err != nil {
		return err
	}
	defer st.Close()
	dsn, err := st.Fresh(ctx, "profile")
	if err != nil {
		return err
	}
	cfg := app.Defaults()
	if err := cfg.FromEnv(envLookup(st.Env())); err != nil {
		return err
	}
	cfg.DSN, cfg.Demo, cfg.RequireMFA = dsn, true, false
	logf, err := os.Create(filepath.Join(dir, "server.log"))
	if err != nil {
		return err
	}
	defer logf.Close()
	a, err := app.New(ctx, cfg, app.NewLogger(cfg, logf))
	if err != nil {
		return err
	}
	defer a.Close()
	b.logf("seeding (in-process)")
	if err := a.SeedDemo(ctx); err != nil {
		return err
	}
	if _, err := a.SeedSynthetic(ctx, b.opt.Tenants, b.opt.Clients, b.opt.Seed); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	sctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() { _ = a.Serve(sctx, ln) }()
	base := "http://" + ln.Addr().String()
	h := http.Header{}
	if email != "" {
		cookie, _, err := login(ctx, base+"/anmelden", email)
		if err != nil {
			return err
		}
		h.Set("Cookie", cookie)
	}
	c := b.opt.Conc[len(b.opt.Conc)-1]
	t := target{Name: path, Server: "kim", URL: base + path, Header: h, pid: os.Getpid()}
	// Warm up without profiling, then profile the measured window.
	_ = load(ctx, t, c, 0, b.opt.Warmup)
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := pprof.StartCPUProfile(f); err != nil {
		return err
	}
	r := load(ctx, t, c, 0, b.opt.Duration)
	pprof.StopCPUProfile()
	b.logf("c=%d %s as %q: %.0f req/s, p50 %s, p99 %s, errors %d %s; CPU profile in %s (go tool pprof -top %s)",
		c, path, email, r.RPS, fmtDur(r.P50), fmtDur(r.P99), r.Errors, r.FirstErr, out, out)
	return nil
}

func envLookup(env []string) func(string) string {
	m := map[string]string{}
	for _, e := range env {
		if k, v, ok := strings.Cut(e, "="); ok {
			m[k] = v
		}
	}
	return func(k string) string { return m[k] }
}
