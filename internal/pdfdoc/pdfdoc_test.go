package pdfdoc

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/go-pdf/fpdf"

	"kim/internal/consentform"
)

func build(t *testing.T, lang string, rows int) []byte {
	t.Helper()
	d := New("Angebote in Solingen", lang, Options{Author: "Stadt Solingen", Footer: "Stadt Solingen · Angebote", Date: time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)})
	d.Heading("Sprache")
	d.Paragraph("Integrationskurs mit Kinderbetreuung – Übungen für Äußerungen, Grüße und Maße.\nZweite Zeile.")
	d.Facts([][2]string{{"Ort", "Düsseldorfer Straße 20"}, {"Leer", ""}, {"Sprachen", "Deutsch, Arabisch (العربية), Українська"}})
	d.Bullets([]string{"Erster Punkt", strings.Repeat("langer Punkt ", 40)})
	var body [][]string
	for i := range rows {
		body = append(body, []string{fmt.Sprintf("Angebot %d", i), strings.Repeat("Beschreibung ", i%7+1), "مرحبا بكم"})
	}
	d.Table([]string{"Titel", "Beschreibung", "Hinweis"}, body, []float64{2, 5, 2})
	d.Small("Stand: 28.11.2026")
	b, err := d.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestDocumentsAreValidPDFsInEveryDirection(t *testing.T) {
	for _, lang := range []string{"de", "ar", "fa", "uk"} {
		b := build(t, lang, 3)
		if !bytes.HasPrefix(b, []byte("%PDF-")) || !bytes.Contains(b, []byte("%%EOF")) {
			t.Errorf("%s: not a PDF", lang)
		}
	}
}

// A long table continues on further pages (each with its page number) instead of running off
// the page.
func TestLongTablesBreakAcrossPages(t *testing.T) {
	short, long := build(t, "de", 3), build(t, "de", 300)
	pages := func(b []byte) int {
		return bytes.Count(b, []byte("/Type /Page\n")) + bytes.Count(b, []byte("/Type /Page "))
	}
	if ps, pl := pages(short), pages(long); ps < 1 || pl <= ps+5 {
		t.Errorf("pages: short %d, long %d", ps, pl)
	}
}

// Inside Arabic text a phone number and a German name keep their left-to-right order.
func TestLeftToRightRunsKeepTheirOrderInArabic(t *testing.T) {
	d := New("قائمة", "ar", Options{})
	for _, c := range []struct{ in, want string }{
		{"هاتف 0212 700-2355", "0212 700-2355"},
		{"العنوان Düsseldorfer Straße 20 هنا", "Düsseldorfer Straße 20"},
	} {
		lines := d.lines(c.in, 170)
		if len(lines) != 1 {
			t.Fatalf("%q: %d lines", c.in, len(lines))
		}
		got := consentform.Visual(lines[0], true)
		if !strings.Contains(got, c.want) {
			t.Errorf("%q drawn as %q, want the run %q intact", c.in, got, c.want)
		}
	}
}

// Emoji and other characters beyond the fonts' range, control characters and invalid UTF-8
// never break a document.
func TestCharactersTheFontCannotCarryAreDropped(t *testing.T) {
	odd := "Frühstück 😀 für alle \x01\x7f\xff𝔘 ok"
	d := New("Titel 😀", "de", Options{Footer: "Fuß 😀", PageWord: "Seite"})
	d.Heading(odd)
	d.Paragraph(odd)
	d.Facts([][2]string{{odd, odd}})
	d.Bullets([]string{odd})
	d.Table([]string{odd}, [][]string{{odd}}, nil)
	b, err := d.Bytes()
	if err != nil || !bytes.HasPrefix(b, []byte("%PDF-")) {
		t.Fatalf("err %v", err)
	}
	if got := clean(odd); got != "Frühstück  für alle  ok" {
		t.Errorf("clean = %q", got)
	}
}

// Chart hands out a rectangle across the text width below the current position, on a new
// page when it does not fit, and the text continues below it.
func TestChartReservesSpace(t *testing.T) {
	d := New("Diagramme", "de", Options{})
	var rects [][4]float64
	for range 4 {
		d.Chart(100, func(p *fpdf.Fpdf, x, y, w, h float64) {
			rects = append(rects, [4]float64{x, y, w, h})
			p.Rect(x, y, w, h, "D")
		})
	}
	d.Chart(1000, nil)
	d.Figure("Überschrift", 240, func(p *fpdf.Fpdf, x, y, w, h float64) { rects = append(rects, [4]float64{x, y, w, h}) })
	d.Paragraph("Danach")
	b, err := d.Bytes()
	if err != nil || !bytes.HasPrefix(b, []byte("%PDF-")) {
		t.Fatalf("err %v", err)
	}
	fig := rects[4]
	rects = rects[:4]
	if fig[3] != 240 || fig[1] > marginTop+15 || fig[1]+fig[3] > bodyEnd {
		t.Errorf("figure rect %v not kept with its heading on a new page", fig)
	}
	for i, r := range rects {
		if r[0] != marginL || r[2] != d.Width() || r[3] != 100 || r[1]+r[3] > bodyEnd {
			t.Errorf("rect %d = %v", i, r)
		}
	}
	if rects[1][1] <= rects[0][1] || rects[2][1] >= rects[1][1] {
		t.Errorf("second chart should follow the first, the third start a new page: %v", rects)
	}
	if n := bytes.Count(b, []byte("/Type /Page\n")) + bytes.Count(b, []byte("/Type /Page ")); n != 4 {
		t.Errorf("%d pages", n)
	}
}
