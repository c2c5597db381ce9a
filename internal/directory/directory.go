// Package directory is the room for the structure of a tenant: the tenants (municipalities)
// themselves, organisations with their type and data-protection regime, their locations, and the
// districts and quarters used for addresses and monitoring. The records here are not personal
// data; every staff role of a tenant may read them and the tenant administrator maintains them.
package directory

import (
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	"kim/internal/platform/errs"
	"kim/internal/platform/valid"
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
	maxURL   = 300
)

var (
	slugRe = regexp.MustCompile(`^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])$`)
)

func optionalURL(v *errs.Validation, field, s string) {
	if s == "" {
		return
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || len(s) > maxURL {
		v.Add(field, "validation.url")
	}
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
	in.Name, in.ShortName = valid.Clean(in.Name), valid.Clean(in.ShortName)
	in.Email, in.Phone, in.Website = strings.ToLower(valid.Clean(in.Email)), valid.Clean(in.Phone), valid.Clean(in.Website)
	var v errs.Validation
	valid.Required(&v, "name", in.Name, maxName)
	valid.Length(&v, "short_name", in.ShortName, maxShort)
	valid.OneOf(&v, "type", in.Type, OrgTypes)
	valid.OneOf(&v, "data_protection_regime", in.Regime, Regimes)
	valid.OptionalEmail(&v, "email", in.Email)
	valid.OptionalPhone(&v, "phone", in.Phone)
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
	in.Name, in.Street, in.Postcode, in.City = valid.Clean(in.Name), valid.Clean(in.Street), valid.Clean(in.Postcode), valid.Clean(in.City)
	in.OpeningHours, in.Phone, in.Email = valid.CleanText(in.OpeningHours), valid.Clean(in.Phone), strings.ToLower(valid.Clean(in.Email))
	var v errs.Validation
	if in.OrganisationID == "" {
		v.Add("organisation_id", "validation.required")
	}
	valid.Required(&v, "name", in.Name, maxName)
	valid.Length(&v, "street", in.Street, maxName)
	valid.OptionalPostcode(&v, "postcode", in.Postcode)
	valid.Length(&v, "city", in.City, 100)
	valid.Length(&v, "opening_hours", in.OpeningHours, maxText)
	valid.OptionalPhone(&v, "phone", in.Phone)
	valid.OptionalEmail(&v, "email", in.Email)
	seen := map[string]bool{}
	langs := in.Languages[:0:0]
	for _, l := range in.Languages {
		if !slices.Contains(Languages, l) {
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
	in.Name, in.Code = valid.Clean(in.Name), valid.Clean(in.Code)
	var v errs.Validation
	valid.Required(&v, "name", in.Name, 100)
	valid.Length(&v, "code", in.Code, 20)
	return v.Err()
}

// QuarterInput names a quarter.
type QuarterInput struct {
	Name    string `json:"name"`
	Version int    `json:"version"`
}

// Validate checks the input.
func (in *QuarterInput) Validate() error {
	in.Name = valid.Clean(in.Name)
	var v errs.Validation
	valid.Required(&v, "name", in.Name, 100)
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
	in.Slug, in.Name, in.FirstOrganisation = strings.ToLower(valid.Clean(in.Slug)), valid.Clean(in.Name), valid.Clean(in.FirstOrganisation)
	var v errs.Validation
	if creating {
		if !slugRe.MatchString(in.Slug) {
			v.Add("slug", "validation.slug")
		}
		if in.FirstOrganisation == "" {
			in.FirstOrganisation = in.Name
		}
		valid.Length(&v, "first_organisation", in.FirstOrganisation, maxName)
	}
	valid.Required(&v, "name", in.Name, maxName)
	return v.Err()
}
