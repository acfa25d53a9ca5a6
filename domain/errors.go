package domain

import (
	"errors"
	"fmt"
	"slices"
	"time"
)

// Kind classifies an error by what the caller can do about it. The HTTP layer
// maps each kind to one status code.
type Kind int

// The error kinds. Internal is the zero value so that an unclassified error is
// never shown to a client.
const (
	Internal Kind = iota
	// Malformed input could not be read at all: bad JSON, wrong types, bad IDs (400).
	Malformed
	// Invalid input was read but breaks a rule: a field's format or a business rule (422).
	Invalid
	Unauthenticated
	Forbidden
	NotFound
	Conflict
	TooLarge
	RateLimited
	Unavailable
)

// FieldError names one request field and what is wrong with it. It holds
// no text of its own: Key and Params name the message in the text catalogs,
// and the HTTP layer writes it in the caller's language.
type FieldError struct {
	Field  string
	Key    string
	Params map[string]string
}

// Error is the platform's error: a kind, a message safe to show to the client,
// optional field errors, and the wrapped cause, which is logged but never shown.
type Error struct {
	Kind    Kind
	Message string
	Fields  []FieldError
	Err     error
	// RetryAfter tells a RateLimited or Unavailable caller when to try again.
	RetryAfter time.Duration
	// Key and Params name the message in the text catalogs so that it can
	// be shown in the caller's language; Message is the English text.
	Key    string
	Params map[string]string
}

// Error implements error. It includes the cause for logs.
func (e *Error) Error() string {
	if e.Err != nil {
		return e.Message + ": " + e.Err.Error()
	}
	return e.Message
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an Error of the given kind with a formatted public message.
func Errorf(kind Kind, format string, args ...any) *Error {
	return &Error{Kind: kind, Message: fmt.Sprintf(format, args...)}
}

// Wrap returns an Error of the given kind whose cause is err.
func Wrap(kind Kind, err error, message string) *Error {
	return &Error{Kind: kind, Message: message, Err: err}
}

// FieldInvalid returns an Invalid error naming one field; key names the
// message in the text catalogs and params fill its placeholders.
func FieldInvalid(field, key string, params map[string]string) *Error {
	return &Error{Kind: Invalid, Message: invalidMessage, Fields: []FieldError{{Field: field, Key: key, Params: params}}}
}

// RetryLater returns an error of kind RateLimited or Unavailable that asks
// the caller to wait at least d, rounded up to a whole second.
func RetryLater(kind Kind, d time.Duration, message string) *Error {
	seconds := (d + time.Second - 1) / time.Second
	return &Error{Kind: kind, Message: message, RetryAfter: max(seconds*time.Second, time.Second)}
}

// FieldMalformed returns a Malformed error naming one field; key and params
// are as for FieldInvalid.
func FieldMalformed(field, key string, params map[string]string) *Error {
	return &Error{Kind: Malformed, Message: malformedMessage, Fields: []FieldError{{Field: field, Key: key, Params: params}}}
}

// The public messages of field errors.
const (
	invalidMessage   = "the request has invalid fields"
	malformedMessage = "the request could not be read"
)

// FieldErrors collects the field errors of one request, so that the answer
// names every invalid field at once instead of the first one found. The
// zero value is ready to use.
type FieldErrors struct {
	fields    []FieldError
	malformed bool
	other     error
}

// Add records err. The fields of an Invalid or Malformed error join the
// list (a field already named keeps its first message); any other error is
// kept, and the first such is what Err returns. A nil err changes nothing.
func (f *FieldErrors) Add(err error) {
	if err == nil {
		return
	}
	var e *Error
	if !errors.As(err, &e) || (e.Kind != Invalid && e.Kind != Malformed) || len(e.Fields) == 0 {
		if f.other == nil {
			f.other = err
		}
		return
	}
	f.malformed = f.malformed || e.Kind == Malformed
	for _, fe := range e.Fields {
		if !slices.ContainsFunc(f.fields, func(have FieldError) bool { return have.Field == fe.Field }) {
			f.fields = append(f.fields, fe)
		}
	}
}

// Err returns nil when nothing failed, the first error that was not about
// fields, or one error naming every field: Malformed when any of them could
// not be read (a bad UUID is 400 whatever else is wrong), else Invalid.
func (f *FieldErrors) Err() error {
	switch {
	case f.other != nil:
		return f.other
	case len(f.fields) == 0:
		return nil
	case f.malformed:
		return &Error{Kind: Malformed, Message: malformedMessage, Fields: f.fields}
	}
	return &Error{Kind: Invalid, Message: invalidMessage, Fields: f.fields}
}

// KindOf returns the kind of the first *Error in err's chain, or Internal.
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return Internal
}

// IsKind reports whether err carries the given kind.
func IsKind(err error, kind Kind) bool {
	return err != nil && KindOf(err) == kind
}
