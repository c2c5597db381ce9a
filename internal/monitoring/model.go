package monitoring

import (
	"fmt"
	"strconv"
	"time"
)

// Month is a calendar month, the period of every monitoring cell ("2026-01").
type Month struct {
	Year  int
	Month time.Month
}

// ParseMonth reads "YYYY-MM".
func ParseMonth(s string) (Month, error) {
	if len(s) != 7 || s[4] != '-' {
		return Month{}, fmt.Errorf("month %q: want YYYY-MM", s)
	}
	y, err1 := strconv.Atoi(s[:4])
	m, err2 := strconv.Atoi(s[5:])
	if err1 != nil || err2 != nil || y < 1900 || y > 2999 || m < 1 || m > 12 {
		return Month{}, fmt.Errorf("month %q: want YYYY-MM", s)
	}
	return Month{y, time.Month(m)}, nil
}

// MonthOf returns the month of t.
func MonthOf(t time.Time) Month { return Month{t.Year(), t.Month()} }

// String is "YYYY-MM".
func (m Month) String() string { return fmt.Sprintf("%04d-%02d", m.Year, int(m.Month)) }

// Add returns the month n months later (earlier for negative n).
func (m Month) Add(n int) Month {
	i := m.Year*12 + int(m.Month) - 1 + n
	return Month{i / 12, time.Month(i%12 + 1)}
}

// Before reports whether m is earlier than o.
func (m Month) Before(o Month) bool { return m.Year*12+int(m.Month) < o.Year*12+int(o.Month) }

// First is the first day of the month ("YYYY-MM-01"), Last its last day.
func (m Month) First() string { return m.String() + "-01" }

// Last is the month's last day ("YYYY-MM-DD").
func (m Month) Last() string {
	return time.Date(m.Year, m.Month+1, 0, 0, 0, 0, 0, time.UTC).Format("2006-01-02")
}

// MonthsBetween lists the months from..to inclusive (empty when to is before from).
func MonthsBetween(from, to Month) []Month {
	var out []Month
	for m := from; !to.Before(m); m = m.Add(1) {
		out = append(out, m)
	}
	return out
}

// Query asks for one indicator over a range of months, broken down by one breakdown, for the
// whole tenant or one district or organisation.
type Query struct {
	Indicator    string
	From, To     Month
	By           string // a breakdown of the indicator ("" = totals only)
	District     string // filter: a district id ("" = all)
	Organisation string // filter: an organisation id ("" = all)
	// Yearly asks for calendar years instead of months (From and To then name their first and
	// last year's months; periods are "YYYY"). A year cell is protected together with its months.
	Yearly bool
}

// Group is one category of a breakdown: a district, an organisation, a code (life domain,
// sex, age group …). Label is the display name; Translate marks a message key.
type Group struct {
	Key       string `json:"key"`
	Label     string `json:"label"`
	Translate bool   `json:"-"`
}

// Cell is one published figure: its value, or suppressed without one.
type Cell struct {
	Period     string   `json:"period"`
	Group      string   `json:"group"`     // the group's label ("Wald"); "" for the total of the period
	GroupKey   string   `json:"group_key"` // the group's stable key; "" for the total
	Value      *float64 `json:"value"`
	Suppressed bool     `json:"suppressed"`
}

// Table is one indicator's protected figures for a query: one cell per period and group, and
// the period totals (over all groups).
type Table struct {
	Indicator *Indicator
	Query     Query
	Periods   []Month
	// PeriodKeys are the periods as in the cells: "2026-01", or "2026" for a Yearly query (whose
	// Periods are then the January of each year).
	PeriodKeys []string
	Groups     []Group
	Cells      [][]Cell // [period][group]
	Totals     []Cell   // [period]
}
