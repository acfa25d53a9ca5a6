package identity_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/islamabad-digital/citizenapi/api/apitest"
	"github.com/islamabad-digital/citizenapi/modules/identity"
	"github.com/islamabad-digital/citizenapi/platform/audit"
	"github.com/islamabad-digital/citizenapi/platform/notify"
	"github.com/islamabad-digital/citizenapi/platform/token"
)

// TestUnverifiedAccountsArePurgedAfterAWeek registers without verifying:
// after six days the account is kept, after eight it is gone and its CNIC
// and phone can be registered again.
func TestUnverifiedAccountsArePurgedAfterAWeek(t *testing.T) {
	app := apitest.New(t)
	svc := identity.NewService(identity.Deps{DB: app.DB, Clock: app.Clock, Hasher: identity.NewHasher(),
		Signer: token.NewSigner(apitest.Keys, "citizenapi", app.Clock.Now), Sender: notify.NewDevSender(app.DB, app.Clock), Audit: audit.NewLog(app.DB, app.Clock)})
	verified := app.NewCitizen()
	cnic, phone := apitest.NewCNIC(), apitest.NewPhone()
	register := func() int {
		return app.Post("/api/v1/auth/register", "", map[string]string{"cnic": cnic, "phone": phone, "full_name": "Never Verified", "password": "a long pass phrase"}).Status
	}
	if s := register(); s != http.StatusCreated {
		t.Fatalf("register: %d", s)
	}
	ctx := context.Background()
	app.Clock.Advance(6 * 24 * time.Hour)
	if _, err := svc.PurgeUnverified(ctx); err != nil {
		t.Fatal(err)
	}
	if s := register(); s != http.StatusConflict {
		t.Fatalf("after 6 days the account must still exist: register again gave %d, want 409", s)
	}
	app.Clock.Advance(2 * 24 * time.Hour)
	if _, err := svc.PurgeUnverified(ctx); err != nil {
		t.Fatal(err)
	}
	if s := register(); s != http.StatusCreated {
		t.Fatalf("after 8 days the account must be gone: register again gave %d, want 201", s)
	}
	var n int64
	app.DB.Raw("SELECT count(*) FROM accounts WHERE id = ?", verified.ID).Scan(&n)
	if n != 1 {
		t.Fatal("a verified account was purged")
	}
}
