package consentform

// Arabic-script shaping.
//
// fpdf draws one glyph per code point, left to right, with no OpenType
// shaping. Arabic and Farsi letters change their form depending on whether
// they connect to the letter before and after them, so this file maps the
// base letters to the Unicode "Arabic Presentation Forms" (U+FB50–U+FDFF,
// U+FE70–U+FEFF), which DejaVu Sans contains. The result is still in logical
// (reading) order; bidi.go turns a line into visual order.

// joinType is the Unicode Arabic joining type of a code point.
type joinType uint8

const (
	joinNone        joinType = iota // U: does not join (space, Latin, hamza …)
	joinRight                       // R: joins only to the preceding letter (alef, dal, reh, waw …)
	joinDual                        // D: joins on both sides
	joinCausing                     // C: tatweel and ZWJ, join on both sides, no forms
	joinTransparent                 // T: combining marks (harakat), skipped for joining
)

// arabicForms holds the presentation forms of one letter:
// isolated, final, initial, medial. Right-joining letters have only the
// first two; zero means "no such form".
type arabicForms [4]rune

const (
	formIsolated = 0
	formFinal    = 1
	formInitial  = 2
	formMedial   = 3
)

// arabicLetters maps the base letters used by Arabic and Farsi to their
// presentation forms. Letters missing here are drawn unshaped.
var arabicLetters = map[rune]arabicForms{
	0x0621: {0xFE80, 0, 0, 0},                // hamza
	0x0622: {0xFE81, 0xFE82, 0, 0},           // alef with madda
	0x0623: {0xFE83, 0xFE84, 0, 0},           // alef with hamza above
	0x0624: {0xFE85, 0xFE86, 0, 0},           // waw with hamza
	0x0625: {0xFE87, 0xFE88, 0, 0},           // alef with hamza below
	0x0626: {0xFE89, 0xFE8A, 0xFE8B, 0xFE8C}, // yeh with hamza
	0x0627: {0xFE8D, 0xFE8E, 0, 0},           // alef
	0x0628: {0xFE8F, 0xFE90, 0xFE91, 0xFE92}, // beh
	0x0629: {0xFE93, 0xFE94, 0, 0},           // teh marbuta
	0x062A: {0xFE95, 0xFE96, 0xFE97, 0xFE98}, // teh
	0x062B: {0xFE99, 0xFE9A, 0xFE9B, 0xFE9C}, // theh
	0x062C: {0xFE9D, 0xFE9E, 0xFE9F, 0xFEA0}, // jeem
	0x062D: {0xFEA1, 0xFEA2, 0xFEA3, 0xFEA4}, // hah
	0x062E: {0xFEA5, 0xFEA6, 0xFEA7, 0xFEA8}, // khah
	0x062F: {0xFEA9, 0xFEAA, 0, 0},           // dal
	0x0630: {0xFEAB, 0xFEAC, 0, 0},           // thal
	0x0631: {0xFEAD, 0xFEAE, 0, 0},           // reh
	0x0632: {0xFEAF, 0xFEB0, 0, 0},           // zain
	0x0633: {0xFEB1, 0xFEB2, 0xFEB3, 0xFEB4}, // seen
	0x0634: {0xFEB5, 0xFEB6, 0xFEB7, 0xFEB8}, // sheen
	0x0635: {0xFEB9, 0xFEBA, 0xFEBB, 0xFEBC}, // sad
	0x0636: {0xFEBD, 0xFEBE, 0xFEBF, 0xFEC0}, // dad
	0x0637: {0xFEC1, 0xFEC2, 0xFEC3, 0xFEC4}, // tah
	0x0638: {0xFEC5, 0xFEC6, 0xFEC7, 0xFEC8}, // zah
	0x0639: {0xFEC9, 0xFECA, 0xFECB, 0xFECC}, // ain
	0x063A: {0xFECD, 0xFECE, 0xFECF, 0xFED0}, // ghain
	0x0641: {0xFED1, 0xFED2, 0xFED3, 0xFED4}, // feh
	0x0642: {0xFED5, 0xFED6, 0xFED7, 0xFED8}, // qaf
	0x0643: {0xFED9, 0xFEDA, 0xFEDB, 0xFEDC}, // kaf
	0x0644: {0xFEDD, 0xFEDE, 0xFEDF, 0xFEE0}, // lam
	0x0645: {0xFEE1, 0xFEE2, 0xFEE3, 0xFEE4}, // meem
	0x0646: {0xFEE5, 0xFEE6, 0xFEE7, 0xFEE8}, // noon
	0x0647: {0xFEE9, 0xFEEA, 0xFEEB, 0xFEEC}, // heh
	0x0648: {0xFEED, 0xFEEE, 0, 0},           // waw
	0x0649: {0xFEEF, 0xFEF0, 0xFBE8, 0xFBE9}, // alef maksura
	0x064A: {0xFEF1, 0xFEF2, 0xFEF3, 0xFEF4}, // yeh
	0x067E: {0xFB56, 0xFB57, 0xFB58, 0xFB59}, // peh (Farsi)
	0x0686: {0xFB7A, 0xFB7B, 0xFB7C, 0xFB7D}, // tcheh (Farsi)
	0x0698: {0xFB8A, 0xFB8B, 0, 0},           // jeh (Farsi)
	0x06A9: {0xFB8E, 0xFB8F, 0xFB90, 0xFB91}, // keheh (Farsi kaf)
	0x06AF: {0xFB92, 0xFB93, 0xFB94, 0xFB95}, // gaf (Farsi)
	0x06CC: {0xFBFC, 0xFBFD, 0xFBFE, 0xFBFF}, // Farsi yeh
}

// lamAlef maps the alef that follows a lam to the isolated and final form
// of the mandatory lam-alef ligature.
var lamAlef = map[rune][2]rune{
	0x0622: {0xFEF5, 0xFEF6},
	0x0623: {0xFEF7, 0xFEF8},
	0x0625: {0xFEF9, 0xFEFA},
	0x0627: {0xFEFB, 0xFEFC},
}

const (
	runeLam     = 0x0644
	runeTatweel = 0x0640
	runeZWNJ    = 0x200C
	runeZWJ     = 0x200D
)

// joiningType returns the joining type of r.
func joiningType(r rune) joinType {
	switch {
	case r == runeTatweel || r == runeZWJ:
		return joinCausing
	case r >= 0x064B && r <= 0x065F, r == 0x0670:
		return joinTransparent
	}
	f, ok := arabicLetters[r]
	if !ok {
		return joinNone
	}
	if f[formInitial] != 0 {
		return joinDual
	}
	if f[formFinal] != 0 {
		return joinRight
	}
	return joinNone
}

// joinsForward reports whether a letter of type t connects to the next letter.
func joinsForward(t joinType) bool { return t == joinDual || t == joinCausing }

// joinsBackward reports whether a letter of type t connects to the previous letter.
func joinsBackward(t joinType) bool {
	return t == joinDual || t == joinRight || t == joinCausing
}

// neighbour returns the index of the nearest non-transparent code point from
// i in direction step (-1 or +1), or -1 when there is none.
func neighbour(rs []rune, i, step int) int {
	for j := i + step; j >= 0 && j < len(rs); j += step {
		if joiningType(rs[j]) != joinTransparent {
			return j
		}
	}
	return -1
}

// shapeArabic replaces Arabic and Farsi base letters by their contextual
// presentation forms and lam+alef by the ligature. The output stays in
// logical order. ZWNJ and ZWJ only steer joining and are removed, because
// fpdf would draw them as (zero-width) glyphs that some viewers show as
// boxes. Vowel marks (harakat, U+064B–U+065F, U+0670) are dropped as well:
// without OpenType mark positioning they would sit on the wrong letter once
// the line is reversed, and everyday Arabic and Farsi are written without
// them. Text without Arabic letters is returned unchanged.
func shapeArabic(s string) string {
	if !hasArabic(s) {
		return s
	}
	rs := []rune(s)
	out := make([]rune, 0, len(rs))
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		if r == runeZWNJ || r == runeZWJ || joiningType(r) == joinTransparent {
			continue
		}
		forms, ok := arabicLetters[r]
		if !ok {
			out = append(out, r)
			continue
		}
		prevJoins := false
		if p := neighbour(rs, i, -1); p >= 0 {
			prevJoins = joinsForward(joiningType(rs[p]))
		}
		next := neighbour(rs, i, +1)
		if r == runeLam && next >= 0 {
			if lig, isAlef := lamAlef[rs[next]]; isAlef {
				if prevJoins {
					out = append(out, lig[1])
				} else {
					out = append(out, lig[0])
				}
				i = next // skip the alef (and marks between)
				continue
			}
		}
		nextJoins := next >= 0 && joinsBackward(joiningType(rs[next]))
		t := joiningType(r)
		form := formIsolated
		switch {
		case t == joinDual && prevJoins && nextJoins:
			form = formMedial
		case t == joinDual && nextJoins:
			form = formInitial
		case (t == joinDual || t == joinRight) && prevJoins:
			form = formFinal
		}
		if forms[form] == 0 {
			form = formIsolated
		}
		out = append(out, forms[form])
	}
	return string(out)
}

// hasArabic reports whether s contains a code point of the Arabic blocks
// (base letters or presentation forms).
func hasArabic(s string) bool {
	for _, r := range s {
		if isArabicScript(r) {
			return true
		}
	}
	return false
}

// isArabicScript reports whether r belongs to an Arabic-script block.
func isArabicScript(r rune) bool {
	return (r >= 0x0600 && r <= 0x06FF) || (r >= 0x0750 && r <= 0x077F) ||
		(r >= 0xFB50 && r <= 0xFDFF) || (r >= 0xFE70 && r <= 0xFEFF && r != 0xFEFF)
}
