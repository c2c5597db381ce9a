package names

import (
	"slices"
	"sort"
)

// maxKeyParts bounds the parts (and joined neighbours) that give keys.
const maxKeyParts = 6

// Keys returns the blocking keys of a name for a search index: keys of single parts start with
// "t:", keys of an unordered pair of parts with "p:". A part gives its consonant skeleton (the
// same for most spellings and scripts: Mohammed, Muhammad, محمد → MT) and, if the variant
// dictionary knows it, its name (Serhii and Sergej share the name but not the skeleton). Adjacent
// parts also give keys joined, so that compounds written joined or apart meet. Two matching names
// nearly always share a pair key; pair keys are selective, part keys are the fallback.
func Keys(n *Name) []string {
	keys := formKeys(n.tokens, nil)
	if n.plain != nil {
		keys = formKeys(n.plain, keys) // Abdul Ahmad also with Abdul on its own
	}
	sort.Strings(keys)
	return slices.Compact(keys)
}

// formKeys appends the keys of one form of a name.
func formKeys(tokens []token, keys []string) []string {
	type unit struct {
		t      *token
		lo, hi int // the original parts the unit covers
	}
	var buf [3 * maxKeyParts]unit
	units := buf[:0]
	parts := min(len(tokens), maxKeyParts)
	for i := 0; i < parts; i++ {
		units = append(units, unit{&tokens[i], i, i})
		if a := tokens[i].alt; a != nil {
			units = append(units, unit{a, i, i}) // Alhassan also as Hassan
		}
	}
	if parts >= 2 && parts <= 3 {
		d := dict()
		for i := 0; i+1 < parts; i++ {
			jt := joinTokens(tokens[i], tokens[i+1])
			d.annotate(&jt)
			units = append(units, unit{&jt, i, i + 1})
		}
	}
	addKey := func(k string) { keys = append(keys, k) }
	unitKeys := make([][]string, len(units))
	for i, u := range units {
		unitKeys[i] = tokenKeys(u.t)
		for _, k := range unitKeys[i] {
			addKey("t:" + k)
		}
	}
	for i := range units {
		for j := i + 1; j < len(units); j++ {
			if units[i].hi >= units[j].lo && units[j].hi >= units[i].lo {
				continue // overlapping units describe the same part
			}
			for _, a := range unitKeys[i] {
				for _, b := range unitKeys[j] {
					addKey("p:" + pairKey(a, b))
				}
			}
		}
	}
	return keys
}

// tokenKeys gives a part's keys: its skeleton, the skeleton in the second reading of ambiguous
// letters, and its dictionary name.
func tokenKeys(t *token) []string {
	if t.sc == scriptOther {
		return []string{"o" + t.fold}
	}
	s := skeleton(t.sym)
	if s == "" {
		return []string{"v" + string(t.sym)} // only vowels and weak letters: keep them
	}
	keys := []string{"s" + s}
	for r := 1; r < skeletonReadings; r++ {
		if a := "s" + skeletonOf(t.sym, r); a != "s" && !slices.Contains(keys, a) {
			keys = append(keys, a)
		}
	}
	if t.sc == scriptLatin && t.fold != "" && isASCII(t.fold) {
		// the letters as flattened by a clerk (Đinh → Dinh) may read differently
		var buf [maxSym + 8]byte
		if f := "s" + skeleton(latinSymbols(buf[:0], t.fold)); f != "s" && !slices.Contains(keys, f) {
			keys = append(keys, f)
		}
	}
	if len(t.groups) > 0 {
		keys = append(keys, "g"+dict().groups[t.groups[0]].ID)
	}
	return keys
}

func pairKey(a, b string) string {
	if b < a {
		a, b = b, a
	}
	return a + "|" + b
}
