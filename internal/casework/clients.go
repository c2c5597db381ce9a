// Package casework is the room for case management (Baustein 2): clients with their household,
// residence-status history and consents; cases along the phases of case management with
// assessment, plan, contacts, referrals and legal-domain transitions. Client master data is
// shared within the recording organisation; the content of a case is visible to its case
// manager and deputy, and to the team lead for a stated purpose. Another organisation sees a
// client only through a referral that a valid consent covers, checked at the moment of access.
package casework

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/language"

	"kim/internal/platform/errs"
	"kim/internal/platform/valid"
)

// Client is a person counselled in case management.
type Client struct {
	ID             string    `json:"id"`
	TenantID       string    `json:"-"`
	OrganisationID string    `json:"organisation_id"`
	Pseudonym      string    `json:"pseudonym"`
	GivenNames     string    `json:"given_names"`
	FamilyName     string    `json:"family_name"`
	NameOriginal   string    `json:"name_original_script"`
	OtherSpellings []string  `json:"other_spellings"`
	BirthDate      string    `json:"birth_date"` // YYYY-MM-DD or YYYY
	Sex            string    `json:"sex"`
	Nationalities  []string  `json:"nationalities"`
	Stateless      bool      `json:"stateless"`
	CountryOfBirth string    `json:"country_of_birth"`
	Languages      []string  `json:"languages"`
	GermanLevel    string    `json:"german_level"`
	Interpreter    string    `json:"interpreter_language"` // language needing an interpreter, or ""
	ArrivedGermany string    `json:"arrived_germany"`
	ArrivedCity    string    `json:"arrived_city"`
	Street         string    `json:"street"`
	Postcode       string    `json:"postcode"`
	City           string    `json:"city"`
	DistrictID     string    `json:"district_id"`
	QuarterID      string    `json:"quarter_id"`
	Phone          string    `json:"phone"`
	Email          string    `json:"email"`
	Messenger      string    `json:"messenger"`
	BenefitRegime  string    `json:"benefit_regime"`
	OtherCM        []string  `json:"other_case_management"`
	CreatedAt      time.Time `json:"created_at"`
	UpdatedAt      time.Time `json:"updated_at"`
	Version        int       `json:"version"`

	// Filled on detail pages.
	Household []HouseholdMember `json:"household,omitempty"`
	Residence []ResidenceStatus `json:"residence_statuses,omitempty"`
}

// Name is the client's name as shown in lists: family name, given names.
func (c *Client) Name() string {
	if c.GivenNames == "" {
		return c.FamilyName
	}
	return c.FamilyName + ", " + c.GivenNames
}

// Spellings lists every known spelling of the client's name for the name index.
func (c *Client) Spellings() []string {
	out := []string{strings.TrimSpace(c.GivenNames + " " + c.FamilyName)}
	if c.NameOriginal != "" {
		out = append(out, c.NameOriginal)
	}
	return append(out, c.OtherSpellings...)
}

// BirthYear returns the year of birth, or 0.
func (c *Client) BirthYear() int {
	if len(c.BirthDate) < 4 {
		return 0
	}
	y, _ := strconv.Atoi(c.BirthDate[:4])
	return y
}

// Code lists (values are stable codes; names come from the catalogue as casework.<list>.<code>).
var (
	Sexes          = []string{"f", "m", "x", "u"}
	GermanLevels   = []string{"none", "A1", "A2", "B1", "B2", "C1", "C2"}
	BenefitRegimes = []string{"sgb2", "sgb12", "asylblg", "sgb3", "none", "unknown"}
	OtherCMs       = []string{"jobcenter", "jmd", "mbe", "youth_office", "other"}
	Relationships  = []string{"spouse", "partner", "child", "parent", "sibling", "guardian", "other"}
	ResidenceTypes = []string{"gestattung", "duldung", "chancen_104c", "ae_25a", "ae_25b", "protection_25_1_2",
		"temporary_24", "humanitarian_25_3_5", "ae_other", "settlement", "eu_free_movement", "fiction", "german", "unknown"}
	ResidenceSources = []string{"statement", "document"}
	// Languages are the languages recorded for clients (ISO 639 codes; names as language.name.<code>).
	Languages = []string{"de", "en", "ar", "fa", "prs", "ps", "ku", "ckb", "tr", "uk", "ru", "pl", "ro", "bg",
		"sq", "sr", "bs", "hr", "it", "el", "es", "fr", "pt", "ti", "so", "am", "ur", "vi", "zh", "dgs"}
)

// Field limits.
const (
	maxName  = 200
	maxLine  = 300
	maxNote  = 20000
	maxItems = 20
)

// ClientInput is the editable part of a client.
type ClientInput struct {
	GivenNames     string   `json:"given_names"`
	FamilyName     string   `json:"family_name"`
	NameOriginal   string   `json:"name_original_script"`
	OtherSpellings []string `json:"other_spellings"`
	BirthDate      string   `json:"birth_date"`
	Sex            string   `json:"sex"`
	Nationalities  []string `json:"nationalities"`
	Stateless      bool     `json:"stateless"`
	CountryOfBirth string   `json:"country_of_birth"`
	Languages      []string `json:"languages"`
	GermanLevel    string   `json:"german_level"`
	Interpreter    string   `json:"interpreter_language"`
	ArrivedGermany string   `json:"arrived_germany"`
	ArrivedCity    string   `json:"arrived_city"`
	Street         string   `json:"street"`
	Postcode       string   `json:"postcode"`
	City           string   `json:"city"`
	DistrictID     string   `json:"district_id"`
	QuarterID      string   `json:"quarter_id"`
	Phone          string   `json:"phone"`
	Email          string   `json:"email"`
	Messenger      string   `json:"messenger"`
	BenefitRegime  string   `json:"benefit_regime"`
	OtherCM        []string `json:"other_case_management"`
	Version        int      `json:"version"`
	// Acknowledged confirms the intake after a duplicate warning.
	Acknowledged bool `json:"confirm_not_duplicate"`
}

// Validate cleans and checks the input; today is the current date (birth and arrival dates
// must not lie in the future).
func (in *ClientInput) Validate(today time.Time) error {
	var v errs.Validation
	in.GivenNames, in.FamilyName, in.NameOriginal = valid.Clean(in.GivenNames), valid.Clean(in.FamilyName), valid.Clean(in.NameOriginal)
	valid.Required(&v, "family_name", in.FamilyName, maxName)
	valid.Length(&v, "given_names", in.GivenNames, maxName)
	valid.Length(&v, "name_original_script", in.NameOriginal, maxName)
	var spellings []string
	for _, s := range in.OtherSpellings {
		if s = valid.Clean(s); s != "" && !slices.Contains(spellings, s) {
			valid.Length(&v, "other_spellings", s, maxName)
			spellings = append(spellings, s)
		}
	}
	// The name index keeps eight spellings: the name, the original script and six others.
	if len(spellings) > 6 {
		v.Add("other_spellings", "casework.validation.too_many", "Max", 6)
	}
	in.OtherSpellings = spellings
	in.BirthDate = strings.TrimSpace(in.BirthDate)
	if len(in.BirthDate) == 4 {
		if y, err := strconv.Atoi(in.BirthDate); err != nil || y < 1900 || y > today.Year() {
			v.Add("birth_date", "casework.validation.birth_date")
		}
	} else {
		valid.Date(&v, "birth_date", &in.BirthDate)
		valid.NotAfter(&v, "birth_date", in.BirthDate, today)
	}
	if in.Sex == "" {
		in.Sex = "u"
	}
	valid.OneOf(&v, "sex", in.Sex, Sexes)
	in.Nationalities = countries(&v, "nationalities", in.Nationalities)
	if cs := countries(&v, "country_of_birth", []string{in.CountryOfBirth}); len(cs) == 1 {
		in.CountryOfBirth = cs[0]
	} else {
		in.CountryOfBirth = ""
	}
	in.Languages = valid.Set(&v, "languages", in.Languages, Languages)
	valid.Optional(&v, "german_level", in.GermanLevel, GermanLevels)
	valid.Optional(&v, "interpreter_language", in.Interpreter, Languages)
	valid.Date(&v, "arrived_germany", &in.ArrivedGermany)
	valid.NotAfter(&v, "arrived_germany", in.ArrivedGermany, today)
	valid.Date(&v, "arrived_city", &in.ArrivedCity)
	valid.NotAfter(&v, "arrived_city", in.ArrivedCity, today)
	valid.Order(&v, "arrived_city", in.ArrivedGermany, in.ArrivedCity)
	in.Street, in.Postcode, in.City = valid.Clean(in.Street), valid.Clean(in.Postcode), valid.Clean(in.City)
	valid.Length(&v, "street", in.Street, maxName)
	valid.OptionalPostcode(&v, "postcode", in.Postcode)
	valid.Length(&v, "city", in.City, 100)
	if in.QuarterID != "" && in.DistrictID == "" {
		v.Add("district_id", "validation.required")
	}
	in.Phone, in.Email, in.Messenger = valid.Clean(in.Phone), strings.ToLower(valid.Clean(in.Email)), valid.Clean(in.Messenger)
	valid.OptionalPhone(&v, "phone", in.Phone)
	valid.OptionalEmail(&v, "email", in.Email)
	valid.Length(&v, "messenger", in.Messenger, 100)
	if in.BenefitRegime == "" {
		in.BenefitRegime = "unknown"
	}
	valid.OneOf(&v, "benefit_regime", in.BenefitRegime, BenefitRegimes)
	in.OtherCM = valid.Set(&v, "other_case_management", in.OtherCM, OtherCMs)
	return v.Err()
}

// countries checks ISO 3166-1 alpha-2 codes (upper case), dropping empty and repeated ones.
func countries(v *errs.Validation, field string, codes []string) []string {
	var out []string
	for _, c := range codes {
		c = strings.ToUpper(strings.TrimSpace(c))
		if c == "" {
			continue
		}
		if !ValidCountry(c) {
			v.Add(field, "casework.validation.country")
			continue
		}
		if !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	if len(out) > 5 {
		v.Add(field, "casework.validation.too_many", "Max", 5)
	}
	return out
}

// ValidCountry reports whether c is an ISO 3166-1 alpha-2 country code, XK for Kosovo, or a
// code of a former state (SU, YU, CS, DD …: countries of birth of older clients). The
// exceptionally reserved codes of organisations and territories that are no states (UN, EU,
// UK, EZ, …) are refused.
func ValidCountry(c string) bool {
	if len(c) != 2 || c[0] < 'A' || c[0] > 'Z' || c[1] < 'A' || c[1] > 'Z' {
		return false
	}
	switch c {
	case "AC", "CP", "CQ", "DG", "EA", "EU", "EZ", "FX", "IC", "TA", "UK", "UN":
		return false
	}
	if c == "XK" {
		return true
	}
	r, err := language.ParseRegion(c)
	return err == nil && r.IsCountry() && r.String() == c
}

// HouseholdMember is a person living with the client (another client, or named only).
type HouseholdMember struct {
	ID           string `json:"id"`
	MemberID     string `json:"member_client_id,omitempty"`
	Name         string `json:"name"`
	Relationship string `json:"relationship"`
	BirthDate    string `json:"birth_date"`
}

// Minor reports whether the member is under 18 on today (unknown birth dates: false).
func (m HouseholdMember) Minor(today time.Time) bool { return minor(m.BirthDate, today) }

func minor(birth string, today time.Time) bool {
	if len(birth) < 4 {
		return false
	}
	if len(birth) == 4 {
		y, _ := strconv.Atoi(birth)
		return today.Year()-y < 18
	}
	t, ok := valid.ParseDate(birth)
	return ok && t.AddDate(18, 0, 0).After(today)
}

// HouseholdInput adds a household member.
type HouseholdInput struct {
	MemberID     string `json:"member_client_id"`
	Name         string `json:"member_name"`
	Relationship string `json:"relationship"`
	BirthDate    string `json:"member_birth_date"`
}

// Validate checks the input.
func (in *HouseholdInput) Validate(today time.Time) error {
	var v errs.Validation
	in.Name = valid.Clean(in.Name)
	if in.MemberID == "" {
		valid.Required(&v, "member_name", in.Name, maxName)
	} else {
		valid.Length(&v, "member_name", in.Name, maxName)
	}
	valid.OneOf(&v, "relationship", in.Relationship, Relationships)
	valid.Date(&v, "member_birth_date", &in.BirthDate)
	valid.NotAfter(&v, "member_birth_date", in.BirthDate, today)
	return v.Err()
}

// ResidenceStatus is one entry of a client's residence-status history.
type ResidenceStatus struct {
	ID             string    `json:"id"`
	Type           string    `json:"type"`
	LegalBasis     string    `json:"legal_basis"`
	IssuedOn       string    `json:"issued_on"`
	ValidUntil     string    `json:"valid_until"`
	DocumentExpiry string    `json:"document_expiry"`
	Source         string    `json:"source"`
	RecordedAt     time.Time `json:"recorded_at"`
}

// ResidenceInput records a residence status.
type ResidenceInput struct {
	Type           string `json:"residence_type"`
	LegalBasis     string `json:"legal_basis"`
	IssuedOn       string `json:"issued_on"`
	ValidUntil     string `json:"valid_until"`
	DocumentExpiry string `json:"document_expiry"`
	Source         string `json:"source"`
}

// Validate checks the input.
func (in *ResidenceInput) Validate() error {
	var v errs.Validation
	valid.OneOf(&v, "residence_type", in.Type, ResidenceTypes)
	in.LegalBasis = valid.Clean(in.LegalBasis)
	valid.Length(&v, "legal_basis", in.LegalBasis, 100)
	valid.Date(&v, "issued_on", &in.IssuedOn)
	valid.Date(&v, "valid_until", &in.ValidUntil)
	valid.Date(&v, "document_expiry", &in.DocumentExpiry)
	valid.Order(&v, "valid_until", in.IssuedOn, in.ValidUntil)
	if in.Source == "" {
		in.Source = "statement"
	}
	valid.OneOf(&v, "source", in.Source, ResidenceSources)
	return v.Err()
}
