package monitoring

import (
	"context"
	"fmt"
	"math"
	"sort"

	"kim/internal/monitoring/sdc"
)

// magnitudes computes and protects the cells of a median or caseload measure: each cell is a
// value over n persons, published from Rule.MinPersons persons (a caseload also under the
// lines of its persons, see protectPerPost).
func (e *engine) magnitudes(ctx context.Context, ms *measure, by string, ps []period) (map[string]protected, error) {
	_, cat := ms.cats[by]
	cb := ""
	if cat {
		cb = by
	}
	raw, l, err := e.counts(ctx, ms, cb, ps)
	if err != nil {
		return nil, err
	}
	if ms.kind == kindMedian {
		e.hist(ms, l, ps, raw)
	}
	var fte map[string]map[string]float64
	if ms.kind == kindPerFTE {
		if fte, err = e.fte(ctx); err != nil {
			return nil, err
		}
	}
	out := map[string]protected{}
	for _, p := range ps {
		c := raw[p.key]
		switch ms.kind {
		case kindMedian:
			vals, ns := map[key3]pub{}, map[key3]int64{}
			for k, a := range c.cells {
				if m, n := median(c.hist[k]); n > 0 {
					vals[k], ns[k] = pub{v: m, has: true}, a.n
				}
			}
			out[p.key] = protectMagnitudes(vals, ns, e.rule)
		case kindPerManager:
			out[p.key] = protectPerPost(c, perManager(c), e.rule)
		case kindPerFTE:
			out[p.key] = protectPerPost(c, perFTE(c, fte[p.key[:4]]), e.rule)
		}
	}
	return out, nil
}

// perManager is the caseload per case manager of a cell: its cases over its case managers.
func perManager(c *cube) func(key3) (float64, bool) {
	return func(k key3) (float64, bool) {
		a := c.get(k)
		return float64(a.x) / float64(a.y), a.y > 0
	}
}

// perFTE is the caseload per occupied post of a cell (posts: the year's posts by organisation):
// an organisation's cases over its posts, the total's over the organisations with posts only
// (protectPerPost hides the total when an organisation with cases has none).
func perFTE(c *cube, posts map[string]float64) func(key3) (float64, bool) {
	return func(k key3) (float64, bool) {
		cases, f := float64(c.get(k).x), posts[k.o]
		if k.o == all {
			cases, f = 0, 0
			for o, po := range posts {
				if po > 0 {
					cases += float64(c.get(key3{k.d, o, k.k}).x)
					f += po
				}
			}
		}
		return cases / f, f > 0
	}
}

// fte returns the occupied full-time posts per year and organisation.
func (e *engine) fte(ctx context.Context) (map[string]map[string]float64, error) {
	rows, err := e.tx.QueryContext(ctx, `SELECT organisation_id, year, fte_occupied FROM funding_figures WHERE tenant_id = $1`, e.tenant)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]map[string]float64{}
	for rows.Next() {
		var o string
		var y int
		var f float64
		if err := rows.Scan(&o, &y, &f); err != nil {
			return nil, err
		}
		ys := yearKey(y)
		if out[ys] == nil {
			out[ys] = map[string]float64{}
		}
		out[ys][o] = f
	}
	return out, rows.Err()
}

func yearKey(y int) string { return fmt.Sprintf("%04d", y) }

// rates computes a rate per 1,000 residents from the protected base of its count measure: the
// count cells are fixed as published there, a rate is suppressed with its count (Cell.Of) and
// over fewer than Rule.MinPersons persons. Without a population figure a cell has no value.
func (e *engine) rates(ctx context.Context, ms *measure, ps []period) (map[string]protected, error) {
	base, err := e.protectedBase(ctx, measures[ms.base], ps, nil)
	if err != nil {
		return nil, err
	}
	pop, err := e.population(ctx)
	if err != nil {
		return nil, err
	}
	out := map[string]protected{}
	for _, p := range ps {
		t := &sdc.Table{Cells: map[string]*sdc.Cell{}}
		keys := map[string]key3{}
		for k, c := range base[p.key] {
			if k.k != all {
				continue
			}
			n := popOf(pop, k.d, p.key[:4])
			if n <= 0 {
				continue
			}
			ck, rk := "n:"+cellKey(k), "r:"+cellKey(k)
			t.Cells[ck] = &sdc.Cell{Value: c.v, Suppressed: c.sup, Fixed: true}
			t.Cells[rk], keys[rk] = &sdc.Cell{Value: c.v / n * 1000, Magnitude: true, N: int(c.v), Of: ck}, k
			if c.sup {
				t.Cells[rk].N = 0
			}
		}
		if err := t.Protect(e.rule); err != nil {
			for _, c := range t.Cells {
				c.Suppressed = true
			}
		}
		pr := protected{}
		for rk, k := range keys {
			c := t.Cells[rk]
			pr[k] = pub{v: c.Value, has: true, sup: c.Suppressed}
		}
		out[p.key] = pr
	}
	return out, nil
}

// population is the context indicator "population" by district (” the whole city) and period.
func (e *engine) population(ctx context.Context) (map[string]map[string]float64, error) {
	rows, err := e.tx.QueryContext(ctx, `SELECT district_id, period, value FROM context_values WHERE tenant_id = $1 AND indicator = 'population'`, e.tenant)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]map[string]float64{}
	for rows.Next() {
		var d, p string
		var v float64
		if err := rows.Scan(&d, &p, &v); err != nil {
			return nil, err
		}
		if out[d] == nil {
			out[d] = map[string]float64{}
		}
		out[d][p] = v
	}
	return out, rows.Err()
}

// popOf is the population of district d (all: the city figure, else the sum of the districts)
// for the year: the figure of period year or the latest before it.
func popOf(pop map[string]map[string]float64, d, year string) float64 {
	latest := func(byPeriod map[string]float64) float64 {
		best, v := "", 0.0
		for p, x := range byPeriod {
			if len(p) >= 4 && p[:4] <= year && p > best {
				best, v = p, x
			}
		}
		return v
	}
	if d != all {
		return latest(pop[d])
	}
	if v := latest(pop[""]); v > 0 {
		return v
	}
	sum := 0.0
	for dd, byPeriod := range pop {
		if dd != "" {
			sum += latest(byPeriod)
		}
	}
	return sum
}

// slice cuts the table of a query from the protected cubes: the filter picks the district and
// organisation (or their totals), the breakdown the groups.
func (e *engine) slice(ind *Indicator, ms *measure, q Query, keys []string, pm map[string]protected) (*Table, error) {
	D, O := all, all
	if q.District != "" {
		D = q.District
	}
	if q.Organisation != "" {
		O = q.Organisation
	}
	at := func(g string) key3 {
		switch q.By {
		case "district":
			return key3{g, O, all}
		case "organisation":
			return key3{D, g, all}
		case "":
			return key3{D, O, all}
		}
		return key3{D, O, g}
	}
	present := map[string]bool{}
	for _, cells := range pm {
		for k, c := range cells {
			if !c.has {
				continue
			}
			var g string
			switch q.By {
			case "":
				continue
			case "district":
				g = k.d
			case "organisation":
				g = k.o
			default:
				g = k.k
			}
			if g != all && at(g) == k {
				present[g] = true
			}
		}
	}
	t := &Table{Indicator: ind, Query: q, PeriodKeys: keys, Groups: e.groups(ms, q, present)}
	dec := Decimals(ind)
	for _, pk := range keys {
		m, _ := ParseMonth(pk)
		if len(pk) == 4 {
			m, _ = ParseMonth(pk + "-01")
		}
		t.Periods = append(t.Periods, m)
		cells := pm[pk]
		cell := func(g Group, k key3) Cell {
			c := Cell{Period: pk, Group: g.Label, GroupKey: g.Key}
			p, ok := cells[k]
			switch {
			case ok && p.sup:
				c.Suppressed = true
			case ok && p.has:
				// A magnitude is published as shown (Decimals): the API, the exports and the
				// pages give the same figure.
				v := p.v
				if ms.kind != kindCount {
					v = roundTo(v, dec)
				}
				c.Value = &v
			case ms.kind == kindCount:
				zero := 0.0
				c.Value = &zero
			}
			return c
		}
		row := make([]Cell, len(t.Groups))
		for i, g := range t.Groups {
			row[i] = cell(g, at(g.Key))
		}
		t.Cells = append(t.Cells, row)
		tot := cell(Group{}, key3{D, O, all})
		t.Totals = append(t.Totals, tot)
	}
	return t, nil
}

// roundTo rounds v to dec decimals (halves away from zero).
func roundTo(v float64, dec int) float64 {
	f := math.Pow(10, float64(dec))
	return math.Round(v*f) / f
}

// groups lists the groups of a breakdown: every district of the tenant (and "no district" when
// it has figures), the organisations, partners, offers and themes that have figures, every code
// of a code list (and any further code that has figures).
func (e *engine) groups(ms *measure, q Query, present map[string]bool) []Group {
	named := func(kind string, ids []string, noneKey string) []Group {
		var out []Group
		for _, id := range ids {
			if id == none {
				out = append(out, Group{Key: none, Label: noneKey, Translate: true})
				continue
			}
			name, ok := e.names[kind][id]
			if !ok {
				name = id
			}
			out = append(out, Group{Key: id, Label: name})
		}
		return out
	}
	inOrder := func(kind string) []string {
		var ids []string
		for _, id := range e.order[kind] {
			if present[id] {
				ids = append(ids, id)
			}
		}
		if present[none] {
			ids = append(ids, none)
		}
		return ids
	}
	switch q.By {
	case "":
		return nil
	case "district":
		if q.District != "" {
			return named("district", []string{q.District}, "")
		}
		ids := append([]string(nil), e.order["district"]...)
		if present[none] {
			ids = append(ids, none)
		}
		return named("district", ids, "monitoring.indicators.no_district")
	case "organisation":
		if q.Organisation != "" {
			return named("organisation", []string{q.Organisation}, "")
		}
		return named("organisation", inOrder("organisation"), "monitoring.indicators.unknown")
	case "partner":
		return named("organisation", inOrder("organisation"), "monitoring.indicators.unknown")
	case "offer":
		return named("offer", inOrder("offer"), "monitoring.indicators.no_offer")
	case "theme":
		return named("theme", inOrder("theme"), "monitoring.indicators.no_theme")
	}
	codes := codeList(ms, q.By)
	seen := map[string]bool{}
	var out []Group
	add := func(c string) {
		if !seen[c] {
			seen[c] = true
			out = append(out, Group{Key: c, Label: labelKey(q.Indicator, q.By, c), Translate: true})
		}
	}
	for _, c := range codes {
		add(c)
	}
	var extra []string
	for c := range present {
		if !seen[c] {
			extra = append(extra, c)
		}
	}
	sort.Strings(extra)
	for _, c := range extra {
		add(c)
	}
	return out
}

// codeList is the ordered code list of a breakdown (nil: the codes found).
func codeList(ms *measure, by string) []string {
	if c, ok := ms.codes[by]; ok {
		return c
	}
	switch by {
	case "sex":
		return sexes
	case "age_group":
		return AgeGroups
	case "nationality_group":
		return NationalityGroups()
	}
	return nil
}

// labelKey is the message key of a code of a breakdown.
func labelKey(indicator, by, code string) string {
	if code == "unknown" && by != "age_group" {
		return "monitoring.indicators.unknown"
	}
	switch by {
	case "sex":
		return "casework.sex." + code
	case "access_route":
		return "casework.route." + code
	case "life_domain":
		return "casework.domain." + code
	case "reason":
		return "casework.close_reason." + code
	case "type":
		return "steering.report.type." + code
	case "status":
		switch indicator {
		case "referral_outcomes":
			return "casework.referral_status." + code
		case "goal_attainment":
			return "casework.goal_status." + code
		}
		return "casework.transition_status." + code
	}
	return "monitoring.indicators." + by + "." + code
}
