package offers

import (
	"net/http"
	"strings"
	"time"

	"kim/internal/pdfdoc"
	"kim/internal/platform/i18n"
	"kim/internal/platform/valid"
	"kim/internal/platform/web"
)

// maxPDF is the most offers a printed list holds (a variable for the tests).
var maxPDF = 500

// publicPDF is the printable list of the public directory, with the page's filters and in the
// page's language.
func (h *HTTP) publicPDF(w http.ResponseWriter, r *http.Request) {
	p, ok := h.publicPlace(w, r)
	if !ok {
		return
	}
	c, q, f, _, ok := h.publicQuery(w, r, p)
	if !ok {
		return
	}
	q.Page, q.Size = 1, maxPDF
	lang := web.LangFrom(r.Context())
	items, total, err := h.S.PublicList(r.Context(), p.Tenant.ID, lang, q, f)
	if err != nil {
		h.R.Fail(w, r, err)
		return
	}
	l := h.R.Catalogue().Localizer(lang)
	b, err := offerPDF(l, p.Tenant, items, total, filterText(l, q.Q, f, c), h.S.DB.Clock.Now())
	if err != nil {
		h.R.Fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `inline; filename="angebote.pdf"`)
	_, _ = w.Write(b)
}

// filterText says in words which offers the list holds.
func filterText(l *i18n.Localizer, q string, f Filter, c *PublicChoices) string {
	var parts []string
	if q != "" {
		parts = append(parts, l.T("offers.public.pdf_query", "Q", q)) // quoted as the language quotes
	}
	if f.Domain != "" {
		parts = append(parts, l.T("offers.domain."+f.Domain))
	}
	if f.Language != "" {
		parts = append(parts, l.T("language.name."+f.Language))
	}
	for _, d := range c.Districts {
		if d.ID == f.DistrictID {
			parts = append(parts, d.Name)
		}
	}
	if f.TargetGroup != "" {
		parts = append(parts, l.T("offers.target."+f.TargetGroup))
	}
	if len(parts) == 0 {
		return l.T("offers.public.pdf_all")
	}
	return l.T("offers.public.pdf_filters", "Filters", strings.Join(parts, ", "))
}

func codeNames(l *i18n.Localizer, prefix string, list []string) string {
	out := make([]string, len(list))
	for i, c := range list {
		out[i] = l.T(prefix + c)
	}
	return strings.Join(out, l.T("offers.public.sep"))
}

// offerPDF writes the list: per offer its title, provider, topics, languages, where, places,
// opening hours, contact, costs, step-free access and validity. total is the number of offers
// found, of which items are the first.
func offerPDF(l *i18n.Localizer, t Tenant, items []Offer, total int, filters string, now time.Time) ([]byte, error) {
	d := pdfdoc.New(l.T("offers.public.pdf_title", "Tenant", t.Name), l.Lang, pdfdoc.Options{Author: t.Name,
		Footer: t.Name + " · " + l.T("offers.nav.directory"), PageWord: l.T("offers.public.pdf_page"), Date: now})
	d.Small(l.T("offers.public.pdf_date", "Date", now.In(valid.Berlin).Format("02.01.2006")) + " · " + filters)
	if len(items) == 0 {
		d.Paragraph(l.T("offers.public.empty_filtered"))
	}
	if total > len(items) {
		d.Paragraph(l.T("offers.public.pdf_cut", "Shown", len(items), "Total", total))
	}
	for i := range items {
		o := &items[i]
		d.Subheading(o.Title)
		if ps := o.DescriptionParagraphs(); len(ps) > 0 {
			d.Paragraph(ps[0])
		}
		area := l.T("offers.public.citywide")
		if !o.Citywide {
			names := make([]string, len(o.Districts))
			for j, x := range o.Districts {
				names[j] = x.Name
			}
			area = strings.Join(names, ", ")
		}
		places := make([]string, len(o.Locations))
		for j, x := range o.Locations {
			places[j] = x.Address()
		}
		var contact []string
		for _, c := range []string{o.ContactName, o.ContactPhone, o.ContactEmail, o.Website} {
			if c != "" {
				contact = append(contact, c)
			}
		}
		costs := l.T("offers.costs." + o.Costs)
		if o.CostsNote != "" {
			costs += " – " + o.CostsNote
		}
		stepFree := l.T("form.no")
		if o.StepFree {
			stepFree = l.T("form.yes")
		}
		d.Facts([][2]string{
			{l.T("offers.public.pdf_organisation"), o.OrganisationName},
			{l.T("offers.public.domains"), codeNames(l, "offers.domain.", o.LifeDomains)},
			{l.T("offers.public.targets"), codeNames(l, "offers.target.", o.TargetGroups)},
			{l.T("offers.public.languages"), codeNames(l, "language.name.", o.Languages)},
			{l.T("offers.public.pdf_where"), area},
			{l.T("offers.public.pdf_address"), strings.Join(places, "; ")},
			{l.T("offers.public.opening_hours"), strings.Join(o.HoursLines(), "; ")},
			{l.T("offers.public.pdf_contact"), strings.Join(contact, " · ")},
			{l.T("offers.public.costs"), costs},
			{l.T("offers.public.step_free"), stepFree},
			{l.T("offers.public.validity"), validity(l, o)},
		})
	}
	return d.Bytes()
}

// validity says from when and until when an offer runs ("" when it is open-ended).
func validity(l *i18n.Localizer, o *Offer) string {
	var parts []string
	if o.ValidFrom != "" {
		parts = append(parts, l.T("offers.public.valid_from", "Date", germanDay(o.ValidFrom)))
	}
	if o.ValidTo != "" {
		parts = append(parts, l.T("offers.public.valid_to", "Date", germanDay(o.ValidTo)))
	}
	return strings.Join(parts, " · ")
}

// germanDay shows an ISO date (YYYY-MM-DD) as the pages do (02.01.2006).
func germanDay(s string) string {
	if t, err := time.Parse("2006-01-02", s); err == nil {
		return t.Format("02.01.2006")
	}
	return s
}
