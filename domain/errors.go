package domain

import (
	"errors"
	"fmt"
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

// FieldError names one request field and what is wrong with it.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
	// Key and Params name the message in the text catalogs so that it can
	// be shown in the caller's language; Message is the English text.
	Key    string            `json:"-"`
	Params map[string]string `json:"-"`
} // @name FieldError

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

// FieldInvalid returns an Invalid error naming one field.
func FieldInvalid(field, message string) *Error {
	return &Error{Kind: Invalid, Message: "the request has invalid fields", Fields: []FieldError{{Field: field, Message: message}}}
}

// RetryLater returns an error of kind RateLimited or Unavailable that asks
// the caller to wait at least d, rounded up to a whole second.
func RetryLater(kind Kind, d time.Duration, message string) *Error {
	seconds := (d + time.Second - 1) / time.Second
	return &Error{Kind: kind, Message: message, RetryAfter: max(seconds*time.Second, time.Second)}
}

// FieldMalformed returns a Malformed error naming one field.
func FieldMalformed(field, message string) *Error {
	return &Error{Kind: Malformed, Message: "the request could not be read", Fields: []FieldError{{Field: field, Message: message}}}
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
