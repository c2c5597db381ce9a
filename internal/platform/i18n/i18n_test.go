package i18n

import (
	"io/fs"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"kim/internal/platform/errs"
)

func catalogue(t *testing.T, sources ...fstest.MapFS) *Catalogue {
	t.Helper()
	fss := make([]fs.FS, len(sources))
	for i, s := range sources {
		fss[i] = s
	}
	c, err := New(fss...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

var room = fstest.MapFS{
	"de.toml": {Data: []byte(`
[form]
save = "Speichern"
greeting = "Hallo {{.Name}}"

[list.rows]
one = "{{.Count}} Zeile"
other = "{{.Count}} Zeilen"

[list]
other = "Sonstiges"

[only]
german = "Nur Deutsch"

[plain]
count = "Zeilen: {{.Count}}"
`)},
	"en.toml": {Data: []byte(`
[form]
save = "Save"
greeting = "Hello {{.Name}}"

[list.rows]
one = "{{.Count}} row"
other = "{{.Count}} rows"

[list]
other = "Other"

[plain]
count = "Rows: {{.Count}}"
`)},
	"README.md": {Data: []byte("not a catalogue")},
}

func TestCatalogueLoadsNestedTablesAsDottedIDs(t *testing.T) {
	c := catalogue(t, room)
	wantDE := []string{"form.greeting", "form.save", "list.other", "list.rows", "only.german", "plain.count"}
	if got := c.IDs("de"); !slices.Equal(got, wantDE) {
		t.Fatalf("de ids %v, want %v", got, wantDE)
	}
	if got := c.IDs("en"); !slices.Equal(got, []string{"form.greeting", "form.save", "list.other", "list.rows", "plain.count"}) {
		t.Fatalf("en ids %v", got)
	}
	if !c.Has("de", "form.save") || c.Has("en", "only.german") || c.Has("fr", "form.save") || c.Has("de", "form") {
		t.Fatal("Has")
	}
	if len(c.IDs("fr")) != 0 {
		t.Fatal("ids for a language without file")
	}
}

func TestTranslate(t *testing.T) {
	c := catalogue(t, room)
	de, en := c.Localizer("de"), c.Localizer("en")
	if c.Localizer("de") != de {
		t.Fatal("localizers are not cached")
	}
	for _, tc := range []struct {
		l    *Localizer
		id   string
		kv   []any
		want string
	}{
		{de, "form.save", nil, "Speichern"},
		{en, "form.save", nil, "Save"},
		{de, "form.greeting", []any{"Name", "Ayşe"}, "Hallo Ayşe"},
		{en, "form.greeting", []any{"Name", "<b>"}, "Hello <b>"}, // escaping is html/template's job
		{de, "list.rows", []any{"Count", 1}, "1 Zeile"},
		{de, "list.rows", []any{"Count", 5}, "5 Zeilen"},
		{en, "list.rows", []any{"Count", 1}, "1 row"},
		{en, "list.rows", []any{"Count", 0}, "0 rows"},
		{de, "list.other", nil, "Sonstiges"},               // "other" beside non-plural keys is an ordinary message
		{en, "only.german", nil, "Nur Deutsch"},            // falls back to German
		{c.Localizer("tr"), "form.save", nil, "Speichern"}, // a language without messages falls back to German
		{de, "no.such.id", nil, "no.such.id"},
		// A message without plural forms given a Count of one (plural form "one") still shows.
		{de, "plain.count", []any{"Count", 1}, "Zeilen: 1"},
		{en, "plain.count", []any{"Count", 1}, "Rows: 1"},
		{en, "plain.count", []any{"Count", 7}, "Rows: 7"}, // a missing id shows itself (and the catalogue test finds it)
	} {
		if got := tc.l.T(tc.id, tc.kv...); got != tc.want {
			t.Errorf("%s T(%q, %v) = %q, want %q", tc.l.Lang, tc.id, tc.kv, got, tc.want)
		}
	}
	if got := en.M(errs.Msg("form.greeting", "Name", "Jo")); got != "Hello Jo" {
		t.Errorf("M = %q", got)
	}
	if got := en.M(errs.Message{}); got != "" {
		t.Errorf("M(empty) = %q", got)
	}
}

func TestCatalogueRejectsBadFiles(t *testing.T) {
	for name, files := range map[string]fstest.MapFS{
		"duplicate across sources": nil,
		"not text":                 {"de.toml": {Data: []byte("[a]\nb = 3\n")}},
		"broken toml":              {"de.toml": {Data: []byte("[a\nb = ")}},
		"not a language":           {"deutsch-xx-yy-zz-123456789.toml": {Data: []byte("a = \"b\"\n")}},
	} {
		var err error
		if files == nil {
			dup := fstest.MapFS{"de.toml": {Data: []byte("[form]\nsave = \"Sichern\"\n")}}
			_, err = New(room, dup)
		} else {
			_, err = New(files)
		}
		if err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	// The error names the duplicate message.
	_, err := New(room, fstest.MapFS{"de.toml": {Data: []byte("[form]\nsave = \"Sichern\"\n")}})
	if err == nil || !strings.Contains(err.Error(), "form.save") {
		t.Errorf("duplicate error %v does not name the message", err)
	}
}

func TestMatchAndSupported(t *testing.T) {
	for _, tc := range []struct {
		header string
		set    []string
		want   string
	}{
		{"", Staff, "de"},
		{"en-US,en;q=0.9", Staff, "en"},
		{"fr-FR", Staff, "de"},
		{"tr", Staff, "de"},
		{"tr", Public, "tr"},
		{"uk-UA, ru;q=0.5", Public, "uk"},
		{"ar-SY", Public, "ar"},
		{"fa-IR", Public, "fa"},
		{"de-AT", Public, "de"},
		{";;;garbage", Public, "de"},
	} {
		if got := Match(tc.header, tc.set); got != tc.want {
			t.Errorf("Match(%q, %v) = %q, want %q", tc.header, tc.set, got, tc.want)
		}
	}
	if !Supported("en", Staff) || Supported("tr", Staff) || Supported("", Public) || Supported("EN", Staff) {
		t.Error("Supported")
	}
	if Staff[0] != "de" || Public[0] != "de" {
		t.Error("German must be the default language")
	}
	for _, l := range Staff {
		if !Supported(l, Public) {
			t.Errorf("staff language %s is not public", l)
		}
	}
	for _, l := range []string{"ar", "tr", "uk", "ru", "fa", "en"} {
		if !Supported(l, Public) {
			t.Errorf("main client language %s is missing from the public languages", l)
		}
	}
}

func TestDirection(t *testing.T) {
	c := catalogue(t, room)
	for lang, want := range map[string]string{"de": "ltr", "en": "ltr", "ar": "rtl", "fa": "rtl", "tr": "ltr", "uk": "ltr"} {
		if got := c.Localizer(lang).Dir(); got != want {
			t.Errorf("%s: Dir = %s, want %s", lang, got, want)
		}
		if RTL(lang) != (want == "rtl") {
			t.Errorf("RTL(%s)", lang)
		}
	}
}
