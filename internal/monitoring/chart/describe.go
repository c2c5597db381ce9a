package chart

import "math"

// Trend is the direction of a series over the chart's categories.
type Trend int

// The trends.
const (
	TrendNone    Trend = iota // fewer than two published values
	TrendRising               // the least-squares line rises by more than 5 % of the mean
	TrendFalling              // … falls by more than 5 % of the mean
	TrendSteady               // otherwise
)

// String is a stable word for message keys: "", "rising", "falling", "steady".
func (t Trend) String() string {
	if t < TrendNone || t > TrendSteady {
		return ""
	}
	return [...]string{"", "rising", "falling", "steady"}[t]
}

// Point is one published value of a series.
type Point struct {
	Index    int      // position in Spec.Categories
	Category Category // the category (month) with its label
	Value    float64
	Text     string // the value formatted as the chart formats it
}

// SeriesFacts are the facts of one series, from its published values only.
type SeriesFacts struct {
	Key, Label  string
	Published   int    // number of published values
	Suppressed  int    // number of suppressed values
	First, Last *Point // the first and the last published value (nil when none)
	High, Low   *Point // the highest and the lowest published value (the earliest on ties)
	Trend       Trend
}

// Facts are what a page needs to write a text summary of a chart in its own language.
type Facts struct {
	Series     []SeriesFacts
	Suppressed int  // suppressed values over all series
	Empty      bool // nothing is published (the chart shows its no-data text or only markers)
}

// Describe returns the facts of the chart's series (not of the comparison series). A
// suppressed value is only counted, never used.
func Describe(s Spec) Facts {
	var f Facts
	for _, sr := range s.Series {
		sf := SeriesFacts{Key: sr.Key, Label: sr.Label}
		var pts []Point
		for i, c := range s.Categories {
			v := sr.value(i)
			switch {
			case v.Published():
				pts = append(pts, Point{Index: i, Category: c, Value: v.V, Text: s.format(v.V, s.Decimals)})
			case v.Suppressed:
				sf.Suppressed++
			}
		}
		sf.Published = len(pts)
		if len(pts) > 0 {
			first, last := pts[0], pts[len(pts)-1]
			sf.First, sf.Last = &first, &last
			hi, lo := pts[0], pts[0]
			for _, p := range pts[1:] {
				if p.Value > hi.Value {
					hi = p
				}
				if p.Value < lo.Value {
					lo = p
				}
			}
			sf.High, sf.Low = &hi, &lo
		}
		sf.Trend = trend(pts)
		f.Suppressed += sf.Suppressed
		f.Series = append(f.Series, sf)
	}
	f.Empty = true
	for _, sf := range f.Series {
		if sf.Published > 0 {
			f.Empty = false
		}
	}
	return f
}

// trend fits a least-squares line through the published values (by category position) and
// compares its change from the first to the last published category with the mean.
func trend(pts []Point) Trend {
	if len(pts) < 2 {
		return TrendNone
	}
	n := float64(len(pts))
	var sx, sy, sxx, sxy, mean float64
	for _, p := range pts {
		x := float64(p.Index)
		sx, sy, sxx, sxy = sx+x, sy+p.Value, sxx+x*x, sxy+x*p.Value
		mean += math.Abs(p.Value)
	}
	mean /= n
	den := n*sxx - sx*sx
	if den == 0 {
		return TrendSteady
	}
	slope := (n*sxy - sx*sy) / den
	change := slope * float64(pts[len(pts)-1].Index-pts[0].Index)
	switch {
	case mean == 0 || math.Abs(change) <= 0.05*mean:
		return TrendSteady
	case change > 0:
		return TrendRising
	}
	return TrendFalling
}
