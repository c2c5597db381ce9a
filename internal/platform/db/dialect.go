package db

import (
	"errors"
	"math"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
)

// ForUpdate returns the row-lock clause for SELECT … FOR UPDATE. SQLite has a single writer (the
// transaction already holds the write lock), so it needs none.
func (tx *Tx) ForUpdate() string {
	if tx.Engine == Postgres {
		return " FOR UPDATE"
	}
	return ""
}

// Like returns a LIKE pattern matching s anywhere, with the wildcards in s escaped. Use it as
// `lower(col) LIKE $n ESCAPE '\'`, which both engines understand.
func Like(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return "%" + r.Replace(strings.ToLower(s)) + "%"
}

// ValidVersion reports whether v can be the version of a stored record (0 meaning "any"). The
// version columns are INTEGER; PostgreSQL refuses a larger parameter even in a comparison, so a
// version out of range must be answered as a conflict before it reaches the database.
func ValidVersion(v int) bool { return v >= 0 && v <= math.MaxInt32 }

// SQLite extended result codes (sqlite3.h).
const (
	sqliteConstraintForeignKey = 787
	sqliteConstraintPrimaryKey = 1555
	sqliteConstraintUnique     = 2067
)

// IsUniqueViolation reports whether err is a unique or primary-key violation.
func IsUniqueViolation(err error) bool {
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code() == sqliteConstraintUnique || se.Code() == sqliteConstraintPrimaryKey
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code == "23505"
	}
	return false
}

// IsForeignKeyViolation reports whether err is a foreign-key violation.
func IsForeignKeyViolation(err error) bool {
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code() == sqliteConstraintForeignKey
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code == "23503"
	}
	return false
}

// Placeholders returns "$from, $from+1, …" for n arguments.
func Placeholders(from, n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteByte('$')
		b.WriteString(itoa(from + i))
	}
	return b.String()
}

func itoa(i int) string {
	if i < 10 {
		return string(rune('0' + i))
	}
	return itoa(i/10) + string(rune('0'+i%10))
}
