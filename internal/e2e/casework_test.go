package e2e

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"kim/internal/casework"
	"kim/internal/platform/access"
	"kim/internal/platform/db"
	"kim/internal/platform/web"
)

const (
	cmKI  = "cm.ki@solingen.example"
	cmAWO = "cm.awo@solingen.example"
	lead  = "lead.awo@solingen.example"
)

// demoActor returns the service actor of a demo account (to set up records a scenario is not
// about).
func (s *suite) demoActor(t *testing.T, email string) access.Actor {
	t.Helper()
	ctx := context.Background()
	tn, err := s.env.App.Dir.TenantBySlug(ctx, "solingen")
	if err != nil {
		t.Fatal(err)
	}
	a := access.Actor{TenantID: tn.ID, TenantSlug: "solingen", Email: email}
	err = s.env.DB().Read(ctx, func(tx *db.Tx) error {
		return tx.QueryRowContext(ctx, "SELECT CAST(id AS TEXT), CAST(organisation_id AS TEXT), role, name FROM users WHERE tenant_id = $1 AND email = $2",
			tn.ID, email).Scan(&a.UserID, &a.OrganisationID, &a.Role, &a.Name)
	})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// clickCheckbox ticks a checkbox (or radio button) by clicking it.
func clickCheckbox(sel string) chromedp.Action[chromedp.Void] {
	return chromedp.Click(chromedp.CSS(sel))
}

func webQuery() web.ListQuery { return web.ListQuery{Page: 1, Size: web.MaxPageSize, Sort: "updated"} }

// orgOf returns the organisation id of a demo account.
func (s *suite) orgOf(t *testing.T, email string) string { return s.demoActor(t, email).OrganisationID }

// intakeJourney: intake with a duplicate warning → case → consent with its printable form →
// phases → referral with a partner link → the partner answers through the link → a contact →
// closing.
func (s *suite) intakeJourney(t *testing.T) {
	p := s.login(t, cmKI)
	p.open("/klienten")
	p.expectText("h1", "Klient:innen")
	p.click(`main a.button[href="/klienten/neu"]`)
	p.expectText("h1", "Neue:n Klient:in aufnehmen")
	p.fill("#f-family_name", "Al-Hassan")
	p.fill("#f-given_names", "Mohammed")
	p.fill("#f-name_original_script", "محمد الحسن")
	p.fill("#f-birth_date", "12.03.1987")
	p.fill("#f-nationalities", "SY")
	p.click(submitButton)
	p.expectText(flashNotice, "Die Person wurde aufgenommen")
	clientPage := p.path()

	// The same person written differently: the intake stops with the list of candidates.
	p.open("/klienten/neu")
	p.fill("#f-family_name", "Alhasan")
	p.fill("#f-given_names", "Muhammad")
	p.fill("#f-birth_date", "12.03.1987")
	p.click(submitButton, 409)
	p.expectText("#dup-title", "Mögliche Dubletten")
	p.screenshot("intake-duplicates")
	p.mustExist(".error-summary[role=alert]")
	p.expectText("main section.warning li a", "Al-Hassan, Mohammed")
	// It is the same person: continue with the existing client.
	p.click(`main section.warning li a`)
	if p.path() != clientPage {
		t.Fatalf("the duplicate link leads to %s, want %s", p.path(), clientPage)
	}

	// Open a case.
	p.click(`main a.button[href^="/faelle/neu?klient="]`)
	p.expectText("h1", "Fall eröffnen")
	p.click(submitButton, 422)
	p.expectText("#f-access_route-error", "Bitte")
	p.choose("#f-access_route", "Jobcenter")
	p.click(submitButton)
	p.expectText(flashNotice, "Der Fall wurde eröffnet.")
	casePage := p.path()

	// A referral needs a consent first: the case page says so and links to the form.
	p.expectText("#vermittlungen .notice", "gültige Einwilligung")
	p.click(`#vermittlungen .notice a`)
	p.expectText("h1", "Einwilligung von Al-Hassan, Mohammed erfassen")
	awo := s.orgOf(t, cmAWO)
	p.do("tick AWO", clickCheckbox(`input[name=recipients][value="`+awo+`"]`))
	p.fill("#f-purpose", "Anmeldung zur Migrationsberatung und Begleitung zum Jobcenter")
	p.do("tick master data", clickCheckbox(`input[name=categories][value=master_data]`))
	p.do("tick the plan", clickCheckbox(`input[name=categories][value=case_plan]`))
	p.choose("#f-language", "Arabisch")
	p.click(submitButton)
	p.expectText(flashNotice, "Die Einwilligung wurde erfasst.")
	pdf := eval[string](p, `fetch(document.querySelector("a[href$='/formular.pdf']").href).then(r => r.status + " " + r.headers.get("content-type"))`)
	if pdf != "200 application/pdf" {
		t.Errorf("consent form: %s", pdf)
	}

	// Phases: clarification, then the assessment per life domain.
	p.open(casePage)
	for _, phase := range []string{"Klärung", "Assessment"} {
		p.choose("#f-status", phase)
		p.click(`form[action$="/phase"] button[type=submit]`)
		p.expectText(flashNotice, "Die Phase wurde geändert.")
	}
	p.click(`main a[href="` + casePage + `/assessment"]`)
	p.do("open the domain work", chromedp.Click(chromedp.CSS(`#bereich-work summary`)))
	p.choose("#f-work-urgency", "hoch")
	p.fill("#f-work-situation", "Arbeitsuchend seit der Anerkennung, Berufserfahrung als Elektriker.")
	p.fill("#f-work-needs", "Anerkennung des Abschlusses, Sprachkurs B1")
	p.fill("#f-work-client_view", "Möchte so bald wie möglich wieder arbeiten.")
	p.click(`form[action$="/assessment"] button[type=submit]`)
	p.expectText(flashNotice, "Das Assessment wurde gespeichert.")

	// The plan: a goal for work.
	p.open(casePage)
	p.choose("#f-status", "Hilfeplanung")
	p.click(`form[action$="/phase"] button[type=submit]`)
	p.click(`main a[href="` + casePage + `/plan"]`)
	p.choose("#f-life_domain", "Arbeit")
	p.fill("#f-text", "Anerkennungsverfahren für den Elektrikerabschluss bis Ende März eingeleitet")
	p.fill("#f-target_on", "2027-03-31")
	p.click(`form[action$="/plan/ziele"] button[type=submit]`)
	p.expectText(flashNotice, "Das Ziel wurde vereinbart.")
	p.open(casePage)
	p.choose("#f-status", "Umsetzung")
	p.click(`form[action$="/phase"] button[type=submit]`)
	p.expectText(flashNotice, "Die Phase wurde geändert.")

	// Refer to the AWO with a link for a partner without an account.
	p.choose("#f-organisation_id", "AWO")
	p.fill("#f-service", "Migrationsberatung für Erwachsene")
	p.choose("#f-consent_id", "Anmeldung zur Migrationsberatung")
	p.fill("#f-message", "Bitte um einen Termin mit Dolmetscherin.")
	p.do("tick partner link", clickCheckbox(`#f-partner_link`))
	p.click(`form[action$="/vermittlungen"] button[type=submit]`)
	link := eval[string](p, `document.querySelector("#partner-link").value`)
	if !strings.Contains(link, "/partner/") {
		t.Fatalf("no partner link shown: %q", link)
	}
	path := link[strings.Index(link, "/partner/"):]

	partner := s.anon(t).on(t)
	partner.open(path)
	partner.expectText("h1", "Vermittlung von Kommunales Integrationszentrum")
	partner.expectText("main dl", "Al-Hassan, Mohammed")
	partner.choose("#f-status", "Warteliste")
	partner.fill("#f-note", "Termin in drei Wochen möglich.")
	partner.click(submitButton)
	partner.expectText("h1", "Ihre Antwort wurde übermittelt")
	partner.open(path, 404)

	// A contact; the history shows it and the partner's answer.
	p.open(casePage)
	p.fill("#f-duration_minutes", "50")
	p.choose("#f-mode", "persönlich")
	p.fill("#f-note", "Erstgespräch mit Dolmetscherin, Unterlagen für das Jobcenter besprochen.")
	p.click(`form[action$="/kontakte"] button[type=submit]`)
	p.expectText(flashNotice, "Der Kontakt wurde dokumentiert.")
	p.expectText("#verlauf", "Unterlagen für das Jobcenter besprochen")
	p.expectText("#verlauf", "Warteliste")
	p.expectText("#verlauf", "Termin in drei Wochen möglich.")
	p.screenshot("case")

	// Closing: every goal is evaluated first.
	p.open(casePage + "/plan")
	p.do("evaluate", chromedp.SetValue(chromedp.CSS(`select[id^="f-status-"]`), "achieved"))
	p.fill(`textarea[id^="f-evaluation-"]`, "Antrag auf Anerkennung gestellt, Bescheid liegt vor.")
	p.click(`form[action$="/plan/auswertung"] button[type=submit]`)
	p.open(casePage)
	p.choose("#f-status", "Abschluss")
	p.click(`form[action$="/phase"] button[type=submit]`)
	p.choose("#f-status", "abgeschlossen")
	p.click(`form[action$="/phase"] button[type=submit]`, 422)
	p.expectText("#f-close_reason-error", "Bitte")
	p.choose("#f-status", "abgeschlossen")
	p.choose("#f-close_reason", "Ziele erreicht")
	p.click(`form[action$="/phase"] button[type=submit]`)
	p.expectText("main dl", "abgeschlossen")
	if p.count(`form[action$="/kontakte"]`) != 0 {
		t.Error("a closed case still offers to record contacts")
	}
}

// reassignJourney: the team lead gives a case of the team to another case manager.
func (s *suite) reassignJourney(t *testing.T) {
	ctx := context.Background()
	cm := s.demoActor(t, cmAWO)
	in, err := s.env.App.Cases.CreateClient(ctx, cm, casework.ClientInput{FamilyName: "Kovalenko", GivenNames: "Iryna", BirthDate: "1979", Acknowledged: true})
	if err != nil {
		t.Fatal(err)
	}
	c, err := s.env.App.Cases.CreateCase(ctx, cm, casework.CaseInput{ClientID: in.Client.ID, AccessRoute: "self"})
	if err != nil {
		t.Fatal(err)
	}
	p := s.login(t, lead)
	p.open("/faelle")
	p.expectText("h1", "Fälle des Teams")
	p.click(`main a[href="/faelle/` + c.ID + `/zustaendigkeit"]`)
	p.expectText("main dl", "Kovalenko, Iryna")
	// Another member of the team.
	if !eval[bool](p, `(() => { const s = document.querySelector("#f-case_manager_id");
	  const o = [...s.options].find(o => o.value !== s.value); if (!o) return false; s.value = o.value; return true; })()`) {
		t.Fatal("the team has nobody else to take the case")
	}
	other := eval[string](p, `document.querySelector("#f-case_manager_id").value`)
	p.click(submitButton)
	p.expectText(flashNotice, "Die Zuständigkeit wurde geändert.")
	got, _, err := s.env.App.Cases.ListCases(ctx, s.demoActor(t, lead), webQuery(), casework.CaseFilter{Manager: other})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, k := range got {
		found = found || k.ID == c.ID
	}
	if !found {
		t.Error("the case is not in the new case manager's caseload")
	}
}

// revocationJourney: a partner organisation sees a referral while the consent holds; the
// revocation ends its access at once.
func (s *suite) revocationJourney(t *testing.T) {
	ctx := context.Background()
	ki := s.demoActor(t, cmKI)
	awo := s.orgOf(t, cmAWO)
	svc := s.env.App.Cases
	in, err := svc.CreateClient(ctx, ki, casework.ClientInput{FamilyName: "Petrenko", GivenNames: "Oksana", BirthDate: "1990-05-05", Acknowledged: true})
	if err != nil {
		t.Fatal(err)
	}
	c, err := svc.CreateCase(ctx, ki, casework.CaseInput{ClientID: in.Client.ID, AccessRoute: "self"})
	if err != nil {
		t.Fatal(err)
	}
	k, err := svc.CreateConsent(ctx, ki, in.Client.ID, casework.ConsentInput{Recipients: []casework.Recipient{{OrganisationID: awo}},
		Purpose: "Vermittlung in die Schuldnerberatung", Categories: []string{"master_data"}, Direction: "one_way",
		GivenOn: "2026-01-10", ValidUntil: "2099-01-01"})
	if err != nil {
		t.Fatal(err)
	}
	r, err := svc.AddReferral(ctx, ki, c.ID, casework.ReferralInput{OrganisationID: awo, ConsentID: k.ID, Service: "Schuldnerberatung"}, "")
	if err != nil {
		t.Fatal(err)
	}
	partner := s.login(t, cmAWO)
	partner.open("/vermittlungen/eingang")
	partner.mustExist(`main a[href="/vermittlungen/` + r.ID + `"]`)
	partner.open("/vermittlungen/" + r.ID)
	partner.expectText("main dl", "Petrenko, Oksana")

	p := s.login(t, cmKI)
	p.open("/klienten/" + in.Client.ID)
	p.click(`a[href="/einwilligungen/` + k.ID + `/widerrufen"]`)
	p.choose("#f-revocation_channel", "schriftlich")
	p.click(submitButton)
	p.expectText(flashNotice, "Die Weitergabe ist beendet.")

	partner.open("/vermittlungen/"+r.ID, 404)
	if strings.Contains(partner.text("main"), "Petrenko") {
		t.Error("the error page names the client")
	}
	partner.open("/vermittlungen/eingang")
	if partner.count(`main a[href="/vermittlungen/`+r.ID+`"]`) != 0 {
		t.Error("the revoked referral is still listed")
	}
}
