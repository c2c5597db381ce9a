package nameeval

import (
	"math"
	"os"
	"strings"
	"testing"
)

// smallReport evaluates two trivial matchers on testdata/small.tsv: exact equality (subject) and
// "everything matches" (baseline).
func smallReport(t *testing.T) *Report {
	t.Helper()
	pairs, err := LoadFile("testdata/small.tsv")
	if err != nil {
		t.Fatal(err)
	}
	return Evaluate("internal/names/nameeval/testdata/small.tsv", pairs, []Method{
		{Name: "Exact", Match: func(a, b string) bool { return a == b }, About: "**Exact.** Equal strings."},
		{Name: "Always", Match: func(a, b string) bool { return true }, About: "**Always.** Everything matches."},
	})
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

func TestMetrics(t *testing.T) {
	r := smallReport(t)
	exact, always := &r.Results[0], &r.Results[1]

	if got, want := exact.Overall(ScopeAll), (Confusion{TP: 3, FN: 1, TN: 3}); got != want {
		t.Errorf("exact overall = %+v, want %+v", got, want)
	}
	if got, want := exact.Overall(Scope(SplitDev)), (Confusion{TP: 1, FN: 1, TN: 1}); got != want {
		t.Errorf("exact dev = %+v, want %+v", got, want)
	}
	if got, want := always.Overall(Scope(SplitTest)), (Confusion{TP: 2, FP: 2}); got != want {
		t.Errorf("always test = %+v, want %+v", got, want)
	}
	c := exact.Overall(ScopeAll)
	if !near(c.Precision(), 1) || !near(c.Recall(), 0.75) || !near(c.F1(), 6.0/7) {
		t.Errorf("exact P/R/F1 = %v %v %v", c.Precision(), c.Recall(), c.F1())
	}
	c = always.Overall(ScopeAll)
	if !near(c.Precision(), 4.0/7) || !near(c.Recall(), 1) || !near(c.F1(), 8.0/11) {
		t.Errorf("always P/R/F1 = %v %v %v", c.Precision(), c.Recall(), c.F1())
	}
	if got := exact.Category(ScopeAll, "arabic_translit"); got.Recall() != 0.5 || got.FN != 1 {
		t.Errorf("exact arabic_translit = %+v", got)
	}
	// Hard-negative precision: TP / (TP + FP among hard negatives); the plain negative is left out.
	if got := always.HardNegativePrecision(ScopeAll); !near(got, 4.0/6) {
		t.Errorf("always hard-negative precision = %v, want 4/6", got)
	}
	if got := always.Category(ScopeAll, CategoryHardNegative).Specificity(); got != 0 {
		t.Errorf("always hard-negative specificity = %v", got)
	}
	if got := exact.HardNegativePrecision(ScopeAll); got != 1 {
		t.Errorf("exact hard-negative precision = %v", got)
	}
	if len(exact.Errors) != 1 || exact.Errors[0].Line != 4 || exact.Errors[0].Matched {
		t.Errorf("exact errors = %+v", exact.Errors)
	}
	if len(always.Errors) != 3 || !always.Errors[0].Matched {
		t.Errorf("always errors = %+v", always.Errors)
	}
	if best := r.BestBaseline(ScopeAll); best != always {
		t.Errorf("best baseline = %v", best)
	}
	if f, ok := r.F1Ratio(ScopeAll); !ok || !near(f, (6.0/7)/(8.0/11)) {
		t.Errorf("F1 ratio = %v %v", f, ok)
	}
	if (Confusion{}).F1() != 0 || (Confusion{}).Precision() != 0 {
		t.Error("empty confusion should give 0")
	}
}

func TestChecks(t *testing.T) {
	r := smallReport(t)
	byTarget := map[string]Check{}
	for _, c := range r.Checks() {
		byTarget[c.Target] = c
	}
	for target, wantOK := range map[string]bool{
		"at least 600 labelled pairs":                            false,
		"all 12 required categories present":                     false,
		"no pair listed twice":                                   true,
		"at least a quarter of the negatives are hard negatives": true,
		"Exact: F1 ≥ 0.95 on all pairs":                          false,
		"Exact: recall ≥ 0.90 in every positive category":        false,
		"Exact: precision on the hard-negative test ≥ 0.95":      true,
		"Exact: hard negatives kept apart ≥ 0.95":                true,
		"Exact: F1 ≥ 1.25 × the best baseline's F1":              false,
	} {
		c, ok := byTarget[target]
		if !ok {
			t.Errorf("no check %q", target)
			continue
		}
		if c.OK != wantOK {
			t.Errorf("%s: OK = %v (%s), want %v", target, c.OK, c.Measured, wantOK)
		}
	}
	if c := byTarget["Exact: recall ≥ 0.90 in every positive category"]; c.Measured != "below: arabic_translit 0.500" {
		t.Errorf("recall check measured %q", c.Measured)
	}
}

func TestMarkdownGolden(t *testing.T) {
	r := smallReport(t)
	got := Markdown(r)
	if got != Markdown(smallReport(t)) {
		t.Fatal("Markdown is not deterministic")
	}
	for _, want := range []string{
		"# Name matching: evaluation",
		ReproduceCommand,
		"| Exact (all) | 7 | 3 | 0 | 1 | 3 | 1.000 | 0.750 | 0.857 |",
		"| arabic_translit | 2 | 0.500 (1) | 1.000 (0) |",
		"[internal/names/testdata/README.md](../internal/names/testdata/README.md)",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	golden := "testdata/small.md"
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if string(want) != got {
		t.Errorf("%s differs from Markdown(); run go test ./internal/names/nameeval -run TestMarkdownGolden -update and review the diff", golden)
	}
}

func TestMarkdownListsErrorsEscaped(t *testing.T) {
	pairs, err := LoadFile("testdata/small.tsv")
	if err != nil {
		t.Fatal(err)
	}
	r := Evaluate("small.tsv", pairs, []Method{{Name: "Always", Match: func(a, b string) bool { return true }}})
	md := Markdown(r)
	if want := `| 10 | negative | Anna\|\* | Olga\_x | false match |`; !strings.Contains(md, want) {
		t.Errorf("report lacks %q:\n%s", want, md)
	}
	if !strings.Contains(md, "| 9 | hard_negative | Karim | Karima | false match |") {
		t.Error("hard negative error not listed")
	}
}
