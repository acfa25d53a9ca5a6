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
		{"joined", errors.Join(io.EOF, FieldInvalid("name", "validation.required", nil)), Invalid},
		// The outermost domain error decides, not the cause it wraps.
		{"domain wrapping domain", Wrap(Unavailable, Errorf(Conflict, "taken"), "try later"), Unavailable},
		{"malformed field", FieldMalformed("id", "validation.uuid", nil), Malformed},
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
		{"invalid", FieldInvalid("to", "validation.later_than", map[string]string{"other": "from"}), Invalid},
		{"malformed", FieldMalformed("to", "validation.later_than", map[string]string{"other": "from"}), Malformed},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.err.Kind != tc.kind {
				t.Errorf("kind = %d, want %d", tc.err.Kind, tc.kind)
			}
			if len(tc.err.Fields) != 1 || tc.err.Fields[0].Field != "to" || tc.err.Fields[0].Key != "validation.later_than" || tc.err.Fields[0].Params["other"] != "from" {
				t.Errorf("fields = %+v, want one naming to", tc.err.Fields)
			}
		})
	}
}

func TestFieldErrorsCollect(t *testing.T) {
	invalid := func(field string) error { return FieldInvalid(field, "validation.invalid", nil) }
	conflict, tooLate := Errorf(Conflict, "taken"), Errorf(Invalid, "too late")
	cases := []struct {
		name   string
		add    []error
		kind   Kind
		fields []string
		other  error // returned as it is, when no fields are wanted
	}{
		{"nothing", nil, 0, nil, nil},
		{"only nils", []error{nil, nil}, 0, nil, nil},
		{"one field", []error{invalid("cnic")}, Invalid, []string{"cnic"}, nil},
		{"every field in order", []error{invalid("cnic"), nil, invalid("phone"), invalid("full_name")}, Invalid, []string{"cnic", "phone", "full_name"}, nil},
		{"a field named twice keeps its first message", []error{invalid("cnic"), FieldInvalid("cnic", "validation.cnic", nil)}, Invalid, []string{"cnic"}, nil},
		{"one unreadable field makes it Malformed", []error{invalid("name"), FieldMalformed("id", "validation.uuid", nil)}, Malformed, []string{"name", "id"}, nil},
		{"wrapped field errors count", []error{fmt.Errorf("check: %w", invalid("to"))}, Invalid, []string{"to"}, nil},
		{"the first error not about fields wins", []error{invalid("to"), io.EOF, conflict}, 0, nil, io.EOF},
		{"an Invalid error without fields is not about fields", []error{invalid("to"), tooLate}, 0, nil, tooLate},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var f FieldErrors
			for _, err := range tc.add {
				f.Add(err)
			}
			err := f.Err()
			if tc.fields == nil {
				if err != tc.other {
					t.Fatalf("Err() = %v, want %v", err, tc.other)
				}
				return
			}
			var e *Error
			if !errors.As(err, &e) || e.Kind != tc.kind {
				t.Fatalf("Err() = %v, want kind %d", err, tc.kind)
			}
			var got []string
			for _, fe := range e.Fields {
				got = append(got, fe.Field)
			}
			if fmt.Sprint(got) != fmt.Sprint(tc.fields) {
				t.Errorf("fields = %v, want %v", got, tc.fields)
			}
		})
	}
}
