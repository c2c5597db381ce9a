// Package consentform renders the printable consent form (Einwilligung und
// Schweigepflichtentbindung) of the KIM case management as a PDF: German
// text first, then, section by section, a translation into the client's
// language (Arabic, Turkish, Ukrainian, Russian, Farsi or English).
//
// The package is pure: it reads no files, databases or clocks at run time.
// Texts live in texts/*.toml, the DejaVu Sans fonts in fonts/ (see
// fonts/LICENSE); both are embedded in the binary, so a server without
// installed fonts can render the form. The output is deterministic: the
// same Form gives byte-identical PDFs.
//
// The form follows the checklist for a valid consent in the domain
// reference (sections 4.3 and 6.4): it explains purpose and necessity in
// plain language, names the data categories, the recipients and the purpose
// of this one case, asks separately and explicitly for special categories
// of data (Art. 9/10 GDPR), explains the consequences of refusal, states
// whether one side or both sides are released from professional secrecy
// (§ 203 StGB), is signed in writing, and ends when revoked, at the stated
// date or when the case is closed. Validate rejects blanket consents (no
// recipient, no purpose, no data category).
//
// Arabic and Farsi: fpdf draws code points one by one from left to right
// without OpenType shaping, so the package shapes Arabic-script letters
// itself (shape.go: contextual presentation forms and lam-alef ligatures),
// reorders each line for display with a reduced Unicode bidi algorithm
// (bidi.go: RTL runs reversed, Latin words and numbers kept left-to-right,
// inserted values isolated) and breaks and right-aligns RTL paragraphs
// itself (layout.go). Vowel marks (harakat) are not drawn.
//
// TRANSLATIONS: the German text is the legally binding original. The
// translations in texts/ were written for this package in plain language
// and have NOT been reviewed yet. They must be reviewed by qualified
// translators (and the German text by the controller's data-protection
// officer) before the form is used in production.
package consentform
