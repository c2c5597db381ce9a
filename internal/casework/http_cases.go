package casework

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"kim/internal/platform/access"
	"kim/internal/platform/errs"
	"kim/internal/platform/valid"
	"kim/internal/platform/web"
)

func (h *HTTP) caseRoutes(rt *web.Router) {
	rt.Handle("GET /faelle", web.Staff, h.caseList)
	rt.Handle("GET /faelle/neu", web.Staff, h.caseNew)
	rt.Handle("POST /faelle", web.Staff, h.caseCreate)
	rt.Handle("GET /faelle/{id}", web.Staff, h.caseView)
	rt.Handle("POST /faelle/{id}/zweck", web.Staff, h.casePurpose)
	rt.Handle("POST /faelle/{id}/phase", web.Staff, h.caseMove)
	rt.Handle("POST /faelle/{id}/aufnahme", web.Staff, h.caseAdmission)
	rt.Handle("GET /faelle/{id}/zustaendigkeit", web.Staff, h.caseAssignPage)
	rt.Handle("POST /faelle/{id}/zustaendigkeit", web.Staff, h.caseAssign)
	rt.Handle("POST /faelle/{id}/kontakte", web.Staff, h.contactCreate)
	rt.Handle("POST /faelle/{id}/vermittlungen", web.Staff, h.referralCreate)
	rt.Handle("POST /vermittlungen/{id}/erledigt", web.Staff, h.referralDone)
	rt.Handle("POST /vermittlungen/{id}/antwort", web.Staff, h.referralAnswer)

	rt.Handle("GET /vermittlungen/eingang", web.Staff, h.incomingList)
	rt.Handle("GET /vermittlungen/{id}", web.Staff, h.incomingView)
	rt.Handle("POST /vermittlungen/{id}", web.Staff, h.incomingAnswer)
	rt.Handle("POST /vermittlungen/{id}/uebernehmen", web.Staff, h.takeOver)
	rt.Handle("GET /partner/{id}", web.Public, h.partnerView)
	rt.Handle("POST /partner/{id}", web.Public, h.partnerAnswer)
}

type caseListData struct {
	Items    []Case
	Pager    web.Pager
	Team     bool
	Staff    []web.Option
	Statuses []web.Option
}

func (h *HTTP) caseList(w http.ResponseWriter, r *http.Request) {
	actor, ok := h.check(w, r, KindCase, access.List)
	if !ok {
		return
	}
	q := web.ParseList(r, "updated", "number", "client", "status", "requested", "review")
	if r.URL.Query().Get("sort") == "" {
		q.Desc = true
	}
	f := caseFilter(r)
	team := access.ReachOf(actor.Role, KindCase, access.List) == access.Organisation
	if !team {
		f.Mine = true
	}
	items, total, err := h.S.ListCases(r.Context(), actor, q, f)
	if err != nil {
		h.R.Fail(w, r, err)
		return
	}
	data := caseListData{Items: items, Pager: web.NewPager(q, total, r), Team: team,
		Statuses: append([]web.Option{{Value: "all", Label: "casework.case.all", Translate: true}}, codeOptions("casework.status.", Statuses)...)}
	title := "casework.case.list_title"
	if team {
		title = "casework.case.team_title"
		opts, err := h.S.FormOptions(r.Context(), actor)
		if err != nil {
			h.R.Fail(w, r, err)
			return
		}
		data.Staff = opts.Staff
	}
	h.R.Render(w, r, http.StatusOK, "casework/cases", web.View{Title: title, Form: web.NewForm(r.URL.Query()), Data: data})
}

type caseFormData struct {
	Client            *Client
	Clients           []web.Option
	Opts              *Options
	Routes, Urgencies []web.Option
}

var caseFields = web.Fields("client_id", "casework.case.client", "access_route", "casework.case.access_route",
	"requested_on", "casework.case.requested_on", "urgency", "casework.case.urgency", "case_manager_id", "casework.case.case_manager_id",
	"deputy_id", "casework.case.deputy_id", "location_id", "casework.case.location_id", "admission_criteria_met", "casework.case.admission_criteria_met",
	"admission_note", "casework.case.admission_note", "member_client_ids", "casework.case.member_client_ids")

func (h *HTTP) caseForm(w http.ResponseWriter, r *http.Request, actor access.Actor, clientID string, values url.Values, err error) {
	c, gerr := h.S.GetClient(r.Context(), actor, clientID)
	if gerr != nil {
		if err != nil {
			gerr = err // the form cannot be shown without its client: answer with the form's error
		}
		h.R.Fail(w, r, gerr)
		return
	}
	opts, gerr := h.S.FormOptions(r.Context(), actor)
	if gerr != nil {
		h.R.Fail(w, r, gerr)
		return
	}
	var members []web.Option
	for _, m := range c.Household {
		if m.MemberID != "" {
			members = append(members, web.Option{Value: m.MemberID, Label: m.Name})
		}
	}
	f := web.NewForm(values)
	f.Fields = caseFields
	v := web.View{Title: "casework.case.new_title", Form: f, Data: caseFormData{Client: c, Clients: members, Opts: opts,
		Routes: codeOptions("casework.route.", AccessRoutes), Urgencies: codeOptions("casework.urgency.", Urgencies)}}
	if err != nil {
		h.R.FormFailed(w, r, err, "casework/case_form", v)
		return
	}
	h.R.Render(w, r, http.StatusOK, "casework/case_form", v)
}

func (h *HTTP) caseNew(w http.ResponseWriter, r *http.Request) {
	actor, ok := h.check(w, r, KindCase, access.Create)
	if !ok {
		return
	}
	if r.URL.Query().Get("klient") == "" {
		web.Redirect(w, r, "/klienten", "casework.case.choose_client")
		return
	}
	h.caseForm(w, r, actor, r.URL.Query().Get("klient"), url.Values{"requested_on": {valid.Today(h.S.DB.Clock.Now())},
		"urgency": {"normal"}, "case_manager_id": {actor.UserID}}, nil)
}

func (h *HTTP) caseCreate(w http.ResponseWriter, r *http.Request) {
	actor, ok := h.parse(w, r, KindCase, access.Create)
	if !ok {
		return
	}
	f := r.PostForm
	c, err := h.S.CreateCase(r.Context(), actor, CaseInput{ClientID: f.Get("client_id"), AccessRoute: f.Get("access_route"),
		CaseManagerID: f.Get("case_manager_id"), DeputyID: f.Get("deputy_id"), LocationID: f.Get("location_id"), Urgency: f.Get("urgency"),
		RequestedOn: f.Get("requested_on"), Admission: f["admission_criteria_met"], AdmissionNote: f.Get("admission_note"),
		Members: f["member_client_ids"]})
	if err != nil {
		h.caseForm(w, r, actor, f.Get("client_id"), f, err)
		return
	}
	web.Redirect(w, r, "/faelle/"+c.ID, "casework.case.created")
}

type casePageData struct {
	*CaseFile
	Next                                              []web.Option
	CloseReasons, Modes, Interpreters, Domains, Langs []web.Option
	Organisations, Consents, Staff                    []web.Option
	Routes, Urgencies, Criteria, Locations, Members   []web.Option
	Answers                                           []web.Option
	Offers                                            []OfferGroup // offers a referral can name
	OffersMore                                        bool         // more than MaxReferralOffers
	MaxOffers                                         int
	CanAssign                                         bool
	Link                                              string
	Open                                              bool
}

// casePage renders a case's page (status 200) or, after a failed section form, with its
// messages; a case that needs a purpose first shows the purpose form.
func (h *HTTP) casePage(w http.ResponseWriter, r *http.Request, status int, form *web.Form, link string, failed error) {
	actor, ok := h.check(w, r, KindCase, access.View)
	if !ok {
		return
	}
	cf, err := h.S.GetCaseFile(r.Context(), actor, r.PathValue("id"), "")
	if errors.Is(err, ErrPurposeRequired) && failed != nil {
		// A form on the page failed but the page needs a purpose first: answer with the
		// form's error alone.
		h.R.Fail(w, r, failed)
		return
	}
	if errors.Is(err, ErrPurposeRequired) {
		h.askPurpose(w, r, http.StatusForbidden, nil)
		return
	}
	if err != nil {
		h.R.Fail(w, r, err)
		return
	}
	opts, err := h.S.FormOptions(r.Context(), actor)
	if err != nil {
		h.R.Fail(w, r, err)
		return
	}
	if form == nil {
		members := []string{}
		for _, p := range cf.Case.Participants {
			members = append(members, p.ClientID)
		}
		form = web.NewForm(url.Values{"date": {cf.Today}, "mode": {"in_person"}, "interpreter": {"none"}, "version": {strconv.Itoa(cf.Case.Version)},
			"case_manager_id": {cf.Case.CaseManagerID}, "deputy_id": {cf.Case.DeputyID}, "access_route": {cf.Case.AccessRoute},
			"urgency": {cf.Case.Urgency}, "location_id": {cf.Case.LocationID}, "admission_criteria_met": cf.Case.Admission,
			"admission_note": {cf.Case.AdmissionNote}, "member_client_ids": members})
	}
	var consents []web.Option
	for _, k := range cf.Consents {
		consents = append(consents, web.Option{Value: k.ID, Label: k.Purpose})
	}
	data := casePageData{CaseFile: cf, Next: codeOptions("casework.status.", Next(cf.Case.Status)),
		CloseReasons: codeOptions("casework.close_reason.", CloseReasons), Modes: codeOptions("casework.mode.", ContactModes),
		Interpreters: codeOptions("casework.interpreter.", InterpreterKinds), Domains: codeOptions("casework.domain.", Domains),
		Langs: languageOptions(), Organisations: opts.Organisations, Consents: consents, Staff: opts.Staff,
		CanAssign: access.Allowed(actor, KindCase, access.Manage), Link: link, Open: IsOpen(cf.Case.Status),
		Routes: codeOptions("casework.route.", AccessRoutes), Urgencies: codeOptions("casework.urgency.", Urgencies),
		Criteria: opts.Criteria, Locations: opts.Locations, Answers: codeOptions("casework.referral_status.", ReferralAnswers)}
	// The offers of the referral form, only when the form is shown and the actor may send.
	if data.Open && len(cf.Consents) > 0 && access.Can(actor, access.Update, cf.Case.resource()) == nil {
		if data.Offers, data.OffersMore, err = h.S.ReferralOffers(r.Context(), actor); err != nil {
			h.R.Fail(w, r, err)
			return
		}
		data.MaxOffers = MaxReferralOffers
	}
	for _, m := range cf.Client.Household {
		if m.MemberID != "" {
			data.Members = append(data.Members, web.Option{Value: m.MemberID, Label: m.Name})
		}
	}
	h.R.Render(w, r, status, "casework/case", web.View{Title: "casework.case.view_title", TitleArgs: []any{"Number", cf.Case.Number},
		Form: form, Data: data})
}

func (h *HTTP) caseView(w http.ResponseWriter, r *http.Request) {
	h.casePage(w, r, http.StatusOK, nil, "", nil)
}

func (h *HTTP) casePurpose(w http.ResponseWriter, r *http.Request) {
	actor, ok := h.parse(w, r, KindCase, access.View)
	if !ok {
		return
	}
	_, err := h.S.GetCase(r.Context(), actor, r.PathValue("id"), r.PostForm.Get("purpose"))
	if err != nil {
		f := web.NewForm(r.PostForm).WithError(err)
		if errors.Is(err, ErrPurposeRequired) {
			f.Errors = map[string]errs.Message{"purpose": ErrPurposeRequired.Message}
		}
		if len(f.Errors) > 0 {
			f.Fields = web.Fields("purpose", "casework.case.purpose")
			h.askPurpose(w, r, http.StatusUnprocessableEntity, f)
			return
		}
		h.R.Fail(w, r, err)
		return
	}
	web.Redirect(w, r, purposeNext(r), "")
}

type purposeData struct {
	CaseID string
	Next   string // the page of the case that asked for the purpose
}

// askPurpose shows the form that asks a team lead or deputy for the purpose of opening a case
// that is not theirs; afterwards they return to the page they opened.
func (h *HTTP) askPurpose(w http.ResponseWriter, r *http.Request, status int, f *web.Form) {
	next := r.URL.Path
	if r.Method == http.MethodPost {
		next = purposeNext(r)
	}
	if f == nil {
		f = web.NewForm(nil)
	}
	h.R.Render(w, r, status, "casework/case_purpose", web.View{Title: "casework.case.purpose_title", Form: f,
		Data: purposeData{CaseID: r.PathValue("id"), Next: next}})
}

// purposeNext is where a stated purpose leads: the case page asked for, or the case itself.
func purposeNext(r *http.Request) string {
	base := "/faelle/" + r.PathValue("id")
	if next := r.PostFormValue("next"); next == base || strings.HasPrefix(next, base+"/") && !strings.ContainsAny(next, "?#\\") {
		return next
	}
	return base
}

// caseAction runs a form action on a case and goes back to its page (or shows the page
// again with the form's messages).
func (h *HTTP) caseAction(w http.ResponseWriter, r *http.Request, a access.Action, anchor, flash string,
	do func(actor access.Actor, f url.Values) (string, error)) {
	actor, ok := h.parse(w, r, KindCase, a)
	if !ok {
		return
	}
	link, err := do(actor, r.PostForm)
	if err != nil {
		if errors.Is(err, ErrPurposeRequired) {
			h.R.Fail(w, r, err)
			return
		}
		h.sectionFailed(w, r, err, func(form *web.Form) { h.casePage(w, r, http.StatusUnprocessableEntity, form, "", err) })
		return
	}
	if link != "" {
		// The partner link is shown once, on the page itself, never in a URL.
		h.casePage(w, r, http.StatusOK, nil, link, nil)
		return
	}
	web.Redirect(w, r, "/faelle/"+r.PathValue("id")+anchor, flash)
}

func (h *HTTP) caseAdmission(w http.ResponseWriter, r *http.Request) {
	h.caseAction(w, r, access.Update, "#aufnahme", "casework.admission.saved", func(actor access.Actor, f url.Values) (string, error) {
		_, err := h.S.UpdateAdmission(r.Context(), actor, r.PathValue("id"), AdmissionInput{AccessRoute: f.Get("access_route"),
			Admission: f["admission_criteria_met"], AdmissionNote: f.Get("admission_note"), Urgency: f.Get("urgency"),
			LocationID: f.Get("location_id"), Members: f["member_client_ids"], Version: web.Version(r)}, "")
		return "", err
	})
}

func (h *HTTP) caseMove(w http.ResponseWriter, r *http.Request) {
	h.caseAction(w, r, access.Update, "", "casework.case.moved", func(actor access.Actor, f url.Values) (string, error) {
		// The page has two notes (the phase's and the contact's): the phase's is status_note.
		_, err := h.S.MoveCase(r.Context(), actor, r.PathValue("id"), MoveInput{To: f.Get("status"), Note: f.Get("status_note"),
			CloseReason: f.Get("close_reason"), Version: web.Version(r)}, "")
		return "", renameField(err, "note", "status_note")
	})
}

type assignData struct {
	Case  *Case
	Staff []web.Option
}

func (h *HTTP) assignPage(w http.ResponseWriter, r *http.Request, actor access.Actor, status int, f *web.Form) {
	c, err := h.S.CaseForAssignment(r.Context(), actor, r.PathValue("id"))
	if err != nil {
		h.R.Fail(w, r, err)
		return
	}
	opts, err := h.S.FormOptions(r.Context(), actor)
	if err != nil {
		h.R.Fail(w, r, err)
		return
	}
	if f == nil {
		f = web.NewForm(url.Values{"case_manager_id": {c.CaseManagerID}, "deputy_id": {c.DeputyID}, "version": {strconv.Itoa(c.Version)}})
	}
	f.Fields = web.Fields("case_manager_id", "casework.case.case_manager_id", "deputy_id", "casework.case.deputy_id", "purpose", "casework.case.purpose")
	h.R.Render(w, r, status, "casework/case_assign", web.View{Title: "casework.case.assign", Form: f, Data: assignData{Case: c, Staff: opts.Staff}})
}

func (h *HTTP) caseAssignPage(w http.ResponseWriter, r *http.Request) {
	actor, ok := h.check(w, r, KindCase, access.Manage)
	if !ok {
		return
	}
	h.assignPage(w, r, actor, http.StatusOK, nil)
}

func (h *HTTP) caseAssign(w http.ResponseWriter, r *http.Request) {
	actor, ok := h.parse(w, r, KindCase, access.Manage)
	if !ok {
		return
	}
	f := r.PostForm
	_, err := h.S.AssignCase(r.Context(), actor, r.PathValue("id"), AssignInput{CaseManagerID: f.Get("case_manager_id"),
		DeputyID: f.Get("deputy_id"), Version: web.Version(r), Purpose: f.Get("purpose")})
	if err != nil {
		form := web.NewForm(f).WithError(err)
		if len(form.Errors) == 0 {
			h.R.Fail(w, r, err)
			return
		}
		h.assignPage(w, r, actor, http.StatusUnprocessableEntity, form)
		return
	}
	web.Redirect(w, r, "/faelle", "casework.case.assigned")
}

func (h *HTTP) contactCreate(w http.ResponseWriter, r *http.Request) {
	h.caseAction(w, r, access.Update, "#verlauf", "casework.contact.created", func(actor access.Actor, f url.Values) (string, error) {
		minutes, err := strconv.Atoi(f.Get("duration_minutes"))
		if err != nil {
			minutes = -1
		}
		_, err = h.S.AddContact(r.Context(), actor, r.PathValue("id"), ContactInput{Date: f.Get("date"), DurationMinutes: minutes,
			Mode: f.Get("mode"), Interpreter: f.Get("interpreter"), InterpreterLang: f.Get("interpreter_language"),
			Domains: f["life_domains"], Note: f.Get("note"), FollowUpOn: f.Get("follow_up_on")}, "")
		return "", err
	})
}

func (h *HTTP) referralCreate(w http.ResponseWriter, r *http.Request) {
	h.caseAction(w, r, access.Update, "#vermittlungen", "casework.referral.created", func(actor access.Actor, f url.Values) (string, error) {
		ref, err := h.S.AddReferral(r.Context(), actor, r.PathValue("id"), ReferralInput{OrganisationID: f.Get("organisation_id"),
			OfferID: f.Get("offer_id"), Service: f.Get("service"), ConsentID: f.Get("consent_id"), Message: f.Get("message"), AnswerDue: f.Get("answer_due"),
			PartnerLink: checked(f, "partner_link")}, "")
		if err != nil {
			return "", err
		}
		if ref.PartnerLink == "" {
			return "", nil
		}
		return absURL(r, "/partner/"+ref.PartnerLink), nil
	})
}

// referralAnswer records an answer the partner gave by telephone or letter (the form offers
// valid answers only; anything else gets the error page with its message).
func (h *HTTP) referralAnswer(w http.ResponseWriter, r *http.Request) {
	h.postAction(w, r, KindCase, access.Update, "casework.referral_answer.recorded", func(actor access.Actor) (string, error) {
		caseID, err := h.S.RecordAnswer(r.Context(), actor, r.PathValue("id"), AnswerInput{Status: r.PostForm.Get("answer_status"),
			Note: r.PostForm.Get("answer_note")}, "")
		return "/faelle/" + caseID + "#vermittlungen", err
	})
}

func (h *HTTP) referralDone(w http.ResponseWriter, r *http.Request) {
	h.postAction(w, r, KindCase, access.Update, "casework.referral.marked_done", func(actor access.Actor) (string, error) {
		caseID, err := h.S.CompleteReferral(r.Context(), actor, r.PathValue("id"), "")
		return "/faelle/" + caseID + "#vermittlungen", err
	})
}

// renameField moves a validation message from one field to another (for pages whose form
// names a field differently from the service).
func renameField(err error, from, to string) error {
	var e *errs.Error
	if !errors.As(err, &e) || e.Fields == nil {
		return err
	}
	if m, ok := e.Fields[from]; ok {
		fields := map[string]errs.Message{}
		for k, v := range e.Fields {
			fields[k] = v
		}
		delete(fields, from)
		fields[to] = m
		return &errs.Error{Code: e.Code, Message: e.Message, Fields: fields, Err: e.Err}
	}
	return err
}
