package db

import (
	"context"
	"database/sql"
	"fmt"
	"io/fs"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"

	"kim/internal/migrations"
)

// Migrate applies all pending migrations. It uses its own connection so that goose's session
// handling does not compete with the single SQLite writer connection; on PostgreSQL a session
// advisory lock lets several kim nodes start at once.
func (d *DB) Migrate(ctx context.Context) error {
	var (
		conn    *sql.DB
		err     error
		dialect goose.Dialect
		opts    = []goose.ProviderOption{goose.WithDisableGlobalRegistry(true)}
	)
	sub, err := fs.Sub(migrations.FS, string(d.engine))
	if err != nil {
		return err
	}
	switch d.engine {
	case Postgres:
		conn, err = sql.Open("pgx", d.dsn)
		dialect = goose.DialectPostgres
		locker, lerr := lock.NewPostgresSessionLocker()
		if lerr != nil {
			return lerr
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	default:
		conn, err = sql.Open("sqlite", sqliteDSN(sqlitePath(d.dsn), false))
		dialect = goose.DialectSQLite3
	}
	if err != nil {
		return err
	}
	defer conn.Close()
	p, err := goose.NewProvider(dialect, conn, sub, opts...)
	if err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	return nil
}

// SchemaVersion returns the newest applied migration version.
func (d *DB) SchemaVersion(ctx context.Context) (int64, error) {
	var v sql.NullInt64
	err := d.r.QueryRowContext(ctx, "SELECT max(version_id) FROM goose_db_version WHERE is_applied").Scan(&v)
	return v.Int64, err
}
