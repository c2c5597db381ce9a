package app_test

import (
	"sync"

	"kim/internal/platform/access"
)

// contextTargets are the records of the monitoring's context part per prober, created once.
var contextTargets sync.Map // *prober → target pair

func init() {
	// The context statistics, the funding figures and the register of releases are the
	// coordination's pages; the battery deletes another tenant's import only.
	staffCallers = append(staffCallers, callerArea{"/monitoring/kontextdaten", access.Coordinator},
		callerArea{"/monitoring/foerdernachweis", access.Coordinator}, callerArea{"/monitoring/veroeffentlichungen", access.Coordinator})
	type pair struct{ imports, releases target }
	records := func(p *prober) pair {
		if v, ok := contextTargets.Load(p); ok {
			return v.(pair)
		}
		a := p.env.App
		v := pair{imports: target{own: p.fx.ContextImport(p.t, a, false), foreign: p.fx.ContextImport(p.t, a, true)},
			releases: target{own: p.fx.MonitoringRelease(p.t, a, false), foreign: p.fx.MonitoringRelease(p.t, a, true)}}
		contextTargets.Store(p, v)
		return v
	}
	targetAreas = append(targetAreas, func(p *prober) ([]string, target) {
		return []string{"/monitoring/kontextdaten"}, records(p).imports
	}, func(p *prober) ([]string, target) {
		return []string{"/monitoring/veroeffentlichungen"}, records(p).releases
	})
}
