package app

import (
	"context"
	"fmt"
	"strings"

	"kim/internal/offers"
	"kim/internal/platform/access"
	"kim/internal/platform/web"
)

// demoOffer is an offer of the demo: its organisation, districts (by name; none means
// citywide) and locations (by name, of the organisation) are looked up.
type demoOffer struct {
	org, title, desc        string
	domains, targets, langs string // space-separated codes
	districts, locations    []string
	hours, contact, phone   string
	email, web              string
	costs, costsNote        string
	stepFree                bool
	from, to                string
	draft                   bool
	texts                   []offers.Text
}

// demoOffers are the offers of the Solingen demo: language and integration courses,
// migration, recognition, residence and naturalisation counselling, work, housing, health,
// family and meeting places. A few are drafts or expired. The recommendation of the demo's
// steering loop links to "Sprachkurs mit Kinderbetreuung Ohligs".
func demoOffers() []demoOffer {
	const (
		ki       = "Kommunales Integrationszentrum"
		awo      = "AWO"
		caritas  = "Caritas"
		diakonie = "Diakonie"
		ib       = "Internationaler Bund"
		abh      = "Ausländer- und Einbürgerungsbüro"
		jobc     = "Jobcenter Solingen"
		city     = "Stadt Solingen"

		mitte  = "Solingen-Mitte"
		ohligs = "Ohligs/Aufderhöhe/Merscheid"
		wald   = "Wald"
		burg   = "Burg/Höhscheid"
		graef  = "Gräfrath"
	)
	tx := func(lang, title, desc string) offers.Text {
		return offers.Text{Lang: lang, Title: title, Description: desc}
	}
	return []demoOffer{
		{org: awo, title: "Sprachkurs mit Kinderbetreuung Ohligs", desc: "Deutschkurs für Mütter und Väter mit kleinen Kindern: Während des Unterrichts werden die Kinder im Nebenraum von Erzieherinnen betreut.\nAnmeldung in der Migrationsberatung Ohligs, ein Einstieg ist jederzeit möglich.",
			domains: "language family", targets: "women families", langs: "de ar tr", districts: []string{ohligs}, locations: []string{"Migrationsberatung Ohligs"},
			hours: "Mo, Mi und Do 9–11.30 Uhr", contact: "Team Sprachkurse AWO", phone: "0212 2305-410", email: "sprachkurs@awo.example", costs: "free",
			texts: []offers.Text{tx("en", "German course with childcare in Ohligs", "German course for mothers and fathers with young children: during the lessons the children are looked after next door."),
				tx("ar", "دورة لغة ألمانية مع رعاية الأطفال في أوليغس", "دورة لغة ألمانية للأمهات والآباء مع أطفال صغار: أثناء الدرس يعتني مربون بالأطفال في الغرفة المجاورة."),
				tx("tr", "Ohligs'te çocuk bakımlı Almanca kursu", "Küçük çocuklu anne ve babalar için Almanca kursu: ders sırasında çocuklara yan odada bakılır.")}},
		{org: caritas, title: "Integrationskurs mit Kinderbetreuung", desc: "Allgemeiner Integrationskurs (600 Stunden Sprachkurs und 100 Stunden Orientierungskurs) am Vormittag, mit Kinderbetreuung für Kinder ab einem Jahr. Der Kurs findet im Gemeindezentrum St. Joseph in Ohligs statt.",
			domains: "language orientation", targets: "families women", langs: "de", districts: []string{ohligs},
			hours: "Mo–Fr 8.30–12.30 Uhr", contact: "Sprachkursbüro Caritas", phone: "0212 2318-200", email: "integrationskurs@caritas.example", costs: "reduced",
			costsNote: "Mit Berechtigung des BAMF kostenlos, sonst 2,29 € pro Unterrichtsstunde", stepFree: true,
			texts: []offers.Text{tx("en", "Integration course with childcare", "General integration course in the mornings, with childcare for children from one year.")}},
		{org: ki, title: "Erstberatung im WillkommenCenter", desc: "Erste Anlaufstelle für neu zugewanderte Menschen: Wir klären, welche Fragen Sie haben, und vermitteln Sie an die passende Beratung – zu Aufenthalt, Sprache, Arbeit, Wohnen und Gesundheit.",
			domains: "orientation residence", targets: "all", langs: "de en ar fa ru uk", districts: []string{mitte}, locations: []string{"WillkommenCenter"},
			hours: "Mo–Fr 9–13 Uhr, ohne Termin", contact: "Team WillkommenCenter", phone: "0212 290-4250", email: "willkommen@solingen.example", web: "https://www.solingen.example/willkommen",
			costs: "free", stepFree: true,
			texts: []offers.Text{tx("en", "First advice at the Welcome Center", "First point of contact for newcomers: we find out what you need and refer you to the right counselling."),
				tx("ar", "الاستشارة الأولى في مركز الترحيب", "أول نقطة اتصال للقادمين الجدد: نوضح أسئلتك ونحيلك إلى الاستشارة المناسبة في الإقامة واللغة والعمل والسكن والصحة."),
				tx("uk", "Перша консультація у Центрі привітання", "Перше звернення для новоприбулих: ми з'ясуємо ваші питання та направимо до відповідної консультації."),
				tx("tr", "Hoş Geldiniz Merkezi'nde ilk danışmanlık", "Yeni gelenler için ilk başvuru yeri: sorularınızı netleştirir ve sizi uygun danışmanlığa yönlendiririz.")}},
		{org: ki, title: "Anerkennungsberatung für ausländische Berufsabschlüsse", desc: "Wir prüfen mit Ihnen, ob und wie Ihr Berufs- oder Studienabschluss in Deutschland anerkannt werden kann, helfen beim Antrag und bei der Suche nach Anpassungsqualifizierungen.",
			domains: "education work", targets: "skilled_workers", langs: "de en ar tr uk", locations: []string{"Stadtdienst Integration"},
			hours: "Di 9–12 Uhr und nach Vereinbarung", contact: "Anerkennungsberatung", phone: "0212 290-4262", email: "anerkennung@solingen.example", costs: "free", stepFree: true,
			texts: []offers.Text{tx("en", "Advice on the recognition of foreign qualifications", "We check with you whether and how your vocational or academic qualification can be recognised in Germany."),
				tx("uk", "Консультація з визнання іноземних дипломів", "Ми разом з вами перевіримо, чи і як можна визнати ваш професійний або університетський диплом у Німеччині.")}},
		{org: ki, title: "Sprachkursberatung und Vermittlung in Integrationskurse", desc: "Welcher Deutschkurs passt zu Ihnen? Wir beraten zu Integrationskursen, Berufssprachkursen und Alphabetisierungskursen und vermitteln freie Plätze in Solingen.",
			domains: "language", targets: "all", langs: "de en ar tr uk fa", locations: []string{"Stadtdienst Integration"},
			hours: "Mo und Do 9–12 Uhr", contact: "Sprachkursberatung", phone: "0212 290-4255", email: "sprachkurse@solingen.example", costs: "free", stepFree: true,
			texts: []offers.Text{tx("en", "German course advice", "Which German course suits you? We advise on integration courses, job-related courses and literacy courses."),
				tx("ar", "استشارة دورات اللغة الألمانية", "أي دورة لغة ألمانية تناسبك؟ نقدم المشورة حول دورات الاندماج والدورات المهنية ودورات محو الأمية."),
				tx("tr", "Almanca kursu danışmanlığı", "Hangi Almanca kursu size uygun? Uyum kursları, mesleki dil kursları ve okuma yazma kursları hakkında bilgi veriyoruz."),
				tx("uk", "Консультація щодо курсів німецької", "Який курс німецької вам підходить? Ми консультуємо щодо інтеграційних, професійних та алфавітизаційних курсів.")}},
		{org: ki, title: "Infoabend Einbürgerung", desc: "Was hat sich mit dem neuen Staatsangehörigkeitsrecht geändert? Wer kann sich nach fünf Jahren einbürgern lassen? Vortrag mit anschließenden Fragen.",
			domains: "naturalisation", targets: "all", langs: "de en ar tr", districts: []string{mitte}, locations: []string{"Stadtdienst Integration"},
			hours: "jeden ersten Dienstag im Monat, 18 Uhr", contact: "Kommunales Integrationszentrum", email: "ki@solingen.example", costs: "free", stepFree: true,
			texts: []offers.Text{tx("en", "Information evening on naturalisation", "What has changed with the new citizenship law? A talk followed by questions.")}},
		{org: ki, title: "Dolmetscherpool für Beratungsgespräche", desc: "Ehrenamtliche Sprachmittlerinnen und Sprachmittler begleiten Beratungsgespräche, Elterngespräche und Arztbesuche. Anfragen stellen Beratungsstellen und Schulen.",
			domains: "orientation health school", targets: "all", langs: "ar fa prs ti ru uk tr ku", contact: "Koordination Sprachmittlung", phone: "0212 290-4258", email: "sprachmittlung@solingen.example", costs: "free"},
		{org: ki, title: "Elterncafé an der Grundschule Gräfrath", desc: "Eltern lernen die Schule kennen, stellen Fragen zu Schulalltag, Zeugnissen und Übergang zur weiterführenden Schule – bei Kaffee und Tee.",
			domains: "school family", targets: "families", langs: "de tr ar", districts: []string{graef}, hours: "Fr 8–9.30 Uhr (außer in den Ferien)", costs: "free"},
		{org: ki, title: "Lernpatenschaften für Kinder", desc: "Ehrenamtliche Lernpatinnen und Lernpaten unterstützen Kinder einmal pro Woche beim Lernen und Lesen.",
			domains: "school participation", targets: "children", langs: "de", contact: "Koordination Ehrenamt", email: "ehrenamt@solingen.example", costs: "free"},
		{org: awo, title: "Migrationsberatung für Erwachsene – AWO Ohligs", desc: "Die Migrationsberatung für erwachsene Zugewanderte (MBE) begleitet Sie in den ersten Jahren: bei Behördenschreiben, Sprachkurs, Arbeit, Aufenthalt und Familiennachzug.",
			domains: "residence orientation work livelihood", targets: "all", langs: "de tr ar", districts: []string{ohligs}, locations: []string{"Migrationsberatung Ohligs"},
			hours: "Di und Do 9–15 Uhr", contact: "Team MBE", phone: "0212 2305-400", email: "mbe@awo.example", costs: "free",
			texts: []offers.Text{tx("tr", "Yetişkinler için göç danışmanlığı – AWO Ohligs", "Yetişkin göçmenler için göç danışmanlığı ilk yıllarınızda size eşlik eder."),
				tx("ar", "استشارة الهجرة للبالغين – AWO أوليغس", "ترافقك استشارة الهجرة للبالغين في السنوات الأولى: الرسائل الرسمية ودورة اللغة والعمل والإقامة ولمّ الشمل.")}},
		{org: awo, title: "Frauencafé Ohligs", desc: "Treffpunkt für Frauen aus aller Welt: Deutsch sprechen, Kontakte knüpfen, Fragen zum Alltag klären. Kleine Kinder dürfen mitkommen.",
			domains: "participation family", targets: "women", langs: "de tr ar", districts: []string{ohligs}, locations: []string{"Migrationsberatung Ohligs"},
			hours: "Mi 15–17 Uhr", contact: "Team Frauencafé", phone: "0212 2305-415", costs: "free",
			texts: []offers.Text{tx("tr", "Ohligs Kadın Kafesi", "Dünyanın her yerinden kadınlar için buluşma yeri: Almanca konuşmak, tanışmak, günlük sorulara cevap bulmak."),
				tx("ar", "مقهى النساء في أوليغس", "ملتقى للنساء من كل أنحاء العالم: التحدث بالألمانية والتعارف وطرح أسئلة الحياة اليومية.")}},
		{org: awo, title: "Schuldnerberatung", desc: "Beratung bei Schulden, Mahnungen und Pfändungen; Hilfe beim Haushaltsplan und bei der Verbraucherinsolvenz.",
			domains: "livelihood", targets: "all", langs: "de tr", hours: "Termine nach Vereinbarung", contact: "Schuldnerberatung AWO", phone: "0212 2305-430", email: "schuldnerberatung@awo.example", costs: "free"},
		{org: awo, title: "Hausaufgabenhilfe Merscheid", desc: "Hausaufgabenbetreuung für Grundschulkinder mit Unterstützung durch Studierende.",
			domains: "school", targets: "children", langs: "de", districts: []string{ohligs}, hours: "Mo–Do 13.30–15.30 Uhr", costs: "reduced", costsNote: "10 € im Monat, mit Solingen-Pass kostenlos"},
		{org: awo, title: "Seniorentreff international", desc: "Gemeinsam kochen, Ausflüge und Informationen zu Rente, Pflege und Gesundheit.",
			domains: "participation health", targets: "seniors", langs: "de tr ru", districts: []string{ohligs}, hours: "jeden zweiten Freitag, 14–17 Uhr", costs: "reduced", costsNote: "Kaffee und Kuchen 1 €"},
		{org: awo, title: "Wohnungsnotfallberatung", desc: "Beratung bei drohendem Wohnungsverlust, Räumungsklage und Mietschulden; Vermittlung in Notunterkünfte.",
			domains: "housing", targets: "all", langs: "de tr ar", hours: "Mo–Fr 9–12 Uhr", contact: "Fachstelle Wohnungsnotfall", phone: "0212 2305-440", costs: "free"},
		{org: awo, title: "Nähwerkstatt für Frauen", desc: "Noch in Planung: offene Nähwerkstatt mit Anleitung.", domains: "participation", targets: "women", langs: "de",
			districts: []string{ohligs}, costs: "free", draft: true},
		{org: caritas, title: "Migrationsberatung für Erwachsene – Caritas", desc: "Beratung zu allen Fragen rund um das Ankommen: Aufenthalt, Sprachkurs, Arbeit, Wohnung, Schule der Kinder und Behördenschreiben.",
			domains: "residence orientation work housing", targets: "all", langs: "de en ru pl", districts: []string{mitte}, locations: []string{"Fachdienst Integration und Migration"},
			hours: "Mo–Do 9–12 Uhr und nach Vereinbarung", contact: "Fachdienst Integration und Migration", phone: "0212 2318-100", email: "migration@caritas.example", costs: "free", stepFree: true},
		{org: caritas, title: "Psychosoziale Beratung für Geflüchtete", desc: "Gespräche bei Belastung, Schlafproblemen und Sorgen nach der Flucht; auf Wunsch mit Sprachmittlung. Vermittlung in Therapie.",
			domains: "health", targets: "refugees", langs: "de en ar fa ru uk", locations: []string{"Fachdienst Integration und Migration"},
			hours: "nach Vereinbarung", contact: "Psychosoziale Beratung", phone: "0212 2318-150", email: "psb@caritas.example", costs: "free", stepFree: true,
			texts: []offers.Text{tx("en", "Psychosocial counselling for refugees", "Talks when you feel burdened, cannot sleep or worry after your flight; with an interpreter if you wish."),
				tx("ar", "استشارة نفسية اجتماعية للاجئين", "محادثات عند الضغط النفسي ومشاكل النوم والقلق بعد اللجوء، مع مترجم عند الرغبة."),
				tx("fa", "مشاوره روانی‌اجتماعی برای پناهجویان", "گفتگو در صورت فشار روانی، بی‌خوابی و نگرانی پس از مهاجرت؛ در صورت تمایل با مترجم."),
				tx("uk", "Психосоціальна консультація для біженців", "Розмови при стресі, проблемах зі сном і тривогах після втечі; за бажанням з перекладачем.")}},
		{org: caritas, title: "Familienzentrum Nordstadt", desc: "Kita mit Beratung für Familien: Erziehungsfragen, Sprachförderung, Elternkurse und offene Sprechstunde.",
			domains: "family school", targets: "families children", langs: "de pl ru", districts: []string{mitte}, hours: "Mo–Fr 7.30–16 Uhr", costs: "free", stepFree: true},
		{org: caritas, title: "Beratung für EU-Zugewanderte", desc: "Unterstützung für Zugewanderte aus der EU bei Arbeitsverträgen, Anmeldung, Krankenversicherung und Kindergeld.",
			domains: "work livelihood residence", targets: "eu_citizens", langs: "de pl ro bg", districts: []string{mitte}, locations: []string{"Fachdienst Integration und Migration"},
			hours: "Mi 13–16 Uhr", contact: "Beratung EU-Zuwanderung", phone: "0212 2318-120", costs: "free", stepFree: true},
		{org: caritas, title: "Schwangerschaftsberatung", desc: "Beratung rund um Schwangerschaft und Geburt, finanzielle Hilfen und Anträge.",
			domains: "health family", targets: "women", langs: "de en ru", hours: "nach Vereinbarung", phone: "0212 2318-170", costs: "free"},
		{org: caritas, title: "Sommerferien-Sprachcamp 2025", desc: "Deutsch lernen mit Spiel und Sport in den Sommerferien.", domains: "language participation", targets: "children youth",
			langs: "de", districts: []string{mitte}, costs: "free", from: "2025-07-14", to: "2025-08-22"},
		{org: diakonie, title: "Asylverfahrensberatung", desc: "Unabhängige Beratung im Asylverfahren: Vorbereitung auf die Anhörung, Bescheide, Fristen und Rechtsmittel.",
			domains: "residence", targets: "refugees", langs: "de en fa prs ar", districts: []string{mitte}, locations: []string{"Beratungszentrum Kasernenstraße"},
			hours: "Mo–Fr 8.30–12.30 Uhr", contact: "Flüchtlingsberatung", phone: "0212 2876-300", email: "asyl@diakonie.example", costs: "free", stepFree: true},
		{org: diakonie, title: "Rechtsberatung zum Aufenthaltsrecht", desc: "Eine Fachanwältin berät zu Aufenthaltstiteln, Chancen-Aufenthaltsrecht, Bleiberecht (§§ 25a, 25b AufenthG) und Familiennachzug.",
			domains: "residence naturalisation", targets: "all", langs: "de en fa ar", locations: []string{"Beratungszentrum Kasernenstraße"},
			hours: "jeden zweiten Mittwoch, Termine nach Vereinbarung", contact: "Beratungszentrum Kasernenstraße", phone: "0212 2876-310", costs: "free", stepFree: true,
			texts: []offers.Text{tx("en", "Legal advice on residence law", "A specialist lawyer advises on residence permits, the opportunity residence right and family reunification."),
				tx("ar", "استشارة قانونية في قانون الإقامة", "محامية متخصصة تقدم المشورة حول تصاريح الإقامة وحق الإقامة الجديد ولمّ شمل الأسرة."),
				tx("fa", "مشاوره حقوقی درباره قانون اقامت", "یک وکیل متخصص درباره اجازه اقامت، حق اقامت فرصت و پیوستن خانواده مشاوره می‌دهد.")}},
		{org: diakonie, title: "Quartierscafé Felder Straße", desc: "Offener Treff im Quartier mit Kaffee, Beratung und Hilfe beim Ausfüllen von Formularen.",
			domains: "participation orientation", targets: "all", langs: "de ar", districts: []string{mitte}, locations: []string{"Quartiersbüro Felder Straße"}, hours: "Mi 14–17 Uhr", costs: "free"},
		{org: diakonie, title: "Sozialberatung Wohnen und Energiekosten", desc: "Hilfe bei Nebenkostenabrechnungen, Stromsperren und Anträgen auf Wohngeld.",
			domains: "housing livelihood", targets: "families", langs: "de fa", districts: []string{mitte}, locations: []string{"Beratungszentrum Kasernenstraße"},
			hours: "Do 9–12 Uhr", phone: "0212 2876-320", costs: "free", stepFree: true},
		{org: diakonie, title: "Sprachpatenschaften", desc: "Ehrenamtliche treffen sich mit Ihnen, um Deutsch im Alltag zu üben.", domains: "language participation", targets: "all",
			langs: "de en", contact: "Ehrenamtskoordination Diakonie", email: "ehrenamt@diakonie.example", costs: "free"},
		{org: diakonie, title: "Nachbarschaftstreff Höhscheid", desc: "Spielenachmittage, Sprachtreff und gemeinsames Frühstück für Alt und Jung.", domains: "participation",
			targets: "seniors all", langs: "de", districts: []string{burg}, hours: "Di 10–12 Uhr", costs: "free"},
		{org: diakonie, title: "Gesundheitslotsen", desc: "In Vorbereitung: geschulte Lotsinnen begleiten durch das Gesundheitssystem.", domains: "health", targets: "all",
			langs: "de ar fa", costs: "free", draft: true},
		{org: ib, title: "Jugendmigrationsdienst (JMD)", desc: "Beratung und Begleitung für junge Zugewanderte von 12 bis 27 Jahren: Schule, Ausbildung, Studium, Beruf und Aufenthalt.",
			domains: "school education work residence", targets: "youth young_adults", langs: "de en fr ti", locations: []string{"Jugendmigrationsdienst"},
			hours: "Mo–Do 10–16 Uhr", contact: "Team JMD", phone: "0212 2240-500", email: "jmd@ib.example", costs: "free",
			texts: []offers.Text{tx("en", "Youth Migration Service (JMD)", "Counselling for young immigrants aged 12 to 27: school, training, studies, work and residence."),
				tx("ar", "خدمة هجرة الشباب (JMD)", "استشارة ومرافقة للمهاجرين الشباب من 12 إلى 27 عامًا: المدرسة والتدريب والدراسة والعمل والإقامة.")}},
		{org: ib, title: "Bewerbungswerkstatt für junge Erwachsene", desc: "Lebenslauf, Anschreiben und Vorstellungsgespräch – mit Computerplätzen und persönlicher Unterstützung.",
			domains: "work education", targets: "young_adults", langs: "de en", districts: []string{mitte}, locations: []string{"Jugendmigrationsdienst"}, hours: "Mi 14–17 Uhr", costs: "free"},
		{org: ib, title: "Jobcoaching für Geflüchtete", desc: "Individuelles Coaching auf dem Weg in Arbeit oder Ausbildung, Praktikumsvermittlung und Begleitung in den ersten Monaten.",
			domains: "work", targets: "refugees", langs: "de en ar fa ti", locations: []string{"Jugendmigrationsdienst"}, hours: "nach Vereinbarung", phone: "0212 2240-520", costs: "free"},
		{org: ib, title: "Mädchentreff international", desc: "Freizeit, Bewerbungstipps und Austausch für Mädchen von 12 bis 18 Jahren.", domains: "participation",
			targets: "youth women", langs: "de ar tr", districts: []string{wald}, hours: "Fr 15–18 Uhr", costs: "free"},
		{org: abh, title: "Einbürgerungsberatung im Bürgerbüro", desc: "Vor dem Antrag: Welche Unterlagen brauchen Sie, welche Voraussetzungen gelten? Die Beratung ist kostenlos.",
			domains: "naturalisation residence", targets: "all", langs: "de en", districts: []string{mitte}, locations: []string{"Bürgerbüro Einbürgerung"},
			hours: "Termine nach Vereinbarung", email: "einbuergerung@solingen.example", costs: "free", costsNote: "Die Einbürgerung selbst kostet 255 € (Kinder 51 €).", stepFree: true},
		{org: abh, title: "Sprechstunde Aufenthaltstitel und Verlängerungen", desc: "Fragen zu Verlängerungen, Fiktionsbescheinigungen und Terminen der Ausländerbehörde.",
			domains: "residence", targets: "all", langs: "de en", districts: []string{mitte}, locations: []string{"Bürgerbüro Einbürgerung"}, hours: "Mo 8–12 Uhr", costs: "free", stepFree: true},
		{org: jobc, title: "Berufssprachkurse – Beratung und Anmeldung", desc: "Deutsch für den Beruf (B1 bis C1) und Fachsprachkurse; Beratung, ob ein Kurs zu Ihrer Arbeitssuche passt.",
			domains: "language work", targets: "all", langs: "de en ar tr uk", districts: []string{wald}, locations: []string{"Jobcenter Wald"},
			hours: "Mo–Fr 8–12.30 Uhr, Do 14–17 Uhr", phone: "0212 2355-700", costs: "free", stepFree: true,
			texts: []offers.Text{tx("uk", "Професійні мовні курси – консультація та запис", "Німецька для роботи (B1–C1) та фахові мовні курси; консультація щодо вибору курсу.")}},
		{org: jobc, title: "Jobbörse für Zugewanderte", desc: "Arbeitgeber aus Solingen stellen offene Stellen vor; Beratung zu Arbeitserlaubnis und Anerkennung vor Ort.",
			domains: "work", targets: "skilled_workers refugees", langs: "de en uk", hours: "zweimal im Jahr, Termine auf der Internetseite", web: "https://www.jobcenter-solingen.example/jobboerse", costs: "free"},
		{org: jobc, title: "Beratung zu Bürgergeld und Leistungen", desc: "Antrag, Weiterbewilligung und Bescheide verstehen.", domains: "livelihood", targets: "all", langs: "de tr",
			districts: []string{wald}, locations: []string{"Jobcenter Wald"}, hours: "Mo–Fr 8–12.30 Uhr", costs: "free", stepFree: true},
		{org: city, title: "Wohnberatungsstelle der Stadt", desc: "Hilfe bei der Wohnungssuche, Wohnberechtigungsschein und Fragen zum Mietvertrag.", domains: "housing",
			targets: "all", langs: "de", hours: "Di und Do 8–12 Uhr", phone: "0212 290-3300", costs: "free"},
		{org: city, title: "Kita-Platz-Beratung für neu zugezogene Familien", desc: "Wir helfen bei der Anmeldung im Kita-Portal und suchen mit Ihnen einen Platz in der Nähe.",
			domains: "school family", targets: "families children", langs: "de en ar uk", hours: "Mo–Do 9–12 Uhr", phone: "0212 290-5100", costs: "free",
			texts: []offers.Text{tx("uk", "Консультація щодо місця в дитсадку для новоприбулих сімей", "Допомагаємо зареєструватися на порталі дитсадків і знайти місце поблизу."),
				tx("en", "Daycare place advice for newly arrived families", "We help you register on the daycare portal and look for a place near you.")}},
		{org: city, title: "Impfsprechstunde des Gesundheitsamts", desc: "Impfberatung und Impfungen für Kinder und Erwachsene, auch ohne Krankenversicherung.", domains: "health",
			targets: "all", langs: "de en", districts: []string{mitte}, hours: "Mi 14–16 Uhr", costs: "free"},
		{org: city, title: "Freizeit und Sport mit dem Solingen-Pass", desc: "Vereinsbeiträge, Schwimmbad und Ferienangebote für Kinder und Jugendliche zum kleinen Preis.", domains: "participation",
			targets: "children youth", langs: "de", costs: "reduced", costsNote: "mit Solingen-Pass stark ermäßigt"},
		{org: city, title: "Winterhilfe Energiekosten 2025", desc: "Einmalige Unterstützung bei hohen Heizkosten im Winter 2025.", domains: "livelihood housing", targets: "families",
			langs: "de", costs: "free", from: "2025-01-01", to: "2025-12-31"},
	}
}

// seedDemoOffers creates the demo offers that are missing (by organisation and title).
func (a *App) seedDemoOffers(ctx context.Context, tenantID string) error {
	sys := access.System(tenantID)
	have, _, err := a.Offers.List(ctx, sys, web.ListQuery{Page: 1, Size: 10000, Sort: "title"}, offers.Filter{})
	if err != nil {
		return err
	}
	exists := map[string]bool{}
	for _, o := range have {
		exists[o.OrganisationName+"/"+o.Title] = true
	}
	c, err := a.Offers.FormChoices(ctx, sys)
	if err != nil {
		return err
	}
	id := func(list []web.Option, label string) string {
		for _, o := range list {
			if o.Label == label {
				return o.Value
			}
		}
		return ""
	}
	for _, d := range demoOffers() {
		if exists[d.org+"/"+d.title] {
			continue
		}
		in := offers.Input{OrganisationID: id(c.Organisations, d.org), Title: d.title, Description: d.desc,
			LifeDomains: strings.Fields(d.domains), TargetGroups: strings.Fields(d.targets), Languages: strings.Fields(d.langs),
			Citywide: len(d.districts) == 0, OpeningHours: d.hours, ContactName: d.contact, ContactPhone: d.phone, ContactEmail: d.email,
			Website: d.web, Costs: d.costs, CostsNote: d.costsNote, StepFree: d.stepFree, ValidFrom: d.from, ValidTo: d.to, Texts: d.texts}
		for _, name := range d.districts {
			in.DistrictIDs = append(in.DistrictIDs, id(c.Districts, name))
		}
		for _, name := range d.locations {
			in.LocationIDs = append(in.LocationIDs, id(c.Locations, d.org+" – "+name))
		}
		o, err := a.Offers.Create(ctx, sys, in)
		if err != nil {
			return fmt.Errorf("demo offer %s: %w", d.title, err)
		}
		if !d.draft {
			if _, err := a.Offers.SetPublished(ctx, sys, o.ID, true, o.Version); err != nil {
				return fmt.Errorf("demo offer %s: %w", d.title, err)
			}
		}
	}
	return nil
}
