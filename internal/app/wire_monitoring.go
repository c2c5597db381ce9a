package app

import (
	"context"

	"kim/internal/monitoring"
	"kim/internal/monitoring/sdc"
	"kim/internal/platform/access"
	"kim/internal/platform/i18n"
	"kim/internal/platform/web"
	"kim/internal/steering"
)

// wireMonitoring creates the integration monitoring: it reads the case data live and links
// dashboards to the steering room's themes and bodies. The steering room in turn lists the
// dashboards linked to its themes and bodies, checks the indicators its recommendations name
// against the catalogue and shows their trend in the loop view, through the adapters below (the
// steering room does not import the monitoring).
func (a *App) wireMonitoring() {
	rule := sdc.DefaultRule()
	if a.Cfg.DisclosureMin > 0 {
		rule.Min = a.Cfg.DisclosureMin
	}
	a.Monitor = &monitoring.Service{DB: a.DB, Audit: a.Audit, Rule: rule, Links: a.Steering}
	a.Monitor.SetJobLog(a.Log)
	a.Steering.Dashboards = monitorDashboards{a.Monitor}
	a.Steering.Indicators = monitorIndicators{a.Monitor}
}

var (
	_ monitoring.LinkTargets = (*steering.Service)(nil)
	_ monitoring.LinkChoices = (*steering.Service)(nil)
)

// monitorDashboards lists the dashboards linked to a theme or body for the steering room.
type monitorDashboards struct{ m *monitoring.Service }

func (d monitorDashboards) LinkedDashboards(ctx context.Context, actor access.Actor, kind, id string) ([]steering.LinkedDashboard, error) {
	list, err := d.m.LinkedDashboards(ctx, actor, kind, id)
	out := make([]steering.LinkedDashboard, len(list))
	for i, x := range list {
		out[i] = steering.LinkedDashboard{ID: x.ID, Title: x.Title}
	}
	return out, err
}

// monitorIndicators is the indicator catalogue and its trends for the steering room.
type monitorIndicators struct{ m *monitoring.Service }

func (monitorIndicators) IndicatorChoices(lang string) []web.Option {
	list := monitoring.Catalogue()
	out := make([]web.Option, len(list))
	for i, ind := range list {
		out[i] = web.Option{Value: ind.Code, Label: ind.Name.In(lang)}
	}
	return out
}

func (monitorIndicators) KnownIndicator(code string) bool { return monitoring.Lookup(code) != nil }

func (x monitorIndicators) Trends(ctx context.Context, actor access.Actor, l *i18n.Localizer, codes []string, title string) ([]steering.TrendView, error) {
	panels, err := x.m.Trends(ctx, actor, codes, title, l)
	if err != nil {
		return nil, err
	}
	out := make([]steering.TrendView, len(panels))
	for i, p := range panels {
		tv := steering.TrendView{Code: p.Indicator.Code, Name: p.Name, SVG: p.SVG, Summary: p.Summary, Head: []string{p.Table.Total.Label}}
		for _, m := range p.Months() {
			tv.Rows = append(tv.Rows, steering.TrendRow{Period: m[0], Cells: []string{m[1]}})
		}
		out[i] = tv
	}
	return out, nil
}
