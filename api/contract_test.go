package api_test

import (
	"encoding/json"
	"net/http"
	"sort"
	"strings"
	"testing"

	"github.com/islamabad-digital/citizenapi/api/apitest"
	"github.com/islamabad-digital/citizenapi/openapi"
	"github.com/islamabad-digital/citizenapi/platform/web"
)

// specOperations reads the committed spec: each "METHOD /path" with
// whether it takes a JSON body.
func specOperations(t testing.TB) map[string]bool {
	t.Helper()
	var doc struct {
		Paths map[string]map[string]struct {
			Parameters []struct {
				In string `json:"in"`
			} `json:"parameters"`
		} `json:"paths"`
	}
	if err := json.Unmarshal([]byte(openapi.SwaggerInfo.ReadDoc()), &doc); err != nil {
		t.Fatal(err)
	}
	ops := map[string]bool{}
	for path, methods := range doc.Paths {
		for method, op := range methods {
			body := false
			for _, p := range op.Parameters {
				body = body || p.In == "body"
			}
			ops[strings.ToUpper(method)+" "+path] = body
		}
	}
	return ops
}

// echoPath turns /a/:id into /a/{id}, the spec's spelling.
func echoPath(p string) string {
	parts := strings.Split(p, "/")
	for i, part := range parts {
		if strings.HasPrefix(part, ":") {
			parts[i] = "{" + part[1:] + "}"
		}
	}
	return strings.Join(parts, "/")
}

// TestSpecMatchesRoutes fails when a route is served but not documented,
// or documented but not served.
func TestSpecMatchesRoutes(t *testing.T) {
	app := apitest.New(t)
	spec := specOperations(t)
	served := map[string]bool{}
	for _, r := range app.Server.Echo.Routes() {
		if strings.HasPrefix(r.Path, "/api/") || r.Path == "/healthz" || r.Path == "/readyz" || r.Path == "/dev/messages" || r.Path == "/.well-known/jwks.json" {
			served[r.Method+" "+echoPath(r.Path)] = true
		}
	}
	var missing, extra []string
	for op := range served {
		if _, ok := spec[op]; !ok {
			missing = append(missing, op)
		}
	}
	for op := range spec {
		if !served[op] {
			extra = append(extra, op)
		}
	}
	sort.Strings(missing)
	sort.Strings(extra)
	if len(missing) > 0 {
		t.Errorf("served but not in the spec: %v", missing)
	}
	if len(extra) > 0 {
		t.Errorf("in the spec but not served: %v", extra)
	}
}

// TestMalformedJSONToEveryBodyIsABadRequest sends broken JSON to every
// operation that takes a body, as a caller allowed to use it, and wants 400
// problem+json with the request ID echoed, never anything else.
func TestMalformedJSONToEveryBodyIsABadRequest(t *testing.T) {
	app := apitest.New(t)
	tokens := []string{"", app.NewCitizen().Token}
	for _, role := range []string{"admin", "health_admin", "education_admin", "parking_admin", "parking_officer"} {
		tokens = append(tokens, app.NewStaff(role, "").Token)
	}
	tokens = append(tokens, app.NewClient([]string{"webhooks:manage", "parking.permits:verify"}, "").Token)
	const id = "7b0e9c1e-5d0a-4f4e-9d4b-2a6f0e8c1d3a"
	for op, body := range specOperations(t) {
		if !body {
			continue
		}
		method, path, _ := strings.Cut(op, " ")
		path = strings.NewReplacer("{id}", id, "{delivery_id}", id).Replace(path)
		t.Run(op, func(t *testing.T) {
			for _, tok := range tokens {
				r := app.Do(apitest.Request{Method: method, Path: path, Token: tok, Body: `{"broken": `,
					Header: map[string]string{"X-Request-ID": "malformed-probe", "Idempotency-Key": apitest.NewPhone()}})
				if r.Status == http.StatusUnauthorized || r.Status == http.StatusForbidden {
					continue
				}
				if r.Status != http.StatusBadRequest || r.Header.Get("X-Request-ID") != "malformed-probe" {
					t.Fatalf("status %d, request ID %q: %s", r.Status, r.Header.Get("X-Request-ID"), r.Body)
				}
				problem(t, r)
				return
			}
			t.Fatalf("no test account may call %s", op)
		})
	}
}

// TestSpecDescribesEveryOperation fails when an operation lacks what a
// third party needs to use it from the spec alone: an operationId, a
// summary, a tag, a success response, problem+json errors, and the bearer
// scheme on every route that needs a token.
func TestSpecDescribesEveryOperation(t *testing.T) {
	app := apitest.New(t)
	var doc struct {
		Paths map[string]map[string]struct {
			OperationID string                    `json:"operationId"`
			Summary     string                    `json:"summary"`
			Tags        []string                  `json:"tags"`
			Security    []map[string][]string     `json:"security"`
			Responses   map[string]map[string]any `json:"responses"`
		} `json:"paths"`
	}
	if err := json.Unmarshal([]byte(openapi.SwaggerInfo.ReadDoc()), &doc); err != nil {
		t.Fatal(err)
	}
	protected := map[string]bool{}
	for _, r := range app.Server.Routes() {
		if r.Permission != web.Anyone && r.Permission != web.ClientCredentials {
			protected[r.Method+" "+echoPath(r.Path)] = true
		}
	}
	seen, checked := map[string]string{}, 0
	for path, methods := range doc.Paths {
		for method, op := range methods {
			name := strings.ToUpper(method) + " " + path
			if op.OperationID == "" || op.Summary == "" || len(op.Tags) == 0 {
				t.Errorf("%s lacks an operationId, summary or tag", name)
			}
			if other, dup := seen[op.OperationID]; dup {
				t.Errorf("%s and %s share operationId %q", name, other, op.OperationID)
			}
			seen[op.OperationID] = name
			success, problems := false, false
			for code, res := range op.Responses {
				success = success || strings.HasPrefix(code, "2")
				if ref, ok := res["schema"].(map[string]any); ok && strings.HasPrefix(code, "4") {
					problems = problems || ref["$ref"] == "#/definitions/Problem" || ref["$ref"] == "#/definitions/TokenError"
				}
			}
			if !success {
				t.Errorf("%s documents no success response", name)
			}
			if !problems && path != "/healthz" && path != "/readyz" && path != "/.well-known/jwks.json" {
				t.Errorf("%s documents no problem+json error", name)
			}
			if protected[name] {
				checked++
				if len(op.Security) == 0 {
					t.Errorf("%s needs a token but documents no security scheme", name)
				}
			}
		}
	}
	if checked != len(protected) {
		t.Errorf("checked the security of %d operations, want all %d protected routes", checked, len(protected))
	}
}
