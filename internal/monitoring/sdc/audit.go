package sdc

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
)

// Exposure is what an attacker can learn about one suppressed count cell: the smallest and
// largest value it can have given every published cell of the table, every line (as an
// equality) and non-negative counts.
type Exposure struct {
	Key   string
	Value float64 // the true value (for tests; never publish it)
	Lo    float64
	Hi    float64 // +Inf when nothing bounds the cell from above
}

// Width is Hi - Lo; 0 means the cell is recovered exactly.
func (e Exposure) Width() float64 { return e.Hi - e.Lo }

// Audit computes the exposure of every suppressed count cell (sorted by key) by linear
// programming: per group of suppressed cells linked by lines, the equations are reduced by
// Gaussian elimination and, from one feasible basis, the simplex method minimises
// and maximises each cell. It is meant for tests, releases and checks, not for every request.
//
// Limits: it is the linear relaxation; an attacker who also uses that counts are integers can
// in rare 3-D patterns narrow an interval further (never below the integer points inside it,
// and Lo/Hi of 2-D tables are always integers). Lines are taken as equalities, so the table
// must be additive (a total of distinct persons that is smaller than the sum of its parts
// makes the system infeasible and Audit returns an error). Magnitude cells are not audited.
func Audit(t *Table) ([]Exposure, error) {
	ix, err := newIndex(t)
	if err != nil {
		return nil, err
	}
	for li, l := range ix.lines {
		var sum float64
		for j, m := range l.members {
			sum += sign(j) * ix.cells[m].Value
		}
		if math.Abs(sum) > 1e-6 {
			return nil, fmt.Errorf("%w: %s", errNotAdditive, ix.describe(li))
		}
	}
	all := make([]int, len(ix.cells))
	for i := range all {
		all[i] = i
	}
	byCell, err := ix.exposuresOf(all, attacker)
	if err != nil {
		return nil, err
	}
	out := make([]Exposure, 0, len(byCell))
	for _, e := range byCell {
		out = append(out, e)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out, nil
}

// exposuresOf audits, in view v, the groups of unknown cells that contain any of the given
// cells and returns the exposure of every cell of those groups.
func (ix *index) exposuresOf(want []int, v view) (map[int]Exposure, error) {
	wanted := make(map[int]bool, len(want))
	for _, c := range want {
		wanted[c] = true
	}
	out := map[int]Exposure{}
	cells, lines := ix.components(v)
	for n := range cells {
		if !slices.ContainsFunc(cells[n], func(c int) bool { return wanted[c] }) {
			continue
		}
		s := ix.system(cells[n], lines[n], v)
		ex, err := exposures(s)
		if err != nil {
			return nil, fmt.Errorf("%w (group of %s)", err, ix.keys[cells[n][0]])
		}
		for j, c := range cells[n] {
			ex[j].Key, ex[j].Value = ix.keys[c], ix.cells[c].Value
			out[c] = ex[j]
		}
	}
	return out, nil
}

func exposures(s *system) ([]Exposure, error) {
	ex := make([]Exposure, len(s.cols))
	if len(s.rows) == 0 {
		for j := range ex {
			ex[j].Hi = math.Inf(1)
		}
		return ex, nil
	}
	pivots, ok := s.reduce()
	if !ok {
		return nil, errInfeasible
	}
	if len(pivots) == 0 {
		for j := range ex {
			ex[j].Hi = math.Inf(1)
		}
		return ex, nil
	}
	tb, err := newTableau(s, pivots)
	if err != nil {
		return nil, err
	}
	obj := make([]float64, len(s.cols))
	for j := range s.cols {
		obj[j] = 1
		lo, err := tb.minimize(obj, len(obj))
		if err != nil {
			return nil, err
		}
		obj[j] = -1
		hi, err := tb.minimize(obj, len(obj))
		if err != nil {
			return nil, err
		}
		obj[j] = 0
		ex[j].Lo, ex[j].Hi = clean(lo), clean(-hi)
	}
	return ex, nil
}

// clean rounds values within numerical noise of an integer (counts are integers).
func clean(x float64) float64 {
	if math.IsInf(x, 0) {
		return x
	}
	if r := math.Round(x); math.Abs(x-r) < 1e-6 {
		return r
	}
	return x
}

// Safe audits the table and returns an error naming every suppressed count cell an attacker
// can narrow to an interval shorter than width (width 1 forbids exact recovery; the reference,
// security-and-privacy.md §3.2 rule 6, asks for 5). Zero width is always an error.
func Safe(t *Table, width float64) error {
	ex, err := Audit(t)
	if err != nil {
		return err
	}
	var bad []string
	for _, e := range ex {
		if w := e.Width(); w < width || w <= 0 {
			bad = append(bad, fmt.Sprintf("%s in [%g, %g]", e.Key, e.Lo, e.Hi))
		}
	}
	if len(bad) > 0 {
		return fmt.Errorf("sdc: %d suppressed cell(s) narrower than %g: %s", len(bad), width, strings.Join(bad, ", "))
	}
	return nil
}

// Check verifies the rule without linear programming: no published count cell in
// 1..r.Min-1, no published magnitude over fewer than r.MinPersons persons or over a suppressed
// count (Cell.Of), and every line with a suppressed member has at least two. It is what a
// caller (or a test) can run on any table it is about to publish.
func Check(t *Table, r Rule) error {
	ix, err := newIndex(t)
	if err != nil {
		return err
	}
	var bad []string
	for i, c := range ix.cells {
		if c.Suppressed {
			continue
		}
		switch {
		case c.Magnitude && c.N < r.MinPersons:
			bad = append(bad, "magnitude "+ix.keys[i])
		case c.Magnitude && c.Of != "" && t.Cells[c.Of] != nil && t.Cells[c.Of].Suppressed:
			bad = append(bad, "magnitude over suppressed count "+ix.keys[i])
		case !c.Magnitude && c.Value >= 1 && c.Value < float64(r.Min):
			bad = append(bad, "count "+ix.keys[i])
		}
	}
	for li, l := range ix.lines {
		n := 0
		for _, m := range l.members {
			if ix.cells[m].Suppressed {
				n++
			}
		}
		if n == 1 {
			bad = append(bad, "single suppression in "+ix.describe(li))
		}
	}
	if len(bad) > 0 {
		return fmt.Errorf("sdc: rule broken: %s", strings.Join(bad, "; "))
	}
	return nil
}
