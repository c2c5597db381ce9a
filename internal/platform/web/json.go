package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"strings"
	"unicode/utf8"

	"kim/internal/platform/errs"
	"kim/internal/platform/i18n"
)

// JSON writes v as JSON with status.
func JSON(w http.ResponseWriter, status int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(true)
	if err := enc.Encode(v); err != nil {
		http.Error(w, `{"error":{"code":"internal","message":"internal error"}}`, http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// APIError is the error body of the API contract.
type APIError struct {
	Error APIErrorBody `json:"error"`
}

// APIErrorBody holds code, message and field messages.
type APIErrorBody struct {
	Code    string            `json:"code"`
	Message string            `json:"message"`
	Fields  map[string]string `json:"fields,omitempty"`
}

// FailJSON answers an API request with the contract's error shape.
func FailJSON(w http.ResponseWriter, r *http.Request, l *i18n.Localizer, log *slog.Logger, err error) {
	logInternal(log, r, err)
	e := errs.As(err)
	status := Status(err)
	body := APIErrorBody{Code: string(e.Code), Message: l.M(e.Message)}
	if e.Code == errs.Internal {
		body.Message = l.T("error.internal")
	}
	if len(e.Fields) > 0 {
		body.Fields = make(map[string]string, len(e.Fields))
		for k, m := range e.Fields {
			body.Fields[k] = l.M(m)
		}
	}
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="kim"`)
	}
	JSON(w, status, APIError{Error: body})
}

// DecodeJSON reads one JSON object from the body into v. It requires a JSON content type,
// refuses unknown fields and trailing data, and maps every decoding problem to an Invalid error
// that names the field where possible.
func DecodeJSON(r *http.Request, v any) error {
	ct, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || ct != "application/json" {
		return errs.E(errs.Invalid, "error.json_content_type")
	}
	data, err := io.ReadAll(r.Body)
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return errTooLarge
		}
		return errs.E(errs.Invalid, "error.bad_json")
	}
	// JSON is UTF-8; the decoder would silently store U+FFFD for invalid bytes.
	if !utf8.Valid(data) {
		return errs.E(errs.Invalid, "error.bad_json")
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var mbe *http.MaxBytesError
		var ute *json.UnmarshalTypeError
		switch {
		case errors.As(err, &mbe):
			return errTooLarge
		case errors.As(err, &ute) && ute.Field != "":
			e := errs.E(errs.Invalid, "error.invalid")
			e.Fields = map[string]errs.Message{ute.Field: errs.Msg("validation.type")}
			return e
		case strings.HasPrefix(err.Error(), "json: unknown field "):
			field := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
			e := errs.E(errs.Invalid, "error.invalid")
			e.Fields = map[string]errs.Message{field: errs.Msg("validation.unknown_field")}
			return e
		}
		return errs.E(errs.Invalid, "error.bad_json")
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return errTooLarge
		}
		return errs.E(errs.Invalid, "error.bad_json")
	}
	return nil
}

// ListResponse is the envelope of every API list.
type ListResponse[T any] struct {
	Items []T `json:"items"`
	Total int `json:"total"`
	Page  int `json:"page"`
	Size  int `json:"size"`
}

// NewListResponse wraps a page of items (never null in JSON).
func NewListResponse[T any](items []T, total int, q ListQuery) ListResponse[T] {
	if items == nil {
		items = []T{}
	}
	return ListResponse[T]{Items: items, Total: total, Page: q.Page, Size: q.Size}
}
