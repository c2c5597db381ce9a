package vault

import (
	"fmt"
	"regexp"
	"slices"
	"sync"
)

// Column names an encrypted column, so that Rotate can re-encrypt it. The table must have a
// tenant_id column; IDColumn identifies the row within the tenant (and orders the batches), and
// the values must have been sealed with AAD(Table, Column, id).
type Column struct {
	Table    string
	IDColumn string
	Column   string
	// BatchSize, if set, caps the rows re-encrypted per transaction for a column of large
	// values (documents of several megabytes), so that a batch stays small in memory.
	BatchSize int
}

// AAD returns the additional data of the value in row rowID: AAD(c.Table, c.Column, rowID).
func (c Column) AAD(rowID string) []byte { return AAD(c.Table, c.Column, rowID) }

func (c Column) String() string { return c.Table + "." + c.Column }

var identifier = regexp.MustCompile(`^[a-z_][a-z0-9_]*$`)

func (c Column) validate() error {
	for _, s := range []string{c.Table, c.IDColumn, c.Column} {
		if !identifier.MatchString(s) {
			return fmt.Errorf("vault: %q is not a plain lower-case SQL identifier", s)
		}
	}
	return nil
}

var registry struct {
	mu   sync.Mutex
	cols []Column
}

// Register adds an encrypted column to the ones Rotate re-encrypts. Rooms call it from an init
// function. It panics on a column registered twice or a name that is not a plain identifier
// (the names go into SQL text).
func Register(c Column) {
	if err := c.validate(); err != nil {
		panic(err)
	}
	registry.mu.Lock()
	defer registry.mu.Unlock()
	for _, r := range registry.cols {
		if r.Table == c.Table && r.Column == c.Column {
			panic(fmt.Sprintf("vault: column %s registered twice", c))
		}
	}
	registry.cols = append(registry.cols, c)
}

// Registered returns the registered columns in the order of registration.
func Registered() []Column {
	registry.mu.Lock()
	defer registry.mu.Unlock()
	return slices.Clone(registry.cols)
}

func (v *Vault) columns() []Column {
	if v.Columns != nil {
		return v.Columns
	}
	return Registered()
}
