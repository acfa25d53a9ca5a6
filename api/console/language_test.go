package console_test

import (
	"strings"
	"testing"
	"unicode"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/islamabad-digital/citizenapi/api/apitest"
	"github.com/islamabad-digital/citizenapi/modules/identity"
)

// urdu reports whether s is written mostly in Urdu's (Arabic) script.
func urdu(s string) bool {
	var arabic, latin int
	for _, r := range s {
		switch {
		case unicode.Is(unicode.Arabic, r):
			arabic++
		case unicode.IsLetter(r):
			latin++
		}
	}
	return arabic > latin
}

// TestConsoleInUrduByKeyboard: a desk signs in with the keyboard alone,
// switches to Urdu and gets right-to-left pages in Urdu, the API's own
// refusals in Urdu, and a tampered form refused, in Urdu.
func TestConsoleInUrduByKeyboard(t *testing.T) {
	app := apitest.New(t)
	facility, appt := deskDay(t, app)
	desk := app.NewStaff(identity.RoleHealthStaff, facility)
	ctx := apitest.Browser(t)

	open(t, ctx, app, "/console/sign-in")
	err := chromedp.Do(ctx, chromedp.KeyEvent(desk.Email), chromedp.KeyEvent(kb.Tab), chromedp.KeyEvent(apitest.StaffPassword),
		chromedp.Evaluate[chromedp.Void](`window.consoleStale = true`), chromedp.KeyEvent(kb.Enter))
	if err == nil {
		err = waitNewPage(ctx)
	}
	if err != nil || !strings.Contains(pageText(ctx), "Sign out") {
		t.Fatalf("signing in by keyboard: %v (page: %s)", err, pageText(ctx))
	}

	click(t, ctx, `a[lang="ur"]`)
	open(t, ctx, app, "/console/health/day")
	dir, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.documentElement.lang + " " + document.documentElement.dir`))
	if err != nil || dir != "ur rtl" {
		t.Fatalf("html lang and dir %q (%v), want ur rtl", dir, err)
	}
	if h := text(t, ctx, "main h1"); !urdu(h) {
		t.Errorf("the heading %q is not in Urdu", h)
	}
	if row := text(t, ctx, "#appointment-"+appt.ID); !strings.Contains(row, "بُک شدہ") {
		t.Errorf("the appointment's status is not in Urdu: %q", row)
	}
	screenshot(t, ctx, "health-day-ur")

	open(t, ctx, app, "/console/health/day?date=2027-02-30")
	if msg := text(t, ctx, ".flash.error"); !urdu(msg) {
		t.Errorf("the API's refusal of a bad date is not in Urdu: %q", msg)
	}

	open(t, ctx, app, "/console/health/day")
	err = chromedp.Do(ctx, chromedp.SetValue(chromedp.CSS(`#appointment-`+appt.ID+` input[name="csrf"]`), "forged"))
	if err != nil {
		t.Fatal(err)
	}
	click(t, ctx, `#appointment-`+appt.ID+` form:first-of-type button`)
	if msg := text(t, ctx, ".flash.error"); !urdu(msg) || !strings.Contains(pageText(ctx), "کنسول") {
		t.Errorf("a forged form was answered %q", msg)
	}
	if got := app.Get("/api/v1/admin/health/appointments?date="+app.Day(0), desk.Token).Map(t)["items"].([]any)[0].(map[string]any)["status"]; got != "booked" {
		t.Errorf("the forged form changed the status to %v", got)
	}
}
