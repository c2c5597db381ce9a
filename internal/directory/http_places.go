package directory

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"kim/internal/platform/access"
	"kim/internal/platform/errs"
	"kim/internal/platform/web"
)

// --- locations ---

type locListData struct {
	Items         []Location
	Pager         web.Pager
	Organisations []web.Option
	Districts     []web.Option
	Languages     []web.Option
}

func languageOptions() []web.Option {
	out := make([]web.Option, len(Languages))
	for i, l := range Languages {
		out[i] = web.Option{Value: l, Label: "language.name." + l, Translate: true}
	}
	return out
}

func (h *HTTP) orgOptions(r *http.Request, actor access.Actor) ([]web.Option, error) {
	orgs, err := h.S.AllOrganisations(r.Context(), actor)
	out := make([]web.Option, len(orgs))
	for i, o := range orgs {
		out[i] = web.Option{Value: o.ID, Label: o.Name}
	}
	return out, err
}

// districtOptions returns the districts, and the quarters labelled "district – quarter".
func (h *HTTP) districtOptions(r *http.Request, actor access.Actor) (districts, quarters []web.Option, err error) {
	ds, err := h.S.AllDistricts(r.Context(), actor)
	for _, d := range ds {
		districts = append(districts, web.Option{Value: d.ID, Label: d.Name})
		for _, q := range d.Quarters {
			quarters = append(quarters, web.Option{Value: q.ID, Label: d.Name + " – " + q.Name})
		}
	}
	return districts, quarters, err
}

func locFilter(r *http.Request) LocationFilter {
	v := r.URL.Query()
	f := LocationFilter{OrganisationID: v.Get("organisation_id"), DistrictID: v.Get("district_id"), StepFree: v.Get("step_free") == "1"}
	if slices.Contains(Languages, v.Get("language")) {
		f.Language = v.Get("language")
	}
	return f
}

func (h *HTTP) locList(w http.ResponseWriter, r *http.Request) {
	actor, ok := h.manage(w, r, access.KindLocation)
	if !ok {
		return
	}
	q := web.ParseList(r, "name", "organisation", "district")
	items, total, err := h.S.ListLocations(r.Context(), actor, q, locFilter(r))
	if err != nil {
		h.R.Fail(w, r, err)
		return
	}
	orgs, err := h.orgOptions(r, actor)
	if err != nil {
		h.R.Fail(w, r, err)
		return
	}
	districts, _, err := h.districtOptions(r, actor)
	if err != nil {
		h.R.Fail(w, r, err)
		return
	}
	h.R.Render(w, r, http.StatusOK, "directory/locations", web.View{Title: "directory.loc.list_title", Form: web.NewForm(r.URL.Query()),
		Data: locListData{Items: items, Pager: web.NewPager(q, total, r), Organisations: orgs, Districts: districts, Languages: languageOptions()}})
}

type locFormData struct {
	Loc           *Location
	Organisations []web.Option
	Districts     []web.Option
	Quarters      []web.Option
	Languages     []web.Option
}

var locFields = web.Fields(
	"organisation_id", "directory.loc.organisation",
	"name", "directory.loc.name",
	"street", "directory.loc.street",
	"postcode", "directory.loc.postcode",
	"city", "directory.loc.city",
	"district_id", "directory.loc.district",
	"quarter_id", "directory.loc.quarter",
	"opening_hours", "directory.loc.opening_hours",
	"languages", "directory.loc.languages",
	"step_free", "directory.loc.step_free",
	"phone", "directory.phone",
	"email", "directory.email",
)

func (h *HTTP) locFormView(w http.ResponseWriter, r *http.Request, actor access.Actor, title string, titleArgs []any, loc *Location, values url.Values) (web.View, bool) {
	orgs, err := h.orgOptions(r, actor)
	if err != nil {
		h.R.Fail(w, r, err)
		return web.View{}, false
	}
	districts, quarters, err := h.districtOptions(r, actor)
	if err != nil {
		h.R.Fail(w, r, err)
		return web.View{}, false
	}
	f := web.NewForm(values)
	f.Fields = locFields
	return web.View{Title: title, TitleArgs: titleArgs, Form: f, Data: locFormData{Loc: loc, Organisations: orgs,
		Districts: districts, Quarters: quarters, Languages: languageOptions()}}, true
}

func (h *HTTP) locNew(w http.ResponseWriter, r *http.Request) {
	actor, ok := h.manage(w, r, access.KindLocation)
	if !ok {
		return
	}
	v := url.Values{"languages": {"de"}}
	if org := r.URL.Query().Get("organisation_id"); org != "" {
		v.Set("organisation_id", org)
	}
	if view, ok := h.locFormView(w, r, actor, "directory.loc.new_title", nil, nil, v); ok {
		h.R.Render(w, r, http.StatusOK, "directory/location_form", view)
	}
}

func locInput(r *http.Request) LocationInput {
	f := r.PostForm
	return LocationInput{OrganisationID: f.Get("organisation_id"), Name: f.Get("name"), Street: f.Get("street"),
		Postcode: f.Get("postcode"), City: f.Get("city"), DistrictID: f.Get("district_id"), QuarterID: f.Get("quarter_id"),
		OpeningHours: f.Get("opening_hours"), Languages: f["languages"], StepFree: checked(r, "step_free"),
		Phone: f.Get("phone"), Email: f.Get("email"), Version: web.Version(r)}
}

func (h *HTTP) locCreate(w http.ResponseWriter, r *http.Request) {
	actor, ok := h.manage(w, r, access.KindLocation)
	if !ok || !h.parse(w, r) {
		return
	}
	l, err := h.S.CreateLocation(r.Context(), actor, locInput(r))
	if err != nil {
		if view, ok := h.locFormView(w, r, actor, "directory.loc.new_title", nil, nil, r.PostForm); ok {
			h.R.FormFailed(w, r, err, "directory/location_form", view)
		}
		return
	}
	web.Redirect(w, r, "/verwaltung/standorte/"+l.ID, "directory.loc.created")
}

func locValues(l *Location) url.Values {
	return url.Values{"organisation_id": {l.OrganisationID}, "name": {l.Name}, "street": {l.Street}, "postcode": {l.Postcode},
		"city": {l.City}, "district_id": {l.DistrictID}, "quarter_id": {l.QuarterID}, "opening_hours": {l.OpeningHours},
		"languages": l.Languages, "step_free": {boolValue(l.StepFree)}, "phone": {l.Phone}, "email": {l.Email},
		"version": {strconv.Itoa(l.Version)}}
}

func (h *HTTP) locEdit(w http.ResponseWriter, r *http.Request) {
	actor, l, ok := load(h, w, r, access.KindLocation, h.S.GetLocation)
	if !ok {
		return
	}
	if view, ok := h.locFormView(w, r, actor, "directory.loc.edit_title", []any{"Name", l.Name}, l, locValues(l)); ok {
		h.R.Render(w, r, http.StatusOK, "directory/location_form", view)
	}
}

func (h *HTTP) locUpdate(w http.ResponseWriter, r *http.Request) {
	actor, ok := h.manage(w, r, access.KindLocation)
	if !ok || !h.parse(w, r) {
		return
	}
	l, err := h.S.UpdateLocation(r.Context(), actor, r.PathValue("id"), locInput(r))
	if err != nil {
		cur, gerr := h.S.GetLocation(r.Context(), actor, r.PathValue("id"))
		if gerr != nil {
			h.R.Fail(w, r, gerr)
			return
		}
		if view, ok := h.locFormView(w, r, actor, "directory.loc.edit_title", []any{"Name", cur.Name}, cur, r.PostForm); ok {
			h.R.FormFailed(w, r, err, "directory/location_form", view)
		}
		return
	}
	web.Redirect(w, r, "/verwaltung/standorte/"+l.ID, "form.saved")
}

// --- districts and quarters ---

type districtListData struct {
	Items []District
	Pager web.Pager
}

func (h *HTTP) districtList(w http.ResponseWriter, r *http.Request) {
	actor, ok := h.manage(w, r, access.KindDistrict)
	if !ok {
		return
	}
	q := web.ParseList(r, "name", "code")
	items, total, err := h.S.ListDistricts(r.Context(), actor, q)
	if err != nil {
		h.R.Fail(w, r, err)
		return
	}
	h.R.Render(w, r, http.StatusOK, "directory/districts", web.View{Title: "directory.district.list_title",
		Form: web.NewForm(r.URL.Query()), Data: districtListData{Items: items, Pager: web.NewPager(q, total, r)}})
}

func districtForm(v url.Values) *web.Form {
	f := web.NewForm(v)
	f.Fields = web.Fields("name", "directory.district.name", "code", "directory.district.code")
	return f
}

func (h *HTTP) districtNew(w http.ResponseWriter, r *http.Request) {
	if _, ok := h.manage(w, r, access.KindDistrict); !ok {
		return
	}
	h.R.Render(w, r, http.StatusOK, "directory/district_form", web.View{Title: "directory.district.new_title", Form: districtForm(nil)})
}

func districtInput(r *http.Request) DistrictInput {
	return DistrictInput{Name: r.PostForm.Get("name"), Code: r.PostForm.Get("code"), Version: web.Version(r)}
}

func (h *HTTP) districtCreate(w http.ResponseWriter, r *http.Request) {
	actor, ok := h.manage(w, r, access.KindDistrict)
	if !ok || !h.parse(w, r) {
		return
	}
	d, err := h.S.CreateDistrict(r.Context(), actor, districtInput(r))
	if err != nil {
		h.R.FormFailed(w, r, err, "directory/district_form", web.View{Title: "directory.district.new_title", Form: districtForm(r.PostForm)})
		return
	}
	web.Redirect(w, r, "/verwaltung/bezirke/"+d.ID, "directory.district.created")
}

type districtData struct {
	District   *District
	QuarterErr *web.Form
}

func (h *HTTP) renderDistrict(w http.ResponseWriter, r *http.Request, status int, d *District, f, qf *web.Form) {
	if qf == nil {
		qf = web.NewForm(nil)
	}
	h.R.Render(w, r, status, "directory/district", web.View{Title: "directory.district.edit_title", TitleArgs: []any{"Name", d.Name},
		Form: f, Data: districtData{District: d, QuarterErr: qf}})
}

func (h *HTTP) districtEdit(w http.ResponseWriter, r *http.Request) {
	_, d, ok := load(h, w, r, access.KindDistrict, h.S.GetDistrict)
	if !ok {
		return
	}
	h.renderDistrict(w, r, http.StatusOK, d, districtForm(url.Values{"name": {d.Name}, "code": {d.Code}, "version": {strconv.Itoa(d.Version)}}), nil)
}

func (h *HTTP) districtUpdate(w http.ResponseWriter, r *http.Request) {
	actor, ok := h.manage(w, r, access.KindDistrict)
	if !ok || !h.parse(w, r) {
		return
	}
	d, err := h.S.UpdateDistrict(r.Context(), actor, r.PathValue("id"), districtInput(r))
	if err != nil {
		cur, gerr := h.S.GetDistrict(r.Context(), actor, r.PathValue("id"))
		if gerr != nil {
			h.R.Fail(w, r, gerr)
			return
		}
		f := districtForm(r.PostForm).WithError(err)
		if len(f.Errors) == 0 {
			h.R.Fail(w, r, err)
			return
		}
		h.renderDistrict(w, r, http.StatusUnprocessableEntity, cur, f, nil)
		return
	}
	web.Redirect(w, r, "/verwaltung/bezirke/"+d.ID, "form.saved")
}

func (h *HTTP) quarterCreate(w http.ResponseWriter, r *http.Request) {
	actor, ok := h.manage(w, r, access.KindDistrict)
	if !ok || !h.parse(w, r) {
		return
	}
	id := r.PathValue("id")
	if _, err := h.S.AddQuarter(r.Context(), actor, id, QuarterInput{Name: r.PostForm.Get("quarter_name")}); err != nil {
		d, gerr := h.S.GetDistrict(r.Context(), actor, id)
		if gerr != nil {
			h.R.Fail(w, r, gerr)
			return
		}
		qf := web.NewForm(r.PostForm).WithError(err)
		if len(qf.Errors) == 0 {
			h.R.Fail(w, r, err)
			return
		}
		qf.Errors = map[string]errs.Message{"quarter_name": qf.Errors["name"]}
		h.renderDistrict(w, r, http.StatusUnprocessableEntity, d,
			districtForm(url.Values{"name": {d.Name}, "code": {d.Code}, "version": {strconv.Itoa(d.Version)}}), qf)
		return
	}
	web.Redirect(w, r, "/verwaltung/bezirke/"+id, "directory.quarter.created")
}

func (h *HTTP) quarterEdit(w http.ResponseWriter, r *http.Request) {
	_, q, ok := load(h, w, r, access.KindDistrict, h.S.GetQuarter)
	if !ok {
		return
	}
	f := web.NewForm(url.Values{"name": {q.Name}, "version": {strconv.Itoa(q.Version)}})
	h.R.Render(w, r, http.StatusOK, "directory/quarter_form", web.View{Title: "directory.quarter.edit_title", TitleArgs: []any{"Name", q.Name}, Form: f, Data: q})
}

func (h *HTTP) quarterUpdate(w http.ResponseWriter, r *http.Request) {
	actor, ok := h.manage(w, r, access.KindDistrict)
	if !ok || !h.parse(w, r) {
		return
	}
	q, err := h.S.RenameQuarter(r.Context(), actor, r.PathValue("id"), QuarterInput{Name: r.PostForm.Get("name"), Version: web.Version(r)})
	if err != nil {
		cur, gerr := h.S.GetQuarter(r.Context(), actor, r.PathValue("id"))
		if gerr != nil {
			h.R.Fail(w, r, gerr)
			return
		}
		h.R.FormFailed(w, r, err, "directory/quarter_form", web.View{Title: "directory.quarter.edit_title", TitleArgs: []any{"Name", cur.Name},
			Form: web.NewForm(r.PostForm), Data: cur})
		return
	}
	web.Redirect(w, r, "/verwaltung/bezirke/"+q.DistrictID, "form.saved")
}

func (h *HTTP) quarterDelete(w http.ResponseWriter, r *http.Request) {
	actor, ok := h.manage(w, r, access.KindDistrict)
	if !ok {
		return
	}
	q, err := h.S.GetQuarter(r.Context(), actor, r.PathValue("id"))
	if err == nil {
		err = h.S.DeleteQuarter(r.Context(), actor, q.ID)
	}
	if err != nil {
		h.R.Fail(w, r, err)
		return
	}
	web.Redirect(w, r, "/verwaltung/bezirke/"+q.DistrictID, "directory.quarter.deleted")
}
