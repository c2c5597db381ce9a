package sdc

import (
	"errors"
	"math"
)

// tableau is a linear program in canonical form over x >= 0: rows · x = rhs with basis[r] the
// basic column of row r. It is built from a reduced system (full row rank) and then reused for
// many objectives (warm start), which makes the audit of a group of suppressed cells cheap.
// Pivoting follows Dantzig's rule and falls back to Bland's rule (which cannot cycle) after a
// run of degenerate pivots.
type tableau struct {
	rows  [][]float64
	rhs   []float64
	basis []int
	n     int // columns of the original variables (artificial columns come after)
}

var (
	errInfeasible  = errors.New("sdc: the published cells contradict the lines")
	errNotAdditive = errors.New("sdc: line is not additive")
)

// newTableau builds a feasible canonical tableau from a reduced system (phase I with
// artificial variables for rows whose right-hand side is negative).
func newTableau(s *system, pivots []int) (*tableau, error) {
	n := len(s.cols)
	t := &tableau{n: n, rhs: s.rhs, basis: append([]int(nil), pivots...)}
	var art []int
	for r := range s.rows {
		if s.rhs[r] < -eps {
			art = append(art, r)
		}
	}
	width := n + len(art)
	t.rows = make([][]float64, len(s.rows))
	for r, row := range s.rows {
		t.rows[r] = make([]float64, width)
		copy(t.rows[r], row)
	}
	if len(art) == 0 {
		return t, nil
	}
	obj := make([]float64, width)
	for k, r := range art {
		for j := range t.rows[r] {
			t.rows[r][j] = -t.rows[r][j]
		}
		t.rhs[r] = -t.rhs[r]
		t.rows[r][n+k] = 1
		t.basis[r] = n + k
		obj[n+k] = 1
	}
	v, err := t.minimize(obj, width)
	if err != nil {
		return nil, err
	}
	if v > 1e-6 {
		return nil, errInfeasible
	}
	// Drive artificial variables (all at zero) out of the basis; the rows have full rank, so
	// each such row has a non-zero entry in an original column.
	for r, b := range t.basis {
		if b < n {
			continue
		}
		for j := 0; j < n; j++ {
			if abs(t.rows[r][j]) > eps {
				t.pivot(r, j)
				break
			}
		}
	}
	// A row still basic in an artificial variable has no original column left: it is redundant.
	keep := 0
	for r := range t.rows {
		if t.basis[r] >= n {
			continue
		}
		t.rows[keep], t.rhs[keep], t.basis[keep] = t.rows[r][:n], t.rhs[r], t.basis[r]
		keep++
	}
	t.rows, t.rhs, t.basis = t.rows[:keep], t.rhs[:keep], t.basis[:keep]
	return t, nil
}

// minimize runs the simplex method for obj · x over the first cols columns from the current
// (feasible) basis and returns the optimum, -Inf if unbounded.
func (t *tableau) minimize(obj []float64, cols int) (float64, error) {
	isBasic := make([]bool, cols)
	degenerate := 0
	for iter := 0; iter < 100000; iter++ {
		for i := range isBasic {
			isBasic[i] = false
		}
		for _, b := range t.basis {
			if b < cols {
				isBasic[b] = true
			}
		}
		// Dantzig's rule (most negative reduced cost) while pivots make progress; Bland's
		// rule (first negative) after a run of degenerate pivots, which cannot cycle.
		enter, best := -1, -eps
		for j := 0; j < cols; j++ {
			if isBasic[j] {
				continue
			}
			d := obj[j]
			for r, row := range t.rows {
				if row[j] != 0 {
					d -= obj[t.basis[r]] * row[j]
				}
			}
			if d < best {
				enter, best = j, d
				if degenerate > 50 {
					break
				}
			}
		}
		if enter < 0 {
			var v float64
			for r, b := range t.basis {
				v += obj[b] * t.rhs[r]
			}
			return v, nil
		}
		leave := -1
		var ratio float64
		for r, row := range t.rows {
			if row[enter] <= eps {
				continue
			}
			q := t.rhs[r] / row[enter]
			if leave < 0 || q < ratio-eps || (q <= ratio+eps && t.basis[r] < t.basis[leave]) {
				leave, ratio = r, q
			}
		}
		if leave < 0 {
			return math.Inf(-1), nil
		}
		if ratio <= eps {
			degenerate++
		} else {
			degenerate = 0
		}
		t.pivot(leave, enter)
	}
	return 0, errors.New("sdc: simplex did not converge")
}

func (t *tableau) pivot(r, c int) {
	p := t.rows[r][c]
	for j := range t.rows[r] {
		t.rows[r][j] /= p
	}
	t.rhs[r] /= p
	for i, row := range t.rows {
		if i == r || row[c] == 0 {
			continue
		}
		f := row[c]
		for j, v := range t.rows[r] {
			if v != 0 {
				row[j] -= f * v
				if abs(row[j]) < 1e-12 {
					row[j] = 0
				}
			}
		}
		row[c] = 0
		t.rhs[i] -= f * t.rhs[r]
		if abs(t.rhs[i]) < 1e-12 {
			t.rhs[i] = 0
		}
	}
	t.basis[r] = c
}
