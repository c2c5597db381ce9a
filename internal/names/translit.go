package names

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// script is the writing system of one token.
type script uint8

const (
	scriptLatin script = iota
	scriptArabic
	scriptCyrillic
	scriptGreek
	scriptOther
)

// String names the script for explanations.
func (s script) String() string {
	switch s {
	case scriptArabic:
		return "Arabic"
	case scriptCyrillic:
		return "Cyrillic"
	case scriptGreek:
		return "Greek"
	case scriptOther:
		return "other"
	}
	return "Latin"
}

// scriptOf decides the script of a token by its first letter that belongs to a known script.
func scriptOf(tok string) script {
	for _, r := range tok {
		switch {
		case r < 0x2B0: // Latin up to the IPA extensions (ə, ɛ, ɔ, ɓ, ɗ)
			if unicode.IsLetter(r) {
				return scriptLatin
			}
		case r >= 0x1E00 && r <= 0x1EFF: // Latin Extended Additional (Vietnamese)
			return scriptLatin
		case unicode.Is(unicode.Arabic, r):
			return scriptArabic
		case unicode.Is(unicode.Cyrillic, r):
			return scriptCyrillic
		case unicode.Is(unicode.Greek, r):
			return scriptGreek
		case unicode.IsLetter(r):
			return scriptOther
		}
	}
	return scriptLatin
}

// latinSound maps Latin letters with diacritics and special letters to the spelling that keeps
// their sound: š → "sh", č → "ch", ş → "sh", ł → "l". Umlauts stay as umlauts here; their German
// equivalents are handled in the phonetic step. The folded (flattened) form drops the diacritics
// instead, which is what German clerks usually do ("Şahin" → "Sahin").
var latinSound = map[rune]string{
	'š': "sh", 'ş': "sh", 'ș': "sh", 'ś': "sh", 'ŝ': "sh",
	'č': "ch", 'ç': "ch", 'ć': "ch", 'ĉ': "ch",
	'ž': "zh", 'ź': "zh", 'ż': "zh",
	'ł': "l", 'đ': "dj", 'ð': "dh", 'þ': "th", 'ħ': "h", 'ŋ': "ng",
	'ı': "i", 'ğ': "gh", 'ţ': "ts", 'ț': "ts", 'ř': "rzh",
	'ß': "ss", 'æ': "ae", 'œ': "oe", 'ø': "oe", 'ſ': "s",
	'ä': "ae", 'ö': "oe", 'ü': "ue",
	'ə': "e", 'ɛ': "e", 'ɔ': "o", 'ɓ': "b", 'ɗ': "d", 'ƙ': "k", 'ɲ': "ny", 'ʃ': "sh", 'ʒ': "zh",
	'ʿ': "'", 'ʾ': "'", 'ʻ': "'", 'ʼ': "'", '’': "'", '‘': "'", '`': "'", '´': "'", '\'': "'",
}

// latinFlat maps special letters that do not decompose under NFD to their flat ASCII form.
var latinFlat = map[rune]string{
	'ł': "l", 'đ': "d", 'ð': "d", 'þ': "th", 'ħ': "h", 'ŋ': "n", 'ı': "i", 'ß': "ss",
	'æ': "ae", 'œ': "oe", 'ø': "o", 'ſ': "s",
	'ə': "e", 'ɛ': "e", 'ɔ': "o", 'ɓ': "b", 'ɗ': "d", 'ƙ': "k", 'ɲ': "ny", 'ʃ': "sh", 'ʒ': "zh",
}

// cyrillic maps Cyrillic letters to a Latin spelling close to their sound. Ukrainian letters take
// their Ukrainian sound; г is "g" (Russian, Bulgarian, Serbian) unless the token is Ukrainian or
// Belarusian, see ukrainianG.
var cyrillic = map[rune]string{
	'а': "a", 'б': "b", 'в': "v", 'г': "g", 'ґ': "g", 'д': "d", 'е': "e", 'ё': "yo", 'є': "ye",
	'ж': "zh", 'з': "z", 'и': "i", 'і': "i", 'ї': "yi", 'й': "y", 'к': "k", 'л': "l", 'м': "m",
	'н': "n", 'о': "o", 'п': "p", 'р': "r", 'с': "s", 'т': "t", 'у': "u", 'ў': "w", 'ф': "f",
	'х': "kh", 'ц': "ts", 'ч': "ch", 'ш': "sh", 'щ': "shch", 'ы': "y", 'ь': "", 'э': "e",
	'ю': "yu", 'я': "ya",
	// Serbian and Macedonian
	'ђ': "dj", 'ј': "j", 'љ': "lj", 'њ': "nj", 'ћ': "ch", 'џ': "dzh", 'ѓ': "gj", 'ќ': "kj", 'ѕ': "dz",
}

// ukrainianMarkers are letters that only Ukrainian and Belarusian use; a token containing one reads
// г as "h" and и as "y".
const ukrainianMarkers = "іїєґў"

// greek maps Greek letters (after accents were removed) to Latin.
var greek = map[rune]string{
	'α': "a", 'β': "v", 'γ': "g", 'δ': "d", 'ε': "e", 'ζ': "z", 'η': "i", 'θ': "th", 'ι': "i",
	'κ': "k", 'λ': "l", 'μ': "m", 'ν': "n", 'ξ': "x", 'ο': "o", 'π': "p", 'ρ': "r", 'σ': "s",
	'ς': "s", 'τ': "t", 'υ': "i", 'φ': "f", 'χ': "ch", 'ψ': "ps", 'ω': "o",
}

// greekDigraphs are read before single letters.
var greekDigraphs = []struct{ from, to string }{
	{"ου", "u"}, {"αι", "e"}, {"ει", "i"}, {"οι", "i"}, {"υι", "i"}, {"αυ", "av"}, {"ευ", "ev"},
	{"μπ", "b"}, {"ντ", "d"}, {"γκ", "g"}, {"γγ", "ng"}, {"τζ", "dz"}, {"τσ", "ts"},
}

// transliterate turns a lower-case token of any supported script into Latin letters that keep the
// sound (with ASCII digraphs such as "sh", "kh"). Arabic-script tokens are handled separately
// (arabicSymbols) because the script leaves short vowels out; here they give a readable rendering
// for explanations.
func transliterate(tok string, sc script) string {
	switch sc {
	case scriptCyrillic:
		return translitCyrillic(tok)
	case scriptGreek:
		return translitGreek(tok)
	}
	return tok
}

func translitCyrillic(tok string) string {
	ukr := strings.ContainsAny(tok, ukrainianMarkers)
	var b strings.Builder
	for i, r := range tok {
		switch {
		case ukr && r == 'г':
			b.WriteString("h")
		case ukr && r == 'и':
			b.WriteString("y")
		case r == 'ъ':
			// a vowel in Bulgarian (Кънчев Kanchev); before е, ё, ю, я a hard sign
			if next := nextRune(tok, i); next != 'е' && next != 'ё' && next != 'ю' && next != 'я' {
				b.WriteString("a")
			}
		case r == 'е' && i == 0:
			// Russian initial е is read "ye" (Евгений → Yevgeny) and written so in most
			// transliterations; the phonetic step treats a leading y before e as optional.
			b.WriteString("ye")
		default:
			if s, ok := cyrillic[r]; ok {
				b.WriteString(s)
			} else if r < 0x80 {
				b.WriteRune(r)
			}
		}
	}
	return b.String()
}

func nextRune(s string, i int) rune {
	_, size := utf8.DecodeRuneInString(s[i:])
	r, _ := utf8.DecodeRuneInString(s[i+size:])
	return r
}

// greekPlain maps accented Greek vowels to plain ones; a diaeresis (ϊ, ϋ) keeps the vowel apart
// from the one before it (Ραΐσα: ra-i-sa, not re-sa).
var greekPlain = map[rune]struct {
	r     rune
	apart bool
}{
	'ά': {'α', false}, 'έ': {'ε', false}, 'ή': {'η', false}, 'ί': {'ι', false}, 'ό': {'ο', false},
	'ύ': {'υ', false}, 'ώ': {'ω', false}, 'ϊ': {'ι', true}, 'ΐ': {'ι', true}, 'ϋ': {'υ', true},
	'ΰ': {'υ', true},
}

func translitGreek(tok string) string {
	var rs []rune
	var apart []bool
	for _, r := range norm.NFC.String(tok) {
		if unicode.Is(unicode.Mn, r) {
			if r == 0x308 && len(apart) > 0 { // a combining diaeresis
				apart[len(apart)-1] = true
			}
			continue
		}
		p, ok := greekPlain[r]
		if !ok {
			p.r = r
		}
		rs = append(rs, p.r)
		apart = append(apart, p.apart)
	}
	front := func(i int) bool { // ε, ι, η, υ and the digraphs αι, ει, οι that sound like them
		if i >= len(rs) {
			return false
		}
		switch rs[i] {
		case 'ε', 'ι', 'η', 'υ':
			return true
		case 'α', 'ο':
			return i+1 < len(rs) && rs[i+1] == 'ι' && !apart[i+1]
		}
		return false
	}
	var b strings.Builder
	for i := 0; i < len(rs); i++ {
		if apart[i] && i > 0 {
			b.WriteByte('\'') // keeps the vowels apart in the phonetic step too
		}
		if i+1 < len(rs) && !apart[i+1] {
			if to, ok := greekDigraph(rs[i], rs[i+1], i == 0); ok {
				b.WriteString(to)
				i++
				continue
			}
		}
		r := rs[i]
		switch {
		case r == 'γ' && front(i+1):
			// γ before e and i sounds like y (Γιάννης Yannis, Γεώργιος Yeorgios/Georgios)
			b.WriteString("j")
		default:
			if s, ok := greek[r]; ok {
				b.WriteString(s)
			} else if r < 0x80 {
				b.WriteRune(r)
			}
		}
	}
	return b.String()
}

// greekDigraph reads two Greek letters that stand for one sound.
func greekDigraph(a, b rune, initial bool) (string, bool) {
	pair := string([]rune{a, b})
	for _, d := range greekDigraphs {
		if d.from != pair {
			continue
		}
		if !initial { // inside a word μπ, ντ, γκ are mb, nd, ng
			switch pair {
			case "μπ":
				return "mb", true
			case "ντ":
				return "nd", true
			case "γκ":
				return "ng", true
			}
		}
		return d.to, true
	}
	return "", false
}

// arabicReadable gives a consonant-and-long-vowel rendering of an Arabic-script token for
// explanations ("محمد" → "mhmd", "محمود" → "mhmwd").
func arabicReadable(tok string) string {
	var b strings.Builder
	for _, r := range tok {
		if s, ok := arabicLatin[r]; ok {
			b.WriteString(s)
		}
	}
	return b.String()
}

// arabicLatin is a plain rendering of Arabic-script letters (Arabic, Persian, Urdu, Kurdish).
var arabicLatin = map[rune]string{
	'ا': "a", 'أ': "a", 'إ': "i", 'آ': "a", 'ٱ': "a", 'ء': "'", 'ؤ': "'", 'ئ': "'",
	'ب': "b", 'ت': "t", 'ث': "th", 'ج': "j", 'ح': "h", 'خ': "kh", 'د': "d", 'ذ': "dh",
	'ر': "r", 'ز': "z", 'س': "s", 'ش': "sh", 'ص': "s", 'ض': "d", 'ط': "t", 'ظ': "z",
	'ع': "'", 'غ': "gh", 'ف': "f", 'ق': "q", 'ك': "k", 'ل': "l", 'م': "m", 'ن': "n",
	'ه': "h", 'ة': "a", 'و': "w", 'ي': "y", 'ى': "a",
	'پ': "p", 'چ': "ch", 'ژ': "zh", 'گ': "g", 'ک': "k", 'ی': "y", 'ے': "e", 'ۃ': "a",
	'ٹ': "t", 'ڈ': "d", 'ڑ': "r", 'ں': "n", 'ہ': "h", 'ھ': "h", 'ڤ': "v", 'ۆ': "o", 'ێ': "e",
	'ڵ': "l", 'ڕ': "r", 'ۇ': "u", 'ې': "e",
}
