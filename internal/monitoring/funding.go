package monitoring

import (
	"context"
	"database/sql"
	"errors"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"

	"kim/internal/platform/access"
	"kim/internal/platform/audit"
	"kim/internal/platform/db"
	"kim/internal/platform/errs"
	"kim/internal/platform/ids"
)

// Funding figures are the staffing and funding of case management per organisation and year:
// full-time posts funded and occupied, vacancy days, trainings and funds spent. They feed the
// caseload per post and the funding report (Verwendungsnachweis, reference/domain.md §7.5).

// FundingFigures are one organisation's figures of a year. Version 0 means none are recorded.
type FundingFigures struct {
	OrganisationID string
	Organisation   string
	Year           int
	FTEFunded      float64
	FTEOccupied    float64
	VacancyDays    int
	Trainings      int
	FundsCents     int64
	Version        int
	UpdatedAt      time.Time
	UpdatedBy      string // the account's name
}

// FundingInput is the coordination's entry of one organisation's figures of a year, as typed
// (German numbers: "1,5" posts, "12.345,67" euros).
type FundingInput struct {
	OrganisationID string
	Year           string
	FTEFunded      string
	FTEOccupied    string
	VacancyDays    string
	Trainings      string
	Funds          string
	Version        int
}

// Funding years lie in this range.
const (
	FundingFirstYear = 2000
	FundingLastYear  = 2100
)

var (
	fundingDecimal = regexp.MustCompile(`^[0-9]{1,4}([,.][0-9]{1,2})?$`)
	fundingInteger = regexp.MustCompile(`^[0-9]{1,3}(\.?[0-9]{3})*$`)
	fundingEuros   = regexp.MustCompile(`^([0-9]{1,3}(\.[0-9]{3})+|[0-9]+)(,[0-9]{1,2})?$`)
)

// ParseFundingYear reads a year of the funding figures.
func ParseFundingYear(s string) (int, bool) {
	y, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || y < FundingFirstYear || y > FundingLastYear {
		return 0, false
	}
	return y, true
}

// parse checks the input and returns the figures it gives.
func (in FundingInput) parse() (FundingFigures, error) {
	var v errs.Validation
	f := FundingFigures{OrganisationID: strings.TrimSpace(in.OrganisationID)}
	if f.OrganisationID == "" {
		v.Add("organisation", "monitoring.context.funding.organisation_required")
	} else if !ids.Valid(f.OrganisationID) {
		v.Add("organisation", "monitoring.context.funding.organisation_unknown")
	}
	var ok bool
	if f.Year, ok = ParseFundingYear(in.Year); !ok {
		v.Add("jahr", "monitoring.context.funding.bad_year", "First", FundingFirstYear, "Last", FundingLastYear)
	}
	posts := func(field, s string) float64 {
		s = strings.TrimSpace(s)
		if s == "" {
			return 0
		}
		if !fundingDecimal.MatchString(s) {
			v.Add(field, "monitoring.context.funding.bad_posts")
			return 0
		}
		x, _ := strconv.ParseFloat(strings.ReplaceAll(s, ",", "."), 64)
		if x > 1000 {
			v.Add(field, "monitoring.context.funding.bad_posts")
		}
		return x
	}
	count := func(field, s string, max int) int {
		s = strings.TrimSpace(s)
		if s == "" {
			return 0
		}
		n, err := strconv.Atoi(strings.ReplaceAll(s, ".", ""))
		if !fundingInteger.MatchString(s) || err != nil || n > max {
			v.Add(field, "monitoring.context.funding.bad_count", "Max", ctxNumber(float64(max), 0))
			return 0
		}
		return n
	}
	f.FTEFunded = posts("fte_funded", in.FTEFunded)
	f.FTEOccupied = posts("fte_occupied", in.FTEOccupied)
	f.VacancyDays = count("vacancy_days", in.VacancyDays, 100000)
	f.Trainings = count("trainings", in.Trainings, 10000)
	f.FundsCents = parseEuros(&v, "funds", in.Funds)
	return f, v.Err()
}

// parseEuros reads an amount in euros with optional cents ("12.345,67", "12345,6", "12345",
// with or without "€" or "EUR").
func parseEuros(v *errs.Validation, field, s string) int64 {
	s = strings.TrimSpace(strings.TrimSuffix(strings.TrimSuffix(strings.TrimSpace(s), "€"), "EUR"))
	if s == "" {
		return 0
	}
	if !fundingEuros.MatchString(s) {
		v.Add(field, "monitoring.context.funding.bad_euros")
		return 0
	}
	whole, frac, _ := strings.Cut(strings.ReplaceAll(s, ".", ""), ",")
	euros, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || euros > 1_000_000_000 {
		v.Add(field, "monitoring.context.funding.bad_euros")
		return 0
	}
	cents := int64(0)
	if frac != "" {
		c, _ := strconv.ParseInt((frac + "0")[:2], 10, 64)
		cents = c
	}
	return euros*100 + cents
}

// ErrFundingConflict answers an edit of figures someone else changed meanwhile.
var ErrFundingConflict = errs.E(errs.Conflict, "monitoring.context.funding.conflict")

// Funding returns the figures of a year for the tenant's case-management organisations (the
// KIM carriers) and any other organisation with figures of that year, by name (access:
// KindIndicator View).
func (s *Service) Funding(ctx context.Context, actor access.Actor, year int) ([]FundingFigures, error) {
	if err := access.Check(actor, KindIndicator, access.View); err != nil {
		return nil, err
	}
	var out []FundingFigures
	err := s.DB.Read(ctx, func(tx *db.Tx) (err error) {
		out, err = db.QueryAll(ctx, tx, func(row db.Scanner, f *FundingFigures) error {
			var at sql.NullTime
			if err := row.Scan(&f.OrganisationID, &f.Organisation, &f.FTEFunded, &f.FTEOccupied, &f.VacancyDays, &f.Trainings,
				&f.FundsCents, &f.Version, &at, &f.UpdatedBy); err != nil {
				return err
			}
			f.UpdatedAt = at.Time
			f.Year = year
			return nil
		}, `SELECT CAST(o.id AS TEXT), o.name, COALESCE(f.fte_funded, 0), COALESCE(f.fte_occupied, 0), COALESCE(f.vacancy_days, 0),
			COALESCE(f.trainings, 0), COALESCE(f.funds_cents, 0), COALESCE(f.version, 0), f.updated_at,
			COALESCE((SELECT u.name FROM users u WHERE u.tenant_id = f.tenant_id AND CAST(u.id AS TEXT) = f.updated_by), '')
			FROM organisations o LEFT JOIN funding_figures f ON f.tenant_id = o.tenant_id AND f.organisation_id = o.id AND f.year = $2
			WHERE o.tenant_id = $1 AND (o.kim_carrier = TRUE OR f.year IS NOT NULL) ORDER BY o.name, o.id`, actor.TenantID, year)
		return err
	})
	return out, errs.Wrap(err)
}

// FundingTotal adds up the figures of the organisations.
func FundingTotal(list []FundingFigures) FundingFigures {
	var t FundingFigures
	for _, f := range list {
		t.FTEFunded += f.FTEFunded
		t.FTEOccupied += f.FTEOccupied
		t.VacancyDays += f.VacancyDays
		t.Trainings += f.Trainings
		t.FundsCents += f.FundsCents
	}
	t.FTEFunded, t.FTEOccupied = math.Round(t.FTEFunded*100)/100, math.Round(t.FTEOccupied*100)/100
	return t
}

// SaveFunding records an organisation's figures of a year (access: KindIndicator Manage).
// in.Version is the version the form showed (0 for figures not recorded yet); a different
// stored version is a conflict.
func (s *Service) SaveFunding(ctx context.Context, actor access.Actor, in FundingInput) (*FundingFigures, error) {
	if err := access.Check(actor, KindIndicator, access.Manage); err != nil {
		return nil, err
	}
	f, err := in.parse()
	if err != nil {
		return nil, err
	}
	if in.Version < 0 || !db.ValidVersion(in.Version) {
		return nil, ErrFundingConflict
	}
	err = s.DB.Write(ctx, func(tx *db.Tx) error {
		if err := tx.QueryRowContext(ctx, "SELECT name FROM organisations WHERE tenant_id = $1 AND id = $2", actor.TenantID, f.OrganisationID).Scan(&f.Organisation); err != nil {
			if errors.Is(err, ctxNoRows) {
				var v errs.Validation
				v.Add("organisation", "monitoring.context.funding.organisation_unknown")
				return v.Err()
			}
			return err
		}
		var cur int
		err := tx.QueryRowContext(ctx, "SELECT version FROM funding_figures WHERE tenant_id = $1 AND organisation_id = $2 AND year = $3"+tx.ForUpdate(),
			actor.TenantID, f.OrganisationID, f.Year).Scan(&cur)
		switch {
		case errors.Is(err, ctxNoRows):
			if in.Version != 0 {
				return ErrFundingConflict
			}
			_, err = tx.ExecContext(ctx, `INSERT INTO funding_figures (tenant_id, organisation_id, year, fte_funded, fte_occupied, vacancy_days,
				trainings, funds_cents, updated_by, updated_at, version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 1)`,
				actor.TenantID, f.OrganisationID, f.Year, f.FTEFunded, f.FTEOccupied, f.VacancyDays, f.Trainings, f.FundsCents, actor.UserID, tx.Now.UTC())
			f.Version = 1
		case err != nil:
			return err
		case cur != in.Version:
			return ErrFundingConflict
		default:
			_, err = tx.ExecContext(ctx, `UPDATE funding_figures SET fte_funded = $4, fte_occupied = $5, vacancy_days = $6, trainings = $7,
				funds_cents = $8, updated_by = $9, updated_at = $10, version = version + 1
				WHERE tenant_id = $1 AND organisation_id = $2 AND year = $3`,
				actor.TenantID, f.OrganisationID, f.Year, f.FTEFunded, f.FTEOccupied, f.VacancyDays, f.Trainings, f.FundsCents, actor.UserID, tx.Now.UTC())
			f.Version = cur + 1
		}
		if err != nil {
			return err
		}
		f.UpdatedAt, f.UpdatedBy = tx.Now.UTC(), actor.Name
		return s.Audit.Append(ctx, tx, audit.Entry{Actor: actor, Action: "funding_figures.save", ObjectType: "organisation",
			ObjectID: f.OrganisationID, Details: map[string]string{"year": strconv.Itoa(f.Year)}})
	})
	if err != nil {
		return nil, errs.Wrap(err)
	}
	return &f, nil
}

// FundingCaseIndicators are the engine's indicators the funding report shows for the year
// (labels monitoring.context.funding.case.<code>): persons newly in case management, the open
// caseload at the end of the year and persons with closed cases (the total of the closure
// reasons). Codes the catalogue lacks are left out.
var FundingCaseIndicators = []string{"new_cases", "open_caseload", "closure_reasons"}

// FundingCaseFigures computes the case figures of the funding report of a year with the
// disclosure rule (yearly cells of the whole tenant).
func (s *Service) FundingCaseFigures(ctx context.Context, actor access.Actor, year int) ([]*Table, error) {
	var qs []Query
	for _, code := range FundingCaseIndicators {
		if Lookup(code) != nil {
			qs = append(qs, Query{Indicator: code, From: Month{year, 1}, To: Month{year, 12}, Yearly: true})
		}
	}
	if len(qs) == 0 {
		return nil, nil
	}
	return s.ComputeAll(ctx, actor, qs)
}
