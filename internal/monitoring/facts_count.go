package monitoring

import "context"

// tally counts, per cell index, the distinct entities that reach it: an entity (person, case,
// manager) is counted once per cell, marked by the serial of the entity and period being
// counted. Small cubes use arrays, large ones (breakdowns by offer or theme) maps.
type tally struct {
	cnt, stamp []int32
	mc, ms     map[int]int32
}

const maxDense = 1 << 21

func newTally(size int) *tally {
	if size <= maxDense {
		return &tally{cnt: make([]int32, size), stamp: make([]int32, size)}
	}
	return &tally{mc: map[int]int32{}, ms: map[int]int32{}}
}

func (t *tally) add(i int, serial int32) {
	if t.cnt != nil {
		if t.stamp[i] != serial {
			t.stamp[i] = serial
			t.cnt[i]++
		}
		return
	}
	if t.ms[i] != serial {
		t.ms[i] = serial
		t.mc[i]++
	}
}

func (t *tally) get(i int) int32 {
	if t.cnt != nil {
		return t.cnt[i]
	}
	return t.mc[i]
}

// each calls fn for every cell with a count.
func (t *tally) each(fn func(i int, n int32)) {
	if t.cnt != nil {
		for i, n := range t.cnt {
			if n > 0 {
				fn(i, n)
			}
		}
		return
	}
	for i, n := range t.mc {
		fn(i, n)
	}
}

// layout is the cube of a measure and breakdown over the facts: dimensions period × district ×
// organisation (+ total) × category (+ total), and each row's coordinates.
type layout struct {
	f          *factSet
	pa, pb     []int16
	d, o, k    *column
	ages       [][]int8 // age_group: per period and birth date, the group
	cats       []string // the categories (without the total)
	cat        bool
	nd, no, nk int
}

func (e *engine) layout(ctx context.Context, ms *measure, by string, ps []period) (*layout, error) {
	f, err := e.factsOf(ctx, ms, by, ps)
	if err != nil {
		return nil, err
	}
	l := &layout{f: f, d: f.col(ms.dist), o: f.col(ms.org)}
	l.pa, l.pb = f.spans(ms.from, ps)
	_, l.cat = ms.cats[by]
	if l.cat {
		l.k = f.col(ms.catExpr(by))
		l.cats = l.k.dict
		if by == "age_group" {
			l.cats = AgeGroups
			l.ages = make([][]int8, len(ps))
			for i, p := range ps {
				b := [4]string{yearsBefore(p.last, 18), yearsBefore(p.last, 27), yearsBefore(p.last, 45), yearsBefore(p.last, 65)}
				l.ages[i] = make([]int8, len(l.k.dict))
				for j, birth := range l.k.dict {
					l.ages[i][j] = int8(ageGroup(birth, &b))
				}
			}
		}
	}
	l.nd, l.no, l.nk = len(l.d.dict), len(l.o.dict)+1, len(l.cats)+1
	return l, nil
}

// cell is the index of row r's cell in period p (-1: the row has a NULL coordinate).
func (l *layout) cell(r, p int) (d, o, k int) {
	d, o, k = int(l.d.id(r)), int(l.o.id(r)), l.nk-1
	if l.cat {
		k = int(l.k.id(r))
		if k >= 0 && l.ages != nil {
			k = int(l.ages[p][k])
		}
	}
	if d < 0 || o < 0 || k < 0 {
		return -1, -1, -1
	}
	return d, o, k
}

func (l *layout) index(p, d, o, k int) int { return ((p*l.nd+d)*l.no+o)*l.nk + k }

// key is the cube key of a cell index.
func (l *layout) key(i int) (p int, k key3) {
	kk := i % l.nk
	i /= l.nk
	oo := i % l.no
	i /= l.no
	dd := i % l.nd
	p = i / l.nd
	k = key3{l.d.dict[dd], all, all}
	if oo < l.no-1 {
		k.o = l.o.dict[oo]
	}
	if kk < l.nk-1 {
		k.k = l.cats[kk]
	}
	return p, k
}

// distinct counts the distinct values of column ent per cell (the cell, its total over
// organisations and, with categories, over categories and over both).
func (l *layout) distinct(ent *column, nperiods int) *tally {
	t := newTally(nperiods * l.nd * l.no * l.nk)
	// The rows grouped by the entity (a counting sort of the interned ids).
	start := make([]int32, len(ent.dict)+1)
	for r := 0; r < l.f.n; r++ {
		if id := ent.id(r); id >= 0 {
			start[id+1]++
		}
	}
	for i := 1; i < len(start); i++ {
		start[i] += start[i-1]
	}
	order := make([]int32, start[len(start)-1])
	next := append([]int32{}, start...)
	for r := 0; r < l.f.n; r++ {
		if id := ent.id(r); id >= 0 {
			order[next[id]] = int32(r)
			next[id]++
		}
	}
	serial := int32(0)
	for g := 0; g+1 < len(start); g++ {
		rows := order[start[g]:start[g+1]]
		lo, hi := int16(nperiods), int16(-1)
		for _, r := range rows {
			lo, hi = min(lo, l.pa[r]), max(hi, l.pb[r])
		}
		for p := int(lo); p <= int(hi); p++ {
			serial++
			for _, r := range rows {
				if int(l.pa[r]) > p || int(l.pb[r]) < p {
					continue
				}
				d, o, k := l.cell(int(r), p)
				if d < 0 {
					continue
				}
				t.add(l.index(p, d, o, k), serial)
				t.add(l.index(p, d, l.no-1, k), serial)
				if l.cat {
					t.add(l.index(p, d, o, l.nk-1), serial)
					t.add(l.index(p, d, l.no-1, l.nk-1), serial)
				}
			}
		}
	}
	return t
}

// counts returns the raw cube per period of a measure and breakdown: distinct persons (and x,
// y) per period, district, organisation and category, over all organisations (a person can
// have cases in two organisations, so that total is counted, not summed) and over all
// categories (the base); totals over districts are sums (every person has one district).
func (e *engine) counts(ctx context.Context, ms *measure, by string, ps []period) (map[string]*cube, *layout, error) {
	l, err := e.layout(ctx, ms, by, ps)
	if err != nil {
		return nil, nil, err
	}
	out := make(map[string]*cube, len(ps))
	for _, p := range ps {
		out[p.key] = newCube()
	}
	n := l.distinct(l.f.col(ms.pid), len(ps))
	var x, y *tally
	switch {
	case ms.rowX():
		rows := &column{ids: make([]int32, l.f.n), dict: make([]string, l.f.n)}
		for r := range rows.ids {
			rows.ids[r] = int32(r)
		}
		x = l.distinct(rows, len(ps))
	case ms.x != "":
		x = l.distinct(l.f.col(ms.x), len(ps))
	}
	if ms.y != "" {
		y = l.distinct(l.f.col(ms.y), len(ps))
	}
	n.each(func(i int, v int32) {
		p, k := l.key(i)
		a := &agg{n: int64(v)}
		if x != nil {
			a.x = int64(x.get(i))
		}
		if y != nil {
			a.y = int64(y.get(i))
		}
		out[ps[p].key].cells[k] = a
	})
	for _, c := range out {
		c.sumDistricts()
	}
	return out, l, nil
}

// hist adds the distributions of a median measure to the cubes: observations (rows) per cell
// and number of days, with every total summed (an observation has one district, organisation
// and category).
func (e *engine) hist(ms *measure, l *layout, ps []period, cubes map[string]*cube) {
	col := l.f.col(daysBetween(e.tx.Engine, ms.days[0], ms.days[1]))
	vals := days(col)
	type obs struct {
		p, d, o, k, v int
	}
	count := map[obs]int{}
	for r := 0; r < l.f.n; r++ {
		id := col.id(r)
		if id < 0 {
			continue
		}
		for p := int(l.pa[r]); p <= int(l.pb[r]); p++ {
			d, o, k := l.cell(r, p)
			if d >= 0 {
				count[obs{p, d, o, k, vals[id]}]++
			}
		}
	}
	for ob, n := range count {
		_, k := l.key(l.index(ob.p, ob.d, ob.o, ob.k))
		c := cubes[ps[ob.p].key]
		if c.hist == nil {
			c.hist = map[key3]map[int]int{}
		}
		for _, d := range withTotal(k.d) {
			for _, o := range withTotal(k.o) {
				for _, cat := range withTotal(k.k) {
					t := key3{d, o, cat}
					if c.hist[t] == nil {
						c.hist[t] = map[int]int{}
					}
					c.hist[t][ob.v] += n
				}
			}
		}
	}
}
