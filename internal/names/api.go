// Package names matches personal names across spellings, scripts and orders: normalisation,
// transliteration to a common phonetic alphabet, a curated variant dictionary and an explainable
// score over aligned name parts. It is pure logic: no database, no HTTP.
//
// The pipeline: Unicode NFKC and lower case; cutting into parts; dropping particles (al-, bin,
// von) and joining compound heads (Abd al-, Abu); per part, transliteration (Arabic, Persian,
// Urdu, Cyrillic, Greek; special Latin letters spelled by sound) into phonetic symbols; a lookup
// in the variant dictionary (exact, else the clearly nearest entry). Two names are compared by the
// best one-to-one alignment of their parts, in any order, also with adjacent parts joined; each
// aligned pair is scored by a weighted edit distance whose costs follow how transliterations and
// typing slips interchange sounds, overruled by the dictionary where it knows both parts.
package names

import (
	"fmt"
	"strings"
)

// MatchThreshold is the score from which two names plausibly belong to the same person (when every
// aligned part also matches).
const MatchThreshold = 0.80

// Result is the outcome of comparing two names.
type Result struct {
	Score float64 // in [0,1]
	Match bool    // plausibly the same person
}

// Compare scores two full names written in any script and order.
func Compare(a, b string) Result { return CompareNames(Parse(a), Parse(b)) }

// CompareNames scores two parsed names.
func CompareNames(a, b *Name) Result {
	al, _, _ := compare(a, b)
	return Result{Score: round3(al.score), Match: al.match}
}

func round3(f float64) float64 { return float64(int(f*1000+0.5)) / 1000 }

// Explanation says why two names match or not.
type Explanation struct {
	A, B      string
	Score     float64
	Match     bool
	Pairs     []Pair   // aligned parts of A and B
	UnpairedA []string // parts of A without a partner (middle names)
	UnpairedB []string
}

// Explain compares two names and says which parts matched how.
func Explain(a, b string) Explanation {
	na, nb := Parse(a), Parse(b)
	al, ta, tb := compare(na, nb)
	e := Explanation{A: a, B: b, Score: round3(al.score), Match: al.match}
	short, long := ta, tb
	if al.swapped {
		short, long = tb, ta
	}
	usedS := make([]bool, len(short))
	usedL := make([]bool, len(long))
	for k := 0; k < al.n; k++ {
		i, j := al.pairs[k][0], al.pairs[k][1]
		usedS[i], usedL[j] = true, true
		p := Pair{A: describe(&short[i]), B: describe(&long[j]), How: al.hows[k], Score: round3(al.sims[k])}
		if al.swapped {
			p.A, p.B = p.B, p.A
		}
		e.Pairs = append(e.Pairs, p)
	}
	restS, restL := unused(short, usedS), unused(long, usedL)
	if al.swapped {
		restS, restL = restL, restS
	}
	e.UnpairedA, e.UnpairedB = restS, restL
	return e
}

func unused(ts []token, used []bool) []string {
	var out []string
	for i := range ts {
		if !used[i] {
			out = append(out, describe(&ts[i]))
		}
	}
	return out
}

// describe renders a part for explanations: the flat form, the script it came from and its
// dictionary name.
func describe(t *token) string {
	s := t.fold
	if t.sc != scriptLatin && t.text != t.fold {
		s = t.text + " (" + t.fold + ")"
	}
	if t.joined {
		s += " (joined)"
	}
	if len(t.groups) > 0 {
		mark := ""
		if !t.exact {
			mark = "~"
		}
		s += " [" + mark + dict().groupNames(t.groups) + "]"
	}
	return s
}

// String renders the explanation as plain English text, one line per aligned pair.
func (e Explanation) String() string {
	var b strings.Builder
	verdict := "no match"
	if e.Match {
		verdict = "match"
	}
	fmt.Fprintf(&b, "%s: score %.3f (threshold %.2f; every aligned part needs %.2f)\n", verdict, e.Score, MatchThreshold, tokenMin)
	for _, p := range e.Pairs {
		fmt.Fprintf(&b, "  %-32s ~ %-32s %.3f  %s\n", p.A, p.B, p.Score, p.How)
	}
	for _, s := range e.UnpairedA {
		fmt.Fprintf(&b, "  %-32s   (only in A)\n", s)
	}
	for _, s := range e.UnpairedB {
		fmt.Fprintf(&b, "  %-34s %-32s (only in B)\n", "", s)
	}
	return b.String()
}
