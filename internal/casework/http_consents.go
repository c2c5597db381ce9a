package casework

import (
	"net/http"
	"net/url"

	"kim/internal/platform/access"
	"kim/internal/platform/valid"
	"kim/internal/platform/web"
)

func (h *HTTP) consentRoutes(rt *web.Router) {
	rt.Handle("GET /klienten/{id}/einwilligungen/neu", web.Staff, h.consentNew)
	rt.Handle("POST /klienten/{id}/einwilligungen", web.Staff, h.consentCreate)
	rt.Handle("GET /einwilligungen/{id}/formular.pdf", web.Staff, h.consentPDF)
	rt.Handle("GET /einwilligungen/{id}/widerrufen", web.Staff, h.consentRevokeConfirm)
	rt.Handle("POST /einwilligungen/{id}/widerrufen", web.Staff, h.consentRevoke)
}

type consentFormData struct {
	Client                                         *Client
	Cases                                          []web.Option
	Opts                                           *Options
	Categories, Special, Directions, FormLanguages []web.Option
}

var consentFields = web.Fields("recipients", "casework.consent.recipients", "recipient_person", "casework.consent.recipient_person",
	"purpose", "casework.consent.purpose", "categories", "casework.consent.categories", "special_categories", "casework.consent.special_categories",
	"direction", "casework.consent.direction", "language", "casework.consent.language", "interpreter", "casework.consent.interpreter",
	"given_on", "casework.consent.given_on", "valid_until", "casework.consent.valid_until", "case_id", "casework.consent.case_id")

func (h *HTTP) consentForm(w http.ResponseWriter, r *http.Request, actor access.Actor, values url.Values, err error) {
	c, gerr := h.S.GetClient(r.Context(), actor, r.PathValue("id"))
	if gerr != nil {
		h.R.Fail(w, r, gerr)
		return
	}
	opts, gerr := h.S.FormOptions(r.Context(), actor)
	if gerr != nil {
		h.R.Fail(w, r, gerr)
		return
	}
	var cases []web.Option
	if access.Allowed(actor, KindCase, access.List) {
		cs, _, lerr := h.S.ListCases(r.Context(), actor, web.ListQuery{Page: 1, Size: web.MaxPageSize, Sort: "requested"}, CaseFilter{ClientID: c.ID})
		if lerr != nil {
			h.R.Fail(w, r, lerr)
			return
		}
		for _, k := range cs {
			cases = append(cases, web.Option{Value: k.ID, Label: k.Number})
		}
	}
	langs := make([]web.Option, len(FormLanguages))
	for i, l := range FormLanguages {
		langs[i] = web.Option{Value: l, Label: "language.name." + l, Translate: true}
	}
	f := web.NewForm(values)
	f.Fields = consentFields
	v := web.View{Title: "casework.consent.new_title", TitleArgs: []any{"Name", c.Name()}, Form: f,
		Data: consentFormData{Client: c, Cases: cases, Opts: opts, Categories: codeOptions("casework.category.", ConsentCategories),
			Special: codeOptions("casework.special.", SpecialCategories), Directions: codeOptions("casework.direction.", Directions), FormLanguages: langs}}
	if err != nil {
		h.R.FormFailed(w, r, err, "casework/consent_form", v)
		return
	}
	h.R.Render(w, r, http.StatusOK, "casework/consent_form", v)
}

func (h *HTTP) consentNew(w http.ResponseWriter, r *http.Request) {
	actor, ok := h.check(w, r, KindConsent, access.Create)
	if !ok {
		return
	}
	v := url.Values{"given_on": {valid.Today(h.S.DB.Clock.Now())}, "direction": {"one_way"}, "language": {"de"}}
	if c := r.URL.Query().Get("fall"); c != "" {
		v.Set("case_id", c)
		v.Set("until_case_closure", "1")
	}
	h.consentForm(w, r, actor, v, nil)
}

func (h *HTTP) consentCreate(w http.ResponseWriter, r *http.Request) {
	actor, ok := h.parse(w, r, KindConsent, access.Create)
	if !ok {
		return
	}
	f := r.PostForm
	var recips []Recipient
	for _, o := range f["recipients"] {
		recips = append(recips, Recipient{OrganisationID: o})
	}
	if p := f.Get("recipient_person"); p != "" {
		recips = append(recips, Recipient{Person: p})
	}
	_, err := h.S.CreateConsent(r.Context(), actor, r.PathValue("id"), ConsentInput{CaseID: f.Get("case_id"), Recipients: recips,
		Purpose: f.Get("purpose"), Categories: f["categories"], Special: f["special_categories"], Direction: f.Get("direction"),
		Language: f.Get("language"), Interpreter: f.Get("interpreter"), GivenOn: f.Get("given_on"), ValidUntil: f.Get("valid_until"),
		UntilClosure: checked(f, "until_case_closure")})
	if err != nil {
		h.consentForm(w, r, actor, f, err)
		return
	}
	web.Redirect(w, r, "/klienten/"+r.PathValue("id")+"#einwilligungen", "casework.consent.created")
}

func (h *HTTP) consentPDF(w http.ResponseWriter, r *http.Request) {
	actor, ok := h.check(w, r, KindConsent, access.View)
	if !ok {
		return
	}
	pdf, err := h.S.ConsentPDF(r.Context(), actor, r.PathValue("id"))
	if err != nil {
		h.R.Fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `attachment; filename="einwilligung.pdf"`)
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(pdf)
}

type revokeData struct {
	Consent  *Consent
	Channels []web.Option
}

func (h *HTTP) revokePage(w http.ResponseWriter, r *http.Request, actor access.Actor, status int, f *web.Form) {
	k, err := h.S.GetConsent(r.Context(), actor, r.PathValue("id"))
	if err != nil {
		h.R.Fail(w, r, err)
		return
	}
	h.R.Render(w, r, status, "casework/consent_revoke", web.View{Title: "casework.consent.revoke_title", Form: f,
		Data: revokeData{Consent: k, Channels: codeOptions("casework.channel.", RevocationChannels)}})
}

func (h *HTTP) consentRevokeConfirm(w http.ResponseWriter, r *http.Request) {
	actor, ok := h.check(w, r, KindConsent, access.Update)
	if !ok {
		return
	}
	h.revokePage(w, r, actor, http.StatusOK, web.NewForm(url.Values{"revocation_channel": {"oral"}}))
}

func (h *HTTP) consentRevoke(w http.ResponseWriter, r *http.Request) {
	actor, ok := h.parse(w, r, KindConsent, access.Update)
	if !ok {
		return
	}
	k, err := h.S.RevokeConsent(r.Context(), actor, r.PathValue("id"), r.PostForm.Get("revocation_channel"))
	if err != nil {
		f := web.NewForm(r.PostForm).WithError(err)
		if len(f.Errors) > 0 {
			h.revokePage(w, r, actor, http.StatusUnprocessableEntity, f)
			return
		}
		h.R.Fail(w, r, err)
		return
	}
	web.Redirect(w, r, "/klienten/"+k.ClientID+"#einwilligungen", "casework.consent.revoked_done")
}
