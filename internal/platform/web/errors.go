package web

import (
	"errors"
	"log/slog"
	"net/http"
	"strings"

	"kim/internal/platform/errs"
	"kim/internal/platform/reqid"
)

// Status maps an error to its HTTP status. This is the only place where error codes become
// status codes.
func Status(err error) int {
	if IsTooLarge(err) {
		return http.StatusRequestEntityTooLarge
	}
	if err == ErrMethodNotAllowed {
		return http.StatusMethodNotAllowed
	}
	switch errs.CodeOf(err) {
	case errs.Invalid:
		var e *errs.Error
		if errors.As(err, &e) && len(e.Fields) > 0 {
			return http.StatusUnprocessableEntity
		}
		return http.StatusBadRequest
	case errs.Unauthorized:
		return http.StatusUnauthorized
	case errs.Forbidden:
		return http.StatusForbidden
	case errs.NotFound:
		return http.StatusNotFound
	case errs.Conflict:
		return http.StatusConflict
	}
	return http.StatusInternalServerError
}

// ErrMethodNotAllowed answers a request for a path that exists, but not with this method.
var ErrMethodNotAllowed = &errs.Error{Code: errs.Invalid, Message: errs.Msg("error.method")}

// logInternal logs an internal error with the request id. Error texts of the database drivers
// name constraints and columns, never values.
func logInternal(log *slog.Logger, r *http.Request, err error) {
	if errs.CodeOf(err) == errs.Internal {
		log.Error("internal error", "request_id", reqid.From(r.Context()), "route", r.Pattern, "err", err.Error())
	}
}

// Fail answers a page request with the error page for err (JSON for API paths).
func (rr *Renderer) Fail(w http.ResponseWriter, r *http.Request, err error) {
	if IsAPI(r) {
		FailJSON(w, r, rr.cat.Localizer(LangFrom(r.Context())), rr.log, err)
		return
	}
	logInternal(rr.log, r, err)
	status := Status(err)
	e := errs.As(err)
	msg := e.Message.ID
	title := "error.title"
	switch status {
	case http.StatusNotFound:
		msg, title = "error.not_found", "error.title_not_found"
	case http.StatusForbidden:
		msg, title = "error.forbidden", "error.title_forbidden"
	case http.StatusInternalServerError:
		msg, title = "error.internal", "error.title_internal"
	case http.StatusUnauthorized:
		title = "error.title_unauthorized"
	}
	if msg == "" {
		msg = "error.invalid"
	}
	rr.Render(w, r, status, "platform/error", View{Title: title, Data: ErrorData{Message: msg}})
}

// IsAPI reports whether the request addresses the JSON API.
func IsAPI(r *http.Request) bool {
	return strings.HasPrefix(r.URL.Path, "/api/")
}
