package casework

import (
	"net/http"
	"strconv"
	"time"

	"github.com/xuri/excelize/v2"

	"kim/internal/platform/access"
	"kim/internal/platform/i18n"
	"kim/internal/platform/valid"
	"kim/internal/platform/web"
)

func (h *HTTP) exportRoutes(rt *web.Router) {
	rt.Handle("GET /faelle/export.csv", web.Staff, h.exportCSV)
	rt.Handle("GET /faelle/export.xlsx", web.Staff, h.exportXLSX)
}

// exportColumns are the header labels of a caseload export, in column order.
var exportColumns = []string{"casework.case.number", "casework.case.client", "casework.client.birth_date", "casework.case.status",
	"casework.case.access_route", "casework.case.case_manager_id", "casework.case.deputy_id", "casework.case.requested_on",
	"casework.export.closed_on", "casework.case.close_reason", "casework.export.contacts", "casework.export.last_contact"}

// exportRows runs the export of the list selection of the request (the filters of /faelle:
// a case manager exports the own caseload, a team lead the team's) and answers errors itself.
func (h *HTTP) exportRows(w http.ResponseWriter, r *http.Request, format string) ([]ExportRow, *i18n.Localizer, bool) {
	actor, ok := h.check(w, r, KindCase, access.List)
	if !ok {
		return nil, nil, false
	}
	f := caseFilter(r)
	if access.ReachOf(actor.Role, KindCase, access.List) != access.Organisation {
		f.Mine = true
	}
	rows, err := h.S.ExportCases(r.Context(), actor, f, format)
	if err != nil {
		h.R.Fail(w, r, err)
		return nil, nil, false
	}
	return rows, h.R.Localizer(r), true
}

func exportHeader(l *i18n.Localizer) []string {
	out := make([]string, len(exportColumns))
	for i, id := range exportColumns {
		out[i] = l.T(id)
	}
	return out
}

// code translates a code of a list ("" stays empty).
func code(l *i18n.Localizer, prefix, c string) string {
	if c == "" {
		return ""
	}
	return l.T(prefix + c)
}

func exportName(h *HTTP, ext string) string {
	return "fallbestand-" + valid.Today(h.S.DB.Clock.Now()) + "." + ext
}

func (h *HTTP) exportCSV(w http.ResponseWriter, r *http.Request) {
	rows, l, ok := h.exportRows(w, r, "csv")
	if !ok {
		return
	}
	out := make([][]string, len(rows))
	for i, e := range rows {
		out[i] = []string{e.Number, e.ClientName, germanDate(e.BirthDate), code(l, "casework.status.", e.Status),
			code(l, "casework.route.", e.AccessRoute), e.CaseManager, e.Deputy, germanDate(e.RequestedOn), germanDate(e.ClosedOn),
			code(l, "casework.close_reason.", e.CloseReason), strconv.Itoa(e.Contacts), germanDate(e.LastContact)}
	}
	web.CSV(w, exportName(h, "csv"), exportHeader(l), out)
}

func (h *HTTP) exportXLSX(w http.ResponseWriter, r *http.Request) {
	rows, l, ok := h.exportRows(w, r, "xlsx")
	if !ok {
		return
	}
	b, err := caseloadXLSX(l, rows)
	if err != nil {
		h.R.Fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", ContentDisposition(exportName(h, "xlsx")))
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	_, _ = w.Write(b)
}

// caseloadXLSX builds the workbook: a bold header row, dates as dates, counts as numbers and
// every text cell guarded against formula injection.
func caseloadXLSX(l *i18n.Localizer, rows []ExportRow) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	sheet := l.T("casework.export.sheet")
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return nil, err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return nil, err
	}
	dateFmt := "dd.mm.yyyy"
	date, err := f.NewStyle(&excelize.Style{CustomNumFmt: &dateFmt})
	if err != nil {
		return nil, err
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return nil, err
	}
	if err := sw.SetColWidth(1, len(exportColumns), 18); err != nil {
		return nil, err
	}
	header := make([]any, len(exportColumns))
	for i, s := range exportHeader(l) {
		header[i] = excelize.Cell{StyleID: bold, Value: web.SafeCell(s)}
	}
	if err := sw.SetRow("A1", header, excelize.RowOpts{Height: 18}); err != nil {
		return nil, err
	}
	day := func(s string) any {
		if t, ok := valid.ParseDate(s); ok {
			return excelize.Cell{StyleID: date, Value: time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)}
		}
		return web.SafeCell(s)
	}
	for i, e := range rows {
		cell, err := excelize.CoordinatesToCellName(1, i+2)
		if err != nil {
			return nil, err
		}
		if err := sw.SetRow(cell, []any{web.SafeCell(e.Number), web.SafeCell(e.ClientName), day(e.BirthDate), code(l, "casework.status.", e.Status),
			code(l, "casework.route.", e.AccessRoute), web.SafeCell(e.CaseManager), web.SafeCell(e.Deputy), day(e.RequestedOn), day(e.ClosedOn),
			code(l, "casework.close_reason.", e.CloseReason), e.Contacts, day(e.LastContact)}); err != nil {
			return nil, err
		}
	}
	if err := sw.Flush(); err != nil {
		return nil, err
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
