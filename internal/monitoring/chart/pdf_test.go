package chart

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/go-pdf/fpdf"

	"kim/internal/pdfdoc"
)

func pages(b []byte) int {
	return bytes.Count(b, []byte("/Type /Page\n")) + bytes.Count(b, []byte("/Type /Page "))
}

// Every kind of chart, an empty one and a degenerate rectangle draw into a pdfdoc document
// without breaking it; charts that do not fit move to the next page.
func TestChartsDrawIntoPDFs(t *testing.T) {
	d := pdfdoc.New("Monitoring 2026", "de", pdfdoc.Options{Date: time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC)})
	specs := []Spec{sample(Line, 3), sample(Bar, 3), sample(Stacked, 3), sample(Multiples, 3), {Texts: texts}}
	long := sample(Line, 3)
	long.Categories = months(60)
	long.Series[0].Label = "Ümlaute und 😀 und \x01 العربية"
	specs = append(specs, long)
	for _, s := range specs {
		d.Figure(s.Kind.String(), PDFHeight(s, d.Width()), func(p *fpdf.Fpdf, x, y, w, h float64) { DrawPDF(p, s, x, y, w, h) })
	}
	d.Chart(0, func(p *fpdf.Fpdf, x, y, w, h float64) { DrawPDF(p, sample(Bar, 3), x, y, w, h) })
	d.Paragraph("Nach den Diagrammen.")
	b, err := d.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(b, []byte("%PDF-")) || !bytes.Contains(b, []byte("%%EOF")) {
		t.Fatal("not a PDF")
	}
	if n := pages(b); n < 3 || n > 5 {
		t.Errorf("%d pages for six charts", n)
	}
	if dir := os.Getenv("CHART_DUMP"); dir != "" {
		_ = os.WriteFile(filepath.Join(dir, "charts.pdf"), b, 0o644)
	}
}

func TestPDFHeightFollowsTheSVG(t *testing.T) {
	s := sample(Multiples, 3)
	if h := PDFHeight(s, 174); h < 50 || h > 174 {
		t.Errorf("height %v mm", h)
	}
	if PDFHeight(Spec{}, 174) >= PDFHeight(sample(Line, 3), 174) {
		t.Error("an empty chart should be lower")
	}
}
