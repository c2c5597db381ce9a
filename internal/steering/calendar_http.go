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
	rt.Handle("GET /gremien/kalender/erneuern", web.Staff, h.calendarRenewConfirm)
	rt.Handle("GET /gremien/kalender/adresse", web.Staff, h.calendarAddress)
	rt.Handle("GET /gremien/kalender/loeschen", web.Staff, h.calendarDeleteConfirm)
	rt.Handle("POST /gremien/kalender/loeschen", web.Staff, h.calendarDelete)
	// The feed answers calendar programs without a login: its {id} is the secret token. The
	// request log names the route pattern only, never the path, so the token is not logged.
	rt.Handle("GET /kalender/{id}", web.Public, h.calendarFeed)
}

// calBase returns the address of the installation as the request reached it, for links in
// calendar events and the feed's address: https when the request arrived over TLS or through
// a trusted proxy that says so (X-Forwarded-Proto), else http; the request's host (an IPv6
// literal keeps its brackets). KIM has no configured public address.
func calBase(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil || web.ClientFrom(r.Context()).HTTPS {
		scheme = "https"
	}
	return (&url.URL{Scheme: scheme, Host: r.Host}).String()
}

type calendarPageData struct {
	Feed *CalendarFeed
}

// calendarAddressData is the page that shows a new address once.
type calendarAddressData struct {
	URL    string
	Secure bool // the address is https
	// Webcal is the same address with the webcal scheme that calendar programs open, only for
	// an https address (html/template would filter the scheme).
	Webcal template.URL
}

func (h *HTTP) calendarView(w http.ResponseWriter, r *http.Request) {
	actor, ok := h.loopCheck(w, r, KindMeeting, access.List)
	if !ok {
		return
	}
	feed, err := h.S.GetCalendarFeed(r.Context(), actor)
	if err != nil {
		h.R.Fail(w, r, err)
		return
	}
	h.R.Render(w, r, http.StatusOK, "steering/calendar", web.View{Title: "steering.calendar.title", Data: calendarPageData{Feed: feed}})
}

// calendarRenew creates or renews the address (the old one stops working at once) and leads to
// the page that shows the new one once (post/redirect/get: a reload issues nothing).
func (h *HTTP) calendarRenew(w http.ResponseWriter, r *http.Request) {
	actor, ok := h.loopParse(w, r, KindMeeting, access.List)
	if !ok {
		return
	}
	if _, err := h.S.RenewCalendarFeed(r.Context(), actor); err != nil {
		h.R.Fail(w, r, err)
		return
	}
	web.Redirect(w, r, "/gremien/kalender/adresse", "")
}

func (h *HTTP) calendarRenewConfirm(w http.ResponseWriter, r *http.Request) {
	if _, ok := h.loopCheck(w, r, KindMeeting, access.List); !ok {
		return
	}
	h.R.RenderConfirm(w, r, "steering.calendar.renew_title", web.Confirm{Question: "steering.calendar.renew_question",
		Consequence: "steering.calendar.renew_consequence", Confirm: "steering.calendar.renew", Action: "/gremien/kalender", Cancel: "/gremien/kalender"})
}

// calendarAddress shows the address requested just before, once; later visits lead back to the
// calendar page.
func (h *HTTP) calendarAddress(w http.ResponseWriter, r *http.Request) {
	actor, ok := h.loopCheck(w, r, KindMeeting, access.List)
	if !ok {
		return
	}
	token, err := h.S.RevealCalendarFeed(r.Context(), actor)
	if err != nil {
		h.R.Fail(w, r, err)
		return
	}
	if token == "" {
		web.Redirect(w, r, "/gremien/kalender", "steering.calendar.already_shown")
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
	base := calBase(r)
	d := calendarAddressData{URL: base + "/kalender/" + token}
	if u, err := url.Parse(d.URL); err == nil && u.Scheme == "https" {
		d.Secure = true
		u.Scheme = "webcal"
		d.Webcal = template.URL(u.String())
	}
	h.R.Render(w, r, http.StatusOK, "steering/calendar_address", web.View{Title: "steering.calendar.address_title", Data: d})
}

func (h *HTTP) calendarDeleteConfirm(w http.ResponseWriter, r *http.Request) {
	if _, ok := h.loopCheck(w, r, KindMeeting, access.List); !ok {
		return
	}
	h.R.RenderConfirm(w, r, "steering.calendar.delete_title", web.Confirm{Question: "steering.calendar.delete_question",
		Consequence: "steering.calendar.delete_consequence", Confirm: "steering.calendar.delete", Action: "/gremien/kalender/loeschen",
		Cancel: "/gremien/kalender"})
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
	base := calBase(r)
	events := make([]calEvent, len(ms))
	for i := range ms {
		events[i] = meetingEvent(&ms[i], base, l.T)
	}
	writeICSResponse(w, "inline", "kim-sitzungen.ics", writeCalendar(l.T("steering.calendar.feed_name"), events))
}
