// Package errs defines the small set of error codes every room uses. Services return *Error values;
// the web and API layers map them to HTTP status codes in one place (web.Status). Messages are
// translation-catalogue ids, never raw error text, so nothing internal reaches a user.
package errs

import (
	"errors"
	"fmt"
)

// Code classifies an error. The names are those of the API contract.
type Code string

// The error codes.
const (
	Invalid      Code = "invalid"
	Unauthorized Code = "unauthorized"
	Forbidden    Code = "forbidden"
	NotFound     Code = "not_found"
	Conflict     Code = "conflict"
	Internal     Code = "internal"
)

// Message is a translatable text: a catalogue id plus its template data.
type Message struct {
	ID   string
	Data map[string]any
}

// Msg builds a Message from an id and alternating key/value pairs.
func Msg(id string, kv ...any) Message {
	m := Message{ID: id}
	if len(kv) > 1 {
		m.Data = make(map[string]any, len(kv)/2)
		for i := 0; i+1 < len(kv); i += 2 {
			if k, ok := kv[i].(string); ok {
				m.Data[k] = kv[i+1]
			}
		}
	}
	return m
}

// Error is a classified error with a user-facing message and optional field messages.
type Error struct {
	Code    Code
	Message Message
	Fields  map[string]Message
	Err     error // wrapped cause, for logs only
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Message.ID, e.Err)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Message.ID)
}

func (e *Error) Unwrap() error { return e.Err }

// E builds an error with a code and a catalogue message id.
func E(code Code, msgID string, kv ...any) *Error {
	return &Error{Code: code, Message: Msg(msgID, kv...)}
}

// Wrap classifies err as internal unless it already is an *Error.
func Wrap(err error) error {
	if err == nil {
		return nil
	}
	var e *Error
	if errors.As(err, &e) {
		return err
	}
	return &Error{Code: Internal, Message: Msg("error.internal"), Err: err}
}

// CodeOf returns the code of err (Internal for unclassified errors).
func CodeOf(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return Internal
}

// As returns err as *Error, classifying unknown errors as internal.
func As(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return &Error{Code: Internal, Message: Msg("error.internal"), Err: err}
}

// Validation collects field messages; Err returns nil when no field failed.
type Validation struct {
	Fields map[string]Message
}

// Add records a message for a field (the first message per field wins).
func (v *Validation) Add(field, msgID string, kv ...any) {
	if v.Fields == nil {
		v.Fields = map[string]Message{}
	}
	if _, ok := v.Fields[field]; !ok {
		v.Fields[field] = Msg(msgID, kv...)
	}
}

// Has reports whether field already failed.
func (v *Validation) Has(field string) bool { _, ok := v.Fields[field]; return ok }

// Err returns an Invalid error with the collected fields, or nil.
func (v *Validation) Err() error {
	if len(v.Fields) == 0 {
		return nil
	}
	return &Error{Code: Invalid, Message: Msg("error.invalid"), Fields: v.Fields}
}

// Common errors.
var (
	ErrNotFound  = E(NotFound, "error.not_found")
	ErrForbidden = E(Forbidden, "error.forbidden")
)
