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
// addresses, long numbers, dates of birth). What it finds is shown to the case manager only, in
// the form; it never goes into a log, a URL or the audit trail.

// The kinds of identity hits. The first six are values of the case and its participants, the
// last three patterns that identify whoever they belong to.
const (
	HitName      = "name"
	HitBirthDate = "birth_date"
	HitPhone     = "phone"
	HitEmail     = "email"
	HitAddress   = "address"
	HitReference = "reference" // the case number, the client's pseudonym, a messenger handle
	HitAnyEmail  = "any_email"
	HitAnyNumber = "any_number"
	HitAnyBirth  = "any_birth_date" // a date next to "geb.", "geboren", "Geburtsdatum"
)

// HitKinds lists the kinds in the order the warning names them.
var HitKinds = []string{HitName, HitBirthDate, HitPhone, HitEmail, HitAddress, HitReference, HitAnyEmail, HitAnyNumber, HitAnyBirth}

// IdentityHit is one kind of identifying information found in a text, with the words as they
// stand in the text.
type IdentityHit struct {
	Kind  string
	Words []string
}

// Bounds of the check: name parts shorter than identMinLetters are matched only as written
// (two letters: Li, Wu) or not at all (one letter); a phone-like number needs identMinDigits
// digits, a participant's phone number matched by its end identPhoneTail.
const (
	identMinLetters = 3
	identMinDigits  = 7
	identPhoneTail  = 6
	identMaxValues  = 200
	identNameScore  = 0.9
)

// identValues is the participants' values sorted by kind.
type identValues struct {
	names     []*names.Name // single name parts of three letters or more
	nameFolds map[string]bool
	exact     map[string]bool // two-letter name parts, as written (Li, Wu, Ng)
	phrases   [][]string      // names of several words that hold a part never matched alone (von der Heide), folded
	refs      []string        // values matched as whole tokens, as written but for case (case number, pseudonym, @handle)
	births    [][3]int        // day, month, year
	phones    []string        // digits, national form
	emails    []string        // lower case
	streets   []identStreet
}

type identStreet struct {
	key    string // the street's name, normalised without spaces (koelnerstr)
	number string // the house number's digits
}

var (
	identISORe   = regexp.MustCompile(`^(\d{4})-(\d{2})-(\d{2})$`)
	identPhoneRe = regexp.MustCompile(`^[0-9 +()/.\-]+$`)
	identMailRe  = regexp.MustCompile(`^[^@\s]+@[^@\s]+\.[^@\s]+$`)
	identCodeRe  = regexp.MustCompile(`^[A-Z0-9]{10,}$`)
)

// identClassify sorts the participants' values by their shape: an e-mail address has an @ and
// a domain with a dot (an @ without one is a messenger handle), a birth date is an ISO date (a
// year alone is not used), a phone number holds only digits and phone punctuation and starts
// with 0 or + (other numbers, such as the case number, are matched as written), a single word
// of letters and digits (the pseudonym, a handle) is matched as written, a street address has
// letters and a house number (a street without one is not used), and anything else is a name.
func identClassify(values []string) identValues {
	id := identValues{nameFolds: map[string]bool{}, exact: map[string]bool{}}
	if len(values) > identMaxValues {
		values = values[:identMaxValues]
	}
	for _, v := range values {
		v = strings.TrimSpace(v)
		switch {
		case v == "":
		case identMailRe.MatchString(v):
			id.emails = append(id.emails, strings.ToLower(v))
		case strings.Contains(v, "@"):
			id.addRef(strings.TrimPrefix(v, "@"))
		case identISORe.MatchString(v):
			m := identISORe.FindStringSubmatch(v)
			y, _ := strconv.Atoi(m[1])
			mo, _ := strconv.Atoi(m[2])
			d, _ := strconv.Atoi(m[3])
			id.births = append(id.births, [3]int{d, mo, y})
		case identPhoneRe.MatchString(v):
			if t := strings.TrimLeft(v, "( "); strings.HasPrefix(t, "0") || strings.HasPrefix(t, "+") {
				if d := identPhone(v); len(d) >= 5 {
					id.phones = append(id.phones, d)
				}
			} else if len(identDigits(v)) >= identPhoneTail {
				id.addRef(v) // the case number; a year alone is no reference
			}
		case !strings.ContainsFunc(v, unicode.IsSpace) && strings.ContainsFunc(v, unicode.IsDigit) && strings.ContainsFunc(v, unicode.IsLetter):
			id.addRef(v)
			if s, ok := identParseStreet(v); ok {
				id.streets = append(id.streets, s)
			}
		case strings.ContainsAny(v, "0123456789"):
			if s, ok := identParseStreet(v); ok {
				id.streets = append(id.streets, s)
			}
		case identCodeRe.MatchString(v):
			// a pseudonym of letters only; it may also be a name written in capitals
			id.addRef(v)
			id.addName(v)
		case identIsStreet(v):
			// a street without a house number names no one; its words are no names
		default:
			id.addName(v)
		}
	}
	return id
}

// addRef adds a value matched as a whole token.
func (id *identValues) addRef(v string) {
	if utf8.RuneCountInString(v) >= identMinLetters && !slices.Contains(id.refs, strings.ToLower(v)) {
		id.refs = append(id.refs, strings.ToLower(v))
	}
}

// addName adds the parts of a name. A particle (von, al), a function word (der, und) or an
// initial is no name part on its own: it is matched only together with the name part that
// follows it (von der Heide, al-Hassan, O. Shevchenko). Two-letter parts are matched as
// written.
func (id *identValues) addName(v string) {
	words := identWords(v)
	var run []string // particles waiting for their name part
	for _, w := range words {
		n := utf8.RuneCountInString(w.text)
		lower := strings.ToLower(w.text)
		if n < 2 || identParticles[lower] || identStopWords[lower] {
			run = append(run, identFold(w.text))
			continue
		}
		if len(run) > 0 {
			id.phrases = append(id.phrases, append(run, identFold(w.text)))
			run = nil
		}
		if n == 2 {
			id.exact[w.text] = true
			continue
		}
		p := names.Parse(w.text)
		if toks := p.Tokens(); len(toks) == 1 && !id.nameFolds[toks[0]] {
			id.nameFolds[toks[0]] = true
			id.names = append(id.names, p)
		}
	}
	if len(run) > 0 && len(run) < len(words) {
		// particles after the last name part (Hassan Al): the name ends with them
		last := words[len(words)-len(run)-1]
		id.phrases = append(id.phrases, append([]string{identFold(last.text)}, run...))
	}
}

// identIsStreet reports whether v names a street (Kölner Straße, Hauptstr.).
func identIsStreet(v string) bool {
	ws := identWords(v)
	return len(ws) > 0 && strings.HasSuffix(identFold(ws[len(ws)-1].text), "str")
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

// identParticles are the particles of names (von der Heide, al-Hassan, dos Santos): never a
// name part on their own.
var identParticles = map[string]bool{
	"von": true, "van": true, "der": true, "den": true, "dem": true, "del": true, "dos": true, "das": true, "bin": true,
	"ibn": true, "ben": true, "ter": true, "ten": true, "zum": true, "zur": true, "vom": true, "al": true, "el": true,
	"de": true, "da": true, "di": true, "la": true, "le": true,
}

// identStopWords are German and English function words, some of which sound like short names
// (nur ~ Nour, mir ~ Amir). They are never a name part on their own and never match a name by
// sound.
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

// matchName reports whether a word of the text is one of the participants' name parts: a
// two-letter part written exactly so; a longer one written the same once case, diacritics and
// transliteration are set aside (Müller, MULLER, Mueller, Олена ~ Olena), or a spelling variant
// the name matcher is sure of (Mohammed ~ Muhammad ~ محمد); each also in its possessive form
// (Samirs, Haddads, Samir's, Klaus').
func (id *identValues) matchName(w string) bool {
	if id.exact[w] || id.matchPart(w) {
		return true
	}
	for _, base := range identPossessive(w) {
		if id.matchPart(base) {
			return true
		}
	}
	return false
}

// matchPart compares a word with the name parts of three letters or more.
func (id *identValues) matchPart(w string) bool {
	if utf8.RuneCountInString(w) < identMinLetters || identStopWords[strings.ToLower(w)] || identParticles[strings.ToLower(w)] {
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
	for _, p := range id.names {
		if r := names.CompareNames(n, p); r.Match && r.Score >= identNameScore {
			return true
		}
	}
	return false
}

// identPossessive returns w without a possessive ending ('s, ’s, ', ’, s, es), where at least
// identMinLetters letters remain.
func identPossessive(w string) []string {
	var out []string
	for _, suffix := range []string{"'s", "’s", "'", "’", "es", "s"} {
		if len(w) > len(suffix) && strings.HasSuffix(strings.ToLower(w), suffix) {
			if base := w[:len(w)-len(suffix)]; utf8.RuneCountInString(base) >= identMinLetters {
				out = append(out, base)
			}
		}
	}
	return out
}

// CheckIdentity returns what in text may identify a person: values of the case and its
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
	// E-mail addresses first, then the case's references, dates, streets, numbers, names of
	// several words and single name parts: each is blanked out of the text once found, so that
	// a date is not also a number.
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
	for _, ref := range id.refs {
		re := regexp.MustCompile(`(?i)(?:^|[^\p{L}\p{N}_])@?(` + regexp.QuoteMeta(ref) + `)(?:$|[^\p{L}\p{N}_])`)
		for _, m := range re.FindAllSubmatchIndex(rest, -1) {
			add(HitReference, text[m[2]:m[3]])
			blank(m[2], m[3])
		}
	}
	for _, m := range identDates(string(rest)) {
		switch {
		case id.isBirth(m):
			add(HitBirthDate, text[m.start:m.end])
		case identNearBirth(text, m.start, m.end):
			add(HitAnyBirth, text[m.start:m.end])
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
	for _, s := range id.findPhrases(string(rest)) {
		add(HitName, text[s[0]:s[1]])
		blank(s[0], s[1])
	}
	known := map[string]bool{}
	for _, w := range identWords(string(rest)) {
		m, ok := known[w.text]
		if !ok {
			m = id.matchName(w.text)
			known[w.text] = m
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

// findPhrases returns the spans of s where a name of several words stands whole (von der
// Heide, al-Hassan), its last word also in the possessive form.
func (id *identValues) findPhrases(s string) [][2]int {
	if len(id.phrases) == 0 {
		return nil
	}
	ws := identWords(s)
	folds := make([]string, len(ws))
	for i, w := range ws {
		folds[i] = identFold(w.text)
	}
	var out [][2]int
	for _, p := range id.phrases {
	next:
		for i := 0; i+len(p) <= len(ws); i++ {
			for k, part := range p {
				if f := folds[i+k]; f != part && (k < len(p)-1 || !slices.ContainsFunc(identPossessive(ws[i+k].text), func(b string) bool { return identFold(b) == part })) {
					continue next
				}
			}
			out = append(out, [2]int{ws[i].start, ws[i+len(p)-1].end})
		}
	}
	return out
}

var (
	identEmailRe  = regexp.MustCompile(`[\p{L}0-9._%+\-]+@[\p{L}0-9\-]+(?:\.[\p{L}0-9\-]+)*\.\p{L}{2,}`)
	identNumberRe = regexp.MustCompile(`(?:\+|\b)\d(?:[ \-/()]{0,3}\d)+\b`)
)

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
