package casework

import (
	"slices"
	"time"

	"kim/internal/platform/errs"
	"kim/internal/platform/valid"
)

// Case states along the phases of case management.
const (
	StatusRequested      = "requested"      // Anfrage
	StatusClarification  = "clarification"  // Klärung / Intake
	StatusAssessment     = "assessment"     // Assessment
	StatusPlanning       = "planning"       // Hilfeplanung
	StatusImplementation = "implementation" // Umsetzung und Monitoring
	StatusPaused         = "paused"         // ruhend
	StatusClosing        = "closing"        // Evaluation und Abschluss
	StatusClosed         = "closed"         // abgeschlossen
	StatusDeclined       = "declined"       // abgelehnt (Kurzberatung)
	StatusReferred       = "referred"       // weitervermittelt
)

// Statuses lists the states in display order.
var Statuses = []string{StatusRequested, StatusClarification, StatusAssessment, StatusPlanning, StatusImplementation,
	StatusPaused, StatusClosing, StatusClosed, StatusDeclined, StatusReferred}

// OpenStatuses are the states of a case that is being worked on.
var OpenStatuses = []string{StatusRequested, StatusClarification, StatusAssessment, StatusPlanning, StatusImplementation,
	StatusPaused, StatusClosing}

// transitions are the allowed moves between states. Reopening a closed case starts a new
// assessment.
var transitions = map[string][]string{
	StatusRequested:      {StatusClarification, StatusDeclined, StatusReferred},
	StatusClarification:  {StatusAssessment, StatusDeclined, StatusReferred},
	StatusAssessment:     {StatusPlanning, StatusPaused, StatusClosing},
	StatusPlanning:       {StatusImplementation, StatusAssessment, StatusPaused, StatusClosing},
	StatusImplementation: {StatusPlanning, StatusAssessment, StatusPaused, StatusClosing},
	StatusPaused:         {StatusAssessment, StatusPlanning, StatusImplementation, StatusClosing},
	StatusClosing:        {StatusClosed, StatusImplementation},
	StatusClosed:         {StatusAssessment},
	StatusDeclined:       nil,
	StatusReferred:       nil,
}

// CanMove reports whether a case may go from one state to another.
func CanMove(from, to string) bool { return slices.Contains(transitions[from], to) }

// Next lists the states a case may move to from status.
func Next(status string) []string { return transitions[status] }

// IsOpen reports whether a case in status is being worked on.
func IsOpen(status string) bool { return slices.Contains(OpenStatuses, status) }

// Code lists of cases.
var (
	AccessRoutes = []string{"self", "jobcenter", "social_office", "foreigners_office", "youth_office", "school",
		"counselling", "volunteer", "health", "other"}
	Urgencies    = []string{"low", "normal", "high", "crisis"}
	CloseReasons = []string{"goals_achieved", "regular_service", "moved_away", "contact_lost", "ended_by_client",
		"other_cm", "other"}
	// Domains are the life domains of assessment, plan and statistics.
	Domains = []string{"residence", "orientation", "language", "work", "education", "school", "housing", "health",
		"family", "livelihood", "naturalisation", "participation"}
	ParticipantRoles = []string{"primary", "member"}
)

// Case is a case-management case of an organisation.
type Case struct {
	ID             string    `json:"id"`
	TenantID       string    `json:"-"`
	OrganisationID string    `json:"organisation_id"`
	Number         string    `json:"case_number"`
	ClientID       string    `json:"client_id"`
	ClientName     string    `json:"client_name"`
	Status         string    `json:"status"`
	AccessRoute    string    `json:"access_route"`
	Admission      []string  `json:"admission_criteria_met"`
	CaseManagerID  string    `json:"case_manager_id"`
	CaseManager    string    `json:"case_manager_name"`
	DeputyID       string    `json:"deputy_id"`
	Deputy         string    `json:"deputy_name"`
	LocationID     string    `json:"location_id"`
	Urgency        string    `json:"urgency"`
	RequestedOn    string    `json:"requested_on"`
	ReviewOn       string    `json:"review_on"`
	ClosedOn       string    `json:"closed_on"`
	CloseReason    string    `json:"close_reason"`
	CreatedAt      time.Time `json:"created_at"`
	UpdatedAt      time.Time `json:"updated_at"`
	Version        int       `json:"version"`

	// Filled on the case page.
	Participants  []Participant `json:"participants,omitempty"`
	AdmissionNote string        `json:"admission_note,omitempty"`
	CloseNote     string        `json:"close_note,omitempty"`
}

// Participant is a client taking part in a (family) case.
type Participant struct {
	ClientID string `json:"client_id"`
	Name     string `json:"name"`
	Role     string `json:"role"`
}

// CaseInput opens a case.
type CaseInput struct {
	ClientID      string   `json:"client_id"`
	AccessRoute   string   `json:"access_route"`
	CaseManagerID string   `json:"case_manager_id"`
	DeputyID      string   `json:"deputy_id"`
	LocationID    string   `json:"location_id"`
	Urgency       string   `json:"urgency"`
	RequestedOn   string   `json:"requested_on"`
	Admission     []string `json:"admission_criteria_met"`
	AdmissionNote string   `json:"admission_note"`
	Members       []string `json:"member_client_ids"`
}

// Validate checks the input (references are checked by the service).
func (in *CaseInput) Validate(today time.Time) error {
	var v errs.Validation
	if in.ClientID == "" {
		v.Add("client_id", "validation.required")
	}
	valid.OneOf(&v, "access_route", in.AccessRoute, AccessRoutes)
	if in.Urgency == "" {
		in.Urgency = "normal"
	}
	valid.OneOf(&v, "urgency", in.Urgency, Urgencies)
	if in.RequestedOn == "" {
		in.RequestedOn = valid.Today(today)
	}
	valid.Date(&v, "requested_on", &in.RequestedOn)
	valid.NotAfter(&v, "requested_on", in.RequestedOn, today)
	in.AdmissionNote = valid.CleanText(in.AdmissionNote)
	valid.Length(&v, "admission_note", in.AdmissionNote, 4000)
	if len(in.Members) > maxItems {
		v.Add("member_client_ids", "casework.validation.too_many", "Max", maxItems)
	}
	return v.Err()
}

// MoveInput moves a case to another state.
type MoveInput struct {
	To          string `json:"status"`
	Note        string `json:"note"`
	CloseReason string `json:"close_reason"`
	Version     int    `json:"version"`
}

// Validate checks the input against the case's current state.
func (in *MoveInput) Validate(from string) error {
	var v errs.Validation
	in.Note = valid.CleanText(in.Note)
	valid.Length(&v, "note", in.Note, 4000)
	switch {
	case in.To == "":
		v.Add("status", "validation.required")
	case !CanMove(from, in.To):
		v.Add("status", "casework.case.transition")
	}
	if in.To == StatusClosed {
		valid.OneOf(&v, "close_reason", in.CloseReason, CloseReasons)
	} else {
		in.CloseReason = "" // a reason belongs to closing only
	}
	if (in.To == StatusDeclined || in.To == StatusReferred || in.To == StatusPaused) && in.Note == "" {
		v.Add("note", "casework.case.note_required")
	}
	return v.Err()
}
