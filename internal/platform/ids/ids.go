// Package ids creates the identifiers of all records: UUIDv7, time-ordered so that new rows append
// to B-tree indexes and no sequence becomes a hotspot when tenants are sharded.
package ids

import (
	"github.com/google/uuid"
)

// New returns a new UUIDv7 in its canonical text form.
func New() string {
	return uuid.Must(uuid.NewV7()).String()
}

// Valid reports whether s is a canonical UUID. Handlers use it to answer 404 for malformed ids
// before a query reaches the database (PostgreSQL would reject the cast).
func Valid(s string) bool {
	if len(s) != 36 {
		return false
	}
	_, err := uuid.Parse(s)
	return err == nil
}
