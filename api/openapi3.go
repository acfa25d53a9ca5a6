package api

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi2"
	"github.com/getkin/kin-openapi/openapi2conv"
	"github.com/getkin/kin-openapi/openapi3"
	"sigs.k8s.io/yaml"

	"github.com/islamabad-digital/citizenapi/modules/integrations"
	"github.com/islamabad-digital/citizenapi/platform/webhook"
)

// The OpenAPI 3 document is swag's Swagger 2.0 output converted, then
// completed with what Swagger 2.0 cannot say: problem+json errors, nullable
// values, the OAuth2 client-credentials flow, security on every operation,
// the statuses and headers every operation can answer with, shared enums
// and the webhooks. Each step below is one of those.

const (
	schemaRefPrefix = "#/components/schemas/"
	problemMIME     = "application/problem+json"
	bearerScheme    = "BearerAuth"
	oauth2Scheme    = "OAuth2"
	tokenURL        = BasePath + "/oauth/token"
)

// BuildOpenAPI3 converts the Swagger 2.0 document swag generates and
// completes it. The result is what openapi/openapi.json holds.
func BuildOpenAPI3(swagger2 []byte) (*openapi3.T, error) {
	var doc2 openapi2.T
	if err := json.Unmarshal(swagger2, &doc2); err != nil {
		return nil, fmt.Errorf("read the Swagger 2.0 document: %w", err)
	}
	doc, err := openapi2conv.ToV3(&doc2)
	if err != nil {
		return nil, fmt.Errorf("convert to OpenAPI 3: %w", err)
	}
	doc.OpenAPI = "3.0.3"
	doc.Servers = openapi3.Servers{{URL: "/", Description: "the server that serves this document"}}
	if err := addSecuritySchemes(doc); err != nil {
		return nil, err
	}
	if err := addWebhookData(doc); err != nil {
		return nil, err
	}
	if err := shareEnums(doc); err != nil {
		return nil, err
	}
	addWebhooks(doc)
	nullableRefs(doc)
	nullableCursors(doc)
	addHeaders(doc)
	addProblemResponses(doc)
	for _, op := range operations(doc) {
		completeOperation(op)
	}
	return loadOpenAPI3(doc)
}

// loadOpenAPI3 reads doc back as a client would, resolving every
// reference, and validates it.
func loadOpenAPI3(doc *openapi3.T) (*openapi3.T, error) {
	raw, err := json.Marshal(doc)
	if err != nil {
		return nil, err
	}
	loaded, err := openapi3.NewLoader().LoadFromData(raw)
	if err != nil {
		return nil, fmt.Errorf("read the OpenAPI 3 document back: %w", err)
	}
	if err := loaded.Validate(context.Background()); err != nil {
		return nil, fmt.Errorf("the OpenAPI 3 document is invalid: %w", err)
	}
	return loaded, nil
}

// MarshalOpenAPI3 renders doc as indented JSON and as YAML, the two files
// committed in openapi/.
func MarshalOpenAPI3(doc *openapi3.T) (jsonDoc, yamlDoc []byte, err error) {
	compact, err := json.Marshal(doc)
	if err != nil {
		return nil, nil, err
	}
	var tree any
	if err := json.Unmarshal(compact, &tree); err != nil {
		return nil, nil, err
	}
	if jsonDoc, err = json.MarshalIndent(tree, "", "  "); err != nil {
		return nil, nil, err
	}
	if yamlDoc, err = yaml.JSONToYAML(compact); err != nil {
		return nil, nil, err
	}
	return append(jsonDoc, '\n'), yamlDoc, nil
}

// operation is one operation with where it lives.
type operation struct {
	method, path string
	*openapi3.Operation
}

// operations lists the document's operations in path and method order.
func operations(doc *openapi3.T) []operation {
	var out []operation
	for _, path := range doc.Paths.InMatchingOrder() {
		for method, op := range doc.Paths.Value(path).Operations() {
			out = append(out, operation{method: method, path: path, Operation: op})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		return out[i].path+" "+out[i].method < out[j].path+" "+out[j].method
	})
	return out
}

// addSecuritySchemes declares the two ways to send a token: a bare bearer
// token (Swagger 2.0 could only say "an API key header") and the OAuth2
// client-credentials flow third parties use, whose scopes the annotations
// describe and which must be exactly the scopes a client may be given.
func addSecuritySchemes(doc *openapi3.T) error {
	oauth2 := doc.Components.SecuritySchemes[oauth2Scheme]
	if oauth2 == nil || oauth2.Value.Flows == nil || oauth2.Value.Flows.ClientCredentials == nil {
		return fmt.Errorf("the annotations declare no OAuth2 client-credentials scheme %q", oauth2Scheme)
	}
	described := slices.Sorted(maps.Keys(oauth2.Value.Flows.ClientCredentials.Scopes))
	if !slices.Equal(described, integrations.ScopeNames()) {
		return fmt.Errorf("the OAuth2 scopes described %v are not the scopes a client may be given %v", described, integrations.ScopeNames())
	}
	doc.Components.SecuritySchemes[bearerScheme] = &openapi3.SecuritySchemeRef{Value: openapi3.NewJWTSecurityScheme().WithDescription(
		"An access token from `POST /api/v1/auth/login` (citizens and staff) or `POST /api/v1/oauth/token` (third-party clients). Paste the token alone; `Bearer ` is added for you.")}
	return nil
}

// enumSchemas names every enumeration the API uses, by its values, so that
// each is one shared schema instead of a copy per field. A field with an
// enumeration that is not listed here fails the build.
var enumSchemas = []struct {
	name, description string
	values            []string
}{
	{"AccountKind", "Who an account belongs to.", []string{"citizen", "staff"}},
	{"AccountStatus", "Where an account stands.", []string{"pending_verification", "active", "locked", "deactivated"}},
	{"ActorKind", "Who acted.", []string{"anonymous", "citizen", "client", "staff"}},
	{"AccessActor", "Who read or changed a citizen's records.", []string{"anonymous", "client", "staff"}},
	{"AdvisoryKind", "The kind of road advisory.", []string{"closure", "diversion"}},
	{"ApplicationStatus", "Where a school application stands; `offered` holds a freed seat until the family answers.", []string{"submitted", "under_review", "accepted", "waitlisted", "offered", "rejected", "enrolled", "withdrawn"}},
	{"ApplicationDecision", "A school's decision on an application; `enrolled` only from `accepted`.", []string{"under_review", "accepted", "waitlisted", "rejected", "enrolled"}},
	{"AppointmentEventStatus", "An appointment's status as a webhook reports it.", []string{"booked", "cancelled", "cancelled_by_facility"}},
	{"ApplicationEventStatus", "An application's new status as a webhook reports it.", []string{"under_review", "accepted", "waitlisted", "offered", "rejected", "enrolled", "withdrawn"}},
	{"AppointmentStatus", "Where an appointment stands.", []string{"booked", "cancelled", "cancelled_by_facility", "checked_in", "completed", "no_show"}},
	{"AppointmentProgress", "The forward moves staff make on an appointment.", []string{"checked_in", "completed", "no_show"}},
	{"AuditOutcome", "Whether the audited action succeeded.", []string{"success", "failure"}},
	{"ChallanAction", "A change in a traffic challan's history.", []string{"issued", "contested", "upheld", "cancelled", "paid"}},
	{"ChallanActor", "Who changed a traffic challan.", []string{"citizen", "staff", "client"}},
	{"ChallanDecision", "The traffic authority's decision on a contested challan.", []string{"upheld", "cancelled"}},
	{"ChallanEventStatus", "A traffic challan's status as a webhook reports it.", []string{"issued", "contested", "paid", "cancelled"}},
	{"ChallanStatus", "Where a traffic challan stands; `overdue` is read from the due date while it is unpaid.", []string{"issued", "contested", "overdue", "paid", "cancelled"}},
	{"ChallanStatusFilter", "Which traffic challans to list: a status, or `unpaid` for issued, overdue and contested ones.", []string{"issued", "overdue", "contested", "paid", "cancelled", "unpaid"}},
	{"LotteryStatus", "Where a school grade's lottery stands: `committed` until its seed is revealed, then `drawn`.", []string{"committed", "drawn"}},
	{"LotteryOutcome", "What a lottery's draw did with a ranked application: `accepted` (a seat), `offered` (a seat offered, because the child held one at another school), `waitlisted` (in line at its rank) or `skipped` (withdrawn before the draw).", []string{"accepted", "offered", "waitlisted", "skipped"}},
	{"PriorityGroup", "An application's priority group in a lottery, ranked lowest first: 0, a sibling holds a seat at the school; 1, the family lives in the school's sector; 2, the others.", []string{"0", "1", "2"}},
	{"WaitlistService", "The service a waitlist line belongs to.", []string{"health", "education", "parking"}},
	{"WaitlistEntryStatus", "Where a place in a waitlist line stands.", []string{"waiting", "offered", "served", "left"}},
	{"OfferStatus", "Where an offer of a freed place stands; a live offer past expires_at reads `lapsed` at once.", []string{"offered", "accepted", "declined", "lapsed"}},
	{"OfferEventStatus", "An offer's status as a webhook reports it.", []string{"offered", "accepted", "lapsed"}},
	{"UnpaidChallanStatus", "The status of a challan still owed.", []string{"issued", "overdue", "contested"}},
	{"Channel", "How a message is sent.", []string{"sms", "email"}},
	{"ClientStatus", "Whether a third-party client may get tokens.", []string{"active", "revoked"}},
	{"Department", "A staff account's department.", []string{"platform", "health", "education", "parking", "traffic"}},
	{"FacilityKind", "The kind of health facility.", []string{"hospital", "clinic", "bhu", "lab"}},
	{"Gender", "A person's gender.", []string{"male", "female", "other"}},
	{"Language", "A language the platform speaks.", []string{"en", "ur"}},
	{"NotificationDeliveryStatus", "Where the sending of a notification on one channel stands.", []string{"pending", "sent", "failed", "skipped"}},
	{"PatientKind", "Whether the patient is the account holder or a dependant.", []string{"self", "dependant"}},
	{"PermitMonths", "How many months a permit lasts.", []string{"1", "3", "6", "12"}},
	{"PermitStatus", "Where a parking permit stands; `expired` and `expired_unpaid` are read from the dates.", []string{"pending_payment", "pending_approval", "active", "expired", "expired_unpaid", "cancelled", "revoked", "rejected"}},
	{"PermitType", "The kind of parking permit.", []string{"resident", "business", "disabled"}},
	{"Relation", "A dependant's relation to the account holder.", []string{"child", "spouse", "parent", "other"}},
	{"Role", "A role an account holds.", []string{"citizen", "admin", "health_admin", "health_staff", "education_admin", "education_staff", "parking_admin", "parking_officer", "traffic_admin", "traffic_officer"}},
	{"StaffRole", "A role a staff account may be given.", []string{"admin", "health_admin", "health_staff", "education_admin", "education_staff", "parking_admin", "parking_officer", "traffic_admin", "traffic_officer"}},
	{"SchoolGender", "Whom a school admits.", []string{"boys", "girls", "co"}},
	{"SchoolLevel", "The highest level a school teaches.", []string{"primary", "middle", "secondary", "higher_secondary"}},
	{"TokenErrorCode", "An RFC 6749 §5.2 error code.", []string{"invalid_request", "invalid_client", "invalid_grant", "unauthorized_client", "unsupported_grant_type", "invalid_scope"}},
	{"WebhookDeliveryStatus", "Where a webhook delivery stands.", []string{"pending", "delivered", "failed"}},
	{"WebhookFailure", "Why a webhook delivery's last try failed: `timeout` (no answer in time), `dns` (the host name did not resolve), " +
		"`refused` (nothing accepted the connection), `unreachable` (no route to the address), `tls` (the TLS handshake failed), " +
		"`not_allowed` (the host resolved to an address webhooks may not reach), `redirect` (a 3xx answer; redirects are not followed), " +
		"`http_status` (another answer outside 2xx, in `last_status`), `subscription_ended` (deleted, or its client revoked) or `other`.",
		[]string{"timeout", "dns", "refused", "unreachable", "tls", "not_allowed", "redirect", "http_status", "subscription_ended", "other"}},
}

// enumFields are fields whose values come from a list kept in code rather
// than an enums tag: the scopes a client may hold.
var enumFields = map[string]string{
	"IntegrationClient.scopes":           "Scope",
	"IntegrationClientWithSecret.scopes": "Scope",
	"NewIntegrationClient.scopes":        "Scope",
	"Subscription.events":                "WebhookEventType",
	"SubscriptionWithSecret.events":      "WebhookEventType",
	"NewSubscription.events":             "WebhookEventType",
	"WebhookDelivery.event_type":         "WebhookEventType",
}

func enumKey(values []any) string {
	s := make([]string, len(values))
	for i, v := range values {
		s[i] = fmt.Sprint(v)
	}
	sort.Strings(s)
	return strings.Join(s, ",")
}

// shareEnums replaces each inline enumeration with a reference to its
// shared schema.
func shareEnums(doc *openapi3.T) error {
	byValues := map[string]string{}
	for _, e := range enumSchemas {
		values := make([]any, len(e.values))
		for i, v := range e.values {
			values[i] = v
		}
		byValues[enumKey(values)] = e.name
	}
	used := map[string]*openapi3.Schema{}
	var unnamed []string
	share := func(where string, ref *openapi3.SchemaRef) {
		if ref == nil || ref.Ref != "" || ref.Value == nil || len(ref.Value.Enum) == 0 {
			return
		}
		name, ok := byValues[enumKey(ref.Value.Enum)]
		if !ok {
			unnamed = append(unnamed, fmt.Sprintf("%s %v", where, ref.Value.Enum))
			return
		}
		if _, seen := used[name]; !seen {
			used[name] = &openapi3.Schema{Type: ref.Value.Type, Enum: ref.Value.Enum}
		}
		shared := &openapi3.SchemaRef{Ref: schemaRefPrefix + name}
		if ref.Value.Nullable || ref.Value.Description != "" || ref.Value.Default != nil {
			// Beside "$ref" nothing counts in OpenAPI 3.0: keep them in a wrapper.
			shared = &openapi3.SchemaRef{Value: &openapi3.Schema{Type: ref.Value.Type, Nullable: ref.Value.Nullable,
				Description: ref.Value.Description, Default: ref.Value.Default, AllOf: openapi3.SchemaRefs{shared}}}
		}
		*ref = *shared
	}
	for name, s := range doc.Components.Schemas {
		for prop, p := range s.Value.Properties {
			share(name+"."+prop, p)
			if p.Value != nil && p.Value.Items != nil {
				share(name+"."+prop+"[]", p.Value.Items)
			}
			if enum, ok := enumFields[name+"."+prop]; ok && p.Value != nil {
				if p.Value.Items != nil {
					p.Value.Items = &openapi3.SchemaRef{Ref: schemaRefPrefix + enum}
				} else {
					*p = openapi3.SchemaRef{Ref: schemaRefPrefix + enum}
				}
			}
		}
	}
	for _, op := range operations(doc) {
		for _, p := range op.Parameters {
			share(op.method+" "+op.path+" "+p.Value.Name, p.Value.Schema)
			if p.Value.Schema != nil && p.Value.Schema.Value != nil {
				share(op.method+" "+op.path+" "+p.Value.Name+"[]", p.Value.Schema.Value.Items)
			}
		}
	}
	if len(unnamed) > 0 {
		sort.Strings(unnamed)
		return fmt.Errorf("name these enumerations in enumSchemas: %s", strings.Join(unnamed, "; "))
	}
	for _, e := range enumSchemas {
		s, ok := used[e.name]
		if !ok {
			continue
		}
		// Keep the values in the order the API lists them, not sorted.
		s.Enum = s.Enum[:0]
		for _, v := range e.values {
			if s.Type.Is(openapi3.TypeInteger) {
				n, _ := strconv.Atoi(v)
				s.Enum = append(s.Enum, n)
			} else {
				s.Enum = append(s.Enum, v)
			}
		}
		s.Description = e.description
		doc.Components.Schemas[e.name] = &openapi3.SchemaRef{Value: s}
	}
	doc.Components.Schemas["Scope"] = stringEnum("A scope a third-party client may be granted.", integrations.ScopeNames())
	events := make([]string, len(webhook.EventTypes))
	for i, et := range webhook.EventTypes {
		events[i] = et.Name
	}
	doc.Components.Schemas["WebhookEventType"] = stringEnum("An event a client may subscribe to (see the webhooks).", events)
	return nil
}

func stringEnum(description string, values []string) *openapi3.SchemaRef {
	enum := make([]any, len(values))
	for i, v := range values {
		enum[i] = v
	}
	return &openapi3.SchemaRef{Value: &openapi3.Schema{Type: &openapi3.Types{openapi3.TypeString}, Enum: enum, Description: description}}
}

// nullableRefs makes a nullable reference say so: in OpenAPI 3.0 a
// property beside "$ref" is ignored, so it is wrapped in allOf, and a
// wrapper takes the referenced schema's type, which nullable needs beside it.
func nullableRefs(doc *openapi3.T) {
	typeOf := func(ref string) *openapi3.Types {
		return doc.Components.Schemas[strings.TrimPrefix(ref, schemaRefPrefix)].Value.Type
	}
	for _, s := range doc.Components.Schemas {
		for name, p := range s.Value.Properties {
			switch {
			case p.Ref != "" && p.Value != nil && p.Value.Extensions["x-nullable"] == true:
				s.Value.Properties[name] = &openapi3.SchemaRef{Value: &openapi3.Schema{
					Type: typeOf(p.Ref), Nullable: true, AllOf: openapi3.SchemaRefs{{Ref: p.Ref}}}}
			case p.Ref == "" && p.Value != nil && p.Value.Nullable && p.Value.Type == nil && len(p.Value.AllOf) == 1:
				p.Value.Type = typeOf(p.Value.AllOf[0].Ref)
			}
		}
	}
}

// nullableCursors says what every list answers on its last page: a
// next_cursor of null.
func nullableCursors(doc *openapi3.T) {
	for _, s := range doc.Components.Schemas {
		if cursor, ok := s.Value.Properties["next_cursor"]; ok && s.Value.Properties["items"] != nil {
			cursor.Value.Nullable = true
			cursor.Value.Description = "where the next page starts, for `cursor`; null on the last page"
		}
	}
}

// The response headers the service sends, declared once.
const (
	headerRequestID        = "X-Request-ID"
	headerContentLanguage  = "Content-Language"
	headerRetryAfter       = "Retry-After"
	headerWWWAuthenticate  = "WWW-Authenticate"
	headerRateLimitPolicy  = "RateLimit-Policy"
	headerRateLimit        = "RateLimit"
	headerIdempotentReplay = "Idempotent-Replayed"
)

func addHeaders(doc *openapi3.T) {
	str := func() *openapi3.SchemaRef { return openapi3.NewStringSchema().NewRef() }
	header := func(description string, schema *openapi3.SchemaRef) *openapi3.HeaderRef {
		return &openapi3.HeaderRef{Value: &openapi3.Header{Parameter: openapi3.Parameter{Description: description, Schema: schema}}}
	}
	doc.Components.Headers = openapi3.Headers{
		headerRequestID:       header("The request's ID: the one sent, when well-formed, or a new one. Quote it when reporting a problem.", str()),
		headerContentLanguage: header("The language of the problem's texts (`en` or `ur`).", &openapi3.SchemaRef{Ref: schemaRefPrefix + "Language"}),
		headerRetryAfter:      header("Seconds to wait before trying again.", openapi3.NewIntegerSchema().WithMin(1).NewRef()),
		headerWWWAuthenticate: header("RFC 6750: why the bearer token was refused, and for a missing scope, which scope is needed.", str()),
		headerRateLimitPolicy: header("A third-party client's quota (IETF httpapi RateLimit headers): `\"client\";q=<requests>;w=<seconds>`. Sent on every answer to a client token.", str()),
		headerRateLimit:       header("What is left of a third-party client's quota: `\"client\";r=<remaining>;t=<seconds until it resets>`. Sent on every answer to a client token.", str()),
		headerIdempotentReplay: header("`true` when this answer is the stored answer to an earlier request with the same Idempotency-Key.",
			&openapi3.SchemaRef{Value: &openapi3.Schema{Type: &openapi3.Types{openapi3.TypeString}, Enum: []any{"true"}}}),
	}
	for _, h := range []string{headerRequestID, headerContentLanguage, headerRetryAfter} {
		doc.Components.Headers[h].Value.Required = true
	}
}

func headerRef(name string) *openapi3.HeaderRef {
	return &openapi3.HeaderRef{Ref: "#/components/headers/" + name}
}

// problemStatuses are the error statuses with a shared response, each
// with the headers that answer always carries.
var problemStatuses = []struct {
	status  int
	name    string
	headers []string
}{
	{http.StatusBadRequest, "BadRequest", nil},
	{http.StatusUnauthorized, "Unauthorized", []string{headerWWWAuthenticate}},
	{http.StatusForbidden, "Forbidden", []string{headerWWWAuthenticate}},
	{http.StatusNotFound, "NotFound", nil},
	{http.StatusConflict, "Conflict", nil},
	{http.StatusRequestEntityTooLarge, "ContentTooLarge", nil},
	{http.StatusUnprocessableEntity, "UnprocessableContent", nil},
	{http.StatusTooManyRequests, "TooManyRequests", []string{headerRetryAfter}},
	{http.StatusInternalServerError, "InternalServerError", nil},
	{http.StatusServiceUnavailable, "ServiceUnavailable", []string{headerRetryAfter}},
}

var problemDescriptions = map[int]string{
	http.StatusBadRequest:            "The request could not be read: malformed JSON, a wrong type, an unknown field or a malformed ID or parameter. `errors` names each.",
	http.StatusUnauthorized:          "The access token is missing, invalid or expired, or an Authorization header was sent that is not a valid bearer token.",
	http.StatusForbidden:             "The caller may not do this. A third-party client without the needed scope is told which scope in WWW-Authenticate.",
	http.StatusNotFound:              "There is no such resource, or it is not the caller's.",
	http.StatusConflict:              "The request conflicts with the record's current state (or a payment with the same Idempotency-Key is still running).",
	http.StatusRequestEntityTooLarge: "The request body is larger than the service accepts.",
	http.StatusUnprocessableEntity:   "The request was read but breaks a rule. `errors` names every invalid field at once.",
	http.StatusTooManyRequests:       "Too many requests: wait as long as Retry-After says.",
	http.StatusInternalServerError:   "The request could not be completed; quote the request ID if it keeps failing.",
	http.StatusServiceUnavailable:    "The service is busy or briefly unavailable: try again after Retry-After.",
}

// problemResponse is an error answer: problem+json with the headers every
// answer carries and those of its status.
func problemResponse(status int, description string, extra []string) *openapi3.Response {
	headers := openapi3.Headers{headerRequestID: headerRef(headerRequestID), headerContentLanguage: headerRef(headerContentLanguage),
		headerRateLimitPolicy: headerRef(headerRateLimitPolicy), headerRateLimit: headerRef(headerRateLimit)}
	for _, h := range extra {
		headers[h] = headerRef(h)
	}
	return &openapi3.Response{
		Description: &description,
		Headers:     headers,
		Content:     openapi3.Content{problemMIME: openapi3.NewMediaType().WithSchemaRef(&openapi3.SchemaRef{Ref: schemaRefPrefix + "Problem"})},
	}
}

func addProblemResponses(doc *openapi3.T) {
	if doc.Components.Responses == nil {
		doc.Components.Responses = openapi3.ResponseBodies{}
	}
	for _, p := range problemStatuses {
		doc.Components.Responses[p.name] = &openapi3.ResponseRef{Value: problemResponse(p.status, problemDescriptions[p.status], p.headers)}
	}
}

// completeOperation gives an operation what Swagger 2.0 could not say or
// what every operation shares.
func completeOperation(op operation) {
	if op.RequestBody != nil {
		delete(op.RequestBody.Extensions, "x-originalParamName")
	}
	if op.Security == nil {
		op.Security = &openapi3.SecurityRequirements{} // public: no token needed
	}
	limitParameter(op)
	for code, res := range op.Responses.Map() {
		status, _ := strconv.Atoi(code)
		switch {
		case isProblem(res):
			op.Responses.Set(code, errorResponse(status, res))
		case res.Value != nil && status >= 400:
			alsoProblem(res.Value)
		case res.Value != nil:
			addSuccessHeaders(op, res.Value)
		}
	}
	for _, status := range standardStatuses(op) {
		code := strconv.Itoa(status)
		if op.Responses.Value(code) == nil {
			op.Responses.Set(code, errorResponse(status, nil))
		}
	}
}

func isProblem(res *openapi3.ResponseRef) bool {
	if res.Value == nil {
		return false
	}
	for _, mt := range res.Value.Content {
		if mt.Schema != nil && mt.Schema.Ref == schemaRefPrefix+"Problem" {
			return true
		}
	}
	return false
}

// errorResponse is the shared response of status, unless the operation
// describes its own: then its description is kept with the shared shape.
func errorResponse(status int, own *openapi3.ResponseRef) *openapi3.ResponseRef {
	for _, p := range problemStatuses {
		if p.status != status {
			continue
		}
		if own == nil || own.Value.Description == nil || *own.Value.Description == http.StatusText(status) {
			return &openapi3.ResponseRef{Ref: "#/components/responses/" + p.name}
		}
		return &openapi3.ResponseRef{Value: problemResponse(status, *own.Value.Description, p.headers)}
	}
	return own
}

// alsoProblem lets an error answer in an operation's own format (OAuth2's
// token errors) also be a problem: the checks in front of every handler
// (body size, parameters, outages) answer with problems.
func alsoProblem(res *openapi3.Response) {
	res.Content[problemMIME] = openapi3.NewMediaType().WithSchemaRef(&openapi3.SchemaRef{Ref: schemaRefPrefix + "Problem"})
	if res.Headers == nil {
		res.Headers = openapi3.Headers{}
	}
	res.Headers[headerRequestID] = headerRef(headerRequestID)
	res.Headers[headerContentLanguage] = &openapi3.HeaderRef{Value: &openapi3.Header{Parameter: openapi3.Parameter{
		Description: "The language of a problem's texts (`en` or `ur`).", Schema: &openapi3.SchemaRef{Ref: schemaRefPrefix + "Language"}}}}
}

// standardStatuses are the errors any operation of its kind can answer:
// every operation may meet a malformed parameter, an invalid Authorization
// header, a client's used-up quota, a failure or an outage; one that needs
// a token may be refused; one with a path ID may find nothing; one with a
// body may get one too large or unreadable.
func standardStatuses(op operation) []int {
	out := []int{http.StatusBadRequest, http.StatusUnauthorized, http.StatusTooManyRequests,
		http.StatusInternalServerError, http.StatusServiceUnavailable}
	if op.Security != nil && len(*op.Security) > 0 {
		out = append(out, http.StatusForbidden)
	}
	for _, p := range op.Parameters {
		if p.Value.In == openapi3.ParameterInPath {
			out = append(out, http.StatusNotFound)
			break
		}
	}
	if op.method != http.MethodGet {
		out = append(out, http.StatusRequestEntityTooLarge)
	}
	if op.RequestBody != nil || slices.ContainsFunc(op.Parameters, func(p *openapi3.ParameterRef) bool { return p.Value.In == openapi3.ParameterInQuery }) {
		out = append(out, http.StatusUnprocessableEntity) // a field or filter that breaks a rule
	}
	if idempotent(op) {
		out = append(out, http.StatusConflict, http.StatusUnprocessableEntity)
	}
	return out
}

func idempotent(op operation) bool {
	return slices.ContainsFunc(op.Parameters, func(p *openapi3.ParameterRef) bool {
		return p.Value.In == openapi3.ParameterInHeader && p.Value.Name == "Idempotency-Key"
	})
}

// addSuccessHeaders declares the headers a successful answer carries.
func addSuccessHeaders(op operation, res *openapi3.Response) {
	if res.Headers == nil {
		res.Headers = openapi3.Headers{}
	}
	res.Headers[headerRequestID] = headerRef(headerRequestID)
	res.Headers[headerRateLimitPolicy] = headerRef(headerRateLimitPolicy)
	res.Headers[headerRateLimit] = headerRef(headerRateLimit)
	if idempotent(op) {
		res.Headers[headerIdempotentReplay] = headerRef(headerIdempotentReplay)
	}
}

// limitParameter bounds every page size the same way.
func limitParameter(op operation) {
	for _, p := range op.Parameters {
		if p.Value.In != openapi3.ParameterInQuery || p.Value.Name != "limit" || p.Value.Schema == nil {
			continue
		}
		s := p.Value.Schema.Value
		s.WithMin(1).WithMax(100).WithDefault(20)
		p.Value.Description = "page size: 20 unless given, at most 100 (a larger value is read as 100)"
	}
}
