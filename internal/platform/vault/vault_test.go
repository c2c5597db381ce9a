package vault_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"kim/internal/apptest"
	"kim/internal/platform/clock"
	"kim/internal/platform/db"
	"kim/internal/platform/seal"
	"kim/internal/platform/vault"
)

var bg = context.Background()

// Fixed ids of the test data.
const (
	tenantA = "0190b9a0-0000-7000-8000-00000000000a"
	tenantB = "0190b9a0-0000-7000-8000-00000000000b"
)

// noteID returns the id of test note n.
func noteID(n int) string { return fmt.Sprintf("0190b9a0-0000-7000-8000-%012d", 1000+n) }

// The test table's encrypted columns, registered as a room would register its own.
var (
	bodyCol    = vault.Column{Table: "vault_test_notes", IDColumn: "id", Column: "body"}
	summaryCol = vault.Column{Table: "vault_test_notes", IDColumn: "id", Column: "summary"}
)

func init() {
	vault.Register(bodyCol)
	vault.Register(summaryCol)
}

var start = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

func testKeys(t testing.TB, b byte) *seal.Keys {
	t.Helper()
	k, err := seal.New(bytes.Repeat([]byte{b}, seal.KeySize))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// eachEngine runs fn on every engine with a fresh database that holds tenants A and B and the
// table vault_test_notes (a throwaway stand-in for a room's table with encrypted columns).
func eachEngine(t *testing.T, fn func(t *testing.T, d *db.DB, clk *clock.Fake)) {
	for _, e := range apptest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			clk := clock.NewFake(start)
			d := apptest.OpenDB(t, e, db.Options{Clock: clk})
			prepare(t, d)
			fn(t, d, clk)
		})
	}
}

func prepare(t testing.TB, d *db.DB) {
	t.Helper()
	idType, blob := "TEXT", "BLOB"
	if d.Engine() == db.Postgres {
		idType, blob = "UUID", "BYTEA"
	}
	write(t, d, func(tx *db.Tx) error {
		for _, id := range []string{tenantA, tenantB} {
			if _, err := tx.ExecContext(bg, "INSERT INTO tenants (id, slug, name, created_at, updated_at) VALUES ($1, $2, $2, $3, $3)",
				id, "t-"+id[len(id)-1:], tx.Now); err != nil {
				return err
			}
		}
		_, err := tx.ExecContext(bg, `CREATE TABLE vault_test_notes (
			tenant_id `+idType+` NOT NULL REFERENCES tenants (id),
			id        `+idType+` NOT NULL,
			body      `+blob+`,
			summary   `+blob+`,
			plain     TEXT NOT NULL DEFAULT '',
			PRIMARY KEY (tenant_id, id))`)
		return err
	})
}

func write(t testing.TB, d *db.DB, fn func(tx *db.Tx) error) {
	t.Helper()
	if err := d.Write(bg, fn); err != nil {
		t.Fatal(err)
	}
}

func read(t testing.TB, d *db.DB, fn func(tx *db.Tx) error) {
	t.Helper()
	if err := d.Read(bg, fn); err != nil {
		t.Fatal(err)
	}
}

// putNote seals body and summary into note id of tenant as a service would, and returns the
// stored ciphertexts.
func putNote(t testing.TB, d *db.DB, v *vault.Vault, tenant, id, body, summary string) (bodyCT, summaryCT []byte) {
	t.Helper()
	write(t, d, func(tx *db.Tx) (err error) {
		if bodyCT, err = v.SealString(bg, tx, tenant, body, bodyCol.AAD(id)); err != nil {
			return err
		}
		if summaryCT, err = v.SealString(bg, tx, tenant, summary, summaryCol.AAD(id)); err != nil {
			return err
		}
		_, err = tx.ExecContext(bg, `INSERT INTO vault_test_notes (tenant_id, id, body, summary) VALUES ($1, $2, $3, $4)
			ON CONFLICT (tenant_id, id) DO UPDATE SET body = excluded.body, summary = excluded.summary`, tenant, id, bodyCT, summaryCT)
		return err
	})
	return bodyCT, summaryCT
}

// stored returns the raw body and summary of a note.
func stored(t testing.TB, d *db.DB, tenant, id string) (body, summary []byte) {
	t.Helper()
	read(t, d, func(tx *db.Tx) error {
		return tx.QueryRowContext(bg, "SELECT body, summary FROM vault_test_notes WHERE tenant_id = $1 AND id = $2", tenant, id).Scan(&body, &summary)
	})
	return body, summary
}

// openNote opens a stored note with v.
func openNote(t testing.TB, d *db.DB, v *vault.Vault, tenant, id string) (body, summary string, err error) {
	t.Helper()
	b, s := stored(t, d, tenant, id)
	err = d.Read(bg, func(tx *db.Tx) (err error) {
		if body, err = v.OpenString(bg, tx, tenant, b, bodyCol.AAD(id)); err != nil {
			return err
		}
		summary, err = v.OpenString(bg, tx, tenant, s, summaryCol.AAD(id))
		return err
	})
	return body, summary, err
}

func keyIDOf(ct []byte) string { return fmt.Sprintf("%x", ct[1:17]) }

type keyRow struct {
	id      string
	retired bool
}

func dataKeys(t testing.TB, d *db.DB, tenant string) []keyRow {
	t.Helper()
	var out []keyRow
	read(t, d, func(tx *db.Tx) error {
		rows, err := tx.QueryContext(bg, "SELECT CAST(id AS TEXT), retired_at IS NOT NULL FROM data_keys WHERE tenant_id = $1 ORDER BY id", tenant)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var k keyRow
			if err := rows.Scan(&k.id, &k.retired); err != nil {
				return err
			}
			out = append(out, k)
		}
		return rows.Err()
	})
	return out
}

func active(keys []keyRow) []string {
	var out []string
	for _, k := range keys {
		if !k.retired {
			out = append(out, k.id)
		}
	}
	return out
}

func hexID(uuidText string) string { return strings.ReplaceAll(uuidText, "-", "") }

func TestRoundTrip(t *testing.T) {
	eachEngine(t, func(t *testing.T, d *db.DB, _ *clock.Fake) {
		v := vault.New(d, testKeys(t, 1))
		note := "Beratung am 2. März: Schlafstörungen, Verdacht auf PTBS. Ärztliche Abklärung vereinbart. ✓"
		b1, s1 := putNote(t, d, v, tenantA, noteID(1), note, "kurz")
		if len(b1) != len(note)+vault.Overhead || b1[0] != 1 {
			t.Errorf("ciphertext of %d bytes with version %d for %d bytes of text; want %d bytes, version 1", len(b1), b1[0], len(note), len(note)+vault.Overhead)
		}
		if bytes.Contains(b1, []byte("PTBS")) {
			t.Error("the ciphertext contains plaintext")
		}
		b2, _ := putNote(t, d, v, tenantA, noteID(2), note, "")
		if bytes.Equal(b1[17:], b2[17:]) {
			t.Error("two seals of the same text are equal (nonce reused?)")
		}
		if keyIDOf(b1) != keyIDOf(b2) || keyIDOf(b1) != keyIDOf(s1) {
			t.Error("values of one tenant use different keys without a rotation")
		}
		keys := dataKeys(t, d, tenantA)
		if len(keys) != 1 || keys[0].retired || hexID(keys[0].id) != keyIDOf(b1) {
			t.Fatalf("data keys of tenant A: %v; want one active key, named in the ciphertext %s", keys, keyIDOf(b1))
		}
		for _, v := range []*vault.Vault{v, vault.New(d, testKeys(t, 1))} { // cached and fresh
			body, summary, err := openNote(t, d, v, tenantA, noteID(1))
			if err != nil || body != note || summary != "kurz" {
				t.Errorf("open: %q, %q, %v", body, summary, err)
			}
		}

		// Empty values are not encrypted: "" is stored as NULL and NULL opens as "".
		var isNull bool
		read(t, d, func(tx *db.Tx) error {
			return tx.QueryRowContext(bg, "SELECT summary IS NULL FROM vault_test_notes WHERE tenant_id = $1 AND id = $2", tenantA, noteID(2)).Scan(&isNull)
		})
		if !isNull {
			t.Error("an empty summary was not stored as NULL")
		}
		if _, s, err := openNote(t, d, v, tenantA, noteID(2)); s != "" || err != nil {
			t.Errorf("open NULL: %q, %v", s, err)
		}
		write(t, d, func(tx *db.Tx) error {
			for _, pt := range [][]byte{nil, {}} {
				if ct, err := v.Seal(bg, tx, tenantA, pt, nil); ct != nil || err != nil {
					t.Errorf("Seal(%#v) = %x, %v; want nil, nil", pt, ct, err)
				}
				if out, err := v.Open(bg, tx, tenantA, pt, nil); out != nil || err != nil {
					t.Errorf("Open(%#v) = %x, %v; want nil, nil", pt, out, err)
				}
			}
			// Binary data and nil aad.
			bin := []byte{0, 1, 2, 0xff, 0}
			ct, err := v.Seal(bg, tx, tenantB, bin, nil)
			if err != nil {
				return err
			}
			out, err := v.Open(bg, tx, tenantB, ct, nil)
			if err != nil || !bytes.Equal(out, bin) {
				t.Errorf("binary round trip: %x, %v", out, err)
			}
			return nil
		})
		if len(dataKeys(t, d, tenantB)) != 1 {
			t.Error("tenant B has not exactly one key after its first seal")
		}
	})
}

func TestDoesNotOpenElsewhere(t *testing.T) {
	eachEngine(t, func(t *testing.T, d *db.DB, _ *clock.Fake) {
		v := vault.New(d, testKeys(t, 1))
		ct, _ := putNote(t, d, v, tenantA, noteID(1), "Diagnose: Depression", "")
		putNote(t, d, v, tenantB, noteID(1), "Tenant B hat auch einen Schlüssel", "")
		aad := bodyCol.AAD(noteID(1))
		tamper := func(i int) []byte {
			c := bytes.Clone(ct)
			c[i] ^= 0x01
			return c
		}
		cases := []struct {
			name   string
			tenant string
			ct     []byte
			aad    []byte
		}{
			{"other tenant (with keys of its own)", tenantB, ct, aad},
			{"other tenant (unknown)", "0190b9a0-0000-7000-8000-0000000000ff", ct, aad},
			{"other row", tenantA, ct, bodyCol.AAD(noteID(2))},
			{"other column", tenantA, ct, summaryCol.AAD(noteID(1))},
			{"no aad", tenantA, ct, nil},
			{"version byte", tenantA, tamper(0), aad},
			{"key id", tenantA, tamper(5), aad},
			{"nonce", tenantA, tamper(20), aad},
			{"ciphertext", tenantA, tamper(30), aad},
			{"tag", tenantA, tamper(len(ct) - 1), aad},
			{"truncated", tenantA, ct[:len(ct)-1], aad},
			{"header only", tenantA, ct[:vault.Overhead], aad},
			{"appended byte", tenantA, append(bytes.Clone(ct), 0), aad},
		}
		for _, c := range cases {
			err := d.Read(bg, func(tx *db.Tx) error {
				pt, err := v.Open(bg, tx, c.tenant, c.ct, c.aad)
				if pt != nil {
					t.Errorf("%s: opened to %q", c.name, pt)
				}
				return err
			})
			if !errors.Is(err, vault.ErrDoesNotOpen) {
				t.Errorf("%s: %v, want ErrDoesNotOpen", c.name, err)
			}
			if err != nil && strings.Contains(err.Error(), "Depression") {
				t.Errorf("%s: the error repeats the plaintext", c.name)
			}
		}
		// Another master key cannot unwrap the tenant's data key.
		other := vault.New(d, testKeys(t, 2))
		if _, _, err := openNote(t, d, other, tenantA, noteID(1)); err == nil {
			t.Error("a vault with another master key opened the note")
		}
		// The original still opens.
		if b, _, err := openNote(t, d, v, tenantA, noteID(1)); err != nil || b != "Diagnose: Depression" {
			t.Errorf("open after the failed attempts: %q, %v", b, err)
		}
	})
}

// TestCachedKeysDoNotTouchTheDatabase seals and opens with a transaction that has already ended:
// any query would fail, so the hot path must not make one.
func TestCachedKeysDoNotTouchTheDatabase(t *testing.T) {
	eachEngine(t, func(t *testing.T, d *db.DB, _ *clock.Fake) {
		v := vault.New(d, testKeys(t, 1))
		ct, _ := putNote(t, d, v, tenantA, noteID(1), "Notiz", "")
		// The first key was made in putNote's transaction; the next transaction confirms once
		// that it was committed.
		write(t, d, func(tx *db.Tx) error { _, err := v.Seal(bg, tx, tenantA, []byte("x"), nil); return err })
		var done *db.Tx
		read(t, d, func(tx *db.Tx) error { done = tx; return nil })
		for i := 0; i < 3; i++ {
			c, err := v.Seal(bg, done, tenantA, []byte("weitere Notiz"), bodyCol.AAD(noteID(2)))
			if err != nil {
				t.Fatalf("seal with a cached key touched the database: %v", err)
			}
			pt, err := v.Open(bg, done, tenantA, c, bodyCol.AAD(noteID(2)))
			if err != nil || string(pt) != "weitere Notiz" {
				t.Fatalf("open with a cached key: %q, %v", pt, err)
			}
			if pt, err := v.Open(bg, done, tenantA, ct, bodyCol.AAD(noteID(1))); err != nil || string(pt) != "Notiz" {
				t.Fatalf("open with a cached key: %q, %v", pt, err)
			}
		}
		// A fresh vault has nothing cached and needs the database.
		if _, err := vault.New(d, testKeys(t, 1)).Open(bg, done, tenantA, ct, bodyCol.AAD(noteID(1))); err == nil {
			t.Error("a fresh vault opened without reading its key")
		}
	})
}

// TestFirstKeyOfARolledBackTransaction: the first key is made inside the caller's transaction;
// if that rolls back, the key must not be used afterwards (it was never stored).
func TestFirstKeyOfARolledBackTransaction(t *testing.T) {
	eachEngine(t, func(t *testing.T, d *db.DB, _ *clock.Fake) {
		v := vault.New(d, testKeys(t, 1))
		boom := errors.New("boom")
		var lost []byte
		err := d.Write(bg, func(tx *db.Tx) (err error) {
			if lost, err = v.SealString(bg, tx, tenantA, "verworfen", nil); err != nil {
				return err
			}
			// Within the same transaction the new key works.
			if pt, err := v.OpenString(bg, tx, tenantA, lost, nil); err != nil || pt != "verworfen" {
				t.Errorf("open in the creating transaction: %q, %v", pt, err)
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatal(err)
		}
		if keys := dataKeys(t, d, tenantA); len(keys) != 0 {
			t.Fatalf("keys after rollback: %v", keys)
		}
		ct, _ := putNote(t, d, v, tenantA, noteID(1), "gespeichert", "")
		if b, _, err := openNote(t, d, vault.New(d, testKeys(t, 1)), tenantA, noteID(1)); err != nil || b != "gespeichert" {
			t.Fatalf("a note sealed after the rollback does not open with the stored key: %q, %v", b, err)
		}
		if keys := dataKeys(t, d, tenantA); len(keys) != 1 || hexID(keys[0].id) != keyIDOf(ct) {
			t.Fatalf("keys: %v, ciphertext names %s", keys, keyIDOf(ct))
		}
		read(t, d, func(tx *db.Tx) error {
			if _, err := v.Open(bg, tx, tenantA, lost, nil); !errors.Is(err, vault.ErrDoesNotOpen) {
				t.Errorf("a value sealed with the rolled-back key: %v, want ErrDoesNotOpen", err)
			}
			return nil
		})
	})
}

// TestConcurrentFirstSeal: several writers (separate vaults, as on separate nodes, and one shared
// vault) seal the first value of a tenant at once; exactly one key results and every value opens.
func TestConcurrentFirstSeal(t *testing.T) {
	eachEngine(t, func(t *testing.T, d *db.DB, _ *clock.Fake) {
		shared := vault.New(d, testKeys(t, 1))
		const n = 8
		var wg sync.WaitGroup
		gate := make(chan struct{})
		errc := make(chan error, n)
		for i := 0; i < n; i++ {
			v := shared
			if i%2 == 0 {
				v = vault.New(d, testKeys(t, 1))
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-gate
				errc <- d.Write(bg, func(tx *db.Tx) error {
					ct, err := v.SealString(bg, tx, tenantA, fmt.Sprintf("Notiz %d", i), bodyCol.AAD(noteID(i)))
					if err != nil {
						return err
					}
					_, err = tx.ExecContext(bg, "INSERT INTO vault_test_notes (tenant_id, id, body) VALUES ($1, $2, $3)", tenantA, noteID(i), ct)
					return err
				})
			}()
		}
		close(gate)
		wg.Wait()
		close(errc)
		for err := range errc {
			if err != nil {
				t.Fatalf("concurrent first seal: %v", err)
			}
		}
		keys := dataKeys(t, d, tenantA)
		if len(keys) != 1 || len(active(keys)) != 1 {
			t.Fatalf("after %d concurrent first seals: keys %v, want exactly one active key", n, keys)
		}
		fresh := vault.New(d, testKeys(t, 1))
		for i := 0; i < n; i++ {
			for _, v := range []*vault.Vault{shared, fresh} {
				if b, _, err := openNote(t, d, v, tenantA, noteID(i)); err != nil || b != fmt.Sprintf("Notiz %d", i) {
					t.Errorf("note %d: %q, %v", i, b, err)
				}
			}
		}
	})
}

func TestRegister(t *testing.T) {
	panics := func(name string, c vault.Column) {
		t.Helper()
		defer func() {
			if recover() == nil {
				t.Errorf("%s: Register did not panic", name)
			}
		}()
		vault.Register(c)
	}
	panics("duplicate", bodyCol)
	panics("duplicate with another id column", vault.Column{Table: bodyCol.Table, IDColumn: "other", Column: bodyCol.Column})
	panics("injection", vault.Column{Table: "notes; DROP TABLE tenants", IDColumn: "id", Column: "body"})
	panics("empty", vault.Column{Table: "notes", IDColumn: "", Column: "body"})
	// The rooms linked into the test binary register their columns too.
	reg := vault.Registered()
	if !slices.Contains(reg, bodyCol) || !slices.Contains(reg, summaryCol) {
		t.Errorf("registered: %v", reg)
	}
	if got, want := string(bodyCol.AAD("x")), "vault_test_notes\x00body\x00x"; got != want {
		t.Errorf("AAD = %q, want %q", got, want)
	}
}

func TestMasterKeyFromEnv(t *testing.T) {
	env := func(v string) func(string) string {
		return func(k string) string {
			if k == vault.MasterKeyEnv {
				return v
			}
			return ""
		}
	}
	if k, err := vault.MasterKeyFromEnv(env("")); k != nil || err != nil {
		t.Errorf("unset: %v, %v", k, err)
	}
	hexKey := strings.Repeat("3f", 32)
	k, err := vault.MasterKeyFromEnv(env(" " + strings.ToUpper(hexKey) + "\n"))
	if err != nil || k == nil {
		t.Fatalf("valid key: %v", err)
	}
	want, _ := seal.New(bytes.Repeat([]byte{0x3f}, 32))
	if !bytes.Equal(k.Derive("x"), want.Derive("x")) {
		t.Error("the key from the environment differs from the same key given as bytes")
	}
	for _, bad := range []string{hexKey[:62], hexKey + "00", strings.Repeat("zz", 32)} {
		k, err := vault.MasterKeyFromEnv(env(bad))
		if k != nil || err == nil {
			t.Errorf("%q: accepted", bad)
		}
		if err != nil && strings.Contains(err.Error(), bad) {
			t.Errorf("the error repeats the value: %v", err)
		}
	}
}
