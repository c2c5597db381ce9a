package steering

import "strconv"

// DisclosureMin is the smallest count the steering loop shows as a number: counts of affected
// cases, organisations, reports per month and referrals from 1 to DisclosureMin-1 are shown as
// "< 5", so that a small group cannot be singled out (reference/domain.md §6.6; the same rule
// as the integration monitoring). It is the one place where the threshold is set.
const DisclosureMin = 5

// Count is a figure under the disclosure rule: zero is shown as 0, 1 to DisclosureMin-1 as
// "< 5", anything larger as the number. The exact value never reaches a page when suppressed.
type Count struct {
	n int
}

// Disclose returns the disclosed form of n.
func Disclose(n int) Count { return Count{n: max(n, 0)} }

// Suppressed reports whether the count is hidden behind "< 5".
func (c Count) Suppressed() bool { return c.n > 0 && c.n < DisclosureMin }

// Zero reports whether the count is zero.
func (c Count) Zero() bool { return c.n == 0 }

// String is the count as pages show it.
func (c Count) String() string {
	if c.Suppressed() {
		return "< " + strconv.Itoa(DisclosureMin)
	}
	return strconv.Itoa(c.n)
}

// Shown is the value a chart may draw: the number itself, or the threshold for a suppressed
// count (drawn as an outline "below 5", never as its real height).
func (c Count) Shown() int {
	if c.Suppressed() {
		return DisclosureMin
	}
	return c.n
}
