package chart

import "math"

// Width is the width of every chart in layout units (the SVG viewBox width); heights follow
// from the spec (see Height).
const Width = 640.0

// Font sizes in layout units.
const (
	fsTick   = 11.0
	fsLabel  = 11.0
	fsLegend = 12.0
	fsNote   = 10.0
	fsEmpty  = 14.0
)

type pt struct{ X, Y float64 }

type itemKind int

const (
	kRect   itemKind = iota // x, y, w, h
	kPath                   // open polyline through pts
	kText                   // text at x (anchor) and baseline y
	kMarker                 // shape of radius r around x, y
)

// item is one drawn element of a scene. Colours are "none", "currentColor" (text and axes:
// they follow the page's text colour, also in forced-colours mode) or a palette colour.
type item struct {
	kind       itemKind
	class      string // SVG class: bar, suppressed, incomplete, line, compare, marker, grid, axis …
	x, y, w, h float64
	pts        []pt
	fill       string
	stroke     string
	opacity    float64 // of the stroke; 0 means opaque
	width      float64 // stroke width
	dash       bool
	pattern    int // fill pattern over the colour (patNone …)
	shape      int // marker shape
	r          float64
	text       string
	size       float64
	anchor     string // start, middle, end
	bold       bool
	title      string // tooltip text
}

// scene is a chart laid out in units: Width × h.
type scene struct {
	w, h  float64
	items []item
}

func (sc *scene) add(it item) { sc.items = append(sc.items, it) }

func (sc *scene) text(x, y float64, s string, size float64, anchor, class string) {
	if s == "" {
		return
	}
	sc.add(item{kind: kText, class: class, x: x, y: y, text: s, size: size, anchor: anchor, fill: "currentColor"})
}

// plot is a rectangle with a y scale and n category slots.
type plot struct {
	x, y, w, h float64
	sc         yScale
	n          int
}

func (p plot) yOf(v float64) float64 {
	return p.y + p.h - (v-p.sc.lo)/(p.sc.hi-p.sc.lo)*p.h
}

// base is the y of the value 0 (the baseline where suppressed values are marked).
func (p plot) base() float64 { return p.yOf(math.Max(0, p.sc.lo)) }

func (p plot) slot() float64 { return p.w / float64(max(p.n, 1)) }

func (p plot) cx(i int) float64 { return p.x + (float64(i)+0.5)*p.slot() }

// tickLabels formats the ticks of a scale.
func tickLabels(s *Spec, sc yScale) ([]float64, []string, float64) {
	ticks := sc.ticks()
	labels := make([]string, len(ticks))
	widest := 0.0
	for i, t := range ticks {
		labels[i] = s.format(t, sc.decimals)
		widest = math.Max(widest, textWidth(labels[i], fsTick))
	}
	return ticks, labels, widest
}

// axes draws the grid lines with their labels and the baseline.
func (sc *scene) axes(s *Spec, p plot) {
	ticks, labels, _ := tickLabels(s, p.sc)
	for i, t := range ticks {
		y := p.yOf(t)
		sc.add(item{kind: kPath, class: "grid", pts: []pt{{p.x, y}, {p.x + p.w, y}}, stroke: "currentColor", opacity: 0.22, width: 0.8})
		sc.text(p.x-5, y+fsTick*0.35, labels[i], fsTick, "end", "tick")
	}
	b := p.base()
	sc.add(item{kind: kPath, class: "axis", pts: []pt{{p.x, b}, {p.x + p.w, b}}, stroke: "currentColor", width: 1.2})
}

// xLabels draws the category labels under the plot, thinned so that they do not overlap
// (always the first, then every k-th) and shortened to the room they have. With ends only the
// first and the last are drawn.
func (sc *scene) xLabels(s *Spec, p plot, y float64, ends bool) {
	n := len(s.Categories)
	if n == 0 {
		return
	}
	if ends {
		sc.text(p.x, y, fit(s.Categories[0].Label, p.w/2-2, fsTick), fsTick, "start", "xlabel")
		if n > 1 {
			sc.text(p.x+p.w, y, fit(s.Categories[n-1].Label, p.w/2-2, fsTick), fsTick, "end", "xlabel")
		}
		return
	}
	widest := 0.0
	for _, c := range s.Categories {
		widest = math.Max(widest, textWidth(c.Label, fsLabel))
	}
	k := 1
	slot := p.slot()
	for k < n && float64(k)*slot < math.Min(widest, 90)+6 {
		k++
	}
	for i := 0; i < n; i += k {
		label := fit(s.Categories[i].Label, float64(k)*slot-6, fsLabel)
		half := textWidth(label, fsLabel) / 2
		x := math.Min(math.Max(p.cx(i), half), Width-half) // inside the chart
		sc.text(x, y, label, fsLabel, "middle", "xlabel")
	}
}

// lineSeries draws one series as a line with markers over the plot; a suppressed value is a
// hollow marker at the baseline (with the suppressed label when there is room), a missing value
// a gap (lines draws the label once per category). A comparison series is dashed with hollow markers, its suppressed values a gap.
func (sc *scene) lineSeries(s *Spec, p plot, sr *Series, idx int, compare bool, offset float64) {
	col := colour(idx)
	r := markerRadius(p)
	var run []pt
	flush := func() {
		if len(run) > 1 {
			cl := "line"
			if compare {
				cl = "compare"
			}
			sc.add(item{kind: kPath, class: cl, pts: run, stroke: col, width: 2, dash: compare})
		}
		run = nil
	}
	fill, cl := col, "marker"
	if compare {
		fill, cl = "none", "compare-marker"
	}
	for i := range s.Categories {
		v := sr.value(i)
		tip := sr.Label + " – " + s.Categories[i].Label + ": "
		switch {
		case v.Published():
			x, y := p.cx(i), p.yOf(v.V)
			run = append(run, pt{x, y})
			sc.add(item{kind: kMarker, class: cl, x: x, y: y, r: r, shape: idx % nShapes, fill: fill, stroke: col, width: 1.2, title: tip + s.format(v.V, s.Decimals)})
		case v.Suppressed && !compare:
			flush()
			x := p.cx(i) + offset
			sc.add(item{kind: kMarker, class: "suppressed", x: x, y: p.base() - r, r: r, shape: idx % nShapes, fill: "none", stroke: col, width: 1.2, title: tip + s.Texts.Suppressed})
		default:
			flush()
		}
	}
	flush()
}

func markerRadius(p plot) float64 { return math.Max(1.6, math.Min(3.6, p.slot()*0.28)) }

// bar draws a published bar (or stacked segment) between the values from and to.
func (sc *scene) bar(p plot, x, w, from, to float64, idx int, tip string) {
	y1, y2 := p.yOf(math.Max(from, to)), p.yOf(math.Min(from, to))
	sc.add(item{kind: kRect, class: "bar", x: x, y: y1, w: w, h: y2 - y1, fill: colour(idx), pattern: idx % nPatterns,
		stroke: "currentColor", width: 0.6, title: tip})
}

// suppressedBar marks a suppressed bar: a small dashed outline at the baseline, always of the
// same height, and the suppressed label above it when there is room.
func (sc *scene) suppressedBar(s *Spec, p plot, x, w float64, tip string, label bool) {
	b := p.base()
	sc.add(item{kind: kRect, class: "suppressed", x: x + w*0.1, y: b - 6, w: w * 0.8, h: 6, fill: "none", stroke: "currentColor", width: 1, dash: true, title: tip})
	if label && textWidth(s.Texts.Suppressed, fsNote) <= w+4 {
		sc.text(x+w/2, b-10, s.Texts.Suppressed, fsNote, "middle", "suppressed-label")
	}
}

// incompleteCap marks a stacked bar with a suppressed part: a dashed cap open at the bottom on
// top of the published segments (its height is fixed and tells nothing) and the label.
func (sc *scene) incompleteCap(s *Spec, x, w, top float64, tip string) {
	sc.add(item{kind: kPath, class: "incomplete", pts: []pt{{x, top}, {x, top - 7}, {x + w, top - 7}, {x + w, top}},
		fill: "none", stroke: "currentColor", width: 1, dash: true, title: tip})
	if textWidth(s.Texts.Suppressed, fsNote) <= w+4 {
		sc.text(x+w/2, top-10, s.Texts.Suppressed, fsNote, "middle", "suppressed-label")
	}
}
