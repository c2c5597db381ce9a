package names

// How tells how two name parts were matched.
type How uint8

const (
	HowNone      How = iota // no match
	HowIdentical            // the same letters once diacritics are dropped
	HowVariant              // two spellings of one name in the variant dictionary
	HowSound                // spelled differently, sound the same
	HowSpelling             // close spelling (variant, typo)
	HowScript               // close across scripts (transliteration)
	HowInitial              // an initial and a name with that letter
	HowDifferent            // two different names of the dictionary (Muhammad/Mahmud)
	HowOtherForm            // female/male or derived form (Karim/Karima, Hasan/Hasani)
	HowTypo                 // a typing slip
)

// String names the method in English for explanations.
func (h How) String() string {
	if h > HowTypo {
		return "unknown"
	}
	return [...]string{"no match", "identical", "dictionary variant", "same sound", "similar spelling",
		"transliteration", "initial", "different names", "other form of the name", "typing slip"}[h]
}

// Score thresholds.
const (
	tokenMin      = 0.78 // every aligned part must reach this for a match
	extraPenalty  = 0.02 // per part only one name has (middle names)
	singlePenalty = 0.75 // factor when one name has a single part and the other several
)

// symCost is the weighted distance of two symbol strings and the length it is measured against.
func symCost(a []byte, aAbjad bool, b []byte, bAbjad bool) (cost, n int) {
	abjad := aAbjad != bAbjad
	if aAbjad && abjad {
		a, b = b, a
	}
	cost = distance(a, b, abjad)
	n = max(len(a), len(b))
	if abjad {
		n = len(a) // the Latin side: the Arabic side lacks the short vowels
	}
	return cost, min(n, maxSym)
}

// symSimilarity is 1 − weighted distance / length of two symbol strings, in [0,1].
func symSimilarity(a []byte, aAbjad bool, b []byte, bAbjad bool) float64 {
	cost, n := symCost(a, aAbjad, b, bAbjad)
	return costSimilarity(cost, n)
}

func costSimilarity(cost, n int) float64 {
	if n == 0 {
		return 0
	}
	return max(0, 1-float64(cost)/float64(costFull*n))
}

// costAllowed says whether a distance can still be one name: spelling variants cost little; an
// edit that no transliteration explains is tolerated only in long names.
func costAllowed(cost, n int) bool {
	switch {
	case cost <= 60:
		return true
	case n >= 14:
		return cost <= 200
	case n >= 10:
		return cost <= 150
	case n >= 7:
		return cost <= 90
	}
	return false
}

// Similarities given to the kinds of evidence.
const (
	simVariant   = 0.97 // both spellings in one dictionary group
	simInferred  = 0.92 // nearest dictionary group of an unlisted spelling
	simSlip      = 0.90 // one typing slip
	simTwoSlips  = 0.84 // two typing slips in a long name
	simCapped    = 0.70 // a distance no variant or slip explains
	simOtherForm = 0.60 // female/male or derived form
	simDifferent = 0.35 // two different names of the dictionary
)

// tokenSim scores two parts and says how they matched; a joined article (Alhassan) is also tried
// without it.
func tokenSim(x, y *token) (float64, How) {
	s, h := tokenSim1(x, y)
	if s >= tokenMin || (x.alt == nil && y.alt == nil) {
		return s, h
	}
	for _, p := range [][2]*token{{x.alt, y}, {x, y.alt}} {
		if p[0] == nil || p[1] == nil {
			continue
		}
		if s2, h2 := tokenSim1(p[0], p[1]); s2-0.02 > s {
			s, h = s2-0.02, h2
		}
	}
	return s, h
}

func tokenSim1(x, y *token) (float64, How) {
	if x.fold == y.fold {
		return 1, HowIdentical
	}
	if x.sc == scriptOther || y.sc == scriptOther {
		return 0, HowNone // an unreadable script matches only the same letters
	}
	if x.initial || y.initial {
		if !x.abjad() && !y.abjad() && x.fold != "" && y.fold != "" && x.fold[0] == y.fold[0] {
			return 0.8, HowInitial
		}
		return 0, HowNone
	}
	suffix := suffixForm(x, y)
	shared, both := groupsRelate(x, y)
	if both && x.exact && y.exact {
		switch {
		case shared && suffix:
			// family-name groups hold both forms (Ivanov, Ivanova): different people
			return simOtherForm, HowOtherForm
		case shared:
			return simVariant, HowVariant
		}
		return simDifferent, HowDifferent
	}
	cost, n := symCost(x.sym, x.abjad(), y.sym, y.abjad())
	s := costSimilarity(cost, n)
	if x.sc == scriptLatin && y.sc == scriptLatin && !suffix {
		limit := 1
		if min(len(x.fold), len(y.fold)) >= 9 {
			limit = 2
		}
		switch typoCount(x.fold, y.fold, limit) {
		case 1:
			return max(s, simSlip), HowTypo
		case 2:
			if limit == 2 {
				return max(s, simTwoSlips), HowTypo
			}
		}
	}
	if both && !shared {
		return min(s, simDifferent), HowDifferent
	}
	if suffix || stemForm(x, y) {
		return min(s, simOtherForm), HowOtherForm
	}
	if !costAllowed(cost, n) {
		return min(s, simCapped), HowSpelling
	}
	how := HowSpelling
	switch {
	case shared:
		how = HowVariant
	case x.sc != y.sc:
		how = HowScript
	case cost == 0:
		how = HowSound
	}
	return s, how
}

// groupsRelate reports whether two parts share a dictionary name, and whether both have one.
func groupsRelate(x, y *token) (shared, both bool) {
	if len(x.groups) == 0 || len(y.groups) == 0 {
		return false, false
	}
	for _, g := range x.groups {
		if containsGroup(y.groups, g) {
			return true, true
		}
	}
	return false, true
}

// suffixForm tells female/male forms apart from spellings: one part is the other plus an ending
// (Karim/Karima, Ivanov/Ivanova, Hasan/Hasani).
func suffixForm(x, y *token) bool {
	return !endingsAgree(x, y) && (x.abjad() != y.abjad() || len(x.sym) != len(y.sym))
}

// stemForm tells derived family names apart: both share a stem and one goes on by two or more
// sounds that no spelling explains (Melnyk/Melnychuk, Ahmadi/Ahmadzai).
func stemForm(x, y *token) bool {
	if x.abjad() != y.abjad() {
		return false
	}
	a, b := x.sym, y.sym
	p := 0
	for p < len(a) && p < len(b) && a[p] == b[p] {
		p++
	}
	if p < 3 {
		return false
	}
	ra, rb := len(a)-p, len(b)-p
	return min(ra, rb) <= 1 && max(ra, rb) >= 2 && distance(a[p:], b[p:], false) >= costFull
}

// joinTokens joins two adjacent parts into one (Nur Mohammad → Nurmohammad).
func joinTokens(a, b token) token {
	t := token{text: a.text + b.text, fold: a.fold + b.fold, sc: a.sc, joined: true}
	t.sym = make([]byte, 0, len(a.sym)+len(b.sym))
	t.sym = append(append(t.sym, a.sym...), b.sym...)
	t.sym = collapse(t.sym, 0)
	if len(t.sym) > maxSym {
		t.sym = t.sym[:maxSym]
	}
	t.end = b.end
	return t
}
