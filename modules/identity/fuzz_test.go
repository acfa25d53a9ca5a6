package identity

import (
	"testing"
	"unicode/utf8"
)

// FuzzNormalizeCNIC: any input is either refused or becomes 13 digits
// starting 1 to 7, and normalising the result again changes nothing.
func FuzzNormalizeCNIC(f *testing.F) {
	for _, seed := range []string{"35202-1234567-1", "3520212345671", "", "00000-0000000-0", "35202-1234567-", "٣٥٢٠٢١٢٣٤٥٦٧١", "3520 2123 4567 1"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out, err := NormalizeCNIC("cnic", in)
		if err != nil {
			return
		}
		if len(out) != 13 || out[0] < '1' || out[0] > '7' || !allDigits(out) {
			t.Fatalf("NormalizeCNIC(%q) = %q", in, out)
		}
		if again, err := NormalizeCNIC("cnic", out); err != nil || again != out {
			t.Fatalf("not stable: %q -> %q -> %q, %v", in, out, again, err)
		}
	})
}

// FuzzNormalizePhone: any input is either refused or becomes +923 and nine
// digits, and normalising the result again changes nothing.
func FuzzNormalizePhone(f *testing.F) {
	for _, seed := range []string{"+923001234567", "03001234567", "0300-1234567", "923001234567", "00923001234567", "051-1234567", "", "+92 (300) 123 4567", "+"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out, err := NormalizePhone("phone", in)
		if err != nil {
			return
		}
		if len(out) != 13 || out[:4] != "+923" || !allDigits(out[1:]) {
			t.Fatalf("NormalizePhone(%q) = %q", in, out)
		}
		if again, err := NormalizePhone("phone", out); err != nil || again != out {
			t.Fatalf("not stable: %q -> %q -> %q, %v", in, out, again, err)
		}
	})
}

// FuzzCheckPassword never panics and never accepts what it cannot count.
func FuzzCheckPassword(f *testing.F) {
	for _, seed := range []string{"password", "correct horse battery staple", "\xff\xfe", "آمنہ بی بی 123"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, in string) {
		if err := CheckPassword("password", in, KindCitizen, "3520212345671", "+923001234567"); err == nil && !utf8.ValidString(in) {
			t.Fatalf("accepted invalid UTF-8 %q", in)
		}
	})
}
