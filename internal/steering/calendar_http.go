package steering

import (
	"html/template"
	"net/http"
	"net/url"

	"kim/internal/platform/access"
	"kim/internal/platform/web"
)

func (h *HTTP) calendarRoutes(rt *web.Router) {
	rt.Handle("GET /gremien/kalender", web.Staff, h.calendarView)
	rt.Handle("POST /gremien/kalender", web.Staff, h.calendarRenew)
	rt.Handle("POST /gremien/kalender/loeschen", web.Staff, h.calendarDelete)
	// The feed answers calendar programs without a login: its {id} is the secret token. The
	// request log names the route pattern only, never the path, so the token is not logged.
	rt.Handle("GET /kalender/{id}", web.Public, h.calendarFeed)
}

type calendarPageData struct {
	Feed *CalendarFeed
	URL  string // the new address, right after it was created
	// Webcal is the same address with the webcal scheme that calendar programs open (built
	// here from the request's host and the token; html/template would filter the scheme).
	Webcal template.URL
}

func (h *HTTP) calendarView(w http.ResponseWriter, r *http.Request) {
	actor, ok := h.loopCheck(w, r, KindMeeting, access.List)
	if !ok {
		return
	}
	h.calendarPage(w, r, actor, "")
}

func (h *HTTP) calendarPage(w http.ResponseWriter, r *http.Request, actor access.Actor, token string) {
	feed, err := h.S.GetCalendarFeed(r.Context(), actor)
	if err != nil {
		h.R.Fail(w, r, err)
		return
	}
	d := calendarPageData{Feed: feed}
	if token != "" {
		d.URL = calBase(r) + "/kalender/" + token
		d.Webcal = template.URL("webcal://" + url.PathEscape(r.Host) + "/kalender/" + token)
	}
	h.R.Render(w, r, http.StatusOK, "steering/calendar", web.View{Title: "steering.calendar.title", Data: d})
}

func (h *HTTP) calendarRenew(w http.ResponseWriter, r *http.Request) {
	actor, ok := h.loopParse(w, r, KindMeeting, access.List)
	if !ok {
		return
	}
	token, err := h.S.RenewCalendarFeed(r.Context(), actor)
	if err != nil {
		h.R.Fail(w, r, err)
		return
	}
	// The address is shown once, on this answer (never in a redirect's URL or a cookie).
	h.calendarPage(w, r, actor, token)
}

func (h *HTTP) calendarDelete(w http.ResponseWriter, r *http.Request) {
	actor, ok := h.loopParse(w, r, KindMeeting, access.List)
	if !ok {
		return
	}
	if err := h.S.DeleteCalendarFeed(r.Context(), actor); err != nil {
		h.R.Fail(w, r, err)
		return
	}
	web.Redirect(w, r, "/gremien/kalender", "steering.calendar.deleted")
}

func (h *HTTP) calendarFeed(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Referrer-Policy", "no-referrer")
	ms, err := h.S.FeedMeetings(r.Context(), r.PathValue("id"))
	if err != nil {
		h.R.Fail(w, r, err)
		return
	}
	l := h.R.Catalogue().Localizer("de")
	base, agenda := calBase(r), l.T("steering.meeting.agenda")
	events := make([]calEvent, len(ms))
	for i := range ms {
		events[i] = meetingEvent(&ms[i], base, agenda)
	}
	writeICSResponse(w, "inline", "kim-sitzungen.ics", writeCalendar(l.T("steering.calendar.feed_name"), events))
}
