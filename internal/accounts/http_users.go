package accounts

import (
	"context"
	"net/http"
	"net/url"
	"strconv"

	"kim/internal/platform/access"
	"kim/internal/platform/web"
)

func (h *HTTP) manage(w http.ResponseWriter, r *http.Request) (access.Actor, bool) {
	actor := web.ActorFrom(r.Context())
	if err := access.Check(actor, access.KindUser, access.Manage); err != nil {
		h.R.Fail(w, r, err)
		return actor, false
	}
	return actor, true
}

func roleOptions(actor access.Actor) []web.Option {
	var out []web.Option
	for _, role := range access.Roles {
		if access.Assignable(actor.Role, role) {
			out = append(out, web.Option{Value: string(role), Label: "role." + string(role), Translate: true})
		}
	}
	return out
}

func statusOptions() []web.Option {
	return []web.Option{{Value: "active", Label: "accounts.user.status_active", Translate: true},
		{Value: "pending", Label: "accounts.user.status_pending", Translate: true},
		{Value: "disabled", Label: "accounts.user.status_disabled", Translate: true}}
}

func userFilter(r *http.Request) UserFilter {
	v := r.URL.Query()
	f := UserFilter{OrganisationID: v.Get("organisation_id")}
	if role := access.Role(v.Get("role")); role.Valid() {
		f.Role = role
	}
	switch s := v.Get("status"); s {
	case "active", "disabled", "pending":
		f.Status = s
	}
	return f
}

type userListData struct {
	Items         []UserRow
	Pager         web.Pager
	Roles         []web.Option
	Organisations []web.Option
	Statuses      []web.Option
}

func (h *HTTP) userList(w http.ResponseWriter, r *http.Request) {
	actor, ok := h.manage(w, r)
	if !ok {
		return
	}
	q := web.ParseList(r, "name", "email", "role", "organisation", "login")
	items, total, err := h.S.ListUsers(r.Context(), actor, q, userFilter(r))
	if err != nil {
		h.R.Fail(w, r, err)
		return
	}
	orgs, err := h.Organisations(r.Context(), actor)
	if err != nil {
		h.R.Fail(w, r, err)
		return
	}
	h.R.Render(w, r, http.StatusOK, "accounts/users", web.View{Title: "accounts.user.list_title", Form: web.NewForm(r.URL.Query()),
		Data: userListData{Items: items, Pager: web.NewPager(q, total, r), Roles: roleOptions(actor), Organisations: orgs, Statuses: statusOptions()}})
}

func (h *HTTP) userExport(w http.ResponseWriter, r *http.Request) {
	actor, ok := h.manage(w, r)
	if !ok {
		return
	}
	q := web.ParseList(r, "name", "email", "role", "organisation", "login")
	q.Page, q.Size = 1, 100000
	items, err := h.S.ExportUsers(r.Context(), actor, q, userFilter(r))
	if err != nil {
		h.R.Fail(w, r, err)
		return
	}
	l := h.R.Localizer(r)
	rows := make([][]string, len(items))
	for i, u := range items {
		last := ""
		if u.LastLoginAt != nil {
			last = u.LastLoginAt.In(web.Berlin).Format("02.01.2006 15:04")
		}
		rows[i] = []string{u.Name, u.Email, l.T("role." + string(u.Role)), u.OrganisationName, l.T(statusLabel(&u.User)),
			l.T(yesNo(u.MFAEnabled)), last}
	}
	web.CSV(w, "benutzer.csv", []string{l.T("accounts.user.name"), l.T("accounts.user.email"), l.T("accounts.user.role"),
		l.T("accounts.user.organisation"), l.T("accounts.user.status"), l.T("accounts.user.mfa"), l.T("accounts.user.last_login")}, rows)
}

func statusLabel(u *User) string {
	switch {
	case u.Disabled:
		return "accounts.user.status_disabled"
	case !u.HasPassword:
		return "accounts.user.status_pending"
	}
	return "accounts.user.status_active"
}

func yesNo(b bool) string {
	if b {
		return "form.yes"
	}
	return "form.no"
}

type userFormData struct {
	User          *User
	Roles         []web.Option
	Organisations []web.Option
	Languages     []web.Option
	Self          bool
}

var userFields = web.Fields(
	"name", "accounts.user.name",
	"email", "accounts.user.email",
	"role", "accounts.user.role",
	"organisation_id", "accounts.user.organisation",
	"language", "accounts.user.language",
	"disabled", "accounts.user.disable",
)

func (h *HTTP) userFormView(w http.ResponseWriter, r *http.Request, actor access.Actor, u *User, values url.Values) (web.View, bool) {
	orgs, err := h.Organisations(r.Context(), actor)
	if err != nil {
		h.R.Fail(w, r, err)
		return web.View{}, false
	}
	f := web.NewForm(values)
	f.Fields = userFields
	v := web.View{Title: "accounts.user.new_title", Form: f, Data: userFormData{User: u, Roles: roleOptions(actor),
		Organisations: orgs, Languages: staffLanguages(), Self: u != nil && u.ID == actor.UserID}}
	if u != nil {
		v.Title, v.TitleArgs = "accounts.user.edit_title", []any{"Name", u.Name}
	}
	return v, true
}

func (h *HTTP) userNew(w http.ResponseWriter, r *http.Request) {
	actor, ok := h.manage(w, r)
	if !ok {
		return
	}
	if v, ok := h.userFormView(w, r, actor, nil, url.Values{"language": {"de"}}); ok {
		h.R.Render(w, r, http.StatusOK, "accounts/user_form", v)
	}
}

func userInput(r *http.Request) UserInput {
	f := r.PostForm
	disabled := f.Get("disabled") == "1" || f.Get("disabled") == "on"
	return UserInput{Name: f.Get("name"), Email: f.Get("email"), Role: access.Role(f.Get("role")), OrganisationID: f.Get("organisation_id"),
		Language: f.Get("language"), Disabled: disabled, Version: web.Version(r)}
}

func (h *HTTP) userCreate(w http.ResponseWriter, r *http.Request) {
	actor, ok := h.manage(w, r)
	if !ok || !h.parse(w, r) {
		return
	}
	a, err := h.S.CreateUser(r.Context(), actor, userInput(r))
	if err != nil {
		if v, ok := h.userFormView(w, r, actor, nil, r.PostForm); ok {
			h.R.FormFailed(w, r, err, "accounts/user_form", v)
		}
		return
	}
	h.R.Render(w, r, http.StatusOK, "accounts/activation", web.View{Title: "accounts.activation.title", Data: a})
}

func userValues(u *User) url.Values {
	disabled := ""
	if u.Disabled {
		disabled = "1"
	}
	return url.Values{"name": {u.Name}, "email": {u.Email}, "role": {string(u.Role)}, "organisation_id": {u.OrganisationID},
		"language": {u.Language}, "disabled": {disabled}, "version": {strconv.Itoa(u.Version)}}
}

// loadUser passes the administration guard and loads the account named by the path; it
// answers the request itself when either fails.
func (h *HTTP) loadUser(w http.ResponseWriter, r *http.Request) (access.Actor, *User, bool) {
	actor, ok := h.manage(w, r)
	if !ok {
		return actor, nil, false
	}
	u, err := h.S.GetUser(r.Context(), actor, r.PathValue("id"))
	if err != nil {
		h.R.Fail(w, r, err)
		return actor, nil, false
	}
	return actor, u, true
}

func (h *HTTP) userEdit(w http.ResponseWriter, r *http.Request) {
	actor, u, ok := h.loadUser(w, r)
	if !ok {
		return
	}
	if v, ok := h.userFormView(w, r, actor, u, userValues(u)); ok {
		h.R.Render(w, r, http.StatusOK, "accounts/user_form", v)
	}
}

func (h *HTTP) userUpdate(w http.ResponseWriter, r *http.Request) {
	actor, ok := h.manage(w, r)
	if !ok || !h.parse(w, r) {
		return
	}
	u, err := h.S.UpdateUser(r.Context(), actor, r.PathValue("id"), userInput(r))
	if err != nil {
		cur, gerr := h.S.GetUser(r.Context(), actor, r.PathValue("id"))
		if gerr != nil {
			h.R.Fail(w, r, gerr)
			return
		}
		if v, ok := h.userFormView(w, r, actor, cur, r.PostForm); ok {
			h.R.FormFailed(w, r, err, "accounts/user_form", v)
		}
		return
	}
	web.Redirect(w, r, "/verwaltung/benutzer/"+u.ID, "form.saved")
}

func (h *HTTP) userConfirm(w http.ResponseWriter, r *http.Request, title, question, consequence, button, action string) {
	_, u, ok := h.loadUser(w, r)
	if !ok {
		return
	}
	h.R.RenderConfirm(w, r, title, web.Confirm{Question: question, Name: u.Name, Consequence: consequence, Confirm: button,
		Action: "/verwaltung/benutzer/" + u.ID + "/" + action, Cancel: "/verwaltung/benutzer/" + u.ID})
}

func (h *HTTP) userConfirmActivation(w http.ResponseWriter, r *http.Request) {
	h.userConfirm(w, r, "accounts.user.reset_title", "accounts.user.reset_question", "accounts.user.reset_consequence",
		"accounts.user.reset_button", "aktivierung")
}

func (h *HTTP) userActivation(w http.ResponseWriter, r *http.Request) {
	actor, ok := h.manage(w, r)
	if !ok {
		return
	}
	a, err := h.S.IssueActivation(r.Context(), actor, r.PathValue("id"))
	if err != nil {
		h.R.Fail(w, r, err)
		return
	}
	h.R.Render(w, r, http.StatusOK, "accounts/activation", web.View{Title: "accounts.activation.title", Data: a})
}

func (h *HTTP) userConfirmMFAReset(w http.ResponseWriter, r *http.Request) {
	h.userConfirm(w, r, "accounts.user.mfa_reset_title", "accounts.user.mfa_reset_question", "accounts.user.mfa_reset_consequence",
		"accounts.user.mfa_reset_button", "zweiter-faktor")
}

// userAction runs an administrator's action on the account named by the path and returns to
// the account page with a message.
func (h *HTTP) userAction(act func(context.Context, access.Actor, string) error, flash string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		actor, ok := h.manage(w, r)
		if !ok {
			return
		}
		id := r.PathValue("id")
		if err := act(r.Context(), actor, id); err != nil {
			h.R.Fail(w, r, err)
			return
		}
		web.Redirect(w, r, "/verwaltung/benutzer/"+id, flash)
	}
}

func (h *HTTP) tenantAdminCreate(w http.ResponseWriter, r *http.Request) {
	actor := web.ActorFrom(r.Context())
	if err := access.Check(actor, access.KindTenant, access.Update); err != nil {
		h.R.Fail(w, r, err)
		return
	}
	if !h.parse(w, r) {
		return
	}
	a, err := h.S.CreateTenantAdmin(r.Context(), actor, r.PathValue("id"), r.PostForm.Get("name"), r.PostForm.Get("email"))
	if err != nil {
		f := web.NewForm(r.PostForm).WithError(err)
		if len(f.Errors) == 0 {
			h.R.Fail(w, r, err)
			return
		}
		h.TenantPage(w, r, http.StatusUnprocessableEntity, r.PathValue("id"), f)
		return
	}
	h.R.Render(w, r, http.StatusOK, "accounts/activation", web.View{Title: "accounts.activation.title", Data: a})
}
