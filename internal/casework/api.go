package casework

import (
	"errors"
	"net/http"
	"strings"

	"kim/internal/platform/access"
	"kim/internal/platform/web"
)

func (h *HTTP) apiRoutes(rt *web.Router) {
	rt.Handle("GET /api/v1/clients", web.Token, h.apiClientList)
	rt.Handle("POST /api/v1/clients", web.Token, h.apiClientCreate)
	rt.Handle("GET /api/v1/clients/{id}", web.Token, h.apiClientGet)
	rt.Handle("PATCH /api/v1/clients/{id}", web.Token, h.apiClientPatch)
	rt.Handle("GET /api/v1/clients/{id}/consents", web.Token, h.apiConsentList)
	rt.Handle("POST /api/v1/clients/{id}/consents", web.Token, h.apiConsentCreate)
	rt.Handle("POST /api/v1/consents/{id}/revoke", web.Token, h.apiConsentRevoke)

	rt.Handle("GET /api/v1/cases", web.Token, h.apiCaseList)
	rt.Handle("POST /api/v1/cases", web.Token, h.apiCaseCreate)
	rt.Handle("GET /api/v1/cases/{id}", web.Token, h.apiCaseGet)
	rt.Handle("POST /api/v1/cases/{id}/status", web.Token, h.apiCaseMove)
	rt.Handle("POST /api/v1/cases/{id}/contacts", web.Token, h.apiContactCreate)
	rt.Handle("POST /api/v1/cases/{id}/referrals", web.Token, h.apiReferralCreate)
}

// respond writes v as JSON with status, or the error.
func (h *HTTP) respond(w http.ResponseWriter, r *http.Request, status int, v any, err error) {
	var dup *DuplicateError
	if errors.As(err, &dup) {
		err = dup.Err()
	}
	if err != nil {
		h.R.Fail(w, r, err)
		return
	}
	web.JSON(w, status, v)
}

// decode checks that the role may do a on k at all (403 before reading the body) and reads
// the JSON body into v.
func (h *HTTP) decode(w http.ResponseWriter, r *http.Request, k access.Kind, a access.Action, v any) (access.Actor, bool) {
	actor := web.ActorFrom(r.Context())
	if err := access.Check(actor, k, a); err != nil {
		h.R.Fail(w, r, err)
		return actor, false
	}
	if err := web.DecodeJSON(r, v); err != nil {
		h.R.Fail(w, r, err)
		return actor, false
	}
	return actor, true
}

// apiPurpose reads the purpose of an access to a case that is not the caller's own: the
// header KIM-Purpose (URL-encoded text is not expected; plain UTF-8 only).
func apiPurpose(r *http.Request) string { return strings.TrimSpace(r.Header.Get("KIM-Purpose")) }

func (h *HTTP) apiClientList(w http.ResponseWriter, r *http.Request) {
	q := web.ParseList(r, "name", "birth", "created")
	items, total, err := h.S.ListClients(r.Context(), web.ActorFrom(r.Context()), q)
	h.respond(w, r, http.StatusOK, web.NewListResponse(items, total, q), err)
}

func (h *HTTP) apiClientCreate(w http.ResponseWriter, r *http.Request) {
	var in ClientInput
	actor, ok := h.decode(w, r, KindClient, access.Create, &in)
	if !ok {
		return
	}
	res, err := h.S.CreateClient(r.Context(), actor, in)
	if err != nil {
		h.respond(w, r, 0, nil, err)
		return
	}
	type out struct {
		*Client
		KnownElsewhere bool `json:"known_elsewhere"`
	}
	h.respond(w, r, http.StatusCreated, out{res.Client, res.KnownElsewhere}, nil)
}

func (h *HTTP) apiClientGet(w http.ResponseWriter, r *http.Request) {
	c, err := h.S.GetClient(r.Context(), web.ActorFrom(r.Context()), r.PathValue("id"))
	h.respond(w, r, http.StatusOK, c, err)
}

func (h *HTTP) apiClientPatch(w http.ResponseWriter, r *http.Request) {
	actor := web.ActorFrom(r.Context())
	if err := access.Check(actor, KindClient, access.Update); err != nil {
		h.R.Fail(w, r, err)
		return
	}
	cur, err := h.S.GetClient(r.Context(), actor, r.PathValue("id"))
	if err != nil {
		h.R.Fail(w, r, err)
		return
	}
	in := cur.Input()
	if err := web.DecodeJSON(r, &in); err != nil {
		h.R.Fail(w, r, err)
		return
	}
	c, err := h.S.UpdateClient(r.Context(), actor, cur.ID, in)
	h.respond(w, r, http.StatusOK, c, err)
}

func (h *HTTP) apiConsentList(w http.ResponseWriter, r *http.Request) {
	ks, err := h.S.Consents(r.Context(), web.ActorFrom(r.Context()), r.PathValue("id"))
	h.respond(w, r, http.StatusOK, map[string]any{"items": nonNil(ks)}, err)
}

func (h *HTTP) apiConsentCreate(w http.ResponseWriter, r *http.Request) {
	var in ConsentInput
	actor, ok := h.decode(w, r, KindConsent, access.Create, &in)
	if !ok {
		return
	}
	k, err := h.S.CreateConsent(r.Context(), actor, r.PathValue("id"), in)
	h.respond(w, r, http.StatusCreated, k, err)
}

func (h *HTTP) apiConsentRevoke(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Channel string `json:"revocation_channel"`
	}
	actor, ok := h.decode(w, r, KindConsent, access.Update, &in)
	if !ok {
		return
	}
	k, err := h.S.RevokeConsent(r.Context(), actor, r.PathValue("id"), in.Channel)
	h.respond(w, r, http.StatusOK, k, err)
}

// caseFilter reads the filters of a case list from the URL.
func caseFilter(r *http.Request) CaseFilter {
	v := r.URL.Query()
	f := CaseFilter{Mine: v.Get("mine") == "1" || v.Get("mine") == "true", Manager: v.Get("case_manager_id"), ClientID: v.Get("client_id")}
	for _, s := range v["status"] {
		if s == "all" {
			f.Statuses = Statuses
			break
		}
		f.Statuses = append(f.Statuses, s)
	}
	return f
}

func (h *HTTP) apiCaseList(w http.ResponseWriter, r *http.Request) {
	q := web.ParseList(r, "updated", "number", "client", "status", "requested", "review")
	items, total, err := h.S.ListCases(r.Context(), web.ActorFrom(r.Context()), q, caseFilter(r))
	h.respond(w, r, http.StatusOK, web.NewListResponse(items, total, q), err)
}

func (h *HTTP) apiCaseCreate(w http.ResponseWriter, r *http.Request) {
	var in CaseInput
	actor, ok := h.decode(w, r, KindCase, access.Create, &in)
	if !ok {
		return
	}
	c, err := h.S.CreateCase(r.Context(), actor, in)
	h.respond(w, r, http.StatusCreated, c, err)
}

func (h *HTTP) apiCaseGet(w http.ResponseWriter, r *http.Request) {
	c, err := h.S.GetCase(r.Context(), web.ActorFrom(r.Context()), r.PathValue("id"), apiPurpose(r))
	h.respond(w, r, http.StatusOK, c, err)
}

func (h *HTTP) apiCaseMove(w http.ResponseWriter, r *http.Request) {
	var in MoveInput
	actor, ok := h.decode(w, r, KindCase, access.Update, &in)
	if !ok {
		return
	}
	c, err := h.S.MoveCase(r.Context(), actor, r.PathValue("id"), in, apiPurpose(r))
	h.respond(w, r, http.StatusOK, c, err)
}

func (h *HTTP) apiContactCreate(w http.ResponseWriter, r *http.Request) {
	var in ContactInput
	actor, ok := h.decode(w, r, KindCase, access.Update, &in)
	if !ok {
		return
	}
	k, err := h.S.AddContact(r.Context(), actor, r.PathValue("id"), in, apiPurpose(r))
	h.respond(w, r, http.StatusCreated, k, err)
}

func (h *HTTP) apiReferralCreate(w http.ResponseWriter, r *http.Request) {
	var in ReferralInput
	actor, ok := h.decode(w, r, KindCase, access.Update, &in)
	if !ok {
		return
	}
	ref, err := h.S.AddReferral(r.Context(), actor, r.PathValue("id"), in, apiPurpose(r))
	h.respond(w, r, http.StatusCreated, ref, err)
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
