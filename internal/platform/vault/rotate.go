package vault

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/google/uuid"

	"kim/internal/platform/access"
	"kim/internal/platform/audit"
	"kim/internal/platform/db"
	"kim/internal/platform/ids"
)

// DefaultBatchSize is the number of values Rotate re-encrypts per transaction.
const DefaultBatchSize = 500

// maxPasses bounds the passes over the columns: a second pass catches values written under an
// older key by a process whose cached active key was not yet refreshed (see ActiveTTL).
const maxPasses = 3

// Rotate gives the tenant a new data key and re-encrypts under it every value of the tenant in
// the registered columns (see Columns) that uses another key. It works in batches of BatchSize
// rows, one transaction each, so it never holds a large transaction; when it is interrupted,
// every value still opens, and running it again finishes the work (under yet another key).
//
// Afterwards the older keys that no value uses any more are marked retired. Keys are never
// deleted, so a value missed by Rotate (e.g. written by another process during the rotation with
// its cached key) still opens; the next Rotate re-encrypts it.
//
// Values that do not open are left as they are; Rotate then returns the number re-encrypted and
// an error that counts them, and their keys stay unretired.
func (v *Vault) Rotate(ctx context.Context, tenantID string) (int, error) {
	if err := v.init(); err != nil {
		return 0, err
	}
	if v.DB == nil {
		return 0, errors.New("vault: Rotate needs the database")
	}
	cols := v.columns()
	for _, c := range cols {
		if err := c.validate(); err != nil {
			return 0, err
		}
	}
	id, err := uuid.Parse(ids.New())
	if err != nil {
		return 0, err
	}
	k, err := v.generate(tenantID, id)
	if err != nil {
		return 0, err
	}
	err = v.DB.Write(ctx, func(tx *db.Tx) error {
		if _, err := tx.ExecContext(ctx, "INSERT INTO data_keys (tenant_id, id, wrapped, created_at) VALUES ($1, $2, $3, $4)",
			tenantID, k.id.String(), k.wrapped, tx.Now); err != nil {
			return fmt.Errorf("vault: create data key: %w", err)
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	v.setActive(tenantID, k, nil, v.DB.Clock.Now())

	total := 0
	failed := map[string]bool{} // table \0 column \0 row id of values that did not open
	for pass := 0; pass < maxPasses; pass++ {
		n := 0
		for _, c := range cols {
			m, err := v.reencrypt(ctx, tenantID, k, c, failed)
			n += m
			if err != nil {
				return total + n, err
			}
		}
		total += n
		if n == 0 {
			break
		}
	}

	var retired int
	err = v.DB.Write(ctx, func(tx *db.Tx) error {
		retired, err = v.retire(ctx, tx, tenantID, k, cols)
		if err != nil || v.Audit == nil {
			return err
		}
		return v.Audit.Append(ctx, tx, audit.Entry{Actor: access.System(tenantID), TenantID: tenantID,
			Action: "vault.rotate", ObjectType: "data_key", ObjectID: k.id.String(),
			Details: map[string]string{"reencrypted": strconv.Itoa(total), "retired_keys": strconv.Itoa(retired),
				"unreadable": strconv.Itoa(len(failed))}})
	})
	if err != nil {
		return total, err
	}
	if len(failed) > 0 {
		return total, fmt.Errorf("vault: %d values did not open and keep their older key", len(failed))
	}
	return total, nil
}

// reencrypt moves the tenant's values in column c that use another key than k to k, batch by
// batch in the order of the row id, and returns how many it re-encrypted.
func (v *Vault) reencrypt(ctx context.Context, tenantID string, k *dataKey, c Column, failed map[string]bool) (int, error) {
	size := v.BatchSize
	if size <= 0 {
		size = DefaultBatchSize
	}
	if c.BatchSize > 0 && c.BatchSize < size {
		size = c.BatchSize // large values (documents): fewer per transaction
	}
	total := 0
	after := "" // the last row id of the previous batch
	for {
		type row struct {
			id string
			ct []byte
		}
		var (
			n    int
			last string
			more bool
		)
		err := v.DB.Write(ctx, func(tx *db.Tx) error {
			n, last, more = 0, after, false
			q := "SELECT CAST(" + c.IDColumn + " AS TEXT), " + c.Column + " FROM " + c.Table +
				" WHERE tenant_id = $1 AND " + c.Column + " IS NOT NULL AND substr(" + c.Column + ", 2, 16) <> $2"
			args := []any{tenantID, k.id[:]}
			if after != "" {
				q += " AND " + c.IDColumn + " > $3"
				args = append(args, after)
			}
			q += " ORDER BY " + c.IDColumn + " LIMIT " + strconv.Itoa(size) + tx.ForUpdate()
			rs, err := tx.QueryContext(ctx, q, args...)
			if err != nil {
				return fmt.Errorf("vault: read %s: %w", c, err)
			}
			var batch []row
			for rs.Next() {
				var r row
				if err := rs.Scan(&r.id, &r.ct); err != nil {
					rs.Close()
					return fmt.Errorf("vault: read %s: %w", c, err)
				}
				batch = append(batch, r)
			}
			rs.Close()
			if err := rs.Err(); err != nil {
				return fmt.Errorf("vault: read %s: %w", c, err)
			}
			more = len(batch) == size
			update := "UPDATE " + c.Table + " SET " + c.Column + " = $1 WHERE tenant_id = $2 AND " + c.IDColumn + " = $3"
			for _, r := range batch {
				last = r.id
				if len(r.ct) == 0 {
					continue
				}
				aad := c.AAD(r.id)
				pt, err := v.Open(ctx, tx, tenantID, r.ct, aad)
				if errors.Is(err, ErrDoesNotOpen) {
					failed[c.Table+"\x00"+c.Column+"\x00"+r.id] = true
					continue
				}
				if err != nil {
					return err
				}
				if _, err := tx.ExecContext(ctx, update, k.seal(tenantID, pt, aad), tenantID, r.id); err != nil {
					return fmt.Errorf("vault: update %s: %w", c, err)
				}
				n++
			}
			return nil
		})
		if err != nil {
			return total, err
		}
		total += n
		after = last
		if !more {
			return total, nil
		}
	}
}

// retire marks the tenant's keys older than k retired unless a value in cols still uses them,
// and returns how many it retired.
func (v *Vault) retire(ctx context.Context, tx *db.Tx, tenantID string, k *dataKey, cols []Column) (int, error) {
	used := map[uuid.UUID]bool{}
	for _, c := range cols {
		rs, err := tx.QueryContext(ctx, "SELECT DISTINCT substr("+c.Column+", 2, 16) FROM "+c.Table+
			" WHERE tenant_id = $1 AND "+c.Column+" IS NOT NULL AND substr("+c.Column+", 2, 16) <> $2", tenantID, k.id[:])
		if err != nil {
			return 0, fmt.Errorf("vault: read %s: %w", c, err)
		}
		for rs.Next() {
			var b []byte
			if err := rs.Scan(&b); err != nil {
				rs.Close()
				return 0, fmt.Errorf("vault: read %s: %w", c, err)
			}
			if len(b) == idLen {
				used[uuid.UUID(b)] = true
			}
		}
		rs.Close()
		if err := rs.Err(); err != nil {
			return 0, fmt.Errorf("vault: read %s: %w", c, err)
		}
	}
	rs, err := tx.QueryContext(ctx, "SELECT CAST(id AS TEXT) FROM data_keys WHERE tenant_id = $1 AND retired_at IS NULL AND id < $2",
		tenantID, k.id.String())
	if err != nil {
		return 0, fmt.Errorf("vault: read data keys: %w", err)
	}
	var old []string
	for rs.Next() {
		var s string
		if err := rs.Scan(&s); err != nil {
			rs.Close()
			return 0, fmt.Errorf("vault: read data keys: %w", err)
		}
		old = append(old, s)
	}
	rs.Close()
	if err := rs.Err(); err != nil {
		return 0, fmt.Errorf("vault: read data keys: %w", err)
	}
	n := 0
	for _, s := range old {
		id, err := uuid.Parse(s)
		if err != nil {
			return n, fmt.Errorf("vault: data key id: %w", err)
		}
		if used[id] {
			continue
		}
		if _, err := tx.ExecContext(ctx, "UPDATE data_keys SET retired_at = $1 WHERE tenant_id = $2 AND id = $3",
			tx.Now, tenantID, s); err != nil {
			return n, fmt.Errorf("vault: retire data key: %w", err)
		}
		n++
	}
	return n, nil
}
