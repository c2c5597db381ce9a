package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"runtime/pprof"
	"time"

	"kim/internal/app"
	"kim/internal/monitoring"
	"kim/internal/platform/access"
)

func main() {
	ctx := context.Background()
	cfg := app.Defaults()
	if err := cfg.FromEnv(os.Getenv); err != nil {
		panic(err)
	}
	cfg.DSN = os.Args[1]
	a, err := app.New(ctx, cfg, app.NewLogger(cfg, io.Discard))
	if err != nil {
		panic(err)
	}
	defer a.Close()
	w, _ := a.DB.Pools()
	var actor access.Actor
	err = w.QueryRowContext(ctx, `SELECT CAST(u.id AS TEXT), CAST(u.tenant_id AS TEXT), CAST(u.organisation_id AS TEXT) FROM users u
		JOIN tenants t ON t.id = u.tenant_id WHERE t.slug LIKE 'synth-%' AND u.role = 'team_lead' ORDER BY t.slug, u.id LIMIT 1`).
		Scan(&actor.UserID, &actor.TenantID, &actor.OrganisationID)
	if err != nil {
		panic(err)
	}
	actor.Role = access.TeamLead
	to := monitoring.MonthOf(a.DB.Clock.Now())
	var qs []monitoring.Query
	for _, p := range monitoring.StandardPanels {
		qs = append(qs, monitoring.Query{Indicator: p.Indicator, By: p.By, From: to.Add(-11), To: to})
	}
	for _, q := range qs {
		t0 := time.Now()
		if _, err := a.Monitor.ComputeAll(ctx, actor, []monitoring.Query{q}); err != nil {
			panic(err)
		}
		fmt.Println(q.Indicator, q.By, time.Since(t0))
	}
	if len(os.Args) > 2 {
		f, _ := os.Create(os.Args[2])
		pprof.StartCPUProfile(f)
		defer pprof.StopCPUProfile()
	}
	for i := 0; i < 3; i++ {
		t0 := time.Now()
		if _, err := a.Monitor.ComputeAll(ctx, actor, qs); err != nil {
			panic(err)
		}
		fmt.Println("all", time.Since(t0))
	}
	t0 := time.Now()
	if _, err := a.Monitor.StateWide(ctx, to.Add(-23), to); err != nil {
		panic(err)
	}
	fmt.Println("state", time.Since(t0))
}
