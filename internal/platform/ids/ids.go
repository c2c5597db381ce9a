// Package ids creates the identifiers of all records: UUIDv7, time-ordered so that new rows append
// to B-tree indexes and no sequence becomes a hotspot when tenants are sharded.
package ids

import (
	"time"

	"github.com/google/uuid"
)

// New returns a new UUIDv7 in its canonical text form.
func New() string {
	return uuid.Must(uuid.NewV7()).String()
}

// Valid reports whether s is a UUID in canonical form (lower case, with hyphens). Handlers use
// it to answer 404 for malformed ids before a query reaches the database (PostgreSQL would
// reject the cast). Other spellings of a UUID are refused too: PostgreSQL would match them while
// SQLite (text) and comparisons in Go would not, so accepting them would split the engines.
func Valid(s string) bool {
	if len(s) != 36 {
		return false
	}
	u, err := uuid.Parse(s)
	return err == nil && u.String() == s
}

// Source is a source of random bits for deterministic ids.
type Source interface{ Uint64() uint64 }

// Deterministic returns a UUIDv7 for time t whose random part comes from src, so that synthetic
// data generated from the same seed has the same ids.
func Deterministic(src Source, t time.Time) string {
	var u uuid.UUID
	ms := uint64(t.UnixMilli())
	for i := 0; i < 6; i++ {
		u[i] = byte(ms >> (40 - 8*i))
	}
	r1, r2 := src.Uint64(), src.Uint64()
	for i := 6; i < 16; i++ {
		if i < 8 {
			u[i] = byte(r1 >> (8 * (i - 6)))
		} else {
			u[i] = byte(r2 >> (8 * (i - 8)))
		}
	}
	u[6] = (u[6] & 0x0f) | 0x70 // version 7
	u[8] = (u[8] & 0x3f) | 0x80 // RFC 4122 variant
	return u.String()
}
