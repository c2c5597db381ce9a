package steering_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"kim/internal/apptest"
	"kim/internal/casework"
	"kim/internal/offers"
	"kim/internal/platform/access"
	"kim/internal/platform/db"
	"kim/internal/platform/errs"
	"kim/internal/steering"
)

// ttRecStep posts a status step of a recommendation with its current version.
func ttRecStep(env *apptest.Env, c *apptest.Client, t *testing.T, id string, v url.Values) *apptest.Response {
	t.Helper()
	v.Set("version", ttOne[string](t, env, "SELECT CAST(version AS TEXT) FROM recommendations WHERE id = $1", id))
	return c.PostForm("/empfehlungen/"+id+"/status", v)
}

func TestRecommendationCycle(t *testing.T) {
	for _, e := range apptest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			env, fx, c := ttSetup(t, e)
			co, bm := c[access.Coordinator], c[access.BodyMember]
			rec := fx.Themes.RecommendationA.ID
			status := func() string { return ttOne[string](t, env, "SELECT status FROM recommendations WHERE id = $1", rec) }

			// The body member drafts for a body they belong to, not for another.
			r := bm.PostForm("/empfehlungen/neu", url.Values{"theme_id": {fx.Themes.ThemeA.ID}, "title": {"Zweiter Entwurf"}, "text": {"Text"},
				"body_id": {fx.Bodies.BodyWorkA.ID}})
			ttStatus(t, r, http.StatusUnprocessableEntity, "draft for a body the member is not in")
			if !strings.Contains(ttErrors(t, r), "denen Sie angehören") {
				t.Errorf("message %q", ttErrors(t, r))
			}
			r = bm.PostForm("/empfehlungen/neu", url.Values{"theme_id": {fx.Themes.ThemeA.ID}, "title": {"Zweiter Entwurf"}, "text": {"Text"},
				"body_id": {fx.Bodies.BodyA.ID}, "due_date": {"2020-01-01"}, "indicator_codes": {"SPR 01 ; <script>"}})
			ttStatus(t, r, http.StatusUnprocessableEntity, "past due date and bad codes")
			for _, want := range []string{"Vergangenheit", "Ein Code besteht"} {
				if !strings.Contains(ttErrors(t, r), want) {
					t.Errorf("messages %q lack %q", ttErrors(t, r), want)
				}
			}
			ttStatus(t, c[access.CaseManager].PostForm("/empfehlungen/neu", url.Values{"title": {"x"}}), http.StatusForbidden, "case manager drafts")

			// Editing while draft; the body member submits.
			r = bm.PostForm("/empfehlungen/"+rec, url.Values{"title": {"Kinderbetreuung parallel zu Integrationskursen"}, "text": {"Neuer Text."},
				"body_id": {fx.Bodies.BodyA.ID}, "organisation_ids": {fx.OrgA1.ID, fx.OrgA2.ID}, "indicator_codes": {"new_cases", "open_caseload"},
				"version": {ttOne[string](t, env, "SELECT CAST(version AS TEXT) FROM recommendations WHERE id = $1", rec)}})
			ttStatus(t, r, http.StatusSeeOther, "edit the draft")
			if n := ttOne[int](t, env, "SELECT COUNT(*) FROM recommendation_indicators WHERE recommendation_id = $1", rec); n != 2 {
				t.Errorf("%d indicator codes, want 2", n)
			}
			ttStatus(t, ttRecStep(env, bm, t, rec, url.Values{"status": {"submitted"}}), http.StatusSeeOther, "submit")
			if status() != "submitted" {
				t.Fatalf("status %q", status())
			}
			// Submitted: no longer editable.
			r = bm.PostForm("/empfehlungen/"+rec, url.Values{"title": {"x"}, "text": {"y"}, "body_id": {fx.Bodies.BodyA.ID}})
			ttStatus(t, r, http.StatusConflict, "edit after submission")

			// Decisions are the coordination's and need a meeting of a steering group that has taken place.
			ttStatus(t, ttRecStep(env, bm, t, rec, url.Values{"status": {"adopted"}, "meeting_id": {fx.Bodies.MeetingA.ID}}), http.StatusForbidden, "body member decides")
			r = ttRecStep(env, co, t, rec, url.Values{"status": {"adopted"}})
			ttStatus(t, r, http.StatusUnprocessableEntity, "adopt without a meeting")
			if !strings.Contains(ttErrors(t, r), "Sitzung der Lenkungsgruppe") {
				t.Errorf("message %q", ttErrors(t, r))
			}
			ctx := context.Background()
			sysA := access.System(fx.TenantA.ID)
			future, err := env.App.Steering.CreateMeeting(ctx, sysA, steering.MeetingInput{BodyID: fx.Bodies.BodyA.ID, Title: "Sommersitzung",
				Date: "2026-06-15", Start: "10:00", End: "12:00"})
			if err != nil {
				t.Fatal(err)
			}
			work, err := env.App.Steering.CreateMeeting(ctx, sysA, steering.MeetingInput{BodyID: fx.Bodies.BodyWorkA.ID, Title: "AG-Sitzung",
				Date: "2026-02-20", Start: "10:00", End: "12:00"})
			if err != nil {
				t.Fatal(err)
			}
			for what, m := range map[string]string{"a future meeting": future.ID, "a working group's meeting": work.ID, "beta's meeting": fx.Bodies.MeetingB.ID} {
				ttStatus(t, ttRecStep(env, co, t, rec, url.Values{"status": {"adopted"}, "meeting_id": {m}}), http.StatusUnprocessableEntity, "adopt in "+what)
			}
			if status() != "submitted" {
				t.Fatalf("a refused decision changed the status to %q", status())
			}
			// Deferred, submitted again, adopted.
			ttStatus(t, ttRecStep(env, co, t, rec, url.Values{"status": {"deferred"}, "meeting_id": {fx.Bodies.MeetingA.ID}}), http.StatusSeeOther, "defer")
			ttStatus(t, ttRecStep(env, co, t, rec, url.Values{"status": {"adopted"}, "meeting_id": {fx.Bodies.MeetingA.ID}}), http.StatusUnprocessableEntity, "adopt a deferred one")
			if day := ttOne[string](t, env, "SELECT decided_on FROM recommendations WHERE id = $1", rec); day != "2026-02-16" {
				t.Errorf("deferred: decided_on %q", day)
			}
			ttStatus(t, ttRecStep(env, bm, t, rec, url.Values{"status": {"submitted"}}), http.StatusSeeOther, "submit again")
			// Submitted again, it waits for a new decision: the deferral is history, not its decision.
			if n := ttOne[int](t, env, "SELECT COUNT(*) FROM recommendations WHERE id = $1 AND decided_on = '' AND decision_meeting_id IS NULL", rec); n != 1 {
				t.Error("the resubmitted recommendation keeps the deferral as its decision")
			}
			if page := ttText(t, bm.Get("/empfehlungen/"+rec)); !strings.Contains(page, "noch nicht entschieden") || !strings.Contains(page, "zurückgestellt") {
				t.Errorf("page after resubmission: %s", page)
			}
			// The decision takes the feedback for the case managers along.
			ttStatus(t, ttRecStep(env, co, t, rec, url.Values{"status": {"adopted"}, "meeting_id": {fx.Bodies.MeetingA.ID}, "note": {"Einstimmig."},
				"feedback": {"Kinderbetreuung kommt."}}), http.StatusSeeOther, "adopt")
			if fb := ttOne[string](t, env, "SELECT feedback FROM recommendations WHERE id = $1", rec); fb != "Kinderbetreuung kommt." {
				t.Errorf("feedback with the adoption %q", fb)
			}
			if status() != "adopted" {
				t.Fatalf("status %q", status())
			}
			if day := ttOne[string](t, env, "SELECT decided_on FROM recommendations WHERE id = $1", rec); day != "2026-02-16" {
				t.Errorf("decided_on %q, want the meeting's day", day)
			}
			if m := ttOne[string](t, env, "SELECT CAST(decision_meeting_id AS TEXT) FROM recommendations WHERE id = $1", rec); m != fx.Bodies.MeetingA.ID {
				t.Errorf("decision meeting %q", m)
			}
			// The meeting records both decisions, after its own one, with theme and recommendation.
			type dec struct {
				pos         int
				text, theme string
			}
			var decs []dec
			err = env.DB().Read(ctx, func(tx *db.Tx) error {
				rows, err := tx.QueryContext(ctx, `SELECT position, text, COALESCE(CAST(theme_id AS TEXT), '') FROM meeting_decisions
					WHERE meeting_id = $1 AND CAST(recommendation_id AS TEXT) = $2 ORDER BY position`, fx.Bodies.MeetingA.ID, rec)
				if err != nil {
					return err
				}
				defer rows.Close()
				for rows.Next() {
					var d dec
					if err := rows.Scan(&d.pos, &d.text, &d.theme); err != nil {
						return err
					}
					decs = append(decs, d)
				}
				return rows.Err()
			})
			if err != nil {
				t.Fatal(err)
			}
			if len(decs) != 2 || decs[0].pos != 2 || decs[1].pos != 3 || decs[0].text != "Handlungsempfehlung „Kinderbetreuung parallel zu Integrationskursen“ zurückgestellt" ||
				decs[1].text != "Handlungsempfehlung „Kinderbetreuung parallel zu Integrationskursen“ beschlossen" || decs[1].theme != fx.Themes.ThemeA.ID {
				t.Errorf("meeting decisions %+v", decs)
			}
			// Adoption moved the theme on; every step is in the history with its time.
			if st := ttOne[string](t, env, "SELECT status FROM themes WHERE id = $1", fx.Themes.ThemeA.ID); st != "recommendation_adopted" {
				t.Errorf("theme status %q after the adoption", st)
			}
			if n := ttOne[int](t, env, "SELECT COUNT(*) FROM recommendation_events WHERE recommendation_id = $1", rec); n != 5 {
				t.Errorf("%d events, want 5 (created, submitted, deferred, submitted, adopted)", n)
			}
			// Steps out of order are refused; implementation is the coordination's.
			ttStatus(t, ttRecStep(env, co, t, rec, url.Values{"status": {"evaluated"}}), http.StatusUnprocessableEntity, "adopted → evaluated")
			ttStatus(t, ttRecStep(env, bm, t, rec, url.Values{"status": {"in_implementation"}}), http.StatusForbidden, "body member implements")
			ttStatus(t, ttRecStep(env, co, t, rec, url.Values{"status": {"in_implementation"}}), http.StatusSeeOther, "implementation")

			// Feedback for case managers.
			r = co.PostForm("/empfehlungen/"+rec+"/rueckmeldung", url.Values{"feedback": {"Ab Mai gibt es in Ohligs Kinderbetreuung während der Kurse."},
				"version": {ttOne[string](t, env, "SELECT CAST(version AS TEXT) FROM recommendations WHERE id = $1", rec)}})
			ttStatus(t, r, http.StatusSeeOther, "feedback")
			ttStatus(t, bm.PostForm("/empfehlungen/"+rec+"/rueckmeldung", url.Values{"feedback": {"x"}}), http.StatusForbidden, "feedback by a member")

			// Offers: linked as changed from the page; refused for a draft.
			ttStatus(t, co.PostForm("/empfehlungen/"+rec+"/angebote", url.Values{"offer_id": {fx.Offers.OfferB1.ID}}), http.StatusUnprocessableEntity, "beta's offer")
			ttStatus(t, co.PostForm("/empfehlungen/"+rec+"/angebote", url.Values{"offer_id": {fx.Offers.OfferA1.ID}}), http.StatusSeeOther, "link an offer")
			if k := ttOne[string](t, env, "SELECT kind FROM recommendation_offers WHERE CAST(offer_id AS TEXT) = $1", fx.Offers.OfferA1.ID); k != "changed" {
				t.Errorf("kind %q", k)
			}
			r = co.PostForm("/empfehlungen/"+rec+"/angebote", url.Values{"offer_id": {fx.Offers.OfferA1.ID}})
			ttStatus(t, r, http.StatusUnprocessableEntity, "link the offer twice")
			if !strings.Contains(ttErrors(t, r), "schon verknüpft") {
				t.Errorf("message %q", ttErrors(t, r))
			}
			ttStatus(t, co.PostForm("/empfehlungen/"+fx.Themes.RecommendationB.ID+"/angebote", url.Values{"offer_id": {fx.Offers.OfferA1.ID}}), http.StatusNotFound, "beta's recommendation")
			page := co.Get("/empfehlungen/" + rec)
			ttStatus(t, page, http.StatusOK, "page")
			if page.Doc(t).Find(`a[href="/angebote/verwaltung/neu?empfehlung=`+rec+`&art=created"]`).Length() != 1 {
				t.Error("no button for a new offer")
			}
			for _, want := range []string{"Sprachcafé Altstadt", "verändert", "Frühjahrssitzung", "Ab Mai gibt es in Ohligs", "Neue Fälle", "Offener Fallbestand"} {
				if !strings.Contains(ttText(t, page), want) {
					t.Errorf("recommendation page lacks %q", want)
				}
			}
		})
	}
}

// LinkOffer and OriginsOf, the offer directory's side of the link.
func TestOffersLinkBackToRecommendations(t *testing.T) {
	for _, e := range apptest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			env := apptest.New(t, e, apptest.Options{})
			fx := env.Seed()
			ctx := context.Background()
			s := env.App.Steering
			co := fx.Users[access.Coordinator].Actor("alpha")
			link := func(actor access.Actor, rec, offer, kind string) error {
				return env.DB().Write(ctx, func(tx *db.Tx) error { return s.LinkOffer(ctx, tx, actor, rec, offer, kind) })
			}
			field := func(err error) string {
				if e := errs.As(err); e.Code == errs.Invalid {
					for k := range e.Fields {
						return k
					}
				}
				return "none: " + string(errs.CodeOf(err))
			}
			rec := fx.Themes.RecommendationA.ID
			if f := field(link(co, rec, fx.Offers.OfferA1.ID, "created")); f != "recommendation_id" {
				t.Errorf("a draft linked: %s", f)
			}
			if f := field(link(co, fx.Themes.RecommendationB.ID, fx.Offers.OfferA1.ID, "created")); f != "recommendation_id" {
				t.Errorf("beta's recommendation linked: %s", f)
			}
			if f := field(link(co, "kein-uuid", fx.Offers.OfferA1.ID, "created")); f != "recommendation_id" {
				t.Errorf("a malformed id: %s", f)
			}
			// Adopt it (the fixture meeting of the steering group decides).
			bm := fx.Users[access.BodyMember].Actor("alpha")
			if err := s.MoveRecommendation(ctx, bm, rec, 0, steering.RecMove{To: "submitted"}); err != nil {
				t.Fatal(err)
			}
			if err := s.MoveRecommendation(ctx, co, rec, 0, steering.RecMove{To: "adopted", MeetingID: fx.Bodies.MeetingA.ID}); err != nil {
				t.Fatal(err)
			}
			if f := field(link(co, rec, fx.Offers.OfferB1.ID, "created")); f != "offer_id" {
				t.Errorf("beta's offer linked: %s", f)
			}
			if f := field(link(co, rec, fx.Offers.OfferA1.ID, "improved")); f != "kind" {
				t.Errorf("unknown kind: %s", f)
			}
			// A tenant administrator may create offers but not see recommendations.
			if f := field(link(fx.Users[access.TenantAdmin].Actor("alpha"), rec, fx.Offers.OfferA1.ID, "created")); f != "recommendation_id" {
				t.Errorf("tenant admin linked: %s", f)
			}
			// A team lead links only to a recommendation that names the own organisation (A1) among
			// the responsible ones (the fixture names A2); the coordination links to any.
			lead := fx.Users[access.TeamLead].Actor("alpha")
			if err := link(lead, rec, fx.Offers.OfferA1.ID, "created"); field(err) != "recommendation_id" ||
				errs.As(err).Fields["recommendation_id"].ID != "steering.rec.link_not_responsible" {
				t.Errorf("team lead of an organisation not responsible links: %v", err)
			}
			must := func(q string, args ...any) {
				t.Helper()
				if err := env.DB().Write(ctx, func(tx *db.Tx) error { _, err := tx.ExecContext(ctx, q, args...); return err }); err != nil {
					t.Fatal(err)
				}
			}
			must("INSERT INTO recommendation_orgs (tenant_id, recommendation_id, organisation_id) VALUES ($1, $2, $3)", fx.TenantA.ID, rec, fx.OrgA1.ID)
			if err := link(lead, rec, fx.Offers.OfferA1.ID, "created"); err != nil {
				t.Fatalf("team lead of a responsible organisation links: %v", err)
			}
			// Linked again (as changed): the link stays as it was, nothing is recorded twice.
			audits := ttOne[int](t, env, "SELECT COUNT(*) FROM audit_log WHERE action = 'recommendation.link_offer'")
			if err := link(co, rec, fx.Offers.OfferA1.ID, "changed"); err != nil {
				t.Fatal(err)
			}
			if k := ttOne[string](t, env, "SELECT kind FROM recommendation_offers WHERE CAST(offer_id AS TEXT) = $1", fx.Offers.OfferA1.ID); k != "created" {
				t.Errorf("a second link changed the kind to %q", k)
			}
			if n := ttOne[int](t, env, "SELECT COUNT(*) FROM audit_log WHERE action = 'recommendation.link_offer'"); n != audits {
				t.Errorf("a link that changed nothing was audited")
			}
			if err := link(co, rec, fx.Offers.OfferA2.ID, "changed"); err != nil {
				t.Fatal(err)
			}
			// An archived offer is not linked.
			must("UPDATE offers SET archived_at = $1 WHERE id = $2", env.Clock.Now(), fx.Offers.OfferHiddenA1.ID)
			if err := link(co, rec, fx.Offers.OfferHiddenA1.ID, "changed"); field(err) != "offer_id" || errs.As(err).Fields["offer_id"].ID != "steering.rec.link_archived" {
				t.Errorf("an archived offer linked: %v", err)
			}
			must("UPDATE offers SET archived_at = NULL WHERE id = $1", fx.Offers.OfferHiddenA1.ID)
			// The offer directory's form: an offer created from the recommendation links back in
			// the offer's own transaction; from a draft it is refused and not stored.
			newOffer := func(recID string) (*offers.Offer, error) {
				return env.App.Offers.Create(ctx, co, offers.Input{OrganisationID: fx.OrgA1.ID, Title: "Kinderbetreuung im Sprachkurs",
					LifeDomains: []string{"language"}, Languages: []string{"de"}, Citywide: true, RecommendationID: recID, RecommendationKind: "created"})
			}
			if _, err := newOffer(fx.Themes.RecommendationB.ID); errs.CodeOf(err) != errs.Invalid {
				t.Errorf("an offer from beta's recommendation: %v", err)
			}
			created, err := newOffer(rec)
			if err != nil {
				t.Fatal(err)
			}
			var got map[string][]offers.Origin
			err = env.DB().Read(ctx, func(tx *db.Tx) (err error) {
				got, err = s.OriginsOf(ctx, tx, fx.TenantA.ID, []string{fx.Offers.OfferA1.ID, fx.Offers.OfferA2.ID, fx.Offers.OfferHiddenA1.ID, "kein-uuid"})
				if err == nil {
					var more map[string][]offers.Origin
					if more, err = s.OriginsOf(ctx, tx, fx.TenantA.ID, []string{created.ID}); len(more[created.ID]) != 1 || more[created.ID][0].Kind != "created" {
						t.Errorf("origins of the offer created from the recommendation: %+v", more)
					}
				}
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			if o := got[fx.Offers.OfferA1.ID]; len(o) != 1 || o[0].RecommendationID != rec || o[0].Kind != "created" || o[0].Title != fx.Themes.RecommendationA.Title {
				t.Errorf("origins of OfferA1: %+v", o)
			}
			if o := got[fx.Offers.OfferA2.ID]; len(o) != 1 || o[0].Kind != "changed" {
				t.Errorf("origins of OfferA2: %+v", o)
			}
			if n := ttOne[int](t, env, "SELECT COUNT(*) FROM offers WHERE title = $1", "Kinderbetreuung im Sprachkurs"); n != 1 {
				t.Errorf("%d offers stored, want the one from the adopted recommendation", n)
			}
			if len(got[fx.Offers.OfferHiddenA1.ID]) != 0 {
				t.Errorf("an unlinked offer has origins")
			}
			// Another tenant sees nothing of alpha's links.
			err = env.DB().Read(ctx, func(tx *db.Tx) (err error) {
				got, err = s.OriginsOf(ctx, tx, fx.TenantB.ID, []string{fx.Offers.OfferA1.ID})
				return err
			})
			if err != nil || len(got) != 0 {
				t.Errorf("beta sees alpha's origins: %v %v", got, err)
			}
		})
	}
}

// The loop view shows every link of the chain to every role of the network, counts under the
// disclosure rule and never a client's name.
func TestLoopViewShowsTheChain(t *testing.T) {
	for _, e := range apptest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			env, fx, c := ttSetup(t, e)
			ctx := context.Background()
			s := env.App.Steering
			co, bm := fx.Users[access.Coordinator].Actor("alpha"), fx.Users[access.BodyMember].Actor("alpha")
			rec := fx.Themes.RecommendationA.ID
			must := func(err error) {
				t.Helper()
				if err != nil {
					t.Fatal(err)
				}
			}
			must(s.AssignBody(ctx, co, fx.Themes.ThemeA.ID, fx.Bodies.BodyWorkA.ID))
			must(s.MoveRecommendation(ctx, bm, rec, 0, steering.RecMove{To: "submitted"}))
			must(s.MoveRecommendation(ctx, co, rec, 0, steering.RecMove{To: "adopted", MeetingID: fx.Bodies.MeetingA.ID}))
			must(env.DB().Write(ctx, func(tx *db.Tx) error { return s.LinkOffer(ctx, tx, co, rec, fx.Offers.OfferA2.ID, "created") }))
			// One referral to the new offer: shown as "< 5".
			_, err := env.App.Cases.AddReferral(ctx, fx.Users[access.CaseManager].Actor("alpha"), fx.CaseA1.ID,
				casework.ReferralInput{OrganisationID: fx.OrgA2.ID, OfferID: fx.Offers.OfferA2.ID, ConsentID: fx.ConsentA1.ID}, "")
			must(err)
			path := "/themen/" + fx.Themes.ThemeA.ID + "/kreislauf"
			for _, role := range []access.Role{access.Coordinator, access.BodyMember, access.TeamLead, access.CaseManager} {
				r := c[role].Get(path)
				ttStatus(t, r, http.StatusOK, string(role))
				doc := r.Doc(t)
				text := ttText(t, r)
				if doc.Find(`#berichte svg[role="img"]`).Length() != 1 || doc.Find("#berichte table tbody tr").Length() == 0 {
					t.Errorf("%s: no chart with its data table", role)
				}
				// The trend of the indicator the recommendation names: for the readers of figures.
				trend := "Neue Fälle"
				if role == access.CaseManager {
					trend = "Den Verlauf der Kennzahlen sehen die Rollen"
				}
				if doc.Find(`#kennzahlen svg`).Length() != map[bool]int{true: 0, false: 1}[role == access.CaseManager] ||
					doc.Find("#kennzahlen table tbody tr").Length() != map[bool]int{true: 0, false: 12}[role == access.CaseManager] {
					t.Errorf("%s: the trend's chart or table is wrong", role)
				}
				meeting := "Frühjahrssitzung" // the meeting that decided: for those who may see meetings
				if role == access.CaseManager {
					meeting = "16.02.2026: Handlungsempfehlung „Kinderbetreuung parallel zum" // else the decision with its day
					if strings.Contains(text, "Frühjahrssitzung") || doc.Find(`a[href^="/sitzungen/"]`).Length() > 0 {
						t.Errorf("the case manager sees the meeting: %s", text)
					}
				}
				for _, want := range []string{
					"< 5 Problemanzeigen",                     // reports over time, disclosed
					"Kinderbetreuung während der Sprachkurse", // the theme
					"Empfehlung beschlossen",                  // its status history
					"AG Wohnen Alpha",                         // the body assigned
					meeting,                                   //
					"Handlungsempfehlung „Kinderbetreuung parallel zum", // its decision
					"Kinderbetreuung parallel zum Integrationskurs",     // the recommendation
					"Wohnungssprechstunde",                              // the offer it created
					"neu geschaffen",
					trend, // the trend of the indicator the recommendation names
				} {
					if !strings.Contains(text, want) {
						t.Errorf("%s: the loop view lacks %q", role, want)
					}
				}
				if cell := strings.TrimSpace(doc.Find("#vermittlungen tbody td").First().Text()); cell != "< 5" {
					t.Errorf("%s: referrals %q", role, cell)
				}
				for _, name := range []string{"Alpha-Klient", "Samir", "Traeger-Klientin", "Olena", "Beta-Klientin", "Zora", "1990-04-01", "01.04.1990"} {
					if strings.Contains(string(r.Body), name) {
						t.Errorf("%s: the loop view shows %q", role, name)
					}
				}
			}
			ttStatus(t, c[access.NaturalisationClerk].Get(path), http.StatusForbidden, "naturalisation clerk")
			ttStatus(t, c[access.TenantAdmin].Get(path), http.StatusForbidden, "tenant admin")
			ttStatus(t, c[access.Coordinator].Get("/themen/"+fx.Themes.ThemeB.ID+"/kreislauf"), http.StatusNotFound, "beta's theme")
			// The case manager reads but sees no links into the bodies' pages.
			if c[access.CaseManager].Get(path).Doc(t).Find(`a[href^="/sitzungen/"], a[href^="/gremien/"]`).Length() != 0 {
				t.Error("the case manager is linked to pages of bodies")
			}
		})
	}
}

// A recommendation of a closed theme can neither change nor move on: refused with a message
// (409), the page offers no forms; reopened, it can again.
func TestRecommendationsOfAClosedThemeStay(t *testing.T) {
	for _, e := range apptest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			env, fx, c := ttSetup(t, e)
			ctx := context.Background()
			s := env.App.Steering
			co, bm := fx.Users[access.Coordinator].Actor("alpha"), c[access.BodyMember]
			rec, theme := fx.Themes.RecommendationA.ID, fx.Themes.ThemeA.ID
			if err := s.MoveTheme(ctx, co, theme, 0, steering.ThemeClosed, "Erledigt durch das Landesprogramm."); err != nil {
				t.Fatal(err)
			}
			version := ttOne[string](t, env, "SELECT CAST(version AS TEXT) FROM recommendations WHERE id = $1", rec)
			for what, r := range map[string]*apptest.Response{
				"edit":   bm.PostForm("/empfehlungen/"+rec, url.Values{"title": {"Neu"}, "text": {"Neu"}, "body_id": {fx.Bodies.BodyA.ID}, "version": {version}}),
				"submit": bm.PostForm("/empfehlungen/"+rec+"/status", url.Values{"status": {"submitted"}, "version": {version}}),
			} {
				ttStatus(t, r, http.StatusConflict, what)
				if !strings.Contains(ttErrors(t, r), "Das Thema ist abgeschlossen") {
					t.Errorf("%s: message %q", what, ttErrors(t, r))
				}
			}
			if got := ttOne[string](t, env, "SELECT status || '/' || title FROM recommendations WHERE id = $1", rec); got != "draft/"+fx.Themes.RecommendationA.Title {
				t.Errorf("the recommendation changed: %s", got)
			}
			page := bm.Get("/empfehlungen/" + rec)
			ttStatus(t, page, http.StatusOK, "page")
			if page.Doc(t).Find(`form[action="/empfehlungen/`+rec+`"], form[action="/empfehlungen/`+rec+`/status"]`).Length() != 0 ||
				!strings.Contains(ttText(t, page), "Das Thema ist abgeschlossen") {
				t.Error("the page of a closed theme's recommendation offers forms or no notice")
			}
			if err := s.MoveTheme(ctx, co, theme, 0, steering.ThemeCandidate, "Doch noch offen."); err != nil {
				t.Fatal(err)
			}
			ttStatus(t, ttRecStep(env, bm, t, rec, url.Values{"status": {"submitted"}}), http.StatusSeeOther, "submit after reopening")
		})
	}
}

// Decisions are recorded in meetings of a steering group that are not cancelled, have begun
// (the rule of the meetings' own decisions) and lie at most 24 months back; without any such
// meeting the message goes with the step (the page shows no choice of meeting then).
func TestDecisionMeetingsFollowTheMeetingsRule(t *testing.T) {
	for _, e := range apptest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			env, fx, c := ttSetup(t, e)
			ctx := context.Background()
			s := env.App.Steering
			sysA := access.System(fx.TenantA.ID)
			rec := fx.Themes.RecommendationA.ID
			if err := s.MoveRecommendation(ctx, fx.Users[access.BodyMember].Actor("alpha"), rec, 0, steering.RecMove{To: "submitted"}); err != nil {
				t.Fatal(err)
			}
			meeting := func(title, date, start string) string {
				t.Helper()
				m, err := s.CreateMeeting(ctx, sysA, steering.MeetingInput{BodyID: fx.Bodies.BodyA.ID, Title: title, Date: date, Start: start, End: "23:30"})
				if err != nil {
					t.Fatal(err)
				}
				return m.ID
			}
			old := meeting("Sitzung vor 25 Monaten", "2024-02-01", "10:00")
			later := meeting("Sitzung heute Abend", "2026-03-02", "18:00") // the fixtures' clock stands at 10:00 in Berlin
			begun := meeting("Sitzung heute Morgen", "2026-03-02", "08:00")
			page := c[access.Coordinator].Get("/empfehlungen/" + rec)
			options := page.Doc(t).Find("select[name=meeting_id] option").Map(func(_ int, s *goquery.Selection) string { return s.AttrOr("value", "") })
			joined := strings.Join(options, " ")
			if !strings.Contains(joined, begun) || !strings.Contains(joined, fx.Bodies.MeetingA.ID) || strings.Contains(joined, old) || strings.Contains(joined, later) {
				t.Errorf("meetings offered %v (begun %s, held %s; not old %s, later %s)", options, begun, fx.Bodies.MeetingA.ID, old, later)
			}
			for _, m := range []string{old, later} {
				err := s.MoveRecommendation(ctx, fx.Users[access.Coordinator].Actor("alpha"), rec, 0, steering.RecMove{To: "adopted", MeetingID: m})
				if e := errs.As(err); e.Code != errs.Invalid || e.Fields["meeting_id"].ID != "validation.choice" {
					t.Errorf("decision in meeting %s: %v", m, err)
				}
			}
			// Beta has no meeting that could decide (its only one is planned): the message is on the step.
			sysB := access.System(fx.TenantB.ID)
			if err := s.MoveRecommendation(ctx, sysB, fx.Themes.RecommendationB.ID, 0, steering.RecMove{To: "submitted"}); err != nil {
				t.Fatal(err)
			}
			err := s.MoveRecommendation(ctx, sysB, fx.Themes.RecommendationB.ID, 0, steering.RecMove{To: "adopted", MeetingID: fx.Bodies.MeetingB.ID})
			if e := errs.As(err); e.Code != errs.Invalid || e.Fields["status"].ID != "steering.rec.no_meetings" || len(e.Fields) != 1 {
				t.Errorf("decision without any meeting: %v %v", err, e.Fields)
			}
		})
	}
}

// The lists of a draft are checked by their length first: more organisations than allowed
// (even repeated ones), an over-long field of indicator codes, more codes than allowed are
// refused; repeated codes count once.
func TestRecInputLimitsLists(t *testing.T) {
	org := "01890a5d-ac96-774b-bcce-b302099a8057"
	field := func(in steering.RecInput) map[string]string {
		in.Title, in.Text, in.BodyID = "Titel", "Text", org
		out := map[string]string{}
		if e := errs.As(in.Validate("2026-03-02", "")); e != nil {
			for k, m := range e.Fields {
				out[k] = m.ID
			}
		}
		return out
	}
	many := make([]string, 51)
	for i := range many {
		many[i] = org
	}
	if got := field(steering.RecInput{OrganisationIDs: many}); got["organisation_ids"] != "steering.rec.too_many_orgs" {
		t.Errorf("51 organisations: %v", got)
	}
	if got := field(steering.RecInput{OrganisationIDs: many[:50]}); len(got) != 0 {
		t.Errorf("50 organisations: %v", got)
	}
	if got := field(steering.RecInput{Indicators: strings.Repeat("A ", 451)}); got["indicator_codes"] != "validation.too_long" {
		t.Errorf("902 characters of codes: %v", got)
	}
	repeated := steering.RecInput{Indicators: strings.Repeat("SPR-01, ", 100)}
	if got := field(repeated); len(got) != 0 {
		t.Errorf("one code repeated: %v", got)
	}
	var codes []string
	for i := 0; i < 21; i++ {
		codes = append(codes, "K-"+strconv.Itoa(i))
	}
	if got := field(steering.RecInput{Indicators: strings.Join(codes, " ")}); got["indicator_codes"] != "steering.rec.too_many_indicators" {
		t.Errorf("21 codes: %v", got)
	}
	if got := field(steering.RecInput{Indicators: strings.Join(codes[:20], " ")}); len(got) != 0 {
		t.Errorf("20 codes: %v", got)
	}
}
