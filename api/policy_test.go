package api_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/islamabad-digital/citizenapi/api/apitest"
	"github.com/islamabad-digital/citizenapi/platform/db"
)

// A policy change made by SQL on the shared database (as an operator, or
// another instance, would) applies on a running instance within a second,
// and so does taking it back.
func TestPolicyChangesReachEveryInstance(t *testing.T) {
	writer := apitest.New(t)
	if writer.DB.Dialect != db.Postgres {
		t.Skip("instances share a policy only on PostgreSQL; SQLite has one process")
	}
	other := apitest.New(t) // a second server on the same database
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	other.Server.RunBackground(ctx)
	c := other.NewCitizen()

	waitFor := func(want int) time.Duration {
		t.Helper()
		start := time.Now()
		for {
			got := other.Get("/api/v1/admin/staff", c.Token).Status
			if got == want {
				return time.Since(start)
			}
			if time.Since(start) > 3*time.Second {
				t.Fatalf("GET /admin/staff as a citizen = %d after %s, want %d", got, time.Since(start), want)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	waitFor(http.StatusForbidden) // also: the listener is up and has loaded once

	grant := "INSERT INTO casbin_rule (ptype, v0, v1, v2, v3) VALUES ('p', 'citizen', '*', 'identity.staff', 'manage')"
	if err := writer.DB.Exec(grant).Error; err != nil {
		t.Fatal(err)
	}
	revoke := "DELETE FROM casbin_rule WHERE ptype = 'p' AND v0 = 'citizen' AND v2 = 'identity.staff'"
	t.Cleanup(func() { writer.DB.Exec(revoke) })
	if took := waitFor(http.StatusOK); took > time.Second {
		t.Errorf("the grant took %s to apply, want under a second", took)
	}
	if err := writer.DB.Exec(revoke).Error; err != nil {
		t.Fatal(err)
	}
	if took := waitFor(http.StatusForbidden); took > time.Second {
		t.Errorf("the revocation took %s to apply, want under a second", took)
	}
}
