package api_test

import (
	"net/http"
	"testing"

	"github.com/islamabad-digital/citizenapi/api/apitest"
	"github.com/islamabad-digital/citizenapi/platform/i18n"
	"github.com/islamabad-digital/citizenapi/platform/web"
)

// The error handler writes problems in the caller's language: Urdu when
// Accept-Language asks for it, English otherwise.

func TestProblemsInUrdu(t *testing.T) {
	app := apitest.New(t)
	register := func(lang string) *apitest.Response {
		h := map[string]string{}
		if lang != "" {
			h["Accept-Language"] = lang
		}
		return app.Do(apitest.Request{Method: http.MethodPost, Path: v1 + "/auth/register", Body: map[string]any{}, Header: h})
	}
	required := []string{"cnic", "phone", "full_name", "password"}

	t.Run("validation failure", func(t *testing.T) {
		r := register("ur")
		p := r.Problem(t, http.StatusUnprocessableEntity, "")
		if got := r.Header.Get("Content-Language"); got != i18n.Urdu {
			t.Errorf("Content-Language = %q, want ur", got)
		}
		if want := i18n.T(i18n.Urdu, "problem.validation-failed.title", nil); p.Title != want {
			t.Errorf("title = %q, want %q", p.Title, want)
		}
		if want := i18n.T(i18n.Urdu, "problem.validation-failed.detail", nil); p.Detail != want {
			t.Errorf("detail = %q, want %q", p.Detail, want)
		}
		msg := i18n.T(i18n.Urdu, "validation.required", nil)
		for _, field := range required {
			found := false
			for _, f := range p.Errors {
				if f.Field == field {
					found = true
					if f.Message != msg {
						t.Errorf("%s: message %q, want %q", field, f.Message, msg)
					}
				}
			}
			if !found {
				t.Errorf("errors %+v do not name %s", p.Errors, field)
			}
		}
	})

	t.Run("English by default and for other languages", func(t *testing.T) {
		for _, lang := range []string{"", "fr", "en-GB,ur;q=0.5", "de, fr;q=0.9"} {
			r := register(lang)
			p := r.Problem(t, http.StatusUnprocessableEntity, "")
			if p.Title != i18n.T(i18n.English, "problem.validation-failed.title", nil) || r.Header.Get("Content-Language") != i18n.English {
				t.Errorf("Accept-Language %q: title %q, Content-Language %q; want English", lang, p.Title, r.Header.Get("Content-Language"))
			}
			for _, f := range p.Errors {
				if f.Message != i18n.T(i18n.English, "validation.required", nil) {
					t.Errorf("Accept-Language %q: %s message %q", lang, f.Field, f.Message)
				}
			}
		}
		for _, lang := range []string{"ur-PK", "UR", "fr, ur;q=0.5", "en;q=0.3, ur;q=0.9"} {
			if r := register(lang); r.Header.Get("Content-Language") != i18n.Urdu {
				t.Errorf("Accept-Language %q: Content-Language %q, want ur", lang, r.Header.Get("Content-Language"))
			}
		}
	})

	t.Run("malformed request", func(t *testing.T) {
		for body, key := range map[string]string{`{"cnic": `: "validation.json", `{"nickname": "x"}`: "validation.unknown_field"} {
			r := app.Do(apitest.Request{Method: http.MethodPost, Path: v1 + "/auth/register", Body: body, Header: map[string]string{"Accept-Language": "ur"}})
			p := r.Problem(t, http.StatusBadRequest, "")
			if p.Title != i18n.T(i18n.Urdu, "problem.malformed-request.title", nil) || len(p.Errors) != 1 || p.Errors[0].Message != i18n.T(i18n.Urdu, key, nil) {
				t.Errorf("body %s in Urdu: %+v, want the Urdu title and %s", body, p, key)
			}
		}
	})

	t.Run("not found", func(t *testing.T) {
		for lang, want := range map[string]string{"ur": i18n.Urdu, "": i18n.English, "fr": i18n.English} {
			h := map[string]string{}
			if lang != "" {
				h["Accept-Language"] = lang
			}
			r := app.Do(apitest.Request{Method: http.MethodGet, Path: v1 + "/no/such/route", Header: h})
			p := r.Problem(t, http.StatusNotFound, "")
			if p.Title != i18n.T(want, "problem.not-found.title", nil) || r.Header.Get("Content-Language") != want {
				t.Errorf("Accept-Language %q: title %q, Content-Language %q; want the %s not-found title", lang, p.Title, r.Header.Get("Content-Language"), want)
			}
		}
		if i18n.T(i18n.Urdu, "problem.not-found.title", nil) == i18n.T(i18n.English, "problem.not-found.title", nil) {
			t.Error("the Urdu catalog has the English not-found title")
		}
	})
}

// TestLanguageRefusedWithQZero: Accept-Language "ur;q=0" says Urdu is
// not acceptable (RFC 9110, section 12.4.2), so the answer must not be Urdu.
func TestLanguageRefusedWithQZero(t *testing.T) {
	app := apitest.New(t)
	for _, lang := range []string{"ur;q=0", "ur;q=0.0, fr"} {
		r := app.Do(apitest.Request{Method: http.MethodGet, Path: v1 + "/no/such/route", Header: map[string]string{"Accept-Language": lang}})
		var p web.Problem
		r.JSON(t, &p)
		if got := r.Header.Get("Content-Language"); got != i18n.English || p.Title != i18n.T(i18n.English, "problem.not-found.title", nil) {
			t.Errorf("Accept-Language %q: Content-Language %q, title %q; want English (Urdu was refused with q=0)", lang, got, p.Title)
		}
	}
}
