// Package audit writes the tamper-evident audit trail. Every entry is appended in the same
// transaction as the change it records and is chained to its predecessor within the tenant:
// hash = HMAC-SHA-256(key, prev_hash ‖ fields). Changing, deleting, inserting or reordering an
// entry breaks the chain, and Verify names the first entry where it breaks. The key is held
// outside the database, so someone with database access alone cannot rebuild a valid chain.
//
// Entries hold identifiers only (pseudonymous user and record ids), never names or content.
package audit

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"sort"
	"strconv"
	"time"

	"kim/internal/platform/access"
	"kim/internal/platform/db"
	"kim/internal/platform/ids"
	"kim/internal/platform/reqid"
)

// Entry is one audit record as a service describes it.
type Entry struct {
	Actor      access.Actor
	Action     string            // e.g. "user.create", "auth.login"
	ObjectType string            // e.g. "user"
	ObjectID   string            // the record's id
	Purpose    string            // why, where the user was asked
	Outcome    string            // "ok" (default) or "denied", "failed"
	Details    map[string]string // identifiers and codes only, never personal content
	TenantID   string            // defaults to Actor.TenantID
}

// Record is a stored entry.
type Record struct {
	TenantID   string
	Seq        int64
	ID         string
	At         time.Time
	ActorID    string
	ActorRole  string
	ActorOrgID string
	Action     string
	ObjectType string
	ObjectID   string
	Purpose    string
	Outcome    string
	RequestID  string
	Details    string
	PrevHash   string
	Hash       string
}

// Chain appends and verifies entries with one key.
type Chain struct {
	key []byte
}

// NewChain returns a chain keyed with key (at least 32 bytes in production; tests may pass any).
func NewChain(key []byte) *Chain { return &Chain{key: key} }

// Genesis is the prev_hash of a tenant's first entry.
func (c *Chain) Genesis(tenantID string) string {
	return c.digest(func(h hash.Hash) { h.Write([]byte("kim-audit-genesis\x00" + tenantID)) })
}

func (c *Chain) digest(fill func(h hash.Hash)) string {
	var h hash.Hash
	if len(c.key) > 0 {
		h = hmac.New(sha256.New, c.key)
	} else {
		h = sha256.New()
	}
	fill(h)
	return hex.EncodeToString(h.Sum(nil))
}

// Hash computes the hash of r from its fields and its prev_hash.
func (c *Chain) Hash(r *Record) string {
	return c.digest(func(h hash.Hash) {
		field := func(s string) {
			var n [8]byte
			binary.BigEndian.PutUint64(n[:], uint64(len(s)))
			h.Write(n[:])
			h.Write([]byte(s))
		}
		field(r.PrevHash)
		field(r.TenantID)
		field(strconv.FormatInt(r.Seq, 10))
		field(r.ID)
		field(r.At.UTC().Format(time.RFC3339Nano))
		field(r.ActorID)
		field(r.ActorRole)
		field(r.ActorOrgID)
		field(r.Action)
		field(r.ObjectType)
		field(r.ObjectID)
		field(r.Purpose)
		field(r.Outcome)
		field(r.RequestID)
		field(r.Details)
	})
}

// Append writes e in tx, chained to the tenant's last entry. The head row is locked for the rest
// of the transaction, so concurrent transactions of one tenant append one after another.
func (c *Chain) Append(ctx context.Context, tx *db.Tx, e Entry) error {
	tenant := e.TenantID
	if tenant == "" {
		tenant = e.Actor.TenantID
	}
	if tenant == "" {
		return errors.New("audit: entry without tenant")
	}
	var (
		seq  int64
		prev string
	)
	err := tx.QueryRowContext(ctx, "SELECT seq, hash FROM audit_heads WHERE tenant_id = $1"+tx.ForUpdate(), tenant).Scan(&seq, &prev)
	if errors.Is(err, sql.ErrNoRows) {
		if _, err = tx.ExecContext(ctx, "INSERT INTO audit_heads (tenant_id, seq, hash) VALUES ($1, 0, $2) ON CONFLICT (tenant_id) DO NOTHING",
			tenant, c.Genesis(tenant)); err != nil {
			return fmt.Errorf("audit head: %w", err)
		}
		err = tx.QueryRowContext(ctx, "SELECT seq, hash FROM audit_heads WHERE tenant_id = $1"+tx.ForUpdate(), tenant).Scan(&seq, &prev)
	}
	if err != nil {
		return fmt.Errorf("audit head: %w", err)
	}
	outcome := e.Outcome
	if outcome == "" {
		outcome = "ok"
	}
	details := ""
	if len(e.Details) > 0 {
		details = canonicalJSON(e.Details)
	}
	r := Record{
		TenantID: tenant, Seq: seq + 1, ID: ids.New(), At: tx.Now,
		ActorID: e.Actor.UserID, ActorRole: string(e.Actor.Role), ActorOrgID: e.Actor.OrganisationID,
		Action: e.Action, ObjectType: e.ObjectType, ObjectID: e.ObjectID, Purpose: e.Purpose,
		Outcome: outcome, RequestID: reqid.From(ctx), Details: details, PrevHash: prev,
	}
	r.Hash = c.Hash(&r)
	if _, err := tx.ExecContext(ctx, `INSERT INTO audit_log (tenant_id, seq, id, at, actor_id, actor_role, actor_org_id,
		action, object_type, object_id, purpose, outcome, request_id, details, prev_hash, hash)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`,
		r.TenantID, r.Seq, r.ID, r.At, r.ActorID, r.ActorRole, r.ActorOrgID, r.Action, r.ObjectType,
		r.ObjectID, r.Purpose, r.Outcome, r.RequestID, r.Details, r.PrevHash, r.Hash); err != nil {
		return fmt.Errorf("audit insert: %w", err)
	}
	if _, err := tx.ExecContext(ctx, "UPDATE audit_heads SET seq = $1, hash = $2 WHERE tenant_id = $3", r.Seq, r.Hash, tenant); err != nil {
		return fmt.Errorf("audit head update: %w", err)
	}
	return nil
}

func canonicalJSON(m map[string]string) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	b := []byte{'{'}
	for i, k := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		kb, _ := json.Marshal(k)
		vb, _ := json.Marshal(m[k])
		b = append(b, kb...)
		b = append(b, ':')
		b = append(b, vb...)
	}
	return string(append(b, '}'))
}

const recordColumns = `tenant_id, seq, id, at, actor_id, actor_role, actor_org_id, action, object_type,
	object_id, purpose, outcome, request_id, details, prev_hash, hash`

func scanRecord(rows interface{ Scan(...any) error }, r *Record) error {
	return rows.Scan(&r.TenantID, &r.Seq, &r.ID, &r.At, &r.ActorID, &r.ActorRole, &r.ActorOrgID,
		&r.Action, &r.ObjectType, &r.ObjectID, &r.Purpose, &r.Outcome, &r.RequestID, &r.Details,
		&r.PrevHash, &r.Hash)
}
