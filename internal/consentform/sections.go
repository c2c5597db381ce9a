package consentform

// itemKind says how a part of a section is printed.
type itemKind int

const (
	itemText   itemKind = iota // paragraph of form text, in the block direction
	itemLabel                  // bold line of form text
	itemList                   // bulleted list of form texts (category names)
	itemValues                 // bulleted list of values typed by users (recipients)
	itemValue                  // paragraph typed by the case manager, in its own direction
	itemBox                    // framed bold paragraph (explicit consent sentence)
	itemBlank                  // a line to write on
)

// item is one part of a section.
type item struct {
	kind itemKind
	text string
	list []string
}

// section is one numbered section of the form in one language.
type section struct {
	head  string
	items []item
}

// buildSections returns the sections of the form in the language of t. The
// German and the translated list have the same length and order, so they
// can be printed section by section.
func buildSections(t *texts, f Form) []section {
	vals := map[string]string{
		"org":         f.Organisation,
		"date":        f.ValidUntil,
		"interpreter": f.Interpreter,
	}
	txt := func(s string) item { return item{kind: itemText, text: fill(s, vals)} }

	who := section{head: t.WhoHead, items: []item{
		txt(t.WhoText),
		{kind: itemLabel, text: t.PurposeLabel + ":"},
		{kind: itemValue, text: f.Purpose},
	}}

	data := section{head: t.DataHead}
	if len(f.Categories) > 0 {
		names := make([]string, 0, len(f.Categories))
		for _, c := range orderCodes(f.Categories, categoryCodes) {
			names = append(names, t.Categories[c])
		}
		data.items = append(data.items, txt(t.DataText), item{kind: itemList, list: names})
	}
	if len(f.Special) > 0 {
		names := make([]string, 0, len(f.Special))
		for _, c := range orderCodes(f.Special, specialCodes) {
			names = append(names, t.Special[c])
		}
		data.items = append(data.items, txt(t.SpecialText), item{kind: itemList, list: names},
			item{kind: itemBox, text: fill(t.SpecialConsent, vals)})
	} else {
		data.items = append(data.items, txt(t.NoSpecial))
	}

	recipients := section{head: t.RecipientsHead, items: []item{
		txt(t.RecipientsText),
		{kind: itemValues, list: f.Recipients},
		txt(t.RecipientsOnly),
	}}

	release := t.SecrecyOneWay
	if f.Direction == DirectionMutual {
		release = t.SecrecyMutual
	}
	secrecy := section{head: t.SecrecyHead, items: []item{txt(t.SecrecyIntro), txt(release)}}

	until := t.DurationClosure
	if !f.UntilCaseClosure {
		until = t.DurationUntil
	}
	duration := section{head: t.DurationHead, items: []item{txt(until + " " + t.DurationEnd)}}

	interp := section{head: t.InterpreterHead}
	if f.Interpreter != "" {
		interp.items = []item{txt(t.InterpreterGiven)}
	} else {
		interp.items = []item{txt(t.InterpreterBlank), {kind: itemBlank}}
	}

	return []section{
		who,
		data,
		recipients,
		secrecy,
		duration,
		{head: t.VoluntaryHead, items: []item{txt(t.VoluntaryText)}},
		{head: t.RevokeHead, items: []item{txt(t.RevokeText)}},
		{head: t.RightsHead, items: []item{txt(t.RightsText)}},
		interp,
		{head: t.SignHead, items: []item{txt(t.SignText)}},
	}
}

// orderCodes returns the given codes in the print order of known.
func orderCodes(given, known []string) []string {
	out := make([]string, 0, len(given))
	for _, k := range known {
		if contains(given, k) {
			out = append(out, k)
		}
	}
	return out
}
