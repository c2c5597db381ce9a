package accounts

import (
	"net/http"

	"kim/internal/platform/access"
	"kim/internal/platform/web"
)

// MeResponse is the answer of GET /api/v1/me.
type MeResponse struct {
	ID             string      `json:"id"`
	Email          string      `json:"email"`
	Name           string      `json:"name"`
	Role           access.Role `json:"role"`
	OrganisationID string      `json:"organisation_id"`
	Tenant         string      `json:"tenant"`
	Language       string      `json:"language"`
}

func (h *HTTP) apiMe(w http.ResponseWriter, r *http.Request) {
	a := web.ActorFrom(r.Context())
	u, err := h.S.Me(r.Context(), a)
	if err != nil {
		h.R.Fail(w, r, err)
		return
	}
	web.JSON(w, http.StatusOK, MeResponse{ID: u.ID, Email: u.Email, Name: u.Name, Role: u.Role, OrganisationID: u.OrganisationID,
		Tenant: a.TenantSlug, Language: u.Language})
}

func (h *HTTP) apiUserList(w http.ResponseWriter, r *http.Request) {
	q := web.ParseList(r, "name", "email", "role", "organisation", "login")
	items, total, err := h.S.ListUsers(r.Context(), web.ActorFrom(r.Context()), q, userFilter(r))
	if err != nil {
		h.R.Fail(w, r, err)
		return
	}
	web.JSON(w, http.StatusOK, web.NewListResponse(items, total, q))
}

// ActivationResponse is the answer of POST /api/v1/users: the account and its one-time
// activation code.
type ActivationResponse struct {
	User           *User  `json:"user"`
	ActivationCode string `json:"activation_code"`
	ExpiresAt      string `json:"activation_expires_at"`
}

func (h *HTTP) apiUserCreate(w http.ResponseWriter, r *http.Request) {
	actor := web.ActorFrom(r.Context())
	if err := access.Check(actor, access.KindUser, access.Create); err != nil {
		h.R.Fail(w, r, err)
		return
	}
	var in UserInput
	if err := web.DecodeJSON(r, &in); err != nil {
		h.R.Fail(w, r, err)
		return
	}
	a, err := h.S.CreateUser(r.Context(), actor, in)
	if err != nil {
		h.R.Fail(w, r, err)
		return
	}
	web.JSON(w, http.StatusCreated, ActivationResponse{User: a.User, ActivationCode: a.Code, ExpiresAt: a.Expires.UTC().Format("2006-01-02T15:04:05Z")})
}

func (h *HTTP) apiUserGet(w http.ResponseWriter, r *http.Request) {
	u, err := h.S.GetUser(r.Context(), web.ActorFrom(r.Context()), r.PathValue("id"))
	if err != nil {
		h.R.Fail(w, r, err)
		return
	}
	web.JSON(w, http.StatusOK, u)
}

func (h *HTTP) apiUserPatch(w http.ResponseWriter, r *http.Request) {
	actor := web.ActorFrom(r.Context())
	if err := access.Check(actor, access.KindUser, access.Update); err != nil {
		h.R.Fail(w, r, err)
		return
	}
	cur, err := h.S.GetUser(r.Context(), actor, r.PathValue("id"))
	if err != nil {
		h.R.Fail(w, r, err)
		return
	}
	in := UserInput{Name: cur.Name, Email: cur.Email, Role: cur.Role, OrganisationID: cur.OrganisationID, Language: cur.Language,
		Disabled: cur.Disabled, Version: cur.Version}
	if err := web.DecodeJSON(r, &in); err != nil {
		h.R.Fail(w, r, err)
		return
	}
	u, err := h.S.UpdateUser(r.Context(), actor, cur.ID, in)
	if err != nil {
		h.R.Fail(w, r, err)
		return
	}
	web.JSON(w, http.StatusOK, u)
}
