package migrations_test

import (
	"context"
	"io/fs"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"kim/internal/apptest"
	"kim/internal/migrations"
	"kim/internal/platform/db"
)

// Tables that are not tenant data: the tenants themselves, the chain heads (keyed by tenant id
// alone) and goose's bookkeeping.
var notTenantTables = []string{"tenants", "audit_heads", "goose_db_version", "installation"}

// schema is a database's tables with their column names in order and the columns of their
// primary key in key order.
type schema map[string]table

type table struct {
	columns []string
	pk      []string
}

func introspect(t *testing.T, d *db.DB) schema {
	t.Helper()
	ctx := context.Background()
	out := schema{}
	err := d.Read(ctx, func(tx *db.Tx) error {
		var names []string
		q := "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
		if d.Engine() == db.Postgres {
			q = "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
		}
		rows, err := tx.QueryContext(ctx, q)
		if err != nil {
			return err
		}
		for rows.Next() {
			var n string
			if err := rows.Scan(&n); err != nil {
				return err
			}
			names = append(names, n)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, n := range names {
			var tb table
			if d.Engine() == db.Postgres {
				tb.columns, err = strings1(ctx, tx, `SELECT column_name FROM information_schema.columns
					WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position`, n)
				if err != nil {
					return err
				}
				tb.pk, err = strings1(ctx, tx, `SELECT k.column_name FROM information_schema.table_constraints c
					JOIN information_schema.key_column_usage k ON k.constraint_schema = c.constraint_schema AND k.constraint_name = c.constraint_name
					WHERE c.table_schema = current_schema() AND c.table_name = $1 AND c.constraint_type = 'PRIMARY KEY'
					ORDER BY k.ordinal_position`, n)
			} else {
				tb.columns, err = strings1(ctx, tx, "SELECT name FROM pragma_table_info($1) ORDER BY cid", n)
				if err != nil {
					return err
				}
				tb.pk, err = strings1(ctx, tx, "SELECT name FROM pragma_table_info($1) WHERE pk > 0 ORDER BY pk", n)
			}
			if err != nil {
				return err
			}
			out[n] = tb
		}
		return nil
	})
	if err != nil {
		t.Fatalf("introspect %s: %v", d.Engine(), err)
	}
	if len(out) == 0 {
		t.Fatalf("introspect %s: no tables found", d.Engine())
	}
	return out
}

func strings1(ctx context.Context, tx *db.Tx, q string, args ...any) ([]string, error) {
	rows, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

func (s schema) names() []string {
	var out []string
	for n := range s {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

func TestMigrationFilesInLockstep(t *testing.T) {
	list := func(dir string) []string {
		entries, err := fs.ReadDir(migrations.FS, dir)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, e := range entries {
			out = append(out, e.Name())
		}
		return out
	}
	lite, pg := list("sqlite"), list("postgres")
	if len(lite) == 0 || !slices.Equal(lite, pg) {
		t.Errorf("migration files differ between engines:\nsqlite:   %v\npostgres: %v", lite, pg)
	}
}

func TestMigrateTwiceIsNoOp(t *testing.T) {
	ctx := context.Background()
	for _, e := range apptest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			d := apptest.OpenDB(t, e, db.Options{})
			v1, err := d.SchemaVersion(ctx)
			if err != nil || v1 < 1 {
				t.Fatalf("schema version %d, %v", v1, err)
			}
			now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
			if err := d.Write(ctx, func(tx *db.Tx) error {
				_, err := tx.ExecContext(ctx, "INSERT INTO tenants (id, slug, name, created_at, updated_at) VALUES ($1, 'x', 'X', $2, $2)",
					"0190b9a0-0000-7000-8000-000000000001", now)
				return err
			}); err != nil {
				t.Fatal(err)
			}
			before := introspect(t, d)
			var rows1 int
			w, _ := d.Pools()
			if err := w.QueryRowContext(ctx, "SELECT count(*) FROM goose_db_version").Scan(&rows1); err != nil {
				t.Fatal(err)
			}
			for i := 0; i < 2; i++ {
				if err := d.Migrate(ctx); err != nil {
					t.Fatalf("migrate again: %v", err)
				}
			}
			v2, err := d.SchemaVersion(ctx)
			if err != nil || v2 != v1 {
				t.Errorf("schema version %d after migrating again, was %d (%v)", v2, v1, err)
			}
			var rows2, tenants int
			if err := w.QueryRowContext(ctx, "SELECT count(*) FROM goose_db_version").Scan(&rows2); err != nil {
				t.Fatal(err)
			}
			if err := w.QueryRowContext(ctx, "SELECT count(*) FROM tenants").Scan(&tenants); err != nil {
				t.Fatal(err)
			}
			if rows2 != rows1 || tenants != 1 {
				t.Errorf("migrating again changed the database: goose rows %d → %d, tenants %d", rows1, rows2, tenants)
			}
			after := introspect(t, d)
			if !slices.Equal(before.names(), after.names()) {
				t.Errorf("tables changed: %v → %v", before.names(), after.names())
			}
		})
	}
}

func TestEnginesHaveTheSameSchema(t *testing.T) {
	lite := introspect(t, apptest.OpenDB(t, apptest.SQLite, db.Options{}))
	pg := introspect(t, apptest.OpenDB(t, apptest.Postgres, db.Options{}))
	if !slices.Equal(lite.names(), pg.names()) {
		t.Fatalf("tables differ:\nsqlite:   %v\npostgres: %v", lite.names(), pg.names())
	}
	for _, n := range lite.names() {
		if !slices.Equal(lite[n].columns, pg[n].columns) {
			t.Errorf("%s: columns differ:\nsqlite:   %v\npostgres: %v", n, lite[n].columns, pg[n].columns)
		}
		if !slices.Equal(lite[n].pk, pg[n].pk) {
			t.Errorf("%s: primary keys differ: sqlite %v, postgres %v", n, lite[n].pk, pg[n].pk)
		}
	}
}

func TestTenantLeadsEveryPrimaryKey(t *testing.T) {
	for _, e := range apptest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			s := introspect(t, apptest.OpenDB(t, e, db.Options{}))
			for _, want := range []string{"tenants", "audit_log", "audit_heads", "goose_db_version", "users", "sessions"} {
				if _, ok := s[want]; !ok {
					t.Errorf("table %s missing", want)
				}
			}
			if pk := s["audit_log"].pk; !slices.Equal(pk, []string{"tenant_id", "seq"}) {
				t.Errorf("audit_log primary key %v, want [tenant_id seq]", pk)
			}
			for _, n := range s.names() {
				tb := s[n]
				if slices.Contains(notTenantTables, n) {
					continue
				}
				if len(tb.pk) == 0 {
					t.Errorf("%s has no primary key", n)
					continue
				}
				if tb.pk[0] != "tenant_id" {
					t.Errorf("%s: primary key %v does not start with tenant_id", n, tb.pk)
				}
				if len(tb.pk) < 2 {
					t.Errorf("%s: primary key %v is tenant_id alone", n, tb.pk)
				}
			}
		})
	}
}

func TestAuditLogIsAppendOnly(t *testing.T) {
	ctx := context.Background()
	for _, e := range apptest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			d := apptest.OpenDB(t, e, db.Options{})
			tenant := "0190b9a0-0000-7000-8000-000000000002"
			at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
			if err := d.Write(ctx, func(tx *db.Tx) error {
				_, err := tx.ExecContext(ctx, `INSERT INTO audit_log (tenant_id, seq, id, at, action, prev_hash, hash)
					VALUES ($1, 1, $2, $3, 'test.create', 'p', 'h')`, tenant, "0190b9a0-0000-7000-8000-000000000003", at)
				return err
			}); err != nil {
				t.Fatalf("insert: %v", err)
			}
			stmts := []string{
				"UPDATE audit_log SET action = 'test.forged' WHERE tenant_id = $1",
				"UPDATE audit_log SET seq = 2 WHERE tenant_id = $1",
				"DELETE FROM audit_log WHERE tenant_id = $1",
			}
			if e.Name == "postgres" {
				stmts = append(stmts, "TRUNCATE audit_log")
			}
			for _, s := range stmts {
				err := d.Write(ctx, func(tx *db.Tx) error {
					args := []any{tenant}
					if !strings.Contains(s, "$1") {
						args = nil
					}
					_, err := tx.ExecContext(ctx, s, args...)
					return err
				})
				if err == nil || !strings.Contains(err.Error(), "append-only") {
					t.Errorf("%s: %v, want the append-only trigger to refuse", s, err)
				}
			}
			var action string
			var seq int
			if err := d.Read(ctx, func(tx *db.Tx) error {
				return tx.QueryRowContext(ctx, "SELECT seq, action FROM audit_log WHERE tenant_id = $1", tenant).Scan(&seq, &action)
			}); err != nil {
				t.Fatalf("entry gone: %v", err)
			}
			if seq != 1 || action != "test.create" {
				t.Errorf("entry changed to seq %d, action %q", seq, action)
			}
		})
	}
}
