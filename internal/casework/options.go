package casework

import (
	"context"

	"kim/internal/platform/access"
	"kim/internal/platform/db"
	"kim/internal/platform/web"
)

// Options are the choices the forms of case management offer: the tenant's organisations,
// districts and quarters, and the staff, locations and clients of the actor's organisation.
type Options struct {
	Organisations []web.Option // other organisations of the tenant (recipients, partners)
	Districts     []web.Option
	Quarters      []web.Option // labelled "district – quarter"
	Staff         []web.Option // case managers and team leads of the own organisation
	Locations     []web.Option // of the own organisation
	Criteria      []web.Option // active admission criteria
}

func optionRows(ctx context.Context, tx *db.Tx, q string, args ...any) ([]web.Option, error) {
	return queryAll(ctx, tx, func(row scanner, o *web.Option) error { return row.Scan(&o.Value, &o.Label) }, q, args...)
}

// FormOptions loads the options for the actor's forms.
func (s *Service) FormOptions(ctx context.Context, actor access.Actor) (*Options, error) {
	if actor.Anonymous() {
		return &Options{}, nil
	}
	o := &Options{}
	err := s.DB.Read(ctx, func(tx *db.Tx) (err error) {
		t, org := actor.TenantID, actor.OrganisationID
		if o.Organisations, err = optionRows(ctx, tx, "SELECT id, name FROM organisations WHERE tenant_id = $1 AND id <> $2 ORDER BY lower(name), id", t, org); err != nil {
			return err
		}
		if o.Districts, err = optionRows(ctx, tx, "SELECT id, name FROM districts WHERE tenant_id = $1 ORDER BY name, id", t); err != nil {
			return err
		}
		if o.Quarters, err = optionRows(ctx, tx, `SELECT q.id, d.name || ' – ' || q.name FROM quarters q JOIN districts d ON d.tenant_id = q.tenant_id AND d.id = q.district_id
			WHERE q.tenant_id = $1 ORDER BY d.name, q.name, q.id`, t); err != nil {
			return err
		}
		if o.Staff, err = optionRows(ctx, tx, `SELECT id, name FROM users WHERE tenant_id = $1 AND organisation_id = $2
			AND role IN ('case_manager', 'team_lead') AND disabled_at IS NULL ORDER BY lower(name), id`, t, org); err != nil {
			return err
		}
		if o.Locations, err = optionRows(ctx, tx, "SELECT id, name FROM locations WHERE tenant_id = $1 AND organisation_id = $2 ORDER BY lower(name), id", t, org); err != nil {
			return err
		}
		o.Criteria, err = optionRows(ctx, tx, "SELECT id, label FROM admission_criteria WHERE tenant_id = $1 AND active ORDER BY position, label, id", t)
		return err
	})
	return o, err
}

// codeOptions turns a code list into translated options with the message prefix.
func codeOptions(prefix string, codes []string) []web.Option {
	out := make([]web.Option, len(codes))
	for i, c := range codes {
		out[i] = web.Option{Value: c, Label: prefix + c, Translate: true}
	}
	return out
}
