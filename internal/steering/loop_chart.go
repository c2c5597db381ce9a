package steering

import "strconv"

// LoopChart is the bar chart of reports per month, drawn on the server as SVG (the template
// renders it with role="img", a text summary and the data table). Suppressed months ("< 5")
// are drawn as an outline up to the threshold, never at their real height.
type LoopChart struct {
	Width, Height int
	Baseline      int // y of the x axis
	Bars          []LoopBar
	// Grid lines with their values.
	Ticks []LoopTick
}

// LoopBar is one month's bar.
type LoopBar struct {
	X, Y, W, H   int
	LabelX       int
	LabelY       int    // the month below the axis
	ValueY       int    // the value above the bar
	Label, Value string // month (MM/JJ) and the disclosed count
	Suppressed   bool
	Zero         bool
}

// LoopTick is a horizontal grid line.
type LoopTick struct {
	Y     int
	Value string
}

const (
	chartBarW   = 26
	chartGap    = 10
	chartLeft   = 40
	chartTop    = 24
	chartPlot   = 140
	chartBottom = 36
)

// NewLoopChart lays out the bars of the months.
func NewLoopChart(months []LoopMonth) LoopChart {
	top := DisclosureMin
	for _, m := range months {
		top = max(top, m.Count.Shown())
	}
	// Round the scale up to a multiple of 5, so that the six grid lines fall on whole numbers.
	top = (top + 4) / 5 * 5
	c := LoopChart{Width: chartLeft + len(months)*(chartBarW+chartGap) + chartGap, Height: chartTop + chartPlot + chartBottom,
		Baseline: chartTop + chartPlot}
	for v := 0; v <= top; v += top / 5 {
		c.Ticks = append(c.Ticks, LoopTick{Y: c.Baseline - chartPlot*v/top, Value: strconv.Itoa(v)})
	}
	for i, m := range months {
		h := chartPlot * m.Count.Shown() / top
		x := chartLeft + chartGap + i*(chartBarW+chartGap)
		c.Bars = append(c.Bars, LoopBar{X: x, Y: c.Baseline - h, W: chartBarW, H: h, LabelX: x + chartBarW/2, LabelY: c.Baseline + 16,
			ValueY: c.Baseline - h - 6, Label: m.Month.Format("01/06"), Value: m.Count.String(), Suppressed: m.Count.Suppressed(),
			Zero: m.Count.Zero()})
	}
	return c
}
