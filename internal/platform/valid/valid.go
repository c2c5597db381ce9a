// Package valid holds the field checks every room's input validation uses, so that the same
// input gets the same German message everywhere. Messages are catalogue ids of the platform
// (validation.*).
package valid

import (
	"net/mail"
	"regexp"
	"slices"
	"strings"
	"time"
	_ "time/tzdata" // Europe/Berlin on machines without tzdata
	"unicode/utf8"

	"kim/internal/platform/errs"
)

// Clean trims s, removes control characters and collapses inner white space (one-line fields).
func Clean(s string) string { return strings.Join(strings.Fields(CleanText(s)), " ") }

// CleanText trims s and removes control characters except newlines and tabs (multi-line fields).
func CleanText(s string) string {
	s = strings.TrimSpace(s)
	return strings.Map(func(r rune) rune {
		if (r < 0x20 && r != '\n' && r != '\t') || r == 0x7f || r == utf8.RuneError {
			return -1
		}
		return r
	}, s)
}

// Required checks a mandatory text of at most maxLen characters.
func Required(v *errs.Validation, field, s string, maxLen int) {
	if s == "" {
		v.Add(field, "validation.required")
		return
	}
	Length(v, field, s, maxLen)
}

// Length checks that s has at most maxLen characters.
func Length(v *errs.Validation, field, s string, maxLen int) {
	if utf8.RuneCountInString(s) > maxLen {
		v.Add(field, "validation.too_long", "Max", maxLen)
	}
}

// OneOf checks a mandatory choice.
func OneOf[T ~string](v *errs.Validation, field string, val T, allowed []T) {
	if val == "" {
		v.Add(field, "validation.required")
		return
	}
	if !slices.Contains(allowed, val) {
		v.Add(field, "validation.choice")
	}
}

// Optional checks an optional choice (empty is allowed).
func Optional[T ~string](v *errs.Validation, field string, val T, allowed []T) {
	if val != "" && !slices.Contains(allowed, val) {
		v.Add(field, "validation.choice")
	}
}

// Set checks that every value is one of allowed and drops duplicates, keeping the order.
func Set[T ~string](v *errs.Validation, field string, vals []T, allowed []T) []T {
	out := make([]T, 0, len(vals))
	for _, x := range vals {
		if !slices.Contains(allowed, x) {
			v.Add(field, "validation.choice")
			continue
		}
		if !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	return out
}

const maxEmail = 254

// Email reports whether s is a plain e-mail address (no display name).
func Email(s string) bool {
	if len(s) > maxEmail || strings.ContainsAny(s, " <>\"") {
		return false
	}
	a, err := mail.ParseAddress(s)
	return err == nil && a.Address == s && strings.Contains(s[strings.LastIndexByte(s, '@'):], ".")
}

// OptionalEmail checks an optional e-mail address.
func OptionalEmail(v *errs.Validation, field, s string) {
	if s != "" && !Email(s) {
		v.Add(field, "validation.email")
	}
}

var (
	phoneRe    = regexp.MustCompile(`^[0-9 +()/\-]{3,40}$`)
	postcodeRe = regexp.MustCompile(`^[0-9]{5}$`)
)

// OptionalPhone checks an optional telephone number.
func OptionalPhone(v *errs.Validation, field, s string) {
	if s != "" && !phoneRe.MatchString(s) {
		v.Add(field, "validation.phone")
	}
}

// OptionalPostcode checks an optional German postcode.
func OptionalPostcode(v *errs.Validation, field, s string) {
	if s != "" && !postcodeRe.MatchString(s) {
		v.Add(field, "validation.postcode")
	}
}

// DateLayout is the ISO form of dates without a time of day.
const DateLayout = "2006-01-02"

// ParseDate reads an ISO date (YYYY-MM-DD) or, for input typed by hand, DD.MM.YYYY.
func ParseDate(s string) (time.Time, bool) {
	for _, l := range []string{DateLayout, "02.01.2006", "2.1.2006"} {
		if t, err := time.Parse(l, s); err == nil && t.Year() >= 1900 && t.Year() <= 2200 {
			return t, true
		}
	}
	return time.Time{}, false
}

// Date normalises an optional date field to YYYY-MM-DD; a value that is no date gets a message.
func Date(v *errs.Validation, field string, s *string) {
	*s = strings.TrimSpace(*s)
	if *s == "" {
		return
	}
	t, ok := ParseDate(*s)
	if !ok {
		v.Add(field, "validation.date")
		return
	}
	*s = t.Format(DateLayout)
}

// RequiredDate normalises a mandatory date field.
func RequiredDate(v *errs.Validation, field string, s *string) {
	if strings.TrimSpace(*s) == "" {
		v.Add(field, "validation.required")
		return
	}
	Date(v, field, s)
}

// NotAfter checks that an optional date (already normalised) is not after the calendar day of
// limit in Europe/Berlin.
func NotAfter(v *errs.Validation, field, s string, limit time.Time) {
	if _, ok := ParseDate(s); ok && s > Today(limit) {
		v.Add(field, "validation.date_future")
	}
}

// Order checks that the optional dates from ≤ to (both normalised); the message goes on field.
func Order(v *errs.Validation, field, from, to string) {
	if from != "" && to != "" && to < from {
		v.Add(field, "validation.date_order")
	}
}

// Today returns the calendar date of t in Europe/Berlin as YYYY-MM-DD.
func Today(t time.Time) string { return t.In(Berlin).Format(DateLayout) }

// Berlin is the time zone of the application's calendar dates.
var Berlin = func() *time.Location {
	l, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		return time.FixedZone("CET", 3600)
	}
	return l
}()
