package monitoring

import (
	"context"
	"database/sql/driver"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

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
	if e.tx.Engine == db.Postgres && len(jobs) > 1 && e.helpers() > 0 && acquireParallel() {
		defer releaseParallel()
		err := e.parallel(ctx, len(jobs), func(ctx context.Context, c *pgx.Conn, i int) (err error) {
			jobs[i].out, err = e.pgQuery(ctx, c, jobs[i].exprs, jobs[i].from)
			return err
		})
		if err != nil {
			return err
		}
	} else {
		for _, j := range jobs {
			var err error
			if j.out, err = e.query(ctx, e.tx, j.exprs, j.from...); err != nil {
				return err
			}
		}
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

// parallelism is the number of further PostgreSQL connections one ComputeAll reads with at
// most.
const parallelism = 4

// parallelReads admits two ComputeAlls at a time to parallel reads; the others read in their
// own transaction. A ComputeAll holds its connection while it waits for further ones, so
// without a bound, many at once could hold every connection of the pool and wait for each other.
var parallelReads = make(chan struct{}, 2)

// helpers is the number of further connections a ComputeAll may take: a quarter of the pool
// (at most parallelism), so that the two admitted ComputeAlls leave most of it to the rest.
func (e *engine) helpers() int {
	_, pool := e.s.DB.Pools()
	n := pool.Stats().MaxOpenConnections
	if n <= 0 {
		return parallelism
	}
	return min(parallelism, n/4)
}

func acquireParallel() bool {
	select {
	case parallelReads <- struct{}{}:
		return true
	default:
		return false
	}
}

func releaseParallel() { <-parallelReads }

// parallel runs n reads on PostgreSQL, on up to parallelism further connections, each in a
// read-only transaction that imports the snapshot of the ComputeAll's transaction. The reads
// use pgx directly (raw values, no per-value conversion by database/sql).
func (e *engine) parallel(ctx context.Context, n int, fn func(ctx context.Context, c *pgx.Conn, i int) error) error {
	var snap string
	if err := e.tx.QueryRowContext(ctx, "SELECT pg_export_snapshot()").Scan(&snap); err != nil {
		return err
	}
	if snap == "" || strings.Trim(snap, "0123456789ABCDEF-") != "" {
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
	for range min(n, e.helpers()) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			conn, err := pool.Conn(ctx)
			if err != nil {
				fail(err)
				return
			}
			defer conn.Close()
			err = conn.Raw(func(dc any) error {
				sc, ok := dc.(*stdlib.Conn)
				if !ok {
					return fmt.Errorf("not a pgx connection: %T", dc)
				}
				c := sc.Conn()
				if _, err := c.Exec(ctx, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"); err != nil {
					return driver.ErrBadConn
				}
				err := func() error {
					if _, err := c.Exec(ctx, "SET TRANSACTION SNAPSHOT '"+snap+"'"); err != nil {
						return err
					}
					for i := range next {
						if err := fn(ctx, c, i); err != nil {
							return err
						}
					}
					return nil
				}()
				if _, rerr := c.Exec(context.WithoutCancel(ctx), "ROLLBACK"); rerr != nil {
					// The connection is in an unknown state: database/sql discards it.
					if err == nil {
						err = rerr
					}
					fail(err)
					return driver.ErrBadConn
				}
				return err
			})
			if err != nil {
				fail(err)
			}
		}()
	}
	wg.Wait()
	if first != nil {
		return first
	}
	return ctx.Err()
}

// pgQuery runs a fact query on a pgx connection and interns the raw values.
func (e *engine) pgQuery(ctx context.Context, c *pgx.Conn, exprs, from []string) (*factSet, error) {
	rows, err := c.Query(ctx, factSQL(exprs, from), e.tenant)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	in := newInterner(exprs)
	for rows.Next() {
		in.add(rows.RawValues())
	}
	return in.f, rows.Err()
}
