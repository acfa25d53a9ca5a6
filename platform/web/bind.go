package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"reflect"
	"strings"

	"github.com/go-playground/validator/v10"
	"github.com/labstack/echo/v4"

	"github.com/islamabad-digital/citizenapi/domain"
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
			return domain.FieldMalformed("Content-Type", "must be application/json")
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
	return Validate(dst)
}

func decodeJSON(body []byte, dst any) error {
	if len(strings.TrimSpace(string(body))) == 0 {
		return domain.FieldMalformed("body", "a JSON object is required")
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
		return domain.FieldMalformed("body", fmt.Sprintf("is not valid JSON (at byte %d)", syntaxErr.Offset))
	case errors.As(err, &typeErr):
		field := typeErr.Field
		if field == "" {
			return domain.FieldMalformed("body", "must be a JSON object")
		}
		return domain.FieldMalformed(field, "must be of type "+jsonType(typeErr.Type))
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		field := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return domain.FieldMalformed(field, "is not a field of this request")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return domain.FieldMalformed("body", "is not valid JSON (it ends early)")
	}
	var de *domain.Error
	if errors.As(err, &de) {
		return err
	}
	return domain.FieldMalformed("body", "is not valid JSON")
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
		fields = append(fields, domain.FieldError{Field: fieldPath(fe), Message: message(fe)})
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

func message(fe validator.FieldError) string {
	p := fe.Param()
	switch fe.Tag() {
	case "required", "required_without", "required_with":
		return "is required"
	case "uuid":
		return "must be a UUID"
	case "email":
		return "must be an e-mail address"
	case "oneof":
		return "must be one of: " + strings.Join(strings.Fields(p), ", ")
	case "min", "gte":
		if fe.Kind() == reflect.String {
			return "must be at least " + p + " characters long"
		}
		if fe.Kind() == reflect.Slice {
			return "must have at least " + p + " items"
		}
		return "must be at least " + p
	case "max", "lte":
		if fe.Kind() == reflect.String {
			return "must be at most " + p + " characters long"
		}
		if fe.Kind() == reflect.Slice {
			return "must have at most " + p + " items"
		}
		return "must be at most " + p
	case "len":
		return "must be exactly " + p + " characters long"
	case "datetime":
		return "must be formatted as " + p
	case "latitude":
		return "must be a latitude between -90 and 90"
	case "longitude":
		return "must be a longitude between -180 and 180"
	case "dive":
		return "has an invalid item"
	}
	return "is not valid (" + fe.Tag() + ")"
}

// Validator is Echo's validator, so that c.Validate applies the same rules
// and messages as Bind.
type Validator struct{}

// Validate implements echo.Validator.
func (Validator) Validate(i any) error { return Validate(i) }
