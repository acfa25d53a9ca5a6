package api_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"github.com/islamabad-digital/citizenapi/api/apitest"
	"github.com/islamabad-digital/citizenapi/modules/identity"
	"github.com/islamabad-digital/citizenapi/platform/web"
)

// Every route is mounted with a permission that some policy grants, and
// the administration routes refuse everyone outside their department.

// placeholderID is a well-formed UUID that names nothing.
const placeholderID = "8d9c1e7e-9a43-4d5b-9a2f-0b7f6a1d2c3e"

// adminDepartment is the department an admin route belongs to.
func adminDepartment(path string) string {
	first, _, _ := strings.Cut(strings.TrimPrefix(path, v1+"/admin/"), "/")
	switch first {
	case "health", "education", "parking":
		return first
	}
	return "platform"
}

// concretePath fills the path parameters of a route pattern with a placeholder UUID.
func concretePath(pattern string) string {
	segments := strings.Split(pattern, "/")
	for i, s := range segments {
		if strings.HasPrefix(s, ":") || s == "*" {
			segments[i] = placeholderID
		}
	}
	return strings.Join(segments, "/")
}

func TestAdminRoutesRoleMatrix(t *testing.T) {
	app := apitest.New(t)
	citizen := app.NewCitizen()
	staff := map[string]string{} // role → token
	departments := map[string]string{
		identity.RoleHealthAdmin: "health", identity.RoleHealthStaff: "health",
		identity.RoleEducationAdmin: "education", identity.RoleEducationStaff: "education",
		identity.RoleParkingAdmin: "parking", identity.RoleParkingOfficer: "parking",
	}
	for role := range departments {
		unit := ""
		if role == identity.RoleHealthStaff || role == identity.RoleEducationStaff {
			unit = uuid.NewString()
		}
		staff[role] = app.NewStaff(role, unit).Token
	}

	checked := 0
	for _, route := range app.Server.Routes() {
		if !strings.HasPrefix(route.Path, v1+"/admin") {
			continue
		}
		checked++
		path := concretePath(route.Path)
		var body any
		if route.Method == http.MethodPost || route.Method == http.MethodPut || route.Method == http.MethodPatch {
			body = "{}"
		}
		call := func(token string) *apitest.Response {
			return app.Do(apitest.Request{Method: route.Method, Path: path, Token: token, Body: body})
		}
		t.Run(route.Method+" "+route.Path, func(t *testing.T) {
			if route.Permission == web.Anyone || route.Permission == web.ClientCredentials {
				t.Fatalf("admin route %s %s is public", route.Method, route.Path)
			}
			call("").Problem(t, http.StatusUnauthorized, "")
			call(citizen.Token).Problem(t, http.StatusForbidden, "")
			dept := adminDepartment(route.Path)
			for role, tok := range staff {
				if departments[role] == dept {
					continue
				}
				if r := call(tok); r.Status != http.StatusForbidden {
					t.Errorf("%s (department %s) on a %s route: %d %s, want 403", role, departments[role], dept, r.Status, r.Body)
				}
			}
		})
	}
	if checked < 6 {
		t.Fatalf("only %d admin routes found", checked)
	}
}

func TestEveryRouteHasAPermission(t *testing.T) {
	app := apitest.New(t)
	registered := map[string]web.Route{}
	for _, r := range app.Server.Routes() {
		registered[r.Method+" "+r.Path] = r
	}
	seen := 0
	for _, r := range app.Server.Echo.Routes() {
		if !strings.HasPrefix(r.Path, v1) || r.Method == echo.RouteNotFound {
			continue
		}
		seen++
		route, ok := registered[r.Method+" "+r.Path]
		if !ok || route.Permission == "" {
			t.Errorf("%s %s is mounted without a permission", r.Method, r.Path)
		}
	}
	if seen == 0 {
		t.Fatal("no routes under " + v1)
	}

	for _, route := range app.Server.Routes() {
		if route.Permission == web.Anyone || route.Permission == web.ClientCredentials {
			continue
		}
		obj, act, ok := strings.Cut(route.Permission, ":")
		if !ok || obj == "" || act == "" {
			t.Errorf("%s %s: permission %q is not object:action", route.Method, route.Path, route.Permission)
			continue
		}
		var n int64
		if err := app.DB.Raw("SELECT count(*) FROM casbin_rule WHERE ptype = 'p' AND v2 = ? AND v3 = ?", obj, act).Scan(&n).Error; err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			t.Errorf("%s %s: no policy grants %s, so nobody can call it", route.Method, route.Path, route.Permission)
		}
	}
}
