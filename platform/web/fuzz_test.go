package web

import (
	"testing"
	"unicode/utf8"

	"github.com/islamabad-digital/citizenapi/domain"
)

type fuzzBody struct {
	Name  string            `json:"name" validate:"required,max=20"`
	Count int               `json:"count" validate:"min=0,max=10"`
	Tags  []string          `json:"tags" validate:"max=3,dive,max=5"`
	Ref   string            `json:"ref" validate:"omitempty,uuid"`
	Extra map[string]string `json:"extra"`
}

// FuzzDecode: any body decodes or fails with a client error that names a
// field; nothing panics or comes out as an internal error, and a body that
// is not UTF-8 never decodes.
func FuzzDecode(f *testing.F) {
	for _, seed := range []string{`{"name":"a","count":1}`, `{`, `[]`, `{"name":1}`, `{"role":"admin"}`, `{"tags":["a","b","c","d"]}`, `{"name":"a"} {}`, `"x"`, `null`, `{"extra":{"a":{"b":1}}}`, "{\"name\":\"a\xffb\"}", `{"extra":{"\ud800":"x"}}`} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var dst fuzzBody
		err := decodeJSON(body, &dst)
		if err == nil && !utf8.Valid(body) {
			t.Fatalf("body %q is not UTF-8 but decodes", body)
		}
		if err == nil {
			err = Validate(&dst)
		}
		if err == nil {
			return
		}
		switch domain.KindOf(err) {
		case domain.Malformed, domain.Invalid:
		default:
			t.Fatalf("body %q gave %v (%v)", body, domain.KindOf(err), err)
		}
	})
}
