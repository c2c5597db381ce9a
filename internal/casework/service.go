package casework

import (
	"context"
	"crypto/rand"
	"encoding/base32"

	"kim/internal/names/nameindex"
	"kim/internal/platform/access"
	"kim/internal/platform/audit"
	"kim/internal/platform/db"
	"kim/internal/platform/vault"
)

// Sealer encrypts free text at rest with the tenant's data key (see internal/platform/vault).
type Sealer interface {
	Seal(ctx context.Context, tx *db.Tx, tenantID string, plaintext, aad []byte) ([]byte, error)
	Open(ctx context.Context, tx *db.Tx, tenantID string, ciphertext, aad []byte) ([]byte, error)
}

// Service holds the use cases of case management. Each method runs in one transaction, checks
// access first and writes its audit entries in the same transaction.
type Service struct {
	DB    *db.DB
	Audit *audit.Chain
	Vault Sealer
	Names nameindex.Store
	// Offers is the offer directory a referral can name (offers.go); nil: none can be named.
	Offers OfferCatalogue
}

// writeRetry runs fn in a write transaction and runs it again (up to five times) when it lost
// a race for a unique value: two new cases of one organisation taking the same next case
// number at once (PostgreSQL runs them side by side; SQLite has one writer).
func (s *Service) writeRetry(ctx context.Context, fn func(tx *db.Tx) error) error {
	for i := 0; ; i++ {
		err := s.DB.Write(ctx, fn)
		if err == nil || i == 4 || !db.IsUniqueViolation(err) {
			return err
		}
	}
}

func (s *Service) log(ctx context.Context, tx *db.Tx, actor access.Actor, action, objType, objID string, details map[string]string) error {
	return s.Audit.Append(ctx, tx, audit.Entry{Actor: actor, Action: action, ObjectType: objType, ObjectID: objID, Details: details})
}

// seal encrypts s for the column of a row; "" is stored as NULL.
func (s *Service) seal(ctx context.Context, tx *db.Tx, tenantID, table, column, id, text string) (any, error) {
	if text == "" {
		return nil, nil
	}
	return s.Vault.Seal(ctx, tx, tenantID, []byte(text), aad(table, column, id))
}

// open decrypts a column value sealed by seal.
func (s *Service) open(ctx context.Context, tx *db.Tx, tenantID, table, column, id string, ct []byte) (string, error) {
	if len(ct) == 0 {
		return "", nil
	}
	pt, err := s.Vault.Open(ctx, tx, tenantID, ct, aad(table, column, id))
	return string(pt), err
}

// aad binds a ciphertext to its table, column and row.
func aad(table, column, id string) []byte { return vault.AAD(table, column, id) }

// The encrypted columns of case management (re-encrypted by key rotation).
func init() {
	for _, c := range []struct{ table, column string }{
		{"cases", "admission_note"}, {"cases", "close_note"}, {"case_events", "note"},
		{"assessments", "situation"}, {"assessments", "needs"}, {"assessments", "resources"}, {"assessments", "client_view"},
		{"goals", "text"}, {"goals", "indicator"}, {"goals", "evaluation"}, {"tasks", "title"},
		{"contacts", "note"}, {"referrals", "message"}, {"referrals", "answer_note"}, {"referrals", "service"},
		{"consents", "purpose"},
		{"documents", "name"}, {"documents", "content"},
	} {
		col := vault.Column{Table: c.table, IDColumn: "id", Column: c.column}
		if c.table == "documents" && c.column == "content" {
			col.BatchSize = 4 // up to 10 MB each
		}
		vault.Register(col)
	}
}

var pseudonymEnc = base32.NewEncoding("ABCDEFGHJKLMNPQRSTUVWXYZ23456789").WithPadding(base32.NoPadding)

// newPseudonym returns a random, non-speaking identifier for statistics and barrier reports.
func newPseudonym() string {
	b := make([]byte, 10)
	_, _ = rand.Read(b)
	return pseudonymEnc.EncodeToString(b)
}

// queryAll runs a query and reads every row with scan (see db.QueryAll).
func queryAll[T any](ctx context.Context, tx *db.Tx, scan func(row scanner, v *T) error, q string, args ...any) ([]T, error) {
	return db.QueryAll(ctx, tx, scan, q, args...)
}
