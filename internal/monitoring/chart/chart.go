// Package chart draws the charts of the integration monitoring on the server: line, bar,
// stacked bar and small multiples, as accessible SVG for pages and as vector drawings in PDF
// reports, from one description (Spec). A suppressed value is never drawn at a height that would
// tell its size: it is marked as "< 5" at the baseline. The package is pure: no database, no
// HTTP, no translation catalogue (the caller passes the texts).
//
// Both outputs come from one geometry: layout computes a scene (rectangles, lines, markers and
// texts in abstract units, Width wide) once; svg.go writes it as SVG and pdf.go draws it with
// fpdf. The y scale is computed from published values only, so neither the axis nor any shape
// depends on a suppressed value.
//
// Stacked bars with a suppressed segment: the published segments are stacked in series order
// without a gap, and the bar is marked incomplete (a dashed open cap above it and the
// suppressed label); no total height is drawn, so the chart never lets a reader subtract the
// published parts from a drawn total.
package chart

import (
	"math"
	"strconv"
	"strings"
)

// Kind is the kind of chart.
type Kind int

// The kinds of chart.
const (
	Line      Kind = iota // one line per series over the categories
	Bar                   // bars, grouped side by side when there are several series
	Stacked               // one bar per category, the series stacked
	Multiples             // small multiples: one small line chart per series, shared y scale
)

// Category is one position on the x axis, e.g. a month: Key "2026-01", Label "Jan 2026".
type Category struct {
	Key   string
	Label string
}

// Value is one figure of a series. A Suppressed value carries no number (V is ignored and
// never drawn); a Missing value has no data at all (nothing is drawn).
type Value struct {
	V          float64
	Suppressed bool
	Missing    bool
}

// Published reports whether the value is drawn with its number.
func (v Value) Published() bool { return !v.Suppressed && !v.Missing }

// Series is one line or bar colour: a group (district, sex …) or the total. Values are aligned
// with Spec.Categories (missing entries count as Missing).
type Series struct {
	Key    string
	Label  string
	Values []Value
}

// Texts are the words a chart draws; the caller translates them.
type Texts struct {
	Suppressed       string // drawn at suppressed values, e.g. "< 5"
	SuppressedLegend string // legend entry for the marker, e.g. "< 5: weniger als 5 Personen"
	Incomplete       string // legend entry for stacked bars with a hidden part ("Balken unvollständig")
	Comparison       string // legend suffix of comparison series, e.g. "Vorjahreszeitraum"
	NoData           string // drawn instead of the chart when nothing can be drawn
	XAxis            string // optional x axis title
	YAxis            string // optional y axis title (the unit is added in parentheses)
}

// Spec describes one chart.
type Spec struct {
	Kind        Kind
	ID          string // prefix of the SVG element ids; unique on the page ("" derives one)
	Title       string // the SVG <title> (not drawn; pages and PDFs show their own heading)
	Description string // the SVG <desc>: a short text summary (compose it from Describe)
	Unit        string // unit of the values ("Personen", "Tage")
	Categories  []Category
	Series      []Series
	// Compare are the comparison series (e.g. the previous period), aligned by position with
	// Categories and matched to Series by Key in Multiples; drawn dashed with hollow markers
	// in Line, Bar and Multiples charts, ignored in Stacked charts.
	Compare []Series
	Texts   Texts
	// Decimals is the number of decimals of the values: 0 for counts (integer y ticks), 1 for
	// magnitudes.
	Decimals int
	// DecimalSep and ThousandsSep format the numbers ("," and "." for German); "" means "."
	// and no grouping.
	DecimalSep, ThousandsSep string
	// Format, when set, formats every number instead (value, decimals).
	Format func(v float64, decimals int) string
}

// Number formats v with the given decimals and separators ("1.234,5" for ",", ".").
func Number(v float64, decimals int, decimalSep, thousandsSep string) string {
	if decimals < 0 {
		decimals = 0
	}
	s := strconv.FormatFloat(math.Abs(v), 'f', decimals, 64)
	intPart, frac, _ := strings.Cut(s, ".")
	if thousandsSep != "" && len(intPart) > 3 {
		var b strings.Builder
		for i, r := range intPart {
			if i > 0 && (len(intPart)-i)%3 == 0 {
				b.WriteString(thousandsSep)
			}
			b.WriteRune(r)
		}
		intPart = b.String()
	}
	if decimalSep == "" {
		decimalSep = "."
	}
	out := intPart
	if frac != "" {
		out += decimalSep + frac
	}
	if v < 0 && strings.Trim(s, "0.") != "" {
		out = "−" + out
	}
	return out
}

// format formats v as the spec asks, with at least the given decimals.
func (s *Spec) format(v float64, decimals int) string {
	if s.Format != nil {
		return s.Format(v, decimals)
	}
	return Number(v, decimals, s.DecimalSep, s.ThousandsSep)
}

// value returns the i-th value of a series (Missing beyond its end).
func (sr *Series) value(i int) Value {
	if i < 0 || i >= len(sr.Values) {
		return Value{Missing: true}
	}
	return sr.Values[i]
}

// compareFor returns the comparison series with the given key, or nil.
func (s *Spec) compareFor(key string) *Series {
	for i := range s.Compare {
		if s.Compare[i].Key == key {
			return &s.Compare[i]
		}
	}
	return nil
}

// comparisons returns the comparison series drawn with this spec's kind.
func (s *Spec) comparisons() []Series {
	if s.Kind == Stacked {
		return nil
	}
	return s.Compare
}

// hasData reports whether there is anything to draw: a category and a value that is not
// missing (published or suppressed).
func (s *Spec) hasData() bool {
	if len(s.Categories) == 0 {
		return false
	}
	for _, sr := range s.Series {
		for i := range s.Categories {
			if v := sr.value(i); !v.Missing {
				return true
			}
		}
	}
	return false
}
