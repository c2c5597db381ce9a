package offers_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"kim/internal/apptest"
	"kim/internal/casework"
	"kim/internal/offers"
	"kim/internal/platform/access"
	"kim/internal/platform/db"
	"kim/internal/platform/errs"
	"kim/internal/platform/ids"
	"kim/internal/platform/web"
)

func eachEngine(t *testing.T, fn func(t *testing.T, env *apptest.Env, fx *apptest.Fixtures)) {
	for _, e := range apptest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			env := apptest.New(t, e, apptest.Options{})
			fn(t, env, env.Seed())
		})
	}
}

func must[T any](t *testing.T) func(v T, err error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

// field returns the message id of a field's validation error (empty when there is none).
func field(err error, name string) string { return errs.As(err).Fields[name].ID }

// valid is a complete offer of organisation A1.
func valid(fx *apptest.Fixtures) offers.Input {
	return offers.Input{OrganisationID: fx.OrgA1.ID, Title: "Bewerbungstraining", Description: "Unterlagen prüfen, Gespräche üben.",
		LifeDomains: []string{"work"}, TargetGroups: []string{"young_adults"}, Languages: []string{"de", "en"},
		DistrictIDs: []string{fx.DistrictA.ID}, LocationIDs: []string{fx.LocA1.ID}, OpeningHours: "Di 10–12 Uhr",
		ContactEmail: "job@alpha.example", Website: "https://alpha.example/job", ContactPhone: "0212 290-0", Costs: "free"}
}

func TestCodeListsFollowCaseManagement(t *testing.T) {
	if !slices.Equal(offers.LifeDomains, casework.Domains) {
		t.Errorf("offer life domains %v differ from the case-management domains %v", offers.LifeDomains, casework.Domains)
	}
}

func TestValidationGivesClearFieldMessages(t *testing.T) {
	eachEngine(t, func(t *testing.T, env *apptest.Env, fx *apptest.Fixtures) {
		ctx := context.Background()
		coord := fx.Users[access.Coordinator].Actor("alpha")
		s := env.App.Offers
		cases := []struct {
			name, field, msg string
			change           func(in *offers.Input)
		}{
			{"no title", "title", "validation.required", func(in *offers.Input) { in.Title = "  " }},
			{"title too long", "title", "validation.too_long", func(in *offers.Input) { in.Title = strings.Repeat("x", 201) }},
			{"no organisation", "organisation_id", "validation.required", func(in *offers.Input) { in.OrganisationID = "" }},
			{"organisation of another tenant", "organisation_id", "validation.not_found", func(in *offers.Input) { in.OrganisationID = fx.OrgB1.ID }},
			{"no life domain", "life_domains", "offers.validation.domains_required", func(in *offers.Input) { in.LifeDomains = nil }},
			{"unknown life domain", "life_domains", "validation.choice", func(in *offers.Input) { in.LifeDomains = []string{"astrologie"} }},
			{"unknown target group", "target_groups", "validation.choice", func(in *offers.Input) { in.TargetGroups = []string{"aliens"} }},
			{"no language", "languages", "offers.validation.languages_required", func(in *offers.Input) { in.Languages = nil }},
			{"unknown language", "languages", "validation.choice", func(in *offers.Input) { in.Languages = []string{"klingon"} }},
			{"neither citywide nor district", "district_ids", "offers.validation.area_required", func(in *offers.Input) { in.DistrictIDs = nil }},
			{"district of another tenant", "district_ids", "validation.not_found", func(in *offers.Input) { in.DistrictIDs = []string{fx.DistrictB.ID} }},
			{"malformed district", "district_ids", "validation.not_found", func(in *offers.Input) { in.DistrictIDs = []string{"bezirk"} }},
			{"location of another organisation", "location_ids", "offers.validation.location_of_organisation",
				func(in *offers.Input) { in.LocationIDs = []string{fx.LocA2.ID} }},
			{"location of another tenant", "location_ids", "offers.validation.location_of_organisation",
				func(in *offers.Input) { in.LocationIDs = []string{fx.LocB1.ID} }},
			{"bad e-mail", "contact_email", "validation.email", func(in *offers.Input) { in.ContactEmail = "keine-adresse" }},
			{"bad phone", "contact_phone", "validation.phone", func(in *offers.Input) { in.ContactPhone = "ruf an!" }},
			{"script address", "website", "validation.url", func(in *offers.Input) { in.Website = "javascript:alert(1)" }},
			{"address without host", "website", "validation.url", func(in *offers.Input) { in.Website = "https://" }},
			{"unknown costs", "costs", "validation.choice", func(in *offers.Input) { in.Costs = "teuer" }},
			{"bad date", "valid_from", "validation.date", func(in *offers.Input) { in.ValidFrom = "31.02.2026" }},
			{"end before start", "valid_to", "validation.date_order", func(in *offers.Input) { in.ValidFrom, in.ValidTo = "2026-05-01", "2026-04-30" }},
			{"translation into an unknown language", "texts", "validation.choice",
				func(in *offers.Input) { in.Texts = []offers.Text{{Lang: "xx", Title: "X"}} }},
			{"translated description without title", "description_ar", "", nil},
			{"malformed recommendation", "recommendation_id", "offers.validation.recommendation",
				func(in *offers.Input) { in.RecommendationID, in.RecommendationKind = "empfehlung", "created" }},
		}
		for _, c := range cases {
			in := valid(fx)
			if c.change == nil { // the translated description without a title
				in.Texts = []offers.Text{{Lang: "ar", Description: "وصف"}}
				c.field, c.msg = "title_ar", "offers.validation.text_title"
			} else {
				c.change(&in)
			}
			_, err := s.Create(ctx, coord, in)
			if got := field(err, c.field); got != c.msg {
				t.Errorf("%s: field %s = %q, want %q (err %v)", c.name, c.field, got, c.msg, err)
			}
		}
		// The valid input is accepted, and citywide drops the districts.
		in := valid(fx)
		in.Citywide = true
		o := must[*offers.Offer](t)(s.Create(ctx, coord, in))
		if !o.Citywide || len(o.Districts) != 0 || o.Published || len(o.Locations) != 1 || o.Locations[0].ID != fx.LocA1.ID {
			t.Errorf("created offer: %+v", o)
		}
	})
}

func TestOnlyTheKeepersChangeOffers(t *testing.T) {
	eachEngine(t, func(t *testing.T, env *apptest.Env, fx *apptest.Fixtures) {
		ctx := context.Background()
		s := env.App.Offers
		alpha := func(r access.Role) access.Actor { return fx.Users[r].Actor("alpha") }
		// Roles that may never keep offers: 403 on create, list and update.
		for _, r := range []access.Role{access.CaseManager, access.BodyMember, access.NaturalisationClerk, access.DataProtectionOfficer, access.PlatformAdmin} {
			if _, err := s.Create(ctx, alpha(r), valid(fx)); errs.CodeOf(err) != errs.Forbidden {
				t.Errorf("%s creates: %v, want forbidden", r, err)
			}
			if _, _, err := s.List(ctx, alpha(r), web.ListQuery{Page: 1, Size: 10}, offers.Filter{}); errs.CodeOf(err) != errs.Forbidden {
				t.Errorf("%s lists: %v, want forbidden", r, err)
			}
			if _, err := s.SetPublished(ctx, alpha(r), fx.Offers.OfferA1.ID, false, 0); errs.CodeOf(err) != errs.Forbidden {
				t.Errorf("%s unpublishes: %v, want forbidden", r, err)
			}
		}
		// A team lead keeps the own organisation's offers only.
		lead := alpha(access.TeamLead)
		other := valid(fx)
		other.OrganisationID, other.LocationIDs = fx.OrgA2.ID, nil
		if _, err := s.Create(ctx, lead, other); field(err, "organisation_id") != "offers.validation.organisation_not_yours" {
			t.Errorf("team lead creates for another organisation: %v", err)
		}
		own := must[*offers.Offer](t)(s.Create(ctx, lead, valid(fx)))
		if _, _, err := s.Get(ctx, lead, fx.Offers.OfferA2.ID); errs.CodeOf(err) != errs.NotFound {
			t.Errorf("team lead opens another organisation's offer: %v", err)
		}
		if _, err := s.Update(ctx, lead, fx.Offers.OfferA2.ID, fx.Offers.OfferA2.Input()); errs.CodeOf(err) != errs.NotFound {
			t.Errorf("team lead changes another organisation's offer: %v", err)
		}
		moved := own.Input()
		moved.OrganisationID, moved.LocationIDs = fx.OrgA2.ID, nil
		if _, err := s.Update(ctx, lead, own.ID, moved); field(err, "organisation_id") != "offers.validation.organisation_not_yours" {
			t.Errorf("team lead moves an offer to another organisation: %v", err)
		}
		list, total := must2[[]offers.Offer, int](t)(s.List(ctx, lead, web.ListQuery{Page: 1, Size: 50, Sort: "title"}, offers.Filter{}))
		for _, o := range list {
			if o.OrganisationID != fx.OrgA1.ID {
				t.Errorf("team lead's list shows %q of another organisation", o.Title)
			}
		}
		if total != 3 { // OfferA1, OfferHiddenA1 and the new one
			t.Errorf("team lead's list: %d offers, want 3", total)
		}
		// The coordination and the tenant administration keep every offer of the tenant, never
		// another tenant's.
		for _, r := range []access.Role{access.Coordinator, access.TenantAdmin} {
			_, total := must2[[]offers.Offer, int](t)(s.List(ctx, alpha(r), web.ListQuery{Page: 1, Size: 50, Sort: "title"}, offers.Filter{}))
			if total != 4 {
				t.Errorf("%s's list: %d offers, want 4", r, total)
			}
			if _, _, err := s.Get(ctx, alpha(r), fx.Offers.OfferB1.ID); errs.CodeOf(err) != errs.NotFound {
				t.Errorf("%s opens another tenant's offer: %v", r, err)
			}
			if err := s.Archive(ctx, alpha(r), fx.Offers.OfferB1.ID, 0); errs.CodeOf(err) != errs.NotFound {
				t.Errorf("%s archives another tenant's offer: %v", r, err)
			}
		}
		// A stale version is a conflict.
		coord := alpha(access.Coordinator)
		cur, _ := must2[*offers.Offer, []offers.Origin](t)(s.Get(ctx, coord, fx.Offers.OfferA2.ID))
		in := cur.Input()
		in.Title = "Wohnungssprechstunde (neu)"
		must[*offers.Offer](t)(s.Update(ctx, coord, cur.ID, in))
		if _, err := s.Update(ctx, coord, cur.ID, in); errs.CodeOf(err) != errs.Conflict {
			t.Errorf("stale update: %v, want conflict", err)
		}
		// Archived offers stay as they are.
		if err := s.Archive(ctx, coord, own.ID, 0); err != nil {
			t.Fatal(err)
		}
		if _, err := s.SetPublished(ctx, coord, own.ID, true, 0); errs.CodeOf(err) != errs.Conflict {
			t.Errorf("publishing an archived offer: %v, want conflict", err)
		}
		if err := s.Archive(ctx, coord, own.ID, 0); errs.CodeOf(err) != errs.Conflict {
			t.Errorf("archiving twice: %v, want conflict", err)
		}
		archived, _ := must2[[]offers.Offer, int](t)(s.List(ctx, coord, web.ListQuery{Page: 1, Size: 50, Sort: "title"}, offers.Filter{Status: "archived"}))
		if len(archived) != 1 || archived[0].ID != own.ID {
			t.Errorf("archived filter: %v", archived)
		}
	})
}

func must2[A, B any](t *testing.T) func(a A, b B, err error) (A, B) {
	return func(a A, b B, err error) (A, B) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return a, b
	}
}

func TestAnOfferIsActiveWithinItsDaysInBerlin(t *testing.T) {
	today := "2026-03-02"
	cases := []struct {
		name      string
		o         offers.Offer
		want      string
		wantShown bool
	}{
		{"published, open-ended", offers.Offer{Published: true}, "active", true},
		{"draft", offers.Offer{}, "draft", false},
		{"starts today", offers.Offer{Published: true, ValidFrom: today}, "active", true},
		{"starts tomorrow", offers.Offer{Published: true, ValidFrom: "2026-03-03"}, "upcoming", false},
		{"ends today", offers.Offer{Published: true, ValidTo: today}, "active", true},
		{"ended yesterday", offers.Offer{Published: true, ValidTo: "2026-03-01"}, "expired", false},
		{"archived", offers.Offer{Published: true, ArchivedAt: &time.Time{}}, "archived", false},
	}
	for _, c := range cases {
		if got := c.o.Status(today); got != c.want || c.o.Active(today) != c.wantShown {
			t.Errorf("%s: status %s (active %v), want %s (%v)", c.name, got, c.o.Active(today), c.want, c.wantShown)
		}
	}
	// The day is the calendar day in Berlin: an offer that ends on 2 March is still shown at
	// 23:30 Berlin time (22:30 UTC) and gone half an hour later.
	eachEngine(t, func(t *testing.T, env *apptest.Env, fx *apptest.Fixtures) {
		ctx := context.Background()
		s := env.App.Offers
		coord := fx.Users[access.Coordinator].Actor("alpha")
		in := valid(fx)
		in.ValidTo = "2026-03-02"
		o := must[*offers.Offer](t)(s.Create(ctx, coord, in))
		must[*offers.Offer](t)(s.SetPublished(ctx, coord, o.ID, true, 0))
		shown := func() bool {
			var active bool
			err := env.DB().Read(ctx, func(tx *db.Tx) error {
				m, err := s.Summaries(ctx, tx, fx.TenantA.ID, []string{o.ID})
				active = m[o.ID].Active
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			_, _, perr := s.PublicGet(ctx, fx.TenantA.ID, o.ID, "de")
			if (perr == nil) != active {
				t.Errorf("summary active %v, public page error %v", active, perr)
			}
			return active
		}
		env.Clock.Set(time.Date(2026, 3, 2, 22, 30, 0, 0, time.UTC))
		if !shown() {
			t.Error("not shown on its last day at 23:30 in Berlin")
		}
		env.Clock.Set(time.Date(2026, 3, 2, 23, 30, 0, 0, time.UTC))
		if shown() {
			t.Error("still shown after its last day in Berlin")
		}
	})
}

// origins is a stand-in for the steering room's side of the link.
type origins struct {
	links  []string
	refuse bool
}

func (o *origins) LinkOffer(ctx context.Context, tx *db.Tx, actor access.Actor, recID, offerID, kind string) error {
	if o.refuse {
		return &errs.Error{Code: errs.Invalid, Message: errs.Msg("error.invalid"),
			Fields: map[string]errs.Message{"recommendation_id": errs.Msg("offers.validation.recommendation")}}
	}
	o.links = append(o.links, recID+" "+offerID+" "+kind)
	return nil
}

func (o *origins) OriginsOf(ctx context.Context, tx *db.Tx, tenantID string, offerIDs []string) (map[string][]offers.Origin, error) {
	return map[string][]offers.Origin{offerIDs[0]: {{RecommendationID: "r1", Title: "Kinderbetreuung in Sprachkursen", Kind: "created"}}}, nil
}

func TestSavingLinksTheRecommendationInTheSameTransaction(t *testing.T) {
	eachEngine(t, func(t *testing.T, env *apptest.Env, fx *apptest.Fixtures) {
		ctx := context.Background()
		s := env.App.Offers
		saved := s.Origins
		t.Cleanup(func() { s.Origins = saved })
		fake := &origins{}
		s.Origins = fake
		coord := fx.Users[access.Coordinator].Actor("alpha")
		rec := ids.New()
		in := valid(fx)
		// How the recommendation shaped the offer follows from the save, not from the caller:
		// a new offer was created by it, a saved one changed.
		in.RecommendationID, in.RecommendationKind = rec, "changed"
		o := must[*offers.Offer](t)(s.Create(ctx, coord, in))
		if len(fake.links) != 1 || fake.links[0] != rec+" "+o.ID+" created" {
			t.Errorf("links: %v", fake.links)
		}
		up := o.Input()
		up.RecommendationID, up.RecommendationKind = rec, "created"
		must[*offers.Offer](t)(s.Update(ctx, coord, o.ID, up))
		if len(fake.links) != 2 || fake.links[1] != rec+" "+o.ID+" changed" {
			t.Errorf("links after the update: %v", fake.links)
		}
		for _, kind := range []string{"erfunden", ""} {
			up.RecommendationKind, up.Version = kind, 0
			must[*offers.Offer](t)(s.Update(ctx, coord, o.ID, up))
			if last := fake.links[len(fake.links)-1]; last != rec+" "+o.ID+" changed" {
				t.Errorf("kind %q: link %s", kind, last)
			}
		}
		_, ors := must2[*offers.Offer, []offers.Origin](t)(s.Get(ctx, coord, o.ID))
		if len(ors) != 1 || ors[0].Title != "Kinderbetreuung in Sprachkursen" {
			t.Errorf("origins: %v", ors)
		}
		// A refused link refuses the save: nothing is stored.
		fake.refuse = true
		in.Title = "Nicht gespeichert"
		if _, err := s.Create(ctx, coord, in); field(err, "recommendation_id") == "" {
			t.Errorf("refused link: %v", err)
		}
		list, _ := must2[[]offers.Offer, int](t)(s.List(ctx, coord, web.ListQuery{Page: 1, Size: 50, Q: "Nicht gespeichert"}, offers.Filter{}))
		if len(list) != 0 {
			t.Errorf("an offer was stored although its link was refused")
		}
		// Without steering wired, the recommendation is ignored.
		s.Origins = nil
		if _, err := s.Create(ctx, coord, in); err != nil {
			t.Errorf("without origins: %v", err)
		}
	})
}

func TestEveryChangeIsAuditedWithoutItsText(t *testing.T) {
	eachEngine(t, func(t *testing.T, env *apptest.Env, fx *apptest.Fixtures) {
		ctx := context.Background()
		var all, texts int
		err := env.DB().Read(ctx, func(tx *db.Tx) error {
			return tx.QueryRowContext(ctx, `SELECT count(*), COALESCE(sum(CASE WHEN details LIKE '%Sprachcaf%' THEN 1 ELSE 0 END), 0)
				FROM audit_log WHERE action IN ('offer.create', 'offer.publish') AND object_type = 'offer' AND object_id = $1`,
				fx.Offers.OfferA1.ID).Scan(&all, &texts)
		})
		if err != nil {
			t.Fatal(err)
		}
		if all != 2 || texts != 0 {
			t.Errorf("%d audit entries for creating and publishing the offer (want 2), %d name its text", all, texts)
		}
	})
}
