package audit

import (
	"context"
	"strconv"
	"strings"
	"time"

	"kim/internal/platform/db"
)

// Filter selects audit entries.
type Filter struct {
	From       time.Time // inclusive
	To         time.Time // exclusive
	ActorID    string
	ActorEmail string // the e-mail address of the acting account (as it is now)
	Action     string // exact action or a prefix ending in "."
	ObjectType string
	ObjectID   string
	Outcome    string
}

// Found is a stored entry with the actor's display name (if the account still exists).
type Found struct {
	Record
	ActorName  string
	ActorEmail string
}

// Search returns one page of a tenant's entries, newest first, and the total count.
func Search(ctx context.Context, tx *db.Tx, tenantID string, f Filter, limit, offset int) ([]Found, int, error) {
	where := []string{"a.tenant_id = $1"}
	args := []any{tenantID}
	add := func(cond string, v any) {
		args = append(args, v)
		where = append(where, strings.ReplaceAll(cond, "?", "$"+strconv.Itoa(len(args))))
	}
	if !f.From.IsZero() {
		add("a.at >= ?", f.From)
	}
	if !f.To.IsZero() {
		add("a.at < ?", f.To)
	}
	if f.ActorID != "" {
		add("a.actor_id = ?", f.ActorID)
	}
	if f.ActorEmail != "" {
		add("u.email = ?", f.ActorEmail)
	}
	if f.Action != "" {
		if strings.HasSuffix(f.Action, ".") {
			add("a.action LIKE ? ESCAPE '\\'", strings.NewReplacer("%", "\\%", "_", "\\_").Replace(f.Action)+"%")
		} else {
			add("a.action = ?", f.Action)
		}
	}
	if f.ObjectType != "" {
		add("a.object_type = ?", f.ObjectType)
	}
	if f.ObjectID != "" {
		add("a.object_id = ?", f.ObjectID)
	}
	if f.Outcome != "" {
		add("a.outcome = ?", f.Outcome)
	}
	w := strings.Join(where, " AND ")
	// Actor ids are text in the audit trail ("system" for the command line), so the join
	// compares as text on both engines.
	from := " FROM audit_log a LEFT JOIN users u ON u.tenant_id = a.tenant_id AND CAST(u.id AS TEXT) = a.actor_id WHERE " + w
	var total int
	if err := tx.QueryRowContext(ctx, "SELECT count(*)"+from, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	rows, err := tx.QueryContext(ctx, `SELECT a.tenant_id, a.seq, a.id, a.at, a.actor_id, a.actor_role, a.actor_org_id, a.action,
		a.object_type, a.object_id, a.purpose, a.outcome, a.request_id, a.details, a.prev_hash, a.hash,
		COALESCE(u.name, ''), COALESCE(u.email, '')`+from+" ORDER BY a.seq DESC LIMIT "+strconv.Itoa(limit)+" OFFSET "+strconv.Itoa(offset), args...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []Found
	for rows.Next() {
		var f Found
		r := &f.Record
		if err := rows.Scan(&r.TenantID, &r.Seq, &r.ID, &r.At, &r.ActorID, &r.ActorRole, &r.ActorOrgID, &r.Action, &r.ObjectType,
			&r.ObjectID, &r.Purpose, &r.Outcome, &r.RequestID, &r.Details, &r.PrevHash, &r.Hash, &f.ActorName, &f.ActorEmail); err != nil {
			return nil, 0, err
		}
		out = append(out, f)
	}
	return out, total, rows.Err()
}

// ActionGroups are the prefixes by which the audit page filters entries.
var ActionGroups = []string{"auth.", "account.", "user.", "tenant.", "organisation.", "location.", "district.", "quarter.", "audit.",
	"client.", "consent.", "case.", "contact.", "referral.", "document.", "export.", "vault.",
	"offer.", "barrier_report.", "theme.", "recommendation.", "body.", "meeting.",
	"dashboard.", "report_text.", "annual_report.", "context_import.", "funding_figures."}
