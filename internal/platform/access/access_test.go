package access

import (
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"

	_ "modernc.org/sqlite"

	"kim/internal/platform/errs"
)

// This file is the documentation of the platform's permissions: the table below says, for every
// kind of record, who may do what and how far. The test fails when policy.go and this table
// disagree, so a change of a permission is always a change of this table too.

var actions = []Action{View, List, Create, Update, Delete, Manage}

// Short names for the table.
const (
	cm  = CaseManager
	tl  = TeamLead
	co  = Coordinator
	bm  = BodyMember
	nc  = NaturalisationClerk
	dpo = DataProtectionOfficer
	ta  = TenantAdmin
	pa  = PlatformAdmin
)

// allStaff is every role of a tenant (everyone but the platform administration).
var allStaff = []Role{cm, tl, co, bm, nc, dpo, ta}

type grant struct {
	roles []Role
	reach Reach
}

// expected lists the reaches per kind and action; roles not named have None.
var expected = map[Kind]map[Action][]grant{
	// Directory data is not personal: all staff of the tenant read it, the tenant admin changes it.
	KindOrganisation: {
		View: {{allStaff, Tenant}}, List: {{allStaff, Tenant}},
		Create: {{[]Role{ta}, Tenant}}, Update: {{[]Role{ta}, Tenant}}, Delete: {{[]Role{ta}, Tenant}}, Manage: {{[]Role{ta}, Tenant}},
	},
	KindLocation: {
		View: {{allStaff, Tenant}}, List: {{allStaff, Tenant}},
		Create: {{[]Role{ta}, Tenant}}, Update: {{[]Role{ta}, Tenant}}, Delete: {{[]Role{ta}, Tenant}}, Manage: {{[]Role{ta}, Tenant}},
	},
	KindDistrict: {
		View: {{allStaff, Tenant}}, List: {{allStaff, Tenant}},
		Create: {{[]Role{ta}, Tenant}}, Update: {{[]Role{ta}, Tenant}}, Delete: {{[]Role{ta}, Tenant}}, Manage: {{[]Role{ta}, Tenant}},
	},
	// Accounts: the tenant admin administers them; a team lead sees the own organisation's staff;
	// the data-protection officer sees all staff of the tenant (to read the audit trail).
	KindUser: {
		View:   {{[]Role{ta, dpo}, Tenant}, {[]Role{tl}, Organisation}},
		List:   {{[]Role{ta, dpo}, Tenant}, {[]Role{tl}, Organisation}},
		Create: {{[]Role{ta}, Tenant}}, Update: {{[]Role{ta}, Tenant}}, Delete: {{[]Role{ta}, Tenant}}, Manage: {{[]Role{ta}, Tenant}},
	},
	// The audit trail: the data-protection officer only, and read-only.
	KindAudit: {
		View: {{[]Role{dpo}, Tenant}}, List: {{[]Role{dpo}, Tenant}},
	},
	// Tenants: the platform administration only; tenants are disabled, never deleted.
	KindTenant: {
		View: {{[]Role{pa}, All}}, List: {{[]Role{pa}, All}}, Create: {{[]Role{pa}, All}},
		Update: {{[]Role{pa}, All}}, Manage: {{[]Role{pa}, All}},
	},
	// The own account, sessions and tokens: every role, only the own.
	KindAccount: {
		View: {{Roles, Self}}, List: {{Roles, Self}}, Create: {{Roles, Self}}, Update: {{Roles, Self}}, Delete: {{Roles, Self}},
	},
}

func expectedReach(r Role, k Kind, a Action) Reach {
	for _, g := range expected[k][a] {
		if slices.Contains(g.roles, r) {
			return g.reach
		}
	}
	return None
}

func TestReachMatchesThePolicyTable(t *testing.T) {
	var registered []string
	for k := range rules {
		registered = append(registered, string(k))
	}
	var documented []string
	for k := range expected {
		documented = append(documented, string(k))
	}
	sort.Strings(registered)
	sort.Strings(documented)
	if !slices.Equal(registered, documented) {
		t.Fatalf("registered kinds %v, documented kinds %v", registered, documented)
	}
	for k, byAction := range rules {
		for a := range byAction {
			if !slices.Contains(actions, a) {
				t.Errorf("kind %s has a rule for unknown action %q", k, a)
			}
		}
	}
	for k := range expected {
		for _, a := range actions {
			for _, r := range Roles {
				if got, want := ReachOf(r, k, a), expectedReach(r, k, a); got != want {
					t.Errorf("%s may %s %s with reach %d, the table says %d", r, a, k, got, want)
				}
				if got, want := Allowed(Actor{UserID: "u", Role: r}, k, a), expectedReach(r, k, a) != None; got != want {
					t.Errorf("Allowed(%s, %s, %s) = %v, want %v", r, k, a, got, want)
				}
			}
		}
	}
	// Unknown kinds, actions and roles grant nothing.
	for _, r := range Roles {
		if ReachOf(r, "no-such-kind", View) != None || ReachOf(r, KindOrganisation, "no-such-action") != None {
			t.Errorf("%s reaches an unknown kind or action", r)
		}
	}
	if ReachOf("no-such-role", KindAccount, View) != None || ReachOf("", KindAccount, View) != None {
		t.Error("an unknown role reaches something")
	}
}

func TestRegisterTwicePanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("registering a kind twice did not panic")
		}
	}()
	Register(KindOrganisation, map[Action]Rule{})
}

func TestRoles(t *testing.T) {
	for _, r := range Roles {
		if !r.Valid() {
			t.Errorf("%s is not valid", r)
		}
	}
	for _, r := range []Role{"", "admin", SystemRole, "Tenant_Admin"} {
		if r.Valid() {
			t.Errorf("%q is valid", r)
		}
	}
	// Everyone who can see personal data of clients, staff or the audit trail needs a second factor.
	for _, r := range Roles {
		want := r != Coordinator && r != BodyMember
		if r.RequiresMFA() != want {
			t.Errorf("%s: RequiresMFA = %v, want %v", r, r.RequiresMFA(), want)
		}
	}
}

func TestAssignable(t *testing.T) {
	for _, by := range append(slices.Clone(Roles), SystemRole, "") {
		for _, r := range append(slices.Clone(Roles), SystemRole, "nonsense") {
			want := false
			switch by {
			case PlatformAdmin, SystemRole:
				want = r.Valid()
			case TenantAdmin:
				want = r.Valid() && r != PlatformAdmin
			}
			if got := Assignable(by, r); got != want {
				t.Errorf("Assignable(%q, %q) = %v, want %v", by, r, got, want)
			}
		}
	}
	if Assignable(TenantAdmin, PlatformAdmin) {
		t.Fatal("a tenant administrator can create a platform administrator")
	}
	if Assignable(TenantAdmin, SystemRole) || Assignable(PlatformAdmin, SystemRole) {
		t.Fatal("the system role can be given to an account")
	}
}

// The actor and the records around it: own organisation (o1) and another one (o2) in tenant t1,
// and a record of another tenant (t2) with the same organisation and owner ids, so that a check
// that forgot the tenant would be caught.
const (
	t1, t2 = "tenant-1", "tenant-2"
	o1, o2 = "org-1", "org-2"
	me     = "user-me"
	other  = "user-other"
)

type place struct {
	name string
	res  Resource
	// which reaches cover it
	self, org, tenant bool
}

func places(k Kind) []place {
	return []place{
		{"own record", Resource{Kind: k, TenantID: t1, OrganisationID: o1, OwnerID: me}, true, true, true},
		{"colleague's record", Resource{Kind: k, TenantID: t1, OrganisationID: o1, OwnerID: other}, false, true, true},
		{"other organisation", Resource{Kind: k, TenantID: t1, OrganisationID: o2, OwnerID: other}, false, false, true},
		{"own id, other organisation", Resource{Kind: k, TenantID: t1, OrganisationID: o2, OwnerID: me}, true, false, true},
		{"other tenant", Resource{Kind: k, TenantID: t2, OrganisationID: o2, OwnerID: other}, false, false, false},
		{"other tenant, same ids", Resource{Kind: k, TenantID: t2, OrganisationID: o1, OwnerID: me}, false, false, false},
	}
}

func actorFor(r Role) Actor {
	return Actor{UserID: me, TenantID: t1, OrganisationID: o1, Role: r}
}

func TestCanForbiddenVersusNotFound(t *testing.T) {
	for k := range expected {
		for _, a := range actions {
			for _, r := range Roles {
				reach := expectedReach(r, k, a)
				for _, p := range places(k) {
					err := Can(actorFor(r), a, p.res)
					var want error
					switch {
					case reach == None:
						want = errs.ErrForbidden
					case reach == All,
						reach == Tenant && p.tenant,
						reach == Organisation && p.org,
						reach == Self && p.self:
						want = nil
					default:
						// Outside the reach: the record's existence is not revealed.
						want = errs.ErrNotFound
					}
					if !errors.Is(err, want) {
						t.Errorf("%s %s %s (%s): got %v, want %v", r, a, k, p.name, err, want)
					}
				}
				// Check answers 403 exactly when the role may never act.
				err := Check(actorFor(r), k, a)
				if (reach == None) != (err != nil) || (err != nil && errs.CodeOf(err) != errs.Forbidden) {
					t.Errorf("Check(%s, %s, %s) = %v", r, k, a, err)
				}
			}
		}
	}
}

func TestAnonymousIsUnauthorized(t *testing.T) {
	anon := Actor{TenantID: t1, OrganisationID: o1, Role: TenantAdmin} // a role without a user is still anonymous
	if !anon.Anonymous() {
		t.Fatal("an actor without user id is not anonymous")
	}
	for k := range expected {
		for _, a := range actions {
			if err := Can(anon, a, Resource{Kind: k, TenantID: t1, OrganisationID: o1}); errs.CodeOf(err) != errs.Unauthorized {
				t.Errorf("Can(anonymous, %s, %s) = %v", a, k, err)
			}
			if err := Check(anon, k, a); errs.CodeOf(err) != errs.Unauthorized {
				t.Errorf("Check(anonymous, %s, %s) = %v", k, a, err)
			}
			if Allowed(anon, k, a) {
				t.Errorf("Allowed(anonymous, %s, %s)", k, a)
			}
			if f := Scope(anon, k, a, "x", 1); f.SQL != "1=0" || len(f.Args) != 0 {
				t.Errorf("Scope(anonymous, %s, %s) = %+v", k, a, f)
			}
		}
	}
}

func TestSystemActorMayDoEverything(t *testing.T) {
	sys := System(t1)
	if sys.Anonymous() || sys.Role != SystemRole || sys.TenantID != t1 {
		t.Fatalf("System() = %+v", sys)
	}
	kinds := []Kind{"no-such-kind"}
	for k := range expected {
		kinds = append(kinds, k)
	}
	for _, k := range kinds {
		for _, a := range actions {
			for _, p := range places(k) {
				if err := Can(sys, a, p.res); err != nil {
					t.Errorf("system %s %s (%s): %v", a, k, p.name, err)
				}
			}
			if f := Scope(sys, k, a, "x", 1); f.SQL != "1=1" {
				t.Errorf("Scope(system, %s, %s) = %+v", k, a, f)
			}
		}
	}
}

// TestScopeSelectsWhatCanAllows runs every Scope filter against a real table and checks that it
// selects exactly the rows Can allows: a list never shows a row that opening it would refuse,
// and never hides one it would allow.
func TestScopeSelectsWhatCanAllows(t *testing.T) {
	conn, err := sql.Open("sqlite", ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetMaxOpenConns(1)
	if _, err := conn.Exec(`CREATE TABLE records (id TEXT PRIMARY KEY, tenant_id TEXT NOT NULL,
		organisation_id TEXT NOT NULL, user_id TEXT NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	rows := map[string]Resource{}
	for _, p := range places("") {
		id := strings.ReplaceAll(p.name, " ", "_")
		rows[id] = p.res
		if _, err := conn.Exec("INSERT INTO records VALUES ($1, $2, $3, $4)", id, p.res.TenantID, p.res.OrganisationID, p.res.OwnerID); err != nil {
			t.Fatal(err)
		}
	}
	actors := []Actor{System(t1), {}}
	for _, r := range Roles {
		actors = append(actors, actorFor(r))
	}
	for k := range expected {
		for _, a := range actions {
			for _, actor := range actors {
				for _, alias := range []string{"", "r"} {
					// A leading argument shows that placeholders start at next.
					f := Scope(actor, k, a, alias, 2)
					query := fmt.Sprintf("SELECT r.id FROM records r WHERE r.id <> $1 AND (%s) ORDER BY r.id", f.SQL)
					if alias == "" {
						query = fmt.Sprintf("SELECT id FROM records WHERE id <> $1 AND (%s) ORDER BY id", f.SQL)
					}
					res, err := conn.Query(query, append([]any{"none"}, f.Args...)...)
					if err != nil {
						t.Fatalf("%s %s %s: %q: %v", actor.Role, a, k, query, err)
					}
					var got []string
					for res.Next() {
						var id string
						if err := res.Scan(&id); err != nil {
							t.Fatal(err)
						}
						got = append(got, id)
					}
					res.Close()
					var want []string
					for id, rr := range rows {
						rr.Kind = k
						if Can(actor, a, rr) == nil {
							want = append(want, id)
						}
					}
					sort.Strings(want)
					if !slices.Equal(got, want) {
						t.Errorf("%q %s %s (alias %q): Scope selects %v, Can allows %v", actor.Role, a, k, alias, got, want)
					}
				}
			}
		}
	}
}

func TestScopeSQLShape(t *testing.T) {
	a := actorFor(TeamLead)
	f := Scope(a, KindUser, List, "u", 3)
	if f.SQL != "u.tenant_id = $3 AND u.organisation_id = $4" || !slices.Equal(f.Args, []any{t1, o1}) {
		t.Fatalf("team lead user scope = %+v", f)
	}
	f = Scope(actorFor(CaseManager), KindAccount, View, "", 1)
	if f.SQL != "tenant_id = $1 AND user_id = $2" || !slices.Equal(f.Args, []any{t1, me}) {
		t.Fatalf("own account scope = %+v", f)
	}
	f = Scope(actorFor(CaseManager), KindAudit, List, "a", 1)
	if f.SQL != "1=0" {
		t.Fatalf("case manager audit scope = %+v", f)
	}
}
