package names

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// The matcher's work is bounded by construction: input is cut at maxInputBytes, at most maxTokens
// parts are kept, each part has at most maxSym symbols, the alignment has at most 2^maxTokens
// states. The fuzz tests check these bounds on any input, so no input can make it run long.

func checkBounds(t *testing.T, s string) {
	n := Parse(s)
	if len(n.tokens) > maxTokens {
		t.Fatalf("%d parts from %q", len(n.tokens), s)
	}
	for _, tok := range n.tokens {
		if len(tok.sym) == 0 || len(tok.sym) > maxSym {
			t.Fatalf("part with %d symbols from %q", len(tok.sym), s)
		}
		if len(tok.fold) > maxInputBytes*4 {
			t.Fatalf("part of %d bytes from %q", len(tok.fold), s)
		}
	}
	for _, k := range Keys(n) {
		if len(k) > 4*maxInputBytes {
			t.Fatalf("key of %d bytes", len(k))
		}
	}
}

func FuzzCompare(f *testing.F) {
	seeds := []string{
		"Mohammed Al-Hassan", "محمد الحسن", "Олександр Шевченко", "Γεώργιος", "Hüseyin Yılmaz",
		"", " ", "\xff\xfe", "a\x00b", "Abd al-", "al al al al", "ال ال", "‍‌", "x", "'''",
		strings.Repeat("Mohammed ", 200), strings.Repeat("ж", 5000), "ﷺ ﷲ", "Ǆemal", "ŉ",
	}
	for _, a := range seeds {
		for _, b := range seeds[:5] {
			f.Add(a, b)
		}
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		checkBounds(t, a)
		checkBounds(t, b)
		r := Compare(a, b)
		if r.Score < 0 || r.Score > 1 {
			t.Fatalf("score %v", r.Score)
		}
		if r2 := Compare(b, a); r2 != r {
			t.Fatalf("not symmetric: %+v vs %+v", r, r2)
		}
		e := Explain(a, b)
		if e.Match != r.Match {
			t.Fatalf("Explain says %v, Compare %v", e.Match, r.Match)
		}
		if !utf8.ValidString(e.String()) {
			t.Fatalf("explanation is not valid UTF-8")
		}
	})
}

func TestHostileInput(t *testing.T) {
	long := strings.Repeat("Muhammad ", 100000) // 900 KB
	mixed := strings.Repeat("Мухаммед محمد Μωχάμεντ Mehmet ", 5000)
	invalid := string([]byte{0xff, 0xc3, 0x28, 0xa0, 0xa1, 0xe2, 0x28, 0xa1}) + " Hassan"
	for _, s := range []string{long, mixed, invalid, strings.Repeat("a", 1<<20), strings.Repeat("-", 1<<20)} {
		checkBounds(t, s)
		Compare(s, s)
		Compare(s, "Mohammed Hassan")
	}
	if r := Compare(invalid, "Hassan"); r.Score < 0 || r.Score > 1 {
		t.Errorf("invalid UTF-8: %+v", r)
	}
}
