package directory_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"kim/internal/accounts"
	"kim/internal/apptest"
	"kim/internal/directory"
	"kim/internal/platform/access"
	"kim/internal/platform/audit"
	"kim/internal/platform/db"
	"kim/internal/platform/errs"
	"kim/internal/platform/web"
)

var bg = context.Background()

type svcSuite struct {
	t     *testing.T
	env   *apptest.Env
	f     *apptest.Fixtures
	s     *directory.Service
	admin access.Actor // tenant administrator of alpha
	cm    access.Actor // case manager of alpha (reads only)
	sysB  access.Actor // operator in tenant beta
}

func newSvcSuite(t *testing.T, e apptest.Engine) *svcSuite {
	env := apptest.New(t, e, apptest.Options{})
	f := env.Seed()
	return &svcSuite{t: t, env: env, f: f, s: env.App.Dir,
		admin: f.Users[access.TenantAdmin].Actor("alpha"), cm: f.Users[access.CaseManager].Actor("alpha"),
		sysB: access.System(f.TenantB.ID)}
}

// eachSvcEngine runs fn with a fresh seeded instance on every engine.
func eachSvcEngine(t *testing.T, fn func(t *testing.T, s *svcSuite)) {
	for _, e := range apptest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			currentT = t
			fn(t, newSvcSuite(t, e))
		})
	}
}

// currentT is the running (sub)test; the tests of this package do not run in parallel.
var currentT *testing.T

// must returns v and fails the currentT test on err.
func mustOK[T any](v T, err error) T {
	currentT.Helper()
	if err != nil {
		currentT.Fatalf("unexpected error: %v", err)
	}
	return v
}

func wantCode(t *testing.T, err error, code errs.Code, what string) {
	t.Helper()
	if errs.CodeOf(err) != code || err == nil {
		t.Errorf("%s: error %v, want %s", what, err, code)
	}
}

func wantFieldErr(t *testing.T, err error, field, msg, what string) {
	t.Helper()
	e := errs.As(err)
	got := e.Fields[field].ID
	// A message given as ".name" matches any catalogue section (the room's keys may move).
	if err == nil || e.Code != errs.Invalid || (got != msg && !(strings.HasPrefix(msg, ".") && strings.HasSuffix(got, msg))) {
		t.Errorf("%s: error %v (fields %v), want %s: %s", what, err, e.Fields, field, msg)
	}
}

// actions returns the audit actions recorded for an object, oldest first, and checks the actor.
func (s *svcSuite) actions(tenantID, objectID, actorID string) []string {
	s.t.Helper()
	var found []audit.Found
	err := s.env.DB().Read(bg, func(tx *db.Tx) (err error) {
		found, _, err = audit.Search(bg, tx, tenantID, audit.Filter{ObjectID: objectID}, 100, 0)
		return err
	})
	if err != nil {
		s.t.Fatal(err)
	}
	var out []string
	for i := len(found) - 1; i >= 0; i-- {
		if found[i].ActorID != actorID {
			s.t.Errorf("%s by %q, want %q", found[i].Action, found[i].ActorID, actorID)
		}
		out = append(out, found[i].Action)
	}
	return out
}

func (s *svcSuite) auditTotal(tenantID string) int {
	s.t.Helper()
	var n int
	if err := s.env.DB().Read(bg, func(tx *db.Tx) (err error) {
		_, n, err = audit.Search(bg, tx, tenantID, audit.Filter{}, 1, 0)
		return err
	}); err != nil {
		s.t.Fatal(err)
	}
	return n
}

func TestOrganisationLifecycle(t *testing.T) {
	eachSvcEngine(t, func(t *testing.T, s *svcSuite) {
		o := mustOK(s.s.CreateOrganisation(bg, s.admin, directory.OrganisationInput{Name: "  Caritas \t Alpha ", ShortName: "CA",
			Type: directory.OrgWelfare, Regime: directory.RegimeKDG, KIMCarrier: true, Email: " INFO@Caritas.example ", Website: "https://caritas.example"}))
		if o.Name != "Caritas Alpha" || o.Email != "info@caritas.example" || o.Version != 1 || o.TenantID != s.f.TenantA.ID {
			t.Fatalf("created %+v", o)
		}
		got := mustOK(s.s.GetOrganisation(bg, s.cm, o.ID))
		if got.Name != o.Name || got.Type != directory.OrgWelfare || got.Regime != directory.RegimeKDG || !got.KIMCarrier ||
			got.Website != "https://caritas.example" || !got.CreatedAt.Equal(s.env.Clock.Now()) {
			t.Fatalf("read back %+v", got)
		}
		in := directory.OrganisationInput{Name: "Caritas Alpha e.V.", Type: directory.OrgWelfare, Regime: directory.RegimeKDG, Version: 1}
		up := mustOK(s.s.UpdateOrganisation(bg, s.admin, o.ID, in))
		if up.Name != "Caritas Alpha e.V." || up.Version != 2 || up.KIMCarrier {
			t.Fatalf("updated %+v", up)
		}
		in.Name = "Lost update"
		_, err := s.s.UpdateOrganisation(bg, s.admin, o.ID, in) // still version 1
		wantCode(t, err, errs.Conflict, "stale update")
		if got := mustOK(s.s.GetOrganisation(bg, s.admin, o.ID)); got.Name != "Caritas Alpha e.V." || got.Version != 2 {
			t.Errorf("stale update changed the record: %+v", got)
		}

		_, err = s.s.CreateOrganisation(bg, s.cm, directory.OrganisationInput{Name: "X", Type: directory.OrgClub, Regime: directory.RegimeGDPRBDSG})
		wantCode(t, err, errs.Forbidden, "case manager creates")
		_, err = s.s.UpdateOrganisation(bg, s.cm, o.ID, in)
		wantCode(t, err, errs.Forbidden, "case manager updates")
		wantCode(t, s.s.DeleteOrganisation(bg, s.cm, o.ID), errs.Forbidden, "case manager deletes")

		if err := s.s.DeleteOrganisation(bg, s.admin, o.ID); err != nil {
			t.Fatal(err)
		}
		_, err = s.s.GetOrganisation(bg, s.admin, o.ID)
		wantCode(t, err, errs.NotFound, "get after delete")
		wantCode(t, s.s.DeleteOrganisation(bg, s.admin, o.ID), errs.NotFound, "delete twice")
		want := []string{"organisation.create", "organisation.update", "organisation.delete"}
		if got := s.actions(s.f.TenantA.ID, o.ID, s.admin.UserID); !slices.Equal(got, want) {
			t.Errorf("audit %v, want %v", got, want)
		}
	})
}

func TestValidationNamesFields(t *testing.T) {
	eachSvcEngine(t, func(t *testing.T, s *svcSuite) {
		org := func(mod func(*directory.OrganisationInput)) error {
			in := directory.OrganisationInput{Name: "Neu", Type: directory.OrgClub, Regime: directory.RegimeGDPRBDSG}
			mod(&in)
			_, err := s.s.CreateOrganisation(bg, s.admin, in)
			return err
		}
		loc := func(mod func(*directory.LocationInput)) error {
			in := directory.LocationInput{OrganisationID: s.f.OrgA1.ID, Name: "Neu"}
			mod(&in)
			_, err := s.s.CreateLocation(bg, s.admin, in)
			return err
		}
		before := s.auditTotal(s.f.TenantA.ID)
		for _, c := range []struct {
			name, field, msg string
			err              error
		}{
			{"org without name", "name", "validation.required", org(func(in *directory.OrganisationInput) { in.Name = " \t " })},
			{"org name too long", "name", "validation.too_long", org(func(in *directory.OrganisationInput) { in.Name = strings.Repeat("x", 201) })},
			{"org short name too long", "short_name", "validation.too_long", org(func(in *directory.OrganisationInput) { in.ShortName = strings.Repeat("x", 41) })},
			{"org without type", "type", "validation.required", org(func(in *directory.OrganisationInput) { in.Type = "" })},
			{"org unknown type", "type", "validation.choice", org(func(in *directory.OrganisationInput) { in.Type = "bank" })},
			{"org unknown regime", "data_protection_regime", "validation.choice", org(func(in *directory.OrganisationInput) { in.Regime = "none" })},
			{"org bad e-mail", "email", "validation.email", org(func(in *directory.OrganisationInput) { in.Email = "Name <a@b.de>" })},
			{"org bad phone", "phone", "validation.phone", org(func(in *directory.OrganisationInput) { in.Phone = "call me" })},
			{"org bad website", "website", "validation.url", org(func(in *directory.OrganisationInput) { in.Website = "javascript:alert(1)" })},
			{"location without organisation", "organisation_id", "validation.required", loc(func(in *directory.LocationInput) { in.OrganisationID = "" })},
			{"location without name", "name", "validation.required", loc(func(in *directory.LocationInput) { in.Name = "" })},
			{"location bad postcode", "postcode", "validation.postcode", loc(func(in *directory.LocationInput) { in.Postcode = "4265" })},
			{"location unknown language", "languages", "validation.choice", loc(func(in *directory.LocationInput) { in.Languages = []string{"de", "klingon"} })},
			{"location bad e-mail", "email", "validation.email", loc(func(in *directory.LocationInput) { in.Email = "kein-at.example" })},
			{"location malformed organisation id", "organisation_id", "validation.not_found", loc(func(in *directory.LocationInput) { in.OrganisationID = "1; DROP TABLE x" })},
			{"location unknown organisation", "organisation_id", "validation.not_found", loc(func(in *directory.LocationInput) { in.OrganisationID = s.f.LocA1.ID })},
			{"location with another tenant's organisation", "organisation_id", "validation.not_found", loc(func(in *directory.LocationInput) { in.OrganisationID = s.f.OrgB1.ID })},
			{"location with another tenant's district", "district_id", "validation.not_found", loc(func(in *directory.LocationInput) { in.DistrictID = s.f.DistrictB.ID })},
			{"location with another tenant's quarter", "quarter_id", "validation.not_found", loc(func(in *directory.LocationInput) { in.QuarterID = s.f.QuarterB.ID })},
			{"district without name", "name", "validation.required", func() error {
				_, err := s.s.CreateDistrict(bg, s.admin, directory.DistrictInput{Code: "9"})
				return err
			}()},
			{"district code too long", "code", "validation.too_long", func() error {
				_, err := s.s.CreateDistrict(bg, s.admin, directory.DistrictInput{Name: "Neu", Code: strings.Repeat("1", 21)})
				return err
			}()},
			{"quarter without name", "name", "validation.required", func() error {
				_, err := s.s.AddQuarter(bg, s.admin, s.f.DistrictA.ID, directory.QuarterInput{Name: ""})
				return err
			}()},
			{"tenant with bad slug", "slug", "validation.slug", func() error {
				_, _, err := s.s.CreateTenant(bg, access.System(""), directory.TenantInput{Slug: "Köln!", Name: "Köln"})
				return err
			}()},
		} {
			wantFieldErr(t, c.err, c.field, c.msg, c.name)
		}
		if after := s.auditTotal(s.f.TenantA.ID); after != before {
			t.Errorf("rejected input left %d audit entries", after-before)
		}
	})
}

func TestUniqueNamesBecomeFieldErrors(t *testing.T) {
	eachSvcEngine(t, func(t *testing.T, s *svcSuite) {
		in := directory.OrganisationInput{Name: s.f.OrgA2.Name, Type: directory.OrgWelfare, Regime: directory.RegimeGDPRBDSG}
		_, err := s.s.CreateOrganisation(bg, s.admin, in)
		wantFieldErr(t, err, "name", "validation.unique", "duplicate organisation")
		// The same name is free in another tenant.
		mustOK(s.s.CreateOrganisation(bg, s.sysB, in))
		other := mustOK(s.s.CreateOrganisation(bg, s.admin, directory.OrganisationInput{Name: "Drittes", Type: directory.OrgClub, Regime: directory.RegimeGDPRBDSG}))
		in.Version = other.Version
		_, err = s.s.UpdateOrganisation(bg, s.admin, other.ID, in)
		wantFieldErr(t, err, "name", "validation.unique", "rename organisation to a taken name")

		_, err = s.s.CreateDistrict(bg, s.admin, directory.DistrictInput{Name: s.f.DistrictA.Name})
		wantFieldErr(t, err, "name", "validation.unique", "duplicate district")
		d2 := mustOK(s.s.CreateDistrict(bg, s.admin, directory.DistrictInput{Name: "Alpha-Süd"}))
		_, err = s.s.UpdateDistrict(bg, s.admin, d2.ID, directory.DistrictInput{Name: s.f.DistrictA.Name})
		wantFieldErr(t, err, "name", "validation.unique", "rename district to a taken name")
		_, err = s.s.AddQuarter(bg, s.admin, s.f.DistrictA.ID, directory.QuarterInput{Name: s.f.QuarterA.Name})
		wantFieldErr(t, err, "name", "validation.unique", "duplicate quarter")
		q2 := mustOK(s.s.AddQuarter(bg, s.admin, d2.ID, directory.QuarterInput{Name: s.f.QuarterA.Name})) // other district: fine
		q3 := mustOK(s.s.AddQuarter(bg, s.admin, d2.ID, directory.QuarterInput{Name: "Hafen"}))
		_, err = s.s.RenameQuarter(bg, s.admin, q3.ID, directory.QuarterInput{Name: q2.Name})
		wantFieldErr(t, err, "name", "validation.unique", "rename quarter to a taken name")

		_, err = s.s.CreateLocation(bg, s.admin, directory.LocationInput{OrganisationID: s.f.OrgA1.ID, Name: s.f.LocA1.Name})
		wantFieldErr(t, err, "name", "validation.unique", "duplicate location")
		mustOK(s.s.CreateLocation(bg, s.admin, directory.LocationInput{OrganisationID: s.f.OrgA2.ID, Name: s.f.LocA1.Name}))

		_, _, err = s.s.CreateTenant(bg, access.System(""), directory.TenantInput{Slug: "alpha", Name: "Noch ein Alpha"})
		wantFieldErr(t, err, "slug", "validation.unique", "duplicate tenant slug")
	})
}

func TestDistrictsAndQuarters(t *testing.T) {
	eachSvcEngine(t, func(t *testing.T, s *svcSuite) {
		d := mustOK(s.s.CreateDistrict(bg, s.admin, directory.DistrictInput{Name: "Alpha-Nord", Code: "2"}))
		q := mustOK(s.s.AddQuarter(bg, s.admin, d.ID, directory.QuarterInput{Name: "Nordpark"}))
		got := mustOK(s.s.GetDistrict(bg, s.cm, d.ID))
		if got.Name != "Alpha-Nord" || got.Code != "2" || len(got.Quarters) != 1 || got.Quarters[0].ID != q.ID || q.DistrictID != d.ID {
			t.Fatalf("district %+v", got)
		}
		q = mustOK(s.s.RenameQuarter(bg, s.admin, q.ID, directory.QuarterInput{Name: "Nordpark-Siedlung", Version: q.Version}))
		_, err := s.s.RenameQuarter(bg, s.admin, q.ID, directory.QuarterInput{Name: "Stale", Version: 1})
		wantCode(t, err, errs.Conflict, "stale quarter rename")
		d = mustOK(s.s.UpdateDistrict(bg, s.admin, d.ID, directory.DistrictInput{Name: "Alpha-Nordost", Code: "2", Version: d.Version}))
		_, err = s.s.UpdateDistrict(bg, s.admin, d.ID, directory.DistrictInput{Name: "Stale", Version: 1})
		wantCode(t, err, errs.Conflict, "stale district update")
		if got := mustOK(s.s.GetDistrict(bg, s.admin, d.ID)); got.Name != "Alpha-Nordost" || got.Quarters[0].Name != "Nordpark-Siedlung" {
			t.Errorf("after stale updates: %+v", got)
		}

		wantCode(t, s.s.DeleteDistrict(bg, s.admin, d.ID), errs.Conflict, "delete district with quarters")
		// A quarter or district that a location uses cannot be deleted.
		l := mustOK(s.s.CreateLocation(bg, s.admin, directory.LocationInput{OrganisationID: s.f.OrgA1.ID, Name: "Nordtreff", QuarterID: q.ID}))
		wantCode(t, s.s.DeleteQuarter(bg, s.admin, q.ID), errs.Conflict, "delete quarter in use")
		mustOK(s.s.UpdateLocation(bg, s.admin, l.ID, directory.LocationInput{OrganisationID: s.f.OrgA1.ID, Name: "Nordtreff", DistrictID: d.ID, Version: l.Version}))
		if err := s.s.DeleteQuarter(bg, s.admin, q.ID); err != nil {
			t.Fatal(err)
		}
		wantCode(t, s.s.DeleteDistrict(bg, s.admin, d.ID), errs.Conflict, "delete district in use")
		if err := s.s.DeleteLocation(bg, s.admin, l.ID); err != nil {
			t.Fatal(err)
		}
		if err := s.s.DeleteDistrict(bg, s.admin, d.ID); err != nil {
			t.Fatal(err)
		}
		_, err = s.s.GetDistrict(bg, s.admin, d.ID)
		wantCode(t, err, errs.NotFound, "district after delete")
		_, err = s.s.GetQuarter(bg, s.admin, q.ID)
		wantCode(t, err, errs.NotFound, "quarter after delete")

		for obj, want := range map[string][]string{
			d.ID: {"district.create", "district.update", "district.delete"},
			q.ID: {"quarter.create", "quarter.update", "quarter.delete"},
			l.ID: {"location.create", "location.update", "location.delete"},
		} {
			if got := s.actions(s.f.TenantA.ID, obj, s.admin.UserID); !slices.Equal(got, want) {
				t.Errorf("audit %v, want %v", got, want)
			}
		}
	})
}

func TestLocationPlaces(t *testing.T) {
	eachSvcEngine(t, func(t *testing.T, s *svcSuite) {
		nord := mustOK(s.s.CreateDistrict(bg, s.admin, directory.DistrictInput{Name: "Alpha-Nord"}))
		park := mustOK(s.s.AddQuarter(bg, s.admin, nord.ID, directory.QuarterInput{Name: "Nordpark"}))
		// The district is taken from the quarter when it is missing.
		l := mustOK(s.s.CreateLocation(bg, s.admin, directory.LocationInput{OrganisationID: s.f.OrgA2.ID, Name: "Treff", Postcode: "42651",
			QuarterID: park.ID, Languages: []string{"ar", "de", "ar"}, StepFree: true, OpeningHours: "Mo 9–12\nDi 14–16"}))
		if l.DistrictID != nord.ID || l.DistrictName != "Alpha-Nord" || l.QuarterName != "Nordpark" || l.OrganisationName != s.f.OrgA2.Name ||
			!slices.Equal(l.Languages, []string{"ar", "de"}) || !l.StepFree || l.OpeningHours != "Mo 9–12\nDi 14–16" || l.Version != 1 {
			t.Fatalf("created %+v", l)
		}
		// A quarter must lie in the location's district.
		_, err := s.s.CreateLocation(bg, s.admin, directory.LocationInput{OrganisationID: s.f.OrgA2.ID, Name: "Falsch", DistrictID: s.f.DistrictA.ID, QuarterID: park.ID})
		wantFieldErr(t, err, "quarter_id", ".quarter_outside", "quarter outside district")
		in := directory.LocationInput{OrganisationID: s.f.OrgA2.ID, Name: "Treff", DistrictID: nord.ID, QuarterID: s.f.QuarterA.ID, Version: 1}
		_, err = s.s.UpdateLocation(bg, s.admin, l.ID, in)
		wantFieldErr(t, err, "quarter_id", ".quarter_outside", "update to a quarter outside the district")
		// Without district and quarter.
		in = directory.LocationInput{OrganisationID: s.f.OrgA1.ID, Name: "Treff am Markt", Version: 1}
		up := mustOK(s.s.UpdateLocation(bg, s.admin, l.ID, in))
		if up.DistrictID != "" || up.QuarterID != "" || up.OrganisationID != s.f.OrgA1.ID || len(up.Languages) != 0 || up.Version != 2 {
			t.Fatalf("updated %+v", up)
		}
		_, err = s.s.UpdateLocation(bg, s.admin, l.ID, in)
		wantCode(t, err, errs.Conflict, "stale location update")
		_, err = s.s.UpdateLocation(bg, s.cm, l.ID, in)
		wantCode(t, err, errs.Forbidden, "case manager updates a location")
		if got := mustOK(s.s.GetLocation(bg, s.cm, l.ID)); got.Name != "Treff am Markt" || got.Version != 2 {
			t.Errorf("read back %+v", got)
		}
	})
}

func TestDeleteOrganisationInUse(t *testing.T) {
	eachSvcEngine(t, func(t *testing.T, s *svcSuite) {
		before := s.auditTotal(s.f.TenantA.ID)
		err := s.s.DeleteOrganisation(bg, s.admin, s.f.OrgA2.ID)
		if e := errs.As(err); e.Code != errs.Conflict || !strings.HasSuffix(e.Message.ID, ".has_locations") {
			t.Errorf("delete organisation with locations: %v", err)
		}
		// An organisation with a user but no location.
		o := mustOK(s.s.CreateOrganisation(bg, s.admin, directory.OrganisationInput{Name: "Verein", Type: directory.OrgClub, Regime: directory.RegimeGDPRBDSG}))
		mustOK(s.env.App.Accounts.CreateUser(bg, s.admin, userInput(o.ID)))
		before += 2
		err = s.s.DeleteOrganisation(bg, s.admin, o.ID)
		if e := errs.As(err); e.Code != errs.Conflict || !strings.HasSuffix(e.Message.ID, ".in_use") {
			t.Errorf("delete organisation with users: %v", err)
		}
		for _, id := range []string{s.f.OrgA2.ID, o.ID} {
			if _, err := s.s.GetOrganisation(bg, s.admin, id); err != nil {
				t.Errorf("organisation %s gone after refused delete: %v", id, err)
			}
		}
		if got := mustOK(s.s.GetLocation(bg, s.admin, s.f.LocA2.ID)); got.OrganisationID != s.f.OrgA2.ID {
			t.Errorf("location changed: %+v", got)
		}
		if after := s.auditTotal(s.f.TenantA.ID); after != before {
			t.Errorf("refused deletes left %d audit entries", after-before)
		}
	})
}

func TestOtherTenantsRecordsStayHidden(t *testing.T) {
	eachSvcEngine(t, func(t *testing.T, s *svcSuite) {
		for _, actor := range []access.Actor{s.admin, s.cm} {
			_, err := s.s.GetOrganisation(bg, actor, s.f.OrgB1.ID)
			wantCode(t, err, errs.NotFound, "get organisation of tenant B")
			_, err = s.s.GetLocation(bg, actor, s.f.LocB1.ID)
			wantCode(t, err, errs.NotFound, "get location of tenant B")
			_, err = s.s.GetDistrict(bg, actor, s.f.DistrictB.ID)
			wantCode(t, err, errs.NotFound, "get district of tenant B")
			_, err = s.s.GetQuarter(bg, actor, s.f.QuarterB.ID)
			wantCode(t, err, errs.NotFound, "get quarter of tenant B")

			all := web.ListQuery{Page: 1, Size: 100}
			orgs := mustOK(s.s.AllOrganisations(bg, actor))
			locs, _, err := s.s.ListLocations(bg, actor, all, directory.LocationFilter{OrganisationID: s.f.OrgB1.ID})
			if err != nil || len(locs) != 0 {
				t.Errorf("filtering by tenant B's organisation listed %d locations (%v)", len(locs), err)
			}
			locs, _, _ = s.s.ListLocations(bg, actor, all, directory.LocationFilter{})
			dists := mustOK(s.s.AllDistricts(bg, actor))
			if len(orgs) != 2 || len(locs) != 2 || len(dists) != 1 || len(dists[0].Quarters) != 1 {
				t.Errorf("tenant A lists %d organisations, %d locations, %d districts", len(orgs), len(locs), len(dists))
			}
			for _, o := range orgs {
				if o.TenantID != s.f.TenantA.ID {
					t.Errorf("listed organisation %s of another tenant", o.Name)
				}
			}
		}
		// Writes aimed at tenant B's records find nothing and change nothing.
		in := directory.OrganisationInput{Name: "Übernommen", Type: directory.OrgClub, Regime: directory.RegimeGDPRBDSG}
		_, err := s.s.UpdateOrganisation(bg, s.admin, s.f.OrgB1.ID, in)
		wantCode(t, err, errs.NotFound, "update tenant B's organisation")
		_, err = s.s.UpdateLocation(bg, s.admin, s.f.LocB1.ID, directory.LocationInput{OrganisationID: s.f.OrgA1.ID, Name: "Übernommen"})
		wantCode(t, err, errs.NotFound, "update tenant B's location")
		_, err = s.s.UpdateDistrict(bg, s.admin, s.f.DistrictB.ID, directory.DistrictInput{Name: "Übernommen"})
		wantCode(t, err, errs.NotFound, "update tenant B's district")
		_, err = s.s.RenameQuarter(bg, s.admin, s.f.QuarterB.ID, directory.QuarterInput{Name: "Übernommen"})
		wantCode(t, err, errs.NotFound, "rename tenant B's quarter")
		_, err = s.s.AddQuarter(bg, s.admin, s.f.DistrictB.ID, directory.QuarterInput{Name: "Neu"})
		wantCode(t, err, errs.NotFound, "add a quarter to tenant B's district")
		wantCode(t, s.s.DeleteLocation(bg, s.admin, s.f.LocB1.ID), errs.NotFound, "delete tenant B's location")
		wantCode(t, s.s.DeleteQuarter(bg, s.admin, s.f.QuarterB.ID), errs.NotFound, "delete tenant B's quarter")
		wantCode(t, s.s.DeleteDistrict(bg, s.admin, s.f.DistrictB.ID), errs.NotFound, "delete tenant B's district")
		wantCode(t, s.s.DeleteOrganisation(bg, s.admin, s.f.OrgB1.ID), errs.NotFound, "delete tenant B's organisation")

		b := s.f.MemberB1.Actor("beta")
		if o := mustOK(s.s.GetOrganisation(bg, b, s.f.OrgB1.ID)); o.Name != s.f.OrgB1.Name {
			t.Errorf("tenant B's organisation changed: %+v", o)
		}
		if l := mustOK(s.s.GetLocation(bg, b, s.f.LocB1.ID)); l.Name != s.f.LocB1.Name {
			t.Errorf("tenant B's location changed: %+v", l)
		}
		if d := mustOK(s.s.GetDistrict(bg, b, s.f.DistrictB.ID)); d.Name != s.f.DistrictB.Name || len(d.Quarters) != 1 || d.Quarters[0].Name != s.f.QuarterB.Name {
			t.Errorf("tenant B's district changed: %+v", d)
		}
		if _, err := s.s.GetLocation(bg, b, s.f.LocA1.ID); errs.CodeOf(err) != errs.NotFound {
			t.Errorf("tenant B reads tenant A's location: %v", err)
		}
	})
}

func names[T any](items []T, name func(T) string) []string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = name(it)
	}
	return out
}

func TestListsPageSortSearchAndFilter(t *testing.T) {
	eachSvcEngine(t, func(t *testing.T, s *svcSuite) {
		org := func(name, short string, typ directory.OrgType) *directory.Organisation {
			return mustOK(s.s.CreateOrganisation(bg, s.admin, directory.OrganisationInput{Name: name, ShortName: short, Type: typ, Regime: directory.RegimeGDPRBDSG}))
		}
		caritas := org("Caritas Alpha", "", directory.OrgWelfare)
		jc := org("Jobcenter Alpha", "JC", directory.OrgJobcenter)
		org("Moschee 100% Gemeinde", "", directory.OrgReligious)
		org("Zentrum_Nord", "", directory.OrgClub)
		nord := mustOK(s.s.CreateDistrict(bg, s.admin, directory.DistrictInput{Name: "Alpha-Nord"}))
		park := mustOK(s.s.AddQuarter(bg, s.admin, nord.ID, directory.QuarterInput{Name: "Nordpark"}))
		loc := func(o *directory.Organisation, name, street, quarter string, langs []string, stepFree bool) {
			mustOK(s.s.CreateLocation(bg, s.admin, directory.LocationInput{OrganisationID: o.ID, Name: name, Street: street,
				QuarterID: quarter, Languages: langs, StepFree: stepFree}))
		}
		loc(caritas, "Café International", "Lindenallee 5", park.ID, []string{"uk", "ru"}, false)
		loc(caritas, "Sprechstunde", "Marktplatz 2", "", []string{"tr"}, true)
		loc(jc, "Ukraine-Hilfe", "Bahnhofstraße 1", s.f.QuarterA.ID, []string{"uk", "de"}, false)

		orgNames := func(q web.ListQuery, f directory.OrgFilter) ([]string, int) {
			t.Helper()
			if q.Page == 0 {
				q.Page = 1
			}
			if q.Size == 0 {
				q.Size = 50
			}
			list, total, err := s.s.ListOrganisations(bg, s.cm, q, f)
			if err != nil {
				t.Fatal(err)
			}
			return names(list, func(o directory.Organisation) string { return o.Name }), total
		}
		all := []string{"Alpha Stadtverwaltung", "Alpha Wohlfahrt", "Caritas Alpha", "Jobcenter Alpha", "Moschee 100% Gemeinde", "Zentrum_Nord"}
		for _, c := range []struct {
			name  string
			q     web.ListQuery
			f     directory.OrgFilter
			want  []string
			total int
		}{
			{"by name", web.ListQuery{Sort: "name"}, directory.OrgFilter{}, all, 6},
			{"page 1", web.ListQuery{Sort: "name", Size: 4}, directory.OrgFilter{}, all[:4], 6},
			{"page 2", web.ListQuery{Sort: "name", Size: 4, Page: 2}, directory.OrgFilter{}, all[4:], 6},
			{"page 3 is empty", web.ListQuery{Sort: "name", Size: 4, Page: 3}, directory.OrgFilter{}, nil, 6},
			{"descending", web.ListQuery{Sort: "name", Desc: true, Size: 2}, directory.OrgFilter{}, []string{all[5], all[4]}, 6},
			{"search", web.ListQuery{Sort: "name", Q: "ALPHA"}, directory.OrgFilter{}, all[:4], 4},
			{"search short name", web.ListQuery{Sort: "name", Q: "jc"}, directory.OrgFilter{}, []string{"Jobcenter Alpha"}, 1},
			{"search percent sign", web.ListQuery{Sort: "name", Q: "%"}, directory.OrgFilter{}, []string{"Moschee 100% Gemeinde"}, 1},
			{"search underscore", web.ListQuery{Sort: "name", Q: "_"}, directory.OrgFilter{}, []string{"Zentrum_Nord"}, 1},
			{"type", web.ListQuery{Sort: "name"}, directory.OrgFilter{Type: directory.OrgWelfare}, []string{"Alpha Wohlfahrt", "Caritas Alpha"}, 2},
			{"type and search", web.ListQuery{Sort: "name", Q: "caritas"}, directory.OrgFilter{Type: directory.OrgWelfare}, []string{"Caritas Alpha"}, 1},
		} {
			got, total := orgNames(c.q, c.f)
			if !slices.Equal(got, c.want) || total != c.total {
				t.Errorf("organisations %s: %q (total %d), want %q (total %d)", c.name, got, total, c.want, c.total)
			}
		}

		locNames := func(q web.ListQuery, f directory.LocationFilter) ([]string, int) {
			t.Helper()
			if q.Page == 0 {
				q.Page = 1
			}
			if q.Size == 0 {
				q.Size = 50
			}
			list, total, err := s.s.ListLocations(bg, s.cm, q, f)
			if err != nil {
				t.Fatal(err)
			}
			return names(list, func(l directory.Location) string { return l.Name }), total
		}
		allLocs := []string{"Beratungsstelle", "Bürgerbüro", "Café International", "Sprechstunde", "Ukraine-Hilfe"}
		for _, c := range []struct {
			name  string
			q     web.ListQuery
			f     directory.LocationFilter
			want  []string
			total int
		}{
			{"by name", web.ListQuery{Sort: "name"}, directory.LocationFilter{}, allLocs, 5},
			{"page 2", web.ListQuery{Sort: "name", Size: 2, Page: 2}, directory.LocationFilter{}, allLocs[2:4], 5},
			{"page 3", web.ListQuery{Sort: "name", Size: 2, Page: 3}, directory.LocationFilter{}, allLocs[4:], 5},
			{"descending", web.ListQuery{Sort: "name", Desc: true, Size: 1}, directory.LocationFilter{}, allLocs[4:], 5},
			{"by organisation", web.ListQuery{Sort: "organisation", Size: 2}, directory.LocationFilter{}, []string{"Bürgerbüro", "Beratungsstelle"}, 5},
			{"organisation", web.ListQuery{Sort: "name"}, directory.LocationFilter{OrganisationID: caritas.ID}, []string{"Café International", "Sprechstunde"}, 2},
			{"district", web.ListQuery{Sort: "name"}, directory.LocationFilter{DistrictID: nord.ID}, []string{"Café International"}, 1},
			{"district from quarter", web.ListQuery{Sort: "name"}, directory.LocationFilter{DistrictID: s.f.DistrictA.ID}, []string{"Beratungsstelle", "Bürgerbüro", "Ukraine-Hilfe"}, 3},
			{"language", web.ListQuery{Sort: "name"}, directory.LocationFilter{Language: "uk"}, []string{"Café International", "Ukraine-Hilfe"}, 2},
			{"language is a whole code", web.ListQuery{Sort: "name"}, directory.LocationFilter{Language: "u"}, nil, 0},
			{"step-free", web.ListQuery{Sort: "name"}, directory.LocationFilter{StepFree: true}, []string{"Beratungsstelle", "Bürgerbüro", "Sprechstunde"}, 3},
			{"search street", web.ListQuery{Sort: "name", Q: "lindenallee"}, directory.LocationFilter{}, []string{"Café International"}, 1},
			{"search organisation", web.ListQuery{Sort: "name", Q: "Caritas"}, directory.LocationFilter{}, []string{"Café International", "Sprechstunde"}, 2},
			{"filters combine", web.ListQuery{Sort: "name"}, directory.LocationFilter{OrganisationID: caritas.ID, StepFree: true}, []string{"Sprechstunde"}, 1},
		} {
			got, total := locNames(c.q, c.f)
			if !slices.Equal(got, c.want) || total != c.total {
				t.Errorf("locations %s: %q (total %d), want %q (total %d)", c.name, got, total, c.want, c.total)
			}
		}
		// Locations without a district sort the same way on every engine.
		got, _ := locNames(web.ListQuery{Sort: "district"}, directory.LocationFilter{})
		if got[0] != "Sprechstunde" {
			t.Errorf("by district: %q, want the location without district first", got)
		}

		dists, total, err := s.s.ListDistricts(bg, s.cm, web.ListQuery{Page: 1, Size: 10, Q: "nordpark", Sort: "name"})
		if err != nil || total != 1 || len(dists) != 1 || dists[0].ID != nord.ID || len(dists[0].Quarters) != 1 {
			t.Errorf("district search by quarter name: %+v, total %d, %v", dists, total, err)
		}
	})
}

func userInput(orgID string) accounts.UserInput {
	return accounts.UserInput{Name: "Vereinsmitglied", Email: "mitglied@verein.example", Role: access.Coordinator, OrganisationID: orgID}
}

func TestTenants(t *testing.T) {
	eachSvcEngine(t, func(t *testing.T, s *svcSuite) {
		pa := s.f.Users[access.PlatformAdmin].Actor("alpha")
		_, _, err := s.s.CreateTenant(bg, s.admin, directory.TenantInput{Slug: "gamma", Name: "Stadt Gamma"})
		wantCode(t, err, errs.Forbidden, "tenant administrator creates a tenant")
		tn, first := mustOK2(s.s.CreateTenant(bg, pa, directory.TenantInput{Slug: " Gamma ", Name: "Stadt Gamma"}))
		if tn.Slug != "gamma" || first.Name != "Stadt Gamma" || first.Type != directory.OrgCityService || first.TenantID != tn.ID {
			t.Fatalf("created %+v with %+v", tn, first)
		}
		tn = mustOK(s.s.UpdateTenant(bg, pa, tn.ID, directory.TenantInput{Name: "Stadt Gamma", Disabled: true, Version: tn.Version}))
		if tn.DisabledAt == nil || tn.Version != 2 {
			t.Fatalf("disabled %+v", tn)
		}
		for _, a := range mustOK(s.s.ActiveTenants(bg)) {
			if a.ID == tn.ID {
				t.Error("a disabled tenant is listed as active")
			}
		}
		if got := s.actions(tn.ID, tn.ID, pa.UserID); !slices.Equal(got, []string{"tenant.create", "tenant.update"}) {
			t.Errorf("audit %v", got)
		}
		if got := s.actions(tn.ID, first.ID, pa.UserID); !slices.Equal(got, []string{"organisation.create"}) {
			t.Errorf("audit %v", got)
		}
	})
}

func mustOK2[A, B any](a A, b B, err error) (A, B) {
	currentT.Helper()
	if err != nil {
		currentT.Fatalf("unexpected error: %v", err)
	}
	return a, b
}
