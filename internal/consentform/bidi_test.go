package consentform

import "testing"

func TestVisualOrder(t *testing.T) {
	salam := shapeArabic("سلام")       // logical: seen, lam-alef, meem
	salamV := visualOrder(salam, true) // visual: meem, lam-alef, seen
	hatta := shapeArabic("حتى")
	hattaV := visualOrder(hatta, true)
	muhammadV := visualOrder(shapeArabic("محمد"), true)
	hasanV := visualOrder(shapeArabic("الحسن"), true)

	tests := []struct {
		name string
		in   string
		rtl  bool
		want string
	}{
		{"pure LTR", "Hallo (Welt) 12.03.1987", false, "Hallo (Welt) 12.03.1987"},
		{"isolates stripped in LTR", "von " + isolate("Stadt Solingen") + ".", false, "von Stadt Solingen."},
		{"Latin run and number in RTL", salam + " Welt 2026", true, "Welt 2026 " + salamV},
		{"date at end of RTL sentence", hatta + " 31.12.2026.", true, ".31.12.2026 " + hattaV},
		{"number before RTL word", "1. " + salam, true, salamV + " .1"},
		{"brackets mirrored in RTL", "(" + salam + ")", true, "(" + salamV + ")"},
		{"section sign in RTL", salam + " § 203 StGB", true, "StGB 203 § " + salamV},
		{"Arabic name in LTR line", "Name: " + shapeArabic("محمد الحسن"), false, "Name: " + hasanV + " " + muhammadV},
		{"isolated LTR value with brackets in RTL", salam + " " + isolate("Stadt (KI)") + "). " + hatta, true,
			hattaV + " .(Stadt (KI) " + salamV},
		{"RTL value isolated in LTR text", "an " + isolate(shapeArabic("محمد الحسن")) + ", bitte", false,
			"an " + hasanV + " " + muhammadV + ", bitte"},
		{"isolate spanning line end is closed", salam + " " + string(isoOpen) + "Stadt", true, "Stadt " + salamV},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := visualOrder(tc.in, tc.rtl); got != tc.want {
				t.Errorf("visualOrder(%q, %v)\n got  %q\n want %q", tc.in, tc.rtl, got, tc.want)
			}
		})
	}
}

func TestIsRTLText(t *testing.T) {
	for s, want := range map[string]bool{
		"Jobcenter":         false,
		"محمد":              true,
		"  (12) محمد Ahmad": true,
		"Ahmad محمد":        false,
		"2026":              false,
		"":                  false,
		"فارسی":             true,
		"Українська":        false,
	} {
		if got := isRTLText(s); got != want {
			t.Errorf("isRTLText(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestBalanceIsolates(t *testing.T) {
	o, c := string(isoOpen), string(isoClose)
	got := balanceIsolates([]string{"a " + o + "b c", "d" + c + " e", "f"})
	want := []string{"a " + o + "b c" + c, o + "d" + c + " e", "f"}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("line %d = %q, want %q", i, got[i], want[i])
		}
	}
}
