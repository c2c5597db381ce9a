package names

// Typing slips are judged on the letters as typed (the flat form), not on sounds: a slip swaps two
// neighbouring letters, hits a neighbouring key, presses a key twice or misses a double letter.
// Names that differ by another single letter (Hasan/Hakan, Petrović/Petković, Lisa/Lina) are
// different names, not slips.

// qwertz holds, for each letter, its neighbours on German (QWERTZ) and English (QWERTY)
// keyboards. It is built at package initialisation, before any init function uses it.
var qwertz = keyboardNeighbours()

func keyboardNeighbours() (qwertz [128][128]bool) {
	rows := []string{"qwertzuiop", "asdfghjkl", "yxcvbnm"}
	link := func(a, b byte) { qwertz[a][b], qwertz[b][a] = true, true }
	for r, row := range rows {
		for i := 0; i+1 < len(row); i++ {
			link(row[i], row[i+1])
		}
		if r+1 < len(rows) {
			next := rows[r+1]
			for i := 0; i < len(row); i++ {
				for _, j := range []int{i - 1, i} {
					if j >= 0 && j < len(next) {
						link(row[i], next[j])
					}
				}
			}
		}
	}
	link('z', 'y') // the two layouts swap z and y
	link('t', 'y')
	link('y', 'u')
	link('a', 'z')
	link('s', 'z')
	return qwertz
}

// slips counts the typing slips that turn a into b, up to limit; it returns limit+1 when more
// (or other edits) are needed. Only ASCII letters are considered.
func slips(a, b string, limit int) int {
	if limit < 0 {
		return limit + 1
	}
	if a == b {
		return 0
	}
	if d := len(a) - len(b); d > limit || -d > limit {
		return limit + 1
	}
	// skip the common prefix and suffix
	for len(a) > 0 && len(b) > 0 && a[0] == b[0] {
		a, b = a[1:], b[1:]
	}
	for len(a) > 0 && len(b) > 0 && a[len(a)-1] == b[len(b)-1] {
		a, b = a[:len(a)-1], b[:len(b)-1]
	}
	if len(a) == 0 && len(b) == 0 {
		return 0
	}
	if limit == 0 {
		return 1
	}
	best := limit + 1
	// transposition
	if len(a) >= 2 && len(b) >= 2 && a[0] == b[1] && a[1] == b[0] {
		best = min(best, 1+slips(a[2:], b[2:], limit-1))
	}
	// neighbouring key
	if len(a) > 0 && len(b) > 0 && a[0] < 128 && b[0] < 128 && qwertz[a[0]][b[0]] {
		best = min(best, 1+slips(a[1:], b[1:], limit-1))
	}
	return best
}

// typoCount is slips plus doubled or missed letters, which the prefix trim cannot see directly:
// "Zimmerman"/"Zimmermann" and "Berishsa"/"Berisha" are one slip each.
func typoCount(a, b string, limit int) int {
	if n := slips(a, b, limit); n <= limit {
		return n
	}
	// one letter inserted that repeats a neighbour
	long, short := a, b
	if len(long) < len(short) {
		long, short = short, long
	}
	if len(long) != len(short)+1 {
		return limit + 1
	}
	// The deleted letter sits at some i with long[:i] == short[:i] and long[i+1:] == short[i:].
	p := 0
	for p < len(short) && long[p] == short[p] {
		p++
	}
	q := 0
	for q < len(short) && long[len(long)-1-q] == short[len(short)-1-q] {
		q++
	}
	for i := max(0, len(long)-1-q); i <= p && i < len(long); i++ {
		c := long[i]
		if (i > 0 && long[i-1] == c) || (i+1 < len(long) && long[i+1] == c) || (i > 1 && long[i-2] == c) {
			return 1
		}
	}
	return limit + 1
}
