package console_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/islamabad-digital/citizenapi/api"
	"github.com/islamabad-digital/citizenapi/api/apitest"
	"github.com/islamabad-digital/citizenapi/modules/health"
	"github.com/islamabad-digital/citizenapi/modules/identity"
)

// deskDay makes a facility with a doctor seeing patients from 10:00 on the
// clock's day (08:00 of tomorrow, so that the test never meets midnight),
// books one patient, and returns the facility and the appointment.
func deskDay(t *testing.T, app *apitest.App) (string, health.Appointment) {
	t.Helper()
	app.SetClock(app.At(1, 8, 0))
	facility := app.Facility()
	doctor := app.Practitioner(facility)
	app.Schedule(doctor, 0, 0, "10:00", "12:00", 30, 2)
	patient := app.NewCitizen()
	return facility, app.Book(patient, app.Slot(doctor, app.At(0, 10, 0)).ID, "")
}

// TestHealthDeskChecksPatientIn: the facility's desk signs in, sees the
// day's list and checks the patient in; the API shows the new status and
// the audit log holds the change, made by the desk.
func TestHealthDeskChecksPatientIn(t *testing.T) {
	app := apitest.New(t)
	facility, appt := deskDay(t, app)
	desk := app.NewStaff(identity.RoleHealthStaff, facility)
	ctx := apitest.Browser(t)

	signIn(t, ctx, app, desk.Email)
	open(t, ctx, app, "/console/health/day")
	row := "#appointment-" + appt.ID
	if got := text(t, ctx, row); !strings.Contains(got, appt.Patient.FullName) || !strings.Contains(got, "booked") {
		t.Fatalf("day list row %q, want the patient %q, booked", got, appt.Patient.FullName)
	}
	screenshot(t, ctx, "health-day")
	click(t, ctx, row+` form:first-of-type button`)
	if got := flash(ctx); !strings.Contains(got, "updated") {
		t.Fatalf("after check-in the page says %q", got)
	}
	if got := text(t, ctx, row+" .status"); got != "checked in" {
		t.Fatalf("status after check-in %q, want checked in", got)
	}

	var day health.AppointmentList
	app.Get(api.BasePath+"/admin/health/appointments?date="+app.Day(0), desk.Token).Want(t, http.StatusOK).JSON(t, &day)
	if len(day.Items) != 1 || day.Items[0].Status != health.StatusCheckedIn {
		t.Fatalf("the API's day list after the console's check-in: %+v", day.Items)
	}
	var audit struct {
		Items []struct {
			ActorID  string `json:"actor_id"`
			Action   string `json:"action"`
			TargetID string `json:"target_id"`
		} `json:"items"`
	}
	app.Get(api.BasePath+"/admin/audit?target_id="+appt.ID, app.Admin(identity.RoleAdmin).Token).Want(t, http.StatusOK).JSON(t, &audit)
	found := false
	for _, e := range audit.Items {
		found = found || (e.ActorID == desk.ID && e.Action == "health.appointment.checked_in" && e.TargetID == appt.ID)
	}
	if !found {
		t.Fatalf("no audit entry of the desk's check-in: %+v", audit.Items)
	}
}

// TestHealthDeskCannotReachAnotherFacility: a desk that edits the address
// to ask for another facility's day, or posts a status for another
// facility's appointment, is refused by the API's own rules and sees none
// of that facility's patients.
func TestHealthDeskCannotReachAnotherFacility(t *testing.T) {
	app := apitest.New(t)
	_, other := deskDay(t, app)
	own := app.Facility()
	desk := app.NewStaff(identity.RoleHealthStaff, own)
	ctx := apitest.Browser(t)
	signIn(t, ctx, app, desk.Email)

	open(t, ctx, app, "/console/health/day?facility_id="+other.Slot.FacilityID)
	if got := pageText(ctx); strings.Contains(got, other.Patient.FullName) || !strings.Contains(text(t, ctx, ".flash.error"), "your own facility") {
		t.Fatalf("another facility's day list showed %q", got)
	}

	// A hand-made form with this session's own CSRF token, for the other
	// facility's appointment.
	open(t, ctx, app, "/console/health/day")
	err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`window.consoleStale = true; (() => {
		const f = document.querySelector("form.sign-out").cloneNode(true);
		f.action = "/console/health/appointments/`+other.ID+`/status";
		f.insertAdjacentHTML("beforeend", '<input type="hidden" name="status" value="checked_in"><input type="hidden" name="back" value="/console/health/day">');
		document.body.appendChild(f); f.submit();
	})()`))
	if err == nil {
		err = waitNewPage(ctx)
	}
	if err != nil {
		t.Fatal(err)
	}
	if got := flash(ctx); got == "" || strings.Contains(got, "updated") {
		t.Fatalf("checking in another facility's patient said %q", got)
	}
	var day health.AppointmentList
	app.Get(api.BasePath+"/admin/health/appointments?date="+app.Day(0)+"&facility_id="+other.Slot.FacilityID,
		app.Admin(identity.RoleHealthAdmin).Token).Want(t, http.StatusOK).JSON(t, &day)
	if len(day.Items) != 1 || day.Items[0].Status != health.StatusBooked {
		t.Fatalf("the other facility's day after the attempt: %+v", day.Items)
	}
}
