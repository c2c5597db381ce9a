package consentform

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Form is the content of one consent form. All strings are printed as
// given; dates are already formatted by the caller.
type Form struct {
	Lang               string   // translation language: "ar","tr","uk","ru","fa","en" (or "de" = German only)
	FormVersion        string   // e.g. "2026-11"
	Organisation       string   // the organisation that records the consent (controller)
	OrgAddress         []string // address lines of the organisation
	ClientName         string   // as written in Latin letters
	ClientNameOriginal string   // in original script (may be empty)
	BirthDate          string   // already formatted, may be "1987" or "12.03.1987"
	Recipients         []string // organisations or named persons
	Purpose            string   // free text by the case manager in German (printed as given)
	Categories         []string // data category codes, see CategoryCodes
	Special            []string // special category codes (Art. 9/10 GDPR), see SpecialCodes
	Direction          string   // "one_way" (we may pass to recipients) or "mutual" (both sides released from secrecy)
	ValidUntil         string   // formatted date, or empty when UntilCaseClosure
	UntilCaseClosure   bool
	Interpreter        string // empty, or e.g. "Dolmetscherin (Arabisch), Name"
	GivenOn            string // formatted date or empty (then a blank line to fill in)
}

// Direction values.
const (
	DirectionOneWay = "one_way"
	DirectionMutual = "mutual"
)

// Limits that keep the form specific and printable on a few pages. A
// consent with dozens of recipients or a page-long purpose is no longer a
// specific consent.
const (
	maxRecipients   = 12
	maxFieldRunes   = 200
	maxPurposeRunes = 1200
	maxAddressLines = 5
)

var (
	// categoryCodes lists the data category codes in print order.
	categoryCodes = []string{"master_data", "contact", "residence", "benefits",
		"work_education", "housing", "family", "language", "case_plan", "contacts_notes"}
	// specialCodes lists the special category codes in print order.
	specialCodes = []string{"health", "religion", "ethnic_origin", "political",
		"sexual_orientation", "criminal"}
)

// Languages returns the supported translation languages in display order.
// "de" (German only, no translation) is accepted by Render in addition.
func Languages() []string {
	return []string{"ar", "tr", "uk", "ru", "fa", "en"}
}

// CategoryCodes returns the known data category codes in print order.
func CategoryCodes() []string { return append([]string(nil), categoryCodes...) }

// SpecialCodes returns the known special category codes in print order.
func SpecialCodes() []string { return append([]string(nil), specialCodes...) }

// Validate checks that the form names a known language and known category
// codes and that it is specific enough to be a valid consent: a purpose, at
// least one recipient, at least one data category, a direction and exactly
// one of ValidUntil and UntilCaseClosure. All problems are reported together.
func Validate(f Form) error {
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("consentform: "+format, args...))
	}
	if f.Lang != "de" && !contains(Languages(), f.Lang) {
		bad("unknown language %q", f.Lang)
	}
	checkLine := func(name, v string, required bool) {
		switch {
		case strings.TrimSpace(v) == "":
			if required {
				bad("%s is required", name)
			}
		case utf8.RuneCountInString(v) > maxFieldRunes:
			bad("%s is longer than %d characters", name, maxFieldRunes)
		case hasControl(v, false):
			bad("%s contains control characters", name)
		}
	}
	checkLine("form version", f.FormVersion, true)
	checkLine("organisation", f.Organisation, true)
	checkLine("client name", f.ClientName, true)
	checkLine("original client name", f.ClientNameOriginal, false)
	checkLine("birth date", f.BirthDate, false)
	checkLine("interpreter", f.Interpreter, false)
	checkLine("given-on date", f.GivenOn, false)
	if len(f.OrgAddress) > maxAddressLines {
		bad("more than %d address lines", maxAddressLines)
	}
	for i, l := range f.OrgAddress {
		checkLine(fmt.Sprintf("address line %d", i+1), l, false)
	}

	switch {
	case strings.TrimSpace(f.Purpose) == "":
		bad("purpose is required (a consent must name its specific purpose)")
	case utf8.RuneCountInString(f.Purpose) > maxPurposeRunes:
		bad("purpose is longer than %d characters", maxPurposeRunes)
	case hasControl(f.Purpose, true):
		bad("purpose contains control characters")
	}

	if len(f.Recipients) == 0 {
		bad("at least one recipient is required (blanket consents are invalid)")
	}
	if len(f.Recipients) > maxRecipients {
		bad("more than %d recipients", maxRecipients)
	}
	seen := map[string]bool{}
	for i, r := range f.Recipients {
		checkLine(fmt.Sprintf("recipient %d", i+1), r, true)
		key := strings.ToLower(strings.TrimSpace(r))
		if key != "" && seen[key] {
			bad("recipient %q is listed twice", r)
		}
		seen[key] = true
	}

	if len(f.Categories)+len(f.Special) == 0 {
		bad("at least one data category is required")
	}
	checkCodes := func(kind string, codes, known []string) {
		dup := map[string]bool{}
		for _, c := range codes {
			if !contains(known, c) {
				bad("unknown %s code %q", kind, c)
			} else if dup[c] {
				bad("%s code %q is listed twice", kind, c)
			}
			dup[c] = true
		}
	}
	checkCodes("category", f.Categories, categoryCodes)
	checkCodes("special category", f.Special, specialCodes)

	if f.Direction != DirectionOneWay && f.Direction != DirectionMutual {
		bad("unknown direction %q (want %q or %q)", f.Direction, DirectionOneWay, DirectionMutual)
	}
	checkLine("valid-until date", f.ValidUntil, false)
	hasDate := strings.TrimSpace(f.ValidUntil) != ""
	switch {
	case hasDate && f.UntilCaseClosure:
		bad("set either a valid-until date or until case closure, not both")
	case !hasDate && !f.UntilCaseClosure:
		bad("a duration is required: a valid-until date or until case closure")
	}
	return errors.Join(errs...)
}

// contains reports whether list holds v.
func contains(list []string, v string) bool {
	for _, s := range list {
		if s == v {
			return true
		}
	}
	return false
}

// hasControl reports whether s holds control or bidi-formatting characters
// (which could reorder the printed text). Newlines are allowed when
// multiline is set.
func hasControl(s string, multiline bool) bool {
	for _, r := range s {
		if multiline && (r == '\n' || r == '\r') {
			continue
		}
		if unicode.IsControl(r) || isBidiControl(r) {
			return true
		}
	}
	return false
}

// isBidiControl reports whether r is an explicit bidi formatting character.
func isBidiControl(r rune) bool {
	return (r >= 0x202A && r <= 0x202E) || (r >= 0x2066 && r <= 0x2069) ||
		r == 0x200E || r == 0x200F || r == 0x061C
}
