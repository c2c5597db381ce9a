package monitoring

import (
	"context"
	"fmt"
	"strings"
	"time"

	"kim/internal/monitoring/sdc"
	"kim/internal/platform/access"
	"kim/internal/platform/db"
	"kim/internal/platform/errs"
	"kim/internal/platform/valid"
	"kim/internal/platform/web"
)

// The engine computes indicators live, without any precomputed batch: per release (one
// ComputeAll, one snapshot) each source the queries count — new cases, the cases open in the
// range, referrals, goals, … — is read once through a covering index, the clients' attributes
// once, and persons are counted per month and cell in Go (see facts.go). Disclosure control follows the design of
// the issue: per month the cube district × organisation × breakdown (each with its total); the
// base (district × organisation) is protected first and shared by every breakdown, each
// breakdown's cube is protected with the base's cells fixed, and a filter returns a slice of
// the cube. A month's figures are therefore the same in every release, whatever range,
// breakdown or filter was asked.

// MaxMonths is the longest range a query may span.
const MaxMonths = 60

// FilterOptions are the choices of the filters: the tenant's districts and organisations.
type FilterOptions struct {
	Districts     []web.Option
	Organisations []web.Option
}

// StandardQuery is one query of the full KIM dashboard: an indicator and its breakdown.
type StandardQuery struct {
	Indicator string
	By        string
}

// StandardPanels is the full KIM dashboard: the default set of panels (the standard dashboard
// and the benchmark use the same list).
var StandardPanels = []StandardQuery{
	{"new_cases", "district"},
	{"open_caseload", "organisation"},
	{"caseload_per_fte", "organisation"},
	{"needs_prevalence", "life_domain"},
	{"access_routes", "access_route"},
	{"referral_outcomes", "status"},
	{"goal_attainment", "status"},
	{"case_duration_days", ""},
	{"closure_reasons", "reason"},
	{"barrier_reports", "type"},
}

// Compute returns the protected table of one query (access: KindIndicator View).
func (s *Service) Compute(ctx context.Context, actor access.Actor, q Query) (*Table, error) {
	t, err := s.ComputeAll(ctx, actor, []Query{q})
	if err != nil {
		return nil, err
	}
	return t[0], nil
}

// ComputeAll returns the protected tables of several queries of one release, read in one
// transaction so that they are consistent with each other. Every query ends at the last
// completed month (Europe/Berlin; see Clamp): the current month's figures change with every
// new case, so its suppression pattern would change between releases. A query without a range
// (zero From and To) covers the 12 months up to the last completed one. A query whose range
// begins before FirstMonth (the previous period of an early range, see Previous) yields a
// table without periods.
func (s *Service) ComputeAll(ctx context.Context, actor access.Actor, qs []Query) ([]*Table, error) {
	if err := access.Check(actor, KindIndicator, access.View); err != nil {
		return nil, err
	}
	out := make([]*Table, len(qs))
	err := s.DB.Read(ctx, func(tx *db.Tx) error {
		e := &engine{s: s, tx: tx, tenant: actor.TenantID, rule: s.rule(), last: LastComplete(tx.Now), base: map[string]map[string]protected{},
			needs: map[factKey]map[string]bool{}, facts: map[factKey]*factSet{}, sources: map[factKey]planned{}}
		if err := e.loadNames(ctx); err != nil {
			return err
		}
		qv := make([]Query, len(qs))
		empty := make([]bool, len(qs))
		for i, q := range qs {
			if q.From == (Month{}) && q.To == (Month{}) {
				q = Clamp(q, e.last)
			}
			if empty[i] = beforeFirst(q); empty[i] {
				// Check everything but the range on a range of the first month.
				c := q
				c.From, c.To = FirstMonth, FirstMonth
				if err := e.validate(c); err != nil {
					return err
				}
				qv[i] = q
				continue
			}
			if err := e.validate(q); err != nil {
				return err
			}
			q = Clamp(q, e.last)
			qv[i] = q
			e.plan(q)
		}
		if err := e.prefetch(ctx); err != nil {
			return err
		}
		for i, q := range qv {
			if empty[i] {
				out[i] = &Table{Indicator: Lookup(q.Indicator), Query: q}
				continue
			}
			t, err := e.compute(ctx, q)
			if err != nil {
				return err
			}
			out[i] = t
		}
		return nil
	})
	if err != nil {
		return nil, errs.Wrap(err)
	}
	return out, nil
}

func (s *Service) rule() sdc.Rule {
	r := s.Rule
	if r.Min < 1 {
		r.Min = sdc.DefaultRule().Min
	}
	if r.MinPersons < 1 {
		r.MinPersons = sdc.DefaultRule().MinPersons
	}
	return r
}

// Options returns the districts and organisations the filters offer: every district of the
// tenant and the organisations that carry case management.
func (s *Service) Options(ctx context.Context, actor access.Actor) (*FilterOptions, error) {
	if err := access.Check(actor, KindIndicator, access.View); err != nil {
		return nil, err
	}
	o := &FilterOptions{}
	err := s.DB.Read(ctx, func(tx *db.Tx) error {
		var err error
		if o.Districts, err = options(ctx, tx, `SELECT id, name FROM districts WHERE tenant_id = $1 ORDER BY name, id`, actor.TenantID); err != nil {
			return err
		}
		o.Organisations, err = options(ctx, tx, `SELECT id, name FROM organisations WHERE tenant_id = $1 AND kim_carrier ORDER BY name, id`, actor.TenantID)
		return err
	})
	return o, errs.Wrap(err)
}

func options(ctx context.Context, tx *db.Tx, q, tenant string) ([]web.Option, error) {
	return db.QueryAll(ctx, tx, func(row db.Scanner, o *web.Option) error { return row.Scan(&o.Value, &o.Label) }, q, tenant)
}

// Previous returns the query of the period of the same length just before q's. When that
// period begins before FirstMonth (an early range such as 1900-01), ComputeAll answers it with
// a table without periods: there is no comparison (see HasPeriods).
func Previous(q Query) Query {
	n := len(MonthsBetween(q.From, q.To))
	p := q
	p.From, p.To = q.From.Add(-n), q.From.Add(-1)
	return p
}

// FirstMonth is the earliest month a query may ask for.
var FirstMonth = Month{1900, time.January}

// LastComplete is the last completed month at t in Europe/Berlin: the newest month any query
// reaches.
func LastComplete(t time.Time) Month { return MonthOf(t.In(valid.Berlin)).Add(-1) }

// Clamp fills in the default range of q (the 12 months up to last) and ends it at last, the
// last completed month: a later To is replaced by last. ComputeAll checks the query before
// (a From after last is refused: field "from", monitoring.indicators.error.future) and clamps
// it after, so that every table ends at last whoever asks.
func Clamp(q Query, last Month) Query {
	if q.From == (Month{}) && q.To == (Month{}) {
		q.To, q.From = last, last.Add(-11)
	}
	if last.Before(q.To) {
		q.To = last
	}
	return q
}

// beforeFirst reports whether a well-formed range begins before FirstMonth (the previous
// period of an early range).
func beforeFirst(q Query) bool {
	ok := func(m Month) bool { return m.Month >= 1 && m.Month <= 12 && m.Year >= 1 }
	return ok(q.From) && ok(q.To) && q.From.Before(FirstMonth) && !q.To.Before(q.From) && len(MonthsBetween(q.From, q.To)) <= MaxMonths
}

// HasPeriods reports whether a computed table has any period (the previous period of an early
// range has none).
func (t *Table) HasPeriods() bool { return t != nil && len(t.PeriodKeys) > 0 }

// FilterApplies reports whether the indicator can be filtered by dim ("district" or
// "organisation"): only when it has that breakdown (barrier reports have no district; the
// caseload per post is per organisation only).
func FilterApplies(ind *Indicator, dim string) bool { return ind != nil && ind.HasBreakdown(dim) }

// Applicable returns the query without the filters its indicator cannot take (a district filter
// on barrier reports, which have no district): for dashboards whose filter applies to every
// panel. Compute refuses such a filter instead.
func (q Query) Applicable() Query {
	ind := Lookup(q.Indicator)
	if !FilterApplies(ind, "district") {
		q.District = ""
	}
	if !FilterApplies(ind, "organisation") {
		q.Organisation = ""
	}
	return q
}

// engine is one ComputeAll: its transaction, the tenant's names and the protected bases.
type engine struct {
	s       *Service
	tx      *db.Tx
	tenant  string
	rule    sdc.Rule
	last    Month                        // the last completed month
	names   map[string]map[string]string // district, organisation, offer, theme → id → name
	order   map[string][]string          // district → ids in name order
	base    map[string]map[string]protected
	needs   map[factKey]map[string]bool // the expressions the queries read per source and range
	facts   map[factKey]*factSet        // the rows read per source and range
	clients *factSet                    // the tenant's clients (see engine.read)
	sources map[factKey]planned         // the source and periods of each needs key
}

func (e *engine) loadNames(ctx context.Context) error {
	e.names, e.order = map[string]map[string]string{}, map[string][]string{}
	for kind, q := range map[string]string{
		"district":     `SELECT id, name FROM districts WHERE tenant_id = $1 ORDER BY name, id`,
		"organisation": `SELECT id, name FROM organisations WHERE tenant_id = $1 ORDER BY name, id`,
		"offer":        `SELECT id, title FROM offers WHERE tenant_id = $1 ORDER BY title, id`,
		"theme":        `SELECT id, title FROM themes WHERE tenant_id = $1 ORDER BY title, id`,
	} {
		opts, err := options(ctx, e.tx, q, e.tenant)
		if err != nil {
			return err
		}
		m := make(map[string]string, len(opts))
		for _, o := range opts {
			m[o.Value] = o.Label
			e.order[kind] = append(e.order[kind], o.Value)
		}
		e.names[kind] = m
	}
	return nil
}

// validate checks a query: unknown indicator → not found; bad range, breakdown or filter →
// invalid with field messages (fields from, to, by, district, organisation).
func (e *engine) validate(q Query) error {
	ind := Lookup(q.Indicator)
	if ind == nil || measureOf(ind) == nil {
		return errs.ErrNotFound
	}
	var v errs.Validation
	switch {
	case q.From.Month < 1 || q.From.Month > 12 || q.From.Year < 1900 || q.From.Year > 2999:
		v.Add("from", "monitoring.indicators.error.month")
	case q.To.Month < 1 || q.To.Month > 12 || q.To.Year < 1900 || q.To.Year > 2999:
		v.Add("to", "monitoring.indicators.error.month")
	case q.To.Before(q.From):
		v.Add("to", "monitoring.indicators.error.order")
	case e.last != (Month{}) && e.last.Before(q.From):
		v.Add("from", "monitoring.indicators.error.future", "Last", e.last.String())
	case len(MonthsBetween(q.From, e.cut(q.To))) > MaxMonths:
		v.Add("to", "monitoring.indicators.error.too_long", "Max", MaxMonths)
	}
	if !ind.HasBreakdown(q.By) {
		v.Add("by", "monitoring.indicators.error.breakdown")
	}
	if q.District != "" {
		if _, ok := e.names["district"][q.District]; !ok {
			v.Add("district", "monitoring.indicators.error.district")
		} else if !FilterApplies(ind, "district") {
			v.Add("district", "monitoring.indicators.error.filter")
		}
	}
	if q.Organisation != "" {
		if _, ok := e.names["organisation"][q.Organisation]; !ok {
			v.Add("organisation", "monitoring.indicators.error.organisation")
		} else if !FilterApplies(ind, "organisation") {
			v.Add("organisation", "monitoring.indicators.error.filter")
		}
	}
	return v.Err()
}

// cut ends a month at the last completed one (when known).
func (e *engine) cut(m Month) Month {
	if e.last != (Month{}) && e.last.Before(m) {
		return e.last
	}
	return m
}

// ValidateQuery checks a query without computing it (the same checks as ComputeAll, minus the
// existence of the filter's district and organisation).
func ValidateQuery(q Query) error {
	e := &engine{names: map[string]map[string]string{"district": {q.District: ""}, "organisation": {q.Organisation: ""}}}
	return e.validate(q)
}

func monthPeriods(ms []Month) []period {
	out := make([]period, len(ms))
	for i, m := range ms {
		out[i] = period{m.String(), m.First(), m.Last()}
	}
	return out
}

func yearPeriods(from, to int) []period {
	var out []period
	for y := from; y <= to; y++ {
		out = append(out, period{fmt.Sprintf("%04d", y), fmt.Sprintf("%04d-01-01", y), fmt.Sprintf("%04d-12-31", y)})
	}
	return out
}

// periodsOf returns the month periods of a valid query and, for a yearly one, its year periods.
func periodsOf(q Query) (mp, yp []period) {
	months := MonthsBetween(q.From, q.To)
	if q.Yearly {
		months = MonthsBetween(Month{q.From.Year, 1}, Month{q.To.Year, 12})
		yp = yearPeriods(q.From.Year, q.To.Year)
	}
	return monthPeriods(months), yp
}

// plan registers what a valid query will read, so that the queries of one ComputeAll that read
// the same source read it once.
func (e *engine) plan(q Query) {
	ms := measureOf(Lookup(q.Indicator))
	mp, yp := periodsOf(q)
	for _, ps := range [][]period{mp, yp} {
		if len(ps) > 0 {
			e.need(ms, q.By, ps)
			e.need(ms, "", ps)
		}
	}
}

// compute builds the protected table of one valid query.
func (e *engine) compute(ctx context.Context, q Query) (*Table, error) {
	ind := Lookup(q.Indicator)
	ms := measureOf(ind)
	mp, yp := periodsOf(q)
	pm, err := e.protectedCube(ctx, ms, q.By, mp)
	if err != nil {
		return nil, err
	}
	keys := make([]string, len(mp))
	for i, p := range mp {
		keys[i] = p.key
	}
	if q.Yearly {
		ym, err := e.protectedCube(ctx, ms, q.By, yp)
		if err != nil {
			return nil, err
		}
		yearFromMonths(ym, pm, e.rule, ms.kind == kindCount)
		withholdIncomplete(ym, e.last)
		pm, keys = ym, nil
		for _, p := range yp {
			keys = append(keys, p.key)
		}
	}
	return e.slice(ind, ms, q, keys, pm)
}

// yearFromMonths suppresses a year's cell whenever the same cell of any of its months is
// suppressed (and a count 1..Min-1 of its own, which that already implies).
func yearFromMonths(years, months map[string]protected, r sdc.Rule, count bool) {
	for y, cells := range years {
		for k, c := range cells {
			sup := c.sup || (count && c.v >= 1 && c.v < float64(r.Min))
			for m, mc := range months {
				if strings.HasPrefix(m, y) && mc[k].sup {
					sup = true
				}
			}
			c.sup = sup
			cells[k] = c
		}
	}
}

// withholdIncomplete suppresses every cell of a year that is not complete at last (the last
// completed month): its figures would change from month to month.
func withholdIncomplete(years map[string]protected, last Month) {
	for y, cells := range years {
		var yr int
		fmt.Sscanf(y, "%d", &yr)
		if !last.Before(Month{yr, time.December}) {
			continue
		}
		for k, c := range cells {
			c.sup = true
			cells[k] = c
		}
	}
}

// protectedCube returns the protected cells per period of a measure and breakdown.
func (e *engine) protectedCube(ctx context.Context, ms *measure, by string, ps []period) (map[string]protected, error) {
	switch ms.kind {
	case kindCount:
		if _, ok := ms.cats[by]; !ok {
			return e.protectedBase(ctx, ms, ps, nil)
		}
		raw, _, err := e.counts(ctx, ms, by, ps)
		if err != nil {
			return nil, err
		}
		base, err := e.protectedBase(ctx, ms, ps, raw)
		if err != nil {
			return nil, err
		}
		out := map[string]protected{}
		for _, p := range ps {
			out[p.key] = merge(protectBreakdown(raw[p.key], base[p.key], e.rule), base[p.key])
		}
		return out, nil
	case kindRate:
		return e.rates(ctx, ms, ps)
	default:
		return e.magnitudes(ctx, ms, by, ps)
	}
}

// protectedBase is the protected base of a count measure, computed once per transaction: from
// raw when a breakdown's query brought it along (its category totals), else by the base query.
func (e *engine) protectedBase(ctx context.Context, ms *measure, ps []period, raw map[string]*cube) (map[string]protected, error) {
	key := fmt.Sprintf("%p", ms)
	for _, p := range ps {
		key += "," + p.key
	}
	if b, ok := e.base[key]; ok {
		return b, nil
	}
	if raw == nil {
		var err error
		if raw, _, err = e.counts(ctx, ms, "", ps); err != nil {
			return nil, err
		}
	}
	out := map[string]protected{}
	for _, p := range ps {
		out[p.key] = protectBase(raw[p.key], e.rule)
	}
	e.base[key] = out
	return out, nil
}

// StateWide returns the persons with a new case per month over all tenants of the platform,
// for the platform's operator (no tenant reaches it: there is no route, only the benchmark and
// operator tools call it). A client is a record of one tenant, so persons are counted per
// tenant and summed; only the month's total is published, under the rule. Like every query it
// ends at the last completed month (a later to is cut to it).
func (s *Service) StateWide(ctx context.Context, from, to Month) ([]Cell, error) {
	if last := LastComplete(s.DB.Clock.Now()); last.Before(to) {
		to = last
	}
	months := MonthsBetween(from, to)
	if len(months) == 0 || len(months) > MaxMonths {
		return nil, errs.E(errs.Invalid, "monitoring.indicators.error.too_long", "Max", MaxMonths)
	}
	raw := map[string]map[string]float64{}
	err := s.DB.Read(ctx, func(tx *db.Tx) error {
		// One range of the index cases_state (month of the request, tenant, client): the groups
		// come in index order, so neither engine sorts the cases.
		rows, err := tx.QueryContext(ctx, `SELECT substr(requested_on, 1, 7), CAST(tenant_id AS TEXT), COUNT(DISTINCT client_id) FROM cases
			WHERE substr(requested_on, 1, 7) >= $1 AND substr(requested_on, 1, 7) <= $2 GROUP BY substr(requested_on, 1, 7), tenant_id`,
			from.String(), to.String())
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var m, t string
			var n float64
			if err := rows.Scan(&m, &t, &n); err != nil {
				return err
			}
			if raw[m] == nil {
				raw[m] = map[string]float64{}
			}
			raw[m][t] = n
		}
		return rows.Err()
	})
	if err != nil {
		return nil, errs.Wrap(err)
	}
	out := make([]Cell, 0, len(months))
	for _, m := range months {
		sum := 0.0
		for _, n := range raw[m.String()] {
			sum += n
		}
		t := &sdc.Table{Cells: map[string]*sdc.Cell{all: {Value: sum}}}
		c := Cell{Period: m.String()}
		if err := t.Protect(s.rule()); err != nil || t.Cells[all].Suppressed {
			c.Suppressed = true
		} else {
			c.Value = &sum
		}
		out = append(out, c)
	}
	return out, nil
}
