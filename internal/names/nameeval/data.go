// Package nameeval measures person-name matchers on the labelled evaluation set in
// internal/names/testdata/eval.tsv: KIM's matcher against re-implementations of the methods the
// peer systems use (Soundex as in CommCare, pg_trgm similarity as in SORMAS, Double Metaphone on
// Latin tokens as in Primero). It loads the set, evaluates any number of matchers in one run and
// renders the report docs/names.md.
package nameeval

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"unicode/utf8"
)

// The splits of the evaluation set: dev may be looked at while tuning, test should not.
const (
	SplitDev  = "dev"
	SplitTest = "test"
)

// Splits lists the splits in report order.
var Splits = []string{SplitDev, SplitTest}

// PositiveCategories are the categories whose pairs name the same person (label 1), in report order.
var PositiveCategories = []string{
	"arabic_translit", "arabic_script", "cyrillic", "persian", "turkish", "greek",
	"german_umlauts", "order_swap", "compound", "middle_names", "typos",
}

// NegativeCategories are the categories whose pairs name different people (label 0), in report
// order. Hard negatives are similar names of different people (Muhammad/Mahmoud, Karim/Karima).
var NegativeCategories = []string{CategoryHardNegative, "negative"}

// CategoryHardNegative is the category of similar names that belong to different people.
const CategoryHardNegative = "hard_negative"

// Categories returns all categories, positives first, in report order.
func Categories() []string {
	return slices.Concat(PositiveCategories, NegativeCategories)
}

// IsPositive reports whether category is a positive category.
func IsPositive(category string) bool { return slices.Contains(PositiveCategories, category) }

// IsNegative reports whether category is a negative category.
func IsNegative(category string) bool { return slices.Contains(NegativeCategories, category) }

// Pair is one labelled pair of names.
type Pair struct {
	Line     int    // line number in the source file, from 1
	Split    string // SplitDev or SplitTest
	Category string // one of Categories()
	Same     bool   // label: true (1) if both names belong to the same person
	A, B     string
}

// maxLineBytes bounds a single line of the evaluation file.
const maxLineBytes = 64 << 10

// Load reads an evaluation set: UTF-8, tab-separated, one pair per line as
//
//	split<TAB>category<TAB>label<TAB>name_a<TAB>name_b
//
// with split dev|test and label 1|0. Blank lines and lines starting with '#' are ignored; a
// trailing carriage return is tolerated. A malformed line (wrong field count, unknown split or
// category, a label that contradicts the category, an empty name, invalid UTF-8) is an error
// naming its line number.
func Load(r io.Reader) ([]Pair, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), maxLineBytes)
	var pairs []Pair
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSuffix(sc.Text(), "\r")
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		p, err := parseLine(line)
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", n, err)
		}
		p.Line = n
		pairs = append(pairs, p)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("after line %d: %w", len(pairs), err)
	}
	return pairs, nil
}

// LoadFile reads the evaluation set at path (see Load). Errors name the file and the line.
func LoadFile(path string) ([]Pair, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	pairs, err := Load(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return pairs, nil
}

func parseLine(line string) (Pair, error) {
	if !utf8.ValidString(line) {
		return Pair{}, errors.New("invalid UTF-8")
	}
	f := strings.Split(line, "\t")
	if len(f) != 5 {
		return Pair{}, fmt.Errorf("want 5 tab-separated fields (split, category, label, name_a, name_b), got %d", len(f))
	}
	for i := range f {
		f[i] = strings.TrimSpace(f[i])
	}
	p := Pair{Split: f[0], Category: f[1], A: f[3], B: f[4]}
	if !slices.Contains(Splits, p.Split) {
		return Pair{}, fmt.Errorf("split %q: want dev or test", p.Split)
	}
	switch f[2] {
	case "1":
		p.Same = true
	case "0":
	default:
		return Pair{}, fmt.Errorf("label %q: want 1 or 0", f[2])
	}
	switch {
	case IsPositive(p.Category):
		if !p.Same {
			return Pair{}, fmt.Errorf("category %s is positive but the label is 0", p.Category)
		}
	case IsNegative(p.Category):
		if p.Same {
			return Pair{}, fmt.Errorf("category %s is negative but the label is 1", p.Category)
		}
	default:
		return Pair{}, fmt.Errorf("unknown category %q (want one of %s)", p.Category, strings.Join(Categories(), ", "))
	}
	if p.A == "" || p.B == "" {
		return Pair{}, errors.New("empty name")
	}
	return p, nil
}

// Duplicates returns the pairs that repeat an earlier pair with the same two names (in either
// order); a duplicate would count twice in the figures.
func Duplicates(pairs []Pair) []Pair {
	seen := make(map[[2]string]bool, len(pairs))
	var dup []Pair
	for _, p := range pairs {
		k := [2]string{p.A, p.B}
		if k[1] < k[0] {
			k[0], k[1] = k[1], k[0]
		}
		if seen[k] {
			dup = append(dup, p)
		}
		seen[k] = true
	}
	return dup
}
