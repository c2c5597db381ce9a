// Package sdc is the statistical disclosure control of the integration monitoring: every table
// of figures that leaves the database passes through Protect. Counts of persons from 1 to
// Rule.Min-1 are suppressed (primary suppression); secondary suppression then hides further
// cells so that no suppressed cell can be recovered from totals (every additive line with a
// suppressed member has at least two, and no suppressed non-zero count is fixed by the
// equations of the lines); means, medians and rates over fewer than Rule.MinPersons persons
// are suppressed. Audit computes, for every suppressed cell, the interval an attacker can
// derive from everything published with it (linear programming), so that tests prove the
// protection rather than assume it. See reference/security-and-privacy.md §3.
//
// # Building a table
//
// A cube (say district × organisation × category, each dimension with a total category) has
// one cell per combination, totals included, and one Line per dimension and per combination
// of the other coordinates (totals included there too): the cell with the total in that
// dimension is Line.Total, the cells with each category in that dimension are Line.Parts. A
// 6 × 8 × 10 cube has 7 × 9 × 11 cells and 9·11 + 7·11 + 7·9 lines. Keys are free strings;
// give a cell the same key in every table of a release that contains it.
//
// # Linked tables
//
// Tables of one release that share cells (a base table and its breakdowns) are protected one
// after the other: the first alone, each later one with the shared cells copied in with the
// first's decision and Fixed set. Protect never changes a Fixed cell and does not rely on a
// hidden Fixed cell to move (another table's lines may hold it in place), so each later
// table's hidden cells stay hidden in the union of all tables linked to it only through Fixed
// cells. Tables that overlap in population without sharing their totals (the whole city and
// the city without one district) cannot be protected one after the other in general (the
// second has nothing of its own to hide but totals; Protect then reports Unresolved): protect
// them jointly, as one Table with both tables' cells and lines, or do not publish both.
//
// # What is not covered
//
// Group attribute disclosure (reference rule 5: in a row of a sensitive variable every
// person in one category, all other cells 0) is not detected: zeros are published, and a
// suppressed zero may be recovered as 0 by non-negativity, which tells no more than a
// published 0. Where that matters, merge categories or suppress the row before publishing.
// Rounding and cell-key perturbation are not implemented.
//
// The package is pure: no database, no HTTP, no clock. Its result depends only on the cells
// and lines, never on the order in which they were added.
package sdc

// Rule is the disclosure rule of a tenant.
type Rule struct {
	Min        int // smallest count of persons published; 1..Min-1 are suppressed (default 5)
	MinPersons int // fewest persons behind a published mean, median or rate (default 10)
}

// DefaultRule is the rule of reference/security-and-privacy.md §3.2: counts below 5 hidden,
// no magnitudes over fewer than 10 persons.
func DefaultRule() Rule { return Rule{Min: 5, MinPersons: 10} }

// Cell is one figure of a table.
type Cell struct {
	Value float64 // a count of persons, or a magnitude (mean, median, rate)
	// Magnitude marks a mean, median, percentile or rate over N persons: it is published only
	// when N >= Rule.MinPersons and never takes part in lines.
	Magnitude bool
	N         int
	// Suppressed is set by Protect (or given, with Fixed, from a linked table).
	Suppressed bool
	// Fixed marks a cell whose state was decided by the protection of a linked table of the same
	// release (a shared margin): Protect never changes it and never picks it as a partner.
	Fixed bool
	// Of names the count cell a magnitude is computed over (a rate and its numerator, a median
	// and its persons): the magnitude is suppressed whenever that count cell is. Optional.
	Of string
}

// Line is an additive relation among cells: Total = sum of Parts. For counts of distinct
// persons Total <= sum may hold (a person at two organisations); Protect treats every line as
// an equality, which is the stronger attacker, while Audit needs the values to add up and
// returns an error otherwise. Lines relate count cells only; parts are distinct and do not
// include the total.
type Line struct {
	Total string
	Parts []string
}

// Table is a set of cells by key and the lines among them.
type Table struct {
	Cells map[string]*Cell
	Lines []Line
}
