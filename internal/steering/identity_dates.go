package steering

import (
	"regexp"
	"strconv"
	"strings"
)

// The dates of the identity check (identity.go): full dates in the usual German and English
// forms, and day and month alone. A date is flagged only as a participant's birth date (a day
// and month alone: the birthday) or when the text announces it as a date of birth; other dates
// (a procedure's duration) are no finding.

var (
	// Dates: 1.4.1990, 01.04.90, 1. 4. 1990, 1990-04-01, 01/04/1990, 1. April 1990, 1. Apr. 1990,
	// April 1, 1990; without the year 1.4., 1. April, April 1.
	identNumDateRe  = regexp.MustCompile(`\b(\d{1,2})\.\s?(\d{1,2})\.\s?(\d{4}|\d{2})\b|\b(\d{4})-(\d{1,2})-(\d{1,2})\b|\b(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})\b`)
	identWordDateRe = regexp.MustCompile(`(?i)\b(\d{1,2})\.?\s*(` + identMonthRe + `)\.?\s*(\d{4})\b`)
	identEngDateRe  = regexp.MustCompile(`(?i)\b(` + identMonthRe + `)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})\b`)
	identDayMonthRe = regexp.MustCompile(`\b(\d{1,2})\.\s?(\d{1,2})\.`)
	identWordDMRe   = regexp.MustCompile(`(?i)\b(\d{1,2})\.?\s*(` + identMonthRe + `)\b\.?`)
	identEngDMRe    = regexp.MustCompile(`(?i)\b(` + identMonthRe + `)\.?\s+(\d{1,2})(?:st|nd|rd|th)?\b`)
	// A date of birth is announced before it (geb., geboren am, Geburtsdatum:, born on) or
	// after it (1.4.1990 geboren).
	identBirthBefore = regexp.MustCompile(`(?i)(?:^|[^\p{L}])(?:geb|geboren|geburtsdatum|geburtstag|born|birth|dob)[\s.:,\-]*(?:(?:am|on|den|vom)[\s.:,]*)?$`)
	identBirthAfter  = regexp.MustCompile(`(?i)^[\s,]*(?:in\s+\p{L}+\s+)?(?:geboren|born)`)
)

const identMonthRe = `januar|jänner|jan|februar|feb|märz|maerz|mär|mrz|april|apr|mai|juni|jun|juli|jul|august|aug|september|sept|sep|oktober|okt|november|nov|dezember|dez|january|february|march|mar|may|june|july|october|oct|december|dec`

var identMonths = map[string]int{
	"januar": 1, "jänner": 1, "jan": 1, "january": 1, "februar": 2, "feb": 2, "february": 2, "märz": 3, "maerz": 3, "mär": 3,
	"mrz": 3, "march": 3, "mar": 3, "april": 4, "apr": 4, "mai": 5, "may": 5, "juni": 6, "jun": 6, "june": 6, "juli": 7,
	"jul": 7, "july": 7, "august": 8, "aug": 8, "september": 9, "sept": 9, "sep": 9, "oktober": 10, "okt": 10, "october": 10,
	"oct": 10, "november": 11, "nov": 11, "dezember": 12, "dez": 12, "december": 12, "dec": 12,
}

type identDate struct {
	start, end       int
	day, month, year int
	short            bool // two-digit year
	noYear           bool // day and month only
}

// identDates returns the dates in s: full ones (day, month and year) and, where no full date
// stands, day and month alone.
func identDates(s string) []identDate {
	var out []identDate
	atoi := func(x string) int { n, _ := strconv.Atoi(x); return n }
	addDate := func(lo, hi, d, mo, y int, short, noYear bool) {
		if d >= 1 && d <= 31 && mo >= 1 && mo <= 12 && !identOverlaps(out, lo, hi) {
			out = append(out, identDate{lo, hi, d, mo, y, short, noYear})
		}
	}
	for _, m := range identNumDateRe.FindAllStringSubmatchIndex(s, -1) {
		g := func(i int) string {
			if m[2*i] < 0 {
				return ""
			}
			return s[m[2*i]:m[2*i+1]]
		}
		var d, mo int
		var y string
		switch {
		case g(1) != "":
			d, mo, y = atoi(g(1)), atoi(g(2)), g(3)
		case g(4) != "":
			d, mo, y = atoi(g(6)), atoi(g(5)), g(4)
		default:
			d, mo, y = atoi(g(7)), atoi(g(8)), g(9)
		}
		addDate(m[0], m[1], d, mo, atoi(y), len(y) == 2, false)
	}
	month := func(x string) int { return identMonths[strings.ToLower(x)] }
	for _, m := range identWordDateRe.FindAllStringSubmatchIndex(s, -1) {
		addDate(m[0], m[1], atoi(s[m[2]:m[3]]), month(s[m[4]:m[5]]), atoi(s[m[6]:m[7]]), false, false)
	}
	for _, m := range identEngDateRe.FindAllStringSubmatchIndex(s, -1) {
		addDate(m[0], m[1], atoi(s[m[4]:m[5]]), month(s[m[2]:m[3]]), atoi(s[m[6]:m[7]]), false, false)
	}
	for _, m := range identDayMonthRe.FindAllStringSubmatchIndex(s, -1) {
		if m[1] < len(s) && s[m[1]] >= '0' && s[m[1]] <= '9' {
			continue // 1.2.3: no date
		}
		addDate(m[0], m[1], atoi(s[m[2]:m[3]]), atoi(s[m[4]:m[5]]), 0, false, true)
	}
	for _, m := range identWordDMRe.FindAllStringSubmatchIndex(s, -1) {
		addDate(m[0], m[1], atoi(s[m[2]:m[3]]), month(s[m[4]:m[5]]), 0, false, true)
	}
	for _, m := range identEngDMRe.FindAllStringSubmatchIndex(s, -1) {
		addDate(m[0], m[1], atoi(s[m[4]:m[5]]), month(s[m[2]:m[3]]), 0, false, true)
	}
	return out
}

// identNearBirth reports whether the date at text[lo:hi] is announced as a date of birth.
func identNearBirth(text string, lo, hi int) bool {
	return identBirthBefore.MatchString(text[max(0, lo-40):lo]) || identBirthAfter.MatchString(text[hi:min(len(text), hi+40)])
}

func identOverlaps(ds []identDate, lo, hi int) bool {
	for _, d := range ds {
		if lo < d.end && d.start < hi {
			return true
		}
	}
	return false
}

// isBirth reports whether the date is a participant's birth date (a date without a year: the
// birthday).
func (id *identValues) isBirth(m identDate) bool {
	for _, b := range id.births {
		if b[0] == m.day && b[1] == m.month && (m.noYear || m.year == b[2] || m.short && m.year == b[2]%100) {
			return true
		}
	}
	return false
}
