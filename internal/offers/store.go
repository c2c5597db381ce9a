package offers

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

const offerCols = `o.id, o.tenant_id, o.organisation_id, g.name, o.title, o.description, o.life_domains, o.target_groups, o.languages,
	o.citywide, o.opening_hours, o.contact_name, o.contact_phone, o.contact_email, o.website, o.costs, o.costs_note, o.step_free,
	o.valid_from, o.valid_to, o.published, o.archived_at, o.created_at, o.updated_at, o.version`

const offerFrom = ` FROM offers o JOIN organisations g ON g.tenant_id = o.tenant_id AND g.id = o.organisation_id`

type scanner interface{ Scan(dest ...any) error }

func scanOffer(row scanner) (*Offer, error) {
	o := &Offer{Districts: []Ref{}, Locations: []Location{}, Texts: []Text{}, Lang: "de", DescriptionLang: "de"}
	var domains, groups, langs string
	var archived sql.NullTime
	err := row.Scan(&o.ID, &o.TenantID, &o.OrganisationID, &o.OrganisationName, &o.Title, &o.Description, &domains, &groups, &langs,
		&o.Citywide, &o.OpeningHours, &o.ContactName, &o.ContactPhone, &o.ContactEmail, &o.Website, &o.Costs, &o.CostsNote, &o.StepFree,
		&o.ValidFrom, &o.ValidTo, &o.Published, &archived, &o.CreatedAt, &o.UpdatedAt, &o.Version)
	if err != nil {
		return nil, err
	}
	o.LifeDomains, o.TargetGroups, o.Languages = splitCodes(domains), splitCodes(groups), splitCodes(langs)
	if archived.Valid {
		t := archived.Time
		o.ArchivedAt = &t
	}
	return o, nil
}

// queryOffers runs a SELECT of offers (offerCols and offerFrom are prepended to rest).
func queryOffers(ctx context.Context, tx *db.Tx, rest string, args ...any) ([]Offer, error) {
	rows, err := tx.QueryContext(ctx, "SELECT "+offerCols+offerFrom+" "+rest, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Offer
	for rows.Next() {
		o, err := scanOffer(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *o)
	}
	return out, rows.Err()
}

// getOffer loads one offer of the tenant with its districts, locations and translations.
func getOffer(ctx context.Context, tx *db.Tx, tenantID, id string) (*Offer, error) {
	if !ids.Valid(id) {
		return nil, errs.ErrNotFound
	}
	o, err := scanOffer(tx.QueryRowContext(ctx, "SELECT "+offerCols+offerFrom+" WHERE o.tenant_id = $1 AND o.id = $2", tenantID, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	list := []Offer{*o}
	if err := loadDetails(ctx, tx, tenantID, list, ""); err != nil {
		return nil, err
	}
	return &list[0], nil
}

// activeCond is the condition of an offer shown in the public directory on the day bound to
// placeholder ph (YYYY-MM-DD): published, not archived and within its validity.
func activeCond(ph string) string {
	return "o.published AND o.archived_at IS NULL AND (o.valid_from = '' OR o.valid_from <= " + ph + ") AND (o.valid_to = '' OR o.valid_to >= " + ph + ")"
}

// statusCond returns the condition of an offer in status; day adds the day (YYYY-MM-DD) as
// an argument and returns its placeholder (called only by the states that need it).
func statusCond(status string, day func() string) string {
	switch status {
	case "active":
		return activeCond(day())
	case "draft":
		return "o.archived_at IS NULL AND NOT o.published"
	case "upcoming":
		return "o.archived_at IS NULL AND o.published AND o.valid_from <> '' AND o.valid_from > " + day()
	case "expired":
		return "o.archived_at IS NULL AND o.published AND o.valid_to <> '' AND o.valid_to < " + day()
	case "archived":
		return "o.archived_at IS NOT NULL"
	}
	return "1=1"
}

// where collects the conditions and arguments of a query.
type where struct {
	conds []string
	args  []any
}

// add appends a condition whose ? placeholders all stand for v.
func (w *where) add(cond string, v any) {
	w.args = append(w.args, v)
	w.conds = append(w.conds, strings.ReplaceAll(cond, "?", "$"+strconv.Itoa(len(w.args))))
}

func (w *where) raw(cond string) { w.conds = append(w.conds, cond) }

// in appends "col IN (…)" for a non-empty list.
func (w *where) in(col string, list []string) {
	ph := db.Placeholders(len(w.args)+1, len(list))
	for _, v := range list {
		w.args = append(w.args, v)
	}
	w.conds = append(w.conds, col+" IN ("+ph+")")
}

func (w *where) sql() string { return strings.Join(w.conds, " AND ") }

// ph returns the placeholder of the next argument, after adding it.
func (w *where) ph(v any) string {
	w.args = append(w.args, v)
	return "$" + strconv.Itoa(len(w.args))
}

// Filter narrows a list of offers: the filters of the public directory and, for the staff
// list, organisation and status.
type Filter struct {
	Domain         string // life domain
	Language       string
	DistrictID     string // offers in this district or citywide
	TargetGroup    string
	OrganisationID string
	Status         string // one of Statuses; "" all
}

// search adds the free-text search on the tenant's offers: the offer's search text (title and
// description in every language, lower-cased in Go when saved) or the name of its
// organisation. The names are matched here in Go, not with SQL lower() (ASCII only on SQLite),
// so that case folds alike in every script on both engines and a renamed organisation is found
// by its new name at once.
func search(ctx context.Context, tx *db.Tx, tenantID, q string, w *where) error {
	if q == "" {
		return nil
	}
	needle := strings.ToLower(q)
	rows, err := tx.QueryContext(ctx, "SELECT CAST(id AS TEXT), name FROM organisations WHERE tenant_id = $1", tenantID)
	if err != nil {
		return err
	}
	defer rows.Close()
	var orgs []string
	for rows.Next() {
		var id, name string
		if err := rows.Scan(&id, &name); err != nil {
			return err
		}
		if strings.Contains(strings.ToLower(name), needle) {
			orgs = append(orgs, id)
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	cond := "o.search_text LIKE " + w.ph(db.Like(q)) + " ESCAPE '\\'"
	if len(orgs) > 0 {
		ph := db.Placeholders(len(w.args)+1, len(orgs))
		for _, id := range orgs {
			w.args = append(w.args, id)
		}
		cond = "(" + cond + " OR o.organisation_id IN (" + ph + "))"
	}
	w.raw(cond)
	return nil
}

// apply adds the filter's conditions (the values are checked by the caller; a malformed id
// matches nothing).
func (f Filter) apply(w *where, today string) {
	if f.Domain != "" {
		w.add("o.life_domains LIKE ?", "% "+f.Domain+" %")
	}
	if f.Language != "" {
		w.add("o.languages LIKE ?", "% "+f.Language+" %")
	}
	if f.TargetGroup != "" {
		w.add("o.target_groups LIKE ?", "% "+f.TargetGroup+" %")
	}
	if f.DistrictID != "" {
		if !ids.Valid(f.DistrictID) {
			w.raw("1=0")
		} else {
			w.add("(o.citywide OR EXISTS (SELECT 1 FROM offer_districts od WHERE od.tenant_id = o.tenant_id AND od.offer_id = o.id AND od.district_id = ?))", f.DistrictID)
		}
	}
	if f.OrganisationID != "" {
		if !ids.Valid(f.OrganisationID) {
			w.raw("1=0")
		} else {
			w.add("o.organisation_id = ?", f.OrganisationID)
		}
	}
	if f.Status != "" {
		w.raw(statusCond(f.Status, func() string { return w.ph(today) }))
	}
}

// listOffers returns a page of the offers that match w, and their number.
func listOffers(ctx context.Context, tx *db.Tx, w *where, q web.ListQuery, order string) ([]Offer, int, error) {
	var total int
	if err := tx.QueryRowContext(ctx, "SELECT count(*)"+offerFrom+" WHERE "+w.sql(), w.args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	args := append(append([]any{}, w.args...), q.Size, q.Offset())
	n := len(w.args)
	items, err := queryOffers(ctx, tx, "WHERE "+w.sql()+" ORDER BY "+order+" LIMIT $"+strconv.Itoa(n+1)+" OFFSET $"+strconv.Itoa(n+2), args...)
	return items, total, err
}

// sorts are the sort keys of the staff list and their columns.
var sorts = map[string]string{"title": "o.sort_title", "organisation": "lower(g.name)", "updated": "o.updated_at", "valid_to": "o.valid_to"}

// SortKeys are the sort keys of the staff list (the first is the default).
var SortKeys = []string{"title", "organisation", "updated", "valid_to"}

// loadDetails fills in the districts, locations and translations of the offers (of one
// tenant). With lang set, only the translation into lang is loaded.
func loadDetails(ctx context.Context, tx *db.Tx, tenantID string, list []Offer, lang string) error {
	if len(list) == 0 {
		return nil
	}
	idx := map[string]*Offer{}
	offerIDs := make([]string, len(list))
	for i := range list {
		idx[list[i].ID] = &list[i]
		offerIDs[i] = list[i].ID
	}
	// rowsOf runs q (whose WHERE clause is completed with the tenant and the offers) and calls
	// scan for each row with the offer the row belongs to.
	rowsOf := func(q, more string, extra []any, scan func(rows *sql.Rows, o *Offer) error) error {
		w := &where{}
		w.add("x.tenant_id = ?", tenantID)
		w.in("x.offer_id", offerIDs)
		for _, v := range extra {
			w.add(more, v)
		}
		rows, err := tx.QueryContext(ctx, strings.Replace(q, "{where}", w.sql(), 1), w.args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			o := &Offer{} // the row's offer id and its one detail
			if err := scan(rows, o); err != nil {
				return err
			}
			if t := idx[o.ID]; t != nil {
				t.Districts = append(t.Districts, o.Districts...)
				t.Locations = append(t.Locations, o.Locations...)
				t.Texts = append(t.Texts, o.Texts...)
			}
		}
		return rows.Err()
	}
	err := rowsOf(`SELECT CAST(x.offer_id AS TEXT), CAST(d.id AS TEXT), d.name FROM offer_districts x
		JOIN districts d ON d.tenant_id = x.tenant_id AND d.id = x.district_id WHERE {where} ORDER BY lower(d.name), d.id`, "", nil,
		func(rows *sql.Rows, o *Offer) error {
			var r Ref
			err := rows.Scan(&o.ID, &r.ID, &r.Name)
			o.Districts = []Ref{r}
			return err
		})
	if err != nil {
		return err
	}
	err = rowsOf(`SELECT CAST(x.offer_id AS TEXT), CAST(l.id AS TEXT), l.name, l.street, l.postcode, l.city, COALESCE(d.name, ''), l.step_free
		FROM offer_locations x JOIN locations l ON l.tenant_id = x.tenant_id AND l.id = x.location_id
		LEFT JOIN districts d ON d.tenant_id = l.tenant_id AND d.id = l.district_id WHERE {where} ORDER BY lower(l.name), l.id`, "", nil,
		func(rows *sql.Rows, o *Offer) error {
			var l Location
			err := rows.Scan(&o.ID, &l.ID, &l.Name, &l.Street, &l.Postcode, &l.City, &l.District, &l.StepFree)
			o.Locations = []Location{l}
			return err
		})
	if err != nil {
		return err
	}
	var extra []any
	if lang != "" {
		extra = []any{lang}
	}
	return rowsOf(`SELECT CAST(x.offer_id AS TEXT), x.lang, x.title, x.description FROM offer_texts x WHERE {where} ORDER BY x.lang`,
		"x.lang = ?", extra, func(rows *sql.Rows, o *Offer) error {
			var t Text
			err := rows.Scan(&o.ID, &t.Lang, &t.Title, &t.Description)
			o.Texts = []Text{t}
			return err
		})
}

// exists reports whether q returns a row.
func exists(ctx context.Context, tx *db.Tx, q string, args ...any) (bool, error) {
	var one int
	err := tx.QueryRowContext(ctx, q, args...).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}

// countIn returns how many of the given ids q (with its IN list at the end) finds.
func countIn(ctx context.Context, tx *db.Tx, q string, list []string, args ...any) (int, error) {
	if len(list) == 0 {
		return 0, nil
	}
	ph := db.Placeholders(len(args)+1, len(list))
	for _, v := range list {
		args = append(args, v)
	}
	var n int
	err := tx.QueryRowContext(ctx, q+" IN ("+ph+")", args...).Scan(&n)
	return n, err
}

// saveDetails replaces the districts, locations and translations of an offer.
func saveDetails(ctx context.Context, tx *db.Tx, tenantID, offerID string, in *Input) error {
	for _, table := range []string{"offer_districts", "offer_locations", "offer_texts"} {
		if _, err := tx.ExecContext(ctx, "DELETE FROM "+table+" WHERE tenant_id = $1 AND offer_id = $2", tenantID, offerID); err != nil {
			return err
		}
	}
	for _, id := range in.DistrictIDs {
		if _, err := tx.ExecContext(ctx, "INSERT INTO offer_districts (tenant_id, offer_id, district_id) VALUES ($1, $2, $3)", tenantID, offerID, id); err != nil {
			return err
		}
	}
	for _, id := range in.LocationIDs {
		if _, err := tx.ExecContext(ctx, "INSERT INTO offer_locations (tenant_id, offer_id, location_id) VALUES ($1, $2, $3)", tenantID, offerID, id); err != nil {
			return err
		}
	}
	for _, t := range in.Texts {
		if _, err := tx.ExecContext(ctx, "INSERT INTO offer_texts (tenant_id, offer_id, lang, title, description) VALUES ($1, $2, $3, $4, $5)",
			tenantID, offerID, t.Lang, t.Title, t.Description); err != nil {
			return err
		}
	}
	return nil
}

// scope returns the list condition for the actor and action, qualified for offers o.
func scope(actor access.Actor, a access.Action, w *where) {
	f := access.Scope(actor, KindOffer, a, "o", len(w.args)+1)
	w.conds = append(w.conds, f.SQL)
	w.args = append(w.args, f.Args...)
}
