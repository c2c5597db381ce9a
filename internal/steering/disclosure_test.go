package steering_test

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"

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

// ttInsertReports stores reports of tenant alpha directly (each case key twice, so that the
// count of cases is distinct), with the given involved organisations, and returns their ids.
func ttInsertReports(t *testing.T, env *apptest.Env, fx *apptest.Fixtures, cases int, involved []string) []string {
	t.Helper()
	var out []string
	err := env.DB().Write(context.Background(), func(tx *db.Tx) error {
		for i := 0; i < cases; i++ {
			for j := 0; j < 2; j++ {
				id := ids.New()
				if _, err := tx.ExecContext(context.Background(), `INSERT INTO barrier_reports (tenant_id, id, organisation_id, reported_by, case_key,
					life_domain, type, description, status, reported_at, updated_at) VALUES ($1, $2, $3, $4, $5, 'language', 'waiting_time', 'Wartezeit', 'reported', $6, $6)`,
					fx.TenantA.ID, id, fx.OrgA1.ID, fx.Users[access.CaseManager].ID, "key-"+id[:8]+strconv.Itoa(i), tx.Now.AddDate(0, -i%3, 0)); err != nil {
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
// theme's page and in the loop view: 0, 1 to 4 ("< 5"), 5 and many.
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
