// Package offers is the offer directory (Angebote): what the partners of the network offer,
// kept by the coordination and the partners, chosen in referrals, and published on a public
// page and API without login.
package offers

import (
	"embed"
	"net/http"
	"net/url"
	"strconv"

	"kim/internal/platform/access"
	"kim/internal/platform/errs"
	"kim/internal/platform/ids"
	"kim/internal/platform/valid"
	"kim/internal/platform/web"
)

//go:embed templates/*.html locales/*.toml
var assets embed.FS

// Assets returns the room's page templates and messages.
func Assets() web.Assets { return web.RoomAssets("offers", assets) }

// HTTP serves the pages and API of the offer directory.
type HTTP struct {
	S *Service
	R *web.Renderer
}

// Routes registers the room's routes.
func (h *HTTP) Routes(rt *web.Router) {
	rt.Handle("GET /angebote/verwaltung", web.Staff, h.manageList)
	rt.Handle("GET /angebote/verwaltung/neu", web.Staff, h.newPage)
	rt.Handle("POST /angebote/verwaltung/neu", web.Staff, h.create)
	rt.Handle("GET /angebote/verwaltung/{id}", web.Staff, h.editPage)
	rt.Handle("POST /angebote/verwaltung/{id}", web.Staff, h.update)
	rt.Handle("POST /angebote/verwaltung/{id}/veroeffentlichung", web.Staff, h.publish)
	rt.Handle("GET /angebote/verwaltung/{id}/archivieren", web.Staff, h.archivePage)
	rt.Handle("POST /angebote/verwaltung/{id}/archivieren", web.Staff, h.archive)

	rt.Handle("GET /angebote", web.Public, h.publicList)
	rt.Handle("GET /angebote/liste.pdf", web.Public, h.publicPDF)
	rt.Handle("GET /angebote/{id}", web.Public, h.publicDetail)

	rt.Handle("GET /api/v1/offers", web.Public, h.apiList)
	rt.Handle("GET /api/v1/offers/{id}", web.Public, h.apiGet)
}

// manage answers 403 unless the actor may use the pages that keep offers.
func (h *HTTP) manage(w http.ResponseWriter, r *http.Request) (access.Actor, bool) {
	actor := web.ActorFrom(r.Context())
	if err := access.Check(actor, KindOffer, access.Manage); err != nil {
		h.R.Fail(w, r, err)
		return actor, false
	}
	return actor, true
}

// parse checks the role and reads a posted form; it answers the request itself on failure.
func (h *HTTP) parse(w http.ResponseWriter, r *http.Request) (access.Actor, bool) {
	actor, ok := h.manage(w, r)
	if !ok {
		return actor, false
	}
	if err := web.ParseForm(r); err != nil {
		h.R.Fail(w, r, err)
		return actor, false
	}
	return actor, true
}

func codeOptions(prefix string, list []string) []web.Option {
	out := make([]web.Option, len(list))
	for i, c := range list {
		out[i] = web.Option{Value: c, Label: prefix + c, Translate: true}
	}
	return out
}

// --- the staff list ---

type listData struct {
	Items         []Offer
	Pager         web.Pager
	Today         string
	Organisations []web.Option
	Statuses      []web.Option
	Domains       []web.Option
}

func (h *HTTP) manageList(w http.ResponseWriter, r *http.Request) {
	actor, ok := h.manage(w, r)
	if !ok {
		return
	}
	q := web.ParseList(r, SortKeys...)
	v := r.URL.Query()
	f := Filter{OrganisationID: v.Get("organisation_id"), Status: cleanCode(v.Get("status"), Statuses),
		Domain: cleanCode(v.Get("domain"), LifeDomains)}
	items, total, err := h.S.List(r.Context(), actor, q, f)
	if err != nil {
		h.R.Fail(w, r, err)
		return
	}
	c, err := h.S.FormChoices(r.Context(), actor)
	if err != nil {
		h.R.Fail(w, r, err)
		return
	}
	h.R.Render(w, r, http.StatusOK, "offers/manage", web.View{Title: "offers.manage.list_title", Form: web.NewForm(v),
		Data: listData{Items: items, Pager: web.NewPager(q, total, r), Today: valid.Today(h.S.DB.Clock.Now()),
			Organisations: c.Organisations, Statuses: codeOptions("offers.status.", Statuses), Domains: codeOptions("offers.domain.", LifeDomains)}})
}

// --- the form ---

type formData struct {
	Offer         *Offer // nil for a new offer
	Origins       []Origin
	LinkOrigins   bool // the actor may read recommendations (titles and links)
	Status        string
	Organisations []web.Option
	Districts     []web.Option
	Locations     []web.Option
	Domains       []web.Option
	Targets       []web.Option
	Languages     []web.Option
	Costs         []web.Option
	TextLanguages []string
}

var formFields = func() []web.Field {
	fs := web.Fields("organisation_id", "offers.field.organisation", "title", "offers.field.title", "description", "offers.field.description",
		"life_domains", "offers.field.life_domains", "target_groups", "offers.field.target_groups", "languages", "offers.field.languages",
		"citywide", "offers.field.citywide", "district_ids", "offers.field.districts", "location_ids", "offers.field.locations",
		"opening_hours", "offers.field.opening_hours", "contact_name", "offers.field.contact_name", "contact_phone", "offers.field.contact_phone",
		"contact_email", "offers.field.contact_email", "website", "offers.field.website", "costs", "offers.field.costs",
		"costs_note", "offers.field.costs_note", "step_free", "offers.field.step_free", "valid_from", "offers.field.valid_from",
		"valid_to", "offers.field.valid_to", "texts", "offers.field.texts")
	for _, l := range TextLanguages {
		for _, field := range []string{"title", "description"} {
			fs = append(fs, web.Field{Name: TextField(field, l), Label: textLabel + TextField(field, l)})
		}
	}
	return append(fs, web.Field{Name: "recommendation_id", Label: "offers.field.recommendation"})
}()

// textLabel prefixes the label ids of the translation fields (offers.text.title_en …).
const textLabel = "offers.text."

func offerForm(values url.Values) *web.Form {
	f := web.NewForm(values)
	f.Fields = formFields
	return f
}

func languageOptions() []web.Option {
	out := make([]web.Option, len(Languages))
	for i, l := range Languages {
		out[i] = web.Option{Value: l, Label: "language.name." + l, Translate: true}
	}
	return out
}

// render shows the offer form (new when o is nil).
func (h *HTTP) render(w http.ResponseWriter, r *http.Request, status int, actor access.Actor, o *Offer, ors []Origin, f *web.Form, err error) {
	c, cerr := h.S.FormChoices(r.Context(), actor)
	if cerr != nil {
		h.R.Fail(w, r, cerr)
		return
	}
	data := formData{Offer: o, Origins: ors, LinkOrigins: access.Allowed(actor, kindRecommendation, access.View),
		Organisations: c.Organisations, Districts: c.Districts, Locations: c.Locations,
		Domains: codeOptions("offers.domain.", LifeDomains), Targets: codeOptions("offers.target.", TargetGroups),
		Languages: languageOptions(), Costs: codeOptions("offers.costs.", CostKinds), TextLanguages: TextLanguages}
	v := web.View{Title: "offers.manage.new_title", Form: f, Data: data}
	if o != nil {
		data.Status = o.Status(valid.Today(h.S.DB.Clock.Now()))
		v = web.View{Title: "offers.manage.edit_title", TitleArgs: []any{"Title", o.Title}, Form: f, Data: data}
	}
	if err != nil {
		h.R.FormFailed(w, r, err, "offers/form", v)
		return
	}
	h.R.Render(w, r, status, "offers/form", v)
}

// origin carries the recommendation a form was opened from (?empfehlung=<id>) into the form's
// hidden field; anything but a well-formed id is ignored. How the recommendation shaped the
// offer follows from the form: a new offer was created by it, an existing one changed.
func origin(r *http.Request, values url.Values) {
	if id := r.URL.Query().Get("empfehlung"); ids.Valid(id) {
		values.Set("recommendation_id", id)
	}
}

func (h *HTTP) newPage(w http.ResponseWriter, r *http.Request) {
	actor, ok := h.manage(w, r)
	if !ok {
		return
	}
	values := url.Values{"costs": {"free"}, "languages": {"de"}}
	if access.ReachOf(actor.Role, KindOffer, access.Create) == access.Organisation {
		values.Set("organisation_id", actor.OrganisationID)
	}
	origin(r, values)
	h.render(w, r, http.StatusOK, actor, nil, nil, offerForm(values), nil)
}

func checked(f url.Values, field string) bool {
	switch f.Get(field) {
	case "1", "on", "true":
		return true
	}
	return false
}

// formInput reads the posted offer form.
func formInput(r *http.Request) Input {
	f := r.PostForm
	in := Input{OrganisationID: f.Get("organisation_id"), Title: f.Get("title"), Description: f.Get("description"),
		LifeDomains: f["life_domains"], TargetGroups: f["target_groups"], Languages: f["languages"], Citywide: checked(f, "citywide"),
		DistrictIDs: f["district_ids"], LocationIDs: f["location_ids"], OpeningHours: f.Get("opening_hours"),
		ContactName: f.Get("contact_name"), ContactPhone: f.Get("contact_phone"), ContactEmail: f.Get("contact_email"),
		Website: f.Get("website"), Costs: f.Get("costs"), CostsNote: f.Get("costs_note"), StepFree: checked(f, "step_free"),
		ValidFrom: f.Get("valid_from"), ValidTo: f.Get("valid_to"), Version: web.Version(r),
		RecommendationID: f.Get("recommendation_id")}
	for _, l := range TextLanguages {
		in.Texts = append(in.Texts, Text{Lang: l, Title: f.Get(TextField("title", l)), Description: f.Get(TextField("description", l))})
	}
	return in
}

// formValues are the form values of a stored offer.
func formValues(o *Offer) url.Values {
	v := url.Values{"organisation_id": {o.OrganisationID}, "title": {o.Title}, "description": {o.Description},
		"life_domains": o.LifeDomains, "target_groups": o.TargetGroups, "languages": o.Languages, "citywide": {boolValue(o.Citywide)},
		"district_ids": o.DistrictIDs(), "location_ids": o.LocationIDs(), "opening_hours": {o.OpeningHours},
		"contact_name": {o.ContactName}, "contact_phone": {o.ContactPhone}, "contact_email": {o.ContactEmail}, "website": {o.Website},
		"costs": {o.Costs}, "costs_note": {o.CostsNote}, "step_free": {boolValue(o.StepFree)}, "valid_from": {o.ValidFrom},
		"valid_to": {o.ValidTo}, "version": {strconv.Itoa(o.Version)}}
	for _, t := range o.Texts {
		v.Set(TextField("title", t.Lang), t.Title)
		v.Set(TextField("description", t.Lang), t.Description)
	}
	return v
}

func boolValue(b bool) string {
	if b {
		return "1"
	}
	return ""
}

func (h *HTTP) create(w http.ResponseWriter, r *http.Request) {
	actor, ok := h.parse(w, r)
	if !ok {
		return
	}
	o, err := h.S.Create(r.Context(), actor, formInput(r))
	if err != nil {
		h.render(w, r, 0, actor, nil, nil, offerForm(r.PostForm), err)
		return
	}
	web.Redirect(w, r, "/angebote/verwaltung/"+o.ID, "offers.manage.created")
}

func (h *HTTP) editPage(w http.ResponseWriter, r *http.Request) {
	actor, ok := h.manage(w, r)
	if !ok {
		return
	}
	o, ors, err := h.S.Get(r.Context(), actor, r.PathValue("id"))
	if err != nil {
		h.R.Fail(w, r, err)
		return
	}
	values := formValues(o)
	origin(r, values)
	h.render(w, r, http.StatusOK, actor, o, ors, offerForm(values), nil)
}

func (h *HTTP) update(w http.ResponseWriter, r *http.Request) {
	actor, ok := h.parse(w, r)
	if !ok {
		return
	}
	o, err := h.S.Update(r.Context(), actor, r.PathValue("id"), formInput(r))
	if err != nil {
		cur, ors, gerr := h.S.Get(r.Context(), actor, r.PathValue("id"))
		if gerr != nil {
			h.R.Fail(w, r, gerr)
			return
		}
		h.render(w, r, 0, actor, cur, ors, offerForm(r.PostForm), err)
		return
	}
	web.Redirect(w, r, "/angebote/verwaltung/"+o.ID, "form.saved")
}

func (h *HTTP) publish(w http.ResponseWriter, r *http.Request) {
	actor, ok := h.parse(w, r)
	if !ok {
		return
	}
	// The offer first (404 out of reach), then the choice.
	if _, _, err := h.S.Get(r.Context(), actor, r.PathValue("id")); err != nil {
		h.R.Fail(w, r, err)
		return
	}
	var published bool
	switch r.PostForm.Get("published") {
	case "1":
		published = true
	case "0":
	default:
		h.R.Fail(w, r, &errs.Error{Code: errs.Invalid, Message: errs.Msg("error.invalid"),
			Fields: map[string]errs.Message{"published": errs.Msg("validation.choice")}})
		return
	}
	o, err := h.S.SetPublished(r.Context(), actor, r.PathValue("id"), published, web.Version(r))
	if err != nil {
		h.R.Fail(w, r, err)
		return
	}
	flash := "offers.manage.unpublished"
	if published {
		flash = "offers.manage.published"
	}
	web.Redirect(w, r, "/angebote/verwaltung/"+o.ID, flash)
}

func (h *HTTP) archivePage(w http.ResponseWriter, r *http.Request) {
	actor, ok := h.manage(w, r)
	if !ok {
		return
	}
	if err := access.Check(actor, KindOffer, access.Delete); err != nil {
		h.R.Fail(w, r, err)
		return
	}
	o, _, err := h.S.Get(r.Context(), actor, r.PathValue("id"))
	if err != nil {
		h.R.Fail(w, r, err)
		return
	}
	if o.ArchivedAt != nil {
		h.R.Fail(w, r, errs.E(errs.Conflict, "offers.offer.archived_locked"))
		return
	}
	h.R.RenderConfirm(w, r, "offers.manage.archive_title", web.Confirm{Question: "offers.manage.archive_question", Name: o.Title,
		Consequence: "offers.manage.archive_consequence", Confirm: "offers.manage.archive", Action: r.URL.Path,
		Cancel: "/angebote/verwaltung/" + o.ID})
}

func (h *HTTP) archive(w http.ResponseWriter, r *http.Request) {
	actor, ok := h.parse(w, r)
	if !ok {
		return
	}
	if err := h.S.Archive(r.Context(), actor, r.PathValue("id"), 0); err != nil {
		h.R.Fail(w, r, err)
		return
	}
	web.Redirect(w, r, "/angebote/verwaltung", "offers.manage.archived")
}
