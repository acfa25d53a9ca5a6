package api_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/islamabad-digital/citizenapi/api/apitest"
	"github.com/islamabad-digital/citizenapi/platform/web"
)

// TestEveryRouteAnswersOnlyThoseItsPolicyAllows walks every registered
// route with every kind of caller (anonymous, a citizen, each staff role, a
// client holding every scope) and checks the answer against the Casbin
// policy in the database: a caller the policy does not allow gets 401 or
// 403, and one it allows never does (OWASP API5, broken function-level
// authorization).
func TestEveryRouteAnswersOnlyThoseItsPolicyAllows(t *testing.T) {
	app := apitest.New(t)
	unit := "3f1e2d4c-5b6a-4789-8a9b-0c1d2e3f4a5b"
	type actor struct {
		name     string
		token    string
		subjects []string
	}
	actors := []actor{{name: "anonymous"}, {name: "citizen", token: app.NewCitizen().Token, subjects: []string{"citizen"}}}
	for _, role := range []string{"admin", "health_admin", "health_staff", "education_admin", "education_staff", "parking_admin", "parking_officer"} {
		u := ""
		if strings.HasSuffix(role, "_staff") {
			u = unit
		}
		actors = append(actors, actor{name: role, token: app.NewStaff(role, u).Token, subjects: []string{role}})
	}
	scopes := []string{"health.slots:read", "health.appointments:read", "education.schools:read", "parking.permits:verify", "webhooks:manage"}
	client := actor{name: "client", token: app.NewClient(scopes, unit).Token}
	for _, sc := range scopes {
		client.subjects = append(client.subjects, "scope:"+sc)
	}
	actors = append(actors, client)

	var rules []struct{ V0, V2, V3 string }
	if err := app.DB.Raw("SELECT v0, v2, v3 FROM casbin_rule WHERE ptype = 'p'").Scan(&rules).Error; err != nil {
		t.Fatal(err)
	}
	granted := map[string]map[string]bool{}
	for _, r := range rules {
		perm := r.V2 + ":" + r.V3
		if granted[perm] == nil {
			granted[perm] = map[string]bool{}
		}
		granted[perm][r.V0] = true
	}
	const id = "7b0e9c1e-5d0a-4f4e-9d4b-2a6f0e8c1d3a"
	for _, route := range app.Server.Routes() {
		path := strings.NewReplacer(":id", id, ":delivery_id", id).Replace(route.Path)
		for _, a := range actors {
			// The token endpoint takes client credentials, never a bearer token.
			allowed := route.Permission == web.Anyone || route.Permission == web.ClientCredentials && a.token == ""
			for _, sub := range a.subjects {
				allowed = allowed || granted[route.Permission][sub]
			}
			var body any
			if route.Method != http.MethodGet && route.Method != http.MethodDelete {
				body = map[string]any{}
			}
			r := app.Do(apitest.Request{Method: route.Method, Path: path, Token: a.token, Body: body,
				Header: map[string]string{"Idempotency-Key": apitest.NewPhone()}})
			denied := r.Status == http.StatusUnauthorized || r.Status == http.StatusForbidden
			switch {
			case r.Status >= 500:
				t.Errorf("%s %s as %s: %d %s", route.Method, route.Path, a.name, r.Status, r.Body)
			case allowed && denied:
				t.Errorf("%s %s as %s: %d, but the policy allows it (%s)", route.Method, route.Path, a.name, r.Status, r.Body)
			case !allowed && !denied:
				t.Errorf("%s %s as %s: %d, but the policy does not allow it", route.Method, route.Path, a.name, r.Status)
			case !allowed && a.token == "" && r.Status != http.StatusUnauthorized:
				t.Errorf("%s %s anonymously: %d, want 401", route.Method, route.Path, r.Status)
			}
		}
	}
}
