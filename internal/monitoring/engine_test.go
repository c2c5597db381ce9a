package monitoring_test

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"kim/internal/apptest"
	"kim/internal/monitoring"
	"kim/internal/monitoring/sdc"
	"kim/internal/platform/access"
	"kim/internal/platform/errs"
)

// render writes a table compactly: per period "2025-01[T=2 A1=2 A2=1]" with the total first,
// zero cells left out, "x" for a suppressed cell and "-" for a cell without a value; districts
// and organisations by their short names in the fixture.
func render(t *monitoring.Table, names map[string]string) string {
	val := func(c monitoring.Cell) string {
		switch {
		case c.Suppressed:
			return "x"
		case c.Value == nil:
			return "-"
		}
		return strconv.FormatFloat(*c.Value, 'f', -1, 64)
	}
	var parts []string
	for i, p := range t.PeriodKeys {
		var cs []string
		if v := val(t.Totals[i]); v != "0" {
			cs = append(cs, "T="+v)
		}
		for j, g := range t.Groups {
			v := val(t.Cells[i][j])
			if v == "0" || v == "-" {
				continue
			}
			k := g.Key
			if n, ok := names[k]; ok {
				k = n
			}
			cs = append(cs, k+"="+v)
		}
		parts = append(parts, p+"["+strings.Join(cs, " ")+"]")
	}
	return strings.Join(parts, " ")
}

func month(s string) monitoring.Month {
	m, err := monitoring.ParseMonth(s)
	if err != nil {
		panic(err)
	}
	return m
}

// Every indicator and breakdown on hand-built data, with the disclosure rule switched off
// (Min 1: nothing is small) so that the exact counts show: persons, not cases; stocks at the
// month's end, flows in the month; filters as slices.
func TestEngineExactCounts(t *testing.T) {
	for _, e := range apptest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			env := apptest.New(t, e, apptest.Options{})
			fx := env.Seed()
			d := seedEngineData(t, env, fx)
			names := map[string]string{d.D1: "D1", d.D2: "D2", d.A1: "A1", d.A2: "A2"}
			s := &monitoring.Service{DB: env.DB(), Rule: sdc.Rule{Min: 1, MinPersons: 1}}
			co := fx.Users[access.Coordinator].Actor("alpha")
			q := func(ind, by, dist, org string) monitoring.Query {
				return monitoring.Query{Indicator: ind, From: month("2025-01"), To: month("2025-03"), By: by, District: dist, Organisation: org}
			}
			cases := []struct {
				q    monitoring.Query
				want string
			}{
				// c1 has two cases requested in January (A1 and A2): one person in the total.
				{q("new_cases", "", "", ""), "2025-01[T=1] 2025-02[T=1] 2025-03[T=1]"},
				{q("new_cases", "organisation", "", ""), "2025-01[T=1 A1=1 A2=1] 2025-02[T=1 A2=1] 2025-03[T=1 A1=1]"},
				{q("new_cases", "district", "", ""), "2025-01[T=1 D1=1] 2025-02[T=1 D2=1] 2025-03[T=1 none=1]"},
				{q("new_cases", "access_route", "", ""), "2025-01[T=1 self=1 jobcenter=1] 2025-02[T=1 self=1] 2025-03[T=1 other=1]"},
				{q("access_routes", "access_route", "", d.A2), "2025-01[T=1 jobcenter=1] 2025-02[T=1 self=1] 2025-03[]"},
				{q("new_cases", "sex", d.D1, ""), "2025-01[T=1 f=1] 2025-02[] 2025-03[]"},
				// Stock: open at the month's end (k3 closes 10 Feb, k2 on 5 Mar).
				{q("open_caseload", "", "", ""), "2025-01[T=2] 2025-02[T=2] 2025-03[T=3]"},
				{q("open_caseload", "organisation", "", ""), "2025-01[T=2 A1=2 A2=1] 2025-02[T=2 A1=1 A2=2] 2025-03[T=3 A1=2 A2=1]"},
				{q("open_caseload", "age_group", "", ""), "2025-01[T=2 0_17=1 27_44=1] 2025-02[T=2 27_44=1 65_plus=1] 2025-03[T=3 27_44=1 65_plus=1 unknown=1]"},
				{q("open_caseload", "nationality_group", "", ""), "2025-01[T=2 sy=1 ua=1] 2025-02[T=2 de=1 sy=1] 2025-03[T=3 de=1 sy=1 stateless_unknown=1]"},
				{q("open_caseload", "sex", "", d.A1), "2025-01[T=2 f=1 m=1] 2025-02[T=1 f=1] 2025-03[T=2 f=1 x=1]"},
				{q("open_caseload", "district", "", ""), "2025-01[T=2 D1=2] 2025-02[T=2 D1=1 D2=1] 2025-03[T=3 D1=1 D2=1 none=1]"},
				// A1 has 0.5 occupied posts in 2025, A2 none: A2 has no caseload, and the total,
				// which would be A1's alone, is hidden.
				{q("caseload_per_fte", "organisation", "", ""), "2025-01[T=x A1=4] 2025-02[T=x A1=2] 2025-03[T=x A1=4]"},
				{q("caseload_per_manager", "organisation", "", ""), "2025-01[T=1.5 A1=2 A2=1] 2025-02[T=1.5 A1=1 A2=2] 2025-03[T=1.5 A1=2 A2=1]"},
				{q("needs_prevalence", "life_domain", "", ""), "2025-01[T=1 language=1] 2025-02[T=2 language=1 housing=1] 2025-03[T=2 language=1 housing=1]"},
				{q("referral_outcomes", "status", "", ""), "2025-01[T=1 accepted=1 declined=1] 2025-02[] 2025-03[]"},
				{q("referral_outcomes", "partner", "", ""), "2025-01[T=1 A1=1 A2=1] 2025-02[] 2025-03[]"},
				{q("referral_outcomes", "offer", "", ""), "2025-01[T=1 none=1] 2025-02[] 2025-03[]"},
				{q("referral_waiting_days", "partner", "", ""), "2025-01[T=10 A2=10] 2025-02[T=10 A1=10] 2025-03[T=-]"},
				{q("goal_attainment", "status", "", ""), "2025-02[T=2 achieved=1 not_achieved=1] 2025-03[]"},
				{q("goal_attainment", "life_domain", "", ""), "2025-02[T=2 language=1 housing=1] 2025-03[]"},
				{q("case_duration_days", "reason", "", ""), "2025-01[T=-] 2025-02[T=57 moved_away=57] 2025-03[T=44 goals_achieved=44]"},
				{q("closure_reasons", "reason", "", ""), "2025-02[T=1 moved_away=1] 2025-03[T=1 goals_achieved=1]"},
				{q("transitions", "regime", "", ""), "2025-01[] 2025-02[T=1 asylblg_sgb2=1] 2025-03[]"},
				{q("transitions", "status", "", ""), "2025-01[] 2025-02[T=1 gap=1] 2025-03[]"},
				{q("transition_gaps", "gap_kind", "", ""), "2025-01[] 2025-02[T=1 benefits=1] 2025-03[]"},
				// Two reports of one case count once; reports without a case key count each.
				{q("barrier_reports", "type", "", ""), "2025-01[T=3 language_barrier=1 waiting_time=3] 2025-02[] 2025-03[]"},
				// Population: D1 1,000 (2024, the latest before 2025), D2 2,000 (2025); the city is
				// their sum (March: the new client has no district, so only the city's rate). A
				// magnitude is published rounded to the decimal shown.
				{q("new_cases_per_1000", "district", "", ""), "2025-01[T=0.3 D1=1] 2025-02[T=0.3 D2=0.5] 2025-03[T=0.3]"},
			}
			for _, c := range cases {
				tbl, err := s.Compute(context.Background(), co, c.q)
				if err != nil {
					t.Errorf("%s by %q: %v", c.q.Indicator, c.q.By, err)
					continue
				}
				got := render(tbl, names)
				want := c.want
				if !strings.HasPrefix(want, "2025-01") {
					want = "2025-01[] " + want
				}
				if got != want {
					t.Errorf("%s by %q (district %q, organisation %q):\n got %s\nwant %s", c.q.Indicator, c.q.By,
						names[c.q.District], names[c.q.Organisation], got, want)
				}
			}
			// A year: persons over the year, stocks at the year's end.
			y, err := s.Compute(context.Background(), co, monitoring.Query{Indicator: "new_cases", From: month("2025-01"), To: month("2025-12"), Yearly: true})
			if err != nil || render(y, names) != "2025[T=3]" {
				t.Errorf("yearly new cases: %v %v", render(y, names), err)
			}
		})
	}
}

// The disclosure rule on the same data: every small count is hidden, the lines keep two
// hidden, and the same month is the same in every release.
func TestEngineSuppression(t *testing.T) {
	for _, e := range apptest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			env := apptest.New(t, e, apptest.Options{})
			fx := env.Seed()
			d := seedEngineData(t, env, fx)
			names := map[string]string{d.D1: "D1", d.D2: "D2", d.A1: "A1", d.A2: "A2"}
			s := &monitoring.Service{DB: env.DB(), Rule: sdc.DefaultRule()}
			co := fx.Users[access.Coordinator].Actor("alpha")
			ctx := context.Background()
			for _, ind := range monitoring.Catalogue() {
				for _, by := range append([]string{""}, ind.Breakdowns...) {
					tbl, err := s.Compute(ctx, co, monitoring.Query{Indicator: ind.Code, From: month("2025-01"), To: month("2025-03"), By: by})
					if err != nil {
						t.Fatalf("%s by %q: %v", ind.Code, by, err)
					}
					for _, c := range allCells(tbl) {
						if c.Value != nil && *c.Value >= 1 && *c.Value < 5 && ind.Disclosure == "count" {
							t.Errorf("%s by %q: published %v", ind.Code, by, *c.Value)
						}
						if c.Value != nil && ind.Disclosure != "count" {
							t.Errorf("%s by %q: a magnitude over fewer than 10 persons published: %v", ind.Code, by, *c.Value)
						}
					}
				}
			}
			tbl, err := s.Compute(ctx, co, monitoring.Query{Indicator: "open_caseload", From: month("2025-03"), To: month("2025-03"), By: "district"})
			if err != nil || render(tbl, names) != "2025-03[T=x D1=x D2=x none=x]" {
				t.Errorf("open caseload by district: %s %v", render(tbl, names), err)
			}
		})
	}
}

func allCells(t *monitoring.Table) []monitoring.Cell {
	out := append([]monitoring.Cell(nil), t.Totals...)
	for _, row := range t.Cells {
		out = append(out, row...)
	}
	return out
}

// Bad queries are refused with field messages; an unknown indicator is not found; a case
// manager may not read figures.
func TestEngineValidationAndAccess(t *testing.T) {
	e := apptest.Engines()[0]
	env := apptest.New(t, e, apptest.Options{})
	fx := env.Seed()
	s := env.App.Monitor
	co := fx.Users[access.Coordinator].Actor("alpha")
	ctx := context.Background()
	ok := monitoring.Query{Indicator: "new_cases", From: month("2025-01"), To: month("2025-03")}
	if _, err := s.Compute(ctx, co, ok); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Compute(ctx, fx.Users[access.CaseManager].Actor("alpha"), ok); errs.CodeOf(err) != errs.Forbidden {
		t.Errorf("case manager: %v", err)
	}
	bad := func(name, field string, mod func(*monitoring.Query)) {
		q := ok
		mod(&q)
		_, err := s.Compute(ctx, co, q)
		if e := errs.As(err); e.Code != errs.Invalid || e.Fields[field].ID == "" {
			t.Errorf("%s: %v", name, err)
		}
	}
	bad("to before from", "to", func(q *monitoring.Query) { q.To = month("2024-12") })
	bad("61 months", "to", func(q *monitoring.Query) { q.From, q.To = month("2020-01"), month("2020-01").Add(60) })
	bad("breakdown", "by", func(q *monitoring.Query) { q.By = "hair_colour" })
	bad("breakdown of another indicator", "by", func(q *monitoring.Query) { q.By = "life_domain" })
	bad("district", "district", func(q *monitoring.Query) { q.District = "nope" })
	bad("organisation", "organisation", func(q *monitoring.Query) { q.Organisation = fx.OrgB1.ID })
	bad("district filter without districts", "district", func(q *monitoring.Query) {
		q.Indicator, q.District = "barrier_reports", fx.DistrictA.ID
	})
	bad("month", "from", func(q *monitoring.Query) { q.From = monitoring.Month{Year: 2025, Month: 13} })
	if _, err := s.Compute(ctx, co, monitoring.Query{Indicator: "nope", From: ok.From, To: ok.To}); errs.CodeOf(err) != errs.NotFound {
		t.Errorf("unknown indicator: %v", err)
	}
	// Every indicator of the catalogue has a measure and valid breakdowns.
	for _, ind := range monitoring.Catalogue() {
		if ind.Name.DE == "" || ind.Name.EN == "" || ind.Definition.DE == "" || ind.Unit == "" || ind.Periodicity != "month" {
			t.Errorf("%s: incomplete catalogue entry", ind.Code)
		}
		for _, by := range ind.Breakdowns {
			q := ok
			q.Indicator, q.By = ind.Code, by
			if _, err := s.Compute(ctx, co, q); err != nil {
				t.Errorf("%s by %s: %v", ind.Code, by, err)
			}
		}
	}
	opts, err := s.Options(ctx, co)
	if err != nil || len(opts.Districts) != 1 || len(opts.Organisations) == 0 {
		t.Errorf("options: %+v %v", opts, err)
	}
	p := monitoring.Previous(monitoring.Query{From: month("2025-01"), To: month("2025-03")})
	if fmt.Sprint(p.From, p.To) != "2024-10 2024-12" {
		t.Errorf("previous: %v %v", p.From, p.To)
	}
}
