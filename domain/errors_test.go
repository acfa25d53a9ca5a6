package domain

import (
	"errors"
	"fmt"
	"io"
	"testing"
)

func TestKindOf(t *testing.T) {
	notFound := Errorf(NotFound, "facility not found")
	cases := []struct {
		name string
		err  error
		want Kind
	}{
		{"nil", nil, Internal},
		{"plain error", errors.New("boom"), Internal},
		{"domain error", notFound, NotFound},
		{"wrapped once", fmt.Errorf("load: %w", notFound), NotFound},
		{"wrapped twice", fmt.Errorf("handler: %w", fmt.Errorf("load: %w", notFound)), NotFound},
		{"formatted with %v loses the kind", fmt.Errorf("load: %v", notFound), Internal},
		{"joined", errors.Join(io.EOF, FieldInvalid("name", "is required")), Invalid},
		// The outermost domain error decides, not the cause it wraps.
		{"domain wrapping domain", Wrap(Unavailable, Errorf(Conflict, "taken"), "try later"), Unavailable},
		{"malformed field", FieldMalformed("id", "must be a UUID"), Malformed},
		{"wrap of a plain error", Wrap(Conflict, io.EOF, "taken"), Conflict},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := KindOf(tc.err); got != tc.want {
				t.Errorf("KindOf(%v) = %d, want %d", tc.err, got, tc.want)
			}
		})
	}
}

func TestIsKind(t *testing.T) {
	wrapped := fmt.Errorf("service: %w", Errorf(Forbidden, "not yours"))
	cases := []struct {
		name string
		err  error
		kind Kind
		want bool
	}{
		{"wrapped match", wrapped, Forbidden, true},
		{"wrapped mismatch", wrapped, NotFound, false},
		// nil is no error at all, so it is not Internal either.
		{"nil is not Internal", nil, Internal, false},
		{"plain error is Internal", errors.New("boom"), Internal, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := IsKind(tc.err, tc.kind); got != tc.want {
				t.Errorf("IsKind(%v, %d) = %v, want %v", tc.err, tc.kind, got, tc.want)
			}
		})
	}
}

func TestErrorMessageAndUnwrap(t *testing.T) {
	cases := []struct {
		name string
		err  *Error
		want string
	}{
		{"without cause", Errorf(Conflict, "slot %d is full", 7), "slot 7 is full"},
		{"with cause", Wrap(Internal, io.EOF, "internal error"), "internal error: EOF"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.err.Error(); got != tc.want {
				t.Errorf("Error() = %q, want %q", got, tc.want)
			}
		})
	}
	if err := fmt.Errorf("x: %w", Wrap(Internal, io.EOF, "internal error")); !errors.Is(err, io.EOF) {
		t.Errorf("errors.Is(%v, io.EOF) = false, want the cause reachable", err)
	}
}

func TestFieldErrors(t *testing.T) {
	cases := []struct {
		name string
		err  *Error
		kind Kind
	}{
		{"invalid", FieldInvalid("to", "must be later"), Invalid},
		{"malformed", FieldMalformed("to", "must be later"), Malformed},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.err.Kind != tc.kind {
				t.Errorf("kind = %d, want %d", tc.err.Kind, tc.kind)
			}
			if len(tc.err.Fields) != 1 || tc.err.Fields[0].Field != "to" || tc.err.Fields[0].Message != "must be later" {
				t.Errorf("fields = %+v, want one naming to", tc.err.Fields)
			}
		})
	}
}
