package steering

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"kim/internal/platform/errs"
	"kim/internal/platform/valid"
)

// Meeting states.
const (
	MeetingPlanned   = "planned"
	MeetingHeld      = "held"
	MeetingCancelled = "cancelled"
)

// MeetingStatuses lists the states of a meeting.
var MeetingStatuses = []string{MeetingPlanned, MeetingHeld, MeetingCancelled}

// AttendanceStatuses are the ways a member attended a meeting ("deputy": represented by the
// deputy).
var AttendanceStatuses = []string{"present", "excused", "absent", "deputy"}

const (
	meetingTitleMax    = 200
	meetingPlaceMax    = 300
	meetingAgendaMax   = 30
	meetingItemMax     = 300
	meetingMinutesMax  = 20000
	meetingDecisionMax = 4000
)

// Meeting is a meeting of a body with its agenda, attendance, minutes and decisions.
type Meeting struct {
	ID        string
	TenantID  string
	BodyID    string
	BodyName  string
	BodyType  string
	Title     string
	StartsAt  time.Time
	EndsAt    time.Time
	Place     string
	Status    string
	Minutes   string
	CreatedAt time.Time
	UpdatedAt time.Time
	Version   int

	// The body's state: its name is part of the calendar event, so its changes count as the
	// event's changes.
	BodyActive    bool
	BodyUpdatedAt time.Time
	BodyVersion   int

	// Filled on the meeting's page.
	Agenda     []MeetingAgendaItem
	Attendance []BodyMember // members with their recorded attendance
	Decisions  []MeetingDecision
}

// MinutesParagraphs splits the minutes into paragraphs at blank lines.
func (m *Meeting) MinutesParagraphs() []string {
	var out []string
	for _, p := range strings.Split(m.Minutes, "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// MeetingAgendaItem is an item of a meeting's agenda, optionally about a theme.
type MeetingAgendaItem struct {
	Position   int
	Title      string
	ThemeID    string
	ThemeTitle string
}

// MeetingDecision is a decision taken in a meeting, optionally about a theme or a
// recommendation (recorded with the recommendation's decision).
type MeetingDecision struct {
	ID                  string
	MeetingID           string
	Position            int
	Text                string
	ThemeID             string
	ThemeTitle          string
	RecommendationID    string
	RecommendationTitle string
	CreatedAt           time.Time
}

// MeetingAgendaInput is an agenda item of the meeting form.
type MeetingAgendaInput struct {
	Title   string
	ThemeID string
}

// MeetingInput creates or changes a meeting. Date is YYYY-MM-DD (or DD.MM.YYYY), Start and End
// are times of day (HH:MM) in Europe/Berlin. Status, Minutes and Attendance (member id →
// attendance status, "" for none) are used when a meeting is changed.
type MeetingInput struct {
	BodyID     string
	Title      string
	Date       string
	Start, End string
	Place      string
	Agenda     []MeetingAgendaInput
	Status     string
	Minutes    string
	Attendance map[string]string
	Version    int

	// Set by Validate.
	StartsAt, EndsAt time.Time
}

// Validate cleans and checks the input at time now; update tells whether an existing meeting
// is changed (status, minutes and attendance belong to the change).
func (in *MeetingInput) Validate(now time.Time, update bool) error {
	var v errs.Validation
	in.Title, in.Place = valid.Clean(in.Title), valid.Clean(in.Place)
	valid.Required(&v, "title", in.Title, meetingTitleMax)
	valid.Length(&v, "place", in.Place, meetingPlaceMax)
	valid.RequiredDate(&v, "date", &in.Date)
	start, okStart := meetingClock(&v, "start", &in.Start)
	end, okEnd := meetingClock(&v, "end", &in.End)
	if !v.Has("date") && okStart && okEnd {
		day, _ := time.Parse(valid.DateLayout, in.Date)
		in.StartsAt, okStart = meetingAt(&v, "start", day, start)
		in.EndsAt, okEnd = meetingAt(&v, "end", day, end)
		if okStart && okEnd && !in.EndsAt.After(in.StartsAt) {
			v.Add("end", "steering.meeting.end_before_start")
		}
	}
	if !update {
		in.Status, in.Minutes, in.Attendance = MeetingPlanned, "", nil
	}
	valid.OneOf(&v, "status", in.Status, MeetingStatuses)
	if in.Status == MeetingHeld && !in.StartsAt.IsZero() && in.StartsAt.After(now) {
		v.Add("status", "steering.meeting.held_future")
	}
	in.Minutes = valid.CleanText(strings.ReplaceAll(in.Minutes, "\r\n", "\n"))
	valid.Length(&v, "minutes", in.Minutes, meetingMinutesMax)
	var agenda []MeetingAgendaInput
	for _, a := range in.Agenda {
		a.Title, a.ThemeID = valid.Clean(a.Title), valid.Clean(a.ThemeID)
		if a.Title == "" && a.ThemeID == "" {
			continue
		}
		if len([]rune(a.Title)) > meetingItemMax {
			v.Add("agenda", "steering.meeting.agenda_too_long", "Position", len(agenda)+1, "Max", meetingItemMax)
		}
		agenda = append(agenda, a)
	}
	if len(agenda) > meetingAgendaMax {
		v.Add("agenda", "steering.meeting.agenda_too_many", "Max", meetingAgendaMax)
	}
	in.Agenda = agenda
	for member, status := range in.Attendance {
		if status != "" && !slices.Contains(AttendanceStatuses, status) {
			v.Add("attendance", "validation.choice")
		}
		if status == "" {
			delete(in.Attendance, member)
		}
	}
	return v.Err()
}

// meetingClock reads a time of day (HH:MM, H:MM, HH.MM or HH) into minutes after midnight and
// normalises the field to HH:MM.
func meetingClock(v *errs.Validation, field string, s *string) (int, bool) {
	t := strings.TrimSpace(*s)
	if t == "" {
		v.Add(field, "validation.required")
		return 0, false
	}
	t = strings.TrimSuffix(strings.TrimSuffix(t, " Uhr"), "Uhr")
	h, m, found := strings.Cut(strings.ReplaceAll(t, ".", ":"), ":")
	if !found {
		m = "00"
	}
	hh, err1 := strconv.Atoi(h)
	mm, err2 := strconv.Atoi(m)
	if err1 != nil || err2 != nil || len(h) > 2 || len(m) != 2 || hh < 0 || hh > 23 || mm < 0 || mm > 59 {
		v.Add(field, "steering.meeting.time_invalid")
		return 0, false
	}
	*s = fmt.Sprintf("%02d:%02d", hh, mm)
	return hh*60 + mm, true
}

// meetingAt returns the instant of a time of day on a calendar day in Europe/Berlin. A time
// that does not exist on that day (the hour skipped when summer time begins) is refused. A time
// that exists twice (the hour repeated when summer time ends, 02:00–02:59 on the last Sunday
// of October) is its first occurrence, still in summer time (time.Date leaves the choice open).
func meetingAt(v *errs.Validation, field string, day time.Time, minutes int) (time.Time, bool) {
	h, m := minutes/60, minutes%60
	t := time.Date(day.Year(), day.Month(), day.Day(), h, m, 0, 0, valid.Berlin)
	if t.Hour() != h || t.Minute() != m {
		v.Add(field, "steering.meeting.time_gap")
		return time.Time{}, false
	}
	if e := t.Add(-time.Hour); e.Day() == t.Day() && e.Hour() == h && e.Minute() == m {
		t = e
	}
	return t.UTC(), true
}

// Modified is when the meeting's calendar event last changed: the later of the meeting's and
// its body's last change.
func (m *Meeting) Modified() time.Time {
	if m.BodyUpdatedAt.After(m.UpdatedAt) {
		return m.BodyUpdatedAt
	}
	return m.UpdatedAt
}

// Sequence is the revision of the meeting's calendar event (RFC 5545 SEQUENCE): it counts the
// changes of the meeting and of its body, so that it grows with each of them.
func (m *Meeting) Sequence() int { return max(m.Version-1, 0) + max(m.BodyVersion-1, 0) }

// MeetingDecisionInput is a decision recorded on a meeting's page.
type MeetingDecisionInput struct {
	Text    string
	ThemeID string
}

// Validate cleans and checks the input.
func (in *MeetingDecisionInput) Validate() error {
	var v errs.Validation
	in.Text, in.ThemeID = valid.CleanText(strings.ReplaceAll(in.Text, "\r\n", "\n")), valid.Clean(in.ThemeID)
	valid.Required(&v, "text", in.Text, meetingDecisionMax)
	return v.Err()
}

// MeetingFilter narrows the meeting list: When is "upcoming" (not yet ended), "past" or ""
// (all); BodyID a body.
type MeetingFilter struct {
	BodyID string
	When   string
}
