package api_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/islamabad-digital/citizenapi/api/apitest"
)

// Benchmarks of the guard middleware on the real router: authenticating a
// bearer token (verify, load the account) and asking Casbin, then a cheap
// handler. Requests go to the server's ServeHTTP in process, so no socket
// time blurs the guard's cost. Compare runs with benchstat:
//
//	go test -run '^$' -bench . -count 10 ./api > old.txt

// benchServe sends a GET to the server in process and fails unless it
// answers want. It is safe for concurrent use.
func benchServe(b *testing.B, app *apitest.App, path, token string, want int) bool {
	req := httptest.NewRequest(http.MethodGet, path, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	rec := httptest.NewRecorder()
	app.Server.ServeHTTP(rec, req)
	if rec.Code != want {
		b.Errorf("GET %s = %d, want %d: %s", path, rec.Code, want, rec.Body)
		return false
	}
	return true
}

// benchGet runs GET path with token serially and in parallel.
func benchGet(b *testing.B, app *apitest.App, path, token string, want int) {
	b.Helper()
	if !benchServe(b, app, path, token, want) {
		b.FailNow()
	}
	b.Run("serial", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if !benchServe(b, app, path, token, want) {
				b.FailNow()
			}
		}
	})
	b.Run("parallel", func(b *testing.B) {
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if !benchServe(b, app, path, token, want) {
					return
				}
			}
		})
	})
}

// BenchmarkAuthorizedRequest is a citizen reading their profile: the guard
// admits the citizen's access token, then the handler loads the account.
func BenchmarkAuthorizedRequest(b *testing.B) {
	app := apitest.New(b)
	citizen := app.NewCitizen()
	benchGet(b, app, "/api/v1/me", citizen.Token, http.StatusOK)
}

// BenchmarkStaffAdminList is a platform admin listing staff accounts (one
// page of 20): the guard admits a staff token with a staff role.
func BenchmarkStaffAdminList(b *testing.B) {
	app := apitest.New(b)
	admin := app.NewStaff("admin", "")
	for _, role := range []string{"health_admin", "education_admin", "parking_admin"} {
		app.NewStaff(role, "")
	}
	benchGet(b, app, "/api/v1/admin/staff?limit=20", admin.Token, http.StatusOK)
}

// BenchmarkUnauthenticatedRequest is the baseline: the same route without
// a token, refused by the guard before any token or policy work, so the
// difference to BenchmarkAuthorizedRequest is the guard's and the
// handler's work.
func BenchmarkUnauthenticatedRequest(b *testing.B) {
	app := apitest.New(b)
	benchGet(b, app, "/api/v1/me", "", http.StatusUnauthorized)
}
