package offers

import (
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"kim/internal/directory"
	"kim/internal/platform/errs"
	"kim/internal/platform/i18n"
	"kim/internal/platform/ids"
	"kim/internal/platform/valid"
)

// Code lists of offers. Names come from the catalogue (offers.domain.<code>,
// offers.target.<code>, offers.costs.<code>, language.name.<code>).
var (
	// LifeDomains are the life domains of case management (casework.Domains): an offer
	// answers the needs a case manager assesses, and residents search by them.
	LifeDomains = []string{"residence", "orientation", "language", "work", "education", "school", "housing", "health",
		"family", "livelihood", "naturalisation", "participation"}
	// TargetGroups are the groups an offer is meant for.
	TargetGroups = []string{"all", "women", "families", "children", "youth", "young_adults", "seniors", "refugees",
		"eu_citizens", "skilled_workers", "people_with_disabilities"}
	// CostKinds say what an offer costs.
	CostKinds = []string{"free", "reduced", "fee"}
	// Languages are the languages an offer can be held in (those of the locations).
	Languages = directory.Languages
	// TextLanguages are the languages an offer's title and description can be translated
	// into: the public languages besides German, the source.
	TextLanguages = i18n.Public[1:]
	// OriginKinds are the ways a recommendation can have shaped an offer.
	OriginKinds = []string{"created", "changed"}
)

// Field length limits.
const (
	maxTitle       = 200
	maxDescription = 4000
	maxHours       = 1000
	maxLine        = 200
	maxCostsNote   = 300
	maxURL         = 300
	maxRefs        = 50 // districts or locations of one offer
)

// Offer is an offer of the directory.
type Offer struct {
	ID               string     `json:"id"`
	TenantID         string     `json:"-"`
	OrganisationID   string     `json:"organisation_id"`
	OrganisationName string     `json:"organisation_name"`
	Title            string     `json:"title"`
	Description      string     `json:"description"`
	LifeDomains      []string   `json:"life_domains"`
	TargetGroups     []string   `json:"target_groups"`
	Languages        []string   `json:"languages"`
	Citywide         bool       `json:"citywide"`
	Districts        []Ref      `json:"districts"`
	Locations        []Location `json:"locations"`
	OpeningHours     string     `json:"opening_hours"`
	ContactName      string     `json:"contact_name"`
	ContactPhone     string     `json:"contact_phone"`
	ContactEmail     string     `json:"contact_email"`
	Website          string     `json:"website"`
	Costs            string     `json:"costs"`
	CostsNote        string     `json:"costs_note"`
	StepFree         bool       `json:"step_free"`
	ValidFrom        string     `json:"valid_from"`
	ValidTo          string     `json:"valid_to"`
	Published        bool       `json:"published"`
	ArchivedAt       *time.Time `json:"archived_at"`
	CreatedAt        time.Time  `json:"created_at"`
	UpdatedAt        time.Time  `json:"updated_at"`
	Version          int        `json:"version"`
	// Texts are the translations of title and description (loaded on single offers; on
	// public lists only the page language's).
	Texts []Text `json:"texts"`
	// Lang and DescriptionLang are the languages of Title and Description once Localize has
	// run.
	Lang            string `json:"-"`
	DescriptionLang string `json:"-"`
}

// Ref names a record of another kind (a district).
type Ref struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// Location is a place where an offer takes place.
type Location struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Street   string `json:"street"`
	Postcode string `json:"postcode"`
	City     string `json:"city"`
	District string `json:"district"`
	StepFree bool   `json:"step_free"`
}

// Address is the location's name and address in one line.
func (l Location) Address() string {
	var parts []string
	for _, p := range []string{l.Name, l.Street, strings.TrimSpace(l.Postcode + " " + l.City)} {
		if p != "" {
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, ", ")
}

// Text is the title and description of an offer in a further language.
type Text struct {
	Lang        string `json:"lang"`
	Title       string `json:"title"`
	Description string `json:"description"`
}

// Active reports whether the offer is shown in the public directory on the calendar day
// today (YYYY-MM-DD, Europe/Berlin): published, not archived and within its validity.
func (o *Offer) Active(today string) bool { return o.Status(today) == "active" }

// Status is the state of the offer on day today: archived, draft (not published), upcoming,
// expired or active.
func (o *Offer) Status(today string) string {
	switch {
	case o.ArchivedAt != nil:
		return "archived"
	case !o.Published:
		return "draft"
	case o.ValidFrom != "" && o.ValidFrom > today:
		return "upcoming"
	case o.ValidTo != "" && o.ValidTo < today:
		return "expired"
	}
	return "active"
}

// Statuses are the states Status returns.
var Statuses = []string{"active", "draft", "upcoming", "expired", "archived"}

// Localize puts the translation into lang in place of the German title and description,
// where there is one; Lang and DescriptionLang tell which language the texts are in (a
// translated title may come with the German description).
func (o *Offer) Localize(lang string) {
	o.Lang, o.DescriptionLang = "de", "de"
	if lang == "de" {
		return
	}
	for _, t := range o.Texts {
		if t.Lang == lang && t.Title != "" {
			o.Title, o.Lang = t.Title, lang
			if t.Description != "" {
				o.Description, o.DescriptionLang = t.Description, lang
			}
		}
	}
}

// DescriptionParagraphs returns the description as paragraphs (one per line).
func (o *Offer) DescriptionParagraphs() []string { return lines(o.Description) }

// HoursLines returns the opening hours line by line.
func (o *Offer) HoursLines() []string { return lines(o.OpeningHours) }

func lines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// TextIn returns the translation into lang (empty when there is none).
func (o *Offer) TextIn(lang string) Text {
	for _, t := range o.Texts {
		if t.Lang == lang {
			return t
		}
	}
	return Text{Lang: lang}
}

// DistrictIDs returns the ids of the offer's districts.
func (o *Offer) DistrictIDs() []string {
	out := make([]string, len(o.Districts))
	for i, d := range o.Districts {
		out[i] = d.ID
	}
	return out
}

// LocationIDs returns the ids of the offer's locations.
func (o *Offer) LocationIDs() []string {
	out := make([]string, len(o.Locations))
	for i, l := range o.Locations {
		out[i] = l.ID
	}
	return out
}

// Input is an offer as entered.
type Input struct {
	OrganisationID string   `json:"organisation_id"`
	Title          string   `json:"title"`
	Description    string   `json:"description"`
	LifeDomains    []string `json:"life_domains"`
	TargetGroups   []string `json:"target_groups"`
	Languages      []string `json:"languages"`
	Citywide       bool     `json:"citywide"`
	DistrictIDs    []string `json:"district_ids"`
	LocationIDs    []string `json:"location_ids"`
	OpeningHours   string   `json:"opening_hours"`
	ContactName    string   `json:"contact_name"`
	ContactPhone   string   `json:"contact_phone"`
	ContactEmail   string   `json:"contact_email"`
	Website        string   `json:"website"`
	Costs          string   `json:"costs"`
	CostsNote      string   `json:"costs_note"`
	StepFree       bool     `json:"step_free"`
	ValidFrom      string   `json:"valid_from"`
	ValidTo        string   `json:"valid_to"`
	Texts          []Text   `json:"texts"`
	Version        int      `json:"version"`
	// RecommendationID names the recommendation (steering) that created or changed the offer;
	// the link is recorded with the save. How it shaped the offer follows from the save
	// (RecommendationKind: "created" by Create, "changed" by Update), never from the caller.
	RecommendationID   string `json:"recommendation_id"`
	RecommendationKind string `json:"-"`
}

// Input returns the offer as an input for an update.
func (o *Offer) Input() Input {
	return Input{OrganisationID: o.OrganisationID, Title: o.Title, Description: o.Description, LifeDomains: o.LifeDomains,
		TargetGroups: o.TargetGroups, Languages: o.Languages, Citywide: o.Citywide, DistrictIDs: o.DistrictIDs(),
		LocationIDs: o.LocationIDs(), OpeningHours: o.OpeningHours, ContactName: o.ContactName, ContactPhone: o.ContactPhone,
		ContactEmail: o.ContactEmail, Website: o.Website, Costs: o.Costs, CostsNote: o.CostsNote, StepFree: o.StepFree,
		ValidFrom: o.ValidFrom, ValidTo: o.ValidTo, Texts: o.Texts, Version: o.Version}
}

// TextField is the name of a translation's field in the form and in field messages
// ("title_en", "description_ar").
func TextField(field, lang string) string { return field + "_" + lang }

// Validate cleans and checks the input (what needs the database, the organisation's
// districts and locations, is checked by the service).
func (in *Input) Validate() error {
	var v errs.Validation
	in.OrganisationID = strings.TrimSpace(in.OrganisationID)
	if in.OrganisationID == "" {
		v.Add("organisation_id", "validation.required")
	} else if !ids.Valid(in.OrganisationID) {
		v.Add("organisation_id", "validation.not_found")
	}
	in.Title, in.Description = valid.Clean(in.Title), valid.CleanText(in.Description)
	valid.Required(&v, "title", in.Title, maxTitle)
	valid.Length(&v, "description", in.Description, maxDescription)
	in.LifeDomains = valid.Set(&v, "life_domains", in.LifeDomains, LifeDomains)
	if len(in.LifeDomains) == 0 && !v.Has("life_domains") {
		v.Add("life_domains", "offers.validation.domains_required")
	}
	in.TargetGroups = valid.Set(&v, "target_groups", in.TargetGroups, TargetGroups)
	in.Languages = valid.Set(&v, "languages", in.Languages, Languages)
	if len(in.Languages) == 0 && !v.Has("languages") {
		v.Add("languages", "offers.validation.languages_required")
	}
	in.DistrictIDs = idSet(&v, "district_ids", in.DistrictIDs)
	if in.Citywide {
		in.DistrictIDs = nil
	} else if len(in.DistrictIDs) == 0 && !v.Has("district_ids") {
		v.Add("district_ids", "offers.validation.area_required")
	}
	in.LocationIDs = idSet(&v, "location_ids", in.LocationIDs)
	in.OpeningHours = valid.CleanText(in.OpeningHours)
	valid.Length(&v, "opening_hours", in.OpeningHours, maxHours)
	in.ContactName, in.ContactPhone = valid.Clean(in.ContactName), valid.Clean(in.ContactPhone)
	in.ContactEmail, in.Website = strings.TrimSpace(in.ContactEmail), strings.TrimSpace(in.Website)
	valid.Length(&v, "contact_name", in.ContactName, maxLine)
	valid.OptionalPhone(&v, "contact_phone", in.ContactPhone)
	valid.OptionalEmail(&v, "contact_email", in.ContactEmail)
	if in.Website != "" && !webAddress(in.Website) {
		v.Add("website", "validation.url")
	}
	if in.Costs == "" {
		in.Costs = "free"
	}
	valid.OneOf(&v, "costs", in.Costs, CostKinds)
	in.CostsNote = valid.Clean(in.CostsNote)
	valid.Length(&v, "costs_note", in.CostsNote, maxCostsNote)
	valid.Date(&v, "valid_from", &in.ValidFrom)
	valid.Date(&v, "valid_to", &in.ValidTo)
	if !v.Has("valid_from") && !v.Has("valid_to") {
		valid.Order(&v, "valid_to", in.ValidFrom, in.ValidTo)
	}
	in.Texts = cleanTexts(&v, in.Texts)
	in.RecommendationID = strings.TrimSpace(in.RecommendationID)
	if in.RecommendationID != "" {
		if !ids.Valid(in.RecommendationID) {
			v.Add("recommendation_id", "offers.validation.recommendation")
		}
		valid.OneOf(&v, "recommendation_kind", in.RecommendationKind, OriginKinds)
	}
	return v.Err()
}

// cleanTexts checks the translations: known languages, each at most once, a title when there
// is a description. Translations without any text are dropped.
func cleanTexts(v *errs.Validation, texts []Text) []Text {
	var out []Text
	for _, t := range texts {
		t.Title, t.Description = valid.Clean(t.Title), valid.CleanText(t.Description)
		if !slices.Contains(TextLanguages, t.Lang) {
			v.Add("texts", "validation.choice")
			continue
		}
		if slices.ContainsFunc(out, func(x Text) bool { return x.Lang == t.Lang }) {
			v.Add("texts", "offers.validation.text_twice")
			continue
		}
		if t.Title == "" && t.Description == "" {
			continue
		}
		if t.Title == "" {
			v.Add(TextField("title", t.Lang), "offers.validation.text_title")
		}
		valid.Length(v, TextField("title", t.Lang), t.Title, maxTitle)
		valid.Length(v, TextField("description", t.Lang), t.Description, maxDescription)
		out = append(out, t)
	}
	return out
}

// idSet checks a list of record ids (well-formed, at most maxRefs) and drops duplicates.
func idSet(v *errs.Validation, field string, list []string) []string {
	var out []string
	for _, id := range list {
		id = strings.TrimSpace(id)
		if id == "" {
			continue
		}
		if !ids.Valid(id) {
			v.Add(field, "validation.not_found")
			continue
		}
		if !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	if len(out) > maxRefs {
		v.Add(field, "offers.validation.too_many", "Max", maxRefs)
	}
	return out
}

// webAddress reports whether s is a complete http(s) address.
func webAddress(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != "" && len(s) <= maxURL &&
		!strings.ContainsAny(s, " <>\"")
}

// codes stores a code list as text with a space at each end (' de ar '), so that a filter is
// one LIKE '% de %'.
func codes(list []string) string { return " " + strings.Join(list, " ") + " " }

// splitCodes reads a stored code list.
func splitCodes(s string) []string {
	out := strings.Fields(s)
	if out == nil {
		return []string{}
	}
	return out
}

// sortKey is the key lists sort titles by: lower-cased, with accents and umlauts folded (ß as
// ss), so that „Ärztliche Beratung“ stands among the A. The column is compared byte by byte on
// both engines (COLLATE "C" on PostgreSQL), so that they sort alike.
func sortKey(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(strings.ToLower(s)) {
		switch {
		case unicode.Is(unicode.Mn, r):
		case r == 'ß':
			b.WriteString("ss")
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// searchText is the lower-cased text an offer is found by (title and description in every
// language), kept in a column so that the search folds case in every script on both engines.
func searchText(in *Input) string {
	parts := []string{in.Title, in.Description}
	for _, t := range in.Texts {
		parts = append(parts, t.Title, t.Description)
	}
	return strings.ToLower(strings.Join(parts, "\n"))
}
