package owasp_test

import (
	"net/http"
	"testing"

	"github.com/islamabad-digital/citizenapi/api/apitest"
	"github.com/islamabad-digital/citizenapi/modules/identity"
)

// TestOWASPInvalidUTF8IsNeverStored (API8:2023, injection): a body string
// that is not UTF-8, at the top of a body or inside an array, is refused
// with 400 naming it, and nothing of the request reaches the database
// (encoding/json would otherwise store U+FFFD in place of the bytes).
func TestOWASPInvalidUTF8IsNeverStored(t *testing.T) {
	app := apitest.New(t)
	c := app.NewCitizen()
	healthAdmin := app.Admin(identity.RoleHealthAdmin).Token
	const bad = "A\xff\xfeB"
	cases := []struct {
		name, path, token, body, field string
		// stored counts the rows the request would have made.
		stored string
		args   []any
	}{
		{"a dependant's name", v1 + "/me/dependants", c.Token,
			`{"full_name":"` + bad + `","relation":"child","date_of_birth":"2020-06-10","gender":"female"}`, "full_name",
			"SELECT count(*) FROM dependants WHERE owner_id = ?", []any{c.ID}},
		{"a vehicle's make", v1 + "/parking/vehicles", c.Token,
			`{"plate":"UTF-8","make":"` + bad + `"}`, "make",
			"SELECT count(*) FROM vehicles WHERE account_id = ?", []any{c.ID}},
		{"a facility's specialty", v1 + "/admin/health/facilities", healthAdmin,
			`{"name":"UTF-8 Test Clinic","kind":"clinic","sector":"F-6","address":"Street 1, F-6","location":{"lat":33.7,"lng":73.1},"specialties":["ok","` + bad + `"]}`,
			"specialties[1]", "SELECT count(*) FROM health_facilities WHERE name = ?", []any{"UTF-8 Test Clinic"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := app.Do(apitest.Request{Method: http.MethodPost, Path: tc.path, Token: tc.token, Body: tc.body})
			r.Problem(t, http.StatusBadRequest, tc.field)
			var n int64
			if err := app.DB.Raw(tc.stored, tc.args...).Scan(&n).Error; err != nil {
				t.Fatal(err)
			}
			if n != 0 {
				t.Errorf("%d rows were stored", n)
			}
		})
	}
}
