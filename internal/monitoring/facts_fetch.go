package monitoring

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"sync"

	"kim/internal/platform/db"
)

// prefetch reads every source the ComputeAll planned, and the tenant's clients, before the
// tables are computed. On SQLite the queries run one after the other in the ComputeAll's read
// transaction: a second connection would read its own snapshot. On PostgreSQL they run side
// by side, each in its own read-only transaction that imports the snapshot of the ComputeAll's
// transaction (pg_export_snapshot, SET TRANSACTION SNAPSHOT): every query sees exactly the
// same data, so the tables of one release stay consistent with each other.
func (e *engine) prefetch(ctx context.Context) error {
	keys := make([]factKey, 0, len(e.needs))
	for k := range e.needs {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b factKey) int { return strings.Compare(a.src+a.first+a.last, b.src+b.first+b.last) })
	type job struct {
		exprs []string
		from  []string
		out   *factSet
	}
	jobs := make([]*job, 0, len(keys)+1)
	clientsNeeded := map[string]bool{}
	cls := make([][]string, len(keys))
	for i, k := range keys {
		var exprs []string
		for x := range e.needs[k] {
			exprs = append(exprs, x)
		}
		own, cl := split(exprs)
		cls[i] = cl
		for _, x := range cl {
			clientsNeeded[x] = true
		}
		p := e.sources[k]
		jobs = append(jobs, &job{exprs: own, from: fromClauses(p.src, p.ps)})
	}
	var clientJob *job
	if len(clientsNeeded) > 0 {
		clientJob = &job{exprs: e.clientExprs(nil), from: []string{clientsFrom}}
		jobs = append(jobs, clientJob)
	}
	run := func(ctx context.Context, tx querier, j *job) (err error) {
		j.out, err = e.query(ctx, tx, j.exprs, j.from...)
		return err
	}
	if e.tx.Engine != db.Postgres || len(jobs) < 2 {
		for _, j := range jobs {
			if err := run(ctx, e.tx, j); err != nil {
				return err
			}
		}
	} else if err := e.parallel(ctx, len(jobs), func(ctx context.Context, tx querier, i int) error { return run(ctx, tx, jobs[i]) }); err != nil {
		return err
	}
	if clientJob != nil {
		e.clients = clientJob.out
	}
	for i, k := range keys {
		f := jobs[i].out
		if len(cls[i]) > 0 {
			attach(f, cls[i], e.clients)
		}
		e.facts[k] = f
	}
	return nil
}

// parallelism is the number of PostgreSQL connections one ComputeAll reads with at most.
const parallelism = 4

// parallel runs n reads on PostgreSQL in transactions that share the snapshot of the
// ComputeAll's transaction.
func (e *engine) parallel(ctx context.Context, n int, fn func(ctx context.Context, tx querier, i int) error) error {
	var snap string
	if err := e.tx.QueryRowContext(ctx, "SELECT pg_export_snapshot()").Scan(&snap); err != nil {
		return err
	}
	if strings.Trim(snap, "0123456789ABCDEF-") != "" {
		return fmt.Errorf("unexpected snapshot id %q", snap)
	}
	_, pool := e.s.DB.Pools()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	var mu sync.Mutex
	var first error
	fail := func(err error) {
		mu.Lock()
		if first == nil {
			first = err
		}
		mu.Unlock()
		cancel()
	}
	next := make(chan int, n)
	for i := range n {
		next <- i
	}
	close(next)
	for range min(n, parallelism) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			tx, err := pool.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
			if err != nil {
				fail(err)
				return
			}
			defer tx.Rollback()
			if _, err := tx.ExecContext(ctx, "SET TRANSACTION SNAPSHOT '"+snap+"'"); err != nil {
				fail(err)
				return
			}
			for i := range next {
				if err := fn(ctx, tx, i); err != nil {
					fail(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	if first != nil {
		return first
	}
	return ctx.Err()
}
