package monitoring

import (
	"kim/internal/monitoring/sdc"
)

// The cube of one period: district × organisation × category, each with its total ("*").
// Counts come from the facts (see facts_count.go): totals over organisations and categories
// are counted there, totals over districts summed here.

type key3 struct{ d, o, k string }

// agg is one cell of a raw cube: distinct persons (n) and the further distinct counts x and y.
type agg struct{ n, x, y int64 }

// cube is the raw (unprotected) aggregates of one period; hist the distributions of a median
// measure.
type cube struct {
	cells map[key3]*agg
	hist  map[key3]map[int]int
}

func newCube() *cube { return &cube{cells: map[key3]*agg{}} }

func (c *cube) get(k key3) agg {
	if a := c.cells[k]; a != nil {
		return *a
	}
	return agg{}
}

// pub is a protected cell: its value (has: a value exists), or suppressed.
type pub struct {
	v   float64
	has bool
	sup bool
}

// protected is the published cells of one period by key.
type protected map[key3]pub

// sumDistricts adds the totals over districts (a person has one district).
func (c *cube) sumDistricts() {
	for k, a := range c.cells {
		if k.d == all {
			continue
		}
		t := key3{all, k.o, k.k}
		s := c.cells[t]
		if s == nil {
			s = &agg{}
			c.cells[t] = s
		}
		s.n, s.x, s.y = s.n+a.n, s.x+a.x, s.y+a.y
	}
}

// withTotal is the key and the total key (once when the key is the total).
func withTotal(k string) []string {
	if k == all {
		return []string{all}
	}
	return []string{k, all}
}

func cellKey(k key3) string { return k.d + "|" + k.o + "|" + k.k }

// protectBase protects the base of a period (district × organisation, category total): counts
// 1..Min-1 and secondary suppression along every row and column.
func protectBase(c *cube, r sdc.Rule) protected {
	t := &sdc.Table{Cells: map[string]*sdc.Cell{}}
	keys := map[string]key3{}
	rows := map[string][]string{} // district → parts over organisations
	cols := map[string][]string{} // organisation → parts over districts
	for k, a := range c.cells {
		if k.k != all {
			continue
		}
		ck := cellKey(k)
		t.Cells[ck], keys[ck] = &sdc.Cell{Value: float64(a.n)}, k
		if k.o != all {
			rows[k.d] = append(rows[k.d], ck)
		}
		if k.d != all {
			cols[k.o] = append(cols[k.o], ck)
		}
	}
	for d, parts := range rows {
		t.Lines = append(t.Lines, sdc.Line{Total: cellKey(key3{d, all, all}), Parts: parts})
	}
	for o, parts := range cols {
		t.Lines = append(t.Lines, sdc.Line{Total: cellKey(key3{all, o, all}), Parts: parts})
	}
	return finish(t, keys, r, nil)
}

// protectBreakdown protects the cube of a breakdown with the base's cells fixed: lines along
// categories, organisations and districts.
func protectBreakdown(c *cube, base protected, r sdc.Rule) protected {
	t := &sdc.Table{Cells: map[string]*sdc.Cell{}}
	keys := map[string]key3{}
	byCat := map[key3][]string{}  // (d, o) → parts over categories
	byOrg := map[key3][]string{}  // (d, k) → parts over organisations
	byDist := map[key3][]string{} // (o, k) → parts over districts
	for k, a := range c.cells {
		if k.k == all {
			continue
		}
		ck := cellKey(k)
		t.Cells[ck], keys[ck] = &sdc.Cell{Value: float64(a.n)}, k
		byCat[key3{k.d, k.o, all}] = append(byCat[key3{k.d, k.o, all}], ck)
		if k.o != all {
			byOrg[key3{k.d, all, k.k}] = append(byOrg[key3{k.d, all, k.k}], ck)
		}
		if k.d != all {
			byDist[key3{all, k.o, k.k}] = append(byDist[key3{all, k.o, k.k}], ck)
		}
	}
	for tk, parts := range byCat {
		b := base[tk]
		ck := cellKey(tk)
		t.Cells[ck], keys[ck] = &sdc.Cell{Value: b.v, Suppressed: b.sup, Fixed: true}, tk
		t.Lines = append(t.Lines, sdc.Line{Total: ck, Parts: parts})
		if len(parts) == 1 {
			// The only category of a base cell is that cell (every person of the total has
			// it): it shares the base's state, and Protect must not pick it as a partner.
			p := t.Cells[parts[0]]
			p.Suppressed, p.Fixed = b.sup, true
		}
	}
	for _, m := range []map[key3][]string{byOrg, byDist} {
		for tk, parts := range m {
			if _, ok := t.Cells[cellKey(tk)]; ok {
				t.Lines = append(t.Lines, sdc.Line{Total: cellKey(tk), Parts: parts})
			}
		}
	}
	return finish(t, keys, r, func(k key3) bool { return k.k != all })
}

// finish runs Protect and reads the result. When the table cannot be protected as it stands
// (a conflict with fixed cells of the base), every cell that withhold selects is suppressed
// (nil: every cell), which is always safe.
func finish(t *sdc.Table, keys map[string]key3, r sdc.Rule, withhold func(key3) bool) protected {
	if err := t.Protect(r); err != nil {
		for ck, c := range t.Cells {
			if withhold == nil || withhold(keys[ck]) {
				c.Suppressed = true
			}
		}
	}
	out := make(protected, len(t.Cells))
	for ck, c := range t.Cells {
		out[keys[ck]] = pub{v: c.Value, has: true, sup: c.Suppressed}
	}
	return out
}

// protectMagnitudes protects magnitude cells (a value over n persons each): published only
// from Rule.MinPersons persons; no lines (a mean or median adds up to nothing).
func protectMagnitudes(vals map[key3]pub, n map[key3]int64, r sdc.Rule) protected {
	t := &sdc.Table{Cells: map[string]*sdc.Cell{}}
	keys := map[string]key3{}
	for k, v := range vals {
		ck := cellKey(k)
		t.Cells[ck], keys[ck] = &sdc.Cell{Value: v.v, Magnitude: true, N: int(n[k])}, k
	}
	return finish(t, keys, r, nil)
}

// protectPerPost protects the caseload cells of a period (open cases per occupied post or per
// case manager; ratio gives a cell's value, false when it has none: cases without a post). A
// caseload and the posts published elsewhere (the funding figures) give its cases, and the
// total's cases less the published organisations' give a hidden organisation's: so the cells
// are protected as a table of the persons behind them, each organisation's and the total's in
// one line per district, with Rule.MinPersons as the smallest count (a count below it is
// hidden, and secondary suppression keeps two hidden in the line), and each caseload is hidden
// with its persons (sdc.Cell.Of). A total is hidden when an organisation of its line has cases
// but no value: it would be the caseload of the other organisations only. Withheld entirely
// when the table cannot be protected.
func protectPerPost(c *cube, ratio func(key3) (float64, bool), r sdc.Rule) protected {
	t := &sdc.Table{Cells: map[string]*sdc.Cell{}}
	keys := map[string]key3{}
	parts := map[string][]string{} // district → the organisations' count cells
	undefined := map[string]bool{} // district → an organisation has cases but no value
	for k, a := range c.cells {
		nk, rk := "n:"+cellKey(k), "r:"+cellKey(k)
		t.Cells[nk] = &sdc.Cell{Value: float64(a.n)}
		if k.o != all {
			parts[k.d] = append(parts[k.d], nk)
		}
		v, ok := ratio(k)
		if !ok {
			undefined[k.d] = undefined[k.d] || (k.o != all && a.n > 0)
			continue
		}
		t.Cells[rk], keys[rk] = &sdc.Cell{Value: v, Magnitude: true, N: int(a.n), Of: nk}, k
	}
	for d, ps := range parts {
		if tk := "n:" + cellKey(key3{d, all, all}); t.Cells[tk] != nil {
			t.Lines = append(t.Lines, sdc.Line{Total: tk, Parts: ps})
		}
	}
	err := t.Protect(sdc.Rule{Min: r.MinPersons, MinPersons: r.MinPersons})
	out := protected{}
	for rk, k := range keys {
		cl := t.Cells[rk]
		out[k] = pub{v: cl.Value, has: true, sup: err != nil || cl.Suppressed || (k.o == all && undefined[k.d])}
	}
	return out
}

// merge adds the cells of b to a (a may be nil).
func merge(a, b protected) protected {
	if a == nil {
		a = protected{}
	}
	for k, v := range b {
		a[k] = v
	}
	return a
}
