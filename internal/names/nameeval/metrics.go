package nameeval

import (
	"slices"
)

// Method is a named matcher under evaluation.
type Method struct {
	Name  string
	Match func(a, b string) bool
	// About describes in one paragraph (Markdown) what the method does; used by the report.
	About string
}

// Confusion counts a method's decisions on a set of pairs. Positives are pairs with label 1.
type Confusion struct {
	TP int // same person, matched
	FN int // same person, missed
	TN int // different people, kept apart
	FP int // different people, matched (a false match)
}

// Add counts one decision.
func (c *Confusion) Add(same, matched bool) {
	switch {
	case same && matched:
		c.TP++
	case same:
		c.FN++
	case matched:
		c.FP++
	default:
		c.TN++
	}
}

// Plus returns the sum of two confusion counts.
func (c Confusion) Plus(d Confusion) Confusion {
	return Confusion{TP: c.TP + d.TP, FN: c.FN + d.FN, TN: c.TN + d.TN, FP: c.FP + d.FP}
}

// Pairs is the number of pairs counted.
func (c Confusion) Pairs() int { return c.TP + c.FN + c.TN + c.FP }

// Positives is the number of pairs with label 1.
func (c Confusion) Positives() int { return c.TP + c.FN }

// Negatives is the number of pairs with label 0.
func (c Confusion) Negatives() int { return c.TN + c.FP }

// Precision is TP / (TP + FP), 0 if the method matched nothing.
func (c Confusion) Precision() float64 { return ratio(c.TP, c.TP+c.FP) }

// Recall is TP / (TP + FN), 0 without positives.
func (c Confusion) Recall() float64 { return ratio(c.TP, c.TP+c.FN) }

// Specificity is the share of negatives kept apart, TN / (TN + FP), 0 without negatives.
func (c Confusion) Specificity() float64 { return ratio(c.TN, c.TN+c.FP) }

// F1 is the harmonic mean of precision and recall, 2·TP / (2·TP + FP + FN); 0 if TP is 0.
func (c Confusion) F1() float64 { return ratio(2*c.TP, 2*c.TP+c.FP+c.FN) }

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// Scope selects the pairs a figure is computed on: all pairs, or one split.
type Scope string

// ScopeAll is the scope of all pairs, dev and test together.
const ScopeAll Scope = "all"

// Scopes lists the scopes in report order: all pairs, then each split.
func Scopes() []Scope {
	s := []Scope{ScopeAll}
	for _, sp := range Splits {
		s = append(s, Scope(sp))
	}
	return s
}

func (s Scope) includes(p Pair) bool { return s == ScopeAll || string(s) == p.Split }

// Outcome is one pair a method decided wrongly.
type Outcome struct {
	Pair
	Matched bool // the method's decision (true: a false match; false: a missed match)
}

// Result holds one method's figures.
type Result struct {
	Method string
	// ByCategory[scope][category] counts the decisions per category and scope.
	ByCategory map[Scope]map[string]Confusion
	// Errors are the wrongly decided pairs, in file order.
	Errors []Outcome
}

// Overall returns the counts over all categories in scope.
func (r *Result) Overall(s Scope) Confusion {
	var c Confusion
	for _, cat := range Categories() {
		c = c.Plus(r.ByCategory[s][cat])
	}
	return c
}

// Category returns the counts of one category in scope.
func (r *Result) Category(s Scope, category string) Confusion { return r.ByCategory[s][category] }

// HardNegativePrecision is the precision on the hard-negative test: TP / (TP + FP_hard), where TP
// counts the true positives of all positive categories and FP_hard the false matches among hard
// negatives only (false matches among plain negatives are left out), all in scope. 0 if the
// denominator is 0.
func (r *Result) HardNegativePrecision(s Scope) float64 {
	tp := r.Overall(s).TP
	return ratio(tp, tp+r.Category(s, CategoryHardNegative).FP)
}

// Report is the outcome of evaluating several methods on one evaluation set in one run. The first
// method is the system under test; the others are baselines.
type Report struct {
	Source  string // path of the evaluation set, as shown in the report
	Pairs   []Pair
	Methods []Method
	Results []Result // one per method, same order
}

// Evaluate runs every method on every pair.
func Evaluate(source string, pairs []Pair, methods []Method) *Report {
	rep := &Report{Source: source, Pairs: pairs, Methods: methods}
	for _, m := range methods {
		res := Result{Method: m.Name, ByCategory: map[Scope]map[string]Confusion{}}
		for _, s := range Scopes() {
			res.ByCategory[s] = map[string]Confusion{}
		}
		for _, p := range pairs {
			matched := m.Match(p.A, p.B)
			for _, s := range Scopes() {
				if s.includes(p) {
					c := res.ByCategory[s][p.Category]
					c.Add(p.Same, matched)
					res.ByCategory[s][p.Category] = c
				}
			}
			if matched != p.Same {
				res.Errors = append(res.Errors, Outcome{Pair: p, Matched: matched})
			}
		}
		rep.Results = append(rep.Results, res)
	}
	return rep
}

// Subject returns the result of the system under test (the first method), nil without methods.
func (r *Report) Subject() *Result {
	if len(r.Results) == 0 {
		return nil
	}
	return &r.Results[0]
}

// BestBaseline returns the baseline (any method but the first) with the highest F1 in scope;
// ties go to the earlier method. Nil without baselines.
func (r *Report) BestBaseline(s Scope) *Result {
	var best *Result
	for i := 1; i < len(r.Results); i++ {
		if best == nil || r.Results[i].Overall(s).F1() > best.Overall(s).F1() {
			best = &r.Results[i]
		}
	}
	return best
}

// F1Ratio is the subject's F1 divided by the best baseline's F1 in scope; ok is false if there is
// no baseline or its F1 is 0.
func (r *Report) F1Ratio(s Scope) (ratio float64, ok bool) {
	best := r.BestBaseline(s)
	if best == nil || best.Overall(s).F1() == 0 {
		return 0, false
	}
	return r.Subject().Overall(s).F1() / best.Overall(s).F1(), true
}

// Count returns the number of pairs per category and split.
func (r *Report) Count(category, split string) int {
	n := 0
	for _, p := range r.Pairs {
		if p.Category == category && p.Split == split {
			n++
		}
	}
	return n
}

// PresentCategories returns the categories that have at least one pair, in report order.
func (r *Report) PresentCategories() []string {
	var cats []string
	for _, c := range Categories() {
		if slices.ContainsFunc(r.Pairs, func(p Pair) bool { return p.Category == c }) {
			cats = append(cats, c)
		}
	}
	return cats
}
