package privacy_test

import (
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"kim/internal/app"
	"kim/internal/apptest"
	"kim/internal/platform/access"
	"kim/internal/platform/audit"
)

// Every action the code writes to the audit trail, and every kind of record it names, has a
// label in German and English, so that the data-protection officer reads words, not codes.
func TestEveryAuditActionHasALabel(t *testing.T) {
	cat, err := app.Catalogue()
	if err != nil {
		t.Fatal(err)
	}
	groups := make([]string, len(audit.ActionGroups))
	for i, g := range audit.ActionGroups {
		groups[i] = strings.TrimSuffix(g, ".")
	}
	action := regexp.MustCompile(`"((?:` + strings.Join(groups, "|") + `)\.[a-z_]+)"`)
	// Object types stand in struct literals or right after the action in the rooms' log helpers.
	object := regexp.MustCompile(`(?:ObjectType: |"(?:` + strings.Join(groups, "|") + `)\.[a-z_]+", )"([a-z_]+)"`)
	found := map[string]bool{}
	objects := map[string]bool{}
	root, _ := filepath.Abs("../..")
	err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return err
		}
		src, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		for _, m := range action.FindAllStringSubmatch(string(src), -1) {
			found[m[1]] = true
		}
		for _, m := range object.FindAllStringSubmatch(string(src), -1) {
			objects[m[1]] = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(found) < 30 || len(objects) < 6 {
		t.Fatalf("found only %d actions and %d object types in the code", len(found), len(objects))
	}
	for _, lang := range []string{"de", "en"} {
		for a := range found {
			if !cat.Has(lang, "privacy.action."+a) {
				t.Errorf("%s: no label privacy.action.%s", lang, a)
			}
		}
		for o := range objects {
			if !cat.Has(lang, "privacy.object."+o) {
				t.Errorf("%s: no label privacy.object.%s", lang, o)
			}
		}
	}
}

// The data-protection officer filters the trail by an account's e-mail address and reads
// translated actions; reading the trail and exporting it are recorded themselves.
func TestAuditPageFiltersByEmailAndRecordsItsUse(t *testing.T) {
	for _, e := range apptest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			env := apptest.New(t, e, apptest.Options{})
			env.Seed()
			admin := env.Client()
			admin.Login(access.TenantAdmin)
			admin.Get("/verwaltung/benutzer")
			dpo := env.Client()
			dpo.Login(access.DataProtectionOfficer)
			r := dpo.Get("/protokoll?from=&actor=" + url.QueryEscape(strings.ToUpper(apptest.Email(access.TenantAdmin))))
			if r.StatusCode != http.StatusOK {
				t.Fatalf("status %d", r.StatusCode)
			}
			rows := r.Doc(t).Find("table tbody tr")
			if rows.Length() < 2 {
				t.Fatalf("%d entries for the administrator", rows.Length())
			}
			rows.Each(func(_ int, s *goquery.Selection) {
				if who := s.Find("td").Eq(2).Text(); !strings.Contains(who, "Nutzer tenant_admin") {
					t.Errorf("an entry of someone else: %q", who)
				}
			})
			body := string(r.Body)
			for _, want := range []string{"Anmeldung (Passwort)", "Benutzerkonten aufgelistet"} {
				if !strings.Contains(body, want) {
					t.Errorf("the page lacks the action %q", want)
				}
			}
			dpo.Get("/protokoll/export.csv?from=")
			r = dpo.Get("/protokoll?from=&action=audit.")
			for _, want := range []string{"Protokoll eingesehen", "Protokoll exportiert"} {
				if !strings.Contains(string(r.Body), want) {
					t.Errorf("the trail does not record %q", want)
				}
			}
		})
	}
}
