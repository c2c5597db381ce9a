package names

// Pair is one aligned pair of parts in an explanation.
type Pair struct {
	A, B  string
	How   How
	Score float64
}

// alignment is the best assignment of the parts of the shorter name to parts of the longer.
type alignment struct {
	score   float64
	match   bool
	pairs   [maxTokens][2]int8 // indices into the shorter and the longer name
	sims    [maxTokens]float64
	hows    [maxTokens]How
	n       int  // pairs used
	swapped bool // the first name is the longer one: pairs index (second, first)
}

// better reports whether al should replace best: a match beats a non-match, then the score.
func (al alignment) better(best alignment) bool {
	if al.match != best.match {
		return al.match
	}
	return al.score > best.score
}

// simTable holds the similarity of every part of one name with every part of the other.
type simTable struct {
	n, m int
	sim  [maxTokens][maxTokens]float64
	how  [maxTokens][maxTokens]How
}

func newSimTable(a, b []token) *simTable {
	t := &simTable{n: len(a), m: len(b)}
	for i := range a {
		for j := range b {
			t.sim[i][j], t.how[i][j] = tokenSim(&a[i], &b[j])
		}
	}
	return t
}

// joinedRow returns the table with rows i and i+1 replaced by the row of jt (the two parts of the
// first name joined), or nil when jt matches no part of the second name, so that the join cannot
// help.
func (t *simTable) joinedRow(i int, jt *token, b []token) *simTable {
	var row [maxTokens]float64
	var how [maxTokens]How
	useful := false
	for j := range b {
		row[j], how[j] = tokenSim(jt, &b[j])
		useful = useful || row[j] >= tokenMin
	}
	if !useful {
		return nil
	}
	u := &simTable{n: t.n - 1, m: t.m}
	for r, src := 0, 0; r < u.n; r++ {
		switch {
		case r == i:
			u.sim[r], u.how[r] = row, how
			src += 2
		default:
			u.sim[r], u.how[r] = t.sim[src], t.how[src]
			src++
		}
	}
	return u
}

// anyMatch reports whether some part of one name matches some part of the other.
func (t *simTable) anyMatch() bool {
	for i := 0; i < t.n; i++ {
		for j := 0; j < t.m; j++ {
			if t.sim[i][j] >= tokenMin {
				return true
			}
		}
	}
	return false
}

// transposed swaps the roles of the two names.
func (t *simTable) transposed() *simTable {
	u := &simTable{n: t.m, m: t.n}
	for i := 0; i < t.n; i++ {
		for j := 0; j < t.m; j++ {
			u.sim[j][i], u.how[j][i] = t.sim[i][j], t.how[i][j]
		}
	}
	return u
}

// align finds the assignment with the greatest total similarity (exact, by dynamic programming
// over subsets of the longer name's parts, at most 2^8 states) and decides the match.
func (t *simTable) align() alignment {
	var al alignment
	if t.n == 0 || t.m == 0 {
		return al
	}
	if t.n > t.m {
		al = t.transposed().align()
		al.swapped = true
		return al
	}
	n, m := t.n, t.m
	// best[mask] after placing the first k parts of the shorter name, where mask has k bits set.
	var best [1 << maxTokens]float64
	var from [1 << maxTokens]int8
	for i := range best[:1<<m] {
		best[i] = -1
	}
	best[0] = 0
	for mask := 0; mask < 1<<m; mask++ {
		if best[mask] < 0 {
			continue
		}
		k := popcount(mask)
		if k >= n {
			continue
		}
		for j := 0; j < m; j++ {
			if mask&(1<<j) != 0 {
				continue
			}
			next := mask | 1<<j
			if v := best[mask] + t.sim[k][j]; v > best[next] {
				best[next], from[next] = v, int8(j)
			}
		}
	}
	mask, total := -1, -1.0
	for x := 0; x < 1<<m; x++ {
		if popcount(x) == n && best[x] > total {
			mask, total = x, best[x]
		}
	}
	ok := true
	for k := n - 1; k >= 0; k-- {
		j := int(from[mask])
		al.pairs[k] = [2]int8{int8(k), int8(j)}
		al.sims[k], al.hows[k] = t.sim[k][j], t.how[k][j]
		ok = ok && t.sim[k][j] >= tokenMin
		mask &^= 1 << j
	}
	al.n = n
	score := total/float64(n) - extraPenalty*float64(m-n)
	if n == 1 && m > 1 {
		score *= singlePenalty
		ok = false
	}
	al.score = max(score, 0)
	al.match = ok && al.score >= MatchThreshold
	return al
}

func popcount(x int) int {
	c := 0
	for x != 0 {
		x &= x - 1
		c++
	}
	return c
}

// compare aligns two names and returns the best alignment with the parts it aligned. Beyond the
// plain alignment it tries adjacent parts joined (compounds written joined on one side and apart
// on the other) and the parts with compound heads left unjoined (Ahmad Abdul / Abdul Ahmad).
func compare(a, b *Name) (alignment, []token, []token) {
	if a == nil {
		a = &Name{}
	}
	if b == nil {
		b = &Name{}
	}
	if a.raw > b.raw {
		// Compare in one canonical order, so that the result does not depend on the order of
		// the arguments (ties between alignments are broken the same way).
		al, tb, ta := compare(b, a)
		al.swapped = !al.swapped
		return al, ta, tb
	}
	base := newSimTable(a.tokens, b.tokens)
	best := base.align()
	ta, tb := a.tokens, b.tokens
	if best.match {
		return best, ta, tb
	}
	// Joins in the first name, then (on the transposed table) in the second; only when some part
	// already matches, else joining two parts cannot make a match.
	tables := []*simTable{base, base.transposed()}
	if len(a.tokens)+len(b.tokens) < 3 || !base.anyMatch() {
		tables = nil
	}
	for side, tab := range tables {
		src, other := a.tokens, b.tokens
		if side == 1 {
			src, other = b.tokens, a.tokens
		}
		for i := 0; i+1 < len(src); i++ {
			if len(src) == 2 && len(other) == 1 {
				break // joining would compare single parts: "An Nguyen" is not "Nguyen"
			}
			jt := joinTokens(src[i], src[i+1])
			dict().annotateExact(&jt)
			u := tab.joinedRow(i, &jt, other)
			if u == nil {
				continue
			}
			al := u.align()
			if side == 1 {
				al.swapped = !al.swapped
			}
			if al.better(best) {
				joined := make([]token, 0, len(src)-1)
				joined = append(append(append(joined, src[:i]...), jt), src[i+2:]...)
				best = al
				if side == 0 {
					ta, tb = joined, b.tokens
				} else {
					ta, tb = a.tokens, joined
				}
			}
		}
	}
	if best.match || (a.plain == nil && b.plain == nil) {
		return best, ta, tb
	}
	forms := func(n *Name) [][]token {
		if n.plain == nil {
			return [][]token{n.tokens}
		}
		return [][]token{n.tokens, n.plain}
	}
	for i, pa := range forms(a) {
		for j, pb := range forms(b) {
			if i == 0 && j == 0 {
				continue // the plain alignment, done above
			}
			if al := newSimTable(pa, pb).align(); al.better(best) {
				best, ta, tb = al, pa, pb
			}
		}
	}
	return best, ta, tb
}
