package app

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"kim/internal/monitoring"
	"kim/internal/platform/access"
	"kim/internal/platform/db"
	"kim/internal/platform/web"
)

// demoPopulation are the demo's population figures per Stadtbezirk: residents, the share of
// foreign nationals and the shares of four nationality groups among them. THE FIGURES ARE
// INVENTED FOR THE DEMO: plausible in size for Solingen (about 165,000 residents), but not the
// statistics office's figures.
var demoPopulation = []struct {
	district                       string
	residents                      int
	foreign                        float64 // share of all residents
	turkey, syria, ukraine, poland float64 // shares of the foreign nationals
}{
	{"Solingen-Mitte", 51800, 0.27, 0.22, 0.11, 0.08, 0.07},
	{"Ohligs/Aufderhöhe/Merscheid", 36900, 0.19, 0.20, 0.08, 0.09, 0.08},
	{"Wald", 24300, 0.18, 0.24, 0.09, 0.07, 0.06},
	{"Burg/Höhscheid", 22600, 0.13, 0.17, 0.06, 0.10, 0.07},
	{"Gräfrath", 29700, 0.12, 0.18, 0.05, 0.09, 0.09},
}

// demoFunding are the demo's funding figures per case-management organisation (invented):
// posts funded and occupied, vacancy days, trainings and funds spent in euros.
var demoFunding = map[string]struct {
	funded, occupied   float64
	vacancy, trainings int
	euros              int64
}{
	"Kommunales Integrationszentrum": {3.0, 2.75, 45, 6, 214380},
	"AWO":                            {1.5, 1.5, 0, 4, 108920},
	"Caritas":                        {1.5, 1.0, 122, 3, 84215},
	"Diakonie":                       {1.0, 1.0, 0, 2, 71640},
	"Internationaler Bund":           {1.0, 0.75, 61, 2, 60310},
}

// demoContextFile is the file name of the demo's context import (its mark of idempotence).
const demoContextFile = "bevoelkerung-stadtbezirke-demo.csv"

// seedDemoMonitoringContext imports the demo's population figures for the last two full years
// and records the funding figures of the case-management organisations for those years. It is
// idempotent: an existing demo import and recorded figures are left alone.
func (a *App) seedDemoMonitoringContext(ctx context.Context, tenantID string) error {
	actor, err := a.demoContextCoordinator(ctx, tenantID)
	if err != nil {
		return err
	}
	year := a.DB.Clock.Now().In(web.Berlin).Year()
	years := []int{year - 2, year - 1}
	imports, _, err := a.Monitor.ContextImports(ctx, actor, web.ListQuery{Page: 1, Size: web.MaxPageSize})
	if err != nil {
		return err
	}
	have := false
	for _, i := range imports {
		have = have || i.Filename == demoContextFile
	}
	if !have {
		districts, err := a.Dir.AllDistricts(ctx, access.System(tenantID))
		if err != nil {
			return err
		}
		known := map[string]bool{}
		for _, d := range districts {
			known[d.Name] = true
		}
		if _, err := a.Monitor.ImportContext(ctx, actor, monitoring.ContextInput{Filename: demoContextFile,
			Source: "Demo: erfundene Zahlen", Content: demoPopulationCSV(years, known)}); err != nil {
			return fmt.Errorf("context import: %w", err)
		}
	}
	for _, y := range years {
		list, err := a.Monitor.Funding(ctx, actor, y)
		if err != nil {
			return err
		}
		for _, f := range list {
			d, ok := demoFunding[f.Organisation]
			if !ok || f.Version > 0 {
				continue
			}
			// The earlier year a little lower, so that the years differ.
			scale := 1.0
			if y < year-1 {
				scale = 0.96
			}
			in := monitoring.FundingInput{OrganisationID: f.OrganisationID, Year: strconv.Itoa(y),
				FTEFunded: contextDecimal(d.funded), FTEOccupied: contextDecimal(d.occupied), VacancyDays: strconv.Itoa(d.vacancy),
				Trainings: strconv.Itoa(d.trainings), Funds: strconv.FormatInt(int64(math.Round(float64(d.euros)*scale)), 10) + ",00"}
			if _, err := a.Monitor.SaveFunding(ctx, actor, in); err != nil {
				return fmt.Errorf("funding figures %s %d: %w", f.Organisation, y, err)
			}
		}
	}
	return nil
}

// demoContextCoordinator returns the tenant's first coordinator account as actor (the demo's imports
// name a person), or the system actor when there is none.
func (a *App) demoContextCoordinator(ctx context.Context, tenantID string) (access.Actor, error) {
	actor := access.Actor{TenantID: tenantID, Role: access.Coordinator}
	err := a.DB.Read(ctx, func(tx *db.Tx) error {
		return tx.QueryRowContext(ctx, `SELECT CAST(id AS TEXT), CAST(organisation_id AS TEXT), name FROM users WHERE tenant_id = $1 AND role = $2
			AND disabled_at IS NULL ORDER BY email LIMIT 1`, tenantID, string(access.Coordinator)).Scan(&actor.UserID, &actor.OrganisationID, &actor.Name)
	})
	if errors.Is(err, sql.ErrNoRows) {
		return access.System(tenantID), nil
	}
	return actor, err
}

// demoPopulationCSV writes the demo's population figures as the statistics office would send
// them: semicolons, German numbers, one line per year, spatial unit and indicator, the city's
// totals included.
func demoPopulationCSV(years []int, known map[string]bool) []byte {
	var b strings.Builder
	b.WriteString("Zeitraum;Raumeinheit;Merkmal;Wert\n")
	for i, y := range years {
		growth := 1 + 0.012*float64(i) // residents grow a little, foreign nationals a little more
		totals := map[string]int{}
		var order []string
		for _, d := range demoPopulation {
			if !known[d.district] {
				continue
			}
			res := int(math.Round(float64(d.residents) * growth))
			foreign := int(math.Round(float64(res) * d.foreign * (1 + 0.03*float64(i))))
			for _, v := range []struct {
				code string
				n    int
			}{
				{"population", res},
				{"population_foreign", foreign},
				{"population_foreign_turkey", int(math.Round(float64(foreign) * d.turkey))},
				{"population_foreign_syria", int(math.Round(float64(foreign) * d.syria))},
				{"population_foreign_ukraine", int(math.Round(float64(foreign) * d.ukraine))},
				{"population_foreign_poland", int(math.Round(float64(foreign) * d.poland))},
			} {
				fmt.Fprintf(&b, "%d;%s;%s;%s\n", y, d.district, v.code, contextThousands(v.n))
				if _, ok := totals[v.code]; !ok {
					order = append(order, v.code)
				}
				totals[v.code] += v.n
			}
		}
		for _, code := range order {
			fmt.Fprintf(&b, "%d;gesamt;%s;%s\n", y, code, contextThousands(totals[code]))
		}
	}
	return []byte(b.String())
}

// contextThousands writes n with dots between thousands ("51.800").
func contextThousands(n int) string {
	s := strconv.Itoa(n)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// contextDecimal writes x with a decimal comma and two decimals ("1,50").
func contextDecimal(x float64) string {
	return strings.Replace(strconv.FormatFloat(x, 'f', 2, 64), ".", ",", 1)
}
