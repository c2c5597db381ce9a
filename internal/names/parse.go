package names

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Bounds that keep every comparison cheap, whatever the input.
const (
	maxInputBytes = 512 // longer input is cut; no real name is longer
	maxTokens     = 8   // further tokens are ignored
)

// token is one analysed part of a name.
type token struct {
	text    string // the part as written, lower-case (for explanations)
	fold    string // flat Latin rendering (diacritics dropped, other scripts transliterated)
	sym     []byte // phonetic symbols
	sc      script
	groups  []uint16 // variant-dictionary groups (exact entry or nearest entry)
	exact   bool     // groups come from an exact dictionary entry
	end     ending
	alt     *token // the other reading of a joined article (Alhassan → hassan; الهام Elham)
	initial bool   // the part is one letter (O. Shevchenko)
	joined  bool   // two parts joined for the comparison (Nur Mohammad ~ Nurmohammad)
}

func (t *token) abjad() bool { return t.sc == scriptArabic }

// Name is a parsed name, ready to be compared many times. The zero value is an empty name.
type Name struct {
	raw    string  // the input, which also fixes the order in which two names are compared
	tokens []token // the parts, compound heads joined with the next part
	plain  []token // the parts without joining compound heads, when that differs (Ahmad Abdul)
}

// String returns the name as it was given.
func (n *Name) String() string { return n.raw }

// Tokens returns the parts of the name as the matcher sees them, in flat Latin.
func (n *Name) Tokens() []string {
	out := make([]string, len(n.tokens))
	for i, t := range n.tokens {
		out[i] = t.fold
	}
	return out
}

// Parse analyses a full name written in any script and order. It accepts any input, including
// invalid UTF-8, and bounds its work by maxInputBytes and maxTokens.
func Parse(s string) *Name {
	return parse(s, true)
}

func parse(s string, useDict bool) *Name {
	n := &Name{raw: s}
	if len(s) > maxInputBytes {
		s = s[:maxInputBytes]
	}
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, " ")
	}
	if !isASCII(s) {
		// NFKC would turn the acute accent used as an apostrophe (Sa´id) into a space.
		s = norm.NFKC.String(strings.ReplaceAll(s, "´", "'"))
	}
	parts := dropParticles(splitTokens(s))
	joined := joinHeads(parts)
	n.tokens = newTokens(joined, useDict)
	if len(joined) != len(parts) {
		n.plain = newTokens(parts, useDict)
	}
	return n
}

// newTokens analyses parts (at most maxTokens of them) and looks them up in the dictionary.
func newTokens(parts []string, useDict bool) []token {
	out := make([]token, 0, min(len(parts), maxTokens))
	for _, p := range parts {
		if len(out) == maxTokens {
			break
		}
		if t := newToken(p); len(t.sym) > 0 {
			out = append(out, t)
		}
	}
	if useDict {
		d := dict()
		for i := range out {
			d.annotate(&out[i])
			if a := out[i].alt; a != nil {
				d.annotate(a)
			}
		}
	}
	return out
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// splitTokens cuts a name into lower-case parts at everything that is not a letter or a mark.
// Apostrophes and the Persian zero-width non-joiner inside a word are kept: "Sa'id", "Mar'yana".
func splitTokens(s string) []string {
	var out []string
	var b strings.Builder
	flush := func() {
		if b.Len() > 0 {
			out = append(out, b.String())
			b.Reset()
		}
	}
	for _, r := range s {
		switch {
		case isApostrophe(r): // before letters: ʿ ʾ ʻ ʼ are modifier letters
			if b.Len() > 0 {
				b.WriteByte('\'')
			}
		case unicode.IsLetter(r) || unicode.Is(unicode.Mn, r):
			b.WriteRune(unicode.ToLower(r))
		case r == 0x0640 || unicode.Is(unicode.Cf, r): // tatweel, ZWNJ, ZWJ, soft hyphen
		default:
			flush()
			if len(out) > 4*maxTokens {
				return out
			}
		}
	}
	flush()
	return out
}

func isApostrophe(r rune) bool {
	switch r {
	case '\'', '’', '‘', 'ʼ', 'ʻ', 'ʿ', 'ʾ', '`', '´':
		return true
	}
	return false
}

// articles are the Arabic article written apart (al-Hassan, El Hassan): dropped wherever they
// stand.
var articles = map[string]bool{"al": true, "el": true, "ul": true, "il": true, "ال": true}

// markers link a name to a father or a place and are never names themselves (ibn, bint, oglu,
// von): dropped wherever they stand.
var markers = map[string]bool{
	"bin": true, "ibn": true, "bint": true, "binti": true, "ould": true, "ogly": true, "oglu": true,
	"ogli": true, "oğlu": true, "qizi": true, "kizi": true, "kyzy": true, "von": true, "vom": true,
	"zum": true, "zur": true, "بن": true, "بنت": true, "ابن": true,
}

// particles join names but do not tell people apart (bin, ibn, von, de). They are dropped only
// between two parts: first or last they may be a name of their own (Ben Müller). "van" is kept:
// it is far more often the Vietnamese middle name Văn than a Dutch particle.
var particles = map[string]bool{
	"ben": true, "zu": true, "de": true, "der": true, "den": true, "del": true, "della": true,
	"di": true, "du": true, "da": true, "dos": true, "das": true, "ter": true, "ten": true, "y": true,
}

// sunArticles are the Arabic article assimilated to the next consonant ("ar-Rahman", "ad-Din");
// dropped only when the next part starts with that consonant.
var sunArticles = map[string]string{
	"ad": "d", "ar": "r", "as": "s", "ash": "sh", "at": "t", "az": "z", "an": "n", "ed": "d",
	"er": "r", "es": "s", "esh": "sh", "et": "t", "ez": "z", "en": "n", "ud": "d", "ur": "r",
	"us": "s", "ut": "t", "uz": "z", "un": "n", "adh": "dh", "ath": "th",
}

// heads are the first halves of Arabic compound names that never stand alone: Abd al-Rahman,
// Abu Bakr. They are joined with the following part.
var heads = map[string]bool{
	"abd": true, "abdul": true, "abdel": true, "abdal": true, "abdol": true, "abdoul": true,
	"abdur": true, "abdus": true, "abdool": true, "abou": true, "abu": true,
	"عبد": true, "ابو": true, "أبو": true,
}

// dropParticles drops articles, and particles and assimilated articles between two parts.
func dropParticles(in []string) []string {
	if len(in) < 2 {
		return in
	}
	out := make([]string, 0, len(in))
	for i, p := range in {
		inner := i > 0 && i+1 < len(in)
		if i > 0 && heads[in[i-1]] {
			out = append(out, p) // Abd al-Rahman: the compound keeps its article
			continue
		}
		switch {
		case articles[p] || markers[p]:
			continue
		case inner && particles[p]:
			continue
		case inner && sunArticles[p] != "" && strings.HasPrefix(in[i+1], sunArticles[p]) && len(in[i+1]) >= 3:
			continue
		}
		out = append(out, p)
	}
	if len(out) == 0 {
		return in
	}
	return out
}

// joinHeads joins compound heads with the next part (Abd al-Rahman → abdalrahman); the article
// stays inside, as in the joined spellings (Abdulrahman, عبدالرحمن).
func joinHeads(in []string) []string {
	var out []string
	for i := 0; i < len(in); i++ {
		p := in[i]
		if heads[p] && i+1 < len(in) {
			if out == nil {
				out = append(make([]string, 0, len(in)), in[:i]...)
			}
			next := i + 1
			for next < len(in)-1 && (articles[in[next]] || sunArticles[in[next]] != "") {
				p += in[next]
				next++
			}
			out = append(out, p+in[next])
			i = next
			continue
		}
		if out != nil {
			out = append(out, p)
		}
	}
	if out == nil {
		return in
	}
	return out
}

// newToken analyses one lower-case part.
func newToken(p string) token {
	t := token{text: p, sc: scriptOf(p), initial: utf8.RuneCountInString(p) == 1}
	switch t.sc {
	case scriptArabic:
		body := p
		if rest, ok := strings.CutPrefix(body, "ال"); ok && utf8.RuneCountInString(rest) >= 2 {
			// The article, or the first letters of the name (الهام Elham, الياس Ilyas): both
			// readings are kept.
			body = rest
			a := token{text: p, fold: arabicReadable(p), sc: scriptArabic}
			a.sym = arabicSymbols(make([]byte, 0, len(p)/2+1), p)
			a.end = endingOf(a.sym)
			t.alt = &a
		}
		t.fold = arabicReadable(body)
		t.sym = arabicSymbols(make([]byte, 0, len(body)/2+1), body)
	case scriptLatin:
		t.fold = flatLatin(p)
		sound := soundLatin(p)
		t.sym = latinSymbols(make([]byte, 0, len(p)+4), sound)
		if rest, ok := joinedArticle(sound); ok {
			a := token{text: rest, fold: rest, sc: scriptLatin}
			a.sym = latinSymbols(make([]byte, 0, len(rest)+4), rest)
			a.end = endingOf(a.sym)
			t.alt = &a
		}
	case scriptCyrillic, scriptGreek:
		lat := transliterate(p, t.sc)
		t.fold = strings.ReplaceAll(lat, "'", "")
		t.sym = latinSymbols(make([]byte, 0, len(lat)+4), lat)
	default:
		// A script the matcher cannot read (Chinese, Ge'ez, Hebrew …): the part is kept and
		// matches only itself.
		t.fold = p
		t.sym = []byte{symOther}
	}
	if len(t.sym) > maxSym {
		t.sym = t.sym[:maxSym]
	}
	t.end = endingOf(t.sym)
	if t.fold == "" {
		t.fold = string(t.sym)
	}
	return t
}

// joinedArticle splits a joined Arabic article off a Latin part: "alhassan" → "hassan". The rest
// must start with a consonant and keep four letters (Alexander and Alina stay whole).
func joinedArticle(p string) (string, bool) {
	for _, art := range []string{"al", "el", "ul"} {
		rest, ok := strings.CutPrefix(p, art)
		if ok && len(rest) >= 4 && !isLatinVowel(rest[0]) && rest[0] != '\'' {
			return rest, true
		}
	}
	return "", false
}

// flatLatin drops diacritics the way German clerks do: "Şahin" → "sahin", "Müller" → "muller".
func flatLatin(p string) string {
	if isASCII(p) {
		return strings.ReplaceAll(p, "'", "")
	}
	var b strings.Builder
	for _, r := range p {
		switch {
		case r == '\'' || unicode.Is(unicode.Mn, r):
		case latinFlat[r] != "":
			b.WriteString(latinFlat[r])
		case latinBase(r) != "":
			b.WriteString(latinBase(r))
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// soundLatin spells special Latin letters by their sound ("š" → "sh", "ü" → "ue") and drops other
// diacritics, giving plain a–z and the apostrophe for latinSymbols.
func soundLatin(p string) string {
	if isASCII(p) {
		return p
	}
	var b strings.Builder
	for _, r := range p {
		if s, ok := latinSound[r]; ok {
			b.WriteString(s)
		} else if r < utf8.RuneSelf {
			b.WriteRune(r)
		} else {
			b.WriteString(latinBase(r))
		}
	}
	return b.String()
}

// baseLetters holds the ASCII letters left of each precomposed Latin letter once its
// diacritics are removed (é → e, ǆ → dz), for U+0000–U+02FF and U+1E00–U+1EFF.
var baseLetters = func() (t [0x400]string) {
	fill := func(lo, hi rune, off int) {
		for r := lo; r <= hi; r++ {
			var b strings.Builder
			for _, d := range norm.NFKD.String(string(r)) {
				if d < utf8.RuneSelf && unicode.IsLetter(d) {
					b.WriteRune(unicode.ToLower(d))
				}
			}
			t[int(r-lo)+off] = b.String()
		}
	}
	fill(0xC0, 0x2FF, 0xC0)
	fill(0x1E00, 0x1EFF, 0x300)
	return t
}()

// latinBase returns the flat ASCII letters of a Latin letter with diacritics, "" for others.
func latinBase(r rune) string {
	switch {
	case r >= 0xC0 && r <= 0x2FF:
		return baseLetters[r]
	case r >= 0x1E00 && r <= 0x1EFF:
		return baseLetters[r-0x1E00+0x300]
	}
	return ""
}
