package owasp_test

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"testing"

	"github.com/islamabad-digital/citizenapi/api/apitest"
)

// FuzzRequestBodies sends arbitrary bodies to every operation that takes
// one, as a citizen, an admin and a client allowed to call it: whatever
// the body, the answer is never a server error.
func FuzzRequestBodies(f *testing.F) {
	app := apitest.New(f)
	tokens := []string{app.NewCitizen().Token, app.NewStaff("admin", "").Token, app.NewStaff("parking_admin", "").Token,
		app.NewStaff("health_admin", "").Token, app.NewStaff("education_admin", "").Token, app.NewStaff("traffic_admin", "").Token,
		app.NewClient([]string{"webhooks:manage", "parking.permits:verify", "traffic.challans:issue"}, "").Token}
	var ops []string
	spec, _ := owSpec(f)
	for _, op := range spec {
		if op.Body != "" {
			ops = append(ops, op.Method+" "+op.Path)
		}
	}
	sort.Strings(ops)
	for _, seed := range []string{`{}`, `{"slot_id":"7b0e9c1e-5d0a-4f4e-9d4b-2a6f0e8c1d3a"}`, `{"name":"x","scopes":["nope"]}`, `[`, `{"a":` + strings.Repeat("[", 100), `{"months":1e400}`, "\x00"} {
		f.Add(uint8(0), uint8(0), []byte(seed))
	}
	const id = "7b0e9c1e-5d0a-4f4e-9d4b-2a6f0e8c1d3a"
	f.Fuzz(func(t *testing.T, op, who uint8, body []byte) {
		method, path, _ := strings.Cut(ops[int(op)%len(ops)], " ")
		path = strings.NewReplacer("{id}", id, "{delivery_id}", id).Replace(path)
		req := httptest.NewRequest(method, path, bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+tokens[int(who)%len(tokens)])
		if strings.HasSuffix(path, "/oauth/token") {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		rec := httptest.NewRecorder()
		app.Server.ServeHTTP(rec, req)
		if rec.Code >= http.StatusInternalServerError && rec.Code != http.StatusServiceUnavailable {
			t.Fatalf("%s %s with %q: %d %s", method, path, body, rec.Code, rec.Body)
		}
	})
}
