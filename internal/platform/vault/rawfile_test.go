package vault_test

import (
	"fmt"
	"strings"
	"testing"

	"kim/internal/apptest"
	"kim/internal/platform/audit"
	"kim/internal/platform/db"
	"kim/internal/platform/vault"
)

// TestNoPlaintextInTheDatabaseFile is the acceptance check for encryption at rest: special-
// category text written through the vault (sealed, rotated, audited) occurs nowhere in the raw
// SQLite files, while a control value stored in plain text in the same rows is found — so the
// search itself works and the test fails if encryption breaks.
func TestNoPlaintextInTheDatabaseFile(t *testing.T) {
	const (
		secret  = "Geheimnis-7F3A Trauma Diagnose"
		control = "Kontrollwert-5B9D offen lesbar"
	)
	d := apptest.OpenDB(t, apptest.SQLite, db.Options{})
	path := d.DSN()
	prepare(t, d)
	keys := testKeys(t, 1)
	v := vault.New(d, keys)
	v.Audit = audit.NewChain(keys.Derive("audit-chain"))
	long := strings.Repeat("Verlauf der Beratung, Befund und Vereinbarungen. ", 40) // about 2 KB
	for i := 0; i < 50; i++ {
		id := noteID(i)
		write(t, d, func(tx *db.Tx) error {
			body, err := v.SealString(bg, tx, tenantA, secret, bodyCol.AAD(id))
			if err != nil {
				return err
			}
			summary, err := v.SealString(bg, tx, tenantA, fmt.Sprintf("%s %d: %s %s", long[:1000], i, secret, long[1000:]), summaryCol.AAD(id))
			if err != nil {
				return err
			}
			_, err = tx.ExecContext(bg, "INSERT INTO vault_test_notes (tenant_id, id, body, summary, plain) VALUES ($1, $2, $3, $4, $5)",
				tenantA, id, body, summary, control)
			return err
		})
	}
	if n, err := v.Rotate(bg, tenantA); err != nil || n != 100 {
		t.Fatalf("Rotate: %d, %v", n, err)
	}
	// The values are readable through the vault.
	if b, s, err := openNote(t, d, v, tenantA, noteID(7)); err != nil || b != secret || !strings.Contains(s, secret) {
		t.Fatalf("open: %q, %v", b, err)
	}

	check := func(stage string) {
		t.Helper()
		files := apptest.DatabaseFiles(t, path)
		if found := apptest.RawOccurrences(t, files, control); len(found) == 0 {
			t.Fatalf("%s: the plain control value is not in %v: the search does not work", stage, files)
		}
		for _, s := range []string{secret, "Trauma Diagnose"} {
			if found := apptest.RawOccurrences(t, files, s); len(found) > 0 {
				t.Errorf("%s: %q found in the raw database files: %v", stage, s, found)
			}
		}
	}
	// Move everything from the write-ahead log into the database file.
	w, _ := d.Pools()
	var busy, logFrames, checkpointed int
	if err := w.QueryRowContext(bg, "PRAGMA wal_checkpoint(TRUNCATE)").Scan(&busy, &logFrames, &checkpointed); err != nil || busy != 0 {
		t.Fatalf("checkpoint: busy=%d, %v", busy, err)
	}
	check("after checkpoint")
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	check("after close")
}
