package consentform

import (
	"bytes"
	_ "embed"
	"fmt"
	"time"

	"github.com/go-pdf/fpdf"
)

//go:embed fonts/DejaVuSans.ttf
var fontRegular []byte

//go:embed fonts/DejaVuSans-Bold.ttf
var fontBold []byte

// pdfDate is written as creation and modification date so that the same
// form always gives the same bytes. The real date of the consent is the
// one printed on the form (GivenOn) and recorded in KIM.
var pdfDate = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

const (
	pageWidth  = 210.0
	bodyWidth  = pageWidth - pageMarginL - pageMarginR
	transShift = 5.0 // indent of translation blocks
	itemGap    = 1.2
	blockGap   = 2.6
)

// Render validates f and returns the consent form as PDF.
func Render(f Form) ([]byte, error) {
	if err := Validate(f); err != nil {
		return nil, err
	}
	all, err := loadTexts()
	if err != nil {
		return nil, err
	}
	r := &renderer{f: f, de: all["de"]}
	if f.Lang != "de" {
		r.tr = all[f.Lang]
	}
	// First pass to count the pages for "Seite x von y", second pass to
	// print. fpdf's page-count alias would misalign right-aligned text.
	pdf, err := r.layout(0)
	if err != nil {
		return nil, err
	}
	if pdf, err = r.layout(pdf.PageCount()); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		return nil, fmt.Errorf("consentform: write pdf: %w", err)
	}
	return buf.Bytes(), nil
}

// renderer lays out one form.
type renderer struct {
	f      Form
	de, tr *texts // tr is nil for a German-only form
	w      *writer
	total  int // number of pages, 0 while counting
}

// layout builds the document; total is the page count for the footer.
func (r *renderer) layout(total int) (*fpdf.Fpdf, error) {
	r.total = total
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetCompression(true)
	pdf.SetCatalogSort(true)
	pdf.SetCreationDate(pdfDate)
	pdf.SetModificationDate(pdfDate)
	pdf.AddUTF8FontFromBytes(fontFamily, "", fontRegular)
	pdf.AddUTF8FontFromBytes(fontFamily, "B", fontBold)
	pdf.SetMargins(pageMarginL, pageMarginTop, pageMarginR)
	pdf.SetAutoPageBreak(false, 0)
	pdf.SetCellMargin(0) // frames are exact; RTL lines must not overflow on the left
	pdf.SetTitle(r.de.Title, true)
	pdf.SetSubject(r.de.Programme, true)
	pdf.SetAuthor(r.f.Organisation, true)
	pdf.SetCreator("KIM", true)
	pdf.SetLang("de-DE")
	r.w = &writer{pdf: pdf}
	pdf.SetHeaderFunc(r.header)
	pdf.SetFooterFunc(r.footer)

	pdf.AddPage()
	r.titleBlock()
	r.personBlock()
	deSecs := buildSections(r.de, r.f)
	var trSecs []section
	if r.tr != nil {
		trSecs = buildSections(r.tr, r.f)
	}
	for i, sec := range deSecs {
		if i == len(deSecs)-1 {
			// Keep the declaration and the signature fields on one page.
			need := r.measure(r.germanFrame(), sec, false) + r.signaturesHeight()
			if r.tr != nil {
				need += r.measure(r.transFrame(), trSecs[i], true)
			}
			r.w.ensure(need)
		}
		r.block(r.germanFrame(), sec, false)
		if r.tr != nil {
			r.block(r.transFrame(), trSecs[i], true)
		}
		r.w.advance(blockGap)
	}
	r.signatures()
	if err := pdf.Error(); err != nil {
		return nil, fmt.Errorf("consentform: layout: %w", err)
	}
	return pdf, nil
}

func (r *renderer) germanFrame() frame {
	return frame{x: pageMarginL, w: bodyWidth}
}

// transFrame is the frame of translation blocks: indented on the start
// side and marked by a bar.
func (r *renderer) transFrame() frame {
	rtl := r.tr != nil && isRTLText(r.tr.LangName)
	if rtl {
		return frame{x: pageMarginL, w: bodyWidth - transShift, rtl: true, bar: true}
	}
	return frame{x: pageMarginL + transShift, w: bodyWidth - transShift, bar: true}
}

// header prints the organisation on every page (with address on page 1).
func (r *renderer) header() {
	w, pdf := r.w, r.w.pdf
	saved := w.bar
	w.bar, w.margin = nil, true
	pdf.SetY(pageMarginTop)
	fr := r.germanFrame()
	if pdf.PageNo() == 1 {
		w.paragraphAligned(fr, style{size: 11, bold: true, lineH: 5}, r.f.Organisation, isRTLText(r.f.Organisation), false)
		for _, l := range r.f.OrgAddress {
			w.paragraphAligned(fr, stSmall, l, isRTLText(l), false)
		}
	} else {
		y := pdf.GetY()
		orgSt, titleSt := style{size: 8.5, bold: true, lineH: 4}, style{size: 8, grey: 80, lineH: 4}
		w.setStyle(orgSt)
		org := truncate(r.f.Organisation, 90)
		orgW := w.width(shapeArabic(org))
		w.drawLine(fr, orgSt, org, isRTLText(org), false)
		w.setStyle(titleSt)
		if orgW+w.width(r.de.ShortTitle)+6 <= fr.w {
			pdf.SetY(y)
			w.drawLine(fr, titleSt, r.de.ShortTitle, false, true)
		}
	}
	y := pdf.GetY() + 1.5
	pdf.SetDrawColor(120, 120, 120)
	pdf.SetLineWidth(0.3)
	pdf.Line(pageMarginL, y, pageWidth-pageMarginR, y)
	pdf.SetLineWidth(0.2)
	pdf.SetY(y + 4)
	w.bar, w.margin = saved, false
}

// footer prints form version, client and "Seite x von y".
func (r *renderer) footer() {
	w, pdf := r.w, r.w.pdf
	saved := w.bar
	w.bar, w.margin = nil, true
	y := 297.0 - 15
	pdf.SetDrawColor(120, 120, 120)
	pdf.Line(pageMarginL, y, pageWidth-pageMarginR, y)
	pdf.SetY(y + 1.5)
	fr := r.germanFrame()
	st := style{size: 8, grey: 60, lineH: 4}
	left := fmt.Sprintf("Formular %s · %s", r.f.FormVersion, isolate(truncate(r.f.ClientName, 60)))
	w.drawLine(fr, st, left, false, false)
	total := "?"
	if r.total > 0 {
		total = fmt.Sprint(r.total)
	}
	pdf.SetY(y + 1.5)
	w.drawLine(fr, st, fmt.Sprintf("Seite %d von %s", pdf.PageNo(), total), false, true)
	w.bar, w.margin = saved, false
}

// titleBlock prints the German title, the translated title and the note
// that the German text is binding.
func (r *renderer) titleBlock() {
	w := r.w
	fr := r.germanFrame()
	w.paragraph(fr, style{size: 14, bold: true, lineH: 6.2}, r.de.Title)
	w.paragraph(fr, style{size: 9, grey: 70, lineH: 4.2}, r.de.Programme)
	if r.tr != nil {
		w.advance(1.5)
		tf := r.transFrame()
		w.bar = &tf
		r.taggedHead(tf, scaled(style{size: 12, bold: true, lineH: 5.6}, tf), r.tr.Title)
		w.paragraph(tf, scaled(style{size: 9, grey: 70, lineH: 4.2}, tf), r.tr.Programme)
		w.paragraph(tf, scaled(style{size: 9, lineH: 4.3}, tf), r.tr.TranslationNote)
		w.bar = nil
	}
	w.advance(3)
}

// taggedHead prints the heading of a translation block with the language
// name (in that language) as a small tag on the end side of its first line.
func (r *renderer) taggedHead(fr frame, st style, head string) {
	w := r.w
	w.ensure(st.lineH)
	y := w.pdf.GetY()
	w.setStyle(stLangTag)
	tagW := w.width(shapeArabic(r.tr.LangName)) + 4
	w.drawLine(fr, stLangTag, r.tr.LangName, fr.rtl, !fr.rtl)
	w.pdf.SetY(y)
	hf := fr
	hf.w -= tagW
	if fr.rtl {
		hf.x += tagW
	}
	w.paragraph(hf, st, head)
}

// personRow is one row of the box that identifies the client.
type personRow struct{ de, tr, value string }

// personBlock prints name, name in original script and birth date, each
// labelled in German and (on the right) in the translation. An empty birth
// date gets a line to fill in.
func (r *renderer) personBlock() {
	rows := []personRow{{r.de.LabelName, r.trText(func(t *texts) string { return t.LabelName }), r.f.ClientName}}
	if r.f.ClientNameOriginal != "" {
		rows = append(rows, personRow{r.de.LabelNameOriginal, r.trText(func(t *texts) string { return t.LabelNameOriginal }), r.f.ClientNameOriginal})
	}
	rows = append(rows, personRow{r.de.LabelBirthDate, r.trText(func(t *texts) string { return t.LabelBirthDate }), r.f.BirthDate})

	w, pdf := r.w, r.w.pdf
	const labelW, trW, minRowH = 48.0, 50.0, 7.0
	valueW := bodyWidth - labelW - trW
	valSt := style{size: 10.5, lineH: 5}
	w.ensure(minRowH * float64(len(rows)))
	top := pdf.GetY()
	for _, row := range rows {
		w.setStyle(valSt)
		lines := w.breakLines(row.value, valueW-2)
		rowH := max(minRowH, float64(len(lines))*valSt.lineH+2)
		y := pdf.GetY()
		w.drawLine(frame{x: pageMarginL + 1.5, w: labelW}, style{size: 9.5, bold: true, lineH: minRowH}, row.de, false, false)
		vf := frame{x: pageMarginL + labelW, w: valueW}
		if row.value == "" {
			pdf.SetDrawColor(0, 0, 0)
			pdf.Line(vf.x, y+rowH-1.5, vf.x+vf.w-4, y+rowH-1.5)
		} else {
			pdf.SetY(y + (rowH-float64(len(lines))*valSt.lineH)/2)
			rtl := isRTLText(row.value)
			for _, l := range lines {
				w.drawLine(vf, valSt, l, rtl, false)
			}
		}
		if row.tr != "" {
			pdf.SetY(y)
			w.drawLine(frame{x: pageWidth - pageMarginR - trW - 1.5, w: trW}, style{size: 8.5, grey: 70, lineH: minRowH}, row.tr, isRTLText(row.tr), true)
		}
		pdf.SetY(y + rowH)
		pdf.SetDrawColor(200, 200, 200)
		pdf.Line(pageMarginL, y+rowH, pageWidth-pageMarginR, y+rowH)
	}
	pdf.SetDrawColor(120, 120, 120)
	pdf.Rect(pageMarginL, top, bodyWidth, pdf.GetY()-top, "D")
	w.advance(4)
}

// trText returns a translated text, or "" for a German-only form.
func (r *renderer) trText(get func(*texts) string) string {
	if r.tr == nil {
		return ""
	}
	return get(r.tr)
}

// block prints one section in one language.
func (r *renderer) block(fr frame, sec section, translated bool) {
	w := r.w
	body, head := scaled(stBody, fr), scaled(stHead, fr)
	w.setStyle(body)
	// Keep the heading with the first lines of text.
	w.ensure(head.lineH + 3*body.lineH)
	if translated {
		w.bar = &fr
		r.taggedHead(fr, head, sec.head)
	} else {
		w.paragraph(fr, head, sec.head)
	}
	w.advance(0.6)
	for _, it := range sec.items {
		r.item(fr, it)
		w.advance(itemGap)
	}
	w.bar = nil
	if translated {
		w.advance(0.8)
	}
}

// item prints one part of a section.
func (r *renderer) item(fr frame, it item) {
	w := r.w
	body, bold := scaled(stBody, fr), scaled(stBold, fr)
	switch it.kind {
	case itemText:
		w.paragraph(fr, body, it.text)
	case itemLabel:
		w.paragraph(fr, bold, it.text)
	case itemList:
		for _, s := range it.list {
			w.bullet(fr, body, s)
		}
	case itemValues:
		for _, s := range it.list {
			w.bullet(fr, body, isolate(s))
		}
	case itemValue:
		vf := frame{x: fr.x + transShift, w: fr.w - transShift, rtl: fr.rtl, bar: fr.bar}
		if fr.rtl {
			vf.x = fr.x
		}
		w.paragraphDir(vf, stBody, it.text, isRTLText(it.text))
	case itemBox:
		w.box(fr, bold, it.text)
	case itemBlank:
		w.blankLine(fr, 95)
	}
}

// signatures prints the signature fields: place and date, client (or legal
// guardian), case manager and interpreter, each labelled in German and in
// the translation.
func (r *renderer) signatures() {
	w, pdf := r.w, r.w.pdf
	colW := (bodyWidth - sigGap) / 2
	w.ensure(r.signaturesHeight())
	type field struct{ de, tr, prefill string }
	rows := [][2]field{
		{{r.de.SignPlaceDate, r.trText(func(t *texts) string { return t.SignPlaceDate }), r.f.GivenOn},
			{r.de.SignClient, r.trText(func(t *texts) string { return t.SignClient }), ""}},
		{{r.de.SignCaseManager, r.trText(func(t *texts) string { return t.SignCaseManager }), ""},
			{r.de.SignInterpreter, r.trText(func(t *texts) string { return t.SignInterpreter }), ""}},
	}
	for _, row := range rows {
		top := pdf.GetY()
		for c, fl := range row {
			x := pageMarginL + float64(c)*(colW+sigGap)
			lineY := top + sigSpace
			if fl.prefill != "" {
				pdf.SetY(lineY - stBody.lineH - 0.5)
				w.drawLine(frame{x: x, w: colW - 2}, stBody, fl.prefill, isRTLText(fl.prefill), true)
			}
			pdf.SetDrawColor(0, 0, 0)
			pdf.SetLineWidth(0.3)
			pdf.Line(x, lineY, x+colW, lineY)
			pdf.SetLineWidth(0.2)
			pdf.SetY(lineY + 0.6)
			w.drawLine(frame{x: x, w: colW}, stSmall, fl.de, false, false)
			if fl.tr != "" {
				rtl := isRTLText(fl.tr)
				w.drawLine(frame{x: x, w: colW}, scaled(stSmall, frame{rtl: rtl}), fl.tr, rtl, rtl)
			}
		}
		pdf.SetY(top + sigSpace + r.sigLabelHeight() + 1)
	}
}

// Signature field geometry: gap between the columns, room to sign above
// each line.
const sigGap, sigSpace = 14.0, 11.0

// sigLabelHeight is the height of the labels under a signature line.
func (r *renderer) sigLabelHeight() float64 {
	if r.tr == nil {
		return stSmall.lineH + 1
	}
	return stSmall.lineH*(1+arabicScale) + 1
}

// signaturesHeight is the height of all signature fields.
func (r *renderer) signaturesHeight() float64 {
	return 2*(sigSpace+r.sigLabelHeight()+1) + 2
}

// measure returns the height that block would use for sec in frame fr.
func (r *renderer) measure(fr frame, sec section, translated bool) float64 {
	w := r.w
	lines := func(st style, text string, width float64) float64 {
		w.setStyle(st)
		return float64(len(w.breakLines(text, width))) * st.lineH
	}
	body, head, bold := scaled(stBody, fr), scaled(stHead, fr), scaled(stBold, fr)
	h := lines(head, sec.head, fr.w-20) + 0.6
	for _, it := range sec.items {
		switch it.kind {
		case itemText:
			h += lines(body, it.text, fr.w)
		case itemLabel:
			h += lines(bold, it.text, fr.w)
		case itemList, itemValues:
			for _, s := range it.list {
				h += lines(body, s, fr.w-5)
			}
		case itemValue:
			h += lines(stBody, it.text, fr.w-transShift)
		case itemBox:
			h += lines(bold, it.text, fr.w-4) + 4
		case itemBlank:
			h += 7
		}
		h += itemGap
	}
	if translated {
		h += 0.8
	}
	return h + blockGap
}

// truncate shortens s to at most n runes, marking the cut with an ellipsis.
func truncate(s string, n int) string {
	rs := []rune(s)
	if len(rs) <= n {
		return s
	}
	return string(rs[:n-1]) + "…"
}

// arabicScale enlarges text in right-to-left (Arabic-script) blocks: the
// Arabic glyphs of DejaVu Sans look smaller than Latin ones at the same
// size, so 10 pt German pairs with 11 pt Arabic or Farsi.
const arabicScale = 1.1

// scaled returns st enlarged for right-to-left frames.
func scaled(st style, fr frame) style {
	if fr.rtl {
		st.size *= arabicScale
		st.lineH *= arabicScale
	}
	return st
}
