package monitoring

import (
	"fmt"
	"sync"

	"github.com/BurntSushi/toml"
)

// Text is a text of the catalogue in German and English.
type Text struct {
	DE string `toml:"de" json:"de"`
	EN string `toml:"en" json:"en"`
}

// In returns the text in lang (German unless lang is "en").
func (t Text) In(lang string) string {
	if lang == "en" && t.EN != "" {
		return t.EN
	}
	return t.DE
}

// Indicator is one entry of the indicator catalogue (catalogue.toml): what it measures and how
// it may be published. Measure names the computation (measures.go); everything else is data.
type Indicator struct {
	Code        string   `toml:"code"`
	Section     string   `toml:"section"` // casework, steering, context, naturalisation
	Name        Text     `toml:"name"`
	Definition  Text     `toml:"definition"`
	Numerator   Text     `toml:"numerator"`
	Denominator Text     `toml:"denominator"`
	Unit        string   `toml:"unit"` // persons, days, per_fte, per_1000, reports
	Source      Text     `toml:"source"`
	Breakdowns  []string `toml:"breakdowns"`
	Periodicity string   `toml:"periodicity"` // month
	// Disclosure is the rule the figures pass: count (persons; 1..Min-1 suppressed, secondary
	// suppression along every line), magnitude (median or mean; fewer than MinPersons persons
	// suppressed) or rate (a count per context figure; suppressed with its count).
	Disclosure string `toml:"disclosure"`
	Measure    string `toml:"measure"`
	Stock      bool   `toml:"stock"` // a state at month end (open caseload) rather than a flow
}

// HasBreakdown reports whether b is one of the indicator's breakdowns ("" always is).
func (ind *Indicator) HasBreakdown(b string) bool {
	if b == "" {
		return true
	}
	for _, x := range ind.Breakdowns {
		if x == b {
			return true
		}
	}
	return false
}

var catalogue struct {
	once  sync.Once
	list  []Indicator
	byKey map[string]*Indicator
	err   error
}

// Catalogue returns the indicator catalogue in its order.
func Catalogue() []Indicator {
	loadCatalogue()
	return catalogue.list
}

// Lookup returns the indicator with the code, or nil.
func Lookup(code string) *Indicator {
	loadCatalogue()
	return catalogue.byKey[code]
}

func loadCatalogue() {
	catalogue.once.Do(func() {
		var doc struct {
			Indicator []Indicator `toml:"indicator"`
		}
		b, err := assets.ReadFile("catalogue.toml")
		if err == nil {
			_, err = toml.Decode(string(b), &doc)
		}
		if err != nil {
			panic(fmt.Sprintf("monitoring catalogue: %v", err))
		}
		catalogue.list = doc.Indicator
		catalogue.byKey = map[string]*Indicator{}
		for i := range catalogue.list {
			catalogue.byKey[catalogue.list[i].Code] = &catalogue.list[i]
		}
	})
}
