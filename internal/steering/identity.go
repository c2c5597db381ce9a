package steering

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"kim/internal/names"
)

// The identity check of a barrier report's text. A report must not say who the case is about:
// before it is saved, its text is compared with the identifying values of every participant of
// the case (CaseInfo.Identity) and searched for patterns that identify anyone (e-mail
// addresses, long numbers, full dates). What it finds is shown to the case manager only, in the
// form; it never goes into a log, a URL or the audit trail.

// The kinds of identity hits. The first five are values of the case's participants, the last
// three patterns that identify whoever they belong to.
const (
	HitName      = "name"
	HitBirthDate = "birth_date"
	HitPhone     = "phone"
	HitEmail     = "email"
	HitAddress   = "address"
	HitAnyEmail  = "any_email"
	HitAnyNumber = "any_number"
	HitAnyDate   = "any_date"
)

// HitKinds lists the kinds in the order the warning names them.
var HitKinds = []string{HitName, HitBirthDate, HitPhone, HitEmail, HitAddress, HitAnyEmail, HitAnyNumber, HitAnyDate}

// IdentityHit is one kind of identifying information found in a text, with the words as they
// stand in the text.
type IdentityHit struct {
	Kind  string
	Words []string
}

// Bounds of the check: name parts and words shorter than identMinLetters never match; a
// phone-like number needs identMinDigits digits, a participant's phone number matched by
// its end identPhoneTail.
const (
	identMinLetters = 3
	identMinDigits  = 7
	identPhoneTail  = 6
	identMaxValues  = 200
	identNameScore  = 0.9
)

// identValues is the participants' values sorted by kind.
type identValues struct {
	names     []*names.Name // single name parts
	nameFolds map[string]bool
	births    [][3]int // day, month, year
	phones    []string // digits, national form
	emails    []string // lower case
	streets   []identStreet
}

type identStreet struct {
	key    string // the street's name, normalised without spaces (koelnerstr)
	number string // the house number's digits
}

var (
	identISORe   = regexp.MustCompile(`^(\d{4})-(\d{2})-(\d{2})$`)
	identPhoneRe = regexp.MustCompile(`^[0-9 +()/.\-]+$`)
)

// identClassify sorts the participants' values by their shape: an e-mail address has an @, a birth
// date is an ISO date (a year alone is not used), a phone number holds only digits and phone
// punctuation, a street address has letters and a house number, and anything else is a name.
func identClassify(values []string) identValues {
	id := identValues{nameFolds: map[string]bool{}}
	if len(values) > identMaxValues {
		values = values[:identMaxValues]
	}
	for _, v := range values {
		v = strings.TrimSpace(v)
		switch {
		case v == "":
		case strings.Contains(v, "@"):
			id.emails = append(id.emails, strings.ToLower(v))
		case identISORe.MatchString(v):
			m := identISORe.FindStringSubmatch(v)
			y, _ := strconv.Atoi(m[1])
			mo, _ := strconv.Atoi(m[2])
			d, _ := strconv.Atoi(m[3])
			id.births = append(id.births, [3]int{d, mo, y})
		case identPhoneRe.MatchString(v):
			if d := identPhone(v); len(d) >= 5 {
				id.phones = append(id.phones, d)
			}
		case strings.ContainsAny(v, "0123456789"):
			if s, ok := identParseStreet(v); ok {
				id.streets = append(id.streets, s)
			}
		default:
			for _, w := range identWords(v) {
				if utf8.RuneCountInString(w.text) < identMinLetters {
					continue
				}
				n := names.Parse(w.text)
				if toks := n.Tokens(); len(toks) == 1 && !id.nameFolds[toks[0]] {
					id.nameFolds[toks[0]] = true
					id.names = append(id.names, n)
				}
			}
		}
	}
	return id
}

// identWord is a word of a text with its position.
type identWord struct {
	text       string
	start, end int // byte offsets
}

// identWords cuts s into words of letters and marks (apostrophes inside a word are kept).
func identWords(s string) []identWord {
	var out []identWord
	start := -1
	for i, r := range s {
		letter := unicode.IsLetter(r) || unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Mc, r)
		inner := start >= 0 && (r == '\'' || r == '’') && i+utf8.RuneLen(r) < len(s) && unicode.IsLetter(identFirstRune(s[i+utf8.RuneLen(r):]))
		switch {
		case letter || inner:
			if start < 0 {
				start = i
			}
		case start >= 0:
			out = append(out, identWord{s[start:i], start, i})
			start = -1
		}
	}
	if start >= 0 {
		out = append(out, identWord{s[start:], start, len(s)})
	}
	return out
}

func identFirstRune(s string) rune {
	r, _ := utf8.DecodeRuneInString(s)
	return r
}

// identStopWords are German and English function words that sound like short names (nur ~ Nour,
// mir ~ Amir). They never match a name by sound; a name part written exactly like one still
// matches.
var identStopWords = map[string]bool{
	"nur": true, "mir": true, "mit": true, "und": true, "oder": true, "sehr": true, "ein": true, "eine": true, "einen": true,
	"der": true, "die": true, "das": true, "den": true, "dem": true, "des": true, "dass": true, "sie": true, "ihr": true, "ihre": true,
	"ihm": true, "ihn": true, "ist": true, "sind": true, "war": true, "hat": true, "haben": true, "wird": true, "wurde": true,
	"nicht": true, "kein": true, "keine": true, "auch": true, "noch": true, "aber": true, "weil": true, "wenn": true, "wie": true,
	"was": true, "wer": true, "wir": true, "uns": true, "man": true, "mal": true, "nun": true, "dann": true, "denn": true,
	"schon": true, "bei": true, "beim": true, "vom": true, "von": true, "zum": true, "zur": true, "aus": true, "auf": true,
	"für": true, "fuer": true, "über": true, "ueber": true, "nach": true, "seit": true, "ohne": true, "um": true, "bis": true,
	"the": true, "and": true, "for": true, "with": true, "not": true, "she": true, "her": true, "his": true, "him": true,
	"amt": true, "tag": true, "jahr": true, "monat": true, "frau": true, "herr": true, "kind": true, "kinder": true,
}

// matchName reports whether a word of the text is one of the participants' name parts: written
// the same once case, diacritics and transliteration are set aside (Müller, MULLER, Mueller,
// Олена ~ Olena), or a spelling variant the name matcher is sure of (Mohammed ~ Muhammad ~ محمد).
func (id *identValues) matchName(w string) bool {
	if utf8.RuneCountInString(w) < identMinLetters {
		return false
	}
	n := names.Parse(w)
	toks := n.Tokens()
	if len(toks) != 1 {
		return false
	}
	if id.nameFolds[toks[0]] {
		return true
	}
	if identStopWords[strings.ToLower(w)] {
		return false
	}
	for _, p := range id.names {
		if r := names.CompareNames(n, p); r.Match && r.Score >= identNameScore {
			return true
		}
	}
	return false
}

// CheckIdentity returns what in text may identify a person: values of the case's
// participants (identity, see CaseInfo.Identity) and patterns that identify anyone. The result
// is empty for a text that names nobody.
func CheckIdentity(text string, values []string) []IdentityHit {
	id := identClassify(values)
	found := map[string][]string{}
	add := func(kind, w string) {
		w = strings.TrimSpace(w)
		if w != "" && !slices.Contains(found[kind], w) {
			found[kind] = append(found[kind], w)
		}
	}
	// E-mail addresses first, then dates, then numbers: each is blanked out of the text once
	// found, so that a date is not also a number.
	rest := []byte(text)
	blank := func(lo, hi int) {
		for i := lo; i < hi; i++ {
			rest[i] = ' '
		}
	}
	for _, m := range identEmailRe.FindAllIndex(rest, -1) {
		e := string(rest[m[0]:m[1]])
		if slices.Contains(id.emails, strings.ToLower(e)) {
			add(HitEmail, e)
		} else {
			add(HitAnyEmail, e)
		}
		blank(m[0], m[1])
	}
	for _, m := range identDates(string(rest)) {
		if id.isBirth(m.day, m.month, m.year, m.short) {
			add(HitBirthDate, text[m.start:m.end])
		} else {
			add(HitAnyDate, text[m.start:m.end])
		}
		blank(m.start, m.end)
	}
	for _, s := range id.findStreets(string(rest)) {
		add(HitAddress, text[s[0]:s[1]])
		blank(s[0], s[1])
	}
	for _, m := range identNumberRe.FindAllIndex(rest, -1) {
		raw := strings.TrimSpace(string(rest[m[0]:m[1]]))
		d := identPhone(raw)
		switch {
		case id.isPhone(d):
			add(HitPhone, raw)
		case len(identDigits(raw)) >= identMinDigits:
			add(HitAnyNumber, raw)
		}
	}
	known := map[string]bool{}
	for _, w := range identWords(string(rest)) {
		key := strings.ToLower(w.text)
		m, ok := known[key]
		if !ok {
			m = id.matchName(w.text)
			known[key] = m
		}
		if m {
			add(HitName, w.text)
		}
	}
	var out []IdentityHit
	for _, k := range HitKinds {
		if len(found[k]) > 0 {
			out = append(out, IdentityHit{Kind: k, Words: found[k]})
		}
	}
	return out
}

var (
	identEmailRe  = regexp.MustCompile(`[\p{L}0-9._%+\-]+@[\p{L}0-9\-]+(?:\.[\p{L}0-9\-]+)*\.\p{L}{2,}`)
	identNumberRe = regexp.MustCompile(`(?:\+|\b)\d(?:[ \-/()]{0,3}\d)+\b`)
	// Dates: 1.4.1990, 01.04.90, 1. 4. 1990, 1990-04-01, 01/04/1990, 1. April 1990, 1. Apr. 1990.
	identNumDateRe  = regexp.MustCompile(`\b(\d{1,2})\.\s?(\d{1,2})\.\s?(\d{4}|\d{2})\b|\b(\d{4})-(\d{1,2})-(\d{1,2})\b|\b(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})\b`)
	identWordDateRe = regexp.MustCompile(`(?i)\b(\d{1,2})\.?\s*(januar|jänner|jan|februar|feb|märz|maerz|mär|mrz|april|apr|mai|juni|jun|juli|jul|august|aug|september|sept|sep|oktober|okt|november|nov|dezember|dez|january|february|march|mar|may|june|july|october|oct|december|dec)\.?\s*(\d{4})\b`)
)

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
}

// identDates returns the full dates (day, month and year) in s.
func identDates(s string) []identDate {
	var out []identDate
	atoi := func(x string) int { n, _ := strconv.Atoi(x); return n }
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
		if d >= 1 && d <= 31 && mo >= 1 && mo <= 12 {
			out = append(out, identDate{m[0], m[1], d, mo, atoi(y), len(y) == 2})
		}
	}
	for _, m := range identWordDateRe.FindAllStringSubmatchIndex(s, -1) {
		d, mo, y := atoi(s[m[2]:m[3]]), identMonths[strings.ToLower(s[m[4]:m[5]])], atoi(s[m[6]:m[7]])
		if d >= 1 && d <= 31 && mo > 0 && !identOverlaps(out, m[0], m[1]) {
			out = append(out, identDate{m[0], m[1], d, mo, y, false})
		}
	}
	return out
}

func identOverlaps(ds []identDate, lo, hi int) bool {
	for _, d := range ds {
		if lo < d.end && d.start < hi {
			return true
		}
	}
	return false
}

func (id *identValues) isBirth(d, m, y int, short bool) bool {
	for _, b := range id.births {
		if b[0] == d && b[1] == m && (y == b[2] || short && y == b[2]%100) {
			return true
		}
	}
	return false
}

func identDigits(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// identPhone returns the digits of a phone number in the national form: +49 212 … and
// 0049 212 … become 0212 ….
func identPhone(s string) string {
	d := identDigits(s)
	switch {
	case strings.HasPrefix(d, "0049"):
		return "0" + d[4:]
	case strings.HasPrefix(strings.TrimSpace(s), "+49"):
		return "0" + d[2:]
	case strings.HasPrefix(strings.TrimSpace(s), "+"), strings.HasPrefix(d, "00"):
		return "+" + strings.TrimPrefix(d, "00")
	}
	return d
}

// isPhone reports whether the digits d are a participant's phone number, whole or its end
// without the area code.
func (id *identValues) isPhone(d string) bool {
	if d == "" {
		return false
	}
	for _, p := range id.phones {
		if d == p || len(d) >= identPhoneTail && strings.HasSuffix(p, d) || len(p) >= identPhoneTail && strings.HasSuffix(d, p) {
			return true
		}
	}
	return false
}

// identFold writes s for comparing street names: lower case, umlauts as ae/oe/ue, ß as ss,
// other diacritics dropped, "straße", "strasse" and "str." as "str", letters and digits only.
func identFold(s string) string {
	s = strings.ToLower(s)
	s = strings.NewReplacer("ä", "ae", "ö", "oe", "ü", "ue", "ß", "ss").Replace(s)
	var b strings.Builder
	for _, r := range norm.NFD.String(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return strings.ReplaceAll(b.String(), "strasse", "str")
}

var identStreetRe = regexp.MustCompile(`^(.*\p{L}.*?)[\s,]*(\d+)\s*[a-zA-Z]?(?:\s*[-/]\s*\d+\s*[a-zA-Z]?)?$`)

// identParseStreet splits "Kölner Straße 12a" into its name and house number.
func identParseStreet(v string) (identStreet, bool) {
	m := identStreetRe.FindStringSubmatch(strings.TrimSpace(v))
	if m == nil {
		return identStreet{}, false
	}
	key := identFold(m[1])
	if utf8.RuneCountInString(key) < identMinLetters {
		return identStreet{}, false
	}
	return identStreet{key: key, number: strings.TrimLeft(m[2], "0")}, true
}

// findStreets returns the spans of s where a participant's street is followed by the house
// number ("Kölner Str. 12", "koelnerstrasse 12 a").
func (id *identValues) findStreets(s string) [][2]int {
	if len(id.streets) == 0 {
		return nil
	}
	var out [][2]int
	ws := identWords(s)
	for _, m := range identHouseRe.FindAllStringSubmatchIndex(s, -1) {
		num := strings.TrimLeft(s[m[2]:m[3]], "0")
		// the words before the number, up to four, joined
		var before []identWord
		for _, w := range ws {
			if w.end <= m[0] {
				before = append(before, w)
			}
		}
		for _, st := range id.streets {
			if st.number != num {
				continue
			}
			joined := ""
			for k := len(before) - 1; k >= 0 && k >= len(before)-4; k-- {
				joined = identFold(before[k].text) + joined
				if joined == st.key {
					out = append(out, [2]int{before[k].start, m[1]})
					break
				}
			}
		}
	}
	return out
}

var identHouseRe = regexp.MustCompile(`\b(\d{1,4})(?:\s?[a-zA-Z]\b)?`)
