package casework

import "testing"

// The state machine allows exactly the moves of the case-management phases.
func TestTransitions(t *testing.T) {
	allowed := map[[2]string]bool{}
	for from, tos := range transitions {
		for _, to := range tos {
			allowed[[2]string{from, to}] = true
		}
	}
	for _, from := range Statuses {
		if _, ok := transitions[from]; !ok {
			t.Errorf("state %s has no entry in transitions", from)
		}
		for _, to := range Statuses {
			if CanMove(from, to) != allowed[[2]string{from, to}] {
				t.Errorf("CanMove(%s, %s) disagrees with the table", from, to)
			}
		}
	}
	for _, c := range []struct {
		from, to string
		want     bool
	}{
		{StatusRequested, StatusClarification, true},
		{StatusRequested, StatusAssessment, false}, // clarification comes first
		{StatusClarification, StatusDeclined, true},
		{StatusClarification, StatusReferred, true},
		{StatusAssessment, StatusDeclined, false},   // declining happens at clarification
		{StatusImplementation, StatusClosed, false}, // closing passes through evaluation
		{StatusClosing, StatusClosed, true},
		{StatusClosed, StatusAssessment, true}, // reopening
		{StatusClosed, StatusImplementation, false},
		{StatusDeclined, StatusClarification, false},
		{StatusPaused, StatusImplementation, true},
	} {
		if got := CanMove(c.from, c.to); got != c.want {
			t.Errorf("CanMove(%s, %s) = %v, want %v", c.from, c.to, got, c.want)
		}
	}
	for _, s := range Statuses {
		if CanMove(s, s) {
			t.Errorf("%s → %s must not be a move", s, s)
		}
	}
}

func TestSameBirth(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want bool
	}{
		{"1990-04-01", "1990-04-01", true},
		{"1990-04-01", "1990-04-02", false},
		{"1990", "1990-04-01", true},
		{"1990-04-01", "1991", false},
		{"", "1990-04-01", true},
		{"1990", "1990", true},
	} {
		if got := sameBirth(c.a, c.b); got != c.want {
			t.Errorf("sameBirth(%q, %q) = %v", c.a, c.b, got)
		}
	}
}

func TestConsentStatus(t *testing.T) {
	k := Consent{GivenOn: "2026-01-05", ValidUntil: "2026-06-30"}
	for day, want := range map[string]string{"2026-01-04": "pending", "2026-01-05": "given", "2026-06-30": "given", "2026-07-01": "expired"} {
		if got := k.Status(day); got != want {
			t.Errorf("status on %s = %s, want %s", day, got, want)
		}
	}
	k = Consent{GivenOn: "2026-01-05", UntilClosure: true}
	if k.Status("2030-01-01") != "given" {
		t.Error("a consent until closure is valid while the case is open")
	}
	k.CaseClosed = true
	if k.Status("2026-02-01") != "ended" {
		t.Error("a consent until closure ends with the case")
	}
}

func TestValidCountry(t *testing.T) {
	for _, c := range []string{"DE", "SY", "AF", "UA", "XK", "TR", "ER"} {
		if !ValidCountry(c) {
			t.Errorf("%s should be valid", c)
		}
	}
	for _, c := range []string{"", "D", "DEU", "de", "ZZ", "EU", "UN", "QO", "12"} {
		if ValidCountry(c) {
			t.Errorf("%q should be invalid", c)
		}
	}
}
