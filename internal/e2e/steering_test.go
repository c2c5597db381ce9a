package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"kim/internal/casework"
	"kim/internal/platform/db"
	"kim/internal/platform/i18n"
	"kim/internal/platform/valid"
)

// The steering loop end to end: barrier reports from cases → the coordination merges them into
// a theme → a working group → a meeting of the steering group decides a recommendation → the
// recommendation creates an offer → the offer is public and chosen in a referral → the loop view
// shows the chain.

// one runs a query on the demo database and returns its single text value.
func (s *suite) one(t *testing.T, q string, args ...any) string {
	t.Helper()
	var v string
	err := s.env.DB().Read(context.Background(), func(tx *db.Tx) error { return tx.QueryRowContext(context.Background(), q, args...).Scan(&v) })
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return v
}

// list runs a query on the demo database and returns its text values.
func (s *suite) list(t *testing.T, q string, args ...any) []string {
	t.Helper()
	var out []string
	err := s.env.DB().Read(context.Background(), func(tx *db.Tx) error {
		rows, err := tx.QueryContext(context.Background(), q, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var v string
			if err := rows.Scan(&v); err != nil {
				return err
			}
			out = append(out, v)
		}
		return rows.Err()
	})
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return out
}

// setValue sets a form control's value directly (select options by their code).
func (p *tab) setValue(sel, value string) {
	p.t.Helper()
	p.mustExist(sel)
	p.do("set "+sel, chromedp.SetValue(chromedp.CSS(sel), value))
}

// tick ticks the checkbox or radio button with the given name and value.
func (p *tab) tick(name, value string) {
	p.t.Helper()
	sel := fmt.Sprintf(`input[name=%q][value=%q]`, name, value)
	p.mustExist(sel)
	p.do("tick "+sel, clickCheckbox(sel))
}

const childcareText = "Für die Teilnehmerin gibt es während des Integrationskurses in Wald keine Kinderbetreuung; der Kurs wurde deshalb abgebrochen."

func (s *suite) steeringLoopJourney(t *testing.T) {
	ctx := context.Background()
	cm := s.demoActor(t, cmAWO)
	tenant := cm.TenantID

	// 1. A case manager files three barrier reports from cases, in two clicks each; the first
	// text names the client and is stopped with a warning.
	cases := s.list(t, `SELECT CAST(id AS TEXT) FROM cases WHERE tenant_id = $1 AND CAST(case_manager_id AS TEXT) = $2
		AND status IN ('assessment', 'planning', 'implementation') ORDER BY case_number LIMIT 3`, tenant, cm.UserID)
	if len(cases) < 3 {
		t.Fatalf("%d open cases of %s", len(cases), cmAWO)
	}
	family := s.one(t, `SELECT cl.family_name FROM cases c JOIN clients cl ON cl.tenant_id = c.tenant_id AND cl.id = c.client_id WHERE c.id = $1`, cases[0])

	p := s.login(t, cmAWO)
	for i, id := range cases {
		p.open("/faelle/" + id)
		p.click(`main a[href="/faelle/` + id + `/problemanzeige"]`)
		p.setValue("#f-life_domain", "language")
		p.setValue("#f-type", "no_offer_capacity")
		if i == 0 {
			p.fill("#f-description", "Frau "+family+": "+childcareText)
			p.click(`form[action$="/problemanzeige"] button[type=submit]`, 422)
			p.expectText("#identity-title", "Angaben zur Person")
			p.expectText(`main [aria-labelledby="identity-title"]`, family)
			p.screenshot("barrier-report-warning")
		}
		p.fill("#f-description", childcareText)
		p.click(`form[action$="/problemanzeige"] button[type=submit]`)
		p.expectText(flashNotice, "Problemanzeige")
	}
	reports := s.list(t, `SELECT CAST(id AS TEXT) FROM barrier_reports WHERE tenant_id = $1 AND description = $2`, tenant, childcareText)
	if len(reports) != 3 {
		t.Fatalf("%d reports stored, want 3", len(reports))
	}
	for _, d := range s.list(t, `SELECT description FROM barrier_reports WHERE tenant_id = $1`, tenant) {
		if strings.Contains(d, family+":") {
			t.Fatal("a report kept the client's name")
		}
	}

	// 2. The coordination merges the three reports into a theme and gives it to a working group.
	co := s.login(t, coordEmail)
	co.open("/koordination/eingang?size=100")
	for _, id := range reports {
		co.do("select report", clickCheckbox("#b-"+id))
	}
	co.click(`#zusammenfuehren button[type=submit]`)
	co.tick("mode", "new")
	co.fill("#f-title", "Kinderbetreuung während der Integrationskurse in Wald")
	co.fill("#f-description", "Ohne Kinderbetreuung brechen Teilnehmende mit kleinen Kindern Kurse ab.")
	co.setValue("#f-life_domain", "language")
	co.click(`form[action="/themen/zusammenfuehren"] button[type=submit]`)
	themePage := co.path()
	if !strings.HasPrefix(themePage, "/themen/") {
		t.Fatalf("after the merge on %s", themePage)
	}
	theme := strings.TrimPrefix(themePage, "/themen/")
	co.setValue("#f-status", "prioritised")
	co.click(`form[action$="/status"] button[type=submit]`)
	work := s.one(t, `SELECT CAST(id AS TEXT) FROM bodies WHERE tenant_id = $1 AND name = 'AG Sprache und Bildung'`, tenant)
	co.setValue("#f-body_id", work)
	co.click(`form[action$="/gremium"] button[type=submit]`)
	co.expectText("main", "in einer Arbeitsgruppe")

	// 3. A meeting of the steering group takes place with the theme on its agenda.
	steer := s.one(t, `SELECT CAST(id AS TEXT) FROM bodies WHERE tenant_id = $1 AND name = 'Lenkungsgruppe KIM'`, tenant)
	now := s.env.App.Cfg.Clock.Now()
	today, yesterday := valid.Today(now), valid.Today(now.AddDate(0, 0, -1))
	co.open("/sitzungen/neu?gremium=" + steer)
	co.fill("#f-title", "Sondersitzung Kinderbetreuung")
	co.fill("#f-date", yesterday)
	co.fill("#f-start", "10:00")
	co.fill("#f-end", "11:30")
	co.fill("#f-place", "Rathaus, Raum 101")
	co.click(`form[action="/sitzungen/neu"] button[type=submit]`)
	meetingPage := co.path()
	co.do("open the edit section", chromedp.Click(chromedp.CSS("#edit-title")))
	co.setValue("#f-status", "held")
	co.click(`form[action="` + meetingPage + `"] button[type=submit]`)
	co.expectText("main", "stattgefunden")

	// 4. The working group's recommendation is submitted and adopted in that meeting.
	co.open("/empfehlungen/neu?thema=" + theme)
	co.fill("#f-title", "Kinderbetreuung parallel zu Integrationskursen in Wald")
	co.fill("#f-text", "Der Träger richtet eine Kinderbetreuung zu den Kurszeiten ein; die Stadt übernimmt die Kosten im ersten Jahr.")
	co.setValue("#f-body_id", work)
	co.tick("organisation_ids", s.orgOf(t, "cm.caritas@solingen.example"))
	co.click(`form[action="/empfehlungen/neu"] button[type=submit]`)
	recPage := co.path()
	co.setValue("#f-status", "submitted")
	co.click(`form[action$="/status"] button[type=submit]`)
	co.setValue("#f-status", "adopted")
	co.setValue("#f-meeting_id", strings.TrimPrefix(meetingPage, "/sitzungen/"))
	co.click(`form[action$="/status"] button[type=submit]`)
	co.expectText("main", "beschlossen")

	// 5. The recommendation creates an offer of the Caritas, which is published.
	co.click(`main a[href^="/angebote/verwaltung/neu?empfehlung="]`)
	caritas := s.orgOf(t, "cm.caritas@solingen.example")
	co.setValue("#f-organisation_id", caritas)
	co.fill("#f-title", "Integrationskurs mit Kinderbetreuung Wald")
	co.fill("#f-description", "Vormittagskurs mit Betreuung für Kinder bis sechs Jahre im selben Haus.")
	co.tick("life_domains", "language")
	co.tick("languages", "de")
	co.tick("languages", "ar")
	co.tick("district_ids", s.one(t, `SELECT CAST(id AS TEXT) FROM districts WHERE tenant_id = $1 AND name = 'Wald'`, tenant))
	co.click(`form[action="/angebote/verwaltung/neu"] button[type=submit]`)
	co.click(`form[action$="/veroeffentlichung"] button[type=submit]`)
	offer := s.one(t, `SELECT CAST(id AS TEXT) FROM offers WHERE tenant_id = $1 AND title = 'Integrationskurs mit Kinderbetreuung Wald'`, tenant)
	if n := s.one(t, `SELECT CAST(count(*) AS TEXT) FROM recommendation_offers WHERE offer_id = $1 AND kind = 'created'`, offer); n != "1" {
		t.Fatalf("the offer is linked to %s recommendations", n)
	}

	co.open(recPage)
	co.expectText("main", "Integrationskurs mit Kinderbetreuung Wald")

	// 6. The offer appears in the public directory (no login) ...
	pub := s.public(t)
	pub.open("/angebote?q=Kinderbetreuung+Wald")
	pub.expectText("main", "Integrationskurs mit Kinderbetreuung Wald")
	pub.click(`main a[href^="/angebote/` + offer + `"]`)
	pub.expectText("h1", "Integrationskurs mit Kinderbetreuung Wald")
	pub.screenshot("public-offer")

	// ... and a case manager refers a client to it under a consent naming the Caritas.
	if _, err := s.env.App.Cases.CreateConsent(ctx, cm, s.one(t, `SELECT CAST(client_id AS TEXT) FROM cases WHERE id = $1`, cases[1]), casework.ConsentInput{
		Recipients: []casework.Recipient{{OrganisationID: caritas}}, Purpose: "Vermittlung in einen Integrationskurs mit Kinderbetreuung",
		Categories: []string{"master_data", "contact"}, Direction: "one_way", GivenOn: today, ValidUntil: "2099-12-31"}); err != nil {
		t.Fatal(err)
	}
	p = s.login(t, cmAWO)
	p.open("/faelle/" + cases[1])
	p.setValue("#f-offer_id", offer)
	p.choose("#f-consent_id", "Vermittlung in einen Integrationskurs")
	p.click(`form[action$="/vermittlungen"] button[type=submit]`)
	p.expectText("#vermittlungen", "Integrationskurs mit Kinderbetreuung Wald")

	// 7. The loop view shows the whole chain; the case manager's news page the decision.
	co = s.login(t, coordEmail)
	co.open(themePage + "/kreislauf")
	for _, want := range []string{"Kinderbetreuung während der Integrationskurse in Wald", "AG Sprache und Bildung", "Sondersitzung Kinderbetreuung",
		"Kinderbetreuung parallel zu Integrationskursen in Wald", "beschlossen", "Integrationskurs mit Kinderbetreuung Wald", "< 5"} {
		co.expectText("main", want)
	}
	co.screenshot("loop-view")
	p = s.login(t, cmAWO)
	p.open("/neuigkeiten")
	p.expectText("main", "Kinderbetreuung parallel zu Integrationskursen in Wald")
}

// publicDirectory: the offer directory without login and without JavaScript, in every public
// language (each page passes the accessibility check), right to left for Arabic and Farsi.
func (s *suite) publicDirectory(t *testing.T) {
	p := s.b.newTab(t, s.env.URL, false).on(t)
	p.germanBrowser()
	for _, lang := range i18n.Public {
		p.open("/angebote?lang=" + lang)
		if got := p.attr("html", "lang"); got != lang {
			t.Errorf("%s: html lang %q", lang, got)
		}
		wantDir := "ltr"
		if lang == "ar" || lang == "fa" {
			wantDir = "rtl"
		}
		if got := p.attr("html", "dir"); got != wantDir {
			t.Errorf("%s: dir %q", lang, got)
		}
	}
	// Filtering is a plain form: need, language and district, then free text.
	p.open("/angebote?lang=de")
	p.setValue("#f-domain", "language")
	p.setValue("#f-language", "ar")
	p.click(`main form[method=get] button[type=submit]`)
	if !strings.Contains(p.location(), "domain=language") || !strings.Contains(p.location(), "language=ar") {
		t.Fatalf("the filter form did not submit its fields: %s", p.location())
	}
	if p.count(`main a[href^="/angebote/"]`) == 0 {
		t.Fatal("no offer for language courses in Arabic")
	}
	p.open("/angebote?lang=ar&domain=language")
	p.screenshot("public-offers-ar")

	// With the script on, every language's list and an offer's page pass the accessibility
	// check (each page a tab opens is checked).
	js := s.public(t)
	for _, lang := range i18n.Public {
		js.open("/angebote?lang=" + lang)
		js.click(`main a[href^="/angebote/0"]`)
		js.open("/angebote?lang=" + lang + "&q=zzzz-nichts")
	}
}
