package offers

import "kim/internal/platform/access"

// KindOffer is an offer of the directory. Offers hold no personal data: every staff role of the
// tenant reads them; the coordination and the tenant administration keep all of them, a team
// lead the offers of the own organisation. Published offers are also public (without login).
const KindOffer access.Kind = "offer"

func init() {
	read := access.Rule{}
	for _, r := range access.Roles {
		if r != access.PlatformAdmin {
			read[r] = access.Tenant
		}
	}
	write := access.Rule{access.Coordinator: access.Tenant, access.TenantAdmin: access.Tenant, access.TeamLead: access.Organisation}
	access.Register(KindOffer, map[access.Action]access.Rule{
		access.View: read, access.List: read,
		access.Create: write, access.Update: write, access.Delete: write, access.Manage: write,
	})
}
