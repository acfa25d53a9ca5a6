package web

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/go-playground/validator/v10"
	"github.com/labstack/echo/v4"

	"github.com/islamabad-digital/citizenapi/domain"
)

// maxJSONDepth bounds nesting in request bodies; no request here needs more.
const maxJSONDepth = 32

// Bind decodes the JSON body into dst, refusing unknown fields (so that a
// client can never set a field it is not offered, such as a role), and
// validates it. Unreadable input is a Malformed error naming the field, and
// answers alone; otherwise every field that breaks a rule, of the tags or
// of the request's Check, is named in one Invalid error.
func Bind(c echo.Context, dst any) error {
	req := c.Request()
	if ct := req.Header.Get(echo.HeaderContentType); ct != "" {
		if mt, _, err := mime.ParseMediaType(ct); err != nil || (mt != "application/json" && !strings.HasSuffix(mt, "+json")) {
			return domain.FieldMalformed("Content-Type", "validation.content_type", nil)
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
	var errs domain.FieldErrors
	// PostgreSQL refuses NUL in text, and no field has a use for one.
	if field := nulField(reflect.ValueOf(dst), ""); field != "" {
		errs.Add(domain.FieldInvalid(field, "validation.nul", nil))
	}
	errs.Add(Validate(dst))
	return errs.Err()
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
		return domain.FieldMalformed("body", "validation.json_object", nil)
	}
	if depth(body) > maxJSONDepth {
		return domain.FieldMalformed("body", "validation.json_depth", map[string]string{"n": strconv.Itoa(maxJSONDepth)})
	}
	// encoding/json would quietly store U+FFFD for what is not text.
	if field, found := badText(body); found || !utf8.Valid(body) {
		return domain.FieldMalformed(cmp.Or(field, "body"), "validation.utf8", nil)
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
		return domain.FieldMalformed("body", "validation.json", nil)
	case errors.As(err, &typeErr):
		if typeErr.Field == "" {
			return domain.FieldMalformed("body", "validation.json_object", nil)
		}
		return domain.FieldMalformed(typeErr.Field, "validation.type", map[string]string{"type": jsonType(typeErr.Type)})
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		field := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return domain.FieldMalformed(field, "validation.unknown_field", nil)
	}
	var de *domain.Error
	if errors.As(err, &de) {
		return err
	}
	var timeErr *time.ParseError
	if errors.As(err, &timeErr) {
		// encoding/json does not say which field a time came from.
		return domain.FieldMalformed(cmp.Or(badTimeField(body, dst), "body"), "validation.time", nil)
	}
	return domain.FieldMalformed("body", "validation.json", nil)
}

// badText returns the JSON path of the first string in body, key or
// value, that is not text: invalid UTF-8, or an escaped surrogate without
// its pair. It walks the tokens and looks at the bytes each one was read
// from, as decoding replaces both with U+FFFD. found is false when every
// string is text or the walk stops at a syntax error.
func badText(body []byte) (field string, found bool) {
	type level struct {
		path    string
		object  bool
		key     string // the current key of an object
		index   int    // the current index of an array
		wantKey bool
	}
	var stack []*level
	// at is the path of the value the next token is.
	at := func() string {
		if len(stack) == 0 {
			return ""
		}
		top := stack[len(stack)-1]
		if top.object {
			return joinPath(top.path, top.key)
		}
		return fmt.Sprintf("%s[%d]", top.path, top.index)
	}
	// next moves past a whole value in the current container.
	next := func() {
		if len(stack) > 0 {
			top := stack[len(stack)-1]
			top.wantKey, top.index = top.object, top.index+1
		}
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var read int64
	for {
		tok, err := dec.Token()
		if err != nil {
			return "", false
		}
		raw := body[read:dec.InputOffset()]
		read = dec.InputOffset()
		switch tok := tok.(type) {
		case json.Delim:
			if tok == '{' || tok == '[' {
				stack = append(stack, &level{path: at(), object: tok == '{', wantKey: tok == '{'})
				continue
			}
			stack = stack[:len(stack)-1]
			next()
		case string:
			isKey := len(stack) > 0 && stack[len(stack)-1].wantKey
			path := at()
			if isKey {
				path = joinPath(stack[len(stack)-1].path, tok)
			}
			if !utf8.Valid(raw) || replaced(raw, tok) {
				return path, true
			}
			if isKey {
				stack[len(stack)-1].key, stack[len(stack)-1].wantKey = tok, false
				continue
			}
			next()
		default:
			next()
		}
	}
}

// replaced reports whether decoding put U+FFFD into s that raw, the JSON
// text s was read from, does not spell out as the character or its escape.
func replaced(raw []byte, s string) bool {
	n := strings.Count(s, "\uFFFD")
	return n > 0 && n > bytes.Count(raw, []byte("\uFFFD"))+bytes.Count(bytes.ToLower(raw), []byte(`\ufffd`))
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

// Checker is a request with rules its validate tags cannot say: the form
// of a CNIC, dates that must come in order, a name's length once trimmed.
// Validate runs Check after the tags and answers with the failures of both,
// so that one answer names every invalid field. Check may normalise fields
// in place (a CNIC to its 13 digits); it must be safe to run twice and on a
// request whose tags failed. Rules that need the database, the clock or the
// caller stay in the service, after these.
type Checker interface {
	Check() error
}

// Validate checks dst against its validate tags and, when dst is a
// Checker, its Check. A field that is not a UUID where one is required is
// Malformed (400); any other failure is Invalid (422). Every failing field
// is named, each once.
func Validate(dst any) error {
	var errs domain.FieldErrors
	errs.Add(validateTags(dst))
	if c, ok := dst.(Checker); ok {
		errs.Add(c.Check())
	}
	return errs.Err()
}

func validateTags(dst any) error {
	err := validate.Struct(dst)
	if err == nil {
		return nil
	}
	var verrs validator.ValidationErrors
	if !errors.As(err, &verrs) {
		return domain.Wrap(domain.Internal, err, "internal error")
	}
	var errs domain.FieldErrors
	for _, fe := range verrs {
		key, params := message(fe)
		if fe.Tag() == "uuid" {
			errs.Add(domain.FieldMalformed(fieldPath(fe), key, params))
		} else {
			errs.Add(domain.FieldInvalid(fieldPath(fe), key, params))
		}
	}
	return errs.Err()
}

// fieldPath is the JSON path of the failing field without the struct name.
func fieldPath(fe validator.FieldError) string {
	ns := fe.Namespace()
	if _, rest, ok := strings.Cut(ns, "."); ok {
		return rest
	}
	return ns
}

// tagKeys are the catalog keys of the tags whose messages take no parameters.
var tagKeys = map[string]string{
	"required": "validation.required", "required_without": "validation.required", "required_with": "validation.required",
	"uuid": "validation.uuid", "email": "validation.email", "numeric": "validation.numeric",
	"latitude": "validation.latitude", "longitude": "validation.longitude",
}

// message returns the catalog key and parameters of a validation failure.
func message(fe validator.FieldError) (string, map[string]string) {
	if key, ok := tagKeys[fe.Tag()]; ok {
		return key, nil
	}
	n := map[string]string{"n": fe.Param()}
	minKey, maxKey := "validation.min.number", "validation.max.number"
	switch fe.Kind() {
	case reflect.String:
		minKey, maxKey = "validation.min.string", "validation.max.string"
	case reflect.Slice, reflect.Array, reflect.Map:
		minKey, maxKey = "validation.min.items", "validation.max.items"
	}
	switch fe.Tag() {
	case "oneof":
		return "validation.oneof", map[string]string{"values": strings.Join(strings.Fields(fe.Param()), ", ")}
	case "min", "gte":
		return minKey, n
	case "max", "lte":
		return maxKey, n
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
