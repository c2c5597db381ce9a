package steering

import (
	"slices"
	"strings"
	"testing"
)

// The participants of a case as casework hands them over (CaseInfo.Identity).
var testIdentity = []string{
	"Samir", "Müller-Haddad", "سمير", "Samir Mueller", "1990-04-01", "0212 123456", "+49 171 9876543", "samir.m@example.org",
	"Kölner Straße 12a", "Olena", "Шевченко", "1985", "Mohammed", "Öztürk",
}

func hitsOf(hits []IdentityHit) map[string][]string {
	out := map[string][]string{}
	for _, h := range hits {
		out[h.Kind] = h.Words
	}
	return out
}

func TestIdentityCheckFindsTheParticipants(t *testing.T) {
	for _, c := range []struct {
		text, kind, word string
	}{
		{"Herr Müller wartet seit Monaten.", HitName, "Müller"},
		{"Herr MUELLER wartet seit Monaten.", HitName, "MUELLER"},
		{"Herr muller wartet seit Monaten.", HitName, "muller"},
		{"Frau Haddad hat keinen Platz bekommen.", HitName, "Haddad"},
		{"Der Klient (سمير) spricht kein Deutsch.", HitName, "سمير"},
		{"Olena bekommt keinen Termin.", HitName, "Olena"},
		{"Frau Alena bekommt keinen Termin.", HitName, "Alena"},    // a spelling of Olena
		{"Familie Shevchenko wartet.", HitName, "Shevchenko"},      // Шевченко in Latin letters
		{"Herr Muhammad wartet.", HitName, "Muhammad"},             // a spelling of Mohammed
		{"geboren am 1.4.1990, seitdem", HitBirthDate, "1.4.1990"}, // birth date, German short
		{"geboren am 01.04.90, seitdem", HitBirthDate, "01.04.90"}, // two-digit year
		{"geb. 1990-04-01", HitBirthDate, "1990-04-01"},            // ISO
		{"geboren am 1. April 1990 in Aleppo", HitBirthDate, "1. April 1990"},
		{"erreichbar unter 0212/12 34 56", HitPhone, "0212/12 34 56"}, // the same digits
		{"erreichbar unter 0049 171 9876543", HitPhone, "0049 171 9876543"},
		{"erreichbar unter 123456", HitPhone, "123456"}, // without the area code
		{"Mail an Samir.M@example.org geschickt", HitEmail, "Samir.M@example.org"},
		{"wohnt Kölner Str. 12 im dritten Stock", HitAddress, "Kölner Str. 12"},
		{"wohnt koelner strasse 12a im dritten Stock", HitAddress, "koelner strasse 12a"},
		{"Mail an jemand@web.de geschickt", HitAnyEmail, "jemand@web.de"},
		{"Rückruf unter 0176 55512345 erbeten", HitAnyNumber, "0176 55512345"},
		{"Am 1. April 1990 geboren, seitdem", HitBirthDate, "1. April 1990"},
		{"born on April 1, 1990", HitBirthDate, "April 1, 1990"},
		{"Geburtstag am 01.04. gefeiert", HitBirthDate, "01.04."}, // the birthday without the year
		{"geb. 3.7.1985 in Aleppo", HitAnyBirth, "3.7.1985"},      // someone's date of birth
		{"Geburtsdatum: 12.11.1979", HitAnyBirth, "12.11.1979"},
		{"am 5. Mai 1980 geboren", HitAnyBirth, "5. Mai 1980"},
		// possessive forms
		{"Samirs Antrag liegt seit Monaten.", HitName, "Samirs"},
		{"Müllers Antrag liegt seit Monaten.", HitName, "Müllers"},
		{"Haddads Antrag liegt seit Monaten.", HitName, "Haddads"},
		{"Mohammeds Sohn bekommt keinen Platz.", HitName, "Mohammeds"},
		{"Samir's application is pending.", HitName, "Samir's"},
		{"Samir’s application is pending.", HitName, "Samir’s"},
		{"Öztürks Antrag liegt seit Monaten.", HitName, "Öztürks"},
	} {
		hits := hitsOf(CheckIdentity(c.text, testIdentity))
		if !slices.Contains(hits[c.kind], c.word) {
			t.Errorf("%q: hits %v, want %s %q", c.text, hits, c.kind, c.word)
		}
	}
}

func TestIdentityCheckLeavesOrdinaryTextAlone(t *testing.T) {
	texts := []string{
		"Für Eltern in Integrationskursen gibt es keine Kinderbetreuung. Die Mutter kann den Kurs nur besuchen, wenn das Kind " +
			"einen Kita-Platz hat; die Wartelisten in Solingen-Mitte sind lang. Mir ist kein Angebot bekannt, das beides verbindet.",
		"Beim Wechsel vom AsylbLG ins SGB II entsteht eine Lücke von sechs bis acht Wochen. Das Jobcenter verlangt Unterlagen, " +
			"die beim Sozialamt liegen; die Akte wird nicht übermittelt. Seit 2019 ist das ein bekanntes Problem, 3 Familien betroffen.",
		"Die Ausländerbehörde vergibt Termine nur online, das Portal ist nur auf Deutsch. Wartezeit derzeit 14 Wochen. " +
			"Kosten 1.500 Euro für Anerkennung, Beratung in der Kölner Straße ist ausgebucht.",
	}
	for _, text := range texts {
		if hits := CheckIdentity(text, testIdentity); len(hits) != 0 {
			t.Errorf("%q: unexpected hits %v", text[:40], hits)
		}
	}
}

func TestIdentityCheckIgnoresShortPartsAndYears(t *testing.T) {
	// "Al" is too short to be checked; a birth year alone is no birth date.
	hits := CheckIdentity("Al sagt, seit 1985 in Deutschland.", []string{"Al", "1985", "Nour"})
	if len(hits) != 0 {
		t.Errorf("hits %v", hits)
	}
	// A function word is no name by sound (nur ~ Nour), but the name itself is found.
	hits = CheckIdentity("Das ist nur ein Beispiel, Nour wartet.", []string{"Nour"})
	if got := hitsOf(hits)[HitName]; !slices.Equal(got, []string{"Nour"}) {
		t.Errorf("hits %v", hits)
	}
}

func TestIdentityCheckIsBounded(t *testing.T) {
	long := strings.Repeat("Wartezeit Ausländerbehörde Termin 0212 ", 500)
	many := make([]string, 1000)
	for i := range many {
		many[i] = "Name"
	}
	if hits := CheckIdentity(long, many); len(hits) != 0 {
		t.Errorf("hits %v", hits)
	}
}

func TestIdentityCheckIgnoresOrdinaryDates(t *testing.T) {
	// Procedure durations need dates: only dates of birth are flagged.
	for _, text := range []string{
		"Termin am 15.03.2026 abgesagt",
		"Der Antrag wurde am 02.01.2026 gestellt und am 15.03.2026 beschieden; Wartezeit vom 2. Januar 2026 bis zum 15. März 2026.",
		"Termin am 15.03. abgesagt, nächster Termin im April 2026.",
	} {
		if hits := CheckIdentity(text, testIdentity); len(hits) != 0 {
			t.Errorf("%q: unexpected hits %v", text, hits)
		}
	}
}

func TestIdentityCheckNameParticles(t *testing.T) {
	people := []string{"Anna von der Heide", "Ali al-Hassan", "Maria dos Santos"}
	// Particles and function words are no name parts on their own.
	for _, text := range []string{
		"Der Antrag von der Behörde liegt bei dem Amt; die Akte ist bei der Stelle.",
		"Das Amt hat dos und don'ts veröffentlicht, al dente.",
	} {
		if hits := CheckIdentity(text, people); len(hits) != 0 {
			t.Errorf("%q: unexpected hits %v", text, hits)
		}
	}
	// The whole name, and the parts that are names, are found.
	for text, want := range map[string]string{
		"Frau von der Heide wartet.":    "von der Heide",
		"Frau Heide wartet.":            "Heide",
		"Herr al-Hassan wartet.":        "al-Hassan",
		"Herr Hassan wartet.":           "Hassan",
		"Frau dos Santos wartet.":       "dos Santos",
		"Von der Heides Antrag wartet.": "Von der Heides",
	} {
		if got := hitsOf(CheckIdentity(text, people))[HitName]; !slices.Equal(got, []string{want}) {
			t.Errorf("%q: names %v, want %q", text, got, want)
		}
	}
}

func TestIdentityCheckTwoLetterNames(t *testing.T) {
	people := []string{"Li Wu", "Ng", "Do"}
	for text, want := range map[string][]string{
		"Frau Li und Herr Wu warten.":        {"Li", "Wu"},
		"Familie Ng wartet.":                 {"Ng"},
		"Do wartet seit Monaten.":            {"Do"},
		"Die Linie wurde eingestellt.":       nil, // part of a word
		"li, wu und do kleingeschrieben.":    nil, // as written only
		"Familie Lee und Familie Woo warten": nil, // no sound matching
	} {
		if got := hitsOf(CheckIdentity(text, people))[HitName]; !slices.Equal(got, want) {
			t.Errorf("%q: names %v, want %v", text, got, want)
		}
	}
}

func TestIdentityCheckReferences(t *testing.T) {
	// The case number, the client's pseudonym and a messenger handle are matched as written.
	refs := []string{"2026-00017", "QX7KM2PLRT4VN8ZA", "@samir90", "Kölner Straße", "QXKMPLRTVNZABCDE"}
	for text, want := range map[string]string{
		"Aus Fall 2026-00017 gemeldet.":         "2026-00017",
		"Pseudonym qx7km2plrt4vn8za im Bericht": "qx7km2plrt4vn8za",
		"Kontakt über Telegram @samir90.":       "samir90",
		"Kontakt über samir90, täglich.":        "samir90",
	} {
		hits := hitsOf(CheckIdentity(text, refs))
		if !slices.Equal(hits[HitReference], []string{want}) || len(hits[HitAnyEmail]) > 0 || len(hits[HitAnyNumber]) > 0 || len(hits[HitPhone]) > 0 {
			t.Errorf("%q: hits %v, want reference %q", text, hits, want)
		}
	}
	// A street without a house number names no one: its words are no names.
	for _, text := range []string{"Beratung in der Kölner Straße ausgebucht.", "Die Nummer samir901 ist eine andere."} {
		if hits := CheckIdentity(text, refs); len(hits) != 0 {
			t.Errorf("%q: unexpected hits %v", text, hits)
		}
	}
}
