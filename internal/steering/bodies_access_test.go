package steering_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"kim/internal/apptest"
	"kim/internal/platform/access"
	"kim/internal/platform/web"
	"kim/internal/steering"
)

// A body member sees the own bodies only (as member or deputy); the members' e-mail addresses
// are for the coordination.
func TestBodyMembersSeeTheirOwnBodiesOnly(t *testing.T) {
	for _, e := range apptest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			env, fx, co := bodyEnv(t, e)
			ctx := context.Background()
			b := fx.Bodies
			s := env.App.Steering
			bmActor := fx.Users[access.BodyMember].Actor("alpha")
			bm := env.Client()
			bm.Login(access.BodyMember)
			lead := env.Client()
			lead.Login(access.TeamLead)

			rows := bm.Get("/gremien").Doc(t).Find("table tbody tr")
			if rows.Length() != 1 || !strings.Contains(rows.Text(), "Lenkungsgruppe Alpha") {
				t.Errorf("a body member's list: %q", rows.Text())
			}
			if n := lead.Get("/gremien").Doc(t).Find("table tbody tr").Length(); n != 2 {
				t.Errorf("a team lead's list has %d rows, want both bodies", n)
			}
			list, total, err := s.ListBodies(ctx, bmActor, web.ListQuery{Page: 1, Size: 10, Sort: "name"}, steering.BodyFilter{})
			if err != nil || total != 1 || len(list) != 1 || list[0].ID != b.BodyA.ID {
				t.Errorf("ListBodies for a body member: %d %v %v", total, list, err)
			}
			opts, err := s.BodyOptions(ctx, bmActor)
			if err != nil || len(opts) != 1 || opts[0].Value != b.BodyA.ID {
				t.Errorf("BodyOptions for a body member: %v %v", opts, err)
			}
			wantStatus(t, bm.Get("/gremien/"+b.BodyWorkA.ID), http.StatusNotFound, "a body member, another body")
			wantStatus(t, lead.Get("/gremien/"+b.BodyWorkA.ID), http.StatusOK, "a team lead, any body")

			// As a deputy the account reaches the body too, until the member leaves.
			dep, err := s.AddBodyMember(ctx, fx.Users[access.Coordinator].Actor("alpha"), b.BodyWorkA.ID, steering.BodyMemberInput{
				PersonName: "Nora Nachbar", OrganisationID: fx.OrgA2.ID, DeputyUserID: fx.Users[access.BodyMember].ID})
			if err != nil {
				t.Fatal(err)
			}
			wantStatus(t, bm.Get("/gremien/"+b.BodyWorkA.ID), http.StatusOK, "as deputy")
			wantStatus(t, bm.Get("/sitzungen/"+b.MeetingWorkA.ID), http.StatusOK, "as deputy, the body's meeting")
			if _, err := s.RemoveBodyMember(ctx, fx.Users[access.Coordinator].Actor("alpha"), dep.ID); err != nil {
				t.Fatal(err)
			}
			wantStatus(t, bm.Get("/gremien/"+b.BodyWorkA.ID), http.StatusNotFound, "after the member left")

			// E-mail addresses: the coordination sees them, a body member and a team lead do not.
			mail := apptest.Email(access.BodyMember)
			if got := co.Get("/gremien/" + b.BodyA.ID).Doc(t).Find("#mitglieder").Text(); !strings.Contains(got, mail) {
				t.Errorf("the coordination does not see the e-mail address: %q", got)
			}
			for who, c := range map[string]*apptest.Client{"body member": bm, "team lead": lead} {
				r := c.Get("/gremien/" + b.BodyA.ID)
				wantStatus(t, r, http.StatusOK, who)
				if strings.Contains(string(r.Body), mail) || strings.Contains(string(r.Body), "mailto:") {
					t.Errorf("%s sees the members' e-mail addresses", who)
				}
			}
			got, err := s.GetBody(ctx, bmActor, b.BodyA.ID)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range got.Members {
				if m.Email != "" {
					t.Errorf("GetBody gives a body member the address of %s", m.PersonName)
				}
			}
		})
	}
}

// formValues reads the values of the fields of the form with the action from a page.
func formValues(t *testing.T, r *apptest.Response, action string) url.Values {
	t.Helper()
	form := r.Doc(t).Find("form[action='" + action + "']")
	if form.Length() != 1 {
		t.Fatalf("no form %s on the page", action)
	}
	v := url.Values{}
	form.Find("input[name], textarea[name], select[name]").Each(func(_ int, s *goquery.Selection) {
		name, _ := s.Attr("name")
		switch {
		case goquery.NodeName(s) == "textarea":
			v.Add(name, s.Text())
		case goquery.NodeName(s) == "select":
			v.Add(name, s.Find("option[selected]").AttrOr("value", ""))
		case s.AttrOr("type", "") == "checkbox":
			if _, ok := s.Attr("checked"); ok {
				v.Add(name, s.AttrOr("value", "on"))
			}
		default:
			v.Add(name, s.AttrOr("value", ""))
		}
	})
	return v
}

// A save against a version changed meanwhile keeps the input in the form with the stored
// version and says so; saving again overwrites.
func TestBodyConflictKeepsTheInput(t *testing.T) {
	for _, e := range apptest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			env, fx, co := bodyEnv(t, e)
			id := fx.Bodies.BodyWorkA.ID
			path := "/gremien/" + id
			other := env.Client()
			other.Login(access.Coordinator)
			wantStatus(t, other.PostForm(path, url.Values{"name": {"AG Wohnen Alpha"}, "type": {"working_group"}, "mandate": {"Stand der Kollegin"},
				"active": {"1"}, "version": {"1"}}), http.StatusSeeOther, "the other save")
			r := co.PostForm(path, url.Values{"name": {"AG Wohnen und Quartier"}, "type": {"working_group"}, "mandate": {"Mein langer Auftragstext"},
				"active": {"1"}, "version": {"1"}})
			wantStatus(t, r, http.StatusConflict, "stale save")
			doc := r.Doc(t)
			if got := doc.Find(".error-summary").Text(); !strings.Contains(got, "inzwischen") || !strings.Contains(got, "Eingaben") {
				t.Errorf("message %q", got)
			}
			if doc.Find("#bearbeiten details[open]").Length() != 1 {
				t.Error("the edit form is not open")
			}
			if got := doc.Find("dl.facts").Text(); !strings.Contains(got, "Stand der Kollegin") {
				t.Errorf("the stored state is not shown: %q", got)
			}
			v := formValues(t, r, path)
			if v.Get("name") != "AG Wohnen und Quartier" || strings.TrimSpace(v.Get("mandate")) != "Mein langer Auftragstext" || v.Get("version") != "2" {
				t.Errorf("form after the conflict: %v", v)
			}
			wantStatus(t, co.PostForm(path, v), http.StatusSeeOther, "saving again")
			b, err := env.App.Steering.GetBody(context.Background(), fx.Users[access.Coordinator].Actor("alpha"), id)
			if err != nil || b.Name != "AG Wohnen und Quartier" || b.Mandate != "Mein langer Auftragstext" || b.Version != 3 {
				t.Errorf("after saving again: %+v %v", b, err)
			}
		})
	}
}

// The coordination corrects a member's entry: role, e-mail address, deputy, accounts and the
// day from which the person belongs to the body.
func TestBodyMemberCanBeEdited(t *testing.T) {
	for _, e := range apptest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			env, fx, co := bodyEnv(t, e)
			ctx := context.Background()
			b := fx.Bodies
			path := "/gremienmitglieder/" + b.MemberA2.ID
			r := co.Get(path)
			wantStatus(t, r, http.StatusOK, "edit form")
			v := formValues(t, r, path)
			if v.Get("person_name") != "Petra Partner" || v.Get("organisation_id") != fx.OrgA2.ID || v.Get("since") != "2026-01-01" || v.Get("role") != "member" {
				t.Fatalf("edit form values %v", v)
			}
			if co.Get("/gremien/"+b.BodyA.ID).Doc(t).Find("a[href='"+path+"']").Length() != 1 {
				t.Error("the body page does not link the member's edit form")
			}
			bad := url.Values{}
			for k, vs := range v {
				bad[k] = vs
			}
			bad.Set("email", "petra@")
			bad.Set("user_id", fx.Users[access.BodyMember].ID) // already a member of the body (MemberA)
			bad.Set("since", "31.02.2026")
			r = co.PostForm(path, bad)
			wantStatus(t, r, http.StatusUnprocessableEntity, "invalid")
			for field, msg := range map[string]string{"email": "gültige E-Mail", "user_id": "bereits Mitglied", "since": "gültiges Datum"} {
				if got := bodyFieldMessage(t, r, field); !strings.Contains(got, msg) {
					t.Errorf("%s: %q, want %q", field, got, msg)
				}
			}
			if got := r.Doc(t).Find("input[name=email]").AttrOr("value", ""); got != "petra@" {
				t.Errorf("the input is not kept: %q", got)
			}
			v.Set("role", "chair")
			v.Set("email", "petra.partner@alpha.example")
			v.Set("deputy_user_id", fx.Users[access.TeamLead].ID)
			v.Set("deputy_name", "")
			v.Set("since", "01.12.2025")
			r = co.PostForm(path, v)
			wantStatus(t, r, http.StatusSeeOther, "save")
			if r.Location() != "/gremien/"+b.BodyA.ID+"#mitglieder" {
				t.Errorf("redirect to %q", r.Location())
			}
			m, err := env.App.Steering.GetBodyMember(ctx, fx.Users[access.Coordinator].Actor("alpha"), b.MemberA2.ID)
			if err != nil {
				t.Fatal(err)
			}
			if m.Role != "chair" || m.Email != "petra.partner@alpha.example" || m.DeputyUserID != fx.Users[access.TeamLead].ID ||
				m.DeputyName != "Nutzer team_lead" || m.Since != "2025-12-01" || m.PersonName != "Petra Partner" {
				t.Errorf("after the change: %+v", m)
			}
			if n := auditCount(t, env, "body.member_update"); n != 1 {
				t.Errorf("%d audit entries", n)
			}
			// A member keeps the own account when saved again.
			self := "/gremienmitglieder/" + b.MemberA.ID
			wantStatus(t, co.PostForm(self, formValues(t, co.Get(self), self)), http.StatusSeeOther, "save with the own account")
			bm := env.Client()
			bm.Login(access.BodyMember)
			wantStatus(t, bm.Get(path), http.StatusForbidden, "body member")
			wantStatus(t, bm.PostForm(path, v), http.StatusForbidden, "body member saves")
			wantStatus(t, co.Get("/gremienmitglieder/"+b.MemberB.ID), http.StatusNotFound, "other tenant's member")
			wantStatus(t, co.PostForm("/gremienmitglieder/"+b.MemberB.ID, v), http.StatusNotFound, "other tenant's member saved")
		})
	}
}

// A meeting lists the members of its day: who joined later, or left before it began, is not
// on it (page, minutes, attendance), unless their attendance was recorded.
func TestMeetingListsTheMembersOfItsDay(t *testing.T) {
	for _, e := range apptest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			env, fx, co := bodyEnv(t, e)
			ctx := context.Background()
			b := fx.Bodies
			s := env.App.Steering
			coord := fx.Users[access.Coordinator].Actor("alpha")
			late, err := s.AddBodyMember(ctx, coord, b.BodyA.ID, steering.BodyMemberInput{PersonName: "Lena Später", OrganisationID: fx.OrgA2.ID})
			if err != nil {
				t.Fatal(err)
			}
			if late.Since != "2026-03-02" {
				t.Errorf("since %q, want the day of entry", late.Since)
			}
			names := func(m *steering.Meeting) string {
				var out []string
				for _, a := range m.Attendance {
					out = append(out, a.PersonName)
				}
				return strings.Join(out, ", ")
			}
			m, err := s.GetMeeting(ctx, coord, b.MeetingA.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got := names(m); strings.Contains(got, "Lena Später") || !strings.Contains(got, "Petra Partner") {
				t.Errorf("the past meeting lists %q", got)
			}
			if _, pm, err := s.MinutesPDF(ctx, coord, b.MeetingA.ID, "de", env.App.Renderer.Catalogue().Localizer("de").T); err != nil ||
				strings.Contains(names(pm), "Lena Später") {
				t.Errorf("the minutes list %q (%v)", names(pm), err)
			}
			if strings.Contains(co.Get("/sitzungen/"+m.ID).Doc(t).Find("main").Text(), "Lena Später") {
				t.Error("the meeting's page lists the later member")
			}
			r := co.PostForm("/sitzungen/"+m.ID, meetingForm(m, url.Values{"att_" + late.ID: {"present"}}))
			if got := bodyFieldMessage(t, r, "attendance"); r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(got, "nicht Mitglied") {
				t.Errorf("attendance of the later member: %d %q", r.StatusCode, got)
			}
			// A coming meeting lists them; a member who left is not on it, but stays on the past one.
			next, err := apptestMeeting(t, co, b.BodyA.ID, "2026-03-20", "10:00", "12:00")
			if err != nil {
				t.Fatal(err)
			}
			if _, err := s.RemoveBodyMember(ctx, coord, b.MemberA2.ID); err != nil {
				t.Fatal(err)
			}
			nm, _ := s.GetMeeting(ctx, coord, next)
			if got := names(nm); !strings.Contains(got, "Lena Später") || strings.Contains(got, "Petra Partner") {
				t.Errorf("the coming meeting lists %q", got)
			}
			m, _ = s.GetMeeting(ctx, coord, b.MeetingA.ID)
			if got := names(m); !strings.Contains(got, "Petra Partner") {
				t.Errorf("the past meeting lost the former member: %q", got)
			}
			// With an earlier day of joining, the attendance can be recorded afterwards.
			in := steering.BodyMemberInput{PersonName: late.PersonName, OrganisationID: late.OrganisationID, Role: late.Role, Since: "2026-02-01"}
			if _, err := s.UpdateBodyMember(ctx, coord, late.ID, in); err != nil {
				t.Fatal(err)
			}
			m, _ = s.GetMeeting(ctx, coord, b.MeetingA.ID)
			wantStatus(t, co.PostForm("/sitzungen/"+m.ID, meetingForm(m, url.Values{"att_" + late.ID: {"present"}})), http.StatusSeeOther, "recorded afterwards")
		})
	}
}
