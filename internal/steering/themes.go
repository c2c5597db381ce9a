package steering

import (
	"slices"
	"time"

	"kim/internal/platform/errs"
	"kim/internal/platform/valid"
)

// Theme states, in the order of the steering cycle (reference/domain.md §4.4, W9): a candidate
// merged from barrier reports, prioritised by the steering group, worked on in a working or
// project group, a recommendation adopted, its effect watched, closed.
const (
	ThemeCandidate     = "candidate"
	ThemePrioritised   = "prioritised"
	ThemeInWorkGroup   = "in_working_group"
	ThemeAdopted       = "recommendation_adopted"
	ThemeMonitoring    = "monitoring"
	ThemeClosed        = "closed"
	themeTitleMax      = 200
	themeTextMax       = 4000
	themeNoteMax       = 2000
	themeMergeMaxItems = 100
)

// ThemeStatuses lists the states in the order of the cycle.
var ThemeStatuses = []string{ThemeCandidate, ThemePrioritised, ThemeInWorkGroup, ThemeAdopted, ThemeMonitoring, ThemeClosed}

// ThemePriorities are the priorities the steering group gives a theme ("" = not yet set).
var ThemePriorities = []string{"high", "medium", "low"}

// themeSteps are the allowed status changes: one step forward along the cycle, closing from
// every open state (with a note saying why), and reopening a closed theme as a candidate.
// Everything else is refused with steering.theme.step_refused.
var themeSteps = map[string][]string{
	ThemeCandidate:   {ThemePrioritised, ThemeClosed},
	ThemePrioritised: {ThemeInWorkGroup, ThemeClosed},
	ThemeInWorkGroup: {ThemeAdopted, ThemeClosed},
	ThemeAdopted:     {ThemeMonitoring, ThemeClosed},
	ThemeMonitoring:  {ThemeClosed},
	ThemeClosed:      {ThemeCandidate},
}

// ThemeNext returns the states a theme in status may move to.
func ThemeNext(status string) []string { return themeSteps[status] }

// ThemeOpen reports whether a theme in status is still being worked on.
func ThemeOpen(status string) bool {
	return status != ThemeClosed && slices.Contains(ThemeStatuses, status)
}

// themeRank is the position of a status in the cycle (closed last).
func themeRank(status string) int { return slices.Index(ThemeStatuses, status) }

// themeLifeDomains are the life domains a theme may be filed under: those of case management's
// assessment and of the barrier reports (labels casework.domain.*).
var themeLifeDomains = []string{"residence", "orientation", "language", "work", "education", "school", "housing", "health",
	"family", "livelihood", "naturalisation", "participation"}

// Theme is a theme merged from barrier reports.
type Theme struct {
	ID          string
	TenantID    string
	Title       string
	Description string
	LifeDomain  string
	Priority    string
	Status      string
	CreatedAt   time.Time
	UpdatedAt   time.Time
	Version     int
	// Reports is the number of barrier reports in the theme, Cases that of distinct affected
	// cases (by their keyed pseudonym), Organisations that of reporting and involved
	// organisations; all under the disclosure rule (a small number of reports would tell the
	// number of cases).
	Reports, Cases, Organisations Count
}

// Open reports whether the theme is still being worked on.
func (t *Theme) Open() bool { return ThemeOpen(t.Status) }

// ThemeInput is the title, description, life domain and priority of a theme.
type ThemeInput struct {
	Title       string
	Description string
	LifeDomain  string
	Priority    string
}

// Validate cleans and checks the input.
func (in *ThemeInput) Validate() error {
	var v errs.Validation
	in.Title, in.Description = valid.Clean(in.Title), valid.CleanText(in.Description)
	valid.Required(&v, "title", in.Title, themeTitleMax)
	valid.Length(&v, "description", in.Description, themeTextMax)
	valid.Optional(&v, "life_domain", in.LifeDomain, themeLifeDomains)
	valid.Optional(&v, "priority", in.Priority, ThemePriorities)
	return v.Err()
}

// ThemeEvent is a status change of a theme (from "" when it was created).
type ThemeEvent struct {
	From, To string
	Note     string
	Actor    string // the name of the account, or "" when it no longer exists
	At       time.Time
}

// ThemeFilter narrows the theme list: Status is a state, "open" (the default) or "all";
// Priority a priority or "none".
type ThemeFilter struct {
	Status   string
	Priority string
}

// themeFail returns a validation error on one field.
func themeFail(field, msgID string, kv ...any) error {
	var v errs.Validation
	v.Add(field, msgID, kv...)
	return v.Err()
}
