package sdc

import (
	"errors"
	"math"
	"testing"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/optimize/convex/lp"
	"pgregory.net/rapid"
)

// gonumBounds solves the audit's linear programs with gonum's simplex (an independent solver)
// for every suppressed count cell: min and max of the cell over the reduced equations and
// x >= 0.
func gonumBounds(t *rapid.T, tb *Table) map[string][2]float64 {
	ix, err := newIndex(tb)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][2]float64{}
	cells, lines := ix.components(attacker)
	for n := range cells {
		s := ix.system(cells[n], lines[n], attacker)
		pivots, ok := s.reduce()
		if !ok {
			t.Fatal("inconsistent")
		}
		if len(pivots) == 0 {
			for _, c := range cells[n] {
				out[ix.keys[c]] = [2]float64{0, math.Inf(1)}
			}
			continue
		}
		var data []float64
		for _, row := range s.rows {
			data = append(data, row...)
		}
		a := mat.NewDense(len(s.rows), len(s.cols), data)
		for j, c := range cells[n] {
			obj := make([]float64, len(s.cols))
			obj[j] = 1
			lo, _, err := lp.Simplex(obj, a, s.rhs, 1e-10, nil)
			if err != nil {
				t.Fatalf("gonum min %s: %v", ix.keys[c], err)
			}
			obj[j] = -1
			hi, _, err := lp.Simplex(obj, a, s.rhs, 1e-10, nil)
			switch {
			case errors.Is(err, lp.ErrUnbounded):
				hi = math.Inf(-1)
			case err != nil:
				t.Fatalf("gonum max %s: %v", ix.keys[c], err)
			}
			out[ix.keys[c]] = [2]float64{lo, -hi}
		}
	}
	return out
}

// TestPropertyAuditMatchesGonum checks the audit's own simplex against gonum's on protected
// random tables, and that 2-D bounds are integers (the equations of a 2-D table with margins
// are totally unimodular).
func TestPropertyAuditMatchesGonum(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		dims := rapid.IntRange(2, 3).Draw(t, "dims")
		tb := drawCube(t, dims).table()
		_ = tb.Protect(drawRule(t))
		ex, err := Audit(tb)
		if err != nil {
			t.Fatal(err)
		}
		want := gonumBounds(t, tb)
		if len(want) != len(ex) {
			t.Fatalf("audit has %d cells, gonum %d", len(ex), len(want))
		}
		for _, e := range ex {
			w := want[e.Key]
			if !near(e.Lo, w[0]) || !near(e.Hi, w[1]) {
				t.Fatalf("%s: audit [%g, %g], gonum [%g, %g]", e.Key, e.Lo, e.Hi, w[0], w[1])
			}
			if dims == 2 && (e.Lo != math.Round(e.Lo) || (!math.IsInf(e.Hi, 1) && e.Hi != math.Round(e.Hi))) {
				t.Fatalf("%s: non-integer bounds [%g, %g] in a 2-D table", e.Key, e.Lo, e.Hi)
			}
		}
	})
}

func near(a, b float64) bool {
	if math.IsInf(a, 0) || math.IsInf(b, 0) {
		return a == b
	}
	return math.Abs(a-b) < 1e-6
}
