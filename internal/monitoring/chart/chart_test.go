package chart

import (
	"encoding/xml"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// node is a parsed SVG element.
type node struct {
	name  string
	attr  map[string]string
	text  string // the element's own character data
	class string
}

// parse checks that the SVG is well-formed XML and returns its elements in document order.
func parse(t *testing.T, svg string) []*node {
	t.Helper()
	dec := xml.NewDecoder(strings.NewReader(svg))
	var out, stack []*node
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("invalid XML: %v\n%s", err, svg)
		}
		switch tk := tok.(type) {
		case xml.StartElement:
			n := &node{name: tk.Name.Local, attr: map[string]string{}}
			for _, a := range tk.Attr {
				n.attr[a.Name.Local] = a.Value
			}
			n.class = n.attr["class"]
			out, stack = append(out, n), append(stack, n)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 {
				stack[len(stack)-1].text += string(tk)
			}
		}
	}
	if len(stack) != 0 {
		t.Fatal("unclosed elements")
	}
	return out
}

func find(nodes []*node, name, class string) []*node {
	var out []*node
	for _, n := range nodes {
		if (name == "" || n.name == name) && (class == "" || n.class == class) {
			out = append(out, n)
		}
	}
	return out
}

func f(n *node, a string) float64 {
	v, err := strconv.ParseFloat(n.attr[a], 64)
	if err != nil {
		panic(fmt.Sprintf("%s %s=%q", n.name, a, n.attr[a]))
	}
	return v
}

func months(n int) []Category {
	out := make([]Category, n)
	for i := range out {
		m := fmt.Sprintf("%04d-%02d", 2026+i/12, i%12+1)
		out[i] = Category{Key: m, Label: m}
	}
	return out
}

func vals(vs ...float64) []Value {
	out := make([]Value, len(vs))
	for i, v := range vs {
		out[i] = Value{V: v}
	}
	return out
}

var texts = Texts{Suppressed: "< 5", SuppressedLegend: "< 5: weniger als 5 Personen", Incomplete: "Balken unvollständig",
	Comparison: "Vorjahr", NoData: "Keine Daten", YAxis: "Personen"}

// sample is a spec of the kind with two series; the second value of series b is suppressed
// with the real value v.
func sample(kind Kind, v float64) Spec {
	b := vals(7, v, 9, 12)
	b[1].Suppressed = true
	return Spec{Kind: kind, ID: "t", Title: "Ratsuchende", Description: "Zusammenfassung", Texts: texts,
		Categories: months(4),
		Series:     []Series{{Key: "a", Label: "Wald", Values: vals(10, 20, 30, 25)}, {Key: "b", Label: "Mitte", Values: b}},
		Compare:    []Series{{Key: "a", Label: "Wald", Values: vals(8, 15, 28, 20)}}}
}

// dump writes the SVG to $CHART_DUMP for looking at it.
func dump(t *testing.T, name string, s Spec) string {
	out := string(SVG(s))
	if dir := os.Getenv("CHART_DUMP"); dir != "" {
		if err := os.WriteFile(filepath.Join(dir, name+".svg"), []byte(out), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

func TestSVGIsAccessibleDeterministicXML(t *testing.T) {
	for _, kind := range []Kind{Line, Bar, Stacked, Multiples} {
		s := sample(kind, 3)
		out := dump(t, kind.String(), s)
		if out != string(SVG(s)) {
			t.Errorf("%s: output not deterministic", kind)
		}
		nodes := parse(t, out)
		root := nodes[0]
		if root.name != "svg" || root.attr["role"] != "img" || root.attr["width"] != "100%" || !strings.HasPrefix(root.attr["viewBox"], "0 0 640 ") {
			t.Fatalf("%s: root %v", kind, root.attr)
		}
		if root.attr["aria-labelledby"] != "chart-t-title chart-t-desc" {
			t.Errorf("%s: aria-labelledby %q", kind, root.attr["aria-labelledby"])
		}
		title, desc := find(nodes, "title", ""), find(nodes, "desc", "")
		if len(desc) != 1 || desc[0].attr["id"] != "chart-t-desc" || desc[0].text != "Zusammenfassung" || title[0].attr["id"] != "chart-t-title" || title[0].text != "Ratsuchende" {
			t.Errorf("%s: title/desc %v %v", kind, title, desc)
		}
		for _, n := range find(nodes, "text", "") {
			if n.attr["fill"] != "currentColor" {
				t.Errorf("%s: text %q not in currentColor", kind, n.text)
			}
		}
	}
}

var lone3 = regexp.MustCompile(`(^|[^0-9.,])3($|[^0-9.,])`)

// A suppressed value changes nothing in the drawing whatever its real value: not a height,
// not the axis, not a text.
func TestSuppressedValuesTellNothing(t *testing.T) {
	for _, kind := range []Kind{Line, Bar, Stacked, Multiples} {
		low, high := string(SVG(sample(kind, 3))), string(SVG(sample(kind, 4000)))
		if low != high {
			t.Errorf("%s: the drawing depends on the suppressed value", kind)
		}
		for _, n := range parse(t, low) {
			if lone3.MatchString(n.text) {
				t.Errorf("%s: suppressed value in text %q", kind, n.text)
			}
		}
	}
}

func baseline(t *testing.T, nodes []*node) float64 {
	t.Helper()
	axis := find(nodes, "polyline", "axis")
	if len(axis) == 0 {
		t.Fatal("no axis")
	}
	y, _ := strconv.ParseFloat(strings.Split(strings.Fields(axis[0].attr["points"])[0], ",")[1], 64)
	return y
}

func TestBarsOnePerPublishedValueAndMarkersAtTheBaseline(t *testing.T) {
	nodes := parse(t, string(SVG(sample(Bar, 3))))
	if bars := find(nodes, "", "bar"); len(bars) != 7 {
		t.Errorf("%d bars, want 7 published", len(bars))
	}
	sup := find(nodes, "rect", "suppressed")
	if len(sup) != 1 {
		t.Fatalf("%d suppressed markers", len(sup))
	}
	if b := baseline(t, nodes); f(sup[0], "y")+f(sup[0], "height") != b || f(sup[0], "height") > 6 {
		t.Errorf("marker %v not a small marker at the baseline %v", sup[0].attr, b)
	}
	if lab := find(nodes, "text", "suppressed-label"); len(lab) != 1 || lab[0].text != "< 5" {
		t.Errorf("suppressed label %v", lab)
	}
	if cmp := find(nodes, "polyline", "compare"); len(cmp) != 4 || cmp[0].attr["stroke-dasharray"] == "" {
		t.Errorf("comparison %v", cmp)
	}
	var legend []string
	for _, n := range find(nodes, "text", "legend") {
		legend = append(legend, n.text)
	}
	if got := strings.Join(legend, "|"); got != "Wald|Mitte|Wald (Vorjahr)|< 5: weniger als 5 Personen" {
		t.Errorf("legend %q", got)
	}
}

func TestLinesBreakAtSuppressedValues(t *testing.T) {
	nodes := parse(t, string(SVG(sample(Line, 3))))
	// Series a is one line of 4 points; series b is split into one point and a line of 2.
	lines := find(nodes, "polyline", "line")
	if len(lines) != 2 {
		t.Fatalf("%d lines", len(lines))
	}
	if n := len(find(nodes, "", "marker")); n != 7 {
		t.Errorf("%d markers, want 7", n)
	}
	sup := find(nodes, "", "suppressed")
	if len(sup) != 1 {
		t.Fatalf("suppressed %v", sup)
	}
	if sup[0].attr["fill"] != "none" {
		t.Errorf("suppressed marker not hollow: %v", sup[0].attr)
	}
	if len(find(nodes, "polyline", "compare")) != 1 {
		t.Error("no dashed comparison")
	}
}

func TestStackedBarsWithAHiddenPartAreMarkedIncomplete(t *testing.T) {
	nodes := parse(t, string(SVG(sample(Stacked, 3))))
	if bars := find(nodes, "", "bar"); len(bars) != 7 {
		t.Errorf("%d segments, want 7", len(bars))
	}
	inc := find(nodes, "polyline", "incomplete")
	if len(inc) != 1 || inc[0].attr["stroke-dasharray"] == "" {
		t.Fatalf("incomplete %v", inc)
	}
	if len(find(nodes, "", "compare")) != 0 {
		t.Error("stacked charts draw no comparison")
	}
	// A bar whose parts are all suppressed is only the cap at the baseline.
	s := sample(Stacked, 3)
	s.Series[0].Values[1] = Value{Suppressed: true}
	nodes = parse(t, string(SVG(s)))
	cap := find(nodes, "polyline", "incomplete")[0]
	if !strings.HasSuffix(cap.attr["points"], ","+strconv.FormatFloat(baseline(t, nodes), 'f', -1, 64)) {
		t.Errorf("cap %q not at the baseline %v", cap.attr["points"], baseline(t, nodes))
	}
}

func TestSmallMultiplesShareTheScale(t *testing.T) {
	s := sample(Multiples, 3)
	s.Series = append(s.Series, Series{Key: "c", Label: "Gräfrath", Values: vals(1, 2, 3, 4)})
	nodes := parse(t, string(SVG(s)))
	titles := find(nodes, "text", "panel-title")
	if len(titles) != 3 || titles[2].text != "Gräfrath" {
		t.Fatalf("panels %v", titles)
	}
	ticks := find(nodes, "text", "tick")
	if len(ticks)%3 != 0 {
		t.Fatalf("%d ticks", len(ticks))
	}
	per := len(ticks) / 3
	for i := range per {
		if ticks[i].text != ticks[per+i].text || ticks[i].text != ticks[2*per+i].text {
			t.Errorf("tick %d differs between panels", i)
		}
	}
	if xl := find(nodes, "text", "xlabel"); len(xl) != 6 {
		t.Errorf("%d x labels, want first and last per panel", len(xl))
	}
}

func TestEmptySpecsShowTheNoDataText(t *testing.T) {
	for _, s := range []Spec{
		{Texts: texts},
		{Kind: Bar, Texts: texts, Categories: months(3)},
		{Kind: Multiples, Texts: texts, Categories: months(3), Series: []Series{{Key: "a", Values: []Value{{Missing: true}}}}},
	} {
		nodes := parse(t, string(SVG(s)))
		if nd := find(nodes, "text", "nodata"); len(nd) != 1 || nd[0].text != "Keine Daten" {
			t.Errorf("%v: no-data text %v", s.Kind, nd)
		}
		if len(find(nodes, "", "axis")) != 0 {
			t.Error("axis drawn without data")
		}
	}
}

func TestManyCategoriesAndLongLabels(t *testing.T) {
	long := strings.Repeat("Sehr lange Bezeichnung ", 10)
	cats := months(120)
	cats[0].Label = long
	s := Spec{Kind: Line, Title: "<script>alert(1)</script> & \"x\"", Texts: texts, Categories: cats,
		Series: []Series{{Key: "a", Label: long + "\x01 <b>", Values: vals(make([]float64, 120)...)}}}
	out := dump(t, "many", s)
	if strings.Contains(out, "<script>") || strings.Contains(out, "<b>") {
		t.Fatal("text not escaped")
	}
	nodes := parse(t, out)
	if !strings.HasPrefix(nodes[0].attr["id"], "chart-") {
		t.Errorf("derived id %q", nodes[0].attr["id"])
	}
	xl := find(nodes, "text", "xlabel")
	if len(xl) < 5 || len(xl) > 20 {
		t.Errorf("%d x labels for 120 months", len(xl))
	}
	for _, n := range append(xl, find(nodes, "text", "legend")...) {
		if textWidth(n.text, f(n, "font-size")) > Width {
			t.Errorf("label %q too wide", n.text)
		}
	}
	if leg := find(nodes, "text", "legend"); !strings.HasSuffix(leg[0].text, "…") {
		t.Errorf("long legend label not shortened: %q", leg[0].text)
	}
}

func TestNumbersFollowTheLocale(t *testing.T) {
	for _, c := range []struct {
		v      float64
		dec    int
		ds, ts string
		want   string
	}{
		{3.45, 1, ",", ".", "3,5"}, {1234.5, 1, ",", ".", "1.234,5"}, {1234567, 0, "", ",", "1,234,567"},
		{12, 0, "", "", "12"}, {-2.5, 1, "", "", "−2.5"}, {-0.01, 0, "", "", "0"},
	} {
		if got := Number(c.v, c.dec, c.ds, c.ts); got != c.want {
			t.Errorf("Number(%v) = %q, want %q", c.v, got, c.want)
		}
	}
	s := Spec{Kind: Bar, ID: "m", Texts: texts, Decimals: 1, DecimalSep: ",", Categories: months(2),
		Series: []Series{{Key: "a", Label: "Tage", Values: vals(3.5, 12.25)}}}
	out := string(SVG(s))
	if !strings.Contains(out, "Tage – 2026-01: 3,5") || !strings.Contains(out, ">2,5<") {
		t.Errorf("German numbers missing:\n%s", out)
	}
	s.Format = func(v float64, d int) string { return "#" + Number(v, d, "", "") }
	if !strings.Contains(string(SVG(s)), "Tage – 2026-01: #3.5") {
		t.Error("format hook not used")
	}
}

func TestNiceScales(t *testing.T) {
	for _, c := range []struct {
		lo, hi  float64
		integer bool
		want    string
	}{
		{0, 37, true, "0 10 20 30 40"},
		{0, 3, true, "0 1 2 3"},
		{0, 0, true, "0 5 10"},
		{0, 1.3, false, "0.0 0.5 1.0 1.5"},
		{0, 11, false, "0 5 10 15"},
		{0, 0.9, false, "0.00 0.25 0.50 0.75 1.00"},
		{-12, 30, true, "-20 0 20 40"},
	} {
		sc := niceScale(c.lo, c.hi, c.integer, 5)
		var got []string
		for _, v := range sc.ticks() {
			got = append(got, Number(v, sc.decimals, "", "")) // Number writes − for negatives
		}
		if s := strings.ReplaceAll(strings.Join(got, " "), "−", "-"); s != c.want {
			t.Errorf("niceScale(%v, %v) = %s, want %s", c.lo, c.hi, s, c.want)
		}
	}
}
