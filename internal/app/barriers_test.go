package app_test

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"kim/internal/apptest"
	"kim/internal/platform/access"
	"kim/internal/platform/db"
	"kim/internal/platform/errs"
	"kim/internal/platform/ids"
	"kim/internal/platform/web"
	"kim/internal/steering"
)

// barrierPage is the first page of a report list.
func barrierPage() web.ListQuery {
	return web.ListQuery{Page: 1, Size: 25, Sort: "reported", Desc: true}
}

// Barrier reports: filed from a case in two clicks, checked for the participants' identity,
// tied to the case only by a keyed pseudonym, screened in the coordination's inbox, and
// reported back on the news page.

func barrierEnv(t *testing.T, e apptest.Engine) (*apptest.Env, *apptest.Fixtures) {
	env := apptest.New(t, e, apptest.Options{})
	return env, env.Seed()
}

func loggedIn(env *apptest.Env, role access.Role) *apptest.Client {
	c := env.Client()
	c.Login(role)
	return c
}

// reportRow reads a stored report's columns as text.
func reportRow(t *testing.T, env *apptest.Env, id string) map[string]string {
	t.Helper()
	ctx := context.Background()
	cols := []string{"organisation_id", "reported_by", "case_key", "source", "life_domain", "type", "legal_domains", "description",
		"status", "close_reason", "screen_note", "screened_by"}
	out := map[string]string{}
	err := env.DB().Read(ctx, func(tx *db.Tx) error {
		vals := make([]string, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		sel := make([]string, len(cols))
		for i, c := range cols {
			sel[i] = "CAST(" + c + " AS TEXT)"
		}
		if err := tx.QueryRowContext(ctx, "SELECT "+strings.Join(sel, ", ")+" FROM barrier_reports WHERE CAST(id AS TEXT) = $1", id).Scan(ptrs...); err != nil {
			return err
		}
		for i, c := range cols {
			out[c] = vals[i]
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func countReports(t *testing.T, env *apptest.Env) int {
	t.Helper()
	var n int
	ctx := context.Background()
	if err := env.DB().Read(ctx, func(tx *db.Tx) error {
		return tx.QueryRowContext(ctx, "SELECT count(*) FROM barrier_reports").Scan(&n)
	}); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestBarrierReportFromACase(t *testing.T) {
	for _, e := range apptest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			env, fx := barrierEnv(t, e)
			cm := loggedIn(env, access.CaseManager)
			kase := fx.CaseA1.ID
			// First click: the case's section navigation leads to the form.
			page := cm.Get("/faelle/" + kase)
			if page.StatusCode != http.StatusOK || page.Doc(t).Find(`nav.case-sections a[href="/faelle/`+kase+`/problemanzeige"]`).Length() != 1 {
				t.Fatalf("case page %d: no link to the barrier report form", page.StatusCode)
			}
			form := cm.Get("/faelle/" + kase + "/problemanzeige")
			doc := form.Doc(t)
			if form.StatusCode != http.StatusOK || doc.Find(`select[name=life_domain]`).Length() != 1 || doc.Find(`select[name=type] option`).Length() != len(steering.ReportTypes)+1 ||
				doc.Find(`input[name=organisations][value="`+fx.OrgA2.ID+`"]`).Length() != 1 || doc.Find(`input[name=organisations][value="`+fx.OrgA1.ID+`"]`).Length() != 0 ||
				doc.Find(`input[name=legal_domains]`).Length() != len(steering.ReportLegalDomains) || doc.Find(`textarea[name=description]`).Length() != 1 {
				t.Fatalf("form %d: fields missing", form.StatusCode)
			}
			before := countReports(t, env)
			text := "Herr SAMIR Alpha-Klient (geb. 1.4.1990) bekommt keinen Kursplatz mit Kinderbetreuung."
			values := url.Values{"life_domain": {"language"}, "type": {"no_offer_capacity"}, "organisations": {fx.OrgA2.ID},
				"legal_domains": {"sgb2"}, "description": {text}, "source": {"case"}}
			// The client's name and birth date: the form comes back with a warning, nothing is saved.
			warn := cm.PostForm("/faelle/"+kase+"/problemanzeige", values)
			wdoc := warn.Doc(t)
			box := wdoc.Find(`.notice.warning[role=alert]`).Text()
			if warn.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(box, "SAMIR") || !strings.Contains(box, "1.4.1990") ||
				!strings.Contains(box, "Name einer beteiligten Person") || !strings.Contains(box, "Geburtsdatum") {
				t.Fatalf("warning %d: %q", warn.StatusCode, box)
			}
			if got := wdoc.Find(`textarea[name=description]`).Text(); got != text {
				t.Errorf("the text was not kept: %q", got)
			}
			if wdoc.Find(`input[name=confirm_anonymous][type=checkbox]`).Length() != 1 || wdoc.Find(`input[name=organisations][value="`+fx.OrgA2.ID+`"][checked]`).Length() != 1 {
				t.Error("the confirmation box is missing or the choices were lost")
			}
			if n := countReports(t, env); n != before {
				t.Fatalf("a report was saved despite the warning: %d → %d", before, n)
			}
			// Confirmed with the warning's token: saved, the confirmation recorded as a flag only.
			values.Set("confirm_anonymous", "1")
			values.Set("identity_token", wdoc.Find(`input[type=hidden][name=identity_token]`).AttrOr("value", ""))
			saved := cm.PostForm("/faelle/"+kase+"/problemanzeige", values)
			id := strings.TrimPrefix(saved.Location(), "/problemanzeigen/")
			if saved.StatusCode != http.StatusSeeOther || !ids.Valid(id) {
				t.Fatalf("confirmed report: %d %s", saved.StatusCode, saved.Location())
			}
			var details string
			ctx := context.Background()
			if err := env.DB().Read(ctx, func(tx *db.Tx) error {
				return tx.QueryRowContext(ctx, "SELECT details FROM audit_log WHERE action = 'barrier_report.create' AND object_id = $1", id).Scan(&details)
			}); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(details, "identity_confirmed") || strings.Contains(strings.ToLower(details), "samir") || strings.Contains(details, "1990") || strings.Contains(details, kase) {
				t.Errorf("audit details %s", details)
			}
			if strings.Contains(strings.ToLower(env.Logs.String()), "samir") {
				t.Error("the log names the client")
			}
			// A clean text is saved at once, from the same case: the same key; another case: another key.
			values = url.Values{"life_domain": {"language"}, "type": {"no_offer_capacity"}, "description": {"Kein Sprachkurs mit Kinderbetreuung im Stadtteil."}}
			clean := cm.PostForm("/faelle/"+kase+"/problemanzeige", values)
			cleanID := strings.TrimPrefix(clean.Location(), "/problemanzeigen/")
			if clean.StatusCode != http.StatusSeeOther || !ids.Valid(cleanID) {
				t.Fatalf("clean report: %d", clean.StatusCode)
			}
			row, a1, a2 := reportRow(t, env, cleanID), reportRow(t, env, fx.Barriers.ReportA1.ID), reportRow(t, env, fx.Barriers.ReportA2.ID)
			want := steering.CaseKeyOf(env.App.Steering.CaseKey, fx.TenantA.ID, fx.ClientA1.Pseudonym+"/"+fx.CaseA1.Number)
			if row["case_key"] != want || a1["case_key"] != want || a2["case_key"] == want || len(want) != 64 {
				t.Errorf("case keys: new %s, A1 %s, A2 %s, want %s", row["case_key"], a1["case_key"], a2["case_key"], want)
			}
			if row["source"] != "case" || row["status"] != "reported" || row["reported_by"] != fx.Users[access.CaseManager].ID || row["organisation_id"] != fx.OrgA1.ID {
				t.Errorf("stored %v", row)
			}
			for c, v := range row {
				if strings.Contains(v, kase) || strings.Contains(v, fx.ClientA1.ID) || strings.Contains(v, fx.CaseA1.Number) {
					t.Errorf("column %s holds the case: %q", c, v)
				}
			}
			// No page or answer of the steering loop reveals the case.
			co := loggedIn(env, access.Coordinator)
			for _, c := range []*apptest.Client{cm, co} {
				for _, p := range []string{"/problemanzeigen/" + id, "/problemanzeigen/" + cleanID, "/problemanzeigen", "/neuigkeiten", "/koordination/eingang", "/start"} {
					r := c.Get(p)
					body := string(r.Body)
					if r.StatusCode == http.StatusOK && (strings.Contains(body, kase) || strings.Contains(body, fx.CaseA1.Number) ||
						strings.Contains(body, "Alpha-Klient,") || strings.Contains(body, fx.ClientA1.Pseudonym) || strings.Contains(body, want)) {
						t.Errorf("%s reveals the case", p)
					}
				}
			}
			view := co.Get("/problemanzeigen/" + cleanID)
			if view.StatusCode != http.StatusOK || !strings.Contains(string(view.Body), "Kein Sprachkurs mit Kinderbetreuung im Stadtteil.") {
				t.Errorf("coordinator's view %d", view.StatusCode)
			}
		})
	}
}

func TestBarrierReportRules(t *testing.T) {
	env, fx := barrierEnv(t, apptest.SQLite)
	ctx := context.Background()
	s := env.App.Steering
	cm := fx.Users[access.CaseManager].Actor("alpha")
	good := steering.ReportInput{LifeDomain: "housing", Type: "waiting_time", Description: "Lange Wartezeiten."}
	for name, c := range map[string]struct {
		actor access.Actor
		kase  string
		in    steering.ReportInput
		code  errs.Code
	}{
		"colleague's case":      {fx.ColleagueA1.Actor("alpha"), fx.CaseA1.ID, good, errs.NotFound},
		"other organisation":    {cm, fx.CaseA2.ID, good, errs.NotFound},
		"other tenant":          {cm, fx.CaseB1.ID, good, errs.NotFound},
		"malformed case":        {cm, "kein-fall", good, errs.NotFound},
		"coordinator":           {fx.Users[access.Coordinator].Actor("alpha"), fx.CaseA1.ID, good, errs.Forbidden},
		"team lead, no purpose": {fx.Users[access.TeamLead].Actor("alpha"), fx.CaseA1.ID, good, errs.Forbidden},
		"unknown type":          {cm, fx.CaseA1.ID, steering.ReportInput{LifeDomain: "housing", Type: "x", Description: "a"}, errs.Invalid},
		"no text":               {cm, fx.CaseA1.ID, steering.ReportInput{LifeDomain: "housing", Type: "other"}, errs.Invalid},
		"too long":              {cm, fx.CaseA1.ID, steering.ReportInput{LifeDomain: "housing", Type: "other", Description: strings.Repeat("a", 1501)}, errs.Invalid},
		"own organisation":      {cm, fx.CaseA1.ID, steering.ReportInput{LifeDomain: "housing", Type: "other", Description: "a", Organisations: []string{fx.OrgA1.ID}}, errs.Invalid},
		"other tenant's org":    {cm, fx.CaseA1.ID, steering.ReportInput{LifeDomain: "housing", Type: "other", Description: "a", Organisations: []string{fx.OrgB1.ID}}, errs.Invalid},
		"bad source":            {cm, fx.CaseA1.ID, steering.ReportInput{LifeDomain: "housing", Type: "other", Description: "a", Source: "x"}, errs.Invalid},
	} {
		if _, err := s.FileReport(ctx, c.actor, c.kase, c.in); errs.CodeOf(err) != c.code {
			t.Errorf("%s: %v, want %s", name, err, c.code)
		}
	}
	// The deputy and the team lead with a stated purpose may report from the case.
	lead := fx.Users[access.TeamLead].Actor("alpha")
	if _, err := env.App.Cases.GetCase(ctx, lead, fx.CaseA1.ID, "Fallbesprechung"); err != nil {
		t.Fatal(err)
	}
	r, err := s.FileReport(ctx, lead, fx.CaseA1.ID, good)
	if err != nil || r.OrganisationID != fx.OrgA1.ID || r.ReportedBy != lead.UserID {
		t.Fatalf("team lead's report: %v %+v", err, r)
	}
}

func listIDs(t *testing.T, c *apptest.Client, path string) []string {
	t.Helper()
	r := c.Get(path)
	if r.StatusCode != http.StatusOK {
		t.Fatalf("%s: %d", path, r.StatusCode)
	}
	var out []string
	r.Doc(t).Find(`tbody a[href^="/problemanzeigen/"]`).Each(func(_ int, s *goquery.Selection) {
		out = append(out, strings.TrimPrefix(s.AttrOr("href", ""), "/problemanzeigen/"))
	})
	return out
}

func TestBarrierReportLists(t *testing.T) {
	for _, e := range apptest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			env, fx := barrierEnv(t, e)
			a1, a2, b1 := fx.Barriers.ReportA1.ID, fx.Barriers.ReportA2.ID, fx.Barriers.ReportB1.ID
			colleague := env.Client()
			colleague.LoginAs("alpha", "kollegin@alpha.example", apptest.Password)
			for who, c := range map[string]struct {
				client *apptest.Client
				want   []string
			}{
				"case manager": {loggedIn(env, access.CaseManager), []string{a1}},
				"colleague":    {colleague, nil},
				"team lead":    {loggedIn(env, access.TeamLead), []string{a1}},
				"coordinator":  {loggedIn(env, access.Coordinator), []string{a1, a2}},
			} {
				got := listIDs(t, c.client, "/problemanzeigen")
				slices.Sort(got)
				want := slices.Clone(c.want)
				slices.Sort(want)
				if !slices.Equal(got, want) {
					t.Errorf("%s sees %v, want %v", who, got, want)
				}
				if slices.Contains(got, b1) {
					t.Errorf("%s sees another tenant's report", who)
				}
			}
			co := loggedIn(env, access.Coordinator)
			for q, want := range map[string][]string{
				"?type=procedure_duration":          {a2},
				"?life_domain=language":             {a1},
				"?status=closed":                    nil,
				"?from=2026-03-02&to=2026-03-02":    {a1, a2},
				"?from=2026-03-03":                  nil,
				"?type=kaputt&from=kein-datum":      {a1, a2},
				"?sort=type&dir=desc&page=1&size=1": {a2},
			} {
				got := listIDs(t, co, "/problemanzeigen"+q)
				slices.Sort(got)
				slices.Sort(want)
				if !slices.Equal(got, want) {
					t.Errorf("%s: %v, want %v", q, got, want)
				}
			}
			if r := co.Get("/problemanzeigen?type=kaputt"); !strings.Contains(string(r.Body), "error-summary") {
				t.Error("an invalid filter is not named")
			}
			if r := loggedIn(env, access.BodyMember).Get("/problemanzeigen"); r.StatusCode != http.StatusForbidden {
				t.Errorf("body member: %d", r.StatusCode)
			}
			if r := co.Get("/problemanzeigen/" + b1); r.StatusCode != http.StatusNotFound {
				t.Errorf("other tenant's report: %d", r.StatusCode)
			}
		})
	}
}

func TestBarrierScreening(t *testing.T) {
	for _, e := range apptest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			env, fx := barrierEnv(t, e)
			ctx := context.Background()
			s := env.App.Steering
			co := fx.Users[access.Coordinator].Actor("alpha")
			base, err := s.ListInbox(ctx, co, barrierPage(), steering.ReportFilter{})
			if err != nil {
				t.Fatal(err)
			}
			// Two new reports arrive in the inbox and its counts.
			a1 := fileReport(t, env, fx.Users[access.CaseManager].Actor("alpha"), fx.CaseA1.ID, "no_offer_capacity")
			a2 := fileReport(t, env, fx.MemberA2.Actor("alpha"), fx.CaseA2.ID, "waiting_time")
			in, err := s.ListInbox(ctx, co, barrierPage(), steering.ReportFilter{})
			if err != nil || in.All != base.All+2 || in.ByType["no_offer_capacity"] != base.ByType["no_offer_capacity"]+1 ||
				in.ByType["waiting_time"] != base.ByType["waiting_time"]+1 || in.Total != base.Total+2 {
				t.Fatalf("inbox: %v %+v, before %+v", err, in, base)
			}
			if in, _ := s.ListInbox(ctx, co, barrierPage(), steering.ReportFilter{Type: "waiting_time"}); in.Total != base.ByType["waiting_time"]+1 || in.All != base.All+2 {
				t.Errorf("filtered inbox: %+v", in)
			}
			// The inbox page: counts, selection for the merge, screening in place.
			client := loggedIn(env, access.Coordinator)
			page := client.Get("/koordination/eingang")
			doc := page.Doc(t)
			if page.StatusCode != http.StatusOK || doc.Find(`input[type=checkbox][name=bericht][form=zusammenfuehren][value="`+a1+`"]`).Length() != 1 ||
				doc.Find(`input[type=checkbox][name=bericht][form=zusammenfuehren][value="`+a2+`"]`).Length() != 1 ||
				doc.Find(`form#zusammenfuehren[method=get][action="/themen/zusammenfuehren"] button`).Length() != 1 ||
				doc.Find(`a[href="/koordination/eingang?type=waiting_time"]`).Length() != 1 {
				t.Fatalf("inbox page %d", page.StatusCode)
			}
			r := client.PostForm("/problemanzeigen/"+a1+"/sichtung", url.Values{"action": {"screen"}, "version": {"1"}, "back": {"inbox"}})
			if r.StatusCode != http.StatusSeeOther || r.Location() != "/koordination/eingang" || reportRow(t, env, a1)["status"] != "screened" {
				t.Fatalf("screening: %d %s", r.StatusCode, r.Location())
			}
			for name, c := range map[string]struct {
				id   string
				in   steering.ScreenInput
				code errs.Code
			}{
				"screened twice":    {a1, steering.ScreenInput{Action: "screen", Version: 2}, errs.Conflict},
				"stale version":     {a1, steering.ScreenInput{Action: "close", Reason: "duplicate", Note: "x", Version: 1}, errs.Conflict},
				"close, no reason":  {a1, steering.ScreenInput{Action: "close", Note: "x", Version: 2}, errs.Invalid},
				"close, no note":    {a1, steering.ScreenInput{Action: "close", Reason: "resolved", Version: 2}, errs.Invalid},
				"unknown action":    {a1, steering.ScreenInput{Action: "assign", Version: 2}, errs.Invalid},
				"other tenant":      {fx.Barriers.ReportB1.ID, steering.ScreenInput{Action: "screen"}, errs.NotFound},
				"malformed id":      {"x", steering.ScreenInput{Action: "screen"}, errs.NotFound},
				"version too large": {a1, steering.ScreenInput{Action: "screen", Version: 1 << 40}, errs.Conflict},
			} {
				if _, err := s.ScreenReport(ctx, co, c.id, c.in); errs.CodeOf(err) != c.code {
					t.Errorf("%s: %v, want %s", name, err, c.code)
				}
			}
			if _, err := s.ScreenReport(ctx, fx.Users[access.CaseManager].Actor("alpha"), a1, steering.ScreenInput{Action: "screen"}); errs.CodeOf(err) != errs.Forbidden {
				t.Errorf("a case manager screens: %v", err)
			}
			closed, err := s.ScreenReport(ctx, co, a1, steering.ScreenInput{Action: "close", Reason: "duplicate", Note: "Doppelt gemeldet.", Version: 2})
			if err != nil || closed.Status != "closed" || closed.CloseReason != "duplicate" || closed.ScreenNote != "Doppelt gemeldet." || closed.ScreenedAt == nil {
				t.Fatalf("close: %v %+v", err, closed)
			}
			if _, err := s.ScreenReport(ctx, co, a1, steering.ScreenInput{Action: "close", Reason: "resolved", Note: "x"}); errs.CodeOf(err) != errs.Conflict {
				t.Errorf("closed twice: %v", err)
			}
			if in, _ := s.ListInbox(ctx, co, barrierPage(), steering.ReportFilter{}); in.All != base.All+1 {
				t.Errorf("the closed report stays in the inbox: %+v", in)
			}
			// A failed screening on the page: the form again with its message.
			bad := client.PostForm("/problemanzeigen/"+a2+"/sichtung", url.Values{"action": {"close"}, "version": {"1"}, "note": {"Begründung"}})
			if bad.StatusCode != http.StatusUnprocessableEntity || bad.Doc(t).Find(`#f-reason-error`).Length() != 1 ||
				bad.Doc(t).Find(`textarea[name=note]`).Text() != "Begründung" {
				t.Errorf("failed screening: %d", bad.StatusCode)
			}
			// A report merged into a theme leaves the inbox; it can still be closed, not screened.
			theme := addTheme(t, env, fx, "Wartezeiten", a2)
			if in, _ := s.ListInbox(ctx, co, barrierPage(), steering.ReportFilter{}); in.All != base.All {
				t.Fatalf("inbox after the merge: %+v", in)
			}
			rep, err := s.GetReport(ctx, co, a2)
			if err != nil || rep.ThemeID != theme || rep.Status != "assigned" {
				t.Fatalf("merged report: %v %+v", err, rep)
			}
			if _, err := s.ScreenReport(ctx, co, a2, steering.ScreenInput{Action: "screen", Version: rep.Version}); errs.CodeOf(err) != errs.Conflict {
				t.Errorf("an assigned report screened again: %v", err)
			}
			// A report in a theme is not closed: it would stay in the theme and be counted there.
			_, err = s.ScreenReport(ctx, co, a2, steering.ScreenInput{Action: "close", Reason: "resolved", Note: "Erledigt.", Version: rep.Version})
			if errs.CodeOf(err) != errs.Conflict || errs.As(err).Message.ID != "steering.report.close_assigned" {
				t.Errorf("an assigned report closed: %v", err)
			}
			if row := reportRow(t, env, a2); row["status"] != "assigned" || row["close_reason"] != "" {
				t.Errorf("the assigned report changed: %v", row)
			}
			refused := client.PostForm("/problemanzeigen/"+a2+"/sichtung", url.Values{"action": {"close"}, "version": {strconv.Itoa(rep.Version)},
				"reason": {"resolved"}, "note": {"Erledigt."}})
			if refused.StatusCode != http.StatusConflict || !strings.Contains(refused.Doc(t).Find(".error-summary").Text(), "Wartezeiten") {
				t.Errorf("closing an assigned report on the page: %d", refused.StatusCode)
			}
			if page := client.Get("/problemanzeigen/" + a2).Doc(t); page.Find(`input[name=action][value=close]`).Length() != 0 {
				t.Error("the page offers to close an assigned report")
			}
		})
	}
}

// fileReport files a clean report of the given type and returns its id.
func fileReport(t *testing.T, env *apptest.Env, actor access.Actor, caseID, typ string) string {
	t.Helper()
	r, err := env.App.Steering.FileReport(context.Background(), actor, caseID, steering.ReportInput{LifeDomain: "language", Type: typ,
		Description: "Keine Kinderbetreuung während der Kurszeiten."})
	if err != nil {
		t.Fatal(err)
	}
	return r.ID
}

// addTheme puts reports into a new theme as the merge does (status assigned) and returns the
// theme's id.
func addTheme(t *testing.T, env *apptest.Env, fx *apptest.Fixtures, title string, reports ...string) string {
	t.Helper()
	ctx := context.Background()
	id := ids.New()
	err := env.DB().Write(ctx, func(tx *db.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO themes (tenant_id, id, title, created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5)`,
			fx.TenantA.ID, id, title, fx.Users[access.Coordinator].ID, tx.Now); err != nil {
			return err
		}
		for _, r := range reports {
			if _, err := tx.ExecContext(ctx, "INSERT INTO theme_reports (tenant_id, theme_id, report_id, added_at) VALUES ($1, $2, $3, $4)", fx.TenantA.ID, id, r, tx.Now); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, "UPDATE barrier_reports SET status = 'assigned', updated_at = $1, version = version + 1 WHERE tenant_id = $2 AND id = $3",
				tx.Now, fx.TenantA.ID, r); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func TestBarrierNews(t *testing.T) {
	for _, e := range apptest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			env, fx := barrierEnv(t, e)
			ctx := context.Background()
			actor := fx.Users[access.CaseManager].Actor("alpha")
			colleague := env.Client()
			colleague.LoginAs("alpha", "kollegin@alpha.example", apptest.Password)
			if r := colleague.Get("/neuigkeiten"); r.StatusCode != http.StatusOK || !strings.Contains(string(r.Body), "Noch keine Neuigkeiten") {
				t.Fatalf("empty news: %d", r.StatusCode)
			}
			_, base, err := env.App.Steering.News(ctx, actor, barrierPage())
			if err != nil {
				t.Fatal(err)
			}
			// A new report of the case manager goes into a theme that gets an adopted
			// recommendation, which created an offer.
			report := fileReport(t, env, actor, fx.CaseA1.ID, "no_offer_capacity")
			theme := addTheme(t, env, fx, "Sprachkurse mit Kinderbetreuung", report)
			offer, rec, rejected, offer2 := ids.New(), ids.New(), ids.New(), ids.New()
			err = env.DB().Write(ctx, func(tx *db.Tx) error {
				body := ids.New()
				for _, q := range []struct {
					sql  string
					args []any
				}{
					{"INSERT INTO bodies (tenant_id, id, type, name, created_by, created_at, updated_at) VALUES ($1, $2, 'steering_group', 'Lenkungsgruppe Test', $3, $4, $4)",
						[]any{fx.TenantA.ID, body, fx.Users[access.Coordinator].ID, tx.Now}},
					{`INSERT INTO recommendations (tenant_id, id, theme_id, body_id, title, text, status, decided_on, feedback, created_by, created_at, updated_at)
						VALUES ($1, $2, $3, $4, 'Kurse mit Kinderbetreuung fördern', 'Text', 'adopted', '2026-03-04', 'Die Lenkungsgruppe fördert drei Kurse.', $5, $6, $6)`,
						[]any{fx.TenantA.ID, rec, theme, body, fx.Users[access.Coordinator].ID, tx.Now}},
					// A draft of the same theme is no news.
					{`INSERT INTO recommendations (tenant_id, id, theme_id, body_id, title, text, status, created_by, created_at, updated_at)
						VALUES ($1, $2, $3, $4, 'Noch ein Entwurf', 'Text', 'draft', $5, $6, $6)`,
						[]any{fx.TenantA.ID, ids.New(), theme, body, fx.Users[access.Coordinator].ID, tx.Now}},
					{"INSERT INTO offers (tenant_id, id, organisation_id, title, created_by, created_at, updated_at) VALUES ($1, $2, $3, 'Elternkurs mit Kinderbetreuung', $4, $5, $5)",
						[]any{fx.TenantA.ID, offer, fx.OrgA2.ID, fx.Users[access.TenantAdmin].ID, tx.Now}},
					{"INSERT INTO recommendation_offers (tenant_id, recommendation_id, offer_id, kind, linked_at) VALUES ($1, $2, $3, 'created', $4)",
						[]any{fx.TenantA.ID, rec, offer, tx.Now}},
					// A rejected recommendation is news; an offer linked to it is not.
					{`INSERT INTO recommendations (tenant_id, id, theme_id, body_id, title, text, status, decided_on, created_by, created_at, updated_at)
						VALUES ($1, $2, $3, $4, 'Abgelehnte Empfehlung', 'Text', 'rejected', '2026-03-04', $5, $6, $6)`,
						[]any{fx.TenantA.ID, rejected, theme, body, fx.Users[access.Coordinator].ID, tx.Now}},
					{"INSERT INTO offers (tenant_id, id, organisation_id, title, created_by, created_at, updated_at) VALUES ($1, $2, $3, 'Nie umgesetzt', $4, $5, $5)",
						[]any{fx.TenantA.ID, offer2, fx.OrgA2.ID, fx.Users[access.TenantAdmin].ID, tx.Now}},
					{"INSERT INTO recommendation_offers (tenant_id, recommendation_id, offer_id, kind, linked_at) VALUES ($1, $2, $3, 'created', $4)",
						[]any{fx.TenantA.ID, rejected, offer2, tx.Now}},
				} {
					if _, err := tx.ExecContext(ctx, q.sql, q.args...); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			items, total, err := env.App.Steering.News(ctx, actor, barrierPage())
			if err != nil || total != base+4 {
				t.Fatalf("news: %v %d, before %d", err, total, base)
			}
			mine := map[string]bool{}
			for _, it := range items {
				if it.ThemeID == theme {
					mine[it.Kind] = true
				}
				if it.RecTitle == "Noch ein Entwurf" {
					t.Error("a draft recommendation is news")
				}
				if it.Offer != nil && it.Offer.ID == offer2 {
					t.Error("an offer of a rejected recommendation is news")
				}
			}
			if !mine["recommendation"] || !mine["offer"] || !mine["report"] {
				t.Errorf("news of the theme: %v", mine)
			}
			r := loggedIn(env, access.CaseManager).Get("/neuigkeiten")
			if r.StatusCode != http.StatusOK {
				t.Fatalf("news page %d", r.StatusCode)
			}
			body := string(r.Body)
			doc := r.Doc(t)
			for _, want := range []string{"Kurse mit Kinderbetreuung fördern", "beschlossen", "Die Lenkungsgruppe fördert drei Kurse.", "04.03.2026",
				"Elternkurs mit Kinderbetreuung", "Neues Angebot", "Die Koordination hat die Problemanzeige einem Thema zugeordnet:"} {
				if !strings.Contains(body, want) {
					t.Errorf("the news page lacks %q", want)
				}
			}
			// The offer is not published: no link to its public page (404), the management page
			// for the coordination only.
			if doc.Find(`a[href="/angebote/`+offer+`"]`).Length() != 0 || doc.Find(`a[href="/angebote/verwaltung/`+offer+`"]`).Length() != 0 ||
				doc.Find(`a[href="/themen/`+theme+`"]`).Length() < 2 {
				t.Error("the news page links an unpublished offer or does not link the theme")
			}
			if items, _, _ := env.App.Steering.News(ctx, fx.Users[access.Coordinator].Actor("alpha"), barrierPage()); !slices.ContainsFunc(items, func(it steering.NewsItem) bool {
				return it.Offer != nil && it.Offer.ID == offer && it.OfferHref == "/angebote/verwaltung/"+offer
			}) {
				t.Error("the coordination's news do not link the offer's management page")
			}
			if err := env.DB().Write(ctx, func(tx *db.Tx) error {
				_, err := tx.ExecContext(ctx, "UPDATE offers SET published = $1 WHERE tenant_id = $2 AND id = $3", true, fx.TenantA.ID, offer)
				return err
			}); err != nil {
				t.Fatal(err)
			}
			if doc := loggedIn(env, access.CaseManager).Get("/neuigkeiten").Doc(t); doc.Find(`a[href="/angebote/`+offer+`"]`).Length() != 1 {
				t.Error("the news page does not link the published offer")
			}
			// The start page counts them; the colleague has none; a body member no box.
			count, err := env.App.Steering.CountNews(ctx, actor)
			if err != nil || count < 3 {
				t.Fatalf("count %d %v", count, err)
			}
			if start := loggedIn(env, access.CaseManager).Get("/start"); !strings.Contains(string(start.Body), strconv.Itoa(count)+" Neuigkeiten in den letzten 30 Tagen") {
				t.Error("the start page does not count the news")
			}
			if r := colleague.Get("/neuigkeiten"); !strings.Contains(string(r.Body), "Noch keine Neuigkeiten") {
				t.Error("a colleague sees another's news")
			}
			if start := colleague.Get("/start"); !strings.Contains(string(start.Body), "0 Neuigkeiten in den letzten 30 Tagen") {
				t.Error("the colleague's start page has no news box")
			}
			if start := loggedIn(env, access.BodyMember).Get("/start"); start.Doc(t).Find(`a[href="/neuigkeiten"]`).Length() != 0 {
				t.Error("a body member's start page links the news")
			}
			// After the span the start page no longer counts them; the page still lists them.
			env.Clock.Advance(31 * 24 * time.Hour)
			if n, err := env.App.Steering.CountNews(ctx, actor); err != nil || n != 0 {
				t.Errorf("count after 31 days: %d %v", n, err)
			}
			if _, n, _ := env.App.Steering.News(ctx, actor, barrierPage()); n != total {
				t.Errorf("news after 31 days: %d", n)
			}
		})
	}
}
