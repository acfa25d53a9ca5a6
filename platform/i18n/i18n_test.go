package i18n

import (
	"regexp"
	"sort"
	"testing"
)

var placeholder = regexp.MustCompile(`\{[a-z_]+\}`)

// TestCatalogsHaveTheSameKeys fails when a translator added a key to one
// language and not the other, or gave a text other placeholders.
func TestCatalogsHaveTheSameKeys(t *testing.T) {
	en, ur := catalogs[English], catalogs[Urdu]
	for key, text := range en {
		other, ok := ur[key]
		if !ok {
			t.Errorf("%q is in en.json but not in ur.json", key)
			continue
		}
		if got, want := placeholders(other), placeholders(text); got != want {
			t.Errorf("%q: ur.json has placeholders %s, en.json %s", key, got, want)
		}
		if other == "" {
			t.Errorf("%q is empty in ur.json", key)
		}
	}
	for key := range ur {
		if _, ok := en[key]; !ok {
			t.Errorf("%q is in ur.json but not in en.json", key)
		}
	}
}

func placeholders(s string) string {
	found := placeholder.FindAllString(s, -1)
	sort.Strings(found)
	out := ""
	for _, p := range found {
		out += p
	}
	return out
}

func TestT(t *testing.T) {
	cases := []struct {
		lang, key string
		params    map[string]string
		want      string
	}{
		{English, "validation.min.string", map[string]string{"n": "8"}, "must be at least 8 characters long"},
		{Urdu, "validation.min.string", map[string]string{"n": "8"}, "کم از کم 8 حروف کا ہونا چاہیے"},
		{"fr", "validation.required", nil, "is required"},
		{Urdu, "no.such.key", nil, "no.such.key"},
	}
	for _, tc := range cases {
		if got := T(tc.lang, tc.key, tc.params); got != tc.want {
			t.Errorf("T(%s, %s) = %q, want %q", tc.lang, tc.key, got, tc.want)
		}
	}
}

func TestNegotiate(t *testing.T) {
	cases := map[string]string{
		"":                        English,
		"ur":                      Urdu,
		"ur-PK":                   Urdu,
		"UR":                      Urdu,
		"en-GB,en;q=0.9":          English,
		"en;q=0.5, ur;q=0.8":      Urdu,
		"fr, ur;q=0.1":            Urdu,
		"fr":                      English,
		"ur;q=0.3, en;q=0.9":      English,
		"ur;q=abc":                English,
		"ur;q=0":                  English,
		"*":                       English,
		"ur-Arab-PK;q=1.0, en-US": Urdu,
	}
	for header, want := range cases {
		if got := Negotiate(header); got != want {
			t.Errorf("Negotiate(%q) = %s, want %s", header, got, want)
		}
	}
}
