package offers

import (
	"context"
	"net/url"
	"slices"
	"strings"

	"kim/internal/platform/db"
	"kim/internal/platform/errs"
	"kim/internal/platform/i18n"
	"kim/internal/platform/ids"
	"kim/internal/platform/valid"
	"kim/internal/platform/web"
)

// The public directory: what residents see without login. Only offers shown today (published,
// not archived, within their validity) of one tenant appear; the tenant is resolved by the
// caller (see http_public.go).

// PublicList lists the tenant's offers shown today that match f and the search text, by
// title, with title and description in lang where translated.
func (s *Service) PublicList(ctx context.Context, tenantID, lang string, q web.ListQuery, f Filter) ([]Offer, int, error) {
	var (
		out   []Offer
		total int
	)
	err := s.DB.Read(ctx, func(tx *db.Tx) (err error) {
		w := &where{}
		w.add("o.tenant_id = ?", tenantID)
		f.OrganisationID, f.Status = "", "active"
		f.apply(w, valid.Today(tx.Now))
		if err := search(ctx, tx, tenantID, q.Q, w); err != nil {
			return err
		}
		if out, total, err = listOffers(ctx, tx, w, q, "o.sort_title, o.id"); err != nil {
			return err
		}
		if err := loadDetails(ctx, tx, tenantID, out, lang); err != nil {
			return err
		}
		for i := range out {
			out[i].Localize(lang)
		}
		return nil
	})
	return out, total, err
}

// PublicGet returns one of the tenant's offers shown today, in lang where translated, with
// the recommendations it came from. Any other offer is not found.
func (s *Service) PublicGet(ctx context.Context, tenantID, id, lang string) (*Offer, []Origin, error) {
	var (
		o   *Offer
		ors map[string][]Origin
	)
	err := s.DB.Read(ctx, func(tx *db.Tx) (err error) {
		if o, err = getOffer(ctx, tx, tenantID, id); err != nil {
			return err
		}
		if !o.Active(valid.Today(tx.Now)) {
			return errs.ErrNotFound
		}
		o.Localize(lang)
		ors, err = s.origins(ctx, tx, tenantID, o.ID)
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	return o, ors[o.ID], nil
}

// ActiveTenantOf returns the tenant of an offer shown today in a public directory, for a link
// that does not name its municipality.
func (s *Service) ActiveTenantOf(ctx context.Context, id string) (string, error) {
	if !ids.Valid(id) {
		return "", errs.ErrNotFound
	}
	var tenantID string
	err := s.DB.Read(ctx, func(tx *db.Tx) error {
		list, err := queryOffers(ctx, tx, "JOIN tenants t ON t.id = o.tenant_id WHERE o.id = $1 AND t.disabled_at IS NULL AND "+activeCond("$2"),
			id, valid.Today(tx.Now))
		if err != nil {
			return err
		}
		if len(list) != 1 {
			return errs.ErrNotFound
		}
		tenantID = list[0].TenantID
		return nil
	})
	return tenantID, err
}

// PublicChoices are the options of the public filter form: the tenant's districts and the
// languages its offers shown today are held in.
type PublicChoices struct {
	Districts []District
	Languages []string
}

// District is a district a public filter can name by its id, its name or its code.
type District struct {
	ID, Name, Code string
}

// PublicChoices loads the options of the public filter form.
func (s *Service) PublicChoices(ctx context.Context, tenantID string) (*PublicChoices, error) {
	c := &PublicChoices{Districts: []District{}, Languages: []string{}}
	err := s.DB.Read(ctx, func(tx *db.Tx) error {
		rows, err := tx.QueryContext(ctx, "SELECT CAST(id AS TEXT), name, code FROM districts WHERE tenant_id = $1 ORDER BY lower(name), id", tenantID)
		if err != nil {
			return err
		}
		for rows.Next() {
			var d District
			if err := rows.Scan(&d.ID, &d.Name, &d.Code); err != nil {
				rows.Close()
				return err
			}
			c.Districts = append(c.Districts, d)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		used := map[string]bool{}
		rows, err = tx.QueryContext(ctx, "SELECT o.languages FROM offers o WHERE o.tenant_id = $1 AND "+activeCond("$2"), tenantID, valid.Today(tx.Now))
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var langs string
			if err := rows.Scan(&langs); err != nil {
				return err
			}
			for _, l := range splitCodes(langs) {
				used[l] = true
			}
		}
		for _, l := range Languages {
			if used[l] {
				c.Languages = append(c.Languages, l)
			}
		}
		return rows.Err()
	})
	return c, err
}

// PublicFilter reads the filters of the public directory and API (domain, language, district,
// target): a value that is not one of the choices is a validation error on its parameter. The
// filter holds the known values.
func PublicFilter(v url.Values, districts []District) (Filter, error) {
	var e errs.Validation
	f := publicFilter(v, districts, &e)
	return f, e.Err()
}

func publicFilter(v url.Values, districts []District, e *errs.Validation) Filter {
	pick := func(name string, list []string) string {
		s := strings.TrimSpace(v.Get(name))
		if s != "" && !slices.Contains(list, s) {
			e.Add(name, "validation.choice")
			return ""
		}
		return s
	}
	f := Filter{Domain: pick("domain", LifeDomains), Language: pick("language", Languages), TargetGroup: pick("target", TargetGroups)}
	if s := strings.TrimSpace(v.Get("district")); s != "" {
		if f.DistrictID = findDistrict(districts, s); f.DistrictID == "" {
			e.Add("district", "validation.choice")
		}
	}
	return f
}

// findDistrict returns the id of the district that s names: its id, its name or its code
// (case does not matter; a code that several districts share names none).
func findDistrict(districts []District, s string) string {
	for _, d := range districts {
		if d.ID == s || strings.EqualFold(d.Name, s) {
			return d.ID
		}
	}
	found := ""
	for _, d := range districts {
		if d.Code != "" && strings.EqualFold(d.Code, s) {
			if found != "" {
				return ""
			}
			found = d.ID
		}
	}
	return found
}

// langParam reads ?lang= of the API, the language of titles and descriptions: one of the
// public languages (a validation error otherwise), German when not given.
func langParam(v url.Values, e *errs.Validation) string {
	lang := strings.TrimSpace(v.Get("lang"))
	switch {
	case lang == "":
		return "de"
	case !slices.Contains(i18n.Public, lang):
		e.Add("lang", "validation.choice")
		return "de"
	}
	return lang
}
