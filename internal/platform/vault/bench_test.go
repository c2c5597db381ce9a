package vault_test

import (
	"strings"
	"testing"

	"kim/internal/apptest"
	"kim/internal/platform/db"
	"kim/internal/platform/vault"
)

// benchVault returns a vault with tenant A's key cached and a transaction that has ended (the hot
// path must not need the database).
func benchVault(b *testing.B) (*vault.Vault, *db.Tx) {
	d := apptest.OpenDB(b, apptest.SQLite, db.Options{})
	prepare(b, d)
	v := vault.New(d, testKeys(b, 1))
	for i := 0; i < 2; i++ { // the second transaction confirms the key the first one made
		write(b, d, func(tx *db.Tx) error { _, err := v.Seal(bg, tx, tenantA, []byte("x"), nil); return err })
	}
	var done *db.Tx
	read(b, d, func(tx *db.Tx) error { done = tx; return nil })
	return v, done
}

var note2KB = []byte(strings.Repeat("Beratungsnotiz mit Befund. ", 80)[:2048])

// BenchmarkSeal seals a 2 KB note with a cached key.
func BenchmarkSeal(b *testing.B) {
	v, tx := benchVault(b)
	aad := vault.AAD("contacts", "note", noteID(1))
	b.SetBytes(int64(len(note2KB)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := v.Seal(bg, tx, tenantA, note2KB, aad); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSealParallel seals 2 KB notes from all cores at once (contention on the key cache).
func BenchmarkSealParallel(b *testing.B) {
	v, tx := benchVault(b)
	aad := vault.AAD("contacts", "note", noteID(1))
	b.SetBytes(int64(len(note2KB)))
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := v.Seal(bg, tx, tenantA, note2KB, aad); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// BenchmarkOpen opens a 2 KB note with a cached key.
func BenchmarkOpen(b *testing.B) {
	v, tx := benchVault(b)
	aad := vault.AAD("contacts", "note", noteID(1))
	ct, err := v.Seal(bg, tx, tenantA, note2KB, aad)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(note2KB)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := v.Open(bg, tx, tenantA, ct, aad); err != nil {
			b.Fatal(err)
		}
	}
}
