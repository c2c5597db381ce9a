package synth_test

import (
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"

	"kim/internal/names/nameindex/synth"
)

func TestDeterministic(t *testing.T) {
	a, b, c := synth.New(1), synth.New(1), synth.New(2)
	same, differ := true, false
	for range 200 {
		pa, pb, pc := a.Person(), b.Person(), c.Person()
		same = same && slices.Equal(pa.Spellings, pb.Spellings) && a.Variant(pa) == b.Variant(pb)
		differ = differ || !slices.Equal(pa.Spellings, pc.Spellings)
	}
	at := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	if !same || a.ID(at) != b.ID(at) {
		t.Error("the same seed gave different people")
	}
	if !differ {
		t.Error("different seeds gave the same people")
	}
}

func TestPopulation(t *testing.T) {
	const n = 20000
	g := synth.New(5)
	mohammed, variants := 0, 0
	scripts := map[string]int{}
	origins := map[string]int{}
	for range n {
		p := g.Person()
		origins[p.Origin]++
		if len(p.Spellings) == 0 || !latin(p.Spellings[0]) || len(strings.Fields(p.Name())) < 2 {
			t.Fatalf("person %+v: want a first spelling in Latin letters with given and family name", p)
		}
		if slices.ContainsFunc(strings.Fields(strings.ToLower(p.Name())), func(s string) bool {
			return slices.Contains([]string{"mohammed", "muhammad", "mohamed", "mohammad", "muhammed", "mohamad", "mouhamad"}, s)
		}) {
			mohammed++
		}
		for _, s := range p.Spellings[1:] {
			for _, sc := range []*unicode.RangeTable{unicode.Arabic, unicode.Cyrillic, unicode.Greek} {
				if strings.IndexFunc(s, func(r rune) bool { return unicode.Is(sc, r) }) >= 0 {
					scripts[map[*unicode.RangeTable]string{unicode.Arabic: "Arabic", unicode.Cyrillic: "Cyrillic", unicode.Greek: "Greek"}[sc]]++
				}
			}
		}
		if v := g.Variant(p); !slices.Contains(p.Spellings, v) {
			variants++
		}
	}
	t.Logf("Mohammed %d, other scripts %v, origins %v, variants differing from the record %d", mohammed, scripts, origins, variants)
	// Tens of thousands per million: at least 2 %.
	if mohammed < n/50 {
		t.Errorf("%d of %d people are called Mohammed in one of its spellings; want at least 2 %%", mohammed, n)
	}
	if scripts["Arabic"] < n/20 || scripts["Cyrillic"] < n/40 || scripts["Greek"] < n/500 {
		t.Errorf("spellings in the original script: %v", scripts)
	}
	if len(origins) < 12 || variants < n*8/10 {
		t.Errorf("%d origins, %d variants differ from the record", len(origins), variants)
	}
}

func latin(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) && !unicode.Is(unicode.Latin, r) {
			return false
		}
	}
	return true
}
