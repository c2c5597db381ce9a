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
	text   string // the part as written, lower-case (for explanations)
	fold   string // flat Latin rendering (diacritics dropped, other scripts transliterated)
	sym    []byte // phonetic symbols
	sc     script
	groups []uint16 // variant-dictionary groups (exact entry or nearest entry)
	exact  bool     // groups come from an exact dictionary entry
	end    ending
	alt    *token // the part without a joined Arabic article (Alhassan → hassan)
}

func (t *token) abjad() bool { return t.sc == scriptArabic }

// Name is a parsed name, ready to be compared many times.
type Name struct {
	Raw    string
	tokens []token
}

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
	n := &Name{Raw: s}
	if len(s) > maxInputBytes {
		s = s[:maxInputBytes]
	}
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, " ")
	}
	if !isASCII(s) {
		s = norm.NFKC.String(s)
	}
	raw := splitTokens(s)
	raw = joinParticles(raw)
	for _, r := range raw {
		if len(n.tokens) == maxTokens {
			break
		}
		t := newToken(r)
		if len(t.sym) == 0 {
			continue
		}
		n.tokens = append(n.tokens, t)
	}
	if useDict {
		d := dict()
		for i := range n.tokens {
			d.annotate(&n.tokens[i])
			if a := n.tokens[i].alt; a != nil {
				d.annotate(a)
			}
		}
	}
	return n
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
		case r == 'İ':
			b.WriteByte('i')
		case unicode.IsLetter(r) || unicode.Is(unicode.Mn, r):
			b.WriteRune(unicode.ToLower(r))
		case isApostrophe(r):
			if b.Len() > 0 {
				b.WriteByte('\'')
			}
		case r == 0x200C || r == 0x200D || r == 0x0640: // ZWNJ, ZWJ, tatweel
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

// particles are dropped: they join names but do not tell people apart (al-, bin, ibn, von, de).
var particles = map[string]bool{
	"al": true, "el": true, "ul": true, "il": true, "bin": true, "ibn": true, "ben": true, "bint": true,
	"binti": true, "ould": true, "ogly": true, "oglu": true, "ogli": true, "oğlu": true, "qizi": true,
	"kizi": true, "kyzy": true, "von": true, "vom": true, "zu": true, "zum": true, "zur": true,
	"de": true, "der": true, "den": true, "del": true, "della": true, "di": true, "du": true,
	"da": true, "dos": true, "das": true, "ter": true, "ten": true, "y": true,
	"ال": true, "بن": true, "بنت": true, "ابن": true,
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

// joinParticles drops particles and joins compound heads with the next part.
func joinParticles(in []string) []string {
	out := in[:0:0]
	for i := 0; i < len(in); i++ {
		p := in[i]
		if len(in) > 1 {
			if particles[p] {
				continue
			}
			if c, ok := sunArticles[p]; ok && i+1 < len(in) && strings.HasPrefix(in[i+1], c) {
				continue
			}
		}
		if heads[p] && i+1 < len(in) {
			// The article stays inside the compound, as in the joined spellings
			// (Abdulrahman, عبدالرحمن).
			joined := p
			next := i + 1
			for next < len(in)-1 && (particles[in[next]] || sunArticles[in[next]] != "") {
				joined += in[next]
				next++
			}
			out = append(out, joined+in[next])
			i = next
			continue
		}
		out = append(out, p)
	}
	return out
}

// newToken analyses one lower-case part.
func newToken(p string) token {
	t := token{text: p, sc: scriptOf(p)}
	switch t.sc {
	case scriptArabic:
		body := p
		if strings.HasPrefix(body, "ال") && utf8.RuneCountInString(body) > 3 {
			body = strings.TrimPrefix(body, "ال")
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
	default:
		lat := transliterate(p, t.sc)
		t.fold = lat
		t.sym = latinSymbols(make([]byte, 0, len(lat)+4), lat)
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

func decompose(s string) string { return norm.NFD.String(s) }
