package app_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"kim/internal/app"
	"kim/internal/apptest"
	"kim/internal/platform/access"
	"kim/internal/platform/web"
	"kim/internal/steering"
)

// The demo's bodies: the four named bodies with their members and accounts, held meetings
// with minutes and decisions, the steering group's meeting about six weeks ago as its latest
// held one, planned meetings ahead; seeding twice changes nothing.
func TestDemoBodies(t *testing.T) {
	env := apptest.New(t, apptest.SQLite, apptest.Options{Demo: true})
	ctx := context.Background()
	for i := 0; i < 2; i++ {
		if err := env.App.SeedDemo(ctx); err != nil {
			t.Fatal(err)
		}
	}
	co := env.Client()
	co.LoginAs(app.DemoTenant, "koordination@solingen.example", app.DemoPassword)
	r := co.Get("/gremien")
	if r.StatusCode != http.StatusOK {
		t.Fatalf("status %d", r.StatusCode)
	}
	names := r.Doc(t).Find("table tbody tr td:first-child a").Map(func(_ int, s *goquery.Selection) string { return s.Text() })
	if strings.Join(names, "|") != "AG Sprache und Bildung|AG Wohnen|Lenkungsgruppe KIM|Projektgruppe Anerkennung" {
		t.Fatalf("bodies %q", names)
	}
	tenant, err := env.App.Dir.TenantBySlug(ctx, app.DemoTenant)
	if err != nil {
		t.Fatal(err)
	}
	sys := access.System(tenant.ID)
	bodies, _, err := env.App.Steering.ListBodies(ctx, sys, web.ListQuery{Page: 1, Size: 10, Sort: "name"}, steering.BodyFilter{})
	if err != nil {
		t.Fatal(err)
	}
	now := env.Clock.Now()
	for _, b := range bodies {
		full, err := env.App.Steering.GetBody(ctx, sys, b.ID)
		if err != nil {
			t.Fatal(err)
		}
		accounts := map[string]bool{}
		for _, m := range full.Members {
			if m.UserID != "" {
				accounts[m.Email] = true
			}
		}
		past, _, err := env.App.Steering.ListMeetings(ctx, sys, web.ListQuery{Page: 1, Size: 20, Sort: "date", Desc: true}, steering.MeetingFilter{BodyID: b.ID, When: "past"})
		if err != nil {
			t.Fatal(err)
		}
		next, _, err := env.App.Steering.ListMeetings(ctx, sys, web.ListQuery{Page: 1, Size: 20, Sort: "date"}, steering.MeetingFilter{BodyID: b.ID, When: "upcoming"})
		if err != nil {
			t.Fatal(err)
		}
		if len(full.Members) < 4 || len(past) < 2 || len(next) < 1 {
			t.Errorf("%s: %d members, %d past and %d planned meetings", b.Name, len(full.Members), len(past), len(next))
		}
		switch b.Name {
		case "Lenkungsgruppe KIM":
			if b.Type != steering.BodySteeringGroup || !accounts["koordination@solingen.example"] {
				t.Errorf("steering group: %s, accounts %v", b.Type, accounts)
			}
			var latest *steering.Meeting
			for i := range past {
				if past[i].Status == steering.MeetingHeld && latest == nil {
					latest = &past[i]
				}
			}
			if latest == nil || now.Sub(latest.StartsAt) < 4*7*24*time.Hour || now.Sub(latest.StartsAt) > 8*7*24*time.Hour {
				t.Errorf("latest held steering group meeting %+v", latest)
			}
			m, err := env.App.Steering.GetMeeting(ctx, sys, latest.ID)
			if err != nil || len(m.Attendance) != 7 || len(m.Decisions) == 0 || m.Minutes == "" {
				t.Errorf("meeting %+v %v", m, err)
			}
		case "AG Sprache und Bildung":
			if !accounts["ag@solingen.example"] {
				t.Errorf("working group accounts %v", accounts)
			}
		}
	}
	// Every page of the demo's bodies and meetings renders.
	for _, b := range bodies {
		if r := co.Get("/gremien/" + b.ID); r.StatusCode != http.StatusOK {
			t.Errorf("%s: %d", b.Name, r.StatusCode)
		}
	}
	r = co.Get("/sitzungen?when=all&size=100")
	links := r.Doc(t).Find("tbody a[href^='/sitzungen/']")
	if links.Length() < 12 {
		t.Errorf("%d meetings", links.Length())
	}
	links.Each(func(_ int, s *goquery.Selection) {
		href, _ := s.Attr("href")
		for _, p := range []string{href, href + "/protokoll.pdf", href + "/termin.ics"} {
			if r := co.Get(p); r.StatusCode != http.StatusOK {
				t.Errorf("%s: %d", p, r.StatusCode)
			}
		}
	})
}
