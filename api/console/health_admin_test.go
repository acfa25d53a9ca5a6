package console_test

import (
	"context"
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
	"github.com/islamabad-digital/citizenapi/modules/health"
	"github.com/islamabad-digital/citizenapi/modules/identity"
)

// TestHealthAdminSetsUpFacility: the health administrator adds a facility
// and a doctor, generates the doctor's slots for two days and sees them;
// the API holds the same facility, doctor and slots, and the audit log
// holds the changes, made by the administrator.
func TestHealthAdminSetsUpFacility(t *testing.T) {
	app := apitest.New(t)
	app.SetClock(app.At(0, 8, 0))
	admin := app.Admin(identity.RoleHealthAdmin)
	ctx := apitest.Browser(t)
	signIn(t, ctx, app, admin.Email)

	open(t, ctx, app, "/console/health/facilities")
	name := fmt.Sprintf("Console Clinic %d", rand.IntN(1_000_000_000))
	fill(t, ctx, "#name", name)
	setValueOf(t, ctx, "#kind", "hospital")
	fill(t, ctx, "#sector", "G-8/3")
	fill(t, ctx, "#address", "Street 1, G-8/3, Islamabad")
	fill(t, ctx, "#lat", "33.7006")
	fill(t, ctx, "#lng", "73.0502")
	fill(t, ctx, "#specialties", "cardiology, paediatrics")
	click(t, ctx, `#new-facility button[type="submit"]`)
	if got := flash(ctx); !strings.Contains(got, "facility is added") {
		t.Fatalf("after adding the facility the page says %q", got)
	}
	facilityID := pathID(t, ctx, "/console/health/facilities/")
	var f health.Facility
	app.Get(api.BasePath+"/health/facilities/"+facilityID, "").Want(t, http.StatusOK).JSON(t, &f)
	if f.Name != name || f.Kind != "hospital" || len(f.Specialties) != 2 {
		t.Fatalf("the API's facility after the console made it: %+v", f)
	}
	if href := attr(t, ctx, "#day-list", "href"); !strings.HasSuffix(href, "/console/health/day?facility_id="+facilityID) {
		t.Fatalf("the day list link is %q", href)
	}

	fill(t, ctx, "#full_name", "Dr. Console Test")
	fill(t, ctx, "#specialty", "cardiology")
	fill(t, ctx, "#pmdc_number", fmt.Sprintf("C%010d", rand.Int64N(10_000_000_000)))
	click(t, ctx, `#new-doctor button[type="submit"]`)
	if got := flash(ctx); !strings.Contains(got, "doctor is added") {
		t.Fatalf("after adding the doctor the page says %q", got)
	}
	var doctors health.PractitionerList
	app.Get(api.BasePath+"/health/practitioners?facility_id="+facilityID, "").Want(t, http.StatusOK).JSON(t, &doctors)
	if len(doctors.Items) != 1 || doctors.Items[0].FullName != "Dr. Console Test" {
		t.Fatalf("the API's doctors of the facility: %+v", doctors.Items)
	}
	doctor := doctors.Items[0].ID
	if got := text(t, ctx, "#doctor-"+doctor); !strings.Contains(got, "Dr. Console Test") {
		t.Fatalf("doctor row %q", got)
	}
	screenshot(t, ctx, "health-facility")

	// Two days, every weekday, 09:00 to 10:00 in 30 minutes: four slots.
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`document.querySelectorAll('input[name="weekdays"]').forEach(e => e.checked = true)`)); err != nil {
		t.Fatal(err)
	}
	setValueOf(t, ctx, "#practitioner_id", doctor)
	setValueOf(t, ctx, "#start_time", "09:00")
	setValueOf(t, ctx, "#end_time", "10:00")
	fill(t, ctx, "#slot_minutes", "30")
	fill(t, ctx, "#capacity", "2")
	setValueOf(t, ctx, "#from", app.Day(1))
	setValueOf(t, ctx, "#to", app.Day(2))
	click(t, ctx, `#new-schedule button[type="submit"]`)
	if got := flash(ctx); !strings.Contains(got, "4 slots created") {
		t.Fatalf("after generating slots the page says %q", got)
	}
	rows, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll("#slots tr.slot")].map(r => r.innerText)`))
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 4 || !strings.Contains(rows[0], app.Day(1)) || !strings.Contains(rows[0], "09:00") || !strings.Contains(rows[3], app.Day(2)) {
		t.Fatalf("slot rows after generating: %q", rows)
	}

	var slots health.SlotList
	q := url.Values{"practitioner_id": {doctor}, "include_full": {"true"}, "from": {app.At(1, 0, 0).Format(time.RFC3339)}, "to": {app.At(3, 0, 0).Format(time.RFC3339)}}
	app.Get(api.BasePath+"/health/slots?"+q.Encode(), "").Want(t, http.StatusOK).JSON(t, &slots)
	if len(slots.Items) != 4 || slots.Items[0].Capacity != 2 {
		t.Fatalf("the API's slots of the doctor: %+v", slots.Items)
	}
	wantAudit(t, app, facilityID, admin.ID, "health.facility.create")
	wantAudit(t, app, doctor, admin.ID, "health.schedule.create")

	open(t, ctx, app, "/console/health/facilities?q="+url.QueryEscape(name))
	if got := text(t, ctx, "#facility-"+facilityID); !strings.Contains(got, name) || !strings.Contains(got, "hospital") {
		t.Fatalf("facility row %q", got)
	}
	screenshot(t, ctx, "health-facilities")
}

// TestHealthAdminSeesRefusals: a facility the API refuses (no location on
// the map) is not made, and the API's field message shows on the form's
// page; a schedule with its times reversed likewise.
func TestHealthAdminSeesRefusals(t *testing.T) {
	app := apitest.New(t)
	facility := app.Facility()
	app.Practitioner(facility)
	admin := app.Admin(identity.RoleHealthAdmin)
	ctx := apitest.Browser(t)
	signIn(t, ctx, app, admin.Email)

	open(t, ctx, app, "/console/health/facilities/"+facility)
	setValueOf(t, ctx, "#start_time", "12:00")
	setValueOf(t, ctx, "#end_time", "10:00")
	click(t, ctx, `#new-schedule button[type="submit"]`)
	if got := text(t, ctx, ".flash.error"); !strings.Contains(got, "end_time") {
		t.Fatalf("a reversed schedule shows %q", got)
	}
	if !strings.HasSuffix(currentURL(t, ctx), "/console/health/facilities/"+facility) {
		t.Fatalf("a refused schedule returned to %s", currentURL(t, ctx))
	}
	if got := attrValue(t, ctx, "#start_time"); got != "12:00" {
		t.Errorf("the refused schedule's start time came back as %q, want what was typed", got)
	}

	// A facility off the map: refused, with what was typed still there.
	open(t, ctx, app, "/console/health/facilities")
	fill(t, ctx, "#new-facility #name", "Refused Clinic")
	fill(t, ctx, "#new-facility #sector", "G-9/4")
	fill(t, ctx, "#new-facility #address", "Street 1")
	fill(t, ctx, "#new-facility #lat", "0")
	fill(t, ctx, "#new-facility #lng", "0")
	click(t, ctx, `#new-facility button[type="submit"]`)
	if got := text(t, ctx, ".flash.error"); !strings.Contains(got, "location") {
		t.Fatalf("a facility off the map shows %q", got)
	}
	for sel, want := range map[string]string{"#new-facility #name": "Refused Clinic", "#new-facility #sector": "G-9/4", "#new-facility #address": "Street 1"} {
		if got := attrValue(t, ctx, sel); got != want {
			t.Errorf("after the refusal %s holds %q, want %q", sel, got, want)
		}
	}
	open(t, ctx, app, "/console/health/facilities")
	if got := attrValue(t, ctx, "#new-facility #name"); got != "" {
		t.Errorf("the typed name outlived the refusal's page: %q", got)
	}
}

// attrValue is the current value of the field sel.
func attrValue(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[string](fmt.Sprintf(`document.querySelector(%q).value`, sel)))
	if err != nil {
		t.Fatalf("read the value of %s: %v", sel, err)
	}
	return v
}

// setValueOf sets the value of a select, date or time field, whose typing
// depends on the browser's locale.
func setValueOf(t *testing.T, ctx context.Context, sel, value string) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.SetValue(chromedp.CSS(sel), value)); err != nil {
		t.Fatalf("set %s: %v (page: %s)", sel, err, pageText(ctx))
	}
}

// attr returns the attribute name of sel.
func attr(t *testing.T, ctx context.Context, sel, name string) string {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[string](fmt.Sprintf(`document.querySelector(%q).getAttribute(%q)`, sel, name)))
	if err != nil {
		t.Fatalf("read %s of %s: %v (page: %s)", name, sel, err, pageText(ctx))
	}
	return v
}

// currentURL is the address the browser shows.
func currentURL(t *testing.T, ctx context.Context) string {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[string](`location.href`))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// pathID is the ID that follows prefix in the browser's address.
func pathID(t *testing.T, ctx context.Context, prefix string) string {
	t.Helper()
	u, err := url.Parse(currentURL(t, ctx))
	if err != nil || !strings.HasPrefix(u.Path, prefix) {
		t.Fatalf("the browser is at %v, not under %s", u, prefix)
	}
	return strings.SplitN(strings.TrimPrefix(u.Path, prefix), "/", 2)[0]
}

// wantAudit fails unless the audit log holds action on target by actor.
func wantAudit(t *testing.T, app *apitest.App, target, actor, action string) {
	t.Helper()
	var audit struct {
		Items []struct {
			ActorID  string `json:"actor_id"`
			Action   string `json:"action"`
			TargetID string `json:"target_id"`
		} `json:"items"`
	}
	app.Get(api.BasePath+"/admin/audit?limit=100&target_id="+target, app.Admin(identity.RoleAdmin).Token).Want(t, http.StatusOK).JSON(t, &audit)
	for _, e := range audit.Items {
		if e.ActorID == actor && e.Action == action && e.TargetID == target {
			return
		}
	}
	t.Fatalf("no audit entry %s of %s by %s: %+v", action, target, actor, audit.Items)
}
