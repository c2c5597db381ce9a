package consentform

// sampleForm returns a realistic form for tests, with values that exercise
// bidi (Latin names and dates inside Arabic text, Arabic name in the German
// part) and every section.
func sampleForm(lang string) Form {
	return Form{
		Lang:               lang,
		FormVersion:        "2026-11",
		Organisation:       "Stadt Solingen – Kommunales Integrationszentrum",
		OrgAddress:         []string{"Kommunales Integrationsmanagement", "Musterstraße 1, 42651 Solingen", "Telefon 0212 000000 · kim@example.org"},
		ClientName:         "Mohammed Al-Hassan",
		ClientNameOriginal: "محمد الحسن",
		BirthDate:          "12.03.1987",
		Recipients:         []string{"Jobcenter Solingen, Team U25", "Ausländerbehörde Solingen", "Frau Dr. Petra Beispiel (Hausärztin)"},
		Purpose:            "Klärung des Anspruchs auf Leistungen nach dem SGB II nach Erteilung der Aufenthaltserlaubnis (§ 25 Abs. 2 AufenthG) und Vermittlung in einen Integrationskurs.",
		Categories:         []string{"master_data", "contact", "residence", "benefits", "language"},
		Special:            []string{"health"},
		Direction:          DirectionMutual,
		ValidUntil:         "31.12.2026",
		Interpreter:        "Dolmetscherin (Arabisch), Samira Beispiel",
		GivenOn:            "",
	}
}
