package casework_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"kim/internal/apptest"
	"kim/internal/casework"
)

func TestLegalDomainTransitions(t *testing.T) {
	eachEngine(t, func(t *testing.T, env *apptest.Env, fx *apptest.Fixtures) {
		ctx := context.Background()
		s := env.App.Cases
		cm, c := planCM(t, env, fx)
		id := fx.CaseA1.ID
		base := "/faelle/" + id + "/rechtskreiswechsel"

		r := c.Get(base)
		if r.StatusCode != http.StatusOK {
			t.Fatalf("GET: %d", r.StatusCode)
		}
		noRawIDs(t, "transitions page", r)

		good := url.Values{"from_regime": {"asylblg"}, "to_regime": {"sgb2"}, "trigger": {"asylum_decision"}, "trigger_on": {"2026-02-10"},
			"status": {"in_progress"}, "check-jobcenter_application": {"done"}, "check-health_insurance": {"open"}}
		for _, tc := range []struct{ field, value, want string }{
			{"from_regime", "", "Bitte füllen Sie dieses Feld aus."},
			{"to_regime", "asylblg", "muss ein anderer sein"},
			{"to_regime", "hartz4", "Bitte wählen Sie einen der angebotenen Werte."},
			{"trigger", "zufall", "Bitte wählen Sie einen der angebotenen Werte."},
			{"trigger_on", "", "Bitte füllen Sie dieses Feld aus."},
			{"trigger_on", "2026-13-01", "gültiges Datum"},
			{"status", "vielleicht", "Bitte wählen Sie einen der angebotenen Werte."},
			{"check-housing_costs", "halb", "Bitte wählen Sie einen der angebotenen Werte."},
			{"gap_kind", "urlaub", "Bitte wählen Sie einen der angebotenen Werte."},
			{"gap_from", "2026-04-01", "nicht in der Zukunft"},
			{"gap_until", "2026-01-01", "nicht vor dem Anfangsdatum"},
		} {
			f := good
			if strings.HasPrefix(tc.field, "gap_") {
				f = url.Values{"gap_kind": {"benefits"}, "gap_from": {"2026-02-20"}}
				for k, v := range good {
					f[k] = v
				}
			}
			refused(t, c, base, f, tc.field, tc.value, tc.want)
		}
		// A gap needs its kind and first day.
		f := url.Values{}
		for k, v := range good {
			f[k] = v
		}
		f.Set("status", "gap")
		r = c.PostForm(base, f)
		if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(fieldMessage(t, r, "gap_kind"), "Art") || fieldMessage(t, r, "gap_from") == "" {
			t.Errorf("gap without kind and day: %d", r.StatusCode)
		}
		if n := count(t, env, "SELECT count(*) FROM transitions WHERE case_id = $1", id); n != 0 {
			t.Fatalf("%d transitions after refused input", n)
		}

		// A transition with a benefit gap since 20 February, still open on 2 March: 11 days.
		f.Set("gap_kind", "benefits")
		f.Set("gap_from", "20.02.2026")
		if r := c.PostForm(base, f); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("create: %d %s", r.StatusCode, summaryText(t, r))
		}
		tf, err := s.GetTransitions(ctx, cm, id, "")
		if err != nil || len(tf.Transitions) != 1 {
			t.Fatalf("transitions: %v", err)
		}
		tr := tf.Transitions[0]
		if tr.GapDays != 11 || !tr.GapOpen || tr.Checklist[0].State != "done" || tr.Pending() != 4 || tr.GapFrom != "2026-02-20" {
			t.Errorf("stored: %+v", tr)
		}
		r = c.Get(base)
		doc := r.Doc(t)
		if txt := doc.Find("#liste").Text(); !strings.Contains(txt, "11 Tage") || !strings.Contains(txt, "Antrag beim Jobcenter: erledigt") {
			t.Errorf("the list does not show the gap and checklist: %q", strings.Join(strings.Fields(txt), " "))
		}
		noRawIDs(t, "transitions with a gap", r)
		r = c.Get(base + "?bearbeiten=" + tr.ID)
		if v, _ := r.Doc(t).Find("#f-check-jobcenter_application option[selected]").Attr("value"); v != "done" || r.StatusCode != http.StatusOK {
			t.Errorf("edit form: %d, checklist %q", r.StatusCode, v)
		}
		if r := c.Get(base + "?bearbeiten=" + fx.CaseA1.ID); r.StatusCode != http.StatusNotFound {
			t.Errorf("editing what is no transition of the case: %d", r.StatusCode)
		}

		// Update: the gap ends, the transition is completed; a stale version is a conflict.
		upd := url.Values{"transition_id": {tr.ID}, "version": {"1"}}
		for k, v := range f {
			upd[k] = v
		}
		upd.Set("status", "completed")
		upd.Set("gap_until", "2026-02-28")
		upd.Set("check-health_insurance", "done")
		if r := c.PostForm(base+"/bearbeiten", upd); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("update: %d %s", r.StatusCode, summaryText(t, r))
		}
		if r := c.PostForm(base+"/bearbeiten", upd); r.StatusCode != http.StatusConflict {
			t.Errorf("stale update: %d", r.StatusCode)
		}
		upd.Set("version", "2")
		upd.Set("to_regime", "asylblg")
		if r := c.PostForm(base+"/bearbeiten", upd); r.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("bad update: %d", r.StatusCode)
		}
		tf, _ = s.GetTransitions(ctx, cm, id, "")
		if tr = tf.Transitions[0]; tr.Status != "completed" || tr.GapDays != 9 || tr.GapOpen || tr.Version != 2 || tr.To != "sgb2" {
			t.Errorf("updated: %+v", tr)
		}
		r = c.Get("/faelle/" + id)
		if tl := strings.Join(strings.Fields(r.Doc(t).Find("#verlauf").Text()), " "); !strings.Contains(tl, "Asylbewerberleistungsgesetz (AsylbLG) → Bürgergeld (SGB II): Lücke entstanden → abgeschlossen") {
			t.Errorf("the history does not show the transition: %q", tl)
		}
		if auditCount(t, env, "case.transition_update", tr.ID) != 1 || auditCount(t, env, "case.transition_create", tr.ID) != 1 {
			t.Error("the changes are not in the audit trail")
		}

		// Access: another organisation's case is not found, before any input is read.
		for _, other := range []string{fx.CaseA2.ID, fx.CaseB1.ID} {
			if r := c.Get("/faelle/" + other + "/rechtskreiswechsel"); r.StatusCode != http.StatusNotFound {
				t.Errorf("GET another organisation's transitions: %d", r.StatusCode)
			}
			if r := c.PostForm("/faelle/"+other+"/rechtskreiswechsel", url.Values{}); r.StatusCode != http.StatusNotFound {
				t.Errorf("POST to another organisation's transitions: %d", r.StatusCode)
			}
			if r := c.PostForm("/faelle/"+other+"/rechtskreiswechsel/bearbeiten", upd); r.StatusCode != http.StatusNotFound {
				t.Errorf("update in another organisation's case: %d", r.StatusCode)
			}
		}
		// A transition of one case cannot be changed through another case.
		mine, err := s.CreateCase(ctx, cm, casework.CaseInput{ClientID: fx.ClientA1.ID, AccessRoute: "self"})
		if err != nil {
			t.Fatal(err)
		}
		if r := c.PostForm("/faelle/"+mine.ID+"/rechtskreiswechsel/bearbeiten", upd); r.StatusCode != http.StatusNotFound {
			t.Errorf("update through another case: %d", r.StatusCode)
		}
	})
}
