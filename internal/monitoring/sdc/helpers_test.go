package sdc

import (
	"fmt"
	"math"
	"sort"
	"strings"
)

// cube is a k-dimensional count table with a total category "T" in every dimension, built
// from the counts of its inner cells: every margin is derived by summation, and there is one
// line per dimension and per combination of the other coordinates (totals included).
type cube struct {
	prefix string // distinguishes the dimensions' names between tables
	dims   []string
	sizes  []int
	inner  map[string]float64 // inner cell key → count
}

// key of a coordinate vector; -1 stands for the total, which is left out of the key, so that
// the cells of a margin have the same key in every table that contains them (the total of
// every dimension is "all").
func (c cube) key(coord []int) string {
	var parts []string
	for d, v := range coord {
		if v >= 0 {
			parts = append(parts, fmt.Sprintf("%s=%d", c.dims[d], v))
		}
	}
	if len(parts) == 0 {
		return c.prefix + "all"
	}
	return c.prefix + strings.Join(parts, "|")
}

// coords enumerates every coordinate vector including totals (-1).
func (c cube) coords() [][]int {
	out := [][]int{{}}
	for _, n := range c.sizes {
		var next [][]int
		for _, p := range out {
			for v := -1; v < n; v++ {
				next = append(next, append(append([]int(nil), p...), v))
			}
		}
		out = next
	}
	return out
}

func (c cube) value(coord []int) float64 {
	var sum float64
	var rec func(d int, cur []int)
	rec = func(d int, cur []int) {
		if d == len(coord) {
			sum += c.inner[c.key(cur)]
			return
		}
		if coord[d] >= 0 {
			rec(d+1, append(cur, coord[d]))
			return
		}
		for v := 0; v < c.sizes[d]; v++ {
			rec(d+1, append(cur, v))
		}
	}
	rec(0, nil)
	return sum
}

// table builds the cells and lines.
func (c cube) table() *Table {
	t := &Table{Cells: map[string]*Cell{}}
	for _, co := range c.coords() {
		t.Cells[c.key(co)] = &Cell{Value: c.value(co)}
		for d := range co {
			if co[d] != -1 {
				continue
			}
			l := Line{Total: c.key(co)}
			for v := 0; v < c.sizes[d]; v++ {
				p := append([]int(nil), co...)
				p[d] = v
				l.Parts = append(l.Parts, c.key(p))
			}
			t.Lines = append(t.Lines, l)
		}
	}
	return t
}

// fataler is what *testing.T and *rapid.T have in common.
type fataler interface {
	Helper()
	Fatalf(format string, args ...any)
}

// suppressed lists the suppressed keys, sorted.
func suppressed(t *Table) []string {
	var out []string
	for k, c := range t.Cells {
		if c.Suppressed {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

// union merges tables: cells by key (a shared key must agree in value and decision) and all
// lines.
func union(t fataler, tables ...*Table) *Table {
	t.Helper()
	u := &Table{Cells: map[string]*Cell{}}
	for _, tb := range tables {
		for k, c := range tb.Cells {
			if old, ok := u.Cells[k]; ok {
				if old.Value != c.Value || old.Suppressed != c.Suppressed {
					t.Fatalf("linked tables disagree on %s: %+v vs %+v", k, *old, *c)
				}
				continue
			}
			cp := *c
			u.Cells[k] = &cp
		}
		u.Lines = append(u.Lines, tb.Lines...)
	}
	return u
}

// minWidth returns the narrowest exposure of a suppressed non-zero cell (and checks that every
// true value lies inside its interval, which validates the audit itself). Suppressed zeros
// are left out: non-negativity can pin a suppressed 0 at 0, which discloses no more than the
// published zeros of the table.
func minWidth(t fataler, tb *Table) (float64, Exposure) {
	t.Helper()
	ex, err := Audit(tb)
	if err != nil {
		t.Fatalf("audit: %v", err)
	}
	w, worst := math.Inf(1), Exposure{}
	for _, e := range ex {
		if e.Value < e.Lo-1e-6 || e.Value > e.Hi+1e-6 {
			t.Fatalf("audit interval of %s [%g, %g] excludes its value %g", e.Key, e.Lo, e.Hi, e.Value)
		}
		if e.Value != 0 && e.Width() < w {
			w, worst = e.Width(), e
		}
	}
	return w, worst
}

func fixedCopy(src *Table) map[string]*Cell {
	out := map[string]*Cell{}
	for k, c := range src.Cells {
		out[k] = &Cell{Value: c.Value, Suppressed: c.Suppressed, Fixed: true}
	}
	return out
}

// dump renders a table's cells (value, * when suppressed, F when fixed) for failure messages.
func dump(tb *Table) string {
	keys := make([]string, 0, len(tb.Cells))
	for k := range tb.Cells {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		c := tb.Cells[k]
		fmt.Fprintf(&b, "%s=%g", k, c.Value)
		if c.Suppressed {
			b.WriteString("*")
		}
		if c.Fixed {
			b.WriteString("F")
		}
		b.WriteString(" ")
	}
	return b.String()
}
