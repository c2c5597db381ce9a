package app_test

import (
	"context"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode"

	"github.com/PuerkitoBio/goquery"
	"golang.org/x/text/unicode/norm"

	"kim/internal/app"
	"kim/internal/apptest"
	"kim/internal/platform/db"
)

// The steering loop works without identified case data: the coordination and body members
// (who have no access to cases) and every steering page and answer never show a client's name.

// steeringAreas are the path prefixes of the steering loop and the offer directory.
var steeringAreas = []string{"/problemanzeigen", "/koordination", "/themen", "/gremien", "/gremienmitglieder", "/sitzungen",
	"/beschluesse", "/empfehlungen", "/neuigkeiten", "/angebote", "/kalender", "/api/v1/offers"}

// fold lowers s and strips diacritics (ä → a), so that a name is found however it is written.
func fold(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(strings.ToLower(s)) {
		if !unicode.Is(unicode.Mn, r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func inSteering(path string) bool {
	for _, a := range steeringAreas {
		if path == a || strings.HasPrefix(path, a+"/") || strings.HasPrefix(path, a+"?") {
			return true
		}
	}
	return false
}

// demoClientNames returns the names of every demo client (and household member) as folded
// strings to look for: the full name, and the family name alone where it is distinctive.
func demoClientNames(t *testing.T, env *apptest.Env, staff []string) (full, family []string) {
	t.Helper()
	ctx := context.Background()
	seen := map[string]bool{}
	staffWords := map[string]bool{}
	for _, s := range staff {
		for _, w := range strings.Fields(fold(s)) {
			staffWords[w] = true
		}
	}
	err := env.DB().Read(ctx, func(tx *db.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT given_names, family_name, name_original FROM clients
			UNION ALL SELECT '', name, '' FROM household_members WHERE name <> ''`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var given, fam, orig string
			if err := rows.Scan(&given, &fam, &orig); err != nil {
				return err
			}
			if f := fold(given + " " + fam); !seen[f] {
				seen[f] = true
				full = append(full, f)
			}
			if orig != "" && !seen[orig] {
				seen[orig] = true
				full = append(full, orig)
			}
			if f := fold(fam); len([]rune(f)) >= 5 && !staffWords[f] && !seen["fam:"+f] {
				seen["fam:"+f] = true
				family = append(family, f)
			}
		}
		return rows.Err()
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(full) < 100 {
		t.Fatalf("only %d demo client names", len(full))
	}
	return full, family
}

func TestSteeringPagesNeverNameAClient(t *testing.T) {
	env := apptest.New(t, apptest.SQLite, apptest.Options{Demo: true})
	if err := env.App.SeedDemo(context.Background()); err != nil {
		t.Fatal(err)
	}
	// Staff and organisation names may appear; a client's family name that is also one of them
	// is only looked for as part of the full name.
	var staff []string
	err := env.DB().Read(context.Background(), func(tx *db.Tx) error {
		for _, q := range []string{"SELECT name FROM users", "SELECT name FROM organisations", "SELECT person_name FROM body_members",
			"SELECT deputy_name FROM body_members", "SELECT contact_name FROM offers", "SELECT title FROM offers", "SELECT name FROM locations"} {
			rows, err := tx.QueryContext(context.Background(), q)
			if err != nil {
				return err
			}
			for rows.Next() {
				var s string
				if err := rows.Scan(&s); err != nil {
					rows.Close()
					return err
				}
				staff = append(staff, s)
			}
			rows.Close()
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	full, family := demoClientNames(t, env, staff)
	wordRe := regexp.MustCompile(`\pL+`)

	for _, email := range []string{"koordination@solingen.example", "ag@solingen.example", "cm.awo@solingen.example", "lead.awo@solingen.example"} {
		t.Run(email, func(t *testing.T) {
			c := env.Client()
			c.LoginAs(app.DemoTenant, email, app.DemoPassword)
			queue := []string{"/start"}
			for _, a := range steeringAreas {
				queue = append(queue, a)
			}
			// The personal calendar feed of those who may have one.
			if r := c.PostForm("/gremien/kalender", url.Values{}); r.StatusCode == 303 {
				page := c.Get(r.Location())
				if feed, ok := page.Doc(t).Find("#feed-url").Attr("value"); ok {
					if u, err := url.Parse(feed); err == nil {
						queue = append(queue, u.Path)
					}
				} else {
					t.Errorf("no feed address on %s", r.Location())
				}
			}
			visited := map[string]bool{}
			pages := 0
			for len(queue) > 0 && pages < 600 {
				path := queue[0]
				queue = queue[1:]
				if visited[path] {
					continue
				}
				visited[path] = true
				resp := c.Get(path)
				if resp.StatusCode != 200 {
					continue
				}
				pages++
				body := string(resp.Body)
				text := body
				ct := resp.Header.Get("Content-Type")
				if strings.HasPrefix(ct, "text/html") {
					doc := resp.Doc(t)
					text = doc.Find("main").Text()
					doc.Find("main a[href]").Each(func(_ int, a *goquery.Selection) {
						href, _ := a.Attr("href")
						u, err := url.Parse(href)
						if err != nil || u.IsAbs() || !strings.HasPrefix(u.Path, "/") {
							return
						}
						// Follow the steering pages only (a case manager's own cases are not steering).
						if inSteering(u.Path) && !strings.HasSuffix(u.Path, ".pdf") {
							queue = append(queue, u.RequestURI())
						}
					})
				}
				if path == "/start" || !strings.Contains(ct, "html") && !strings.Contains(ct, "json") && !strings.Contains(ct, "calendar") {
					continue // the start page only leads to the steering pages (a case manager's names their own cases)
				}
				if strings.Contains(ct, "calendar") {
					body = strings.ReplaceAll(body, "\r\n ", "") // unfold the lines
					text = body
				}
				folded := fold(text)
				whole := fold(body) // titles and attribute values too
				words := map[string]bool{}
				for _, w := range wordRe.FindAllString(folded, -1) {
					words[w] = true
				}
				for _, n := range full {
					if strings.Contains(whole, n) || strings.Contains(body, n) {
						t.Errorf("%s: the page names the client %q", path, n)
					}
				}
				if strings.HasPrefix(path, "/angebote") || strings.HasPrefix(path, "/api/v1/offers") {
					continue // offer texts are public and may share a word with a family name
				}
				for _, n := range family {
					if words[n] {
						t.Errorf("%s: the page contains the family name of a client %q", path, n)
					}
				}
			}
			t.Logf("%d pages checked", pages)
			if pages < 15 {
				t.Errorf("only %d steering pages reached: %v", pages, slices.Sorted(func(yield func(string) bool) {
					for k := range visited {
						if !yield(k) {
							return
						}
					}
				}))
			}
		})
	}
}
