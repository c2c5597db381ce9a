// Package db opens the database (SQLite by default, PostgreSQL in production) and runs every
// service call in one transaction. The same SQL text runs on both engines: both bind $1, $2 by
// position (modernc.org/sqlite does so deliberately). What differs lives in dialect.go.
package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers driver "pgx"
	_ "modernc.org/sqlite"             // registers driver "sqlite"

	"kim/internal/platform/clock"
)

// Engine names a database engine.
type Engine string

// The supported engines.
const (
	SQLite   Engine = "sqlite"
	Postgres Engine = "postgres"
)

// DB is the application's database handle. SQLite gets a single-connection writer pool (SQLite
// has one writer; serialising in the pool avoids SQLITE_BUSY) and a read-only reader pool.
// PostgreSQL uses one pool for both.
type DB struct {
	engine Engine
	w, r   *sql.DB
	dsn    string
	Clock  clock.Clock
}

// Options tune Open.
type Options struct {
	Clock    clock.Clock
	MaxConns int // PostgreSQL pool size and SQLite reader count; 0 picks a default
}

// DefaultPath is the SQLite file used when no DSN is given.
const DefaultPath = "./kim-data/kim.db"

// EngineOf tells which engine a DSN addresses.
func EngineOf(dsn string) Engine {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		return Postgres
	}
	return SQLite
}

// Open connects to the database named by dsn: a postgres:// URL or a SQLite file path.
func Open(ctx context.Context, dsn string, opt Options) (*DB, error) {
	if opt.Clock == nil {
		opt.Clock = clock.System{}
	}
	if dsn == "" {
		dsn = DefaultPath
	}
	d := &DB{engine: EngineOf(dsn), dsn: dsn, Clock: opt.Clock}
	var err error
	switch d.engine {
	case Postgres:
		d.w, err = sql.Open("pgx", dsn)
		if err != nil {
			return nil, fmt.Errorf("open postgres: %w", err)
		}
		n := opt.MaxConns
		if n <= 0 {
			n = 16
		}
		d.w.SetMaxOpenConns(n)
		d.w.SetMaxIdleConns(n)
		d.w.SetConnMaxIdleTime(5 * time.Minute)
		d.r = d.w
	default:
		path := sqlitePath(dsn)
		if dir := filepath.Dir(path); dir != "" {
			if err := os.MkdirAll(dir, 0o700); err != nil {
				return nil, fmt.Errorf("create database directory: %w", err)
			}
		}
		d.w, err = sql.Open("sqlite", sqliteDSN(path, false))
		if err != nil {
			return nil, fmt.Errorf("open sqlite: %w", err)
		}
		d.w.SetMaxOpenConns(1)
		d.w.SetMaxIdleConns(1)
		d.w.SetConnMaxIdleTime(0)
		d.w.SetConnMaxLifetime(0)
		d.r, err = sql.Open("sqlite", sqliteDSN(path, true))
		if err != nil {
			d.w.Close()
			return nil, fmt.Errorf("open sqlite: %w", err)
		}
		n := opt.MaxConns
		if n <= 0 {
			n = max(4, runtime.NumCPU())
		}
		d.r.SetMaxOpenConns(n)
		d.r.SetMaxIdleConns(n)
	}
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := d.w.PingContext(pctx); err != nil {
		d.Close()
		return nil, fmt.Errorf("connect to database: %w", err)
	}
	if err := d.checkDurability(pctx); err != nil {
		d.Close()
		return nil, err
	}
	return d, nil
}

// sqliteDSN builds the modernc DSN. busy_timeout comes first so that the other pragmas already
// wait for a lock; _time_format=sqlite stores times in a form SQLite's date functions parse;
// synchronous=FULL keeps committed transactions across power loss.
func sqliteDSN(path string, readOnly bool) string {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(FULL)")
	q.Add("_pragma", "foreign_keys(1)")
	if readOnly {
		q.Add("_pragma", "query_only(1)")
		// Readers keep 32 MiB of pages and map the file: the monitoring's aggregates read long
		// index ranges (see docs/performance.md, Integration monitoring).
		q.Add("_pragma", "cache_size(-32768)")
		q.Add("_pragma", "mmap_size(1073741824)")
	} else {
		q.Set("_txlock", "immediate")
	}
	q.Set("_time_format", "sqlite")
	// Store and read times in UTC: the text form then sorts and compares in time order, and
	// scanned times are UTC as on PostgreSQL.
	q.Set("_timezone", "UTC")
	return "file:" + path + "?" + q.Encode()
}

// checkDurability refuses to run on settings that can lose committed data.
func (d *DB) checkDurability(ctx context.Context) error {
	switch d.engine {
	case SQLite:
		var mode string
		var sync int
		if err := d.w.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil {
			return fmt.Errorf("read journal_mode: %w", err)
		}
		if err := d.w.QueryRowContext(ctx, "PRAGMA synchronous").Scan(&sync); err != nil {
			return fmt.Errorf("read synchronous: %w", err)
		}
		if !strings.EqualFold(mode, "wal") || sync < 2 {
			return fmt.Errorf("sqlite durability: journal_mode=%s synchronous=%d, want wal and FULL", mode, sync)
		}
	case Postgres:
		var fsync string
		if err := d.w.QueryRowContext(ctx, "SHOW fsync").Scan(&fsync); err != nil {
			return fmt.Errorf("read fsync: %w", err)
		}
		if fsync != "on" {
			return errors.New("postgres durability: fsync is off")
		}
	}
	return nil
}

// Engine returns the engine in use.
func (d *DB) Engine() Engine { return d.engine }

// DSN returns the connection string the handle was opened with.
func (d *DB) DSN() string { return d.dsn }

// Pools returns the writer and reader pools (identical on PostgreSQL), for metrics.
func (d *DB) Pools() (writer, reader *sql.DB) { return d.w, d.r }

// Close closes all pools.
func (d *DB) Close() error {
	var err error
	if d.r != nil && d.r != d.w {
		err = d.r.Close()
	}
	if d.w != nil {
		if e := d.w.Close(); e != nil {
			err = e
		}
	}
	return err
}

// Ping checks that the database answers (readiness).
func (d *DB) Ping(ctx context.Context) error {
	if err := d.w.PingContext(ctx); err != nil {
		return err
	}
	var one int
	return d.r.QueryRowContext(ctx, "SELECT 1").Scan(&one)
}

// Tx is one transaction with the time fixed at its start, so every row it writes carries the
// same timestamp and tests control that time through the injected clock.
type Tx struct {
	*sql.Tx
	Now    time.Time
	Engine Engine
}

// Write runs fn in a read-write transaction and commits if fn returns nil.
func (d *DB) Write(ctx context.Context, fn func(tx *Tx) error) error {
	return d.run(ctx, d.w, false, fn)
}

// Read runs fn in a read-only transaction (a consistent snapshot across its queries).
func (d *DB) Read(ctx context.Context, fn func(tx *Tx) error) error {
	return d.run(ctx, d.r, true, fn)
}

func (d *DB) run(ctx context.Context, pool *sql.DB, readOnly bool, fn func(tx *Tx) error) (err error) {
	opts := &sql.TxOptions{}
	if readOnly && d.engine == Postgres {
		// REPEATABLE READ makes all queries of the transaction see one snapshot (READ
		// COMMITTED, the default, takes a new one per statement). SQLite's WAL readers keep
		// their snapshot for the whole transaction anyway.
		opts.ReadOnly = true
		opts.Isolation = sql.LevelRepeatableRead
	}
	stx, err := pool.BeginTx(ctx, opts)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	tx := &Tx{Tx: stx, Now: d.Clock.Now(), Engine: d.engine}
	defer func() {
		if p := recover(); p != nil {
			_ = stx.Rollback()
			panic(p)
		}
		if err != nil {
			_ = stx.Rollback()
		}
	}()
	if err = fn(tx); err != nil {
		return err
	}
	if readOnly {
		return stx.Rollback()
	}
	if err = stx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// sqlitePath strips a file: prefix and any query from a SQLite DSN.
func sqlitePath(dsn string) string {
	path := strings.TrimPrefix(dsn, "file:")
	if i := strings.IndexByte(path, '?'); i >= 0 {
		path = path[:i]
	}
	return path
}
