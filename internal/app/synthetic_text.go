package app

import (
	"math/rand/v2"
	"strings"
)

// Texts of the synthetic and demo case files: German, plausible and fictitious. They name no
// person (the client is "der Klient"/"die Klientin"), so that nothing in them can point to a
// real one.

// person is how a text refers to the client.
type person struct{ nom, dat, acc, poss string }

var (
	female = person{"die Klientin", "der Klientin", "die Klientin", "ihr"}
	male   = person{"der Klient", "dem Klienten", "den Klienten", "sein"}
)

func personOf(sex string) person {
	if sex == "f" {
		return female
	}
	return male
}

func pick[T any](rng *rand.Rand, xs []T) T { return xs[rng.IntN(len(xs))] }

// capital makes the first letter upper case.
func capital(s string) string {
	if s == "" {
		return s
	}
	r := []rune(s)
	r[0] = []rune(strings.ToUpper(string(r[0])))[0]
	return string(r)
}

// fill replaces {K} (the client, nominative), {D} (dative), {A} (accusative) and {P}
// (possessive stem: "sein"/"ihr") in a template.
func fill(t string, p person) string {
	return capital(strings.NewReplacer("{K}", p.nom, "{D}", p.dat, "{A}", p.acc, "{P}", p.poss).Replace(t))
}

var contactOpeners = map[string][]string{
	"in_person":     {"Beratungsgespräch in der Beratungsstelle.", "Persönliches Gespräch nach Terminvereinbarung.", "Offene Sprechstunde: {K} kam ohne Termin."},
	"phone":         {"Telefonat mit {D}.", "{K} hat angerufen.", "Telefonische Rücksprache."},
	"video":         {"Videogespräch, da {K} derzeit nicht mobil ist.", "Beratung per Video."},
	"home_visit":    {"Hausbesuch.", "Hausbesuch gemeinsam mit der Kollegin aus dem Quartiersbüro."},
	"accompaniment": {"Begleitung zur Behörde.", "Begleitung zum Termin, vorher kurze Vorbesprechung."},
	"messenger":     {"Kurze Abstimmung per Messenger.", "{K} hat Fotos der Unterlagen per Messenger geschickt."},
}

var domainNotes = map[string][]string{
	"residence": {
		"Antrag auf Verlängerung der Aufenthaltserlaubnis gemeinsam vorbereitet; Termin bei der Ausländerbehörde ist vereinbart.",
		"Fiktionsbescheinigung liegt vor, Kopie zur Akte genommen.",
		"Unterlagen für einen Antrag nach § 25b AufenthG gesichtet; es fehlen noch Nachweise zum Lebensunterhalt.",
		"Schreiben der Ausländerbehörde erklärt; die Frist zur Vorlage des Passes läuft in vier Wochen ab.",
		"Passbeschaffung besprochen: {K} hat einen Termin beim Konsulat in Düsseldorf.",
		"Voraussetzungen der Chancen-Aufenthaltserlaubnis erläutert; {K} möchte den Antrag stellen.",
	},
	"orientation": {
		"Post der letzten Wochen gemeinsam durchgesehen und sortiert; zwei Fristen notiert.",
		"Schreiben der Familienkasse erklärt; Kindergeldantrag vorbereitet.",
		"Bankkonto eröffnet; {K} kennt jetzt das Online-Banking.",
		"Rundfunkbeitrag: Antrag auf Befreiung ausgefüllt und abgeschickt.",
		"Anmeldung beim Bürgerbüro nach dem Umzug erledigt.",
	},
	"language": {
		"Anmeldung zum Integrationskurs besprochen; Berechtigungsschein beim BAMF beantragt.",
		"{K} besucht den B1-Kurs regelmäßig, die Prüfung ist in zwei Monaten.",
		"Kinderbetreuung während des Sprachkurses geklärt, der Kurs kann beginnen.",
		"Wechsel in einen Berufssprachkurs besprochen; Anmeldung über das Jobcenter.",
		"Prüfungsergebnis A2 liegt vor; nächster Kurs ab dem kommenden Monat.",
	},
	"work": {
		"Bewerbungsunterlagen überarbeitet, zwei Bewerbungen als Lagerhelfer:in verschickt.",
		"Antrag auf Anerkennung des ausländischen Berufsabschlusses vorbereitet.",
		"Vorstellungsgespräch in einem Pflegeheim vorbesprochen.",
		"{K} hat eine Zusage für ein Praktikum im Einzelhandel; Beginn in zwei Wochen.",
		"Beschäftigungserlaubnis bei der Ausländerbehörde beantragt, Arbeitsvertrag liegt bei.",
		"Termin bei der Arbeitsvermittlung des Jobcenters vorbereitet.",
	},
	"education": {
		"Möglichkeiten einer Ausbildung besprochen; Kontakt zur Berufsberatung hergestellt.",
		"Zeugnisbewertung für den Schulabschluss aus dem Herkunftsland beantragt.",
		"Anmeldung zum Abendkurs für den Hauptschulabschluss erledigt.",
	},
	"school": {
		"Gespräch mit der Klassenlehrerin begleitet; Förderbedarf in Deutsch festgestellt.",
		"Schulanmeldung für das älteste Kind erledigt, Schulbeginn nach den Ferien.",
		"Bildungs- und Teilhabepaket für Klassenfahrt und Schulbedarf beantragt.",
		"Hausaufgabenhilfe im Quartier vermittelt.",
	},
	"housing": {
		"Wohnungssuche: Antrag auf Wohnberechtigungsschein ausgefüllt und eingereicht.",
		"Mietrückstand besprochen; Kontakt zum Vermieter aufgenommen, Ratenzahlung vereinbart.",
		"Besichtigung einer Wohnung in der Nordstadt; {K} bewirbt sich.",
		"Auszug aus der Gemeinschaftsunterkunft vorbereitet; Kaution beim Jobcenter beantragt.",
		"Schimmel in der Wohnung: Schreiben an die Hausverwaltung aufgesetzt.",
	},
	"health": {
		"Termin beim Hausarzt mit Sprachmittlung organisiert.",
		"Krankenversicherung geklärt; die Versichertenkarte ist beantragt.",
		"{K} berichtet von anhaltenden Schlafproblemen; Kontakt zum psychosozialen Zentrum angeboten.",
		"Facharzttermin in Wuppertal vereinbart, Fahrt mit dem Bus besprochen.",
		"Antrag auf Schwerbehindertenausweis gemeinsam ausgefüllt.",
	},
	"family": {
		"Kita-Platz für das jüngste Kind beantragt; Rückmeldung des Jugendamts steht aus.",
		"Familiennachzug: Unterlagen für die Botschaft zusammengestellt.",
		"Elterngeldantrag ausgefüllt und abgeschickt.",
		"Gespräch über die Belastung in der Familie; Erziehungsberatung angeboten.",
	},
	"livelihood": {
		"Weiterbewilligungsantrag beim Jobcenter gemeinsam ausgefüllt.",
		"Rechtskreiswechsel vom AsylbLG ins SGB II: Antrag beim Jobcenter gestellt, Krankenkasse informiert.",
		"Bescheid des Jobcenters geprüft; Widerspruch wegen der Kosten der Unterkunft besprochen.",
		"Wohngeld und Kinderzuschlag berechnet; Antrag auf Wohngeld vorbereitet.",
		"Schulden bei einem Mobilfunkanbieter; Termin bei der Schuldnerberatung vereinbart.",
	},
	"naturalisation": {
		"Voraussetzungen der Einbürgerung besprochen; Termin für den Einbürgerungstest gebucht.",
		"Unterlagen für den Einbürgerungsantrag vollständig, Abgabe beim Einbürgerungsbüro geplant.",
		"Nachweis der Sprachkenntnisse B1 liegt vor; es fehlt noch der Rentenversicherungsverlauf.",
	},
	"participation": {
		"Kontakt zum Sportverein hergestellt; das Kind nimmt ab nächster Woche am Training teil.",
		"{K} möchte sich ehrenamtlich engagieren; Kontakt zur Freiwilligenagentur vermittelt.",
		"Frauencafé im Quartier vorgestellt, {K} möchte es besuchen.",
		"Ermäßigung für den Solingen-Pass besprochen und beantragt.",
	},
}

var contactClosers = []string{
	"Nächster Termin in zwei Wochen.", "{K} meldet sich, sobald der Bescheid da ist.", "Wiedervorlage nach Eingang der Unterlagen.",
	"Vereinbart: {K} bringt beim nächsten Mal die fehlenden Nachweise mit.", "Nächster Kontakt telefonisch.", "",
	"{K} wirkt entlastet.", "Sprachmittlung hat gut funktioniert.", "",
}

// contactNote writes the note of a contact about domains.
func contactNote(rng *rand.Rand, sex, mode string, domains []string) string {
	p := personOf(sex)
	parts := []string{fill(pick(rng, contactOpeners[mode]), p)}
	for _, d := range domains {
		if ts := domainNotes[d]; len(ts) > 0 {
			parts = append(parts, fill(pick(rng, ts), p))
		}
	}
	if c := pick(rng, contactClosers); c != "" {
		parts = append(parts, fill(c, p))
	}
	return strings.Join(parts, " ")
}

var admissionNotes = []string{
	"Mehrere Bedarfe in verschiedenen Lebensbereichen (Aufenthalt, Wohnen, Arbeit); bisher keine andere Fallbegleitung.",
	"Seit weniger als drei Jahren in der Stadt; Unterstützung bei Aufenthalt und Lebensunterhalt nötig.",
	"Vermittelt vom Jobcenter, da neben der Arbeitssuche Fragen zu Wohnung und Gesundheit offen sind.",
	"Familie mit drei Kindern, Rechtskreiswechsel steht bevor; intensive Begleitung sinnvoll.",
	"Anfrage über die Schule: Eltern brauchen Unterstützung bei Kita, Schule und Wohnungssuche.",
	"{K} hat sich selbst gemeldet; komplexe Lage mit Schulden, Wohnungssuche und unsicherem Aufenthalt.",
}

func admissionNote(rng *rand.Rand, sex string) string {
	return fill(pick(rng, admissionNotes), personOf(sex))
}

var statusNotes = map[string][]string{
	"paused":   {"{K} ist für mehrere Wochen im Herkunftsland (Familienangelegenheit).", "{K} ist längere Zeit im Krankenhaus; Fall ruht.", "{K} ist derzeit nicht erreichbar; drei Kontaktversuche ohne Antwort."},
	"declined": {"Kurzberatung ausreichend: nur ein Anliegen (Kindergeldantrag), kein Fallmanagement nötig.", "Aufnahmekriterien nicht erfüllt: bereits in der Fallbegleitung des Jobcenters."},
	"referred": {"An die Migrationsberatung für Erwachsene weitervermittelt; dort besteht bereits Kontakt.", "An den Jugendmigrationsdienst weitervermittelt (Alter unter 27)."},
	"closed":   {"Ziele weitgehend erreicht: eigene Wohnung, Arbeitsvertrag, Sprachkurs abgeschlossen.", "{K} ist nach Köln umgezogen; Übergabe an das dortige Integrationszentrum angeboten.", "Kein Kontakt mehr seit drei Monaten; Fall abgeschlossen.", "Übergabe an den Regeldienst (Migrationsberatung), Abschlussgespräch geführt."},
}

func statusNote(rng *rand.Rand, sex, status string) string {
	ts := statusNotes[status]
	if len(ts) == 0 {
		return ""
	}
	return fill(pick(rng, ts), personOf(sex))
}

var consentPurposes = []string{
	"Abstimmung zur Sicherung des Lebensunterhalts und zum Übergang in Arbeit",
	"Klärung des Aufenthaltsstatus und Vorbereitung des Antrags auf Verlängerung",
	"Vermittlung in einen passenden Sprachkurs und Abstimmung der Kinderbetreuung",
	"Unterstützung bei der Wohnungssuche und Abwendung des Wohnungsverlusts",
	"Vermittlung in die Schuldnerberatung und Abstimmung der Ratenzahlungen",
	"Begleitung des Rechtskreiswechsels vom AsylbLG ins SGB II",
	"Abstimmung mit Schule und Jugendhilfe zur Förderung der Kinder",
	"Vermittlung in psychosoziale Beratung und Abstimmung der Termine",
}

var services = []string{
	"Migrationsberatung für Erwachsene (MBE)", "Jugendmigrationsdienst", "Schuldnerberatung", "Integrationskurs",
	"Wohnungsnotfallhilfe", "Psychosoziale Beratung", "Berufssprachkurs", "Anerkennungsberatung", "Erziehungsberatung",
	"Arbeitsvermittlung", "Einbürgerungsberatung", "Frauenberatung",
}

var referralMessages = []string{
	"Bitte um ein Erstgespräch; {K} benötigt Unterstützung beim Antrag und spricht Deutsch auf A2-Niveau.",
	"{K} ist mit der Weitervermittlung einverstanden. Termine bitte vormittags, da nachmittags Sprachkurs.",
	"Dringend: Frist läuft in zwei Wochen ab. Unterlagen bringt {K} zum Termin mit.",
	"Bitte um Rückmeldung, ob ein Platz frei ist; ggf. Warteliste.",
	"Wir begleiten {A} im Fallmanagement; bitte um Abstimmung der nächsten Schritte.",
}

var answerNotes = map[string][]string{
	"accepted": {"Erstgespräch ist vereinbart.", "Aufnahme erfolgt, Termin in der nächsten Woche.", "Platz ist frei, Beginn zum Monatsanfang."},
	"waiting":  {"Derzeit Warteliste, voraussichtlich acht Wochen.", "Warteliste; wir melden uns, sobald ein Platz frei wird."},
	"declined": {"Nicht zuständig, da Wohnort außerhalb unseres Einzugsgebiets.", "Kapazitäten erschöpft, Verweis an einen anderen Träger."},
	"no_offer": {"Ein passendes Angebot in der benötigten Sprache gibt es derzeit nicht.", "Kein Angebot für die Altersgruppe vorhanden."},
}

func answerNote(rng *rand.Rand, status string) string {
	if ts := answerNotes[status]; len(ts) > 0 {
		return pick(rng, ts)
	}
	return ""
}

var assessmentTexts = map[string][4][]string{
	// situation, needs, resources, client view
	"residence":   {{"Aufenthaltserlaubnis läuft in wenigen Monaten aus.", "Duldung, Verlängerung jeweils für drei Monate."}, {"Klärung der Bleibeperspektive, Antrag fristgerecht stellen."}, {"Pass liegt vor, Arbeitsvertrag in Aussicht."}, {"Möchte dauerhaft bleiben und Sicherheit für die Familie."}},
	"language":    {{"Deutschkenntnisse auf A1-Niveau.", "Integrationskurs abgebrochen wegen Kinderbetreuung."}, {"Sprachkurs mit Kinderbetreuung."}, {"Hohe Motivation, spricht Englisch."}, {"Möchte schnell Deutsch lernen, um arbeiten zu können."}},
	"work":        {{"Ohne Arbeit, Berufserfahrung als Schneider:in im Herkunftsland.", "Minijob in der Gastronomie."}, {"Anerkennung der Qualifikation, Bewerbungen."}, {"Berufserfahrung, Führerschein."}, {"Möchte im erlernten Beruf arbeiten."}},
	"housing":     {{"Wohnt mit fünf Personen in zwei Zimmern.", "Lebt noch in der Gemeinschaftsunterkunft."}, {"Größere Wohnung, Wohnberechtigungsschein."}, {"Zuverlässige Mietzahlungen bisher."}, {"Wünscht eine Wohnung in der Nähe der Schule der Kinder."}},
	"health":      {{"Chronische Erkrankung, unregelmäßige Behandlung.", "Belastung durch Fluchterfahrungen."}, {"Haus- und Facharztanbindung, Sprachmittlung."}, {"Familie unterstützt bei Terminen."}, {"Möchte zuerst die gesundheitliche Lage klären."}},
	"livelihood":  {{"Leistungen nach dem AsylbLG, Wechsel ins SGB II steht an.", "Schulden in Höhe von etwa 2.000 Euro."}, {"Lückenloser Übergang der Leistungen, Schuldenregulierung."}, {"Führt ein Haushaltsbuch."}, {"Sorgt sich um die Miete."}},
	"family":      {{"Drei Kinder, das jüngste ohne Kita-Platz."}, {"Kita-Platz, Entlastung im Alltag."}, {"Unterstützung durch die Nachbarschaft."}, {"Wünscht mehr Zeit für den Sprachkurs."}},
	"orientation": {{"Findet sich im Behördensystem noch schwer zurecht."}, {"Erklärung von Schreiben, Fristenkontrolle."}, {"Verlässlich, hält Termine ein."}, {"Möchte Briefe bald selbst verstehen."}},
}

var goalTexts = map[string][]string{
	"residence":   {"Die Aufenthaltserlaubnis ist fristgerecht verlängert.", "Ein Antrag nach § 25b AufenthG ist gestellt."},
	"language":    {"Das Sprachniveau B1 ist erreicht.", "Der Integrationskurs hat begonnen."},
	"work":        {"Eine sozialversicherungspflichtige Beschäftigung ist aufgenommen.", "Der Berufsabschluss ist anerkannt."},
	"housing":     {"Die Familie wohnt in einer eigenen, ausreichend großen Wohnung.", "Der Wohnberechtigungsschein liegt vor."},
	"health":      {"Eine hausärztliche Anbindung besteht.", "Die psychosoziale Beratung hat begonnen."},
	"livelihood":  {"Der Übergang ins SGB II ist ohne Leistungslücke erfolgt.", "Ein Ratenplan mit den Gläubigern ist vereinbart."},
	"family":      {"Das jüngste Kind hat einen Kita-Platz."},
	"orientation": {"Behördenschreiben werden selbstständig verstanden und Fristen eingehalten."},
}

var taskTitles = map[string][]string{
	"client":       {"Unterlagen zusammenstellen und mitbringen", "Termin beim Konsulat wahrnehmen", "Bewerbungen schreiben", "Kursanmeldung abgeben"},
	"case_manager": {"Antrag gemeinsam ausfüllen", "Rücksprache mit der Ausländerbehörde", "Kontakt zur Wohnungsgesellschaft aufnehmen", "Sprachmittlung für den Termin buchen"},
	"partner":      {"Erstgespräch in der Schuldnerberatung", "Beratung zur Anerkennung", "Platz im Sprachkurs mit Kinderbetreuung", "Termin in der Erziehungsberatung"},
}
