package directory

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"

	"kim/internal/platform/access"
	"kim/internal/platform/db"
	"kim/internal/platform/errs"
	"kim/internal/platform/ids"
	"kim/internal/platform/web"
)

// --- tenants ---

const tenantCols = "id, slug, name, created_at, disabled_at, version"

func scanTenant(row interface{ Scan(...any) error }) (*Tenant, error) {
	t := &Tenant{}
	var disabled sql.NullTime
	if err := row.Scan(&t.ID, &t.Slug, &t.Name, &t.CreatedAt, &disabled, &t.Version); err != nil {
		return nil, err
	}
	if disabled.Valid {
		t.DisabledAt = &disabled.Time
	}
	return t, nil
}

func getTenant(ctx context.Context, tx *db.Tx, where string, arg any) (*Tenant, error) {
	t, err := scanTenant(tx.QueryRowContext(ctx, "SELECT "+tenantCols+" FROM tenants WHERE "+where+" = $1", arg))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.ErrNotFound
	}
	return t, err
}

func listTenants(ctx context.Context, tx *db.Tx, q web.ListQuery) ([]Tenant, int, error) {
	where, args := "1=1", []any{}
	if q.Q != "" {
		where = "(lower(name) LIKE $1 ESCAPE '\\' OR lower(slug) LIKE $1 ESCAPE '\\')"
		args = append(args, db.Like(q.Q))
	}
	var total int
	if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM tenants WHERE "+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	order := q.OrderBy(map[string]string{"name": "lower(name)", "slug": "slug", "created": "created_at"}, "id")
	rows, err := tx.QueryContext(ctx, "SELECT "+tenantCols+" FROM tenants WHERE "+where+" ORDER BY "+order+
		" LIMIT "+itoa(q.Size)+" OFFSET "+itoa(q.Offset()), args...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []Tenant
	for rows.Next() {
		t, err := scanTenant(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, *t)
	}
	return out, total, rows.Err()
}

// --- organisations ---

const orgCols = `o.id, o.tenant_id, o.name, o.short_name, o.type, o.dp_regime, o.kim_carrier, o.email, o.phone,
	o.website, o.created_at, o.updated_at, o.version,
	(SELECT count(*) FROM locations l WHERE l.tenant_id = o.tenant_id AND l.organisation_id = o.id)`

func scanOrg(row interface{ Scan(...any) error }) (*Organisation, error) {
	o := &Organisation{}
	err := row.Scan(&o.ID, &o.TenantID, &o.Name, &o.ShortName, &o.Type, &o.Regime, &o.KIMCarrier, &o.Email,
		&o.Phone, &o.Website, &o.CreatedAt, &o.UpdatedAt, &o.Version, &o.Locations)
	return o, err
}

func getOrganisation(ctx context.Context, tx *db.Tx, tenantID, id string) (*Organisation, error) {
	o, err := scanOrg(tx.QueryRowContext(ctx, "SELECT "+orgCols+" FROM organisations o WHERE o.tenant_id = $1 AND o.id = $2", tenantID, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.ErrNotFound
	}
	return o, err
}

// OrgFilter narrows an organisation list.
type OrgFilter struct {
	Type OrgType
}

func listOrganisations(ctx context.Context, tx *db.Tx, scope access.Filter, q web.ListQuery, f OrgFilter) ([]Organisation, int, error) {
	where := []string{scope.SQL}
	args := append([]any{}, scope.Args...)
	if q.Q != "" {
		args = append(args, db.Like(q.Q))
		n := "$" + itoa(len(args))
		where = append(where, "(lower(o.name) LIKE "+n+" ESCAPE '\\' OR lower(o.short_name) LIKE "+n+" ESCAPE '\\')")
	}
	if f.Type != "" {
		args = append(args, string(f.Type))
		where = append(where, "o.type = $"+itoa(len(args)))
	}
	w := strings.Join(where, " AND ")
	var total int
	if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM organisations o WHERE "+w, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	order := q.OrderBy(map[string]string{"name": "lower(o.name)", "type": "o.type", "updated": "o.updated_at"}, "o.id")
	rows, err := tx.QueryContext(ctx, "SELECT "+orgCols+" FROM organisations o WHERE "+w+" ORDER BY "+order+
		" LIMIT "+itoa(q.Size)+" OFFSET "+itoa(q.Offset()), args...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []Organisation
	for rows.Next() {
		o, err := scanOrg(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, *o)
	}
	return out, total, rows.Err()
}

func insertOrganisation(ctx context.Context, tx *db.Tx, o *Organisation) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO organisations (tenant_id, id, name, short_name, type, dp_regime, kim_carrier,
		email, phone, website, created_at, updated_at, version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 1)`,
		o.TenantID, o.ID, o.Name, o.ShortName, string(o.Type), string(o.Regime), o.KIMCarrier, o.Email, o.Phone, o.Website,
		o.CreatedAt, o.UpdatedAt)
	return uniqueAsField(err, "name")
}

func updateOrganisation(ctx context.Context, tx *db.Tx, o *Organisation, version int) error {
	res, err := tx.ExecContext(ctx, `UPDATE organisations SET name = $1, short_name = $2, type = $3, dp_regime = $4,
		kim_carrier = $5, email = $6, phone = $7, website = $8, updated_at = $9, version = version + 1
		WHERE tenant_id = $10 AND id = $11 AND ($12 = 0 OR version = $12)`,
		o.Name, o.ShortName, string(o.Type), string(o.Regime), o.KIMCarrier, o.Email, o.Phone, o.Website, o.UpdatedAt,
		o.TenantID, o.ID, version)
	if err != nil {
		return uniqueAsField(err, "name")
	}
	return oneRow(res)
}

// --- districts and quarters ---

func scanDistricts(rows *sql.Rows) ([]District, error) {
	defer rows.Close()
	var out []District
	for rows.Next() {
		var d District
		if err := rows.Scan(&d.ID, &d.TenantID, &d.Name, &d.Code, &d.CreatedAt, &d.Version); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

const districtCols = "d.id, d.tenant_id, d.name, d.code, d.created_at, d.version"

func getDistrict(ctx context.Context, tx *db.Tx, tenantID, id string) (*District, error) {
	rows, err := tx.QueryContext(ctx, "SELECT "+districtCols+" FROM districts d WHERE d.tenant_id = $1 AND d.id = $2", tenantID, id)
	if err != nil {
		return nil, err
	}
	ds, err := scanDistricts(rows)
	if err != nil {
		return nil, err
	}
	if len(ds) == 0 {
		return nil, errs.ErrNotFound
	}
	if err := attachQuarters(ctx, tx, tenantID, ds); err != nil {
		return nil, err
	}
	return &ds[0], nil
}

func listDistricts(ctx context.Context, tx *db.Tx, scope access.Filter, q web.ListQuery) ([]District, int, error) {
	where := scope.SQL
	args := append([]any{}, scope.Args...)
	if q.Q != "" {
		args = append(args, db.Like(q.Q))
		n := "$" + itoa(len(args))
		where += " AND (lower(d.name) LIKE " + n + " ESCAPE '\\' OR EXISTS (SELECT 1 FROM quarters x WHERE x.tenant_id = d.tenant_id AND x.district_id = d.id AND lower(x.name) LIKE " + n + " ESCAPE '\\'))"
	}
	var total int
	if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM districts d WHERE "+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	order := q.OrderBy(map[string]string{"name": "lower(d.name)", "code": "d.code"}, "d.id")
	rows, err := tx.QueryContext(ctx, "SELECT "+districtCols+" FROM districts d WHERE "+where+" ORDER BY "+order+
		" LIMIT "+itoa(q.Size)+" OFFSET "+itoa(q.Offset()), args...)
	if err != nil {
		return nil, 0, err
	}
	ds, err := scanDistricts(rows)
	if err != nil {
		return nil, 0, err
	}
	if len(ds) > 0 {
		if err := attachQuarters(ctx, tx, ds[0].TenantID, ds); err != nil {
			return nil, 0, err
		}
	}
	return ds, total, nil
}

// attachQuarters loads the quarters of all districts in one query.
func attachQuarters(ctx context.Context, tx *db.Tx, tenantID string, ds []District) error {
	idx := map[string]int{}
	args := []any{tenantID}
	for i, d := range ds {
		idx[d.ID] = i
		args = append(args, d.ID)
	}
	rows, err := tx.QueryContext(ctx, "SELECT id, district_id, name, version FROM quarters WHERE tenant_id = $1 AND district_id IN ("+
		db.Placeholders(2, len(ds))+") ORDER BY lower(name), id", args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var q Quarter
		if err := rows.Scan(&q.ID, &q.DistrictID, &q.Name, &q.Version); err != nil {
			return err
		}
		if i, ok := idx[q.DistrictID]; ok {
			ds[i].Quarters = append(ds[i].Quarters, q)
		}
	}
	for i := range ds {
		if ds[i].Quarters == nil {
			ds[i].Quarters = []Quarter{}
		}
	}
	return rows.Err()
}

func getQuarter(ctx context.Context, tx *db.Tx, tenantID, id string) (*Quarter, error) {
	q := &Quarter{}
	err := tx.QueryRowContext(ctx, "SELECT id, district_id, name, version FROM quarters WHERE tenant_id = $1 AND id = $2", tenantID, id).
		Scan(&q.ID, &q.DistrictID, &q.Name, &q.Version)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.ErrNotFound
	}
	return q, err
}

// --- locations ---

const locationCols = `l.id, l.tenant_id, l.organisation_id, o.name, l.name, l.street, l.postcode, l.city,
	COALESCE(CAST(l.district_id AS TEXT), ''), COALESCE(d.name, ''), COALESCE(CAST(l.quarter_id AS TEXT), ''), COALESCE(q.name, ''),
	l.opening_hours, l.languages, l.step_free, l.phone, l.email, l.created_at, l.updated_at, l.version`

const locationFrom = ` FROM locations l
	JOIN organisations o ON o.tenant_id = l.tenant_id AND o.id = l.organisation_id
	LEFT JOIN districts d ON d.tenant_id = l.tenant_id AND d.id = l.district_id
	LEFT JOIN quarters q ON q.tenant_id = l.tenant_id AND q.id = l.quarter_id`

func scanLocation(row interface{ Scan(...any) error }) (*Location, error) {
	l := &Location{}
	var langs string
	err := row.Scan(&l.ID, &l.TenantID, &l.OrganisationID, &l.OrganisationName, &l.Name, &l.Street, &l.Postcode, &l.City,
		&l.DistrictID, &l.DistrictName, &l.QuarterID, &l.QuarterName, &l.OpeningHours, &langs, &l.StepFree, &l.Phone,
		&l.Email, &l.CreatedAt, &l.UpdatedAt, &l.Version)
	l.Languages = splitList(langs)
	return l, err
}

func getLocation(ctx context.Context, tx *db.Tx, tenantID, id string) (*Location, error) {
	l, err := scanLocation(tx.QueryRowContext(ctx, "SELECT "+locationCols+locationFrom+" WHERE l.tenant_id = $1 AND l.id = $2", tenantID, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.ErrNotFound
	}
	return l, err
}

// LocationFilter narrows a location list.
type LocationFilter struct {
	OrganisationID string
	DistrictID     string
	Language       string
	StepFree       bool
}

func listLocations(ctx context.Context, tx *db.Tx, scope access.Filter, q web.ListQuery, f LocationFilter) ([]Location, int, error) {
	where := []string{scope.SQL}
	args := append([]any{}, scope.Args...)
	add := func(cond string, v any) {
		args = append(args, v)
		where = append(where, strings.ReplaceAll(cond, "?", "$"+itoa(len(args))))
	}
	if q.Q != "" {
		add("(lower(l.name) LIKE ? ESCAPE '\\' OR lower(l.street) LIKE ? ESCAPE '\\' OR lower(o.name) LIKE ? ESCAPE '\\')", db.Like(q.Q))
	}
	// A malformed id matches nothing (PostgreSQL would reject the cast to UUID).
	if f.OrganisationID != "" {
		if ids.Valid(f.OrganisationID) {
			add("l.organisation_id = ?", f.OrganisationID)
		} else {
			where = append(where, "1=0")
		}
	}
	if f.DistrictID != "" {
		if ids.Valid(f.DistrictID) {
			add("l.district_id = ?", f.DistrictID)
		} else {
			where = append(where, "1=0")
		}
	}
	if f.Language != "" {
		add("(',' || l.languages || ',') LIKE ?", "%,"+f.Language+",%")
	}
	if f.StepFree {
		add("l.step_free = ?", true)
	}
	w := strings.Join(where, " AND ")
	var total int
	if err := tx.QueryRowContext(ctx, "SELECT count(*)"+locationFrom+" WHERE "+w, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	// COALESCE: locations without a district sort first on both engines (their NULL order differs).
	order := q.OrderBy(map[string]string{"name": "lower(l.name)", "organisation": "lower(o.name)", "district": "COALESCE(lower(d.name), '')"}, "l.id")
	rows, err := tx.QueryContext(ctx, "SELECT "+locationCols+locationFrom+" WHERE "+w+" ORDER BY "+order+
		" LIMIT "+itoa(q.Size)+" OFFSET "+itoa(q.Offset()), args...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []Location
	for rows.Next() {
		l, err := scanLocation(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, *l)
	}
	return out, total, rows.Err()
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func insertLocation(ctx context.Context, tx *db.Tx, l *Location) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO locations (tenant_id, id, organisation_id, name, street, postcode, city,
		district_id, quarter_id, opening_hours, languages, step_free, phone, email, created_at, updated_at, version)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, 1)`,
		l.TenantID, l.ID, l.OrganisationID, l.Name, l.Street, l.Postcode, l.City, nullable(l.DistrictID), nullable(l.QuarterID),
		l.OpeningHours, strings.Join(l.Languages, ","), l.StepFree, l.Phone, l.Email, l.CreatedAt, l.UpdatedAt)
	return uniqueAsField(err, "name")
}

func updateLocation(ctx context.Context, tx *db.Tx, l *Location, version int) error {
	res, err := tx.ExecContext(ctx, `UPDATE locations SET organisation_id = $1, name = $2, street = $3, postcode = $4,
		city = $5, district_id = $6, quarter_id = $7, opening_hours = $8, languages = $9, step_free = $10, phone = $11,
		email = $12, updated_at = $13, version = version + 1
		WHERE tenant_id = $14 AND id = $15 AND ($16 = 0 OR version = $16)`,
		l.OrganisationID, l.Name, l.Street, l.Postcode, l.City, nullable(l.DistrictID), nullable(l.QuarterID), l.OpeningHours,
		strings.Join(l.Languages, ","), l.StepFree, l.Phone, l.Email, l.UpdatedAt, l.TenantID, l.ID, version)
	if err != nil {
		return uniqueAsField(err, "name")
	}
	return oneRow(res)
}

// --- helpers ---

func deleteRow(ctx context.Context, tx *db.Tx, table, tenantID, id string) error {
	res, err := tx.ExecContext(ctx, "DELETE FROM "+table+" WHERE tenant_id = $1 AND id = $2", tenantID, id)
	if db.IsForeignKeyViolation(err) {
		return errs.E(errs.Conflict, "directory.in_use")
	}
	if err != nil {
		return err
	}
	n, _ := res.RowsAffected()
	if n == 0 {
		return errs.ErrNotFound
	}
	return nil
}

func oneRow(res sql.Result) error {
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return errs.E(errs.Conflict, "error.conflict")
	}
	return nil
}

func uniqueAsField(err error, field string) error {
	if db.IsUniqueViolation(err) {
		e := errs.E(errs.Invalid, "error.invalid")
		e.Fields = map[string]errs.Message{field: errs.Msg("validation.unique")}
		return e
	}
	return err
}

func splitList(s string) []string {
	if s == "" {
		return []string{}
	}
	return strings.Split(s, ",")
}

func itoa(i int) string { return strconv.Itoa(i) }
