package consentform

import (
	"embed"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/BurntSushi/toml"
)

// texts holds every sentence of the form in one language. The German file
// (texts/de.toml) is the legally binding original; the other files are
// translations of it and must keep the same placeholders ({org}, {date},
// {interpreter}).
type texts struct {
	LangName        string `toml:"lang_name"`
	Title           string `toml:"title"`
	ShortTitle      string `toml:"short_title"`
	Programme       string `toml:"programme"`
	TranslationNote string `toml:"translation_note"`

	LabelName         string `toml:"label_name"`
	LabelNameOriginal string `toml:"label_name_original"`
	LabelBirthDate    string `toml:"label_birth_date"`

	WhoHead      string `toml:"who_head"`
	WhoText      string `toml:"who_text"`
	PurposeLabel string `toml:"purpose_label"`

	DataHead       string `toml:"data_head"`
	DataText       string `toml:"data_text"`
	SpecialText    string `toml:"special_text"`
	SpecialConsent string `toml:"special_consent"`
	NoSpecial      string `toml:"no_special"`

	RecipientsHead string `toml:"recipients_head"`
	RecipientsText string `toml:"recipients_text"`
	RecipientsOnly string `toml:"recipients_only"`

	SecrecyHead   string `toml:"secrecy_head"`
	SecrecyIntro  string `toml:"secrecy_intro"`
	SecrecyOneWay string `toml:"secrecy_one_way"`
	SecrecyMutual string `toml:"secrecy_mutual"`

	DurationHead    string `toml:"duration_head"`
	DurationUntil   string `toml:"duration_until"`
	DurationClosure string `toml:"duration_closure"`
	DurationEnd     string `toml:"duration_end"`

	VoluntaryHead string `toml:"voluntary_head"`
	VoluntaryText string `toml:"voluntary_text"`

	RevokeHead string `toml:"revoke_head"`
	RevokeText string `toml:"revoke_text"`

	RightsHead string `toml:"rights_head"`
	RightsText string `toml:"rights_text"`

	InterpreterHead  string `toml:"interpreter_head"`
	InterpreterGiven string `toml:"interpreter_given"`
	InterpreterBlank string `toml:"interpreter_blank"`

	SignHead        string `toml:"sign_head"`
	SignText        string `toml:"sign_text"`
	SignPlaceDate   string `toml:"sign_place_date"`
	SignClient      string `toml:"sign_client"`
	SignCaseManager string `toml:"sign_case_manager"`
	SignInterpreter string `toml:"sign_interpreter"`

	// Categories and Special map the category codes to their names.
	Categories map[string]string `toml:"categories"`
	Special    map[string]string `toml:"special"`
}

//go:embed texts/*.toml
var textFS embed.FS

var (
	textsOnce sync.Once
	textsByLn map[string]*texts
	textsErr  error
)

// loadTexts parses the embedded text files once. A broken file is a
// programming error caught by the tests; Render reports it as an error.
func loadTexts() (map[string]*texts, error) {
	textsOnce.Do(func() {
		textsByLn = make(map[string]*texts)
		for _, lang := range append([]string{"de"}, Languages()...) {
			raw, err := textFS.ReadFile("texts/" + lang + ".toml")
			if err != nil {
				textsErr = fmt.Errorf("consentform: texts for %q: %w", lang, err)
				return
			}
			var t texts
			md, err := toml.Decode(string(raw), &t)
			if err != nil {
				textsErr = fmt.Errorf("consentform: texts/%s.toml: %w", lang, err)
				return
			}
			if und := md.Undecoded(); len(und) > 0 {
				textsErr = fmt.Errorf("consentform: texts/%s.toml: unknown keys %v", lang, und)
				return
			}
			textsByLn[lang] = &t
		}
	})
	return textsByLn, textsErr
}

// Isolate markers (FSI, PDI) keep an inserted value, such as a German
// organisation name inside an Arabic sentence, in one piece when the line is
// reordered. They are never drawn.
const (
	isoOpen  = '\u2068'
	isoClose = '\u2069'
)

// isolate wraps v in bidi isolate markers.
func isolate(v string) string {
	return string(isoOpen) + v + string(isoClose)
}

// fill replaces {name} placeholders in s by the isolated values in one pass,
// so a value that itself contains braces is never expanded.
func fill(s string, vals map[string]string) string {
	keys := make([]string, 0, len(vals))
	for k := range vals {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	pairs := make([]string, 0, 2*len(keys))
	for _, k := range keys {
		pairs = append(pairs, "{"+k+"}", isolate(vals[k]))
	}
	return strings.NewReplacer(pairs...).Replace(s)
}

// stripIsolates removes isolate markers (for measuring and plain output).
func stripIsolates(s string) string {
	if !strings.ContainsAny(s, string(isoOpen)+string(isoClose)) {
		return s
	}
	return strings.Map(func(r rune) rune {
		if r == isoOpen || r == isoClose {
			return -1
		}
		return r
	}, s)
}
