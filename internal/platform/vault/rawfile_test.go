package vault_test

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf16"

	"kim/internal/apptest"
	"kim/internal/platform/audit"
	"kim/internal/platform/db"
	"kim/internal/platform/vault"
)

// encodings returns s as UTF-8, UTF-16LE and UTF-16BE (SQLite may store text in either).
func encodings(s string) map[string][]byte {
	u := utf16.Encode([]rune(s))
	le, be := make([]byte, 2*len(u)), make([]byte, 2*len(u))
	for i, c := range u {
		binary.LittleEndian.PutUint16(le[2*i:], c)
		binary.BigEndian.PutUint16(be[2*i:], c)
	}
	return map[string][]byte{"UTF-8": []byte(s), "UTF-16LE": le, "UTF-16BE": be}
}

// occurrences counts how often s occurs, in any encoding, in each file.
func occurrences(t *testing.T, files []string, s string) map[string]int {
	t.Helper()
	out := map[string]int{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for enc, needle := range encodings(s) {
			if n := bytes.Count(b, needle); n > 0 {
				out[filepath.Base(f)+" ("+enc+")"] += n
			}
		}
	}
	return out
}

// databaseFiles returns the SQLite database file and its -wal and -shm files, if present.
func databaseFiles(t *testing.T, path string) []string {
	t.Helper()
	files, err := filepath.Glob(path + "*")
	if err != nil || len(files) == 0 {
		t.Fatalf("database files of %s: %v, %v", path, files, err)
	}
	return files
}

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
		files := databaseFiles(t, path)
		if found := occurrences(t, files, control); len(found) == 0 {
			t.Fatalf("%s: the plain control value is not in %v: the search does not work", stage, files)
		}
		for _, s := range []string{secret, "Trauma Diagnose"} {
			if found := occurrences(t, files, s); len(found) > 0 {
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
