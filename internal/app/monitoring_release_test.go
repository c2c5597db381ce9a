package app_test

import (
	"context"
	"fmt"
	"net/url"
	"testing"
	"time"

	"kim/internal/apptest"
	"kim/internal/monitoring"
	"kim/internal/monitoring/sdc"
	"kim/internal/platform/access"
	"kim/internal/platform/db"
)

// demoTooRare are the indicators the demo data cannot show yet (every cell suppressed), and why.
var demoTooRare = map[string]string{
	"transitions":     "the demo records no legal-domain transitions",
	"transition_gaps": "the demo records no legal-domain transitions",
	"barrier_reports": "about 30 reports a year, at most 4 a month, and a year is hidden with its months",
}

// releaseCell is one cell of an API answer.
type releaseCell struct {
	Period     string   `json:"period"`
	Group      string   `json:"group"`
	GroupKey   string   `json:"group_key"`
	Value      *float64 `json:"value"`
	Suppressed bool     `json:"suppressed"`
}

// releaseQuery is one table of the release: an indicator, a breakdown and a filter.
type releaseQuery struct{ code, by, district, org string }

// coord names a cell by its place in the indicator's cube (measure, breakdown family,
// district, organisation, category), so that the same figure published by two tables of the
// release is recognised as one cell.
func (q releaseQuery) coord(group string) string {
	ind := monitoring.Lookup(q.code)
	d, o, k, fam := "*", "*", "*", "base"
	if q.district != "" {
		d = q.district
	}
	if q.org != "" {
		o = q.org
	}
	switch q.by {
	case "", "-":
	case "district":
		if group != "" {
			d = group
		}
	case "organisation":
		if group != "" {
			o = group
		}
	default:
		if group != "" {
			k, fam = group, q.by
		}
	}
	return fmt.Sprintf("%s|%s|%s|%s|%s", ind.Measure, fam, d, o, k)
}

// The acceptance test of the disclosure control: every indicator in every breakdown, for the
// whole city, one district and one organisation, over the demo's two years through the API.
// No published count is 1..Min-1; the same cell has the same figure in every table; every
// indicator shows something; and, for one month, no suppressed cell of the union of all tables
// can be recovered exactly from the published cells and the additive lines among them
// (sdc.Audit, differencing across all tables of the release).
func TestMonitoringReleaseProtectsEveryCell(t *testing.T) {
	for _, e := range apptest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			env := apptest.New(t, e, apptest.Options{Demo: true})
			ctx := context.Background()
			a := env.App
			t0 := time.Now()
			if err := a.SeedDemo(ctx); err != nil {
				t.Fatal(err)
			}
			t.Logf("seeded in %v", time.Since(t0))
			t0 = time.Now()
			defer func() { t.Logf("release in %v", time.Since(t0)) }()
			var tenant, district, org string
			err := env.DB().Read(ctx, func(tx *db.Tx) error {
				if err := tx.QueryRowContext(ctx, `SELECT id FROM tenants WHERE slug = 'solingen'`).Scan(&tenant); err != nil {
					return err
				}
				if err := tx.QueryRowContext(ctx, `SELECT id FROM districts WHERE tenant_id = $1 AND name = 'Wald'`, tenant).Scan(&district); err != nil {
					return err
				}
				return tx.QueryRowContext(ctx, `SELECT id FROM organisations WHERE tenant_id = $1 AND name = 'AWO'`, tenant).Scan(&org)
			})
			if err != nil {
				t.Fatal(err)
			}
			tok, err := a.Accounts.TokenFor(ctx, tenant, "solingen", "koordination@solingen.example", "release test", 0)
			if err != nil {
				t.Fatal(err)
			}
			c := env.Client()
			c.Token = tok
			min := a.Monitor.Rule.Min
			if min < 2 {
				min = sdc.DefaultRule().Min
			}
			to := monitoring.MonthOf(env.Clock.Now())
			from := to.Add(-23)
			auditMonth := to.Add(-6).String()

			var queries []releaseQuery
			for _, ind := range monitoring.Catalogue() {
				for _, by := range append([]string{""}, ind.Breakdowns...) {
					queries = append(queries, releaseQuery{ind.Code, by, "", ""})
					if monitoring.FilterApplies(&ind, "district") {
						queries = append(queries, releaseQuery{ind.Code, by, district, ""})
					}
					if monitoring.FilterApplies(&ind, "organisation") {
						queries = append(queries, releaseQuery{ind.Code, by, "", org})
					}
				}
			}
			seen := map[string]releaseCell{}          // coord + period → the published cell
			shows := map[string]bool{}                // indicator → a published non-zero value
			audit := map[string]bool{}                // coords published in the audit month
			auditQueries := map[string]releaseQuery{} // coord → a query that publishes it
			cells := 0
			for _, q := range queries {
				v := url.Values{"from": {from.String()}, "to": {to.String()}, "by": {q.by}, "district": {q.district}, "organisation": {q.org}}
				r := c.Get("/api/v1/monitoring/indicators/" + q.code + "?" + v.Encode())
				if r.StatusCode != 200 {
					t.Fatalf("%v: %d %s", q, r.StatusCode, r.Body)
				}
				var out struct {
					Code  string        `json:"code"`
					Cells []releaseCell `json:"cells"`
				}
				r.JSON(t, &out)
				count := monitoring.Lookup(q.code).Disclosure == "count"
				for _, cl := range out.Cells {
					cells++
					if cl.Suppressed != (cl.Value == nil) && cl.Suppressed {
						t.Errorf("%v %s %s: suppressed with a value", q, cl.Period, cl.Group)
					}
					if count && cl.Value != nil && *cl.Value >= 1 && *cl.Value < float64(min) {
						t.Errorf("%v %s %q: published count %v", q, cl.Period, cl.Group, *cl.Value)
					}
					if cl.Value != nil && *cl.Value > 0 {
						shows[q.code] = true
					}
					key := q.coord(cl.GroupKey) + "@" + cl.Period
					if old, ok := seen[key]; ok && (old.Suppressed != cl.Suppressed || (old.Value == nil) != (cl.Value == nil) ||
						(old.Value != nil && *old.Value != *cl.Value)) {
						t.Errorf("%s is published differently by two tables: %+v (%v) and %+v (%v)", key, old, pv(old.Value), cl, pv(cl.Value))
					}
					seen[key] = cl
					if count && cl.Period == auditMonth {
						audit[q.coord(cl.GroupKey)] = true
						auditQueries[q.coord(cl.GroupKey)] = q
					}
				}
			}
			// The rates and the caseload per post need the context statistics and funding figures
			// of the demo (seedDemoMonitoringContext).
			var funding, population int
			err = env.DB().Read(ctx, func(tx *db.Tx) error {
				if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM funding_figures WHERE tenant_id = $1`, tenant).Scan(&funding); err != nil {
					return err
				}
				return tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM context_values WHERE tenant_id = $1 AND indicator = 'population'`, tenant).Scan(&population)
			})
			if err != nil {
				t.Fatal(err)
			}
			rare := map[string]string{}
			for k, v := range demoTooRare {
				rare[k] = v
			}
			if funding == 0 {
				rare["caseload_per_fte"] = "the demo has no funding figures"
			}
			if population == 0 {
				rare["new_cases_per_1000"] = "the demo has no population figures"
			}
			// Calendar years (the annual report's tables): no small count either; an indicator
			// too rare for months shows its years.
			actor := coordinatorOf(t, env, tenant)
			for _, ind := range monitoring.Catalogue() {
				for _, by := range append([]string{""}, ind.Breakdowns...) {
					y, err := a.Monitor.Compute(ctx, actor, monitoring.Query{Indicator: ind.Code, From: from, To: to, By: by, Yearly: true})
					if err != nil {
						t.Fatal(err)
					}
					for _, row := range append([][]monitoring.Cell{y.Totals}, y.Cells...) {
						for _, cl := range row {
							if ind.Disclosure == "count" && cl.Value != nil && *cl.Value >= 1 && *cl.Value < float64(min) {
								t.Errorf("%s by %q, year %s: published count %v", ind.Code, by, cl.Period, *cl.Value)
							}
							if cl.Value != nil && *cl.Value > 0 {
								shows[ind.Code] = true
							}
						}
					}
				}
				switch why, rare := rare[ind.Code]; {
				case shows[ind.Code]:
				case rare:
					t.Logf("%s: every figure is suppressed in the demo (%s)", ind.Code, why)
				default:
					t.Errorf("%s: the demo shows nothing over two years", ind.Code)
				}
			}
			t.Logf("%d tables, %d cells", len(queries), cells)
			auditRelease(t, env, tenant, auditMonth, queries, audit, seen)
		})
	}
}

// auditRelease rebuilds the audit month's cells of the release with their true values (an
// unprotected computation) and lets sdc.Audit try to recover every suppressed one from the
// published cells and every line that is exactly additive in the data (totals over districts
// always are; totals over organisations and categories are when no person counts twice).
func auditRelease(t *testing.T, env *apptest.Env, tenant, month string, queries []releaseQuery, audit map[string]bool, seen map[string]releaseCell) {
	ctx := context.Background()
	raw := &monitoring.Service{DB: env.DB(), Rule: sdc.Rule{Min: 1, MinPersons: 1}}
	m, _ := monitoring.ParseMonth(month)
	actor := coordinatorOf(t, env, tenant)
	tbl := &sdc.Table{Cells: map[string]*sdc.Cell{}}
	type line struct {
		total string
		parts []string
	}
	var lines []line
	for _, q := range queries {
		if monitoring.Lookup(q.code).Disclosure != "count" {
			continue
		}
		res, err := raw.Compute(ctx, actor, monitoring.Query{Indicator: q.code, From: m, To: m, By: q.by, District: q.district, Organisation: q.org})
		if err != nil {
			t.Fatal(err)
		}
		total := q.coord("")
		put := func(coord string, c monitoring.Cell) {
			pub := seen[coord+"@"+month]
			tbl.Cells[coord] = &sdc.Cell{Value: *c.Value, Suppressed: pub.Suppressed}
		}
		put(total, res.Totals[0])
		var parts []string
		for j, g := range res.Groups {
			coord := q.coord(g.Key)
			if !audit[coord] || coord == total {
				continue
			}
			put(coord, res.Cells[0][j])
			parts = append(parts, coord)
		}
		if len(parts) > 0 {
			lines = append(lines, line{total, parts})
		}
	}
	kept := map[string]bool{}
	for _, l := range lines {
		sum := 0.0
		for _, p := range l.parts {
			sum += tbl.Cells[p].Value
		}
		key := l.total + fmt.Sprint(l.parts)
		if sum == tbl.Cells[l.total].Value && !kept[key] {
			kept[key] = true
			tbl.Lines = append(tbl.Lines, sdc.Line{Total: l.total, Parts: l.parts})
		}
	}
	suppressed := 0
	for _, c := range tbl.Cells {
		if c.Suppressed {
			suppressed++
		}
	}
	if err := sdc.Safe(tbl, 1); err != nil {
		t.Errorf("month %s: %v", month, err)
	}
	t.Logf("audit of %s: %d cells, %d suppressed, %d additive lines", month, len(tbl.Cells), suppressed, len(tbl.Lines))
}

// coordinatorOf is the demo coordinator as an actor.
func coordinatorOf(t *testing.T, env *apptest.Env, tenant string) access.Actor {
	a := access.Actor{TenantID: tenant, TenantSlug: "solingen", Role: access.Coordinator}
	err := env.DB().Read(context.Background(), func(tx *db.Tx) error {
		return tx.QueryRowContext(context.Background(), `SELECT id, organisation_id FROM users WHERE tenant_id = $1 AND email = 'koordination@solingen.example'`,
			tenant).Scan(&a.UserID, &a.OrganisationID)
	})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func pv(v *float64) any {
	if v == nil {
		return nil
	}
	return *v
}
