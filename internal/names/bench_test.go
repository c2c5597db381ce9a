package names

import (
	"bufio"
	"os"
	"strings"
	"testing"
)

// evalPairs reads the name pairs of the evaluation set (a realistic mix of scripts and lengths);
// with a split ("dev"), only that split's: tests that could steer the matcher stay off the
// held-out test split.
func evalPairs(tb testing.TB, split ...string) [][2]string {
	tb.Helper()
	f, err := os.Open("testdata/eval.tsv")
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	var out [][2]string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		x := strings.Split(line, "\t")
		if len(x) == 5 && (len(split) == 0 || x[0] == split[0]) {
			out = append(out, [2]string{x[3], x[4]})
		}
	}
	return out
}

// BenchmarkCompare measures whole comparisons of raw strings (parse both, align, score).
func BenchmarkCompare(b *testing.B) {
	pairs := evalPairs(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		p := pairs[i%len(pairs)]
		Compare(p[0], p[1])
	}
}

// BenchmarkCompareParsed measures comparisons of names parsed once (the search index's case).
func BenchmarkCompareParsed(b *testing.B) {
	pairs := evalPairs(b)
	parsed := make([][2]*Name, len(pairs))
	for i, p := range pairs {
		parsed[i] = [2]*Name{Parse(p[0]), Parse(p[1])}
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		p := parsed[i%len(parsed)]
		CompareNames(p[0], p[1])
	}
}

// BenchmarkParse measures the analysis of one name.
func BenchmarkParse(b *testing.B) {
	pairs := evalPairs(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		Parse(pairs[i%len(pairs)][i&1])
	}
}
