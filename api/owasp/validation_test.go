package owasp_test

import (
	"reflect"
	"slices"
	"strings"
	"testing"
)

// TestRequestZerosAreValues: a number or a boolean that is 0 or false was
// sent, so no request field of those types is "required" (which refuses the
// zero value as missing). A field whose absence matters is a pointer with
// required, like a tariff's amount_pkr; one whose zero breaks a rule says
// so with min or oneof.
func TestRequestZerosAreValues(t *testing.T) {
	for _, v := range requestTypes {
		typ := reflect.TypeOf(v)
		for i := range typ.NumField() {
			f := typ.Field(i)
			switch f.Type.Kind() {
			case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
				reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Float32, reflect.Float64:
			default:
				continue
			}
			rules := strings.Split(f.Tag.Get("validate"), ",")
			if slices.ContainsFunc(rules, func(r string) bool { return strings.HasPrefix(r, "required") }) {
				t.Errorf("%s.%s (%s) is marked required: a %v sent by the client would be refused as missing",
					typ.Name(), f.Name, f.Type, reflect.Zero(f.Type))
			}
		}
	}
}
