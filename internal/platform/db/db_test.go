package db_test

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"kim/internal/apptest"
	"kim/internal/platform/db"
)

// openRaw opens a fresh database on e without migrations, for tests of the handle itself.
func openRaw(t *testing.T, e apptest.Engine) *db.DB {
	t.Helper()
	d, err := db.Open(context.Background(), e.DSN(t), db.Options{})
	if err != nil {
		t.Fatalf("open %s: %v", e.Name, err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

// exec runs statements in one write transaction.
func exec(t *testing.T, d *db.DB, stmts ...string) {
	t.Helper()
	err := d.Write(context.Background(), func(tx *db.Tx) error {
		for _, s := range stmts {
			if _, err := tx.ExecContext(context.Background(), s); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("exec: %v", err)
	}
}

func count(t *testing.T, d *db.DB, table string) int {
	t.Helper()
	var n int
	err := d.Read(context.Background(), func(tx *db.Tx) error {
		return tx.QueryRowContext(context.Background(), "SELECT count(*) FROM "+table).Scan(&n)
	})
	if err != nil {
		t.Fatalf("count %s: %v", table, err)
	}
	return n
}

func TestSQLiteOpensDurable(t *testing.T) {
	ctx := context.Background()
	d := openRaw(t, apptest.SQLite)
	w, r := d.Pools()
	if w == r {
		t.Fatal("SQLite should have separate writer and reader pools")
	}
	for _, p := range []struct {
		name string
		pool *sql.DB
	}{{"writer", w}, {"reader", r}} {
		var mode string
		var sync, fk, busy int
		if err := p.pool.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil {
			t.Fatal(err)
		}
		if err := p.pool.QueryRowContext(ctx, "PRAGMA synchronous").Scan(&sync); err != nil {
			t.Fatal(err)
		}
		if err := p.pool.QueryRowContext(ctx, "PRAGMA foreign_keys").Scan(&fk); err != nil {
			t.Fatal(err)
		}
		if err := p.pool.QueryRowContext(ctx, "PRAGMA busy_timeout").Scan(&busy); err != nil {
			t.Fatal(err)
		}
		if !strings.EqualFold(mode, "wal") || sync != 2 || fk != 1 || busy <= 0 {
			t.Errorf("%s: journal_mode=%s synchronous=%d foreign_keys=%d busy_timeout=%d; want wal, 2 (FULL), 1, >0",
				p.name, mode, sync, fk, busy)
		}
	}
	// The reader pool must not be able to write.
	if _, err := r.ExecContext(ctx, "CREATE TABLE nope (x INTEGER)"); err == nil {
		t.Error("the SQLite reader pool accepted a write")
	}
	if d.Engine() != db.SQLite || db.EngineOf(filepath.Join(t.TempDir(), "x.db")) != db.SQLite {
		t.Error("engine of a file path should be sqlite")
	}
}

func TestPostgresOpensDurable(t *testing.T) {
	d := openRaw(t, apptest.Postgres)
	if d.Engine() != db.Postgres {
		t.Fatalf("engine %s, want postgres", d.Engine())
	}
	var fsync string
	w, r := d.Pools()
	if err := w.QueryRow("SHOW fsync").Scan(&fsync); err != nil {
		t.Fatal(err)
	}
	if fsync != "on" {
		t.Errorf("fsync = %q, but Open accepted the server", fsync)
	}
	if w != r {
		t.Error("PostgreSQL should use one pool for reads and writes")
	}
	for _, dsn := range []string{"postgres://x@h/db", "postgresql://x@h/db"} {
		if db.EngineOf(dsn) != db.Postgres {
			t.Errorf("EngineOf(%q) is not postgres", dsn)
		}
	}
}

func TestTransactions(t *testing.T) {
	ctx := context.Background()
	for _, e := range apptest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			d := openRaw(t, e)
			exec(t, d, "CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL)")
			insert := func(tx *db.Tx, id int) error {
				_, err := tx.ExecContext(ctx, "INSERT INTO items (id, name) VALUES ($1, $2)", id, "item")
				return err
			}

			// A successful Write commits every statement.
			if err := d.Write(ctx, func(tx *db.Tx) error {
				if err := insert(tx, 1); err != nil {
					return err
				}
				return insert(tx, 2)
			}); err != nil {
				t.Fatal(err)
			}
			if n := count(t, d, "items"); n != 2 {
				t.Fatalf("after commit: %d rows, want 2", n)
			}

			// An error returned by fn rolls back everything fn wrote, and is passed through.
			boom := errors.New("boom")
			err := d.Write(ctx, func(tx *db.Tx) error {
				for id := 10; id < 15; id++ {
					if err := insert(tx, id); err != nil {
						return err
					}
				}
				return boom
			})
			if !errors.Is(err, boom) {
				t.Fatalf("Write returned %v, want the function's error", err)
			}
			// A failing statement half-way rolls back the statements before it.
			err = d.Write(ctx, func(tx *db.Tx) error {
				if err := insert(tx, 20); err != nil {
					return err
				}
				return insert(tx, 1) // duplicate key
			})
			if !db.IsUniqueViolation(err) {
				t.Fatalf("duplicate insert: %v, want a unique violation", err)
			}
			// A panic rolls back and propagates.
			func() {
				defer func() {
					if p := recover(); p != "kaputt" {
						t.Fatalf("recovered %v, want the panic value", p)
					}
				}()
				_ = d.Write(ctx, func(tx *db.Tx) error {
					if err := insert(tx, 30); err != nil {
						return err
					}
					panic("kaputt")
				})
			}()
			if n := count(t, d, "items"); n != 2 {
				t.Fatalf("after error, failed statement and panic: %d rows, want 2 (no half-written records)", n)
			}
			// The pool is usable after the panic (the single SQLite writer was released).
			if err := d.Write(ctx, func(tx *db.Tx) error { return insert(tx, 3) }); err != nil {
				t.Fatalf("write after panic: %v", err)
			}
			// A Read transaction cannot write (read-only on both engines).
			if err := d.Read(ctx, func(tx *db.Tx) error { return insert(tx, 4) }); err == nil {
				t.Error("a write inside Read succeeded")
			}
			if n := count(t, d, "items"); n != 3 {
				t.Fatalf("%d rows, want 3", n)
			}
		})
	}
}

// TestReadIsSnapshot checks that the queries of one Read see the same state even when a write
// commits between them (lists count their total and fetch their page in two queries).
func TestReadIsSnapshot(t *testing.T) {
	ctx := context.Background()
	for _, e := range apptest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			d := openRaw(t, e)
			exec(t, d, "CREATE TABLE items (id INTEGER PRIMARY KEY)", "INSERT INTO items (id) VALUES (1)")
			var before, after int
			err := d.Read(ctx, func(tx *db.Tx) error {
				if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM items").Scan(&before); err != nil {
					return err
				}
				if err := d.Write(ctx, func(w *db.Tx) error {
					_, err := w.ExecContext(ctx, "INSERT INTO items (id) VALUES (2)")
					return err
				}); err != nil {
					return err
				}
				return tx.QueryRowContext(ctx, "SELECT count(*) FROM items").Scan(&after)
			})
			if err != nil {
				t.Fatal(err)
			}
			if before != 1 || after != 1 {
				t.Errorf("inside one Read: %d rows, then %d after a concurrent commit; want 1 and 1", before, after)
			}
			if n := count(t, d, "items"); n != 2 {
				t.Errorf("a new Read sees %d rows, want 2", n)
			}
		})
	}
}

func TestLikeEscapes(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"abc", "%abc%"},
		{"ABC", "%abc%"},
		{"50%", `%50\%%`},
		{"a_b", `%a\_b%`},
		{`c\d`, `%c\\d%`},
		{"", "%%"},
	} {
		if got := db.Like(c.in); got != c.want {
			t.Errorf("Like(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	ctx := context.Background()
	for _, e := range apptest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			d := openRaw(t, e)
			exec(t, d, "CREATE TABLE names (name TEXT NOT NULL)")
			all := []string{"100% Hilfe", "1000 Hilfe", "a_b", "axb", `c\d`, "cd", "Groß"}
			if err := d.Write(ctx, func(tx *db.Tx) error {
				for _, n := range all {
					if _, err := tx.ExecContext(ctx, "INSERT INTO names (name) VALUES ($1)", n); err != nil {
						return err
					}
				}
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			for _, c := range []struct {
				q    string
				want []string
			}{
				{"0%", []string{"100% Hilfe"}},
				{"%", []string{"100% Hilfe"}},
				{"a_b", []string{"a_b"}},
				{"_", []string{"a_b"}},
				{`c\d`, []string{`c\d`}},
				{"HILFE", []string{"100% Hilfe", "1000 Hilfe"}},
			} {
				var got []string
				err := d.Read(ctx, func(tx *db.Tx) error {
					rows, err := tx.QueryContext(ctx, `SELECT name FROM names WHERE lower(name) LIKE $1 ESCAPE '\' ORDER BY name`, db.Like(c.q))
					if err != nil {
						return err
					}
					defer rows.Close()
					for rows.Next() {
						var s string
						if err := rows.Scan(&s); err != nil {
							return err
						}
						got = append(got, s)
					}
					return rows.Err()
				})
				if err != nil {
					t.Fatal(err)
				}
				sort.Strings(c.want)
				if !slices.Equal(got, c.want) {
					t.Errorf("search %q matched %q, want %q", c.q, got, c.want)
				}
			}
		})
	}
}

func TestConstraintErrors(t *testing.T) {
	ctx := context.Background()
	for _, e := range apptest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			d := openRaw(t, e)
			exec(t, d,
				"CREATE TABLE parents (id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE)",
				"CREATE TABLE children (id TEXT PRIMARY KEY, parent_id TEXT NOT NULL REFERENCES parents (id))",
				"INSERT INTO parents (id, name) VALUES ('p1', 'eins')",
				"INSERT INTO children (id, parent_id) VALUES ('c1', 'p1')")
			try := func(q string, args ...any) error {
				return d.Write(ctx, func(tx *db.Tx) error {
					_, err := tx.ExecContext(ctx, q, args...)
					return err
				})
			}
			for _, c := range []struct {
				name           string
				err            error
				unique, foreig bool
			}{
				{"unique column", try("INSERT INTO parents (id, name) VALUES ('p2', 'eins')"), true, false},
				{"primary key", try("INSERT INTO parents (id, name) VALUES ('p1', 'zwei')"), true, false},
				{"foreign key on insert", try("INSERT INTO children (id, parent_id) VALUES ('c2', 'nobody')"), false, true},
				{"foreign key on delete", try("DELETE FROM parents WHERE id = 'p1'"), false, true},
				{"not null", try("INSERT INTO parents (id, name) VALUES ('p3', NULL)"), false, false},
				{"wrapped unique", wrap(try("INSERT INTO parents (id, name) VALUES ('p4', 'eins')")), true, false},
				{"no error", nil, false, false},
				{"other error", errors.New("unique violation"), false, false},
			} {
				if c.err == nil && (c.unique || c.foreig) {
					t.Errorf("%s: statement succeeded", c.name)
					continue
				}
				if got := db.IsUniqueViolation(c.err); got != c.unique {
					t.Errorf("%s: IsUniqueViolation = %v, want %v (err %v)", c.name, got, c.unique, c.err)
				}
				if got := db.IsForeignKeyViolation(c.err); got != c.foreig {
					t.Errorf("%s: IsForeignKeyViolation = %v, want %v (err %v)", c.name, got, c.foreig, c.err)
				}
			}
			if n := count(t, d, "parents"); n != 1 {
				t.Errorf("%d parents after failed statements, want 1", n)
			}
		})
	}
}

func wrap(err error) error {
	if err == nil {
		return nil
	}
	return errors.Join(errors.New("context"), err)
}

func TestPositionalBinding(t *testing.T) {
	ctx := context.Background()
	for _, e := range apptest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			d := openRaw(t, e)
			exec(t, d, "CREATE TABLE pairs (a TEXT NOT NULL, b TEXT NOT NULL, n INTEGER NOT NULL)")
			var s1, s2 string
			var n int
			err := d.Write(ctx, func(tx *db.Tx) error {
				if err := tx.QueryRowContext(ctx, "SELECT $2 || $1", "eins", "zwei").Scan(&s1); err != nil {
					return err
				}
				if err := tx.QueryRowContext(ctx, "SELECT $1 || '-' || $2 || '-' || $1", "a", "b").Scan(&s2); err != nil {
					return err
				}
				// Arguments used in a different order than they are numbered, one of them twice.
				if _, err := tx.ExecContext(ctx, "INSERT INTO pairs (b, n, a) VALUES ($3, $1, $2)", 7, "x", "y"); err != nil {
					return err
				}
				return tx.QueryRowContext(ctx, "SELECT count(*) FROM pairs WHERE b = $2 AND a = $1 AND n = $3 AND a <> $2", "x", "y", 7).Scan(&n)
			})
			if err != nil {
				t.Fatal(err)
			}
			if s1 != "zweieins" || s2 != "a-b-a" || n != 1 {
				t.Errorf("got %q, %q, %d; want zweieins, a-b-a, 1", s1, s2, n)
			}
			if got := db.Placeholders(3, 4); got != "$3, $4, $5, $6" {
				t.Errorf("Placeholders(3, 4) = %q", got)
			}
			if got := db.Placeholders(9, 3); got != "$9, $10, $11" {
				t.Errorf("Placeholders(9, 3) = %q", got)
			}
		})
	}
}

var berlin = func() *time.Location {
	l, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		return time.FixedZone("CET", 3600)
	}
	return l
}()

func TestTimesRoundTrip(t *testing.T) {
	ctx := context.Background()
	base := time.Date(2026, 3, 2, 23, 59, 58, 0, time.UTC)
	times := []time.Time{
		base,
		base.Add(123456 * time.Microsecond),
		base.Add(500 * time.Millisecond),
		base.Add(100 * time.Microsecond),
		base.Add(1 * time.Microsecond),
		base.Add(999999 * time.Microsecond),
		base.Add(2 * time.Second), // next day: 2026-03-03 00:00:00
		time.Date(1999, 12, 31, 0, 0, 0, 10, time.UTC).Truncate(time.Microsecond),
		// A Berlin calendar day (as filters parse it): 2026-03-02 23:00 UTC, between rows 0 and 1
		// in time but after them as wall clock.
		time.Date(2026, 3, 3, 0, 0, 0, 0, berlin),
		time.Date(2026, 3, 2, 23, 59, 59, 250000000, time.FixedZone("UTC-5", -5*3600)),
	}
	for _, e := range apptest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			d := openRaw(t, e)
			// The migrations use TIMESTAMP on SQLite and TIMESTAMPTZ on PostgreSQL.
			ts := "TIMESTAMP"
			if e.Name == "postgres" {
				ts = "TIMESTAMPTZ"
			}
			exec(t, d, "CREATE TABLE events (id INTEGER PRIMARY KEY, at "+ts+" NOT NULL, maybe "+ts+")")
			err := d.Write(ctx, func(tx *db.Tx) error {
				for i, at := range times {
					var maybe any
					if i%2 == 0 {
						maybe = at
					}
					if _, err := tx.ExecContext(ctx, "INSERT INTO events (id, at, maybe) VALUES ($1, $2, $3)", i, at, maybe); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			err = d.Read(ctx, func(tx *db.Tx) error {
				for i, want := range times {
					var at time.Time
					var maybe sql.NullTime
					if err := tx.QueryRowContext(ctx, "SELECT at, maybe FROM events WHERE id = $1", i).Scan(&at, &maybe); err != nil {
						return err
					}
					if !at.Equal(want) {
						t.Errorf("row %d: read %s (%s), wrote %s", i, at.Format(time.RFC3339Nano), at.Location(), want.Format(time.RFC3339Nano))
					}
					if maybe.Valid != (i%2 == 0) || (maybe.Valid && !maybe.Time.Equal(want)) {
						t.Errorf("row %d: nullable time %v", i, maybe)
					}
				}
				// Comparisons and ordering in SQL agree with Go's.
				sorted := slices.Clone(times)
				slices.SortFunc(sorted, func(a, b time.Time) int { return a.Compare(b) })
				rows, err := tx.QueryContext(ctx, "SELECT at FROM events ORDER BY at")
				if err != nil {
					return err
				}
				var got []time.Time
				for rows.Next() {
					var at time.Time
					if err := rows.Scan(&at); err != nil {
						return err
					}
					got = append(got, at)
				}
				rows.Close()
				if !slices.EqualFunc(got, sorted, time.Time.Equal) {
					t.Errorf("ORDER BY at gave %v, want %v", got, sorted)
				}
				for _, pivot := range times {
					want := 0
					for _, at := range times {
						if !at.Before(pivot) {
							want++
						}
					}
					var n int
					if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM events WHERE at >= $1", pivot).Scan(&n); err != nil {
						return err
					}
					if n != want {
						t.Errorf("at >= %s: %d rows, want %d", pivot.Format(time.RFC3339Nano), n, want)
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestSQLiteDateFunctions checks that times stored by the driver are understood by SQLite's own
// date functions (the reason for _time_format=sqlite).
func TestSQLiteDateFunctions(t *testing.T) {
	ctx := context.Background()
	d := openRaw(t, apptest.SQLite)
	exec(t, d, "CREATE TABLE events (id INTEGER PRIMARY KEY, at TIMESTAMP NOT NULL)")
	at := time.Date(2026, 3, 2, 23, 59, 58, 123456000, time.UTC)
	if err := d.Write(ctx, func(tx *db.Tx) error {
		_, err := tx.ExecContext(ctx, "INSERT INTO events (id, at) VALUES (1, $1)", at)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ expr, want string }{
		{"strftime('%Y-%m', at)", "2026-03"},
		{"strftime('%Y-%m-%d %H:%M:%S', at)", "2026-03-02 23:59:58"},
		{"strftime('%f', at)", "58.123"},
		{"date(at)", "2026-03-02"},
		{"date(at, '+1 day')", "2026-03-03"},
		{"datetime(at, '+2 seconds')", "2026-03-03 00:00:00"},
		{"CAST(julianday(at) > julianday('2026-03-02') AS TEXT)", "1"},
	} {
		var got sql.NullString
		err := d.Read(ctx, func(tx *db.Tx) error {
			return tx.QueryRowContext(ctx, "SELECT "+c.expr+" FROM events WHERE id = 1").Scan(&got)
		})
		if err != nil {
			t.Fatalf("%s: %v", c.expr, err)
		}
		if !got.Valid || got.String != c.want {
			t.Errorf("%s = %v, want %q", c.expr, got, c.want)
		}
	}
}
