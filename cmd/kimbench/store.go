package main

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	_ "github.com/jackc/pgx/v5/stdlib" // driver "pgx" for creating and dropping databases
	_ "modernc.org/sqlite"             // driver "sqlite" for the version only
)

// store makes fresh databases of one engine for the measurements and removes them afterwards.
type store interface {
	Name() string
	Version(ctx context.Context) string
	Fresh(ctx context.Context, label string) (string, error)
	Copy(ctx context.Context, src, label string) (string, error)
	Size(ctx context.Context, dsn string) int64
	Env() []string
	Close()
}

// sqliteStore keeps each database in a directory of its own (the key file lives beside it).
type sqliteStore struct{ tmp string }

func (s *sqliteStore) Name() string { return "SQLite" }

func (s *sqliteStore) Version(ctx context.Context) string {
	d, err := sql.Open("sqlite", ":memory:")
	if err != nil {
		return "?"
	}
	defer d.Close()
	var v string
	if err := d.QueryRowContext(ctx, "SELECT sqlite_version()").Scan(&v); err != nil {
		return "?"
	}
	return v + " (modernc.org/sqlite, WAL, synchronous=FULL)"
}

func (s *sqliteStore) Fresh(_ context.Context, label string) (string, error) {
	dir := filepath.Join(s.tmp, label)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", err
	}
	return filepath.Join(dir, "kim.db"), nil
}

// Copy copies the database directory of src (database, WAL files if any, key file). The
// source must not be open.
func (s *sqliteStore) Copy(ctx context.Context, src, label string) (string, error) {
	dst, err := s.Fresh(ctx, label)
	if err != nil {
		return "", err
	}
	entries, err := os.ReadDir(filepath.Dir(src))
	if err != nil {
		return "", err
	}
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		if err := copyFile(filepath.Join(filepath.Dir(src), e.Name()), filepath.Join(filepath.Dir(dst), e.Name())); err != nil {
			return "", err
		}
	}
	return dst, nil
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	st, err := in.Stat()
	if err != nil {
		return err
	}
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, st.Mode().Perm()|0o200)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Close(); err != nil {
		return err
	}
	return os.Chmod(dst, st.Mode().Perm())
}

func (s *sqliteStore) Size(_ context.Context, dsn string) int64 {
	var n int64
	for _, suffix := range []string{"", "-wal"} {
		if st, err := os.Stat(dsn + suffix); err == nil {
			n += st.Size()
		}
	}
	return n
}

func (s *sqliteStore) Env() []string { return nil }
func (s *sqliteStore) Close()        {}

// pgStore creates databases kimbench_<pid>_<label> on the server of the given URL (connected
// as its user, who must be allowed to create databases) and drops them at the end. Copies use
// CREATE DATABASE … TEMPLATE.
type pgStore struct {
	base    *url.URL
	admin   *sql.DB
	prefix  string
	keyFile string
	created []string
}

func newPGStore(ctx context.Context, dsn, tmp string) (*pgStore, error) {
	u, err := url.Parse(dsn)
	if err != nil {
		return nil, fmt.Errorf("-db: %w", err)
	}
	admin, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, err
	}
	if err := admin.PingContext(ctx); err != nil {
		admin.Close()
		return nil, fmt.Errorf("connect to %s: %w", redact(u), err)
	}
	admin.SetMaxOpenConns(1)
	// KIM_KEY_FILE is required on PostgreSQL: 64 hex characters, mode 0600.
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	keyFile := filepath.Join(tmp, "pg.key")
	if err := os.WriteFile(keyFile, []byte(hex.EncodeToString(key)+"\n"), 0o600); err != nil {
		admin.Close()
		return nil, err
	}
	return &pgStore{base: u, admin: admin, prefix: fmt.Sprintf("kimbench_%d_", os.Getpid()), keyFile: keyFile}, nil
}

func redact(u *url.URL) string {
	c := *u
	if c.User != nil {
		c.User = url.User(c.User.Username())
	}
	return c.String()
}

func (s *pgStore) Name() string { return "PostgreSQL" }

func (s *pgStore) Version(ctx context.Context) string {
	var v string
	if err := s.admin.QueryRowContext(ctx, "SHOW server_version").Scan(&v); err != nil {
		return "?"
	}
	return v + " (pgx v5 stdlib, " + redact(s.base) + ")"
}

func (s *pgStore) dsn(name string) string {
	u := *s.base
	u.Path = "/" + name
	return u.String()
}

func (s *pgStore) dbName(dsn string) string {
	u, _ := url.Parse(dsn)
	return strings.TrimPrefix(u.Path, "/")
}

func (s *pgStore) create(ctx context.Context, label, template string) (string, error) {
	name := s.prefix + strings.ReplaceAll(label, "-", "_")
	q := "CREATE DATABASE " + name
	if template != "" {
		q += " TEMPLATE " + template
	}
	if _, err := s.admin.ExecContext(ctx, q); err != nil {
		return "", fmt.Errorf("%s: %w", q, err)
	}
	s.created = append(s.created, name)
	return s.dsn(name), nil
}

func (s *pgStore) Fresh(ctx context.Context, label string) (string, error) {
	return s.create(ctx, label, "")
}

func (s *pgStore) Copy(ctx context.Context, src, label string) (string, error) {
	return s.create(ctx, label, s.dbName(src))
}

func (s *pgStore) Size(ctx context.Context, dsn string) int64 {
	var n int64
	_ = s.admin.QueryRowContext(ctx, "SELECT pg_database_size($1)", s.dbName(dsn)).Scan(&n)
	return n
}

func (s *pgStore) Env() []string { return []string{"KIM_KEY_FILE=" + s.keyFile} }

// Close drops every database the run created (also after an interrupt).
func (s *pgStore) Close() {
	for _, name := range s.created {
		_, _ = s.admin.ExecContext(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
	}
	s.admin.Close()
}
