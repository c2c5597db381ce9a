package monitoring

import (
	"github.com/go-pdf/fpdf"

	"kim/internal/monitoring/chart"
	"kim/internal/pdfdoc"
)

// drawReportFigure draws a subheading and the chart below it, kept together on one page, with
// the chart package's PDF drawing (suppressed values as markers at the baseline).
func drawReportFigure(doc *pdfdoc.Doc, heading string, sp chart.Spec) {
	doc.Figure(heading, chart.PDFHeight(sp, doc.Width()), func(p *fpdf.Fpdf, x, y, w, h float64) {
		chart.DrawPDF(p, sp, x, y, w, h)
	})
}
