package steering

import "kim/internal/platform/access"

// The resource kinds of the steering loop. None of them holds identified case data: barrier
// reports are anonymous and tied to cases only by a keyed pseudonym; themes, bodies, meetings
// and recommendations are the work of the network.
const (
	// KindBarrierReport is a barrier report (Problemanzeige). Case managers file them from
	// their cases and read their own (Self: the reporter); team leads read those of their
	// organisation; the coordination screens all of the tenant.
	KindBarrierReport access.Kind = "barrier_report"
	// KindTheme is a theme merged from barrier reports. The coordination keeps themes; body
	// members, team leads and case managers read them (the loop view, the news page).
	KindTheme access.Kind = "theme"
	// KindBody is a body (steering, working or project group) with its members.
	KindBody access.Kind = "body"
	// KindMeeting is a meeting of a body with agenda, attendance, minutes and decisions.
	KindMeeting access.Kind = "meeting"
	// KindRecommendation is a recommendation (Handlungsempfehlung). Body members draft and
	// submit; the coordination records the steering group's decision (Manage).
	KindRecommendation access.Kind = "recommendation"
)

func init() {
	cm, lead, co, bm := access.CaseManager, access.TeamLead, access.Coordinator, access.BodyMember
	t := access.Tenant
	coord := access.Rule{co: t}
	access.Register(KindBarrierReport, map[access.Action]access.Rule{
		access.View:   {cm: access.Self, lead: access.Organisation, co: t},
		access.List:   {cm: access.Self, lead: access.Organisation, co: t},
		access.Create: {cm: access.Organisation, lead: access.Organisation},
		access.Update: coord, access.Manage: coord,
	})
	network := access.Rule{cm: t, lead: t, co: t, bm: t}
	access.Register(KindTheme, map[access.Action]access.Rule{
		access.View: network, access.List: network,
		access.Create: coord, access.Update: coord, access.Delete: coord, access.Manage: coord,
	})
	bodies := access.Rule{lead: t, co: t, bm: t}
	access.Register(KindBody, map[access.Action]access.Rule{
		access.View: bodies, access.List: bodies,
		access.Create: coord, access.Update: coord, access.Delete: coord, access.Manage: coord,
	})
	access.Register(KindMeeting, map[access.Action]access.Rule{
		access.View: bodies, access.List: bodies,
		access.Create: coord, access.Update: coord, access.Delete: coord, access.Manage: coord,
	})
	drafters := access.Rule{co: t, bm: t}
	access.Register(KindRecommendation, map[access.Action]access.Rule{
		access.View: network, access.List: network,
		access.Create: drafters, access.Update: drafters, access.Delete: coord, access.Manage: coord,
	})
}
