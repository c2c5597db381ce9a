package consentform

import (
	"strings"

	"github.com/go-pdf/fpdf"
)

// Page geometry in millimetres (A4 portrait).
const (
	pageMarginL   = 16.0
	pageMarginR   = 16.0
	pageMarginTop = 12.0
	pageBodyEnd   = 297.0 - 20.0 // body text stops here; the footer follows
	fontFamily    = "DejaVu"
)

// style is a font and colour setting for text.
type style struct {
	size  float64 // points
	bold  bool
	grey  int // 0 = black; higher = lighter grey
	lineH float64
}

var (
	stBody    = style{size: 10, lineH: 4.5}
	stHead    = style{size: 10.5, bold: true, lineH: 5.0}
	stBold    = style{size: 10, bold: true, lineH: 4.5}
	stSmall   = style{size: 8, grey: 80, lineH: 3.7}
	stLangTag = style{size: 7.5, grey: 90, lineH: 3.7}
)

// frame is the horizontal area of a text block and its reading direction.
type frame struct {
	x, w float64
	rtl  bool // block direction: right-aligned, right-to-left base direction
	bar  bool // draw the translation bar beside every line of the block
}

// writer wraps fpdf with page breaks, the translation bar and bidi-aware
// paragraph layout.
type writer struct {
	pdf    *fpdf.Fpdf
	bar    *frame // the block whose bar is drawn while advancing, or nil
	margin bool   // drawing header or footer: never break the page
}

// setStyle selects font, size and colour.
func (w *writer) setStyle(st style) {
	fs := ""
	if st.bold {
		fs = "B"
	}
	w.pdf.SetFont(fontFamily, fs, st.size)
	w.pdf.SetTextColor(st.grey, st.grey, st.grey)
}

// ensure starts a new page when less than h millimetres are left.
func (w *writer) ensure(h float64) {
	if !w.margin && w.pdf.GetY()+h > pageBodyEnd {
		w.pdf.AddPage()
	}
}

// advance moves down by h, drawing the translation bar alongside.
func (w *writer) advance(h float64) {
	if h <= 0 {
		return
	}
	w.ensure(0.01)
	y := w.pdf.GetY()
	if y+h > pageBodyEnd {
		h = pageBodyEnd - y
	}
	w.drawBar(y, h)
	w.pdf.SetY(y + h)
}

// drawBar draws the bar of the active translation block for one line.
func (w *writer) drawBar(y, h float64) {
	if w.bar == nil || !w.bar.bar {
		return
	}
	x := w.bar.x - 3
	if w.bar.rtl {
		x = w.bar.x + w.bar.w + 3
	}
	w.pdf.SetDrawColor(150, 165, 200)
	w.pdf.SetLineWidth(0.8)
	w.pdf.Line(x, y, x, y+h)
	w.pdf.SetLineWidth(0.2)
	w.pdf.SetDrawColor(0, 0, 0)
}

// width measures text as drawn (isolate markers have no width).
func (w *writer) width(s string) float64 {
	return w.pdf.GetStringWidth(stripIsolates(s))
}

// breakLines shapes text and breaks it into lines no wider than width, in
// logical order. Explicit newlines start a new line. Isolates that span a
// line break are closed at the end of the line and reopened on the next, so
// every line can be reordered on its own.
func (w *writer) breakLines(text string, width float64) []string {
	var lines []string
	for _, para := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n") {
		words := strings.FieldsFunc(shapeArabic(para), func(r rune) bool { return r == ' ' || r == '\t' || r == '\r' })
		cur := ""
		for _, word := range words {
			for w.width(word) > width && len([]rune(word)) > 1 {
				// A word longer than the line: cut it where it fits.
				head, rest := w.cutToWidth(word, width)
				if cur != "" {
					lines = append(lines, cur)
					cur = ""
				}
				lines = append(lines, head)
				word = rest
			}
			switch {
			case cur == "":
				cur = word
			case w.width(cur+" "+word) <= width:
				cur += " " + word
			default:
				lines = append(lines, cur)
				cur = word
			}
		}
		if cur != "" || len(words) == 0 {
			lines = append(lines, cur)
		}
	}
	return balanceIsolates(lines)
}

// cutToWidth splits word into a head that fits width and the rest.
func (w *writer) cutToWidth(word string, width float64) (string, string) {
	rs := []rune(word)
	n := 1
	for n < len(rs) && w.width(string(rs[:n+1])) <= width {
		n++
	}
	return string(rs[:n]), string(rs[n:])
}

// balanceIsolates closes isolates left open at a line end and reopens them
// at the start of the next line.
func balanceIsolates(lines []string) []string {
	open := 0
	for i, l := range lines {
		prefix := strings.Repeat(string(isoOpen), open)
		for _, r := range l {
			switch r {
			case isoOpen:
				open++
			case isoClose:
				if open > 0 {
					open--
				}
			}
		}
		lines[i] = prefix + l + strings.Repeat(string(isoClose), open)
	}
	return lines
}

// drawLine draws one logical line in frame fr: shaped (shaping is
// idempotent), reordered for display with base direction rtl, aligned right
// when alignRight is set.
func (w *writer) drawLine(fr frame, st style, line string, rtl, alignRight bool) {
	w.ensure(st.lineH)
	y := w.pdf.GetY()
	w.drawBar(y, st.lineH)
	align := "L"
	if alignRight {
		align = "R"
	}
	w.setStyle(st)
	w.pdf.SetXY(fr.x, y)
	w.pdf.CellFormat(fr.w, st.lineH, visualOrder(shapeArabic(line), rtl), "", 0, align, false, 0, "")
	w.pdf.SetXY(fr.x, y+st.lineH)
}

// paragraph draws text in the block direction of fr.
func (w *writer) paragraph(fr frame, st style, text string) {
	w.paragraphDir(fr, st, text, fr.rtl)
}

// paragraphDir draws text with its own base direction rtl; the alignment
// follows the text direction (a German paragraph inside an Arabic block
// stays left-aligned).
func (w *writer) paragraphDir(fr frame, st style, text string, rtl bool) {
	w.paragraphAligned(fr, st, text, rtl, rtl)
}

// paragraphAligned draws text with base direction rtl and the given
// alignment (the letterhead stays left-aligned whatever its script).
func (w *writer) paragraphAligned(fr frame, st style, text string, rtl, alignRight bool) {
	w.setStyle(st)
	for _, l := range w.breakLines(text, fr.w) {
		w.drawLine(fr, st, l, rtl, alignRight)
	}
}

// bullet draws one list item with a hanging indent. The bullet sits on the
// start side of the block; the item keeps the block alignment.
func (w *writer) bullet(fr frame, st style, text string) {
	const indent = 5.0
	inner := frame{x: fr.x + indent, w: fr.w - indent, rtl: fr.rtl, bar: fr.bar}
	if fr.rtl {
		inner.x = fr.x
	}
	w.setStyle(st)
	lines := w.breakLines(text, inner.w)
	w.ensure(st.lineH * float64(min(len(lines), 2)))
	for i, l := range lines {
		if i == 0 {
			w.setStyle(st) // a page break may have changed the font
			y := w.pdf.GetY()
			w.pdf.SetXY(fr.x, y)
			align := "L"
			if fr.rtl {
				align = "R"
			}
			w.pdf.CellFormat(fr.w, st.lineH, "•", "", 0, align, false, 0, "")
			w.pdf.SetXY(fr.x, y)
		}
		w.drawLine(inner, st, l, fr.rtl, fr.rtl)
	}
}

// box draws text in a framed box (used for the explicit consent sentence).
func (w *writer) box(fr frame, st style, text string) {
	const pad = 2.0
	inner := frame{x: fr.x + pad, w: fr.w - 2*pad, rtl: fr.rtl}
	w.setStyle(st)
	lines := w.breakLines(text, inner.w)
	h := float64(len(lines))*st.lineH + 2*pad
	w.ensure(h)
	y := w.pdf.GetY()
	w.drawBar(y, h)
	w.pdf.SetDrawColor(60, 60, 60)
	w.pdf.SetLineWidth(0.3)
	w.pdf.Rect(fr.x, y, fr.w, h, "D")
	w.pdf.SetLineWidth(0.2)
	w.pdf.SetY(y + pad)
	saved := w.bar
	w.bar = nil // the bar was drawn for the whole box already
	for _, l := range lines {
		w.drawLine(inner, st, l, fr.rtl, fr.rtl)
	}
	w.bar = saved
	w.pdf.SetY(y + h)
}

// blankLine draws a line to write on, of the given length.
func (w *writer) blankLine(fr frame, length float64) {
	w.ensure(7)
	y := w.pdf.GetY() + 6
	x := fr.x
	if fr.rtl {
		x = fr.x + fr.w - length
	}
	w.drawBar(w.pdf.GetY(), 7)
	w.pdf.SetDrawColor(0, 0, 0)
	w.pdf.Line(x, y, x+length, y)
	w.pdf.SetY(y + 1)
}
