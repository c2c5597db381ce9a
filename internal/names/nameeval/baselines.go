package nameeval

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/antzucaro/matchr"
	"golang.org/x/text/unicode/norm"
)

// The baselines below re-implement the name matching of the peer systems described in
// shared/reference/peer-systems.md §3.1 and §3.4. They are deliberately no better than the peers:
// none of them transliterates, so names in different scripts never match.

// TrigramThreshold is SORMAS' default pg_trgm similarity threshold for duplicate detection.
const TrigramThreshold = 0.65

// Soundex approximates CommCare's phonetic-match (an Elasticsearch sub-field analysed with the
// standard tokenizer, lower case and the Soundex encoder, no ASCII folding). Both names are split
// into tokens (maximal runs of letters, digits and combining marks, lower-cased); a token that
// starts with a letter a–z is encoded with matchr.Soundex, any other token (Cyrillic, Arabic,
// Greek, "Özdemir", digits) keeps its raw text, as Lucene's PhoneticFilter keeps the original term
// when the encoder cannot encode it. The names match if every token of the name with fewer tokens
// has a token with the same code in the other name, order-insensitive, each token used once.
func Soundex(a, b string) bool {
	return matchTokens(soundexKeys(a), soundexKeys(b), func(x, y []string) bool { return x[0] == y[0] })
}

func soundexKeys(s string) [][]string {
	var keys [][]string
	for _, t := range wordTokens(strings.ToLower(s), true) {
		if r, _ := utf8.DecodeRuneInString(t); r >= 'a' && r <= 'z' {
			keys = append(keys, []string{matchr.Soundex(t)})
		} else {
			keys = append(keys, []string{"=" + t}) // raw term; cannot equal a Soundex code
		}
	}
	return keys
}

// Trigram approximates SORMAS' duplicate check: PostgreSQL pg_trgm similarity of the whole names
// at or above TrigramThreshold (0.65).
func Trigram(a, b string) bool {
	common, union := trigramOverlap(a, b)
	// common/union >= 0.65, in integers so that exactly 13/20 counts as a match.
	return union > 0 && 100*common >= 65*union
}

// TrigramSimilarity is pg_trgm's similarity(a, b): the lower-cased strings are split into words
// (maximal runs of alphanumeric characters, Unicode-aware as with a UTF-8 locale), each word is
// padded with two spaces in front and one behind, and the similarity is the number of distinct
// trigrams the two strings share divided by the number of distinct trigrams in either. Strings
// without trigrams have similarity 0.
func TrigramSimilarity(a, b string) float64 {
	common, union := trigramOverlap(a, b)
	if union == 0 {
		return 0
	}
	return float64(common) / float64(union)
}

func trigramOverlap(a, b string) (common, union int) {
	ta, tb := trigrams(a), trigrams(b)
	if len(ta) == 0 || len(tb) == 0 {
		return 0, 0 // pg_trgm: similarity 0 if either side has no trigrams
	}
	for t := range ta {
		if tb[t] {
			common++
		}
	}
	return common, len(ta) + len(tb) - common
}

// trigrams returns the distinct pg_trgm trigrams of s. pg_trgm compresses trigrams of multi-byte
// characters into a 3-byte CRC; exact trigrams differ from it only on CRC collisions.
func trigrams(s string) map[[3]rune]bool {
	set := make(map[[3]rune]bool)
	for _, w := range strings.FieldsFunc(s, func(r rune) bool { return !isTrgmWordRune(r) }) {
		p := []rune("  " + w + " ")
		for i := range p {
			p[i] = unicode.ToLower(p[i])
		}
		for i := 0; i+3 <= len(p); i++ {
			set[[3]rune{p[i], p[i+1], p[i+2]}] = true
		}
	}
	return set
}

// isTrgmWordRune mirrors pg_trgm's ISWORDCHR (iswalnum in a glibc UTF-8 locale, where the
// alphabetic class is Unicode's Alphabetic property: letters, letter numbers and vowel signs such
// as the Arabic harakat).
func isTrgmWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Nl, r) ||
		unicode.Is(unicode.Other_Alphabetic, r)
}

// DoubleMetaphone approximates Primero's phonetic search. Each name is normalised as Primero's
// LanguageService does (diacritics of Latin and Greek letters removed, Arabic harakat
// U+064B–U+065F and U+0670 removed, Cyrillic ґ ё ї й → г е і и) and split into tokens. A token
// containing a letter a–z is encoded with matchr.DoubleMetaphone (primary and alternate code);
// any other token is only upper-cased. Two tokens match if they share a code (raw upper-cased text
// for non-Latin tokens); the names match if every token of the name with fewer tokens matches a
// distinct token of the other.
func DoubleMetaphone(a, b string) bool {
	return matchTokens(metaphoneKeys(a), metaphoneKeys(b), func(x, y []string) bool {
		for _, cx := range x {
			for _, cy := range y {
				if cx == cy {
					return true
				}
			}
		}
		return false
	})
}

func metaphoneKeys(s string) [][]string {
	var keys [][]string
	for _, t := range wordTokens(primeroStrip(s), true) {
		if !strings.ContainsFunc(t, isASCIILetter) {
			keys = append(keys, []string{"=" + strings.ToUpper(t)})
			continue
		}
		var codes []string
		p, alt := matchr.DoubleMetaphone(t)
		if p != "" {
			codes = append(codes, p)
		}
		if alt != "" && alt != p {
			codes = append(codes, alt)
		}
		keys = append(keys, codes) // no codes: the token matches nothing
	}
	return keys
}

var primeroCyrillic = map[rune]rune{'Ґ': 'Г', 'Ё': 'Е', 'Ї': 'І', 'Й': 'И', 'ґ': 'г', 'ё': 'е', 'ї': 'і', 'й': 'и'}

// primeroStrip removes diacritics the way Primero's LanguageService.strip_diacritics does, with
// a full NFD decomposition for Latin and Greek letters instead of Primero's fixed table.
func primeroStrip(s string) string {
	var b strings.Builder
	stripMarks := false // the last base letter was Latin or Greek
	for _, r := range norm.NFC.String(s) {
		switch {
		case r >= 0x064B && r <= 0x065F, r == 0x0670: // Arabic harakat
			continue
		case unicode.Is(unicode.Mn, r):
			if !stripMarks {
				b.WriteRune(r)
			}
			continue
		}
		stripMarks = unicode.In(r, unicode.Latin, unicode.Greek)
		if c, ok := primeroCyrillic[r]; ok {
			r = c
		}
		if !stripMarks {
			b.WriteRune(r)
			continue
		}
		for _, d := range norm.NFD.String(string(r)) {
			if !unicode.Is(unicode.Mn, d) {
				b.WriteRune(d)
			}
		}
	}
	return b.String()
}

func isASCIILetter(r rune) bool { return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' }

// wordTokens splits s into maximal runs of letters and digits; with marks, combining marks stay
// inside a token (as in Unicode word segmentation) instead of splitting it.
func wordTokens(s string, marks bool) []string {
	return strings.FieldsFunc(s, func(r rune) bool {
		return !(unicode.IsLetter(r) || unicode.IsDigit(r) || marks && unicode.IsMark(r))
	})
}

// matchTokens reports whether every token of the side with fewer tokens can be paired with a
// distinct token of the other side such that eq holds (a maximum bipartite matching). Each token
// is given as its list of keys. Names without tokens never match.
func matchTokens(a, b [][]string, eq func(x, y []string) bool) bool {
	if len(a) == 0 || len(b) == 0 {
		return false
	}
	if len(a) > len(b) {
		a, b = b, a
	}
	owner := make([]int, len(b)) // owner[j] = index in a paired with b[j], or -1
	for j := range owner {
		owner[j] = -1
	}
	var augment func(i int, seen []bool) bool
	augment = func(i int, seen []bool) bool {
		for j := range b {
			if seen[j] || !eq(a[i], b[j]) {
				continue
			}
			seen[j] = true
			if owner[j] < 0 || augment(owner[j], seen) {
				owner[j] = i
				return true
			}
		}
		return false
	}
	for i := range a {
		if !augment(i, make([]bool, len(b))) {
			return false
		}
	}
	return true
}
