package directory

import (
	"net/http"

	"kim/internal/platform/access"
	"kim/internal/platform/web"
)

func (h *HTTP) apiRoutes(rt *web.Router) {
	rt.Handle("GET /api/v1/organisations", web.Token, h.apiOrgList)
	rt.Handle("POST /api/v1/organisations", web.Token, h.apiOrgCreate)
	rt.Handle("GET /api/v1/organisations/{id}", web.Token, h.apiOrgGet)
	rt.Handle("PATCH /api/v1/organisations/{id}", web.Token, h.apiOrgPatch)
	rt.Handle("DELETE /api/v1/organisations/{id}", web.Token, h.apiOrgDelete)

	rt.Handle("GET /api/v1/locations", web.Token, h.apiLocList)
	rt.Handle("POST /api/v1/locations", web.Token, h.apiLocCreate)
	rt.Handle("GET /api/v1/locations/{id}", web.Token, h.apiLocGet)
	rt.Handle("PATCH /api/v1/locations/{id}", web.Token, h.apiLocPatch)
	rt.Handle("DELETE /api/v1/locations/{id}", web.Token, h.apiLocDelete)

	rt.Handle("GET /api/v1/districts", web.Token, h.apiDistrictList)
	rt.Handle("POST /api/v1/districts", web.Token, h.apiDistrictCreate)
	rt.Handle("GET /api/v1/districts/{id}", web.Token, h.apiDistrictGet)
	rt.Handle("PATCH /api/v1/districts/{id}", web.Token, h.apiDistrictPatch)
	rt.Handle("DELETE /api/v1/districts/{id}", web.Token, h.apiDistrictDelete)
	rt.Handle("POST /api/v1/districts/{id}/quarters", web.Token, h.apiQuarterCreate)
	rt.Handle("PATCH /api/v1/quarters/{id}", web.Token, h.apiQuarterPatch)
	rt.Handle("DELETE /api/v1/quarters/{id}", web.Token, h.apiQuarterDelete)

	rt.Handle("GET /api/v1/tenants", web.Token, h.apiTenantList)
	rt.Handle("POST /api/v1/tenants", web.Token, h.apiTenantCreate)
	rt.Handle("GET /api/v1/tenants/{id}", web.Token, h.apiTenantGet)
	rt.Handle("PATCH /api/v1/tenants/{id}", web.Token, h.apiTenantPatch)
}

// respond writes v as JSON with status, or the error.
func (h *HTTP) respond(w http.ResponseWriter, r *http.Request, status int, v any, err error) {
	if err != nil {
		h.R.Fail(w, r, err)
		return
	}
	if status == http.StatusNoContent {
		w.WriteHeader(status)
		return
	}
	web.JSON(w, status, v)
}

// --- organisations ---

func (h *HTTP) apiOrgList(w http.ResponseWriter, r *http.Request) {
	q := web.ParseList(r, "name", "type", "updated")
	items, total, err := h.S.ListOrganisations(r.Context(), web.ActorFrom(r.Context()), q, orgFilter(r))
	h.respond(w, r, http.StatusOK, web.NewListResponse(items, total, q), err)
}

func (h *HTTP) apiOrgCreate(w http.ResponseWriter, r *http.Request) {
	actor := web.ActorFrom(r.Context())
	if err := access.Check(actor, access.KindOrganisation, access.Create); err != nil {
		h.R.Fail(w, r, err)
		return
	}
	var in OrganisationInput
	if err := web.DecodeJSON(r, &in); err != nil {
		h.R.Fail(w, r, err)
		return
	}
	o, err := h.S.CreateOrganisation(r.Context(), actor, in)
	h.respond(w, r, http.StatusCreated, o, err)
}

func (h *HTTP) apiOrgGet(w http.ResponseWriter, r *http.Request) {
	o, err := h.S.GetOrganisation(r.Context(), web.ActorFrom(r.Context()), r.PathValue("id"))
	h.respond(w, r, http.StatusOK, o, err)
}

func (h *HTTP) apiOrgPatch(w http.ResponseWriter, r *http.Request) {
	actor := web.ActorFrom(r.Context())
	if err := access.Check(actor, access.KindOrganisation, access.Update); err != nil {
		h.R.Fail(w, r, err)
		return
	}
	cur, err := h.S.GetOrganisation(r.Context(), actor, r.PathValue("id"))
	if err != nil {
		h.R.Fail(w, r, err)
		return
	}
	// Fields absent from the body keep their current values.
	in := OrganisationInput{Name: cur.Name, ShortName: cur.ShortName, Type: cur.Type, Regime: cur.Regime,
		KIMCarrier: cur.KIMCarrier, Email: cur.Email, Phone: cur.Phone, Website: cur.Website, Version: cur.Version}
	if err := web.DecodeJSON(r, &in); err != nil {
		h.R.Fail(w, r, err)
		return
	}
	o, err := h.S.UpdateOrganisation(r.Context(), actor, cur.ID, in)
	h.respond(w, r, http.StatusOK, o, err)
}

func (h *HTTP) apiOrgDelete(w http.ResponseWriter, r *http.Request) {
	h.respond(w, r, http.StatusNoContent, nil, h.S.DeleteOrganisation(r.Context(), web.ActorFrom(r.Context()), r.PathValue("id")))
}

// --- locations ---

func (h *HTTP) apiLocList(w http.ResponseWriter, r *http.Request) {
	q := web.ParseList(r, "name", "organisation", "district")
	items, total, err := h.S.ListLocations(r.Context(), web.ActorFrom(r.Context()), q, locFilter(r))
	h.respond(w, r, http.StatusOK, web.NewListResponse(items, total, q), err)
}

func (h *HTTP) apiLocCreate(w http.ResponseWriter, r *http.Request) {
	actor := web.ActorFrom(r.Context())
	if err := access.Check(actor, access.KindLocation, access.Create); err != nil {
		h.R.Fail(w, r, err)
		return
	}
	var in LocationInput
	if err := web.DecodeJSON(r, &in); err != nil {
		h.R.Fail(w, r, err)
		return
	}
	l, err := h.S.CreateLocation(r.Context(), actor, in)
	h.respond(w, r, http.StatusCreated, l, err)
}

func (h *HTTP) apiLocGet(w http.ResponseWriter, r *http.Request) {
	l, err := h.S.GetLocation(r.Context(), web.ActorFrom(r.Context()), r.PathValue("id"))
	h.respond(w, r, http.StatusOK, l, err)
}

func (h *HTTP) apiLocPatch(w http.ResponseWriter, r *http.Request) {
	actor := web.ActorFrom(r.Context())
	if err := access.Check(actor, access.KindLocation, access.Update); err != nil {
		h.R.Fail(w, r, err)
		return
	}
	cur, err := h.S.GetLocation(r.Context(), actor, r.PathValue("id"))
	if err != nil {
		h.R.Fail(w, r, err)
		return
	}
	in := LocationInput{OrganisationID: cur.OrganisationID, Name: cur.Name, Street: cur.Street, Postcode: cur.Postcode,
		City: cur.City, DistrictID: cur.DistrictID, QuarterID: cur.QuarterID, OpeningHours: cur.OpeningHours,
		Languages: cur.Languages, StepFree: cur.StepFree, Phone: cur.Phone, Email: cur.Email, Version: cur.Version}
	if err := web.DecodeJSON(r, &in); err != nil {
		h.R.Fail(w, r, err)
		return
	}
	l, err := h.S.UpdateLocation(r.Context(), actor, cur.ID, in)
	h.respond(w, r, http.StatusOK, l, err)
}

func (h *HTTP) apiLocDelete(w http.ResponseWriter, r *http.Request) {
	h.respond(w, r, http.StatusNoContent, nil, h.S.DeleteLocation(r.Context(), web.ActorFrom(r.Context()), r.PathValue("id")))
}

// --- districts and quarters ---

func (h *HTTP) apiDistrictList(w http.ResponseWriter, r *http.Request) {
	q := web.ParseList(r, "name", "code")
	items, total, err := h.S.ListDistricts(r.Context(), web.ActorFrom(r.Context()), q)
	h.respond(w, r, http.StatusOK, web.NewListResponse(items, total, q), err)
}

func (h *HTTP) apiDistrictCreate(w http.ResponseWriter, r *http.Request) {
	actor := web.ActorFrom(r.Context())
	if err := access.Check(actor, access.KindDistrict, access.Create); err != nil {
		h.R.Fail(w, r, err)
		return
	}
	var in DistrictInput
	if err := web.DecodeJSON(r, &in); err != nil {
		h.R.Fail(w, r, err)
		return
	}
	d, err := h.S.CreateDistrict(r.Context(), actor, in)
	h.respond(w, r, http.StatusCreated, d, err)
}

func (h *HTTP) apiDistrictGet(w http.ResponseWriter, r *http.Request) {
	d, err := h.S.GetDistrict(r.Context(), web.ActorFrom(r.Context()), r.PathValue("id"))
	h.respond(w, r, http.StatusOK, d, err)
}

func (h *HTTP) apiDistrictPatch(w http.ResponseWriter, r *http.Request) {
	actor := web.ActorFrom(r.Context())
	if err := access.Check(actor, access.KindDistrict, access.Update); err != nil {
		h.R.Fail(w, r, err)
		return
	}
	cur, err := h.S.GetDistrict(r.Context(), actor, r.PathValue("id"))
	if err != nil {
		h.R.Fail(w, r, err)
		return
	}
	in := DistrictInput{Name: cur.Name, Code: cur.Code, Version: cur.Version}
	if err := web.DecodeJSON(r, &in); err != nil {
		h.R.Fail(w, r, err)
		return
	}
	d, err := h.S.UpdateDistrict(r.Context(), actor, cur.ID, in)
	h.respond(w, r, http.StatusOK, d, err)
}

func (h *HTTP) apiDistrictDelete(w http.ResponseWriter, r *http.Request) {
	h.respond(w, r, http.StatusNoContent, nil, h.S.DeleteDistrict(r.Context(), web.ActorFrom(r.Context()), r.PathValue("id")))
}

func (h *HTTP) apiQuarterCreate(w http.ResponseWriter, r *http.Request) {
	actor := web.ActorFrom(r.Context())
	if err := access.Check(actor, access.KindDistrict, access.Update); err != nil {
		h.R.Fail(w, r, err)
		return
	}
	var in QuarterInput
	if err := web.DecodeJSON(r, &in); err != nil {
		h.R.Fail(w, r, err)
		return
	}
	q, err := h.S.AddQuarter(r.Context(), actor, r.PathValue("id"), in)
	h.respond(w, r, http.StatusCreated, q, err)
}

func (h *HTTP) apiQuarterPatch(w http.ResponseWriter, r *http.Request) {
	actor := web.ActorFrom(r.Context())
	if err := access.Check(actor, access.KindDistrict, access.Update); err != nil {
		h.R.Fail(w, r, err)
		return
	}
	cur, err := h.S.GetQuarter(r.Context(), actor, r.PathValue("id"))
	if err != nil {
		h.R.Fail(w, r, err)
		return
	}
	in := QuarterInput{Name: cur.Name, Version: cur.Version}
	if err := web.DecodeJSON(r, &in); err != nil {
		h.R.Fail(w, r, err)
		return
	}
	q, err := h.S.RenameQuarter(r.Context(), actor, cur.ID, in)
	h.respond(w, r, http.StatusOK, q, err)
}

func (h *HTTP) apiQuarterDelete(w http.ResponseWriter, r *http.Request) {
	h.respond(w, r, http.StatusNoContent, nil, h.S.DeleteQuarter(r.Context(), web.ActorFrom(r.Context()), r.PathValue("id")))
}

// --- tenants ---

func (h *HTTP) apiTenantList(w http.ResponseWriter, r *http.Request) {
	q := web.ParseList(r, "name", "slug", "created")
	items, total, err := h.S.ListTenants(r.Context(), web.ActorFrom(r.Context()), q)
	h.respond(w, r, http.StatusOK, web.NewListResponse(items, total, q), err)
}

func (h *HTTP) apiTenantCreate(w http.ResponseWriter, r *http.Request) {
	actor := web.ActorFrom(r.Context())
	if err := access.Check(actor, access.KindTenant, access.Create); err != nil {
		h.R.Fail(w, r, err)
		return
	}
	var in TenantInput
	if err := web.DecodeJSON(r, &in); err != nil {
		h.R.Fail(w, r, err)
		return
	}
	t, _, err := h.S.CreateTenant(r.Context(), actor, in)
	h.respond(w, r, http.StatusCreated, t, err)
}

func (h *HTTP) apiTenantGet(w http.ResponseWriter, r *http.Request) {
	t, err := h.S.GetTenant(r.Context(), web.ActorFrom(r.Context()), r.PathValue("id"))
	h.respond(w, r, http.StatusOK, t, err)
}

func (h *HTTP) apiTenantPatch(w http.ResponseWriter, r *http.Request) {
	actor := web.ActorFrom(r.Context())
	cur, err := h.S.GetTenant(r.Context(), actor, r.PathValue("id"))
	if err != nil {
		h.R.Fail(w, r, err)
		return
	}
	in := TenantInput{Name: cur.Name, Disabled: cur.DisabledAt != nil, Version: cur.Version}
	if err := web.DecodeJSON(r, &in); err != nil {
		h.R.Fail(w, r, err)
		return
	}
	t, err := h.S.UpdateTenant(r.Context(), actor, cur.ID, in)
	h.respond(w, r, http.StatusOK, t, err)
}
