package nameeval

import (
	"strings"
	"testing"
)

func TestLoad(t *testing.T) {
	pairs, err := LoadFile("testdata/small.tsv")
	if err != nil {
		t.Fatal(err)
	}
	if len(pairs) != 7 {
		t.Fatalf("got %d pairs, want 7", len(pairs))
	}
	want := Pair{Line: 7, Split: SplitTest, Category: "typos", Same: true, A: "Anna", B: "Anna"}
	if pairs[3] != want {
		t.Errorf("pairs[3] = %+v, want %+v", pairs[3], want)
	}
	if p := pairs[4]; p.Same || p.Category != CategoryHardNegative || p.Line != 8 {
		t.Errorf("pairs[4] = %+v", p)
	}
}

func TestLoadCRLFAndComments(t *testing.T) {
	in := "# c\r\n\r\n  \ndev\tgreek\t1\tΓιώργος\tGiorgos\r\n#dev\tx\n"
	pairs, err := Load(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if len(pairs) != 1 || pairs[0].B != "Giorgos" || pairs[0].Line != 4 {
		t.Fatalf("got %+v", pairs)
	}
}

func TestLoadErrors(t *testing.T) {
	for _, tc := range []struct {
		name, in, want string
	}{
		{"fields", "dev\tgreek\t1\tA\n", "line 1: want 5 tab-separated fields"},
		{"too many fields", "#\ndev\tgreek\t1\tA\tB\tC\n", "line 2: want 5"},
		{"split", "\ntrain\tgreek\t1\tA\tB\n", "line 2: split \"train\""},
		{"category", "dev\tgreeks\t1\tA\tB\n", "line 1: unknown category \"greeks\""},
		{"label", "dev\tgreek\tyes\tA\tB\n", "line 1: label \"yes\""},
		{"positive with 0", "dev\tgreek\t1\tA\tB\ndev\ttypos\t0\tA\tB\n", "line 2: category typos is positive"},
		{"negative with 1", "test\thard_negative\t1\tA\tB\n", "line 1: category hard_negative is negative"},
		{"empty name", "dev\tgreek\t1\t \tB\n", "line 1: empty name"},
		{"utf8", "dev\tgreek\t1\tA\t\xff\n", "line 1: invalid UTF-8"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Load(strings.NewReader(tc.in))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want it to contain %q", err, tc.want)
			}
		})
	}
}

func TestLoadFileNamesFile(t *testing.T) {
	if _, err := LoadFile("testdata/does-not-exist.tsv"); err == nil {
		t.Fatal("no error for a missing file")
	}
}

func TestDuplicates(t *testing.T) {
	pairs := []Pair{{Line: 1, A: "A", B: "B"}, {Line: 2, A: "B", B: "A"}, {Line: 3, A: "A", B: "C"}, {Line: 4, A: "A", B: "B"}}
	dup := Duplicates(pairs)
	if len(dup) != 2 || dup[0].Line != 2 || dup[1].Line != 4 {
		t.Fatalf("Duplicates = %+v", dup)
	}
}

func TestCategories(t *testing.T) {
	if n := len(Categories()); n != 13 {
		t.Fatalf("%d categories, want 13", n)
	}
	if n := len(RequiredCategories()); n != 12 {
		t.Fatalf("%d required categories, want 12", n)
	}
	if !IsPositive("typos") || IsPositive(CategoryHardNegative) || !IsNegative("negative") {
		t.Fatal("IsPositive/IsNegative")
	}
}
