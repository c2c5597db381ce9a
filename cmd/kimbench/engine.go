package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"kim/internal/app"
	"kim/internal/platform/auth"
)

// Accounts of the demo tenant used for the load: the tenant administrator's start page shows its own
// organisation and locations plus five counts, a case manager's (the common one) its deadlines.
const (
	adminEmail = "admin@solingen.example"
	cmEmail    = "cm.awo@solingen.example"
)

// startRun is one start-up of kim serve.
type startRun struct {
	Ready    time.Duration // process start until /readyz answers 200
	RSS, HWM int64         // KiB, read right after ready
}

// seedResult is the seeding of the database used for the seeded measurements.
type seedResult struct {
	Demo, Synthetic   time.Duration
	DemoOut, SynthOut string
	Size              int64
	TokenTime         time.Duration
}

// loginResult holds the login measurements against a running server.
type loginResult struct {
	Seq                []time.Duration // sequential POST /anmelden
	Parallel, Rounds   int
	Par                []time.Duration // each login of the concurrent rounds
	ParWall            []time.Duration // wall time of each round
	BaseRSS, MaxRSS    int64           // KiB before and at most during the concurrent rounds
	HWMBefore, HWMPeak int64
}

// engineResult is everything measured on one database engine.
type engineResult struct {
	Name, Version string
	Empty, Seeded []startRun
	EmptySize     int64
	Seed          seedResult
	Load          []loadResult
	RSSAfterLoad  int64
	HWMAfterLoad  int64
	LogLines      int
	Login         loginResult
}

// hashResult is the in-process argon2id cost.
type hashResult struct {
	Params auth.Params
	Times  []time.Duration
}

// hashCost times auth.Hasher.Hash with the production parameters in this process.
func (b *bench) hashCost(ctx context.Context) (hashResult, error) {
	b.logf("timing %d argon2id hashes in-process", b.opt.Hashes)
	h := auth.NewHasher(auth.DefaultParams)
	r := hashResult{Params: auth.DefaultParams}
	for range b.opt.Hashes {
		t0 := time.Now()
		if _, err := h.Hash(ctx, "kimbench Passwort 2026"); err != nil {
			return r, err
		}
		r.Times = append(r.Times, time.Since(t0))
	}
	b.logf("argon2id median %s", median(r.Times).Round(time.Millisecond))
	return r, nil
}

// newStore returns the store for dsn ("sqlite" or a postgres:// URL), keeping its files in dir.
func newStore(ctx context.Context, dsn, dir string) (store, error) {
	if isPostgres(dsn) {
		return newPGStore(ctx, dsn, dir)
	}
	return &sqliteStore{tmp: dir}, nil
}

// engine runs all server measurements on one engine.
func (b *bench) engine(ctx context.Context, dsn string) (res engineResult, err error) {
	st, err := newStore(ctx, dsn, b.tmp)
	if err != nil {
		return res, err
	}
	defer st.Close()
	res.Name, res.Version = st.Name(), st.Version(ctx)
	env := b.kimEnv(st.Env()...)
	b.logf("== %s %s", res.Name, res.Version)

	// Start-up on fresh empty databases.
	var last string
	res.Empty, err = b.starts(ctx, "empty", env, func(label string) (string, error) {
		last, err = st.Fresh(ctx, label)
		return last, err
	})
	if err != nil {
		return res, err
	}
	res.EmptySize = st.Size(ctx, last)

	// Seeding.
	seeded, err := st.Fresh(ctx, "seeded")
	if err != nil {
		return res, err
	}
	b.logf("seeding demo tenant and %d synthetic tenants (%d clients)", b.opt.Tenants, b.opt.Clients)
	t0 := time.Now()
	if res.Seed.DemoOut, err = b.command(ctx, env, b.tmp, b.kim, "seed", "demo", "--db", seeded); err != nil {
		return res, err
	}
	res.Seed.Demo = time.Since(t0)
	t0 = time.Now()
	res.Seed.SynthOut, err = b.command(ctx, env, b.tmp, b.kim, "seed", "synthetic", "--db", seeded,
		"--tenants", fmt.Sprint(b.opt.Tenants), "--clients", fmt.Sprint(b.opt.Clients), "--seed", fmt.Sprint(b.opt.Seed))
	if err != nil {
		return res, err
	}
	res.Seed.Synthetic = time.Since(t0)
	res.Seed.Size = st.Size(ctx, seeded)
	b.logf("seeded in %s + %s: %s", res.Seed.Demo.Round(time.Millisecond), res.Seed.Synthetic.Round(time.Millisecond), res.Seed.SynthOut)

	// Start-up on copies of the seeded database.
	res.Seeded, err = b.starts(ctx, "seeded", env, func(label string) (string, error) { return st.Copy(ctx, seeded, label) })
	if err != nil {
		return res, err
	}

	// Load and logins on one more copy.
	d, err := st.Copy(ctx, seeded, "load")
	if err != nil {
		return res, err
	}
	if err := b.loadPhase(ctx, d, env, &res); err != nil {
		return res, err
	}
	return res, nil
}

// starts measures -starts start-ups, each on a database that newDB makes.
func (b *bench) starts(ctx context.Context, kind string, env []string, newDB func(label string) (string, error)) ([]startRun, error) {
	var rs []startRun
	for i := range b.opt.Starts {
		d, err := newDB(fmt.Sprintf("%s-%d", kind, i))
		if err != nil {
			return nil, err
		}
		r, err := b.startOnce(ctx, d, env)
		if err != nil {
			return nil, fmt.Errorf("start on %s database: %w", kind, err)
		}
		rs = append(rs, r)
	}
	b.logf("start-up, %s database: median %s, RSS %d MiB", kind, medianReady(rs).Round(time.Millisecond), medianRSS(rs)/1024)
	return rs, nil
}

// startOnce starts kim serve on dsn, measures the time until /readyz answers and the memory
// right then, and stops it again.
func (b *bench) startOnce(ctx context.Context, dsn string, env []string) (startRun, error) {
	var r startRun
	p, err := b.startServer(b.kim, []string{"serve", "--addr", "ADDR", "--db", dsn}, env)
	if err != nil {
		return r, err
	}
	defer p.stop(25 * time.Second)
	if r.Ready, err = p.waitReady(ctx, "/readyz", time.Minute); err != nil {
		return r, err
	}
	if r.RSS, r.HWM, err = memStatus(p.pid()); err != nil {
		return r, err
	}
	return r, p.stop(25 * time.Second)
}

// loadPhase runs kim (with --demo, so the demo accounts need no second factor) and the bare
// server and measures the targets side by side, then the logins.
func (b *bench) loadPhase(ctx context.Context, dsn string, env []string, res *engineResult) error {
	t0 := time.Now()
	token, err := b.command(ctx, env, b.tmp, b.kim, "user", "token", "--db", dsn, "--tenant", app.DemoTenant, "--email", adminEmail,
		"--name", "kimbench")
	if err != nil {
		return err
	}
	res.Seed.TokenTime = time.Since(t0)
	kim, err := b.startServer(b.kim, []string{"serve", "--demo", "--addr", "ADDR", "--db", dsn}, env)
	if err != nil {
		return err
	}
	defer kim.stop(25 * time.Second)
	bare, err := b.startServer(b.self, []string{bareFlag, "ADDR"}, b.kimEnv())
	if err != nil {
		return err
	}
	defer bare.stop(5 * time.Second)
	if _, err := kim.waitReady(ctx, "/readyz", time.Minute); err != nil {
		return err
	}
	if _, err := bare.waitReady(ctx, "/", 30*time.Second); err != nil {
		return err
	}
	cookies := map[string]string{}
	session := func(email string) (http.Header, error) {
		c, ok := cookies[email]
		if ok {
			// Log in again if the session ended (it idles out after 15 minutes).
			if st, _, _ := doRequest(loginClient, mustGet(kim.url("/start"), http.Header{"Cookie": {c}})); st == http.StatusOK {
				return http.Header{"Cookie": {c}}, nil
			}
		}
		c, _, err := login(ctx, kim.url("/anmelden"), email)
		if err != nil {
			return nil, err
		}
		cookies[email] = c
		return http.Header{"Cookie": {c}}, nil
	}

	for _, c := range b.opt.Conc {
		targets := []target{
			{Name: "bare net/http `GET /`", Server: "bare", URL: bare.url("/"), pid: bare.pid()},
			{Name: "kim `GET /healthz`", Server: "kim", URL: kim.url("/healthz"), pid: kim.pid()},
			{Name: "kim `GET /api/v1/organisations` (bearer token)", Server: "kim", URL: kim.url("/api/v1/organisations"),
				Header: http.Header{"Authorization": {"Bearer " + token}, "Accept": {"application/json"}}, pid: kim.pid()},
			{Name: "kim `GET /start` case manager", Server: "kim", URL: kim.url("/start"), pid: kim.pid()},
			{Name: "kim `GET /start` tenant admin", Server: "kim", URL: kim.url("/start"), pid: kim.pid()},
		}
		for _, t := range targets {
			switch {
			case strings.Contains(t.Name, "case manager"):
				if t.Header, err = session(cmEmail); err != nil {
					return err
				}
			case strings.Contains(t.Name, "tenant admin"):
				if t.Header, err = session(adminEmail); err != nil {
					return err
				}
			}
			r := load(ctx, t, c, b.opt.Warmup, b.opt.Duration)
			if ctx.Err() != nil {
				return ctx.Err()
			}
			b.logf("c=%-3d %-50s %8.0f req/s  p50 %-9s p99 %-9s errors %d %s", c, t.Name, r.RPS, fmtDur(r.P50), fmtDur(r.P99), r.Errors, r.FirstErr)
			res.Load = append(res.Load, r)
		}
	}
	res.RSSAfterLoad, res.HWMAfterLoad, _ = memStatus(kim.pid())
	if err := b.logins(ctx, kim, &res.Login); err != nil {
		return err
	}
	res.LogLines = kim.logLines()
	return nil
}

func mustGet(u string, h http.Header) *http.Request {
	req, _ := http.NewRequest(http.MethodGet, u, nil)
	req.Header = h
	return req
}

var loginClient = &http.Client{Timeout: time.Minute,
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// login posts the login form as a browser would and returns the session cookie ("name=value").
func login(ctx context.Context, loginURL, email string) (string, time.Duration, error) {
	form := url.Values{"tenant": {app.DemoTenant}, "email": {email}, "password": {app.DemoPassword}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, loginURL, strings.NewReader(form.Encode()))
	if err != nil {
		return "", 0, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	t0 := time.Now()
	resp, err := loginClient.Do(req)
	if err != nil {
		return "", 0, err
	}
	resp.Body.Close()
	d := time.Since(t0)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/start" {
		return "", d, fmt.Errorf("login %s: status %d, location %q (the server must run with --demo)", email, resp.StatusCode,
			resp.Header.Get("Location"))
	}
	for _, c := range resp.Cookies() {
		if strings.HasSuffix(c.Name, "kim_session") && c.Value != "" {
			return c.Name + "=" + c.Value, d, nil
		}
	}
	return "", d, errors.New("login: no session cookie")
}

// logins measures sequential logins end to end, then rounds of concurrent logins while the
// server's resident memory is sampled every 5 ms.
func (b *bench) logins(ctx context.Context, kim *server, r *loginResult) error {
	b.logf("%d sequential logins", b.opt.Logins)
	for range b.opt.Logins {
		_, d, err := login(ctx, kim.url("/anmelden"), adminEmail)
		if err != nil {
			return err
		}
		r.Seq = append(r.Seq, d)
	}
	r.Parallel, r.Rounds = b.opt.Parallel, b.opt.Rounds
	r.BaseRSS, r.HWMBefore, _ = memStatus(kim.pid())
	b.logf("%d rounds of %d concurrent logins", r.Rounds, r.Parallel)
	stop := make(chan struct{})
	sampled := make(chan int64)
	go func() {
		var peak int64
		tick := time.NewTicker(5 * time.Millisecond)
		defer tick.Stop()
		for {
			if rss, _, err := memStatus(kim.pid()); err == nil {
				peak = max(peak, rss)
			}
			select {
			case <-stop:
				sampled <- peak
				return
			case <-tick.C:
			}
		}
	}()
	var mu sync.Mutex
	var firstErr error
	for range r.Rounds {
		var wg sync.WaitGroup
		t0 := time.Now()
		for range r.Parallel {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, d, err := login(ctx, kim.url("/anmelden"), adminEmail)
				mu.Lock()
				defer mu.Unlock()
				if err != nil && firstErr == nil {
					firstErr = err
				}
				r.Par = append(r.Par, d)
			}()
		}
		wg.Wait()
		r.ParWall = append(r.ParWall, time.Since(t0))
	}
	close(stop)
	r.MaxRSS = <-sampled
	_, r.HWMPeak, _ = memStatus(kim.pid())
	return firstErr
}

func medianReady(rs []startRun) time.Duration {
	var d []time.Duration
	for _, r := range rs {
		d = append(d, r.Ready)
	}
	return median(d)
}

func medianRSS(rs []startRun) int64 { return medianInt(rs, func(r startRun) int64 { return r.RSS }) }
func medianHWM(rs []startRun) int64 { return medianInt(rs, func(r startRun) int64 { return r.HWM }) }

func medianInt(rs []startRun, f func(startRun) int64) int64 {
	var v []int64
	for _, r := range rs {
		v = append(v, f(r))
	}
	if len(v) == 0 {
		return 0
	}
	slices.Sort(v)
	return v[(len(v)-1)/2]
}
