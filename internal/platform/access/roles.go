// Package access is the one place that decides who may do what. Every service asks Can before it
// acts on a resource, and every list query takes its WHERE clause from Scope, so a list can never
// show a row that Can would refuse. Decisions depend on role, organisation and tenant; later
// rooms add consent as a further condition.
package access

import "slices"

// Role is a user's role. Each account has exactly one.
type Role string

// The roles.
const (
	CaseManager           Role = "case_manager"
	TeamLead              Role = "team_lead"
	Coordinator           Role = "coordinator"
	BodyMember            Role = "body_member"
	NaturalisationClerk   Role = "naturalisation_clerk"
	DataProtectionOfficer Role = "data_protection_officer"
	TenantAdmin           Role = "tenant_admin"
	PlatformAdmin         Role = "platform_admin"
)

// Roles lists all roles in display order.
var Roles = []Role{CaseManager, TeamLead, Coordinator, BodyMember, NaturalisationClerk,
	DataProtectionOfficer, TenantAdmin, PlatformAdmin}

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return slices.Contains(Roles, r) }

// RequiresMFA reports whether accounts with this role must use a second factor. It is required for
// every role that can see personal data of clients, staff or the audit trail. The coordination and
// body members see aggregates, anonymous barrier reports and meeting documents only.
func (r Role) RequiresMFA() bool {
	switch r {
	case Coordinator, BodyMember:
		return false
	}
	return true
}

// Assignable reports whether an actor with role by may give role r to an account. Tenant
// administrators cannot create platform administrators (no privilege above their own).
func Assignable(by, r Role) bool {
	switch by {
	case PlatformAdmin, SystemRole:
		return r.Valid()
	case TenantAdmin:
		return r.Valid() && r != PlatformAdmin
	}
	return false
}

// Actor is the authenticated user on whose behalf a service call runs.
type Actor struct {
	UserID         string
	TenantID       string
	TenantSlug     string
	OrganisationID string
	Role           Role
	Name           string
	Email          string
	Language       string
}

// Anonymous reports whether no user is authenticated.
func (a Actor) Anonymous() bool { return a.UserID == "" }

// SystemRole is the role of operator commands on the command line (seeding, user
// administration by the operator). No account can hold it.
const SystemRole Role = "system"

// System returns the actor for operator commands in a tenant. It may do everything; audit
// entries name it "system".
func System(tenantID string) Actor {
	return Actor{UserID: "system", TenantID: tenantID, Role: SystemRole, Name: "system"}
}
