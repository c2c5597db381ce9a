package monitoring

import (
	"testing"

	"kim/internal/monitoring/sdc"
)

// perPostCube is a period of a caseload measure: per organisation the persons (n), open cases
// (x) and case managers (y), the total over organisations counted (here: summed, no person in
// two organisations), and every cell both in the district "none" and in the total district.
func perPostCube(orgs map[string]agg) *cube {
	c := newCube()
	tot := &agg{}
	for o, a := range orgs {
		a := a
		c.cells[key3{none, o, all}] = &a
		tot.n, tot.x, tot.y = tot.n+a.n, tot.x+a.x, tot.y+a.y
	}
	c.cells[key3{none, all, all}] = tot
	c.sumDistricts()
	return c
}

func ratioCell(p protected, o string) pub { return p[key3{all, o, all}] }

// Only A1 has posts and A1's persons are too few: the total would be A1's hidden caseload (it
// was published before, checked against the persons of both organisations). It is hidden.
func TestPerFTETotalHiddenWhenAnOrganisationHasNoPosts(t *testing.T) {
	c := perPostCube(map[string]agg{"A1": {n: 3, x: 4}, "A2": {n: 20, x: 25}})
	p := protectPerPost(c, perFTE(c, map[string]float64{"A1": 0.5}), sdc.DefaultRule())
	if a1 := ratioCell(p, "A1"); !a1.sup {
		t.Errorf("A1 over 3 persons published: %+v", a1)
	}
	if a2 := ratioCell(p, "A2"); a2.has {
		t.Errorf("A2 without posts has a caseload: %+v", a2)
	}
	if tot := ratioCell(p, all); !tot.sup {
		t.Errorf("the total (A1's caseload alone) is published: %+v", tot)
	}
}

// Both have posts and A2's persons are too few: with the total and A1 published, the total's
// cases less A1's (caseload × published posts) give A2's. A second cell of the line is hidden.
func TestPerPostSecondarySuppression(t *testing.T) {
	c := perPostCube(map[string]agg{"A1": {n: 20, x: 24, y: 3}, "A2": {n: 3, x: 3, y: 1}})
	for name, ratio := range map[string]func(key3) (float64, bool){
		"per post":    perFTE(c, map[string]float64{"A1": 2, "A2": 0.5}),
		"per manager": perManager(c),
	} {
		p := protectPerPost(c, ratio, sdc.DefaultRule())
		if !ratioCell(p, "A2").sup {
			t.Errorf("%s: A2 over 3 persons published", name)
		}
		if !ratioCell(p, "A1").sup && !ratioCell(p, all).sup {
			t.Errorf("%s: the total and A1 published: A2 follows from them", name)
		}
	}
	// Enough persons everywhere: everything published, the total over both organisations.
	c = perPostCube(map[string]agg{"A1": {n: 20, x: 24}, "A2": {n: 12, x: 12}})
	p := protectPerPost(c, perFTE(c, map[string]float64{"A1": 2, "A2": 1}), sdc.DefaultRule())
	for _, o := range []string{"A1", "A2", all} {
		if ratioCell(p, o).sup {
			t.Errorf("%s hidden over enough persons", o)
		}
	}
	if v := ratioCell(p, all).v; v != 12 {
		t.Errorf("total caseload %v, want 36/3 = 12", v)
	}
}
