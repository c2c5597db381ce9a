package names

// maxSym caps the symbols of one token; longer tokens are cut (no real name part is longer).
const maxSym = 32

// Costs are in hundredths of one full edit.
const (
	costFull      = 100
	costTranspose = 60
	costKeyboard  = 70
)

// subCost holds the substitution cost of every pair of symbols; indel the cost of inserting or
// deleting one symbol; abjadIndel the cost of a symbol present on the Latin side only when the
// other token is written in Arabic script, which leaves short vowels out.
var (
	subCost    [128][128]uint8
	indelCost  [128]uint8
	abjadIndel [128]uint8
)

// similar lists symbol pairs that spellings of one name interchange, with their cost.
var similar = []struct {
	a, b string // each a set of symbols; every pair across the two sets gets the cost
	cost uint8
}{
	// vowels
	{"a", "e", 25}, {"e", "i", 25}, {"o", "u", 20}, {"i", "E", 20}, {"e", "E", 20}, {"a", "E", 30},
	{"a", "u", 65}, {"a", "o", 70}, {"a", "i", 70}, {"e", "o", 45}, {"e", "u", 40}, {"i", "u", 70},
	{"i", "o", 70}, {"o", "E", 60}, {"u", "E", 60},
	{"i", "y", 10}, {"E", "y", 20}, {"u", "v", 30},
	// Arabic-script long vowels and weak letters
	{"A", "a", 0}, {"A", "e", 10}, {"A", "o", 35}, {"A", "iuE", 50},
	{"W", "uo", 0}, {"W", "v", 5}, {"W", "w", 0}, {"W", "aeiE", 50},
	{"Y", "iE", 0}, {"Y", "y", 0}, {"Y", "e", 10}, {"Y", "j", 15}, {"Y", "aou", 50},
	{"@", "aeiouE", 0}, {"@", "A", 0}, {"'", "aeiouE@A", 5},
	// consonants
	{"b", "p", 30}, {"d", "t", 25}, {"g", "k", 35}, {"k", "c", 25}, {"k", "q", 30},
	{"q", "X", 20}, {"q", "S", 25}, {"q", "C", 20}, {"q", "h", 35}, {"X", "h", 30}, {"X", "k", 35},
	{"X", "g", 50}, {"g", "h", 35}, {"G", "g", 30}, {"G", "X", 40}, {"G", "r", 60},
	{"s", "z", 20}, {"s", "S", 35}, {"S", "Z", 35}, {"S", "C", 30}, {"C", "J", 30}, {"J", "Z", 30},
	{"j", "y", 15}, {"j", "J", 20}, {"j", "Z", 30}, {"j", "i", 35}, {"z", "Z", 35}, {"c", "s", 30},
	{"c", "C", 25}, {"c", "J", 25}, {"c", "z", 30}, {"D", "d", 25}, {"D", "T", 25}, {"D", "z", 30}, {"T", "t", 25},
	{"T", "s", 30}, {"f", "v", 20}, {"b", "v", 50}, {"J", "g", 30}, {"j", "g", 35}, {"G", "k", 30}, {"q", "c", 25}, {"J", "y", 40}, {"m", "n", 70},
	{"h", "'", 40},
}

func init() {
	for i := range subCost {
		for j := range subCost[i] {
			if i != j {
				subCost[i][j] = costFull
			}
		}
		indelCost[i] = costFull
		abjadIndel[i] = costFull
	}
	for _, s := range similar {
		for _, a := range []byte(s.a) {
			for _, b := range []byte(s.b) {
				if a == b {
					continue
				}
				if s.cost < subCost[a][b] {
					subCost[a][b], subCost[b][a] = s.cost, s.cost
				}
			}
		}
	}
	// Neighbouring keys: a slip of the finger costs less than an unrelated letter.
	for a := range qwertz {
		for b := range qwertz[a] {
			if qwertz[a][b] {
				keyboard(byte(a), byte(b))
			}
		}
	}
	for _, v := range []byte("aeiou") {
		indelCost[v] = 45
		abjadIndel[v] = 5
	}
	indelCost[symDiph], abjadIndel[symDiph] = 45, 10
	indelCost['h'], abjadIndel['h'] = 35, 35
	indelCost['y'], abjadIndel['y'] = 30, 30
	indelCost[symGlot], abjadIndel[symGlot] = 5, 5
	indelCost[symOpen], abjadIndel[symOpen] = 5, 5
	indelCost[symAlef], abjadIndel[symAlef] = 40, 40
	indelCost[symWaw], abjadIndel[symWaw] = 50, 50
	indelCost[symYa], abjadIndel[symYa] = 50, 50
}

// costCutoff bounds the distance computed: costAllowed never accepts more than 200, so beyond
// this the exact figure does not matter.
const costCutoff = 400

func rowMin(row []int32) int32 {
	m := row[0]
	for _, v := range row[1:] {
		m = min(m, v)
	}
	return m
}

func keyboard(a, b byte) {
	if subCost[a][b] > costKeyboard {
		subCost[a][b], subCost[b][a] = costKeyboard, costKeyboard
	}
}

// distance is a weighted Damerau–Levenshtein distance between two symbol strings, in hundredths.
// With abjad set, b is written in Arabic script: vowels that only a carries cost almost nothing.
func distance(a, b []byte, abjad bool) int {
	if len(a) > maxSym {
		a = a[:maxSym]
	}
	if len(b) > maxSym {
		b = b[:maxSym]
	}
	ins := &indelCost // cost of a symbol of a that b lacks
	if abjad {
		ins = &abjadIndel
	}
	var rows [3][maxSym + 1]int32
	prev2, prev, cur := &rows[0], &rows[1], &rows[2]
	prev[0] = 0
	for j := 1; j <= len(b); j++ {
		prev[j] = prev[j-1] + int32(indelCost[b[j-1]])
	}
	for i := 1; i <= len(a); i++ {
		ca := a[i-1]
		cur[0] = prev[0] + int32(ins[ca])
		for j := 1; j <= len(b); j++ {
			cb := b[j-1]
			best := prev[j-1] + int32(subCost[ca][cb])
			if d := prev[j] + int32(ins[ca]); d < best {
				best = d
			}
			if d := cur[j-1] + int32(indelCost[cb]); d < best {
				best = d
			}
			if i > 1 && j > 1 && ca == b[j-2] && a[i-2] == cb && ca != cb {
				if d := prev2[j-2] + costTranspose; d < best {
					best = d
				}
			}
			cur[j] = best
		}
		prev2, prev, cur = prev, cur, prev2
		if rowMin(prev[:len(b)+1]) > costCutoff {
			return costCutoff // far beyond any allowed distance: stop early
		}
	}
	return int(prev[len(b)])
}
