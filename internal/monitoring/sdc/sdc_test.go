package sdc

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// grid is a 2-D cube (rows r, columns c, totals "T") with the given inner counts.
func grid(prefix string, rows [][]float64) cube {
	c := cube{prefix: prefix, dims: []string{"r", "c"}, sizes: []int{len(rows), len(rows[0])}, inner: map[string]float64{}}
	for i, row := range rows {
		for j, v := range row {
			c.inner[c.key([]int{i, j})] = v
		}
	}
	return c
}

func mustProtect(t *testing.T, tb *Table, r Rule) {
	t.Helper()
	if err := tb.Protect(r); err != nil {
		t.Fatalf("protect: %v", err)
	}
	if err := Check(tb, r); err != nil {
		t.Fatalf("check after protect: %v", err)
	}
}

// TestMaritalStatusBySex is the Handbook's classic: one single woman in a table of marital
// status × sex. The 1 is hidden, its row and column get a partner each, the pattern closes to a
// rectangle, and nobody can tell the single woman's count from the margins.
func TestMaritalStatusBySex(t *testing.T) {
	// rows: single, married, widowed, divorced; columns: male, female
	g := grid("", [][]float64{{20, 1}, {30, 28}, {6, 9}, {8, 12}})
	tb := g.table()
	mustProtect(t, tb, DefaultRule())
	want := []string{"r=0|c=0", "r=0|c=1", "r=2|c=0", "r=2|c=1"}
	if got := suppressed(tb); !slices.Equal(got, want) {
		t.Fatalf("suppressed %v, want %v", got, want)
	}
	ex, err := Audit(tb)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ex {
		if e.Key == "r=0|c=1" && (e.Lo != 0 || e.Hi != 10) {
			t.Fatalf("single women: interval [%g, %g], want [0, 10]", e.Lo, e.Hi)
		}
	}
	if err := Safe(tb, 5); err != nil {
		t.Fatal(err)
	}
}

// TestZerosElsewhere: a 3 in a row whose other cells are 0 (attribute disclosure through the
// margin): the row total is itself small and hidden, the column gets a partner, and the 3
// cannot be recovered although the zeros stay published.
func TestZerosElsewhere(t *testing.T) {
	g := grid("", [][]float64{{3, 0, 0}, {10, 8, 7}, {12, 9, 6}})
	tb := g.table()
	mustProtect(t, tb, DefaultRule())
	for _, k := range []string{"r=0|c=0", "r=0"} {
		if !tb.Cells[k].Suppressed {
			t.Fatalf("%s published", k)
		}
	}
	for _, k := range []string{"r=0|c=1", "r=0|c=2"} {
		if tb.Cells[k].Suppressed {
			t.Fatalf("zero %s suppressed although non-zero partners exist", k)
		}
	}
	if w, e := minWidth(t, tb); w < 1 {
		t.Fatalf("recoverable: %+v", e)
	}
}

// TestLineOfZeros: a 1-D line whose only non-zero part is small: the total is small too and
// both are hidden; with a large total the partner must be a part.
func TestLineOfZeros(t *testing.T) {
	tb := &Table{Cells: map[string]*Cell{"T": {Value: 2}, "a": {Value: 2}, "b": {}, "c": {}},
		Lines: []Line{{Total: "T", Parts: []string{"a", "b", "c"}}}}
	mustProtect(t, tb, DefaultRule())
	if got := suppressed(tb); !slices.Equal(got, []string{"T", "a"}) {
		t.Fatalf("suppressed %v", got)
	}
	tb = &Table{Cells: map[string]*Cell{"T": {Value: 30}, "a": {Value: 2}, "b": {}, "c": {Value: 28}},
		Lines: []Line{{Total: "T", Parts: []string{"c", "b", "a"}}}}
	mustProtect(t, tb, DefaultRule())
	if got := suppressed(tb); !slices.Equal(got, []string{"a", "c"}) {
		t.Fatalf("suppressed %v, want the smallest non-zero part as partner", got)
	}
	if err := Safe(tb, 5); err != nil {
		t.Fatal(err)
	}
}

func TestFixedCellsRespected(t *testing.T) {
	// The hidden fixed 2 comes from a linked table: Protect does not rely on it moving, so
	// it hides two cells of its own (d, the smallest, then c), never the fixed 8.
	tb := &Table{Cells: map[string]*Cell{
		"T": {Value: 40, Fixed: true}, "a": {Value: 2, Suppressed: true, Fixed: true},
		"b": {Value: 8, Fixed: true}, "c": {Value: 20}, "d": {Value: 10},
	}, Lines: []Line{{Total: "T", Parts: []string{"a", "b", "c", "d"}}}}
	mustProtect(t, tb, DefaultRule())
	if got := suppressed(tb); !slices.Equal(got, []string{"a", "c", "d"}) {
		t.Fatalf("suppressed %v: the fixed 8 must not be chosen", got)
	}
	if tb.Cells["b"].Suppressed || !tb.Cells["b"].Fixed {
		t.Fatal("fixed cell changed")
	}

	// With a single cell of its own, the table cannot hide it from the linked table's
	// decisions: reported.
	tb = &Table{Cells: map[string]*Cell{
		"T": {Value: 30, Fixed: true}, "a": {Value: 2, Suppressed: true, Fixed: true},
		"b": {Value: 8, Fixed: true}, "c": {Value: 20},
	}, Lines: []Line{{Total: "T", Parts: []string{"a", "b", "c"}}}}
	var u *Unresolved
	if err := tb.Protect(DefaultRule()); !errors.As(err, &u) || !slices.Equal(u.Determined, []string{"c"}) {
		t.Fatalf("want c reported, got %v", err)
	}

	// Everything else fixed: nothing can hide the 2 — reported, nothing fixed changed.
	tb = &Table{Cells: map[string]*Cell{
		"T": {Value: 30, Fixed: true}, "a": {Value: 2, Suppressed: true, Fixed: true},
		"b": {Value: 8, Fixed: true}, "c": {Value: 20, Fixed: true},
	}, Lines: []Line{{Total: "T", Parts: []string{"a", "b", "c"}}}}
	err := tb.Protect(DefaultRule())
	if !errors.As(err, &u) || len(u.Lines) != 1 || u.Lines[0] != "T = a + b + c" {
		t.Fatalf("want an unresolved line, got %v", err)
	}
	if got := suppressed(tb); !slices.Equal(got, []string{"a"}) {
		t.Fatalf("fixed cells changed: %v", got)
	}

	// A fixed published 3 breaks the rule by itself.
	tb = &Table{Cells: map[string]*Cell{"T": {Value: 30}, "a": {Value: 3, Fixed: true}, "b": {Value: 27}},
		Lines: []Line{{Total: "T", Parts: []string{"a", "b"}}}}
	if err := tb.Protect(DefaultRule()); !errors.As(err, &u) || !slices.Equal(u.Fixed, []string{"a"}) {
		t.Fatalf("want the fixed 3 reported, got %v", err)
	}
	if tb.Cells["a"].Suppressed {
		t.Fatal("fixed cell changed")
	}
}

func TestMagnitudeRule(t *testing.T) {
	tb := &Table{Cells: map[string]*Cell{
		"median9":  {Value: 41, Magnitude: true, N: 9},
		"median10": {Value: 38, Magnitude: true, N: 10},
		"rate":     {Value: 3.1, Magnitude: true, N: 400, Of: "count"},
		"count":    {Value: 4},
		"other":    {Value: 30},
		"total":    {Value: 34},
	}, Lines: []Line{{Total: "total", Parts: []string{"count", "other"}}}}
	mustProtect(t, tb, DefaultRule())
	for k, want := range map[string]bool{"median9": true, "median10": false, "rate": true, "count": true} {
		if tb.Cells[k].Suppressed != want {
			t.Errorf("%s suppressed = %v, want %v", k, tb.Cells[k].Suppressed, want)
		}
	}
	// Magnitudes never take part in lines.
	bad := &Table{Cells: map[string]*Cell{"m": {Magnitude: true, N: 20}, "a": {Value: 7}},
		Lines: []Line{{Total: "a", Parts: []string{"m"}}}}
	if err := bad.Protect(DefaultRule()); err == nil {
		t.Fatal("a line with a magnitude must be rejected")
	}
}

func TestMinConfigurable(t *testing.T) {
	build := func() *Table {
		return &Table{Cells: map[string]*Cell{"T": {Value: 40}, "a": {Value: 7}, "b": {Value: 15}, "c": {Value: 18}},
			Lines: []Line{{Total: "T", Parts: []string{"a", "b", "c"}}}}
	}
	tb := build()
	mustProtect(t, tb, DefaultRule())
	if got := suppressed(tb); len(got) != 0 {
		t.Fatalf("Min 5: suppressed %v", got)
	}
	tb = build()
	mustProtect(t, tb, Rule{Min: 10, MinPersons: 10})
	if got := suppressed(tb); !slices.Equal(got, []string{"a", "b"}) {
		t.Fatalf("Min 10: suppressed %v", got)
	}
	tb = build()
	mustProtect(t, tb, Rule{Min: 16, MinPersons: 10})
	if got := suppressed(tb); !slices.Equal(got, []string{"a", "b"}) {
		t.Fatalf("Min 16: suppressed %v", got)
	}
}

// TestBridgeIsRepaired: two closed rectangles of small counts joined by one small cell: every
// row and column has two suppressed cells, yet the joining cell is fixed by the margins (the
// "at least two per line" rule alone is not enough). Protect must detect and repair it.
func TestBridgeIsRepaired(t *testing.T) {
	g := grid("", [][]float64{{1, 2, 40, 40}, {3, 4, 1, 40}, {40, 40, 2, 3}, {40, 40, 4, 1}})
	naive := g.table()
	for _, k := range []string{"r=0|c=0", "r=0|c=1", "r=1|c=0", "r=1|c=1", "r=1|c=2", "r=2|c=2", "r=2|c=3", "r=3|c=2", "r=3|c=3"} {
		naive.Cells[k].Suppressed = true
	}
	if err := Check(naive, DefaultRule()); err != nil {
		t.Fatalf("the naive pattern should satisfy the line rule: %v", err)
	}
	if w, e := minWidth(t, naive); w != 0 || e.Key != "r=1|c=2" {
		t.Fatalf("audit should recover the bridge exactly, got %+v", e)
	}
	tb := g.table()
	mustProtect(t, tb, DefaultRule())
	if w, e := minWidth(t, tb); w < 1 {
		t.Fatalf("still recoverable after protect: %+v", e)
	}
}

func TestInvalidLines(t *testing.T) {
	tb := &Table{Cells: map[string]*Cell{"T": {Value: 10}, "a": {Value: 3}},
		Lines: []Line{{Total: "T", Parts: []string{"a", "zz"}}, {Total: "a"}, {Total: "T", Parts: []string{"a", "a"}}}}
	err := tb.Protect(DefaultRule())
	var u *Unresolved
	if !errors.As(err, &u) || u.Invalid == "" {
		t.Fatalf("want invalid lines reported, got %v", err)
	}
	if !tb.Cells["a"].Suppressed {
		t.Fatal("primary suppression must still be applied")
	}
	if _, err := Audit(tb); err == nil {
		t.Fatal("audit must refuse invalid lines")
	}
}

func TestAuditRejectsNonAdditive(t *testing.T) {
	tb := &Table{Cells: map[string]*Cell{"T": {Value: 10}, "a": {Value: 3, Suppressed: true}, "b": {Value: 9}},
		Lines: []Line{{Total: "T", Parts: []string{"a", "b"}}}}
	if _, err := Audit(tb); !errors.Is(err, errNotAdditive) {
		t.Fatalf("want not additive, got %v", err)
	}
}

// TestProtectIdempotent: protecting an already protected table changes nothing.
func TestProtectIdempotent(t *testing.T) {
	g := grid("", [][]float64{{1, 7, 0}, {9, 2, 30}, {12, 13, 3}})
	tb := g.table()
	mustProtect(t, tb, DefaultRule())
	before := fmt.Sprint(suppressed(tb))
	mustProtect(t, tb, DefaultRule())
	if after := fmt.Sprint(suppressed(tb)); after != before {
		t.Fatalf("second protect changed %s to %s", before, after)
	}
}

// TestNarrowInterval3D is a 3-D table the property test found where the "not determined"
// check alone left a hidden 28 in [27.67, 28.5] (the only integer inside is 28): Protect must
// secure an interval of width >= 1.
func TestNarrowInterval3D(t *testing.T) {
	inner := "d=0|o=0|s=0=1 d=0|o=1|s=1=1 d=0|o=2|s=0=1 d=0|o=2|s=2=1 d=0|o=3|s=2=1 " +
		"d=1|o=0|s=1=1 d=1|o=1|s=0=1 d=1|o=1|s=2=24 d=1|o=2|s=1=26 d=1|o=2|s=2=10 d=1|o=3|s=0=1 " +
		"d=1|o=4|s=1=1 d=1|o=4|s=2=1 d=2|o=0|s=0=1 d=2|o=1|s=2=1 d=2|o=2|s=1=1 d=2|o=2|s=2=4 " +
		"d=2|o=3|s=1=9 d=2|o=4|s=0=8"
	c := cube{dims: []string{"d", "o", "s"}, sizes: []int{3, 5, 3}, inner: map[string]float64{}}
	for _, kv := range strings.Fields(inner) {
		i := strings.LastIndexByte(kv, '=')
		v, err := strconv.ParseFloat(kv[i+1:], 64)
		if err != nil {
			t.Fatal(err)
		}
		c.inner[kv[:i]] = v
	}
	tb := c.table()
	if tb.Cells["d=1|s=1"].Value != 28 {
		t.Fatalf("fixture: d=1|s=1 = %g", tb.Cells["d=1|s=1"].Value)
	}
	mustProtect(t, tb, DefaultRule())
	if w, e := minWidth(t, tb); w < 1 {
		t.Fatalf("narrow: %+v", e)
	}
}
