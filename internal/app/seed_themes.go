package app

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"kim/internal/platform/access"
	"kim/internal/platform/db"
	"kim/internal/steering"
)

// The demo's themes, merged by the coordination from the demo barrier reports older than six
// weeks (the newer ones wait in the inbox), and its recommendations: the childcare theme is the
// demo's whole loop — worked on in the AG Sprache und Bildung, its recommendation adopted in the
// steering group's last meeting, a new offer created from it, feedback for the case managers.
// Bodies, meetings and offers are looked up by name: what the other seeds did not create is left
// out, never invented here.

type demoTheme struct {
	title, description, domain, priority string
	types                                []string // the report types merged (of the life domain)
	body                                 string   // assigned body, by name
	status                               []string // status steps after the merge and the assignment
	rec                                  *demoRec
}

type demoRec struct {
	title, text, body, drafter string   // drafter: e-mail of the drafting account
	orgs                       []string // responsible organisations, by name
	dueMonths                  int      // due date in months from today
	indicators                 string
	meeting                    int // 0: the steering group's latest held meeting, 1: the one before
	steps                      []string
	feedback                   string
	offer                      string // title of the offer it created
}

const demoReportMinAge = 45 // days; newer reports stay in the inbox

var demoThemes = []demoTheme{
	{title: "Fehlende Kinderbetreuung während Sprachkursen", domain: "language", priority: "high", types: []string{"no_offer_capacity"},
		description: "Eltern kleiner Kinder, vor allem Mütter, können Integrations- und Berufssprachkurse nicht beginnen oder brechen sie ab, " +
			"weil es keine Kinderbetreuung während der Kurszeiten gibt. Kitaplätze fehlen, der Kursbesuch ist kein Dringlichkeitsgrund.",
		body: "AG Sprache und Bildung", status: []string{steering.ThemePrioritised},
		rec: &demoRec{title: "Kinderbetreuung parallel zu Integrationskursen in Ohligs", body: "AG Sprache und Bildung", drafter: "ag@solingen.example",
			text: "Die Kursträger bieten ab dem nächsten Kursbeginn in Ohligs einen Integrationskurs mit paralleler Kinderbetreuung an. " +
				"Die Betreuung übernehmen zwei pädagogische Fachkräfte in Räumen neben dem Kursraum.\n\n" +
				"Das Jugendamt prüft, ob der Besuch eines Integrationskurses bei der Vergabe von Kitaplätzen als Dringlichkeitsgrund gilt. " +
				"Die Koordination berichtet der Lenkungsgruppe nach zwei Kursdurchgängen über Teilnahme und Abbrüche.",
			orgs: []string{"AWO", "Stadt Solingen", "Kommunales Integrationszentrum"}, dueMonths: 6, indicators: "needs_prevalence new_cases",
			steps: []string{steering.RecSubmitted, steering.RecAdopted},
			feedback: "Ab dem nächsten Kursbeginn gibt es in Ohligs einen Integrationskurs mit paralleler Kinderbetreuung. " +
				"Eltern kleiner Kinder können Sie direkt dorthin vermitteln („Sprachkurs mit Kinderbetreuung Ohligs“).",
			offer: "Sprachkurs mit Kinderbetreuung Ohligs"}},
	{title: "Lange Wartezeiten bei der Ausländerbehörde", domain: "residence", priority: "high", types: []string{"waiting_time", "procedure_duration"},
		description: "Verlängerungen und neue Aufenthaltstitel dauern Monate, Termine sind kaum zu bekommen. Fiktionsbescheinigungen werden " +
			"von Arbeitgebern, Vermietern und Banken oft nicht akzeptiert.",
		status: []string{steering.ThemePrioritised},
		rec: &demoRec{title: "Mehrsprachige Online-Terminvergabe und Sprechstunde für dringende Fälle", body: "Lenkungsgruppe KIM",
			drafter: "koordination@solingen.example",
			text: "Die Ausländerbehörde bietet die Online-Terminvergabe auch auf Englisch, Arabisch, Türkisch und Ukrainisch an und hält " +
				"wöchentlich eine Sprechstunde für Fälle mit drohendem Arbeitsplatz- oder Wohnungsverlust vor.\n\n" +
				"Anträge können zusätzlich per E-Mail eingereicht werden; der Eingang wird bestätigt.",
			orgs: []string{"Ausländer- und Einbürgerungsbüro"}, dueMonths: 3, indicators: "referral_waiting_days", meeting: 1,
			steps:    []string{steering.RecSubmitted, steering.RecAdopted, steering.RecInImplementation},
			feedback: "Die Ausländerbehörde richtet eine Sprechstunde für dringende Fälle ein. Die Online-Terminvergabe wird mehrsprachig."}},
	{title: "Medienbruch beim Wechsel AsylbLG → SGB II", domain: "livelihood", priority: "medium", types: []string{"media_break", "unclear_responsibility"},
		description: "Nach der Anerkennung endet die Leistung nach dem AsylbLG, bevor das Jobcenter zahlt. Unterlagen liegen der Stadt vor, " +
			"müssen aber neu auf Papier eingereicht werden; Miete und Krankenversicherung bleiben wochenlang ungeklärt.",
		status: []string{steering.ThemePrioritised},
		rec: &demoRec{title: "Abgestimmte Übergabe zwischen Sozialamt und Jobcenter", body: "Lenkungsgruppe KIM", drafter: "koordination@solingen.example",
			text: "Sozialamt und Jobcenter vereinbaren ein Übergabeverfahren für anerkannte Geflüchtete: Das Sozialamt übermittelt mit " +
				"Einwilligung die vorliegenden Unterlagen, zahlt bis zum ersten Bescheid des Jobcenters weiter und beide benennen feste Ansprechpersonen.",
			orgs: []string{"Stadt Solingen", "Jobcenter Solingen"}, dueMonths: 9, indicators: "transition_gaps transitions",
			steps: []string{steering.RecSubmitted}}},
	{title: "Wohnungssuche für große Familien", domain: "housing", priority: "medium", types: []string{"no_offer_capacity", "discrimination"},
		description: "Für Familien mit vielen Kindern gibt es kaum Wohnungen innerhalb der Angemessenheitsgrenzen; anerkannte Geflüchtete " +
			"bleiben deshalb lange in den Unterkünften.",
		body: "AG Wohnen", status: []string{steering.ThemePrioritised}},
	{title: "Anerkennung ausländischer Berufsabschlüsse", domain: "education", types: []string{"unclear_responsibility", "information_gap"},
		description: "Zuständigkeiten für die Anerkennung sind unklar, Informationen gibt es nur auf Deutsch und verstreut."},
}

// seedDemoThemes creates the demo themes and recommendations. It is idempotent step by step: a
// theme that exists (by title) is not merged again, nor are its status steps taken again; a
// body already assigned is not assigned again; a recommendation that exists (by title) is not
// drafted again; an offer already linked is not linked again. What is missing is made, and the
// history of what was made is spread over the past.
func (a *App) seedDemoThemes(ctx context.Context, tenantID string) error {
	d, err := a.demoLoopFacts(ctx, tenantID)
	if err != nil {
		return err
	}
	coord, ok := d.actors["koordination@solingen.example"]
	if !ok {
		return errors.New("the demo coordinator is missing")
	}
	for _, th := range demoThemes {
		if err := a.seedDemoTheme(ctx, d, coord, th); err != nil {
			return err
		}
	}
	return nil
}

// seedDemoTheme makes what is missing of one demo theme.
func (a *App) seedDemoTheme(ctx context.Context, d *demoLoop, coord access.Actor, th demoTheme) error {
	s := a.Steering
	id, made := d.themes[th.title], false
	if id != "" && !steering.ThemeOpen(d.themeStatus[th.title]) {
		return nil // closed since (in the running demo): nothing can be added
	}
	if id == "" {
		var picked []string
		for _, r := range d.reports[th.domain] {
			for _, typ := range th.types {
				if r.typ == typ {
					picked = append(picked, r.id)
				}
			}
		}
		if len(picked) == 0 {
			return nil
		}
		var err error
		if id, err = s.Merge(ctx, coord, steering.MergeInput{ReportIDs: picked, Mode: "new",
			New: steering.ThemeInput{Title: th.title, Description: th.description, LifeDomain: th.domain, Priority: th.priority}}); err != nil {
			return fmt.Errorf("theme %s: %w", th.title, err)
		}
		made = true
		for _, st := range th.status {
			if err := s.MoveTheme(ctx, coord, id, 0, st, ""); err != nil {
				return fmt.Errorf("theme %s → %s: %w", th.title, st, err)
			}
		}
	}
	if body := d.bodies[th.body]; body != "" && !d.assigned[id+" "+body] {
		if err := s.AssignBody(ctx, coord, id, body); err != nil {
			return fmt.Errorf("theme %s, body: %w", th.title, err)
		}
		made = true
	}
	if th.rec != nil {
		recMade, err := a.seedDemoRec(ctx, d, coord, id, th.rec)
		if err != nil {
			return fmt.Errorf("recommendation %s: %w", th.rec.title, err)
		}
		made = made || recMade
	}
	if !made {
		return nil
	}
	return a.demoBackdate(ctx, coord.TenantID, id, d.oldest[th.domain])
}

// seedDemoRec drafts a recommendation that is missing and takes its steps (decisions fall in
// the steering group's held meetings), and links the offer it created when that is missing; it
// reports whether it made anything.
func (a *App) seedDemoRec(ctx context.Context, d *demoLoop, coord access.Actor, themeID string, r *demoRec) (bool, error) {
	s := a.Steering
	id, made := d.recs[r.title], false
	if id == "" {
		body, drafter := d.bodies[r.body], d.actors[r.drafter]
		if body == "" || drafter.UserID == "" {
			return false, nil // the bodies seed did not create the drafting body or its member
		}
		var orgs []string
		for _, o := range r.orgs {
			if id := d.orgs[o]; id != "" {
				orgs = append(orgs, id)
			}
		}
		due := a.DB.Clock.Now().AddDate(0, r.dueMonths, 0).Format("2006-01-02")
		var err error
		if id, err = s.CreateRecommendation(ctx, drafter, themeID, steering.RecInput{Title: r.title, Text: r.text, BodyID: body,
			OrganisationIDs: orgs, DueDate: due, Indicators: r.indicators}); err != nil {
			return false, err
		}
		made = true
		for _, st := range r.steps {
			actor, m := coord, steering.RecMove{To: st}
			if st == steering.RecSubmitted {
				actor = drafter
			}
			if st == steering.RecAdopted {
				if r.meeting >= len(d.decisions) {
					return made, nil // no held meeting of the steering group to decide in
				}
				m.MeetingID, m.Feedback = d.decisions[r.meeting], r.feedback
			}
			if err := s.MoveRecommendation(ctx, actor, id, 0, m); err != nil {
				return made, fmt.Errorf("step %s: %w", st, err)
			}
		}
	}
	if offer := d.offers[r.offer]; offer != "" && !d.linked[id+" "+offer] {
		err := a.DB.Write(ctx, func(tx *db.Tx) error { return s.LinkOffer(ctx, tx, coord, id, offer, "created") })
		if err != nil {
			return made, err
		}
		made = true
	}
	return made, nil
}

// demoLoop is what the demo's themes need of the other seeds.
type demoLoop struct {
	actors      map[string]access.Actor // by e-mail
	bodies      map[string]string       // by name
	orgs        map[string]string       // by name
	offers      map[string]string       // by title
	themes      map[string]string       // the existing ones, by title
	themeStatus map[string]string       // their status, by title
	recs        map[string]string       // the existing ones, by title
	assigned    map[string]bool         // "theme body" of the existing assignments
	linked      map[string]bool         // "recommendation offer" of the existing links
	decisions   []string                // held meetings of the steering group, latest first
	reports     map[string][]demoReportRef
	oldest      map[string]time.Time // the first report of a life domain
}

type demoReportRef struct{ id, typ string }

func (a *App) demoLoopFacts(ctx context.Context, tenantID string) (*demoLoop, error) {
	d := &demoLoop{actors: map[string]access.Actor{}, bodies: map[string]string{}, orgs: map[string]string{}, offers: map[string]string{},
		themes: map[string]string{}, themeStatus: map[string]string{}, recs: map[string]string{}, assigned: map[string]bool{}, linked: map[string]bool{},
		reports: map[string][]demoReportRef{}, oldest: map[string]time.Time{}}
	cutoff := a.DB.Clock.Now().AddDate(0, 0, -demoReportMinAge)
	err := a.DB.Read(ctx, func(tx *db.Tx) error {
		for _, email := range []string{"koordination@solingen.example", "ag@solingen.example"} {
			u := access.Actor{TenantID: tenantID, TenantSlug: DemoTenant}
			var role string
			err := tx.QueryRowContext(ctx, "SELECT CAST(id AS TEXT), CAST(organisation_id AS TEXT), name, role FROM users WHERE tenant_id = $1 AND email = $2",
				tenantID, email).Scan(&u.UserID, &u.OrganisationID, &u.Name, &role)
			if errors.Is(err, sql.ErrNoRows) {
				continue
			}
			if err != nil {
				return err
			}
			u.Role, u.Email = access.Role(role), email
			d.actors[email] = u
		}
		for q, m := range map[string]map[string]string{
			"SELECT name, CAST(id AS TEXT) FROM bodies WHERE tenant_id = $1 AND active":   d.bodies,
			"SELECT name, CAST(id AS TEXT) FROM organisations WHERE tenant_id = $1":       d.orgs,
			"SELECT title, CAST(id AS TEXT) FROM offers WHERE tenant_id = $1 ORDER BY id": d.offers,
			"SELECT title, CAST(id AS TEXT) FROM themes WHERE tenant_id = $1":             d.themes,
			"SELECT title, status FROM themes WHERE tenant_id = $1":                       d.themeStatus,
			"SELECT title, CAST(id AS TEXT) FROM recommendations WHERE tenant_id = $1":    d.recs,
		} {
			if err := demoPairs(ctx, tx, m, q, tenantID); err != nil {
				return err
			}
		}
		for q, m := range map[string]map[string]bool{
			"SELECT CAST(theme_id AS TEXT) || ' ' || CAST(body_id AS TEXT) FROM theme_bodies WHERE tenant_id = $1":                    d.assigned,
			"SELECT CAST(recommendation_id AS TEXT) || ' ' || CAST(offer_id AS TEXT) FROM recommendation_offers WHERE tenant_id = $1": d.linked,
		} {
			keys, err := demoColumn(ctx, tx, q, tenantID)
			if err != nil {
				return err
			}
			for _, k := range keys {
				m[k] = true
			}
		}
		var err error
		if d.decisions, err = demoColumn(ctx, tx, `SELECT CAST(m.id AS TEXT) FROM meetings m JOIN bodies b ON b.tenant_id = m.tenant_id AND b.id = m.body_id
			WHERE m.tenant_id = $1 AND b.name = $2 AND m.status = $3 ORDER BY m.starts_at DESC`, tenantID, "Lenkungsgruppe KIM", steering.MeetingHeld); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT CAST(id AS TEXT), life_domain, type, reported_at FROM barrier_reports
			WHERE tenant_id = $1 AND status IN ('reported', 'screened') ORDER BY reported_at`, tenantID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var r demoReportRef
			var domain string
			var at time.Time
			if err := rows.Scan(&r.id, &domain, &r.typ, &at); err != nil {
				return err
			}
			if at.After(cutoff) {
				continue
			}
			if _, ok := d.oldest[domain]; !ok {
				d.oldest[domain] = at
			}
			d.reports[domain] = append(d.reports[domain], r)
		}
		return rows.Err()
	})
	return d, err
}

// demoPairs reads name → id pairs into m.
func demoPairs(ctx context.Context, tx *db.Tx, m map[string]string, q string, args ...any) error {
	rows, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			return err
		}
		m[k] = v
	}
	return rows.Err()
}

// demoBackdate spreads a demo theme's history over the past, so that the demo does not show a
// year's steering work as done today: the theme is created a week after its first report and
// each status change follows three weeks after the one before; a recommendation's steps are
// three weeks apart around its decision, which falls on the day of its meeting (an undecided
// one was last moved two weeks ago); the theme's move to "recommendation adopted" is that day.
func (a *App) demoBackdate(ctx context.Context, tenantID, themeID string, first time.Time) error {
	if first.IsZero() {
		return nil
	}
	const gap = 21 // days between two steps
	return a.DB.Write(ctx, func(tx *db.Tx) error {
		exec := func(q string, args ...any) error {
			_, err := tx.ExecContext(ctx, q, args...)
			return err
		}
		created := first.AddDate(0, 0, 7)
		var adopted time.Time
		recs, err := demoColumn(ctx, tx, "SELECT CAST(id AS TEXT) FROM recommendations WHERE tenant_id = $1 AND theme_id = $2", tenantID, themeID)
		if err != nil {
			return err
		}
		for _, rec := range recs {
			type event struct {
				id, to, meeting string
			}
			var evs []event
			rows, err := tx.QueryContext(ctx, `SELECT CAST(id AS TEXT), to_status, COALESCE(CAST(meeting_id AS TEXT), '') FROM recommendation_events
				WHERE tenant_id = $1 AND recommendation_id = $2 ORDER BY at, id`, tenantID, rec)
			if err != nil {
				return err
			}
			for rows.Next() {
				var e event
				if err := rows.Scan(&e.id, &e.to, &e.meeting); err != nil {
					rows.Close()
					return err
				}
				evs = append(evs, e)
			}
			rows.Close()
			var decided string
			if err := tx.QueryRowContext(ctx, "SELECT decided_on FROM recommendations WHERE tenant_id = $1 AND id = $2", tenantID, rec).Scan(&decided); err != nil {
				return err
			}
			anchor, at := a.DB.Clock.Now().AddDate(0, 0, -14), len(evs)-1
			if day, err := time.ParseInLocation("2006-01-02", decided, time.UTC); err == nil {
				anchor = day.Add(15 * time.Hour)
				for i, e := range evs {
					if e.meeting != "" {
						at = i
					}
				}
				if adopted.IsZero() {
					adopted = anchor
				}
			}
			for i, e := range evs {
				if err := exec("UPDATE recommendation_events SET at = $1 WHERE tenant_id = $2 AND id = $3", anchor.AddDate(0, 0, gap*(i-at)), tenantID, e.id); err != nil {
					return err
				}
			}
			if err := exec("UPDATE recommendations SET created_at = $1, updated_at = $2 WHERE tenant_id = $3 AND id = $4", anchor.AddDate(0, 0, -gap*at),
				anchor.AddDate(0, 0, gap*(len(evs)-1-at)), tenantID, rec); err != nil {
				return err
			}
			if err := exec("UPDATE recommendation_offers SET linked_at = $1 WHERE tenant_id = $2 AND recommendation_id = $3",
				anchor.AddDate(0, 0, 2*gap/3), tenantID, rec); err != nil {
				return err
			}
		}
		type tevent struct{ id, to string }
		var tevs []tevent
		rows, err := tx.QueryContext(ctx, "SELECT CAST(id AS TEXT), to_status FROM theme_events WHERE tenant_id = $1 AND theme_id = $2 ORDER BY at, id", tenantID, themeID)
		if err != nil {
			return err
		}
		for rows.Next() {
			var e tevent
			if err := rows.Scan(&e.id, &e.to); err != nil {
				rows.Close()
				return err
			}
			tevs = append(tevs, e)
		}
		rows.Close()
		assigned, last := created, created
		for i, e := range tevs {
			at := created.AddDate(0, 0, gap*i)
			if e.to == steering.ThemeAdopted && !adopted.IsZero() {
				at = adopted
			}
			if e.to != steering.ThemeAdopted {
				assigned = at // the body was assigned with the last step before the adoption
			}
			if err := exec("UPDATE theme_events SET at = $1 WHERE tenant_id = $2 AND id = $3", at, tenantID, e.id); err != nil {
				return err
			}
			if at.After(last) {
				last = at
			}
		}
		if err := exec("UPDATE themes SET updated_at = $1 WHERE tenant_id = $2 AND id = $3", last, tenantID, themeID); err != nil {
			return err
		}
		if err := exec("UPDATE theme_bodies SET assigned_at = $1 WHERE tenant_id = $2 AND theme_id = $3", assigned, tenantID, themeID); err != nil {
			return err
		}
		for _, q := range []string{"UPDATE themes SET created_at = $1 WHERE tenant_id = $2 AND id = $3",
			"UPDATE theme_reports SET added_at = $1 WHERE tenant_id = $2 AND theme_id = $3"} {
			if err := exec(q, created, tenantID, themeID); err != nil {
				return err
			}
		}
		return nil
	})
}
