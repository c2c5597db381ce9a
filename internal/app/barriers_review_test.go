package app_test

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"kim/internal/apptest"
	"kim/internal/casework"
	"kim/internal/platform/access"
	"kim/internal/platform/db"
	"kim/internal/platform/errs"
	"kim/internal/steering"
)

// The confirmation "I have checked" counts only for the findings it was given for: not on the
// first post, not with a forged token, not after another name was added. A confirmed report is
// flagged for the coordination, which can black out its text.
func TestBarrierConfirmationIsBoundToTheFindings(t *testing.T) {
	for _, e := range apptest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			env, fx := barrierEnv(t, e)
			cm := loggedIn(env, access.CaseManager)
			path := "/faelle/" + fx.CaseA1.ID + "/problemanzeige"
			cleanID := fileReport(t, env, fx.Users[access.CaseManager].Actor("alpha"), fx.CaseA1.ID, "waiting_time")
			before := countReports(t, env)
			values := url.Values{"life_domain": {"language"}, "type": {"no_offer_capacity"}, "source": {"case"},
				"description": {"Samir bekommt keinen Kursplatz mit Kinderbetreuung."}}
			warned := func(r *apptest.Response, field string) string {
				t.Helper()
				doc := r.Doc(t)
				if r.StatusCode != http.StatusUnprocessableEntity || doc.Find(`.notice.warning[role=alert]`).Length() != 1 {
					t.Fatalf("no warning: %d", r.StatusCode)
				}
				if msg := doc.Find(`#f-confirm_anonymous-error`).Text(); !strings.Contains(msg, field) {
					t.Errorf("field message %q, want %q", msg, field)
				}
				if summary := doc.Find(`.error-summary`).Text(); strings.Contains(summary, "::") || strings.Contains(summary, "geprüft:") {
					t.Errorf("error summary %q", summary)
				}
				return doc.Find(`input[type=hidden][name=identity_token]`).AttrOr("value", "")
			}
			// Ticked on the first post, without a warning seen: warned all the same.
			values.Set("confirm_anonymous", "1")
			first := warned(cm.PostForm(path, values), "bestätigen Sie, dass")
			// A forged token does not count.
			values.Set("identity_token", strings.Repeat("0", 64))
			warned(cm.PostForm(path, values), "andere Angaben")
			// Another detail added after the warning: the token of the first findings does not
			// cover it; the new warning names it and has another token.
			values.Set("identity_token", first)
			values.Set("description", "Samir bekommt keinen Kursplatz mit Kinderbetreuung, geb. 1.4.1990, Fall "+fx.CaseA1.Number+".")
			r := cm.PostForm(path, values)
			box := r.Doc(t).Find(`.notice.warning[role=alert]`).Text()
			second := warned(r, "andere Angaben")
			if second == first || second == "" || !strings.Contains(box, "1.4.1990") || !strings.Contains(box, fx.CaseA1.Number) ||
				!strings.Contains(box, "Fallnummer, Pseudonym") {
				t.Errorf("second warning: token changed %v, box %q", second != first, box)
			}
			if r.Doc(t).Find(`input[name=confirm_anonymous][checked]`).Length() != 0 {
				t.Error("the confirmation stays ticked for the new findings")
			}
			if n := countReports(t, env); n != before {
				t.Fatalf("saved without a valid confirmation: %d → %d", before, n)
			}
			// The token without the tick does not count.
			values.Set("identity_token", second)
			values.Del("confirm_anonymous")
			warned(cm.PostForm(path, values), "bestätigen Sie, dass")
			// Confirmed for these findings: saved and flagged.
			values.Set("confirm_anonymous", "1")
			saved := cm.PostForm(path, values)
			id := strings.TrimPrefix(saved.Location(), "/problemanzeigen/")
			if saved.StatusCode != http.StatusSeeOther || reportRow(t, env, id)["description"] == "" {
				t.Fatalf("confirmed report: %d", saved.StatusCode)
			}
			rep, err := env.App.Steering.GetReport(context.Background(), fx.Users[access.Coordinator].Actor("alpha"), id)
			if err != nil || !rep.IdentityConfirmed {
				t.Fatalf("the confirmation is not flagged: %v %+v", err, rep)
			}
			clean, err := env.App.Steering.GetReport(context.Background(), fx.Users[access.Coordinator].Actor("alpha"), cleanID)
			if err != nil || clean.IdentityConfirmed {
				t.Fatalf("a clean report is flagged: %v", err)
			}
			// The coordination sees the flag in the inbox and on the report.
			co := loggedIn(env, access.Coordinator)
			const badge = "vom case management als anonym bestätigt"
			inbox := co.Get("/koordination/eingang").Doc(t)
			if row := inbox.Find(`tr:has(a[href="/problemanzeigen/` + id + `"])`).Text(); !strings.Contains(strings.ToLower(row), badge) {
				t.Errorf("the inbox does not flag the confirmed report: %q", row)
			}
			if row := inbox.Find(`tr:has(a[href="/problemanzeigen/` + cleanID + `"])`).Text(); row == "" || strings.Contains(strings.ToLower(row), badge) {
				t.Errorf("the inbox flags a clean report: %q", row)
			}
			page := co.Get("/problemanzeigen/" + id).Doc(t)
			if !strings.Contains(strings.ToLower(page.Text()), badge) || page.Find(`form[action="/problemanzeigen/`+id+`/text"] textarea[name=description]`).Length() != 1 {
				t.Fatal("the report page lacks the flag or the text form")
			}
			// It blacks out the text: version-checked, validated, audited without the text.
			text := func(c *apptest.Client, desc, version string) *apptest.Response {
				return c.PostForm("/problemanzeigen/"+id+"/text", url.Values{"description": {desc}, "version": {version}})
			}
			if r := text(co, "", "1"); r.StatusCode != http.StatusUnprocessableEntity || r.Doc(t).Find(`#f-description-error`).Length() != 1 {
				t.Errorf("empty text: %d", r.StatusCode)
			}
			if r := text(co, "[geschwärzt] bekommt keinen Kursplatz.", "7"); r.StatusCode != http.StatusConflict {
				t.Errorf("stale version: %d", r.StatusCode)
			}
			if r := text(cm, "[geschwärzt] bekommt keinen Kursplatz.", "1"); r.StatusCode != http.StatusForbidden {
				t.Errorf("a case manager edits the text: %d", r.StatusCode)
			}
			if r := text(co, "[geschwärzt] bekommt keinen Kursplatz.", "1"); r.StatusCode != http.StatusSeeOther || r.Location() != "/problemanzeigen/"+id {
				t.Fatalf("edit: %d %s", r.StatusCode, r.Location())
			}
			row := reportRow(t, env, id)
			if row["description"] != "[geschwärzt] bekommt keinen Kursplatz." {
				t.Errorf("text %q", row["description"])
			}
			if rep, _ := env.App.Steering.GetReport(context.Background(), fx.Users[access.Coordinator].Actor("alpha"), id); rep.IdentityConfirmed || rep.Version != 2 {
				t.Errorf("after the edit: %+v", rep)
			}
			if strings.Contains(strings.ToLower(co.Get("/problemanzeigen/"+id).Doc(t).Text()), badge) {
				t.Error("the flag stays after the coordination's check")
			}
			var details string
			ctx := context.Background()
			if err := env.DB().Read(ctx, func(tx *db.Tx) error {
				return tx.QueryRowContext(ctx, "SELECT details FROM audit_log WHERE action = 'barrier_report.edit_text' AND object_id = $1", id).Scan(&details)
			}); err != nil {
				t.Fatal(err)
			}
			if strings.Contains(details, "geschwärzt") || strings.Contains(details, "Samir") || !strings.Contains(details, "checked") {
				t.Errorf("audit details %s", details)
			}
		})
	}
}

// A wrong close can be undone: the report is screened again, without the old reason and note.
func TestBarrierReopen(t *testing.T) {
	for _, e := range apptest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			env, fx := barrierEnv(t, e)
			ctx := context.Background()
			s := env.App.Steering
			co := fx.Users[access.Coordinator].Actor("alpha")
			id := fx.Barriers.ReportA2.ID
			if _, err := s.ScreenReport(ctx, co, id, steering.ScreenInput{Action: steering.ReopenAction, Version: 1}); errs.CodeOf(err) != errs.Conflict {
				t.Errorf("reopening a new report: %v", err)
			}
			if _, err := s.ScreenReport(ctx, co, id, steering.ScreenInput{Action: steering.CloseAction, Reason: "duplicate", Note: "Doppelt.", Version: 1}); err != nil {
				t.Fatal(err)
			}
			client := loggedIn(env, access.Coordinator)
			page := client.Get("/problemanzeigen/" + id).Doc(t)
			if page.Find(`input[name=action][value=reopen]`).Length() != 1 || page.Find(`input[name=action][value=close]`).Length() != 0 {
				t.Error("the closed report's page offers no reopening")
			}
			if _, err := s.ScreenReport(ctx, fx.Users[access.TeamLead].Actor("alpha"), id, steering.ScreenInput{Action: steering.ReopenAction, Version: 2}); errs.CodeOf(err) != errs.Forbidden {
				t.Errorf("a team lead reopens: %v", err)
			}
			r := client.PostForm("/problemanzeigen/"+id+"/sichtung", url.Values{"action": {"reopen"}, "version": {"2"}})
			if r.StatusCode != http.StatusSeeOther {
				t.Fatalf("reopen: %d", r.StatusCode)
			}
			if row := reportRow(t, env, id); row["status"] != "screened" || row["close_reason"] != "" || row["screen_note"] != "" {
				t.Errorf("reopened: %v", row)
			}
			in, err := s.ListInbox(ctx, co, barrierPage(), steering.ReportFilter{})
			if err != nil || !containsReport(in.Items, id) {
				t.Errorf("the reopened report is not back in the inbox: %v", err)
			}
			if !strings.Contains(string(client.Get("/problemanzeigen/"+id).Body), "wieder geöffnet") {
				t.Error("no flash after reopening")
			}
			var n int
			if err := env.DB().Read(ctx, func(tx *db.Tx) error {
				return tx.QueryRowContext(ctx, "SELECT count(*) FROM audit_log WHERE action = 'barrier_report.reopen' AND object_id = $1", id).Scan(&n)
			}); err != nil || n != 1 {
				t.Errorf("audit entries %d %v", n, err)
			}
		})
	}
}

func containsReport(list []steering.Report, id string) bool {
	for _, r := range list {
		if r.ID == id {
			return true
		}
	}
	return false
}

// A team lead without a stated purpose is sent to the case page, which asks for it; a
// manipulated source does not break the form; the inbox heading tells filtered from whole and
// its per-type links keep the other filters.
func TestBarrierFormAndInboxDetails(t *testing.T) {
	env, fx := barrierEnv(t, apptest.SQLite)
	lead := loggedIn(env, access.TeamLead)
	path := "/faelle/" + fx.CaseA1.ID + "/problemanzeige"
	r := lead.Get(path)
	if r.StatusCode != http.StatusSeeOther || r.Location() != "/faelle/"+fx.CaseA1.ID {
		t.Fatalf("team lead without purpose: %d %s", r.StatusCode, r.Location())
	}
	if body := string(lead.Get(r.Location()).Body); !strings.Contains(body, "wozu Sie den Fall öffnen") || !strings.Contains(body, `name="purpose"`) {
		t.Error("the case page does not explain why or ask for the purpose")
	}
	cm := loggedIn(env, access.CaseManager)
	bad := cm.PostForm(path, url.Values{"source": {"<kaputt>"}, "life_domain": {"language"}, "description": {"Kein Kurs."}})
	doc := bad.Doc(t)
	if bad.StatusCode != http.StatusUnprocessableEntity || doc.Find(`input[name=source][value=case]`).Length() != 1 ||
		doc.Find(`a[href="#f-source"]`).Length() != 0 || doc.Find(`a[href="#f-type"]`).Length() != 1 || strings.Contains(string(bad.Body), "kaputt") {
		t.Errorf("invalid source: %d", bad.StatusCode)
	}
	if ok := cm.PostForm(path, url.Values{"source": {"kaputt"}, "life_domain": {"language"}, "type": {"other"}, "description": {"Kein Kurs."}}); ok.StatusCode != http.StatusSeeOther {
		t.Errorf("a report with an invalid source is not filed as from the case: %d", ok.StatusCode)
	}
	fileReport(t, env, fx.Users[access.CaseManager].Actor("alpha"), fx.CaseA1.ID, "waiting_time")
	co := loggedIn(env, access.Coordinator)
	in, err := env.App.Steering.ListInbox(context.Background(), fx.Users[access.Coordinator].Actor("alpha"), barrierPage(), steering.ReportFilter{})
	if err != nil {
		t.Fatal(err)
	}
	whole := co.Get("/koordination/eingang").Doc(t).Find(`#counts-title`).Text()
	if want := strconv.Itoa(in.Whole) + " Problemanzeigen im Eingang"; whole != want {
		t.Errorf("heading %q, want %q", whole, want)
	}
	filtered := co.Get("/koordination/eingang?type=waiting_time&life_domain=language")
	fdoc := filtered.Doc(t)
	if got, want := fdoc.Find(`#counts-title`).Text(), "1 von "+strconv.Itoa(in.Whole)+" Problemanzeigen im Eingang passt zu den Filtern"; got != want {
		t.Errorf("filtered heading %q, want %q", got, want)
	}
	if fdoc.Find(`a[href="/koordination/eingang?life_domain=language&type=other"]`).Length() != 1 {
		t.Error("the per-type links drop the other filters")
	}
}

func TestBarrierReportSuggestions(t *testing.T) {
	for _, e := range apptest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			env, fx := barrierEnv(t, e)
			ctx := context.Background()
			actor := fx.Users[access.CaseManager].Actor("alpha")
			cm := loggedIn(env, access.CaseManager)
			kase := fx.CaseA1.ID
			// A referral that found no suitable offer suggests a report.
			if _, err := env.App.Cases.RecordAnswer(ctx, actor, fx.ReferralA1.ID, casework.AnswerInput{Status: "no_offer"}, ""); err != nil {
				t.Fatal(err)
			}
			link, ok := cm.Get("/faelle/" + kase).Doc(t).Find(`a[href*="source=referral_no_offer"]`).Attr("href")
			if !ok {
				t.Fatal("the referral without an offer suggests no report")
			}
			u, _ := url.Parse(link)
			for k := range u.Query() {
				if !slices.Contains([]string{"source", "type", "organisations"}, k) {
					t.Errorf("the link carries %s", k)
				}
			}
			doc := cm.Get(link).Doc(t)
			if doc.Find(`input[name=source][value=referral_no_offer]`).Length() != 1 || doc.Find(`select[name=type] option[value=no_offer_capacity][selected]`).Length() != 1 ||
				doc.Find(`input[name=organisations][value="`+fx.OrgA2.ID+`"][checked]`).Length() != 1 {
				t.Error("the form is not prefilled from the referral")
			}
			// A gap at a legal-domain transition suggests one too.
			if _, err := env.App.Cases.AddTransition(ctx, actor, kase, casework.TransitionInput{From: "asylblg", To: "sgb2", Trigger: "asylum_decision",
				TriggerOn: "2026-02-01", Status: "gap", GapKind: "benefits", GapFrom: "2026-02-01", GapUntil: "2026-02-20"}, ""); err != nil {
				t.Fatal(err)
			}
			link, ok = cm.Get("/faelle/" + kase + "/rechtskreiswechsel").Doc(t).Find(`a[href*="source=transition_gap"]`).Attr("href")
			if !ok {
				t.Fatal("the transition gap suggests no report")
			}
			doc = cm.Get(link).Doc(t)
			if doc.Find(`select[name=life_domain] option[value=livelihood][selected]`).Length() != 1 ||
				doc.Find(`input[name=legal_domains][value=asylblg][checked]`).Length() != 1 || doc.Find(`input[name=legal_domains][value=sgb2][checked]`).Length() != 1 ||
				doc.Find(`input[name=source][value=transition_gap]`).Length() != 1 {
				t.Error("the form is not prefilled from the transition")
			}
			// The prefill takes codes of its lists only.
			doc = cm.Get("/faelle/" + kase + "/problemanzeige?type=kaputt&organisations=" + fx.OrgB1.ID + "&source=x&life_domain=%3Cb%3E").Doc(t)
			if doc.Find(`option[selected]`).Length() != 0 || doc.Find(`input[checked]`).Length() != 0 || doc.Find(`input[name=source][value=case]`).Length() != 1 {
				t.Error("the prefill took values that are no codes of its lists")
			}
		})
	}
}
