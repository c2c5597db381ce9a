package casework

import (
	"errors"
	"net/http"
	"net/url"
	"strings"

	"kim/internal/platform/access"
	"kim/internal/platform/valid"
	"kim/internal/platform/web"
)

func (h *HTTP) clientRoutes(rt *web.Router) {
	rt.Handle("GET /klienten", web.Staff, h.clientList)
	rt.Handle("GET /klienten/neu", web.Staff, h.clientNew)
	rt.Handle("POST /klienten", web.Staff, h.clientCreate)
	rt.Handle("GET /klienten/{id}", web.Staff, h.clientView)
	rt.Handle("GET /klienten/{id}/bearbeiten", web.Staff, h.clientEdit)
	rt.Handle("POST /klienten/{id}", web.Staff, h.clientUpdate)
	rt.Handle("POST /klienten/{id}/haushalt", web.Staff, h.householdAdd)
	rt.Handle("POST /haushaltsmitglieder/{id}/entfernen", web.Staff, h.householdRemove)
	rt.Handle("POST /klienten/{id}/aufenthalt", web.Staff, h.residenceAdd)
}

// check answers the request itself unless the actor's role may do a on k at all.
func (h *HTTP) check(w http.ResponseWriter, r *http.Request, k access.Kind, a access.Action) (access.Actor, bool) {
	actor := web.ActorFrom(r.Context())
	if err := access.Check(actor, k, a); err != nil {
		h.R.Fail(w, r, err)
		return actor, false
	}
	return actor, true
}

// parse reads a posted form after the role check; it answers the request itself on failure.
func (h *HTTP) parse(w http.ResponseWriter, r *http.Request, k access.Kind, a access.Action) (access.Actor, bool) {
	actor, ok := h.check(w, r, k, a)
	if !ok {
		return actor, false
	}
	if err := web.ParseForm(r); err != nil {
		h.R.Fail(w, r, err)
		return actor, false
	}
	return actor, true
}

type clientListData struct {
	Items []Client
	Pager web.Pager
}

func (h *HTTP) clientList(w http.ResponseWriter, r *http.Request) {
	actor, ok := h.check(w, r, KindClient, access.List)
	if !ok {
		return
	}
	q := web.ParseList(r, "name", "birth", "created")
	items, total, err := h.S.ListClients(r.Context(), actor, q)
	if err != nil {
		h.R.Fail(w, r, err)
		return
	}
	h.R.Render(w, r, http.StatusOK, "casework/clients", web.View{Title: "casework.client.list_title", Form: web.NewForm(r.URL.Query()),
		Data: clientListData{Items: items, Pager: web.NewPager(q, total, r)}})
}

// clientFormData is the data of the client form.
type clientFormData struct {
	Client                                                  *Client
	Duplicates                                              []Duplicate
	Opts                                                    *Options
	Sexes, Levels, Regimes, OtherCM, Languages, Interpreter []web.Option
}

var clientFields = web.Fields("family_name", "casework.client.family_name", "given_names", "casework.client.given_names",
	"name_original_script", "casework.client.name_original_script", "other_spellings", "casework.client.other_spellings",
	"birth_date", "casework.client.birth_date", "sex", "casework.client.sex", "nationalities", "casework.client.nationalities",
	"country_of_birth", "casework.client.country_of_birth", "languages", "casework.client.languages",
	"german_level", "casework.client.german_level", "interpreter_language", "casework.client.interpreter_language",
	"arrived_germany", "casework.client.arrived_germany", "arrived_city", "casework.client.arrived_city",
	"street", "casework.client.street", "postcode", "casework.client.postcode", "city", "casework.client.city",
	"district_id", "casework.client.district_id", "quarter_id", "casework.client.quarter_id", "phone", "casework.client.phone",
	"email", "casework.client.email", "messenger", "casework.client.messenger", "benefit_regime", "casework.client.benefit_regime",
	"other_case_management", "casework.client.other_case_management", "confirm_not_duplicate", "casework.client.confirm_not_duplicate")

func languageOptions() []web.Option { return codeOptions("language.name.", Languages) }

func (h *HTTP) clientForm(w http.ResponseWriter, r *http.Request, status int, actor access.Actor, c *Client, values url.Values, err error) {
	opts, oerr := h.S.FormOptions(r.Context(), actor)
	if oerr != nil {
		h.R.Fail(w, r, oerr)
		return
	}
	f := web.NewForm(values)
	f.Fields = clientFields
	data := clientFormData{Client: c, Opts: opts, Sexes: codeOptions("casework.sex.", Sexes), Levels: codeOptions("casework.german_level.", GermanLevels),
		Regimes: codeOptions("casework.benefit.", BenefitRegimes), OtherCM: codeOptions("casework.other_cm.", OtherCMs),
		Languages: languageOptions(), Interpreter: languageOptions()}
	title, args := "casework.client.new_title", []any(nil)
	if c != nil {
		title, args = "casework.client.edit_title", []any{"Name", c.Name()}
	}
	v := web.View{Title: title, TitleArgs: args, Form: f, Data: data}
	var dup *DuplicateError
	if errors.As(err, &dup) {
		data.Duplicates = dup.Matches
		v.Data = data
		f.WithError(dup.Err())
		h.R.Render(w, r, http.StatusConflict, "casework/client_form", v)
		return
	}
	if err != nil {
		h.R.FormFailed(w, r, err, "casework/client_form", v)
		return
	}
	h.R.Render(w, r, status, "casework/client_form", v)
}

func (h *HTTP) clientNew(w http.ResponseWriter, r *http.Request) {
	actor, ok := h.check(w, r, KindClient, access.Create)
	if !ok {
		return
	}
	h.clientForm(w, r, http.StatusOK, actor, nil, url.Values{"sex": {"u"}, "benefit_regime": {"unknown"}}, nil)
}

// clientInput reads the client form.
func clientInput(r *http.Request) ClientInput {
	f := r.PostForm
	lines := func(s string) []string { return strings.Split(strings.ReplaceAll(s, "\r", ""), "\n") }
	return ClientInput{GivenNames: f.Get("given_names"), FamilyName: f.Get("family_name"), NameOriginal: f.Get("name_original_script"),
		OtherSpellings: lines(f.Get("other_spellings")), BirthDate: f.Get("birth_date"), Sex: f.Get("sex"),
		Nationalities: strings.FieldsFunc(f.Get("nationalities"), func(r rune) bool { return r == ',' || r == ' ' || r == ';' }),
		Stateless:     checked(f, "stateless"), CountryOfBirth: f.Get("country_of_birth"), Languages: f["languages"],
		GermanLevel: f.Get("german_level"), Interpreter: f.Get("interpreter_language"), ArrivedGermany: f.Get("arrived_germany"),
		ArrivedCity: f.Get("arrived_city"), Street: f.Get("street"), Postcode: f.Get("postcode"), City: f.Get("city"),
		DistrictID: f.Get("district_id"), QuarterID: f.Get("quarter_id"), Phone: f.Get("phone"), Email: f.Get("email"),
		Messenger: f.Get("messenger"), BenefitRegime: f.Get("benefit_regime"), OtherCM: f["other_case_management"],
		Version: web.Version(r), Acknowledged: checked(f, "confirm_not_duplicate")}
}

func checked(f url.Values, field string) bool {
	switch f.Get(field) {
	case "1", "on", "true":
		return true
	}
	return false
}

// clientValues fills the form from a client.
func clientValues(c *Client) url.Values {
	v := url.Values{"given_names": {c.GivenNames}, "family_name": {c.FamilyName}, "name_original_script": {c.NameOriginal},
		"other_spellings": {strings.Join(c.OtherSpellings, "\n")}, "birth_date": {c.BirthDate}, "sex": {c.Sex},
		"nationalities": {strings.Join(c.Nationalities, ", ")}, "country_of_birth": {c.CountryOfBirth}, "languages": c.Languages,
		"german_level": {c.GermanLevel}, "interpreter_language": {c.Interpreter}, "arrived_germany": {c.ArrivedGermany},
		"arrived_city": {c.ArrivedCity}, "street": {c.Street}, "postcode": {c.Postcode}, "city": {c.City},
		"district_id": {c.DistrictID}, "quarter_id": {c.QuarterID}, "phone": {c.Phone}, "email": {c.Email},
		"messenger": {c.Messenger}, "benefit_regime": {c.BenefitRegime}, "other_case_management": c.OtherCM,
		"version": {itoa(c.Version)}}
	if c.Stateless {
		v.Set("stateless", "1")
	}
	return v
}

func (h *HTTP) clientCreate(w http.ResponseWriter, r *http.Request) {
	actor, ok := h.parse(w, r, KindClient, access.Create)
	if !ok {
		return
	}
	res, err := h.S.CreateClient(r.Context(), actor, clientInput(r))
	if err != nil {
		h.clientForm(w, r, 0, actor, nil, r.PostForm, err)
		return
	}
	flash := "casework.client.created"
	if res.KnownElsewhere {
		flash = "casework.client.created_elsewhere"
	}
	web.Redirect(w, r, "/klienten/"+res.Client.ID, flash)
}

func (h *HTTP) clientEdit(w http.ResponseWriter, r *http.Request) {
	actor, ok := h.check(w, r, KindClient, access.Update)
	if !ok {
		return
	}
	c, err := h.S.GetClient(r.Context(), actor, r.PathValue("id"))
	if err != nil {
		h.R.Fail(w, r, err)
		return
	}
	h.clientForm(w, r, http.StatusOK, actor, c, clientValues(c), nil)
}

func (h *HTTP) clientUpdate(w http.ResponseWriter, r *http.Request) {
	actor, ok := h.parse(w, r, KindClient, access.Update)
	if !ok {
		return
	}
	c, err := h.S.UpdateClient(r.Context(), actor, r.PathValue("id"), clientInput(r))
	if err != nil {
		cur, gerr := h.S.GetClient(r.Context(), actor, r.PathValue("id"))
		if gerr != nil {
			h.R.Fail(w, r, gerr)
			return
		}
		h.clientForm(w, r, 0, actor, cur, r.PostForm, err)
		return
	}
	web.Redirect(w, r, "/klienten/"+c.ID, "casework.client.saved")
}

// clientPageData is the data of a client's page.
type clientPageData struct {
	Client    *Client
	Consents  []Consent
	Cases     []Case
	Today     string
	Opts      *Options
	Relations []web.Option
	Residence []web.Option
	Sources   []web.Option
}

func (h *HTTP) clientView(w http.ResponseWriter, r *http.Request) {
	h.clientPage(w, r, http.StatusOK, nil)
}

// clientPage renders a client's page; the form of a section that failed comes back with its
// values and messages (the sections' field names differ, so one form serves them all).
func (h *HTTP) clientPage(w http.ResponseWriter, r *http.Request, status int, form *web.Form) {
	actor, ok := h.check(w, r, KindClient, access.View)
	if !ok {
		return
	}
	c, err := h.S.GetClient(r.Context(), actor, r.PathValue("id"))
	if err != nil {
		h.R.Fail(w, r, err)
		return
	}
	ks, err := h.S.Consents(r.Context(), actor, c.ID)
	if err != nil {
		h.R.Fail(w, r, err)
		return
	}
	var cases []Case
	if access.Allowed(actor, KindCase, access.List) {
		q := web.ListQuery{Page: 1, Size: web.MaxPageSize, Sort: "requested", Desc: true}
		if cases, _, err = h.S.ListCases(r.Context(), actor, q, CaseFilter{ClientID: c.ID, Statuses: Statuses}); err != nil {
			h.R.Fail(w, r, err)
			return
		}
	}
	opts, err := h.S.FormOptions(r.Context(), actor)
	if err != nil {
		h.R.Fail(w, r, err)
		return
	}
	if form == nil {
		form = web.NewForm(url.Values{"source": {"document"}})
	}
	h.R.Render(w, r, max(status, http.StatusOK), "casework/client", web.View{Title: "casework.client.view_title", TitleArgs: []any{"Name", c.Name()}, Form: form,
		Data: clientPageData{Client: c, Consents: ks, Cases: cases, Today: todayOf(h.S), Opts: opts,
			Relations: codeOptions("casework.relationship.", Relationships), Residence: codeOptions("casework.residence_type.", ResidenceTypes),
			Sources: codeOptions("casework.residence_source.", ResidenceSources)}})
}

func (h *HTTP) householdAdd(w http.ResponseWriter, r *http.Request) {
	actor, ok := h.parse(w, r, KindClient, access.Update)
	if !ok {
		return
	}
	f := r.PostForm
	_, err := h.S.AddHouseholdMember(r.Context(), actor, r.PathValue("id"), HouseholdInput{MemberID: f.Get("member_client_id"),
		Name: f.Get("member_name"), Relationship: f.Get("relationship"), BirthDate: f.Get("member_birth_date")})
	if err != nil {
		h.sectionFailed(w, r, err, func(form *web.Form) { h.clientPage(w, r, http.StatusUnprocessableEntity, form) })
		return
	}
	web.Redirect(w, r, "/klienten/"+r.PathValue("id")+"#haushalt", "casework.client.household_added")
}

func (h *HTTP) householdRemove(w http.ResponseWriter, r *http.Request) {
	h.postAction(w, r, KindClient, access.Update, "casework.client.household_removed", func(actor access.Actor) (string, error) {
		clientID, err := h.S.RemoveHouseholdMember(r.Context(), actor, r.PathValue("id"))
		return "/klienten/" + clientID + "#haushalt", err
	})
}

// postAction runs a posted action that needs no form input after the role check and goes to
// the page it names with a message; an error gets the error page.
func (h *HTTP) postAction(w http.ResponseWriter, r *http.Request, k access.Kind, a access.Action, flash string,
	do func(actor access.Actor) (string, error)) {
	actor, ok := h.parse(w, r, k, a)
	if !ok {
		return
	}
	to, err := do(actor)
	if err != nil {
		h.R.Fail(w, r, err)
		return
	}
	web.Redirect(w, r, to, flash)
}

func (h *HTTP) residenceAdd(w http.ResponseWriter, r *http.Request) {
	actor, ok := h.parse(w, r, KindClient, access.Update)
	if !ok {
		return
	}
	f := r.PostForm
	_, err := h.S.AddResidenceStatus(r.Context(), actor, r.PathValue("id"), ResidenceInput{Type: f.Get("residence_type"), LegalBasis: f.Get("legal_basis"),
		IssuedOn: f.Get("issued_on"), ValidUntil: f.Get("valid_until"), DocumentExpiry: f.Get("document_expiry"), Source: f.Get("source")})
	if err != nil {
		h.sectionFailed(w, r, err, func(form *web.Form) { h.clientPage(w, r, http.StatusUnprocessableEntity, form) })
		return
	}
	web.Redirect(w, r, "/klienten/"+r.PathValue("id")+"#aufenthalt", "casework.client.residence_added")
}

// sectionFailed shows a page again with a section form's messages (validation errors) or
// answers with the error page.
func (h *HTTP) sectionFailed(w http.ResponseWriter, r *http.Request, err error, again func(*web.Form)) {
	form := web.NewForm(r.PostForm).WithError(err)
	if len(form.Errors) == 0 {
		h.R.Fail(w, r, err)
		return
	}
	again(form)
}

func todayOf(s *Service) string { return valid.Today(s.DB.Clock.Now()) }
