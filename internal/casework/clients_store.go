package casework

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"kim/internal/platform/db"
	"kim/internal/platform/errs"
	"kim/internal/platform/ids"
)

const clientCols = `c.id, c.tenant_id, c.organisation_id, c.pseudonym, c.given_names, c.family_name, c.name_original,
	c.other_spellings, c.birth_date, c.sex, c.nationalities, c.stateless, c.country_of_birth, c.languages, c.german_level,
	c.interpreter, c.arrived_germany, c.arrived_city, c.street, c.postcode, c.city, c.district_id, c.quarter_id,
	c.phone, c.email, c.messenger, c.benefit_regime, c.other_cm, c.created_at, c.updated_at, c.version`

type scanner = db.Scanner

func scanClient(row scanner) (*Client, error) {
	c := &Client{}
	var spellings, nats, langs, other string
	var district, quarter sql.NullString
	err := row.Scan(&c.ID, &c.TenantID, &c.OrganisationID, &c.Pseudonym, &c.GivenNames, &c.FamilyName, &c.NameOriginal,
		&spellings, &c.BirthDate, &c.Sex, &nats, &c.Stateless, &c.CountryOfBirth, &langs, &c.GermanLevel,
		&c.Interpreter, &c.ArrivedGermany, &c.ArrivedCity, &c.Street, &c.Postcode, &c.City, &district, &quarter,
		&c.Phone, &c.Email, &c.Messenger, &c.BenefitRegime, &other, &c.CreatedAt, &c.UpdatedAt, &c.Version)
	if err != nil {
		return nil, err
	}
	c.OtherSpellings = split(spellings, "\n")
	c.Nationalities, c.Languages, c.OtherCM = split(nats, ","), split(langs, ","), split(other, ",")
	c.DistrictID, c.QuarterID = district.String, quarter.String
	return c, nil
}

// split is strings.Split that gives an empty list for "" (JSON answers carry [] rather than
// null).
func split(s, sep string) []string {
	if s == "" {
		return []string{}
	}
	return strings.Split(s, sep)
}

// list returns s, or an empty list for nil.
func list(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func getClient(ctx context.Context, tx *db.Tx, tenantID, id string) (*Client, error) {
	c, err := scanClient(tx.QueryRowContext(ctx, "SELECT "+clientCols+" FROM clients c WHERE c.tenant_id = $1 AND c.id = $2", tenantID, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.ErrNotFound
	}
	return c, err
}

// clientsByID loads clients in the order of ids (missing ones are skipped).
func clientsByID(ctx context.Context, tx *db.Tx, tenantID string, ids []string) ([]Client, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	args := []any{tenantID}
	for _, id := range ids {
		args = append(args, id)
	}
	rows, err := tx.QueryContext(ctx, "SELECT "+clientCols+" FROM clients c WHERE c.tenant_id = $1 AND c.id IN ("+db.Placeholders(2, len(ids))+")", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	byID := map[string]*Client{}
	for rows.Next() {
		c, err := scanClient(rows)
		if err != nil {
			return nil, err
		}
		byID[c.ID] = c
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make([]Client, 0, len(ids))
	for _, id := range ids {
		if c, ok := byID[id]; ok {
			out = append(out, *c)
		}
	}
	return out, nil
}

func clientArgs(c *Client) []any {
	return []any{c.GivenNames, c.FamilyName, c.NameOriginal, strings.Join(c.OtherSpellings, "\n"), c.BirthDate, c.Sex,
		strings.Join(c.Nationalities, ","), c.Stateless, c.CountryOfBirth, strings.Join(c.Languages, ","), c.GermanLevel,
		c.Interpreter, c.ArrivedGermany, c.ArrivedCity, c.Street, c.Postcode, c.City, nullable(c.DistrictID), nullable(c.QuarterID),
		c.Phone, c.Email, c.Messenger, c.BenefitRegime, strings.Join(c.OtherCM, ",")}
}

func insertClient(ctx context.Context, tx *db.Tx, c *Client, by string) error {
	args := append([]any{c.TenantID, c.ID, c.OrganisationID, c.Pseudonym}, clientArgs(c)...)
	args = append(args, by, c.CreatedAt, c.UpdatedAt)
	_, err := tx.ExecContext(ctx, `INSERT INTO clients (tenant_id, id, organisation_id, pseudonym, given_names, family_name,
		name_original, other_spellings, birth_date, sex, nationalities, stateless, country_of_birth, languages, german_level,
		interpreter, arrived_germany, arrived_city, street, postcode, city, district_id, quarter_id, phone, email, messenger,
		benefit_regime, other_cm, created_by, created_at, updated_at)
		VALUES (`+db.Placeholders(1, len(args))+")", args...)
	return err
}

func updateClient(ctx context.Context, tx *db.Tx, c *Client, version int) (bool, error) {
	args := append(clientArgs(c), c.UpdatedAt, c.TenantID, c.ID, version)
	res, err := tx.ExecContext(ctx, `UPDATE clients SET given_names = $1, family_name = $2, name_original = $3,
		other_spellings = $4, birth_date = $5, sex = $6, nationalities = $7, stateless = $8, country_of_birth = $9,
		languages = $10, german_level = $11, interpreter = $12, arrived_germany = $13, arrived_city = $14, street = $15,
		postcode = $16, city = $17, district_id = $18, quarter_id = $19, phone = $20, email = $21, messenger = $22,
		benefit_regime = $23, other_cm = $24, updated_at = $25, version = version + 1
		WHERE tenant_id = $26 AND id = $27 AND ($28 = 0 OR version = $28)`, args...)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// checkPlace verifies that the district and quarter exist in the tenant and belong together.
func checkPlace(ctx context.Context, tx *db.Tx, tenantID, districtID, quarterID string, v *errs.Validation) error {
	if districtID != "" && !ids.Valid(districtID) {
		v.Add("district_id", "validation.not_found")
		return nil
	}
	if quarterID != "" && !ids.Valid(quarterID) {
		v.Add("quarter_id", "validation.not_found")
		return nil
	}
	if districtID != "" {
		ok, err := exists(ctx, tx, "SELECT 1 FROM districts WHERE tenant_id = $1 AND id = $2", tenantID, districtID)
		if err != nil {
			return err
		}
		if !ok {
			v.Add("district_id", "validation.not_found")
		}
	}
	if quarterID != "" {
		ok, err := exists(ctx, tx, "SELECT 1 FROM quarters WHERE tenant_id = $1 AND id = $2 AND district_id = $3", tenantID, quarterID, districtID)
		if err != nil {
			return err
		}
		if !ok {
			v.Add("quarter_id", "casework.validation.quarter")
		}
	}
	return nil
}

// exists runs a query that selects a row or none.
func exists(ctx context.Context, tx *db.Tx, q string, args ...any) (bool, error) {
	var one int
	err := tx.QueryRowContext(ctx, q, args...).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}
