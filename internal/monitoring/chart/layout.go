package chart

import "math"

// Layout sizes in units.
const (
	plotH    = 230.0 // natural plot height of a single chart
	panelH   = 150.0 // natural height of one small multiple
	emptyH   = 120.0
	legendRH = 20.0 // one legend row
	gap      = 16.0
)

// Height returns the height at which the chart fills width without distortion (in the unit of
// width): the SVG uses it for its viewBox, a PDF reserves it on the page.
func Height(s Spec, width float64) float64 {
	return naturalHeight(&s) * width / Width
}

func naturalHeight(s *Spec) float64 {
	if !s.hasData() {
		return emptyH
	}
	fixed, _ := frame(s)
	if s.Kind == Multiples {
		_, rows := grid(len(s.Series))
		return fixed + float64(rows)*panelH + float64(rows-1)*gap/2
	}
	return fixed + plotH
}

// frame returns the height of everything but the plots (top line, x labels, axis title,
// legend) and the legend entries.
func frame(s *Spec) (float64, []legendEntry) {
	entries := legend(s)
	h := 20.0 + legendHeight(entries)
	if topText(s) != "" {
		h += 14
	}
	if s.Kind != Multiples {
		h += 22 // x labels
	}
	if s.Texts.XAxis != "" {
		h += 16
	}
	return h, entries
}

// topText is the y axis title with the unit, drawn above the plot.
func topText(s *Spec) string {
	switch {
	case s.Texts.YAxis != "" && s.Unit != "":
		return s.Texts.YAxis + " (" + s.Unit + ")"
	case s.Texts.YAxis != "":
		return s.Texts.YAxis
	}
	return s.Unit
}

// grid returns the columns and rows of small multiples.
func grid(n int) (int, int) {
	cols := 3
	switch {
	case n <= 1:
		cols = 1
	case n <= 4:
		cols = 2
	}
	return cols, (max(n, 1) + cols - 1) / cols
}

// layout lays the chart out at Width × h units.
func layout(s *Spec, h float64) *scene {
	sc := &scene{w: Width, h: h}
	if !s.hasData() {
		sc.text(Width/2, h/2+fsEmpty*0.35, s.Texts.NoData, fsEmpty, "middle", "nodata")
		return sc
	}
	fixed, entries := frame(s)
	top := 6.0
	if t := topText(s); t != "" {
		sc.text(0, top+fsLabel, fit(t, Width, fsLabel), fsLabel, "start", "unit")
		top += 14
	}
	top += 4
	avail := math.Max(h-fixed, 60)
	bottom := top + avail
	if s.Kind == Multiples {
		sc.multiples(s, top, avail)
	} else {
		bottom = sc.single(s, top, avail)
	}
	if s.Texts.XAxis != "" {
		sc.text(Width/2, bottom+13, fit(s.Texts.XAxis, Width, fsLabel), fsLabel, "middle", "xaxis")
		bottom += 16
	}
	sc.drawLegend(entries, bottom+6)
	return sc
}

// single draws a line, bar or stacked chart with its plot area between top and top+ph and
// returns the y below its x labels.
func (sc *scene) single(s *Spec, top, ph float64) float64 {
	ys := scaleOf(s, 6)
	_, _, widest := tickLabels(s, ys)
	left := math.Max(widest+8, 24)
	p := plot{x: left, y: top + 6, w: Width - left - 8, h: ph - 6, sc: ys, n: len(s.Categories)}
	sc.axes(s, p)
	switch s.Kind {
	case Bar:
		sc.bars(s, p)
	case Stacked:
		sc.stacked(s, p)
	default:
		sc.lines(s, p, s.Series, s.comparisons())
	}
	sc.xLabels(s, p, p.y+p.h+16, false)
	return p.y + p.h + 22
}

// lines draws line series and their comparisons over a plot.
func (sc *scene) lines(s *Spec, p plot, series, compare []Series) {
	for i := range compare {
		sc.lineSeries(s, p, &compare[i], colourIndex(series, compare[i].Key, len(series)+i), true, 0)
	}
	m := len(series)
	for i := range series {
		off := 0.0
		if m > 1 {
			off = (float64(i) - float64(m-1)/2) * math.Min(4, p.slot()/float64(m))
		}
		sc.lineSeries(s, p, &series[i], i, false, off)
	}
	r := markerRadius(p)
	for i := range s.Categories {
		for j := range series {
			if series[j].value(i).Suppressed {
				if textWidth(s.Texts.Suppressed, fsNote) < p.slot()*1.6 {
					sc.text(p.cx(i), p.base()-2*r-5, s.Texts.Suppressed, fsNote, "middle", "suppressed-label")
				}
				break
			}
		}
	}
}

// colourIndex is the index of the series with the key (comparisons share its colour and
// shape), or def.
func colourIndex(series []Series, key string, def int) int {
	for i := range series {
		if series[i].Key == key {
			return i
		}
	}
	return def
}

// bars draws grouped bars, one per series and category, and the comparison values as dashed
// lines across the bars.
func (sc *scene) bars(s *Spec, p plot) {
	m := len(s.Series)
	group := p.slot() * 0.76
	bw := group / float64(max(m, 1))
	for i, c := range s.Categories {
		x0 := p.cx(i) - group/2
		for j := range s.Series {
			sr := &s.Series[j]
			v, x := sr.value(i), x0+float64(j)*bw
			tip := sr.Label + " – " + c.Label + ": "
			switch {
			case v.Published():
				sc.bar(p, x, bw, 0, v.V, j, tip+s.format(v.V, s.Decimals))
			case v.Suppressed:
				sc.suppressedBar(s, p, x, bw, tip+s.Texts.Suppressed, true)
			}
			if cmp := s.compareFor(sr.Key); cmp != nil {
				if cv := cmp.value(i); cv.Published() {
					y := p.yOf(cv.V)
					sc.add(item{kind: kPath, class: "compare", pts: []pt{{x, y}, {x + bw, y}}, stroke: "currentColor", width: 1.6, dash: true,
						title: cmp.Label + " – " + c.Label + ": " + s.format(cv.V, s.Decimals)})
				}
			}
		}
	}
}

// stacked draws one bar per category with the published segments stacked in series order;
// a bar with a suppressed segment gets the incomplete cap instead of a complete top.
func (sc *scene) stacked(s *Spec, p plot) {
	bw := p.slot() * 0.7
	for i, c := range s.Categories {
		x := p.cx(i) - bw/2
		pos, neg, hidden := 0.0, 0.0, false
		for j := range s.Series {
			v := s.Series[j].value(i)
			tip := s.Series[j].Label + " – " + c.Label + ": "
			switch {
			case v.Published() && v.V >= 0:
				sc.bar(p, x, bw, pos, pos+v.V, j, tip+s.format(v.V, s.Decimals))
				pos += v.V
			case v.Published():
				sc.bar(p, x, bw, neg, neg+v.V, j, tip+s.format(v.V, s.Decimals))
				neg += v.V
			case v.Suppressed:
				hidden = true
			}
		}
		if hidden {
			sc.incompleteCap(s, x, bw, p.yOf(pos), c.Label+": "+s.Texts.Suppressed)
		}
	}
}

// multiples draws one small line chart per series in a grid, all with the same y scale.
func (sc *scene) multiples(s *Spec, top, avail float64) {
	cols, rows := grid(len(s.Series))
	ys := scaleOf(s, 3)
	_, _, widest := tickLabels(s, ys)
	pw := (Width - float64(cols-1)*gap) / float64(cols)
	ph := (avail - float64(rows-1)*gap/2) / float64(rows)
	for k := range s.Series {
		px := float64(k%cols) * (pw + gap)
		py := top + float64(k/cols)*(ph+gap/2)
		sr := s.Series[k]
		sc.add(item{kind: kText, class: "panel-title", x: px, y: py + fsLabel, text: fit(sr.Label, pw, fsLabel), size: fsLabel, anchor: "start", bold: true, fill: "currentColor"})
		left := widest + 6
		p := plot{x: px + left, y: py + 26, w: pw - left - 4, h: ph - 26 - 18, sc: ys, n: len(s.Categories)}
		sc.axes(s, p)
		var cmp []Series
		if c := s.compareFor(sr.Key); c != nil {
			cmp = []Series{*c}
		}
		sc.lines(s, p, []Series{sr}, cmp)
		sc.xLabels(s, p, p.y+p.h+14, true)
	}
}
