package casework_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"kim/internal/apptest"
	"kim/internal/casework"
	"kim/internal/directory"
	"kim/internal/offers"
	"kim/internal/platform/access"
	"kim/internal/platform/db"
	"kim/internal/platform/errs"
	"kim/internal/platform/ids"
)

// A referral can name an offer of the directory: an offer shown today, of another
// organisation, whose organisation the consent covers; the offer's organisation becomes the
// referral's.
func TestReferralToAnOffer(t *testing.T) {
	eachEngine(t, func(t *testing.T, env *apptest.Env, fx *apptest.Fixtures) {
		ctx := context.Background()
		s := env.App.Cases
		cm := fx.Users[access.CaseManager].Actor("alpha")
		sysA := access.System(fx.TenantA.ID)
		fieldOf := func(err error, f string) string { return errs.As(err).Fields[f].ID }

		r := must[*casework.Referral](t)(s.AddReferral(ctx, cm, fx.CaseA1.ID, casework.ReferralInput{OfferID: fx.Offers.OfferA2.ID,
			ConsentID: fx.ConsentA1.ID, Service: "Erstgespräch"}, ""))
		if r.OfferID != fx.Offers.OfferA2.ID || r.OfferTitle != fx.Offers.OfferA2.Title || r.ToOrgID != fx.OrgA2.ID {
			t.Errorf("referral to an offer: %+v", r)
		}
		// Naming the offer's organisation as well is fine; another one is not.
		must[*casework.Referral](t)(s.AddReferral(ctx, cm, fx.CaseA1.ID, casework.ReferralInput{OfferID: fx.Offers.OfferA2.ID,
			OrganisationID: fx.OrgA2.ID, ConsentID: fx.ConsentA1.ID}, ""))

		// An offer of a third organisation that the consent does not name.
		third := must[*directory.Organisation](t)(env.App.Dir.CreateOrganisation(ctx, sysA, directory.OrganisationInput{Name: "Alpha Verein",
			Type: directory.OrgClub, Regime: directory.RegimeGDPRBDSG}))
		uncovered := must[*offers.Offer](t)(env.App.Offers.Create(ctx, sysA, offers.Input{OrganisationID: third.ID, Title: "Nähcafé",
			LifeDomains: []string{"participation"}, Languages: []string{"de"}, Citywide: true}))
		must[*offers.Offer](t)(env.App.Offers.SetPublished(ctx, sysA, uncovered.ID, true, 0))
		archived := must[*offers.Offer](t)(env.App.Offers.Create(ctx, sysA, offers.Input{OrganisationID: fx.OrgA2.ID, Title: "Altes Angebot",
			LifeDomains: []string{"work"}, Languages: []string{"de"}, Citywide: true}))
		if err := env.App.Offers.Archive(ctx, sysA, archived.ID, 0); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			name, field, msg string
			in               casework.ReferralInput
		}{
			{"another organisation named", "organisation_id", "casework.referral_offer.other_organisation",
				casework.ReferralInput{OfferID: fx.Offers.OfferA2.ID, OrganisationID: third.ID}},
			{"an offer of the own organisation", "offer_id", "casework.referral_offer.own_organisation",
				casework.ReferralInput{OfferID: fx.Offers.OfferA1.ID}},
			{"an unpublished offer", "offer_id", "casework.referral_offer.inactive", casework.ReferralInput{OfferID: fx.Offers.OfferHiddenA1.ID}},
			{"an archived offer", "offer_id", "casework.referral_offer.inactive", casework.ReferralInput{OfferID: archived.ID}},
			{"another tenant's offer", "offer_id", "validation.not_found", casework.ReferralInput{OfferID: fx.Offers.OfferB1.ID}},
			{"a malformed offer", "offer_id", "validation.not_found", casework.ReferralInput{OfferID: "angebot"}},
			{"a consent that does not name the offer's organisation", "consent_id", "casework.consent.recipient",
				casework.ReferralInput{OfferID: uncovered.ID}},
			{"neither offer nor organisation", "organisation_id", "casework.referral_offer.target_required", casework.ReferralInput{}},
		} {
			c.in.ConsentID = fx.ConsentA1.ID
			_, err := s.AddReferral(ctx, cm, fx.CaseA1.ID, c.in, "")
			if got := fieldOf(err, c.field); got != c.msg {
				t.Errorf("%s: %s = %q, want %q (%v)", c.name, c.field, got, c.msg, err)
			}
		}
	})
}

func TestReferralFormOffersTheDirectory(t *testing.T) {
	eachEngine(t, func(t *testing.T, env *apptest.Env, fx *apptest.Fixtures) {
		c := env.Client()
		c.Login(access.CaseManager)
		page := "/faelle/" + fx.CaseA1.ID
		doc := c.Get(page).Doc(t)
		sel := doc.Find("select#f-offer_id")
		if sel.Length() != 1 || doc.Find(`label[for="f-offer_id"]`).Length() != 1 {
			t.Fatalf("no labelled offer select on the case page")
		}
		group := sel.Find("optgroup").FilterFunction(func(_ int, g *goquery.Selection) bool {
			label, _ := g.Attr("label")
			return label == fx.OrgA2.Name
		})
		if group.Find(`option[value="`+fx.Offers.OfferA2.ID+`"]`).Length() != 1 {
			t.Errorf("the offer of A2 is not offered under its organisation")
		}
		for _, id := range []string{fx.Offers.OfferA1.ID, fx.Offers.OfferHiddenA1.ID, fx.Offers.OfferB1.ID} {
			if sel.Find(`option[value="`+id+`"]`).Length() != 0 {
				t.Errorf("offer %s must not be offered (own organisation, unpublished or another tenant)", id)
			}
		}
		// Sending with the offer alone: the referral goes to its organisation and shows its title.
		r := c.PostForm(page+"/vermittlungen", url.Values{"offer_id": {fx.Offers.OfferA2.ID}, "consent_id": {fx.ConsentA1.ID}})
		if r.StatusCode != http.StatusSeeOther {
			t.Fatalf("send: %d\n%s", r.StatusCode, r.Body)
		}
		body := string(c.Get(page).Body)
		if !strings.Contains(body, fx.Offers.OfferA2.Title) {
			t.Errorf("the case page does not name the offer of the referral")
		}
		// An offer with another organisation: the form again with the message at the field.
		r = c.PostForm(page+"/vermittlungen", url.Values{"offer_id": {fx.Offers.OfferA2.ID}, "organisation_id": {fx.OrgA1.ID},
			"consent_id": {fx.ConsentA1.ID}})
		if r.StatusCode != http.StatusUnprocessableEntity || r.Doc(t).Find("#f-organisation_id-error").Length() != 1 {
			t.Errorf("conflicting organisation: %d", r.StatusCode)
		}
	})
}

// countingCatalogue counts how often the referral form's offers are loaded and adds made-up
// offers to the real ones.
type countingCatalogue struct {
	casework.OfferCatalogue
	loads int
	extra []casework.OfferRef
}

func (c *countingCatalogue) ActiveOffers(ctx context.Context, tx *db.Tx, tenantID, exceptOrgID string, limit int) ([]casework.OfferRef, error) {
	c.loads++
	list, err := c.OfferCatalogue.ActiveOffers(ctx, tx, tenantID, exceptOrgID, limit)
	list = append(list, c.extra...)
	return list[:min(len(list), limit)], err
}

// The case page loads the offers only when it shows the referral form, and lists at most
// MaxReferralOffers of them, saying when there are more.
func TestReferralFormLoadsOffersOnlyWhenShown(t *testing.T) {
	eachEngine(t, func(t *testing.T, env *apptest.Env, fx *apptest.Fixtures) {
		ctx := context.Background()
		s := env.App.Cases
		saved := s.Offers
		t.Cleanup(func() { s.Offers = saved })
		cat := &countingCatalogue{OfferCatalogue: saved}
		s.Offers = cat
		c := env.Client()
		c.Login(access.CaseManager)
		page := "/faelle/" + fx.CaseA1.ID
		doc := c.Get(page).Doc(t)
		if cat.loads != 1 || doc.Find("select#f-offer_id").Length() != 1 || doc.Find("#f-offer_id-more").Length() != 0 {
			t.Fatalf("open case: %d loads, %d selects", cat.loads, doc.Find("select#f-offer_id").Length())
		}
		for i := 0; i < casework.MaxReferralOffers+5; i++ {
			cat.extra = append(cat.extra, casework.OfferRef{ID: ids.New(), Title: fmt.Sprintf("Angebot %03d", i), OrganisationID: fx.OrgA2.ID,
				Organisation: "Zentrale Sammelstelle", Active: true})
		}
		doc = c.Get(page).Doc(t)
		if n := doc.Find(`select#f-offer_id option[value!=""]`).Length(); n != casework.MaxReferralOffers || doc.Find("#f-offer_id-more").Length() != 1 {
			t.Errorf("many offers: %d listed, note shown %v", n, doc.Find("#f-offer_id-more").Length() == 1)
		}
		// A case that is no longer open has no referral form: nothing is loaded.
		cm := fx.Users[access.CaseManager].Actor("alpha")
		must[*casework.Case](t)(s.MoveCase(ctx, cm, fx.CaseA1.ID, casework.MoveInput{To: casework.StatusDeclined,
			Note: "Kein Bedarf mehr"}, ""))
		before := cat.loads
		doc = c.Get(page).Doc(t)
		if cat.loads != before || doc.Find("select#f-offer_id").Length() != 0 {
			t.Errorf("closed case: %d loads, %d selects", cat.loads-before, doc.Find("select#f-offer_id").Length())
		}
	})
}
