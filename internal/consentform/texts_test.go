package consentform

import (
	"encoding/binary"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode"
)

// stringFields returns the toml key and value of every string field of t.
func stringFields(t *texts) map[string]string {
	out := map[string]string{}
	v := reflect.ValueOf(t).Elem()
	for i := 0; i < v.NumField(); i++ {
		f := v.Type().Field(i)
		if f.Type.Kind() == reflect.String {
			out[f.Tag.Get("toml")] = v.Field(i).String()
		}
	}
	return out
}

var placeholderRE = regexp.MustCompile(`\{[a-z_]+\}`)

func placeholders(s string) []string {
	p := placeholderRE.FindAllString(s, -1)
	slices.Sort(p)
	return slices.Compact(p)
}

func TestEveryLanguageHasEveryText(t *testing.T) {
	all, err := loadTexts()
	if err != nil {
		t.Fatal(err)
	}
	de := all["de"]
	deFields := stringFields(de)
	names := map[string]string{}
	for _, lang := range append([]string{"de"}, Languages()...) {
		tx, ok := all[lang]
		if !ok {
			t.Fatalf("no texts for %q", lang)
		}
		for key, val := range stringFields(tx) {
			if strings.TrimSpace(val) == "" {
				t.Errorf("%s: %s is empty", lang, key)
			}
			if got, want := placeholders(val), placeholders(deFields[key]); !slices.Equal(got, want) {
				t.Errorf("%s: %s has placeholders %v, German has %v", lang, key, got, want)
			}
		}
		for _, c := range categoryCodes {
			if strings.TrimSpace(tx.Categories[c]) == "" {
				t.Errorf("%s: category %q has no text", lang, c)
			}
		}
		for _, c := range specialCodes {
			if strings.TrimSpace(tx.Special[c]) == "" {
				t.Errorf("%s: special category %q has no text", lang, c)
			}
		}
		if len(tx.Categories) != len(categoryCodes) || len(tx.Special) != len(specialCodes) {
			t.Errorf("%s: unknown category codes in texts (%d categories, %d special)", lang, len(tx.Categories), len(tx.Special))
		}
		if other, dup := names[tx.LangName]; dup {
			t.Errorf("%s and %s share the language name %q", lang, other, tx.LangName)
		}
		names[tx.LangName] = lang
	}
}

func TestTranslationsAreNotGerman(t *testing.T) {
	all, _ := loadTexts()
	de := stringFields(all["de"])
	for _, lang := range Languages() {
		for key, val := range stringFields(all[lang]) {
			if key != "label_name" && val == de[key] {
				t.Errorf("%s: %s is the German text", lang, key)
			}
		}
	}
}

func TestScriptHygiene(t *testing.T) {
	all, _ := loadTexts()
	check := func(lang string, bad func(rune) bool, what string) {
		for key, val := range allTexts(all[lang]) {
			for _, r := range val {
				if bad(r) {
					t.Errorf("%s: %s contains %s U+%04X", lang, key, what, r)
				}
			}
		}
	}
	harakat := func(r rune) bool { return joiningType(r) == joinTransparent }
	check("ar", harakat, "a vowel mark")
	check("fa", harakat, "a vowel mark")
	check("fa", func(r rune) bool { return r == 0x064A || r == 0x0643 || r == 0x0649 }, "an Arabic (not Persian) yeh or kaf")
	check("ar", func(r rune) bool { return r == 0x06CC || r == 0x06A9 }, "a Persian yeh or keheh")
	for _, lang := range append([]string{"de"}, Languages()...) {
		check(lang, func(r rune) bool { return unicode.IsControl(r) || isBidiControl(r) }, "a control character")
	}
}

// allTexts returns every text of t, categories included.
func allTexts(t *texts) map[string]string {
	out := stringFields(t)
	for k, v := range t.Categories {
		out["categories."+k] = v
	}
	for k, v := range t.Special {
		out["special."+k] = v
	}
	return out
}

// TestFontCoversAllTexts checks that every code point the renderer draws
// (after shaping) has a glyph in both embedded fonts, so no empty boxes
// appear in any language.
func TestFontCoversAllTexts(t *testing.T) {
	all, _ := loadTexts()
	for name, font := range map[string][]byte{"regular": fontRegular, "bold": fontBold} {
		covered, err := cmapCoverage(font)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		extra := "•–·§0123456789 ?()"
		for _, lang := range append([]string{"de"}, Languages()...) {
			for key, val := range allTexts(all[lang]) {
				for _, r := range stripIsolates(shapeArabic(val + extra)) {
					if !covered[r] {
						t.Errorf("%s font lacks U+%04X (%q) used in %s.%s", name, r, r, lang, key)
					}
				}
			}
		}
		for _, r := range "پچژگیکأإآؤئءةى۰۱۲۳۴۵۶۷۸۹،؛؟ـ" {
			for _, f := range arabicLetters[r] {
				if f != 0 && !covered[f] {
					t.Errorf("%s font lacks presentation form U+%04X of %c", name, f, r)
				}
			}
			if _, isLetter := arabicLetters[r]; !isLetter && !covered[r] {
				t.Errorf("%s font lacks U+%04X (%c)", name, r, r)
			}
		}
		for _, lig := range lamAlef {
			for _, f := range lig {
				if !covered[f] {
					t.Errorf("%s font lacks lam-alef ligature U+%04X", name, f)
				}
			}
		}
	}
}

// cmapCoverage returns the BMP code points that map to a real glyph in the
// TrueType font (cmap subtable format 4, Windows Unicode BMP).
func cmapCoverage(font []byte) (map[rune]bool, error) {
	be := binary.BigEndian
	numTables := int(be.Uint16(font[4:]))
	var cmap []byte
	for i := 0; i < numTables; i++ {
		rec := font[12+16*i:]
		if string(rec[:4]) == "cmap" {
			off, length := be.Uint32(rec[8:]), be.Uint32(rec[12:])
			cmap = font[off : off+length]
		}
	}
	if cmap == nil {
		return nil, errString("no cmap table")
	}
	var sub []byte
	for i := 0; i < int(be.Uint16(cmap[2:])); i++ {
		rec := cmap[4+8*i:]
		if be.Uint16(rec) == 3 && be.Uint16(rec[2:]) == 1 {
			sub = cmap[be.Uint32(rec[4:]):]
		}
	}
	if sub == nil || be.Uint16(sub) != 4 {
		return nil, errString("no format-4 Windows Unicode cmap")
	}
	segs := int(be.Uint16(sub[6:])) / 2
	ends, starts := sub[14:], sub[16+2*segs:]
	deltas, rangeOffs := sub[16+4*segs:], sub[16+6*segs:]
	out := map[rune]bool{}
	for s := 0; s < segs; s++ {
		start, end := int(be.Uint16(starts[2*s:])), int(be.Uint16(ends[2*s:]))
		delta, ro := int(be.Uint16(deltas[2*s:])), int(be.Uint16(rangeOffs[2*s:]))
		for c := start; c <= end && c != 0xFFFF; c++ {
			g := 0
			if ro == 0 {
				g = (c + delta) & 0xFFFF
			} else {
				pos := 16 + 6*segs + 2*s + ro + 2*(c-start)
				if g = int(be.Uint16(sub[pos:])); g != 0 {
					g = (g + delta) & 0xFFFF
				}
			}
			if g != 0 {
				out[rune(c)] = true
			}
		}
	}
	return out, nil
}

type errString string

func (e errString) Error() string { return string(e) }

func TestLinesFitTheirFrame(t *testing.T) {
	all, _ := loadTexts()
	r := &renderer{f: sampleForm("ar"), de: all["de"], tr: all["ar"]}
	pdf, err := r.layout(1)
	if err != nil {
		t.Fatal(err)
	}
	w := &writer{pdf: pdf}
	for _, lang := range append([]string{"de"}, Languages()...) {
		for _, sec := range buildSections(all[lang], sampleForm(lang)) {
			for _, it := range sec.items {
				if it.kind != itemText {
					continue
				}
				w.setStyle(stBody)
				for _, l := range w.breakLines(it.text, 100) {
					if got := w.width(l); got > 100.001 {
						t.Errorf("%s: line %q is %.1f mm wide, frame 100 mm", lang, l, got)
					}
				}
			}
		}
	}
}
