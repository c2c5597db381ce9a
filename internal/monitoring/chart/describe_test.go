package chart

import "testing"

func TestDescribeGivesTheFactsOfPublishedValues(t *testing.T) {
	s := sample(Line, 3)
	s.Series = append(s.Series,
		Series{Key: "c", Label: "Leer", Values: []Value{{Suppressed: true}, {Missing: true}, {Suppressed: true}}},
		Series{Key: "d", Label: "Gleich", Values: vals(10, 10.2, 9.9, 10)},
		Series{Key: "e", Label: "Fallend", Values: vals(40, 30, 30, 10)})
	s.Decimals, s.DecimalSep = 1, ","
	f := Describe(s)
	if f.Suppressed != 3 || f.Empty || len(f.Series) != 5 {
		t.Fatalf("facts %+v", f)
	}
	a := f.Series[0]
	if a.First.Value != 10 || a.Last.Category.Key != "2026-04" || a.High.Category.Key != "2026-03" || a.Low.Value != 10 || a.Trend != TrendRising || a.Published != 4 {
		t.Errorf("series a %+v", a)
	}
	if a.High.Text != "30,0" {
		t.Errorf("formatted %q", a.High.Text)
	}
	b := f.Series[1]
	if b.Suppressed != 1 || b.Published != 3 || b.Low.Value != 7 || b.Low.Index != 0 || b.High.Value != 12 {
		t.Errorf("series b %+v", b)
	}
	if c := f.Series[2]; c.First != nil || c.High != nil || c.Trend != TrendNone || c.Suppressed != 2 || c.Trend.String() != "" {
		t.Errorf("series c %+v", c)
	}
	if d := f.Series[3]; d.Trend != TrendSteady || d.Trend.String() != "steady" {
		t.Errorf("series d trend %v", d.Trend)
	}
	if e := f.Series[4]; e.Trend != TrendFalling || e.High.Category.Key != "2026-01" {
		t.Errorf("series e %+v", e)
	}
	if !Describe(Spec{Categories: months(2), Series: []Series{{Key: "x", Values: []Value{{Suppressed: true}}}}}).Empty {
		t.Error("only suppressed values: empty")
	}
}
