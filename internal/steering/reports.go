package steering

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strings"
	"time"

	"kim/internal/platform/access"
	"kim/internal/platform/errs"
	"kim/internal/platform/valid"
)

// Barrier reports (Problemanzeigen): a case manager reports from a case a structural barrier —
// a life domain, a type, the organisations involved, the legal domains it lies between and a
// short text. The report names neither the case nor the person: the text is checked for the
// participants' identity before it is saved (identity.go), and the case is kept only as a
// keyed hash of its pseudonym (CaseKeyOf), so that reports of one case can be counted together
// but not traced back to it. The coordination screens the reports in its inbox and merges them
// into themes (merge.go).

// Report statuses: reported by a case manager, screened by the coordination, assigned to a
// theme (merge.go), closed with a reason. reportScreened, reportAssigned and reportClosed are
// declared with the merge.
const reportReported = "reported"

// ReportStatuses lists the states in the order of the cycle.
var ReportStatuses = []string{reportReported, reportScreened, reportAssigned, reportClosed}

// The screening's actions and the status each leads to: a new report is screened or closed, a
// screened one closed, a closed one reopened (screened again). A report in a theme is neither
// screened nor closed: assigning and removing are the theme's (merge.go, themes_service.go).
const (
	ScreenAction = "screen"
	CloseAction  = "close"
	ReopenAction = "reopen"
)

var screenTargets = map[string]string{ScreenAction: reportScreened, CloseAction: reportClosed, ReopenAction: reportScreened}

var reportSteps = map[string][]string{
	reportReported: {ScreenAction, CloseAction},
	reportScreened: {CloseAction},
	reportClosed:   {ReopenAction},
}

// ReportNext returns the screening actions open to a report in status.
func ReportNext(status string) []string { return reportSteps[status] }

// ReportTypes are the kinds of barrier (labels steering.report.type.*).
var ReportTypes = []string{"access_barrier", "waiting_time", "unclear_responsibility", "information_gap", "language_barrier",
	"no_offer_capacity", "procedure_duration", "legal_obstacle", "media_break", "discrimination", "other"}

// ReportDomains are the life domains of reports: case management's (labels casework.domain.*),
// as themes have them.
var ReportDomains = themeLifeDomains

// ReportSources say where a report was suggested: filed from the case, from a referral that
// found no suitable offer, or from a gap at a legal-domain transition.
var ReportSources = []string{"case", "referral_no_offer", "transition_gap"}

// ReportLegalDomains are the legal domains (benefit regimes, labels casework.benefit.*) a
// barrier may lie between.
var ReportLegalDomains = []string{"sgb2", "sgb12", "asylblg", "sgb3"}

// CloseReasons say why the coordination closed a report without a theme.
var CloseReasons = []string{"duplicate", "not_structural", "resolved"}

// Field limits.
const (
	reportTextMax = 1500
	reportNoteMax = 1000
	reportOrgsMax = 30
)

// Report is a barrier report as the steering pages show it. It carries nothing of the case.
type Report struct {
	ID             string
	TenantID       string
	OrganisationID string // the reporting organisation
	Organisation   string
	ReportedBy     string
	Source         string
	LifeDomain     string
	Type           string
	LegalDomains   []string
	Description    string
	Status         string
	CloseReason    string
	ScreenNote     string
	ScreenedAt     *time.Time
	// IdentityConfirmed: the identity check warned and the case manager confirmed the text as
	// anonymous; the coordination should check it (EditReportText clears it).
	IdentityConfirmed bool
	ReportedAt        time.Time
	UpdatedAt         time.Time
	Version           int
	Involved          []OrgName // the organisations involved
	ThemeID           string
	ThemeTitle        string
}

// OrgName is an organisation with its name.
type OrgName struct{ ID, Name string }

// Excerpt returns the beginning of the text for lists.
func (r *Report) Excerpt() string {
	const n = 160
	rs := []rune(r.Description)
	if len(rs) <= n {
		return r.Description
	}
	cut := string(rs[:n])
	if i := strings.LastIndexAny(cut, " \n\t"); i > n/2 {
		cut = cut[:i]
	}
	return strings.TrimRight(cut, " ,;:.-–\n\t") + " …"
}

// Next returns the screening actions open to the report.
func (r *Report) Next() []string { return ReportNext(r.Status) }

// ReportInput files a report.
type ReportInput struct {
	LifeDomain    string
	Type          string
	Source        string
	Organisations []string
	LegalDomains  []string
	Description   string
	// Confirmed is the case manager's statement that the text holds no personal data, given
	// after the identity check warned. It counts only with ConfirmToken, the token of the
	// warning (IdentityWarning.Token), and only while the text's findings are the ones warned
	// about.
	Confirmed    bool
	ConfirmToken string
}

// Validate checks the input.
func (in *ReportInput) Validate() error {
	var v errs.Validation
	valid.OneOf(&v, "life_domain", in.LifeDomain, ReportDomains)
	valid.OneOf(&v, "type", in.Type, ReportTypes)
	if in.Source == "" {
		in.Source = "case"
	}
	valid.OneOf(&v, "source", in.Source, ReportSources)
	in.LegalDomains = valid.Set(&v, "legal_domains", in.LegalDomains, ReportLegalDomains)
	if len(in.Organisations) > reportOrgsMax {
		v.Add("organisations", "steering.report.too_many_orgs", "Max", reportOrgsMax)
	}
	in.Description = valid.CleanText(in.Description)
	valid.Required(&v, "description", in.Description, reportTextMax)
	return v.Err()
}

// ScreenInput is the coordination's screening of a report: mark it screened, close it with a
// reason and a note, or reopen a closed one.
type ScreenInput struct {
	Action  string // ScreenAction, CloseAction or ReopenAction
	Reason  string
	Note    string
	Version int
}

// Validate checks the input.
func (in *ScreenInput) Validate() error {
	var v errs.Validation
	valid.OneOf(&v, "action", in.Action, []string{ScreenAction, CloseAction, ReopenAction})
	in.Note = valid.CleanText(in.Note)
	valid.Length(&v, "note", in.Note, reportNoteMax)
	if in.Action == CloseAction {
		valid.OneOf(&v, "reason", in.Reason, CloseReasons)
		if in.Note == "" {
			v.Add("note", "steering.report.note_required")
		}
	} else if in.Reason != "" {
		valid.OneOf(&v, "reason", in.Reason, CloseReasons)
	}
	return v.Err()
}

// TextInput is the coordination's correction of a report's text (blacking out what may
// identify someone).
type TextInput struct {
	Description string
	Version     int
}

// Validate checks the input.
func (in *TextInput) Validate() error {
	var v errs.Validation
	in.Description = valid.CleanText(in.Description)
	valid.Required(&v, "description", in.Description, reportTextMax)
	return v.Err()
}

// identityToken binds a case manager's confirmation to what the identity check found: the
// HMAC, under a key derived from the case key, of the actor, the case and the sorted findings.
// A text with other findings (a name added after the warning) has another token.
func identityToken(caseKey []byte, actor access.Actor, caseID string, hits []IdentityHit) string {
	k := hmac.New(sha256.New, caseKey)
	k.Write([]byte("kim/barrier-report/identity-confirmation"))
	var lines []string
	for _, h := range hits {
		for _, w := range h.Words {
			lines = append(lines, h.Kind+"\x1f"+w)
		}
	}
	slices.Sort(lines)
	m := hmac.New(sha256.New, k.Sum(nil))
	m.Write([]byte(actor.TenantID + "\x1e" + actor.UserID + "\x1e" + caseID + "\x1e" + strings.Join(lines, "\x1e")))
	return hex.EncodeToString(m.Sum(nil))
}

// CaseKeyOf returns the key a report keeps of its case: the hex HMAC-SHA-256 of the tenant and
// the case's pseudonym under key. The same case always gives the same key; without the key
// the case cannot be found from it.
func CaseKeyOf(key []byte, tenantID, pseudonym string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(tenantID + ":" + pseudonym))
	return hex.EncodeToString(m.Sum(nil))
}

// CodeList stores codes as ' a b ' (a space at each end, so that a filter is one LIKE).
func CodeList(codes []string) string {
	if len(codes) == 0 {
		return " "
	}
	return " " + strings.Join(codes, " ") + " "
}

// reportCodesOf reads a list stored by CodeList.
func reportCodesOf(s string) []string { return strings.Fields(s) }

// ReportFilter narrows a list of reports.
type ReportFilter struct {
	Status, Type, LifeDomain string
	From, To                 string // reported on or after / before or on (YYYY-MM-DD)
}

// Validate drops what is no valid choice and says so per field.
func (f *ReportFilter) Validate() error {
	var v errs.Validation
	valid.Optional(&v, "status", f.Status, ReportStatuses)
	valid.Optional(&v, "type", f.Type, ReportTypes)
	valid.Optional(&v, "life_domain", f.LifeDomain, ReportDomains)
	valid.Date(&v, "from", &f.From)
	valid.Date(&v, "to", &f.To)
	valid.Order(&v, "to", f.From, f.To)
	for field, p := range map[string]*string{"status": &f.Status, "type": &f.Type, "life_domain": &f.LifeDomain, "from": &f.From, "to": &f.To} {
		if v.Has(field) {
			*p = ""
		}
	}
	return v.Err()
}
