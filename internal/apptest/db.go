// Package apptest starts real KIM instances for tests: on SQLite always, and on PostgreSQL
// when KIM_TEST_POSTGRES_URL is set (each test gets its own schema). With CI=true a missing
// PostgreSQL fails the test instead of skipping it.
package apptest

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"kim/internal/platform/auth"
	"kim/internal/platform/db"
)

// Engine is a database engine a test can run on.
type Engine struct {
	Name string
	// DSN returns a fresh, empty database for t (cleaned up after the test).
	DSN func(t testing.TB) string
}

// CI reports whether the tests run in CI, where optional components are required.
func CI() bool { return os.Getenv("CI") == "true" }

// PostgresURL returns the server URL for PostgreSQL tests, or "" (skipping or failing as
// appropriate is up to the caller; see Engines).
func PostgresURL() string { return os.Getenv("KIM_TEST_POSTGRES_URL") }

// SQLite is the embedded engine: a new database file in a temporary directory.
var SQLite = Engine{Name: "sqlite", DSN: func(t testing.TB) string {
	return filepath.Join(t.TempDir(), "kim.db")
}}

// Postgres is the PostgreSQL engine: a new schema per test on the server named by
// KIM_TEST_POSTGRES_URL, dropped afterwards.
var Postgres = Engine{Name: "postgres", DSN: func(t testing.TB) string {
	base := PostgresURL()
	if base == "" {
		if CI() {
			t.Fatal("KIM_TEST_POSTGRES_URL is not set, but CI=true requires the PostgreSQL tests")
		}
		t.Skip("PostgreSQL tests skipped: set KIM_TEST_POSTGRES_URL (e.g. postgres://postgres@127.0.0.1:5432/kim_test?sslmode=disable)")
	}
	schema := "t_" + strings.ToLower(strings.ReplaceAll(auth.RandomString(9), "-", "x"))
	schema = strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_' {
			return r
		}
		return 'x'
	}, schema)
	conn, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.Exec("CREATE SCHEMA " + schema); err != nil {
		t.Fatalf("create schema on %s: %v", redact(base), err)
	}
	t.Cleanup(func() {
		c, err := sql.Open("pgx", base)
		if err != nil {
			return
		}
		defer c.Close()
		_, _ = c.Exec("DROP SCHEMA " + schema + " CASCADE")
	})
	sep := "?"
	if strings.Contains(base, "?") {
		sep = "&"
	}
	return base + sep + "search_path=" + schema
}}

func redact(u string) string {
	if i := strings.Index(u, "@"); i > 0 {
		if j := strings.Index(u, "://"); j > 0 && j < i {
			return u[:j+3] + "…" + u[i:]
		}
	}
	return u
}

// Engines returns the engines to run a test on: SQLite, and PostgreSQL when configured (or
// required by CI). Use it with t.Run(e.Name, …).
func Engines() []Engine {
	if PostgresURL() != "" || CI() {
		return []Engine{SQLite, Postgres}
	}
	return []Engine{SQLite}
}

// OpenDB opens and migrates a fresh database on e.
func OpenDB(t testing.TB, e Engine, opt db.Options) *db.DB {
	t.Helper()
	d, err := db.Open(context.Background(), e.DSN(t), opt)
	if err != nil {
		t.Fatalf("open %s: %v", e.Name, err)
	}
	t.Cleanup(func() { d.Close() })
	if err := d.Migrate(context.Background()); err != nil {
		t.Fatalf("migrate %s: %v", e.Name, err)
	}
	return d
}
