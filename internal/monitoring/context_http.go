package monitoring

import (
	"errors"
	"io"
	"net/http"
	"slices"
	"strings"

	"kim/internal/platform/access"
	"kim/internal/platform/errs"
	"kim/internal/platform/i18n"
	"kim/internal/platform/ids"
	"kim/internal/platform/web"
)

// contextRoutes registers the context statistics, the funding figures (funding_http.go) and
// the register of releases (releases_http.go).
func (h *HTTP) contextRoutes(rt *web.Router) {
	rt.Handle("GET /monitoring/kontextdaten", web.Staff, h.contextPage)
	rt.Handle("POST /monitoring/kontextdaten", web.Staff, h.contextUpload)
	rt.Handle("GET /monitoring/kontextdaten/{id}/loeschen", web.Staff, h.contextDeleteConfirm)
	rt.Handle("POST /monitoring/kontextdaten/{id}/loeschen", web.Staff, h.contextDelete)
	h.fundingRoutes(rt)
	h.releaseRoutes(rt)
}

// contextRateIndicator is the engine's indicator of new cases per 1,000 residents, shown
// beside the context figures by district for the latest full year.
const contextRateIndicator = "new_cases_per_1000"

var contextFields = web.Fields("file", "monitoring.context.file", "source", "monitoring.context.source")

// contextFigureTable is one indicator's figures: periods (newest first) by spatial unit.
type contextFigureTable struct {
	Indicator string
	Label     string
	Units     []string // column headers: the city, then the districts
	Rows      []releaseShownRow
}

type contextData struct {
	Imports  []ContextImport
	Pager    web.Pager
	Figures  []contextFigureTable
	Manage   bool
	Imported *ContextImport // the import just made (after the redirect)
	Rates    *releaseShown  // new cases per 1,000 residents by district (the engine's rate)
	Lines    []LineError    // the rejected lines of a refused upload
	Filename string
	Max      string
}

// contextLabel is the name of a context indicator: the catalogue's label of a well-known
// code, else the code itself.
func contextLabel(l *i18n.Localizer, code string) string {
	if slices.Contains(ContextIndicators, code) {
		return l.T("monitoring.context.indicator." + code)
	}
	return code
}

// ctxFigureTables groups the figures by indicator into tables of periods by spatial unit.
func ctxFigureTables(l *i18n.Localizer, figs []ContextFigure) []contextFigureTable {
	var out []contextFigureTable
	for start := 0; start < len(figs); {
		end := start
		for end < len(figs) && figs[end].Indicator == figs[start].Indicator {
			end++
		}
		part := figs[start:end]
		t := contextFigureTable{Indicator: part[0].Indicator, Label: contextLabel(l, part[0].Indicator)}
		col := map[string]int{}
		var periods []string
		for _, f := range part {
			if _, ok := col[f.DistrictID]; !ok {
				col[f.DistrictID] = len(t.Units)
				name := f.District
				if f.DistrictID == "" {
					name = l.T("monitoring.context.city")
				}
				t.Units = append(t.Units, name)
			}
			if !slices.Contains(periods, f.Period) {
				periods = append(periods, f.Period)
			}
		}
		for _, p := range periods {
			row := releaseShownRow{Period: p, Cells: make([]string, len(t.Units))}
			for i := range row.Cells {
				row.Cells[i] = "–"
			}
			for _, f := range part {
				if f.Period == p {
					row.Cells[col[f.DistrictID]] = ctxFigure(f.Value)
				}
			}
			t.Rows = append(t.Rows, row)
		}
		out = append(out, t)
		start = end
	}
	return out
}

// contextRender renders the context page (status, with the form's messages and the rejected
// lines of a refused upload).
func (h *HTTP) contextRender(w http.ResponseWriter, r *http.Request, actor access.Actor, status int, form *web.Form, refused *ImportError, filename string) {
	q := web.ParseList(r)
	imports, total, err := h.S.ContextImports(r.Context(), actor, q)
	if err != nil {
		h.R.Fail(w, r, err)
		return
	}
	figs, err := h.S.ContextFigures(r.Context(), actor)
	if err != nil {
		h.R.Fail(w, r, err)
		return
	}
	l := h.R.Localizer(r)
	data := contextData{Imports: imports, Pager: web.NewPager(q, total, r), Figures: ctxFigureTables(l, figs),
		Manage: access.Allowed(actor, KindIndicator, access.Manage), Filename: filename, Max: ctxNumber(float64(MaxContextRows), 0)}
	if refused != nil {
		data.Lines = refused.Lines
	}
	if id := r.URL.Query().Get("import"); ids.Valid(id) && status == http.StatusOK {
		for i := range imports {
			if imports[i].ID == id {
				data.Imported = &imports[i]
			}
		}
	}
	if data.Rates, err = h.contextRates(r, actor, l); err != nil {
		h.R.Fail(w, r, err)
		return
	}
	if form == nil {
		form = web.NewForm(nil)
	}
	form.Fields = contextFields
	title := "monitoring.context.title"
	if refused != nil {
		title = "monitoring.context.report_title"
	}
	h.R.Render(w, r, status, "monitoring/context", web.View{Title: title, Form: form, Data: data})
}

// contextRates computes the engine's rate of new cases per 1,000 residents by district for
// the last full year and publishes it with the page; nil when the catalogue has no such
// indicator.
func (h *HTTP) contextRates(r *http.Request, actor access.Actor, l *i18n.Localizer) (*releaseShown, error) {
	ind := Lookup(contextRateIndicator)
	if ind == nil || !ind.HasBreakdown("district") {
		return nil, nil
	}
	year := MonthOf(h.S.DB.Clock.Now().In(web.Berlin)).Year - 1
	q := Query{Indicator: ind.Code, From: Month{year, 1}, To: Month{year, 12}, By: "district", Yearly: true}
	tables, err := h.S.ComputeAll(r.Context(), actor, []Query{q})
	if err != nil {
		return nil, err
	}
	if err := h.S.Publish(r.Context(), actor, Release{Channel: "page", Title: l.T("monitoring.context.rates_caption", "Year", year), Tables: tables}); err != nil {
		return nil, err
	}
	c, _, _, err := releaseContentOf(tables, h.S.rule().Min)
	if err != nil {
		return nil, errs.Wrap(err)
	}
	shown := releaseShow(l, &c)
	if len(shown) == 0 {
		return nil, nil
	}
	shown[0].Caption = l.T("monitoring.context.rates_caption", "Year", year)
	return &shown[0], nil
}

func (h *HTTP) contextPage(w http.ResponseWriter, r *http.Request) {
	actor, ok := h.check(w, r, KindIndicator, access.View)
	if !ok {
		return
	}
	h.contextRender(w, r, actor, http.StatusOK, nil, nil, "")
}

// readContextUpload reads the upload form as a stream within the body limit: the file to
// memory, the source field. A form that is not multipart has no file.
func readContextUpload(r *http.Request) (ContextInput, bool, error) {
	var in ContextInput
	tooLarge := func(err error) (ContextInput, bool, error) {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return in, true, nil
		}
		return in, false, errs.E(errs.Invalid, "error.bad_form")
	}
	mr, err := r.MultipartReader()
	if errors.Is(err, http.ErrNotMultipart) {
		if err := web.ParseForm(r); err != nil {
			if web.IsTooLarge(err) {
				return in, true, nil
			}
			return in, false, err
		}
		in.Source = web.Text(r, "source")
		return in, false, nil
	}
	if err != nil {
		return in, false, errs.E(errs.Invalid, "error.bad_form")
	}
	for parts := 0; ; parts++ {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil || parts > 20 {
			return tooLarge(err)
		}
		switch p.FormName() {
		case "file":
			if in.Content != nil {
				continue
			}
			in.Filename = strings.ToValidUTF8(p.FileName(), "")
			if in.Content, err = io.ReadAll(p); err != nil {
				return tooLarge(err)
			}
			if in.Content == nil {
				in.Content = []byte{}
			}
		case "source":
			b, err := io.ReadAll(io.LimitReader(p, 4<<10))
			if err != nil {
				return tooLarge(err)
			}
			in.Source = web.CleanText(strings.ToValidUTF8(string(b), ""))
		default:
			if _, err := io.Copy(io.Discard, p); err != nil {
				return tooLarge(err)
			}
		}
	}
	return in, false, nil
}

func (h *HTTP) contextUpload(w http.ResponseWriter, r *http.Request) {
	actor, ok := h.check(w, r, KindIndicator, access.Manage)
	if !ok {
		return
	}
	in, big, err := readContextUpload(r)
	if err != nil {
		h.R.Fail(w, r, err)
		return
	}
	form := web.NewForm(nil)
	form.Values.Set("source", in.Source)
	form.Errors = map[string]errs.Message{}
	switch {
	case big:
		form.Errors["file"] = errs.Msg("monitoring.context.too_large")
		h.contextRender(w, r, actor, http.StatusRequestEntityTooLarge, form, nil, "")
		return
	case in.Content == nil || in.Filename == "":
		form.Errors["file"] = errs.Msg("monitoring.context.file_required")
		h.contextRender(w, r, actor, http.StatusUnprocessableEntity, form, nil, "")
		return
	}
	imp, err := h.S.ImportContext(r.Context(), actor, in)
	var refused *ImportError
	if errors.As(err, &refused) {
		form.Errors["file"] = errs.Msg("monitoring.context.refused", "Count", len(refused.Lines))
		h.contextRender(w, r, actor, http.StatusUnprocessableEntity, form, refused, ctxClip(web.CleanText(in.Filename), 200))
		return
	}
	if err != nil {
		h.R.Fail(w, r, err)
		return
	}
	web.Redirect(w, r, "/monitoring/kontextdaten?import="+imp.ID, "monitoring.context.imported")
}

func (h *HTTP) contextDeleteConfirm(w http.ResponseWriter, r *http.Request) {
	actor, ok := h.check(w, r, KindIndicator, access.Manage)
	if !ok {
		return
	}
	imp, err := h.S.GetContextImport(r.Context(), actor, r.PathValue("id"))
	if err != nil {
		h.R.Fail(w, r, err)
		return
	}
	name := imp.Filename
	if name == "" {
		name = imp.ImportedAt.In(web.Berlin).Format("02.01.2006 15:04")
	}
	h.R.RenderConfirm(w, r, "monitoring.context.delete_title", web.Confirm{Question: "monitoring.context.delete_question", Name: name,
		Consequence: "monitoring.context.delete_consequence", Confirm: "monitoring.context.delete", Action: "/monitoring/kontextdaten/" + imp.ID + "/loeschen",
		Cancel: "/monitoring/kontextdaten"})
}

func (h *HTTP) contextDelete(w http.ResponseWriter, r *http.Request) {
	actor, ok := h.parse(w, r, KindIndicator, access.Manage)
	if !ok {
		return
	}
	if err := h.S.DeleteContextImport(r.Context(), actor, r.PathValue("id")); err != nil {
		h.R.Fail(w, r, err)
		return
	}
	web.Redirect(w, r, "/monitoring/kontextdaten", "monitoring.context.deleted")
}
