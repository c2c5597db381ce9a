package app

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"kim/internal/platform/access"
	"kim/internal/platform/audit"
	"kim/internal/platform/db"
	"kim/internal/platform/ids"
	"kim/internal/steering"
)

// The demo's barrier reports: about thirty over the last twelve months, filed by the three demo
// case managers from their own cases. The texts are anonymous by design. Eight of them tell of
// missing childcare during language courses (the theme the demo's steering loop is about),
// others of waiting times at the foreigners' office, gaps when benefits move from the AsylbLG
// to the Jobcenter, housing and the recognition of foreign qualifications. Some are screened,
// three closed.

type demoReport struct {
	cm      string // the reporting case manager's e-mail (local part, @solingen.example)
	daysAgo int
	domain  string
	typ     string
	orgs    []string // organisations involved, by name
	legal   []string
	status  string // reported, screened or closed
	reason  string
	note    string
	text    string
}

var (
	demoCity  = []string{"Stadt Solingen"}
	demoABH   = []string{"Ausländer- und Einbürgerungsbüro"}
	demoGap   = []string{"Jobcenter Solingen", "Stadt Solingen"}
	demoLegal = []string{"asylblg", "sgb2"}
)

var demoReports = []demoReport{
	// Childcare during language courses.
	{"cm.awo", 330, "language", "no_offer_capacity", demoCity, nil, "screened", "", "", "Eine Mutter von zwei Kleinkindern hat die Zulassung zum Integrationskurs, kann ihn aber nicht beginnen: Der Kurs findet vormittags statt, eine Kinderbetreuung gibt es weder beim Kursträger noch kurzfristig in einer Kita. Die Zulassung droht zu verfallen."},
	{"cm.ki", 290, "language", "no_offer_capacity", demoCity, nil, "screened", "", "", "Integrationskurse mit Kinderbetreuung gibt es in Solingen derzeit nicht. Mehrere Frauen aus meinem Fallbestand warten seit Monaten auf einen Kitaplatz, um überhaupt einen Kurs besuchen zu können."},
	{"cm.caritas", 250, "language", "no_offer_capacity", demoCity, nil, "screened", "", "", "Der Kursträger hat den Elternkurs mit Kinderbetreuung mangels Förderung eingestellt. Für Alleinerziehende mit Kindern unter drei Jahren bleibt damit kein erreichbarer Sprachkurs."},
	{"cm.awo", 200, "language", "no_offer_capacity", demoCity, nil, "reported", "", "", "Die Kitaplatzvergabe berücksichtigt den Besuch eines Integrationskurses nicht als Dringlichkeitsgrund. Ohne Platz kein Kurs, ohne Kurs keine Arbeitsaufnahme – ein Kreislauf, den die Familien allein nicht durchbrechen können."},
	{"cm.ki", 150, "language", "no_offer_capacity", demoCity, nil, "reported", "", "", "Auch Kindertagespflege ist für die Kurszeiten kaum zu bekommen. Die Wartelisten in Solingen-Mitte und Ohligs sind lang; eine Überbrückungsbetreuung während des Kurses fehlt."},
	{"cm.caritas", 110, "language", "no_offer_capacity", demoCity, nil, "reported", "", "", "Ein Vater kann den Berufssprachkurs nicht antreten, weil die Betreuung des jüngsten Kindes ungeklärt ist. Die Partnerin besucht zur selben Zeit selbst einen Integrationskurs."},
	{"cm.awo", 75, "language", "no_offer_capacity", demoCity, nil, "reported", "", "", "Online-Kurse wären eine Alternative, sind für Eltern kleiner Kinder ohne Betreuung aber ebenso wenig machbar. Gebraucht werden Kurse mit paralleler Kinderbetreuung im Stadtteil."},
	{"cm.ki", 40, "language", "no_offer_capacity", demoCity, nil, "reported", "", "", "Wieder eine Kursabmeldung wegen fehlender Kinderbetreuung. Die Frauen sind motiviert, aber es gibt kein Angebot, das Sprachkurs und Betreuung verbindet."},
	// Waiting times at the foreigners' office.
	{"cm.awo", 340, "residence", "procedure_duration", demoABH, nil, "screened", "", "", "Die Verlängerung einer Aufenthaltserlaubnis dauert derzeit mehrere Monate. In der Zwischenzeit gibt es nur eine Fiktionsbescheinigung, bei der Arbeitgeber zögern, einen Arbeitsvertrag zu schließen."},
	{"cm.caritas", 280, "residence", "waiting_time", demoABH, nil, "screened", "", "", "Termine bei der Ausländerbehörde sind online nur frühmorgens und nur auf Deutsch buchbar. Viele Ratsuchende schaffen das ohne Hilfe nicht; telefonisch ist die Behörde kaum erreichbar."},
	{"cm.ki", 230, "residence", "procedure_duration", demoABH, nil, "reported", "", "", "Ein Antrag auf eine Aufenthaltserlaubnis wegen nachhaltiger Integration liegt seit über einem halben Jahr unbearbeitet. Eine zugesagte Ausbildungsstelle geht dadurch verloren."},
	{"cm.awo", 170, "residence", "procedure_duration", demoABH, nil, "closed", "duplicate", "Gleiche Hürde wie in einer bereits gesichteten Problemanzeige zu langen Bearbeitungszeiten; sie wird dort mitgeführt.", "Nach der Entscheidung kommt der elektronische Aufenthaltstitel erst Wochen später. Ohne Karte keine Kontoeröffnung und kein Mietvertrag."},
	{"cm.caritas", 90, "residence", "procedure_duration", demoABH, nil, "reported", "", "", "Vermieter und Banken akzeptieren Fiktionsbescheinigungen nicht. Die Familie wartet seit Monaten auf einen Termin zur Verlängerung."},
	{"cm.ki", 20, "residence", "waiting_time", demoABH, nil, "reported", "", "", "Die Ausländerbehörde nimmt Anträge nicht per E-Mail an, persönliche Termine sind aber auf Wochen ausgebucht."},
	// Gaps when benefits move from the AsylbLG to the Jobcenter.
	{"cm.awo", 320, "livelihood", "media_break", demoGap, demoLegal, "screened", "", "", "Nach der Anerkennung wechselt die Familie vom AsylbLG ins SGB II. Das Sozialamt stellt die Zahlung ein, das Jobcenter zahlt erst nach vollständigem Antrag – sechs Wochen ohne Leistungen."},
	{"cm.ki", 260, "livelihood", "media_break", demoGap, demoLegal, "screened", "", "", "Die Akte des Sozialamts wird nicht an das Jobcenter übermittelt; alle Unterlagen müssen neu auf Papier eingereicht werden, obwohl sie der Stadt bereits vorliegen."},
	{"cm.caritas", 210, "livelihood", "unclear_responsibility", demoGap, demoLegal, "reported", "", "", "Beim Rechtskreiswechsel fehlt eine Übergabe zwischen Sozialamt und Jobcenter. Die Krankenversicherung war mehrere Wochen ungeklärt."},
	{"cm.awo", 130, "livelihood", "media_break", demoGap, demoLegal, "reported", "", "", "Die Mietzahlungen enden beim Wechsel ins SGB II, bevor der Bescheid des Jobcenters da ist. Es drohen Mietschulden und eine Kündigung."},
	{"cm.ki", 60, "livelihood", "media_break", demoGap, demoLegal, "reported", "", "", "Wieder eine Leistungslücke nach der Anerkennung. Ein abgestimmtes Übergabeverfahren zwischen Sozialamt und Jobcenter würde das verhindern."},
	// Housing.
	{"cm.caritas", 300, "housing", "no_offer_capacity", demoCity, nil, "screened", "", "", "Für große Familien gibt es kaum bezahlbaren Wohnraum innerhalb der Angemessenheitsgrenzen. Die Familie lebt seit über einem Jahr beengt in der Gemeinschaftsunterkunft."},
	{"cm.awo", 180, "housing", "discrimination", nil, nil, "reported", "", "", "Anerkannte Geflüchtete bleiben in der Unterkunft, weil Vermieter bei Leistungsbezug absagen. Ein Angebot zur Wohnungsvermittlung fehlt."},
	{"cm.ki", 100, "housing", "no_offer_capacity", demoCity, nil, "reported", "", "", "Ein Wohnberechtigungsschein liegt vor, aber geförderte Wohnungen sind auf Jahre vergeben."},
	{"cm.caritas", 30, "housing", "language_barrier", nil, nil, "reported", "", "", "Beratung zu Mietrecht und Wohnungssuche ist auf Arabisch oder Farsi nicht erreichbar; bei der Mieterberatung wartet man Monate."},
	// Recognition of foreign qualifications.
	{"cm.ki", 310, "education", "unclear_responsibility", []string{"Jobcenter Solingen"}, nil, "screened", "", "", "Unklar, welche Stelle für die Anerkennung eines ausländischen Pflegeabschlusses zuständig ist. Die Ratsuchende wurde zwischen drei Stellen hin- und hergeschickt."},
	{"cm.caritas", 240, "education", "information_gap", nil, nil, "reported", "", "", "Informationen zur Anerkennung gibt es nur auf Deutsch und verstreut auf verschiedenen Seiten. Ein Überblick in den Herkunftssprachen fehlt."},
	{"cm.awo", 160, "education", "information_gap", []string{"Jobcenter Solingen"}, nil, "reported", "", "", "Die Kosten für Übersetzungen und Gebühren im Anerkennungsverfahren sind für viele zu hoch; über Fördermöglichkeiten informiert niemand."},
	{"cm.ki", 80, "education", "information_gap", nil, nil, "reported", "", "", "Für Lehrkräfte mit ausländischem Abschluss fehlt eine Information, welche Anpassungsqualifizierung in NRW anerkannt wird."},
	{"cm.caritas", 50, "education", "waiting_time", []string{"Kommunales Integrationszentrum"}, nil, "closed", "resolved", "Die offene Anerkennungssprechstunde im Kommunalen Integrationszentrum läuft seit diesem Quartal.", "Die Anerkennungsberatung hat lange Wartezeiten; ohne Beratung kommen die Anträge nicht voran."},
	// Others.
	{"cm.awo", 230, "orientation", "access_barrier", demoABH, nil, "closed", "not_structural", "Einzelfall; mit der Leitung des Bereichs geklärt.", "Ein Sachbearbeiter war über Wochen nicht erreichbar, Rückrufe blieben aus."},
	{"cm.awo", 15, "school", "language_barrier", demoCity, nil, "reported", "", "", "Elternbriefe der Grundschule kommen nur auf Deutsch; Eltern verpassen so die Anmeldung zur Offenen Ganztagsschule."},
	{"cm.ki", 5, "health", "access_barrier", nil, nil, "reported", "", "", "Psychotherapie mit Sprachmittlung ist nicht zu bekommen; die Kostenübernahme für die Sprachmittlung ist ungeklärt."},
}

// seedDemoBarriers creates the demo barrier reports (idempotent: a tenant with reports keeps
// them).
func (a *App) seedDemoBarriers(ctx context.Context, tenantID string) error {
	var n int
	if err := a.DB.Read(ctx, func(tx *db.Tx) error {
		return tx.QueryRowContext(ctx, "SELECT count(*) FROM barrier_reports WHERE tenant_id = $1", tenantID).Scan(&n)
	}); err != nil || n > 0 {
		return err
	}
	// The case managers with their cases, and the organisations by name.
	type manager struct {
		actor access.Actor
		cases []string
	}
	managers := map[string]*manager{}
	orgs := map[string]string{}
	var coordinator string
	err := a.DB.Read(ctx, func(tx *db.Tx) error {
		if err := tx.QueryRowContext(ctx, "SELECT CAST(id AS TEXT) FROM users WHERE tenant_id = $1 AND email = $2",
			tenantID, "koordination@solingen.example").Scan(&coordinator); err != nil {
			return fmt.Errorf("coordinator: %w", err)
		}
		for _, cm := range []string{"cm.ki", "cm.awo", "cm.caritas"} {
			m := &manager{actor: access.Actor{TenantID: tenantID, Role: access.CaseManager}}
			if err := tx.QueryRowContext(ctx, "SELECT CAST(id AS TEXT), CAST(organisation_id AS TEXT), name FROM users WHERE tenant_id = $1 AND email = $2",
				tenantID, cm+"@solingen.example").Scan(&m.actor.UserID, &m.actor.OrganisationID, &m.actor.Name); err != nil {
				return fmt.Errorf("%s: %w", cm, err)
			}
			cases, err := demoColumn(ctx, tx, "SELECT CAST(id AS TEXT) FROM cases WHERE tenant_id = $1 AND case_manager_id = $2 ORDER BY case_number",
				tenantID, m.actor.UserID)
			if err != nil {
				return err
			}
			if len(cases) == 0 {
				return fmt.Errorf("%s has no cases", cm)
			}
			m.cases = cases
			managers[cm] = m
		}
		rows, err := tx.QueryContext(ctx, "SELECT CAST(id AS TEXT), name FROM organisations WHERE tenant_id = $1", tenantID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id, name string
			if err := rows.Scan(&id, &name); err != nil {
				return err
			}
			orgs[name] = id
		}
		return rows.Err()
	})
	if err != nil {
		return err
	}
	// The case each report comes from, through case management's own access rules.
	facts := make([]steering.CaseInfo, len(demoReports))
	used := map[string]int{}
	for i, d := range demoReports {
		m := managers[d.cm]
		caseID := m.cases[(used[d.cm]*7)%len(m.cases)]
		used[d.cm]++
		if facts[i], err = a.Steering.Cases.BarrierFacts(ctx, m.actor, caseID); err != nil {
			return fmt.Errorf("demo barrier report %d: %w", i, err)
		}
	}
	now := a.DB.Clock.Now()
	return a.DB.Write(ctx, func(tx *db.Tx) error {
		for i, d := range demoReports {
			m := managers[d.cm]
			id := ids.New()
			at := time.Date(now.Year(), now.Month(), now.Day()-d.daysAgo, 9+i%8, (i*17)%60, 0, 0, time.UTC)
			var screenedAt any
			screenedBy, updated := "", at
			if d.status != "reported" {
				s := at.AddDate(0, 0, 6)
				screenedAt, updated, screenedBy = s, s, coordinator
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO barrier_reports (tenant_id, id, organisation_id, reported_by, case_key, source, life_domain,
				type, legal_domains, description, status, close_reason, screen_note, screened_by, screened_at, reported_at, updated_at)
				VALUES ($1, $2, $3, $4, $5, 'case', $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`,
				tenantID, id, facts[i].OrganisationID, m.actor.UserID, steering.CaseKeyOf(a.Steering.CaseKey, tenantID, facts[i].Pseudonym),
				d.domain, d.typ, steering.CodeList(d.legal), d.text, d.status, d.reason, d.note, screenedBy, screenedAt, at, updated); err != nil {
				return err
			}
			for _, name := range d.orgs {
				if o := orgs[name]; o != "" && o != facts[i].OrganisationID {
					if _, err := tx.ExecContext(ctx, "INSERT INTO barrier_report_orgs (tenant_id, report_id, organisation_id) VALUES ($1, $2, $3)",
						tenantID, id, o); err != nil {
						return err
					}
				}
			}
		}
		return a.Audit.Append(ctx, tx, audit.Entry{Actor: access.System(tenantID), Action: "demo.barrier_seed", ObjectType: "tenant",
			ObjectID: tenantID, Details: map[string]string{"reports": strconv.Itoa(len(demoReports))}})
	})
}
