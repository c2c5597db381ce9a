package consentform

import (
	"fmt"
	"testing"
)

// hex renders code points for readable failure messages.
func hex(s string) string {
	out := ""
	for _, r := range s {
		out += fmt.Sprintf("%04X ", r)
	}
	return out
}

func TestShapeArabic(t *testing.T) {
	tests := []struct {
		name, in string
		want     []rune // logical order, presentation forms
	}{
		// seen initial, lam-alef final ligature, meem isolated (alef does not join forward)
		{"salam", "سلام", []rune{0xFEB3, 0xFEFC, 0xFEE1}},
		// meem initial, hah medial, meem medial, dal final
		{"muhammad", "محمد", []rune{0xFEE3, 0xFEA4, 0xFEE4, 0xFEAA}},
		{"lam-alef isolated", "لا", []rune{0xFEFB}},
		{"lam-alef with hamza below", "إلإ", []rune{0xFE87, 0xFEF9}},
		{"single letter", "ب", []rune{0xFE8F}},
		{"teh marbuta final", "موافقة", []rune{0xFEE3, 0xFEEE, 0xFE8D, 0xFED3, 0xFED8, 0xFE94}},
		{"two words", "من هو", []rune{0xFEE3, 0xFEE6, ' ', 0xFEEB, 0xFEEE}},
		// Farsi letters: peh initial, Farsi yeh medial, keheh final
		{"farsi peyk", "پیک", []rune{0xFB58, 0xFBFF, 0xFB8F}},
		// jeh isolated (joins only backwards), alef isolated, lam initial, heh final
		{"farsi zhaleh", "ژاله", []rune{0xFB8A, 0xFE8D, 0xFEDF, 0xFEEA}},
		// tcheh initial, reh final, alef isolated
		{"farsi chera", "چرا", []rune{0xFB7C, 0xFEAE, 0xFE8D}},
		// gaf initial, alef final
		{"farsi gah", "گاه", []rune{0xFB94, 0xFE8E, 0xFEE9}},
		// ZWNJ breaks the join and is removed: mi + kenad
		{"zwnj", "می\u200cکند", []rune{0xFEE3, 0xFBFD, 0xFB90, 0xFEE8, 0xFEAA}},
		// tatweel joins: lam initial + tatweel
		{"tatweel", "لـ", []rune{0xFEDF, 0x0640}},
		// vowel marks are dropped and do not break joining
		{"harakat", "مُحَمَّد", []rune{0xFEE3, 0xFEA4, 0xFEE4, 0xFEAA}},
		{"latin unchanged", "Hallo Welt", []rune("Hallo Welt")},
		{"digits kept", "سنة 2026", []rune{0xFEB3, 0xFEE8, 0xFE94, ' ', '2', '0', '2', '6'}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := shapeArabic(tc.in)
			if got != string(tc.want) {
				t.Errorf("shapeArabic(%q) = %s, want %s", tc.in, hex(got), hex(string(tc.want)))
			}
			if again := shapeArabic(got); again != got {
				t.Errorf("shaping is not idempotent: %s -> %s", hex(got), hex(again))
			}
		})
	}
}

func TestShapeVisualSalam(t *testing.T) {
	// "سلام" in visual (left-to-right drawing) order: meem, lam-alef, seen.
	got := visualOrder(shapeArabic("سلام"), true)
	want := string([]rune{0xFEE1, 0xFEFC, 0xFEB3})
	if got != want {
		t.Fatalf("visual سلام = %s, want %s", hex(got), hex(want))
	}
}

func TestJoiningTypes(t *testing.T) {
	for r := rune(0x0621); r <= 0x064A; r++ {
		if r >= 0x063B && r <= 0x0640 {
			continue // unassigned letters and tatweel
		}
		if _, ok := arabicLetters[r]; !ok {
			t.Errorf("base letter U+%04X has no presentation forms", r)
		}
	}
	for _, r := range "پچژگیک" {
		if _, ok := arabicLetters[r]; !ok {
			t.Errorf("Farsi letter %c (U+%04X) has no presentation forms", r, r)
		}
	}
	for base, f := range arabicLetters {
		jt := joiningType(base)
		if f[formIsolated] == 0 {
			t.Errorf("U+%04X: no isolated form", base)
		}
		if jt == joinDual && (f[formFinal] == 0 || f[formMedial] == 0) {
			t.Errorf("U+%04X: dual-joining letter without final/medial form", base)
		}
	}
}
