package console_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/google/uuid"

	"github.com/islamabad-digital/citizenapi/api"
	"github.com/islamabad-digital/citizenapi/api/apitest"
	"github.com/islamabad-digital/citizenapi/modules/identity"
	"github.com/islamabad-digital/citizenapi/modules/parking"
)

// TestParkingWardenChecksPlates: a warden checks, in the zone, the plate
// of a paid permit typed as people say it, a plate without a permit and a
// malformed one, and sees valid with the permit's details, not valid, and
// the API's own refusal; the API answers the same.
func TestParkingWardenChecksPlates(t *testing.T) {
	app := apitest.New(t)
	zone := app.Zone(10)
	holder := app.NewCitizen()
	permit := app.Pay(holder, app.Permit(holder, app.Vehicle(holder), zone, 0, 1).ID)
	warden := app.NewStaff(identity.RoleParkingOfficer, "")
	ctx := apitest.Browser(t)

	signIn(t, ctx, app, warden.Email)
	open(t, ctx, app, "/console/parking/verify")
	check := func(plate string) {
		t.Helper()
		parkingChoose(t, ctx, "#zone_id", zone)
		fill(t, ctx, "#plate", plate)
		click(t, ctx, `form[role="search"] button`)
	}

	check(strings.ToLower(strings.ReplaceAll(permit.Plate, "-", " ")))
	got := text(t, ctx, "#parking-verdict.valid")
	for _, want := range []string{"Valid permit", permit.Plate, "resident", permit.StartDate + " to " + permit.EndDate} {
		if !strings.Contains(got, want) {
			t.Fatalf("the check of a paid permit's plate says %q, want %q in it", got, want)
		}
	}
	screenshot(t, ctx, "parking-verify-valid")

	other := fmt.Sprintf("ICT-QZX-%d", 1+rand.IntN(9999))
	check(other)
	if got := text(t, ctx, "#parking-verdict.invalid"); !strings.Contains(got, "Not valid") || !strings.Contains(got, other) {
		t.Fatalf("the check of a plate without a permit says %q", got)
	}
	screenshot(t, ctx, "parking-verify-invalid")

	check("ICT#12")
	if got := text(t, ctx, "#parking-verdict.flash.error"); !strings.Contains(got, "may hold only letters") {
		t.Fatalf("the check of a malformed plate says %q, want the API's message", got)
	}

	for plate, valid := range map[string]bool{permit.Plate: true, other: false} {
		var v parking.Verification
		app.Get(api.BasePath+"/parking/verify?zone_id="+zone+"&plate="+plate, warden.Token).Want(t, http.StatusOK).JSON(t, &v)
		if v.Valid != valid {
			t.Fatalf("the API says %s is valid: %v, want %v", plate, v.Valid, valid)
		}
	}
}

// TestParkingAdminDecidesPermits: the parking administrator approves a
// paid disabled driver's permit and revokes an active resident permit
// from the list; the API shows both changes, the plate check refuses the
// revoked permit, and the audit log names the administrator.
func TestParkingAdminDecidesPermits(t *testing.T) {
	app := apitest.New(t)
	admin := app.Admin(identity.RoleParkingAdmin)
	var zone parking.Zone
	app.Post(api.BasePath+"/admin/parking/zones", admin.Token, map[string]any{
		"name": fmt.Sprintf("Console Zone %d", rand.IntN(1_000_000_000)), "sector": "F-7", "permit_quota": 10,
		"tariffs": []map[string]any{{"permit_type": "resident", "months": 1, "amount_pkr": 1000}, {"permit_type": "disabled", "months": 1, "amount_pkr": 100}},
	}).Want(t, http.StatusCreated).JSON(t, &zone)

	driver := app.NewCitizen()
	var pending parking.Permit
	app.Post(api.BasePath+"/parking/permits", driver.Token, map[string]any{"vehicle_id": app.Vehicle(driver), "zone_id": zone.ID,
		"permit_type": "disabled", "start_date": app.Day(0), "months": 1}).Want(t, http.StatusCreated).JSON(t, &pending)
	app.Do(apitest.Request{Method: http.MethodPost, Path: api.BasePath + "/parking/permits/" + pending.ID + "/payments", Token: driver.Token,
		Body: map[string]any{"method": "sandbox"}, Header: map[string]string{"Idempotency-Key": uuid.NewString()}}).
		Want(t, http.StatusOK).JSON(t, &pending)
	if pending.Status != parking.StatusPendingApproval {
		t.Fatalf("a paid disabled permit is %s, want pending_approval", pending.Status)
	}
	resident := app.NewCitizen()
	active := app.Pay(resident, app.Permit(resident, app.Vehicle(resident), zone.ID, 0, 1).ID)

	ctx := apitest.Browser(t)
	signIn(t, ctx, app, admin.Email)
	open(t, ctx, app, "/console/parking/permits?zone_id="+zone.ID)
	for _, p := range []parking.Permit{pending, active} {
		if got := text(t, ctx, "#permit-"+p.ID); !strings.Contains(got, p.Plate) || !strings.Contains(got, zone.Name) {
			t.Fatalf("the list's row of %s reads %q", p.Plate, got)
		}
	}
	screenshot(t, ctx, "parking-permits")

	row := "#permit-" + pending.ID
	fill(t, ctx, row+" form.parking-approve input[name=reason]", "Disability certificate seen")
	click(t, ctx, row+" form.parking-approve button")
	if got := flash(ctx); !strings.Contains(got, "approved") {
		t.Fatalf("after approving the page says %q", got)
	}
	if got := text(t, ctx, row+" .status"); got != "active" {
		t.Fatalf("the approved permit reads %q", got)
	}

	row = "#permit-" + active.ID
	fill(t, ctx, row+" form.parking-revoke input[name=reason]", "Permit sticker misused")
	click(t, ctx, row+" form.parking-revoke button")
	if got := flash(ctx); !strings.Contains(got, "revoked") {
		t.Fatalf("after revoking the page says %q", got)
	}

	var got parking.Permit
	app.Get(api.BasePath+"/parking/permits/"+pending.ID, driver.Token).Want(t, http.StatusOK).JSON(t, &got)
	if got.Status != parking.StatusActive || got.Reason != "Disability certificate seen" {
		t.Fatalf("the API's approved permit: %s, %q", got.Status, got.Reason)
	}
	app.Get(api.BasePath+"/parking/permits/"+active.ID, resident.Token).Want(t, http.StatusOK).JSON(t, &got)
	if got.Status != parking.StatusRevoked || got.Reason != "Permit sticker misused" {
		t.Fatalf("the API's revoked permit: %s, %q", got.Status, got.Reason)
	}
	var v parking.Verification
	app.Get(api.BasePath+"/parking/verify?zone_id="+zone.ID+"&plate="+active.Plate, admin.Token).Want(t, http.StatusOK).JSON(t, &v)
	if v.Valid {
		t.Fatal("the plate check still finds the revoked permit valid")
	}
	wantAudit(t, app, pending.ID, admin.ID, "parking.permit.active")
	wantAudit(t, app, active.ID, admin.ID, "parking.permit.revoked")
}

// TestParkingAdminEditsZones: the parking administrator adds a zone with
// two tariffs, then raises its quota and one price; the public list shows
// the zone as entered and changed, with the other price kept.
func TestParkingAdminEditsZones(t *testing.T) {
	app := apitest.New(t)
	admin := app.Admin(identity.RoleParkingAdmin)
	ctx := apitest.Browser(t)
	signIn(t, ctx, app, admin.Email)

	open(t, ctx, app, "/console/parking/zones")
	name := fmt.Sprintf("Console Market %d", rand.IntN(1_000_000_000))
	fill(t, ctx, "#zone-name", name)
	fill(t, ctx, "#zone-sector", "G-9")
	fill(t, ctx, "#zone-quota", "5")
	fill(t, ctx, "#tariff_resident_1", "800")
	fill(t, ctx, "#tariff_business_3", "6000")
	click(t, ctx, "#new-zone button[type=submit]")
	if got := flash(ctx); !strings.Contains(got, "added") {
		t.Fatalf("after adding a zone the page says %q", got)
	}
	zone := parkingZoneNamed(t, app, name)
	if zone.Sector != "G-9" || zone.PermitQuota != 5 || parkingPrice(zone, "resident", 1) != 800 || parkingPrice(zone, "business", 3) != 6000 || len(zone.Tariffs) != 2 {
		t.Fatalf("the API's new zone: %+v", zone)
	}
	if got := text(t, ctx, "#zone-"+zone.ID); !strings.Contains(got, "0 of 5 places") || !strings.Contains(got, "resident, 1-month: Rs 800") {
		t.Fatalf("the list's row of the new zone reads %q", got)
	}
	screenshot(t, ctx, "parking-zones")

	open(t, ctx, app, "/console/parking/zones/"+zone.ID)
	fill(t, ctx, "#zone-quota", "7")
	fill(t, ctx, "#tariff_resident_1", "900")
	click(t, ctx, "#edit-zone button[type=submit]")
	if got := flash(ctx); !strings.Contains(got, "updated") {
		t.Fatalf("after changing the zone the page says %q", got)
	}
	zone = parkingZoneNamed(t, app, name)
	if zone.PermitQuota != 7 || parkingPrice(zone, "resident", 1) != 900 || parkingPrice(zone, "business", 3) != 6000 {
		t.Fatalf("the API's changed zone: %+v", zone)
	}
	wantAudit(t, app, zone.ID, admin.ID, "parking.zone.update")
}

// parkingChoose picks value in the select sel.
func parkingChoose(t *testing.T, ctx context.Context, sel, value string) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.SetValue(chromedp.CSS(sel), value)); err != nil {
		t.Fatalf("choose %s in %s: %v", value, sel, err)
	}
}

// parkingZoneNamed reads the zone called name from the public list.
func parkingZoneNamed(t *testing.T, app *apitest.App, name string) parking.Zone {
	t.Helper()
	path := api.BasePath + "/parking/zones?limit=100"
	for {
		var list parking.ZoneList
		app.Get(path, "").Want(t, http.StatusOK).JSON(t, &list)
		if i := slices.IndexFunc(list.Items, func(z parking.Zone) bool { return z.Name == name }); i >= 0 {
			return list.Items[i]
		}
		if list.NextCursor == nil {
			t.Fatalf("no zone %q in the API's list", name)
		}
		path = api.BasePath + "/parking/zones?limit=100&cursor=" + url.QueryEscape(*list.NextCursor)
	}
}

// parkingPrice is the zone's price of a permit type for months, or -1.
func parkingPrice(z parking.Zone, permitType string, months int) int64 {
	for _, tf := range z.Tariffs {
		if tf.PermitType == permitType && tf.Months == months && tf.AmountPKR != nil {
			return *tf.AmountPKR
		}
	}
	return -1
}
