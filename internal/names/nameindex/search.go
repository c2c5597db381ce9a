package nameindex

import (
	"cmp"
	"context"
	"database/sql"
	"slices"
	"strconv"
	"strings"

	"kim/internal/names"
	"kim/internal/platform/db"
	"kim/internal/platform/ids"
)

// Limits of a search.
const (
	DefaultLimit = 20  // results when the caller asks for 0 or fewer
	MaxLimit     = 200 // results at most
	maxPairKeys  = 24  // pair keys of a query looked up at most (a long name has many)
	maxTokenKeys = 12  // token keys of a query looked up at most
)

// Filter limits a search to some organisations of the tenant.
type Filter struct {
	Organisations       []string // only subjects of these organisations; empty: the whole tenant
	ExceptOrganisations []string // not subjects of these (e.g. the searcher's own, for "known elsewhere")
}

// valid drops malformed ids from the filter (no subject can belong to them; PostgreSQL would
// refuse them). It reports false if the filter names organisations but none of them is valid.
func (f Filter) valid() (Filter, bool) {
	var out Filter
	for _, o := range f.Organisations {
		if ids.Valid(o) {
			out.Organisations = append(out.Organisations, o)
		}
	}
	for _, o := range f.ExceptOrganisations {
		if ids.Valid(o) {
			out.ExceptOrganisations = append(out.ExceptOrganisations, o)
		}
	}
	return out, len(f.Organisations) == 0 || len(out.Organisations) > 0
}

// Candidate is a subject found by a search.
type Candidate struct {
	SubjectID      string
	OrganisationID string
	Spelling       string  // the stored spelling that matches the query best
	Score          float64 // names.CompareNames of the query and Spelling
	Match          bool    // the matcher considers the names the same person's
}

// Stats describe the work of one search, for tests and benchmarks.
type Stats struct {
	PairKeys, TokenKeys int // keys looked up (PairKeys includes the whole-name key)
	Rows                int // key rows read
	MaxRowsPerKey       int // most key rows read for one key
	Candidates          int // distinct subjects found through the keys
	Scored              int // subjects whose spellings were scored
}

// Search returns the subjects of a tenant whose names plausibly match query, best first (score
// descending, then subject id), at most limit of them (DefaultLimit for limit ≤ 0, at most
// MaxLimit). An empty or unusable query finds nothing; it is not an error.
func (s Store) Search(ctx context.Context, tx *db.Tx, tenantID, query string, f Filter, limit int) ([]Candidate, error) {
	out, _, err := s.SearchStats(ctx, tx, tenantID, query, f, limit)
	return out, err
}

// SearchStats is Search that also reports the work it did.
func (s Store) SearchStats(ctx context.Context, tx *db.Tx, tenantID, query string, f Filter, limit int) ([]Candidate, Stats, error) {
	if limit <= 0 {
		limit = DefaultLimit
	}
	return s.withDefaults().search(ctx, tx, tenantID, query, f, min(limit, MaxLimit), false)
}

// Exists reports whether a subject matching query is indexed within the filter: whether
// another organisation may know this person (Filter.ExceptOrganisations: the asking one). It
// stops at the first match. Like Search it reads every key only up to its cap, so a match whose
// only keys in common with the query are those of very frequent names can go unseen.
func (s Store) Exists(ctx context.Context, tx *db.Tx, tenantID, query string, f Filter) (bool, error) {
	out, _, err := s.withDefaults().search(ctx, tx, tenantID, query, f, 1, true)
	return len(out) > 0 && out[0].Match, err
}

// hit is what the key lookups found about one subject.
type hit struct {
	org, spellings string
	weight         int
	scored         bool
}

// search looks up the whole-name and pair keys, scores their subjects and, if that gave fewer
// than limit results (or, for exists, no match), does the same with the token keys. Subjects
// found through more keys, through more selective keys and through keys that the cap did not cut
// off are scored first, at most ScoreBudget of them.
func (s Store) search(ctx context.Context, tx *db.Tx, tenantID, query string, f Filter, limit int, exists bool) ([]Candidate, Stats, error) {
	var st Stats
	query = clean(query)
	f, ok := f.valid()
	if query == "" || !ids.Valid(tenantID) || !ok {
		return nil, st, nil
	}
	q := names.Parse(query)
	// The whole-name key first and with the highest weight (the same spelling), then the pair
	// keys, then the token keys.
	pairs, weights := []int64{keyHash(wholeKey(query))}, []int{10}
	var tokens []int64
	for _, k := range names.Keys(q) {
		h := keyHash(k)
		switch {
		case strings.HasPrefix(k, "p:"):
			if len(pairs) <= maxPairKeys && !slices.Contains(pairs, h) {
				pairs, weights = append(pairs, h), append(weights, 3)
			}
		case len(tokens) < maxTokenKeys && !slices.Contains(tokens, h):
			tokens = append(tokens, h)
		}
	}
	st.PairKeys, st.TokenKeys = len(pairs), len(tokens)
	hits := map[string]*hit{}
	var out []Candidate
	budget := s.ScoreBudget
	for phase, keys := range [][]int64{pairs, tokens} {
		if len(keys) == 0 || budget == 0 {
			continue
		}
		if phase == 1 && ((exists && len(out) > 0) || (!exists && len(out) >= limit)) {
			break
		}
		capN, w := s.PairCap, weights
		if phase == 1 {
			capN, w = s.TokenCap, nil
		}
		if err := s.lookup(ctx, tx, tenantID, keys, capN, w, f, hits, &st); err != nil {
			return nil, st, err
		}
		var todo []string
		for id, h := range hits {
			if !h.scored {
				todo = append(todo, id)
			}
		}
		slices.SortFunc(todo, func(a, b string) int {
			return cmp.Or(cmp.Compare(hits[b].weight, hits[a].weight), strings.Compare(a, b))
		})
		todo = todo[:min(len(todo), budget)]
		budget -= len(todo)
		for _, id := range todo {
			h := hits[id]
			h.scored = true
			st.Scored++
			c := s.score(q, id, h)
			if c.Score >= s.MinScore && (!exists || c.Match) {
				out = append(out, c)
				if exists {
					return out, st, nil
				}
			}
		}
	}
	st.Candidates = len(hits)
	slices.SortFunc(out, func(a, b Candidate) int {
		return cmp.Or(cmp.Compare(b.Score, a.Score), strings.Compare(a.SubjectID, b.SubjectID))
	})
	return out[:min(len(out), limit)], st, nil
}

// lookup reads up to capN rows for each key in one statement and adds the subjects to hits: the
// key's weight (1 without weights) for each key that found the subject, one more if the key was
// not cut off by the cap.
func (s Store) lookup(ctx context.Context, tx *db.Tx, tenantID string, keys []int64, capN int, weights []int, f Filter,
	hits map[string]*hit, st *Stats) error {
	args := []any{tenantID}
	cond := ""
	if len(f.Organisations) > 0 {
		cond += " AND organisation_id IN (" + db.Placeholders(len(args)+1, len(f.Organisations)) + ")"
		for _, o := range f.Organisations {
			args = append(args, o)
		}
	}
	if len(f.ExceptOrganisations) > 0 {
		cond += " AND organisation_id NOT IN (" + db.Placeholders(len(args)+1, len(f.ExceptOrganisations)) + ")"
		for _, o := range f.ExceptOrganisations {
			args = append(args, o)
		}
	}
	var b strings.Builder
	for i, k := range keys {
		if i > 0 {
			b.WriteString(" UNION ALL ")
		}
		args = append(args, k)
		n := strconv.Itoa(i)
		b.WriteString("SELECT " + n + ", subject_id, organisation_id, spellings FROM (SELECT subject_id, organisation_id, spellings FROM name_keys" +
			" WHERE tenant_id = $1 AND key_hash = $" + strconv.Itoa(len(args)) + cond + " LIMIT " + strconv.Itoa(capN) + ") AS k" + n)
	}
	rows, err := tx.QueryContext(ctx, b.String(), args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	type found struct {
		key int
		h   *hit
	}
	perKey := make([]int, len(keys))
	var all []found
	for rows.Next() {
		var i int
		var id, org string
		var spellings sql.RawBytes
		if err := rows.Scan(&i, &id, &org, &spellings); err != nil {
			return err
		}
		if i < 0 || i >= len(keys) {
			continue
		}
		perKey[i]++
		h := hits[id]
		if h == nil {
			h = &hit{org: org, spellings: string(spellings)}
			hits[id] = h
		}
		all = append(all, found{i, h})
	}
	if err := rows.Err(); err != nil {
		return err
	}
	for _, fd := range all {
		fd.h.weight++
		if weights != nil {
			fd.h.weight += weights[fd.key] - 1
		}
		if perKey[fd.key] < capN {
			fd.h.weight++
		}
	}
	for _, n := range perKey {
		st.Rows += n
		st.MaxRowsPerKey = max(st.MaxRowsPerKey, n)
	}
	return nil
}

// score compares q with each spelling of a subject. The best spelling is the highest-scoring one
// that matches, else the highest-scoring one.
func (s Store) score(q *names.Name, id string, h *hit) Candidate {
	c := Candidate{SubjectID: id, OrganisationID: h.org, Score: -1}
	for sp := range strings.SplitSeq(h.spellings, sep) {
		r := names.CompareNames(q, names.Parse(sp))
		if (r.Match && !c.Match) || (r.Match == c.Match && r.Score > c.Score) {
			c.Spelling, c.Score, c.Match = sp, r.Score, r.Match
		}
	}
	return c
}
