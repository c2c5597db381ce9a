package monitoring

import (
	"net/url"
	"testing"
)

// A "to" (or "bis") after the last completed month alone gives the 12 months up to that month,
// not a range starting in the future; ComputeAll then cuts the end (see Clamp).
func TestQueryParsersEndAtTheLastCompletedMonth(t *testing.T) {
	last := Month{2026, 2}
	q, err := apiQuery(url.Values{"to": {"2030-01"}}, "new_cases", last)
	if c := Clamp(q, last); err != nil || c.From != (Month{2025, 3}) || c.To != last {
		t.Errorf("api to alone: %v %v %v", q, c, err)
	}
	q, err = apiQuery(url.Values{}, "new_cases", last)
	if err != nil || q.From != (Month{2025, 3}) || q.To != last {
		t.Errorf("api default: %v %v", q, err)
	}
	q, err = pageQuery(url.Values{"bis": {"2030-01"}}, "new_cases", last)
	if c := Clamp(q, last); err != nil || c.From != (Month{2025, 3}) || c.To != last {
		t.Errorf("page bis alone: %v %v %v", q, c, err)
	}
	q, err = pageQuery(url.Values{"von": {"2026-05"}}, "new_cases", last)
	if err != nil || q.To.Before(q.From) {
		t.Errorf("page von after the last month must be refused as not complete, not as out of order: %v %v", q, err)
	}
}
