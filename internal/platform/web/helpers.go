package web

import (
	"encoding/csv"
	"errors"
	"net/http"
	"strings"

	"kim/internal/platform/errs"
)

// Confirm is the data of the generic confirmation page shown before a destructive action.
type Confirm struct {
	Question    string // message id with {{.Name}}
	Name        string
	Consequence string // message id, optional
	Confirm     string // message id of the button
	Action      string // where the form posts
	Cancel      string // where "cancel" leads
}

// RenderConfirm shows the confirmation page.
func (rr *Renderer) RenderConfirm(w http.ResponseWriter, r *http.Request, title string, c Confirm) {
	rr.Render(w, r, http.StatusOK, "platform/confirm", View{Title: title, Data: c})
}

// FormFailed answers a failed form submission: with validation messages it renders the form page
// again (422) with the submitted values; any other error gets the error page. For a conflict
// the form is shown again with the conflict message as a notice.
func (rr *Renderer) FormFailed(w http.ResponseWriter, r *http.Request, err error, page string, v View) {
	var e *errs.Error
	if errors.As(err, &e) && e.Code == errs.Invalid && len(e.Fields) > 0 && v.Form != nil {
		v.Form.WithError(err)
		rr.Render(w, r, http.StatusUnprocessableEntity, page, v)
		return
	}
	if errors.As(err, &e) && (e.Code == errs.Conflict || (e.Code == errs.Invalid && e.Message.ID != "")) && v.Form != nil {
		if v.Form.Errors == nil {
			v.Form.Errors = map[string]errs.Message{}
		}
		v.Form.Errors["_form"] = e.Message
		rr.Render(w, r, Status(err), page, v)
		return
	}
	rr.Fail(w, r, err)
}

// CSV writes a CSV download. Cells that a spreadsheet would read as a formula are prefixed with
// an apostrophe (CSV injection).
func CSV(w http.ResponseWriter, filename string, header []string, rows [][]string) {
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+filename+`"`)
	_, _ = w.Write([]byte("\xef\xbb\xbf")) // BOM, so that spreadsheet programs read UTF-8
	cw := csv.NewWriter(w)
	cw.Comma = ';'
	_ = cw.Write(header)
	for _, row := range rows {
		safe := make([]string, len(row))
		for i, c := range row {
			safe[i] = SafeCell(c)
		}
		_ = cw.Write(safe)
	}
	cw.Flush()
}

// SafeCell prefixes a cell that a spreadsheet would read as a formula with an apostrophe (CSV
// and XLSX injection).
func SafeCell(c string) string {
	if c != "" && strings.ContainsRune("=+-@\t\r", rune(c[0])) {
		return "'" + c
	}
	return c
}
