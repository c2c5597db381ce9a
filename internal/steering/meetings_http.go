package steering

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"kim/internal/platform/access"
	"kim/internal/platform/errs"
	"kim/internal/platform/ids"
	"kim/internal/platform/valid"
	"kim/internal/platform/web"
)

func (h *HTTP) meetingRoutes(rt *web.Router) {
	rt.Handle("GET /sitzungen", web.Staff, h.meetingList)
	rt.Handle("GET /sitzungen/neu", web.Staff, h.meetingNew)
	rt.Handle("POST /sitzungen/neu", web.Staff, h.meetingCreate)
	rt.Handle("GET /sitzungen/{id}", web.Staff, h.meetingView)
	rt.Handle("POST /sitzungen/{id}", web.Staff, h.meetingUpdate)
	rt.Handle("POST /sitzungen/{id}/beschluesse", web.Staff, h.meetingDecisionAdd)
	rt.Handle("GET /beschluesse/{id}", web.Staff, h.decisionView)
	rt.Handle("POST /beschluesse/{id}", web.Staff, h.decisionUpdate)
	rt.Handle("GET /beschluesse/{id}/loeschen", web.Staff, h.decisionDeleteConfirm)
	rt.Handle("POST /beschluesse/{id}/loeschen", web.Staff, h.decisionDelete)
	rt.Handle("GET /sitzungen/{id}/protokoll.pdf", web.Staff, h.meetingMinutes)
	rt.Handle("GET /sitzungen/{id}/termin.ics", web.Staff, h.meetingICS)
}

type meetingListData struct {
	Items     []Meeting
	Pager     web.Pager
	Bodies    []web.Option
	Whens     []web.Option
	When      string
	Body      string
	CanCreate bool
}

func (h *HTTP) meetingList(w http.ResponseWriter, r *http.Request) {
	actor, ok := h.loopCheck(w, r, KindMeeting, access.List)
	if !ok {
		return
	}
	q := web.ParseList(r, "date", "body", "title")
	f := MeetingFilter{BodyID: q.Filter.Get("gremium"), When: q.Filter.Get("when")}
	if !ids.Valid(f.BodyID) {
		f.BodyID = ""
	}
	if f.When != "past" && f.When != "all" {
		f.When = "upcoming"
	}
	if f.When == "past" && q.Filter.Get("dir") == "" && q.Sort == "date" {
		q.Desc = true // the most recent first
	}
	when := f.When
	if f.When == "all" {
		f.When = ""
	}
	items, total, err := h.S.ListMeetings(r.Context(), actor, q, f)
	if err != nil {
		h.R.Fail(w, r, err)
		return
	}
	bodies, err := h.S.BodyOptions(r.Context(), actor)
	if err != nil {
		h.R.Fail(w, r, err)
		return
	}
	form := web.NewForm(url.Values{"gremium": {f.BodyID}, "when": {when}})
	h.R.Render(w, r, http.StatusOK, "steering/meetings", web.View{Title: "steering.meeting.list_title", Form: form,
		Data: meetingListData{Items: items, Pager: web.NewPager(q, total, r), Bodies: bodies, When: when, Body: f.BodyID,
			Whens: loopOptions("steering.meeting.when_", []string{"upcoming", "past", "all"}), CanCreate: access.Allowed(actor, KindMeeting, access.Create)}})
}

// meetingAgendaRow is a row of the agenda fields of the meeting forms.
type meetingAgendaRow struct {
	N              int
	Title, ThemeID string
}

// meetingRows returns the agenda rows of a form: the items given and three empty rows (at
// most meetingAgendaMax in all).
func meetingRows(titles, themes []string) []meetingAgendaRow {
	var rows []meetingAgendaRow
	for i, t := range titles {
		row := meetingAgendaRow{N: len(rows) + 1, Title: t}
		if i < len(themes) {
			row.ThemeID = themes[i]
		}
		if strings.TrimSpace(row.Title) == "" && row.ThemeID == "" {
			continue
		}
		rows = append(rows, row)
	}
	for n, limit := len(rows), min(len(rows)+3, meetingAgendaMax); n < limit; n++ {
		rows = append(rows, meetingAgendaRow{N: n + 1})
	}
	return rows
}

type meetingFormData struct {
	Bodies []web.Option
	Body   *Body // nil: the body is chosen first
	Themes []web.Option
	Agenda []meetingAgendaRow
}

var meetingFields = web.Fields("body_id", "steering.meeting.body", "gremium", "steering.meeting.body", "title", "steering.meeting.title",
	"date", "steering.meeting.date", "start", "steering.meeting.start", "end", "steering.meeting.end", "place", "steering.meeting.place",
	"status", "steering.meeting.status", "agenda", "steering.meeting.agenda", "attendance", "steering.meeting.attendance",
	"minutes", "steering.meeting.minutes", "text", "steering.meeting.decision_text", "theme_id", "steering.meeting.decision_theme")

// meetingForm renders the form of a new meeting: first a small form that chooses the body (an
// active one), then the meeting's form with the themes of that body. A form that failed (err)
// comes back with its values and messages; without a usable body it comes back as the choice
// of the body, with the message on it.
func (h *HTTP) meetingForm(w http.ResponseWriter, r *http.Request, actor access.Actor, values url.Values, err error) {
	body := values.Get("body_id")
	plan, perr := h.S.PlanMeeting(r.Context(), actor, body)
	if perr != nil && !(err != nil && errs.CodeOf(perr) == errs.NotFound) {
		h.R.Fail(w, r, perr)
		return
	}
	if plan.Body != nil && !plan.Body.Active {
		if err == nil {
			err = bodyFail("body_id", "steering.meeting.body_inactive")
		}
		plan.Body = nil
	}
	if plan.Body == nil {
		// The choice of the body: its field is "gremium" (a GET form); a message on the body
		// goes there.
		if e := errs.As(err); e != nil && e.Fields["body_id"].ID != "" {
			err = bodyFail("gremium", e.Fields["body_id"].ID)
		}
		values = url.Values{"gremium": {body}}
	}
	f := web.NewForm(values)
	f.Fields = meetingFields
	v := web.View{Title: "steering.meeting.new_title", Form: f, Data: meetingFormData{Bodies: plan.Bodies, Body: plan.Body, Themes: plan.Themes,
		Agenda: meetingRows(values["agenda_title"], values["agenda_theme"])}}
	if err != nil {
		h.R.FormFailed(w, r, err, "steering/meeting_form", v)
		return
	}
	h.R.Render(w, r, http.StatusOK, "steering/meeting_form", v)
}

func (h *HTTP) meetingNew(w http.ResponseWriter, r *http.Request) {
	actor, ok := h.loopCheck(w, r, KindMeeting, access.Create)
	if !ok {
		return
	}
	h.meetingForm(w, r, actor, url.Values{"body_id": {r.URL.Query().Get("gremium")}, "start": {"14:00"}, "end": {"16:00"}}, nil)
}

// meetingInput reads the meeting forms.
func meetingInput(r *http.Request) MeetingInput {
	f := r.PostForm
	in := MeetingInput{BodyID: f.Get("body_id"), Title: f.Get("title"), Date: f.Get("date"), Start: f.Get("start"), End: f.Get("end"),
		Place: f.Get("place"), Status: f.Get("status"), Minutes: f.Get("minutes"), Version: web.Version(r), Attendance: map[string]string{}}
	themes := f["agenda_theme"]
	for i, t := range f["agenda_title"] {
		item := MeetingAgendaInput{Title: t}
		if i < len(themes) {
			item.ThemeID = themes[i]
		}
		in.Agenda = append(in.Agenda, item)
	}
	for k, vs := range f {
		if member, ok := strings.CutPrefix(k, "att_"); ok && len(vs) > 0 {
			in.Attendance[member] = vs[0]
		}
	}
	return in
}

func (h *HTTP) meetingCreate(w http.ResponseWriter, r *http.Request) {
	actor, ok := h.loopParse(w, r, KindMeeting, access.Create)
	if !ok {
		return
	}
	m, err := h.S.CreateMeeting(r.Context(), actor, meetingInput(r))
	if err != nil {
		h.meetingForm(w, r, actor, r.PostForm, err)
		return
	}
	web.Redirect(w, r, "/sitzungen/"+m.ID, "steering.meeting.created")
}

// meetingPageData is the data of a meeting's page.
type meetingPageData struct {
	Meeting    *Meeting
	CanEdit    bool
	Statuses   []web.Option
	Attendance []web.Option
	Themes     []web.Option
	Agenda     []meetingAgendaRow
}

// meetingValues fills the edit form from a meeting.
func meetingValues(m *Meeting) url.Values {
	start, end := m.StartsAt.In(valid.Berlin), m.EndsAt.In(valid.Berlin)
	v := url.Values{"title": {m.Title}, "date": {start.Format(valid.DateLayout)}, "start": {start.Format("15:04")}, "end": {end.Format("15:04")},
		"place": {m.Place}, "status": {m.Status}, "minutes": {m.Minutes}, "version": {strconv.Itoa(m.Version)}}
	for _, a := range m.Agenda {
		v["agenda_title"] = append(v["agenda_title"], a.Title)
		v["agenda_theme"] = append(v["agenda_theme"], a.ThemeID)
	}
	for _, a := range m.Attendance {
		v.Set("att_"+a.ID, a.AttendanceStatus)
	}
	return v
}

func (h *HTTP) meetingView(w http.ResponseWriter, r *http.Request) {
	h.meetingPage(w, r, nil, nil)
}

// meetingPage renders a meeting's page; a form that failed (posted, with err) comes back with
// its values and messages.
func (h *HTTP) meetingPage(w http.ResponseWriter, r *http.Request, posted url.Values, failed error) {
	actor, ok := h.loopCheck(w, r, KindMeeting, access.View)
	if !ok {
		return
	}
	m, err := h.S.GetMeeting(r.Context(), actor, r.PathValue("id"))
	if err != nil {
		h.R.Fail(w, r, err)
		return
	}
	d := meetingPageData{Meeting: m, CanEdit: access.Allowed(actor, KindMeeting, access.Update),
		Statuses: loopOptions("steering.meeting_status.", MeetingStatuses), Attendance: loopOptions("steering.attendance.", AttendanceStatuses)}
	if d.CanEdit {
		if d.Themes, err = h.S.MeetingThemes(r.Context(), actor, m.BodyID); err != nil {
			h.R.Fail(w, r, err)
			return
		}
		for _, a := range m.Agenda { // a theme taken from the body since stays choosable
			if a.ThemeID != "" && !slices.ContainsFunc(d.Themes, func(o web.Option) bool { return o.Value == a.ThemeID }) {
				d.Themes = append(d.Themes, web.Option{Value: a.ThemeID, Label: a.ThemeTitle})
			}
		}
	}
	values := meetingValues(m)
	if errs.CodeOf(failed) == errs.Conflict && posted != nil {
		// Changed meanwhile: the input stays in the form with the stored version, so that saving
		// again (after comparing with the stored state on the page) overwrites it.
		posted.Set("version", strconv.Itoa(m.Version))
		failed = errs.E(errs.Conflict, "steering.meeting.conflict")
	}
	if posted != nil {
		if posted.Has("title") { // the meeting form: its attendance comes from the post
			for k := range values {
				if strings.HasPrefix(k, "att_") {
					delete(values, k)
				}
			}
		}
		for k, vs := range posted {
			values[k] = vs
		}
	}
	d.Agenda = meetingRows(values["agenda_title"], values["agenda_theme"])
	f := web.NewForm(values)
	f.Fields = meetingFields
	v := web.View{Title: "steering.meeting.page_title", TitleArgs: []any{"Body", m.BodyName, "Title", m.Title}, Form: f, Data: d}
	if failed != nil {
		h.R.FormFailed(w, r, failed, "steering/meeting", v)
		return
	}
	h.R.Render(w, r, http.StatusOK, "steering/meeting", v)
}

func (h *HTTP) meetingUpdate(w http.ResponseWriter, r *http.Request) {
	actor, ok := h.loopParse(w, r, KindMeeting, access.Update)
	if !ok {
		return
	}
	m, err := h.S.UpdateMeeting(r.Context(), actor, r.PathValue("id"), meetingInput(r))
	if err != nil {
		h.meetingPage(w, r, r.PostForm, err)
		return
	}
	web.Redirect(w, r, "/sitzungen/"+m.ID, "steering.meeting.saved")
}

func (h *HTTP) meetingDecisionAdd(w http.ResponseWriter, r *http.Request) {
	actor, ok := h.loopParse(w, r, KindMeeting, access.Update)
	if !ok {
		return
	}
	id := r.PathValue("id")
	_, err := h.S.AddMeetingDecision(r.Context(), actor, id, MeetingDecisionInput{Text: r.PostForm.Get("text"), ThemeID: r.PostForm.Get("theme_id")})
	if err != nil {
		h.meetingPage(w, r, url.Values{"text": r.PostForm["text"], "theme_id": r.PostForm["theme_id"]}, err)
		return
	}
	web.Redirect(w, r, "/sitzungen/"+id+"#beschluesse", "steering.meeting.decision_added")
}

// meetingFile names a download of a meeting by its body and date.
func meetingFile(m *Meeting, ext string) string {
	return "sitzung-" + m.StartsAt.In(valid.Berlin).Format(valid.DateLayout) + "." + ext
}

func (h *HTTP) meetingMinutes(w http.ResponseWriter, r *http.Request) {
	actor, ok := h.loopCheck(w, r, KindMeeting, access.View)
	if !ok {
		return
	}
	l := h.R.Catalogue().Localizer("de")
	pdf, m, err := h.S.MinutesPDF(r.Context(), actor, r.PathValue("id"), "de", l.T)
	if err != nil {
		h.R.Fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `attachment; filename="protokoll-`+meetingFile(m, "pdf")+`"`)
	_, _ = w.Write(pdf)
}

func (h *HTTP) meetingICS(w http.ResponseWriter, r *http.Request) {
	actor, ok := h.loopCheck(w, r, KindMeeting, access.View)
	if !ok {
		return
	}
	m, err := h.S.meetingRead(r.Context(), actor, r.PathValue("id"), "")
	if err != nil {
		h.R.Fail(w, r, err)
		return
	}
	writeICSResponse(w, "attachment", meetingFile(m, "ics"), writeCalendar("", []calEvent{meetingEvent(m, calBase(r), h.R.Localizer(r).T)}))
}

// writeICSResponse answers with a calendar; disposition is "attachment" for a download,
// "inline" for a subscribed feed.
func writeICSResponse(w http.ResponseWriter, disposition, filename string, body []byte) {
	w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
	w.Header().Set("Content-Disposition", disposition+`; filename="`+filename+`"`)
	_, _ = w.Write(body)
}
