package app

import (
	"context"
	"errors"
	"fmt"

	"kim/internal/monitoring"
	"kim/internal/platform/db"
)

// The demo's saved dashboards: the steering group's overview, linked to the steering group,
// and the dashboard of the childcare theme, linked to that theme (and the AG Sprache und
// Bildung that works on it). Bodies and themes are looked up by name; a link whose target the
// other seeds did not create is left out.

type demoDashboard struct {
	title, description string
	panels             []monitoring.Panel
	bodies, themes     []string // link targets by name and title
}

var demoDashboards = []demoDashboard{
	{title: "Lenkungsgruppe: Überblick", description: "Zugänge, Fallbestand, Bedarfe, Vermittlungen und Abschlüsse für die Sitzungen der Lenkungsgruppe.",
		panels: []monitoring.Panel{{Indicator: "new_cases", Chart: monitoring.PanelLine}, {Indicator: "open_caseload", By: "district", Chart: monitoring.PanelMultiples},
			{Indicator: "needs_prevalence", By: "life_domain", Chart: monitoring.PanelBar}, {Indicator: "referral_outcomes", By: "status", Chart: monitoring.PanelBar},
			{Indicator: "closure_reasons", By: "reason", Chart: monitoring.PanelBar}},
		bodies: []string{"Lenkungsgruppe KIM"}},
	{title: "Sprache und Kinderbetreuung", description: "Die Wirkung der Empfehlung zur Kinderbetreuung während der Sprachkurse: Zugänge und Bedarfe nach Lebensbereich.",
		panels: []monitoring.Panel{{Indicator: "new_cases", By: "sex", Chart: monitoring.PanelStacked}, {Indicator: "needs_prevalence", By: "life_domain", Chart: monitoring.PanelBar},
			{Indicator: "new_cases", By: "age_group", Chart: monitoring.PanelLine}},
		bodies: []string{"AG Sprache und Bildung"}, themes: []string{"Fehlende Kinderbetreuung während Sprachkursen"}},
}

// seedDemoMonitoringDashboards creates the demo dashboards that are missing (by title) and the
// links that are missing. Panels whose indicator or breakdown the catalogue does not know are
// left out.
func (a *App) seedDemoMonitoringDashboards(ctx context.Context, tenantID string) error {
	d, err := a.demoLoopFacts(ctx, tenantID)
	if err != nil {
		return err
	}
	coord, ok := d.actors["koordination@solingen.example"]
	if !ok {
		return errors.New("the demo coordinator is missing")
	}
	existing := map[string]string{}
	linked := map[string]bool{}
	err = a.DB.Read(ctx, func(tx *db.Tx) error {
		rows, err := db.QueryAll(ctx, tx, func(sc db.Scanner, v *[2]string) error { return sc.Scan(&v[0], &v[1]) },
			"SELECT title, CAST(id AS TEXT) FROM monitoring_dashboards WHERE tenant_id = $1", tenantID)
		if err != nil {
			return err
		}
		for _, r := range rows {
			existing[r[0]] = r[1]
		}
		links, err := db.QueryAll(ctx, tx, func(sc db.Scanner, v *[3]string) error { return sc.Scan(&v[0], &v[1], &v[2]) },
			"SELECT CAST(dashboard_id AS TEXT), target_kind, target_id FROM monitoring_dashboard_links WHERE tenant_id = $1", tenantID)
		for _, l := range links {
			linked[l[0]+" "+l[1]+":"+l[2]] = true
		}
		return err
	})
	if err != nil {
		return err
	}
	for _, dd := range demoDashboards {
		id := existing[dd.title]
		if id == "" {
			var panels []monitoring.Panel
			for _, p := range dd.panels {
				if ind := monitoring.Lookup(p.Indicator); ind != nil && ind.HasBreakdown(p.By) {
					panels = append(panels, p)
				}
			}
			if len(panels) == 0 {
				continue
			}
			if id, err = a.Monitor.CreateDashboard(ctx, coord, monitoring.DashboardInput{Title: dd.title, Description: dd.description, Panels: panels}); err != nil {
				return fmt.Errorf("dashboard %s: %w", dd.title, err)
			}
		}
		var targets []string
		for _, b := range dd.bodies {
			if bid := d.bodies[b]; bid != "" {
				targets = append(targets, monitoring.LinkKindBody+":"+bid)
			}
		}
		for _, t := range dd.themes {
			if tid := d.themes[t]; tid != "" {
				targets = append(targets, monitoring.LinkKindTheme+":"+tid)
			}
		}
		for _, t := range targets {
			if linked[id+" "+t] {
				continue
			}
			if err := a.Monitor.LinkDashboard(ctx, coord, id, t); err != nil {
				return fmt.Errorf("dashboard %s, link: %w", dd.title, err)
			}
		}
	}
	return nil
}
