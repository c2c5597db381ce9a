package chart

import (
	"math"
	"unicode/utf8"
)

// yScale maps values to heights: the axis runs from lo to hi with ticks every step.
type yScale struct {
	lo, hi, step float64
	decimals     int // decimals of the tick labels
}

// niceScale returns a scale from 0 (or below, for negative values) to a round number at or
// above hi, with about target ticks. Counts get whole-number steps.
func niceScale(lo, hi float64, integer bool, target int) yScale {
	lo, hi = math.Min(lo, 0), math.Max(hi, 0)
	if hi-lo <= 0 {
		hi = 1
		if integer {
			hi = 10
		}
	}
	step := niceStep((hi-lo)/float64(max(target-1, 1)), integer)
	sc := yScale{lo: math.Floor(lo/step-1e-9) * step, hi: math.Ceil(hi/step-1e-9) * step, step: step}
	if sc.lo > 0 || lo == 0 {
		sc.lo = 0
	}
	for x := step; math.Abs(x-math.Round(x)) > 1e-9 && sc.decimals < 6; x *= 10 {
		sc.decimals++ // 0.5 → 1, 2.5 → 1, 0.25 → 2
	}
	return sc
}

// niceStep rounds raw up to 1, 2, 2.5 or 5 times a power of ten.
func niceStep(raw float64, integer bool) float64 {
	if raw <= 0 || math.IsNaN(raw) || math.IsInf(raw, 0) {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, n := range []float64{1, 2, 2.5, 5, 10} {
		st := n * p
		if st < raw*(1-1e-9) {
			continue
		}
		if integer && (st < 1 || math.Abs(st-math.Round(st)) > 1e-9) {
			continue
		}
		return st
	}
	return 10 * p
}

// ticks lists the tick values from lo to hi.
func (sc yScale) ticks() []float64 {
	var out []float64
	n := int(math.Round((sc.hi - sc.lo) / sc.step))
	for i := 0; i <= n && i <= 50; i++ {
		out = append(out, sc.lo+float64(i)*sc.step)
	}
	return out
}

// scaleOf returns the common y scale of a spec: from its published values only (stacked:
// the sums of the published segments), never from a suppressed one.
func scaleOf(s *Spec, target int) yScale {
	lo, hi := 0.0, 0.0
	see := func(v float64) { lo, hi = math.Min(lo, v), math.Max(hi, v) }
	if s.Kind == Stacked {
		for i := range s.Categories {
			pos, neg := 0.0, 0.0
			for _, sr := range s.Series {
				if v := sr.value(i); v.Published() {
					if v.V >= 0 {
						pos += v.V
					} else {
						neg += v.V
					}
				}
			}
			see(pos)
			see(neg)
		}
	} else {
		for _, list := range [][]Series{s.Series, s.comparisons()} {
			for _, sr := range list {
				for i := range s.Categories {
					if v := sr.value(i); v.Published() {
						see(v.V)
					}
				}
			}
		}
	}
	return niceScale(lo, hi, s.Decimals <= 0, target)
}

// charW is the estimated advance of one character as a share of the font size (DejaVu Sans,
// the PDF font, is wider than most screen fonts, so the estimate errs on the wide side).
const charW = 0.6

// textWidth estimates the drawn width of s at font size size.
func textWidth(s string, size float64) float64 {
	return float64(utf8.RuneCountInString(s)) * size * charW
}

// fit shortens s with an ellipsis so that it is at most w wide at font size size.
func fit(s string, w, size float64) string {
	if textWidth(s, size) <= w {
		return s
	}
	n := int(w/(size*charW)) - 1
	if n < 1 {
		return ""
	}
	r := []rune(s)
	return string(r[:min(n, len(r))]) + "…"
}

// palette are the series colours: the Okabe–Ito colour-blind-safe set, darkest first.
var palette = []string{"#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442"}

// Fill patterns of bars (drawn over the colour, so that series differ without colour) and
// marker shapes of lines; series i uses palette[i%8], pattern i%len and shape i%len.
const (
	patNone = iota
	patDiagonal
	patDots
	patHorizontal
	patCross
	patVertical
	patBackDiagonal
	nPatterns
)

// The marker shapes.
const (
	shapeCircle = iota
	shapeSquare
	shapeTriangle
	shapeDiamond
	shapeTriangleDown
	shapeCross
	nShapes
)

func colour(i int) string { return palette[i%len(palette)] }

// shapePoints returns the polygon of a marker shape of radius r around (x, y); nil for a circle.
func shapePoints(shape int, x, y, r float64) []pt {
	switch shape {
	case shapeSquare:
		r *= 0.9
		return []pt{{x - r, y - r}, {x + r, y - r}, {x + r, y + r}, {x - r, y + r}}
	case shapeTriangle:
		return []pt{{x, y - r*1.15}, {x + r*1.1, y + r*0.8}, {x - r*1.1, y + r*0.8}}
	case shapeTriangleDown:
		return []pt{{x, y + r*1.15}, {x + r*1.1, y - r*0.8}, {x - r*1.1, y - r*0.8}}
	case shapeDiamond:
		r *= 1.25
		return []pt{{x, y - r}, {x + r, y}, {x, y + r}, {x - r, y}}
	case shapeCross:
		a, b := r*1.1, r*0.38
		return []pt{{x - b, y - a}, {x + b, y - a}, {x + b, y - b}, {x + a, y - b}, {x + a, y + b}, {x + b, y + b},
			{x + b, y + a}, {x - b, y + a}, {x - b, y + b}, {x - a, y + b}, {x - a, y - b}, {x - b, y - b}}
	}
	return nil
}
