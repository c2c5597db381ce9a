package chart

import (
	"fmt"
	"hash/fnv"
	"html/template"
	"strconv"
	"strings"
	"unicode/utf8"
)

var kindNames = [...]string{Line: "line", Bar: "bar", Stacked: "stacked", Multiples: "multiples"}

func (k Kind) String() string {
	if k >= 0 && int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "line"
}

// SVG draws the chart as inline SVG: role img, labelled by its <title> and <desc>, as wide as
// its container (the height follows from the viewBox). Text, axes and outlines use
// currentColor; series differ by colour and by pattern (bars) or marker shape (lines). Elements
// carry classes (bar, suppressed, incomplete, line, compare, marker, grid, axis, tick, xlabel,
// legend, nodata) for the stylesheet, e.g. for a forced-colours rule. The output is
// deterministic and every text is escaped.
func SVG(s Spec) template.HTML {
	id := elementID(&s)
	sc := layout(&s, naturalHeight(&s))
	var b strings.Builder
	labelled := id + "-title"
	if s.Description != "" {
		labelled += " " + id + "-desc"
	}
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-%s" id="%s" role="img" aria-labelledby="%s" viewBox="0 0 %s %s" width="100%%" preserveAspectRatio="xMidYMid meet" focusable="false" font-family="sans-serif">`,
		s.Kind, id, labelled, num(sc.w), num(sc.h))
	fmt.Fprintf(&b, `<title id="%s-title">%s</title>`, id, esc(s.Title))
	if s.Description != "" {
		fmt.Fprintf(&b, `<desc id="%s-desc">%s</desc>`, id, esc(s.Description))
	}
	writePatterns(&b, id, sc)
	for _, it := range sc.items {
		writeItem(&b, id, it)
	}
	b.WriteString("</svg>")
	return template.HTML(b.String()) //nolint:gosec // every text above is escaped by esc
}

// elementID returns the spec's id restricted to letters, digits, - and _, or one derived from
// the spec's title and keys.
func elementID(s *Spec) string {
	if s.ID != "" {
		return "chart-" + strings.Map(func(r rune) rune {
			if r == '-' || r == '_' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9') {
				return r
			}
			return '-'
		}, s.ID)
	}
	h := fnv.New32a()
	fmt.Fprint(h, s.Kind, s.Title)
	for _, c := range s.Categories {
		fmt.Fprint(h, "|", c.Key)
	}
	for _, sr := range s.Series {
		fmt.Fprint(h, "|", sr.Key)
	}
	return fmt.Sprintf("chart-%08x", h.Sum32())
}

// esc escapes text for XML and drops what XML cannot carry (control characters, invalid UTF-8).
func esc(s string) string {
	s = strings.Map(func(r rune) rune {
		if r == utf8.RuneError || (r < 0x20 && r != '\n' && r != '\t') || r == 0xFFFE || r == 0xFFFF {
			return -1
		}
		return r
	}, strings.ToValidUTF8(s, ""))
	return template.HTMLEscapeString(s)
}

// num writes a coordinate with at most two decimals.
func num(v float64) string {
	s := strconv.FormatFloat(v, 'f', 2, 64)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	if s == "-0" {
		return "0"
	}
	return s
}

// patternPaths are the strokes of the fill patterns in a 6 × 6 tile.
var patternPaths = [nPatterns]string{
	patDiagonal:     "M-1,1L1,-1M0,6L6,0M5,7L7,5",
	patDots:         "M2.5,3a0.8,0.8 0 1,0 1.6,0a0.8,0.8 0 1,0 -1.6,0",
	patHorizontal:   "M0,3H6",
	patCross:        "M0,3H6M3,0V6",
	patVertical:     "M3,0V6",
	patBackDiagonal: "M-1,5L1,7M0,0L6,6M5,-1L7,1",
}

// writePatterns defines the patterns the scene uses.
func writePatterns(b *strings.Builder, id string, sc *scene) {
	var used [nPatterns]bool
	seen := false
	for _, it := range sc.items {
		if it.kind == kRect && it.pattern != patNone {
			used[it.pattern], seen = true, true
		}
	}
	if !seen {
		return
	}
	b.WriteString("<defs>")
	for p, ok := range used {
		if ok {
			fmt.Fprintf(b, `<pattern id="%s-p%d" patternUnits="userSpaceOnUse" width="6" height="6"><path d="%s" fill="none" stroke="currentColor" stroke-width="1" stroke-opacity="0.7"/></pattern>`,
				id, p, patternPaths[p])
		}
	}
	b.WriteString("</defs>")
}

// paint writes the fill and stroke attributes of an item.
func paint(it item) string {
	fill := it.fill
	if fill == "" || it.kind == kPath {
		fill = "none"
	}
	return ` fill="` + fill + `"` + strokeAttrs(it)
}

func strokeAttrs(it item) string {
	if it.stroke == "" || it.stroke == "none" {
		return ""
	}
	out := ` stroke="` + it.stroke + `" stroke-width="` + num(it.width) + `"`
	if it.opacity > 0 {
		out += ` stroke-opacity="` + num(it.opacity) + `"`
	}
	if it.dash {
		out += ` stroke-dasharray="5 3"`
	}
	return out
}

func writeItem(b *strings.Builder, id string, it item) {
	tip := ""
	if it.title != "" {
		tip = "<title>" + esc(it.title) + "</title>"
	}
	cls := ` class="` + it.class + `"`
	switch it.kind {
	case kRect:
		geo := fmt.Sprintf(`x="%s" y="%s" width="%s" height="%s"`, num(it.x), num(it.y), num(it.w), num(it.h))
		if it.pattern != patNone && it.fill != "none" {
			// The pattern lies over the colour; the outline comes last so that it stays sharp.
			fmt.Fprintf(b, `<g%s>%s<rect %s fill="%s"/><rect %s fill="url(#%s-p%d)"%s/></g>`, cls, tip, geo, it.fill, geo, id, it.pattern, strokeAttrs(it))
			return
		}
		fmt.Fprintf(b, `<rect%s %s%s>%s</rect>`, cls, geo, paint(it), tip)
	case kPath:
		pts := make([]string, len(it.pts))
		for i, p := range it.pts {
			pts[i] = num(p.X) + "," + num(p.Y)
		}
		fmt.Fprintf(b, `<polyline%s points="%s"%s stroke-linejoin="round">%s</polyline>`, cls, strings.Join(pts, " "), paint(it), tip)
	case kMarker:
		if poly := shapePoints(it.shape, it.x, it.y, it.r); poly != nil {
			var d strings.Builder
			for i, p := range poly {
				if i == 0 {
					d.WriteString("M")
				} else {
					d.WriteString("L")
				}
				d.WriteString(num(p.X) + "," + num(p.Y))
			}
			fmt.Fprintf(b, `<path%s d="%sZ"%s>%s</path>`, cls, d.String(), paint(it), tip)
			return
		}
		fmt.Fprintf(b, `<circle%s cx="%s" cy="%s" r="%s"%s>%s</circle>`, cls, num(it.x), num(it.y), num(it.r), paint(it), tip)
	case kText:
		weight := ""
		if it.bold {
			weight = ` font-weight="bold"`
		}
		fmt.Fprintf(b, `<text%s x="%s" y="%s" font-size="%s" text-anchor="%s"%s fill="currentColor">%s%s</text>`,
			cls, num(it.x), num(it.y), num(it.size), it.anchor, weight, tip, esc(it.text))
	}
}
