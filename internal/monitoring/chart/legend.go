package chart

// The swatches of legend entries.
const (
	swBar = iota
	swLine
	swCompare
	swSuppressedBar
	swSuppressedLine
	swIncomplete
)

// legendEntry is one swatch with its text; idx is the series' colour index.
type legendEntry struct {
	swatch, idx int
	label       string
}

// legend lists the legend entries: the series (not for small multiples, whose panels carry
// their names), the drawn comparisons, and the suppressed marker when one is drawn.
func legend(s *Spec) []legendEntry {
	var out []legendEntry
	if s.Kind != Multiples {
		for i, sr := range s.Series {
			sw := swLine
			if s.Kind == Bar || s.Kind == Stacked {
				sw = swBar
			}
			out = append(out, legendEntry{sw, i, sr.Label})
		}
	}
	for i, c := range s.comparisons() {
		idx := colourIndex(s.Series, c.Key, len(s.Series)+i)
		label := c.Label
		if label == "" && idx < len(s.Series) {
			label = s.Series[idx].Label
		}
		switch {
		case s.Kind == Multiples:
			if i > 0 || s.Texts.Comparison == "" {
				continue
			}
			label, idx = s.Texts.Comparison, 0
		case s.Texts.Comparison != "":
			label += " (" + s.Texts.Comparison + ")"
		}
		out = append(out, legendEntry{swCompare, idx, label})
	}
	if !anySuppressed(s) {
		return out
	}
	text := s.Texts.SuppressedLegend
	if text == "" {
		text = s.Texts.Suppressed
	}
	switch s.Kind {
	case Stacked:
		if s.Texts.Incomplete != "" {
			text = s.Texts.Incomplete
		}
		out = append(out, legendEntry{swIncomplete, 0, text})
	case Bar:
		out = append(out, legendEntry{swSuppressedBar, 0, text})
	default:
		out = append(out, legendEntry{swSuppressedLine, 0, text})
	}
	return out
}

func anySuppressed(s *Spec) bool {
	for _, sr := range s.Series {
		for i := range s.Categories {
			if sr.value(i).Suppressed {
				return true
			}
		}
	}
	return false
}

const swatchW, legendX = 24.0, 4.0

// legendRows places the entries in rows across Width: the x of each entry and its row.
func legendRows(entries []legendEntry) ([]float64, []int, int) {
	xs, rows := make([]float64, len(entries)), make([]int, len(entries))
	x, row := legendX, 0
	for i, e := range entries {
		w := entryWidth(e)
		if x > legendX && x+w > Width {
			x, row = legendX, row+1
		}
		xs[i], rows[i] = x, row
		x += w + 14
	}
	if len(entries) == 0 {
		return xs, rows, 0
	}
	return xs, rows, row + 1
}

func entryWidth(e legendEntry) float64 {
	return swatchW + 6 + textWidth(fit(e.label, Width-legendX-swatchW-6, fsLegend), fsLegend)
}

func legendHeight(entries []legendEntry) float64 {
	_, _, n := legendRows(entries)
	return float64(n) * legendRH
}

// drawLegend draws the entries in rows from y on.
func (sc *scene) drawLegend(entries []legendEntry, y float64) {
	xs, rows, _ := legendRows(entries)
	for i, e := range entries {
		x, mid := xs[i], y+float64(rows[i])*legendRH+legendRH/2
		col := colour(e.idx)
		switch e.swatch {
		case swBar:
			sc.add(item{kind: kRect, class: "swatch", x: x, y: mid - 6, w: swatchW, h: 12, fill: col, pattern: e.idx % nPatterns, stroke: "currentColor", width: 0.6})
		case swLine, swCompare:
			fill := col
			if e.swatch == swCompare {
				fill = "none"
			}
			sc.add(item{kind: kPath, class: "swatch", pts: []pt{{x, mid}, {x + swatchW, mid}}, stroke: col, width: 2, dash: e.swatch == swCompare})
			sc.add(item{kind: kMarker, class: "swatch", x: x + swatchW/2, y: mid, r: 3.6, shape: e.idx % nShapes, fill: fill, stroke: col, width: 1.2})
		case swSuppressedBar:
			sc.add(item{kind: kRect, class: "swatch", x: x + 3, y: mid, w: swatchW - 6, h: 6, fill: "none", stroke: "currentColor", width: 1, dash: true})
		case swSuppressedLine:
			sc.add(item{kind: kMarker, class: "swatch", x: x + swatchW/2, y: mid + 2, r: 3.6, shape: shapeCircle, fill: "none", stroke: "currentColor", width: 1.2})
		case swIncomplete:
			sc.add(item{kind: kPath, class: "swatch", pts: []pt{{x + 3, mid + 5}, {x + 3, mid - 3}, {x + swatchW - 3, mid - 3}, {x + swatchW - 3, mid + 5}},
				fill: "none", stroke: "currentColor", width: 1, dash: true})
		}
		sc.text(x+swatchW+6, mid+fsLegend*0.35, fit(e.label, Width-legendX-swatchW-6, fsLegend), fsLegend, "start", "legend")
	}
}
