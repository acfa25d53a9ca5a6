package api

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3gen"

	"github.com/islamabad-digital/citizenapi/platform/webhook"
)

// The webhooks are not operations, so swag never sees their types: their
// schemas are made here from the event registry (platform/webhook), read
// from the same struct tags swag reads, and listed under x-webhooks, the
// OpenAPI 3.0 extension for the 3.1 webhooks section.

// addWebhookData adds each event data type's schema to the components.
func addWebhookData(doc *openapi3.T) error {
	for _, et := range webhook.EventTypes {
		name := reflect.TypeOf(et.Data).Name()
		if _, done := doc.Components.Schemas[name]; done {
			continue
		}
		ref, err := openapi3gen.NewSchemaRefForValue(et.Data, nil, openapi3gen.SchemaCustomizer(fromTags))
		if err != nil {
			return fmt.Errorf("schema of %s: %w", name, err)
		}
		doc.Components.Schemas[name] = ref
	}
	return nil
}

// fromTags reads the format, enums and example tags swag reads, and marks
// required every field that is always sent (no omitempty).
func fromTags(_ string, t reflect.Type, tag reflect.StructTag, s *openapi3.Schema) error {
	if f := tag.Get("format"); f != "" {
		s.Format = f
	}
	if e := tag.Get("enums"); e != "" {
		for _, v := range strings.Split(e, ",") {
			s.Enum = append(s.Enum, v)
		}
	}
	if ex := tag.Get("example"); ex != "" {
		s.Example = ex
		if n, err := strconv.Atoi(ex); err == nil && s.Type.Is(openapi3.TypeInteger) {
			s.Example = n
		}
		if s.Type.Is(openapi3.TypeArray) {
			// As swag reads it: the items, comma-separated.
			s.Example = strings.Split(ex, ",")
		}
	}
	if t.Kind() == reflect.Struct && t != reflect.TypeFor[time.Time]() {
		for i := range t.NumField() {
			name, opts, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
			if t.Field(i).IsExported() && name != "-" && !strings.Contains(opts, "omitempty") {
				s.Required = append(s.Required, name)
			}
		}
	}
	return nil
}

// addWebhooks describes every event as the POST a subscriber receives: the
// Standard Webhooks headers and the envelope, whose data is the event
// type's schema.
func addWebhooks(doc *openapi3.T) {
	header := func(name, description string, schema *openapi3.Schema) *openapi3.ParameterRef {
		return &openapi3.ParameterRef{Value: &openapi3.Parameter{In: openapi3.ParameterInHeader, Name: name, Required: true,
			Description: description, Schema: schema.NewRef()}}
	}
	hooks := map[string]any{}
	for _, et := range webhook.EventTypes {
		envelope := eventSchemaName(et.Name)
		doc.Components.Schemas[envelope] = &openapi3.SchemaRef{Value: &openapi3.Schema{
			Type:        &openapi3.Types{openapi3.TypeObject},
			Description: "The body of each " + et.Name + " delivery.",
			Required:    []string{"id", "type", "created_at", "data"},
			Properties: openapi3.Schemas{
				"id":         {Value: &openapi3.Schema{Type: &openapi3.Types{openapi3.TypeString}, Format: "uuid", Description: "The event's ID, also sent as webhook-id; a repeat carries the same one."}},
				"type":       &openapi3.SchemaRef{Value: &openapi3.Schema{Type: &openapi3.Types{openapi3.TypeString}, Enum: []any{et.Name}}},
				"created_at": openapi3.NewDateTimeSchema().NewRef(),
				"data":       {Ref: schemaRefPrefix + reflect.TypeOf(et.Data).Name()},
			},
		}}
		hooks[et.Name] = map[string]any{"post": &openapi3.Operation{
			OperationID: "webhook" + envelope,
			Summary:     et.Name,
			Description: et.Description + " Sent to subscriptions of clients holding the scope " + et.Scope + unitNote(et) + ".",
			Tags:        []string{"webhooks"},
			// The receiver authenticates the sender by the signature, not a token.
			Security: &openapi3.SecurityRequirements{},
			Parameters: openapi3.Parameters{
				header("webhook-id", "The event's ID: a receiver that has seen it already ignores the repeat.", openapi3.NewUUIDSchema()),
				header("webhook-timestamp", "When this attempt was sent, in Unix seconds; refuse one far from now.", openapi3.NewStringSchema().WithPattern(`^[0-9]+$`)),
				header("webhook-signature", "Standard Webhooks: `v1,` and the base64 HMAC-SHA256 of `<webhook-id>.<webhook-timestamp>.<body>` keyed by the secret's bytes after `whsec_`.",
					openapi3.NewStringSchema().WithPattern(`^v1,[A-Za-z0-9+/=]+( v1,[A-Za-z0-9+/=]+)*$`)),
			},
			RequestBody: &openapi3.RequestBodyRef{Value: openapi3.NewRequestBody().WithRequired(true).
				WithContent(openapi3.NewContentWithJSONSchemaRef(&openapi3.SchemaRef{Ref: schemaRefPrefix + envelope}))},
			Responses: openapi3.NewResponses(openapi3.WithStatus(200, &openapi3.ResponseRef{Value: openapi3.NewResponse().
				WithDescription("Any 2xx status acknowledges the event; anything else, or no answer within 10 seconds, is retried with backoff for 24 hours.")})),
		}}
	}
	if doc.Extensions == nil {
		doc.Extensions = map[string]any{}
	}
	doc.Extensions["x-webhooks"] = hooks
}

// eventSchemaName turns appointment.booked into AppointmentBookedEvent.
func eventSchemaName(event string) string {
	var b strings.Builder
	for _, part := range strings.FieldsFunc(event, func(r rune) bool { return r == '.' || r == '_' }) {
		b.WriteString(strings.ToUpper(part[:1]) + part[1:])
	}
	return b.String() + "Event"
}

func unitNote(et webhook.EventType) string {
	if et.UnitBound {
		return ", bound to the event's facility or school"
	}
	return ""
}
