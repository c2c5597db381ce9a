package nameindex_test

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"kim/internal/apptest"
	"kim/internal/names"
	"kim/internal/names/nameindex"
	"kim/internal/platform/db"
)

var bg = context.Background()

// Fixed ids of the test data (the index only needs the tenants to exist).
const (
	tenantA = "0190b9a0-0000-7000-8000-00000000000a"
	tenantB = "0190b9a0-0000-7000-8000-00000000000b"
	orgA1   = "0190b9a0-0000-7000-8000-0000000000a1"
	orgA2   = "0190b9a0-0000-7000-8000-0000000000a2"
	orgB1   = "0190b9a0-0000-7000-8000-0000000000b1"
)

// subject returns the id of test subject n.
func subject(n int) string { return fmt.Sprintf("0190b9a0-0000-7000-8000-%012d", 1000+n) }

// eachEngine runs fn on every engine with a fresh database that holds tenants A and B.
func eachEngine(t *testing.T, fn func(t *testing.T, d *db.DB)) {
	for _, e := range apptest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			d := apptest.OpenDB(t, e, db.Options{})
			at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
			write(t, d, func(tx *db.Tx) error {
				for _, id := range []string{tenantA, tenantB} {
					if _, err := tx.ExecContext(bg, "INSERT INTO tenants (id, slug, name, created_at, updated_at) VALUES ($1, $2, $2, $3, $3)",
						id, "t-"+id[len(id)-1:], at); err != nil {
						return err
					}
				}
				return nil
			})
			fn(t, d)
		})
	}
}

func write(t *testing.T, d *db.DB, fn func(tx *db.Tx) error) {
	t.Helper()
	if err := d.Write(bg, fn); err != nil {
		t.Fatal(err)
	}
}

var store nameindex.Store

func put(t *testing.T, d *db.DB, tenant, subj, org string, spellings ...string) {
	t.Helper()
	write(t, d, func(tx *db.Tx) error { return store.Put(bg, tx, tenant, subj, org, spellings) })
}

func search(t *testing.T, d *db.DB, s nameindex.Store, tenant, q string, f nameindex.Filter, limit int) ([]nameindex.Candidate, nameindex.Stats) {
	t.Helper()
	var out []nameindex.Candidate
	var st nameindex.Stats
	if err := d.Read(bg, func(tx *db.Tx) (err error) {
		out, st, err = s.SearchStats(bg, tx, tenant, q, f, limit)
		return err
	}); err != nil {
		t.Fatalf("search %q: %v", q, err)
	}
	return out, st
}

func exists(t *testing.T, d *db.DB, tenant, q string, f nameindex.Filter) bool {
	t.Helper()
	var ok bool
	if err := d.Read(bg, func(tx *db.Tx) (err error) {
		ok, err = store.Exists(bg, tx, tenant, q, f)
		return err
	}); err != nil {
		t.Fatalf("exists %q: %v", q, err)
	}
	return ok
}

func subjects(cs []nameindex.Candidate) []string {
	var ids []string
	for _, c := range cs {
		ids = append(ids, c.SubjectID)
	}
	return ids
}

// storedSpellings returns the spellings stored for a subject of tenant A.
func storedSpellings(t *testing.T, d *db.DB, subj string) []string {
	t.Helper()
	var s string
	if err := d.Read(bg, func(tx *db.Tx) error {
		return tx.QueryRowContext(bg, "SELECT spellings FROM name_subjects WHERE tenant_id = $1 AND subject_id = $2", tenantA, subj).Scan(&s)
	}); err != nil {
		t.Fatal(err)
	}
	return strings.Split(s, "\n")
}

func count(t *testing.T, d *db.DB, q string, args ...any) int {
	t.Helper()
	var n int
	if err := d.Read(bg, func(tx *db.Tx) error { return tx.QueryRowContext(bg, q, args...).Scan(&n) }); err != nil {
		t.Fatal(err)
	}
	return n
}

// distinctKeys is the number of distinct keys of the spellings.
func distinctKeys(spellings ...string) int {
	var all []string
	for _, s := range spellings {
		for _, k := range nameindex.Keys(s) {
			if !slices.Contains(all, k) {
				all = append(all, k)
			}
		}
	}
	return len(all)
}

func TestPutReplaceDelete(t *testing.T) {
	eachEngine(t, func(t *testing.T, d *db.DB) {
		s1 := subject(1)
		put(t, d, tenantA, s1, orgA1, "Mohammed Al-Hassan", "محمد الحسن", "Mohammed Al-Hassan", " ")
		if got := storedSpellings(t, d, s1); !slices.Equal(got, []string{"Mohammed Al-Hassan", "محمد الحسن"}) {
			t.Errorf("stored %q, want 2 spellings (the repeated and the empty one skipped)", got)
		}
		keys := count(t, d, "SELECT count(*) FROM name_keys WHERE tenant_id = $1 AND subject_id = $2", tenantA, s1)
		if want := distinctKeys("Mohammed Al-Hassan", "محمد الحسن"); keys != want || keys == 0 {
			t.Errorf("%d key rows, want %d", keys, want)
		}
		for _, q := range []string{"Mohammed Al-Hassan", "محمد الحسن"} {
			got, _ := search(t, d, store, tenantA, q, nameindex.Filter{}, 10)
			if len(got) != 1 || got[0].SubjectID != s1 || got[0].Spelling != q || got[0].Score != 1 || !got[0].Match ||
				got[0].OrganisationID != orgA1 {
				t.Errorf("search %q = %+v, want subject 1 by that very spelling", q, got)
			}
		}

		// Replacing moves the subject to another organisation and name; nothing of the old stays.
		put(t, d, tenantA, s1, orgA2, "Oleksandr Shevchenko")
		if got, _ := search(t, d, store, tenantA, "Mohammed Al-Hassan", nameindex.Filter{}, 10); len(got) != 0 {
			t.Errorf("old name still found after replace: %+v", got)
		}
		got, _ := search(t, d, store, tenantA, "Oleksandr Shevchenko", nameindex.Filter{}, 10)
		if len(got) != 1 || got[0].SubjectID != s1 || got[0].OrganisationID != orgA2 {
			t.Errorf("new name: %+v", got)
		}
		keys = count(t, d, "SELECT count(*) FROM name_keys WHERE tenant_id = $1 AND subject_id = $2", tenantA, s1)
		orgs := count(t, d, "SELECT count(DISTINCT organisation_id) FROM name_keys WHERE tenant_id = $1 AND subject_id = $2", tenantA, s1)
		if keys != distinctKeys("Oleksandr Shevchenko") || orgs != 1 {
			t.Errorf("after replace %d key rows in %d organisations, want %d in one", keys, orgs, distinctKeys("Oleksandr Shevchenko"))
		}

		// Putting no spelling removes the subject, as Delete does; deleting twice is fine.
		put(t, d, tenantA, s1, orgA2)
		if n := count(t, d, "SELECT count(*) FROM name_keys WHERE subject_id = $1", s1); n != 0 {
			t.Errorf("%d key rows left after putting no spelling", n)
		}
		put(t, d, tenantA, s1, orgA2, "Hüseyin Yılmaz")
		put(t, d, tenantA, subject(2), orgA2, "Hüseyin Yılmaz")
		for range 2 {
			write(t, d, func(tx *db.Tx) error { return store.Delete(bg, tx, tenantA, s1) })
		}
		for _, table := range []string{"name_keys", "name_subjects"} {
			if n := count(t, d, "SELECT count(*) FROM "+table+" WHERE subject_id = $1", s1); n != 0 {
				t.Errorf("%d rows left in %s after delete", n, table)
			}
		}
		got, _ = search(t, d, store, tenantA, "Hüseyin Yılmaz", nameindex.Filter{}, 10)
		if !slices.Equal(subjects(got), []string{subject(2)}) {
			t.Errorf("after deleting subject 1: %v, want only subject 2", subjects(got))
		}
	})
}

func TestTenantIsolation(t *testing.T) {
	eachEngine(t, func(t *testing.T, d *db.DB) {
		put(t, d, tenantA, subject(1), orgA1, "Fatima Al-Ali", "فاطمة العلي")
		put(t, d, tenantA, subject(2), orgA1, "Ivan Petrov")
		put(t, d, tenantB, subject(3), orgB1, "Ivan Petrov")
		for _, q := range []string{"Fatima Al-Ali", "فاطمة العلي", "Fatima"} {
			if got, _ := search(t, d, store, tenantB, q, nameindex.Filter{}, 50); len(got) != 0 {
				t.Errorf("tenant B finds tenant A's subject by %q: %+v", q, got)
			}
			if exists(t, d, tenantB, q, nameindex.Filter{}) {
				t.Errorf("Exists(%q) in tenant B is true", q)
			}
		}
		// Filtering on A's organisation from tenant B does not reach A either.
		if got, _ := search(t, d, store, tenantB, "Ivan Petrov", nameindex.Filter{Organisations: []string{orgA1}}, 50); len(got) != 0 {
			t.Errorf("tenant B reaches A's organisation: %+v", got)
		}
		got, _ := search(t, d, store, tenantB, "Ivan Petrov", nameindex.Filter{}, 50)
		if !slices.Equal(subjects(got), []string{subject(3)}) {
			t.Errorf("tenant B: %v, want only its own subject", subjects(got))
		}
		got, _ = search(t, d, store, tenantA, "Ivan Petrov", nameindex.Filter{}, 50)
		if !slices.Equal(subjects(got), []string{subject(2)}) {
			t.Errorf("tenant A: %v, want only its own subject", subjects(got))
		}
		// Deleting in the wrong tenant leaves the subject alone.
		write(t, d, func(tx *db.Tx) error { return store.Delete(bg, tx, tenantB, subject(2)) })
		if !exists(t, d, tenantA, "Ivan Petrov", nameindex.Filter{}) {
			t.Error("a delete in tenant B removed tenant A's subject")
		}
	})
}

func TestOrganisationFilterAndExists(t *testing.T) {
	eachEngine(t, func(t *testing.T, d *db.DB) {
		put(t, d, tenantA, subject(1), orgA1, "Olena Kovalenko", "Олена Коваленко")
		put(t, d, tenantA, subject(2), orgA2, "Olena Kovalenko")
		put(t, d, tenantA, subject(3), orgA2, "Tetiana Bondarenko")
		for _, tc := range []struct {
			f    nameindex.Filter
			want []string
		}{
			{nameindex.Filter{}, []string{subject(1), subject(2)}},
			{nameindex.Filter{Organisations: []string{orgA1}}, []string{subject(1)}},
			{nameindex.Filter{Organisations: []string{orgA2, "unknown"}}, []string{subject(2)}},
			{nameindex.Filter{ExceptOrganisations: []string{orgA2}}, []string{subject(1)}},
			{nameindex.Filter{Organisations: []string{orgA1, orgA2}, ExceptOrganisations: []string{orgA1}}, []string{subject(2)}},
			{nameindex.Filter{Organisations: []string{"unknown"}}, nil},
			{nameindex.Filter{Organisations: []string{orgB1}}, nil},
		} {
			got, _ := search(t, d, store, tenantA, "Olena Kovalenko", tc.f, 10)
			if !slices.Equal(subjects(got), tc.want) {
				t.Errorf("filter %+v: %v, want %v", tc.f, subjects(got), tc.want)
			}
			if ok := exists(t, d, tenantA, "Olena Kovalenko", tc.f); ok != (len(tc.want) > 0) {
				t.Errorf("Exists with filter %+v = %v", tc.f, ok)
			}
		}
		// "Another organisation may know this person": A2 asks about its client Tetiana.
		if exists(t, d, tenantA, "Tetiana Bondarenko", nameindex.Filter{ExceptOrganisations: []string{orgA2}}) {
			t.Error("Exists finds the asking organisation's own client")
		}
		if !exists(t, d, tenantA, "Олена Коваленко", nameindex.Filter{ExceptOrganisations: []string{orgA2}}) {
			t.Error("Exists misses A1's client by the Cyrillic spelling")
		}
	})
}

func TestOrderingAndLimits(t *testing.T) {
	eachEngine(t, func(t *testing.T, d *db.DB) {
		// Subjects put in an order other than their ids, with names that score differently.
		spellings := map[int][]string{
			5: {"Anna Schmidt"}, 3: {"Anna Schmidt"}, 4: {"Anna Schmitt"}, 1: {"Anna Schmidt", "Anna Schmid"},
			2: {"Anna Maria Schmidt"}, 6: {"Hanna Schmidt"}, 7: {"Schmidt Anna"}, 8: {"Petra Schmidt"},
		}
		for _, n := range []int{5, 3, 4, 1, 2, 6, 7, 8} {
			put(t, d, tenantA, subject(n), orgA1, spellings[n]...)
		}
		// The expected order: every subject whose best spelling reaches the minimum score, by
		// score descending, then by subject id.
		q := names.Parse("Anna Schmidt")
		var want []nameindex.Candidate
		for n, sp := range spellings {
			c := nameindex.Candidate{SubjectID: subject(n), Score: -1}
			for _, s := range sp {
				r := names.CompareNames(q, names.Parse(s))
				if (r.Match && !c.Match) || (r.Match == c.Match && r.Score > c.Score) {
					c.Spelling, c.Score, c.Match = s, r.Score, r.Match
				}
			}
			if c.Score >= nameindex.DefaultMinScore {
				want = append(want, c)
			}
		}
		slices.SortFunc(want, func(a, b nameindex.Candidate) int {
			return cmp.Or(cmp.Compare(b.Score, a.Score), strings.Compare(a.SubjectID, b.SubjectID))
		})
		if len(want) < 4 || want[0].SubjectID != subject(1) {
			t.Fatalf("the matcher ranks %+v; want subject 1 (exact spelling) first and at least 4 candidates", want)
		}
		got, _ := search(t, d, store, tenantA, "Anna Schmidt", nameindex.Filter{}, 0)
		if len(got) != len(want) {
			t.Errorf("%d results, want %d:\n got %+v\nwant %+v", len(got), len(want), got, want)
		}
		for i := range min(len(got), len(want)) {
			if got[i].SubjectID != want[i].SubjectID || got[i].Score != want[i].Score || got[i].Spelling != want[i].Spelling ||
				got[i].Match != want[i].Match || got[i].OrganisationID != orgA1 {
				t.Errorf("result %d: %+v, want %+v", i, got[i], want[i])
			}
		}
		if got, _ := search(t, d, store, tenantA, "Anna Schmidt", nameindex.Filter{}, 2); !slices.Equal(subjects(got), subjects(want[:2])) {
			t.Errorf("limit 2: %v, want %v", subjects(got), subjects(want[:2]))
		}
		for _, limit := range []int{-1, 0, 1 << 30} {
			if got, _ := search(t, d, store, tenantA, "Anna Schmidt", nameindex.Filter{}, limit); len(got) < 3 {
				t.Errorf("limit %d: %d results", limit, len(got))
			}
		}
	})
}

func TestFrequentNamesAreCapped(t *testing.T) {
	eachEngine(t, func(t *testing.T, d *db.DB) {
		// 400 people called Mohammed with different family names, 150 called exactly Anna Weber.
		var subs []nameindex.Subject
		for i := range 400 {
			subs = append(subs, nameindex.Subject{ID: subject(i), OrganisationID: orgA1,
				Spellings: []string{"Mohammed " + familyName(i)}})
		}
		for i := 400; i < 550; i++ {
			subs = append(subs, nameindex.Subject{ID: subject(i), OrganisationID: orgA2, Spellings: []string{"Anna Weber"}})
		}
		write(t, d, func(tx *db.Tx) error { return store.PutMany(bg, tx, tenantA, subs) })
		capped := nameindex.Store{PairCap: 60, TokenCap: 50, ScoreBudget: 80}

		_, st := search(t, d, capped, tenantA, "Mohammed", nameindex.Filter{}, nameindex.MaxLimit)
		if st.MaxRowsPerKey > 50 || st.Rows > 50*st.TokenKeys || st.TokenKeys == 0 {
			t.Errorf("frequent token: %+v, want at most 50 rows per key", st)
		}
		// The pair key still finds the one Mohammed searched for, although "Mohammed" is cut off.
		target := familyName(333)
		got, st := search(t, d, capped, tenantA, "Mohammed "+target, nameindex.Filter{}, 5)
		if len(got) == 0 || got[0].SubjectID != subject(333) {
			t.Errorf("Mohammed %s: %+v (%+v)", target, got, st)
		}
		got, st = search(t, d, capped, tenantA, "Anna Weber", nameindex.Filter{}, nameindex.MaxLimit)
		if st.MaxRowsPerKey > 60 || st.Scored > 80 || len(got) > 80 || len(got) < 50 {
			t.Errorf("frequent pair: %d results, %+v; want at most 60 rows per key and 80 scored", len(got), st)
		}
		// An organisation filter seeks to the organisation's rows, whatever the cap cut elsewhere.
		got, _ = search(t, d, capped, tenantA, "Mohammed", nameindex.Filter{Organisations: []string{orgA2}}, 10)
		if len(got) != 0 {
			t.Errorf("Mohammed in A2 (which has only Anna Webers): %+v", got)
		}
		got, _ = search(t, d, capped, tenantA, "Anna Weber", nameindex.Filter{ExceptOrganisations: []string{orgA1}}, 10)
		if len(got) != 10 {
			t.Errorf("Anna Weber outside A1: %d results, want 10", len(got))
		}
	})
}

// familyName returns a distinct made-up family name for n (letters only).
func familyName(n int) string {
	const syl = "ba ke lo mi nu sa te vo ri da"
	s := strings.Fields(syl)
	return strings.ToUpper(s[n%10][:1]) + s[n%10][1:] + s[(n/10)%10] + s[(n/100)%10] + "ski"
}

func TestBadInput(t *testing.T) {
	eachEngine(t, func(t *testing.T, d *db.DB) {
		put(t, d, tenantA, subject(1), orgA1, "Ali\x00 Ka\xffya\u0007", strings.Repeat("Ahmad ", 200), "\xff\xfe")
		stored := storedSpellings(t, d, subject(1))
		if len(stored) != 2 || stored[0] != "Ali Ka ya" || len(stored[1]) > nameindex.MaxSpellingBytes {
			t.Errorf("stored %q, want the cleaned spellings (control characters and invalid bytes as spaces, cut long ones)", stored)
		}
		queries := []string{"", "   ", "\x00", "\xff\xfe\xfd", "---", "Ali\xffKaya", strings.Repeat("Mohammed ", 20000),
			strings.Repeat("ب", 5000), "Олександр Shevchenko محمد Γεώργιος", "'; DROP TABLE name_keys; --", "%_\\"}
		for _, q := range queries {
			for _, limit := range []int{-5, 0, 3, 1 << 31} {
				if _, err := func() (out []nameindex.Candidate, err error) {
					err = d.Read(bg, func(tx *db.Tx) error {
						out, err = store.Search(bg, tx, tenantA, q, nameindex.Filter{}, limit)
						return err
					})
					return
				}(); err != nil {
					t.Errorf("search %.40q limit %d: %v", q, limit, err)
				}
			}
			_ = exists(t, d, tenantA, q, nameindex.Filter{Organisations: []string{q}, ExceptOrganisations: []string{q}})
			for _, tenant := range []string{"", q} {
				if got, _ := search(t, d, store, tenant, q, nameindex.Filter{}, 5); len(got) != 0 {
					t.Errorf("tenant %.40q, query %.40q: %+v", tenant, q, got)
				}
			}
			write(t, d, func(tx *db.Tx) error { return store.Delete(bg, tx, q, q) })
		}
		if got, _ := search(t, d, store, tenantA, "", nameindex.Filter{}, 5); got != nil {
			t.Errorf("empty query: %+v", got)
		}
		// Refused: missing ids, too many spellings.
		for _, args := range [][3]string{{"", subject(2), orgA1}, {tenantA, "", orgA1}, {tenantA, subject(2), ""},
			{"no-such-tenant", subject(2), orgA1}, {tenantA, "x'--", orgA1}, {tenantA, subject(2), "A1"}} {
			err := d.Write(bg, func(tx *db.Tx) error { return store.Put(bg, tx, args[0], args[1], args[2], []string{"Ali Kaya"}) })
			if !errors.Is(err, nameindex.ErrInvalid) {
				t.Errorf("put %q: %v, want ErrInvalid", args, err)
			}
		}
		err := d.Write(bg, func(tx *db.Tx) error {
			return store.Put(bg, tx, tenantA, subject(2), orgA1, make([]string, nameindex.MaxSpellings+1))
		})
		if !errors.Is(err, nameindex.ErrInvalid) {
			t.Errorf("too many spellings: %v", err)
		}
		// A tenant that does not exist violates the foreign key.
		if err := d.Write(bg, func(tx *db.Tx) error {
			return store.Put(bg, tx, "0190b9a0-0000-7000-8000-0000000000ff", subject(2), orgA1, []string{"Ali Kaya"})
		}); !db.IsForeignKeyViolation(err) {
			t.Errorf("unknown tenant: %v, want a foreign-key violation", err)
		}
	})
}
