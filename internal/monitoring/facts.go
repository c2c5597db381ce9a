package monitoring

import (
	"context"
	"database/sql"
	"slices"
	"strconv"
	"strings"
)

// Facts: the rows behind the measures, read once per ComputeAll and source. A source is the
// FROM clause of a measure without periods (see flow and stock): every case, referral, goal …
// that lies in the range is read once, with the columns every query of the ComputeAll needs
// from it (so that, for example, the open caseload and the caseload per post share one read of
// the cases open in the range). The rows are then expanded to their periods and counted here:
// distinct persons (and cases, managers) per period, district, organisation and category and
// their totals over organisations and categories, in one pass per counted entity. Rows never
// leave the engine: only the protected cells do.

// source is the FROM clause of a measure: the rows of the range ({first}, {last}; $1 is the
// tenant), and the date that puts a row into its period (a flow), or "" for the stock of
// cases (a case counts in every period at whose end it is open).
type source struct {
	sql   string
	date  string
	union string // a second, disjoint FROM clause whose rows are added (UNION ALL)
}

// dates are the expressions that place a row of the source in the periods.
func (s source) dates() []string {
	if s.date == "" {
		return []string{"c.requested_on", "c.closed_on"}
	}
	return []string{s.date}
}

// column is one expression's values: per row the index into dict, -1 for NULL; a constant
// expression ('none') has no ids and one value.
type column struct {
	ids  []int32
	dict []string
}

func (c *column) id(r int) int32 {
	if c.ids == nil {
		return 0
	}
	return c.ids[r]
}

// constant returns the value of a quoted SQL literal ('none', '*').
func constant(expr string) (string, bool) {
	if len(expr) >= 2 && expr[0] == '\'' && expr[len(expr)-1] == '\'' && !strings.Contains(expr[1:len(expr)-1], "'") {
		return expr[1 : len(expr)-1], true
	}
	return "", false
}

// factSet is the rows of one source and range: a column per expression.
type factSet struct {
	n    int
	cols map[string]*column
	seen map[string]map[string]int32 // per expression: value → index in its dict
}

func (f *factSet) col(expr string) *column {
	if v, ok := constant(expr); ok {
		return &column{dict: []string{v}}
	}
	return f.cols[expr]
}

type factKey struct{ src, first, last string }

// planned is the source and periods of a factKey.
type planned struct {
	src source
	ps  []period
}

// exprs lists the expressions a measure and breakdown read from its source.
func (e *engine) exprs(ms *measure, by string) []string {
	out := append([]string{}, ms.from.dates()...)
	out = append(out, ms.dist, ms.org, ms.pid, ms.catExpr(by))
	for _, x := range []string{ms.x, ms.y} {
		if x != "" && !(x == ms.x && ms.rowX()) {
			out = append(out, x)
		}
	}
	if ms.kind == kindMedian {
		out = append(out, daysBetween(e.tx.Engine, ms.days[0], ms.days[1]))
	}
	return out
}

// rowX reports whether x counts the rows themselves: the cases of a source without joins (one
// row per case), whose ids need not be read.
func (ms *measure) rowX() bool { return ms.x == "c.id" && !strings.Contains(ms.from.sql, "JOIN") }

func rangeKey(ms *measure, ps []period) factKey {
	return factKey{ms.from.sql, ps[0].first, ps[len(ps)-1].last}
}

// need registers the expressions a query will read, before anything is read.
func (e *engine) need(ms *measure, by string, ps []period) {
	if ms.kind == kindRate {
		ms, by = measures[ms.base], ""
	}
	k := rangeKey(ms, ps)
	if e.needs[k] == nil {
		e.needs[k] = map[string]bool{}
		e.sources[k] = planned{ms.from, ps}
	}
	for _, x := range e.exprs(ms, by) {
		if _, c := constant(x); !c {
			e.needs[k][x] = true
		}
	}
}

// factsOf returns the rows of a measure's source over the range of ps, read once with every
// expression the ComputeAll needs.
func (e *engine) factsOf(ctx context.Context, ms *measure, by string, ps []period) (*factSet, error) {
	e.need(ms, by, ps)
	k := rangeKey(ms, ps)
	if f, ok := e.facts[k]; ok {
		complete := true
		for x := range e.needs[k] {
			if f.cols[x] == nil {
				complete = false
			}
		}
		if complete {
			return f, nil
		}
	}
	var exprs []string
	for x := range e.needs[k] {
		exprs = append(exprs, x)
	}
	f, err := e.read(ctx, ms.from, exprs, ps)
	if err != nil {
		return nil, err
	}
	e.facts[k] = f
	return f, nil
}

// clientExpr reports whether an expression reads the client (cl.*).
func clientExpr(x string) bool { return strings.Contains(x, "cl.") }

// split separates the expressions over the row (own, with the row's client when it needs
// any) from those over the client.
func split(exprs []string) (own, cl []string) {
	for _, x := range exprs {
		if clientExpr(x) {
			cl = append(cl, x)
		} else {
			own = append(own, x)
		}
	}
	if len(cl) > 0 && !slices.Contains(own, "c.client_id") {
		own = append(own, "c.client_id")
	}
	slices.Sort(own)
	slices.Sort(cl)
	return own, cl
}

// fromClauses are the FROM clauses of a source over the range of ps.
func fromClauses(src source, ps []period) []string {
	rng := strings.NewReplacer("{first}", ps[0].first, "{last}", ps[len(ps)-1].last)
	from := []string{rng.Replace(src.sql)}
	if src.union != "" {
		from = append(from, rng.Replace(src.union))
	}
	return from
}

// read reads the rows of a source with the expressions: those over the row in one query, those
// over the client from the tenant's clients (read once per ComputeAll) by the row's client.
func (e *engine) read(ctx context.Context, src source, exprs []string, ps []period) (*factSet, error) {
	own, cl := split(exprs)
	f, err := e.query(ctx, e.tx, own, fromClauses(src, ps)...)
	if err != nil || len(cl) == 0 {
		return f, err
	}
	clients, err := e.clientFacts(ctx, cl)
	if err != nil {
		return nil, err
	}
	attach(f, cl, clients)
	return f, nil
}

// attach adds the client expressions to the rows, by the row's client.
func attach(f *factSet, cl []string, clients *factSet) {
	byID := clients.seen["cl.id"] // an id is one row: its dict index is its row
	pc := f.cols["c.client_id"]
	at := make([]int32, len(pc.dict))
	for i, id := range pc.dict {
		at[i] = -1
		if r, ok := byID[id]; ok {
			at[i] = r
		}
	}
	for _, x := range cl {
		src := clients.cols[x]
		c := &column{ids: make([]int32, f.n), dict: src.dict}
		for r := 0; r < f.n; r++ {
			c.ids[r] = -1
			if id := pc.ids[r]; id >= 0 && at[id] >= 0 {
				c.ids[r] = src.ids[at[id]]
			}
		}
		f.cols[x] = c
	}
}

// clientFacts returns the tenant's clients with the client expressions the ComputeAll needs.
func (e *engine) clientFacts(ctx context.Context, want []string) (*factSet, error) {
	if e.clients != nil {
		complete := true
		for _, x := range want {
			if e.clients.cols[x] == nil {
				complete = false
			}
		}
		if complete {
			return e.clients, nil
		}
	}
	f, err := e.query(ctx, e.tx, e.clientExprs(want), clientsFrom)
	if err != nil {
		return nil, err
	}
	e.clients = f
	return f, nil
}

const clientsFrom = "clients cl WHERE cl.tenant_id = $1"

// clientExprs lists the client expressions of the ComputeAll (and want), with the client's id.
func (e *engine) clientExprs(want []string) []string {
	set := map[string]bool{"cl.id": true}
	for _, x := range want {
		set[x] = true
	}
	for _, xs := range e.needs {
		for x := range xs {
			if clientExpr(x) {
				set[x] = true
			}
		}
	}
	var exprs []string
	for x := range set {
		exprs = append(exprs, x)
	}
	slices.Sort(exprs)
	return exprs
}

// nullMark stands for NULL in the text columns of a fact query.
const nullMark = "\u2400NULL"

// querier is a transaction to read from.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// factSQL is the query of the expressions as text columns over the FROM clauses (several:
// UNION ALL); $1 is the tenant.
func factSQL(exprs []string, from []string) string {
	sel := make([]string, len(exprs))
	for i, x := range exprs {
		// NULL as a marker: database/sql hands an empty text to a RawBytes as nil when its
		// buffer is empty, so nil cannot tell NULL from ''.
		sel[i] = "COALESCE(CAST(" + x + " AS TEXT), '" + nullMark + "')"
	}
	q := make([]string, len(from))
	for i, f := range from {
		q[i] = "SELECT " + strings.Join(sel, ", ") + " FROM " + f
	}
	return strings.Join(q, " UNION ALL ")
}

// interner builds the columns of a factSet row by row.
type interner struct {
	f    *factSet
	cols []*column
	seen []map[string]int32
	last []int32 // per column the id of the previous row's value (rows come in index order:
	// dates, organisations and districts repeat), -1 none
}

func newInterner(exprs []string) *interner {
	in := &interner{f: &factSet{cols: map[string]*column{}, seen: map[string]map[string]int32{}},
		cols: make([]*column, len(exprs)), seen: make([]map[string]int32, len(exprs)), last: make([]int32, len(exprs))}
	for i, x := range exprs {
		in.cols[i], in.seen[i], in.last[i] = &column{}, map[string]int32{}, -1
		in.f.cols[x], in.f.seen[x] = in.cols[i], in.seen[i]
	}
	return in
}

// add interns one row's values (the bytes are not kept).
func (in *interner) add(row [][]byte) {
	for i, b := range row {
		c := in.cols[i]
		if l := in.last[i]; l >= 0 && c.dict[l] == string(b) {
			c.ids = append(c.ids, l)
			continue
		}
		if string(b) == nullMark {
			c.ids = append(c.ids, -1)
			continue
		}
		id, ok := in.seen[i][string(b)]
		if !ok {
			id = int32(len(c.dict))
			s := string(b)
			c.dict = append(c.dict, s)
			in.seen[i][s] = id
		}
		in.last[i] = id
		c.ids = append(c.ids, id)
	}
	in.f.n++
}

// query runs the fact query of the expressions over the FROM clauses and interns the values.
func (e *engine) query(ctx context.Context, tx querier, exprs []string, from ...string) (*factSet, error) {
	rows, err := tx.QueryContext(ctx, factSQL(exprs, from), e.tenant)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	in := newInterner(exprs)
	raw := make([]sql.RawBytes, len(exprs))
	row := make([][]byte, len(exprs))
	dst := make([]any, len(exprs))
	for i := range raw {
		dst[i] = &raw[i]
	}
	for rows.Next() {
		if err := rows.Scan(dst...); err != nil {
			return nil, err
		}
		for i, b := range raw {
			row[i] = b
		}
		in.add(row)
	}
	return in.f, rows.Err()
}

// spans returns per row the first and last index of the periods it counts in (first > last:
// none). A flow row counts in the period of its date; a case of the stock in every period at
// whose last day it is open (requested on or before it, not closed or closed after it).
func (f *factSet) spans(src source, ps []period) (pa, pb []int16) {
	pa, pb = make([]int16, f.n), make([]int16, f.n)
	if src.date != "" {
		c := f.cols[src.date]
		byKey := map[string]int16{}
		for i, p := range ps {
			byKey[p.key] = int16(i)
		}
		n := len(ps[0].key)
		at := make([]int16, len(c.dict))
		for i, d := range c.dict {
			at[i] = -1
			if len(d) >= n {
				if p, ok := byKey[d[:n]]; ok {
					at[i] = p
				}
			}
		}
		for r := 0; r < f.n; r++ {
			pa[r], pb[r] = 0, -1
			if id := c.ids[r]; id >= 0 && at[id] >= 0 {
				pa[r], pb[r] = at[id], at[id]
			}
		}
		return pa, pb
	}
	req, closed := f.cols["c.requested_on"], f.cols["c.closed_on"]
	first := make([]int16, len(req.dict))
	for i, d := range req.dict {
		first[i] = int16(len(ps))
		for j, p := range ps {
			if d <= p.last {
				first[i] = int16(j)
				break
			}
		}
	}
	last := make([]int16, len(closed.dict))
	for i, d := range closed.dict {
		last[i] = -1
		for j, p := range ps {
			if d == "" || d > p.last {
				last[i] = int16(j)
			}
		}
	}
	for r := 0; r < f.n; r++ {
		pa[r], pb[r] = 0, -1
		if a, b := req.ids[r], closed.ids[r]; a >= 0 && b >= 0 {
			pa[r], pb[r] = first[a], last[b]
		}
	}
	return pa, pb
}

// ageGroup is the index in AgeGroups of a birth date (YYYY-MM-DD or YYYY, ” unknown) at the
// period's last day: compared as text with the dates 18, 27, 45 and 65 years before it.
func ageGroup(birth string, bounds *[4]string) int {
	switch {
	case birth == "":
		return 5
	case birth > bounds[0]:
		return 0
	case birth > bounds[1]:
		return 1
	case birth > bounds[2]:
		return 2
	case birth > bounds[3]:
		return 3
	}
	return 4
}

// days parses the numbers of days of a median measure's column.
func days(c *column) []int {
	out := make([]int, len(c.dict))
	for i, s := range c.dict {
		out[i], _ = strconv.Atoi(s)
	}
	return out
}
