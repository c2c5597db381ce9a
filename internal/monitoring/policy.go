package monitoring

import "kim/internal/platform/access"

// The resource kinds of the monitoring. No kind holds personal data: every figure is an
// aggregate under the disclosure rule.
const (
	// KindIndicator is the monitoring's figures (indicator pages, dashboards, API, exports).
	// The coordination, team leads, body members, the tenant administration and the data
	// protection officer read them; the coordination manages the monitoring (context
	// statistics, funding figures, report texts, the annual report).
	KindIndicator access.Kind = "indicator"
	// KindDashboard is a saved dashboard: the coordination keeps them, readers of figures see them.
	KindDashboard access.Kind = "dashboard"
	// KindRelease is the register of releases: the coordination and the data protection
	// officer read it.
	KindRelease access.Kind = "release"
)

func init() {
	lead, co, bm, ta, dpo := access.TeamLead, access.Coordinator, access.BodyMember, access.TenantAdmin, access.DataProtectionOfficer
	t := access.Tenant
	readers := access.Rule{lead: t, co: t, bm: t, ta: t, dpo: t}
	coord := access.Rule{co: t}
	access.Register(KindIndicator, map[access.Action]access.Rule{
		access.View: readers, access.List: readers, access.Manage: coord,
	})
	access.Register(KindDashboard, map[access.Action]access.Rule{
		access.View: readers, access.List: readers,
		access.Create: coord, access.Update: coord, access.Delete: coord,
	})
	access.Register(KindRelease, map[access.Action]access.Rule{
		access.View: access.Rule{co: t, dpo: t}, access.List: access.Rule{co: t, dpo: t},
	})
}
