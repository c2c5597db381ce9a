package monitoring

import (
	"context"
	"errors"
	"path"
	"strconv"
	"strings"
	"time"

	"kim/internal/platform/access"
	"kim/internal/platform/audit"
	"kim/internal/platform/db"
	"kim/internal/platform/errs"
	"kim/internal/platform/ids"
	"kim/internal/platform/web"
)

// ContextImport is one import of context statistics.
type ContextImport struct {
	ID         string
	Filename   string
	Source     string
	Rows       int
	Current    int // values of the import that no later import replaced
	ImportedBy string
	ByName     string
	ImportedAt time.Time
}

// ContextFigure is one stored context figure.
type ContextFigure struct {
	Period     string
	DistrictID string // "" for the whole city
	District   string // the district's name ("" for the whole city)
	Indicator  string
	Value      float64
}

// ContextInput is an upload: the file's name and content and an optional source.
type ContextInput struct {
	Filename string
	Source   string
	Content  []byte
}

// ImportError is a refused import: the rejected lines with their reasons. Nothing was stored.
type ImportError struct {
	Lines []LineError
}

func (e *ImportError) Error() string {
	return "monitoring: context import refused (" + strconv.Itoa(len(e.Lines)) + " lines)"
}

// ctxDistricts returns the tenant's districts.
func ctxDistricts(ctx context.Context, tx *db.Tx, tenantID string) ([]DistrictRef, error) {
	return db.QueryAll(ctx, tx, func(row db.Scanner, d *DistrictRef) error { return row.Scan(&d.ID, &d.Name, &d.Code) },
		"SELECT CAST(id AS TEXT), name, code FROM districts WHERE tenant_id = $1 ORDER BY name, id", tenantID)
}

// ctxUnits returns the spatial units of the tenant.
func ctxUnits(ctx context.Context, tx *db.Tx, tenantID string) (SpatialUnits, error) {
	var name string
	if err := tx.QueryRowContext(ctx, "SELECT name FROM tenants WHERE id = $1", tenantID).Scan(&name); err != nil {
		return SpatialUnits{}, err
	}
	ds, err := ctxDistricts(ctx, tx, tenantID)
	if err != nil {
		return SpatialUnits{}, err
	}
	return NewSpatialUnits(name, ds), nil
}

// ImportContext checks an uploaded file and, when every line is valid, stores its figures in
// one transaction (a figure with the same period, spatial unit and indicator is replaced) and
// records the import (access: KindIndicator Manage). A file with a rejected line is refused
// as a whole with an *ImportError; nothing is stored.
func (s *Service) ImportContext(ctx context.Context, actor access.Actor, in ContextInput) (*ContextImport, error) {
	if err := access.Check(actor, KindIndicator, access.Manage); err != nil {
		return nil, err
	}
	name := ctxClip(web.CleanText(path.Base(strings.ReplaceAll(strings.ToValidUTF8(in.Filename, ""), `\`, "/"))), 200)
	if name == "." || name == "/" {
		name = ""
	}
	imp := &ContextImport{ID: ids.New(), Filename: name, Source: ctxClip(web.CleanText(strings.ToValidUTF8(in.Source, "")), 200), ImportedBy: actor.UserID, ByName: actor.Name}
	var refused *ImportError
	err := s.DB.Write(ctx, func(tx *db.Tx) error {
		units, err := ctxUnits(ctx, tx, actor.TenantID)
		if err != nil {
			return err
		}
		rows, problems := ParseContextCSV(in.Content, units)
		if len(problems) > 0 {
			refused = &ImportError{Lines: problems}
			return refused
		}
		imp.Rows, imp.Current, imp.ImportedAt = len(rows), len(rows), tx.Now.UTC()
		if _, err := tx.ExecContext(ctx, `INSERT INTO context_imports (tenant_id, id, filename, source, rows, imported_by, imported_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`, actor.TenantID, imp.ID, imp.Filename, imp.Source, imp.Rows, actor.UserID, imp.ImportedAt); err != nil {
			return err
		}
		for _, r := range rows {
			if _, err := tx.ExecContext(ctx, `INSERT INTO context_values (tenant_id, period, district_id, indicator, value, import_id)
				VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (tenant_id, indicator, period, district_id)
				DO UPDATE SET value = excluded.value, import_id = excluded.import_id`,
				actor.TenantID, r.Period, r.DistrictID, r.Indicator, r.Value, imp.ID); err != nil {
				return err
			}
		}
		return s.Audit.Append(ctx, tx, audit.Entry{Actor: actor, Action: "context_import.create", ObjectType: "context_import",
			ObjectID: imp.ID, Details: map[string]string{"rows": strconv.Itoa(imp.Rows)}})
	})
	if refused != nil {
		return nil, refused
	}
	if err != nil {
		return nil, errs.Wrap(err)
	}
	return imp, nil
}

const ctxImportCols = `i.id, i.filename, i.source, i.rows, (SELECT count(*) FROM context_values v WHERE v.tenant_id = i.tenant_id
	AND v.import_id = i.id), i.imported_by, COALESCE((SELECT u.name FROM users u WHERE u.tenant_id = i.tenant_id
	AND CAST(u.id AS TEXT) = i.imported_by), ''), i.imported_at`

func scanImport(row db.Scanner, i *ContextImport) error {
	return row.Scan(&i.ID, &i.Filename, &i.Source, &i.Rows, &i.Current, &i.ImportedBy, &i.ByName, &i.ImportedAt)
}

// ContextImports returns a page of the tenant's imports, newest first (access: KindIndicator
// View).
func (s *Service) ContextImports(ctx context.Context, actor access.Actor, q web.ListQuery) ([]ContextImport, int, error) {
	if err := access.Check(actor, KindIndicator, access.View); err != nil {
		return nil, 0, err
	}
	var (
		out   []ContextImport
		total int
	)
	err := s.DB.Read(ctx, func(tx *db.Tx) (err error) {
		if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM context_imports WHERE tenant_id = $1", actor.TenantID).Scan(&total); err != nil {
			return err
		}
		out, err = db.QueryAll(ctx, tx, scanImport, "SELECT "+ctxImportCols+" FROM context_imports i WHERE i.tenant_id = $1 ORDER BY i.imported_at DESC, i.id DESC LIMIT "+
			strconv.Itoa(q.Size)+" OFFSET "+strconv.Itoa(q.Offset()), actor.TenantID)
		return err
	})
	return out, total, errs.Wrap(err)
}

// GetContextImport returns one import of the tenant (access: KindIndicator Manage: only the
// coordination needs a single import, to delete it).
func (s *Service) GetContextImport(ctx context.Context, actor access.Actor, id string) (*ContextImport, error) {
	if err := access.Check(actor, KindIndicator, access.Manage); err != nil {
		return nil, err
	}
	if !ids.Valid(id) {
		return nil, errs.ErrNotFound
	}
	imp := &ContextImport{}
	err := s.DB.Read(ctx, func(tx *db.Tx) error {
		return scanImport(tx.QueryRowContext(ctx, "SELECT "+ctxImportCols+" FROM context_imports i WHERE i.tenant_id = $1 AND i.id = $2", actor.TenantID, id), imp)
	})
	if errors.Is(err, ctxNoRows) {
		return nil, errs.ErrNotFound
	}
	return imp, errs.Wrap(err)
}

// DeleteContextImport removes an import and the figures it still provides (figures a later
// import replaced belong to that import and stay) (access: KindIndicator Manage).
func (s *Service) DeleteContextImport(ctx context.Context, actor access.Actor, id string) error {
	if err := access.Check(actor, KindIndicator, access.Manage); err != nil {
		return err
	}
	if !ids.Valid(id) {
		return errs.ErrNotFound
	}
	err := s.DB.Write(ctx, func(tx *db.Tx) error {
		if _, err := tx.ExecContext(ctx, "DELETE FROM context_values WHERE tenant_id = $1 AND import_id = $2", actor.TenantID, id); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, "DELETE FROM context_imports WHERE tenant_id = $1 AND id = $2", actor.TenantID, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.ErrNotFound
		}
		return s.Audit.Append(ctx, tx, audit.Entry{Actor: actor, Action: "context_import.delete", ObjectType: "context_import", ObjectID: id})
	})
	return errs.Wrap(err)
}

// ContextFigures returns the tenant's current context figures, by indicator, period (newest
// first) and spatial unit (the city first, then the districts by name) (access: KindIndicator
// View).
func (s *Service) ContextFigures(ctx context.Context, actor access.Actor) ([]ContextFigure, error) {
	if err := access.Check(actor, KindIndicator, access.View); err != nil {
		return nil, err
	}
	var out []ContextFigure
	err := s.DB.Read(ctx, func(tx *db.Tx) (err error) {
		out, err = db.QueryAll(ctx, tx, func(row db.Scanner, f *ContextFigure) error {
			return row.Scan(&f.Period, &f.DistrictID, &f.District, &f.Indicator, &f.Value)
		}, `SELECT v.period, v.district_id, COALESCE(d.name, ''), v.indicator, v.value FROM context_values v
			LEFT JOIN districts d ON d.tenant_id = v.tenant_id AND CAST(d.id AS TEXT) = v.district_id
			WHERE v.tenant_id = $1 ORDER BY v.indicator, v.period DESC, v.district_id <> '', d.name, v.district_id`, actor.TenantID)
		return err
	})
	return out, errs.Wrap(err)
}

// ContextValue returns the context figure of an indicator for exactly one period ("2025" or
// "2025-06") and spatial unit (a district id, "" for the whole city) of a tenant, read in the
// caller's transaction; ok is false when there is none. No access check: the figures are
// public statistics, and the caller (the engine) has checked its own access.
func (s *Service) ContextValue(ctx context.Context, tx *db.Tx, tenantID, indicator, period, districtID string) (float64, bool, error) {
	var v float64
	err := tx.QueryRowContext(ctx, `SELECT value FROM context_values WHERE tenant_id = $1 AND indicator = $2 AND period = $3
		AND district_id = $4`, tenantID, indicator, period, districtID).Scan(&v)
	if errors.Is(err, ctxNoRows) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, err
	}
	return v, true, nil
}

// ContextValueAt returns the context figure that applies to month m: the figure of the month
// itself, else of its year, else of the latest earlier year (population figures are published
// once a year). period names the figure used; ok is false when there is none.
func (s *Service) ContextValueAt(ctx context.Context, tx *db.Tx, tenantID, indicator, districtID string, m Month) (v float64, period string, ok bool, err error) {
	err = tx.QueryRowContext(ctx, `SELECT value, period FROM context_values WHERE tenant_id = $1 AND indicator = $2 AND district_id = $3
		AND (period = $4 OR (length(period) = 4 AND period <= $5)) ORDER BY length(period) DESC, period DESC LIMIT 1`,
		tenantID, indicator, districtID, m.String(), strconv.Itoa(m.Year)).Scan(&v, &period)
	if errors.Is(err, ctxNoRows) {
		return 0, "", false, nil
	}
	if err != nil {
		return 0, "", false, err
	}
	return v, period, true, nil
}

// ContextSeries returns every figure of an indicator of a tenant by spatial unit (district id,
// "" for the city) and period, for computing many rates at once.
func (s *Service) ContextSeries(ctx context.Context, tx *db.Tx, tenantID, indicator string) (map[string]map[string]float64, error) {
	type fig struct {
		district, period string
		value            float64
	}
	rows, err := db.QueryAll(ctx, tx, func(row db.Scanner, f *fig) error { return row.Scan(&f.district, &f.period, &f.value) },
		"SELECT district_id, period, value FROM context_values WHERE tenant_id = $1 AND indicator = $2", tenantID, indicator)
	if err != nil {
		return nil, err
	}
	out := map[string]map[string]float64{}
	for _, f := range rows {
		if out[f.district] == nil {
			out[f.district] = map[string]float64{}
		}
		out[f.district][f.period] = f.value
	}
	return out, nil
}
