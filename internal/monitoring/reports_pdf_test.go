package monitoring_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"kim/internal/monitoring"
)

// The annual report's PDF never shows the value of a suppressed cell (the cells below carry
// the secret values 4711 and 4712 on purpose), shows "< 5" in their place, and opens with its
// title page and contents. Checked in the text of the PDF when poppler's pdftotext is
// installed (in CI it must be).
func TestReportPDFShowsNoSuppressedValue(t *testing.T) {
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		if os.Getenv("CI") == "" {
			t.Skip("pdftotext (poppler-utils) is not installed")
		}
		t.Fatal("pdftotext (poppler-utils) is needed in CI")
	}
	l := exportLocalizer(t, "de")
	ind := monitoring.Lookup("new_cases")
	if ind == nil {
		ind = &monitoring.Catalogue()[0]
	}
	var months []monitoring.Month
	var cells []monitoring.Cell
	for m := time.January; m <= time.December; m++ {
		months = append(months, monitoring.Month{Year: 2025, Month: m})
		c := monitoring.Cell{Period: months[len(months)-1].String(), Value: num(float64(100 + int(m)))}
		if m == time.March || m == time.April {
			c.Value, c.Suppressed = num(float64(4708+int(m))), true // 4711, 4712
		}
		cells = append(cells, c)
	}
	q := monitoring.Query{Indicator: ind.Code, From: months[0], To: months[11]}
	monthsT := &monitoring.Table{Indicator: ind, Query: q, Periods: months, Cells: make([][]monitoring.Cell, 12), Totals: cells}
	yq := q
	yq.Yearly = true
	yearT := &monitoring.Table{Indicator: ind, Query: yq, Periods: months[:1], Cells: [][]monitoring.Cell{{}},
		Totals: []monitoring.Cell{{Period: "2025", Value: num(4713), Suppressed: true}}}
	dq := yq
	dq.By = "district"
	distT := &monitoring.Table{Indicator: ind, Query: dq, Periods: months[:1],
		Groups: []monitoring.Group{{Key: "d1", Label: "Mitte"}, {Key: "d2", Label: "Wald"}, {Key: "d3", Label: "Ohligs"}},
		Cells:  [][]monitoring.Cell{{{Period: "2025", Group: "Mitte", Value: num(4714), Suppressed: true}, {Period: "2025", Group: "Wald", Value: num(4715), Suppressed: true}}},
		Totals: []monitoring.Cell{{Period: "2025", Value: num(4716), Suppressed: true}}}
	pdf, err := monitoring.BuildReportPDF(l, 2025, ind, monthsT, yearT, distT)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "bericht.pdf")
	if err := os.WriteFile(path, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "-layout", path, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Join(strings.Fields(string(out)), " ")
	for _, secret := range []string{"4711", "4712", "4713", "4714", "4715", "4716", "4.71"} {
		if strings.Contains(text, secret) {
			t.Errorf("the PDF shows the suppressed value %s", secret)
		}
	}
	if !strings.Contains(text, "102 <5 <5 105") || strings.Count(strings.Join(strings.Fields(text), ""), "<5") < 8 || !strings.Contains(text, "Ohligs") {
		t.Errorf("the PDF lacks its published values or the suppression marks: %q", text)
	}
	if rtPages(pdf) < 3 || !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		t.Errorf("%d pages", rtPages(pdf))
	}
}
