package chart

import (
	"math"
	"strconv"

	"github.com/go-pdf/fpdf"

	"kim/internal/consentform"
	"kim/internal/pdfdoc"
)

// PDFHeight is the height in millimetres at which the chart fills w millimetres, for
// pdfdoc.Doc.Chart.
func PDFHeight(s Spec, w float64) float64 { return Height(s, w) }

// DrawPDF draws the chart as vector graphics into the rectangle x, y, w × h (millimetres) of
// the current page of p, which must have the pdfdoc fonts (a pdfdoc.Doc's page, see
// pdfdoc.Doc.Chart). The layout is the SVG's, stretched to the rectangle's height.
func DrawPDF(p *fpdf.Fpdf, s Spec, x, y, w, h float64) {
	if w <= 0 || h <= 0 {
		return
	}
	k := w / Width
	sc := layout(&s, h/k)
	r := pdfRenderer{p: p, x: x, y: y, k: k}
	p.SetLineJoinStyle("round")
	for _, it := range sc.items {
		r.item(it)
	}
	p.SetDashPattern(nil, 0)
	p.SetLineJoinStyle("miter")
}

type pdfRenderer struct {
	p       *fpdf.Fpdf
	x, y, k float64
}

func (r pdfRenderer) at(q pt) (float64, float64) { return r.x + q.X*r.k, r.y + q.Y*r.k }

// rgb returns the colour of a paint; currentColor is the document's text colour (near black);
// opacity mixes it with white.
func rgb(c string, opacity float64) (int, int, int) {
	v := [3]int{34, 34, 34}
	if len(c) == 7 && c[0] == '#' {
		for i := range 3 {
			n, _ := strconv.ParseUint(c[1+2*i:3+2*i], 16, 8)
			v[i] = int(n)
		}
	}
	if opacity > 0 && opacity < 1 {
		for i := range v {
			v[i] = 255 - int(math.Round(float64(255-v[i])*opacity))
		}
	}
	return v[0], v[1], v[2]
}

// style sets the colours, width and dash of an item and returns the fpdf style string.
func (r pdfRenderer) style(it item) string {
	st := ""
	if it.fill != "" && it.fill != "none" && it.kind != kPath {
		r.p.SetFillColor(rgb(it.fill, 0))
		st = "F"
	}
	if it.stroke != "" && it.stroke != "none" {
		r.p.SetDrawColor(rgb(it.stroke, it.opacity))
		r.p.SetLineWidth(it.width * r.k)
		if it.dash {
			r.p.SetDashPattern([]float64{5 * r.k, 3 * r.k}, 0)
		} else {
			r.p.SetDashPattern(nil, 0)
		}
		st += "D"
	}
	return st
}

func (r pdfRenderer) item(it item) {
	p := r.p
	switch it.kind {
	case kRect:
		x, y := r.at(pt{it.x, it.y})
		w, h := it.w*r.k, it.h*r.k
		st := r.style(it)
		if st == "" || w <= 0 || h <= 0 {
			return
		}
		if st != "D" {
			p.Rect(x, y, w, h, "F")
		}
		if it.pattern != patNone && it.fill != "none" {
			r.hatch(it.pattern, x, y, w, h)
			r.style(it)
		}
		if st != "F" {
			p.Rect(x, y, w, h, "D")
		}
	case kPath:
		if r.style(it) == "" || len(it.pts) < 2 {
			return
		}
		p.MoveTo(r.at(it.pts[0]))
		for _, q := range it.pts[1:] {
			p.LineTo(r.at(q))
		}
		p.DrawPath("D")
	case kMarker:
		st := r.style(it)
		if poly := shapePoints(it.shape, it.x, it.y, it.r); poly != nil {
			pts := make([]fpdf.PointType, len(poly))
			for i, q := range poly {
				pts[i].X, pts[i].Y = r.at(q)
			}
			p.Polygon(pts, st)
			return
		}
		x, y := r.at(pt{it.x, it.y})
		p.Circle(x, y, it.r*r.k, st)
	case kText:
		r.text(it)
	}
}

// text draws a text at its anchor with the document font.
func (r pdfRenderer) text(it item) {
	bold := ""
	if it.bold {
		bold = "B"
	}
	r.p.SetFont(pdfdoc.FontFamily, bold, it.size*r.k*72/25.4)
	r.p.SetTextColor(rgb("currentColor", 0))
	s := consentform.Visual(pdfdoc.Clean(it.text), false)
	x, y := r.at(pt{it.x, it.y})
	switch it.anchor {
	case "middle":
		x -= r.p.GetStringWidth(s) / 2
	case "end":
		x -= r.p.GetStringWidth(s)
	}
	r.p.Text(x, y, s)
}

// hatch draws a fill pattern over a rectangle: lines 6 units apart (dots on a 6-unit grid),
// clipped to the rectangle, in the text colour.
func (r pdfRenderer) hatch(pattern int, x, y, w, h float64) {
	p, step := r.p, 6*r.k
	p.ClipRect(x, y, w, h, false)
	defer p.ClipEnd()
	p.SetDrawColor(rgb("currentColor", 0.7))
	p.SetFillColor(rgb("currentColor", 0.7))
	p.SetLineWidth(0.8 * r.k)
	p.SetDashPattern(nil, 0)
	from := func(v float64) float64 { return math.Floor(v/step) * step }
	if pattern == patHorizontal || pattern == patCross {
		for c := from(y); c <= y+h; c += step {
			p.Line(x, c, x+w, c)
		}
	}
	if pattern == patVertical || pattern == patCross {
		for c := from(x); c <= x+w; c += step {
			p.Line(c, y, c, y+h)
		}
	}
	switch pattern {
	case patDiagonal: // x + y = c
		for c := from(x + y); c <= x+w+y+h; c += step {
			p.Line(c-y, y, c-y-h, y+h)
		}
	case patBackDiagonal: // x − y = c
		for c := from(x - y - h); c <= x+w-y; c += step {
			p.Line(c+y, y, c+y+h, y+h)
		}
	case patDots:
		for cy := from(y) + step/2; cy <= y+h; cy += step {
			for cx := from(x) + step/2; cx <= x+w; cx += step {
				p.Circle(cx, cy, 0.8*r.k, "F")
			}
		}
	}
}
