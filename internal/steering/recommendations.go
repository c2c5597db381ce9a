package steering

import (
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"kim/internal/platform/access"
	"kim/internal/platform/errs"
	"kim/internal/platform/ids"
	"kim/internal/platform/valid"
)

// Recommendation states (reference/domain.md §4.4): drafted by a body, submitted to the steering
// group, decided there (adopted, rejected or deferred), then implemented and evaluated.
const (
	RecDraft            = "draft"
	RecSubmitted        = "submitted"
	RecAdopted          = "adopted"
	RecRejected         = "rejected"
	RecDeferred         = "deferred"
	RecInImplementation = "in_implementation"
	RecImplemented      = "implemented"
	RecEvaluated        = "evaluated"

	recTitleMax      = 200
	recTextMax       = 8000
	recFeedbackMax   = 2000
	recMaxOrgs       = 50
	recMaxIndicator  = 20
	recIndicatorsMax = 900 // characters of the field of indicator codes
)

// RecStatuses lists the states in the order of the cycle.
var RecStatuses = []string{RecDraft, RecSubmitted, RecDeferred, RecAdopted, RecRejected, RecInImplementation, RecImplemented, RecEvaluated}

// RecDecisions are the decisions of the steering group on a submitted recommendation.
var RecDecisions = []string{RecAdopted, RecRejected, RecDeferred}

// RecStep is an allowed status change: the action it needs (Update: the drafting body's
// members and the coordination; Manage: the coordination) and whether a deciding meeting must
// be named.
type RecStep struct {
	To       string
	Action   access.Action
	Decision bool
}

var recSteps = map[string][]RecStep{
	RecDraft:            {{RecSubmitted, access.Update, false}},
	RecSubmitted:        {{RecAdopted, access.Manage, true}, {RecRejected, access.Manage, true}, {RecDeferred, access.Manage, true}},
	RecDeferred:         {{RecSubmitted, access.Update, false}},
	RecAdopted:          {{RecInImplementation, access.Manage, false}},
	RecInImplementation: {{RecImplemented, access.Manage, false}},
	RecImplemented:      {{RecEvaluated, access.Manage, false}},
}

// RecNext returns the steps a recommendation in status may take.
func RecNext(status string) []RecStep { return recSteps[status] }

// recStep returns the step from status to to.
func recStep(from, to string) (RecStep, bool) {
	for _, s := range recSteps[from] {
		if s.To == to {
			return s, true
		}
	}
	return RecStep{}, false
}

// RecEditable reports whether the text of a recommendation in status may still change.
func RecEditable(status string) bool { return status == RecDraft || status == RecDeferred }

// RecInForce reports whether a recommendation in status has been adopted (and so may create or
// change offers, and counts as feedback to case managers).
func RecInForce(status string) bool {
	return slices.Contains([]string{RecAdopted, RecInImplementation, RecImplemented, RecEvaluated}, status)
}

// recDone reports whether a recommendation in status no longer has a due date to meet.
func recDone(status string) bool {
	return status == RecImplemented || status == RecEvaluated || status == RecRejected
}

// Recommendation is a recommendation (Handlungsempfehlung) for a theme.
type Recommendation struct {
	ID, TenantID        string
	ThemeID, ThemeTitle string
	ThemeStatus         string
	BodyID, BodyName    string
	Title, Text         string
	DueDate             string
	Status              string
	DecisionMeetingID   string
	DecisionMeeting     string // title of the deciding meeting ("" for those who may not see it)
	DecisionBody        string // its body
	DecisionBodyID      string
	DecidedOn           string
	Feedback            string
	CreatedBy           string
	CreatedAt           time.Time
	UpdatedAt           time.Time
	Version             int
	Overdue             bool
	// Details (the recommendation's page and the loop view).
	Organisations []Choice
	Indicators    []string
	Offers        []RecOffer
	Events        []RecEvent
}

// Editable reports whether the text may still change.
func (r *Recommendation) Editable() bool { return RecEditable(r.Status) }

// Paragraphs returns the text split at blank lines (lines within a paragraph joined).
func (r *Recommendation) Paragraphs() []string {
	var out []string
	for _, p := range strings.Split(strings.ReplaceAll(r.Text, "\r\n", "\n"), "\n\n") {
		if p = strings.Join(strings.Fields(p), " "); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// InForce reports whether the recommendation has been adopted.
func (r *Recommendation) InForce() bool { return RecInForce(r.Status) }

// ThemeOpen reports whether the recommendation's theme is still being worked on (a
// recommendation of a closed theme can no longer change).
func (r *Recommendation) ThemeOpen() bool { return ThemeOpen(r.ThemeStatus) }

// RecOffer is an offer a recommendation created or changed.
type RecOffer struct {
	OfferID, Title, Organisation string
	Kind                         string // "created" or "changed"
	Published                    bool
	LinkedAt                     time.Time
	Referrals                    Count
}

// RecEvent is a status change of a recommendation.
type RecEvent struct {
	From, To    string
	Meeting     string // title of the meeting of a decision ("" for those who may not see it)
	meetingBody string
	Note        string
	Actor       string
	At          time.Time
}

// RecInput is what a body drafts.
type RecInput struct {
	Title           string
	Text            string
	BodyID          string
	OrganisationIDs []string
	DueDate         string
	Indicators      string // codes separated by spaces or commas
	// Codes are the parsed indicator codes (set by Validate).
	Codes []string
}

// indicatorCode is the form of an indicator code until the monitoring catalogue exists.
var indicatorCode = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$`)

// Validate cleans and checks the input; today is the calendar day (a new due date may not lie
// before it), keepDue a due date already stored that may stay as it is.
func (in *RecInput) Validate(today, keepDue string) error {
	var v errs.Validation
	in.Title, in.Text = valid.Clean(in.Title), valid.CleanText(in.Text)
	valid.Required(&v, "title", in.Title, recTitleMax)
	valid.Required(&v, "text", in.Text, recTextMax)
	if in.BodyID == "" {
		v.Add("body_id", "validation.required")
	} else if !ids.Valid(in.BodyID) {
		v.Add("body_id", "validation.choice")
	}
	in.OrganisationIDs = recOrgIDs(&v, in.OrganisationIDs)
	valid.Date(&v, "due_date", &in.DueDate)
	if !v.Has("due_date") && in.DueDate != "" && in.DueDate != keepDue && in.DueDate < today {
		v.Add("due_date", "steering.rec.due_past")
	}
	in.Codes = recCodes(&v, in.Indicators)
	return v.Err()
}

// recOrgIDs checks the responsible organisations: at most recMaxOrgs (counted before anything
// else, so that a flood of values costs nothing), each a well-formed id; duplicates dropped.
func recOrgIDs(v *errs.Validation, list []string) []string {
	if len(list) > recMaxOrgs {
		v.Add("organisation_ids", "steering.rec.too_many_orgs", "Max", recMaxOrgs)
		return nil
	}
	seen := make(map[string]bool, len(list))
	var out []string
	for _, o := range list {
		if !ids.Valid(o) {
			v.Add("organisation_ids", "validation.choice")
			return nil
		}
		if !seen[o] {
			seen[o] = true
			out = append(out, o)
		}
	}
	return out
}

// recCodes parses the indicator codes: the raw field has at most recIndicatorsMax characters;
// codes are separated by spaces, commas or semicolons, at most recMaxIndicator different ones
// (parsing stops at the first code too many); duplicates dropped.
func recCodes(v *errs.Validation, raw string) []string {
	if len(raw) > 4*recIndicatorsMax || utf8.RuneCountInString(raw) > recIndicatorsMax {
		v.Add("indicator_codes", "validation.too_long", "Max", recIndicatorsMax)
		return nil
	}
	seen := map[string]bool{}
	var out []string
	for _, c := range strings.FieldsFunc(valid.Clean(raw), func(r rune) bool { return r == ',' || r == ';' || r == ' ' }) {
		if !indicatorCode.MatchString(c) {
			v.Add("indicator_codes", "steering.rec.indicator_form")
			return nil
		}
		if seen[c] {
			continue
		}
		if len(out) == recMaxIndicator {
			v.Add("indicator_codes", "steering.rec.too_many_indicators", "Max", recMaxIndicator)
			return nil
		}
		seen[c] = true
		out = append(out, c)
	}
	return out
}

// RecMove is a status change: the new status and, for a decision, the deciding meeting; a note
// and, with an adoption or a rejection, the feedback to case managers (ignored on other steps).
type RecMove struct {
	To        string
	MeetingID string
	Note      string
	Feedback  string
}

// RecFilter narrows the recommendation list.
type RecFilter struct {
	Status  string
	ThemeID string
	BodyID  string
	Overdue bool
}

// RecSortKeys are the sort keys of the recommendation list, the default first.
var RecSortKeys = []string{"updated", "title", "status", "due", "theme"}
