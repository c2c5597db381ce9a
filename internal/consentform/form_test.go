package consentform

import (
	"strings"
	"testing"
)

func TestLanguages(t *testing.T) {
	want := []string{"ar", "tr", "uk", "ru", "fa", "en"}
	got := Languages()
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("Languages() = %v, want %v", got, want)
	}
	got[0] = "xx"
	if Languages()[0] != "ar" {
		t.Fatal("Languages() shares its slice with the caller")
	}
}

func TestValidateAcceptsSamples(t *testing.T) {
	for _, lang := range append([]string{"de"}, Languages()...) {
		if err := Validate(sampleForm(lang)); err != nil {
			t.Errorf("%s: %v", lang, err)
		}
	}
	f := sampleForm("en")
	f.ValidUntil, f.UntilCaseClosure = "", true
	f.Direction = DirectionOneWay
	f.Special, f.Interpreter, f.ClientNameOriginal, f.BirthDate, f.OrgAddress = nil, "", "", "", nil
	if err := Validate(f); err != nil {
		t.Errorf("minimal form: %v", err)
	}
	f.Categories, f.Special = nil, []string{"religion"}
	if err := Validate(f); err != nil {
		t.Errorf("form with only a special category: %v", err)
	}
}

func TestValidateRejects(t *testing.T) {
	tests := []struct {
		name   string
		change func(*Form)
		want   string
	}{
		{"unknown language", func(f *Form) { f.Lang = "fr" }, `unknown language "fr"`},
		{"empty language", func(f *Form) { f.Lang = "" }, "unknown language"},
		{"unknown category", func(f *Form) { f.Categories = append(f.Categories, "finances") }, `unknown category code "finances"`},
		{"special code as category", func(f *Form) { f.Categories = []string{"health"} }, `unknown category code "health"`},
		{"unknown special", func(f *Form) { f.Special = []string{"biometric"} }, `unknown special category code "biometric"`},
		{"duplicate category", func(f *Form) { f.Categories = []string{"housing", "housing"} }, "listed twice"},
		{"no category", func(f *Form) { f.Categories, f.Special = nil, nil }, "at least one data category"},
		{"no recipient", func(f *Form) { f.Recipients = nil }, "at least one recipient"},
		{"blank recipient", func(f *Form) { f.Recipients = []string{"  "} }, "recipient 1 is required"},
		{"duplicate recipient", func(f *Form) { f.Recipients = []string{"Jobcenter", "jobcenter "} }, "listed twice"},
		{"too many recipients", func(f *Form) { f.Recipients = make([]string, 13) }, "more than 12 recipients"},
		{"no purpose", func(f *Form) { f.Purpose = " \n" }, "purpose is required"},
		{"long purpose", func(f *Form) { f.Purpose = strings.Repeat("x", 1201) }, "purpose is longer"},
		{"no organisation", func(f *Form) { f.Organisation = "" }, "organisation is required"},
		{"no client", func(f *Form) { f.ClientName = "" }, "client name is required"},
		{"no version", func(f *Form) { f.FormVersion = "" }, "form version is required"},
		{"bad direction", func(f *Form) { f.Direction = "both" }, `unknown direction "both"`},
		{"no duration", func(f *Form) { f.ValidUntil, f.UntilCaseClosure = "", false }, "a duration is required"},
		{"two durations", func(f *Form) { f.UntilCaseClosure = true }, "not both"},
		{"control character", func(f *Form) { f.ClientName = "Ali\x00" }, "control characters"},
		{"bidi override", func(f *Form) { f.Recipients = []string{"Job\u202Ecenter"} }, "control characters"},
		{"newline in name", func(f *Form) { f.Interpreter = "a\nb" }, "control characters"},
		{"long field", func(f *Form) { f.Organisation = strings.Repeat("o", 201) }, "longer than 200"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := sampleForm("ar")
			tc.change(&f)
			err := Validate(f)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Validate = %v, want error containing %q", err, tc.want)
			}
			if _, rerr := Render(f); rerr == nil {
				t.Fatal("Render accepted an invalid form")
			}
		})
	}
}

func TestValidateReportsAllProblems(t *testing.T) {
	err := Validate(Form{Lang: "xx", Categories: []string{"nope"}})
	if err == nil {
		t.Fatal("empty form accepted")
	}
	for _, want := range []string{"unknown language", "unknown category", "purpose is required", "recipient", "direction", "duration"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
}

func TestPurposeMayHaveLines(t *testing.T) {
	f := sampleForm("de")
	f.Purpose = "Erstens: Wohnung.\nZweitens: Kita-Platz."
	if err := Validate(f); err != nil {
		t.Fatal(err)
	}
}
