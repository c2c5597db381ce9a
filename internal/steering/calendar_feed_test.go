package steering_test

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"

	"kim/internal/apptest"
	"kim/internal/platform/access"
	"kim/internal/steering"
)

// parseCalendar checks a calendar answer and returns its events by UID.
func parseCalendar(t *testing.T, r *apptest.Response) map[string]*ics.VEvent {
	t.Helper()
	if r.StatusCode != http.StatusOK {
		t.Fatalf("calendar: status %d", r.StatusCode)
	}
	if ct := r.Header.Get("Content-Type"); ct != "text/calendar; charset=utf-8" {
		t.Errorf("Content-Type %q", ct)
	}
	body := string(r.Body)
	if strings.Contains(strings.ReplaceAll(body, "\r\n", ""), "\n") {
		t.Error("a line ends without CR")
	}
	for _, l := range strings.Split(body, "\r\n") {
		if len(l) > 75 {
			t.Errorf("line of %d octets: %q", len(l), l)
		}
	}
	cal, err := ics.ParseCalendar(bytes.NewReader(r.Body))
	if err != nil {
		t.Fatalf("parse: %v\n%s", err, r.Body)
	}
	out := map[string]*ics.VEvent{}
	for _, ev := range cal.Events() {
		out[ev.Id()] = ev
	}
	return out
}

func prop(ev *ics.VEvent, p ics.ComponentProperty) string {
	if x := ev.GetProperty(p); x != nil {
		return ics.FromText(x.Value)
	}
	return ""
}

func uids(evs map[string]*ics.VEvent) []string {
	var out []string
	for k := range evs {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func TestMeetingEventDownload(t *testing.T) {
	for _, e := range apptest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			env, fx, co := bodyEnv(t, e)
			bm := env.Client()
			bm.Login(access.BodyMember)
			m := fx.Bodies.MeetingA
			evs := parseCalendar(t, bm.Get("/sitzungen/"+m.ID+"/termin.ics"))
			ev := evs[m.ID+"@kim"]
			if ev == nil {
				t.Fatalf("events %v", uids(evs))
			}
			if got := prop(ev, ics.ComponentPropertySummary); got != "Lenkungsgruppe Alpha: Frühjahrssitzung" {
				t.Errorf("summary %q", got)
			}
			if got, _ := ev.GetStartAt(); !got.Equal(time.Date(2026, 2, 16, 13, 0, 0, 0, time.UTC)) {
				t.Errorf("start %v (14:00 in Berlin is 13:00 UTC in February)", got)
			}
			if got := prop(ev, ics.ComponentPropertyDescription); got != "Tagesordnung:\n1. Begrüßung\n2. Wartezeiten Sprachkurse" {
				t.Errorf("description %q", got)
			}
			if got := prop(ev, ics.ComponentPropertyLocation); got != "Bürgerhaus Alpha, Raum 2" {
				t.Errorf("location %q", got)
			}
			// SEQUENCE follows the meeting's version (created, then changed once by the fixture).
			if got := prop(ev, ics.ComponentPropertySequence); got != "1" {
				t.Errorf("sequence %q", got)
			}
			if got := prop(ev, ics.ComponentPropertyStatus); got != "CONFIRMED" {
				t.Errorf("status %q", got)
			}
			if !strings.Contains(bm.Get("/sitzungen/"+m.ID+"/termin.ics").Header.Get("Content-Disposition"), "sitzung-2026-02-16.ics") {
				t.Error("no file name")
			}
			cm := env.Client()
			cm.Login(access.CaseManager)
			wantStatus(t, cm.Get("/sitzungen/"+m.ID+"/termin.ics"), http.StatusForbidden, "case manager")
			wantStatus(t, co.Get("/sitzungen/"+fx.Bodies.MeetingB.ID+"/termin.ics"), http.StatusNotFound, "other tenant")
			wantStatus(t, env.Client().Get("/sitzungen/"+m.ID+"/termin.ics"), http.StatusSeeOther, "anonymous")
		})
	}
}

// feedToken creates or renews the feed of the logged-in client through the calendar page (the
// request, then the page that shows the address once) and returns its path (/kalender/<token>).
func feedToken(t *testing.T, c *apptest.Client) string {
	t.Helper()
	r := c.PostForm("/gremien/kalender", nil)
	wantStatus(t, r, http.StatusSeeOther, "renew")
	if r.Location() != "/gremien/kalender/adresse" {
		t.Fatalf("renew leads to %q", r.Location())
	}
	r = c.Get(r.Location())
	wantStatus(t, r, http.StatusOK, "address page")
	v, ok := r.Doc(t).Find("#feed-url").Attr("value")
	if !ok {
		t.Fatalf("no feed address on the page:\n%s", r.Body)
	}
	u, err := url.Parse(v)
	if err != nil || !strings.HasPrefix(u.Path, "/kalender/") || len(strings.TrimPrefix(u.Path, "/kalender/")) != 43 {
		t.Fatalf("feed address %q", v)
	}
	return u.Path
}

func TestCalendarFeedListsTheMembersMeetings(t *testing.T) {
	for _, e := range apptest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			env, fx, co := bodyEnv(t, e)
			ctx := context.Background()
			b := fx.Bodies
			coord := fx.Users[access.Coordinator].Actor("alpha")
			bm := env.Client()
			bm.Login(access.BodyMember)
			page := bm.Get("/gremien/kalender")
			wantStatus(t, page, http.StatusOK, "calendar page")
			if got := page.Doc(t).Find("#feed-bodies li").Text(); got != "Lenkungsgruppe Alpha" {
				t.Errorf("bodies on the page: %q", got)
			}
			// Meetings: a planned one of BodyA with a long agenda, one of the working group (the
			// member is not in it yet), one of BodyA more than twelve months ago, beta's.
			long := "Übergänge zwischen Integrationskurs, Beruf und Familie; Kinderbetreuung, Fahrtkosten, Wartezeiten – Träger: AWO, Caritas, Diakonie"
			planned, err := apptestMeeting(t, co, b.BodyA.ID, "2026-04-14", "15:00", "17:30", long, "Verschiedenes")
			if err != nil {
				t.Fatal(err)
			}
			work, err := apptestMeeting(t, co, b.BodyWorkA.ID, "2026-03-18", "09:00", "11:00")
			if err != nil {
				t.Fatal(err)
			}
			old, err := env.App.Steering.CreateMeeting(ctx, coord, steering.MeetingInput{BodyID: b.BodyA.ID, Title: "Alt", Date: "2025-02-10", Start: "10:00", End: "11:00"})
			if err != nil {
				t.Fatal(err)
			}
			feed := feedToken(t, bm)
			anon := env.Client()
			evs := parseCalendar(t, anon.Get(feed))
			want := []string{b.MeetingA.ID + "@kim", planned + "@kim"}
			sort.Strings(want)
			if got := uids(evs); strings.Join(got, " ") != strings.Join(want, " ") {
				t.Fatalf("feed lists %v, want %v (not %s, %s)", got, want, work, old.ID)
			}
			ev := evs[planned+"@kim"]
			if got := prop(ev, ics.ComponentPropertyDescription); got != "Tagesordnung:\n1. "+long+"\n2. Verschiedenes" {
				t.Errorf("description %q", got)
			}
			if got, _ := ev.GetStartAt(); !got.Equal(time.Date(2026, 4, 14, 13, 0, 0, 0, time.UTC)) {
				t.Errorf("start %v (15:00 summer time)", got)
			}
			if got, _ := ev.GetEndAt(); !got.Equal(time.Date(2026, 4, 14, 15, 30, 0, 0, time.UTC)) {
				t.Errorf("end %v", got)
			}
			if got := prop(ev, ics.ComponentPropertySequence); got != "0" {
				t.Errorf("sequence of a new meeting %q", got)
			}
			// As the working group's deputy the account gets its meetings too; cancelling shows
			// as STATUS:CANCELLED with the next sequence.
			if _, err := env.App.Steering.AddBodyMember(ctx, coord, b.BodyWorkA.ID, steering.BodyMemberInput{PersonName: "Nora Nachbar",
				OrganisationID: fx.OrgA2.ID, DeputyUserID: fx.Users[access.BodyMember].ID}); err != nil {
				t.Fatal(err)
			}
			wm, _ := env.App.Steering.GetMeeting(ctx, coord, work)
			wantStatus(t, co.PostForm("/sitzungen/"+work, meetingForm(wm, url.Values{"status": {"cancelled"}})), http.StatusSeeOther, "cancel")
			evs = parseCalendar(t, anon.Get(feed))
			if ev := evs[work+"@kim"]; ev == nil || prop(ev, ics.ComponentPropertyStatus) != "CANCELLED" || prop(ev, ics.ComponentPropertySequence) != "1" {
				t.Errorf("cancelled meeting in the feed: %v", uids(evs))
			} else if got := prop(ev, ics.ComponentPropertySummary); got != "Abgesagt: AG Wohnen Alpha: Sitzung 2026-03-18" {
				t.Errorf("summary of the cancelled meeting %q", got)
			}
			if _, ok := evs[b.MeetingWorkA.ID+"@kim"]; len(evs) != 4 || !ok { // with the working group's earlier meeting
				t.Errorf("feed lists %v", uids(evs))
			}
			// The page lists both bodies now.
			if got := bm.Get("/gremien/kalender").Doc(t).Find("#feed-bodies li").Length(); got != 2 {
				t.Errorf("%d bodies on the page", got)
			}
			// Leaving a body takes its meetings out of the feed.
			if _, err := env.App.Steering.RemoveBodyMember(ctx, coord, b.MemberA.ID); err != nil {
				t.Fatal(err)
			}
			evs = parseCalendar(t, anon.Get(feed))
			if _, ok := evs[b.MeetingA.ID+"@kim"]; ok || len(evs) != 2 {
				t.Errorf("after leaving: %v", uids(evs))
			}
			// The token never reaches the log.
			if token := strings.TrimPrefix(feed, "/kalender/"); strings.Contains(env.Logs.String(), token) {
				t.Error("the feed token is in the log")
			}
		})
	}
}

func TestCalendarFeedRenewalAndUnknownTokens(t *testing.T) {
	for _, e := range apptest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			env, fx, _ := bodyEnv(t, e)
			bm := env.Client()
			bm.Login(access.BodyMember)
			anon := env.Client()
			first := feedToken(t, bm)
			wantStatus(t, anon.Get(first), http.StatusOK, "first address")
			second := feedToken(t, bm)
			if second == first {
				t.Fatal("renewal gave the same address")
			}
			wantStatus(t, anon.Get(first), http.StatusNotFound, "old address after renewal")
			wantStatus(t, anon.Get(second), http.StatusOK, "new address")
			page := bm.Get("/gremien/kalender").Doc(t)
			if page.Find("#feed-url").Length() != 0 || !strings.Contains(page.Find("main").Text(), "nur einmal angezeigt") {
				t.Error("the calendar page shows the address again or does not say it exists")
			}
			for _, token := range []string{strings.Repeat("A", 43), "kurz", strings.Repeat("x", 44), "%00%ff", strings.TrimPrefix(second, "/kalender/") + "x"} {
				if r := anon.Get("/kalender/" + token); r.StatusCode != http.StatusNotFound {
					t.Errorf("token %q: status %d", token, r.StatusCode)
				}
			}
			// The stored value is the hash, not the token.
			var stored string
			w, _ := env.DB().Pools()
			if err := w.QueryRow("SELECT token_hash FROM calendar_feeds WHERE user_id = $1", fx.Users[access.BodyMember].ID).Scan(&stored); err != nil {
				t.Fatal(err)
			}
			if strings.Contains(stored, strings.TrimPrefix(second, "/kalender/")) || len(stored) != 64 {
				t.Errorf("stored %q", stored)
			}
			// Switching the feed off ends the address.
			wantStatus(t, bm.PostForm("/gremien/kalender/loeschen", nil), http.StatusSeeOther, "delete")
			wantStatus(t, anon.Get(second), http.StatusNotFound, "address after switching off")
			for _, action := range []string{"meeting.feed_create", "meeting.feed_renew", "meeting.feed_delete"} {
				if n := auditCount(t, env, action); n != 1 {
					t.Errorf("%s: %d audit entries", action, n)
				}
			}
			// A case manager has no calendar.
			cm := env.Client()
			cm.Login(access.CaseManager)
			wantStatus(t, cm.PostForm("/gremien/kalender", nil), http.StatusForbidden, "case manager")
		})
	}
}

func TestMinutesPDF(t *testing.T) {
	for _, e := range apptest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			env, fx, co := bodyEnv(t, e)
			bm := env.Client()
			bm.Login(access.BodyMember)
			r := bm.Get("/sitzungen/" + fx.Bodies.MeetingA.ID + "/protokoll.pdf")
			wantStatus(t, r, http.StatusOK, "minutes")
			if !bytes.HasPrefix(r.Body, []byte("%PDF-")) || !bytes.Contains(r.Body[len(r.Body)-32:], []byte("%%EOF")) {
				t.Errorf("not a PDF: %q", r.Body[:min(len(r.Body), 16)])
			}
			if ct := r.Header.Get("Content-Type"); ct != "application/pdf" {
				t.Errorf("Content-Type %q", ct)
			}
			if !strings.Contains(r.Header.Get("Content-Disposition"), "protokoll-sitzung-2026-02-16.pdf") {
				t.Errorf("Content-Disposition %q", r.Header.Get("Content-Disposition"))
			}
			if n := auditCount(t, env, "meeting.minutes_export"); n != 1 {
				t.Errorf("%d audit entries for the export", n)
			}
			// An empty meeting (no members, agenda, minutes or decisions) has minutes too.
			id, err := apptestMeeting(t, co, fx.Bodies.BodyWorkA.ID, "2026-03-05", "10:00", "11:00")
			if err != nil {
				t.Fatal(err)
			}
			r = co.Get("/sitzungen/" + id + "/protokoll.pdf")
			if r.StatusCode != http.StatusOK || !bytes.HasPrefix(r.Body, []byte("%PDF-")) {
				t.Errorf("empty meeting's minutes: %d", r.StatusCode)
			}
			wantStatus(t, co.Get("/sitzungen/"+fx.Bodies.MeetingB.ID+"/protokoll.pdf"), http.StatusNotFound, "other tenant")
		})
	}
}
