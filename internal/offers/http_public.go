package offers

import (
	"context"
	"net/http"
	"net/url"
	"slices"

	"kim/internal/platform/access"
	"kim/internal/platform/errs"
	"kim/internal/platform/i18n"
	"kim/internal/platform/web"
)

// The public directory (no login). Which municipality's offers a request shows:
// ?mandant=<slug> (kept in every link and form), else the caller's own tenant when logged in,
// else the only active tenant; with several tenants and none named, the page asks to choose.

// kindRecommendation is the steering room's recommendations (for the link staff see).
const kindRecommendation access.Kind = "recommendation"

// publicSize is the page size of the public list.
const publicSize = 20

// place is the municipality a public request addresses.
type place struct {
	Tenant  Tenant
	Mandant string   // the slug to keep in links ("" when the tenant was found otherwise)
	Lang    string   // ?lang= when it names a public language, kept in links for visitors without cookies
	Choose  []Tenant // when no tenant could be chosen: the active ones to choose from
	Unknown bool     // ?mandant= named no active tenant
}

// Found reports whether a tenant was resolved.
func (p *place) Found() bool { return p.Tenant.ID != "" }

// Query returns "?mandant=…&lang=…" (or "") for links.
func (p *place) Query() string { return p.query(p.Mandant) }

// ListLink returns the link to the directory of the municipality with the given slug.
func (p *place) ListLink(slug string) string { return "/angebote" + p.query(slug) }

func (p *place) query(mandant string) string {
	v := url.Values{}
	if mandant != "" {
		v.Set("mandant", mandant)
	}
	if p.Lang != "" {
		v.Set("lang", p.Lang)
	}
	if len(v) == 0 {
		return ""
	}
	return "?" + v.Encode()
}

func (s *Service) tenants(ctx context.Context) ([]Tenant, error) {
	if s.Tenants == nil {
		return nil, nil
	}
	return s.Tenants(ctx)
}

// resolve finds the municipality of a public request.
func (h *HTTP) resolve(r *http.Request) (*place, error) {
	all, err := h.S.tenants(r.Context())
	if err != nil {
		return nil, err
	}
	p := &place{}
	if l := r.URL.Query().Get("lang"); slices.Contains(i18n.Public, l) {
		p.Lang = l
	}
	if slug := r.URL.Query().Get("mandant"); slug != "" {
		for _, t := range all {
			if t.Slug == slug {
				p.Tenant, p.Mandant = t, slug
				return p, nil
			}
		}
		p.Unknown, p.Choose = true, all
		return p, nil
	}
	if actor := web.ActorFrom(r.Context()); !actor.Anonymous() {
		for _, t := range all {
			if t.ID == actor.TenantID {
				p.Tenant = t
				return p, nil
			}
		}
	}
	if len(all) == 1 {
		p.Tenant = all[0]
		return p, nil
	}
	p.Choose = all
	return p, nil
}

// choose shows the page that asks for the municipality (404 when the one named is unknown).
func (h *HTTP) choose(w http.ResponseWriter, r *http.Request, p *place) {
	status := http.StatusOK
	if p.Unknown {
		status = http.StatusNotFound
	}
	h.R.Render(w, r, status, "offers/choose", web.View{Title: "offers.public.choose_title", Public: true, Data: p})
}

// publicPlace resolves the municipality of a page request; it answers the request itself
// when there is none.
func (h *HTTP) publicPlace(w http.ResponseWriter, r *http.Request) (*place, bool) {
	p, err := h.resolve(r)
	if err != nil {
		h.R.Fail(w, r, err)
		return nil, false
	}
	if !p.Found() {
		h.choose(w, r, p)
		return nil, false
	}
	return p, true
}

type publicListData struct {
	Place     *place
	Items     []Offer
	Pager     web.Pager
	Districts []District
	Domains   []web.Option
	Languages []web.Option
	Targets   []web.Option
	Filtered  bool
	PDF       string // the printable list with the same filters
	CanManage bool
}

// publicQuery reads the public list's filters; values that are not among the choices are
// dropped and reported on the form. The page's language (?lang=) is not checked here: the
// language middleware ignores values it does not know.
func (h *HTTP) publicQuery(w http.ResponseWriter, r *http.Request, p *place) (*PublicChoices, web.ListQuery, Filter, *web.Form, bool) {
	c, err := h.S.PublicChoices(r.Context(), p.Tenant.ID)
	if err != nil {
		h.R.Fail(w, r, err)
		return nil, web.ListQuery{}, Filter{}, nil, false
	}
	q := web.ParseList(r)
	q.Size = publicSize
	f, ferr := PublicFilter(r.URL.Query(), c.Districts)
	values := r.URL.Query()
	if f.DistrictID != "" {
		values.Set("district", f.DistrictID) // named by name or code: the select shows it
	}
	form := web.NewForm(values).WithError(ferr)
	// The summary names the fields by their short names (the labels are questions).
	form.Fields = web.Fields("q", "offers.public.q", "domain", "offers.public.domains", "language", "offers.public.language",
		"district", "offers.public.district", "target", "offers.public.targets")
	return c, q, f, form, true
}

func (h *HTTP) publicList(w http.ResponseWriter, r *http.Request) {
	p, ok := h.publicPlace(w, r)
	if !ok {
		return
	}
	c, q, f, form, ok := h.publicQuery(w, r, p)
	if !ok {
		return
	}
	lang := web.LangFrom(r.Context())
	items, total, err := h.S.PublicList(r.Context(), p.Tenant.ID, lang, q, f)
	if err != nil {
		h.R.Fail(w, r, err)
		return
	}
	used := c.Languages
	if f.Language != "" && !slices.Contains(used, f.Language) {
		used = append(used, f.Language) // chosen, though no offer is held in it
	}
	langs := make([]web.Option, len(used))
	for i, l := range used {
		langs[i] = web.Option{Value: l, Label: "language.name." + l, Translate: true}
	}
	pdf := url.Values{}
	for _, k := range []string{"mandant", "q", "domain", "language", "district", "target", "lang"} {
		if v := r.URL.Query().Get(k); v != "" {
			pdf.Set(k, v)
		}
	}
	actor := web.ActorFrom(r.Context())
	data := publicListData{Place: p, Items: items, Pager: web.NewPager(q, total, r), Districts: c.Districts,
		Domains: codeOptions("offers.domain.", LifeDomains), Languages: langs, Targets: codeOptions("offers.target.", TargetGroups),
		Filtered: q.Q != "" || f != (Filter{}), PDF: "/angebote/liste.pdf", CanManage: access.Allowed(actor, KindOffer, access.Manage)}
	if len(pdf) > 0 {
		data.PDF += "?" + pdf.Encode()
	}
	// The window title carries the number of offers found, so that screen readers announce it
	// after each search; the heading stays the directory's name.
	h.R.Render(w, r, http.StatusOK, "offers/public", web.View{Title: "offers.public.list_title",
		TitleArgs: []any{"Tenant", p.Tenant.Name, "N", total}, Public: true, Form: form, Data: data})
}

type publicDetailData struct {
	Place   *place
	Offer   *Offer
	Origins []Origin
	// Staff of the tenant who may read recommendations see their titles with links; everyone
	// else only that the network shaped the offer (recommendations are not public).
	LinkOrigins bool
	CanEdit     bool
}

func (h *HTTP) publicDetail(w http.ResponseWriter, r *http.Request) {
	p, err := h.resolve(r)
	if err != nil {
		h.R.Fail(w, r, err)
		return
	}
	id := r.PathValue("id")
	if !p.Found() && !p.Unknown {
		// A link without its municipality (several tenants): the offer tells which.
		tenantID, err := h.S.ActiveTenantOf(r.Context(), id)
		if err != nil {
			h.R.Fail(w, r, err)
			return
		}
		for _, t := range p.Choose {
			if t.ID == tenantID {
				v := r.URL.Query()
				v.Set("mandant", t.Slug)
				http.Redirect(w, r, "/angebote/"+id+"?"+v.Encode(), http.StatusSeeOther)
				return
			}
		}
		h.R.Fail(w, r, errs.ErrNotFound)
		return
	}
	if !p.Found() {
		h.choose(w, r, p)
		return
	}
	o, ors, err := h.S.PublicGet(r.Context(), p.Tenant.ID, id, web.LangFrom(r.Context()))
	if err != nil {
		h.R.Fail(w, r, err)
		return
	}
	actor := web.ActorFrom(r.Context())
	staff := !actor.Anonymous() && actor.TenantID == p.Tenant.ID
	data := publicDetailData{Place: p, Offer: o, Origins: ors, LinkOrigins: staff && access.Allowed(actor, kindRecommendation, access.View),
		CanEdit: staff && access.Can(actor, access.Update, resource(o.TenantID, o.OrganisationID)) == nil}
	h.R.Render(w, r, http.StatusOK, "offers/public_offer", web.View{Title: "offers.public.offer_title", TitleArgs: []any{"Title", o.Title},
		Public: true, Data: data})
}
