// Package nameindex is the search index over personal names: it stores every spelling of a
// subject (a client) with the blocking keys of names.Keys, in the database (SQLite and
// PostgreSQL), and finds the subjects whose name matches a query however either was written.
//
// A search looks up the query's keys, takes the subjects that share them as candidates (the
// whole-name key and pair keys first, as they are selective; token keys when these give too
// few) and scores them with names.CompareNames against the spellings that each key row carries,
// so that no candidate needs a lookup of its own. Every key is read up to a cap and at most a
// budget of candidates is scored, so that a frequent name (Mohammed) cannot make a search read
// hundreds of thousands of rows; candidates found through more and more selective keys are
// scored first.
//
// The store functions take the caller's transaction: the service that changes a client writes
// its index entries in the same transaction as the client and its audit entry.
package nameindex

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"kim/internal/names"
	"kim/internal/platform/db"
	"kim/internal/platform/ids"
)

// Limits on what is indexed.
const (
	MaxSpellings     = 8   // spellings per subject
	MaxSpellingBytes = 200 // longer spellings (and queries) are cut at a character boundary
)

// ErrInvalid reports a call the store refuses (missing ids, too many spellings).
var ErrInvalid = errors.New("nameindex: invalid input")

// Store reads and writes the index. The zero value uses the defaults for every limit.
type Store struct {
	PairCap     int     // rows read per pair key (default 200)
	TokenCap    int     // rows read per token key (default 200)
	ScoreBudget int     // candidates scored per search at most (default 300)
	MinScore    float64 // candidates below this score are not returned (default 0.6)
}

// Defaults of Store.
const (
	DefaultPairCap     = 200
	DefaultTokenCap    = 200
	DefaultScoreBudget = 300
	DefaultMinScore    = 0.6
)

func (s Store) withDefaults() Store {
	if s.PairCap <= 0 {
		s.PairCap = DefaultPairCap
	}
	if s.TokenCap <= 0 {
		s.TokenCap = DefaultTokenCap
	}
	if s.ScoreBudget <= 0 {
		s.ScoreBudget = DefaultScoreBudget
	}
	if s.MinScore <= 0 {
		s.MinScore = DefaultMinScore
	}
	return s
}

// Subject is a subject with its spellings, for PutMany.
type Subject struct {
	ID, OrganisationID string
	Spellings          []string
}

// Put replaces the index entries of a subject by its spellings (the Latin spelling, the name in
// its original script, other known spellings). Empty and repeated spellings are skipped; with
// none left the subject is only removed.
func (Store) Put(ctx context.Context, tx *db.Tx, tenantID, subjectID, organisationID string, spellings []string) error {
	if !ids.Valid(tenantID) || !ids.Valid(subjectID) || !ids.Valid(organisationID) || len(spellings) > MaxSpellings {
		return fmt.Errorf("%w: put needs tenant, subject and organisation ids and at most %d spellings", ErrInvalid, MaxSpellings)
	}
	if err := deleteSubject(ctx, tx, tenantID, subjectID); err != nil {
		return err
	}
	rows := prepare([]Subject{{ID: subjectID, OrganisationID: organisationID, Spellings: spellings}})
	return insert(ctx, tx, tenantID, rows)
}

// PutMany indexes many new subjects at once (an import, synthetic data): multi-row inserts, the
// keys computed on all CPUs and written in key order. The subjects must not be indexed yet (nor
// appear twice): that violates the primary key.
func (Store) PutMany(ctx context.Context, tx *db.Tx, tenantID string, subjects []Subject) error {
	if !ids.Valid(tenantID) {
		return fmt.Errorf("%w: put needs a tenant id", ErrInvalid)
	}
	for _, s := range subjects {
		if !ids.Valid(s.ID) || !ids.Valid(s.OrganisationID) || len(s.Spellings) > MaxSpellings {
			return fmt.Errorf("%w: subject %q: needs an id, an organisation and at most %d spellings", ErrInvalid, s.ID, MaxSpellings)
		}
	}
	return insert(ctx, tx, tenantID, prepare(subjects))
}

// Delete removes a subject from the index (nothing happens if it is not there).
func (Store) Delete(ctx context.Context, tx *db.Tx, tenantID, subjectID string) error {
	if !ids.Valid(tenantID) || !ids.Valid(subjectID) {
		return nil // PostgreSQL would refuse the malformed id; nothing can be indexed under it
	}
	return deleteSubject(ctx, tx, tenantID, subjectID)
}

// Rebuild recomputes the keys of every subject of a tenant from its stored spellings. Run it
// when names.Keys has changed (a new version of the matcher): until then, subjects indexed with
// the old keys are found only through keys that stayed the same. It returns the number of
// subjects.
func (Store) Rebuild(ctx context.Context, tx *db.Tx, tenantID string) (int, error) {
	if !ids.Valid(tenantID) {
		return 0, fmt.Errorf("%w: rebuild needs a tenant id", ErrInvalid)
	}
	if _, err := tx.ExecContext(ctx, "DELETE FROM name_keys WHERE tenant_id = $1", tenantID); err != nil {
		return 0, err
	}
	n, after := 0, "00000000-0000-0000-0000-000000000000"
	for {
		subjects, err := loadSubjects(ctx, tx, tenantID, after, 2000)
		if err != nil || len(subjects) == 0 {
			return n, err
		}
		after = subjects[len(subjects)-1].ID
		n += len(subjects)
		rows := prepare(subjects)
		for _, sr := range rows.subjects {
			if _, err := tx.ExecContext(ctx, "UPDATE name_subjects SET key_hashes = $1 WHERE tenant_id = $2 AND subject_id = $3",
				sr.hashes, tenantID, sr.id); err != nil {
				return n, err
			}
		}
		if err := insertKeys(ctx, tx, tenantID, rows.keys); err != nil {
			return n, err
		}
	}
}

// loadSubjects returns up to n subjects with ids after after, with their stored spellings.
func loadSubjects(ctx context.Context, tx *db.Tx, tenantID, after string, n int) ([]Subject, error) {
	rows, err := tx.QueryContext(ctx, `SELECT subject_id, organisation_id, spellings FROM name_subjects
		WHERE tenant_id = $1 AND subject_id > $2 ORDER BY subject_id LIMIT $3`, tenantID, after, n)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Subject
	for rows.Next() {
		var s Subject
		var spellings string
		if err := rows.Scan(&s.ID, &s.OrganisationID, &spellings); err != nil {
			return nil, err
		}
		s.Spellings = strings.Split(spellings, sep)
		out = append(out, s)
	}
	return out, rows.Err()
}

// Keys returns the keys the index stores for a spelling: the whole-name key and those of
// names.Keys.
func Keys(spelling string) []string { return keys(clean(spelling), names.Parse(clean(spelling))) }

func keys(spelling string, n *names.Name) []string {
	return append([]string{wholeKey(spelling)}, names.Keys(n)...)
}

// wholeKey is the key of the whole spelling, "x:" and its tokens in case-folded letters without
// diacritics, sorted. names.Keys finds variants; this key finds the spellings that are written
// the same but for case, accents, punctuation and order, however many people share the keys of
// the variants (a clerk most often types the name as it is written on a document). The form is
// stored (as a hash): changing it needs Rebuild.
func wholeKey(spelling string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(spelling) {
		switch {
		case unicode.Is(unicode.Mn, r):
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(unicode.ToLower(r))
		default:
			b.WriteByte(' ')
		}
	}
	toks := strings.Fields(b.String())
	slices.Sort(toks)
	return "x:" + strings.Join(toks, " ")
}

// keyHash is the 64-bit FNV-1a hash of a key string. A collision only adds a candidate, which
// the score then drops.
func keyHash(k string) int64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(k); i++ {
		h ^= uint64(k[i])
		h *= 1099511628211
	}
	return int64(h)
}

// clean makes s storable and bounded: valid UTF-8 without control characters, single spaces,
// at most MaxSpellingBytes long.
func clean(s string) string {
	s = strings.ToValidUTF8(s, " ")
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || unicode.IsSpace(r) {
			return ' '
		}
		return r
	}, s)
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > MaxSpellingBytes {
		cut := MaxSpellingBytes
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = strings.TrimSpace(s[:cut])
	}
	return s
}

// sep separates the spellings of a subject in the spellings columns (clean turns every control
// character of a spelling into a space).
const sep = "\n"

type subjectRow struct {
	id, org, spellings string
	hashes             []byte
}

type keyRow struct {
	hash                    int64
	org, subject, spellings string
}

type rowSet struct {
	subjects []subjectRow
	keys     []keyRow
}

// prepare computes the rows of subjects: their cleaned, distinct spellings and a key row for
// each distinct key. Parsing runs on all CPUs for large batches.
func prepare(subjects []Subject) rowSet {
	res := make([]rowSet, len(subjects))
	work := func(i int) {
		s := subjects[i]
		var done []string
		var hashes []int64
		for _, raw := range s.Spellings {
			name := clean(raw)
			if name == "" || slices.Contains(done, name) {
				continue
			}
			done = append(done, name)
			for _, k := range keys(name, names.Parse(name)) {
				if h := keyHash(k); !slices.Contains(hashes, h) {
					hashes = append(hashes, h)
				}
			}
		}
		if len(done) == 0 {
			return
		}
		sr := subjectRow{id: s.ID, org: s.OrganisationID, spellings: strings.Join(done, sep), hashes: make([]byte, 0, 8*len(hashes))}
		for _, h := range hashes {
			sr.hashes = binary.BigEndian.AppendUint64(sr.hashes, uint64(h))
			res[i].keys = append(res[i].keys, keyRow{hash: h, org: s.OrganisationID, subject: s.ID, spellings: sr.spellings})
		}
		res[i].subjects = []subjectRow{sr}
	}
	workers := min(runtime.GOMAXPROCS(0), len(subjects)/256+1)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := w; i < len(subjects); i += workers {
				work(i)
			}
		})
	}
	wg.Wait()
	var ns, nk int
	for _, r := range res {
		ns, nk = ns+len(r.subjects), nk+len(r.keys)
	}
	out := rowSet{subjects: make([]subjectRow, 0, ns), keys: make([]keyRow, 0, nk)}
	for _, r := range res {
		out.subjects = append(out.subjects, r.subjects...)
		out.keys = append(out.keys, r.keys...)
	}
	return out
}

// insertRows writes rows of cols columns each with multi-row INSERT statements of up to batch
// rows. On SQLite the placeholders are anonymous (?): SQLite looks numbered ones ($1) up in a
// list, which makes binding thousands of them quadratic.
func insertRows(ctx context.Context, tx *db.Tx, head string, cols, n, batch int, row func(i int, args []any) []any) error {
	var stmt string
	args := make([]any, 0, cols*batch)
	for start := 0; start < n; start += batch {
		m := min(batch, n-start)
		if stmt == "" || m != batch {
			var b strings.Builder
			b.WriteString(head)
			for i := range m {
				if i > 0 {
					b.WriteString(", ")
				}
				if tx.Engine == db.SQLite {
					b.WriteString("(?" + strings.Repeat(", ?", cols-1) + ")")
				} else {
					b.WriteString("(" + db.Placeholders(1+cols*i, cols) + ")")
				}
			}
			stmt = b.String()
		}
		args = args[:0]
		for i := start; i < start+m; i++ {
			args = row(i, args)
		}
		if _, err := tx.ExecContext(ctx, stmt, args...); err != nil {
			return err
		}
	}
	return nil
}

func insert(ctx context.Context, tx *db.Tx, tenantID string, rows rowSet) error {
	ss := rows.subjects
	if err := insertRows(ctx, tx, "INSERT INTO name_subjects (tenant_id, subject_id, organisation_id, spellings, key_hashes) VALUES ",
		5, len(ss), 500, func(i int, args []any) []any {
			return append(args, tenantID, ss[i].id, ss[i].org, ss[i].spellings, ss[i].hashes)
		}); err != nil {
		return fmt.Errorf("insert name subjects: %w", err)
	}
	return insertKeys(ctx, tx, tenantID, rows.keys)
}

// insertKeys writes key rows in key order, so that a large batch fills the B-tree from left to
// right instead of touching a random page per row.
func insertKeys(ctx context.Context, tx *db.Tx, tenantID string, keys []keyRow) error {
	slices.SortFunc(keys, func(a, b keyRow) int {
		return cmp.Or(cmp.Compare(a.hash, b.hash), strings.Compare(a.org, b.org), strings.Compare(a.subject, b.subject))
	})
	if err := insertRows(ctx, tx, "INSERT INTO name_keys (tenant_id, key_hash, organisation_id, subject_id, spellings) VALUES ",
		5, len(keys), 1000, func(i int, args []any) []any {
			return append(args, tenantID, keys[i].hash, keys[i].org, keys[i].subject, keys[i].spellings)
		}); err != nil {
		return fmt.Errorf("insert name keys: %w", err)
	}
	return nil
}

// deleteSubject removes the subject and its key rows (those its stored key_hashes list).
func deleteSubject(ctx context.Context, tx *db.Tx, tenantID, subjectID string) error {
	var org string
	var hashes []byte
	err := tx.QueryRowContext(ctx, "SELECT organisation_id, key_hashes FROM name_subjects WHERE tenant_id = $1 AND subject_id = $2",
		tenantID, subjectID).Scan(&org, &hashes)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return err
	}
	var hs []int64
	for i := 0; i+8 <= len(hashes); i += 8 {
		hs = append(hs, int64(binary.BigEndian.Uint64(hashes[i:])))
	}
	for start := 0; start < len(hs); start += 500 {
		part := hs[start:min(start+500, len(hs))]
		args := []any{tenantID, org, subjectID}
		for _, h := range part {
			args = append(args, h)
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM name_keys WHERE tenant_id = $1 AND organisation_id = $2 AND subject_id = $3 AND key_hash IN ("+
			db.Placeholders(4, len(part))+")", args...); err != nil {
			return err
		}
	}
	_, err = tx.ExecContext(ctx, "DELETE FROM name_subjects WHERE tenant_id = $1 AND subject_id = $2", tenantID, subjectID)
	return err
}
