package nameindex_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"kim/internal/names"
	"kim/internal/names/nameindex"
	"kim/internal/names/nameindex/synth"
	"kim/internal/platform/db"
)

// TestSyntheticClientsFoundByVariants indexes a few thousand synthetic clients and searches for
// a sample of them by variant spellings of their names (other transcriptions, original script,
// order, typos). Whenever the matcher considers the variant a match for a spelling on record, the
// search must return the client: the index may not lose what the matcher finds. A query by a
// spelling on record must always find it.
func TestSyntheticClientsFoundByVariants(t *testing.T) {
	const clients, queries = 3000, 400
	eachEngine(t, func(t *testing.T, d *db.DB) {
		g := synth.New(7)
		at := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
		orgs := []string{orgA1, orgA2}
		people := make([]synth.Person, clients)
		subs := make([]nameindex.Subject, clients)
		for i := range people {
			people[i] = g.Person()
			subs[i] = nameindex.Subject{ID: g.ID(at.Add(time.Duration(i) * time.Minute)), OrganisationID: orgs[i%2],
				Spellings: people[i].Spellings}
		}
		t0 := time.Now()
		write(t, d, func(tx *db.Tx) error { return store.PutMany(bg, tx, tenantA, subs) })
		t.Logf("indexed %d clients in %s", clients, time.Since(t0).Round(time.Millisecond))

		found := func(q string, i int) bool {
			got, _ := search(t, d, store, tenantA, q, nameindex.Filter{}, nameindex.MaxLimit)
			for _, c := range got {
				if c.SubjectID == subs[i].ID {
					return true
				}
			}
			// Equally good candidates may fill the whole page before it (many people share a
			// name); that is not a miss.
			return len(got) == nameindex.MaxLimit
		}
		var matched, matchedFound, exactMissed, noKey, tokenOnly int
		t0 = time.Now()
		for range queries {
			i := g.IntN(clients)
			p := people[i]
			if !found(p.Spellings[g.IntN(len(p.Spellings))], i) {
				exactMissed++
				if exactMissed <= 5 {
					t.Errorf("client %q not found by a spelling on record", p.Spellings)
				}
			}
			v := g.Variant(p)
			qn := names.Parse(v)
			match := false
			for _, s := range p.Spellings {
				match = match || names.CompareNames(qn, names.Parse(s)).Match
			}
			if !match {
				continue
			}
			matched++
			if found(v, i) {
				matchedFound++
				if !exists(t, d, tenantA, v, nameindex.Filter{}) {
					t.Errorf("Exists(%q) is false, but %q is indexed", v, p.Spellings)
				}
				continue
			}
			// A miss is the index's fault if the names share a pair key (never cut off at this
			// size); sharing only a token key of a frequent name may be cut off by the cap; sharing
			// no key at all breaks the contract of names.Keys.
			switch shared := sharedKeys(v, p.Spellings); {
			case len(shared) == 0:
				noKey++
				t.Logf("names.Keys: variant %q of %q matches but shares no key", v, p.Spellings)
			case strings.HasPrefix(shared[0], "p:"):
				t.Errorf("variant %q of %q shares %v but was not found", v, p.Spellings, shared)
			default:
				tokenOnly++
				t.Logf("variant %q of %q shares only token keys %v and was not found", v, p.Spellings, shared)
			}
		}
		t.Logf("%d queries in %s; %d of %d variants match a spelling on record, %d of those found "+
			"(missed: %d sharing no key, %d sharing only token keys)",
			2*queries, time.Since(t0).Round(time.Millisecond), matched, queries, matchedFound, noKey, tokenOnly)
		if matched > 0 && float64(matchedFound) < 0.95*float64(matched) {
			t.Errorf("only %d of %d matching variants found (want ≥ 95 %%)", matchedFound, matched)
		}
	})
}

// TestRebuild recomputes the keys from the stored spellings, as after a change of names.Keys.
func TestRebuild(t *testing.T) {
	eachEngine(t, func(t *testing.T, d *db.DB) {
		g := synth.New(3)
		var subs []nameindex.Subject
		for i := range 300 {
			subs = append(subs, nameindex.Subject{ID: subject(i), OrganisationID: orgA1, Spellings: g.Person().Spellings})
		}
		write(t, d, func(tx *db.Tx) error { return store.PutMany(bg, tx, tenantA, subs) })
		put(t, d, tenantB, subject(1), orgB1, "Ali Kaya")
		keysA := count(t, d, "SELECT count(*) FROM name_keys WHERE tenant_id = $1", tenantA)
		// Simulate keys of an older matcher: none of tenant A's keys is what names.Keys gives now.
		write(t, d, func(tx *db.Tx) error {
			_, err := tx.ExecContext(bg, "DELETE FROM name_keys WHERE tenant_id = $1", tenantA)
			return err
		})
		if got, _ := search(t, d, store, tenantA, subs[42].Spellings[0], nameindex.Filter{}, 5); len(got) != 0 {
			t.Fatalf("found without keys: %+v", got)
		}
		var n int
		write(t, d, func(tx *db.Tx) (err error) {
			n, err = store.Rebuild(bg, tx, tenantA)
			return err
		})
		if n != 300 || count(t, d, "SELECT count(*) FROM name_keys WHERE tenant_id = $1", tenantA) != keysA {
			t.Errorf("rebuilt %d subjects, %d keys; want 300 and %d", n, count(t, d, "SELECT count(*) FROM name_keys WHERE tenant_id = $1", tenantA), keysA)
		}
		for _, i := range []int{0, 42, 299} {
			got, _ := search(t, d, store, tenantA, subs[i].Spellings[0], nameindex.Filter{}, nameindex.MaxLimit)
			ok := false
			for _, c := range got {
				ok = ok || c.SubjectID == subs[i].ID
			}
			if !ok {
				t.Errorf("subject %d not found after rebuild", i)
			}
		}
		// Replacing after a rebuild removes exactly the rebuilt keys.
		put(t, d, tenantA, subs[42].ID, orgA1, "Ali Kaya")
		if n := count(t, d, "SELECT count(*) FROM name_keys WHERE subject_id = $1 AND tenant_id = $2", subs[42].ID, tenantA); n != distinctKeys("Ali Kaya") {
			t.Errorf("%d key rows after replace, want %d", n, distinctKeys("Ali Kaya"))
		}
		if !exists(t, d, tenantB, "Ali Kaya", nameindex.Filter{}) {
			t.Error("rebuilding tenant A touched tenant B")
		}
	})
}

// sharedKeys returns the blocking keys that q shares with any of spellings, pair keys first.
func sharedKeys(q string, spellings []string) []string {
	qk := names.Keys(names.Parse(q))
	var out []string
	for _, s := range spellings {
		for _, k := range names.Keys(names.Parse(s)) {
			if slices.Contains(qk, k) && !slices.Contains(out, k) {
				out = append(out, k)
			}
		}
	}
	slices.SortFunc(out, func(a, b string) int {
		return strings.Compare(a[:2], b[:2]) // "p:" before "t:"
	})
	return out
}
