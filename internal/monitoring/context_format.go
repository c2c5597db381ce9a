package monitoring

import (
	"math"
	"strconv"
	"strings"
)

// ctxNumber writes v the German way: dots between thousands, a decimal comma and the given
// number of decimals ("12.345,6").
func ctxNumber(v float64, decimals int) string {
	s := strconv.FormatFloat(math.Abs(v), 'f', decimals, 64)
	whole, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	if v < 0 && strings.Trim(s, "0.") != "" {
		b.WriteByte('-')
	}
	for i, c := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(c)
	}
	if frac != "" {
		b.WriteByte(',')
		b.WriteString(frac)
	}
	return b.String()
}

// ctxFigure writes a published figure: whole numbers without decimals, others with one
// (two below 1).
func ctxFigure(v float64) string {
	switch {
	case v == math.Trunc(v):
		return ctxNumber(v, 0)
	case math.Abs(v) < 1:
		return ctxNumber(v, 2)
	}
	return ctxNumber(v, 1)
}

// ctxCents writes an amount of cents as euros with cents ("12.345,67").
func ctxCents(c int64) string {
	sign := ""
	if c < 0 {
		sign, c = "-", -c
	}
	return sign + ctxNumber(float64(c/100), 0) + "," + strconv.FormatInt(100+c%100, 10)[1:]
}
