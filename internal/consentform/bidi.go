package consentform

import (
	"unicode"
	"unicode/utf8"
)

// A reduced Unicode bidirectional algorithm (UAX #9) for one line of text.
//
// It knows the classes this form needs: strong left-to-right letters
// (Latin, Cyrillic …), strong right-to-left letters (Arabic script),
// numbers with their separators and terminators, and neutrals. It has no
// explicit embeddings or isolates. It resolves numbers and neutrals (rules
// W2, W4, W5, W7, N1, N2), assigns levels (I1, I2), reverses runs (L2) and
// mirrors brackets (L4). The result is the visual order, ready to be drawn
// left to right by fpdf.

type bidiClass uint8

const (
	bcNeutral bidiClass = iota // spaces, punctuation, symbols
	bcL                        // strong left-to-right
	bcR                        // strong right-to-left (Arabic script)
	bcEN                       // European digits (also Farsi digits U+06F0–U+06F9)
	bcAN                       // Arabic-Indic digits U+0660–U+0669 and separators
	bcCS                       // common number separator: , . : / NBSP, Arabic comma
	bcES                       // European number separator: + -
	bcET                       // number terminator: % € $ ° #
)

// classify returns the bidi class of r.
func classify(r rune) bidiClass {
	switch {
	case r >= '0' && r <= '9', r >= 0x06F0 && r <= 0x06F9:
		return bcEN
	case r >= 0x0660 && r <= 0x0669, r == 0x066B, r == 0x066C:
		return bcAN
	case r == ',' || r == '.' || r == ':' || r == '/' || r == 0x00A0 || r == 0x060C:
		return bcCS
	case r == '+' || r == '-':
		return bcES
	case r == '%' || r == '€' || r == '$' || r == '°' || r == '#' || r == '£' || r == 0x066A:
		return bcET
	case isArabicScript(r) || (r >= 0x0590 && r <= 0x05FF):
		if unicode.IsLetter(r) || (r >= 0xFB50 && r <= 0xFEFC) {
			return bcR
		}
		return bcNeutral // Arabic punctuation such as ؟ and ؛
	case unicode.IsLetter(r) || unicode.IsMark(r):
		return bcL
	}
	return bcNeutral
}

// resolved classes after the weak and neutral rules.
const (
	rvL   = 1 // left-to-right
	rvR   = 2 // right-to-left
	rvNum = 3 // number in right-to-left context (EN after R, or AN)
)

// mirrored maps a character to its mirror image for right-to-left runs.
var mirrored = map[rune]rune{
	'(': ')', ')': '(', '[': ']', ']': '[', '{': '}', '}': '{',
	'<': '>', '>': '<', '«': '»', '»': '«', '‹': '›', '›': '‹',
}

// isRTLText reports whether the first strong character of s is
// right-to-left (rule P2). Text without strong characters counts as LTR.
func isRTLText(s string) bool {
	for _, r := range s {
		switch classify(r) {
		case bcL:
			return false
		case bcR:
			return true
		}
	}
	return false
}

// visualOrder returns s (already shaped, one line) in visual left-to-right
// order for a paragraph whose base direction is RTL when rtl is true.
// Text between isolate markers (FSI … PDI) is laid out as one unit with its
// own direction; the markers are removed.
func visualOrder(s string, rtl bool) string {
	if !rtl && !hasRTL(s) {
		return stripIsolates(s) // pure LTR text needs no work
	}
	base := 0
	if rtl {
		base = 1
	}
	rs, levels := bidiLevels([]rune(s), rtl, base)
	maxLevel := 0
	for i := range rs {
		maxLevel = max(maxLevel, levels[i])
		// L4: mirror brackets in right-to-left runs.
		if levels[i]%2 == 1 {
			if m, ok := mirrored[rs[i]]; ok {
				rs[i] = m
			}
		}
	}
	// L2: from the highest level down to the lowest odd level, reverse
	// every maximal run at that level or higher.
	for lv := maxLevel; lv >= 1; lv-- {
		for i := 0; i < len(rs); {
			if levels[i] < lv {
				i++
				continue
			}
			j := i
			for j < len(rs) && levels[j] >= lv {
				j++
			}
			reverseRunes(rs[i:j])
			reverseInts(levels[i:j])
			i = j
		}
	}
	return string(rs)
}

// bidiUnit is one code point or one isolate of the outer text.
type bidiUnit struct {
	r     rune
	inner []rune // content of an isolate; nil for a plain code point
	iso   bool
}

// bidiLevels resolves the embedding levels of rs, a paragraph (or isolate)
// with direction rtl at embedding level base. It returns the code points
// without isolate markers and one level per code point.
func bidiLevels(rs []rune, rtl bool, base int) ([]rune, []int) {
	var units []bidiUnit
	for i := 0; i < len(rs); i++ {
		switch rs[i] {
		case isoClose:
			continue // unmatched
		case isoOpen:
			depth, j := 1, i+1
			for ; j < len(rs); j++ {
				if rs[j] == isoOpen {
					depth++
				} else if rs[j] == isoClose {
					depth--
					if depth == 0 {
						break
					}
				}
			}
			end := min(j, len(rs))
			units = append(units, bidiUnit{inner: rs[i+1 : end], iso: true})
			i = end
		default:
			units = append(units, bidiUnit{r: rs[i]})
		}
	}
	cls := make([]bidiClass, len(units))
	for i, u := range units {
		if u.iso {
			cls[i] = bcNeutral // an isolate counts as a neutral outside
		} else {
			cls[i] = classify(u.r)
		}
	}
	rel := resolveLevels(cls, rtl)
	var outR []rune
	var outL []int
	for i, u := range units {
		lv := base + rel[i]
		if !u.iso {
			outR = append(outR, u.r)
			outL = append(outL, lv)
			continue
		}
		innerRTL := isRTLText(string(u.inner))
		innerBase := lv
		if (lv%2 == 1) != innerRTL {
			innerBase = lv + 1
		}
		r2, l2 := bidiLevels(u.inner, innerRTL, innerBase)
		outR = append(outR, r2...)
		outL = append(outL, l2...)
	}
	return outR, outL
}

// resolveLevels applies the weak, neutral and implicit rules to the classes
// of one paragraph and returns levels relative to the paragraph level
// (0 for L, 1 for R and 2 for numbers inside RTL text in an LTR paragraph;
// 0 for R, 1 for L and numbers in an RTL paragraph).
func resolveLevels(cls []bidiClass, rtl bool) []int {
	n := len(cls)
	cls = append([]bidiClass(nil), cls...)
	// W4: a single separator between two numbers of the same kind joins them.
	for i := 1; i+1 < n; i++ {
		switch cls[i] {
		case bcCS:
			if (cls[i-1] == bcEN && cls[i+1] == bcEN) || (cls[i-1] == bcAN && cls[i+1] == bcAN) {
				cls[i] = cls[i-1]
			}
		case bcES:
			if cls[i-1] == bcEN && cls[i+1] == bcEN {
				cls[i] = bcEN
			}
		}
	}
	// W5: terminators next to European numbers become numbers.
	for i := 0; i < n; i++ {
		if cls[i] != bcET {
			continue
		}
		j := i
		for j < n && cls[j] == bcET {
			j++
		}
		if (i > 0 && cls[i-1] == bcEN) || (j < n && cls[j] == bcEN) {
			for k := i; k < j; k++ {
				cls[k] = bcEN
			}
		}
		i = j - 1
	}
	// W2/W7: European numbers take the direction of the last strong letter.
	base := rvL
	if rtl {
		base = rvR
	}
	res := make([]int, n)
	last := base
	for i := 0; i < n; i++ {
		switch cls[i] {
		case bcL:
			res[i], last = rvL, rvL
		case bcR:
			res[i], last = rvR, rvR
		case bcAN:
			res[i] = rvNum
		case bcEN:
			if last == rvL {
				res[i] = rvL
			} else {
				res[i] = rvNum
			}
		}
	}
	// N1/N2: neutrals between two strong sides of the same direction take
	// it; otherwise they take the base direction. Numbers count as R.
	strongDir := func(v int) int {
		if v == rvNum {
			return rvR
		}
		return v
	}
	for i := 0; i < n; {
		if res[i] != 0 {
			i++
			continue
		}
		j := i
		for j < n && res[j] == 0 {
			j++
		}
		before, after := base, base
		if i > 0 {
			before = strongDir(res[i-1])
		}
		if j < n {
			after = strongDir(res[j])
		}
		dir := base
		if before == after {
			dir = before
		}
		for k := i; k < j; k++ {
			res[k] = dir
		}
		i = j
	}
	// I1/I2: levels relative to the paragraph level.
	levels := make([]int, n)
	for i, v := range res {
		switch {
		case !rtl && v == rvR:
			levels[i] = 1
		case !rtl && v == rvNum:
			levels[i] = 2
		case rtl && v != rvR:
			levels[i] = 1
		}
	}
	return levels
}

// hasRTL reports whether s contains a strong right-to-left character.
func hasRTL(s string) bool {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if classify(r) == bcR {
			return true
		}
		i += size
	}
	return false
}

func reverseRunes(rs []rune) {
	for i, j := 0, len(rs)-1; i < j; i, j = i+1, j-1 {
		rs[i], rs[j] = rs[j], rs[i]
	}
}

func reverseInts(v []int) {
	for i, j := 0, len(v)-1; i < j; i, j = i+1, j-1 {
		v[i], v[j] = v[j], v[i]
	}
}
