package web

import (
	"errors"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"kim/internal/platform/errs"
)

// Form carries submitted values and field messages back into a page.
type Form struct {
	Values url.Values
	Errors map[string]errs.Message
	Fields []Field // the form's fields in order, for the error summary
}

// Field names a form field and its label (a message id), so that the error summary can say
// which field a message is about.
type Field struct {
	Name  string
	Label string
}

// Option is a choice of a select or checkbox group.
type Option struct {
	Value     string
	Label     string // message id when Translate, else the text itself
	Translate bool
}

// NewForm returns a form prefilled with values.
func NewForm(values url.Values) *Form {
	if values == nil {
		values = url.Values{}
	}
	return &Form{Values: values}
}

// Value returns the first value of field.
func (f *Form) Value(field string) string {
	if f == nil {
		return ""
	}
	return f.Values.Get(field)
}

// ValuesOf returns all values of field.
func (f *Form) ValuesOf(field string) []string {
	if f == nil {
		return nil
	}
	return f.Values[field]
}

// Has reports whether field has the value v among its values (checkboxes, multi-selects).
func (f *Form) Has(field, v string) bool {
	return containsString(f.ValuesOf(field), v)
}

// Error returns the message of field, or an empty message.
func (f *Form) Error(field string) errs.Message {
	if f == nil {
		return errs.Message{}
	}
	return f.Errors[field]
}

// Invalid reports whether field has a message.
func (f *Form) Invalid(field string) bool { return f != nil && f.Errors[field].ID != "" }

// FieldError is a field message for the error summary.
type FieldError struct {
	Field   string
	Label   string // message id of the field's label, if known
	Message errs.Message
}

// Summary lists the field messages in the form's field order (then any others, sorted).
func (f *Form) Summary() []FieldError {
	if f == nil || len(f.Errors) == 0 {
		return nil
	}
	var out []FieldError
	seen := map[string]bool{}
	for _, fl := range f.Fields {
		if m, ok := f.Errors[fl.Name]; ok {
			out = append(out, FieldError{fl.Name, fl.Label, m})
			seen[fl.Name] = true
		}
	}
	var rest []string
	for k := range f.Errors {
		if !seen[k] {
			rest = append(rest, k)
		}
	}
	sort.Strings(rest)
	for _, k := range rest {
		out = append(out, FieldError{Field: k, Message: f.Errors[k]})
	}
	return out
}

// WithError returns the form carrying the field messages of err (if it is a validation error).
func (f *Form) WithError(err error) *Form {
	var e *errs.Error
	if errors.As(err, &e) && len(e.Fields) > 0 {
		f.Errors = e.Fields
	}
	return f
}

// ParseForm parses a urlencoded or multipart form within the body limit. A body over the limit
// or a malformed encoding gives an Invalid error, never a panic or a 500.
func ParseForm(r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return errTooLarge
		}
		return errs.E(errs.Invalid, "error.bad_form")
	}
	for _, vs := range r.PostForm {
		for _, v := range vs {
			if !utf8.ValidString(v) {
				return errs.E(errs.Invalid, "error.bad_form")
			}
		}
	}
	return nil
}

var errTooLarge = &errs.Error{Code: errs.Invalid, Message: errs.Msg("error.too_large")}

// IsTooLarge reports whether err is the body-limit error.
func IsTooLarge(err error) bool { return err == errTooLarge }

// Text returns the trimmed value of a form field with control characters removed.
func Text(r *http.Request, field string) string {
	return CleanText(r.PostForm.Get(field))
}

// CleanText trims s and removes control characters other than newlines and tabs.
func CleanText(s string) string {
	s = strings.TrimSpace(s)
	return strings.Map(func(r rune) rune {
		if r < 0x20 && r != '\n' && r != '\t' && r != '\r' || r == 0x7f {
			return -1
		}
		return r
	}, s)
}

// Version reads the hidden version field of an edit form (optimistic locking). A missing field
// is 0 (a new record); anything that is not a whole number ≥ 0 gives -1, which the services
// answer as a conflict rather than as "any version".
func Version(r *http.Request) int {
	s := strings.TrimSpace(r.PostForm.Get("version"))
	if s == "" {
		return 0
	}
	v, err := strconv.Atoi(s)
	if err != nil || v < 0 {
		return -1
	}
	return v
}

// Fields builds a field list from alternating names and label message ids.
func Fields(nameLabel ...string) []Field {
	out := make([]Field, 0, len(nameLabel)/2)
	for i := 0; i+1 < len(nameLabel); i += 2 {
		out = append(out, Field{Name: nameLabel[i], Label: nameLabel[i+1]})
	}
	return out
}
