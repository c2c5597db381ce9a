package nameeval

import (
	"math"
	"testing"
)

func TestTrigramSimilarity(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want float64
	}{
		// PostgreSQL documentation (pg_trgm, F.35.2): similarity('word', 'two words') = 0.363636:
		// "  w"," wo","wor","ord","rd " vs 10 trigrams of "two words", 4 shared, 11 in the union.
		{"word", "two words", 4.0 / 11},
		{"word", "word", 1},
		{"MÜLLER", "müller", 1},
		{"Karim", "Karima", 5.0 / 8}, // "  k"," ka","kar","ari","rim" (+"im ") vs (+"ima","ma ")
		{"", "word", 0},
		{"--", "--", 0}, // no words, no trigrams: pg_trgm returns 0
		{"a", "a", 1},   // "  a", " a "
		{"Al-Hassan", "al hassan", 1},
	} {
		if got := TrigramSimilarity(tc.a, tc.b); math.Abs(got-tc.want) > 1e-9 {
			t.Errorf("TrigramSimilarity(%q, %q) = %.6f, want %.6f", tc.a, tc.b, got, tc.want)
		}
	}
	if got := TrigramSimilarity("word", "two words"); math.Round(got*1e6)/1e6 != 0.363636 {
		t.Errorf("documented figure: got %.6f", got)
	}
}

func TestTrigrams(t *testing.T) {
	// show_trgm('cat') = {"  c"," ca","at ","cat"}
	got := trigrams("Cat")
	for _, w := range []string{"  c", " ca", "cat", "at "} {
		r := []rune(w)
		if !got[[3]rune{r[0], r[1], r[2]}] {
			t.Errorf("trigram %q missing", w)
		}
	}
	if len(got) != 4 {
		t.Errorf("%d trigrams, want 4", len(got))
	}
	// Arabic harakat are alphabetic in a UTF-8 locale: they stay inside the word.
	if n := len(trigrams("مُحَمَّد")); n != 9 {
		t.Errorf("trigrams of a vocalised Arabic word: %d, want 9", n)
	}
}

func TestTrigram(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want bool
	}{
		{"Mohammed Al-Hassan", "Mohammed Al Hassan", true},
		{"Hüseyin Yılmaz", "Huseyin Yilmaz", false}, // 0.43
		{"Karim", "Karima", false},                  // 0.625
		{"Alexander", "Alexandra", false},
		{"Mohammed", "محمد", false},
		{"Schmidt Johann", "Schmidt Johan", true}, // 13/15 shared
	} {
		if got := Trigram(tc.a, tc.b); got != tc.want {
			t.Errorf("Trigram(%q, %q) = %v, want %v (similarity %.3f)", tc.a, tc.b, got, tc.want,
				TrigramSimilarity(tc.a, tc.b))
		}
	}
}

func TestSoundex(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want bool
	}{
		{"Robert", "Rupert", true},                      // R163
		{"Mohammed", "Muhammad", true},                  // M530
		{"Hassan Mohammed", "mohammed al-hassan", true}, // order-insensitive, shorter side decides
		{"Hüseyin", "Huseyin", true},                    // matchr skips ü: H250
		{"Özdemir", "Ozdemir", false},                   // raw "özdemir" vs O235
		{"Мухаммед", "Muhammad", false},                 // no transliteration
		{"Мухаммед", "Мустафа", false},                  // raw Cyrillic tokens, not "М00"
		{"Мухаммед Али", "Али Мухаммед", true},
		{"Anna Anna", "Anna Olga", false}, // each token used once
		{"Karim", "Karima", true},         // K650: a typical false match
		{"", "", false},
	} {
		if got := Soundex(tc.a, tc.b); got != tc.want {
			t.Errorf("Soundex(%q, %q) = %v, want %v", tc.a, tc.b, got, tc.want)
		}
	}
}

func TestDoubleMetaphone(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want bool
	}{
		{"Smith", "Schmidt", true}, // SM0/XMT vs XMT/SMT
		{"Müller", "Mueller", true},
		{"Ševčenko", "Sevcenko", true},
		{"Ἀλέξανδρος", "Αλεξανδρος", true}, // Greek diacritics stripped, raw upper-case
		{"Алёна", "Алена", true},           // ё → е
		{"Йосиф", "Иосиф", true},           // й → и as in Primero
		{"مُحَمَّد", "محمد", true},         // harakat stripped
		{"محمد", "Mohammed", false},        // no transliteration
		{"Maria", "Jose Maria", true},      // the shorter name decides
		{"Anna Anna", "Anna Olga", false},
		{"Muhammad", "Mahmoud", false}, // MHMT vs MMT
		{"", "Anna", false},
	} {
		if got := DoubleMetaphone(tc.a, tc.b); got != tc.want {
			t.Errorf("DoubleMetaphone(%q, %q) = %v, want %v", tc.a, tc.b, got, tc.want)
		}
	}
}

func TestPrimeroStrip(t *testing.T) {
	for in, want := range map[string]string{
		"Ševčenko":    "Sevcenko",
		"Ґалина Йова": "Галина Иова",
		"مُحَمَّد":    "محمد",
		"أحمد":        "أحمد", // hamza is a letter here, not a haraka
		"Ἀθηνᾶ":       "Αθηνα",
	} {
		if got := primeroStrip(in); got != want {
			t.Errorf("primeroStrip(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestMatchTokensNeedsAugmentingPath(t *testing.T) {
	eq := func(x, y []string) bool {
		for _, a := range x {
			for _, b := range y {
				if a == b {
					return true
				}
			}
		}
		return false
	}
	// A greedy assignment would give b[0] to a[0] and leave a[1] without a partner.
	a := [][]string{{"x", "y"}, {"x"}}
	b := [][]string{{"x"}, {"y"}}
	if !matchTokens(a, b, eq) {
		t.Fatal("no perfect matching found")
	}
	if matchTokens([][]string{{"x"}, {"x"}}, [][]string{{"x"}, {"y"}}, eq) {
		t.Fatal("a token was used twice")
	}
}
