// Package migrations holds the schema as SQL files, one folder per engine, kept in lockstep by
// version number (a test compares the resulting schemas). Every tenant table carries tenant_id
// as the first column of its primary key, ready for sharding by tenant.
package migrations

import "embed"

// FS holds sqlite/*.sql and postgres/*.sql.
//
//go:embed sqlite/*.sql postgres/*.sql
var FS embed.FS
