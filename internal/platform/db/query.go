package db

import "context"

// Scanner is a row (sql.Row) or a set of rows (sql.Rows) positioned on a row.
type Scanner interface{ Scan(dest ...any) error }

// QueryAll runs a query and reads every row with scan. The rows are closed before it returns,
// so that the caller may run further statements in the same transaction (to decrypt, say).
func QueryAll[T any](ctx context.Context, tx *Tx, scan func(row Scanner, v *T) error, q string, args ...any) ([]T, error) {
	rows, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		var v T
		if err := scan(rows, &v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}
