package casework_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"kim/internal/apptest"
	"kim/internal/casework"
	"kim/internal/platform/access"
	"kim/internal/platform/audit"
	"kim/internal/platform/db"
	"kim/internal/platform/errs"
)

func auditActions(t *testing.T, env *apptest.Env, tenantID string) map[string]int {
	t.Helper()
	out := map[string]int{}
	err := env.DB().Read(context.Background(), func(tx *db.Tx) error {
		found, _, err := audit.Search(context.Background(), tx, tenantID, audit.Filter{}, 10000, 0)
		for _, f := range found {
			out[f.Action+"/"+f.Outcome]++
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// A referral needs a consent that names the partner and is valid now; the partner sees only
// what it covers, through its incoming list or a single-use link; a revocation ends both at
// once, and every crossing is in the audit trail.
func TestReferralSharingFollowsTheConsent(t *testing.T) {
	eachEngine(t, func(t *testing.T, env *apptest.Env, fx *apptest.Fixtures) {
		ctx := context.Background()
		s := env.App.Cases
		cm := fx.Users[access.CaseManager].Actor("alpha")
		partner := fx.MemberA2.Actor("alpha")
		in := must[*casework.Intake](t)(s.CreateClient(ctx, cm, casework.ClientInput{GivenNames: "Amina", FamilyName: "Haddad",
			BirthDate: "1995-06-01", Phone: "0212 123456", Street: "Geheime Straße 5", Acknowledged: true}))
		c := must[*casework.Case](t)(s.CreateCase(ctx, cm, casework.CaseInput{ClientID: in.Client.ID, AccessRoute: "jobcenter"}))

		// No consent naming A2: refused, with a field message.
		_, err := s.AddReferral(ctx, cm, c.ID, casework.ReferralInput{OrganisationID: fx.OrgA2.ID, ConsentID: fx.ConsentA1.ID}, "")
		if e := errs.As(err); e.Code != errs.Invalid || e.Fields["consent_id"].ID != "casework.consent.none" {
			t.Fatalf("a consent of another client: %v", err)
		}
		k := must[*casework.Consent](t)(s.CreateConsent(ctx, cm, in.Client.ID, casework.ConsentInput{CaseID: c.ID,
			Recipients: []casework.Recipient{{OrganisationID: fx.OrgA2.ID}}, Purpose: "Anmeldung zur Schuldnerberatung",
			Categories: []string{"master_data", "case_plan"}, Direction: "one_way", GivenOn: "2026-03-01", UntilClosure: true}))
		// A message to the partner tells of needs: only under a consent with the plan.
		narrow := must[*casework.Consent](t)(s.CreateConsent(ctx, cm, in.Client.ID, casework.ConsentInput{Recipients: []casework.Recipient{{OrganisationID: fx.OrgA2.ID}},
			Purpose: "Nur Name an die Schuldnerberatung", Categories: []string{"master_data"}, Direction: "one_way", GivenOn: "2026-03-01", ValidUntil: "2026-12-31"}))
		if _, err := s.AddReferral(ctx, cm, c.ID, casework.ReferralInput{OrganisationID: fx.OrgA2.ID, ConsentID: narrow.ID, Message: "Diagnose PTBS"}, ""); errs.As(err).Fields["message"].ID == "" {
			t.Errorf("a message under a consent without the plan: %v", err)
		}
		_, err = s.AddReferral(ctx, cm, c.ID, casework.ReferralInput{OrganisationID: fx.OrgB1.ID, ConsentID: k.ID}, "")
		if errs.As(err).Fields["organisation_id"].ID == "" {
			t.Errorf("an organisation of another tenant: %v", err)
		}
		ref := must[*casework.Referral](t)(s.AddReferral(ctx, cm, c.ID, casework.ReferralInput{OrganisationID: fx.OrgA2.ID, ConsentID: k.ID,
			Service: "Schuldnerberatung", Message: "Bitte um Termin, Frau H. spricht Arabisch.", PartnerLink: true}, ""))
		if len(ref.PartnerLink) != 43 {
			t.Fatalf("partner link token %q", ref.PartnerLink)
		}

		// The partner organisation sees it, with the master data only (no phone, no address).
		inc := must[[]casework.Referral](t)(s.Incoming(ctx, partner))
		if !hasReferral(inc, ref.ID) {
			t.Fatal("the partner's incoming list lacks the referral")
		}
		sh := must[*casework.Shared](t)(s.IncomingReferral(ctx, partner, ref.ID))
		if sh.ClientName != "Haddad, Amina" || sh.Phone != "" || len(sh.Residence) != 0 {
			t.Errorf("shared beyond the consent: %+v", sh)
		}
		// A case manager of A1 who is not the recipient cannot open it as incoming.
		if _, err := s.IncomingReferral(ctx, fx.ColleagueA1.Actor("alpha"), ref.ID); errs.CodeOf(err) != errs.NotFound {
			t.Errorf("a non-recipient: %v", err)
		}
		// Through the link, without an account.
		pc := env.Client()
		page := pc.Get("/partner/" + ref.PartnerLink)
		if page.StatusCode != http.StatusOK || !strings.Contains(string(page.Body), "Haddad, Amina") || strings.Contains(string(page.Body), "0212 123456") ||
			strings.Contains(string(page.Body), "Geheime Straße") {
			t.Fatalf("partner page: %d", page.StatusCode)
		}
		if page.Header.Get("Cache-Control") != "no-store" || page.Header.Get("Referrer-Policy") != "no-referrer" {
			t.Error("partner page may be cached or leak its URL")
		}
		// Bad answer: 422, the link stays usable.
		if r := pc.PostForm("/partner/"+ref.PartnerLink, url.Values{"status": {"vielleicht"}}); r.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("bad answer: %d", r.StatusCode)
		}
		if r := pc.PostForm("/partner/"+ref.PartnerLink, url.Values{"status": {"waiting"}, "note": {"Wartezeit etwa 6 Wochen"}}); r.StatusCode != http.StatusOK {
			t.Fatalf("answer: %d", r.StatusCode)
		}
		// Single use.
		if r := pc.Get("/partner/" + ref.PartnerLink); r.StatusCode != http.StatusNotFound || strings.Contains(string(r.Body), "Haddad") {
			t.Errorf("a used link still opens: %d", r.StatusCode)
		}
		cf := must[*casework.CaseFile](t)(s.GetCaseFile(ctx, cm, c.ID, ""))
		if len(cf.Referrals) != 1 || cf.Referrals[0].Status != "waiting" || cf.Referrals[0].AnswerNote != "Wartezeit etwa 6 Wochen" {
			t.Errorf("the answer did not reach the case: %+v", cf.Referrals)
		}

		// A second link, then the revocation: the list, the view and the link end at once.
		ref2 := must[*casework.Referral](t)(s.AddReferral(ctx, cm, c.ID, casework.ReferralInput{OrganisationID: fx.OrgA2.ID, ConsentID: k.ID, PartnerLink: true}, ""))
		must[*casework.Consent](t)(s.RevokeConsent(ctx, cm, k.ID, "oral"))
		if hasReferral(must[[]casework.Referral](t)(s.Incoming(ctx, partner)), ref.ID) {
			t.Error("the revoked referral is still listed for the partner")
		}
		if _, err := s.IncomingReferral(ctx, partner, ref.ID); errs.CodeOf(err) != errs.NotFound {
			t.Errorf("the partner still opens the referral after the revocation: %v", err)
		}
		if r := pc.Get("/partner/" + ref2.PartnerLink); r.StatusCode != http.StatusNotFound || strings.Contains(string(r.Body), "Haddad") {
			t.Errorf("a link still opens after the revocation: %d", r.StatusCode)
		}
		if _, err := s.AddReferral(ctx, cm, c.ID, casework.ReferralInput{OrganisationID: fx.OrgA2.ID, ConsentID: k.ID}, ""); errs.As(err).Fields["consent_id"].ID != "casework.consent.not_valid" {
			t.Errorf("a revoked consent still allows referrals: %v", err)
		}
		acts := auditActions(t, env, fx.TenantA.ID)
		for _, a := range []string{"referral.cross_view/ok", "referral.link_view/ok", "referral.link_answer/ok", "referral.cross_view/denied", "consent.revoke/ok"} {
			if acts[a] == 0 {
				t.Errorf("no audit entry %s (have %v)", a, acts)
			}
		}
	})
}

func hasReferral(rs []casework.Referral, id string) bool {
	for _, r := range rs {
		if r.ID == id {
			return true
		}
	}
	return false
}

// Links expire; a consent that ends with the case ends when the case is closed.
func TestLinksExpireAndConsentsEndWithTheCase(t *testing.T) {
	eachEngine(t, func(t *testing.T, env *apptest.Env, fx *apptest.Fixtures) {
		ctx := context.Background()
		s := env.App.Cases
		cm := fx.Users[access.CaseManager].Actor("alpha")
		ref := must[*casework.Referral](t)(s.AddReferral(ctx, cm, fx.CaseA1.ID, casework.ReferralInput{OrganisationID: fx.OrgA2.ID,
			ConsentID: fx.ConsentA1.ID, PartnerLink: true}, ""))
		env.Clock.Advance(casework.LinkValidity + time.Minute)
		if _, err := s.SharedByLink(ctx, ref.PartnerLink); !errors.Is(err, casework.ErrLinkInvalid) {
			t.Errorf("an expired link: %v", err)
		}
		in := must[*casework.Intake](t)(s.CreateClient(ctx, cm, casework.ClientInput{FamilyName: "Novak", GivenNames: "Ivana", Acknowledged: true}))
		c := must[*casework.Case](t)(s.CreateCase(ctx, cm, casework.CaseInput{ClientID: in.Client.ID, AccessRoute: "self"}))
		k := must[*casework.Consent](t)(s.CreateConsent(ctx, cm, in.Client.ID, casework.ConsentInput{CaseID: c.ID,
			Recipients: []casework.Recipient{{OrganisationID: fx.OrgA2.ID}}, Purpose: "Wohnungssuche gemeinsam planen",
			Categories: []string{"master_data", "housing"}, Direction: "mutual", GivenOn: "2026-03-01", UntilClosure: true}))
		r := must[*casework.Referral](t)(s.AddReferral(ctx, cm, c.ID, casework.ReferralInput{OrganisationID: fx.OrgA2.ID, ConsentID: k.ID}, ""))
		for _, to := range []string{casework.StatusClarification, casework.StatusAssessment, casework.StatusClosing, casework.StatusClosed} {
			must[*casework.Case](t)(s.MoveCase(ctx, cm, c.ID, casework.MoveInput{To: to, CloseReason: "goals_achieved"}, ""))
		}
		if _, err := s.IncomingReferral(ctx, fx.MemberA2.Actor("alpha"), r.ID); errs.CodeOf(err) != errs.NotFound {
			t.Errorf("the consent ended with the case, but the partner still sees the referral: %v", err)
		}
	})
}

// A team lead or deputy opens a case that is not theirs only with a purpose, which is written
// to the audit trail; the grant lasts eight hours. Another organisation's team lead never sees it.
func TestPurposeForCasesThatAreNotYours(t *testing.T) {
	eachEngine(t, func(t *testing.T, env *apptest.Env, fx *apptest.Fixtures) {
		ctx := context.Background()
		s := env.App.Cases
		lead := fx.Users[access.TeamLead].Actor("alpha")
		if _, err := s.GetCaseFile(ctx, lead, fx.CaseA1.ID, ""); !errors.Is(err, casework.ErrPurposeRequired) {
			t.Fatalf("without purpose: %v", err)
		}
		if _, err := s.GetCaseFile(ctx, lead, fx.CaseA1.ID, "Vertretung während Urlaub"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.GetCaseFile(ctx, lead, fx.CaseA1.ID, ""); err != nil {
			t.Errorf("within the grant: %v", err)
		}
		env.Clock.Advance(casework.GrantDuration + time.Minute)
		if _, err := s.GetCaseFile(ctx, lead, fx.CaseA1.ID, ""); !errors.Is(err, casework.ErrPurposeRequired) {
			t.Errorf("after the grant: %v", err)
		}
		if _, err := s.GetCaseFile(ctx, fx.ColleagueA1.Actor("alpha"), fx.CaseA1.ID, "Neugier"); errs.CodeOf(err) != errs.NotFound {
			t.Errorf("a colleague who is neither manager nor deputy: %v", err)
		}
		if _, err := s.GetCaseFile(ctx, lead, fx.CaseA2.ID, "Prüfung"); errs.CodeOf(err) != errs.NotFound {
			t.Errorf("another organisation's case: %v", err)
		}
		found := false
		err := env.DB().Read(ctx, func(tx *db.Tx) error {
			fs, _, err := audit.Search(ctx, tx, fx.TenantA.ID, audit.Filter{}, 10000, 0)
			for _, f := range fs {
				found = found || f.Action == "case.access_purpose" && f.Purpose == "Vertretung während Urlaub" && f.ObjectID == fx.CaseA1.ID
			}
			return err
		})
		if err != nil || !found {
			t.Errorf("the purpose is not in the audit trail (%v)", err)
		}
		// Pages: the purpose form, then the case.
		c := env.Client()
		c.Login(access.TeamLead)
		if r := c.Get("/faelle/" + fx.CaseA1.ID); r.StatusCode != http.StatusForbidden || r.Doc(t).Find("#f-purpose").Length() != 1 {
			t.Errorf("purpose form: %d", r.StatusCode)
		}
		if r := c.PostForm("/faelle/"+fx.CaseA1.ID+"/zweck", url.Values{"purpose": {"Fallbesprechung"}}); r.StatusCode != http.StatusSeeOther {
			t.Errorf("purpose: %d", r.StatusCode)
		}
		if r := c.Get("/faelle/" + fx.CaseA1.ID); r.StatusCode != http.StatusOK {
			t.Errorf("case after purpose: %d", r.StatusCode)
		}
		// API: the KIM-Purpose header.
		api := env.Client()
		api.Token = fx.Tokens[access.TeamLead]
		env.Clock.Advance(casework.GrantDuration + time.Minute)
		if r := api.Get("/api/v1/cases/" + fx.CaseA1.ID); r.StatusCode != http.StatusForbidden {
			t.Errorf("API without purpose: %d", r.StatusCode)
		}
		req := api.Request(http.MethodGet, "/api/v1/cases/"+fx.CaseA1.ID, nil)
		req.Header.Set("KIM-Purpose", "Qualitätsprüfung")
		if r := api.Do(req); r.StatusCode != http.StatusOK {
			t.Errorf("API with purpose: %d %s", r.StatusCode, r.Body)
		}
	})
}

// Phases move only along the allowed transitions; a team lead reassigns a case, which then
// belongs to the new case manager.
func TestPhasesAndReassignment(t *testing.T) {
	eachEngine(t, func(t *testing.T, env *apptest.Env, fx *apptest.Fixtures) {
		ctx := context.Background()
		s := env.App.Cases
		cm := fx.Users[access.CaseManager].Actor("alpha")
		_, err := s.MoveCase(ctx, cm, fx.CaseA1.ID, casework.MoveInput{To: casework.StatusPlanning}, "")
		if errs.As(err).Fields["status"].ID != "casework.case.transition" {
			t.Errorf("requested → planning: %v", err)
		}
		_, err = s.MoveCase(ctx, cm, fx.CaseA1.ID, casework.MoveInput{To: casework.StatusClarification, Version: 99}, "")
		if errs.CodeOf(err) != errs.Conflict {
			t.Errorf("stale version: %v", err)
		}
		_, err = s.MoveCase(ctx, cm, fx.CaseA1.ID, casework.MoveInput{To: casework.StatusDeclined}, "")
		if errs.As(err).Fields["note"].ID == "" {
			t.Errorf("declining needs a note: %v", err)
		}
		c := must[*casework.Case](t)(s.MoveCase(ctx, cm, fx.CaseA1.ID, casework.MoveInput{To: casework.StatusClarification, Note: "Erstgespräch vereinbart"}, ""))
		if c.Status != casework.StatusClarification {
			t.Fatal(c.Status)
		}
		// The team lead gives the case to a colleague.
		lead := fx.Users[access.TeamLead].Actor("alpha")
		if _, err := s.AssignCase(ctx, cm, fx.CaseA1.ID, casework.AssignInput{CaseManagerID: fx.ColleagueA1.ID}); errs.CodeOf(err) != errs.Forbidden {
			t.Errorf("a case manager reassigns: %v", err)
		}
		if _, err := s.AssignCase(ctx, lead, fx.CaseA1.ID, casework.AssignInput{CaseManagerID: fx.MemberA2.ID}); errs.As(err).Fields["case_manager_id"].ID == "" {
			t.Errorf("staff of another organisation: %v", err)
		}
		must[*casework.Case](t)(s.AssignCase(ctx, lead, fx.CaseA1.ID, casework.AssignInput{CaseManagerID: fx.ColleagueA1.ID, DeputyID: cm.UserID}))
		col := fx.ColleagueA1.Actor("alpha")
		if _, err := s.GetCaseFile(ctx, col, fx.CaseA1.ID, ""); err != nil {
			t.Errorf("the new case manager: %v", err)
		}
		if _, err := s.GetCaseFile(ctx, cm, fx.CaseA1.ID, ""); !errors.Is(err, casework.ErrPurposeRequired) {
			t.Errorf("the former manager, now deputy, needs a purpose: %v", err)
		}
		mine := must[[]casework.Case](t)(listMine(s, col))
		if len(mine) != 1 || mine[0].ID != fx.CaseA1.ID {
			t.Errorf("Mein Fallbestand of the new case manager: %v", mine)
		}
		// Contacts only on open cases; the note is encrypted at rest.
		k := must[*casework.Contact](t)(s.AddContact(ctx, col, fx.CaseA1.ID, casework.ContactInput{Date: "2026-03-02", DurationMinutes: 45,
			Mode: "in_person", Interpreter: "professional", InterpreterLang: "ar", Domains: []string{"health", "housing"},
			Note: "Vertraulich: Diagnose PTBS, Therapieplatz gesucht"}, ""))
		var raw []byte
		err = env.DB().Read(ctx, func(tx *db.Tx) error {
			return tx.QueryRowContext(ctx, "SELECT note FROM contacts WHERE tenant_id = $1 AND id = $2", fx.TenantA.ID, k.ID).Scan(&raw)
		})
		if err != nil || len(raw) == 0 || strings.Contains(string(raw), "PTBS") {
			t.Errorf("the note is not encrypted (%v)", err)
		}
		cf := must[*casework.CaseFile](t)(s.GetCaseFile(ctx, col, fx.CaseA1.ID, ""))
		if len(cf.Contacts) != 1 || cf.Contacts[0].Note != "Vertraulich: Diagnose PTBS, Therapieplatz gesucht" {
			t.Errorf("contact read back: %+v", cf.Contacts)
		}
		if _, err := s.AddContact(ctx, col, fx.CaseA1.ID, casework.ContactInput{Date: "2030-01-01", DurationMinutes: 0, Mode: "fax"}, ""); len(errs.As(err).Fields) < 3 {
			t.Errorf("bad contact: %v", err)
		}
	})
}

func listMine(s *casework.Service, actor access.Actor) ([]casework.Case, error) {
	items, _, err := s.ListCases(context.Background(), actor, webQuery(), casework.CaseFilter{Mine: true})
	return items, err
}

// A transfer to another organisation under a consent: the receiving organisation opens its own
// case with only the consented data; a client it already knows is reused.
func TestTakeOverCopiesOnlyWhatTheConsentCovers(t *testing.T) {
	eachEngine(t, func(t *testing.T, env *apptest.Env, fx *apptest.Fixtures) {
		ctx := context.Background()
		s := env.App.Cases
		cm := fx.Users[access.CaseManager].Actor("alpha")
		partner := fx.MemberA2.Actor("alpha")
		in := must[*casework.Intake](t)(s.CreateClient(ctx, cm, casework.ClientInput{GivenNames: "Reza", FamilyName: "Ahmadi", BirthDate: "1988-08-08",
			Phone: "0151 1111111", Street: "Nicht-teilen-Weg 3", Languages: []string{"fa"}, Acknowledged: true}))
		c := must[*casework.Case](t)(s.CreateCase(ctx, cm, casework.CaseInput{ClientID: in.Client.ID, AccessRoute: "self"}))
		k := must[*casework.Consent](t)(s.CreateConsent(ctx, cm, in.Client.ID, casework.ConsentInput{Recipients: []casework.Recipient{{OrganisationID: fx.OrgA2.ID}},
			Purpose: "Übergabe an die Migrationsberatung", Categories: []string{"master_data"}, Direction: "one_way", GivenOn: "2026-03-01", ValidUntil: "2026-12-31"}))
		r := must[*casework.Referral](t)(s.AddReferral(ctx, cm, c.ID, casework.ReferralInput{OrganisationID: fx.OrgA2.ID, ConsentID: k.ID}, ""))
		if _, err := s.TakeOver(ctx, fx.ColleagueA1.Actor("alpha"), r.ID); errs.CodeOf(err) != errs.NotFound {
			t.Errorf("a non-recipient takes over: %v", err)
		}
		nc := must[*casework.Case](t)(s.TakeOver(ctx, partner, r.ID))
		if nc.OrganisationID != fx.OrgA2.ID || nc.CaseManagerID != partner.UserID || nc.ClientID == in.Client.ID {
			t.Fatalf("new case: %+v", nc)
		}
		got := must[*casework.Client](t)(s.GetClient(ctx, partner, nc.ClientID))
		if got.FamilyName != "Ahmadi" || got.BirthDate != "1988-08-08" || got.Phone != "" || got.Street != "" {
			t.Errorf("copied beyond the consent: %+v", got)
		}
		if _, err := s.TakeOver(ctx, partner, r.ID); err == nil {
			t.Error("a referral is taken over twice")
		}
		// The sender's history records the handover.
		cf := must[*casework.CaseFile](t)(s.GetCaseFile(ctx, cm, c.ID, ""))
		found := false
		for _, e := range cf.Events {
			found = found || e.Kind == "transfer" && e.Detail == fx.OrgA2.Name
		}
		if !found || cf.Referrals[0].Status != "done" {
			t.Errorf("the sender does not see the handover: %+v", cf.Events)
		}
	})
}
