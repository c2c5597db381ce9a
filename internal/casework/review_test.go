package casework_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"sync"
	"testing"
	"time"

	"kim/internal/apptest"
	"kim/internal/casework"
	"kim/internal/platform/access"
	"kim/internal/platform/errs"
)

// newCase opens a case for a new client of the case-manager fixture.
func newCase(t *testing.T, env *apptest.Env, fx *apptest.Fixtures, family string) (*casework.Client, *casework.Case) {
	t.Helper()
	ctx := context.Background()
	cm := fx.Users[access.CaseManager].Actor("alpha")
	in := must[*casework.Intake](t)(env.App.Cases.CreateClient(ctx, cm, casework.ClientInput{FamilyName: family, GivenNames: "Test", Acknowledged: true}))
	c := must[*casework.Case](t)(env.App.Cases.CreateCase(ctx, cm, casework.CaseInput{ClientID: in.Client.ID, AccessRoute: "self"}))
	return in.Client, c
}

func consentFor(t *testing.T, env *apptest.Env, actor access.Actor, client, kase, to string, untilClosure bool) *casework.Consent {
	t.Helper()
	in := casework.ConsentInput{CaseID: kase, Recipients: []casework.Recipient{{OrganisationID: to}}, Purpose: "Vermittlung an die Beratungsstelle",
		Categories: []string{"master_data"}, Direction: "one_way", GivenOn: "2026-03-01", UntilClosure: untilClosure}
	if !untilClosure {
		in.ValidUntil = "2099-01-01"
	}
	return must[*casework.Consent](t)(env.App.Cases.CreateConsent(context.Background(), actor, client, in))
}

// A consent until closure ends however the case ends (also referred elsewhere), and does not
// come back; a partner link ends with its referral; a consent for one case backs no other.
func TestConsentAndLinkEndings(t *testing.T) {
	eachEngine(t, func(t *testing.T, env *apptest.Env, fx *apptest.Fixtures) {
		ctx := context.Background()
		s := env.App.Cases
		cm := fx.Users[access.CaseManager].Actor("alpha")
		partner := fx.MemberA2.Actor("alpha")
		cl, c := newCase(t, env, fx, "Ende")
		k := consentFor(t, env, cm, cl.ID, c.ID, fx.OrgA2.ID, true)
		r := must[*casework.Referral](t)(s.AddReferral(ctx, cm, c.ID, casework.ReferralInput{OrganisationID: fx.OrgA2.ID, ConsentID: k.ID, PartnerLink: true}, ""))
		must[*casework.Case](t)(s.MoveCase(ctx, cm, c.ID, casework.MoveInput{To: casework.StatusClarification}, ""))
		must[*casework.Case](t)(s.MoveCase(ctx, cm, c.ID, casework.MoveInput{To: casework.StatusReferred, Note: "An die MBE weitervermittelt"}, ""))
		if _, err := s.IncomingReferral(ctx, partner, r.ID); errs.CodeOf(err) != errs.NotFound {
			t.Errorf("the case was referred elsewhere, the consent until closure must end: %v", err)
		}
		if _, err := s.SharedByLink(ctx, r.PartnerLink); !errors.Is(err, casework.ErrLinkInvalid) {
			t.Errorf("link after the case ended: %v", err)
		}

		// A link ends when its referral is done.
		cl2, c2 := newCase(t, env, fx, "Erledigt")
		k2 := consentFor(t, env, cm, cl2.ID, "", fx.OrgA2.ID, false)
		r2 := must[*casework.Referral](t)(s.AddReferral(ctx, cm, c2.ID, casework.ReferralInput{OrganisationID: fx.OrgA2.ID, ConsentID: k2.ID, PartnerLink: true}, ""))
		must[string](t)(s.CompleteReferral(ctx, cm, r2.ID, ""))
		if r := env.Client().Get("/partner/" + r2.PartnerLink); r.StatusCode != http.StatusNotFound {
			t.Errorf("link of a done referral: %d", r.StatusCode)
		}
		// An answer through the partner's account ends the link too; the link cannot overwrite it.
		r3 := must[*casework.Referral](t)(s.AddReferral(ctx, cm, c2.ID, casework.ReferralInput{OrganisationID: fx.OrgA2.ID, ConsentID: k2.ID, PartnerLink: true}, ""))
		if err := s.AnswerIncoming(ctx, partner, r3.ID, casework.AnswerInput{Status: "accepted"}); err != nil {
			t.Fatal(err)
		}
		if err := s.AnswerByLink(ctx, r3.PartnerLink, casework.AnswerInput{Status: "declined"}); !errors.Is(err, casework.ErrLinkInvalid) {
			t.Errorf("the link answered after the account did: %v", err)
		}

		// A consent bound to case c2 does not back a referral of another case of the client.
		_, c3 := newCase(t, env, fx, "Zweitfall")
		k3 := consentFor(t, env, cm, cl2.ID, c2.ID, fx.OrgA2.ID, false)
		c4 := must[*casework.Case](t)(s.CreateCase(ctx, cm, casework.CaseInput{ClientID: cl2.ID, AccessRoute: "self"}))
		_ = c3
		if _, err := s.AddReferral(ctx, cm, c4.ID, casework.ReferralInput{OrganisationID: fx.OrgA2.ID, ConsentID: k3.ID}, ""); errs.As(err).Fields["consent_id"].ID == "" {
			t.Errorf("a consent for another case: %v", err)
		}
	})
}

// Races: a partner link is answered once and a referral taken over once however many requests
// arrive together; concurrent new cases get distinct numbers.
func TestConcurrentUseIsSingle(t *testing.T) {
	eachEngine(t, func(t *testing.T, env *apptest.Env, fx *apptest.Fixtures) {
		ctx := context.Background()
		s := env.App.Cases
		cm := fx.Users[access.CaseManager].Actor("alpha")
		partner := fx.MemberA2.Actor("alpha")
		cl, c := newCase(t, env, fx, "Parallel")
		k := consentFor(t, env, cm, cl.ID, "", fx.OrgA2.ID, false)
		link := must[*casework.Referral](t)(s.AddReferral(ctx, cm, c.ID, casework.ReferralInput{OrganisationID: fx.OrgA2.ID, ConsentID: k.ID, PartnerLink: true}, ""))
		take := must[*casework.Referral](t)(s.AddReferral(ctx, cm, c.ID, casework.ReferralInput{OrganisationID: fx.OrgA2.ID, ConsentID: k.ID}, ""))
		const n = 8
		var wg sync.WaitGroup
		var mu sync.Mutex
		answered, taken, numbers := 0, 0, map[string]bool{}
		for i := 0; i < n; i++ {
			wg.Add(3)
			go func() {
				defer wg.Done()
				if s.AnswerByLink(ctx, link.PartnerLink, casework.AnswerInput{Status: "accepted"}) == nil {
					mu.Lock()
					answered++
					mu.Unlock()
				}
			}()
			go func() {
				defer wg.Done()
				if _, err := s.TakeOver(ctx, partner, take.ID); err == nil {
					mu.Lock()
					taken++
					mu.Unlock()
				}
			}()
			go func() {
				defer wg.Done()
				k, err := s.CreateCase(ctx, cm, casework.CaseInput{ClientID: cl.ID, AccessRoute: "self"})
				if err != nil {
					t.Errorf("concurrent new case: %v", err)
					return
				}
				mu.Lock()
				numbers[k.Number] = true
				mu.Unlock()
			}()
		}
		wg.Wait()
		if answered != 1 || taken != 1 || len(numbers) != n {
			t.Errorf("answered %d, taken over %d, distinct case numbers %d of %d", answered, taken, len(numbers), n)
		}
	})
}

// A team lead who assigns a case to themselves states a purpose; a goal dropped without an
// evaluation keeps the case from closing; dates of today count as today in Berlin.
func TestReviewRules(t *testing.T) {
	eachEngine(t, func(t *testing.T, env *apptest.Env, fx *apptest.Fixtures) {
		ctx := context.Background()
		s := env.App.Cases
		cm := fx.Users[access.CaseManager].Actor("alpha")
		lead := fx.Users[access.TeamLead].Actor("alpha")
		_, c := newCase(t, env, fx, "Zuweisung")
		if _, err := s.AssignCase(ctx, lead, c.ID, casework.AssignInput{CaseManagerID: lead.UserID}); errs.As(err).Fields["purpose"].ID == "" {
			t.Errorf("self-assignment without a purpose: %v", err)
		}
		must[*casework.Case](t)(s.AssignCase(ctx, lead, c.ID, casework.AssignInput{CaseManagerID: lead.UserID, DeputyID: cm.UserID, Purpose: "Übernahme wegen Elternzeit"}))
		if _, err := s.GetCaseFile(ctx, lead, c.ID, ""); err != nil {
			t.Errorf("the lead's own case now: %v", err)
		}

		_, c2 := newCase(t, env, fx, "Ziele")
		for _, to := range []string{casework.StatusClarification, casework.StatusAssessment, casework.StatusPlanning} {
			must[*casework.Case](t)(s.MoveCase(ctx, cm, c2.ID, casework.MoveInput{To: to}, ""))
		}
		g := must[*casework.Goal](t)(s.AddGoal(ctx, cm, c2.ID, casework.GoalInput{Domain: "work", Text: "Arbeitsstelle finden", TargetOn: "2027-01-31"}, ""))
		must[*casework.Goal](t)(s.SetGoalStatus(ctx, cm, c2.ID, casework.GoalStatusInput{GoalID: g.ID, Status: "dropped"}, ""))
		must[*casework.Case](t)(s.MoveCase(ctx, cm, c2.ID, casework.MoveInput{To: casework.StatusClosing}, ""))
		if _, err := s.MoveCase(ctx, cm, c2.ID, casework.MoveInput{To: casework.StatusClosed, CloseReason: "goals_achieved"}, ""); errs.As(err).Fields["status"].ID != "casework.case.goals_unevaluated" {
			t.Errorf("closing with a goal without evaluation: %v", err)
		}

		// 23:30 UTC on 1 March is 00:30 on 2 March in Berlin: a contact dated 2 March is today.
		env.Clock.Set(time.Date(2026, 3, 1, 23, 30, 0, 0, time.UTC))
		if _, err := s.AddContact(ctx, cm, c2.ID, casework.ContactInput{Date: "2026-03-02", DurationMinutes: 10, Mode: "phone"}, ""); err != nil {
			t.Errorf("a contact of today (Berlin) after 23:00 UTC: %v", err)
		}
	})
}

// The sender records an answer that came by telephone; the partner link ends with it.
func TestSenderRecordsAnAnswer(t *testing.T) {
	eachEngine(t, func(t *testing.T, env *apptest.Env, fx *apptest.Fixtures) {
		ctx := context.Background()
		s := env.App.Cases
		cm := fx.Users[access.CaseManager].Actor("alpha")
		r := must[*casework.Referral](t)(s.AddReferral(ctx, cm, fx.CaseA1.ID, casework.ReferralInput{OrganisationID: fx.OrgA2.ID, ConsentID: fx.ConsentA1.ID, PartnerLink: true}, ""))
		if _, err := s.RecordAnswer(ctx, cm, r.ID, casework.AnswerInput{Status: "maybe"}, ""); errs.As(err).Fields["status"].ID == "" {
			t.Errorf("a bad answer: %v", err)
		}
		if _, err := s.RecordAnswer(ctx, fx.MemberA2.Actor("alpha"), r.ID, casework.AnswerInput{Status: "accepted"}, ""); errs.CodeOf(err) != errs.NotFound {
			t.Errorf("the partner records on the sender's side: %v", err)
		}
		if id := must[string](t)(s.RecordAnswer(ctx, cm, r.ID, casework.AnswerInput{Status: "waiting", Note: "Telefonisch: Warteliste bis Mai"}, "")); id != fx.CaseA1.ID {
			t.Errorf("case id %s", id)
		}
		if _, err := s.SharedByLink(ctx, r.PartnerLink); !errors.Is(err, casework.ErrLinkInvalid) {
			t.Errorf("the link still opens after the recorded answer: %v", err)
		}
		c := env.Client()
		c.Login(access.CaseManager)
		if resp := c.PostForm("/vermittlungen/"+r.ID+"/antwort", url.Values{"answer_status": {"accepted"}}); resp.StatusCode != http.StatusSeeOther {
			t.Errorf("page: %d", resp.StatusCode)
		}
	})
}
