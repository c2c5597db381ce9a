package steering_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"kim/internal/apptest"
	"kim/internal/directory"
	"kim/internal/platform/access"
	"kim/internal/platform/db"
	"kim/internal/platform/ids"
	"kim/internal/steering"
)

// ttShown is what a count must look like on a page: 0 as 0, 1 to 4 as "< 5", the rest as the
// number.
func ttShown(n int) string {
	switch {
	case n == 0:
		return "0"
	case n < steering.DisclosureMin:
		return "< " + strconv.Itoa(steering.DisclosureMin)
	}
	return strconv.Itoa(n)
}

func TestDiscloseHidesSmallCounts(t *testing.T) {
	if steering.DisclosureMin != 5 {
		t.Fatalf("the disclosure threshold is %d, the monitoring's rule is 5", steering.DisclosureMin)
	}
	for n := -3; n <= 200; n++ {
		c := steering.Disclose(n)
		want := ttShown(max(n, 0))
		if c.String() != want {
			t.Errorf("Disclose(%d) = %q, want %q", n, c.String(), want)
		}
		if c.Suppressed() != (n > 0 && n < 5) {
			t.Errorf("Disclose(%d).Suppressed() = %v", n, c.Suppressed())
		}
		// A chart never draws a suppressed count at its height.
		if c.Suppressed() && c.Shown() != steering.DisclosureMin {
			t.Errorf("Disclose(%d).Shown() = %d", n, c.Shown())
		}
		if fmt.Sprint(c) != want {
			t.Errorf("fmt.Sprint(Disclose(%d)) = %q", n, fmt.Sprint(c))
		}
	}
}

// ttInsertReports stores reports of tenant alpha directly, all in the current month (each case
// key twice, so that the count of cases is distinct), with the given involved organisations,
// and returns their ids.
func ttInsertReports(t *testing.T, env *apptest.Env, fx *apptest.Fixtures, cases int, involved []string) []string {
	t.Helper()
	var out []string
	err := env.DB().Write(context.Background(), func(tx *db.Tx) error {
		for i := 0; i < cases; i++ {
			for j := 0; j < 2; j++ {
				id := ids.New()
				if _, err := tx.ExecContext(context.Background(), `INSERT INTO barrier_reports (tenant_id, id, organisation_id, reported_by, case_key,
					life_domain, type, description, status, reported_at, updated_at) VALUES ($1, $2, $3, $4, $5, 'language', 'waiting_time', 'Wartezeit', 'reported', $6, $6)`,
					fx.TenantA.ID, id, fx.OrgA1.ID, fx.Users[access.CaseManager].ID, "key-"+id[:8]+strconv.Itoa(i), tx.Now); err != nil {
					return err
				}
				// The second report of a case carries the first one's key.
				if j == 1 {
					if _, err := tx.ExecContext(context.Background(), "UPDATE barrier_reports SET case_key = (SELECT case_key FROM barrier_reports WHERE id = $1) WHERE id = $2",
						out[len(out)-1], id); err != nil {
						return err
					}
				}
				for _, o := range involved {
					if _, err := tx.ExecContext(context.Background(), "INSERT INTO barrier_report_orgs (tenant_id, report_id, organisation_id) VALUES ($1, $2, $3)",
						fx.TenantA.ID, id, o); err != nil {
						return err
					}
				}
				out = append(out, id)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// Affected cases and organisations of a theme follow the disclosure rule on the list, on the
// theme's page and in the loop view: 0, 1 to 4 ("< 5"), 5 and many (all reports in one month;
// for the figures beside hidden months see TestThemeTotalsDoNotGiveSmallMonthsAway).
func TestThemeCountsFollowTheDisclosureRule(t *testing.T) {
	for _, e := range apptest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			env, fx, c := ttSetup(t, e)
			ctx := context.Background()
			co := fx.Users[access.Coordinator].Actor("alpha")
			var orgs []string
			for i := 0; i < 7; i++ {
				o, err := env.App.Dir.CreateOrganisation(ctx, access.System(fx.TenantA.ID), directory.OrganisationInput{Name: fmt.Sprintf("Verein %d", i),
					Type: directory.OrgClub, Regime: directory.RegimeGDPRBDSG})
				if err != nil {
					t.Fatal(err)
				}
				orgs = append(orgs, o.ID)
			}
			for _, tc := range []struct{ cases, involved int }{{0, 0}, {1, 0}, {2, 1}, {4, 3}, {5, 4}, {6, 7}, {23, 2}} {
				n := max(tc.cases, 1)
				reports := ttInsertReports(t, env, fx, n, orgs[:tc.involved])
				id, err := env.App.Steering.Merge(ctx, co, steering.MergeInput{ReportIDs: reports, Mode: "new",
					New: steering.ThemeInput{Title: fmt.Sprintf("Zähltest %d Fälle", tc.cases)}})
				if err != nil {
					t.Fatal(err)
				}
				// The body member sees the themes of the own body.
				if err := env.App.Steering.AssignBody(ctx, co, id, fx.Bodies.BodyA.ID); err != nil {
					t.Fatal(err)
				}
				if tc.cases == 0 {
					for _, r := range reports {
						if err := env.App.Steering.RemoveReport(ctx, co, id, r); err != nil {
							t.Fatal(err)
						}
					}
				}
				wantCases := ttShown(tc.cases)
				wantOrgs := ttShown(min(tc.cases, 1) * (1 + tc.involved)) // the reporting organisation A1 and the involved ones
				for _, role := range []access.Role{access.Coordinator, access.CaseManager, access.BodyMember, access.TeamLead} {
					list := c[role].Get("/themen?size=100&q=" + strings.ReplaceAll(fmt.Sprintf("Zähltest %d Fälle", tc.cases), " ", "+"))
					ttStatus(t, list, http.StatusOK, "list")
					row := list.Doc(t).Find(`tr:has(a[href="/themen/` + id + `"]) td`)
					cells := row.Map(func(_ int, s *goquery.Selection) string { return strings.TrimSpace(s.Text()) })
					if len(cells) < 5 || cells[2] != ttShown(2*tc.cases) || cells[3] != wantCases || cells[4] != wantOrgs {
						t.Errorf("%s, %d cases, %d involved: list cells %q, want reports %q, cases %q, organisations %q", role, tc.cases, tc.involved, cells,
							ttShown(2*tc.cases), wantCases, wantOrgs)
					}
					page := c[role].Get("/themen/" + id)
					ttStatus(t, page, http.StatusOK, "page")
					facts := map[string]string{}
					page.Doc(t).Find("dl.facts dt").Each(func(_ int, s *goquery.Selection) {
						facts[strings.TrimSpace(s.Text())] = strings.TrimSpace(s.Next().Text())
					})
					if facts["Betroffene Fälle"] != wantCases || facts["Organisationen"] != wantOrgs || facts["Problemanzeigen"] != ttShown(2*tc.cases) {
						t.Errorf("%s, %d cases: page facts %v", role, tc.cases, facts)
					}
				}
			}
		})
	}
}

// The chart draws a suppressed month at the threshold, never at its real height, and its grid
// lines fall on whole numbers.
func TestLoopChartHidesSmallMonths(t *testing.T) {
	months := []steering.LoopMonth{{Count: steering.Disclose(1)}, {Count: steering.Disclose(4)}, {Count: steering.Disclose(0)}, {Count: steering.Disclose(12)}}
	c := steering.NewLoopChart(months)
	if len(c.Bars) != 4 {
		t.Fatalf("%d bars", len(c.Bars))
	}
	if c.Bars[0].H != c.Bars[1].H || !c.Bars[0].Suppressed || c.Bars[0].Value != "< 5" || c.Bars[1].Value != "< 5" {
		t.Errorf("suppressed bars differ: %+v %+v", c.Bars[0], c.Bars[1])
	}
	if c.Bars[2].H != 0 || !c.Bars[2].Zero || c.Bars[3].Value != "12" || c.Bars[3].H <= c.Bars[0].H {
		t.Errorf("bars %+v", c.Bars)
	}
	if len(c.Ticks) != 6 || c.Ticks[5].Value != "15" || c.Ticks[1].Value != "3" {
		t.Errorf("ticks %+v", c.Ticks)
	}
}

// ttShownFigures is what a page shows of a theme's figures.
func ttShownFigures(f steering.ThemeFigures) [3]string {
	return [3]string{f.Reports.String(), f.Cases.String(), f.Organisations.String()}
}

// ttMaxInvolved is how many organisations a barrier report may name besides the reporting one.
const ttMaxInvolved = 30

// ttRecover plays the attacker: knowing every month as shown (the shown ones exactly, the
// hidden ones as "< 5") and the figures shown beside them (by show), it tries every series of
// hidden months with every number of cases and organisations that could lie behind them
// (cases at most the reports, organisations at least one and at most 31 per report) and keeps
// the series that show the same. It returns, per hidden month, the values still possible.
func ttRecover(months []int, shown [3]string, show func(months []int, cases, orgs int) [3]string) map[int]map[int]bool {
	var hidden []int
	for i, n := range months {
		if n > 0 && n < steering.DisclosureMin {
			hidden = append(hidden, i)
		}
	}
	possible := map[int]map[int]bool{}
	for _, i := range hidden {
		possible[i] = map[int]bool{}
	}
	cand := append([]int(nil), months...)
	var try func(j int)
	try = func(j int) {
		if j < len(hidden) {
			for v := 1; v < steering.DisclosureMin; v++ {
				cand[hidden[j]] = v
				try(j + 1)
			}
			return
		}
		total := 0
		for _, n := range cand {
			total += n
		}
		reports, cases, orgs := false, false, false
		for c := 0; c <= total && !(reports && cases); c++ {
			got := show(cand, c, min(total, 1))
			reports = reports || got[0] == shown[0]
			cases = cases || got[1] == shown[1]
		}
		for o := min(total, 1); o <= min(total*(1+ttMaxInvolved), 150) && !orgs; o++ {
			orgs = show(cand, 0, o)[2] == shown[2]
		}
		if reports && cases && orgs {
			for _, i := range hidden {
				possible[i][cand[i]] = true
			}
		}
	}
	try(0)
	return possible
}

// A theme's figures never give a hidden month (1 to 4 reports) away: for random series of
// months, cases and organisations, an attacker who knows every month as shown and the figures
// beside them cannot pin down any hidden month. The same attacker does pin months down when
// the exact total is shown — the test has teeth.
func TestThemeFiguresHideMonths(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 17))
	disclosed := func(months []int, cases, orgs int) [3]string {
		return ttShownFigures(steering.DiscloseTheme(months, cases, orgs))
	}
	exact := func(months []int, cases, orgs int) [3]string {
		total := 0
		for _, n := range months {
			total += n
		}
		return [3]string{strconv.Itoa(total), steering.Disclose(cases).String(), steering.Disclose(orgs).String()}
	}
	naiveRecovered := 0
	for round := 0; round < 1500; round++ {
		months := make([]int, 1+rng.IntN(6))
		hidden := 0
		for i := range months {
			switch r := rng.IntN(10); {
			case r < 3:
				months[i] = 0
			case r < 7 && hidden < 4:
				months[i] = 1 + rng.IntN(steering.DisclosureMin-1)
				hidden++
			default:
				months[i] = steering.DisclosureMin + rng.IntN(12)
			}
		}
		total := 0
		for _, n := range months {
			total += n
		}
		cases := rng.IntN(total + 1)
		orgs := min(total, 1) + rng.IntN(min(total*(1+ttMaxInvolved), 150)+1-min(total, 1))
		f := steering.DiscloseTheme(months, cases, orgs)
		if hidden == 0 {
			if f.Reports.String() != ttShown(total) {
				t.Fatalf("months %v without hidden ones: reports %q, want %q", months, f.Reports, ttShown(total))
			}
			continue
		}
		for i, vals := range ttRecover(months, ttShownFigures(f), disclosed) {
			if len(vals) < 2 {
				t.Fatalf("months %v, %d cases, %d organisations, shown %v: month %d recovered as %v", months, cases, orgs, ttShownFigures(f), i, vals)
			}
		}
		for _, vals := range ttRecover(months, exact(months, cases, orgs), exact) {
			if len(vals) < 2 {
				naiveRecovered++
			}
		}
	}
	if naiveRecovered == 0 {
		t.Fatal("the attacker recovers nothing even from exact totals")
	}
}

// ttInsertSeries stores reports of tenant alpha directly: counts[i] reports (each of its own
// case) in the i-th month before the current one; it returns their ids.
func ttInsertSeries(t *testing.T, env *apptest.Env, fx *apptest.Fixtures, counts ...int) []string {
	t.Helper()
	var out []string
	err := env.DB().Write(context.Background(), func(tx *db.Tx) error {
		for i, n := range counts {
			for j := 0; j < n; j++ {
				id := ids.New()
				if _, err := tx.ExecContext(context.Background(), `INSERT INTO barrier_reports (tenant_id, id, organisation_id, reported_by, case_key,
					life_domain, type, description, status, reported_at, updated_at) VALUES ($1, $2, $3, $4, $5, 'language', 'waiting_time', 'Wartezeit', 'reported', $6, $6)`,
					fx.TenantA.ID, id, fx.OrgA1.ID, fx.Users[access.CaseManager].ID, "key-"+id, tx.Now.AddDate(0, -i, 0)); err != nil {
					return err
				}
				out = append(out, id)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// ttTheme merges reports into a new theme as the coordination.
func ttTheme(t *testing.T, env *apptest.Env, fx *apptest.Fixtures, title string, reports []string) string {
	t.Helper()
	id, err := env.App.Steering.Merge(context.Background(), fx.Users[access.Coordinator].Actor("alpha"), steering.MergeInput{ReportIDs: reports,
		Mode: "new", New: steering.ThemeInput{Title: title}})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// A theme with 6 reports this month and 4 last month: the loop view shows the months as "6" and
// "< 5"; no page shows the total 10 (which would give the 4 away) nor the 10 affected cases
// (at least as many reports): they read "mindestens 7".
func TestThemeTotalsDoNotGiveSmallMonthsAway(t *testing.T) {
	for _, e := range apptest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			env, fx, c := ttSetup(t, e)
			id := ttTheme(t, env, fx, "Differenztest", ttInsertSeries(t, env, fx, 6, 4))
			for _, role := range []access.Role{access.Coordinator, access.CaseManager, access.TeamLead} {
				list := c[role].Get("/themen?q=Differenztest")
				ttStatus(t, list, http.StatusOK, "list")
				cells := list.Doc(t).Find(`tr:has(a[href="/themen/` + id + `"]) td`).Map(func(_ int, s *goquery.Selection) string { return strings.TrimSpace(s.Text()) })
				if len(cells) < 5 || cells[2] != "mindestens 7" || cells[3] != "mindestens 7" || cells[4] != "< 5" {
					t.Errorf("%s: list cells %q", role, cells)
				}
				page := c[role].Get("/themen/" + id)
				facts := map[string]string{}
				page.Doc(t).Find("dl.facts dt").Each(func(_ int, s *goquery.Selection) {
					facts[strings.TrimSpace(s.Text())] = strings.TrimSpace(s.Next().Text())
				})
				if facts["Problemanzeigen"] != "mindestens 7" || facts["Betroffene Fälle"] != "mindestens 7" {
					t.Errorf("%s: page facts %v", role, facts)
				}
				loop := c[role].Get("/themen/" + id + "/kreislauf")
				ttStatus(t, loop, http.StatusOK, "loop")
				doc := loop.Doc(t)
				var months []string
				doc.Find("#berichte table tbody tr td").Each(func(_ int, s *goquery.Selection) { months = append(months, strings.TrimSpace(s.Text())) })
				if strings.Join(months, " ") != "< 5 6" {
					t.Errorf("%s: months %q", role, months)
				}
				if got := strings.Join(strings.Fields(doc.Find("#chart-summary").Text()), " "); !strings.HasPrefix(got, "mindestens 7 Problemanzeigen von 02/2026 bis 03/2026.") ||
					!strings.Contains(got, "03/2026 (6)") {
					t.Errorf("%s: summary %q", role, got)
				}
				if strings.Contains(doc.Find("#chart-summary, #berichte table, #thema dl").Text(), "10") {
					t.Errorf("%s: the loop view shows the total 10", role)
				}
			}
			// In English the bound reads "at least".
			if got := c[access.Coordinator].Get("/themen/" + id + "?lang=en").Doc(t).Find("dl.facts dd").Eq(3).Text(); strings.TrimSpace(got) != "at least 7" {
				t.Errorf("English reports %q", got)
			}
		})
	}
}

// Sorting by reports orders by what the list shows: counts hidden as "< 5" are one band (by
// title within it), a lower bound ranks as its bound — the order tells nothing more.
func TestThemeListSortsByShownReports(t *testing.T) {
	for _, e := range apptest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			env, fx, c := ttSetup(t, e)
			want := map[string][]int{"Sortierung A": {4}, "Sortierung B": {2}, "Sortierung C": {6}, "Sortierung D": {5, 3}, "Sortierung E": {0, 1, 1}}
			for title, series := range want {
				ttTheme(t, env, fx, title, ttInsertSeries(t, env, fx, series...))
			}
			order := func(dir string) string {
				r := c[access.Coordinator].Get("/themen?q=Sortierung&sort=reports&dir=" + dir)
				ttStatus(t, r, http.StatusOK, "sorted list")
				var titles []string
				r.Doc(t).Find("table tbody th a").Each(func(_ int, s *goquery.Selection) {
					titles = append(titles, strings.TrimPrefix(s.Text(), "Sortierung "))
				})
				return strings.Join(titles, "")
			}
			// Shown: A "< 5", B "< 5", C 6, D "mindestens 6", E "mindestens 2" (two hidden months).
			if got := order("asc"); got != "ABECD" {
				t.Errorf("ascending %q, want ABECD", got)
			}
			if got := order("desc"); got != "CDEAB" {
				t.Errorf("descending %q, want CDEAB", got)
			}
		})
	}
}

// The SQL month of a report is its month in Europe/Berlin, on both engines, at every month
// boundary from 2000 to 2040 (a second before and at Berlin midnight), on the days summer time
// starts and ends, and at noon on the 15th.
func TestReportMonthSQL(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	var times []time.Time
	for y := 2000; y <= 2040; y++ {
		for m := time.January; m <= time.December; m++ {
			b := time.Date(y, m, 1, 0, 0, 0, 0, berlin)
			times = append(times, b.Add(-time.Second), b, b.Add(59*time.Minute), time.Date(y, m, 15, 12, 0, 0, 0, berlin))
		}
		for _, m := range []time.Month{time.March, time.October} {
			last := time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC)
			sunday := last.AddDate(0, 0, -int(last.Weekday()))
			switch1 := sunday.Add(time.Hour) // 01:00 UTC
			times = append(times, switch1.Add(-time.Second), switch1, switch1.Add(22*time.Hour+59*time.Minute))
		}
	}
	for _, e := range apptest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			env := apptest.New(t, e, apptest.Options{})
			expr := steering.ReportMonthSQL(env.DB().Engine(), "x.at")
			err := env.DB().Write(context.Background(), func(tx *db.Tx) error {
				if _, err := tx.ExecContext(context.Background(), "CREATE TEMPORARY TABLE month_probe (at "+ttTimestampType(tx)+" NOT NULL)"); err != nil {
					return err
				}
				for _, at := range times {
					if _, err := tx.ExecContext(context.Background(), "INSERT INTO month_probe (at) VALUES ($1)", at); err != nil {
						return err
					}
					var got string
					if err := tx.QueryRowContext(context.Background(), "SELECT "+expr+" FROM month_probe x WHERE x.at = $1", at).Scan(&got); err != nil {
						return err
					}
					if want := at.In(berlin).Format("2006-01"); got != want {
						t.Errorf("%s (Berlin %s): month %s, want %s", at.UTC().Format(time.RFC3339), at.In(berlin).Format("2006-01-02 15:04"), got, want)
					}
				}
				_, err := tx.ExecContext(context.Background(), "DROP TABLE month_probe")
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
		})
	}
}

// ttTimestampType is the column type of timestamps on the engine (as the migrations use).
func ttTimestampType(tx *db.Tx) string {
	if tx.Engine == db.Postgres {
		return "TIMESTAMPTZ"
	}
	return "TIMESTAMP"
}
