package api_test

import (
	"bytes"
	"encoding/json"
	"maps"
	"net/http"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/islamabad-digital/citizenapi/api"
	"github.com/islamabad-digital/citizenapi/api/apitest"
	"github.com/islamabad-digital/citizenapi/openapi"
	"github.com/islamabad-digital/citizenapi/platform/web"
)

// specDoc is the committed OpenAPI 3 document, as the server serves it.
type specDoc struct {
	Paths map[string]map[string]specOperation `json:"paths"`
}

type specOperation struct {
	OperationID string                `json:"operationId"`
	Summary     string                `json:"summary"`
	Description string                `json:"description"`
	Tags        []string              `json:"tags"`
	Security    []map[string][]string `json:"security"`
	RequestBody *struct {
		Content map[string]json.RawMessage `json:"content"`
	} `json:"requestBody"`
	Responses map[string]struct {
		Ref     string                     `json:"$ref"`
		Content map[string]json.RawMessage `json:"content"`
	} `json:"responses"`
}

func readSpec(t testing.TB) specDoc {
	t.Helper()
	var doc specDoc
	if err := json.Unmarshal(openapi.OpenAPI3JSON, &doc); err != nil {
		t.Fatal(err)
	}
	return doc
}

// specOperations reads the committed spec: each "METHOD /path" with
// whether it takes a JSON body (the OAuth2 token endpoint takes a form).
func specOperations(t testing.TB) map[string]bool {
	t.Helper()
	ops := map[string]bool{}
	for path, methods := range readSpec(t).Paths {
		for method, op := range methods {
			ops[strings.ToUpper(method)+" "+path] = op.RequestBody != nil && op.RequestBody.Content["application/json"] != nil
		}
	}
	return ops
}

// TestCommittedSpecIsCurrent fails when openapi/openapi.json or .yaml is
// not what the code builds now (make openapi writes them).
func TestCommittedSpecIsCurrent(t *testing.T) {
	jsonDoc, yamlDoc, err := api.OpenAPI3()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(jsonDoc, openapi.OpenAPI3JSON) || !bytes.Equal(yamlDoc, openapi.OpenAPI3YAML) {
		t.Fatal("openapi/openapi.json or openapi.yaml differs from what the code builds; run make openapi")
	}
}

// documentedPlatformPaths are the routes outside /api/v1 that the document
// describes; the rest (Swagger UI's pages) are tools, not operations.
var documentedPlatformPaths = map[string]bool{"/": true, "/healthz": true, "/readyz": true, "/dev/messages": true,
	"/.well-known/jwks.json": true, "/.well-known/permit-status": true, "/openapi.json": true, "/openapi.yaml": true}

// TestSpecMatchesRoutes fails when a route is served but not documented,
// or documented but not served.
func TestSpecMatchesRoutes(t *testing.T) {
	app := apitest.New(t)
	spec := specOperations(t)
	served := map[string]bool{}
	for _, r := range app.Server.Echo.Routes() {
		if strings.HasPrefix(r.Path, "/api/") || documentedPlatformPaths[r.Path] {
			served[r.Method+" "+apitest.OpenAPIPath(r.Path)] = true
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
	for _, role := range []string{"admin", "health_admin", "education_admin", "parking_admin", "parking_officer", "traffic_admin"} {
		tokens = append(tokens, app.NewStaff(role, "").Token)
	}
	tokens = append(tokens, app.NewStaff("traffic_officer", "0c6f3b5e-8a2d-4e71-9b40-5d1c7e3a9f26").Token)
	tokens = append(tokens, app.NewClient([]string{"webhooks:manage", "parking.permits:verify", "traffic.challans:issue"}, "").Token)
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
				if r.Problem(t, http.StatusBadRequest, "").RequestID != "malformed-probe" {
					t.Fatalf("request ID %q, want the one sent", r.Header.Get("X-Request-ID"))
				}
				return
			}
			t.Fatalf("no test account may call %s", op)
		})
	}
}

// TestSpecDescribesEveryOperation fails when an operation lacks what a
// third party needs to use it from the document alone: an operationId, a
// summary and description, a tag, a success response, problem+json errors,
// and the security it really has: a bearer token on every route that needs
// one, the OAuth2 scope of every route a client scope grants (read from the
// Casbin policy), and `security: []` on public routes.
func TestSpecDescribesEveryOperation(t *testing.T) {
	app := apitest.New(t)
	var grants []struct{ V0, V2, V3 string }
	if err := app.DB.Raw("SELECT v0, v2, v3 FROM casbin_rule WHERE ptype = 'p' AND v0 LIKE 'scope:%'").Scan(&grants).Error; err != nil {
		t.Fatal(err)
	}
	scopes := map[string][]string{} // permission -> scopes granting it
	for _, g := range grants {
		perm := g.V2 + ":" + g.V3
		scopes[perm] = append(scopes[perm], strings.TrimPrefix(g.V0, "scope:"))
	}
	routes := map[string]string{}
	for _, r := range app.Server.Routes() {
		routes[r.Method+" "+apitest.OpenAPIPath(r.Path)] = r.Permission
	}
	seen := map[string]string{}
	for path, methods := range readSpec(t).Paths {
		for method, op := range methods {
			name := strings.ToUpper(method) + " " + path
			if op.OperationID == "" || op.Summary == "" || op.Description == "" || len(op.Tags) == 0 {
				t.Errorf("%s lacks an operationId, summary, description or tag", name)
			}
			if other, dup := seen[op.OperationID]; dup {
				t.Errorf("%s and %s share operationId %q", name, other, op.OperationID)
			}
			seen[op.OperationID] = name
			success, problems := false, 0
			for code, res := range op.Responses {
				success = success || strings.HasPrefix(code, "2")
				if _, ok := res.Content["application/problem+json"]; ok || strings.HasPrefix(res.Ref, "#/components/responses/") {
					problems++
				}
			}
			if !success || problems == 0 {
				t.Errorf("%s documents no success response or no problem+json error", name)
			}
			if op.Security == nil {
				t.Errorf("%s does not say what security it needs (public operations say security: [])", name)
			}
			perm, served := routes[name]
			if !served || perm == web.Anyone || perm == web.ClientCredentials {
				if len(op.Security) != 0 {
					t.Errorf("%s is public but documents security %v", name, op.Security)
				}
				continue
			}
			want := map[string]bool{"BearerAuth": true}
			for _, sc := range scopes[perm] {
				want["OAuth2 "+sc] = true
			}
			got := map[string]bool{}
			for _, req := range op.Security {
				for scheme, sc := range req {
					if len(sc) == 0 {
						got[scheme] = true
					}
					for _, s := range sc {
						got[scheme+" "+s] = true
					}
				}
			}
			if !maps.Equal(got, want) {
				t.Errorf("%s (permission %s) documents security %v, want %v", name, perm, slices.Sorted(maps.Keys(got)), slices.Sorted(maps.Keys(want)))
			}
		}
	}
}
