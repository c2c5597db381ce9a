package steering

import (
	"time"

	"kim/internal/platform/errs"
	"kim/internal/platform/valid"
)

// The kinds of bodies of the steering structure (reference/domain.md §4.4).
const (
	BodySteeringGroup     = "steering_group"     // Lenkungsgruppe
	BodyWorkingGroup      = "working_group"      // Arbeitsgruppe
	BodyProjectGroup      = "project_group"      // Projektgruppe
	BodyCaseConference    = "case_conference"    // Fall- und Planungskonferenz
	BodyCoordinationGroup = "coordination_group" // Koordinierungsgruppe
)

// BodyTypes lists the kinds of bodies in display order.
var BodyTypes = []string{BodySteeringGroup, BodyWorkingGroup, BodyProjectGroup, BodyCaseConference, BodyCoordinationGroup}

// BodyMemberRoles are the roles of a member in a body.
var BodyMemberRoles = []string{"chair", "member", "guest"}

// BodyAccountRoles are the roles of the accounts a member may be linked to (to read the body's
// pages and receive its meetings in a calendar feed).
var BodyAccountRoles = []string{"body_member", "coordinator", "team_lead"}

const (
	bodyNameMax    = 200
	bodyMandateMax = 4000
	bodyPersonMax  = 200
	bodyEmailMax   = 254
)

// Body is a body (Gremium) with its members.
type Body struct {
	ID        string
	TenantID  string
	Type      string
	Name      string
	Mandate   string
	Active    bool
	CreatedAt time.Time
	UpdatedAt time.Time
	Version   int

	// Filled in lists and on the body's page.
	MemberCount int
	NextMeeting time.Time // zero when none is planned
	Members     []BodyMember
	Themes      []BodyTheme
}

// BodyMember is a named person of a partner organisation in a body, with an account or without.
type BodyMember struct {
	ID               string
	BodyID           string
	BodyName         string
	PersonName       string
	Email            string
	OrganisationID   string
	Organisation     string
	Role             string
	DeputyName       string
	UserID           string // the linked account, "" if none
	UserName         string
	DeputyUserID     string
	DeputyUserName   string
	Since            string // YYYY-MM-DD: the day from which the person belongs to the body
	CreatedAt        time.Time
	Removed          bool
	AttendanceStatus string // on a meeting's page: the recorded attendance
}

// BodyTheme is a theme assigned to a body (theme_bodies).
type BodyTheme struct {
	ID, Title, Status string
}

// BodyInput is the name, type, mandate and state of a body.
type BodyInput struct {
	Name    string
	Type    string
	Mandate string
	Active  bool
	Version int
}

// Validate cleans and checks the input.
func (in *BodyInput) Validate() error {
	var v errs.Validation
	in.Name, in.Mandate = valid.Clean(in.Name), valid.CleanText(in.Mandate)
	valid.Required(&v, "name", in.Name, bodyNameMax)
	valid.OneOf(&v, "type", in.Type, BodyTypes)
	valid.Length(&v, "mandate", in.Mandate, bodyMandateMax)
	return v.Err()
}

// BodyMemberInput adds or changes a member of a body. With an account (UserID) the person's
// name and organisation may be left empty: they are taken from the account. Since is the day
// from which the person belongs to the body (YYYY-MM-DD or DD.MM.YYYY; empty: the day of
// entry); a meeting lists the members of its day, so an earlier day lets past meetings be
// recorded with the person.
type BodyMemberInput struct {
	PersonName     string
	Email          string
	OrganisationID string
	Role           string
	DeputyName     string
	UserID         string
	DeputyUserID   string
	Since          string
}

// Validate cleans and checks the input (the references are checked by the service).
func (in *BodyMemberInput) Validate() error {
	var v errs.Validation
	in.PersonName, in.Email, in.DeputyName = valid.Clean(in.PersonName), valid.Clean(in.Email), valid.Clean(in.DeputyName)
	in.OrganisationID, in.UserID, in.DeputyUserID = valid.Clean(in.OrganisationID), valid.Clean(in.UserID), valid.Clean(in.DeputyUserID)
	valid.Length(&v, "person_name", in.PersonName, bodyPersonMax)
	if in.PersonName == "" && in.UserID == "" {
		v.Add("person_name", "steering.body.person_required")
	}
	if in.OrganisationID == "" && in.UserID == "" {
		v.Add("organisation_id", "validation.required")
	}
	if len(in.Email) > bodyEmailMax {
		v.Add("email", "validation.too_long", "Max", bodyEmailMax)
	} else {
		valid.OptionalEmail(&v, "email", in.Email)
	}
	if in.Role == "" {
		in.Role = "member"
	}
	valid.OneOf(&v, "role", in.Role, BodyMemberRoles)
	valid.Length(&v, "deputy_name", in.DeputyName, bodyPersonMax)
	if in.DeputyUserID != "" && in.DeputyUserID == in.UserID {
		v.Add("deputy_user_id", "steering.body.deputy_same")
	}
	valid.Date(&v, "since", &in.Since)
	return v.Err()
}

// bodyFail returns a validation error on one field.
func bodyFail(field, msgID string, kv ...any) error {
	var v errs.Validation
	v.Add(field, msgID, kv...)
	return v.Err()
}
