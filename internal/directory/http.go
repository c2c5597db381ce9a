package directory

import (
	"context"
	"embed"
	"net/http"
	"net/url"
	"strconv"

	"kim/internal/platform/access"
	"kim/internal/platform/web"
)

//go:embed templates/*.html locales/*.toml
var assets embed.FS

// Assets returns the room's page templates and messages.
func Assets() web.Assets { return web.RoomAssets("directory", assets) }

// HTTP serves the administration pages and API of the directory.
type HTTP struct {
	S      *Service
	R      *web.Renderer
	Admins TenantAdmins
}

// Routes registers the room's routes.
func (h *HTTP) Routes(rt *web.Router) {
	rt.Handle("GET /verwaltung/organisationen", web.Staff, h.orgList)
	rt.Handle("GET /verwaltung/organisationen/export.csv", web.Staff, h.orgExport)
	rt.Handle("GET /verwaltung/organisationen/neu", web.Staff, h.orgNew)
	rt.Handle("POST /verwaltung/organisationen", web.Staff, h.orgCreate)
	rt.Handle("GET /verwaltung/organisationen/{id}", web.Staff, h.orgEdit)
	rt.Handle("POST /verwaltung/organisationen/{id}", web.Staff, h.orgUpdate)
	rt.Handle("GET /verwaltung/organisationen/{id}/loeschen", web.Staff, confirmDelete(h, access.KindOrganisation, h.S.GetOrganisation,
		"directory.org.delete_title", func(o *Organisation) web.Confirm {
			return web.Confirm{Question: "directory.org.delete_question", Name: o.Name, Consequence: "directory.org.delete_consequence",
				Cancel: "/verwaltung/organisationen/" + o.ID}
		}))
	rt.Handle("POST /verwaltung/organisationen/{id}/loeschen", web.Staff, h.remove(access.KindOrganisation, h.S.DeleteOrganisation, "/verwaltung/organisationen", "directory.org.deleted"))

	rt.Handle("GET /verwaltung/standorte", web.Staff, h.locList)
	rt.Handle("GET /verwaltung/standorte/neu", web.Staff, h.locNew)
	rt.Handle("POST /verwaltung/standorte", web.Staff, h.locCreate)
	rt.Handle("GET /verwaltung/standorte/{id}", web.Staff, h.locEdit)
	rt.Handle("POST /verwaltung/standorte/{id}", web.Staff, h.locUpdate)
	rt.Handle("GET /verwaltung/standorte/{id}/loeschen", web.Staff, confirmDelete(h, access.KindLocation, h.S.GetLocation,
		"directory.loc.delete_title", func(l *Location) web.Confirm {
			return web.Confirm{Question: "directory.loc.delete_question", Name: l.Name, Cancel: "/verwaltung/standorte/" + l.ID}
		}))
	rt.Handle("POST /verwaltung/standorte/{id}/loeschen", web.Staff, h.remove(access.KindLocation, h.S.DeleteLocation, "/verwaltung/standorte", "directory.loc.deleted"))

	rt.Handle("GET /verwaltung/bezirke", web.Staff, h.districtList)
	rt.Handle("GET /verwaltung/bezirke/neu", web.Staff, h.districtNew)
	rt.Handle("POST /verwaltung/bezirke", web.Staff, h.districtCreate)
	rt.Handle("GET /verwaltung/bezirke/{id}", web.Staff, h.districtEdit)
	rt.Handle("POST /verwaltung/bezirke/{id}", web.Staff, h.districtUpdate)
	rt.Handle("GET /verwaltung/bezirke/{id}/loeschen", web.Staff, confirmDelete(h, access.KindDistrict, h.S.GetDistrict,
		"directory.district.delete_title", func(d *District) web.Confirm {
			return web.Confirm{Question: "directory.district.delete_question", Name: d.Name,
				Consequence: "directory.district.delete_consequence", Cancel: "/verwaltung/bezirke/" + d.ID}
		}))
	rt.Handle("POST /verwaltung/bezirke/{id}/loeschen", web.Staff, h.remove(access.KindDistrict, h.S.DeleteDistrict, "/verwaltung/bezirke", "directory.district.deleted"))
	rt.Handle("POST /verwaltung/bezirke/{id}/quartiere", web.Staff, h.quarterCreate)
	rt.Handle("GET /verwaltung/quartiere/{id}", web.Staff, h.quarterEdit)
	rt.Handle("POST /verwaltung/quartiere/{id}", web.Staff, h.quarterUpdate)
	rt.Handle("GET /verwaltung/quartiere/{id}/loeschen", web.Staff, confirmDelete(h, access.KindDistrict, h.S.GetQuarter,
		"directory.quarter.delete_title", func(q *Quarter) web.Confirm {
			return web.Confirm{Question: "directory.quarter.delete_question", Name: q.Name, Cancel: "/verwaltung/bezirke/" + q.DistrictID}
		}))
	rt.Handle("POST /verwaltung/quartiere/{id}/loeschen", web.Staff, h.quarterDelete)

	rt.Handle("GET /plattform/mandanten", web.Staff, h.tenantList)
	rt.Handle("GET /plattform/mandanten/neu", web.Staff, h.tenantNew)
	rt.Handle("POST /plattform/mandanten", web.Staff, h.tenantCreate)
	rt.Handle("GET /plattform/mandanten/{id}", web.Staff, h.tenantEdit)
	rt.Handle("POST /plattform/mandanten/{id}", web.Staff, h.tenantUpdate)

	h.apiRoutes(rt)
}

// manage answers 403 unless the actor may use the administration pages of kind.
func (h *HTTP) manage(w http.ResponseWriter, r *http.Request, k access.Kind) (access.Actor, bool) {
	actor := web.ActorFrom(r.Context())
	if err := access.Check(actor, k, access.Manage); err != nil {
		h.R.Fail(w, r, err)
		return actor, false
	}
	return actor, true
}

// parse reads a posted form; it answers the request itself when the form cannot be read.
func (h *HTTP) parse(w http.ResponseWriter, r *http.Request) bool {
	if err := web.ParseForm(r); err != nil {
		h.R.Fail(w, r, err)
		return false
	}
	return true
}

// load passes the administration guard for kind and loads the record named by the path; it
// answers the request itself when either fails.
func load[T any](h *HTTP, w http.ResponseWriter, r *http.Request, k access.Kind,
	get func(context.Context, access.Actor, string) (T, error)) (access.Actor, T, bool) {
	var zero T
	actor, ok := h.manage(w, r, k)
	if !ok {
		return actor, zero, false
	}
	v, err := get(r.Context(), actor, r.PathValue("id"))
	if err != nil {
		h.R.Fail(w, r, err)
		return actor, zero, false
	}
	return actor, v, true
}

// confirmDelete shows the confirmation page before a deletion.
func confirmDelete[T any](h *HTTP, k access.Kind, get func(context.Context, access.Actor, string) (T, error),
	title string, confirm func(T) web.Confirm) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if _, v, ok := load(h, w, r, k, get); ok {
			c := confirm(v)
			c.Confirm = "directory.delete"
			c.Action = r.URL.Path
			h.R.RenderConfirm(w, r, title, c)
		}
	}
}

// remove deletes the record named by the path and returns to the list with a message.
func (h *HTTP) remove(k access.Kind, del func(context.Context, access.Actor, string) error, to, flash string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		actor, ok := h.manage(w, r, k)
		if !ok {
			return
		}
		if err := del(r.Context(), actor, r.PathValue("id")); err != nil {
			h.R.Fail(w, r, err)
			return
		}
		web.Redirect(w, r, to, flash)
	}
}

func checked(r *http.Request, field string) bool {
	switch r.PostForm.Get(field) {
	case "1", "on", "true":
		return true
	}
	return false
}

func boolValue(b bool) string {
	if b {
		return "1"
	}
	return ""
}

// --- organisations ---

type orgListData struct {
	Items []Organisation
	Pager web.Pager
	Types []web.Option
}

func typeOptions() []web.Option {
	out := make([]web.Option, len(OrgTypes))
	for i, t := range OrgTypes {
		out[i] = web.Option{Value: string(t), Label: "directory.org_type." + string(t), Translate: true}
	}
	return out
}

func regimeOptions() []web.Option {
	out := make([]web.Option, len(Regimes))
	for i, t := range Regimes {
		out[i] = web.Option{Value: string(t), Label: "directory.regime." + string(t), Translate: true}
	}
	return out
}

func orgFilter(r *http.Request) OrgFilter {
	t := OrgType(r.URL.Query().Get("type"))
	for _, x := range OrgTypes {
		if x == t {
			return OrgFilter{Type: t}
		}
	}
	return OrgFilter{}
}

func (h *HTTP) orgList(w http.ResponseWriter, r *http.Request) {
	actor, ok := h.manage(w, r, access.KindOrganisation)
	if !ok {
		return
	}
	q := web.ParseList(r, "name", "type", "updated")
	items, total, err := h.S.ListOrganisations(r.Context(), actor, q, orgFilter(r))
	if err != nil {
		h.R.Fail(w, r, err)
		return
	}
	h.R.Render(w, r, http.StatusOK, "directory/organisations", web.View{Title: "directory.org.list_title",
		Form: web.NewForm(r.URL.Query()), Data: orgListData{Items: items, Pager: web.NewPager(q, total, r), Types: typeOptions()}})
}

func (h *HTTP) orgExport(w http.ResponseWriter, r *http.Request) {
	actor, ok := h.manage(w, r, access.KindOrganisation)
	if !ok {
		return
	}
	q := web.ParseList(r, "name", "type", "updated")
	q.Page, q.Size = 1, 100000
	items, _, err := h.S.ListOrganisations(r.Context(), actor, q, orgFilter(r))
	if err != nil {
		h.R.Fail(w, r, err)
		return
	}
	l := h.R.Localizer(r)
	rows := make([][]string, len(items))
	for i, o := range items {
		rows[i] = []string{o.Name, o.ShortName, l.T("directory.org_type." + string(o.Type)), l.T("directory.regime." + string(o.Regime)),
			l.T(yesNo(o.KIMCarrier)), o.Email, o.Phone, o.Website, strconv.Itoa(o.Locations)}
	}
	web.CSV(w, "organisationen.csv", []string{l.T("directory.org.name"), l.T("directory.org.short_name"), l.T("directory.org.type"),
		l.T("directory.org.regime"), l.T("directory.org.kim_carrier"), l.T("directory.email"), l.T("directory.phone"),
		l.T("directory.org.website"), l.T("directory.org.locations")}, rows)
}

func yesNo(b bool) string {
	if b {
		return "form.yes"
	}
	return "form.no"
}

type orgFormData struct {
	Org     *Organisation
	Types   []web.Option
	Regimes []web.Option
}

var orgFields = web.Fields(
	"name", "directory.org.name",
	"short_name", "directory.org.short_name",
	"type", "directory.org.type",
	"data_protection_regime", "directory.org.regime",
	"kim_carrier", "directory.org.kim_carrier",
	"email", "directory.email",
	"phone", "directory.phone",
	"website", "directory.org.website",
)

func orgForm(values url.Values) *web.Form {
	f := web.NewForm(values)
	f.Fields = orgFields
	return f
}

func (h *HTTP) orgNew(w http.ResponseWriter, r *http.Request) {
	if _, ok := h.manage(w, r, access.KindOrganisation); !ok {
		return
	}
	h.R.Render(w, r, http.StatusOK, "directory/organisation_form", web.View{Title: "directory.org.new_title",
		Form: orgForm(url.Values{"data_protection_regime": {string(RegimeGDPRBDSG)}}), Data: orgFormData{Types: typeOptions(), Regimes: regimeOptions()}})
}

func orgInput(r *http.Request) OrganisationInput {
	return OrganisationInput{Name: r.PostForm.Get("name"), ShortName: r.PostForm.Get("short_name"),
		Type: OrgType(r.PostForm.Get("type")), Regime: Regime(r.PostForm.Get("data_protection_regime")),
		KIMCarrier: checked(r, "kim_carrier"), Email: r.PostForm.Get("email"), Phone: r.PostForm.Get("phone"),
		Website: r.PostForm.Get("website"), Version: web.Version(r)}
}

func (h *HTTP) orgCreate(w http.ResponseWriter, r *http.Request) {
	actor, ok := h.manage(w, r, access.KindOrganisation)
	if !ok || !h.parse(w, r) {
		return
	}
	o, err := h.S.CreateOrganisation(r.Context(), actor, orgInput(r))
	if err != nil {
		h.R.FormFailed(w, r, err, "directory/organisation_form", web.View{Title: "directory.org.new_title",
			Form: orgForm(r.PostForm), Data: orgFormData{Types: typeOptions(), Regimes: regimeOptions()}})
		return
	}
	web.Redirect(w, r, "/verwaltung/organisationen/"+o.ID, "directory.org.created")
}

func orgValues(o *Organisation) url.Values {
	return url.Values{"name": {o.Name}, "short_name": {o.ShortName}, "type": {string(o.Type)},
		"data_protection_regime": {string(o.Regime)}, "kim_carrier": {boolValue(o.KIMCarrier)}, "email": {o.Email},
		"phone": {o.Phone}, "website": {o.Website}, "version": {strconv.Itoa(o.Version)}}
}

func (h *HTTP) orgEdit(w http.ResponseWriter, r *http.Request) {
	_, o, ok := load(h, w, r, access.KindOrganisation, h.S.GetOrganisation)
	if !ok {
		return
	}
	h.R.Render(w, r, http.StatusOK, "directory/organisation_form", web.View{Title: "directory.org.edit_title", TitleArgs: []any{"Name", o.Name},
		Form: orgForm(orgValues(o)), Data: orgFormData{Org: o, Types: typeOptions(), Regimes: regimeOptions()}})
}

func (h *HTTP) orgUpdate(w http.ResponseWriter, r *http.Request) {
	actor, ok := h.manage(w, r, access.KindOrganisation)
	if !ok || !h.parse(w, r) {
		return
	}
	o, err := h.S.UpdateOrganisation(r.Context(), actor, r.PathValue("id"), orgInput(r))
	if err != nil {
		cur, gerr := h.S.GetOrganisation(r.Context(), actor, r.PathValue("id"))
		if gerr != nil {
			h.R.Fail(w, r, gerr)
			return
		}
		h.R.FormFailed(w, r, err, "directory/organisation_form", web.View{Title: "directory.org.edit_title", TitleArgs: []any{"Name", cur.Name},
			Form: orgForm(r.PostForm), Data: orgFormData{Org: cur, Types: typeOptions(), Regimes: regimeOptions()}})
		return
	}
	web.Redirect(w, r, "/verwaltung/organisationen/"+o.ID, "form.saved")
}
