package consentform

import "github.com/go-pdf/fpdf"

// The text machinery of the consent form, shared with KIM's other PDF documents (see
// internal/pdfdoc): the embedded Unicode fonts, line breaking with Arabic shaping, and the
// visual order of a line for right-to-left text.

// Fonts returns the embedded DejaVu Sans regular and bold fonts.
func Fonts() (regular, bold []byte) { return fontRegular, fontBold }

// BreakLines shapes text and breaks it into lines no wider than width (in the unit of pdf,
// with its current font), in logical order; explicit newlines start a new line.
func BreakLines(pdf *fpdf.Fpdf, text string, width float64) []string {
	return (&writer{pdf: pdf}).breakLines(text, width)
}

// Visual returns one line from BreakLines in visual left-to-right order, for a paragraph whose
// base direction is right to left when rtl is true.
func Visual(line string, rtl bool) string { return visualOrder(line, rtl) }

// Width returns the drawn width of a line from BreakLines.
func Width(pdf *fpdf.Fpdf, line string) float64 { return (&writer{pdf: pdf}).width(line) }
