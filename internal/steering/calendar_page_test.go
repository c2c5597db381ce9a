package steering_test

import (
	"context"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"

	"kim/internal/app"
	"kim/internal/apptest"
	"kim/internal/platform/access"
	"kim/internal/platform/db"
	"kim/internal/steering"
)

// The calendar address is requested with a post and shown once on the page it leads to; a
// reload shows nothing new and issues nothing. Renewing and switching off ask first.
func TestCalendarAddressIsShownOnce(t *testing.T) {
	for _, e := range apptest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			env, _, _ := bodyEnv(t, e)
			bm := env.Client()
			bm.Login(access.BodyMember)
			anon := env.Client()
			page := bm.Get("/gremien/kalender").Doc(t)
			if page.Find("form[method=post][action='/gremien/kalender']").Length() != 1 {
				t.Fatal("no form to create the first address")
			}
			r := bm.PostForm("/gremien/kalender", nil)
			wantStatus(t, r, http.StatusSeeOther, "request")
			shown := bm.Get(r.Location())
			wantStatus(t, shown, http.StatusOK, "address page")
			if cc := shown.Header.Get("Cache-Control"); cc != "no-store" {
				t.Errorf("Cache-Control %q", cc)
			}
			addr, _ := shown.Doc(t).Find("#feed-url").Attr("value")
			u, err := url.Parse(addr)
			if err != nil {
				t.Fatal(err)
			}
			wantStatus(t, anon.Get(u.Path), http.StatusOK, "the address shown")
			// A reload: back to the calendar page with a notice; nothing new is issued.
			again := bm.Get("/gremien/kalender/adresse")
			wantStatus(t, again, http.StatusSeeOther, "reload")
			if again.Location() != "/gremien/kalender" {
				t.Errorf("reload leads to %q", again.Location())
			}
			next := bm.Get(again.Location())
			if got := next.Doc(t).Find("main").Text(); !strings.Contains(got, "bereits angezeigt") || next.Doc(t).Find("#feed-url").Length() != 0 {
				t.Errorf("after the reload: %q", got)
			}
			wantStatus(t, anon.Get(u.Path), http.StatusOK, "the address after the reload")
			if n := auditCount(t, env, "meeting.feed_create") + auditCount(t, env, "meeting.feed_renew"); n != 1 {
				t.Errorf("%d addresses issued", n)
			}
			// With an address, renewing and switching off go through a confirmation.
			doc := next.Doc(t)
			if doc.Find("form[method=post][action='/gremien/kalender']").Length() != 0 || doc.Find("form[action='/gremien/kalender/loeschen']").Length() != 0 {
				t.Error("the calendar page renews or switches off without asking")
			}
			for link, action := range map[string]string{"/gremien/kalender/erneuern": "/gremien/kalender", "/gremien/kalender/loeschen": "/gremien/kalender/loeschen"} {
				if doc.Find("a[href='"+link+"']").Length() != 1 {
					t.Errorf("no link to %s", link)
				}
				c := bm.Get(link)
				wantStatus(t, c, http.StatusOK, link)
				if c.Doc(t).Find("form[method=post][action='"+action+"'] button").Length() != 1 {
					t.Errorf("%s: no confirming form", link)
				}
			}
			wantStatus(t, anon.Get(u.Path), http.StatusOK, "the address after looking at the confirmations")
		})
	}
}

// The address shown follows the connection: https behind a trusted proxy that says so, with a
// webcal link; over plain http a warning and no webcal link; an IPv6 host stays intact.
func TestCalendarAddressFollowsTheConnection(t *testing.T) {
	env := apptest.New(t, apptest.SQLite, apptest.Options{Configure: func(c *app.Config) {
		c.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")}
	}})
	env.Seed()
	bm := env.Client()
	bm.Login(access.BodyMember)
	show := func(host, proto string) *apptest.Response {
		t.Helper()
		wantStatus(t, bm.PostForm("/gremien/kalender", nil), http.StatusSeeOther, "request")
		req := bm.Request(http.MethodGet, "/gremien/kalender/adresse", nil)
		if host != "" {
			req.Host = host
		}
		if proto != "" {
			req.Header.Set("X-Forwarded-Proto", proto)
		}
		r := bm.Do(req)
		wantStatus(t, r, http.StatusOK, "address page")
		return r
	}
	doc := show("", "").Doc(t)
	addr, _ := doc.Find("#feed-url").Attr("value")
	if !strings.HasPrefix(addr, "http://127.0.0.1:") || doc.Find("#feed-insecure").Length() != 1 || doc.Find("a[href^='webcal:']").Length() != 0 {
		t.Errorf("plain http: %q, warning %d, webcal %d", addr, doc.Find("#feed-insecure").Length(), doc.Find("a[href^='webcal:']").Length())
	}
	doc = show("[2001:db8::7]:8443", "https").Doc(t)
	addr, _ = doc.Find("#feed-url").Attr("value")
	u, err := url.Parse(addr)
	if err != nil || u.Scheme != "https" || u.Host != "[2001:db8::7]:8443" || !strings.HasPrefix(u.Path, "/kalender/") {
		t.Errorf("https behind the proxy, IPv6 host: %q (%v)", addr, err)
	}
	webcal, _ := doc.Find("a[href^='webcal:']").Attr("href")
	if webcal != "webcal://[2001:db8::7]:8443"+u.Path || doc.Find("#feed-insecure").Length() != 0 {
		t.Errorf("webcal link %q, warning %d", webcal, doc.Find("#feed-insecure").Length())
	}
}

// The feed answers only while the account's role reads meetings.
func TestCalendarFeedEndsWithTheRole(t *testing.T) {
	for _, e := range apptest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			env, fx, _ := bodyEnv(t, e)
			ctx := context.Background()
			token, err := env.App.Steering.RenewCalendarFeed(ctx, fx.Users[access.BodyMember].Actor("alpha"))
			if err != nil {
				t.Fatal(err)
			}
			anon := env.Client()
			setRole := func(role access.Role) {
				err := env.DB().Write(ctx, func(tx *db.Tx) error {
					_, err := tx.ExecContext(ctx, "UPDATE users SET role = $2 WHERE id = $1", fx.Users[access.BodyMember].ID, string(role))
					return err
				})
				if err != nil {
					t.Fatal(err)
				}
			}
			wantStatus(t, anon.Get("/kalender/"+token), http.StatusOK, "body member")
			setRole(access.CaseManager)
			wantStatus(t, anon.Get("/kalender/"+token), http.StatusNotFound, "after the role changed to case manager")
			setRole(access.TeamLead)
			wantStatus(t, anon.Get("/kalender/"+token), http.StatusOK, "team lead")
		})
	}
}

// The calendar entry changes with the body (its name is in the title): SEQUENCE, DTSTAMP and
// LAST-MODIFIED follow the later change; a cancelled meeting says so in its title.
func TestCalendarEventFollowsTheBody(t *testing.T) {
	for _, e := range apptest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			env, fx, co := bodyEnv(t, e)
			ctx := context.Background()
			coord := fx.Users[access.Coordinator].Actor("alpha")
			m := fx.Bodies.MeetingA
			env.Clock.Advance(10 * time.Minute) // within the session's idle time
			if _, err := env.App.Steering.UpdateBody(ctx, coord, fx.Bodies.BodyA.ID, steering.BodyInput{Name: "Lenkungsgruppe KIM Alpha",
				Type: steering.BodySteeringGroup, Active: true, Version: 1}); err != nil {
				t.Fatal(err)
			}
			ev := parseCalendar(t, co.Get("/sitzungen/"+m.ID+"/termin.ics"))[m.ID+"@kim"]
			if ev == nil {
				t.Fatal("no event")
			}
			want := env.Clock.Now().UTC().Format("20060102T150405Z")
			if got := prop(ev, ics.ComponentPropertySummary); got != "Lenkungsgruppe KIM Alpha: Frühjahrssitzung" {
				t.Errorf("summary %q", got)
			}
			if prop(ev, ics.ComponentPropertySequence) != "2" || prop(ev, ics.ComponentPropertyLastModified) != want || prop(ev, ics.ComponentPropertyDtstamp) != want {
				t.Errorf("sequence %q, last modified %q, stamp %q, want 2 and %s", prop(ev, ics.ComponentPropertySequence),
					prop(ev, ics.ComponentPropertyLastModified), prop(ev, ics.ComponentPropertyDtstamp), want)
			}
			// A cancelled meeting's own calendar entry.
			id, err := apptestMeeting(t, co, fx.Bodies.BodyA.ID, "2026-03-25", "10:00", "11:00")
			if err != nil {
				t.Fatal(err)
			}
			cm, _ := env.App.Steering.GetMeeting(ctx, coord, id)
			wantStatus(t, co.PostForm("/sitzungen/"+id, meetingForm(cm, url.Values{"status": {"cancelled"}})), http.StatusSeeOther, "cancel")
			ev = parseCalendar(t, co.Get("/sitzungen/"+id+"/termin.ics"))[id+"@kim"]
			if ev == nil || prop(ev, ics.ComponentPropertySummary) != "Abgesagt: Lenkungsgruppe KIM Alpha: Sitzung 2026-03-25" ||
				prop(ev, ics.ComponentPropertyStatus) != "CANCELLED" {
				t.Errorf("cancelled meeting's entry: %v", ev)
			}
		})
	}
}
