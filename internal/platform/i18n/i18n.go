// Package i18n is the translation catalogue. Every user-facing text is a message id looked up
// here; German is the source language and English is complete. Public pages add the main client
// languages. Each room keeps its messages next to its code in locales/<lang>.toml and hands its
// folder to New.
package i18n

import (
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
	"sync"

	"github.com/BurntSushi/toml"
	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"

	"kim/internal/platform/errs"
)

// Staff is the set of languages of the staff interface; the first is the default.
var Staff = []string{"de", "en"}

// Public is the set of languages of public pages and client documents.
var Public = []string{"de", "en", "ar", "fa", "tr", "uk", "ru"}

// RTL reports whether lang is written right to left.
func RTL(lang string) bool { return lang == "ar" || lang == "fa" }

// Catalogue holds all messages.
type Catalogue struct {
	bundle   *goi18n.Bundle
	mu       sync.Mutex
	locs     map[string]*Localizer
	messages map[string]map[string]bool // lang → ids
}

// New loads every <lang>.toml and <lang>.<part>.toml file found at the root of each source (a
// room may split its messages into parts; an id defined twice is an error).
func New(sources ...fs.FS) (*Catalogue, error) {
	b := goi18n.NewBundle(language.German)
	b.RegisterUnmarshalFunc("toml", toml.Unmarshal)
	c := &Catalogue{bundle: b, locs: map[string]*Localizer{}, messages: map[string]map[string]bool{}}
	for _, src := range sources {
		files, err := fs.Glob(src, "*.toml")
		if err != nil {
			return nil, err
		}
		for _, f := range files {
			data, err := fs.ReadFile(src, f)
			if err != nil {
				return nil, err
			}
			var tree map[string]any
			if err := toml.Unmarshal(data, &tree); err != nil {
				return nil, fmt.Errorf("i18n: %s: %w", f, err)
			}
			lang, _, _ := strings.Cut(strings.TrimSuffix(path.Base(f), ".toml"), ".")
			tag, err := language.Parse(lang)
			if err != nil {
				return nil, fmt.Errorf("i18n: %s: file name is not a language tag", f)
			}
			if c.messages[lang] == nil {
				c.messages[lang] = map[string]bool{}
			}
			var msgs []*goi18n.Message
			if err := flatten("", tree, func(m *goi18n.Message) error {
				if c.messages[lang][m.ID] {
					return fmt.Errorf("i18n: %s: message %q defined twice", f, m.ID)
				}
				c.messages[lang][m.ID] = true
				msgs = append(msgs, m)
				return nil
			}); err != nil {
				return nil, err
			}
			if err := b.AddMessages(tag, msgs...); err != nil {
				return nil, fmt.Errorf("i18n: %s: %w", f, err)
			}
		}
	}
	return c, nil
}

// IDs returns the sorted message ids of lang (for completeness tests).
func (c *Catalogue) IDs(lang string) []string {
	out := make([]string, 0, len(c.messages[lang]))
	for id := range c.messages[lang] {
		out = append(out, id)
	}
	sort.Strings(out)
	return out
}

// Has reports whether lang defines id.
func (c *Catalogue) Has(lang, id string) bool { return c.messages[lang][id] }

// Localizer returns the (cached) localizer for lang, falling back to German.
func (c *Catalogue) Localizer(lang string) *Localizer {
	c.mu.Lock()
	defer c.mu.Unlock()
	if l, ok := c.locs[lang]; ok {
		return l
	}
	l := &Localizer{Lang: lang, l: goi18n.NewLocalizer(c.bundle, lang, "de"), c: c}
	c.locs[lang] = l
	return l
}

// Localizer translates into one language.
type Localizer struct {
	Lang string
	l    *goi18n.Localizer
	c    *Catalogue
}

// Dir is the writing direction for the html dir attribute.
func (l *Localizer) Dir() string {
	if RTL(l.Lang) {
		return "rtl"
	}
	return "ltr"
}

// T translates id; kv are alternating template keys and values. A "Count" value selects the
// plural form.
func (l *Localizer) T(id string, kv ...any) string {
	cfg := &goi18n.LocalizeConfig{MessageID: id}
	if len(kv) > 1 {
		data := make(map[string]any, len(kv)/2)
		for i := 0; i+1 < len(kv); i += 2 {
			k, _ := kv[i].(string)
			data[k] = kv[i+1]
			if k == "Count" {
				cfg.PluralCount = kv[i+1]
			}
		}
		cfg.TemplateData = data
	}
	// Some errors come with a usable text, which is then shown: a message missing in l.Lang comes
	// back in German (the intended fallback), and a plural form missing for Count falls back to
	// "other".
	s, _ := l.l.Localize(cfg)
	if s == "" {
		return id
	}
	return s
}

// M translates a message value.
func (l *Localizer) M(m errs.Message) string {
	if m.ID == "" {
		return ""
	}
	kv := make([]any, 0, 2*len(m.Data))
	for k, v := range m.Data {
		kv = append(kv, k, v)
	}
	return l.T(m.ID, kv...)
}

// matchers holds one matcher per set of supported languages (the key is the set joined by
// commas). Building a matcher costs far more than using it: built per request it took three
// quarters of the CPU time of GET /healthz (docs/performance.md). A matcher is read-only and
// safe for concurrent use.
var matchers sync.Map

// Match picks the best of supported for an Accept-Language header (first supported on no match).
func Match(acceptLanguage string, supported []string) string {
	prefs, _, err := language.ParseAcceptLanguage(acceptLanguage)
	if err != nil || len(prefs) == 0 {
		return supported[0]
	}
	key := strings.Join(supported, ",")
	mv, ok := matchers.Load(key)
	if !ok {
		tags := make([]language.Tag, len(supported))
		for i, s := range supported {
			tags[i] = language.Make(s)
		}
		mv, _ = matchers.LoadOrStore(key, language.NewMatcher(tags))
	}
	_, idx, conf := mv.(language.Matcher).Match(prefs...)
	if conf == language.No {
		return supported[0]
	}
	return supported[idx]
}

// Supported reports whether lang is in set.
func Supported(lang string, set []string) bool {
	for _, s := range set {
		if s == lang {
			return true
		}
	}
	return false
}

var pluralKeys = map[string]bool{"zero": true, "one": true, "two": true, "few": true, "many": true, "other": true}

// flatten turns nested TOML tables into dotted message ids. A table whose keys are all CLDR
// plural categories (and include "other") is one plural message; any other key, "other"
// included, is an ordinary message.
func flatten(prefix string, tree map[string]any, add func(*goi18n.Message) error) error {
	for k, v := range tree {
		id := k
		if prefix != "" {
			id = prefix + "." + k
		}
		switch val := v.(type) {
		case string:
			if err := add(&goi18n.Message{ID: id, Other: val}); err != nil {
				return err
			}
		case map[string]any:
			if isPlural(val) {
				m := &goi18n.Message{ID: id}
				m.Zero, _ = val["zero"].(string)
				m.One, _ = val["one"].(string)
				m.Two, _ = val["two"].(string)
				m.Few, _ = val["few"].(string)
				m.Many, _ = val["many"].(string)
				m.Other, _ = val["other"].(string)
				if err := add(m); err != nil {
					return err
				}
				continue
			}
			if err := flatten(id, val, add); err != nil {
				return err
			}
		default:
			return fmt.Errorf("i18n: message %q is not text", id)
		}
	}
	return nil
}

func isPlural(m map[string]any) bool {
	if _, ok := m["other"].(string); !ok {
		return false
	}
	for k, v := range m {
		if _, isText := v.(string); !pluralKeys[k] || !isText {
			return false
		}
	}
	return true
}
