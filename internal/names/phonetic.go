package names

import "strings"

// The phonetic alphabet. Every token, whatever its script, becomes a short string of these
// symbols; two spellings of one name give the same or a close string. Lower-case letters stand for
// themselves; upper-case letters and punctuation stand for sounds that Latin spellings write in
// several ways.
const (
	symDiph   = 'E'  // ei, ai, ey, ay
	symAlef   = 'A'  // Arabic-script alef, alef maqsura, ta marbuta: a long a or a final a/e
	symWaw    = 'W'  // Arabic-script waw: a long u/o or the consonant w
	symYa     = 'Y'  // Arabic-script ya: a long i/e or the consonant y
	symOpen   = '@'  // Arabic-script initial alef: any short vowel
	symGlot   = '\'' // ayn, hamza, apostrophe
	symKh     = 'X'  // kh, x (Kurdish), German ch after a, o, u
	symGh     = 'G'  // gh, ğ, ghayn
	symSh     = 'S'  // sh, sch, š, ş, sz
	symZh     = 'Z'  // zh, ž, ż, French j
	symTsh    = 'C'  // ch (Cyrillic ч), tsch, tch, č, ç, cz
	symDzh    = 'J'  // dzh, dsch, dj, Turkish c, Arabic jim
	symTh     = 'T'  // th, theta, tha
	symDh     = 'D'  // dh, dhal, dad, za
	symCh     = 'q'  // Latin "ch" of unknown language: kh, sh or tsh
	symTs     = 'c'  // ts, tz, Latin c of unknown language
	symLatinJ = 'j'  // Latin j of unknown language: y (German, Polish) or dzh (English)
	symOther  = '#'  // a part in a script the matcher cannot read
)

func isVowelSym(b byte) bool {
	switch b {
	case 'a', 'e', 'i', 'o', 'u', symDiph, symAlef, symWaw, symYa, symOpen:
		return true
	}
	return false
}

func isLatinVowel(b byte) bool {
	switch b {
	case 'a', 'e', 'i', 'o', 'u', 'y':
		return true
	}
	return false
}

// latinRules are consonant spellings of several letters, longest first within each starting
// letter. Vowels are read as runs, see vowelRun.
var latinRules = map[byte][]struct {
	from string
	to   string
}{
	'c': {{"chs", "ks"}, {"ck", "k"}, {"cz", "C"}, {"ch", "q"}, {"cs", "C"}},
	'd': {{"dzh", "J"}, {"dsch", "J"}, {"dzs", "J"}, {"dj", "J"}, {"dz", "J"}, {"dh", "D"}, {"dt", "t"}},
	'g': {{"gh", "G"}, {"gk", "g"}},
	'k': {{"kh", "X"}},
	'p': {{"ph", "f"}},
	'x': {{"xh", "J"}}, // Albanian (Xhemajl, Rexhep)
	'q': {{"qu", "kv"}},
	's': {{"sch", "S"}, {"sh", "S"}, {"sz", "S"}},
	't': {{"tsch", "C"}, {"tch", "C"}, {"ts", "c"}, {"tz", "c"}, {"th", "T"}},
	'z': {{"zh", "Z"}},
}

// vowelRuns maps runs of two vowel letters that transliterations use for one sound.
var vowelRuns = map[string]byte{
	"ie": 'i', "ee": 'i', "ii": 'i', "iy": 'i', "ae": 'e', "oe": 'o', "ue": 'u', "ou": 'u',
	"oo": 'u', "aa": 'a', "uu": 'u', "ea": 'e',
}

// vowelRun turns a run of vowel letters into symbols: one letter stays; a known pair becomes its
// sound (ou → u, ie → i, ae → e); a run that glides into i or y is a diphthong (ai, ei, ey, aei,
// eyi: Husain, Hussein, Rezaei, Hüseyin); anything else stays letter by letter (Maria, Natalia).
func vowelRun(dst []byte, run string) []byte {
	if len(run) == 1 {
		if run[0] == 'y' {
			return append(dst, 'i')
		}
		return append(dst, run[0])
	}
	// French "ou" before a vowel is a w (Chaoui/Shawi, Ouafa/Wafa).
	if i := strings.Index(run, "ou"); i >= 0 && i+2 < len(run) {
		dst = vowelRunOrEmpty(dst, run[:i])
		dst = append(dst, 'v')
		return vowelRunOrEmpty(dst, run[i+2:])
	}
	if b, ok := vowelRuns[run]; ok {
		return append(dst, b)
	}
	if len(run) >= 3 && (strings.Contains(run, "ou") || strings.Contains(run, "oo")) {
		for len(run) > 0 {
			k := min(2, len(run))
			dst = vowelRun(dst, run[:k])
			run = run[k:]
		}
		return dst
	}
	if run[0] != 'i' && run[0] != 'y' && strings.ContainsAny(run[1:], "iy") {
		return append(dst, symDiph)
	}
	for i := 0; i < len(run); i++ {
		if run[i] == 'y' {
			dst = append(dst, 'i')
		} else {
			dst = append(dst, run[i])
		}
	}
	return dst
}

func vowelRunOrEmpty(dst []byte, run string) []byte {
	if run == "" {
		return dst
	}
	return vowelRun(dst, run)
}

// inRun tells whether s[i] belongs to a vowel run: a, e, i, o, u always; y when it follows a
// vowel and a front vowel or the end follows (Sergey, Hüseyin, Fayez — not Ayoub), or when it
// follows a consonant and no vowel follows (Kowalsky).
func inRun(s string, i int) bool {
	switch s[i] {
	case 'a', 'e', 'i', 'o', 'u':
		return true
	case 'y':
		if i == 0 {
			return false
		}
		prev := s[i-1]
		next := byte(0)
		if i+1 < len(s) {
			next = s[i+1]
		}
		if isLatinVowel(prev) {
			return next == 0 || next == 'i' || next == 'e'
		}
		return prev != '\'' && !isLatinVowel(next)
	}
	return false
}

// latinSymbols turns a flattened lower-case Latin token (letters a–z and the apostrophe, with the
// sound of special letters already spelled out, see latinSound) into phonetic symbols.
func latinSymbols(dst []byte, s string) []byte {
	start := len(dst)
	// The Persian female ending -ieh/-iyeh is -iya (Mahdieh, Marzieh), not the i of Mahdi.
	if base, ok := strings.CutSuffix(s, "iyeh"); ok {
		s = base + "iya"
	} else if base, ok := strings.CutSuffix(s, "ieh"); ok {
		s = base + "iya"
	}
	for i := 0; i < len(s); {
		c := s[i]
		if inRun(s, i) {
			j := i + 1
			for j < len(s) && inRun(s, j) {
				j++
			}
			dst = vowelRun(dst, s[i:j])
			i = j
			continue
		}
		if rules, ok := latinRules[c]; ok {
			matched := false
			for _, r := range rules {
				if strings.HasPrefix(s[i:], r.from) {
					dst = append(dst, r.to...)
					i += len(r.from)
					matched = true
					break
				}
			}
			if matched {
				continue
			}
		}
		switch c {
		case 'x':
			// Initial or before a consonant x is kh (Kurdish Xelîl, Bextiyar), else ks.
			if i == 0 || (i+1 < len(s) && !isLatinVowel(s[i+1])) {
				dst = append(dst, symKh)
			} else {
				dst = append(dst, 'k', 's')
			}
		case 'q':
			dst = append(dst, 'k')
		case 'c':
			dst = append(dst, symTs)
		case 'j':
			// A j after a vowel at the end or before a consonant closes a diphthong (Sergej,
			// Nikolaj, Xhemajl).
			if i > 0 && isLatinVowel(s[i-1]) && (i == len(s)-1 || !isLatinVowel(s[i+1])) {
				if n := len(dst); n > start && isVowelSym(dst[n-1]) {
					dst[n-1] = symDiph
					break
				}
			}
			dst = append(dst, symLatinJ)
		case 'w':
			dst = append(dst, 'v')
		case 'y':
			dst = append(dst, 'y')
		case 'h':
			// A final h after a vowel is not pronounced in most transliterations
			// (Fatimah/Fatima, Abdullah/Abdulla).
			if i == len(s)-1 && i > 0 && isLatinVowel(s[i-1]) {
				break
			}
			dst = append(dst, 'h')
		case '\'':
			dst = append(dst, symGlot)
		default:
			if c >= 'a' && c <= 'z' {
				dst = append(dst, c)
			}
		}
		i++
	}
	return collapse(dst, start)
}

// arabicSymbols turns an Arabic-script token (Arabic, Persian, Urdu, Kurdish letters) into
// phonetic symbols. Short vowels are not written in the script and so do not appear.
func arabicSymbols(dst []byte, s string) []byte {
	start := len(dst)
	first := true
	rs := []rune(s)
	for i, r := range rs {
		last := i == len(rs)-1
		var out byte
		switch r {
		case 'ا', 'أ', 'إ', 'آ', 'ٱ':
			if first {
				out = symOpen
				if r == 'آ' {
					out = symAlef
				}
			} else {
				out = symAlef
			}
		case 'ى', 'ة', 'ۃ', 'ە':
			out = symAlef // ە: the Sorani Kurdish vowel e/a
		case 'ء', 'ع':
			out = symGlot
		case 'ؤ':
			out = symWaw // hamza on a waw carrier (لؤي Louai)
		case 'ئ':
			if first {
				out = symOpen // Sorani Kurdish writes it as the seat of an initial vowel
			} else {
				out = symYa // hamza on a ya carrier (رائد Raed, هانئ Hani)
			}
		case 'ب':
			out = 'b'
		case 'پ':
			out = 'p'
		case 'ت', 'ط', 'ٹ':
			out = 't'
		case 'ث':
			out = symTh
		case 'ج':
			out = symDzh
		case 'چ':
			out = symTsh
		case 'ح', 'ھ':
			out = 'h'
		case 'ه', 'ہ':
			// A final he after a consonant is the Persian final e (Fatemeh, Zadeh).
			if last && i > 0 {
				out = symAlef
			} else {
				out = 'h'
			}
		case 'خ':
			out = symKh
		case 'د', 'ڈ':
			out = 'd'
		case 'ذ', 'ض', 'ظ':
			out = symDh
		case 'ر', 'ڑ', 'ڕ':
			out = 'r'
		case 'ز':
			out = 'z'
		case 'ژ':
			out = symZh
		case 'س', 'ص':
			out = 's'
		case 'ش':
			out = symSh
		case 'غ':
			out = symGh
		case 'ف':
			out = 'f'
		case 'ڤ':
			out = 'v'
		case 'ق', 'ك', 'ک':
			out = 'k'
		case 'گ':
			out = 'g'
		case 'ل', 'ڵ':
			out = 'l'
		case 'م':
			out = 'm'
		case 'ن', 'ں':
			out = 'n'
		case 'و', 'ۇ':
			out = symWaw
		case 'ۆ':
			out = 'o'
		case 'ي', 'ی', 'ې', 'ێ', 'ے':
			out = symYa
		default:
			continue // harakat, shadda, tatweel, other marks
		}
		first = false
		dst = append(dst, out)
	}
	return collapse(dst, start)
}

// collapse removes doubled symbols from dst[start:] (Mohammed → Mohamed, ss → s).
func collapse(dst []byte, start int) []byte {
	if len(dst)-start < 2 {
		return dst
	}
	w := start + 1
	for i := start + 1; i < len(dst); i++ {
		if dst[i] != dst[w-1] {
			dst[w] = dst[i]
			w++
		}
	}
	return dst[:w]
}

// skeletonReadings is the number of readings of ambiguous letters that blocking keys cover.
const skeletonReadings = 3

// skeletonClass maps a symbol to a coarse consonant class for blocking keys, or 0 to drop it.
// Some symbols have several readings, and reading r (0, 1, 2) takes the r-th: a Latin "ch" is kh
// (German), sh (French) or tsh (English); a Latin c is ts (Polish), dzh (Turkish) or k; a Latin
// j is dzh or y; a jim is dzh or g (Egyptian Ragab/Rajab); a g may be the h of a Ukrainian г.
func skeletonClass(b byte, reading int) byte {
	switch b {
	case 'b', 'p':
		return 'P'
	case 'd', 't', symTh, symDh:
		return 'T'
	case 'f':
		return 'F'
	case 'g':
		if reading == 1 {
			return 0
		}
		return 'K'
	case symCh:
		return [...]byte{'K', 'S', 'J'}[reading]
	case symTs:
		return [...]byte{'S', 'J', 'K'}[reading]
	case 'k', symKh, symGh:
		return 'K'
	case 's', 'z', symSh, symZh:
		return 'S'
	case symLatinJ:
		if reading == 1 {
			return 0
		}
		return 'J'
	case symDzh:
		if reading == 1 {
			return 'K'
		}
		return 'J'
	case symTsh:
		return 'J'
	case 'l':
		return 'L'
	case 'm':
		return 'M'
	case 'n':
		return 'N'
	case 'r':
		return 'R'
	}
	return 0 // vowels, h, y, v, w, glottal: written or left out too freely to block on
}

// skeleton is the coarse consonant skeleton of a symbol string in the first reading of ambiguous
// letters: the main blocking key of a token.
func skeleton(sym []byte) string { return skeletonOf(sym, 0) }

func skeletonOf(sym []byte, reading int) string {
	var buf [maxSym]byte
	out := buf[:0]
	for _, b := range sym {
		c := skeletonClass(b, reading)
		if c == 0 || (len(out) > 0 && out[len(out)-1] == c) {
			continue
		}
		out = append(out, c)
	}
	return string(out)
}

// ending classifies how a token ends: female and male forms of a name (Karim/Karima,
// Ivanov/Ivanova) and derived family names (Hasan/Hasani) differ exactly there.
type ending uint8

const (
	endConsonant ending = iota
	endA                // a, alef, ta marbuta
	endI                // i, y, ei, ya
	endO                // o, u, waw
	endNeutral          // e (French silent e, Persian final e), a glottal stop
)

func endingOf(sym []byte) ending {
	if len(sym) == 0 {
		return endConsonant
	}
	switch sym[len(sym)-1] {
	case 'a', symAlef:
		return endA
	case 'i', 'y', symDiph, symYa:
		return endI
	case 'o', 'u', symWaw:
		return endO
	case 'e', symGlot, symOpen:
		return endNeutral
	}
	return endConsonant
}

// endingsAgree reports whether two endings can belong to one name. A final ya in Arabic script
// also writes a final a in Persian (کبری Kobra, موسی Musa).
func endingsAgree(x, y *token) bool {
	if x.end == y.end || x.end == endNeutral || y.end == endNeutral {
		return true
	}
	ya := func(t *token) bool { return t.abjad() && len(t.sym) > 0 && t.sym[len(t.sym)-1] == symYa }
	// …but only for an a right after a consonant (Kobra), not the -iya of Mahdieh.
	consA := func(t *token) bool {
		n := len(t.sym)
		return t.end == endA && n >= 2 && !isVowelSym(t.sym[n-2]) && t.sym[n-2] != 'y'
	}
	return (ya(x) && consA(y)) || (ya(y) && consA(x))
}
