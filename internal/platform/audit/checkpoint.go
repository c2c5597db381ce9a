package audit

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"

	"kim/internal/platform/db"
)

// A hash chain alone cannot show that entries were cut off its end: whoever can write the
// database can delete the newest entries and set the head back. Checkpoints close that gap.
// A checkpoint is a tenant's head (sequence number and hash) written somewhere the database's
// users cannot change: kim serve logs one whenever a head has moved (ship the logs to a
// separate system), and `kim audit checkpoint` prints them for a cron job. Verification
// against saved checkpoints finds entries removed after a checkpoint was taken.

// Checkpoint is a tenant's chain head at some moment.
type Checkpoint struct {
	TenantID string `json:"tenant_id"`
	Seq      int64  `json:"seq"`
	Hash     string `json:"hash"`
}

// String is the line format of `kim audit checkpoint`.
func (c Checkpoint) String() string {
	return fmt.Sprintf("checkpoint %s %d %s", c.TenantID, c.Seq, c.Hash)
}

// LogMessage is the message of checkpoint lines in kim's JSON log.
const LogMessage = "audit checkpoint"

// Heads returns the current head of every tenant's chain.
func Heads(ctx context.Context, d *db.DB) ([]Checkpoint, error) {
	var out []Checkpoint
	err := d.Read(ctx, func(tx *db.Tx) error {
		rows, err := tx.QueryContext(ctx, "SELECT CAST(tenant_id AS TEXT), seq, hash FROM audit_heads ORDER BY tenant_id")
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var c Checkpoint
			if err := rows.Scan(&c.TenantID, &c.Seq, &c.Hash); err != nil {
				return err
			}
			out = append(out, c)
		}
		return rows.Err()
	})
	return out, err
}

// ReadCheckpoints reads checkpoints from r: lines printed by `kim audit checkpoint`, or kim's
// JSON log lines with the message LogMessage. Other lines are ignored.
func ReadCheckpoints(r io.Reader) ([]Checkpoint, error) {
	var out []Checkpoint
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "checkpoint" || strings.HasPrefix(line, "checkpoint "):
			f := strings.Fields(line)
			seq, err := strconv.ParseInt(f[min(2, len(f)-1)], 10, 64)
			if len(f) != 4 || err != nil || seq < 1 {
				return nil, fmt.Errorf("checkpoints line %d: want \"checkpoint TENANT SEQ HASH\"", n)
			}
			out = append(out, Checkpoint{TenantID: f[1], Seq: seq, Hash: f[3]})
		case strings.HasPrefix(line, "{") && strings.Contains(line, LogMessage):
			var rec struct {
				Msg string `json:"msg"`
				Checkpoint
			}
			if err := json.Unmarshal([]byte(line), &rec); err == nil && rec.Msg == LogMessage && rec.Seq > 0 {
				out = append(out, rec.Checkpoint)
			}
		}
	}
	return out, sc.Err()
}

// VerifyWithCheckpoints verifies a tenant's chain and then checks that every checkpoint of the
// tenant is still part of it: the entry with the checkpoint's sequence number exists and has
// its hash. A checkpoint beyond the end of the chain means entries were cut off.
func (c *Chain) VerifyWithCheckpoints(ctx context.Context, d *db.DB, tenantID string, cps []Checkpoint) (*Problem, int64, error) {
	p, n, err := c.Verify(ctx, d, tenantID)
	if err != nil || p != nil {
		return p, n, err
	}
	for _, cp := range cps {
		if cp.TenantID != tenantID {
			continue
		}
		var hash string
		err := d.Read(ctx, func(tx *db.Tx) error {
			return tx.QueryRowContext(ctx, "SELECT hash FROM audit_log WHERE tenant_id = $1 AND seq = $2", tenantID, cp.Seq).Scan(&hash)
		})
		switch {
		case err != nil && n < cp.Seq:
			return &Problem{TenantID: tenantID, Seq: n + 1, Reason: ReasonCut}, n, nil
		case err != nil:
			return nil, n, err
		case hash != cp.Hash:
			return &Problem{TenantID: tenantID, Seq: cp.Seq, Reason: ReasonCheckpoint}, n, nil
		}
	}
	return nil, n, nil
}
