package app

import (
	"context"
	"errors"
	"fmt"
	"time"

	"kim/internal/platform/access"
	"kim/internal/platform/db"
	"kim/internal/platform/errs"
	"kim/internal/platform/valid"
	"kim/internal/platform/web"
	"kim/internal/steering"
)

// The bodies of the demo: the steering group, two working groups and a project group of the
// Solingen network with fictitious members of the demo organisations (the demo coordinator,
// body member and team lead with their accounts), and their meetings of the last months with
// attendance, minutes and decisions, plus the planned ones. The steering group's most recent
// held meeting (about six weeks ago) is the one the demo recommendations are decided in.

type demoMember struct {
	name, org, role, deputy string
	account                 string // e-mail of a demo account, "" for none
	email                   string
}

type demoMeeting struct {
	weeks     int          // weeks from the seeding day (negative: past)
	weekday   time.Weekday // the day in that week
	start     string       // HH:MM
	minutes   int          // duration
	title     string
	place     string
	status    string
	agenda    []string
	text      string   // minutes
	decisions []string // decisions of a held meeting
}

type demoBody struct {
	name, typ, mandate string
	members            []demoMember
	meetings           []demoMeeting
}

const (
	demoPlaceRathaus = "Rathaus Solingen, Walter-Scheel-Platz 1, Raum 2.14"
	demoPlaceKI      = "Kommunales Integrationszentrum, Friedrichstraße 46, Besprechungsraum 1"
	demoPlaceDW      = "Diakonie, Beratungszentrum Kasernenstraße 23, Saal"
	demoPlaceAWO     = "AWO Migrationsberatung, Düsseldorfer Straße 20 (Ohligs)"
)

var demoBodies = []demoBody{
	{name: "Lenkungsgruppe KIM", typ: steering.BodySteeringGroup,
		mandate: "Steuert das Kommunale Integrationsmanagement in Solingen auf Leitungsebene: priorisiert die Themen aus der Fallarbeit, " +
			"beauftragt Arbeits- und Projektgruppen und beschließt die Handlungsempfehlungen. Tagt etwa viermal im Jahr.",
		members: []demoMember{
			{name: "Dr. Katrin Albers", org: "Stadt Solingen", role: "chair", deputy: "Frank Meister", email: "k.albers@solingen.example"},
			{account: "koordination@solingen.example", org: "Kommunales Integrationszentrum", role: "member", deputy: "Yasemin Arslan"},
			{name: "Thomas Reuter", org: "Jobcenter Solingen", role: "member", deputy: "Aylin Kaya"},
			{account: "lead.awo@solingen.example", org: "AWO", role: "member", deputy: "Katharina Vogel"},
			{name: "Martin Hoffmeister", org: "Caritas", role: "member", deputy: "Julia Brandt"},
			{name: "Dr. Ingrid Wolters", org: "Diakonie", role: "member", deputy: "Jan Peters"},
			{name: "Ralf Ostermann", org: "Ausländer- und Einbürgerungsbüro", role: "member", deputy: "Nina Petrović"},
		},
		meetings: []demoMeeting{
			{weeks: -20, weekday: time.Tuesday, start: "14:00", minutes: 120, title: "Auftakt des Jahres", place: demoPlaceRathaus, status: "held",
				agenda: []string{"Begrüßung und Protokoll der letzten Sitzung", "Bericht der Koordination aus der Fallarbeit",
					"Priorisierung der Themen für das erste Halbjahr", "Einsetzung der Projektgruppe Anerkennung", "Verschiedenes"},
				text: "Frau Dr. Albers begrüßt die Mitglieder. Das Protokoll der letzten Sitzung wird ohne Änderungen genehmigt.\n\n" +
					"Die Koordination berichtet aus den Problemanzeigen des Halbjahres: Am häufigsten genannt werden lange Wartezeiten auf " +
					"Integrationskurse mit Kinderbetreuung, die Wohnungssuche für Familien und die Dauer der Anerkennung ausländischer Abschlüsse.\n\n" +
					"Die Lenkungsgruppe verständigt sich auf die Reihenfolge der Bearbeitung und setzt eine befristete Projektgruppe zur Anerkennung ein.",
				decisions: []string{
					"Die Themen „Wartezeiten auf Integrationskurse mit Kinderbetreuung“ und „Wohnungssuche für Familien“ werden im ersten Halbjahr vorrangig bearbeitet; zuständig sind die AG Sprache und Bildung und die AG Wohnen.",
					"Die Projektgruppe Anerkennung wird bis zum Jahresende eingesetzt. Die Leitung übernimmt die Diakonie.",
				}},
			{weeks: -6, weekday: time.Tuesday, start: "14:00", minutes: 150, title: "Beratung der Handlungsempfehlungen", place: demoPlaceRathaus, status: "held",
				agenda: []string{"Protokoll der letzten Sitzung", "Bericht der AG Sprache und Bildung: Kinderbetreuung während der Integrationskurse",
					"Zwischenbericht der Projektgruppe Anerkennung", "Entscheidung über die vorgelegten Handlungsempfehlungen", "Termine"},
				text: "Das Protokoll wird genehmigt. Frau Schulz stellt für die AG Sprache und Bildung den Vorschlag einer kursbegleitenden " +
					"Kinderbetreuung vor; der Bedarf ist durch zahlreiche Problemanzeigen aus allen Stadtbezirken belegt.\n\n" +
					"Die Projektgruppe Anerkennung berichtet über erste Absprachen mit den Kammern. Die Lenkungsgruppe berät die vorgelegten " +
					"Handlungsempfehlungen und fasst die Beschlüsse, die im Beschlussteil festgehalten sind.",
				decisions: []string{"Die Koordination berichtet in der nächsten Sitzung über den Stand der Umsetzung aller beschlossenen Empfehlungen."}},
			{weeks: 5, weekday: time.Tuesday, start: "14:00", minutes: 120, title: "Sommersitzung", place: demoPlaceRathaus, status: "planned",
				agenda: []string{"Protokoll der letzten Sitzung", "Bericht der Koordination zur Umsetzung der Empfehlungen",
					"Bericht der AG Wohnen", "Integrationsmonitoring: erste Kennzahlen", "Verschiedenes"}},
			{weeks: 18, weekday: time.Tuesday, start: "14:00", minutes: 120, title: "Herbstsitzung", place: demoPlaceRathaus, status: "planned",
				agenda: []string{"Jahresplanung", "Abschlussbericht der Projektgruppe Anerkennung"}},
		}},
	{name: "AG Sprache und Bildung", typ: steering.BodyWorkingGroup,
		mandate: "Erarbeitet Vorschläge zu Integrations- und Berufssprachkursen, Kinderbetreuung während der Kurse, " +
			"Schulzugang neu zugewanderter Kinder und Übergängen in Ausbildung.",
		members: []demoMember{
			{account: "ag@solingen.example", org: "Diakonie", role: "chair", deputy: "Elif Yıldız"},
			{name: "Yasemin Arslan", org: "Kommunales Integrationszentrum", role: "member", email: "y.arslan@solingen.example"},
			{name: "Anna Kowalski", org: "Caritas", role: "member", deputy: "Michael Schröder"},
			{name: "Stefan Brandt", org: "AWO", role: "member"},
			{name: "Sophie Wagner", org: "Internationaler Bund", role: "member"},
			{name: "Peter Lindner", org: "Jobcenter Solingen", role: "guest"},
		},
		meetings: []demoMeeting{
			{weeks: -14, weekday: time.Wednesday, start: "10:00", minutes: 90, title: "Kinderbetreuung und Kurszugang", place: demoPlaceDW, status: "held",
				agenda: []string{"Auswertung der Problemanzeigen zu Wartezeiten", "Angebote der Kursträger", "Nächste Schritte"},
				text: "Die Problemanzeigen zeigen Wartezeiten von vier bis sechs Monaten, vor allem für Eltern kleiner Kinder.\n\n" +
					"Die Kursträger berichten, dass Kurse mit Kinderbetreuung selten angeboten werden, weil Räume und Fachkräfte fehlen.",
				decisions: []string{"Die AG erhebt bis zur nächsten Sitzung, welche Träger Kurse mit Kinderbetreuung anbieten könnten."}},
			{weeks: -8, weekday: time.Wednesday, start: "10:00", minutes: 90, title: "Entwurf einer Handlungsempfehlung", place: demoPlaceKI, status: "held",
				agenda: []string{"Ergebnisse der Trägerabfrage", "Entwurf: kursbegleitende Kinderbetreuung", "Schulzugang für Seiteneinsteiger"},
				text: "Drei Träger können ab dem Herbst Kurse mit Kinderbetreuung anbieten, wenn die Finanzierung der Betreuung geklärt ist.\n\n" +
					"Der Entwurf der Handlungsempfehlung wird abgestimmt und der Lenkungsgruppe vorgelegt.",
				decisions: []string{"Der Entwurf „Kursbegleitende Kinderbetreuung“ wird der Lenkungsgruppe zur Entscheidung vorgelegt."}},
			{weeks: -3, weekday: time.Wednesday, start: "10:00", minutes: 90, title: "Schulzugang und Übergänge", place: demoPlaceDW, status: "held",
				agenda: []string{"Bericht aus der Lenkungsgruppe", "Seiteneinsteigerklassen: Wartezeiten", "Übergang Schule – Ausbildung"},
				text:   "Die AG nimmt den Bericht aus der Lenkungsgruppe zur Kenntnis und beginnt mit dem Thema Schulzugang."},
			{weeks: 2, weekday: time.Wednesday, start: "10:00", minutes: 90, title: "Übergänge in Ausbildung", place: demoPlaceKI, status: "planned",
				agenda: []string{"Protokoll", "Gast: Jugendmigrationsdienst des Internationalen Bundes", "Verschiedenes"}},
			{weeks: 8, weekday: time.Wednesday, start: "10:00", minutes: 90, title: "Auswertung der neuen Kursangebote", place: demoPlaceDW, status: "planned",
				agenda: []string{"Erste Erfahrungen mit Kursen mit Kinderbetreuung", "Rückmeldungen aus der Fallarbeit"}},
		}},
	{name: "AG Wohnen", typ: steering.BodyWorkingGroup,
		mandate: "Befasst sich mit der Wohnungssuche zugewanderter Familien, Wohnberechtigungsscheinen, Kosten der Unterkunft und " +
			"der Zusammenarbeit mit Vermieterinnen und Vermietern.",
		members: []demoMember{
			{name: "Murat Demir", org: "AWO", role: "chair", deputy: "Katharina Vogel", email: "cm.awo@solingen.example"},
			{name: "Michael Schröder", org: "Caritas", role: "member"},
			{name: "Birgit Hansen", org: "Stadt Solingen", role: "member", deputy: "Uwe Berger"},
			{name: "Oliver Krämer", org: "Jobcenter Solingen", role: "member"},
			{account: "koordination@solingen.example", org: "Kommunales Integrationszentrum", role: "guest"},
		},
		meetings: []demoMeeting{
			{weeks: -10, weekday: time.Thursday, start: "13:30", minutes: 90, title: "Wohnungssuche für Familien", place: demoPlaceAWO, status: "held",
				agenda: []string{"Problemanzeigen zur Wohnungssuche", "Wohnberechtigungsschein: Bearbeitungsdauer", "Kontakte zur Wohnungswirtschaft"},
				text: "Die Mitglieder schildern, dass Familien mit mehr als drei Kindern kaum Wohnungen finden.\n\n" +
					"Das Wohnungsamt erläutert die Bearbeitung der Anträge auf einen Wohnberechtigungsschein.",
				decisions: []string{"Die AG lädt die Wohnungsgesellschaften zu ihrer nächsten Sitzung ein."}},
			{weeks: -4, weekday: time.Thursday, start: "13:30", minutes: 90, title: "Gespräch mit der Wohnungswirtschaft", place: demoPlaceKI, status: "held",
				agenda: []string{"Gäste der Wohnungsgesellschaften", "Mietschuldenberatung", "Nächste Schritte"},
				text:   "Zwei Wohnungsgesellschaften sagen eine feste Ansprechperson für die Beratungsstellen zu."},
			{weeks: -1, weekday: time.Thursday, start: "13:30", minutes: 90, title: "Kosten der Unterkunft", place: demoPlaceAWO, status: "cancelled",
				agenda: []string{"Angemessenheitsgrenzen", "Umzugskosten"}},
			{weeks: 3, weekday: time.Thursday, start: "13:30", minutes: 90, title: "Kosten der Unterkunft (Nachholtermin)", place: demoPlaceAWO, status: "planned",
				agenda: []string{"Angemessenheitsgrenzen", "Umzugskosten", "Bericht für die Lenkungsgruppe"}},
		}},
	{name: "Projektgruppe Anerkennung", typ: steering.BodyProjectGroup,
		mandate: "Befristet bis zum Jahresende: Wege zur schnelleren Anerkennung ausländischer Berufs- und Studienabschlüsse, " +
			"Zusammenarbeit mit den Kammern und Lotsenangebote für Antragstellende.",
		members: []demoMember{
			{name: "Elif Yıldız", org: "Diakonie", role: "chair", deputy: "Jan Peters"},
			{name: "Dr. Hans Becker", org: "Stadt Solingen", role: "member"},
			{name: "Claudia Engel", org: "Jobcenter Solingen", role: "member"},
			{name: "Sophie Wagner", org: "Internationaler Bund", role: "member"},
			{name: "Ralf Ostermann", org: "Ausländer- und Einbürgerungsbüro", role: "guest"},
		},
		meetings: []demoMeeting{
			{weeks: -12, weekday: time.Monday, start: "15:00", minutes: 90, title: "Auftakt", place: demoPlaceDW, status: "held",
				agenda:    []string{"Auftrag der Lenkungsgruppe", "Bestandsaufnahme der Anerkennungsverfahren", "Arbeitsplan"},
				text:      "Die Projektgruppe bespricht den Auftrag und legt einen Arbeitsplan bis zum Jahresende fest.",
				decisions: []string{"Die Projektgruppe trifft sich alle sechs Wochen; die Diakonie lädt ein."}},
			{weeks: -5, weekday: time.Monday, start: "15:00", minutes: 90, title: "Absprachen mit den Kammern", place: "Videokonferenz", status: "held",
				agenda: []string{"Bericht aus den Gesprächen mit IHK und Handwerkskammer", "Lotsenangebot"},
				text:   "Die Kammern bieten gemeinsame Sprechstunden im WillkommenCenter an."},
			{weeks: 1, weekday: time.Monday, start: "15:00", minutes: 90, title: "Lotsenangebot", place: demoPlaceDW, status: "planned",
				agenda: []string{"Konzept des Lotsenangebots", "Zwischenbericht an die Lenkungsgruppe"}},
		}},
}

// seedDemoBodies creates the demo bodies that do not exist yet, each with its members and
// meetings (idempotent: an existing body is left alone).
func (a *App) seedDemoBodies(ctx context.Context, tenantID string) error {
	sys := access.System(tenantID)
	existing, _, err := a.Steering.ListBodies(ctx, sys, web.ListQuery{Page: 1, Size: web.MaxPageSize, Sort: "name"}, steering.BodyFilter{})
	if err != nil {
		return err
	}
	have := map[string]bool{}
	for _, b := range existing {
		have[b.Name] = true
	}
	orgs, users := map[string]string{}, map[string]string{}
	err = a.DB.Read(ctx, func(tx *db.Tx) error {
		for q, m := range map[string]map[string]string{"SELECT name, CAST(id AS TEXT) FROM organisations WHERE tenant_id = $1": orgs,
			"SELECT email, CAST(id AS TEXT) FROM users WHERE tenant_id = $1": users} {
			rows, err := tx.QueryContext(ctx, q, tenantID)
			if err != nil {
				return err
			}
			for rows.Next() {
				var k, v string
				if err := rows.Scan(&k, &v); err != nil {
					rows.Close()
					return err
				}
				m[k] = v
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	now := a.DB.Clock.Now()
	for _, d := range demoBodies {
		if have[d.name] {
			continue
		}
		if err := a.seedDemoBody(ctx, sys, d, orgs, users, now); err != nil {
			return fmt.Errorf("%s: %w", d.name, err)
		}
	}
	return nil
}

func (a *App) seedDemoBody(ctx context.Context, sys access.Actor, d demoBody, orgs, users map[string]string, now time.Time) error {
	s := a.Steering
	b, err := s.CreateBody(ctx, sys, steering.BodyInput{Name: d.name, Type: d.typ, Mandate: d.mandate, Active: true})
	if err != nil {
		return err
	}
	var members []*steering.BodyMember
	for _, m := range d.members {
		// The members belong to the body since well before its first meeting of the demo.
		in := steering.BodyMemberInput{PersonName: m.name, OrganisationID: orgs[m.org], Role: m.role, DeputyName: m.deputy, Email: m.email,
			Since: demoDay(now, -104, time.Monday)}
		if m.account != "" {
			in.UserID, in.Email = users[m.account], m.account
		}
		added, err := s.AddBodyMember(ctx, sys, b.ID, in)
		if err != nil {
			return fmt.Errorf("member %s%s: %w", m.name, m.account, err)
		}
		members = append(members, added)
	}
	for i, dm := range d.meetings {
		if err := a.seedDemoMeeting(ctx, sys, b, members, i, dm, now); err != nil {
			return fmt.Errorf("meeting %s: %w", dm.title, err)
		}
	}
	return nil
}

// demoDay returns the calendar day (YYYY-MM-DD, Berlin) of weekday in the week weeks away
// from now; a day between Christmas and New Year moves a week away from now.
func demoDay(now time.Time, weeks int, weekday time.Weekday) string {
	day := now.In(valid.Berlin).AddDate(0, 0, 7*weeks)
	day = day.AddDate(0, 0, int(weekday)-int(day.Weekday()))
	if (day.Month() == time.December && day.Day() >= 23) || (day.Month() == time.January && day.Day() <= 2) {
		if weeks < 0 {
			day = day.AddDate(0, 0, -7)
		} else {
			day = day.AddDate(0, 0, 7)
		}
	}
	return day.Format(valid.DateLayout)
}

func (a *App) seedDemoMeeting(ctx context.Context, sys access.Actor, b *steering.Body, members []*steering.BodyMember, n int, dm demoMeeting, now time.Time) error {
	s := a.Steering
	start, _ := time.Parse("15:04", dm.start)
	end := start.Add(time.Duration(dm.minutes) * time.Minute)
	in := steering.MeetingInput{BodyID: b.ID, Title: dm.title, Date: demoDay(now, dm.weeks, dm.weekday), Start: dm.start, End: end.Format("15:04"),
		Place: dm.place}
	for _, item := range dm.agenda {
		in.Agenda = append(in.Agenda, steering.MeetingAgendaInput{Title: item})
	}
	m, err := s.CreateMeeting(ctx, sys, in)
	if err != nil {
		return err
	}
	if dm.status == steering.MeetingPlanned {
		return nil
	}
	in.Status, in.Minutes, in.Version, in.Attendance = dm.status, dm.text, m.Version, map[string]string{}
	if dm.status == steering.MeetingHeld {
		// Most members attend; now and then one is excused, absent or sends the deputy.
		for i, mem := range members {
			status := "present"
			switch (i + 2*n) % 7 {
			case 3:
				status = "excused"
				if mem.DeputyName != "" {
					status = "deputy"
				}
			case 5:
				status = "excused"
			case 6:
				if i%2 == 1 {
					status = "absent"
				}
			}
			in.Attendance[mem.ID] = status
		}
	}
	if _, err := s.UpdateMeeting(ctx, sys, m.ID, in); err != nil {
		var e *errs.Error
		if errors.As(err, &e) {
			return fmt.Errorf("%w %v", err, e.Fields)
		}
		return err
	}
	for _, text := range dm.decisions {
		if _, err := s.AddMeetingDecision(ctx, sys, m.ID, steering.MeetingDecisionInput{Text: text}); err != nil {
			return err
		}
	}
	return nil
}
