package web

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"reflect"
	"strings"
	"time"

	"github.com/go-playground/validator/v10"
	"github.com/labstack/echo/v4"

	"github.com/islamabad-digital/citizenapi/domain"
	"github.com/islamabad-digital/citizenapi/platform/i18n"
)

// maxJSONDepth bounds nesting in request bodies; no request here needs more.
const maxJSONDepth = 32

// Bind decodes the JSON body into dst, refusing unknown fields (so that a
// client can never set a field it is not offered, such as a role), and
// validates it. Unreadable input is a Malformed error, a failed rule an
// Invalid error; both name the field.
func Bind(c echo.Context, dst any) error {
	req := c.Request()
	if ct := req.Header.Get(echo.HeaderContentType); ct != "" {
		if mt, _, err := mime.ParseMediaType(ct); err != nil || (mt != "application/json" && !strings.HasSuffix(mt, "+json")) {
			return malformed("Content-Type", "validation.content_type", nil)
		}
	}
	body, err := io.ReadAll(req.Body)
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return domain.Errorf(domain.TooLarge, "the request body is larger than %d bytes", tooBig.Limit)
		}
		return domain.Wrap(domain.Malformed, err, "the request body could not be read")
	}
	if err := decodeJSON(body, dst); err != nil {
		return err
	}
	// PostgreSQL refuses NUL in text, and no field has a use for one.
	if field := nulField(reflect.ValueOf(dst), ""); field != "" {
		return domain.FieldInvalid(field, "must not contain NUL characters")
	}
	return Validate(dst)
}

// nulField returns the JSON path of the first string in v that holds a NUL
// character, or "" when none does.
func nulField(v reflect.Value, path string) string {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			return nulField(v.Elem(), path)
		}
	case reflect.String:
		if strings.ContainsRune(v.String(), 0) {
			return cmp.Or(path, "body")
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			if f := nulField(v.Index(i), fmt.Sprintf("%s[%d]", path, i)); f != "" {
				return f
			}
		}
	case reflect.Map:
		iter := v.MapRange()
		for iter.Next() {
			if f := nulField(iter.Value(), joinPath(path, fmt.Sprint(iter.Key()))); f != "" {
				return f
			}
		}
	case reflect.Struct:
		t := v.Type()
		for i := range t.NumField() {
			sf := t.Field(i)
			name, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
			if !sf.IsExported() || name == "-" {
				continue
			}
			if f := nulField(v.Field(i), joinPath(path, cmp.Or(name, sf.Name))); f != "" {
				return f
			}
		}
	}
	return ""
}

func joinPath(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

func decodeJSON(body []byte, dst any) error {
	// Every request body is an object; JSON null would decode as "nothing
	// given" and pass for an empty object.
	if trimmed := strings.TrimSpace(string(body)); trimmed == "" || trimmed == "null" {
		return malformed("body", "validation.json_object", nil)
	}
	if depth(body) > maxJSONDepth {
		return domain.FieldMalformed("body", fmt.Sprintf("is nested more than %d levels deep", maxJSONDepth))
	}
	dec := json.NewDecoder(strings.NewReader(string(body)))
	dec.DisallowUnknownFields()
	err := dec.Decode(dst)
	if err == nil && dec.More() {
		err = errors.New("trailing data")
	}
	if err == nil {
		return nil
	}
	var syntaxErr *json.SyntaxError
	var typeErr *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syntaxErr):
		return malformed("body", "validation.json", nil)
	case errors.As(err, &typeErr):
		if typeErr.Field == "" {
			return malformed("body", "validation.json_object", nil)
		}
		return malformed(typeErr.Field, "validation.type", map[string]string{"type": jsonType(typeErr.Type)})
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		field := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return malformed(field, "validation.unknown_field", nil)
	}
	var de *domain.Error
	if errors.As(err, &de) {
		return err
	}
	var timeErr *time.ParseError
	if errors.As(err, &timeErr) {
		// encoding/json does not say which field a time came from.
		return domain.FieldMalformed(cmp.Or(badTimeField(body, dst), "body"), "must be a time in RFC 3339 form, like 2027-01-15T09:00:00+05:00")
	}
	return malformed("body", "validation.json", nil)
}

// badTimeField returns the JSON name of dst's first top-level time field
// whose value in body does not parse, or "" when it cannot tell.
func badTimeField(body []byte, dst any) string {
	var raw map[string]json.RawMessage
	t := reflect.TypeOf(dst)
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if json.Unmarshal(body, &raw) != nil || t.Kind() != reflect.Struct {
		return ""
	}
	timeType := reflect.TypeFor[time.Time]()
	for i := range t.NumField() {
		sf := t.Field(i)
		if sf.Type != timeType && sf.Type != reflect.PointerTo(timeType) {
			continue
		}
		name, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
		name = cmp.Or(name, sf.Name)
		var v time.Time
		if value, ok := raw[name]; ok && json.Unmarshal(value, &v) != nil {
			return name
		}
	}
	return ""
}

// malformed is a Malformed error naming field, with a catalog message.
func malformed(field, key string, params map[string]string) error {
	return &domain.Error{Kind: domain.Malformed, Message: "the request could not be read",
		Fields: []domain.FieldError{{Field: field, Message: i18n.T(i18n.English, key, params), Key: key, Params: params}}}
}

// depth returns the deepest nesting of arrays and objects in a JSON text,
// counting brackets outside strings.
func depth(body []byte) int {
	deepest, current, inString, escaped := 0, 0, false, false
	for _, b := range body {
		switch {
		case escaped:
			escaped = false
		case inString && b == '\\':
			escaped = true
		case b == '"':
			inString = !inString
		case inString:
		case b == '{' || b == '[':
			current++
			deepest = max(deepest, current)
		case b == '}' || b == ']':
			current--
		}
	}
	return deepest
}

func jsonType(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "string"
	case reflect.Bool:
		return "boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "integer"
	case reflect.Float32, reflect.Float64:
		return "number"
	case reflect.Slice, reflect.Array:
		return "array"
	}
	return "object"
}

var validate = newValidator()

func newValidator() *validator.Validate {
	v := validator.New(validator.WithRequiredStructEnabled())
	v.RegisterTagNameFunc(func(f reflect.StructField) string {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			return ""
		}
		if name == "" {
			return f.Name
		}
		return name
	})
	return v
}

// Validate checks dst against its validate tags. A field that is not a UUID
// where one is required is Malformed (400); any other failure is Invalid (422).
func Validate(dst any) error {
	err := validate.Struct(dst)
	if err == nil {
		return nil
	}
	var verrs validator.ValidationErrors
	if !errors.As(err, &verrs) {
		return domain.Wrap(domain.Internal, err, "internal error")
	}
	kind := domain.Invalid
	fields := make([]domain.FieldError, 0, len(verrs))
	for _, fe := range verrs {
		if fe.Tag() == "uuid" {
			kind = domain.Malformed
		}
		key, params := message(fe)
		fields = append(fields, domain.FieldError{Field: fieldPath(fe), Message: i18n.T(i18n.English, key, params), Key: key, Params: params})
	}
	return &domain.Error{Kind: kind, Message: "the request has invalid fields", Fields: fields}
}

// fieldPath is the JSON path of the failing field without the struct name.
func fieldPath(fe validator.FieldError) string {
	ns := fe.Namespace()
	if _, rest, ok := strings.Cut(ns, "."); ok {
		return rest
	}
	return ns
}

// message returns the catalog key and parameters of a validation failure.
func message(fe validator.FieldError) (string, map[string]string) {
	n := map[string]string{"n": fe.Param()}
	size := "number"
	switch fe.Kind() {
	case reflect.String:
		size = "string"
	case reflect.Slice, reflect.Array, reflect.Map:
		size = "items"
	}
	switch fe.Tag() {
	case "required", "required_without", "required_with":
		return "validation.required", nil
	case "uuid", "email", "numeric", "latitude", "longitude":
		return "validation." + fe.Tag(), nil
	case "oneof":
		return "validation.oneof", map[string]string{"values": strings.Join(strings.Fields(fe.Param()), ", ")}
	case "min", "gte":
		return "validation.min." + size, n
	case "max", "lte":
		return "validation.max." + size, n
	case "len":
		return "validation.len", n
	case "datetime":
		return "validation.datetime", map[string]string{"format": fe.Param()}
	}
	return "validation.invalid", nil
}

// Validator is Echo's validator, so that c.Validate applies the same rules
// and messages as Bind.
type Validator struct{}

// Validate implements echo.Validator.
func (Validator) Validate(i any) error { return Validate(i) }
