// Package pdfdoc writes the simple A4 documents of KIM (offer lists, minutes): a title, headings,
// paragraphs, label–value facts, bullet lists and tables that break across pages, with the
// embedded Unicode fonts of the consent form, Arabic shaping and right-to-left layout for
// Arabic and Farsi, and a footer with the page number; longer documents may open with a title
// page and a table of contents with page numbers (contents.go).
package pdfdoc

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/go-pdf/fpdf"

	"kim/internal/consentform"
)

// Page geometry in millimetres.
const (
	marginL, marginR, marginTop = 18.0, 18.0, 16.0
	bodyEnd                     = 297.0 - 18.0
	pageW                       = 210.0
	family                      = "DejaVu"
	cellPad                     = 1.2
)

type style struct {
	size, lineH float64
	bold        bool
	grey        int
}

var (
	stTitle = style{size: 16, lineH: 7.5, bold: true}
	stHead  = style{size: 12.5, lineH: 6.2, bold: true}
	stSub   = style{size: 10.5, lineH: 5.2, bold: true}
	stBody  = style{size: 10, lineH: 4.7}
	stSmall = style{size: 8, lineH: 3.8, grey: 90}
	stCell  = style{size: 8.8, lineH: 4.1}
	stCellB = style{size: 8.8, lineH: 4.1, bold: true}
)

// Doc is a document being written.
type Doc struct {
	pdf *fpdf.Fpdf
	rtl bool

	cover1   bool       // the first page is a title page (no footer)
	toc      []tocEntry // the entries of the contents (contents.go)
	tocToken string     // the random part of the contents' placeholders
}

// Options are optional settings of a document.
type Options struct {
	Author   string    // organisation or tenant shown in the metadata
	Footer   string    // text left in the footer (e.g. "Stadt Solingen · Angebote")
	PageWord string    // the word for "page" in the document's language ("Seite")
	Date     time.Time // creation date; zero means now
	Cover    *Cover    // a title page instead of the title at the top of the first page
}

// New starts a document with the given title (drawn at the top of the first page, or on a
// title page of its own with Options.Cover) in language
// lang ("de", "ar", …; Arabic and Farsi are laid out right to left).
func New(title, lang string, opt Options) *Doc {
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetCompression(true)
	reg, bold := consentform.Fonts()
	pdf.AddUTF8FontFromBytes(family, "", reg)
	pdf.AddUTF8FontFromBytes(family, "B", bold)
	pdf.SetMargins(marginL, marginTop, marginR)
	pdf.SetAutoPageBreak(false, 0)
	pdf.SetCellMargin(0)
	title = clean(title)
	pdf.SetTitle(title, true)
	pdf.SetAuthor(clean(opt.Author), true)
	pdf.SetCreator("KIM", true)
	if lang != "" {
		pdf.SetLang(lang)
	}
	date := opt.Date
	if date.IsZero() {
		date = time.Now()
	}
	pdf.SetCreationDate(date)
	pdf.SetModificationDate(date)
	pdf.AliasNbPages("{nb}")
	d := &Doc{pdf: pdf, rtl: lang == "ar" || lang == "fa"}
	word := clean(opt.PageWord)
	if word == "" {
		word = "Seite"
	}
	pdf.SetFooterFunc(func() {
		if d.cover1 && pdf.PageNo() == 1 {
			return
		}
		d.setStyle(stSmall)
		pdf.SetXY(marginL, bodyEnd+6)
		pdf.CellFormat(pageW-marginL-marginR, 4, consentform.Visual(firstLine(d, opt.Footer), d.rtl), "", 0, d.align(), false, 0, "")
		pdf.SetXY(marginL, bodyEnd+6)
		page := fmt.Sprintf("%s %d/{nb}", word, pdf.PageNo())
		if d.rtl {
			// Visual order: the number stands left of the (shaped) word.
			page = fmt.Sprintf("%d/{nb} %s", pdf.PageNo(), consentform.Visual(firstLine(d, word), true))
		}
		pdf.CellFormat(pageW-marginL-marginR, 4, page, "", 0, d.otherAlign(), false, 0, "")
	})
	pdf.AddPage()
	if opt.Cover != nil {
		d.cover(title, *opt.Cover)
		return d
	}
	d.text(stTitle, title)
	d.space(3)
	return d
}

func firstLine(d *Doc, s string) string {
	if s == "" {
		return ""
	}
	lines := d.lines(s, (pageW-marginL-marginR)*0.7)
	return lines[0]
}

// clean drops what the PDF fonts cannot carry: characters outside the Basic Multilingual
// Plane (emoji and the like; the font map of the PDF library ends at U+FFFF) and control
// characters other than newline and tab.
func clean(s string) string {
	return strings.Map(func(r rune) rune {
		if r > 0xFFFF || r == utf8.RuneError || (r < 0x20 && r != '\n' && r != '\t') || (r >= 0x7f && r < 0xa0) {
			return -1
		}
		return r
	}, strings.ToValidUTF8(s, ""))
}

// ltrRun is a run of left-to-right text (Latin or Cyrillic words, numbers, phone numbers,
// addresses, e-mail addresses) inside right-to-left text.
var ltrRun = regexp.MustCompile(`[\p{Latin}\p{Cyrillic}\p{Greek}0-9+][\p{Latin}\p{Cyrillic}\p{Greek}0-9 +\-./:@()_,–]*[\p{Latin}\p{Cyrillic}\p{Greek}0-9)]|[\p{Latin}\p{Cyrillic}\p{Greek}0-9]`)

// lines breaks s into lines of width w in logical order. In a right-to-left document every
// left-to-right run is isolated first, so that "0212 700-2355" keeps its order inside Arabic.
func (d *Doc) lines(s string, w float64) []string {
	s = clean(s)
	if d.rtl {
		s = ltrRun.ReplaceAllStringFunc(s, func(m string) string { return "\u2068" + m + "\u2069" })
	}
	return consentform.BreakLines(d.pdf, s, w)
}

func (d *Doc) align() string {
	if d.rtl {
		return "R"
	}
	return "L"
}

func (d *Doc) otherAlign() string {
	if d.rtl {
		return "L"
	}
	return "R"
}

func (d *Doc) setStyle(st style) {
	s := ""
	if st.bold {
		s = "B"
	}
	d.pdf.SetFont(family, s, st.size)
	d.pdf.SetTextColor(st.grey, st.grey, st.grey)
}

// ensure starts a new page when h millimetres do not fit any more.
func (d *Doc) ensure(h float64) bool {
	if d.pdf.GetY()+h > bodyEnd {
		d.pdf.AddPage()
		return true
	}
	return false
}

func (d *Doc) space(h float64) {
	if d.pdf.GetY()+h <= bodyEnd {
		d.pdf.SetY(d.pdf.GetY() + h)
	}
}

// text draws a paragraph across the full width.
func (d *Doc) text(st style, s string) {
	d.textAt(st, s, marginL, pageW-marginL-marginR)
}

func (d *Doc) textAt(st style, s string, x, w float64) {
	d.setStyle(st)
	for _, line := range d.lines(s, w) {
		d.ensure(st.lineH)
		y := d.pdf.GetY()
		d.pdf.SetXY(x, y)
		d.pdf.CellFormat(w, st.lineH, consentform.Visual(line, d.rtl), "", 0, d.align(), false, 0, "")
		d.pdf.SetXY(marginL, y+st.lineH)
	}
}

// Heading draws a section heading; it moves to a new page rather than stand alone at the end.
func (d *Doc) Heading(s string) {
	d.space(3)
	d.ensure(stHead.lineH + 3*stBody.lineH)
	d.text(stHead, s)
	d.space(1.5)
}

// Subheading draws a smaller heading.
func (d *Doc) Subheading(s string) {
	d.space(2)
	d.ensure(stSub.lineH + 2*stBody.lineH)
	d.text(stSub, s)
	d.space(0.8)
}

// Paragraph draws running text; newlines start new lines.
func (d *Doc) Paragraph(s string) {
	d.text(stBody, s)
	d.space(2)
}

// Small draws a line of small grey text (notes, sources, the date of the list).
func (d *Doc) Small(s string) {
	d.text(stSmall, s)
	d.space(1)
}

// Facts draws label–value pairs in two columns; pairs with an empty value are left out.
func (d *Doc) Facts(pairs [][2]string) {
	var rows [][]string
	for _, p := range pairs {
		if strings.TrimSpace(p[1]) != "" {
			rows = append(rows, []string{p[0], p[1]})
		}
	}
	d.rows(nil, rows, []float64{0.3, 0.7}, true, false)
	d.space(2)
}

// Bullets draws a bullet list.
func (d *Doc) Bullets(items []string) {
	w := pageW - marginL - marginR
	for _, it := range items {
		d.setStyle(stBody)
		lines := d.lines(it, w-5)
		for i, line := range lines {
			d.ensure(stBody.lineH)
			y := d.pdf.GetY()
			if i == 0 {
				bx := marginL
				if d.rtl {
					bx = pageW - marginR - 3
				}
				d.pdf.SetXY(bx, y)
				d.pdf.CellFormat(3, stBody.lineH, "•", "", 0, "C", false, 0, "")
			}
			x := marginL + 5
			if d.rtl {
				x = marginL
			}
			d.pdf.SetXY(x, y)
			d.pdf.CellFormat(w-5, stBody.lineH, consentform.Visual(line, d.rtl), "", 0, d.align(), false, 0, "")
			d.pdf.SetXY(marginL, y+stBody.lineH)
		}
	}
	d.space(2)
}

// Table draws a table with a header row (repeated on every page) and cells that wrap. widths
// are relative column widths (any unit; nil means equal columns).
func (d *Doc) Table(headers []string, rows [][]string, widths []float64) {
	d.rows(headers, rows, widths, false, true)
	d.space(2)
}

func (d *Doc) rows(headers []string, rows [][]string, widths []float64, boldFirst, lines bool) {
	n := len(headers)
	if n == 0 && len(rows) > 0 {
		n = len(rows[0])
	}
	if n == 0 {
		return
	}
	cols := columns(n, widths, pageW-marginL-marginR)
	if d.rtl {
		// The first column stands at the right.
		for i, j := 0, len(cols)-1; i < j; i, j = i+1, j-1 {
			cols[i], cols[j] = cols[j], cols[i]
		}
	}
	if headers != nil {
		d.row(cols, headers, stCellB, stCellB, lines, true)
	}
	first := stCell
	if boldFirst {
		first = stCellB
	}
	for _, r := range rows {
		wrapped, h := d.wrap(cols, r, first, stCell)
		if d.ensure(h) && headers != nil {
			// The row moved to a new page: repeat the header above it.
			d.row(cols, headers, stCellB, stCellB, lines, true)
		}
		d.draw(cols, wrapped, h, first, stCell, lines, false)
	}
}

// columns returns the x position and width of each column.
func columns(n int, widths []float64, total float64) [][2]float64 {
	sum := 0.0
	for i := 0; i < n; i++ {
		if i < len(widths) && widths[i] > 0 {
			sum += widths[i]
		} else {
			sum++
		}
	}
	out := make([][2]float64, n)
	x := marginL
	for i := 0; i < n; i++ {
		w := 1.0
		if i < len(widths) && widths[i] > 0 {
			w = widths[i]
		}
		out[i] = [2]float64{x, total * w / sum}
		x += out[i][1]
	}
	return out
}

// row draws one table row, on a new page when it does not fit.
func (d *Doc) row(cols [][2]float64, cells []string, first, rest style, lines, header bool) {
	wrapped, h := d.wrap(cols, cells, first, rest)
	d.ensure(h)
	d.draw(cols, wrapped, h, first, rest, lines, header)
}

// styleOf returns the style of column i (the first column of the reading order may differ).
func (d *Doc) styleOf(i, n int, first, rest style) style {
	if (!d.rtl && i == 0) || (d.rtl && i == n-1) {
		return first
	}
	return rest
}

// wrap breaks the cells of a row into lines per column and returns the row's height.
func (d *Doc) wrap(cols [][2]float64, cells []string, first, rest style) ([][]string, float64) {
	wrapped := make([][]string, len(cols))
	height := 0.0
	for i := range cols {
		st := d.styleOf(i, len(cols), first, rest)
		idx := i
		if d.rtl {
			idx = len(cols) - 1 - i
		}
		text := ""
		if idx < len(cells) {
			text = cells[idx]
		}
		d.setStyle(st)
		wrapped[i] = d.lines(text, cols[i][1]-2*cellPad)
		height = max(height, float64(len(wrapped[i]))*st.lineH+2*cellPad)
	}
	return wrapped, height
}

// draw draws a wrapped row at the current position.
func (d *Doc) draw(cols [][2]float64, wrapped [][]string, height float64, first, rest style, lines, header bool) {
	y := d.pdf.GetY()
	for i, c := range cols {
		st := d.styleOf(i, len(cols), first, rest)
		d.setStyle(st)
		for j, line := range wrapped[i] {
			d.pdf.SetXY(c[0]+cellPad, y+cellPad+float64(j)*st.lineH)
			d.pdf.CellFormat(c[1]-2*cellPad, st.lineH, consentform.Visual(line, d.rtl), "", 0, d.align(), false, 0, "")
		}
	}
	if lines {
		d.pdf.SetDrawColor(170, 170, 170)
		d.pdf.SetLineWidth(0.2)
		if header {
			d.pdf.SetLineWidth(0.4)
		}
		d.pdf.Line(marginL, y+height, pageW-marginR, y+height)
	}
	d.pdf.SetXY(marginL, y+height)
}

// FontFamily is the font family of every document, registered regular ("") and bold ("B");
// drawings into the page (charts) use it for their texts.
const FontFamily = family

// Clean drops what the document's fonts cannot carry (characters beyond U+FFFF, control
// characters, invalid UTF-8); drawings into the page pass their texts through it.
func Clean(s string) string { return clean(s) }

// Width is the width of the text area in millimetres.
func (d *Doc) Width() float64 { return pageW - marginL - marginR }

// Chart reserves h millimetres across the text area below the current position (on a new
// page when they do not fit; at most a page's text height) and calls draw with that rectangle
// to draw into the page with the PDF library (chart.DrawPDF). Afterwards the colours, line
// width and dash pattern are reset and the text continues below the rectangle.
func (d *Doc) Chart(h float64, draw func(p *fpdf.Fpdf, x, y, w, h float64)) {
	h = min(max(h, 0), bodyEnd-marginTop)
	d.space(2)
	d.ensure(h)
	y := d.pdf.GetY()
	if draw != nil {
		draw(d.pdf, marginL, y, d.Width(), h)
	}
	d.pdf.SetDashPattern(nil, 0)
	d.pdf.SetLineWidth(0.2)
	d.pdf.SetDrawColor(0, 0, 0)
	d.pdf.SetFillColor(255, 255, 255)
	d.pdf.SetXY(marginL, y+h)
	d.space(3)
}

// Figure draws a subheading and a chart (see Chart) below it, kept together on one page.
func (d *Doc) Figure(heading string, h float64, draw func(p *fpdf.Fpdf, x, y, w, h float64)) {
	h = min(max(h, 0), bodyEnd-marginTop-3*stSub.lineH)
	d.setStyle(stSub)
	head := float64(len(d.lines(heading, d.Width())))*stSub.lineH + 2 + 0.8
	d.space(2)
	d.ensure(head + 2 + h)
	d.text(stSub, heading)
	d.space(0.8)
	d.Chart(h, draw)
}

// Bytes finishes the document. A failure of the PDF library (it panics on some input) is
// returned as an error.
func (d *Doc) Bytes() (out []byte, err error) {
	defer func() {
		if p := recover(); p != nil {
			out, err = nil, fmt.Errorf("pdfdoc: %v", p)
		}
	}()
	if err := d.pdf.Error(); err != nil {
		return nil, fmt.Errorf("pdfdoc: %w", err)
	}
	d.finishContents()
	var buf bytes.Buffer
	if err := d.pdf.Output(&buf); err != nil {
		return nil, fmt.Errorf("pdfdoc: %w", err)
	}
	return buf.Bytes(), nil
}
