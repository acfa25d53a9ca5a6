package parking

import (
	"regexp"
	"testing"
)

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
