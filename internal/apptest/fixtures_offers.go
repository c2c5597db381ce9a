package apptest

import (
	"context"
	"testing"

	"kim/internal/app"
	"kim/internal/offers"
	"kim/internal/platform/access"
)

// OfferFixtures are offers in every scope: OfferA1 (organisation A1, published and shown
// today, with an English translation), OfferA2 (A2, published, citywide), OfferHiddenA1 (A1,
// not published) and OfferB1 (tenant beta, published).
type OfferFixtures struct {
	OfferA1, OfferA2, OfferHiddenA1, OfferB1 *offers.Offer
}

func (f *Fixtures) seedOffers(t testing.TB, a *app.App) {
	t.Helper()
	ctx := context.Background()
	add := func(actor access.Actor, publish bool, in offers.Input) *offers.Offer {
		t.Helper()
		o, err := a.Offers.Create(ctx, actor, in)
		if err == nil && publish {
			o, err = a.Offers.SetPublished(ctx, actor, o.ID, true, o.Version)
		}
		if err != nil {
			t.Fatalf("fixtures: offer %s: %v", in.Title, err)
		}
		return o
	}
	sysA, sysB := access.System(f.TenantA.ID), access.System(f.TenantB.ID)
	f.Offers.OfferA1 = add(sysA, true, offers.Input{OrganisationID: f.OrgA1.ID, Title: "Sprachcafé Altstadt",
		Description: "Deutsch üben im Gespräch, jeden Mittwoch.", LifeDomains: []string{"language", "participation"},
		TargetGroups: []string{"all"}, Languages: []string{"de", "ar"}, DistrictIDs: []string{f.DistrictA.ID},
		LocationIDs: []string{f.LocA1.ID}, OpeningHours: "Mi 15–17 Uhr", ContactName: "Frau Sprachcafé", ContactPhone: "0212 1234",
		ContactEmail: "sprachcafe@alpha.example", Website: "https://alpha.example/sprachcafe", Costs: "free", StepFree: true,
		Texts: []offers.Text{{Lang: "en", Title: "Language café in the old town", Description: "Practise German in conversation, every Wednesday."}}})
	f.Offers.OfferA2 = add(sysA, true, offers.Input{OrganisationID: f.OrgA2.ID, Title: "Wohnungssprechstunde",
		Description: "Hilfe bei der Wohnungssuche und bei Fragen zum Mietvertrag.", LifeDomains: []string{"housing"},
		TargetGroups: []string{"families"}, Languages: []string{"de", "tr"}, Citywide: true, LocationIDs: []string{f.LocA2.ID},
		Costs: "reduced", CostsNote: "2 € pro Termin"})
	f.Offers.OfferHiddenA1 = add(sysA, false, offers.Input{OrganisationID: f.OrgA1.ID, Title: "Schuldnerberatung im Aufbau",
		LifeDomains: []string{"livelihood"}, Languages: []string{"de"}, Citywide: true})
	f.Offers.OfferB1 = add(sysB, true, offers.Input{OrganisationID: f.OrgB1.ID, Title: "Sprachkurs am Hafen",
		LifeDomains: []string{"language"}, Languages: []string{"de", "uk"}, DistrictIDs: []string{f.DistrictB.ID}})
}
