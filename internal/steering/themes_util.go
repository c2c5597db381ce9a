package steering

import (
	"context"
	"database/sql"
	"errors"

	"kim/internal/platform/access"
	"kim/internal/platform/audit"
	"kim/internal/platform/db"
	"kim/internal/platform/ids"
)

// Helpers of the themes, recommendations and loop-view files. Their names carry "loop" so that
// they cannot clash with the helpers of the other parts of the room.

// loopScanner is a row or a set of rows.
type loopScanner = db.Scanner

// loopRows runs a query and reads every row with scan (see db.QueryAll).
func loopRows[T any](ctx context.Context, tx *db.Tx, scan func(sc loopScanner, v *T) error, q string, args ...any) ([]T, error) {
	return db.QueryAll(ctx, tx, scan, q, args...)
}

// loopStrings returns the first column of every row.
func loopStrings(ctx context.Context, tx *db.Tx, q string, args ...any) ([]string, error) {
	return loopRows(ctx, tx, func(sc loopScanner, s *string) error { return sc.Scan(s) }, q, args...)
}

// loopExists reports whether the query returns a row.
func loopExists(ctx context.Context, tx *db.Tx, q string, args ...any) (bool, error) {
	var one int
	err := tx.QueryRowContext(ctx, q, args...).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}

// loopAudit appends an audit entry in the transaction.
func (s *Service) loopAudit(ctx context.Context, tx *db.Tx, actor access.Actor, action, objType, objID string, details map[string]string) error {
	return s.Audit.Append(ctx, tx, audit.Entry{Actor: actor, Action: action, ObjectType: objType, ObjectID: objID, Details: details})
}

// loopArgs returns the arguments of an IN list after the leading ones.
func loopArgs(lead []any, list []string) []any {
	out := append([]any(nil), lead...)
	for _, s := range list {
		out = append(out, s)
	}
	return out
}

// loopUserNames maps account ids to names (system actors and deleted accounts are missing).
func loopUserNames(ctx context.Context, tx *db.Tx, tenantID string, userIDs []string) (map[string]string, error) {
	var valid []string
	for _, id := range userIDs {
		if ids.Valid(id) {
			valid = append(valid, id)
		}
	}
	out := map[string]string{}
	if len(valid) == 0 {
		return out, nil
	}
	type pair struct{ id, name string }
	rows, err := loopRows(ctx, tx, func(sc loopScanner, p *pair) error { return sc.Scan(&p.id, &p.name) },
		"SELECT CAST(id AS TEXT), name FROM users WHERE tenant_id = $1 AND id IN ("+db.Placeholders(2, len(valid))+")",
		loopArgs([]any{tenantID}, valid)...)
	for _, p := range rows {
		out[p.id] = p.name
	}
	return out, err
}

// loopNoRows reports whether err says that a single-row query found nothing.
func loopNoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }
