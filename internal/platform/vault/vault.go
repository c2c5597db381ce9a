// Package vault encrypts free text with special-category content (notes, documents, diagnoses)
// at rest: AES-256-GCM under per-tenant data keys, which are stored in the table data_keys
// wrapped (AES-256-GCM) by a key derived from the master key. The master key itself never
// touches the database (see package seal and MasterKeyFromEnv).
//
// Services encrypt inside their own transaction:
//
//	ct, err := s.Vault.SealString(ctx, tx, tenantID, note.Text, vault.AAD("contacts", "note", note.ID))
//
// and store ct in a nullable BLOB/BYTEA column that they register with Register, so that
// Rotate can re-encrypt it under a new data key.
//
// A ciphertext is: 1 version byte | 16-byte data key id | 12-byte random nonce | ciphertext and
// 16-byte tag. The additional data authenticated by GCM is the 17-byte header, the tenant id, a
// zero byte and the caller's aad, so a ciphertext opens neither in another tenant nor (with
// AAD(table, column, rowID)) in another row or column.
//
// Empty values: Seal and SealString return nil for an empty plaintext (store it as NULL), and
// Open and OpenString return nil or "" for a nil or empty ciphertext. An empty value is thus not
// encrypted at all; ciphertexts reveal the length of their plaintext anyway.
//
// Nonces are random (96 bits), so one data key should seal well below 2^32 values; Rotate gives
// a tenant a fresh key long before that.
package vault

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/google/uuid"

	"kim/internal/platform/audit"
	"kim/internal/platform/db"
	"kim/internal/platform/seal"
)

const (
	version    = 1
	idLen      = 16
	headerLen  = 1 + idLen
	nonceLen   = 12
	tagLen     = 16
	dataKeyLen = 32

	// Overhead is the number of bytes Seal adds to a plaintext.
	Overhead = headerLen + nonceLen + tagLen

	// DefaultActiveTTL is how long Seal trusts a cached active key before it looks for a newer
	// one (made by Rotate in another process).
	DefaultActiveTTL = time.Minute
	// DefaultMaxCachedKeys bounds the number of unwrapped data keys held in memory.
	DefaultMaxCachedKeys = 10000
)

// ErrDoesNotOpen is returned (possibly wrapped) by Open for a ciphertext that is malformed, was
// made for another tenant, row or column, names a data key the tenant does not have, or was
// changed. The message never contains the value or its context.
var ErrDoesNotOpen = errors.New("vault: ciphertext does not open")

// Vault seals and opens values with per-tenant data keys. Set DB and Keys (or use New); the
// other fields are optional. A Vault is safe for concurrent use and must not be copied after
// first use.
//
// Unwrapped data keys are cached in memory (at most MaxCachedKeys), so Seal and Open of a cached
// key do not touch the database. Seal looks up the tenant's active key again after ActiveTTL,
// which is how a server picks up a key made by `kim keys rotate` in another process.
//
// A tenant's first key is made by Seal inside the caller's transaction. Until another transaction
// has seen it committed (one query, once), only the transaction that made it uses it, so a
// rollback cannot leave values sealed with a key that was never stored.
type Vault struct {
	DB   *db.DB     // used by Rotate, which runs its own transactions
	Keys *seal.Keys // the master key; the key-encryption key is Keys.Derive("vault-kek")
	// Audit, if set, records each rotation in the tenant's audit trail.
	Audit *audit.Chain
	// Columns are re-encrypted by Rotate; nil means every column registered with Register.
	Columns []Column
	// ActiveTTL defaults to DefaultActiveTTL, MaxCachedKeys to DefaultMaxCachedKeys and
	// BatchSize (rows re-encrypted per transaction by Rotate) to 500.
	ActiveTTL     time.Duration
	MaxCachedKeys int
	BatchSize     int

	once    sync.Once
	initErr error
	kek     cipher.AEAD

	mu     sync.RWMutex
	keys   map[keyRef]cachedKey
	active map[string]activeKey
}

// New returns a vault on d with master key keys.
func New(d *db.DB, keys *seal.Keys) *Vault { return &Vault{DB: d, Keys: keys} }

type keyRef struct {
	tenant string
	id     uuid.UUID
}

// dataKey is an unwrapped data key; it is immutable once made.
type dataKey struct {
	id      uuid.UUID
	wrapped []byte
	aead    cipher.AEAD
}

// A key made by the caller's transaction is pending until another transaction has seen it
// committed: if that transaction rolled back, the key does not exist and must not be used.
type cachedKey struct {
	key     *dataKey
	pending *db.Tx
}

type activeKey struct {
	key     *dataKey
	pending *db.Tx
	checked time.Time
}

func (v *Vault) init() error {
	v.once.Do(func() {
		if v.Keys == nil {
			v.initErr = errors.New("vault: no master key")
			return
		}
		block, err := aes.NewCipher(v.Keys.Derive("vault-kek"))
		if err != nil {
			v.initErr = err
			return
		}
		if v.kek, err = cipher.NewGCMWithRandomNonce(block); err != nil {
			v.initErr = err
			return
		}
		v.keys = map[keyRef]cachedKey{}
		v.active = map[string]activeKey{}
	})
	return v.initErr
}

// AAD is the standard additional data for a value stored in table.column of the row rowID.
// (Seal adds the tenant itself.)
func AAD(table, column, rowID string) []byte {
	b := make([]byte, 0, len(table)+len(column)+len(rowID)+2)
	b = append(b, table...)
	b = append(b, 0)
	b = append(b, column...)
	b = append(b, 0)
	return append(b, rowID...)
}

// Seal encrypts plaintext for tenantID under the tenant's active data key, bound to aad. The
// tenant's first data key is made here, in tx, when it has none yet. An empty plaintext gives
// nil (store NULL).
func (v *Vault) Seal(ctx context.Context, tx *db.Tx, tenantID string, plaintext, aad []byte) ([]byte, error) {
	if len(plaintext) == 0 {
		return nil, nil
	}
	if err := v.init(); err != nil {
		return nil, err
	}
	k, err := v.activeKey(ctx, tx, tenantID)
	if err != nil {
		return nil, err
	}
	return k.seal(tenantID, plaintext, aad), nil
}

// SealString is Seal for text: "" gives nil (store NULL).
func (v *Vault) SealString(ctx context.Context, tx *db.Tx, tenantID, plaintext string, aad []byte) ([]byte, error) {
	if plaintext == "" {
		return nil, nil
	}
	return v.Seal(ctx, tx, tenantID, []byte(plaintext), aad)
}

// Open decrypts a ciphertext made by Seal for the same tenant and aad. A nil or empty
// ciphertext (a NULL column) gives nil. Errors from a ciphertext that does not open satisfy
// errors.Is(err, ErrDoesNotOpen); other errors come from the database.
func (v *Vault) Open(ctx context.Context, tx *db.Tx, tenantID string, ciphertext, aad []byte) ([]byte, error) {
	if len(ciphertext) == 0 {
		return nil, nil
	}
	if err := v.init(); err != nil {
		return nil, err
	}
	if len(ciphertext) <= Overhead || ciphertext[0] != version {
		return nil, fmt.Errorf("%w (malformed)", ErrDoesNotOpen)
	}
	id := uuid.UUID(ciphertext[1:headerLen])
	k, err := v.keyByID(ctx, tx, tenantID, id)
	if err != nil {
		return nil, err
	}
	pt, err := k.aead.Open(nil, nil, ciphertext[headerLen:], gcmAAD(ciphertext[:headerLen], tenantID, aad))
	if err != nil {
		return nil, ErrDoesNotOpen
	}
	return pt, nil
}

// OpenString is Open for text: a nil or empty ciphertext gives "".
func (v *Vault) OpenString(ctx context.Context, tx *db.Tx, tenantID string, ciphertext, aad []byte) (string, error) {
	pt, err := v.Open(ctx, tx, tenantID, ciphertext, aad)
	return string(pt), err
}

func (k *dataKey) seal(tenantID string, plaintext, aad []byte) []byte {
	out := make([]byte, headerLen, headerLen+nonceLen+len(plaintext)+tagLen)
	out[0] = version
	copy(out[1:], k.id[:])
	return k.aead.Seal(out, nil, plaintext, gcmAAD(out[:headerLen], tenantID, aad))
}

// gcmAAD is the additional data GCM authenticates: header | tenantID | 0 | aad. It is a fresh
// slice (GCM's additional data must not overlap its output).
func gcmAAD(header []byte, tenantID string, aad []byte) []byte {
	b := make([]byte, 0, len(header)+len(tenantID)+1+len(aad))
	b = append(b, header...)
	b = append(b, tenantID...)
	b = append(b, 0)
	return append(b, aad...)
}

// activeKey returns the key Seal uses for the tenant: from the cache while fresh, otherwise the
// newest key that is not retired, made if the tenant has none.
func (v *Vault) activeKey(ctx context.Context, tx *db.Tx, tenantID string) (*dataKey, error) {
	v.mu.RLock()
	a, ok := v.active[tenantID]
	v.mu.RUnlock()
	if ok {
		if a.pending == tx {
			return a.key, nil
		}
		if age := tx.Now.Sub(a.checked); a.pending == nil && age >= 0 && age < v.activeTTL() {
			return a.key, nil
		}
	}
	k, err := v.newestKey(ctx, tx, tenantID)
	if err != nil {
		return nil, err
	}
	if k != nil {
		v.setActive(tenantID, k, nil, tx.Now)
		return k, nil
	}
	return v.createFirstKey(ctx, tx, tenantID)
}

// newestKey loads the tenant's newest data key that is not retired, or nil if there is none.
// Key ids are UUIDv7 (time-ordered); the first key's id sorts before all of them.
func (v *Vault) newestKey(ctx context.Context, tx *db.Tx, tenantID string) (*dataKey, error) {
	var idText string
	var wrapped []byte
	err := tx.QueryRowContext(ctx, `SELECT CAST(id AS TEXT), wrapped FROM data_keys
		WHERE tenant_id = $1 AND retired_at IS NULL ORDER BY id DESC LIMIT 1`, tenantID).Scan(&idText, &wrapped)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("vault: load active data key: %w", err)
	}
	id, err := uuid.Parse(idText)
	if err != nil {
		return nil, fmt.Errorf("vault: data key id: %w", err)
	}
	return v.unwrap(tenantID, id, wrapped)
}

// createFirstKey makes the tenant's first data key in tx. Its id is derived from the tenant id,
// so that concurrent first uses insert the same row: ON CONFLICT lets all but one do nothing
// (on PostgreSQL they wait for the first to commit), and they then use the committed key.
func (v *Vault) createFirstKey(ctx context.Context, tx *db.Tx, tenantID string) (*dataKey, error) {
	k, err := v.generate(tenantID, firstKeyID(tenantID))
	if err != nil {
		return nil, err
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO data_keys (tenant_id, id, wrapped, created_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (tenant_id, id) DO NOTHING`, tenantID, k.id.String(), k.wrapped, tx.Now)
	if err != nil {
		return nil, fmt.Errorf("vault: create data key: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return nil, fmt.Errorf("vault: create data key: %w", err)
	}
	if n == 1 {
		v.setActive(tenantID, k, tx, tx.Now)
		return k, nil
	}
	// Another transaction made it and has committed.
	k, err = v.newestKey(ctx, tx, tenantID)
	if err != nil {
		return nil, err
	}
	if k == nil {
		return nil, errors.New("vault: the tenant has data keys, but all are retired")
	}
	v.setActive(tenantID, k, nil, tx.Now)
	return k, nil
}

// firstKeyID derives the id of a tenant's first data key: UUIDv7-shaped with a zero timestamp,
// so it sorts before every key made later with ids.New.
func firstKeyID(tenantID string) uuid.UUID {
	h := sha256.Sum256([]byte("kim/vault/first-key/" + tenantID))
	var id uuid.UUID
	copy(id[6:], h[:10])
	id[6] = 0x70 | id[6]&0x0f
	id[8] = 0x80 | id[8]&0x3f
	return id
}

// keyByID returns the tenant's data key id, from the cache or the database.
func (v *Vault) keyByID(ctx context.Context, tx *db.Tx, tenantID string, id uuid.UUID) (*dataKey, error) {
	ref := keyRef{tenantID, id}
	v.mu.RLock()
	c, ok := v.keys[ref]
	v.mu.RUnlock()
	if ok && (c.pending == nil || c.pending == tx) {
		return c.key, nil
	}
	var wrapped []byte
	err := tx.QueryRowContext(ctx, "SELECT wrapped FROM data_keys WHERE tenant_id = $1 AND id = $2", tenantID, id.String()).Scan(&wrapped)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("%w (unknown data key)", ErrDoesNotOpen)
	}
	if err != nil {
		return nil, fmt.Errorf("vault: load data key: %w", err)
	}
	k, err := v.unwrap(tenantID, id, wrapped)
	if err != nil {
		return nil, err
	}
	v.remember(tenantID, k, nil)
	return k, nil
}

// generate makes a new random data key with the given id, wrapped for tenantID.
func (v *Vault) generate(tenantID string, id uuid.UUID) (*dataKey, error) {
	raw := make([]byte, dataKeyLen)
	if _, err := rand.Read(raw); err != nil {
		return nil, err
	}
	wrapped := v.kek.Seal([]byte{version}, nil, raw, kekAAD(tenantID, id))
	return newDataKey(id, wrapped, raw)
}

func (v *Vault) unwrap(tenantID string, id uuid.UUID, wrapped []byte) (*dataKey, error) {
	if len(wrapped) < 1 || wrapped[0] != version {
		return nil, errors.New("vault: malformed data key")
	}
	raw, err := v.kek.Open(nil, nil, wrapped[1:], kekAAD(tenantID, id))
	if err != nil {
		return nil, errors.New("vault: a data key does not open with this master key")
	}
	return newDataKey(id, wrapped, raw)
}

func kekAAD(tenantID string, id uuid.UUID) []byte {
	return []byte("kim/vault/" + tenantID + "/" + id.String())
}

func newDataKey(id uuid.UUID, wrapped, raw []byte) (*dataKey, error) {
	if len(raw) != dataKeyLen {
		return nil, errors.New("vault: data key has the wrong length")
	}
	block, err := aes.NewCipher(raw)
	if err != nil {
		return nil, err
	}
	g, err := cipher.NewGCMWithRandomNonce(block)
	if err != nil {
		return nil, err
	}
	return &dataKey{id: id, wrapped: wrapped, aead: g}, nil
}

// remember caches k; pending is the transaction that created it, if it is not yet committed.
func (v *Vault) remember(tenantID string, k *dataKey, pending *db.Tx) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.rememberLocked(tenantID, k, pending)
}

func (v *Vault) rememberLocked(tenantID string, k *dataKey, pending *db.Tx) {
	ref := keyRef{tenantID, k.id}
	if _, ok := v.keys[ref]; !ok && len(v.keys) >= v.maxCachedKeys() {
		for r, c := range v.keys { // an arbitrary entry: map iteration order is random
			if c.pending == nil {
				delete(v.keys, r)
				break
			}
		}
	}
	v.keys[ref] = cachedKey{key: k, pending: pending}
}

// setActive records k as the tenant's active key, checked at checked.
func (v *Vault) setActive(tenantID string, k *dataKey, pending *db.Tx, checked time.Time) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.rememberLocked(tenantID, k, pending)
	if _, ok := v.active[tenantID]; !ok && len(v.active) >= v.maxCachedKeys() {
		for t, a := range v.active {
			if a.pending == nil {
				delete(v.active, t)
				break
			}
		}
	}
	v.active[tenantID] = activeKey{key: k, pending: pending, checked: checked}
}

func (v *Vault) activeTTL() time.Duration {
	if v.ActiveTTL > 0 {
		return v.ActiveTTL
	}
	return DefaultActiveTTL
}

func (v *Vault) maxCachedKeys() int {
	if v.MaxCachedKeys > 0 {
		return v.MaxCachedKeys
	}
	return DefaultMaxCachedKeys
}
