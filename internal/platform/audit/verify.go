package audit

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"kim/internal/platform/db"
)

// Problem describes the first entry at which a tenant's chain is broken.
type Problem struct {
	TenantID string
	Seq      int64  // sequence number of the first bad entry
	EntryID  string // its id, when the entry exists
	At       time.Time
	Action   string
	Reason   string // one of the Reason… codes
}

func (p Problem) String() string {
	s := fmt.Sprintf("entry %d", p.Seq)
	if p.EntryID != "" {
		s += fmt.Sprintf(" (id %s, %s, %s)", p.EntryID, p.At.UTC().Format(time.RFC3339), p.Action)
	}
	return s + ": " + reasonText[p.Reason]
}

var reasonText = map[string]string{
	ReasonChanged:      "content changed",
	ReasonMissing:      "missing (deleted)",
	ReasonChainBroken:  "does not follow its predecessor (reordered, inserted or a predecessor deleted)",
	ReasonHeadMismatch: "entries after it were removed or the chain head was changed",
	ReasonCut:          "missing: the trail ends before a saved checkpoint (entries were cut off its end)",
	ReasonCheckpoint:   "differs from a saved checkpoint",
}

// Reasons reported by Verify.
const (
	ReasonChanged      = "changed"
	ReasonMissing      = "missing"
	ReasonChainBroken  = "chain_broken"
	ReasonHeadMismatch = "head_mismatch"
	ReasonCut          = "cut"
	ReasonCheckpoint   = "checkpoint"
)

// Verify checks the chain of one tenant from the first entry to the head. It returns nil when the
// chain is intact and otherwise the first bad entry. It streams the entries, so its memory does
// not grow with the length of the trail.
func (c *Chain) Verify(ctx context.Context, d *db.DB, tenantID string) (*Problem, int64, error) {
	var (
		problem *Problem
		count   int64
	)
	err := d.Read(ctx, func(tx *db.Tx) error {
		rows, err := tx.QueryContext(ctx, "SELECT "+recordColumns+" FROM audit_log WHERE tenant_id = $1 ORDER BY seq", tenantID)
		if err != nil {
			return err
		}
		defer rows.Close()
		expect := int64(1)
		prev := c.Genesis(tenantID)
		for rows.Next() {
			var r Record
			if err := scanRecord(rows, &r); err != nil {
				return err
			}
			count++
			switch {
			case r.Seq != expect:
				problem = &Problem{TenantID: tenantID, Seq: expect, Reason: ReasonMissing}
			case c.Hash(&r) != r.Hash:
				problem = &Problem{TenantID: tenantID, Seq: r.Seq, EntryID: r.ID, At: r.At, Action: r.Action, Reason: ReasonChanged}
			case r.PrevHash != prev:
				problem = &Problem{TenantID: tenantID, Seq: r.Seq, EntryID: r.ID, At: r.At, Action: r.Action, Reason: ReasonChainBroken}
			}
			if problem != nil {
				return nil
			}
			prev = r.Hash
			expect++
		}
		if err := rows.Err(); err != nil {
			return err
		}
		var headSeq int64
		var headHash string
		err = tx.QueryRowContext(ctx, "SELECT seq, hash FROM audit_heads WHERE tenant_id = $1", tenantID).Scan(&headSeq, &headHash)
		if errors.Is(err, sql.ErrNoRows) {
			if count > 0 {
				problem = &Problem{TenantID: tenantID, Seq: expect - 1, Reason: ReasonHeadMismatch}
			}
			return nil
		}
		if err != nil {
			return err
		}
		if headSeq != expect-1 || headHash != prev {
			seq := expect - 1
			if headSeq > seq {
				seq = expect // the first entry that the head says exists but is gone
			}
			problem = &Problem{TenantID: tenantID, Seq: seq, Reason: ReasonHeadMismatch}
		}
		return nil
	})
	return problem, count, err
}
