package offers

import (
	"net/http"

	"kim/internal/platform/errs"
	"kim/internal/platform/web"
)

// The public API of the directory (no token needed): the offers shown today of one
// municipality, as on the public page.

// APIOffer is an offer in the public API.
type APIOffer struct {
	ID              string     `json:"id"`
	Title           string     `json:"title"`
	Description     string     `json:"description"`
	Lang            string     `json:"lang"`             // language of the title
	DescriptionLang string     `json:"description_lang"` // language of the description
	Organisation    Ref        `json:"organisation"`
	LifeDomains     []string   `json:"life_domains"`
	TargetGroups    []string   `json:"target_groups"`
	Languages       []string   `json:"languages"`
	Citywide        bool       `json:"citywide"`
	Districts       []Ref      `json:"districts"`
	Locations       []Location `json:"locations"`
	OpeningHours    string     `json:"opening_hours"`
	Contact         APIContact `json:"contact"`
	Costs           APICosts   `json:"costs"`
	StepFree        bool       `json:"step_free"`
	ValidFrom       string     `json:"valid_from"`
	ValidTo         string     `json:"valid_to"`
	URL             string     `json:"url"` // the offer's public page
}

// APIContact is the contact of an offer.
type APIContact struct {
	Name    string `json:"name"`
	Phone   string `json:"phone"`
	Email   string `json:"email"`
	Website string `json:"website"`
}

// APICosts is what an offer costs: kind free, reduced or fee, and a note.
type APICosts struct {
	Kind string `json:"kind"`
	Note string `json:"note"`
}

func apiOffer(o *Offer, p *place) APIOffer {
	return APIOffer{ID: o.ID, Title: o.Title, Description: o.Description, Lang: o.Lang, DescriptionLang: o.DescriptionLang,
		Organisation: Ref{ID: o.OrganisationID, Name: o.OrganisationName}, LifeDomains: o.LifeDomains, TargetGroups: o.TargetGroups,
		Languages: o.Languages, Citywide: o.Citywide, Districts: o.Districts, Locations: o.Locations, OpeningHours: o.OpeningHours,
		Contact:  APIContact{Name: o.ContactName, Phone: o.ContactPhone, Email: o.ContactEmail, Website: o.Website},
		Costs:    APICosts{Kind: o.Costs, Note: o.CostsNote},
		StepFree: o.StepFree, ValidFrom: o.ValidFrom, ValidTo: o.ValidTo,
		URL: "/angebote/" + o.ID + p.query(p.Tenant.Slug)}
}

// apiPlace resolves the municipality of an API request: without one, the parameter mandant is
// required (422).
func (h *HTTP) apiPlace(w http.ResponseWriter, r *http.Request) (*place, bool) {
	p, err := h.resolve(r)
	if err == nil && !p.Found() {
		msg := "offers.public.tenant_required"
		if p.Unknown {
			msg = "offers.public.tenant_unknown"
		}
		err = &errs.Error{Code: errs.Invalid, Message: errs.Msg("error.invalid"), Fields: map[string]errs.Message{"mandant": errs.Msg(msg)}}
	}
	if err != nil {
		h.R.Fail(w, r, err)
		return nil, false
	}
	return p, true
}

func (h *HTTP) apiList(w http.ResponseWriter, r *http.Request) {
	p, ok := h.apiPlace(w, r)
	if !ok {
		return
	}
	c, err := h.S.PublicChoices(r.Context(), p.Tenant.ID)
	if err != nil {
		h.R.Fail(w, r, err)
		return
	}
	var e errs.Validation
	f := publicFilter(r.URL.Query(), c.Districts, &e)
	lang := langParam(r.URL.Query(), &e)
	if err := e.Err(); err != nil {
		h.R.Fail(w, r, err)
		return
	}
	q := web.ParseList(r)
	items, total, err := h.S.PublicList(r.Context(), p.Tenant.ID, lang, q, f)
	if err != nil {
		h.R.Fail(w, r, err)
		return
	}
	out := make([]APIOffer, len(items))
	for i := range items {
		out[i] = apiOffer(&items[i], p)
	}
	web.JSON(w, http.StatusOK, web.NewListResponse(out, total, q))
}

func (h *HTTP) apiGet(w http.ResponseWriter, r *http.Request) {
	p, ok := h.apiPlace(w, r)
	if !ok {
		return
	}
	var e errs.Validation
	lang := langParam(r.URL.Query(), &e)
	if err := e.Err(); err != nil {
		h.R.Fail(w, r, err)
		return
	}
	o, _, err := h.S.PublicGet(r.Context(), p.Tenant.ID, r.PathValue("id"), lang)
	if err != nil {
		h.R.Fail(w, r, err)
		return
	}
	web.JSON(w, http.StatusOK, apiOffer(o, p))
}
