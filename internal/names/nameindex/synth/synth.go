// Package synth generates deterministic synthetic full names of Germany's immigrant population
// for benchmarks and tests of name matching and search: Arabic, Persian, Turkish, Kurdish,
// Ukrainian, Russian, Polish, Romanian, Albanian, Serbian/Bosnian, Greek, Somali, Eritrean,
// Vietnamese and German names, in Latin letters with their diacritics and, where the name has
// one, in its original script (Arabic, Cyrillic, Greek). Names are drawn with a Zipf-like
// frequency by rank, so common names are really common: a million people contain tens of
// thousands called Mohammed in one of its spellings; most family names come from a long tail of
// rarer names composed from roots and suffixes (tail.go). For each person it gives the spellings an
// office would have on record and, on request, variant spellings of the same name as a clerk or a
// search query would write it. Not for anything that needs unpredictable numbers.
package synth

import (
	"math"
	"math/rand/v2"
	"sort"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"kim/internal/platform/ids"
)

// entry is one name with its spellings; the first latin of them are in Latin letters.
type entry struct {
	spellings []string
	latin     int
}

// list is a list of entries with cumulative Zipf weights by rank.
type list struct {
	entries []entry
	cum     []float64
}

func parseList(s string, exponent float64) list {
	var l list
	total := 0.0
	for _, raw := range strings.Split(s, ";") {
		raw = strings.TrimSpace(raw)
		if raw == "" {
			continue
		}
		e := entry{}
		for _, sp := range strings.Split(raw, "|") {
			sp = strings.TrimSpace(sp)
			if isLatin(sp) {
				e.latin++
			}
			e.spellings = append(e.spellings, sp)
		}
		// Latin spellings first, the original script after them.
		sort.SliceStable(e.spellings, func(i, j int) bool { return isLatin(e.spellings[i]) && !isLatin(e.spellings[j]) })
		total += 1 / math.Pow(float64(len(l.entries)+1), exponent)
		l.entries = append(l.entries, e)
		l.cum = append(l.cum, total)
	}
	return l
}

// isLatin reports whether s is written in Latin letters (Vietnamese and other diacritics
// included).
func isLatin(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) && !unicode.Is(unicode.Latin, r) {
			return false
		}
	}
	return true
}

func (l *list) draw(rng *rand.Rand) *entry {
	x := rng.Float64() * l.cum[len(l.cum)-1]
	return &l.entries[sort.SearchFloat64s(l.cum, x)]
}

// group is an origin with its lists parsed.
type group struct {
	origin
	male, female, famM, famF, midM, midF list
	hasFamily                            bool
}

var groups, groupCum = func() ([]group, []float64) {
	var gs []group
	var cum []float64
	total := 0.0
	for _, o := range origins {
		g := group{origin: o, male: parseList(o.male, 1), female: parseList(o.female, 1), hasFamily: o.family != ""}
		if g.hasFamily {
			g.famM = parseList(o.family, 0.9)
			g.famF = g.famM
			if o.feminine != nil {
				g.famF = parseList(o.family, 0.9)
				for i := range g.famF.entries {
					for j, s := range g.famF.entries[i].spellings {
						g.famF.entries[i].spellings[j] = o.feminine(s)
					}
				}
			}
		}
		if o.maleMiddle != "" {
			g.midM, g.midF = parseList(o.maleMiddle, 1), parseList(o.femaleMiddle, 1)
		}
		total += o.weight
		gs = append(gs, g)
		cum = append(cum, total)
	}
	return gs, cum
}()

// feminineSlavic gives the female form of a Russian or Polish family name (Ivanov → Ivanova,
// Kowalski → Kowalska); other names stay as they are.
func feminineSlavic(s string) string {
	for _, suf := range [][2]string{{"ский", "ская"}, {"skii", "skaia"}, {"skij", "skaja"}, {"ski", "ska"}, {"sky", "ska"}, {"cki", "cka"}, {"ов", "ова"}, {"ев", "ева"}, {"ёв", "ёва"},
		{"ин", "ина"}, {"ov", "ova"}, {"ev", "eva"}, {"ow", "owa"}, {"ew", "ewa"}, {"in", "ina"}} {
		if strings.HasSuffix(s, suf[0]) {
			return strings.TrimSuffix(s, suf[0]) + suf[1]
		}
	}
	return s
}

// feminineGreek gives the female form of a Greek family name (Papadopoulos → Papadopoulou,
// Papadakis → Papadaki); genitive names (Georgiou) stay.
func feminineGreek(s string) string {
	for _, suf := range [][2]string{{"os", "ou"}, {"ος", "ου"}, {"is", "i"}, {"ης", "η"}, {"ής", "ή"}} {
		if strings.HasSuffix(s, suf[0]) {
			return strings.TrimSuffix(s, suf[0]) + suf[1]
		}
	}
	return s
}

// Generator produces synthetic people; the same seed gives the same sequence.
type Generator struct{ rng *rand.Rand }

// New returns a generator for seed.
func New(seed uint64) *Generator {
	return &Generator{rng: rand.New(rand.NewPCG(seed, 0x6b696d6e616d6573))}
}

// IntN returns a number in [0, n) from the generator's sequence.
func (g *Generator) IntN(n int) int { return g.rng.IntN(n) }

// Float64 returns a number in [0, 1) from the generator's sequence.
func (g *Generator) Float64() float64 { return g.rng.Float64() }

// ID returns a deterministic UUIDv7 for time t.
func (g *Generator) ID(t time.Time) string { return ids.Deterministic(g.rng, t) }

// part is one name token of a person: the name and the spelling on record.
type part struct {
	e    *entry
	pick int
}

// Person is a synthetic person.
type Person struct {
	Origin    string   // group code, e.g. "ar", "uk", "tr"
	Female    bool     // drawn with probability one half
	Spellings []string // the spellings on record; the first is in Latin letters
	parts     []part   // in written order
	family    int      // index of the family name in parts
}

// Name returns the first spelling on record.
func (p *Person) Name() string { return p.Spellings[0] }

// Person draws the next person: an origin by its weight, a sex, given name(s) and family name by
// their frequency. On record are a Latin spelling (usually each name's most common one), for
// names with an original script often that spelling too, and sometimes a second Latin spelling
// (from another document).
func (g *Generator) Person() Person {
	r := g.rng
	gr := &groups[sort.SearchFloat64s(groupCum, r.Float64()*groupCum[len(groupCum)-1])]
	p := Person{Origin: gr.code, Female: r.IntN(2) == 0}
	given, mid, fam := &gr.male, &gr.midM, &gr.famM
	if p.Female {
		given, mid, fam = &gr.female, &gr.midF, &gr.famF
	}
	if !gr.hasFamily {
		fam = &gr.male // the grandfather's name
	}
	tokens := []*entry{given.draw(r)}
	if r.Float64() < gr.middle {
		switch {
		case gr.maleMiddle != "":
			tokens = append(tokens, mid.draw(r))
		case strings.Contains("ar fa ku so er", gr.code):
			tokens = append(tokens, gr.male.draw(r)) // the father's name
		default:
			// A second given name, not the first one again.
			second := given.draw(r)
			for range 3 {
				if second != tokens[0] {
					break
				}
				second = given.draw(r)
			}
			if second != tokens[0] {
				tokens = append(tokens, second)
			}
		}
	}
	if t := tails[gr.code]; t != nil && r.Float64() < t.share {
		tokens = append(tokens, t.draw(r, p.Female))
	} else {
		tokens = append(tokens, fam.draw(r))
	}
	p.family = len(tokens) - 1
	if gr.familyFirst {
		// Vietnamese: family name, middle name, given name.
		tokens[0], tokens[len(tokens)-1] = tokens[len(tokens)-1], tokens[0]
		p.family = 0
	}
	native := true
	for _, e := range tokens {
		pick := 0
		if e.latin > 1 && r.Float64() < 0.3 {
			pick = 1 + r.IntN(e.latin-1)
		}
		p.parts = append(p.parts, part{e: e, pick: pick})
		if e.latin == len(e.spellings) {
			native = false
		}
	}
	p.Spellings = append(p.Spellings, p.join(func(pt part) string { return pt.e.spellings[pt.pick] }))
	if native && r.Float64() < 0.6 {
		p.Spellings = append(p.Spellings, p.join(func(pt part) string { return pt.e.spellings[pt.e.latin] }))
	}
	if r.Float64() < 0.2 {
		if s := p.join(func(pt part) string { return g.otherLatin(pt) }); s != p.Spellings[0] {
			p.Spellings = append(p.Spellings, s)
		}
	}
	return p
}

func (p *Person) join(f func(part) string) string {
	s := make([]string, len(p.parts))
	for i, pt := range p.parts {
		s[i] = f(pt)
	}
	return strings.Join(s, " ")
}

// otherLatin returns a Latin spelling of pt other than the one on record, if it has one.
func (g *Generator) otherLatin(pt part) string {
	if pt.e.latin < 2 {
		return pt.e.spellings[pt.pick]
	}
	i := g.rng.IntN(pt.e.latin - 1)
	if i >= pt.pick {
		i++
	}
	return pt.e.spellings[i]
}

// Variant returns another way of writing p's name, as a clerk or a search query would: other
// transcriptions of its names, the original script, family name first, a missing middle name,
// diacritics and umlauts flattened, a typo. It may, rarely, equal a spelling on record.
func (g *Generator) Variant(p Person) string {
	r := g.rng
	parts := append([]part(nil), p.parts...)
	family := p.family
	if len(parts) > 2 && r.Float64() < 0.3 {
		// Drop the middle name.
		parts = append(parts[:1:1], parts[2:]...)
		if family > 0 {
			family--
		}
	}
	var toks []string
	script := r.Float64() < 0.2
	for _, pt := range parts {
		switch {
		case script && pt.e.latin < len(pt.e.spellings):
			toks = append(toks, pt.e.spellings[pt.e.latin+r.IntN(len(pt.e.spellings)-pt.e.latin)])
		case r.Float64() < 0.6:
			toks = append(toks, g.otherLatin(pt))
		default:
			toks = append(toks, pt.e.spellings[pt.pick])
		}
	}
	if len(toks) > 1 && r.Float64() < 0.2 {
		// Family name written first (or last, for a name written family-first).
		f := toks[family]
		rest := append(append([]string(nil), toks[:family]...), toks[family+1:]...)
		if family == 0 {
			toks = append(rest, f)
		} else {
			toks = append([]string{f}, rest...)
		}
	}
	s := strings.Join(toks, " ")
	if r.Float64() < 0.25 {
		s = g.flatten(s)
	}
	if r.Float64() < 0.1 {
		s = g.typo(s)
	}
	if r.Float64() < 0.15 {
		s = strings.ToUpper(s)
	}
	return s
}

var germanFlat = strings.NewReplacer("ä", "ae", "ö", "oe", "ü", "ue", "Ä", "Ae", "Ö", "Oe", "Ü", "Ue", "ß", "ss")

var flatLetters = strings.NewReplacer("ı", "i", "İ", "I", "ł", "l", "Ł", "L", "đ", "d", "Đ", "D", "ø", "o")

// flatten writes s without diacritics, umlauts as ae/oe/ue or as plain vowels.
func (g *Generator) flatten(s string) string {
	if !isLatin(s) {
		return s
	}
	if g.rng.IntN(2) == 0 {
		s = germanFlat.Replace(s)
	}
	s = strings.Map(func(r rune) rune {
		if unicode.Is(unicode.Mn, r) {
			return -1
		}
		return r
	}, flatLetters.Replace(norm.NFD.String(s)))
	return norm.NFC.String(s)
}

// typo makes one typing error in a Latin token of five or more letters: a letter dropped,
// doubled, swapped with the next, or a vowel replaced by another.
func (g *Generator) typo(s string) string {
	toks := strings.Fields(s)
	var cand []int
	for i, t := range toks {
		if utf8.RuneCountInString(t) >= 5 && isLatin(t) {
			cand = append(cand, i)
		}
	}
	if len(cand) == 0 {
		return s
	}
	i := cand[g.rng.IntN(len(cand))]
	rs := []rune(toks[i])
	k := 1 + g.rng.IntN(len(rs)-2) // never the first or last letter
	switch g.rng.IntN(4) {
	case 0:
		rs = append(rs[:k], rs[k+1:]...)
	case 1:
		rs = append(rs[:k+1], rs[k:]...)
	case 2:
		rs[k], rs[k+1] = rs[k+1], rs[k]
	default:
		const vowels = "aeiou"
		if strings.ContainsRune(vowels, rs[k]) {
			rs[k] = rune(vowels[(strings.IndexRune(vowels, rs[k])+1+g.rng.IntN(4))%5])
		} else {
			rs = append(rs[:k], rs[k+1:]...)
		}
	}
	toks[i] = string(rs)
	return strings.Join(toks, " ")
}
