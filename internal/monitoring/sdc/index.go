package sdc

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
)

// index is the canonical, order-independent form of a table: cell keys sorted, every line
// validated, its parts sorted, duplicate lines removed and the lines sorted. Everything
// Protect and Audit decide is computed on this form, so that the result never depends on
// map iteration or on the order in which cells and lines were added.
type index struct {
	keys  []string
	pos   map[string]int
	cells []*Cell
	lines []line
	of    [][]int // of[cell] = the lines the cell is a member of (ascending)
}

// line is a validated Line: members[0] is the total, members[1:] the parts (ascending).
type line struct {
	members []int
}

func (l line) total() int { return l.members[0] }

// sign is the coefficient of member i in the equation total - sum(parts) = 0.
func sign(i int) float64 {
	if i == 0 {
		return 1
	}
	return -1
}

// newIndex builds the canonical form. Lines that name unknown cells, magnitude cells, no parts,
// or a cell twice are invalid: they are left out of the index and reported in the error (a
// table with invalid lines must not be published; Protect still protects what it can).
func newIndex(t *Table) (*index, error) {
	ix := &index{pos: make(map[string]int, len(t.Cells))}
	for k, c := range t.Cells {
		if c != nil {
			ix.keys = append(ix.keys, k)
		}
	}
	sort.Strings(ix.keys)
	ix.cells = make([]*Cell, len(ix.keys))
	for i, k := range ix.keys {
		ix.pos[k] = i
		ix.cells[i] = t.Cells[k]
	}
	var bad []string
	for n, l := range t.Lines {
		members, err := ix.members(l)
		if err != nil {
			bad = append(bad, fmt.Sprintf("line %d (total %q): %v", n, l.Total, err))
			continue
		}
		ix.lines = append(ix.lines, line{members: members})
	}
	slices.SortFunc(ix.lines, func(a, b line) int { return slices.Compare(a.members, b.members) })
	ix.lines = slices.CompactFunc(ix.lines, func(a, b line) bool { return slices.Equal(a.members, b.members) })
	ix.of = make([][]int, len(ix.cells))
	for li, l := range ix.lines {
		for _, m := range l.members {
			ix.of[m] = append(ix.of[m], li)
		}
	}
	if len(bad) > 0 {
		return ix, fmt.Errorf("sdc: invalid lines: %s", strings.Join(bad, "; "))
	}
	return ix, nil
}

func (ix *index) members(l Line) ([]int, error) {
	if len(l.Parts) == 0 {
		return nil, fmt.Errorf("no parts")
	}
	members := make([]int, 0, len(l.Parts)+1)
	for n := -1; n < len(l.Parts); n++ {
		k := l.Total
		if n >= 0 {
			k = l.Parts[n]
		}
		i, ok := ix.pos[k]
		if !ok {
			return nil, fmt.Errorf("unknown cell %q", k)
		}
		if ix.cells[i].Magnitude {
			return nil, fmt.Errorf("magnitude cell %q in a line", k)
		}
		members = append(members, i)
	}
	slices.Sort(members[1:])
	for j, m := range members {
		if j > 0 && (m == members[0] || (j > 1 && m == members[j-1])) {
			return nil, fmt.Errorf("cell %q twice", ix.keys[m])
		}
	}
	return members, nil
}

// view says which suppressed cells are unknowns of the equations.
type view int

const (
	// attacker: every suppressed count cell is unknown (Audit).
	attacker view = iota
	// linked: suppressed Fixed cells count as known. A Fixed cell is shared with other linked
	// tables, whose lines may hold it in place, so freedom that needs it to move is not relied
	// upon; this makes a table's protection hold in the union with every other table linked to
	// it only through Fixed cells.
	linked
	// strict: as linked, and suppressed zeros count as known too (a zero can only move
	// upwards, so freedom that needs it is one-sided). Protect's cheap check.
	strict
	// shared: suppressed zeros known, suppressed Fixed cells unknown: checks that a table's
	// lines do not pin the hidden cells of the linked tables it shares them with.
	shared
)

// unknown reports whether cell i is a variable of the equations in view v.
func (ix *index) unknown(i int, v view) bool {
	c := ix.cells[i]
	if !c.Suppressed || c.Magnitude {
		return false
	}
	switch v {
	case attacker:
		return true
	case linked:
		return !c.Fixed
	case strict:
		return !c.Fixed && c.Value != 0
	default:
		return c.Value != 0
	}
}

// components groups the unknown cells that are linked through lines (two unknown members of
// one line are in the same component) and returns, per component, its cells and the lines
// with at least one unknown member in it, each ascending. Components are ordered by their
// smallest cell.
func (ix *index) components(v view) (cells [][]int, lines [][]int) {
	parent := make([]int, len(ix.cells))
	for i := range parent {
		parent[i] = i
	}
	var find func(int) int
	find = func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	for _, l := range ix.lines {
		first := -1
		for _, m := range l.members {
			if !ix.unknown(m, v) {
				continue
			}
			if first < 0 {
				first = m
				continue
			}
			a, b := find(first), find(m)
			if a != b {
				if a < b {
					parent[b] = a
				} else {
					parent[a] = b
				}
			}
		}
	}
	comp := make(map[int]int)
	for i := range ix.cells {
		if !ix.unknown(i, v) {
			continue
		}
		r := find(i)
		n, ok := comp[r]
		if !ok {
			n = len(cells)
			comp[r] = n
			cells = append(cells, nil)
			lines = append(lines, nil)
		}
		cells[n] = append(cells[n], i)
	}
	for li, l := range ix.lines {
		for _, m := range l.members {
			if ix.unknown(m, v) {
				n := comp[find(m)]
				lines[n] = append(lines[n], li)
				break
			}
		}
	}
	return cells, lines
}

// system is the set of equations a component's lines impose on its suppressed cells:
// rows[r] · x = rhs[r], with x the suppressed cells (columns, in order of cols).
type system struct {
	cols []int
	rows [][]float64
	rhs  []float64
}

func (ix *index) system(cells, lines []int, v view) *system {
	col := make(map[int]int, len(cells))
	for j, c := range cells {
		col[c] = j
	}
	s := &system{cols: cells}
	for _, li := range lines {
		row := make([]float64, len(cells))
		var rhs float64
		for j, m := range ix.lines[li].members {
			if ix.unknown(m, v) {
				row[col[m]] += sign(j)
			} else {
				rhs -= sign(j) * ix.cells[m].Value
			}
		}
		s.rows = append(s.rows, row)
		s.rhs = append(s.rhs, rhs)
	}
	return s
}

const eps = 1e-9

// reduce brings the system into reduced row echelon form (partial pivoting), drops the zero
// rows and returns the pivot column of every remaining row. It reports false if the system is
// inconsistent (a zero row with a non-zero right-hand side).
func (s *system) reduce() (pivots []int, ok bool) {
	rows, n := s.rows, len(s.cols)
	r := 0
	var nz []int // the non-zero columns of the pivot row
	for c := 0; c < n && r < len(rows); c++ {
		best, bestAbs := -1, eps
		for i := r; i < len(rows); i++ {
			if a := abs(rows[i][c]); a > bestAbs {
				best, bestAbs = i, a
			}
		}
		if best < 0 {
			continue
		}
		rows[r], rows[best] = rows[best], rows[r]
		s.rhs[r], s.rhs[best] = s.rhs[best], s.rhs[r]
		p := rows[r][c]
		nz = nz[:0]
		for j, v := range rows[r] {
			if v != 0 {
				rows[r][j] = v / p
				nz = append(nz, j)
			}
		}
		s.rhs[r] /= p
		for i := range rows {
			if i == r {
				continue
			}
			f := rows[i][c]
			if abs(f) <= eps {
				rows[i][c] = 0
				continue
			}
			for _, j := range nz {
				rows[i][j] -= f * rows[r][j]
			}
			rows[i][c] = 0
			s.rhs[i] -= f * s.rhs[r]
		}
		pivots = append(pivots, c)
		r++
	}
	ok = true
	for i := r; i < len(rows); i++ {
		if abs(s.rhs[i]) > 1e-6 {
			ok = false
		}
	}
	s.rows, s.rhs = rows[:r], s.rhs[:r]
	return pivots, ok
}

// narrow returns the columns whose freedom the reduced equations leave below minWidth. For
// every free column f the null-space direction of the reduced form (x_f moves by t, pivot
// column c by -R[c][f]·t) is followed as far as non-negativity of the moved cells (values
// vals) allows; a column's estimate is the widest range any such direction gives it. A
// pivot column whose row has no entry in a free column is determined (estimate 0). The
// estimate is a lower bound of the attacker's interval (Audit), since every direction used
// is feasible there too.
func (s *system) narrow(pivots []int, vals []float64, minWidth float64) []int {
	isPivot := make([]bool, len(s.cols))
	for _, c := range pivots {
		isPivot[c] = true
	}
	width := make([]float64, len(s.cols))
	for f := range s.cols {
		if isPivot[f] {
			continue
		}
		tmin, tmax := -vals[f], math.Inf(1)
		for r, c := range pivots {
			a := -s.rows[r][f]
			switch {
			case a > eps:
				tmin = max(tmin, -vals[c]/a)
			case a < -eps:
				tmax = min(tmax, vals[c]/-a)
			}
		}
		span := max(tmax-tmin, 0)
		width[f] = max(width[f], span)
		for r, c := range pivots {
			if a := abs(s.rows[r][f]); a > eps {
				width[c] = max(width[c], a*span)
			}
		}
	}
	var out []int
	for j, w := range width {
		if w < minWidth-eps {
			out = append(out, j)
		}
	}
	return out
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}
