package vault_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"kim/internal/platform/audit"
	"kim/internal/platform/clock"
	"kim/internal/platform/db"
	"kim/internal/platform/vault"
)

// allStored returns the raw values of every note of tenant, keyed by note id and column.
func allStored(t testing.TB, d *db.DB, tenant string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	read(t, d, func(tx *db.Tx) error {
		rows, err := tx.QueryContext(bg, "SELECT CAST(id AS TEXT), body, summary FROM vault_test_notes WHERE tenant_id = $1", tenant)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id string
			var b, s []byte
			if err := rows.Scan(&id, &b, &s); err != nil {
				return err
			}
			if b != nil {
				out[id+"/body"] = b
			}
			if s != nil {
				out[id+"/summary"] = s
			}
		}
		return rows.Err()
	})
	return out
}

// keyIDs returns the set of data key ids the values use.
func keyIDs(values map[string][]byte) map[string]int {
	out := map[string]int{}
	for _, v := range values {
		out[keyIDOf(v)]++
	}
	return out
}

// seedNotes writes n notes for tenant: each has a body, every second one a summary.
func seedNotes(t testing.TB, d *db.DB, v *vault.Vault, tenant string, n int) (values int) {
	t.Helper()
	for i := 0; i < n; i++ {
		summary := ""
		if i%2 == 0 {
			summary = fmt.Sprintf("Zusammenfassung %d", i)
			values++
		}
		putNote(t, d, v, tenant, noteID(i), fmt.Sprintf("Notiz %d für %s", i, tenant[len(tenant)-1:]), summary)
		values++
	}
	return values
}

// checkNotes asserts that every note of tenant opens with v to what seedNotes wrote.
func checkNotes(t *testing.T, d *db.DB, v *vault.Vault, tenant string, n int) {
	t.Helper()
	for i := 0; i < n; i++ {
		b, s, err := openNote(t, d, v, tenant, noteID(i))
		want := ""
		if i%2 == 0 {
			want = fmt.Sprintf("Zusammenfassung %d", i)
		}
		if err != nil || b != fmt.Sprintf("Notiz %d für %s", i, tenant[len(tenant)-1:]) || s != want {
			t.Fatalf("note %d of tenant %s: %q, %q, %v", i, tenant[len(tenant)-1:], b, s, err)
		}
	}
}

func TestRotate(t *testing.T) {
	eachEngine(t, func(t *testing.T, d *db.DB, clk *clock.Fake) {
		keys := testKeys(t, 1)
		v := vault.New(d, keys)
		v.BatchSize = 7
		v.Audit = audit.NewChain(keys.Derive("audit-chain"))
		const notesA, notesB = 40, 5
		valuesA := seedNotes(t, d, v, tenantA, notesA)
		seedNotes(t, d, v, tenantB, notesB)
		beforeA, beforeB := allStored(t, d, tenantA), allStored(t, d, tenantB)
		oldKey := dataKeys(t, d, tenantA)[0].id

		// Another process that cached tenant A's key before the rotation.
		other := vault.New(d, keys)
		write(t, d, func(tx *db.Tx) error { _, err := other.Seal(bg, tx, tenantA, []byte("x"), nil); return err })

		clk.Advance(time.Second)
		n, err := v.Rotate(bg, tenantA)
		if err != nil || n != valuesA {
			t.Fatalf("Rotate: %d values, %v; want %d values re-encrypted", n, err, valuesA)
		}
		keysA := dataKeys(t, d, tenantA)
		if len(keysA) != 2 || keysA[0].id != oldKey || !keysA[0].retired || keysA[1].retired {
			t.Fatalf("keys after rotation: %v; want the old key %s retired and one new active key", keysA, oldKey)
		}
		newKey := hexID(keysA[1].id)
		afterA := allStored(t, d, tenantA)
		if ids := keyIDs(afterA); len(afterA) != valuesA || len(ids) != 1 || ids[newKey] != valuesA {
			t.Errorf("values of tenant A use keys %v after the rotation, want all %d under %s", ids, valuesA, newKey)
		}
		for k, ct := range afterA {
			if bytes.Equal(ct, beforeA[k]) {
				t.Errorf("%s unchanged by the rotation", k)
			}
		}
		if afterB := allStored(t, d, tenantB); len(afterB) != len(beforeB) {
			t.Error("tenant B's values changed")
		} else {
			for k, ct := range afterB {
				if !bytes.Equal(ct, beforeB[k]) {
					t.Errorf("tenant B's %s changed", k)
				}
			}
		}
		if keysB := dataKeys(t, d, tenantB); len(keysB) != 1 || keysB[0].retired {
			t.Errorf("tenant B's keys changed: %v", keysB)
		}
		fresh := vault.New(d, keys)
		checkNotes(t, d, v, tenantA, notesA)
		checkNotes(t, d, fresh, tenantA, notesA)
		checkNotes(t, d, fresh, tenantB, notesB)

		// A value the rotation missed (here: an old ciphertext put back) still opens: the
		// retired key is kept.
		old := beforeA[noteID(3)+"/body"]
		write(t, d, func(tx *db.Tx) error {
			_, err := tx.ExecContext(bg, "UPDATE vault_test_notes SET body = $1 WHERE tenant_id = $2 AND id = $3", old, tenantA, noteID(3))
			return err
		})
		checkNotes(t, d, vault.New(d, keys), tenantA, notesA)

		// New values use the new key; the other process keeps its cached key until ActiveTTL
		// has passed, then changes over.
		sealed := func(v *vault.Vault) string {
			var ct []byte
			write(t, d, func(tx *db.Tx) (err error) { ct, err = v.Seal(bg, tx, tenantA, []byte("neu"), nil); return err })
			return keyIDOf(ct)
		}
		if got := sealed(v); got != newKey {
			t.Errorf("the rotating vault seals with %s, want the new key %s", got, newKey)
		}
		if got := sealed(fresh); got != newKey {
			t.Errorf("a fresh vault seals with %s, want the new key %s", got, newKey)
		}
		if got := sealed(other); got != hexID(oldKey) {
			t.Errorf("a vault that cached the old key a second ago seals with %s, want still the old key", got)
		}
		clk.Advance(vault.DefaultActiveTTL)
		if got := sealed(other); got != newKey {
			t.Errorf("after ActiveTTL the other vault seals with %s, want the new key %s", got, newKey)
		}

		// A second rotation re-encrypts everything again, the value under the first key too,
		// and retires the second key.
		n, err = v.Rotate(bg, tenantA)
		if err != nil || n != valuesA {
			t.Fatalf("second Rotate: %d, %v; want %d", n, err, valuesA)
		}
		keysA = dataKeys(t, d, tenantA)
		if len(keysA) != 3 || len(active(keysA)) != 1 || active(keysA)[0] != keysA[2].id {
			t.Fatalf("keys after the second rotation: %v; want three, only the newest active", keysA)
		}
		if ids := keyIDs(allStored(t, d, tenantA)); len(ids) != 1 || ids[hexID(keysA[2].id)] != valuesA {
			t.Errorf("keys in use after the second rotation: %v", ids)
		}
		checkNotes(t, d, vault.New(d, keys), tenantA, notesA)

		// Each rotation is in the audit trail, with counts only.
		var entries []string
		read(t, d, func(tx *db.Tx) error {
			rows, err := tx.QueryContext(bg, "SELECT action, object_type, details FROM audit_log WHERE tenant_id = $1 ORDER BY seq", tenantA)
			if err != nil {
				return err
			}
			defer rows.Close()
			for rows.Next() {
				var a, o, det string
				if err := rows.Scan(&a, &o, &det); err != nil {
					return err
				}
				entries = append(entries, a+" "+o+" "+det)
			}
			return rows.Err()
		})
		want := fmt.Sprintf(`vault.rotate data_key {"reencrypted":"%d","retired_keys":"1","unreadable":"0"}`, valuesA)
		if len(entries) != 2 || entries[0] != want || entries[1] != want {
			t.Errorf("audit entries %q, want two times %q", entries, want)
		}
		if p, _, err := v.Audit.Verify(bg, d, tenantA); p != nil || err != nil {
			t.Errorf("audit chain: %v, %v", p, err)
		}
	})
}

func TestRotateTenantWithoutKey(t *testing.T) {
	eachEngine(t, func(t *testing.T, d *db.DB, _ *clock.Fake) {
		v := vault.New(d, testKeys(t, 1))
		n, err := v.Rotate(bg, tenantB)
		if n != 0 || err != nil {
			t.Fatalf("Rotate of a tenant without values: %d, %v", n, err)
		}
		keys := dataKeys(t, d, tenantB)
		if len(keys) != 1 || keys[0].retired {
			t.Fatalf("keys: %v", keys)
		}
		// The first seal afterwards uses that key and adds no other.
		ct, _ := putNote(t, d, vault.New(d, testKeys(t, 1)), tenantB, noteID(1), "erste Notiz", "")
		if keyIDOf(ct) != hexID(keys[0].id) || len(dataKeys(t, d, tenantB)) != 1 {
			t.Errorf("first seal after the rotation used %s; keys %v", keyIDOf(ct), dataKeys(t, d, tenantB))
		}
	})
}

// TestRotateLeavesUnreadableValues: a value that does not open is left alone and reported; its key
// stays unretired, the rest is rotated.
func TestRotateLeavesUnreadableValues(t *testing.T) {
	eachEngine(t, func(t *testing.T, d *db.DB, _ *clock.Fake) {
		keys := testKeys(t, 1)
		v := vault.New(d, keys)
		values := seedNotes(t, d, v, tenantA, 10)
		first := dataKeys(t, d, tenantA)[0].id
		// Note 3's body moved to note 4 (its AAD names note 3): it cannot open there.
		b3, _ := stored(t, d, tenantA, noteID(3))
		write(t, d, func(tx *db.Tx) error {
			_, err := tx.ExecContext(bg, "UPDATE vault_test_notes SET body = $1 WHERE tenant_id = $2 AND id = $3", b3, tenantA, noteID(4))
			return err
		})
		n, err := v.Rotate(bg, tenantA)
		if n != values-1 || err == nil || !strings.Contains(err.Error(), "1 values did not open") {
			t.Fatalf("Rotate: %d, %v; want %d and an error counting one value", n, err, values-1)
		}
		keysA := dataKeys(t, d, tenantA)
		if len(keysA) != 2 || keysA[0].id != first || keysA[0].retired || keysA[1].retired {
			t.Fatalf("keys %v; want the first key kept active for the value that did not open", keysA)
		}
		// Repaired, the next rotation finishes and retires both older keys.
		write(t, d, func(tx *db.Tx) error {
			_, err := tx.ExecContext(bg, "UPDATE vault_test_notes SET body = NULL WHERE tenant_id = $1 AND id = $2", tenantA, noteID(4))
			return err
		})
		n, err = v.Rotate(bg, tenantA)
		if n != values-1 || err != nil {
			t.Fatalf("Rotate after the repair: %d, %v", n, err)
		}
		if keysA = dataKeys(t, d, tenantA); len(keysA) != 3 || len(active(keysA)) != 1 || active(keysA)[0] != keysA[2].id {
			t.Errorf("keys %v; want only the newest active", keysA)
		}
	})
}

// TestRotateResumes: a rotation that stops half-way (here: on a column whose table is missing)
// leaves every value readable, and the next one finishes the work.
func TestRotateResumes(t *testing.T) {
	eachEngine(t, func(t *testing.T, d *db.DB, _ *clock.Fake) {
		keys := testKeys(t, 1)
		v := vault.New(d, keys)
		v.BatchSize = 3
		values := seedNotes(t, d, v, tenantA, 12)
		v.Columns = []vault.Column{bodyCol, {Table: "vault_missing", IDColumn: "id", Column: "body"}, summaryCol}
		n, err := v.Rotate(bg, tenantA)
		if err == nil || n != 12 {
			t.Fatalf("Rotate with a missing table: %d, %v; want 12 bodies re-encrypted and an error", n, err)
		}
		if keysA := dataKeys(t, d, tenantA); len(keysA) != 2 || len(active(keysA)) != 2 {
			t.Fatalf("keys after the interrupted rotation: %v; want both active", keysA)
		}
		if ids := keyIDs(allStored(t, d, tenantA)); len(ids) != 2 {
			t.Fatalf("keys in use after the interrupted rotation: %v", ids)
		}
		checkNotes(t, d, vault.New(d, keys), tenantA, 12)
		v.Columns = nil
		n, err = v.Rotate(bg, tenantA)
		if err != nil || n != values {
			t.Fatalf("resumed Rotate: %d, %v; want %d", n, err, values)
		}
		keysA := dataKeys(t, d, tenantA)
		if len(keysA) != 3 || len(active(keysA)) != 1 || active(keysA)[0] != keysA[2].id {
			t.Errorf("keys %v; want only the newest active", keysA)
		}
		checkNotes(t, d, vault.New(d, keys), tenantA, 12)
	})
}
