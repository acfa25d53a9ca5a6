package api_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/islamabad-digital/citizenapi/api/apitest"
	"github.com/islamabad-digital/citizenapi/domain"
	"github.com/islamabad-digital/citizenapi/modules/identity"
	"github.com/islamabad-digital/citizenapi/modules/parking"
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

// TestPlatesAreAnonymisedADayAfterAPermitEnds pays a one-month and a
// one-year permit and moves the clock past the first's end: a day later its
// plate is gone, while the one still running keeps its plate.
func TestPlatesAreAnonymisedADayAfterAPermitEnds(t *testing.T) {
	app := apitest.New(t)
	svc := parking.NewService(parking.Deps{DB: app.DB, Clock: app.Clock})
	ctx := context.Background()
	if _, err := svc.LoadDemo(ctx); err != nil {
		t.Fatal(err)
	}
	var zones struct {
		Items []struct{ ID string } `json:"items"`
	}
	app.Get("/api/v1/parking/zones?limit=1", "").JSON(t, &zones)
	c := app.NewCitizen()
	buy := func(plate string, months int) string {
		var v struct{ ID string }
		app.Post("/api/v1/parking/vehicles", c.Token, map[string]string{"plate": plate}).JSON(t, &v)
		var p struct{ ID string }
		r := app.Post("/api/v1/parking/permits", c.Token, map[string]any{"vehicle_id": v.ID, "zone_id": zones.Items[0].ID,
			"permit_type": "resident", "start_date": domain.LocalDate(app.Clock.Now()).Format(time.DateOnly), "months": months})
		r.JSON(t, &p)
		if r.Status != http.StatusCreated {
			t.Fatalf("buy: %d %s", r.Status, r.Body)
		}
		pay := app.Do(apitest.Request{Method: http.MethodPost, Path: "/api/v1/parking/permits/" + p.ID + "/payments", Token: c.Token,
			Body: map[string]string{"method": "sandbox"}, Header: map[string]string{"Idempotency-Key": p.ID}})
		if pay.Status != http.StatusOK {
			t.Fatalf("pay: %d %s", pay.Status, pay.Body)
		}
		return p.ID
	}
	short := buy("RIM-"+apitest.NewPhone()[9:], 1)
	long := buy("LEA-"+apitest.NewPhone()[9:], 12)
	app.Clock.Advance(33 * 24 * time.Hour)
	if _, err := svc.AnonymisePlates(ctx); err != nil {
		t.Fatal(err)
	}
	plate := func(id string) string {
		var p struct{ Plate string }
		app.Get("/api/v1/parking/permits/"+id, app.AccessToken(t, c.ID, "citizen", identity.Audience, token.Claims{})).JSON(t, &p)
		return p.Plate
	}
	if got := plate(short); got != parking.Anonymised {
		t.Errorf("ended permit's plate = %q, want %q", got, parking.Anonymised)
	}
	if got := plate(long); got == parking.Anonymised {
		t.Errorf("a permit still running lost its plate")
	}
}
