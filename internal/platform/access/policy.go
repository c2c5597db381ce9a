package access

import (
	"math"
	"slices"
	"strconv"

	"kim/internal/platform/errs"
	"kim/internal/platform/ids"
)

// Kind is a kind of resource.
type Kind string

// The resource kinds of the platform. Rooms add their own kinds in their init functions via
// Register.
const (
	KindTenant       Kind = "tenant"
	KindOrganisation Kind = "organisation"
	KindLocation     Kind = "location"
	KindDistrict     Kind = "district"
	KindUser         Kind = "user"
	KindAudit        Kind = "audit"
	KindAccount      Kind = "account" // the actor's own account, sessions and tokens
)

// Action is something done to a resource.
type Action string

// The actions.
const (
	View   Action = "view"   // read one record
	List   Action = "list"   // list or search records
	Create Action = "create" // create a record
	Update Action = "update" // change a record
	Delete Action = "delete" // delete or disable a record
	Manage Action = "manage" // use the administration pages of a kind
)

// Reach is how far a role's permission extends.
type Reach int

// Reaches, from none to everything.
const (
	None         Reach = iota // never
	Self                      // the actor's own record only
	Assigned                  // records of the actor's organisation the actor is assigned to
	Organisation              // records of the actor's organisation
	Tenant                    // records of the actor's tenant
	All                       // records of every tenant (platform administration)
)

// Rule grants reaches per role for one kind and action.
type Rule map[Role]Reach

var rules = map[Kind]map[Action]Rule{}

// Register adds the rules of a kind. Rooms call it from init; a kind registered twice panics so
// that two rooms cannot silently disagree.
func Register(k Kind, r map[Action]Rule) {
	if _, dup := rules[k]; dup {
		panic("access: kind registered twice: " + string(k))
	}
	rules[k] = r
}

func staff(reach Reach) Rule {
	r := Rule{}
	for _, role := range Roles {
		if role != PlatformAdmin {
			r[role] = reach
		}
	}
	return r
}

func init() {
	admin := Rule{TenantAdmin: Tenant}
	// Directory data (organisations, locations, districts) is not personal; every staff role
	// of the tenant may read it, only the tenant administrator changes it.
	directory := map[Action]Rule{
		View: staff(Tenant), List: staff(Tenant),
		Create: admin, Update: admin, Delete: admin, Manage: admin,
	}
	Register(KindOrganisation, directory)
	Register(KindLocation, directory)
	Register(KindDistrict, directory)
	Register(KindUser, map[Action]Rule{
		View:   {TenantAdmin: Tenant, TeamLead: Organisation, DataProtectionOfficer: Tenant},
		List:   {TenantAdmin: Tenant, TeamLead: Organisation, DataProtectionOfficer: Tenant},
		Create: admin, Update: admin, Delete: admin, Manage: admin,
	})
	Register(KindAudit, map[Action]Rule{
		View: {DataProtectionOfficer: Tenant}, List: {DataProtectionOfficer: Tenant},
	})
	Register(KindTenant, map[Action]Rule{
		View: {PlatformAdmin: All}, List: {PlatformAdmin: All}, Create: {PlatformAdmin: All},
		Update: {PlatformAdmin: All}, Manage: {PlatformAdmin: All},
	})
	own := Rule{}
	for _, role := range Roles {
		own[role] = Self
	}
	Register(KindAccount, map[Action]Rule{View: own, Update: own, Create: own, Delete: own, List: own})
}

// ReachOf returns how far role r may perform action a on kind k.
func ReachOf(r Role, k Kind, a Action) Reach {
	if r == SystemRole {
		return All
	}
	return rules[k][a][r]
}

// Allowed reports whether the actor's role may perform the action on the kind at all (for
// navigation, and to answer 403 before looking anything up).
func Allowed(actor Actor, k Kind, a Action) bool {
	return !actor.Anonymous() && ReachOf(actor.Role, k, a) != None
}

// Resource identifies the record an action is aimed at.
type Resource struct {
	Kind           Kind
	TenantID       string
	OrganisationID string
	OwnerID        string   // the user the record belongs to (Self reach)
	Assignees      []string // the users assigned to the record (Assigned reach)
}

// Can decides whether actor may perform a on res. It returns nil, a Forbidden error when the role
// may never do this, or a NotFound error when the record lies outside the actor's reach, so
// that the existence of other organisations' and tenants' records is not revealed.
func Can(actor Actor, a Action, res Resource) error {
	if actor.Anonymous() {
		return errs.E(errs.Unauthorized, "error.unauthorized")
	}
	switch ReachOf(actor.Role, res.Kind, a) {
	case All:
		return nil
	case Tenant:
		if res.TenantID == actor.TenantID {
			return nil
		}
	case Organisation:
		if res.TenantID == actor.TenantID && res.OrganisationID == actor.OrganisationID {
			return nil
		}
	case Assigned:
		if res.TenantID == actor.TenantID && res.OrganisationID == actor.OrganisationID && slices.Contains(res.Assignees, actor.UserID) {
			return nil
		}
	case Self:
		if res.TenantID == actor.TenantID && res.OwnerID == actor.UserID {
			return nil
		}
	default:
		return errs.ErrForbidden
	}
	return errs.ErrNotFound
}

// Check answers 403 when the role may never perform a on k (before any lookup).
func Check(actor Actor, k Kind, a Action) error {
	if actor.Anonymous() {
		return errs.E(errs.Unauthorized, "error.unauthorized")
	}
	if !Allowed(actor, k, a) {
		return errs.ErrForbidden
	}
	return nil
}

// Filter is a SQL condition plus its arguments.
type Filter struct {
	SQL  string
	Args []any
}

// Scope returns the WHERE condition that limits a list of kind k to what actor may see with
// action a. Columns are qualified with alias (e.g. "o" for "o.tenant_id"); placeholders start at
// $next. The caller appends Args to its own arguments in order.
func Scope(actor Actor, k Kind, a Action, alias string, next int) Filter {
	col := func(c string) string {
		if alias == "" {
			return c
		}
		return alias + "." + c
	}
	ph := func(i int) string { return "$" + strconv.Itoa(next+i) }
	if actor.Anonymous() {
		return Filter{SQL: "1=0"}
	}
	switch ReachOf(actor.Role, k, a) {
	case All:
		return Filter{SQL: "1=1"}
	case Tenant:
		return Filter{SQL: col("tenant_id") + " = " + ph(0), Args: []any{actor.TenantID}}
	case Organisation:
		return Filter{SQL: col("tenant_id") + " = " + ph(0) + " AND " + col("organisation_id") + " = " + ph(1),
			Args: []any{actor.TenantID, actor.OrganisationID}}
	case Assigned:
		// Assigned records name their users in case_manager_id and deputy_id.
		return Filter{SQL: col("tenant_id") + " = " + ph(0) + " AND " + col("organisation_id") + " = " + ph(1) +
			" AND (" + col("case_manager_id") + " = " + ph(2) + " OR " + col("deputy_id") + " = " + ph(2) + ")",
			Args: []any{actor.TenantID, actor.OrganisationID, actor.UserID}}
	case Self:
		return Filter{SQL: col("tenant_id") + " = " + ph(0) + " AND " + col("user_id") + " = " + ph(1),
			Args: []any{actor.TenantID, actor.UserID}}
	}
	return Filter{SQL: "1=0"}
}

// Guard runs the checks that come before any lookup of one record: the role may do the action
// on kind k at all (403), the id is well-formed (404, so that a malformed id reads as an
// unknown one) and the version is in range (409; 0 means any version).
func Guard(actor Actor, k Kind, a Action, id string, version int) error {
	if err := Check(actor, k, a); err != nil {
		return err
	}
	if !ids.Valid(id) {
		return errs.ErrNotFound
	}
	if version < 0 || version > math.MaxInt32 {
		return errs.E(errs.Conflict, "error.conflict")
	}
	return nil
}
