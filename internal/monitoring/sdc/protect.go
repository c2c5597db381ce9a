package sdc

import (
	"fmt"
	"slices"
	"sort"
	"strings"
)

// Unresolved is the error Protect returns when the table cannot be protected without changing a
// Fixed cell (or when the table itself is malformed). Protect has then done everything it could;
// the listed cells are still at risk, so the caller must not publish the table as it stands:
// protect the linked table that fixed those cells again with the conflict in mind, or withhold
// the whole table (every cell suppressed), which is always safe.
type Unresolved struct {
	// Lines are lines (as given, in canonical form "total = part + part") that still have
	// exactly one suppressed member because every other member is Fixed.
	Lines []string
	// Determined are suppressed non-zero cells that the published cells and the lines still
	// fix exactly or to an interval narrower than 1, because every cell that could widen it
	// is Fixed (or already suppressed).
	Determined []string
	// Fixed are Fixed cells that violate the rule themselves (a published count 1..Min-1, a
	// published magnitude over fewer than MinPersons persons).
	Fixed []string
	// Invalid describes malformed lines (unknown cell, magnitude cell, empty, duplicate member).
	Invalid string
}

func (u *Unresolved) Error() string {
	var parts []string
	if len(u.Lines) > 0 {
		parts = append(parts, fmt.Sprintf("%d line(s) with a single suppressed cell: %s", len(u.Lines), strings.Join(u.Lines, "; ")))
	}
	if len(u.Determined) > 0 {
		parts = append(parts, fmt.Sprintf("%d suppressed cell(s) recoverable: %s", len(u.Determined), strings.Join(u.Determined, ", ")))
	}
	if len(u.Fixed) > 0 {
		parts = append(parts, fmt.Sprintf("%d fixed cell(s) breaking the rule: %s", len(u.Fixed), strings.Join(u.Fixed, ", ")))
	}
	if u.Invalid != "" {
		parts = append(parts, u.Invalid)
	}
	return "sdc: table not protectable: " + strings.Join(parts, "; ")
}

// Protect applies the rule to the table in place and returns nil when the result may be
// published, or an *Unresolved error otherwise (see there; the table must then not be
// published as it stands). Protect only ever adds suppression: it never publishes a cell that
// was already Suppressed and never changes a Fixed cell. The steps:
//
//  1. Primary suppression: a count cell with 1 <= Value < r.Min, a magnitude cell with
//     N < r.MinPersons.
//  2. Secondary suppression, to a fixed point (a worklist of lines): every line with exactly
//     one suppressed member gets a second one, the best eligible member (not Fixed, not
//     suppressed) in this order: the part with the smallest non-zero value; the total if
//     non-zero; a zero part; a zero total; ties broken by key. A non-zero total is preferred
//     to a zero part because a hidden zero can only move upwards: a small count paired with a
//     zero has its true value as the attacker's upper bound.
//  3. Recovery check: per group of suppressed cells linked by lines, the lines' equations
//     are reduced by Gaussian elimination with hidden zeros and hidden Fixed cells taken as
//     known (the strict view), and every hidden non-zero cell's freedom is estimated along
//     the null-space directions of the reduced form, as far as non-negativity of the moved
//     cells allows. A cell with freedom below 1 (fixed exactly, e.g. the only link between
//     two closed rectangles of small counts, which the "two per line" rule allows; or, in
//     3-D, squeezed to a fractional interval around one integer) gets a further non-zero
//     partner in one of its lines, else in the group's lines, and step 2 runs again. If the
//     table has hidden Fixed cells, the same check runs with them unknown, so that this
//     table's lines do not expose a cell a linked table hides. Only if nothing non-zero is
//     eligible any more, the group is audited by linear programming (rare; e.g. a published
//     zero margin that pins a slice), and a cell still narrower than 1 gets any eligible
//     partner, zeros included; what stays narrow is reported.
//  4. Magnitude cells whose count cell (Cell.Of) is suppressed are suppressed.
//
// Guarantee (when it returns nil): no published count cell is in 1..Min-1, no published
// magnitude has N < MinPersons, every line with a suppressed member has at least two, and
// every suppressed non-zero count has an Audit interval of width >= 1 (in 2-D tables >= 2,
// and there it holds for integer solutions too, since the directions are cycles of ±1
// moves). The freedom relied on moves no hidden zero and no Fixed cell. Not guaranteed: that
// an attacker who also uses that counts are integers cannot narrow a 3-D interval further
// (integer programming; see Audit); a width of 5 (the reference's target) — non-negativity and small partners can
// make intervals shorter; suppressed zeros may be recovered as 0; totals of distinct persons
// that are smaller than the sum of their parts are treated as if additive (which only makes
// the attacker stronger).
//
// Cost: steps 1, 2 and 4 are linear in the number of line memberships; step 3 is one sparse
// elimination per group and round (for a 6 × 8 × 10 cube about 1–3 ms in all on one core).
// The result depends only on the cells, their values and the set of lines, never on map
// iteration or on the order of lines and parts.
func (t *Table) Protect(r Rule) error {
	ix, err := newIndex(t)
	u := &Unresolved{}
	if err != nil {
		u.Invalid = err.Error()
	}
	p := &protector{ix: ix, count: make([]int, len(ix.lines))}
	p.primary(r, u)
	for li, l := range ix.lines {
		for _, m := range l.members {
			if ix.cells[m].Suppressed {
				p.count[li]++
			}
		}
		if p.count[li] == 1 {
			p.queue = append(p.queue, li)
		}
	}
	for {
		p.secondary()
		added, stuck := p.repair()
		if !added {
			for _, c := range stuck {
				u.Determined = append(u.Determined, ix.keys[c])
			}
			break
		}
	}
	for li, n := range p.count {
		if n == 1 {
			u.Lines = append(u.Lines, ix.describe(li))
		}
	}
	for _, c := range ix.cells {
		if c.Magnitude && c.Of != "" && !c.Suppressed && !c.Fixed {
			if of, ok := t.Cells[c.Of]; ok && of.Suppressed {
				c.Suppressed = true
			}
		}
	}
	sort.Strings(u.Determined)
	if len(u.Lines) > 0 || len(u.Determined) > 0 || len(u.Fixed) > 0 || u.Invalid != "" {
		return u
	}
	return nil
}

// minFreedom is the (linear) interval width Protect secures for every hidden non-zero count.
const minFreedom = 1

type protector struct {
	ix    *index
	count []int // suppressed members per line
	queue []int // lines that may have exactly one suppressed member
}

func (p *protector) primary(r Rule, u *Unresolved) {
	for i, c := range p.ix.cells {
		risky := false
		if c.Magnitude {
			risky = c.N < r.MinPersons
		} else {
			risky = c.Value >= 1 && c.Value < float64(r.Min)
		}
		switch {
		case !risky || c.Suppressed:
		case c.Fixed:
			u.Fixed = append(u.Fixed, p.ix.keys[i])
		default:
			c.Suppressed = true
		}
	}
}

func (p *protector) suppress(c int) {
	p.ix.cells[c].Suppressed = true
	for _, li := range p.ix.of[c] {
		p.count[li]++
		if p.count[li] == 1 {
			p.queue = append(p.queue, li)
		}
	}
}

// secondary works through the queue until every line has zero or at least two suppressed
// members, or only Fixed candidates are left.
func (p *protector) secondary() {
	for len(p.queue) > 0 {
		li := p.queue[0]
		p.queue = p.queue[1:]
		if p.count[li] != 1 {
			continue
		}
		if c, _ := p.partner(li, false); c >= 0 {
			p.suppress(c)
		}
	}
}

// partner returns the best eligible member of line li and its rank (lower is better), or -1.
// With nonZero, zero cells are not eligible (the repair needs cells that can move both ways).
func (p *protector) partner(li int, nonZero bool) (best int, rank [3]float64) {
	best = -1
	for j, m := range p.ix.lines[li].members {
		c := p.ix.cells[m]
		if c.Fixed || c.Suppressed || (nonZero && c.Value == 0) {
			continue
		}
		class := 0.0 // non-zero part
		switch {
		case c.Value != 0 && j == 0:
			class = 1
		case c.Value == 0 && j > 0:
			class = 2
		case c.Value == 0:
			class = 3
		}
		r := [3]float64{class, c.Value, float64(m)}
		if best < 0 || less(r, rank) {
			best, rank = m, r
		}
	}
	return best, rank
}

// bestPartner is the best eligible (with nonZero: non-zero) member over the lines, or -1.
func (p *protector) bestPartner(lines []int, nonZero bool) int {
	best, bestRank := -1, [3]float64{}
	for _, li := range lines {
		if m, r := p.partner(li, nonZero); m >= 0 && (best < 0 || less(r, bestRank)) {
			best, bestRank = m, r
		}
	}
	return best
}

func less(a, b [3]float64) bool {
	for i := range a {
		if a[i] != b[i] {
			return a[i] < b[i]
		}
	}
	return false
}

// repair checks the suppression for exact recovery, first in the strict view (suppressed
// Fixed cells and zeros count as known: the table's own hidden cells must have freedom that
// moves neither, so they stay hidden in the union with any other table linked through Fixed
// cells), then in the shared view (Fixed cells unknown, zeros known: the table's lines must
// not pin a hidden cell of a linked table it is published with). It adds one partner where
// needed and reports whether it did; stuck are the cells that stay recoverable because
// nothing eligible is left.
func (p *protector) repair() (added bool, stuck []int) {
	added, stuck = p.repairView(strict, linked)
	if added || len(stuck) > 0 || !p.fixedHidden() {
		return added, stuck
	}
	return p.repairView(shared, attacker)
}

// fixedHidden reports whether a suppressed non-zero Fixed count cell exists (otherwise the
// shared view is the strict one).
func (p *protector) fixedHidden() bool {
	for _, c := range p.ix.cells {
		if c.Fixed && c.Suppressed && !c.Magnitude && c.Value != 0 {
			return true
		}
	}
	return false
}

// repairView finds the suppressed cells whose freedom in view v is below minFreedom (or
// none: fixed exactly). Per linked group it suppresses further non-zero partners in the
// lines of such cells, else in any line of the group. When no group can get a non-zero partner any more, the
// remaining determined cells are checked by linear programming in view lp (zeros unknown); a
// cell still pinned there gets a partner that may be zero; stuck are the cells pinned for
// which nothing is eligible (or all of them if the table is not additive, so that the
// program cannot tell).
func (p *protector) repairView(v, lp view) (added bool, stuck []int) {
	cells, lines := p.ix.components(v)
	for n := range cells {
		s := p.ix.system(cells[n], lines[n], v)
		pivots, _ := s.reduce()
		vals := make([]float64, len(s.cols))
		for j, c := range s.cols {
			vals[j] = p.ix.cells[c].Value
		}
		det := s.narrow(pivots, vals, minFreedom)
		if len(det) == 0 {
			continue
		}
		// One partner per narrow cell whose lines got none yet in this round (a partner
		// often widens several cells; the next round re-checks).
		touched := map[int]bool{}
		grown := false
		for _, j := range det {
			c := s.cols[j]
			if slices.ContainsFunc(p.ix.of[c], func(li int) bool { return touched[li] }) {
				continue
			}
			if best := p.bestPartner(p.ix.of[c], true); best >= 0 {
				p.suppress(best)
				grown = true
				for _, li := range p.ix.of[best] {
					touched[li] = true
				}
			}
		}
		if !grown {
			if best := p.bestPartner(lines[n], true); best >= 0 {
				p.suppress(best)
				grown = true
			}
		}
		if grown {
			added = true
			continue
		}
		for _, j := range det {
			stuck = append(stuck, s.cols[j])
		}
	}
	if added || len(stuck) == 0 {
		return added, nil
	}
	ex, err := p.ix.exposuresOf(stuck, lp)
	if err != nil {
		return false, stuck
	}
	var pinned []int
	for _, c := range stuck {
		if e, ok := ex[c]; !ok || e.Width() < minFreedom-eps {
			pinned = append(pinned, c)
		}
	}
	if len(pinned) == 0 {
		return false, nil
	}
	for _, c := range pinned {
		if best := p.bestPartner(p.ix.of[c], false); best >= 0 {
			p.suppress(best)
			return true, nil
		}
	}
	// Nothing next to the pinned cells: any eligible cell in a line of their group (e.g. a
	// published zero margin that pins a whole slice).
	cells, lines = p.ix.components(lp)
	for n := range cells {
		if slices.Contains(cells[n], pinned[0]) {
			if best := p.bestPartner(lines[n], false); best >= 0 {
				p.suppress(best)
				return true, nil
			}
		}
	}
	return false, pinned
}

func (ix *index) describe(li int) string {
	l := ix.lines[li]
	parts := make([]string, 0, len(l.members)-1)
	for _, m := range l.members[1:] {
		parts = append(parts, ix.keys[m])
	}
	return ix.keys[l.total()] + " = " + strings.Join(parts, " + ")
}
