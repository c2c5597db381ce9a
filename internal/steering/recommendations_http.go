package steering

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"kim/internal/platform/access"
	"kim/internal/platform/web"
)

func (h *HTTP) recommendationRoutes(rt *web.Router) {
	rt.Handle("GET /empfehlungen", web.Staff, h.recList)
	rt.Handle("GET /empfehlungen/neu", web.Staff, h.recNew)
	rt.Handle("POST /empfehlungen/neu", web.Staff, h.recCreate)
	rt.Handle("GET /empfehlungen/{id}", web.Staff, h.recView)
	rt.Handle("POST /empfehlungen/{id}", web.Staff, h.recUpdate)
	rt.Handle("POST /empfehlungen/{id}/status", web.Staff, h.recStatus)
	rt.Handle("POST /empfehlungen/{id}/rueckmeldung", web.Staff, h.recFeedback)
	rt.Handle("POST /empfehlungen/{id}/angebote", web.Staff, h.recOffer)
}

type recListData struct {
	Items                    []Recommendation
	Pager                    web.Pager
	Statuses, Themes, Bodies []web.Option
	CanCreate                bool
}

func (h *HTTP) recList(w http.ResponseWriter, r *http.Request) {
	actor, ok := h.loopCheck(w, r, KindRecommendation, access.List)
	if !ok {
		return
	}
	q := web.ParseList(r, RecSortKeys...)
	if r.URL.Query().Get("sort") == "" {
		q.Desc = true
	}
	v := r.URL.Query()
	items, total, err := h.S.ListRecommendations(r.Context(), actor, q, RecFilter{Status: v.Get("status"), ThemeID: v.Get("thema"),
		BodyID: v.Get("gremium"), Overdue: v.Get("overdue") == "1"})
	if err != nil {
		h.R.Fail(w, r, err)
		return
	}
	themes, err := h.S.ThemeChoices(r.Context(), actor, true)
	if err != nil {
		h.R.Fail(w, r, err)
		return
	}
	bodies, err := h.S.BodyChoices(r.Context(), actor, false)
	if err != nil {
		h.R.Fail(w, r, err)
		return
	}
	data := recListData{Items: items, Pager: web.NewPager(q, total, r), Statuses: loopOptions("steering.rec_status.", RecStatuses),
		Themes: choiceOptions(themes), Bodies: choiceOptions(bodies), CanCreate: access.Allowed(actor, KindRecommendation, access.Create)}
	h.R.Render(w, r, http.StatusOK, "steering/recommendations", web.View{Title: "steering.rec.list_title", Form: web.NewForm(v), Data: data})
}

type recFormData struct {
	Themes   []web.Option
	Bodies   []web.Option
	Orgs     []web.Option
	MoreOrgs bool   // the tenant has more organisations than listed
	Theme    string // the fixed theme's title when the form was opened from a theme
	ThemeID  string
	Edit     *Recommendation
	// Indicators are the monitoring's catalogue (checkboxes; nil: a field of free codes).
	Indicators []web.Option
}

var recFields = web.Fields("theme_id", "steering.rec.theme", "title", "steering.rec.title", "text", "steering.rec.text",
	"body_id", "steering.rec.body", "organisation_ids", "steering.rec.organisations", "due_date", "steering.rec.due_date",
	"indicator_codes", "steering.rec.indicators", "status", "steering.rec.new_status", "meeting_id", "steering.rec.meeting",
	"note", "steering.rec.note", "feedback", "steering.rec.feedback", "offer_id", "steering.rec.offer")

func recInput(f url.Values) RecInput {
	return RecInput{Title: f.Get("title"), Text: f.Get("text"), BodyID: f.Get("body_id"), OrganisationIDs: f["organisation_ids"],
		DueDate: f.Get("due_date"), Indicators: strings.Join(f["indicator_codes"], " ")}
}

// indicatorOptions are the catalogue's indicators in the page's language (nil without the
// monitoring).
func (h *HTTP) indicatorOptions(r *http.Request) []web.Option {
	if h.S.Indicators == nil {
		return nil
	}
	return h.S.Indicators.IndicatorChoices(h.R.Localizer(r).Lang)
}

// recForm shows the form of a new recommendation (after a failed post with its messages).
func (h *HTTP) recForm(w http.ResponseWriter, r *http.Request, actor access.Actor, values url.Values, failed error) {
	opts, err := h.S.RecommendationForm(r.Context(), actor, values["organisation_ids"])
	if err != nil {
		h.R.Fail(w, r, err)
		return
	}
	form := web.NewForm(values)
	form.Fields = recFields
	data := recFormData{Themes: choiceOptions(opts.Themes), Bodies: choiceOptions(opts.Bodies), Orgs: choiceOptions(opts.Organisations),
		MoreOrgs: opts.MoreOrganisations, Indicators: h.indicatorOptions(r)}
	for _, t := range opts.Themes {
		if t.ID == values.Get("theme_id") && values.Get("fixed") == "1" {
			data.Theme, data.ThemeID = t.Label, t.ID
		}
	}
	if len(opts.Bodies) == 1 && values.Get("body_id") == "" {
		form.Values.Set("body_id", opts.Bodies[0].ID)
	}
	v := web.View{Title: "steering.rec.new_title", Form: form, Data: data}
	if failed != nil {
		h.R.FormFailed(w, r, failed, "steering/recommendation_form", v)
		return
	}
	h.R.Render(w, r, http.StatusOK, "steering/recommendation_form", v)
}

func (h *HTTP) recNew(w http.ResponseWriter, r *http.Request) {
	actor, ok := h.loopCheck(w, r, KindRecommendation, access.Create)
	if !ok {
		return
	}
	values := url.Values{}
	if t := r.URL.Query().Get("thema"); t != "" {
		values.Set("theme_id", t)
		values.Set("fixed", "1")
	}
	h.recForm(w, r, actor, values, nil)
}

func (h *HTTP) recCreate(w http.ResponseWriter, r *http.Request) {
	actor, ok := h.loopParse(w, r, KindRecommendation, access.Create)
	if !ok {
		return
	}
	id, err := h.S.CreateRecommendation(r.Context(), actor, r.PostForm.Get("theme_id"), recInput(r.PostForm))
	if err != nil {
		h.recForm(w, r, actor, r.PostForm, err)
		return
	}
	web.Redirect(w, r, "/empfehlungen/"+id, "steering.rec.created")
}

type recPageData struct {
	*RecView
	Steps    []web.Option
	Decision map[string]bool // the steps that need a deciding meeting
	Meetings []web.Option
	Bodies   []web.Option
	Orgs     []web.Option
	MoreOrgs bool
	Offers   []web.Option
	// MoreOffers: the tenant has more offers than the choice lists.
	MoreOffers bool
	Feedback   bool // the feedback form is shown
	// DecisionFeedback: the status form takes the feedback with a decision.
	DecisionFeedback bool
	// Indicators are the monitoring's catalogue (nil: free codes).
	Indicators []web.Option
}

// recPage renders a recommendation's page; after a failed form with the posted values and the
// messages.
func (h *HTTP) recPage(w http.ResponseWriter, r *http.Request, status int, failed error) {
	actor, ok := h.loopCheck(w, r, KindRecommendation, access.View)
	if !ok {
		return
	}
	v, err := h.S.GetRecommendation(r.Context(), actor, r.PathValue("id"))
	if err != nil {
		h.R.Fail(w, r, err)
		return
	}
	rec := v.Rec
	orgIDs := make([]string, len(rec.Organisations))
	for i, o := range rec.Organisations {
		orgIDs[i] = o.ID
	}
	values := url.Values{"title": {rec.Title}, "text": {rec.Text}, "body_id": {rec.BodyID}, "organisation_ids": orgIDs,
		"due_date": {rec.DueDate}, "indicator_codes": rec.Indicators, "feedback": {rec.Feedback},
		"version": {strconv.Itoa(rec.Version)}}
	for k, vs := range r.PostForm {
		if k != "version" {
			values[k] = vs
		}
	}
	form := web.NewForm(values)
	form.Fields = recFields
	if failed != nil {
		form.WithError(failed)
	}
	data := recPageData{RecView: v, Decision: map[string]bool{}, Feedback: v.MayManage && (rec.InForce() || rec.Status == RecRejected),
		Indicators: h.indicatorOptions(r)}
	for _, st := range v.Steps {
		data.Steps = append(data.Steps, web.Option{Value: st.To, Label: "steering.rec_step." + st.To, Translate: true})
		data.Decision[st.To] = st.Decision
		data.DecisionFeedback = data.DecisionFeedback || st.To == RecAdopted || st.To == RecRejected
	}
	for _, m := range v.Meetings {
		data.Meetings = append(data.Meetings, web.Option{Value: m.ID, Label: m.Title + " (" + m.Body + ", " + dayText(m.Day) + ")"})
	}
	if v.MayEdit {
		opts, err := h.S.RecommendationForm(r.Context(), actor, values["organisation_ids"])
		if err != nil {
			h.R.Fail(w, r, err)
			return
		}
		data.Bodies, data.Orgs, data.MoreOrgs = choiceOptions(opts.Bodies), choiceOptions(opts.Organisations), opts.MoreOrganisations
	}
	if v.MayManage && rec.InForce() {
		offers, more, err := h.S.OfferChoices(r.Context(), actor, rec.ID)
		if err != nil {
			h.R.Fail(w, r, err)
			return
		}
		data.MoreOffers = more
		for _, o := range offers {
			data.Offers = append(data.Offers, web.Option{Value: o.ID, Label: o.Label + " – " + o.Detail})
		}
	}
	h.R.Render(w, r, status, "steering/recommendation", web.View{Title: "steering.rec.view_title", TitleArgs: []any{"Title", rec.Title},
		Form: form, Data: data})
}

// dayText shows an ISO date in German order.
func dayText(s string) string {
	if len(s) == 10 {
		return s[8:10] + "." + s[5:7] + "." + s[0:4]
	}
	return s
}

func (h *HTTP) recView(w http.ResponseWriter, r *http.Request) { h.recPage(w, r, http.StatusOK, nil) }

// recAction runs a form of the recommendation's page.
func (h *HTTP) recAction(w http.ResponseWriter, r *http.Request, a access.Action, anchor, flash string, do func(actor access.Actor, f url.Values) error) {
	h.loopAction(w, r, KindRecommendation, a, "/empfehlungen/"+r.PathValue("id")+anchor, flash, do,
		func(status int, shown error) { h.recPage(w, r, status, shown) })
}

func (h *HTTP) recUpdate(w http.ResponseWriter, r *http.Request) {
	h.recAction(w, r, access.Update, "", "steering.rec.saved", func(actor access.Actor, f url.Values) error {
		return h.S.UpdateRecommendation(r.Context(), actor, r.PathValue("id"), web.Version(r), recInput(f))
	})
}

func (h *HTTP) recStatus(w http.ResponseWriter, r *http.Request) {
	h.recAction(w, r, access.Update, "#status", "steering.rec.status_changed", func(actor access.Actor, f url.Values) error {
		return h.S.MoveRecommendation(r.Context(), actor, r.PathValue("id"), web.Version(r), RecMove{To: f.Get("status"),
			MeetingID: f.Get("meeting_id"), Note: f.Get("note"), Feedback: f.Get("feedback")})
	})
}

func (h *HTTP) recFeedback(w http.ResponseWriter, r *http.Request) {
	h.recAction(w, r, access.Manage, "#rueckmeldung", "steering.rec.feedback_saved", func(actor access.Actor, f url.Values) error {
		return h.S.SetFeedback(r.Context(), actor, r.PathValue("id"), web.Version(r), f.Get("feedback"))
	})
}

func (h *HTTP) recOffer(w http.ResponseWriter, r *http.Request) {
	h.recAction(w, r, access.Manage, "#angebote", "steering.rec.offer_linked", func(actor access.Actor, f url.Values) error {
		return h.S.LinkExistingOffer(r.Context(), actor, r.PathValue("id"), f.Get("offer_id"))
	})
}
