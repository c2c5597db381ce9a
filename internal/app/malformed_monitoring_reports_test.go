package app_test

import (
	"sync"

	"kim/internal/platform/access"
)

// reportTargets are the records of the monitoring's reports part per prober, created once.
var reportTargets sync.Map // *prober → reportRecords

type reportRecords struct{ reports, dashboards target }

func init() {
	// The annual reports are the coordination's pages; the exports are read by every reader of
	// figures (the coordination stands for them). Report jobs run synchronously, so that a
	// report the battery starts has ended before the next request.
	exports := []string{"/monitoring/kennzahlen/{id}/export.xlsx", "/monitoring/kennzahlen/{id}/export.csv",
		"/monitoring/dashboards/{id}/export.xlsx", "/monitoring/dashboards/{id}/export.csv"}
	staffCallers = append(staffCallers, callerArea{"/monitoring/berichte", access.Coordinator})
	for _, e := range exports {
		staffCallers = append(staffCallers, callerArea{e, access.Coordinator})
	}
	records := func(p *prober) reportRecords {
		if v, ok := reportTargets.Load(p); ok {
			return v.(reportRecords)
		}
		a := p.env.App
		a.Monitor.SetJobRunner(func(job func()) { job() })
		v := reportRecords{reports: target{own: p.fx.MonitoringReport(p.t, a, false), foreign: p.fx.MonitoringReport(p.t, a, true)},
			dashboards: target{own: p.fx.ExportDashboard(p.t, a, false), foreign: p.fx.ExportDashboard(p.t, a, true)}}
		reportTargets.Store(p, v)
		return v
	}
	targetAreas = append(targetAreas, func(p *prober) ([]string, target) {
		return []string{"/monitoring/berichte"}, records(p).reports
	}, func(p *prober) ([]string, target) {
		return exports[:2], target{own: "new_cases", foreign: "keine_kennzahl"}
	}, func(p *prober) ([]string, target) {
		return exports[2:], records(p).dashboards
	})
}
