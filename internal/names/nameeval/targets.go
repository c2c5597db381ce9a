package nameeval

import (
	"fmt"
	"slices"
	"strings"
)

// The targets of issue 3 on the evaluation set.
const (
	TargetPairs            = 600
	TargetHardShare        = 0.25 // hard negatives among all negatives
	TargetF1               = 0.95
	TargetCategoryRecall   = 0.90
	TargetHardPrecision    = 0.95
	TargetHardSpecificity  = 0.95
	TargetBaselineF1Factor = 1.25
)

// Check is one target and whether the evaluation meets it.
type Check struct {
	Target   string // what is required, in words
	Measured string // the measured value
	OK       bool
}

// RequiredCategories are the categories the issue asks for: all positive categories and the hard
// negatives. The plain "negative" category is optional.
func RequiredCategories() []string {
	return slices.Concat(PositiveCategories, []string{CategoryHardNegative})
}

// Checks evaluates the targets on all pairs: the data set's size and composition, and the
// subject's (first method's) F1, per-category recall, precision on the hard-negative test,
// hard-negative specificity and F1 relative to the best baseline.
func (r *Report) Checks() []Check {
	var cs []Check
	add := func(ok bool, target, format string, a ...any) {
		cs = append(cs, Check{Target: target, Measured: fmt.Sprintf(format, a...), OK: ok})
	}
	add(len(r.Pairs) >= TargetPairs, fmt.Sprintf("at least %d labelled pairs", TargetPairs), "%d", len(r.Pairs))
	var missing []string
	present := r.PresentCategories()
	for _, c := range RequiredCategories() {
		if !slices.Contains(present, c) {
			missing = append(missing, c)
		}
	}
	add(len(missing) == 0, fmt.Sprintf("all %d required categories present", len(RequiredCategories())),
		"%s", orNone(missing, "missing: ", "all present"))
	dup := Duplicates(r.Pairs)
	lines := make([]string, len(dup))
	for i, p := range dup {
		lines[i] = fmt.Sprint(p.Line)
	}
	add(len(dup) == 0, "no pair listed twice", "%s", orNone(lines, "repeated on lines ", "none repeated"))
	subj := r.Subject()
	if subj == nil {
		return cs
	}
	all := subj.Overall(ScopeAll)
	hard := subj.Category(ScopeAll, CategoryHardNegative)
	add(all.Negatives() > 0 && float64(hard.Pairs()) >= TargetHardShare*float64(all.Negatives()),
		"at least a quarter of the negatives are hard negatives", "%d of %d (%.3f)",
		hard.Pairs(), all.Negatives(), ratio(hard.Pairs(), all.Negatives()))
	add(all.F1() >= TargetF1, fmt.Sprintf("%s: F1 ≥ %.2f on all pairs", subj.Method, TargetF1), "%.3f", all.F1())
	var low []string
	minRecall, minCat := 1.0, ""
	for _, c := range PositiveCategories {
		cc := subj.Category(ScopeAll, c)
		if cc.Positives() == 0 {
			continue
		}
		if rc := cc.Recall(); rc < TargetCategoryRecall {
			low = append(low, fmt.Sprintf("%s %.3f", c, rc))
		}
		if rc := cc.Recall(); rc < minRecall || minCat == "" {
			minRecall, minCat = rc, c
		}
	}
	measured := fmt.Sprintf("lowest %.3f (%s)", minRecall, minCat)
	if len(low) > 0 {
		measured = "below: " + strings.Join(low, ", ")
	}
	add(len(low) == 0 && minCat != "", fmt.Sprintf("%s: recall ≥ %.2f in every positive category", subj.Method,
		TargetCategoryRecall), "%s", measured)
	hp := subj.HardNegativePrecision(ScopeAll)
	add(hp >= TargetHardPrecision, fmt.Sprintf("%s: precision on the hard-negative test ≥ %.2f", subj.Method,
		TargetHardPrecision), "%.3f (%d false matches)", hp, hard.FP)
	add(hard.Pairs() > 0 && hard.Specificity() >= TargetHardSpecificity,
		fmt.Sprintf("%s: hard negatives kept apart ≥ %.2f", subj.Method, TargetHardSpecificity),
		"%.3f (%d of %d)", hard.Specificity(), hard.TN, hard.Pairs())
	if best := r.BestBaseline(ScopeAll); best != nil {
		f, ok := r.F1Ratio(ScopeAll)
		m := fmt.Sprintf("%.2f× (%.3f vs %s %.3f)", f, all.F1(), best.Method, best.Overall(ScopeAll).F1())
		if !ok {
			m = fmt.Sprintf("best baseline %s has F1 0", best.Method)
			ok, f = all.F1() > 0, TargetBaselineF1Factor
		}
		add(ok && f >= TargetBaselineF1Factor, fmt.Sprintf("%s: F1 ≥ %.2f × the best baseline's F1", subj.Method,
			TargetBaselineF1Factor), "%s", m)
	}
	return cs
}

func orNone(items []string, prefix, none string) string {
	if len(items) == 0 {
		return none
	}
	return prefix + strings.Join(items, ", ")
}
