package app_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"kim/internal/app"
	"kim/internal/apptest"
	"kim/internal/casework"
	"kim/internal/platform/access"
	"kim/internal/platform/db"
	"kim/internal/platform/web"
)

var bg = context.Background()

// staff is a case manager of a seeded tenant as an actor.
func staff(t *testing.T, d *db.DB, where string, args ...any) []access.Actor {
	t.Helper()
	var out []access.Actor
	err := d.Read(bg, func(tx *db.Tx) error {
		rows, err := tx.QueryContext(bg, `SELECT u.id, u.tenant_id, u.organisation_id, u.role, u.name, u.email FROM users u
			WHERE u.role IN ('case_manager', 'team_lead') AND `+where+` ORDER BY u.email`, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var a access.Actor
			var role string
			if err := rows.Scan(&a.UserID, &a.TenantID, &a.OrganisationID, &role, &a.Name, &a.Email); err != nil {
				return err
			}
			a.Role = access.Role(role)
			out = append(out, a)
		}
		return rows.Err()
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func count(t *testing.T, d *db.DB, q string, args ...any) int {
	t.Helper()
	var n int
	if err := d.Read(bg, func(tx *db.Tx) error { return tx.QueryRowContext(bg, q, args...).Scan(&n) }); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

// digest hashes the generated rows that must not change for a seed (ciphertexts excluded: they
// use random nonces).
func digest(t *testing.T, d *db.DB) string {
	t.Helper()
	h := sha256.New()
	err := d.Read(bg, func(tx *db.Tx) error {
		for _, q := range []string{
			`SELECT CAST(id AS TEXT), CAST(organisation_id AS TEXT), pseudonym, given_names, family_name, name_original, other_spellings,
				birth_date, sex, nationalities, languages, benefit_regime, street FROM clients ORDER BY id`,
			`SELECT CAST(id AS TEXT), case_number, status, requested_on, closed_on, CAST(case_manager_id AS TEXT), COALESCE(CAST(deputy_id AS TEXT), '') FROM cases ORDER BY id`,
			`SELECT CAST(id AS TEXT), contact_on, mode, domains, duration_minutes FROM contacts ORDER BY id`,
			`SELECT CAST(id AS TEXT), status, sent_on, answered_on FROM referrals ORDER BY id`,
			`SELECT CAST(id AS TEXT), type, valid_until FROM residence_statuses ORDER BY id`,
			`SELECT CAST(subject_id AS TEXT), spellings FROM name_subjects ORDER BY subject_id`,
		} {
			rows, err := tx.QueryContext(bg, q)
			if err != nil {
				return err
			}
			cols, _ := rows.Columns()
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			for rows.Next() {
				if err := rows.Scan(ptrs...); err != nil {
					rows.Close()
					return err
				}
				fmt.Fprintln(h, vals...)
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// A small synthetic run: two tenants of 300 clients. The same seed gives the same data; every
// client is found through the name index by its name (Latin and original script); the case
// managers' lists, the case files and their encrypted notes read back through the services.
func TestSyntheticCaseworkReadsBack(t *testing.T) {
	for _, e := range apptest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			env := apptest.New(t, e, apptest.Options{})
			a := env.App
			t0 := time.Now()
			sum, err := a.SeedSynthetic(bg, 2, 600, 7)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%s (%s)", sum, time.Since(t0).Round(time.Millisecond))
			d := a.DB
			c := sum.Casework
			if c.Clients != 600 || count(t, d, "SELECT count(*) FROM clients") != 600 {
				t.Fatalf("clients: summary %d, table %d", c.Clients, count(t, d, "SELECT count(*) FROM clients"))
			}
			if c.Cases < 240 || c.Cases > 360 || count(t, d, "SELECT count(*) FROM cases") != c.Cases {
				t.Errorf("cases %d, want about one per two clients", c.Cases)
			}
			if per := float64(c.Contacts) / float64(c.Cases); per < 6 || per > 11 {
				t.Errorf("%.1f contacts per case, want about 8", per)
			}
			if share := float64(c.WithHousehold) / float64(c.Clients); share < 0.3 || share > 0.55 {
				t.Errorf("%.0f %% of the clients live with others, want about 40 %%", 100*share)
			}
			if c.Consents == 0 || c.Referrals == 0 || c.Residence < c.Clients*9/10 || c.Open == 0 {
				t.Errorf("counts %+v", c)
			}
			if n := count(t, d, "SELECT count(*) FROM name_subjects"); n != 600 {
				t.Errorf("%d clients in the name index, want 600", n)
			}
			if n := count(t, d, "SELECT count(*) FROM referrals WHERE status = 'sent' AND answer_due < $1", "2026-03-02"); n == 0 {
				t.Error("no overdue referral")
			}
			// Referrals follow the rules of the service: a consent of the same case names the
			// recipient, and a message needs the plan among the consent's data categories.
			if n := count(t, d, `SELECT count(*) FROM referrals r JOIN consents k ON k.tenant_id = r.tenant_id AND k.id = r.consent_id
				WHERE k.case_id <> r.case_id OR r.message IS NOT NULL AND k.categories NOT LIKE '%case_plan%'
				OR NOT EXISTS (SELECT 1 FROM consent_recipients p WHERE p.tenant_id = r.tenant_id AND p.consent_id = k.id AND p.organisation_id = r.to_org_id)`); n != 0 {
				t.Errorf("%d referrals break the consent rules", n)
			}
			if n := count(t, d, "SELECT count(*) FROM clients WHERE name_original <> ''"); n < 100 {
				t.Errorf("only %d clients with a name in the original script", n)
			}

			// Determinism: the same seed on another database gives the same rows.
			other := apptest.New(t, e, apptest.Options{})
			if _, err := other.App.SeedSynthetic(bg, 2, 600, 7); err != nil {
				t.Fatal(err)
			}
			if digest(t, d) != digest(t, other.App.DB) {
				t.Error("the same seed gave different data")
			}
			// Seeding again skips the tenants.
			if again, err := a.SeedSynthetic(bg, 2, 600, 7); err != nil || again.Skipped != 2 || again.Tenants != 0 {
				t.Errorf("second run: %+v, %v", again, err)
			}

			// Every client is found by its name, in Latin letters and in its original script.
			cms := staff(t, d, "u.role = 'case_manager'")
			byOrg := map[string]access.Actor{}
			for _, cm := range cms {
				byOrg[cm.OrganisationID] = cm
			}
			type cl struct{ id, org, name, original string }
			var clients []cl
			err = d.Read(bg, func(tx *db.Tx) error {
				rows, err := tx.QueryContext(bg, "SELECT CAST(id AS TEXT), CAST(organisation_id AS TEXT), given_names || ' ' || family_name, name_original FROM clients")
				if err != nil {
					return err
				}
				defer rows.Close()
				for rows.Next() {
					var c cl
					if err := rows.Scan(&c.id, &c.org, &c.name, &c.original); err != nil {
						return err
					}
					clients = append(clients, c)
				}
				return rows.Err()
			})
			if err != nil {
				t.Fatal(err)
			}
			missed := 0
			for _, c := range clients {
				for _, q := range []string{c.name, c.original} {
					if q == "" {
						continue
					}
					got, _, err := a.Cases.ListClients(bg, byOrg[c.org], web.ListQuery{Q: q, Page: 1, Size: 100})
					if err != nil {
						t.Fatal(err)
					}
					if !slices.ContainsFunc(got, func(x casework.Client) bool { return x.ID == c.id }) {
						missed++
						t.Errorf("client %s not found by %q", c.id, q)
					}
				}
				if missed > 5 {
					t.Fatal("too many clients not found")
				}
			}

			// Each case manager's list matches the table; case files open with their notes.
			opened := 0
			for i, cm := range cms {
				items, total, err := a.Cases.ListCases(bg, cm, web.ListQuery{Page: 1, Size: 100, Sort: "updated", Desc: true}, casework.CaseFilter{Mine: true})
				if err != nil {
					t.Fatal(err)
				}
				want := count(t, d, `SELECT count(*) FROM cases WHERE tenant_id = $1 AND (case_manager_id = $2 OR deputy_id = $2)
					AND status NOT IN ('closed', 'declined', 'referred')`, cm.TenantID, cm.UserID)
				if total != want || len(items) != min(want, 100) {
					t.Errorf("%s: %d cases (%d listed), want %d", cm.Email, total, len(items), want)
				}
				if i%3 != 0 {
					continue
				}
				for _, it := range items {
					if it.CaseManagerID != cm.UserID {
						continue
					}
					f, err := a.Cases.GetCaseFile(bg, cm, it.ID, "")
					if err != nil {
						t.Fatalf("case file %s: %v", it.ID, err)
					}
					for _, k := range f.Contacts {
						if k.Note == "" || !strings.HasSuffix(k.Note, ".") && !strings.HasSuffix(k.Note, ")") {
							t.Fatalf("contact note %q", k.Note)
						}
					}
					if len(f.Events) == 0 || f.Client == nil || f.Client.ID != it.ClientID {
						t.Fatalf("case file %s incomplete", it.ID)
					}
					opened++
					break
				}
			}
			if opened < 5 {
				t.Errorf("only %d case files opened", opened)
			}
		})
	}
}

// The demo tenant: about 420 clients and 330 cases, cm.awo with about 40 open cases, the AWO
// team lead seeing the team, incoming referrals for the Kommunales Integrationszentrum, titles
// that expire soon, admission criteria, plans; seeding twice changes nothing.
func TestDemoSeedHasCaseworkAndIsIdempotent(t *testing.T) {
	for _, e := range apptest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			env := apptest.New(t, e, apptest.Options{Demo: true})
			a := env.App
			t0 := time.Now()
			if err := a.SeedDemo(bg); err != nil {
				t.Fatal(err)
			}
			t.Logf("seeded in %s", time.Since(t0).Round(time.Millisecond))
			d := a.DB
			tables := []string{"users", "clients", "household_members", "residence_statuses", "cases", "case_events", "contacts", "consents",
				"consent_recipients", "referrals", "assessments", "goals", "tasks", "admission_criteria", "name_subjects", "audit_log"}
			counts := map[string]int{}
			for _, tb := range tables {
				counts[tb] = count(t, d, "SELECT count(*) FROM "+tb)
			}
			t.Logf("%v", counts)
			if err := a.SeedDemo(bg); err != nil {
				t.Fatal(err)
			}
			for _, tb := range tables {
				if n := count(t, d, "SELECT count(*) FROM "+tb); n != counts[tb] {
					t.Errorf("seeding again changed %s: %d → %d", tb, counts[tb], n)
				}
			}
			if counts["clients"] < 350 || counts["cases"] < 300 || counts["admission_criteria"] != 3 || counts["name_subjects"] != counts["clients"] {
				t.Errorf("counts %v", counts)
			}
			for _, tb := range []string{"assessments", "goals", "tasks", "consents", "referrals", "household_members"} {
				if counts[tb] == 0 {
					t.Errorf("no %s", tb)
				}
			}
			if n := count(t, d, "SELECT count(DISTINCT substr(requested_on, 1, 7)) FROM cases"); n < 20 {
				t.Errorf("cases in %d months, want two years", n)
			}
			if n := count(t, d, "SELECT count(*) FROM residence_statuses WHERE valid_until >= $1 AND valid_until <= $2", "2026-03-02", "2026-05-01"); n < 5 {
				t.Errorf("%d residence titles expire within two months", n)
			}

			actor := func(email string) access.Actor {
				as := staff(t, d, "u.email = $1", email)
				if len(as) != 1 {
					t.Fatalf("no account %s", email)
				}
				return as[0]
			}
			q := web.ListQuery{Page: 1, Size: 25, Sort: "updated", Desc: true}
			awo := actor("cm.awo@solingen.example")
			own := count(t, d, `SELECT count(*) FROM cases WHERE case_manager_id = $1 AND status NOT IN ('closed', 'declined', 'referred')`, awo.UserID)
			if own < 30 || own > 55 {
				t.Errorf("cm.awo manages %d open cases, want about 40", own)
			}
			items, mine, err := a.Cases.ListCases(bg, awo, q, casework.CaseFilter{Mine: true})
			if err != nil || mine < own || len(items) != 25 {
				t.Errorf("cm.awo's list: %d cases, %d shown, %v", mine, len(items), err)
			}
			if _, team, err := a.Cases.ListCases(bg, actor("lead.awo@solingen.example"), q, casework.CaseFilter{}); err != nil || team <= mine {
				t.Errorf("team lead AWO sees %d open cases (cm.awo %d), %v", team, mine, err)
			}
			for _, email := range []string{"cm.ki@solingen.example", "cm.caritas@solingen.example"} {
				if _, n, err := a.Cases.ListCases(bg, actor(email), q, casework.CaseFilter{Mine: true}); err != nil || n < 10 {
					t.Errorf("%s has %d open cases, %v", email, n, err)
				}
			}
			ki := actor("cm.ki@solingen.example")
			in, err := a.Cases.Incoming(bg, ki)
			if err != nil {
				t.Fatal(err)
			}
			sent := 0
			for _, r := range in {
				if r.Status == "sent" {
					sent++
				}
			}
			if sent < 3 {
				t.Errorf("cm.ki has %d incoming referrals (%d to answer), want a few", len(in), sent)
			}
			// A case file of cm.awo opens with its notes.
			f, err := a.Cases.GetCaseFile(bg, awo, items[0].ID, "")
			if err != nil {
				t.Fatal(err)
			}
			if len(f.Contacts) == 0 && f.Case.Status != casework.StatusRequested || len(f.Timeline) == 0 {
				t.Errorf("case file of %s: %d contacts, %d entries", f.Case.Status, len(f.Contacts), len(f.Timeline))
			}
			for _, k := range f.Contacts {
				if k.Note == "" {
					t.Error("contact without note")
				}
			}
			// The pages show the data; the demo colleagues sign in with the demo password too.
			pages := map[string][]string{
				"cm.awo@solingen.example":   {"/start", "/faelle", "/faelle/" + items[0].ID, "/klienten", "/klienten/" + items[0].ClientID},
				"lead.awo@solingen.example": {"/faelle"},
				"cm.ki@solingen.example":    {"/vermittlungen/eingang", "/vermittlungen/" + in[0].ID},
				"k.vogel@solingen.example":  {"/faelle"},
			}
			for _, email := range slices.Sorted(maps.Keys(pages)) {
				c := env.Client()
				c.LoginAs(app.DemoTenant, email, app.DemoPassword)
				for _, path := range pages[email] {
					if r := c.Get(path); r.StatusCode != 200 {
						t.Errorf("%s as %s: %d", path, email, r.StatusCode)
					}
				}
			}
		})
	}
}
