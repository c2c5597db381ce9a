package steering

import (
	"net/http"
	"net/url"
	"strconv"

	"kim/internal/platform/access"
	"kim/internal/platform/errs"
	"kim/internal/platform/web"
)

// bodyRoutes registers the pages of bodies, their members, meetings and calendars.
func (h *HTTP) bodyRoutes(rt *web.Router) {
	rt.Handle("GET /gremien", web.Staff, h.bodyList)
	rt.Handle("GET /gremien/neu", web.Staff, h.bodyNew)
	rt.Handle("POST /gremien/neu", web.Staff, h.bodyCreate)
	rt.Handle("GET /gremien/{id}", web.Staff, h.bodyView)
	rt.Handle("POST /gremien/{id}", web.Staff, h.bodyUpdate)
	rt.Handle("POST /gremien/{id}/mitglieder", web.Staff, h.bodyMemberAdd)
	rt.Handle("GET /gremienmitglieder/{id}", web.Staff, h.bodyMemberView)
	rt.Handle("POST /gremienmitglieder/{id}", web.Staff, h.bodyMemberUpdate)
	rt.Handle("GET /gremienmitglieder/{id}/entfernen", web.Staff, h.bodyMemberRemoveConfirm)
	rt.Handle("POST /gremienmitglieder/{id}/entfernen", web.Staff, h.bodyMemberRemove)
	h.meetingRoutes(rt)  // meetings_http.go
	h.calendarRoutes(rt) // calendar_http.go
}

// bodyChecked reports whether a checkbox field was ticked.
func bodyChecked(f url.Values, field string) bool {
	switch f.Get(field) {
	case "1", "on", "true":
		return true
	}
	return false
}

type bodyListData struct {
	Items         []Body
	Pager         web.Pager
	Types, States []web.Option
	CanCreate     bool
	Filtered      bool // a filter or search is set
}

func (h *HTTP) bodyList(w http.ResponseWriter, r *http.Request) {
	actor, ok := h.loopCheck(w, r, KindBody, access.List)
	if !ok {
		return
	}
	q := web.ParseList(r, "name", "type", "members")
	f := BodyFilter{Type: q.Filter.Get("type"), State: q.Filter.Get("state")}
	items, total, err := h.S.ListBodies(r.Context(), actor, q, f)
	if err != nil {
		h.R.Fail(w, r, err)
		return
	}
	h.R.Render(w, r, http.StatusOK, "steering/bodies", web.View{Title: "steering.body.list_title", Form: web.NewForm(r.URL.Query()),
		Data: bodyListData{Items: items, Pager: web.NewPager(q, total, r), Types: loopOptions("steering.body_type.", BodyTypes),
			States: loopOptions("steering.body.state_", []string{"active", "inactive"}), CanCreate: access.Allowed(actor, KindBody, access.Create),
			Filtered: q.Q != "" || f.Type != "" || f.State != ""}})
}

var bodyFields = web.Fields("name", "steering.body.name", "type", "steering.body.type", "mandate", "steering.body.mandate",
	"active", "steering.body.active")

var memberFields = web.Fields("user_id", "steering.member.user_id", "person_name", "steering.member.person_name",
	"organisation_id", "steering.member.organisation_id", "role", "steering.member.role", "email", "steering.member.email",
	"deputy_name", "steering.member.deputy_name", "deputy_user_id", "steering.member.deputy_user_id", "since", "steering.member.since")

type bodyFormData struct {
	Body  *Body
	Types []web.Option
}

func (h *HTTP) bodyNew(w http.ResponseWriter, r *http.Request) {
	if _, ok := h.loopCheck(w, r, KindBody, access.Create); !ok {
		return
	}
	f := web.NewForm(url.Values{"active": {"1"}, "type": {BodyWorkingGroup}})
	f.Fields = bodyFields
	h.R.Render(w, r, http.StatusOK, "steering/body_form", web.View{Title: "steering.body.new_title", Form: f,
		Data: bodyFormData{Types: loopOptions("steering.body_type.", BodyTypes)}})
}

func bodyInput(r *http.Request) BodyInput {
	f := r.PostForm
	return BodyInput{Name: f.Get("name"), Type: f.Get("type"), Mandate: f.Get("mandate"), Active: bodyChecked(f, "active"), Version: web.Version(r)}
}

func (h *HTTP) bodyCreate(w http.ResponseWriter, r *http.Request) {
	actor, ok := h.loopParse(w, r, KindBody, access.Create)
	if !ok {
		return
	}
	b, err := h.S.CreateBody(r.Context(), actor, bodyInput(r))
	if err != nil {
		f := web.NewForm(r.PostForm)
		f.Fields = bodyFields
		h.R.FormFailed(w, r, err, "steering/body_form", web.View{Title: "steering.body.new_title", Form: f,
			Data: bodyFormData{Types: loopOptions("steering.body_type.", BodyTypes)}})
		return
	}
	web.Redirect(w, r, "/gremien/"+b.ID, "steering.body.created")
}

// bodyPageData is the data of a body's page.
type bodyPageData struct {
	Body           *Body
	Upcoming, Past []Meeting
	CanEdit        bool
	CanManage      bool // the coordination: sees the members' e-mail addresses
	Types, Roles   []web.Option
	Choices        *BodyChoices
	// Dashboards of the monitoring linked to the body (monitoring_links.go).
	Dashboards []LinkedDashboard
}

// bodyValues fills the edit form from a body.
func bodyValues(b *Body) url.Values {
	v := url.Values{"name": {b.Name}, "type": {b.Type}, "mandate": {b.Mandate}, "version": {strconv.Itoa(b.Version)}, "role": {"member"}}
	if b.Active {
		v.Set("active", "1")
	}
	return v
}

func (h *HTTP) bodyView(w http.ResponseWriter, r *http.Request) {
	h.bodyPage(w, r, http.StatusOK, nil, nil)
}

// bodyPage renders a body's page; a section's form that failed (posted, with err) comes back
// with its values and messages, the other section's fields keep the body's values.
func (h *HTTP) bodyPage(w http.ResponseWriter, r *http.Request, status int, posted url.Values, failed error) {
	actor, ok := h.loopCheck(w, r, KindBody, access.View)
	if !ok {
		return
	}
	ctx := r.Context()
	b, err := h.S.GetBody(ctx, actor, r.PathValue("id"))
	if err != nil {
		h.R.Fail(w, r, err)
		return
	}
	d := bodyPageData{Body: b, CanEdit: access.Allowed(actor, KindBody, access.Update), CanManage: access.Allowed(actor, KindBody, access.Manage),
		Types: loopOptions("steering.body_type.", BodyTypes),
		Roles: loopOptions("steering.member_role.", BodyMemberRoles)}
	few := web.ListQuery{Page: 1, Size: 5, Sort: "date"}
	if d.Upcoming, _, err = h.S.ListMeetings(ctx, actor, few, MeetingFilter{BodyID: b.ID, When: "upcoming"}); err == nil {
		few.Desc = true
		d.Past, _, err = h.S.ListMeetings(ctx, actor, few, MeetingFilter{BodyID: b.ID, When: "past"})
	}
	if err == nil && d.CanEdit {
		d.Choices, err = h.S.MemberChoices(ctx, actor)
	}
	if err == nil {
		d.Dashboards, err = h.S.linkedDashboards(ctx, actor, linkBody, b.ID)
	}
	if err != nil {
		h.R.Fail(w, r, err)
		return
	}
	values := bodyValues(b)
	if errs.CodeOf(failed) == errs.Conflict && posted != nil {
		// Changed meanwhile: the input stays in the form with the stored version, so that saving
		// again (after comparing with the stored state above) overwrites it.
		posted.Set("version", strconv.Itoa(b.Version))
		failed = errs.E(errs.Conflict, "steering.body.conflict")
	}
	for k, vs := range posted {
		values[k] = vs
	}
	if posted != nil && posted.Get("active") == "" && posted.Has("name") {
		values.Del("active")
	}
	f := web.NewForm(values)
	f.Fields = append(append([]web.Field{}, bodyFields...), memberFields...)
	v := web.View{Title: "steering.body.page_title", TitleArgs: []any{"Name", b.Name}, Form: f, Data: d}
	if failed != nil {
		h.R.FormFailed(w, r, failed, "steering/body", v)
		return
	}
	h.R.Render(w, r, status, "steering/body", v)
}

func (h *HTTP) bodyUpdate(w http.ResponseWriter, r *http.Request) {
	actor, ok := h.loopParse(w, r, KindBody, access.Update)
	if !ok {
		return
	}
	b, err := h.S.UpdateBody(r.Context(), actor, r.PathValue("id"), bodyInput(r))
	if err != nil {
		h.bodyPage(w, r, 0, r.PostForm, err)
		return
	}
	web.Redirect(w, r, "/gremien/"+b.ID, "steering.body.saved")
}

func (h *HTTP) bodyMemberAdd(w http.ResponseWriter, r *http.Request) {
	actor, ok := h.loopParse(w, r, KindBody, access.Update)
	if !ok {
		return
	}
	m, err := h.S.AddBodyMember(r.Context(), actor, r.PathValue("id"), memberInput(r.PostForm))
	if err != nil {
		h.bodyPage(w, r, 0, memberPosted(r.PostForm), err)
		return
	}
	web.Redirect(w, r, "/gremien/"+m.BodyID+"#mitglieder", "steering.member.added")
}

// memberInput reads the member forms.
func memberInput(f url.Values) BodyMemberInput {
	return BodyMemberInput{PersonName: f.Get("person_name"), Email: f.Get("email"), OrganisationID: f.Get("organisation_id"), Role: f.Get("role"),
		DeputyName: f.Get("deputy_name"), UserID: f.Get("user_id"), DeputyUserID: f.Get("deputy_user_id"), Since: f.Get("since")}
}

// memberPosted keeps the member form's fields of a post.
func memberPosted(f url.Values) url.Values {
	posted := url.Values{}
	for _, fl := range memberFields {
		posted[fl.Name] = f[fl.Name]
	}
	return posted
}

type bodyMemberData struct {
	Member  *BodyMember
	Roles   []web.Option
	Choices *BodyChoices
}

// bodyMemberPage renders the edit form of a member; a form that failed (posted, with err)
// comes back with its values and messages.
func (h *HTTP) bodyMemberPage(w http.ResponseWriter, r *http.Request, actor access.Actor, posted url.Values, failed error) {
	m, err := h.S.GetBodyMember(r.Context(), actor, r.PathValue("id"))
	var choices *BodyChoices
	if err == nil {
		choices, err = h.S.MemberChoices(r.Context(), actor)
	}
	if err != nil {
		h.R.Fail(w, r, err)
		return
	}
	values := url.Values{"person_name": {m.PersonName}, "email": {m.Email}, "organisation_id": {m.OrganisationID}, "role": {m.Role},
		"deputy_name": {m.DeputyName}, "user_id": {m.UserID}, "deputy_user_id": {m.DeputyUserID}, "since": {m.Since}}
	for k, vs := range posted {
		values[k] = vs
	}
	f := web.NewForm(values)
	f.Fields = memberFields
	v := web.View{Title: "steering.member.edit_title", TitleArgs: []any{"Name", m.PersonName}, Form: f,
		Data: bodyMemberData{Member: m, Roles: loopOptions("steering.member_role.", BodyMemberRoles), Choices: choices}}
	if failed != nil {
		h.R.FormFailed(w, r, failed, "steering/body_member", v)
		return
	}
	h.R.Render(w, r, http.StatusOK, "steering/body_member", v)
}

func (h *HTTP) bodyMemberView(w http.ResponseWriter, r *http.Request) {
	actor, ok := h.loopCheck(w, r, KindBody, access.Update)
	if !ok {
		return
	}
	h.bodyMemberPage(w, r, actor, nil, nil)
}

func (h *HTTP) bodyMemberUpdate(w http.ResponseWriter, r *http.Request) {
	actor, ok := h.loopParse(w, r, KindBody, access.Update)
	if !ok {
		return
	}
	m, err := h.S.UpdateBodyMember(r.Context(), actor, r.PathValue("id"), memberInput(r.PostForm))
	if err != nil {
		h.bodyMemberPage(w, r, actor, memberPosted(r.PostForm), err)
		return
	}
	web.Redirect(w, r, "/gremien/"+m.BodyID+"#mitglieder", "steering.member.saved")
}

func (h *HTTP) bodyMemberRemoveConfirm(w http.ResponseWriter, r *http.Request) {
	actor, ok := h.loopCheck(w, r, KindBody, access.Update)
	if !ok {
		return
	}
	m, err := h.S.GetBodyMember(r.Context(), actor, r.PathValue("id"))
	if err != nil {
		h.R.Fail(w, r, err)
		return
	}
	h.R.Render(w, r, http.StatusOK, "steering/body_member_remove", web.View{Title: "steering.member.remove_title", Data: bodyMemberData{Member: m}})
}

func (h *HTTP) bodyMemberRemove(w http.ResponseWriter, r *http.Request) {
	actor, ok := h.loopParse(w, r, KindBody, access.Update)
	if !ok {
		return
	}
	m, err := h.S.RemoveBodyMember(r.Context(), actor, r.PathValue("id"))
	if err != nil {
		h.R.Fail(w, r, err)
		return
	}
	web.Redirect(w, r, "/gremien/"+m.BodyID+"#mitglieder", "steering.member.removed")
}
