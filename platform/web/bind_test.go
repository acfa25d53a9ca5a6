package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"

	"github.com/islamabad-digital/citizenapi/domain"
	"github.com/islamabad-digital/citizenapi/platform/i18n"
)

func TestDepth(t *testing.T) {
	cases := []struct {
		name string
		body string
		want int
	}{
		{"scalar", `42`, 0},
		{"empty object", `{}`, 1},
		{"flat object", `{"a":1,"b":"x"}`, 1},
		{"array in object", `{"a":[1,2]}`, 2},
		{"siblings do not add up", `{"a":[1],"b":[2],"c":{"d":3}}`, 2},
		{"deepest branch wins", `[[[]],[[[[]]]]]`, 5},
		{"brackets inside strings do not count", `{"a":"{[{[{["}`, 1},
		{"escaped quote keeps the string open", `{"a":"\"{[{"}`, 1},
		{"escaped backslash closes the string", `{"a":"\\",  "b":{"c":{}}}`, 3},
		{"40 levels", strings.Repeat(`{"v":`, 40) + `1` + strings.Repeat(`}`, 40), 40},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := depth([]byte(tc.body)); got != tc.want {
				t.Errorf("depth(%s) = %d, want %d", tc.body, got, tc.want)
			}
		})
	}
}

type address struct {
	Sector string `json:"sector" validate:"required"`
}

type item struct {
	Code string `json:"code" validate:"required,len=3"`
}

type validated struct {
	Name   string   `json:"name" validate:"required,min=2,max=5"`
	Email  string   `json:"email" validate:"omitempty,email"`
	Kind   string   `json:"kind" validate:"omitempty,oneof=a b"`
	Ref    string   `json:"ref" validate:"omitempty,uuid"`
	Count  int      `json:"count" validate:"min=1,max=10"`
	Tags   []string `json:"tags" validate:"max=2"`
	Date   string   `json:"date" validate:"omitempty,datetime=2006-01-02"`
	Lat    float64  `json:"lat" validate:"latitude"`
	Home   address  `json:"home_address"`
	Items  []item   `json:"items" validate:"dive"`
	NoJSON string   `validate:"omitempty,len=2"`
	Nick   *string  `json:"nick" validate:"omitempty,min=2"`
	Alias  []string `json:"aliases" validate:"dive,min=2"`
}

func valid() validated {
	return validated{Name: "Ali", Count: 1, Home: address{Sector: "G-8"}}
}

func TestValidate(t *testing.T) {
	cases := []struct {
		name    string
		edit    func(*validated)
		kind    domain.Kind
		field   string
		message string
	}{
		{"required", func(v *validated) { v.Name = "" }, domain.Invalid, "name", "is required"},
		{"string min", func(v *validated) { v.Name = "A" }, domain.Invalid, "name", "must be at least 2 characters long"},
		{"string max", func(v *validated) { v.Name = "Ali Khan" }, domain.Invalid, "name", "must be at most 5 characters long"},
		{"number min", func(v *validated) { v.Count = 0 }, domain.Invalid, "count", "must be at least 1"},
		{"number max", func(v *validated) { v.Count = 11 }, domain.Invalid, "count", "must be at most 10"},
		{"slice max", func(v *validated) { v.Tags = []string{"a", "b", "c"} }, domain.Invalid, "tags", "must have at most 2 items"},
		{"email", func(v *validated) { v.Email = "ali" }, domain.Invalid, "email", "must be an e-mail address"},
		{"oneof", func(v *validated) { v.Kind = "c" }, domain.Invalid, "kind", "must be one of: a, b"},
		{"datetime", func(v *validated) { v.Date = "01/02/2026" }, domain.Invalid, "date", "must be formatted as 2006-01-02"},
		{"latitude", func(v *validated) { v.Lat = 91 }, domain.Invalid, "lat", "must be a latitude between -90 and 90"},
		// A bad ID could not be read at all: 400, not 422.
		{"uuid", func(v *validated) { v.Ref = "123" }, domain.Malformed, "ref", "must be a UUID"},
		{"nested struct", func(v *validated) { v.Home.Sector = "" }, domain.Invalid, "home_address.sector", "is required"},
		{"slice element", func(v *validated) { v.Items = []item{{Code: "abc"}, {Code: "ab"}} }, domain.Invalid, "items[1].code", "must be exactly 3 characters long"},
		{"pointer field reads as its target", func(v *validated) { s := "x"; v.Nick = &s }, domain.Invalid, "nick", "must be at least 2 characters long"},
		{"dived string element", func(v *validated) { v.Alias = []string{"ok", "x"} }, domain.Invalid, "aliases[1]", "must be at least 2 characters long"},
		{"field without json tag keeps its Go name", func(v *validated) { v.NoJSON = "x" }, domain.Invalid, "NoJSON", "must be exactly 2 characters long"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			v := valid()
			tc.edit(&v)
			err := Validate(&v)
			if got := domain.KindOf(err); got != tc.kind {
				t.Fatalf("kind = %d, want %d (err %v)", got, tc.kind, err)
			}
			de := err.(*domain.Error)
			if len(de.Fields) != 1 {
				t.Fatalf("fields = %+v, want exactly one", de.Fields)
			}
			got := de.Fields[0]
			if msg := i18n.T(i18n.English, got.Key, got.Params); got.Field != tc.field || msg != tc.message {
				t.Errorf("field error = %s %q, want %s %q", got.Field, msg, tc.field, tc.message)
			}
		})
	}
}

func TestValidateValid(t *testing.T) {
	v := valid()
	v.Ref = "8d9c1e7e-9a43-4d5b-9a2f-0b7f6a1d2c3e"
	v.Items = []item{{Code: "abc"}}
	if err := Validate(&v); err != nil {
		t.Fatalf("Validate(valid) = %v, want nil", err)
	}
}

func TestValidateReportsEveryField(t *testing.T) {
	v := valid()
	v.Name, v.Count = "", 0
	err := Validate(&v)
	de, ok := err.(*domain.Error)
	if !ok || de.Kind != domain.Invalid {
		t.Fatalf("err = %v, want Invalid", err)
	}
	got := map[string]bool{}
	for _, f := range de.Fields {
		got[f.Field] = true
	}
	if len(de.Fields) != 2 || !got["name"] || !got["count"] {
		t.Errorf("fields = %+v, want name and count", de.Fields)
	}

	// One malformed field makes the whole request malformed.
	v.Ref = "not-a-uuid"
	if got := domain.KindOf(Validate(&v)); got != domain.Malformed {
		t.Errorf("kind with a bad UUID among other failures = %d, want Malformed", got)
	}
}

func TestDecodeWantsAnObject(t *testing.T) {
	for _, body := range []string{"", "  ", "null", " null\n"} {
		var dst validated
		err := decodeJSON([]byte(body), &dst)
		var derr *domain.Error
		if !errors.As(err, &derr) || derr.Kind != domain.Malformed || len(derr.Fields) != 1 || derr.Fields[0].Field != "body" {
			t.Errorf("decode %q: %v, want Malformed naming body", body, err)
		}
	}
}

// checked is a request with its own rules besides its tags.
type checked struct {
	Name  string `json:"name" validate:"required,max=10"`
	Code  string `json:"code"`
	From  int    `json:"from" validate:"min=0"`
	To    int    `json:"to" validate:"min=0"`
	Owner string `json:"owner" validate:"omitempty,uuid"`
}

func (c *checked) Check() error {
	var errs domain.FieldErrors
	c.Code = strings.ToUpper(c.Code)
	if c.Code != "" && c.Code != "ABC" {
		errs.Add(domain.FieldInvalid("code", "validation.invalid", nil))
	}
	if c.To < c.From {
		errs.Add(domain.FieldInvalid("to", "validation.not_before", map[string]string{"other": "from"}))
	}
	if c.Name == "" {
		errs.Add(domain.FieldInvalid("name", "validation.length", map[string]string{"min": "1", "max": "10"}))
	}
	return errs.Err()
}

func TestValidateRunsTheRequestsCheck(t *testing.T) {
	cases := []struct {
		name   string
		in     checked
		kind   domain.Kind
		fields map[string]string // field → key
	}{
		{"valid, and normalised by Check", checked{Name: "a", Code: "abc", To: 1}, 0, nil},
		{"only a tag fails", checked{Name: "eleven chars", From: 1, To: 1}, domain.Invalid,
			map[string]string{"name": "validation.max.string"}},
		{"only Check fails", checked{Name: "a", From: 2, To: 1}, domain.Invalid,
			map[string]string{"to": "validation.not_before"}},
		{"tags and Check both fail: every field once, the tag's message first", checked{Code: "x", From: -1, To: -2}, domain.Invalid,
			map[string]string{"name": "validation.required", "code": "validation.invalid", "from": "validation.min.number", "to": "validation.min.number"}},
		{"a bad UUID makes it Malformed and keeps the other fields", checked{Name: "a", Code: "x", Owner: "123"}, domain.Malformed,
			map[string]string{"owner": "validation.uuid", "code": "validation.invalid"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := tc.in
			err := Validate(&in)
			if tc.fields == nil {
				if err != nil || in.Code != "ABC" {
					t.Fatalf("Validate = %v, code %q; want nil and ABC", err, in.Code)
				}
				return
			}
			var de *domain.Error
			if !errors.As(err, &de) || de.Kind != tc.kind {
				t.Fatalf("Validate = %v, want kind %d", err, tc.kind)
			}
			got := map[string]string{}
			for _, f := range de.Fields {
				if _, twice := got[f.Field]; twice {
					t.Errorf("%s is named twice", f.Field)
				}
				got[f.Field] = f.Key
			}
			if fmt.Sprint(got) != fmt.Sprint(tc.fields) {
				t.Errorf("fields = %v, want %v", got, tc.fields)
			}
		})
	}
}

// textBody has strings at every depth a request can hold them: fields,
// nested objects, array elements and map keys and values.
type textBody struct {
	Name string `json:"name"`
	Home struct {
		Sector string `json:"sector"`
	} `json:"home_address"`
	Items []struct {
		Code string `json:"code"`
	} `json:"items"`
	Tags  []string          `json:"tags"`
	Extra map[string]string `json:"extra"`
}

func TestBindRefusesInvalidUTF8(t *testing.T) {
	cases := []struct {
		name string
		body string
		// field is the one named, "" when the body is accepted.
		field string
	}{
		{"a field", `{"name":"A` + "\xff\xfe" + `B"}`, "name"},
		{"a nested field", `{"name":"ok","home_address":{"sector":"G` + "\xff" + `"}}`, "home_address.sector"},
		{"an array element", `{"tags":["ok","b` + "\xfe" + `"]}`, "tags[1]"},
		{"a field of an array element", `{"items":[{"code":"abc"},{"code":"` + "\xff" + `bc"}]}`, "items[1].code"},
		{"a map value", `{"extra":{"k":"v` + "\xff" + `"}}`, "extra.k"},
		{"a map key", `{"extra":{"k` + "\xff" + `":"v"}}`, "extra.k\uFFFD"},
		{"a field's key", `{"na` + "\xff" + `me":"x"}`, "na\uFFFDme"},
		{"a cut multi-byte character", `{"tags":["ok"],"name":"` + "\xd8" + `"}`, "name"},
		{"an overlong encoding", `{"name":"` + "\xc0\xaf" + `"}`, "name"},
		{"a surrogate written as bytes", `{"name":"` + "\xed\xa0\x80" + `"}`, "name"},
		{"a lone surrogate escape", `{"name":"A\ud800B"}`, "name"},
		{"a lone low surrogate escape", `{"tags":["\udc00"]}`, "tags[0]"},
		{"Urdu", `{"name":"آمنہ بی بی","tags":["ٹ"]}`, ""},
		{"a surrogate pair escape", `{"name":"\ud83d\ude00"}`, ""},
		{"a replacement character sent as such", `{"name":"A` + "\uFFFD" + `B","tags":["\ufffd"]}`, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(tc.body))
			req.Header.Set(echo.HeaderContentType, echo.MIMEApplicationJSON)
			var dst textBody
			err := Bind(echo.New().NewContext(req, httptest.NewRecorder()), &dst)
			if tc.field == "" {
				if err != nil {
					t.Fatalf("Bind(%q) = %v, want nil", tc.body, err)
				}
				return
			}
			var de *domain.Error
			if !errors.As(err, &de) || de.Kind != domain.Malformed || len(de.Fields) != 1 {
				t.Fatalf("Bind(%q) = %v, want Malformed naming %s", tc.body, err, tc.field)
			}
			if got := de.Fields[0]; got.Field != tc.field || got.Key != "validation.utf8" {
				t.Errorf("field error = %s %s, want %s validation.utf8", got.Field, got.Key, tc.field)
			}
		})
	}
}
