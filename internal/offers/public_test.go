package offers_test

import (
	"bytes"
	"compress/zlib"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/PuerkitoBio/goquery"

	"kim/internal/apptest"
	"kim/internal/offers"
	"kim/internal/platform/access"
	"kim/internal/platform/i18n"
)

// titles returns the titles of the offers a public list page shows.
func titles(t *testing.T, r *apptest.Response) []string {
	t.Helper()
	if r.StatusCode != http.StatusOK {
		t.Fatalf("status %d\n%s", r.StatusCode, r.Body)
	}
	var out []string
	r.Doc(t).Find("ul.offers li h3").Each(func(_ int, s *goquery.Selection) { out = append(out, strings.TrimSpace(s.Text())) })
	return out
}

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	seen := map[string]int{}
	for _, x := range a {
		seen[x]++
	}
	for _, x := range b {
		seen[x]--
	}
	for _, n := range seen {
		if n != 0 {
			return false
		}
	}
	return true
}

// hide adds, in tenant alpha, an archived offer and an expired one; neither may ever appear.
func hide(t *testing.T, env *apptest.Env, fx *apptest.Fixtures) {
	t.Helper()
	ctx := context.Background()
	s := env.App.Offers
	coord := fx.Users[access.Coordinator].Actor("alpha")
	in := valid(fx)
	in.Title, in.LifeDomains = "Archivierter Sprachkurs", []string{"language", "housing"}
	a := must[*offers.Offer](t)(s.Create(ctx, coord, in))
	must[*offers.Offer](t)(s.SetPublished(ctx, coord, a.ID, true, 0))
	if err := s.Archive(ctx, coord, a.ID, 0); err != nil {
		t.Fatal(err)
	}
	in.Title, in.ValidFrom, in.ValidTo = "Abgelaufener Sprachkurs", "2025-01-01", "2026-03-01"
	e := must[*offers.Offer](t)(s.Create(ctx, coord, in))
	must[*offers.Offer](t)(s.SetPublished(ctx, coord, e.ID, true, 0))
}

func TestPublicDirectoryShowsOnlyTheTenantsActiveOffers(t *testing.T) {
	eachEngine(t, func(t *testing.T, env *apptest.Env, fx *apptest.Fixtures) {
		hide(t, env, fx)
		anon := env.Client()
		a1, a2, b1 := fx.Offers.OfferA1.Title, fx.Offers.OfferA2.Title, fx.Offers.OfferB1.Title
		if got := titles(t, anon.Get("/angebote?mandant=alpha&lang=de")); !sameSet(got, []string{a1, a2}) {
			t.Errorf("alpha's directory: %v, want %s and %s", got, a1, a2)
		}
		if got := titles(t, anon.Get("/angebote?mandant=beta")); !sameSet(got, []string{b1}) {
			t.Errorf("beta's directory: %v", got)
		}
		// Staff see their own tenant's directory without naming it.
		cm := env.Client()
		cm.Login(access.CaseManager)
		if got := titles(t, cm.Get("/angebote")); !sameSet(got, []string{a1, a2}) {
			t.Errorf("a case manager's directory: %v", got)
		}
		// With several tenants and none named, the page asks for the municipality.
		r := anon.Get("/angebote")
		links := r.Doc(t).Find(`main a[href^="/angebote?mandant="]`)
		if r.StatusCode != http.StatusOK || links.Length() != 2 || !strings.Contains(string(r.Body), "Stadt Beta") {
			t.Errorf("choice of municipalities: %d, %d links", r.StatusCode, links.Length())
		}
		if r := anon.Get("/angebote?mandant=gibt-es-nicht"); r.StatusCode != http.StatusNotFound {
			t.Errorf("unknown municipality: %d", r.StatusCode)
		}
		// The detail page: only active offers of the tenant.
		for _, c := range []struct {
			path string
			want int
		}{
			{"/angebote/" + fx.Offers.OfferA1.ID + "?mandant=alpha", http.StatusOK},
			{"/angebote/" + fx.Offers.OfferHiddenA1.ID + "?mandant=alpha", http.StatusNotFound},
			{"/angebote/" + fx.Offers.OfferB1.ID + "?mandant=alpha", http.StatusNotFound},
			{"/angebote/kein-angebot?mandant=alpha", http.StatusNotFound},
			// A link without its municipality finds it through the offer.
			{"/angebote/" + fx.Offers.OfferB1.ID, http.StatusSeeOther},
			{"/angebote/" + fx.Offers.OfferHiddenA1.ID, http.StatusNotFound},
		} {
			if r := anon.Get(c.path); r.StatusCode != c.want {
				t.Errorf("GET %s: %d, want %d", c.path, r.StatusCode, c.want)
			} else if c.want == http.StatusSeeOther && !strings.Contains(r.Location(), "mandant=beta") {
				t.Errorf("GET %s redirects to %s", c.path, r.Location())
			}
		}
		if r := cm.Get("/angebote/" + fx.Offers.OfferB1.ID); r.StatusCode != http.StatusNotFound {
			t.Errorf("staff open another tenant's offer: %d", r.StatusCode)
		}
	})
}

func TestPublicFiltersWorkAsPlainForms(t *testing.T) {
	eachEngine(t, func(t *testing.T, env *apptest.Env, fx *apptest.Fixtures) {
		hide(t, env, fx)
		anon := env.Client()
		a1, a2 := fx.Offers.OfferA1.Title, fx.Offers.OfferA2.Title
		for _, c := range []struct {
			query string
			want  []string
		}{
			{"domain=housing", []string{a2}},
			{"domain=language", []string{a1}},
			{"domain=naturalisation", nil},
			{"language=ar", []string{a1}},
			{"language=tr", []string{a2}},
			{"district=" + fx.DistrictA.ID, []string{a1, a2}}, // A2 serves the whole city
			{"target=families", []string{a2}},
			{"q=WOHNUNG", []string{a2}},
			{"q=conversation", []string{a1}},    // the English translation
			{"q=alpha+wohlfahrt", []string{a2}}, // the organisation's name
			{"q=sprachkurs", nil},               // archived and expired offers
			{"q=%25", nil},
			{"domain=language&language=tr", nil},
		} {
			got := titles(t, anon.Get("/angebote?mandant=alpha&lang=de&"+c.query))
			if !sameSet(got, c.want) {
				t.Errorf("%s: %v, want %v", c.query, got, c.want)
			}
		}
		// An unknown value is named in the error summary; the other filters still apply.
		r := anon.Get("/angebote?mandant=alpha&lang=de&domain=astrologie&language=tr")
		doc := r.Doc(t)
		if doc.Find(".error-summary a[href='#f-domain']").Length() != 1 || !sameSet(titles(t, r), []string{a2}) {
			t.Errorf("unknown domain: summary %q, offers %v", doc.Find(".error-summary").Text(), titles(t, r))
		}
		// The filter form is a plain GET form that keeps the municipality; every control has
		// a label.
		doc = anon.Get("/angebote?mandant=alpha&lang=de").Doc(t)
		form := doc.Find(`form[method="get"][action="/angebote"]`)
		if form.Length() != 1 || form.Find(`input[type="hidden"][name="mandant"][value="alpha"]`).Length() != 1 {
			t.Fatalf("filter form: %d", form.Length())
		}
		form.Find("input:not([type=hidden]), select").Each(func(_ int, s *goquery.Selection) {
			id, _ := s.Attr("id")
			if id == "" || doc.Find(`label[for="`+id+`"]`).Length() != 1 {
				t.Errorf("control %s has no label", id)
			}
		})
		if doc.Find("main").Length() != 1 || doc.Find("h1").Length() != 1 {
			t.Error("the page needs one main landmark and one h1")
		}
		// Paging keeps the filters.
		if href, _ := doc.Find(`a[href^="/angebote/liste.pdf"]`).Attr("href"); !strings.Contains(href, "mandant=alpha") {
			t.Errorf("PDF link %q loses the municipality", href)
		}
	})
}

func TestPublicPagesSpeakEveryPublicLanguage(t *testing.T) {
	env := apptest.New(t, apptest.SQLite, apptest.Options{})
	fx := env.Seed()
	cat := env.App.Renderer.Catalogue()
	de := cat.Localizer("de")
	for _, lang := range i18n.Public {
		l := cat.Localizer(lang)
		for _, path := range []string{"/angebote?mandant=alpha", "/angebote/" + fx.Offers.OfferA1.ID + "?mandant=alpha", "/angebote"} {
			r := env.Client().Get(path + "&lang=" + lang)
			if strings.HasSuffix(path, "/angebote") {
				r = env.Client().Get(path + "?lang=" + lang)
			}
			doc := r.Doc(t)
			html := doc.Find("html")
			wantDir := "ltr"
			if i18n.RTL(lang) {
				wantDir = "rtl"
			}
			if got, _ := html.Attr("lang"); got != lang {
				t.Errorf("%s %s: lang=%q", lang, path, got)
			}
			if got, _ := html.Attr("dir"); got != wantDir {
				t.Errorf("%s %s: dir=%q, want %s", lang, path, got, wantDir)
			}
			for _, id := range []string{"layout.skip", "layout.languages"} {
				if lang != "de" && l.T(id) == de.T(id) {
					t.Errorf("%s: %s is not translated", lang, id)
				}
				if !strings.Contains(string(r.Body), l.T(id)) {
					t.Errorf("%s %s: the page lacks %s", lang, path, id)
				}
			}
		}
		// The list in the language: its heading and filter labels translated.
		doc := env.Client().Get("/angebote?mandant=alpha&lang=" + lang).Doc(t)
		if got, want := strings.TrimSpace(doc.Find("h1").Text()), l.T("offers.public.title", "Tenant", "Stadt Alpha"); got != want {
			t.Errorf("%s: h1 %q, want %q", lang, got, want)
		}
		if got := strings.TrimSpace(doc.Find(`label[for="f-domain"]`).Text()); got != l.T("offers.public.domain") || (lang != "de" && got == de.T("offers.public.domain")) {
			t.Errorf("%s: domain label %q", lang, got)
		}
		// The offer's title: the English translation where there is one, else German marked
		// as such.
		h3 := doc.Find("ul.offers h3").FilterFunction(func(_ int, s *goquery.Selection) bool {
			href, _ := s.Find("a").Attr("href")
			return strings.Contains(href, fx.Offers.OfferA1.ID)
		})
		wantTitle, wantLang := fx.Offers.OfferA1.Title, "de"
		if lang == "en" {
			wantTitle, wantLang = "Language café in the old town", "en"
		}
		if got, _ := h3.Attr("lang"); got != wantLang || strings.TrimSpace(h3.Text()) != wantTitle {
			t.Errorf("%s: offer title %q (lang %q), want %q (%s)", lang, strings.TrimSpace(h3.Text()), got, wantTitle, wantLang)
		}
	}
}

func TestEveryPublicMessageIsTranslated(t *testing.T) {
	env := apptest.New(t, apptest.SQLite, apptest.Options{})
	cat := env.App.Renderer.Catalogue()
	public := []string{"offers.nav.", "offers.public.", "offers.origin.", "offers.domain.", "offers.target.", "offers.costs.",
		"layout.", "role.", "form.", "list.", "error.", "validation.", "language.name."}
	n := 0
	for _, id := range cat.IDs("de") {
		for _, p := range public {
			if !strings.HasPrefix(id, p) {
				continue
			}
			n++
			for _, lang := range i18n.Public {
				if !cat.Has(lang, id) {
					t.Errorf("%s has no %s text", id, lang)
				}
			}
		}
	}
	if n < 150 {
		t.Errorf("only %d public messages found", n)
	}
	// The dynamic ids of the staff pages exist in German and English.
	for _, st := range offers.Statuses {
		for _, prefix := range []string{"offers.status.", "offers.status_hint."} {
			for _, lang := range i18n.Staff {
				if !cat.Has(lang, prefix+st) {
					t.Errorf("%s%s has no %s text", prefix, st, lang)
				}
			}
		}
	}
}

func TestPublicAPI(t *testing.T) {
	eachEngine(t, func(t *testing.T, env *apptest.Env, fx *apptest.Fixtures) {
		hide(t, env, fx)
		anon := env.Client()
		type list struct {
			Items []offers.APIOffer `json:"items"`
			Total int               `json:"total"`
		}
		get := func(path string, want int) *apptest.Response {
			t.Helper()
			r := anon.Get(path)
			if r.StatusCode != want {
				t.Errorf("GET %s: %d, want %d\n%s", path, r.StatusCode, want, r.Body)
			}
			return r
		}
		var l list
		get("/api/v1/offers?mandant=alpha", 200).JSON(t, &l)
		if l.Total != 2 || len(l.Items) != 2 {
			t.Fatalf("alpha's offers: %+v", l)
		}
		get("/api/v1/offers?mandant=alpha&domain=language&language=ar&district="+fx.DistrictA.ID+"&q=mittwoch&lang=en", 200).JSON(t, &l)
		if l.Total != 1 || l.Items[0].ID != fx.Offers.OfferA1.ID {
			t.Fatalf("filtered: %+v", l)
		}
		o := l.Items[0]
		if o.Title != "Language café in the old town" || o.Lang != "en" || o.Organisation.ID != fx.OrgA1.ID || o.Organisation.Name != fx.OrgA1.Name ||
			len(o.Districts) != 1 || o.Districts[0].Name != fx.DistrictA.Name || len(o.Locations) != 1 || o.Contact.Email != "sprachcafe@alpha.example" ||
			o.Costs.Kind != "free" || !o.StepFree || o.OpeningHours != "Mi 15–17 Uhr" || strings.Join(o.Languages, " ") != "de ar" {
			t.Errorf("offer in the API: %+v", o)
		}
		// Another tenant's offers are invisible, unpublished ones not found.
		get("/api/v1/offers?mandant=beta", 200).JSON(t, &l)
		if l.Total != 1 || l.Items[0].ID != fx.Offers.OfferB1.ID {
			t.Errorf("beta's offers: %+v", l)
		}
		get("/api/v1/offers/"+fx.Offers.OfferB1.ID+"?mandant=alpha", 404)
		get("/api/v1/offers/"+fx.Offers.OfferHiddenA1.ID+"?mandant=alpha", 404)
		var one offers.APIOffer
		get("/api/v1/offers/"+fx.Offers.OfferA2.ID+"?mandant=alpha", 200).JSON(t, &one)
		if one.Title != fx.Offers.OfferA2.Title || !one.Citywide || one.Costs.Kind != "reduced" || one.Lang != "de" {
			t.Errorf("single offer: %+v", one)
		}
		// A token names its tenant.
		tok := env.Client()
		tok.Token = fx.Tokens[access.CaseManager]
		if r := tok.Get("/api/v1/offers"); r.StatusCode != 200 {
			t.Errorf("with a token: %d", r.StatusCode)
		}
		// Unknown filter values and a missing municipality: 422 in the contract's shape.
		for _, c := range []struct{ query, field string }{
			{"mandant=alpha&domain=astrologie", "domain"},
			{"mandant=alpha&language=klingon", "language"},
			{"mandant=alpha&district=" + fx.DistrictB.ID, "district"},
			{"mandant=alpha&target=aliens", "target"},
			{"mandant=alpha&lang=xx", "lang"},
			{"", "mandant"},
			{"mandant=gibt-es-nicht", "mandant"},
		} {
			var e struct {
				Error struct {
					Code    string            `json:"code"`
					Message string            `json:"message"`
					Fields  map[string]string `json:"fields"`
				} `json:"error"`
			}
			get("/api/v1/offers?"+c.query, 422).JSON(t, &e)
			if e.Error.Code != "invalid" || e.Error.Message == "" || e.Error.Fields[c.field] == "" {
				t.Errorf("%s: %+v", c.query, e)
			}
		}
	})
}

func TestPrintableListFollowsTheFilters(t *testing.T) {
	eachEngine(t, func(t *testing.T, env *apptest.Env, fx *apptest.Fixtures) {
		anon := env.Client()
		pdf := func(query string) []byte {
			t.Helper()
			r := anon.Get("/angebote/liste.pdf?mandant=alpha&" + query)
			if r.StatusCode != 200 || r.Header.Get("Content-Type") != "application/pdf" || !bytes.HasPrefix(r.Body, []byte("%PDF-")) ||
				!bytes.Contains(r.Body, []byte("%%EOF")) {
				t.Fatalf("%s: %d %s %q", query, r.StatusCode, r.Header.Get("Content-Type"), r.Body[:min(len(r.Body), 60)])
			}
			return r.Body
		}
		a1, a2 := fx.Offers.OfferA1.Title, fx.Offers.OfferA2.Title
		for _, c := range []struct {
			query     string
			want, not []string
		}{
			{"lang=de", []string{a1, a2}, []string{fx.Offers.OfferHiddenA1.Title, fx.Offers.OfferB1.Title}},
			{"lang=de&domain=housing", []string{a2}, []string{a1}},
			{"lang=de&q=mittwoch", []string{a1}, []string{a2}},
			{"lang=en&q=mittwoch", []string{"Language café in the old town"}, []string{a1}},
		} {
			text := pdfText(t, pdf(c.query))
			for _, s := range c.want {
				if !strings.Contains(text, s) {
					t.Errorf("%s: the PDF lacks %q", c.query, s)
				}
			}
			for _, s := range c.not {
				if strings.Contains(text, s) {
					t.Errorf("%s: the PDF shows %q", c.query, s)
				}
			}
		}
		for _, lang := range []string{"ar", "fa", "uk", "ru", "tr", "en"} {
			pdf("lang=" + lang)
		}
		// Without a municipality the choice is shown instead.
		if r := anon.Get("/angebote/liste.pdf"); r.StatusCode != 200 || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/html") {
			t.Errorf("PDF without municipality: %d %s", r.StatusCode, r.Header.Get("Content-Type"))
		}
	})
}

// pdfText returns the text a PDF of kim/internal/pdfdoc shows (its content streams inflated,
// the UTF-16 strings of its text operators decoded), good enough to look for a title.
func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	var out strings.Builder
	rest := pdf
	for {
		i := bytes.Index(rest, []byte("stream\n"))
		if i < 0 {
			break
		}
		rest = rest[i+len("stream\n"):]
		j := bytes.Index(rest, []byte("endstream"))
		if j < 0 {
			break
		}
		zr, err := zlib.NewReader(bytes.NewReader(rest[:j]))
		if err == nil {
			if content, err := io.ReadAll(zr); err == nil || len(content) > 0 {
				out.WriteString(decodeStrings(content))
			}
		}
		rest = rest[j:]
	}
	return out.String()
}

// decodeStrings turns the (…) strings of a content stream from escaped UTF-16BE into text.
func decodeStrings(content []byte) string {
	var out strings.Builder
	for i := 0; i < len(content); i++ {
		if content[i] != '(' {
			continue
		}
		var raw []byte
		for i++; i < len(content) && content[i] != ')'; i++ {
			if content[i] == '\\' && i+1 < len(content) {
				i++
				if content[i] == 'r' {
					raw = append(raw, '\r')
					continue
				}
			}
			raw = append(raw, content[i])
		}
		u := make([]uint16, 0, len(raw)/2)
		for k := 0; k+1 < len(raw); k += 2 {
			u = append(u, uint16(raw[k])<<8|uint16(raw[k+1]))
		}
		out.WriteString(string(utf16.Decode(u)))
		out.WriteByte('\n')
	}
	return out.String()
}
