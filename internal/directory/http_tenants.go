package directory

import (
	"context"
	"net/http"
	"net/url"
	"strconv"

	"kim/internal/platform/access"
	"kim/internal/platform/web"
)

// TenantAdmin is an administrator account shown on the tenant page of the platform
// administration.
type TenantAdmin struct {
	Name     string
	Email    string
	Active   bool
	Disabled bool
}

// TenantAdmins lists the tenant administrators of a tenant; the accounts room provides it.
type TenantAdmins func(ctx context.Context, actor access.Actor, tenantID string) ([]TenantAdmin, error)

type tenantListData struct {
	Items []Tenant
	Pager web.Pager
}

func (h *HTTP) tenantList(w http.ResponseWriter, r *http.Request) {
	actor, ok := h.manage(w, r, access.KindTenant)
	if !ok {
		return
	}
	q := web.ParseList(r, "name", "slug", "created")
	items, total, err := h.S.ListTenants(r.Context(), actor, q)
	if err != nil {
		h.R.Fail(w, r, err)
		return
	}
	h.R.Render(w, r, http.StatusOK, "directory/tenants", web.View{Title: "directory.tenant.list_title",
		Form: web.NewForm(r.URL.Query()), Data: tenantListData{Items: items, Pager: web.NewPager(q, total, r)}})
}

func tenantForm(v url.Values) *web.Form {
	f := web.NewForm(v)
	f.Fields = web.Fields(
		"slug", "directory.tenant.slug",
		"name", "directory.tenant.name",
		"first_organisation", "directory.tenant.first_organisation",
		"disabled", "directory.tenant.disable",
	)
	return f
}

func (h *HTTP) tenantNew(w http.ResponseWriter, r *http.Request) {
	if _, ok := h.manage(w, r, access.KindTenant); !ok {
		return
	}
	h.R.Render(w, r, http.StatusOK, "directory/tenant_form", web.View{Title: "directory.tenant.new_title", Form: tenantForm(nil)})
}

func (h *HTTP) tenantCreate(w http.ResponseWriter, r *http.Request) {
	actor, ok := h.manage(w, r, access.KindTenant)
	if !ok || !h.parse(w, r) {
		return
	}
	t, _, err := h.S.CreateTenant(r.Context(), actor, TenantInput{Slug: r.PostForm.Get("slug"), Name: r.PostForm.Get("name"),
		FirstOrganisation: r.PostForm.Get("first_organisation")})
	if err != nil {
		h.R.FormFailed(w, r, err, "directory/tenant_form", web.View{Title: "directory.tenant.new_title", Form: tenantForm(r.PostForm)})
		return
	}
	web.Redirect(w, r, "/plattform/mandanten/"+t.ID, "directory.tenant.created")
}

// TenantData is the data of the tenant page of the platform administration.
type TenantData struct {
	Tenant    *Tenant
	Admins    []TenantAdmin
	AdminForm *web.Form
}

// RenderTenant shows the tenant page; the accounts room calls it to show errors of the
// administrator form.
func (h *HTTP) RenderTenant(w http.ResponseWriter, r *http.Request, status int, actor access.Actor, t *Tenant, f, adminForm *web.Form) {
	var admins []TenantAdmin
	if h.Admins != nil {
		var err error
		if admins, err = h.Admins(r.Context(), actor, t.ID); err != nil {
			h.R.Fail(w, r, err)
			return
		}
	}
	if f == nil {
		disabled := ""
		if t.DisabledAt != nil {
			disabled = "1"
		}
		f = tenantForm(url.Values{"name": {t.Name}, "disabled": {disabled}, "version": {strconv.Itoa(t.Version)}})
	}
	if adminForm == nil {
		adminForm = web.NewForm(nil)
	}
	h.R.Render(w, r, status, "directory/tenant", web.View{Title: "directory.tenant.edit_title", TitleArgs: []any{"Name", t.Name},
		Form: f, Data: TenantData{Tenant: t, Admins: admins, AdminForm: adminForm}})
}

func (h *HTTP) tenantEdit(w http.ResponseWriter, r *http.Request) {
	actor, t, ok := load(h, w, r, access.KindTenant, h.S.GetTenant)
	if !ok {
		return
	}
	h.RenderTenant(w, r, http.StatusOK, actor, t, nil, nil)
}

func (h *HTTP) tenantUpdate(w http.ResponseWriter, r *http.Request) {
	actor, ok := h.manage(w, r, access.KindTenant)
	if !ok || !h.parse(w, r) {
		return
	}
	t, err := h.S.UpdateTenant(r.Context(), actor, r.PathValue("id"), TenantInput{Name: r.PostForm.Get("name"),
		Disabled: checked(r, "disabled"), Version: web.Version(r)})
	if err != nil {
		cur, gerr := h.S.GetTenant(r.Context(), actor, r.PathValue("id"))
		if gerr != nil {
			h.R.Fail(w, r, gerr)
			return
		}
		f := tenantForm(r.PostForm).WithError(err)
		if len(f.Errors) == 0 {
			h.R.Fail(w, r, err)
			return
		}
		h.RenderTenant(w, r, http.StatusUnprocessableEntity, actor, cur, f, nil)
		return
	}
	web.Redirect(w, r, "/plattform/mandanten/"+t.ID, "form.saved")
}
