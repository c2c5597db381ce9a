package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"kim/internal/accounts"
	"kim/internal/app"
	"kim/internal/apptest"
	"kim/internal/platform/auth"
	"kim/internal/platform/db"
)

var bg = context.Background()

// cli runs the kim command in-process against one database.
type cli struct {
	t   *testing.T
	dsn string
	env map[string]string
}

// newCLI prepares a fresh database on e. SQLite keeps its key beside the database file;
// PostgreSQL needs KIM_KEY_FILE, which gets a new key readable by the owner only.
func newCLI(t *testing.T, e apptest.Engine) *cli {
	c := &cli{t: t, dsn: e.DSN(t), env: map[string]string{}}
	if e.Name == "postgres" {
		path := filepath.Join(t.TempDir(), "kim.key")
		if err := os.WriteFile(path, []byte(strings.Repeat("3f", 32)+"\n"), 0o400); err != nil {
			t.Fatal(err)
		}
		c.env["KIM_KEY_FILE"] = path
	}
	return c
}

type result struct {
	code           int
	stdout, stderr string
}

func (r result) String() string {
	return fmt.Sprintf("exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
}

// runKim calls run with an environment that holds only env (nothing leaks in from the test
// process).
func runKim(env map[string]string, stdin string, args ...string) result {
	var out, errb bytes.Buffer
	code := run(bg, args, func(k string) string { return env[k] }, strings.NewReader(stdin), &out, &errb)
	return result{code, out.String(), errb.String()}
}

// run runs a command with --db appended.
func (c *cli) run(stdin string, args ...string) result {
	return runKim(c.env, stdin, append(args, "--db", c.dsn)...)
}

// ok runs a command that must succeed.
func (c *cli) ok(stdin string, args ...string) string {
	c.t.Helper()
	r := c.run(stdin, args...)
	if r.code != 0 {
		c.t.Fatalf("kim %s: %s", strings.Join(args, " "), r)
	}
	return r.stdout
}

// open starts the application on the command's database (for checks through the services).
func (c *cli) open() *app.App {
	c.t.Helper()
	cfg := app.Defaults()
	cfg.DSN, cfg.KeyFile, cfg.PasswordParams, cfg.LogLevel = c.dsn, c.env["KIM_KEY_FILE"], auth.TestParams, "error"
	a, err := app.New(bg, cfg, app.NewLogger(cfg, io.Discard))
	if err != nil {
		c.t.Fatalf("open application: %v", err)
	}
	c.t.Cleanup(func() { a.Close() })
	return a
}

func wantOneLine(t *testing.T, r result, code int, what string) {
	t.Helper()
	if r.code != code || strings.Count(r.stderr, "\n") != 1 || !strings.HasPrefix(r.stderr, "kim: ") || !strings.HasSuffix(r.stderr, "\n") {
		t.Errorf("%s: %s; want exit %d with one line on stderr", what, r, code)
	}
}

func TestVersion(t *testing.T) {
	r := runKim(nil, "", "version")
	if r.code != 0 || !regexp.MustCompile(`^kim \S+\n$`).MatchString(r.stdout) || r.stderr != "" {
		t.Errorf("version: %s", r)
	}
	if r := runKim(nil, "", "help"); r.code != 0 || !strings.Contains(r.stdout, "audit verify") {
		t.Errorf("help: %s", r)
	}
}

func TestBadArgumentsExitTwoWithOneLine(t *testing.T) {
	dsn := filepath.Join(t.TempDir(), "kim.db")
	if r := runKim(nil, "", "migrate", "--db", dsn); r.code != 0 {
		t.Fatalf("migrate: %s", r)
	}
	for _, c := range []struct {
		name  string
		env   map[string]string
		stdin string
		args  []string
	}{
		{"unknown command", nil, "", []string{"frobnicate"}},
		{"command without sub-command", nil, "", []string{"seed"}},
		{"unknown sub-command", nil, "", []string{"seed", "nonsense"}},
		{"user without sub-command", nil, "", []string{"user", "--db", dsn}},
		{"unknown audit command", nil, "", []string{"audit", "check"}},
		{"unknown flag", nil, "", []string{"migrate", "--nope"}},
		{"flag without value", nil, "", []string{"migrate", "--db"}},
		{"extra argument", nil, "", []string{"migrate", "--db", dsn, "extra"}},
		{"serve without address", nil, "", []string{"serve", "--addr"}},
		{"serve with a bad boolean", nil, "", []string{"serve", "--demo=vielleicht"}},
		{"bad environment", map[string]string{"KIM_LOG_FORMAT": "xml"}, "", []string{"migrate", "--db", dsn}},
		{"bad session setting", map[string]string{"KIM_SESSION_IDLE": "-5m"}, "", []string{"migrate", "--db", dsn}},
		{"synthetic without tenants", nil, "", []string{"seed", "synthetic", "--db", dsn, "--tenants", "0"}},
		{"synthetic with a word", nil, "", []string{"seed", "synthetic", "--db", dsn, "--tenants", "zwei"}},
		{"synthetic with negative clients", nil, "", []string{"seed", "synthetic", "--db", dsn, "--tenants", "1", "--clients", "-1"}},
		{"tenant add without slug", nil, "", []string{"tenant", "add", "--db", dsn, "--name", "Stadt"}},
		{"token without tenant", nil, "", []string{"user", "token", "--db", dsn, "--email", "a@b.example"}},
		{"token for unknown tenant", nil, "", []string{"user", "token", "--db", dsn, "--tenant", "nirgendwo", "--email", "a@b.example"}},
		{"passwd for unknown tenant", nil, "Passwort-123456", []string{"user", "passwd", "--db", dsn, "--tenant", "nirgendwo", "--email", "a@b.example"}},
		{"verify unknown tenant", nil, "", []string{"audit", "verify", "--db", dsn, "--tenant", "nirgendwo"}},
	} {
		wantOneLine(t, runKim(c.env, c.stdin, c.args...), 2, c.name)
	}
	// Without any command, kim names the problem in one line too.
	wantOneLine(t, runKim(nil, ""), 2, "no command")
}

// countRows counts the directory and account records of the database.
func countRows(t *testing.T, c *cli) map[string]int {
	t.Helper()
	d, err := db.Open(bg, c.dsn, db.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	out := map[string]int{}
	for _, table := range []string{"tenants", "organisations", "districts", "quarters", "locations", "users"} {
		var n int
		if err := d.Read(bg, func(tx *db.Tx) error {
			return tx.QueryRowContext(bg, "SELECT count(*) FROM "+table).Scan(&n)
		}); err != nil {
			t.Fatal(err)
		}
		out[table] = n
	}
	return out
}

func TestCommands(t *testing.T) {
	for _, e := range apptest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			c := newCLI(t, e)
			for i := 0; i < 2; i++ {
				if out := c.ok("", "migrate"); !regexp.MustCompile(`^schema version [1-9][0-9]*\n$`).MatchString(out) {
					t.Fatalf("migrate: %q", out)
				}
			}

			if out := c.ok("", "seed", "demo"); !strings.Contains(out, `"solingen"`) {
				t.Errorf("seed demo: %q", out)
			}
			first := countRows(t, c)
			c.ok("", "seed", "demo")
			if second := countRows(t, c); !mapsEqual(first, second) {
				t.Errorf("seeding the demo twice: %v, then %v", first, second)
			}
			if first["tenants"] != 1 || first["organisations"] < 7 || first["districts"] != 5 || first["users"] < 9 {
				t.Errorf("demo data: %v", first)
			}

			if out := c.ok("", "tenant", "add", "--slug", "teststadt", "--name", "Stadt Test"); !strings.Contains(out, "teststadt") {
				t.Errorf("tenant add: %q", out)
			}
			wantOneLine(t, c.run("", "tenant", "add", "--slug", "teststadt", "--name", "Stadt Test"), 1, "tenant add twice")

			user := []string{"user", "add", "--tenant", "teststadt", "--email", "op@test.example", "--name", "Operatorin",
				"--role", "case_manager", "--organisation", "Stadt Test"}
			if out := c.ok("Operator-Passwort-2026\n", append(user, "--password-stdin")...); !strings.Contains(out, "op@test.example") {
				t.Errorf("user add: %q", out)
			}
			wantOneLine(t, c.run("Operator-Passwort-2026\n", append(user, "--password-stdin")...), 1, "user add twice")
			wantOneLine(t, c.run("", "user", "add", "--tenant", "teststadt", "--email", "x@test.example", "--name", "X", "--role", "chef", "--organisation", "Stadt Test"), 2, "unknown role")
			wantOneLine(t, c.run("", "user", "add", "--tenant", "teststadt", "--email", "x@test.example", "--name", "X", "--role", "case_manager", "--organisation", "Nirgendwo"), 2, "unknown organisation")
			wantOneLine(t, c.run("", append(user[:len(user)-2:len(user)-2], "--organisation", "Stadt Test", "--password-stdin")...), 2, "user add without password on stdin")

			out := c.ok("", "user", "add", "--tenant", "teststadt", "--email", "neu@test.example", "--name", "Neu", "--role", "coordinator", "--organisation", "Stadt Test")
			code := regexp.MustCompile(`activation code: ([A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4})`).FindStringSubmatch(out)
			if code == nil {
				t.Fatalf("user add without password printed no activation code: %q", out)
			}

			c.ok("Neues-Operator-Passwort-26\n", "user", "passwd", "--tenant", "teststadt", "--email", "op@test.example")
			wantOneLine(t, c.run("", "user", "passwd", "--tenant", "teststadt", "--email", "op@test.example"), 2, "passwd with empty stdin")
			wantOneLine(t, c.run("Passwort-fuer-Niemand-1\n", "user", "passwd", "--tenant", "teststadt", "--email", "niemand@test.example"), 2, "passwd for unknown account")

			r := c.run("", "user", "token", "--tenant", "solingen", "--email", "cm.awo@solingen.example", "--name", "ci")
			if r.code != 0 || r.stderr != "" || !regexp.MustCompile(`^kim_[0-9a-f]{32}_[A-Za-z0-9_-]{43}\n$`).MatchString(r.stdout) {
				t.Fatalf("user token: %s", r)
			}
			token := strings.TrimSpace(r.stdout)
			wantOneLine(t, c.run("", "user", "token", "--tenant", "solingen", "--email", "niemand@solingen.example"), 2, "token for unknown account")

			// Check the results through the services and the API.
			a := c.open()
			login := func(email, password string) error {
				_, err := a.Accounts.Login(bg, accounts.LoginInput{TenantSlug: "teststadt", Email: email, Password: password, IP: "192.0.2.1"})
				return err
			}
			if err := login("op@test.example", "Operator-Passwort-2026"); err == nil {
				t.Error("the old password still works after user passwd")
			}
			if err := login("op@test.example", "Neues-Operator-Passwort-26"); err != nil {
				t.Errorf("login with the password from user passwd: %v", err)
			}
			if err := a.Accounts.Activate(bg, "teststadt", "neu@test.example", code[1], "Aktivierung-im-Test-2026", "192.0.2.1"); err != nil {
				t.Errorf("activate with the printed code: %v", err)
			}
			if err := login("neu@test.example", "Aktivierung-im-Test-2026"); err != nil {
				t.Errorf("login after activation: %v", err)
			}
			srv := httptest.NewServer(a.Handler())
			defer srv.Close()
			req, _ := http.NewRequest(http.MethodGet, srv.URL+"/api/v1/me", nil)
			req.Header.Set("Authorization", "Bearer "+token)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			var me accounts.MeResponse
			err = json.NewDecoder(resp.Body).Decode(&me)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK || err != nil || me.Email != "cm.awo@solingen.example" || me.Tenant != "solingen" {
				t.Errorf("GET /api/v1/me with the printed token: %d %+v %v", resp.StatusCode, me, err)
			}

			for _, args := range [][]string{{"audit", "verify"}, {"audit", "verify", "--tenant", "solingen"}} {
				if r := c.run("", args...); r.code != 0 || r.stdout != "ok\n" || r.stderr != "" {
					t.Errorf("kim %s: %s", strings.Join(args, " "), r)
				}
			}
			verifyFindsCutWithCheckpoints(t, c)
			verifyDetectsTampering(t, c)
		})
	}
}

// verifyFindsCutWithCheckpoints cuts the newest entries off the demo tenant's chain and sets its
// head back: only a checkpoint saved before (kim audit checkpoint) reveals it.
func verifyFindsCutWithCheckpoints(t *testing.T, c *cli) {
	r := c.run("", "audit", "checkpoint")
	if r.code != 0 || strings.Count(r.stdout, "checkpoint ") < 2 {
		t.Fatalf("kim audit checkpoint: %s", r)
	}
	file := filepath.Join(t.TempDir(), "checkpoints.txt")
	if err := os.WriteFile(file, []byte(r.stdout), 0o600); err != nil {
		t.Fatal(err)
	}
	d, err := db.Open(bg, c.dsn, db.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var last int64
	err = d.Write(bg, func(tx *db.Tx) error {
		var tenantID, hash string
		if err := tx.QueryRowContext(bg, "SELECT CAST(id AS TEXT) FROM tenants WHERE slug = 'solingen'").Scan(&tenantID); err != nil {
			return err
		}
		if err := tx.QueryRowContext(bg, "SELECT seq FROM audit_heads WHERE tenant_id = $1", tenantID).Scan(&last); err != nil {
			return err
		}
		drop := []string{"DROP TRIGGER audit_log_no_delete"}
		if tx.Engine == db.Postgres {
			drop = []string{"DROP TRIGGER audit_log_no_update ON audit_log", "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()"}
		}
		for _, q := range drop {
			if _, err := tx.ExecContext(bg, q); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(bg, "DELETE FROM audit_log WHERE tenant_id = $1 AND seq > $2", tenantID, last-3); err != nil {
			return err
		}
		if err := tx.QueryRowContext(bg, "SELECT hash FROM audit_log WHERE tenant_id = $1 AND seq = $2", tenantID, last-3).Scan(&hash); err != nil {
			return err
		}
		_, err := tx.ExecContext(bg, "UPDATE audit_heads SET seq = $1, hash = $2 WHERE tenant_id = $3", last-3, hash, tenantID)
		return err
	})
	d.Close()
	if err != nil {
		t.Fatalf("cut: %v", err)
	}
	if r := c.run("", "audit", "verify"); r.code != 0 {
		t.Fatalf("without checkpoints the cut chain is self-consistent: %s", r)
	}
	want := fmt.Sprintf("tenant solingen: entry %d: missing", last-2)
	if r := c.run("", "audit", "verify", "--checkpoints", file); r.code != 1 || !strings.HasPrefix(r.stdout, want) {
		t.Fatalf("kim audit verify --checkpoints after the cut: %s; want exit 1 and %q", r, want)
	}
}

// verifyDetectsTampering is the acceptance check: one audit entry changed directly in the
// database makes `kim audit verify` fail and name exactly that entry.
func verifyDetectsTampering(t *testing.T, c *cli) {
	d, err := db.Open(bg, c.dsn, db.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	var tenantID, entryID string
	var count int
	err = d.Write(bg, func(tx *db.Tx) error {
		if err := tx.QueryRowContext(bg, "SELECT id FROM tenants WHERE slug = 'solingen'").Scan(&tenantID); err != nil {
			return err
		}
		if err := tx.QueryRowContext(bg, "SELECT count(*) FROM audit_log WHERE tenant_id = $1", tenantID).Scan(&count); err != nil {
			return err
		}
		if err := tx.QueryRowContext(bg, "SELECT CAST(id AS TEXT) FROM audit_log WHERE tenant_id = $1 AND seq = 7", tenantID).Scan(&entryID); err != nil {
			return err
		}
		drop := []string{"DROP TRIGGER audit_log_no_update"}
		if tx.Engine == db.Postgres {
			drop = []string{"DROP TRIGGER audit_log_no_update ON audit_log"}
		}
		for _, q := range drop {
			if _, err := tx.ExecContext(bg, q); err != nil {
				return err
			}
		}
		_, err := tx.ExecContext(bg, "UPDATE audit_log SET outcome = 'denied' WHERE tenant_id = $1 AND seq = 7", tenantID)
		return err
	})
	if err != nil {
		t.Fatalf("tamper: %v", err)
	}
	if count < 20 {
		t.Fatalf("the demo tenant has only %d audit entries", count)
	}
	want := fmt.Sprintf("tenant solingen: entry 7 (id %s,", entryID)
	for _, args := range [][]string{{"audit", "verify"}, {"audit", "verify", "--tenant", "solingen"}} {
		r := c.run("", args...)
		if r.code != 1 || !strings.HasPrefix(r.stdout, want) || strings.Count(r.stdout, "\n") != 1 || strings.Contains(r.stdout, "ok") {
			t.Errorf("kim %s after tampering: %s; want exit 1 and %q", strings.Join(args, " "), r, want)
		}
	}
	if r := c.run("", "audit", "verify", "--tenant", "teststadt"); r.code != 0 || r.stdout != "ok\n" {
		t.Errorf("another tenant's chain: %s", r)
	}
}

func mapsEqual(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// syntheticIDs lists the ids and names of the generated records.
func syntheticIDs(t *testing.T, c *cli) []string {
	t.Helper()
	d, err := db.Open(bg, c.dsn, db.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	var out []string
	for _, table := range []string{"tenants", "organisations", "districts", "quarters", "locations", "users"} {
		err := d.Read(bg, func(tx *db.Tx) error {
			rows, err := tx.QueryContext(bg, "SELECT CAST(id AS TEXT), name FROM "+table)
			if err != nil {
				return err
			}
			defer rows.Close()
			for rows.Next() {
				var id, name string
				if err := rows.Scan(&id, &name); err != nil {
					return err
				}
				out = append(out, table+" "+id+" "+name)
			}
			return rows.Err()
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	slices.Sort(out)
	return out
}

func TestSyntheticSeedIsDeterministic(t *testing.T) {
	args := []string{"seed", "synthetic", "--tenants", "2", "--clients", "500", "--seed", "7"}
	var reference []string
	for _, e := range apptest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			c := newCLI(t, e)
			out := c.ok("", args...)
			if !strings.Contains(out, "tenants 2 (skipped 0)") {
				t.Errorf("first run: %q", out)
			}
			ids := syntheticIDs(t, c)
			if len(ids) < 100 {
				t.Fatalf("only %d records", len(ids))
			}
			if out := c.ok("", args...); !strings.Contains(out, "tenants 0 (skipped 2)") {
				t.Errorf("second run: %q", out)
			}
			if again := syntheticIDs(t, c); !slices.Equal(again, ids) {
				t.Errorf("the second run changed the data")
			}
			// Another database with the same seed gets the same records; another seed does not.
			other := newCLI(t, e)
			other.ok("", args...)
			if got := syntheticIDs(t, other); !slices.Equal(got, ids) {
				t.Errorf("same seed, different data: %d vs %d records", len(got), len(ids))
			}
			third := newCLI(t, e)
			third.ok("", "seed", "synthetic", "--tenants", "2", "--clients", "500", "--seed", "8")
			if got := syntheticIDs(t, third); slices.Equal(got, ids) {
				t.Error("seed 8 generated the same data as seed 7")
			}
			if reference == nil {
				reference = ids
			} else if !slices.Equal(reference, ids) {
				t.Error("the engines generated different data from the same seed")
			}
			if r := c.run("", "audit", "verify"); r.code != 0 || r.stdout != "ok\n" {
				t.Errorf("audit verify after seeding: %s", r)
			}
		})
	}
}

func TestPostgresNeedsKeyFile(t *testing.T) {
	dsn := apptest.Postgres.DSN(t)
	r := runKim(nil, "", "migrate", "--db", dsn)
	wantOneLine(t, r, 1, "postgres without key file")
	if !strings.Contains(r.stderr, "KIM_KEY_FILE") {
		t.Errorf("the error does not name KIM_KEY_FILE: %q", r.stderr)
	}
	loose := filepath.Join(t.TempDir(), "kim.key")
	if err := os.WriteFile(loose, []byte(strings.Repeat("ab", 32)), 0o644); err != nil {
		t.Fatal(err)
	}
	wantOneLine(t, runKim(map[string]string{"KIM_KEY_FILE": loose}, "", "migrate", "--db", dsn), 1, "key file readable by others")
}

// A mistyped database path is refused by the commands that only read or administer, instead of
// creating an empty database and reporting "ok" on it; a key file that does not belong to the
// database is refused by every command.
func TestMissingDatabaseAndForeignKey(t *testing.T) {
	dir := t.TempDir()
	missing := dir + "/tippfehler/kim.db"
	for _, args := range [][]string{
		{"audit", "verify", "--db", missing},
		{"user", "token", "--db", missing, "--tenant", "solingen", "--email", "a@b.example"},
	} {
		r := runKim(nil, "", args...)
		wantOneLine(t, r, 2, strings.Join(args[:2], " "))
		if _, err := os.Stat(missing); err == nil {
			t.Fatalf("%v created the database", args)
		}
	}
	dsn := dir + "/kim.db"
	if r := runKim(nil, "", "migrate", "--db", dsn); r.code != 0 {
		t.Fatalf("migrate: %s", r)
	}
	// Replace the key file beside the database by another one.
	if err := os.Chmod(dir+"/kim.key", 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dir+"/kim.key", []byte(strings.Repeat("ab", 32)+"\n"), 0o400); err != nil {
		t.Fatal(err)
	}
	r := runKim(nil, "", "audit", "verify", "--db", dsn)
	if r.code != 1 || !strings.Contains(r.stderr, "does not belong to this database") {
		t.Fatalf("foreign key: %s", r)
	}
	// A missing key file is not silently recreated for a database that has data.
	if err := os.Remove(dir + "/kim.key"); err != nil {
		t.Fatal(err)
	}
	if r := runKim(nil, "", "audit", "verify", "--db", dsn); r.code != 1 {
		t.Fatalf("missing key: %s", r)
	}
	if _, err := os.Stat(dir + "/kim.key"); err == nil {
		t.Fatal("a new key file was created for an existing database")
	}
}
