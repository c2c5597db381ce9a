package pdfdoc

import (
	"crypto/rand"
	"fmt"
	"strconv"

	"kim/internal/consentform"
)

// A longer document (the annual report) opens with a title page (Options.Cover) and a table
// of contents (Contents) whose lines name the page each chapter starts on (Chapter). The
// contents stand before the chapters, so their page numbers are placeholders that the PDF
// library replaces when the document is finished (fpdf's aliases); the placeholders carry a
// random token of the document, so that no text of the document can contain one by chance.
// Each line links to its chapter, and each chapter is a bookmark of the PDF's outline.

// Cover is the title page of a document: the title (of New) large, a subtitle, label–value
// facts and a note at the foot of the page. The title page has no footer; the text of the
// document starts on the second page.
type Cover struct {
	Subtitle string      // e.g. the organisation the document is about
	Facts    [][2]string // e.g. year, audience, date of generation (pairs without a value are left out)
	Note     string      // small text at the foot of the page (e.g. a disclosure note)
}

var (
	stCoverTitle = style{size: 24, lineH: 11}
	stCoverSub   = style{size: 14, lineH: 7, grey: 60}
	stTOC        = style{size: 10.5, lineH: 6.2}
)

// Geometry of the title page and the contents, in millimetres.
const (
	coverTop  = 72.0 // where the title starts
	tocNumW   = 12.0 // the column of the page numbers
	tocLeader = 3.0  // gap between a title and the page number column
)

// tocEntry is a line of the contents.
type tocEntry struct {
	title string
	alias string // placeholder of the page number
	link  int    // internal link to the chapter
	page  int    // page the chapter starts on; 0 until Chapter is called
}

// cover draws the title page and starts the page the text begins on.
func (d *Doc) cover(title string, c Cover) {
	d.cover1 = true
	d.pdf.SetY(coverTop)
	st := stCoverTitle
	st.bold = true
	d.text(st, title)
	if c.Subtitle != "" {
		d.space(4)
		d.text(stCoverSub, c.Subtitle)
	}
	d.space(14)
	d.Facts(c.Facts)
	if c.Note != "" {
		d.setStyle(stSmall)
		h := float64(len(d.lines(c.Note, d.Width())))*stSmall.lineH + 3
		if y := bodyEnd - h; y > d.pdf.GetY() {
			d.pdf.SetDrawColor(170, 170, 170)
			d.pdf.SetLineWidth(0.2)
			d.pdf.Line(marginL, y, pageW-marginR, y)
			d.pdf.SetY(y + 3)
		}
		d.text(stSmall, c.Note)
	}
	d.NewPage()
}

// NewPage ends the current page; the text continues at the top of the next one.
func (d *Doc) NewPage() {
	d.pdf.AddPage()
}

// PageNo is the number of the current page (the title page is page 1).
func (d *Doc) PageNo() int { return d.pdf.PageNo() }

// Contents draws a table of contents under heading: one line per title with the page its
// chapter starts on, filled in by Chapter. The entries are numbered across all calls of
// Contents in the order of titles.
func (d *Doc) Contents(heading string, titles []string) {
	if heading != "" {
		d.Heading(heading)
	}
	if d.tocToken == "" {
		// A random order of the ten digits: unlikely in any text, and with the "-" of the
		// placeholder it puts every character that replaces a placeholder into the font subset
		// of the PDF (only characters drawn somewhere are embedded).
		digits := []byte("0123456789")
		var r [len("0123456789")]byte
		_, _ = rand.Read(r[:]) // never fails (crypto/rand)
		for i := len(digits) - 1; i > 0; i-- {
			j := int(r[i]) % (i + 1)
			digits[i], digits[j] = digits[j], digits[i]
		}
		d.tocToken = string(digits)
	}
	w := d.Width()
	for _, t := range titles {
		e := tocEntry{title: clean(t), alias: fmt.Sprintf("{toc-%s-%d}", d.tocToken, len(d.toc)), link: d.pdf.AddLink()}
		d.toc = append(d.toc, e)
		d.setStyle(stTOC)
		lines := d.lines(e.title, w-tocNumW-tocLeader)
		h := float64(len(lines)) * stTOC.lineH
		d.ensure(h)
		y := d.pdf.GetY()
		titleX, numX := marginL, pageW-marginR-tocNumW
		if d.rtl {
			titleX, numX = marginL+tocNumW+tocLeader, marginL
		}
		for i, line := range lines {
			d.pdf.SetXY(titleX, y+float64(i)*stTOC.lineH)
			d.pdf.CellFormat(w-tocNumW-tocLeader, stTOC.lineH, consentform.Visual(line, d.rtl), "", 0, d.align(), false, 0, "")
		}
		// The number stands at the start of its column: the placeholder is wider than the
		// number that replaces it, so aligning it to the far edge would misplace the number.
		last := y + float64(len(lines)-1)*stTOC.lineH
		d.pdf.SetXY(numX, last)
		d.pdf.CellFormat(tocNumW, stTOC.lineH, e.alias, "", 0, "L", false, 0, "")
		d.pdf.SetDrawColor(190, 190, 190)
		d.pdf.SetLineWidth(0.15)
		d.pdf.SetDashPattern([]float64{0.4, 0.9}, 0)
		lx0, lx1 := marginL+d.pdf.GetStringWidth(lines[len(lines)-1])+1.5, numX-tocLeader+1.5
		if d.rtl {
			lx0, lx1 = marginL+tocNumW-2, pageW-marginR-d.pdf.GetStringWidth(lines[len(lines)-1])-1.5
		}
		if lx1 > lx0 {
			d.pdf.Line(lx0, last+stTOC.lineH-1.4, lx1, last+stTOC.lineH-1.4)
		}
		d.pdf.SetDashPattern(nil, 0)
		d.pdf.Link(marginL, y, w, h, e.link)
		d.pdf.SetXY(marginL, y+h)
	}
	d.space(2)
}

// Chapter starts chapter i of the contents (see Contents): it draws its title as a heading,
// records the page the heading stands on for the contents and adds the chapter to the PDF's
// outline. An index outside the contents draws the heading only.
func (d *Doc) Chapter(i int) {
	if i < 0 || i >= len(d.toc) {
		return
	}
	e := &d.toc[i]
	d.space(3)
	d.ensure(stHead.lineH + 3*stBody.lineH)
	e.page = d.pdf.PageNo()
	y := d.pdf.GetY()
	d.pdf.SetLink(e.link, y, e.page)
	d.setStyle(stHead)
	d.pdf.Bookmark(e.title, 0, y)
	d.text(stHead, e.title)
	d.space(1.5)
}

// ContentsPages returns the page each entry of the contents starts on, in the order of the
// entries (0 for a chapter not started).
func (d *Doc) ContentsPages() []int {
	out := make([]int, len(d.toc))
	for i, e := range d.toc {
		out[i] = e.page
	}
	return out
}

// finishContents puts the page numbers in place of the placeholders ("-" for chapters that
// were never started).
func (d *Doc) finishContents() {
	for _, e := range d.toc {
		n := "-"
		if e.page > 0 {
			n = strconv.Itoa(e.page)
		}
		d.pdf.RegisterAlias(e.alias, n)
	}
}
