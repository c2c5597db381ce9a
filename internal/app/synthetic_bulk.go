package app

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"kim/internal/platform/db"
	"kim/internal/platform/vault"
)

// sealText marks a value of a bulk row that is stored encrypted: bulkInsert seals it with the
// tenant's data key for its table, column and row (vault.AAD(table, column, id), the id being
// the row's second column, as casework.Service does). "" is stored as NULL.
type sealText string

// rowSet is the rows of one table for bulkInsert. cols[0] is tenant_id and cols[1] the row's id
// (or the first column of the key after tenant_id).
type rowSet struct {
	table string
	cols  []string
	rows  [][]any
}

func newRows(table, cols string) *rowSet {
	cs := strings.Split(cols, ",")
	for i := range cs {
		cs[i] = strings.TrimSpace(cs[i])
	}
	return &rowSet{table: table, cols: cs}
}

func (r *rowSet) add(vals ...any) {
	if len(vals) != len(r.cols) {
		panic(fmt.Sprintf("%s: %d values for %d columns", r.table, len(vals), len(r.cols)))
	}
	r.rows = append(r.rows, vals)
}

// sortByKey orders the rows by their key columns after tenant_id (the string values of the
// first n of them), so that a large insert fills the primary key's B-tree from left to right.
func (r *rowSet) sortByKey(n int) {
	slices.SortFunc(r.rows, func(a, b []any) int {
		for i := 1; i <= n; i++ {
			if c := cmp.Compare(keyText(a[i]), keyText(b[i])); c != 0 {
				return c
			}
		}
		return 0
	})
}

func keyText(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case int:
		return fmt.Sprintf("%012d", x)
	}
	return fmt.Sprint(v)
}

// sealer encrypts a sealText value (vault.Vault.Seal).
type sealer func(ctx context.Context, tx *db.Tx, tenantID string, plaintext, aad []byte) ([]byte, error)

// bulkInsert writes rows with multi-row INSERT statements, prepared once per shape and reused,
// each binding at most about 30,000 values (SQLite's limit is 32,766, PostgreSQL's 65,535). On
// SQLite the placeholders are anonymous (?): numbered ones make binding thousands of values
// quadratic in modernc.org/sqlite.
func bulkInsert(ctx context.Context, tx *db.Tx, seal sealer, rs *rowSet) error {
	if len(rs.rows) == 0 {
		return nil
	}
	n := len(rs.cols)
	batch := max(1, min(1000, 30000/n))
	head := "INSERT INTO " + rs.table + " (" + strings.Join(rs.cols, ", ") + ") VALUES "
	statement := func(m int) string {
		var b strings.Builder
		b.Grow(len(head) + m*(4*n+4))
		b.WriteString(head)
		for i := range m {
			if i > 0 {
				b.WriteString(", ")
			}
			if tx.Engine == db.SQLite {
				b.WriteString("(?" + strings.Repeat(", ?", n-1) + ")")
			} else {
				b.WriteString("(" + db.Placeholders(1+n*i, n) + ")")
			}
		}
		return b.String()
	}
	var full *sql.Stmt
	defer func() {
		if full != nil {
			full.Close()
		}
	}()
	args := make([]any, 0, n*batch)
	for start := 0; start < len(rs.rows); start += batch {
		m := min(batch, len(rs.rows)-start)
		args = args[:0]
		for _, row := range rs.rows[start : start+m] {
			for i, v := range row {
				if t, ok := v.(sealText); ok {
					switch {
					case t == "":
						v = nil
					case seal == nil:
						return fmt.Errorf("%s.%s: no vault to seal with", rs.table, rs.cols[i])
					default:
						id, _ := row[1].(string)
						ct, err := seal(ctx, tx, row[0].(string), []byte(t), vault.AAD(rs.table, rs.cols[i], id))
						if err != nil {
							return fmt.Errorf("%s: seal %s: %w", rs.table, rs.cols[i], err)
						}
						v = ct
					}
				}
				args = append(args, v)
			}
		}
		var err error
		if m == batch {
			if full == nil {
				if full, err = tx.PrepareContext(ctx, statement(batch)); err != nil {
					return fmt.Errorf("%s: %w", rs.table, err)
				}
			}
			_, err = full.ExecContext(ctx, args...)
		} else {
			_, err = tx.ExecContext(ctx, statement(m), args...)
		}
		if err != nil {
			return fmt.Errorf("%s: %w", rs.table, err)
		}
	}
	return nil
}
