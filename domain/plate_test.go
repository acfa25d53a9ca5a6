package domain

import (
	"errors"
	"regexp"
	"strings"
	"testing"
)

func TestNormalizePlate(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"abc 123", "ABC-123"},
		{"ABC123", "ABC-123"},
		{"ABC-123", "ABC-123"},
		{"abc-123", "ABC-123"},
		{"  abc 123  ", "ABC-123"},
		{"ict abc 123", "ICT-ABC-123"},
		{"ICT-ABC-123", "ICT-ABC-123"},
		{"ICTABC123", "ICT-ABC-123"},
		{"ict-abc-123", "ICT-ABC-123"},
		{"LEA-4455", "LEA-4455"},
		{"lea 4455", "LEA-4455"},
		{"RIM-1234", "RIM-1234"},
		{"LEC-07-1234", "LEC-07-1234"},
		{"lec 07 1234", "LEC-07-1234"},
		{"A-1", "A-1"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := NormalizePlate("plate", tt.in)
			if err != nil || got != tt.want {
				t.Errorf("NormalizePlate(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
			}
			// The stored form is a fixed point.
			if again, err := NormalizePlate("plate", got); err != nil || again != got {
				t.Errorf("NormalizePlate(%q) = %q, %v; want it unchanged", got, again, err)
			}
		})
	}
}

func TestNormalizePlateRejects(t *testing.T) {
	for _, in := range []string{
		"", "   ", "123", "HELLO WORLD", "A-12345", "ABC-", "-123", "ÄBC-123", "AB@C-12", "ABC/123",
		"ＡＢＣ-123", "ABC-١٢٣", "ABC-123-XYZ", "ICT-ABC-123-4567", AnonymisedPlate,
		strings.Repeat("A", 1000), strings.Repeat("ABC-123", 200), strings.Repeat("9", 100),
	} {
		name := in
		if len(name) > 20 {
			name = name[:20] + "…"
		}
		t.Run(name, func(t *testing.T) {
			got, err := NormalizePlate("plate", in)
			if err == nil {
				t.Fatalf("NormalizePlate(%q) = %q, want an error", in, got)
			}
			var de *Error
			if !errors.As(err, &de) || de.Kind != Invalid || len(de.Fields) != 1 || de.Fields[0].Field != "plate" {
				t.Errorf("error = %#v, want Invalid naming plate", err)
			}
		})
	}
}

var normalised = regexp.MustCompile(`^[A-Z]{1,3}(-[A-Z]{1,3})?(-[0-9]{2})?-[0-9]{1,4}$`)

// FuzzNormalizePlate: any input is either refused or becomes the stored
// form, and normalising the result again changes nothing.
func FuzzNormalizePlate(f *testing.F) {
	for _, seed := range []string{"abc 123", "ICT-ABC-123", "ICTABC123", "LEA-4455", "lec 07 1234", "", "---", "ı", "ABC--123", "12ABC"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out, err := NormalizePlate("plate", in)
		if err != nil {
			return
		}
		if !normalised.MatchString(out) {
			t.Fatalf("NormalizePlate(%q) = %q", in, out)
		}
		if again, err := NormalizePlate("plate", out); err != nil || again != out {
			t.Fatalf("not stable: %q -> %q -> %q, %v", in, out, again, err)
		}
	})
}
