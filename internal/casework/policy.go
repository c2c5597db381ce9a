package casework

import "kim/internal/platform/access"

// The resource kinds of case management.
const (
	// KindClient is a client's master data (with household and residence history). It is
	// shared within the organisation that recorded the client.
	KindClient access.Kind = "client"
	// KindConsent is a consent record of a client.
	KindConsent access.Kind = "consent"
	// KindCase is a case with everything in it (assessment, plan, contacts, referrals,
	// transitions, documents). Its case manager and deputy work on it; the team lead reads
	// and steers it for a stated purpose.
	KindCase access.Kind = "case"
	// KindIncoming is a referral received by the actor's organisation.
	KindIncoming access.Kind = "incoming_referral"
	// KindCaseConfig is the tenant's case-management settings (admission criteria).
	KindCaseConfig access.Kind = "case_config"
)

func init() {
	cm, lead := access.CaseManager, access.TeamLead
	org := access.Rule{cm: access.Organisation, lead: access.Organisation}
	access.Register(KindClient, map[access.Action]access.Rule{
		access.View: org, access.List: org, access.Create: org, access.Update: org,
	})
	access.Register(KindConsent, map[access.Action]access.Rule{
		access.View: org, access.List: org, access.Create: org, access.Update: org,
	})
	assigned := access.Rule{cm: access.Assigned, lead: access.Organisation}
	access.Register(KindCase, map[access.Action]access.Rule{
		access.View: assigned, access.List: assigned, access.Create: org, access.Update: assigned,
		access.Manage: access.Rule{lead: access.Organisation},
	})
	access.Register(KindIncoming, map[access.Action]access.Rule{
		access.View: org, access.List: org, access.Update: org,
	})
	admin := access.Rule{access.TenantAdmin: access.Tenant}
	access.Register(KindCaseConfig, map[access.Action]access.Rule{
		access.View: admin, access.List: admin, access.Create: admin, access.Update: admin, access.Delete: admin, access.Manage: admin,
	})
}
