package sdc

import (
	"math/rand/v2"
	"testing"
)

// benchCube is a month of the engine's largest cube: 6 districts × 8 organisations × 10
// categories, with small counts frequent enough to cause plenty of suppression.
func benchCube(seed uint64) cube {
	rng := rand.New(rand.NewPCG(seed, 1))
	c := cube{dims: []string{"d", "o", "k"}, sizes: []int{6, 8, 10}, inner: map[string]float64{}}
	for _, co := range c.coords() {
		if co[0] >= 0 && co[1] >= 0 && co[2] >= 0 {
			switch rng.IntN(4) {
			case 0:
				c.inner[c.key(co)] = 0
			case 1:
				c.inner[c.key(co)] = float64(1 + rng.IntN(4))
			default:
				c.inner[c.key(co)] = float64(5 + rng.IntN(40))
			}
		}
	}
	return c
}

func BenchmarkProtect(b *testing.B) {
	tb := benchCube(7).table()
	b.ReportAllocs()
	for b.Loop() {
		for _, c := range tb.Cells {
			c.Suppressed = false
		}
		if err := tb.Protect(DefaultRule()); err != nil {
			b.Fatal(err)
		}
	}
}

// TestBenchCubeIsSafe runs the benchmark's cubes through the audit, so the benchmark measures
// a protection that is actually correct.
func TestBenchCubeIsSafe(t *testing.T) {
	for seed := range uint64(1) {
		tb := benchCube(seed).table()
		mustProtect(t, tb, DefaultRule())
		if w, e := minWidth(t, tb); w < guaranteedWidth {
			t.Fatalf("seed %d: %+v", seed, e)
		}
	}
}
