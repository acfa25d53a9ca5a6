package owasp_test

import (
	"net/http"
	"sort"
	"strings"
	"testing"

	"github.com/islamabad-digital/citizenapi/api/apitest"
)

// owErrorsRevealNothing (API8:2023 security misconfiguration, API3
// excessive data exposure): every route, anonymously, with a forged token,
// as citizen B (in Urdu) and as a caller the policy allows, gets malformed
// path parameters, broken bodies, junk queries and unknown methods. Every
// error is problem+json (RFC 6749 JSON at the token endpoint) without stack
// traces, source files, SQL, driver names or file paths, nothing is a server
// error, and nothing B or an anonymous caller gets shows A's CNIC or phone.
func owErrorsRevealNothing(t *testing.T, w *owWorld, bodies map[string]owBody) {
	w = w.as(t)
	secrets := w.aSecrets()
	pathValues := map[string]string{
		"missing": owRandomID(), "not a UUID": "not-a-uuid", "sql": "'%20OR%201=1--", "traversal": "..%2F..%2F..%2Fetc%2Fpasswd",
		"NUL": "%00", "3000 digits": strings.Repeat("9", 3000),
	}
	brokenBodies := map[string]string{
		"unclosed": `{"broken": `, "null": "null", "empty object": "{}",
		"wrong types":   `{"id":1,"status":["x"],"slot_id":{},"months":"twelve","grade":1.5,"limit":true}`,
		"control bytes": "\x00\x01\x02", "number too big": `{"months":1e400,"grade":99999999999999999999}`,
	}
	type caller struct {
		name, token  string
		header       map[string]string
		secrets      []string
		paths, forms bool // whether to send the path and the body variants
	}
	routes := w.app.Server.Routes()
	sort.Slice(routes, func(i, j int) bool { return routes[i].Path+routes[i].Method < routes[j].Path+routes[j].Method })
	sent := 0
	for _, route := range routes {
		op := route.Method + " " + apitest.OpenAPIPath(route.Path)
		allowed, _, _ := w.owListCaller(apitest.OpenAPIPath(route.Path))
		if b, ok := bodies[op]; ok {
			allowed = b.token
		}
		if strings.Contains(route.Path, "/admin/") && allowed == "" {
			allowed = w.admin.Token
		}
		callers := []caller{
			{name: "anonymous", secrets: secrets},
			{name: "forged token", token: "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.", secrets: secrets},
			{name: "citizen B in Urdu", token: w.b.Token, header: map[string]string{"Accept-Language": "ur"}, secrets: secrets, paths: true},
			{name: "allowed caller", token: allowed, paths: true, forms: true},
		}
		t.Run(op, func(t *testing.T) {
			do := func(c caller, method, path string, body any, what string) {
				t.Helper()
				h := map[string]string{"Idempotency-Key": owRandomID()}
				for k, v := range c.header {
					h[k] = v
				}
				if strings.HasSuffix(path, "/oauth/token") {
					h["Content-Type"] = "application/x-www-form-urlencoded"
				}
				r := w.app.Do(apitest.Request{Method: method, Path: path, Token: c.token, Body: body, Header: h})
				sent++
				owCheck(t, c.name+" "+method+" "+path+" "+what, r, c.secrets...)
			}
			valid := any(nil)
			if b, ok := bodies[op]; ok {
				valid = b.body
			} else if route.Method != http.MethodGet && route.Method != http.MethodDelete {
				valid = "{}"
			}
			plain := strings.NewReplacer(":id", owRandomID(), ":delivery_id", owRandomID()).Replace(route.Path)
			empty := any(nil) // reaches the handler without creating anything
			if valid != nil {
				empty = "{}"
			}
			for _, c := range callers {
				do(c, route.Method, plain+"?limit=abc&cursor=%21%21&x=%00", empty, "with a junk query")
				if c.paths && strings.Contains(route.Path, ":") {
					for label, v := range pathValues {
						do(c, route.Method, strings.NewReplacer(":id", v, ":delivery_id", v).Replace(route.Path), valid, "path "+label)
					}
				}
				if c.forms && valid != nil {
					for label, b := range brokenBodies {
						do(c, route.Method, plain, b, "body "+label)
					}
				}
				if c.forms {
					do(c, "PROPFIND", plain, nil, "unknown method")
				}
			}
		})
	}
	t.Run("outside the routes", func(t *testing.T) {
		for _, path := range []string{"/api/v1/../../etc/passwd", "/api/v1/%2e%2e/%2e%2e/etc/passwd", "/swagger/..%2f..%2fetc%2fpasswd", "/swagger/nothing-here",
			"/api/v2/health/facilities", "/.git/config", "/.env", "/debug/pprof/goroutine?debug=2", "/metrics", "/dev/messages?to=%00&limit=abc",
			"/api/v1/health/facilities/" + strings.Repeat("a", 10_000)} {
			t.Run(path[:min(len(path), 60)], func(t *testing.T) {
				r := w.app.Get(path, "")
				sent++
				owCheck(t, "GET "+path, r, secrets...)
				if r.Status == http.StatusOK && !strings.HasPrefix(path, "/dev/messages") {
					t.Errorf("GET %s: 200 %s", path, owShort(r.Body))
				}
			})
		}
	})
	t.Logf("%d requests over %d routes", sent, len(routes))
}
