package main

import (
	"bufio"
	"strconv"
	"strings"
	"testing"
)

func TestNamesMatchContract(t *testing.T) {
	long := strings.Repeat("x", maxMatchLine+10) + "\tMohammed"
	input := strings.Join([]string{
		"Mohammed Al-Hassan\tمحمد الحسن",
		"",                                      // empty
		"no tab here",                           // malformed
		"a\tb\tc",                               // malformed: three fields
		"\tMohammed",                            // malformed: empty name
		"Mohammed\t",                            // malformed: empty name
		"Karim Saleh\tKarima Saleh",             // different people
		string([]byte{0xff, 0xfe}) + "\tHassan", // invalid UTF-8
		long,                                    // longer than a line may be
		"Олександр Шевченко\tOleksandr Shevchenko\r", // CRLF
		"Hüseyin Yılmaz\tHuseyin Yilmaz",
	}, "\n") // no final newline
	r := runKim(nil, input, "names", "match")
	if r.code != 0 || r.stderr != "" {
		t.Fatalf("names match: %s", r)
	}
	lines := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")
	want := []string{"1", "0", "0", "0", "0", "0", "0", "0", "0", "1", "1"}
	if len(lines) != len(want) {
		t.Fatalf("%d answers for %d lines:\n%s", len(lines), len(want), r.stdout)
	}
	for i, l := range lines {
		f := strings.Split(l, "\t")
		if len(f) != 2 {
			t.Fatalf("line %d: %q is not SCORE<TAB>MATCH", i+1, l)
		}
		score, err := strconv.ParseFloat(f[0], 64)
		if err != nil || score < 0 || score > 1 {
			t.Errorf("line %d: score %q", i+1, f[0])
		}
		if f[1] != want[i] {
			t.Errorf("line %d: match %s, want %s", i+1, f[1], want[i])
		}
	}
	for _, i := range []int{1, 2, 3, 4, 5, 8} {
		if lines[i] != "0\t0" {
			t.Errorf("line %d (empty or malformed): %q, want 0<TAB>0", i+1, lines[i])
		}
	}
}

func TestNamesMatchKeepsOrderInLargeInput(t *testing.T) {
	pairs := []string{"Mohammed Al-Hassan\tMuhammad Alhasan", "Karim Saleh\tKarima Saleh", "Ivan Petrov\tИван Петров"}
	var in strings.Builder
	const n = 5000 // more than one batch, so workers run in parallel
	for i := 0; i < n; i++ {
		in.WriteString(pairs[i%3] + "\n")
	}
	r := runKim(nil, in.String(), "names", "match")
	if r.code != 0 {
		t.Fatalf("names match: %s", r)
	}
	sc := bufio.NewScanner(strings.NewReader(r.stdout))
	i := 0
	for sc.Scan() {
		want := "\t1"
		if i%3 == 1 {
			want = "\t0"
		}
		if !strings.HasSuffix(sc.Text(), want) {
			t.Fatalf("line %d: %q, want …%q", i+1, sc.Text(), want)
		}
		i++
	}
	if i != n {
		t.Fatalf("%d answers for %d lines", i, n)
	}
}

func TestNamesExplain(t *testing.T) {
	r := runKim(nil, "", "names", "explain", "Mohammed Al-Hassan", "محمد الحسن")
	if r.code != 0 || !strings.HasPrefix(r.stdout, "match: score") || !strings.Contains(r.stdout, "dictionary variant") {
		t.Fatalf("names explain: %s", r)
	}
	r = runKim(nil, "", "names", "explain", "Karim", "Karima")
	if r.code != 0 || !strings.HasPrefix(r.stdout, "no match") {
		t.Fatalf("names explain Karim/Karima: %s", r)
	}
	for _, args := range [][]string{{"names", "explain"}, {"names", "explain", "a"}, {"names", "explain", "a", "b", "c"}, {"names", "match", "extra"}, {"names", "frobnicate"}} {
		r := runKim(nil, "", args...)
		if r.code != 2 || strings.Count(r.stderr, "\n") != 1 || !strings.HasPrefix(r.stderr, "kim: ") {
			t.Errorf("kim %s: %s", strings.Join(args, " "), r)
		}
	}
}
