// Package directory is the room for the structure of a tenant: the tenants (municipalities)
// themselves, organisations with their type and data-protection regime, their locations, and the
// districts and quarters used for addresses and monitoring. The records here are not personal
// data; every staff role of a tenant may read them and the tenant administrator maintains them.
package directory

import (
	"net/mail"
	"net/url"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"kim/internal/platform/errs"
)

// Tenant is a municipality (Mandant).
type Tenant struct {
	ID         string     `json:"id"`
	Slug       string     `json:"slug"`
	Name       string     `json:"name"`
	CreatedAt  time.Time  `json:"created_at"`
	DisabledAt *time.Time `json:"disabled_at"`
	Version    int        `json:"version"`
}

// OrgType classifies an organisation.
type OrgType string

// Organisation types.
const (
	OrgCityService    OrgType = "city_service"
	OrgWelfare        OrgType = "welfare"
	OrgAuthority      OrgType = "authority"
	OrgJobcenter      OrgType = "jobcenter"
	OrgMigrantSelfOrg OrgType = "migrant_org"
	OrgClub           OrgType = "club"
	OrgReligious      OrgType = "religious"
	OrgSchool         OrgType = "school"
	OrgOther          OrgType = "other"
)

// OrgTypes lists the organisation types in display order.
var OrgTypes = []OrgType{OrgCityService, OrgWelfare, OrgAuthority, OrgJobcenter, OrgMigrantSelfOrg,
	OrgClub, OrgReligious, OrgSchool, OrgOther}

// Regime is the data-protection law an organisation is bound by.
type Regime string

// Data-protection regimes.
const (
	RegimePublicBody Regime = "public_body" // GDPR with state data-protection law
	RegimeGDPRBDSG   Regime = "gdpr_bdsg"   // GDPR with the Federal Data Protection Act
	RegimeKDG        Regime = "kdg"         // Catholic church data-protection law
	RegimeDSGEKD     Regime = "dsg_ekd"     // Protestant church data-protection law
)

// Regimes lists the regimes in display order.
var Regimes = []Regime{RegimePublicBody, RegimeGDPRBDSG, RegimeKDG, RegimeDSGEKD}

// Organisation is a city service, welfare organisation, authority or other partner.
type Organisation struct {
	ID         string    `json:"id"`
	TenantID   string    `json:"-"`
	Name       string    `json:"name"`
	ShortName  string    `json:"short_name"`
	Type       OrgType   `json:"type"`
	Regime     Regime    `json:"data_protection_regime"`
	KIMCarrier bool      `json:"kim_carrier"`
	Email      string    `json:"email"`
	Phone      string    `json:"phone"`
	Website    string    `json:"website"`
	CreatedAt  time.Time `json:"created_at"`
	UpdatedAt  time.Time `json:"updated_at"`
	Version    int       `json:"version"`
	// Counts, filled on lists and detail pages.
	Users     int `json:"-"`
	Locations int `json:"-"`
}

// District is a Stadtbezirk.
type District struct {
	ID        string    `json:"id"`
	TenantID  string    `json:"-"`
	Name      string    `json:"name"`
	Code      string    `json:"code"`
	Quarters  []Quarter `json:"quarters"`
	CreatedAt time.Time `json:"created_at"`
	Version   int       `json:"version"`
}

// Quarter is a Stadtteil, Quartier or Ortslage within a district.
type Quarter struct {
	ID         string `json:"id"`
	DistrictID string `json:"district_id"`
	Name       string `json:"name"`
	Version    int    `json:"version"`
}

// Location is a counselling or service location of an organisation.
type Location struct {
	ID               string    `json:"id"`
	TenantID         string    `json:"-"`
	OrganisationID   string    `json:"organisation_id"`
	OrganisationName string    `json:"organisation_name"`
	Name             string    `json:"name"`
	Street           string    `json:"street"`
	Postcode         string    `json:"postcode"`
	City             string    `json:"city"`
	DistrictID       string    `json:"district_id"`
	DistrictName     string    `json:"district_name"`
	QuarterID        string    `json:"quarter_id"`
	QuarterName      string    `json:"quarter_name"`
	OpeningHours     string    `json:"opening_hours"`
	Languages        []string  `json:"languages"`
	StepFree         bool      `json:"step_free"`
	Phone            string    `json:"phone"`
	Email            string    `json:"email"`
	CreatedAt        time.Time `json:"created_at"`
	UpdatedAt        time.Time `json:"updated_at"`
	Version          int       `json:"version"`
}

// Languages are the languages a location can offer counselling in (ISO 639 codes; names come
// from the catalogue as language.name.<code>).
var Languages = []string{"de", "en", "ar", "fa", "prs", "ps", "ku", "ckb", "tr", "uk", "ru", "pl", "ro", "bg",
	"sq", "sr", "bs", "hr", "it", "el", "es", "fr", "pt", "ti", "so", "am", "ur", "vi", "zh", "dgs"}

// Field length limits.
const (
	maxName  = 200
	maxShort = 40
	maxText  = 2000
	maxEmail = 254
	maxURL   = 300
)

var (
	phoneRe    = regexp.MustCompile(`^[0-9 +()/\-]{3,40}$`)
	postcodeRe = regexp.MustCompile(`^[0-9]{5}$`)
	slugRe     = regexp.MustCompile(`^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])$`)
)

// required checks a mandatory text.
func required(v *errs.Validation, field, s string, maxLen int) {
	if s == "" {
		v.Add(field, "validation.required")
		return
	}
	length(v, field, s, maxLen)
}

func length(v *errs.Validation, field, s string, maxLen int) {
	if utf8.RuneCountInString(s) > maxLen {
		v.Add(field, "validation.too_long", "Max", maxLen)
	}
}

// ValidEmail reports whether s is a plain e-mail address (no display name).
func ValidEmail(s string) bool {
	if len(s) > maxEmail || strings.ContainsAny(s, " <>\"") {
		return false
	}
	a, err := mail.ParseAddress(s)
	return err == nil && a.Address == s && strings.Contains(s[strings.LastIndexByte(s, '@'):], ".")
}

func optionalEmail(v *errs.Validation, field, s string) {
	if s != "" && !ValidEmail(s) {
		v.Add(field, "validation.email")
	}
}

func optionalPhone(v *errs.Validation, field, s string) {
	if s != "" && !phoneRe.MatchString(s) {
		v.Add(field, "validation.phone")
	}
}

func optionalURL(v *errs.Validation, field, s string) {
	if s == "" {
		return
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || len(s) > maxURL {
		v.Add(field, "validation.url")
	}
}

func oneOf[T ~string](v *errs.Validation, field string, val T, allowed []T) {
	if val == "" {
		v.Add(field, "validation.required")
		return
	}
	for _, a := range allowed {
		if a == val {
			return
		}
	}
	v.Add(field, "validation.choice")
}

// OrganisationInput is the editable part of an organisation.
type OrganisationInput struct {
	Name       string  `json:"name"`
	ShortName  string  `json:"short_name"`
	Type       OrgType `json:"type"`
	Regime     Regime  `json:"data_protection_regime"`
	KIMCarrier bool    `json:"kim_carrier"`
	Email      string  `json:"email"`
	Phone      string  `json:"phone"`
	Website    string  `json:"website"`
	Version    int     `json:"version"`
}

// Validate checks the input and returns field messages.
func (in *OrganisationInput) Validate() error {
	in.Name, in.ShortName = clean(in.Name), clean(in.ShortName)
	in.Email, in.Phone, in.Website = strings.ToLower(clean(in.Email)), clean(in.Phone), clean(in.Website)
	var v errs.Validation
	required(&v, "name", in.Name, maxName)
	length(&v, "short_name", in.ShortName, maxShort)
	oneOf(&v, "type", in.Type, OrgTypes)
	oneOf(&v, "data_protection_regime", in.Regime, Regimes)
	optionalEmail(&v, "email", in.Email)
	optionalPhone(&v, "phone", in.Phone)
	optionalURL(&v, "website", in.Website)
	return v.Err()
}

// LocationInput is the editable part of a location.
type LocationInput struct {
	OrganisationID string   `json:"organisation_id"`
	Name           string   `json:"name"`
	Street         string   `json:"street"`
	Postcode       string   `json:"postcode"`
	City           string   `json:"city"`
	DistrictID     string   `json:"district_id"`
	QuarterID      string   `json:"quarter_id"`
	OpeningHours   string   `json:"opening_hours"`
	Languages      []string `json:"languages"`
	StepFree       bool     `json:"step_free"`
	Phone          string   `json:"phone"`
	Email          string   `json:"email"`
	Version        int      `json:"version"`
}

// Validate checks the input (references are checked against the database by the service).
func (in *LocationInput) Validate() error {
	in.Name, in.Street, in.Postcode, in.City = clean(in.Name), clean(in.Street), clean(in.Postcode), clean(in.City)
	in.OpeningHours, in.Phone, in.Email = cleanText(in.OpeningHours), clean(in.Phone), strings.ToLower(clean(in.Email))
	var v errs.Validation
	if in.OrganisationID == "" {
		v.Add("organisation_id", "validation.required")
	}
	required(&v, "name", in.Name, maxName)
	length(&v, "street", in.Street, maxName)
	if in.Postcode != "" && !postcodeRe.MatchString(in.Postcode) {
		v.Add("postcode", "validation.postcode")
	}
	length(&v, "city", in.City, 100)
	length(&v, "opening_hours", in.OpeningHours, maxText)
	optionalPhone(&v, "phone", in.Phone)
	optionalEmail(&v, "email", in.Email)
	seen := map[string]bool{}
	langs := in.Languages[:0:0]
	for _, l := range in.Languages {
		if !contains(Languages, l) {
			v.Add("languages", "validation.choice")
			break
		}
		if !seen[l] {
			seen[l] = true
			langs = append(langs, l)
		}
	}
	in.Languages = langs
	return v.Err()
}

// DistrictInput is the editable part of a district.
type DistrictInput struct {
	Name    string `json:"name"`
	Code    string `json:"code"`
	Version int    `json:"version"`
}

// Validate checks the input.
func (in *DistrictInput) Validate() error {
	in.Name, in.Code = clean(in.Name), clean(in.Code)
	var v errs.Validation
	required(&v, "name", in.Name, 100)
	length(&v, "code", in.Code, 20)
	return v.Err()
}

// QuarterInput names a quarter.
type QuarterInput struct {
	Name    string `json:"name"`
	Version int    `json:"version"`
}

// Validate checks the input.
func (in *QuarterInput) Validate() error {
	in.Name = clean(in.Name)
	var v errs.Validation
	required(&v, "name", in.Name, 100)
	return v.Err()
}

// TenantInput describes a new or changed tenant.
type TenantInput struct {
	Slug     string `json:"slug"`
	Name     string `json:"name"`
	Disabled bool   `json:"disabled"`
	Version  int    `json:"version"`
	// FirstOrganisation names the organisation created with a new tenant (the city itself).
	FirstOrganisation string `json:"first_organisation"`
}

// Validate checks the input.
func (in *TenantInput) Validate(creating bool) error {
	in.Slug, in.Name, in.FirstOrganisation = strings.ToLower(clean(in.Slug)), clean(in.Name), clean(in.FirstOrganisation)
	var v errs.Validation
	if creating {
		if !slugRe.MatchString(in.Slug) {
			v.Add("slug", "validation.slug")
		}
		if in.FirstOrganisation == "" {
			in.FirstOrganisation = in.Name
		}
		length(&v, "first_organisation", in.FirstOrganisation, maxName)
	}
	required(&v, "name", in.Name, maxName)
	return v.Err()
}

func clean(s string) string {
	s = cleanText(s)
	return strings.Join(strings.Fields(s), " ")
}

func cleanText(s string) string {
	s = strings.TrimSpace(s)
	return strings.Map(func(r rune) rune {
		if (r < 0x20 && r != '\n' && r != '\t') || r == 0x7f || r == utf8.RuneError {
			return -1
		}
		return r
	}, s)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
