package main

import (
	"bytes"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"kim/internal/apptest"
	"kim/internal/platform/db"
	"kim/internal/platform/vault"
)

// keysTestColumn stands in for a room's encrypted column.
var keysTestColumn = vault.Column{Table: "keys_test_notes", IDColumn: "id", Column: "body"}

func init() { vault.Register(keysTestColumn) }

func TestKeysRotate(t *testing.T) {
	for _, e := range apptest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			c := newCLI(t, e)
			c.ok("", "tenant", "add", "--slug", "teststadt", "--name", "Stadt Test")
			c.ok("", "tenant", "add", "--slug", "zweitstadt", "--name", "Stadt Zwei")
			a := c.open()
			t1, err := a.Dir.TenantBySlug(bg, "teststadt")
			if err != nil {
				t.Fatal(err)
			}
			idType, blob := "TEXT", "BLOB"
			if e.Name == "postgres" {
				idType, blob = "UUID", "BYTEA"
			}
			noteID := func(i int) string { return fmt.Sprintf("0190b9a0-0000-7000-8000-%012d", i) }
			v := vault.New(a.DB, a.Keys)
			write := func(fn func(tx *db.Tx) error) {
				t.Helper()
				if err := a.DB.Write(bg, fn); err != nil {
					t.Fatal(err)
				}
			}
			write(func(tx *db.Tx) error {
				if _, err := tx.ExecContext(bg, "CREATE TABLE keys_test_notes (tenant_id "+idType+" NOT NULL REFERENCES tenants (id), id "+idType+
					" NOT NULL, body "+blob+", PRIMARY KEY (tenant_id, id))"); err != nil {
					return err
				}
				for i := 0; i < 3; i++ {
					ct, err := v.SealString(bg, tx, t1.ID, fmt.Sprintf("Notiz %d", i), keysTestColumn.AAD(noteID(i)))
					if err != nil {
						return err
					}
					if _, err := tx.ExecContext(bg, "INSERT INTO keys_test_notes (tenant_id, id, body) VALUES ($1, $2, $3)", t1.ID, noteID(i), ct); err != nil {
						return err
					}
				}
				return nil
			})
			stored := func() [][]byte {
				var out [][]byte
				if err := a.DB.Read(bg, func(tx *db.Tx) error {
					rows, err := tx.QueryContext(bg, "SELECT body FROM keys_test_notes WHERE tenant_id = $1 ORDER BY id", t1.ID)
					if err != nil {
						return err
					}
					defer rows.Close()
					for rows.Next() {
						var b []byte
						if err := rows.Scan(&b); err != nil {
							return err
						}
						out = append(out, b)
					}
					return rows.Err()
				}); err != nil {
					t.Fatal(err)
				}
				return out
			}
			checkOpen := func() {
				t.Helper()
				fresh := vault.New(a.DB, a.Keys)
				for i, ct := range stored() {
					var pt string
					err := a.DB.Read(bg, func(tx *db.Tx) (err error) {
						pt, err = fresh.OpenString(bg, tx, t1.ID, ct, keysTestColumn.AAD(noteID(i)))
						return err
					})
					if err != nil || pt != fmt.Sprintf("Notiz %d", i) {
						t.Errorf("note %d after rotation: %q, %v", i, pt, err)
					}
				}
			}
			before := stored()

			r := c.run("", "keys", "rotate")
			if r.code != 0 || r.stderr != "" || r.stdout != "teststadt: 3 values re-encrypted\nzweitstadt: 0 values re-encrypted\n" {
				t.Fatalf("kim keys rotate: %s", r)
			}
			after := stored()
			for i := range after {
				if bytes.Equal(after[i][1:17], before[i][1:17]) {
					t.Errorf("note %d still uses its old key", i)
				}
			}
			checkOpen()
			if r := c.run("", "keys", "rotate", "--tenant", "teststadt"); r.code != 0 || r.stdout != "teststadt: 3 values re-encrypted\n" {
				t.Errorf("kim keys rotate --tenant teststadt: %s", r)
			}
			checkOpen()
			var keys, retired int
			if err := a.DB.Read(bg, func(tx *db.Tx) error {
				return tx.QueryRowContext(bg, "SELECT count(*), count(retired_at) FROM data_keys WHERE tenant_id = $1", t1.ID).Scan(&keys, &retired)
			}); err != nil {
				t.Fatal(err)
			}
			if keys != 3 || retired != 2 {
				t.Errorf("teststadt has %d data keys, %d retired; want 3 and 2", keys, retired)
			}
			if r := c.run("", "audit", "verify"); r.code != 0 || r.stdout != "ok\n" {
				t.Errorf("audit verify after the rotations: %s", r)
			}

			// A value that does not open is reported in one line; the other tenants are rotated.
			write(func(tx *db.Tx) error {
				_, err := tx.ExecContext(bg, "UPDATE keys_test_notes SET body = $1 WHERE tenant_id = $2 AND id = $3", after[0], t1.ID, noteID(1))
				return err
			})
			r = c.run("", "keys", "rotate")
			wantOneLine(t, r, 1, "rotate with a value that does not open")
			if !strings.Contains(r.stderr, "teststadt") || !strings.Contains(r.stderr, "1 values did not open") ||
				r.stdout != "teststadt: 2 values re-encrypted\nzweitstadt: 0 values re-encrypted\n" {
				t.Errorf("rotate with a value that does not open: %s", r)
			}
		})
	}
}

func TestKeysBadArguments(t *testing.T) {
	dsn := filepath.Join(t.TempDir(), "kim.db")
	if r := runKim(nil, "", "migrate", "--db", dsn); r.code != 0 {
		t.Fatalf("migrate: %s", r)
	}
	missing := filepath.Join(t.TempDir(), "nirgendwo.db")
	for _, c := range []struct {
		name string
		args []string
	}{
		{"keys without sub-command", []string{"keys"}},
		{"keys with a flag only", []string{"keys", "--db", dsn}},
		{"unknown keys command", []string{"keys", "drop", "--db", dsn}},
		{"unknown flag", []string{"keys", "rotate", "--db", dsn, "--nope"}},
		{"extra argument", []string{"keys", "rotate", "--db", dsn, "jetzt"}},
		{"unknown tenant", []string{"keys", "rotate", "--db", dsn, "--tenant", "nirgendwo"}},
		{"missing database", []string{"keys", "rotate", "--db", missing}},
	} {
		wantOneLine(t, runKim(nil, "", c.args...), 2, c.name)
	}
	if r := runKim(nil, "", "help"); !strings.Contains(r.stdout, "keys rotate") {
		t.Error("help does not mention keys rotate")
	}
	// An empty installation has nothing to rotate.
	if r := runKim(nil, "", "keys", "rotate", "--db", dsn); r.code != 0 || r.stdout != "" || r.stderr != "" {
		t.Errorf("keys rotate without tenants: %s", r)
	}
}
