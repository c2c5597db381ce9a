package steering

import (
	"slices"
	"strings"
	"testing"
)

// The participants of a case as casework hands them over (CaseInfo.Identity).
var testIdentity = []string{
	"Samir", "Müller-Haddad", "سمير", "Samir Mueller", "1990-04-01", "0212 123456", "+49 171 9876543", "samir.m@example.org",
	"Kölner Straße 12a", "Olena", "Шевченко", "1985", "Mohammed",
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
		{"Termin am 15.03.2026 abgesagt", HitAnyDate, "15.03.2026"},
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
