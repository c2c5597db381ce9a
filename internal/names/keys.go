package names

import "sort"

// maxKeyParts bounds the parts (and joined neighbours) that give keys.
const maxKeyParts = 6

// Keys returns the blocking keys of a name for a search index: keys of single parts start with
// "t:", keys of an unordered pair of parts with "p:". A part gives its consonant skeleton (the
// same for most spellings and scripts: Mohammed, Muhammad, محمد → MT) and, if the variant
// dictionary knows it, its name (Serhii and Sergej share the name but not the skeleton). Adjacent
// parts also give keys joined, so that compounds written joined or apart meet. Two matching names
// nearly always share a pair key; pair keys are selective, part keys are the fallback.
func Keys(n *Name) []string {
	units := make([]token, 0, maxKeyParts+2)
	for i := range n.tokens {
		if i == maxKeyParts {
			break
		}
		units = append(units, n.tokens[i])
	}
	parts := len(units)
	type span struct{ lo, hi int } // the original parts a unit covers
	spans := make([]span, 0, parts+2)
	for i := 0; i < parts; i++ {
		spans = append(spans, span{i, i})
	}
	if parts >= 2 && parts <= 3 {
		d := dict()
		for i := 0; i+1 < parts; i++ {
			jt := joinTokens(units[i], units[i+1])
			d.annotate(&jt)
			units = append(units, jt)
			spans = append(spans, span{i, i + 1})
		}
	}
	seen := map[string]bool{}
	var keys []string
	addKey := func(k string) {
		if !seen[k] {
			seen[k] = true
			keys = append(keys, k)
		}
	}
	skel := make([]string, len(units))
	prim := make([]string, len(units))
	for i := range units {
		skel[i], prim[i] = unitKeys(&units[i])
		addKey("t:" + skel[i])
		addKey("t:" + prim[i])
	}
	for i := range units {
		for j := i + 1; j < len(units); j++ {
			if spans[i].hi >= spans[j].lo && spans[j].hi >= spans[i].lo {
				continue // overlapping units describe the same part
			}
			addKey("p:" + pairKey(skel[i], skel[j]))
			addKey("p:" + pairKey(prim[i], prim[j]))
		}
	}
	sort.Strings(keys)
	return keys
}

// unitKeys gives a part's skeleton key and its primary key: the dictionary name when there is one,
// else the skeleton.
func unitKeys(t *token) (skel, prim string) {
	s := skeleton(t.sym)
	if s == "" {
		s = "v" + string(t.sym) // only vowels and weak letters: keep them
	} else {
		s = "s" + s
	}
	if len(t.groups) > 0 {
		return s, "g" + dict().groups[t.groups[0]].ID
	}
	return s, s
}

func pairKey(a, b string) string {
	if b < a {
		a, b = b, a
	}
	return a + "|" + b
}
