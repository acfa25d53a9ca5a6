package console_test

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/islamabad-digital/citizenapi/api"
	"github.com/islamabad-digital/citizenapi/api/apitest"
	"github.com/islamabad-digital/citizenapi/modules/identity"
	"github.com/islamabad-digital/citizenapi/modules/parking"
	"github.com/islamabad-digital/citizenapi/modules/traffic"
)

// TestTrafficOfficerIssuesAndAdminDecides: a sector's officer issues a
// challan on a citizen's plate from the console, in their own sector
// picked for them; the citizen contests it through the API; the traffic
// administrator finds it among the contested challans and cancels it. The
// API shows the challan as issued and then cancelled with the note, and
// the audit log names the officer and the administrator.
func TestTrafficOfficerIssuesAndAdminDecides(t *testing.T) {
	app := apitest.New(t)
	sectorID, sectorCode := app.Sector()
	app.Sector() // another sector, which the form must not pick
	offence := app.Offence(1500)
	citizen := app.NewCitizen()
	vehicleID := app.Vehicle(citizen)
	var vehicles parking.VehicleList
	app.Get(api.BasePath+"/parking/vehicles", citizen.Token).Want(t, http.StatusOK).JSON(t, &vehicles)
	plate := ""
	for _, v := range vehicles.Items {
		if v.ID == vehicleID {
			plate = v.Plate
		}
	}
	// The form's time is the minute it opened, which must not come before
	// the plate's registration: the challan goes to the plate's holder then.
	app.SetClock(app.Clock.Now().Add(2 * time.Minute))
	officer := app.NewStaff(identity.RoleTrafficOfficer, sectorID)
	ctx := apitest.Browser(t)

	signIn(t, ctx, app, officer.Email)
	open(t, ctx, app, "/console/traffic/issue")
	if got, _ := chromedp.Run(ctx, chromedp.Value(chromedp.CSS("#sector"))); got != sectorCode {
		t.Fatalf("the form picks sector %q, want the officer's %q", got, sectorCode)
	}
	fill(t, ctx, "#plate", strings.ToLower(strings.ReplaceAll(plate, "-", " ")))
	parkingChoose(t, ctx, "#offence_code", offence.Code)
	fill(t, ctx, "#place", "Jinnah Avenue near the Blue Area signal")
	screenshot(t, ctx, "traffic-issue")
	click(t, ctx, "#issue-challan button[type=submit]")
	if got := flash(ctx); !strings.Contains(got, "is issued for "+plate) {
		t.Fatalf("after issuing the page says %q", got)
	}

	var list traffic.ChallanList
	app.Get(api.BasePath+"/admin/traffic/challans?plate="+plate, officer.Token).Want(t, http.StatusOK).JSON(t, &list)
	if len(list.Items) != 1 {
		t.Fatalf("the API lists %d challans of %s, want the one issued", len(list.Items), plate)
	}
	ch := list.Items[0]
	if ch.Status != traffic.StatusIssued || ch.Offence.Code != offence.Code || ch.Sector != sectorCode || ch.AmountPKR != 1500 {
		t.Fatalf("the API's challan: %+v", ch)
	}
	open(t, ctx, app, "/console/traffic/challans")
	if got := text(t, ctx, "#challan-"+ch.ID); !strings.Contains(got, ch.Number) || !strings.Contains(got, "issued") {
		t.Fatalf("the officer's list row reads %q", got)
	}

	const statement = "My car was parked at home in G-9 at that time."
	app.Post(api.BasePath+"/traffic/challans/"+ch.ID+"/contest", citizen.Token, traffic.ContestRequest{Statement: statement}).Want(t, http.StatusOK)

	click(t, ctx, "form.sign-out button")
	admin := app.Admin(identity.RoleTrafficAdmin)
	signIn(t, ctx, app, admin.Email)
	open(t, ctx, app, "/console/traffic/challans?status=contested&sector="+sectorCode)
	row := "#challan-" + ch.ID
	if got := text(t, ctx, row); !strings.Contains(got, statement) || !strings.Contains(got, "contested") {
		t.Fatalf("the contested list's row reads %q", got)
	}
	screenshot(t, ctx, "traffic-challans")
	parkingChoose(t, ctx, "#decision-"+ch.ID, traffic.DecisionCancelled)
	// A textarea that is empty has nothing for fill to clear.
	if err := chromedp.Do(ctx, chromedp.SendKeys(chromedp.CSS("#note-"+ch.ID), "The photo shows another car; cancelled.")); err != nil {
		t.Fatal(err)
	}
	click(t, ctx, row+" form.traffic-decision button")
	if got := flash(ctx); !strings.Contains(got, "decision is recorded") {
		t.Fatalf("after deciding the page says %q", got)
	}

	var got traffic.Challan
	app.Get(api.BasePath+"/traffic/challans/"+ch.ID, citizen.Token).Want(t, http.StatusOK).JSON(t, &got)
	if got.Status != traffic.StatusCancelled || got.DecisionNote != "The photo shows another car; cancelled." {
		t.Fatalf("the citizen's challan after the decision: %s, %q", got.Status, got.DecisionNote)
	}
	wantAudit(t, app, ch.ID, officer.ID, "traffic.challan.issue")
	wantAudit(t, app, ch.ID, admin.ID, "traffic.challan.cancelled")
}

// TestTrafficOfficerKeptToOwnSector: an officer who asks the list for
// another sector sees the API's refusal beside the filters, and a challan
// issued there is refused with the API's message; nothing is issued.
func TestTrafficOfficerKeptToOwnSector(t *testing.T) {
	app := apitest.New(t)
	own, _ := app.Sector()
	_, otherCode := app.Sector()
	offence := app.Offence(1000)
	officer := app.NewStaff(identity.RoleTrafficOfficer, own)
	ctx := apitest.Browser(t)
	signIn(t, ctx, app, officer.Email)

	open(t, ctx, app, "/console/traffic/challans?sector="+otherCode)
	if got := text(t, ctx, ".flash.error"); !strings.Contains(got, "your own sector") {
		t.Fatalf("another sector's list says %q", got)
	}

	open(t, ctx, app, "/console/traffic/issue")
	fill(t, ctx, "#plate", "ICT-QQZ-77")
	parkingChoose(t, ctx, "#offence_code", offence.Code)
	// The form offers the officer's own sector only; a forged choice of
	// another is the API's to refuse.
	err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`(() => {
		const s = document.querySelector("#sector");
		s.add(new Option("other", "`+otherCode+`")); s.value = "`+otherCode+`";
	})()`))
	if err != nil {
		t.Fatal(err)
	}
	fill(t, ctx, "#place", "Srinagar Highway")
	click(t, ctx, "#issue-challan button[type=submit]")
	if got := text(t, ctx, ".flash.error"); !strings.Contains(got, "your own sector") {
		t.Fatalf("issuing in another sector says %q", got)
	}
	var list traffic.ChallanList
	app.Get(api.BasePath+"/admin/traffic/challans?plate=ICT-QQZ-77", app.Admin(identity.RoleTrafficAdmin).Token).Want(t, http.StatusOK).JSON(t, &list)
	if len(list.Items) != 0 {
		t.Fatalf("a challan was issued in another sector: %+v", list.Items)
	}
}

// TestTrafficAdminChangesOffences: the traffic administrator adds an
// offence to the schedule and changes its fines; the public schedule
// shows both.
func TestTrafficAdminChangesOffences(t *testing.T) {
	app := apitest.New(t)
	admin := app.Admin(identity.RoleTrafficAdmin)
	ctx := apitest.Browser(t)
	signIn(t, ctx, app, admin.Email)

	open(t, ctx, app, "/console/traffic/offences")
	code := fmt.Sprintf("NO_HELMET_%d", rand.IntN(1_000_000_000))
	fill(t, ctx, "#code", code)
	fill(t, ctx, "#title", "Riding without a helmet")
	fill(t, ctx, "#title_ur", "ہیلمٹ کے بغیر موٹر سائیکل چلانا")
	fill(t, ctx, "#fine_pkr", "1000")
	fill(t, ctx, "#late_fine_pkr", "2000")
	click(t, ctx, "#new-offence button[type=submit]")
	if got := flash(ctx); !strings.Contains(got, "added") {
		t.Fatalf("after adding an offence the page says %q", got)
	}
	if o := trafficOffence(t, app, code); o.FinePKR != 1000 || o.LateFinePKR != 2000 || o.DueDays != 14 || o.TitleUr != "ہیلمٹ کے بغیر موٹر سائیکل چلانا" {
		t.Fatalf("the API's new offence: %+v", o)
	}

	row := "#offence-" + code
	openDetails(t, ctx, row)
	fill(t, ctx, "#fine-"+code, "1200")
	fill(t, ctx, "#late-"+code, "2500")
	click(t, ctx, row+" form button")
	if got := flash(ctx); !strings.Contains(got, "updated") {
		t.Fatalf("after changing the offence the page says %q", got)
	}
	if o := trafficOffence(t, app, code); o.FinePKR != 1200 || o.LateFinePKR != 2500 || o.Title != "Riding without a helmet" {
		t.Fatalf("the API's changed offence: %+v", o)
	}
}

// trafficOffence reads the offence with code from the public schedule.
func trafficOffence(t *testing.T, app *apitest.App, code string) traffic.Offence {
	t.Helper()
	path := api.BasePath + "/traffic/offences?limit=100"
	for {
		var list traffic.OffenceList
		app.Get(path, "").Want(t, http.StatusOK).JSON(t, &list)
		for _, o := range list.Items {
			if o.Code == code {
				return o
			}
		}
		if list.NextCursor == nil {
			t.Fatalf("no offence %s in the API's schedule", code)
		}
		path = api.BasePath + "/traffic/offences?limit=100&cursor=" + url.QueryEscape(*list.NextCursor)
	}
}
